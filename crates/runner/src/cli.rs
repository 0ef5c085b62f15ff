//! Command-line definitions (clap) and the commands' glue.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use palett_runner::config::FileKind;
use palett_runner::diagnostic::Diagnostic;
use palett_runner::{discover, load_scenario, table};

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
    #[command(after_help = "Example:\n  palett table scenarios/seed-cases.ron --profile sammy --years 1,2,5,10,12,15 --format csv")]
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
    /// Check scenario and library files; directories are searched for *.ron.
    #[command(after_help = "Every problem is printed as FILE:LINE:COL: message.\nExit code 0 when all files are valid, 3 otherwise.")]
    Validate {
        /// Files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
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
    };
    ExitCode::from(code)
}

fn print_diagnostics(ds: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in ds {
        let _ = writeln!(err, "{d}");
    }
}

fn cmd_table(file: &std::path::Path, profile: &str, years: &[u32], rate: Option<f64>, format: TableFormat) -> u8 {
    let scenario = match load_scenario(file) {
        Ok(s) => s,
        Err(ds) => {
            print_diagnostics(&ds);
            return exit::INVALID;
        }
    };
    let t = match table::profile_table(&scenario, profile, years, rate) {
        Ok(t) => t,
        Err(msg) => {
            eprintln!("{msg}");
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
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    exit::OK
}

fn cmd_validate(paths: &[PathBuf]) -> u8 {
    let (found, missing) = discover::discover(paths);
    for m in &missing {
        eprintln!("{m}");
    }
    let mut invalid = missing.len();
    for f in &found {
        let result = match f.kind {
            Some(FileKind::Scenario) | Some(FileKind::Library) => load_scenario(&f.path).map(|_| ()),
            None => Err(vec![Diagnostic {
                file: f.path.clone(),
                line: 1,
                col: 1,
                message: "not a palett file: expected `Scenario(` or `Library(` as the first word".into(),
            }]),
        };
        if let Err(ds) = result {
            invalid += 1;
            print_diagnostics(&ds);
        }
    }
    let total = found.len() + missing.len();
    println!(
        "{total} file{} checked: {} valid, {invalid} invalid",
        if total == 1 { "" } else { "s" },
        total - invalid
    );
    if invalid == 0 { exit::OK } else { exit::INVALID }
}
