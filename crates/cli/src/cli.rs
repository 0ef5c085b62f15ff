//! Command-line definitions (clap) and the commands' glue.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::color::{self, ColorChoice, Paint};
use crate::{progress, report};
use palett_model::{Method, RunOptions};
use palett_runner::batch::{FileStatus, Index};
use palett_runner::config::FileKind;
use palett_runner::diagnostic::Diagnostic;
use palett_runner::output::{ComparisonTable, Output};
use palett_runner::samples::SamplesOut;
use palett_runner::shard::Shard;
use palett_runner::{discover, load_scenario, profile_table};

/// Most worker threads `--threads` accepts: more would only cost memory.
const MAX_THREADS: u32 = 256;

/// Writes `bytes` to stdout. A reader that stopped reading (`| head`) is
/// not an error: the rest is dropped quietly.
pub(crate) fn print_out(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes).and_then(|()| out.flush());
}

/// Exit codes, documented in `--help`.
pub mod exit {
    /// Everything ran and every assertion holds.
    pub const OK: u8 = 0;
    /// A scenario's assertion failed.
    pub const ASSERTION_FAILED: u8 = 1;
    /// Usage error (clap's own code).
    pub const USAGE: u8 = 2;
    /// A file was invalid or a run failed (the others still ran).
    pub const INVALID: u8 = 3;
}

const AFTER_HELP: &str = "\
Examples:
  palett run scenarios/                       run every shipped scenario, results in results/
  palett run scenarios/sodertalje.ron --samples 100000 --threads 2
  palett run scenarios/herrgarden.ron --deterministic
  palett params scenarios/sodertalje.ron
  palett sensitivity scenarios/sodertalje.ron --oneway
  palett discover scenarios/kommun-budget.ron --mix school_first --when \"not best\"
  palett table scenarios/lib/seed-profiles.ron --profile sammy --years 1,2,5,10,12,15
  palett table scenarios/seed-cases.ron --profile patrik --years 1,4,10,20,30 --format csv
  palett validate scenarios/
  palett run scenarios/ --report              results plus results/index.html and a report per scenario
  palett show results/sodertalje --mix four_tracks_together
  palett show --actors                        what kommun, rattsvasende … mean

Exit codes:
  0  all ran and all assertions hold
  1  an assertion failed
  2  usage error
  3  a file was invalid or a run failed (the others still ran and were written)";

