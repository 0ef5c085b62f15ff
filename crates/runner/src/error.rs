//! Why a file of a batch did not produce results. Only the binary turns
//! these into messages and exit codes.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;
use crate::output::OutputError;

/// Why one file did not run, or its results were not written.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file (or a library it includes) is invalid: every problem, with
    /// its place.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Diagnostic>),
    /// The scenario is valid but its run could not start.
    #[error("{}: {source}", .file.display())]
    Model {
        /// The scenario file.
        file: PathBuf,
        /// Why.
        source: palett_model::ModelError,
    },
    /// The run stopped on an internal error (a panic); the other files of
    /// the batch still ran.
    #[error("{}: internal error while running this file (please report it): {message}", .file.display())]
    Internal {
        /// The scenario file.
        file: PathBuf,
        /// The panic's message.
        message: String,
    },
    /// A result overflowed to a non-finite number.
    #[error("{}: {what} is not a finite number (the inputs are too large for the arithmetic); the results were not written", .file.display())]
    NonFinite {
        /// The scenario file.
        file: PathBuf,
        /// The figure and mix.
        what: String,
    },
    /// The results could not be rendered or written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A run merged from parts could not be: the scenario changed since
    /// the parts ran, or a part could not be read.
    #[error("{}: {message}", .file.display())]
    Part {
        /// The scenario file.
        file: PathBuf,
        /// What is wrong, with the part it concerns.
        message: String,
    },
    /// The samples file could not be written.
    #[error(transparent)]
    Samples(#[from] crate::samples::SamplesError),
}

impl FileError {
    /// The error as lines of text (one per diagnostic), as index.json lists them.
    pub fn lines(&self) -> Vec<String> {
        match self {
            FileError::Invalid(ds) => ds.iter().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        }
    }
}

/// Why `palett table` cannot print a profile's table.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TableError {
    /// No profile of that name.
    #[error("{}: no profile `{profile}`; profiles here: {}", .file.display(), if .known.is_empty() { "(none)".to_string() } else { .known.join(", ") })]
    UnknownProfile {
        /// The file.
        file: PathBuf,
        /// The name asked for.
        profile: String,
        /// The profiles the file has.
        known: Vec<String>,
    },
    /// An invalid `--rate`.
    #[error("--rate: {0}")]
    Rate(palett_cost::CostError),
}
