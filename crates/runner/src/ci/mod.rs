//! What a CI pipeline reads from a batch (docs/ci.md): the batch as one
//! JSON document on stdout (`--format json`, [`run_json`]), a JUnit XML
//! report (`--junit FILE`, [`junit`]) and GitHub annotations
//! (`--annotations github`, [`annotations`]). All three are built from the
//! batch's [`FileResult`]s, so they agree with index.json and with each
//! other.

pub mod annotations;
pub mod junit;
pub mod run_json;

use crate::batch::FileResult;
use crate::error::FileError;
use palett_model::run::Warning;

/// One problem of a file, with its place when known (line and column 0
/// when the problem is with the file as a whole).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    /// The file the problem is in (an included library, say).
    pub file: String,
    /// 1-based line; 0 when unknown.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    /// What is wrong and what would be valid.
    pub message: String,
}

/// The problems that stopped `r` from running or being written, each with
/// its place when the file has one.
pub fn problems(r: &FileResult) -> Vec<Problem> {
    match &r.error {
        Some(FileError::Invalid(ds)) => ds
            .iter()
            .map(|d| Problem {
                file: d.file.display().to_string(),
                line: d.line,
                column: if d.line == 0 { 0 } else { d.col.max(1) },
                message: d.message.clone(),
            })
            .collect(),
        Some(e) => vec![Problem {
            file: r.file.clone(),
            line: 0,
            column: 0,
            message: e.to_string(),
        }],
        None => Vec::new(),
    }
}

/// The warnings of `r`'s run, as summary.json gives them.
pub fn warnings(r: &FileResult) -> Vec<String> {
    r.run
        .as_ref()
        .map(|(_, run)| run.warnings.iter().map(Warning::located).collect())
        .unwrap_or_default()
}