/// palett: socio-economic scenario modelling of social investment.
///
/// What does doing nothing cost, for whom, and what does each mix of
/// interventions save — when, and how sure are we?
#[derive(Debug, Parser)]
#[command(name = "palett", version, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour on the terminal: auto (a terminal without NO_COLOR or TERM=dumb), always or never.
    #[arg(long, value_enum, global = true, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print one profile's cumulative present value per actor at chosen years.
    #[command(
        after_help = "Example:\n  palett table scenarios/seed-cases.ron --profile sammy --years 1,2,5,10,12,15 --format csv"
    )]
    Table {
        /// A scenario or library file that defines the profile.
        file: PathBuf,
        /// The profile's name.
        #[arg(long)]
        profile: String,
        /// Comma-separated years of the case (1 = first year), e.g. 1,4,10,20,30.
        #[arg(long, value_delimiter = ',', required = true, value_parser = parse_case_year)]
        years: Vec<u32>,
        /// Discount rate (share per year, e.g. 0.04); default: the scenario's.
        #[arg(long)]
        rate: Option<f64>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
    },
    /// Run scenarios: compare every mix with doing nothing, with uncertainty ranges.
    #[command(
        after_help = "Writes DIR/<file stem>/summary.json and by_year.csv per scenario (files sharing a stem get\n<parent>-<stem>, then -2, -3, ...; a file given twice runs once) and DIR/index.json for the batch\n(docs/output-format.md). Prints a comparison table per scenario on stdout.\n\nExamples:\n  palett run scenarios/\n  palett run scenarios/sodertalje.ron --samples 100000 --seed 7 --threads 2\n  palett run scenarios/herrgarden.ron --deterministic --format json\n\nExit codes: 0 all ran and all assertions hold; 1 an assertion failed; 2 usage error;\n3 a file was invalid or a run failed (the others still ran and were written)."
    )]
    Run {
        /// Scenario files or directories (searched for *.ron; library files are skipped).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Monte Carlo samples, e.g. 100000, 100_000 or 1e5 (default: the file's `run.samples`,
        /// else 10000).
        #[arg(long, value_parser = parse_count)]
        samples: Option<u64>,
        /// Seed of the random streams (default: the file's, else 1).
        #[arg(long)]
        seed: Option<u64>,
        /// Sampling method (default: the file's, else lhs).
        #[arg(long, value_enum)]
        method: Option<MethodArg>,
        /// Base case only: every input at its central value, one sample (so no --samples,
        /// --seed, --method or --target-se).
        #[arg(long, conflicts_with_all = ["samples", "seed", "method", "target_se"])]
        deterministic: bool,
        /// Stop early once every mix's standard error of mean NPV is below this (SEK).
        #[arg(long)]
        target_se: Option<f64>,
        /// Hold an uncertain input at a value in every sample, by its `palett params` path
        /// (repeatable), e.g. --set interventions.tore.reach=0.6.
        #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
        set: Vec<(String, f64)>,
        /// Skip the analysis (sensitivity, value of information, acceptability) and sensitivity.json.
        #[arg(long)]
        no_sensitivity: bool,
        /// Write each sample's inputs and every mix's NPV (total and per actor) to this file:
        /// CSV, or Parquet if it ends in .parquet (build with --features parquet); one scenario
        /// file only.
        #[arg(long, value_name = "FILE", value_parser = parse_out_file)]
        samples_out: Option<PathBuf>,
        /// At most this many samples (rows) in --samples-out.
        #[arg(long, value_name = "N", value_parser = parse_count,
              default_value_t = palett_runner::samples::DEFAULT_LIMIT)]
        samples_out_limit: u64,
        /// Worker threads, 1 to 256 (default: all cores). Results do not depend on it.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_THREADS as i64))]
        threads: Option<u32>,
        /// Output directory (created when missing).
        #[arg(long, default_value = "results", value_parser = parse_out_dir)]
        out: PathBuf,
        /// Terminal output: comparison tables, or the whole batch as one JSON document (status,
        /// errors with places, warnings, assertions, headline numbers; docs/ci.md).
        #[arg(long, value_enum, default_value_t = RunFormat::Text)]
        format: RunFormat,
        /// Also write a JUnit XML report: one test case per assertion and per file (docs/ci.md).
        #[arg(long, value_name = "FILE", value_parser = parse_out_file)]
        junit: Option<PathBuf>,
        /// Print problems, failed assertions and warnings as CI annotations on stdout
        /// (github: `::error file=…,line=…,col=…::message`).
        #[arg(long, value_enum, value_name = "KIND", conflicts_with = "format")]
        annotations: Option<AnnotationsArg>,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// Also write an HTML report per scenario (OUT/SCENARIO/report.html,
        /// figures in OUT/SCENARIO/figures/) and OUT/index.html.
        #[arg(long)]
        report: bool,
        /// Run only the K-th of N parts of the work and write OUT/STEM.part-K-of-N, to be
        /// combined by `palett merge` (docs/distributed.md).
        #[arg(long, value_name = "K/N", value_parser = parse_shard,
              conflicts_with_all = ["samples_out", "report", "target_se", "format"])]
        shard: Option<Shard>,
    },
    /// Merge the parts of a sharded run into the results of a one-machine run, byte for byte.
    #[command(
        after_help = "PARTS are files written by `palett run … --shard K/N` or folders holding them. Writes\nDIR/<stem>/ and DIR/index.json as `palett run` does (docs/distributed.md). Refuses parts of\ndifferent runs, a shard given twice, and missing shards (unless --allow-missing).\n\nExamples:\n  palett run scenarios/sodertalje.ron --samples 1000000 --shard 3/8 --out parts\n  palett merge parts/ --out results"
    )]
    Merge {
        /// Part files, or folders searched for *.part-K-of-N files.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
        /// Output directory (created when missing).
        #[arg(long, default_value = "results", value_parser = parse_out_dir)]
        out: PathBuf,
        /// Merge what is there when shards are missing; summary.json names them and the
        /// planned sample count.
        #[arg(long)]
        allow_missing: bool,
        /// Terminal output: comparison tables, or the summaries as JSON.
        #[arg(long, value_enum, default_value_t = RunFormat::Text)]
        format: RunFormat,
    },
    /// Write HTML reports and figures from result folders (docs/report.md).
    #[command(
        after_help = "DIR is an output folder of `palett run` (a report per scenario folder in it and DIR/index.html)\nor one scenario's result folder. Writes DIR/<stem>/report.html and DIR/<stem>/figures/*.svg|png.\nThe pages are self-contained: they read offline and load nothing from elsewhere.\n\nExamples:\n  palett report results/\n  palett report results/sodertalje"
    )]
    Report {
        /// An output folder of `palett run`, or one scenario's result folder.
        #[arg(default_value = "results")]
        dir: std::path::PathBuf,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Print who pays and who gains per actor, from a scenario's result folder.
    #[command(
        after_help = "Per actor: investment, avoided cost, NPV with its 90 % interval, payback year (or the first year it\ngains, for an actor that invests nothing) and P(recovered within the budget period).\n\nExamples:\n  palett show results/sodertalje\n  palett show results/sodertalje --mix four_tracks_together\n  palett show --actors"
    )]
    Show {
        /// A scenario's result folder (OUT/SCENARIO of `palett run`, named for the file stem).
        #[arg(required_unless_present = "actors")]
        dir: Option<std::path::PathBuf>,
        /// Only this mix.
        #[arg(long)]
        mix: Option<String>,
        /// Explain the actors' names (kommun = municipality, …) instead.
        #[arg(long, conflicts_with_all = ["dir", "mix"])]
        actors: bool,
    },
    /// Deeper analyses of one scenario: a tornado (--oneway), Shapley effects (--shapley) and a
    /// budget frontier (--frontier).
    #[command(
        after_help = "Writes DIR/<file stem>/oneway.json, shapley.json and frontier.json (docs/output-format.md) and prints them.\n\nExamples:\n  palett sensitivity scenarios/sodertalje.ron --oneway\n  palett sensitivity scenarios/sodertalje.ron --shapley --permutations 2048\n  palett sensitivity scenarios/kommun-budget.ron --frontier kommun --confidence 0.95",
        group = clap::ArgGroup::new("analysis").required(true).multiple(true).args(["oneway", "shapley", "frontier"])
    )]
    Sensitivity {
        /// A scenario file.
        file: PathBuf,
        /// One-way: each uncertain input alone at its 5th and 95th percentile, the others
        /// central; every mix's NPV, the best mix at each end and where it changes.
        #[arg(long)]
        oneway: bool,
        /// Shapley effects: each input's share of the variance of every mix's NPV (total and
        /// per actor) under the scenario's correlations, with standard errors.
        #[arg(long)]
        shapley: bool,
        /// With --shapley: random input orders (≥ 2; default 512). Cost: variance samples +
        /// permutations × (inputs − 1) × inner evaluations.
        #[arg(long, requires = "shapley", value_parser = clap::value_parser!(u64).range(2..=1_000_000))]
        permutations: Option<u64>,
        /// With --shapley: draws of the hidden inputs per revealed draw (≥ 2; default 3).
        #[arg(long, requires = "shapley", value_parser = clap::value_parser!(u32).range(2..=1000))]
        inner: Option<u32>,
        /// With --shapley: samples that estimate each NPV's variance (≥ 2; default --samples if
        /// given, else 4096).
        #[arg(long, requires = "shapley", value_parser = clap::value_parser!(u64).range(2..=100_000_000))]
        variance_samples: Option<u64>,
        /// Budget frontier for this actor's PV of investment: the mix of highest expected NPV
        /// within each budget (runs the scenario with its own settings or --samples/--seed).
        #[arg(long, value_name = "ACTOR")]
        frontier: Option<String>,
        /// With --frontier: keep within budget with at least this probability (0.5, 0.75 or 0.95)
        /// instead of in expectation.
        #[arg(long, requires = "frontier")]
        confidence: Option<f64>,
        /// Monte Carlo samples for --frontier (default: the file's) and the variance samples of
        /// --shapley.
        #[arg(long, value_parser = parse_count)]
        samples: Option<u64>,
        /// Seed for --shapley and --frontier (default: the file's).
        #[arg(long)]
        seed: Option<u64>,
        /// Hold an uncertain input at a value (repeatable), as for `run`.
        #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
        set: Vec<(String, f64)>,
        /// Inputs shown in the terminal tables (all are in oneway.json and shapley.json).
        #[arg(long, default_value_t = 15)]
        rows: usize,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_THREADS as i64))]
        threads: Option<u32>,
        /// Output directory (created when missing).
        #[arg(long, default_value = "results", value_parser = parse_out_dir)]
        out: PathBuf,
    },
    /// Compare two output folders of `palett run`: which results moved beyond Monte Carlo noise.
    #[command(
        after_help = "Compares OLD and NEW scenario by scenario (folders of the same name; or two scenario result folders)\nfrom their summary.json: each mix's NPV, in total and per actor, against the standard error of the\ndifference; the best mix and P(best); payback and tipping years. Says when runs are not comparable\n(different horizons or actors) and when they are compared as independent runs (different seeds or\nsample counts). docs/ci.md.\n\nExamples:\n  palett diff results-main results\n  palett diff results-main results --format markdown > diff.md\n\nExit codes: 0 compared (1 with --fail-on-change when something changed); 2 usage error; 3 a folder\ncannot be read."
    )]
    Diff {
        /// The old output folder (say, main's results).
        old: PathBuf,
        /// The new output folder (say, a pull request's).
        new: PathBuf,
        /// A difference counts as a change when it exceeds this many standard errors.
        #[arg(long, default_value_t = palett_runner::diff::DEFAULT_THRESHOLD)]
        threshold: f64,
        /// Output: a table, Markdown for a pull-request comment, or JSON.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit with 1 when anything changed beyond noise.
        #[arg(long)]
        fail_on_change: bool,
    },
    /// Scenario discovery: under which inputs does a mix meet a condition (PRIM boxes).
    #[command(
        after_help = "Writes DIR/<file stem>/discover.json (docs/output-format.md) and prints the finding.\n\nConditions: \"npv < 0\", \"npv >= 100 MSEK\", \"actor kommun npv < 0\", \"best\", \"not best\".\n\nExample:\n  palett discover scenarios/kommun-budget.ron --mix school_first --when \"not best\""
    )]
    Discover {
        /// A scenario file.
        file: PathBuf,
        /// The mix.
        #[arg(long)]
        mix: String,
        /// The condition that makes a sample a case of interest.
        #[arg(long)]
        when: String,
        /// Monte Carlo samples, e.g. 20000 or 2e4 (default: the file's); at most 20 000 are kept
        /// for PRIM.
        #[arg(long, value_parser = parse_count)]
        samples: Option<u64>,
        /// Seed (default: the file's).
        #[arg(long)]
        seed: Option<u64>,
        /// Hold an uncertain input at a value (repeatable), as for `run`.
        #[arg(long = "set", value_name = "PATH=VALUE", value_parser = parse_set)]
        set: Vec<(String, f64)>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_THREADS as i64))]
        threads: Option<u32>,
        /// Output directory (created when missing).
        #[arg(long, default_value = "results", value_parser = parse_out_dir)]
        out: PathBuf,
    },
    /// List every uncertain input: its path (the name used in correlations), distribution and central value.
    #[command(after_help = "Example:\n  palett params scenarios/sodertalje.ron")]
    Params {
        /// A scenario file.
        file: PathBuf,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Example:\n  palett completions bash > ~/.local/share/bash-completion/completions/palett"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of palett or of one subcommand.
    #[command(
        after_help = "Examples:\n  palett man > palett.1 && man ./palett.1\n  palett man run > palett-run.1"
    )]
    Man {
        /// A subcommand (run, report, show, table, params, validate, completions, man).
        subcommand: Option<String>,
    },
    /// Check scenario and library files; directories are searched for *.ron.
    #[command(
        after_help = "Every problem is printed as FILE:LINE:COL: message.\nExit code 0 when all files are valid, 3 otherwise."
    )]
    Validate {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum RunFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AnnotationsArg {
    /// GitHub Actions workflow commands.
    Github,
}

/// How `palett run` reports a batch besides the result folders.
struct Reporting {
    format: RunFormat,
    junit: Option<PathBuf>,
    annotations: Option<AnnotationsArg>,
    quiet: bool,
    paint: Paint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MethodArg {
    /// Plain Monte Carlo.
    Mc,
    /// Latin hypercube.
    Lhs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TableFormat {
    Text,
    Csv,
    Json,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let paint = Paint::new(color::enabled(cli.color));
    let code = match cli.command {
        Command::Table {
            file,
            profile,
            years,
            rate,
            format,
        } => cmd_table(&file, &profile, &years, rate, format),
        Command::Validate { paths } => cmd_validate(&paths),
        Command::Params { file } => cmd_params(&file),
        Command::Discover {
            file,
            mix,
            when,
            samples,
            seed,
            set,
            threads,
            out,
        } => {
            let condition = match palett_model::discover::Condition::parse(&when) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("--when: {e}");
                    return ExitCode::from(exit::USAGE);
                }
            };
            let o = RunOptions {
                samples,
                seed,
                held: set,
                ..RunOptions::default()
            };
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads.map_or(0, |t| t as usize))
                .build();
            match pool {
                Ok(pool) => {
                    pool.install(|| cmd_discover(&file, &o, &mix, (&when, &condition), &out))
                }
                Err(e) => {
                    eprintln!("cannot start {threads:?} threads: {e}");
                    exit::INVALID
                }
            }
        }
        Command::Sensitivity {
            file,
            oneway,
            shapley,
            permutations,
            inner,
            variance_samples,
            frontier,
            confidence,
            samples,
            seed,
            set,
            rows,
            threads,
            out,
        } => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads.map_or(0, |t| t as usize))
                .build();
            match pool {
                Ok(pool) => pool.install(|| {
                    let mut code = exit::OK;
                    if oneway {
                        code = code.max(cmd_oneway(&file, &set, rows, &out));
                    }
                    if shapley {
                        let o = palett_model::shapley::ShapleyOptions {
                            seed,
                            permutations,
                            inner,
                            variance_samples: variance_samples.or(samples),
                            held: set.clone(),
                        };
                        code = code.max(cmd_shapley(&file, &o, rows, &out));
                    }
                    if let Some(actor) = &frontier {
                        let o = RunOptions {
                            samples,
                            seed,
                            held: set.clone(),
                            skip_analysis: true,
                            ..RunOptions::default()
                        };
                        code = code.max(cmd_frontier(&file, &o, actor, confidence, &out));
                    }
                    code
                }),
                Err(e) => {
                    eprintln!("cannot start {threads:?} threads: {e}");
                    exit::INVALID
                }
            }
        }
        Command::Diff {
            old,
            new,
            threshold,
            format,
            fail_on_change,
        } => cmd_diff(&old, &new, threshold, format, fail_on_change),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "palett", &mut script);
            print_out(&script);
            exit::OK
        }
        Command::Man { subcommand } => cmd_man(subcommand.as_deref()),
        Command::Merge {
            parts,
            out,
            allow_missing,
            format,
        } => cmd_merge(&parts, &out, allow_missing, format, paint),
        Command::Report { dir, quiet } => report::write(&dir, None, quiet),
        Command::Show { dir, mix, actors } => match dir {
            Some(dir) if !actors => report::show(&dir, mix.as_deref(), paint),
            _ => report::actors_table(paint),
        },
        Command::Run {
            paths,
            samples,
            seed,
            method,
            deterministic,
            target_se,
            threads,
            out,
            format,
            junit,
            annotations,
            quiet,
            set,
            no_sensitivity,
            samples_out,
            samples_out_limit,
            report,
            shard,
        } => {
            let method = if deterministic {
                Some(Method::Deterministic)
            } else {
                method.map(|m| match m {
                    MethodArg::Mc => Method::MonteCarlo,
                    MethodArg::Lhs => Method::LatinHypercube,
                })
            };
            let options = RunOptions {
                samples,
                seed,
                method,
                target_se,
                held: set,
                skip_analysis: no_sensitivity,
            };
            let samples_out = samples_out.map(|path| SamplesOut {
                path,
                limit: samples_out_limit,
            });
            if let Some(n) = samples
                && n == 0
            {
                eprintln!("--samples must be at least 1");
                return ExitCode::from(exit::USAGE);
            }
            if let Some(t) = target_se
                && !(t > 0.0 && t.is_finite())
            {
                eprintln!("--target-se must be a positive number of SEK");
                return ExitCode::from(exit::USAGE);
            }
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads.map_or(0, |t| t as usize))
                .build();
            match pool {
                Ok(pool) if shard.is_some() => pool.install(|| {
                    shard.map_or(exit::USAGE, |k| cmd_shard(&paths, &options, &out, k, quiet))
                }),
                Ok(pool) => {
                    let code = pool.install(|| {
                        cmd_run(
                            &paths,
                            &options,
                            samples_out.as_ref(),
                            &out,
                            &Reporting {
                                format,
                                junit,
                                annotations,
                                quiet,
                                paint,
                            },
                        )
                    });
                    if report {
                        let stems = report::batch_stems(&out);
                        let written = report::write(&out, stems.as_deref(), quiet);
                        code.max(written)
                    } else {
                        code
                    }
                }
                Err(e) => {
                    eprintln!("cannot start {threads:?} threads: {e}");
                    exit::INVALID
                }
            }
        }
    };
    ExitCode::from(code)
}

