//! The `palett` command: thin layer that parses arguments, calls the
//! runner library and turns its results into output and exit codes.

mod cli;
mod color;
mod progress;
mod report;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
