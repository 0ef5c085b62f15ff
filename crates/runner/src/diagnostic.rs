//! User-facing problems with an input file, as `FILE:LINE:COL: message`.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found in one file, with where it is and what would be valid.
///
/// Library code collects these instead of stopping at the first, so that
/// `palett validate` can report every problem of a file in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the user named it (or as reached through an include).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem is with the file as a whole.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl Diagnostic {
    /// A problem with a whole file (it cannot be read, say).
    pub fn whole_file(file: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_path_buf(),
            line: 0,
            col: 0,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                self.line,
                self.col.max(1),
                self.message
            )
        }
    }
}

/// Every problem found in one scenario (and the files it includes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct Diagnostics(pub Vec<Diagnostic>);