/// Prints a command-line error and returns its exit code; a misspelt
/// subcommand also gets the closest one (`palett rnu` → `run`), which
/// clap's own suggestion misses for swapped letters.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() == ErrorKind::InvalidSubcommand
        && let Some(ContextValue::String(found)) = e.get(ContextKind::InvalidSubcommand)
        && e.get(ContextKind::SuggestedSubcommand).is_none()
    {
        let cmd = <Cli as clap::CommandFactory>::command();
        let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
        let hint = palett_runner::diagnostic::did_you_mean(found, names.iter().copied());
        if !hint.is_empty() {
            eprintln!(
                "error: unrecognized subcommand `{found}`{hint}\n\nFor the list of subcommands, try 'palett --help'."
            );
            return ExitCode::from(exit::USAGE);
        }
    }
    let _ = e.print();
    ExitCode::from(if e.use_stderr() {
        exit::USAGE
    } else {
        exit::OK
    })
}

/// The man page of palett, or of one of its subcommands as `palett-NAME`.
fn cmd_man(subcommand: Option<&str>) -> u8 {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    cmd.build();
    let page = match subcommand {
        None => cmd,
        Some(name) => match cmd.find_subcommand(name) {
            // After build() a subcommand's display name is `palett-NAME`,
            // which the page takes as its title.
            Some(sub) => sub.clone().version(env!("CARGO_PKG_VERSION")),
            None => {
                let names: Vec<String> = cmd
                    .get_subcommands()
                    .map(|c| c.get_name().to_string())
                    .collect();
                eprintln!(
                    "no subcommand `{name}`; man pages exist for: {}",
                    names.join(", ")
                );
                return exit::USAGE;
            }
        },
    };
    let mut bytes = Vec::new();
    match clap_mangen::Man::new(page).render(&mut bytes) {
        Ok(()) => {
            print_out(&bytes);
            exit::OK
        }
        Err(e) => {
            eprintln!("cannot write the man page: {e}");
            exit::INVALID
        }
    }
}

