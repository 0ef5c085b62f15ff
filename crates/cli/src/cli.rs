//! Command-line definitions (clap) and the commands' glue.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::progress;
use palett_model::{Method, RunOptions};
use palett_runner::batch::{FileStatus, Index};
use palett_runner::config::FileKind;
use palett_runner::diagnostic::Diagnostic;
use palett_runner::output::{ComparisonTable, Output, summary_json};
use palett_runner::{discover, load_scenario, profile_table};

/// Most worker threads `--threads` accepts: more would only cost memory.
const MAX_THREADS: u32 = 256;

/// Writes `bytes` to stdout. A reader that stopped reading (`| head`) is
/// not an error: the rest is dropped quietly.
fn print_out(bytes: &[u8]) {
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
  palett table scenarios/lib/seed-profiles.ron --profile sammy --years 1,2,5,10,12,15
  palett table scenarios/seed-cases.ron --profile patrik --years 1,4,10,20,30 --format csv
  palett validate scenarios/

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
        #[arg(long, value_delimiter = ',', required = true, value_parser = clap::value_parser!(u32).range(1..))]
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
        /// Monte Carlo samples (default: the file's `run.samples`, else 10000).
        #[arg(long)]
        samples: Option<u64>,
        /// Seed of the random streams (default: the file's, else 1).
        #[arg(long)]
        seed: Option<u64>,
        /// Sampling method (default: the file's, else lhs).
        #[arg(long, value_enum)]
        method: Option<MethodArg>,
        /// Base case only: every input at its central value, one sample.
        #[arg(long)]
        deterministic: bool,
        /// Stop early once every mix's standard error of mean NPV is below this (SEK).
        #[arg(long)]
        target_se: Option<f64>,
        /// Worker threads, 1 to 256 (default: all cores). Results do not depend on it.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..=MAX_THREADS as i64))]
        threads: Option<u32>,
        /// Output directory.
        #[arg(long, default_value = "results")]
        out: PathBuf,
        /// Terminal output: comparison tables, or the summaries as JSON.
        #[arg(long, value_enum, default_value_t = RunFormat::Text)]
        format: RunFormat,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
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
    /// Print the man page (roff) generated from these definitions.
    #[command(after_help = "Example:\n  palett man > palett.1 && man ./palett.1")]
    Man,
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
    let cli = Cli::parse();
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
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "palett", &mut script);
            print_out(&script);
            exit::OK
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut page = Vec::new();
            match clap_mangen::Man::new(cmd).render(&mut page) {
                Ok(()) => {
                    print_out(&page);
                    exit::OK
                }
                Err(e) => {
                    eprintln!("cannot write the man page: {e}");
                    exit::INVALID
                }
            }
        }
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
            quiet,
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
            };
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
                Ok(pool) => pool.install(|| cmd_run(&paths, &options, &out, format, quiet)),
                Err(e) => {
                    eprintln!("cannot start {threads:?} threads: {e}");
                    exit::INVALID
                }
            }
        }
    };
    ExitCode::from(code)
}

fn print_diagnostics(ds: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in ds {
        let _ = writeln!(err, "{d}");
    }
}

fn cmd_table(
    file: &std::path::Path,
    profile: &str,
    years: &[u32],
    rate: Option<f64>,
    format: TableFormat,
) -> u8 {
    let scenario = match load_scenario(file) {
        Ok(s) => s,
        Err(ds) => {
            print_diagnostics(&ds);
            return exit::INVALID;
        }
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
                eprintln!("{}: warning: {w}", f.path.display());
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

fn cmd_params(file: &std::path::Path) -> u8 {
    let s = match load_scenario(file) {
        Ok(s) => s,
        Err(ds) => {
            print_diagnostics(&ds);
            return exit::INVALID;
        }
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

fn cmd_run(
    paths: &[PathBuf],
    o: &RunOptions,
    out: &std::path::Path,
    format: RunFormat,
    quiet: bool,
) -> u8 {
    // Missing paths are reported with the batch's results below.
    let (found, missing) = discover::discover(paths);
    // Library files are only included by scenarios; a file given by name
    // that is not a scenario is still reported (as invalid) by run_file.
    let files: Vec<PathBuf> = found
        .into_iter()
        .filter(|f| f.kind != Some(FileKind::Library) || paths.contains(&f.path))
        .map(|f| f.path)
        .collect();
    let files = palett_runner::batch::distinct_files(files);
    let bar = progress::Bars::new(&files, quiet);
    let mut results = palett_runner::batch::run_batch(&files, out, o, &|i, p| bar.update(i, p));
    bar.finish();
    // A path that does not exist is an invalid entry of the batch, so
    // index.json says what happened to it.
    results.extend(
        paths
            .iter()
            .filter(|p| !p.exists())
            .map(|p| palett_runner::batch::missing(p)),
    );
    let index = Index {
        palett_version: env!("CARGO_PKG_VERSION"),
        files: &results,
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
    if format == RunFormat::Json {
        // The summaries, as summary.json holds them, in one JSON array.
        let reports: Vec<_> = results.iter().filter_map(|r| r.report()).collect();
        let summaries: Vec<_> = reports.iter().map(summary_json::document).collect();
        if let Ok(j) = serde_json::to_string_pretty(&summaries) {
            let _ = writeln!(stdout, "{j}");
        }
    }
    let mut any_invalid = !missing.is_empty();
    let mut any_failed_assertion = false;
    for r in &results {
        match r.status {
            FileStatus::Ok | FileStatus::AssertionsFailed => {}
            FileStatus::Invalid | FileStatus::Failed => any_invalid = true,
        }
        for e in &r.errors {
            eprintln!("{e}");
        }
        // Warnings go to stderr (and summary.json), never into the table.
        if let Some((_, run)) = &r.run {
            for w in &run.warnings {
                eprintln!("{}: warning: {w}", r.file);
            }
        }
        if let Some(rep) = r.report()
            && format == RunFormat::Text
            && let Ok(table) = ComparisonTable.render(&rep)
        {
            let _ = writeln!(stdout, "{}", String::from_utf8_lossy(&table));
        }
        for a in r.assertions.iter().filter(|a| !a.holds) {
            any_failed_assertion = true;
            let best = a
                .best
                .as_ref()
                .map(|b| format!("; the best is `{b}`"))
                .unwrap_or_default();
            eprintln!(
                "{}: assertion failed: {} (value: {}{best})",
                a.location, a.claim, a.value_text
            );
        }
    }
    if any_invalid {
        exit::INVALID
    } else if any_failed_assertion {
        exit::ASSERTION_FAILED
    } else {
        exit::OK
    }
}