fn print_diagnostics(ds: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in ds {
        let _ = writeln!(err, "{d}");
    }
}

fn cmd_diff(
    old: &std::path::Path,
    new: &std::path::Path,
    threshold: f64,
    format: DiffFormat,
    fail_on_change: bool,
) -> u8 {
    use palett_runner::diff::render::{Style, render};
    if !(threshold > 0.0 && threshold.is_finite()) {
        eprintln!("--threshold must be a positive number of standard errors (default 3)");
        return exit::USAGE;
    }
    let d = match palett_runner::diff::diff_dirs(old, new, threshold) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{e}");
            return exit::INVALID;
        }
    };
    let text = match format {
        DiffFormat::Text => render(&d, Style::Text),
        DiffFormat::Markdown => render(&d, Style::Markdown),
        DiffFormat::Json => match serde_json::to_string_pretty(&d) {
            Ok(j) => j + "\n",
            Err(e) => {
                eprintln!("cannot write the diff as JSON: {e}");
                return exit::INVALID;
            }
        },
    };
    print_out(text.as_bytes());
    for u in &d.unreadable {
        eprintln!("{}", u.error);
    }
    if !d.unreadable.is_empty() {
        exit::INVALID
    } else if fail_on_change && d.changed() {
        exit::ASSERTION_FAILED
    } else {
        exit::OK
    }
}

/// Loads one scenario file, printing its problems (FILE:LINE:COL) if it
/// is invalid.
fn load_or_print(file: &std::path::Path) -> Result<palett_model::Scenario, ()> {
    load_scenario(file).map_err(|ds| print_diagnostics(&ds))
}

fn cmd_table(
    file: &std::path::Path,
    profile: &str,
    years: &[u32],
    rate: Option<f64>,
    format: TableFormat,
) -> u8 {
    let Ok(scenario) = load_or_print(file) else {
        return exit::INVALID;
    };
    let t = match profile_table::profile_table(&scenario, profile, years, rate) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            return exit::USAGE;
        }
    };
    let out = match format {
        TableFormat::Text => t.to_text(),
        TableFormat::Csv => t.to_csv(),
        TableFormat::Json => match serde_json::to_string_pretty(&t) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("cannot write JSON: {e}");
                return exit::INVALID;
            }
        },
    };
    print_out(out.as_bytes());
    exit::OK
}

fn cmd_validate(paths: &[PathBuf]) -> u8 {
    let (found, missing) = discover::discover(paths);
    for m in &missing {
        eprintln!("{m}");
    }
    let mut invalid = missing.len();
    for f in &found {
        // Loading reports every kind of file: one it cannot read (too
        // large, not UTF-8) with the place, one that is neither a scenario
        // nor a library as such.
        let result = load_scenario(&f.path).map(|s| {
            for w in palett_model::run::input_warnings(&s) {
                let place = w
                    .place()
                    .map_or_else(|| f.path.display().to_string(), str::to_string);
                eprintln!("{place}: warning: {w}");
            }
        });
        if let Err(ds) = result {
            invalid += 1;
            print_diagnostics(&ds);
        }
    }
    let total = found.len() + missing.len();
    print_out(
        format!(
            "{total} file{} checked: {} valid, {invalid} invalid\n",
            if total == 1 { "" } else { "s" },
            total - invalid
        )
        .as_bytes(),
    );
    if invalid == 0 {
        exit::OK
    } else {
        exit::INVALID
    }
}

fn cmd_oneway(
    file: &std::path::Path,
    set: &[(String, f64)],
    rows: usize,
    out: &std::path::Path,
) -> u8 {
    let Ok(s) = load_or_print(file) else {
        return exit::INVALID;
    };
    let w = match palett_model::oneway::oneway(&s, set) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return exit::INVALID;
        }
    };
    finish_analysis(
        file,
        out,
        "oneway.json",
        palett_runner::output::oneway::json(&s, set, &w),
        &palett_runner::output::oneway::table(&s, &w, rows),
    )
}

fn cmd_shapley(
    file: &std::path::Path,
    o: &palett_model::shapley::ShapleyOptions,
    rows: usize,
    out: &std::path::Path,
) -> u8 {
    let Ok(s) = load_or_print(file) else {
        return exit::INVALID;
    };
    let bar = progress::Bars::new(&[file.to_path_buf()], false);
    let r = palett_model::shapley::shapley(&s, o, &|p| bar.update(0, p));
    bar.finish();
    let r = match r {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return exit::INVALID;
        }
    };
    finish_analysis(
        file,
        out,
        "shapley.json",
        palett_runner::output::shapley::json(&s, &o.held, &r),
        &palett_runner::output::shapley::table(&s, &r, rows),
    )
}

fn cmd_frontier(
    file: &std::path::Path,
    o: &RunOptions,
    actor: &str,
    confidence: Option<f64>,
    out: &std::path::Path,
) -> u8 {
    let Ok(s) = load_or_print(file) else {
        return exit::INVALID;
    };
    let run = match palett_model::run::run(&s, o, &|_| {}) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return exit::INVALID;
        }
    };
    let f = match palett_model::frontier::frontier(&run.results, actor, confidence) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return exit::USAGE;
        }
    };
    finish_analysis(
        file,
        out,
        "frontier.json",
        palett_runner::output::frontier::json(&s, &run, &f),
        &palett_runner::output::frontier::table(&s, &run, &f),
    )
}

fn cmd_discover(
    file: &std::path::Path,
    o: &RunOptions,
    mix: &str,
    (when, condition): (&str, &palett_model::discover::Condition),
    out: &std::path::Path,
) -> u8 {
    use palett_model::discover::DiscoverError;
    let Ok(s) = load_or_print(file) else {
        return exit::INVALID;
    };
    let d = match palett_model::discover::discover(&s, o, mix, condition) {
        Ok(d) => d,
        Err(e @ (DiscoverError::UnknownMix { .. } | DiscoverError::UnknownActor { .. })) => {
            eprintln!("{}: {e}", file.display());
            return exit::USAGE;
        }
        Err(e) => {
            eprintln!("{}: {e}", file.display());
            return exit::INVALID;
        }
    };
    finish_analysis(
        file,
        out,
        "discover.json",
        palett_runner::output::discover::json(&s, when, &d),
        &palett_runner::output::discover::text(&s, when, &d),
    )
}

/// Writes an analysis's JSON as `out/<stem>/<name>` (atomically) and
/// prints its text; the exit code.
fn finish_analysis(
    file: &std::path::Path,
    out: &std::path::Path,
    name: &str,
    json: Result<Vec<u8>, palett_runner::output::OutputError>,
    text: &str,
) -> u8 {
    let stem = palett_runner::batch::output_names(&[file.to_path_buf()]);
    let dir = out.join(&stem[0]);
    let written = json.map_err(|e| e.to_string()).and_then(|bytes| {
        std::fs::create_dir_all(&dir)
            .and_then(|_| palett_runner::write::write_atomic(&dir.join(name), &bytes))
            .map_err(|e| format!("{}: cannot write {name}: {e}", dir.display()))
    });
    if let Err(e) = written {
        eprintln!("{e}");
        return exit::INVALID;
    }
    print_out(text.as_bytes());
    exit::OK
}

fn cmd_params(file: &std::path::Path) -> u8 {
    let Ok(s) = load_or_print(file) else {
        return exit::INVALID;
    };
    if s.params.entries.is_empty() {
        print_out(
            format!(
                "{}: no uncertain inputs (every scalar is a fixed number)\n",
                file.display()
            )
            .as_bytes(),
        );
        return exit::OK;
    }
    let w = s
        .params
        .entries
        .iter()
        .map(|p| p.path.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let dw = s
        .params
        .entries
        .iter()
        .map(|p| p.distribution.to_string().len())
        .max()
        .unwrap_or(12)
        .max(12);
    let mut text = format!(
        "{:<w$}  {:<dw$}  {:>12}\n",
        "path", "distribution", "central"
    );
    for p in &s.params.entries {
        text.push_str(&format!(
            "{:<w$}  {:<dw$}  {:>12}\n",
            p.path,
            p.distribution.to_string(),
            format!("{}", p.distribution.central())
        ));
    }
    print_out(text.as_bytes());
    exit::OK
}

/// A count of samples: a whole number written as 100000, 100_000 or 1e5
/// (scientific notation only where it is exactly a whole number, up to
/// 2⁵³, beyond which a float no longer holds every whole number).
fn parse_count(s: &str) -> Result<u64, String> {
    let digits = s.replace('_', "");
    if let Ok(n) = digits.parse::<u64>() {
        return Ok(n);
    }
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match digits.parse::<f64>() {
        Ok(x) if x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= EXACT => Ok(x as u64),
        _ => Err(format!(
            "expected a whole number such as 100000, 100_000 or 1e5; got `{s}`"
        )),
    }
}

/// One year of `palett table --years`: a whole number from 1 (the case's
/// first year).
fn parse_case_year(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(y) if y >= 1 => Ok(y),
        _ => Err(format!(
            "`{s}` is not a year of the case: years are whole numbers from 1 (the first year), \
             separated by commas, e.g. 1,4,10"
        )),
    }
}

/// `--out`: a folder, created when missing. See [`writable`].
fn parse_out_dir(s: &str) -> Result<PathBuf, String> {
    writable(s, true)
}

/// `--samples-out` and `--junit`: a file, its folders created when
/// missing. See [`writable`].
fn parse_out_file(s: &str) -> Result<PathBuf, String> {
    writable(s, false)
}

/// An output path that can be made: a folder (`folder`) or a file that is
/// not an existing folder, with no file where one of its folders would be.
/// Checked while the command line is read, so that a run does not compute
/// everything and then fail to write it.
fn writable(s: &str, folder: bool) -> Result<PathBuf, String> {
    let path = PathBuf::from(s);
    let wanted = if folder {
        "a folder (created when missing)"
    } else {
        "a file name (its folders created when missing)"
    };
    if !folder && path.is_dir() {
        return Err(format!("this is a folder; give {wanted}"));
    }
    let mut at: &std::path::Path = &path;
    loop {
        if at.exists() {
            if at.is_dir() || (!folder && at == path) {
                return Ok(path);
            }
            return Err(if at == path {
                format!("this is a file; give {wanted}")
            } else {
                format!(
                    "`{}` is a file, so no folder can be made inside it; give {wanted}",
                    at.display()
                )
            });
        }
        match at.parent() {
            Some(p) if !p.as_os_str().is_empty() => at = p,
            _ => return Ok(path),
        }
    }
}

/// `PATH=VALUE` of `--set`.
fn parse_set(s: &str) -> Result<(String, f64), String> {
    let (path, value) = s.split_once('=').ok_or_else(|| {
        format!("expected PATH=VALUE, e.g. interventions.tore.reach=0.6; got `{s}`")
    })?;
    let v: f64 = value
        .trim()
        .parse()
        .map_err(|_| format!("`{value}` is not a number (in `{s}`)"))?;
    if !v.is_finite() {
        return Err(format!("the value must be a finite number; got `{value}`"));
    }
    Ok((path.trim().to_string(), v))
}

fn cmd_run(
    paths: &[PathBuf],
    o: &RunOptions,
    samples_out: Option<&SamplesOut>,
    out: &std::path::Path,
    how: &Reporting,
) -> u8 {
    let quiet = how.quiet;
    // Missing paths are reported with the batch's results below.
    let (files, missing) = batch_files(paths);
    if samples_out.is_some() && files.len() != 1 {
        eprintln!(
            "--samples-out writes the samples of one scenario; {} scenario files were given",
            files.len()
        );
        return exit::USAGE;
    }
    let bar = progress::Bars::new(&files, quiet);
    let mut results = match samples_out {
        Some(so) => {
            let names = palett_runner::batch::output_names(&files);
            vec![palett_runner::batch::run_file_with(
                &files[0],
                &names[0],
                out,
                o,
                Some(so),
                &|p| bar.update(0, p),
            )]
        }
        None => palett_runner::batch::run_batch(&files, out, o, &|i, p| bar.update(i, p)),
    };
    bar.finish();
    // A path that yields no scenario is an invalid entry of the batch, so
    // index.json says what happened to it.
    results.extend(missing.iter().map(palett_runner::batch::missing));
    finish_batch(&results, !missing.is_empty(), out, how)
}

/// The scenario files of a batch (directories searched), and the paths
/// that yield none: missing, or folders without a scenario file.
fn batch_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<discover::NotFound>) {
    let (found, mut missing) = discover::discover(paths);
    // Library files are only included by scenarios; a file given by name
    // that is not a scenario is still reported (as invalid) by run_file.
    let files: Vec<PathBuf> = found
        .into_iter()
        .filter(|f| f.kind != Some(FileKind::Library) || paths.contains(&f.path))
        .map(|f| f.path)
        .collect();
    for p in paths {
        let searched = p.is_dir() && !missing.iter().any(|m| &m.path == p);
        if searched && !files.iter().any(|f| f.starts_with(p)) {
            missing.push(discover::NotFound {
                path: p.clone(),
                reason: discover::ONLY_LIBRARIES,
            });
        }
    }
    missing.sort_by_key(|m| paths.iter().position(|p| *p == m.path));
    (palett_runner::batch::distinct_files(files), missing)
}

/// Writes index.json for a batch's results and reports them on the
/// terminal; returns the exit code.
fn finish_batch(
    results: &[palett_runner::batch::FileResult],
    any_missing: bool,
    out: &std::path::Path,
    how: &Reporting,
) -> u8 {
    let Reporting { format, paint, .. } = *how;
    let index = Index {
        palett_version: env!("CARGO_PKG_VERSION"),
        files: results,
    };
    let index_json = serde_json::to_string_pretty(&index).map(|j| j + "\n");
    let index_written = std::fs::create_dir_all(out).and_then(|_| match &index_json {
        Ok(j) => palett_runner::write::write_atomic(&out.join("index.json"), j.as_bytes()),
        Err(e) => Err(std::io::Error::other(e.to_string())),
    });
    if let Err(e) = index_written {
        eprintln!("{}: cannot write index.json: {e}", out.display());
    }
    let mut stdout = std::io::stdout().lock();
    let any_invalid = any_missing
        || results
            .iter()
            .any(|r| matches!(r.status, FileStatus::Invalid | FileStatus::Failed));
    let any_failed_assertion = results
        .iter()
        .any(|r| r.assertions.iter().any(|a| !a.holds));
    let code = if any_invalid {
        exit::INVALID
    } else if any_failed_assertion {
        exit::ASSERTION_FAILED
    } else {
        exit::OK
    };
    if format == RunFormat::Json {
        let doc = palett_runner::ci::run_json::document(results, code);
        if let Ok(j) = serde_json::to_string_pretty(&doc) {
            let _ = writeln!(stdout, "{j}");
        }
    }
    if let Some(AnnotationsArg::Github) = how.annotations {
        let _ = write!(
            stdout,
            "{}",
            palett_runner::ci::annotations::github(results)
        );
    }
    if let Some(path) = &how.junit {
        let xml = palett_runner::ci::junit::report(results);
        let folder = path.parent().filter(|d| !d.as_os_str().is_empty());
        let written = folder
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| palett_runner::write::write_atomic(path, &xml));
        if let Err(e) = written {
            eprintln!("{}: cannot write the JUnit report: {e}", path.display());
        }
    }
    for r in results {
        for e in &r.errors {
            eprintln!("{e}");
        }
        // Warnings go to stderr (and summary.json), never into the table.
        if let Some((_, run)) = &r.run {
            for w in &run.warnings {
                eprintln!("{}: warning: {w}", w.place().unwrap_or(&r.file));
            }
        }
        if let Some(rep) = r.report()
            && format == RunFormat::Text
            && let Ok(table) = ComparisonTable.render(&rep)
        {
            let table = String::from_utf8_lossy(&table);
            let _ = writeln!(stdout, "{}", report::paint_table(&table, paint));
        }
        for a in r.assertions.iter().filter(|a| !a.holds) {
            eprintln!(
                "{}: assertion failed: {} ({})",
                a.location,
                a.claim,
                a.found()
            );
        }
    }
    code
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse()
        .map_err(|e: palett_runner::shard::ShardError| e.to_string())
}

/// `palett run … --shard K/N`: this shard's part of every file it runs.
fn cmd_shard(
    paths: &[PathBuf],
    o: &RunOptions,
    out: &std::path::Path,
    shard: Shard,
    quiet: bool,
) -> u8 {
    let (files, missing) = batch_files(paths);
    for m in &missing {
        eprintln!("{m}");
    }
    let names = palett_runner::batch::output_names(&files);
    let batch: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let mine = palett_runner::shard::files_of_shard(files.len(), shard);
    let bar = progress::Bars::new(&files, quiet);
    let mut code = if missing.is_empty() {
        exit::OK
    } else {
        exit::INVALID
    };
    for i in mine {
        let ran = palett_runner::shard::run_shard_file(
            &files[i],
            &names[i],
            &batch,
            out,
            o,
            shard,
            &|p| bar.update(i, p),
        );
        match ran {
            Ok((path, samples)) => {
                print_out(format!("{}: {samples} samples\n", path.display()).as_bytes())
            }
            Err(e) => {
                code = exit::INVALID;
                for line in e.lines() {
                    eprintln!("{line}");
                }
            }
        }
    }
    bar.finish();
    code
}

/// `palett merge PARTS… --out DIR`.
fn cmd_merge(
    parts: &[PathBuf],
    out: &std::path::Path,
    allow_missing: bool,
    format: RunFormat,
    paint: Paint,
) -> u8 {
    let mut files = Vec::new();
    for p in parts {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|f| {
                    f.file_name()
                        .is_some_and(|n| n.to_string_lossy().contains(".part-"))
                })
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    match palett_runner::shard::merge(&files, out, allow_missing) {
        Ok(results) => finish_batch(
            &results,
            false,
            out,
            &Reporting {
                format,
                junit: None,
                annotations: None,
                quiet: false,
                paint,
            },
        ),
        Err(e) => {
            eprintln!("{e}");
            exit::INVALID
        }
    }
}
