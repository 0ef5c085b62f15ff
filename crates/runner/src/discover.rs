//! Finding scenario files: paths given on the command line, directories
//! searched recursively for `*.ron`.

use std::path::{Path, PathBuf};

use crate::config::FileKind;
use crate::source::sniff_kind;

/// A `.ron` file found on disk and what kind it says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path, as reached from the argument.
    pub path: PathBuf,
    /// Scenario, library, or `None` when the first word is neither.
    pub kind: Option<FileKind>,
}

/// A path given on the command line that yields no file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    /// The path, as given.
    pub path: PathBuf,
    /// Why it yields nothing, for a person ("no such file or directory").
    pub reason: &'static str,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

/// [`NotFound::reason`] of a path that does not exist.
pub const NO_SUCH_PATH: &str = "no such file or directory";

/// [`NotFound::reason`] of a folder with no `.ron` file in it or below it:
/// most often a mistyped folder, which must not pass as a batch that ran.
pub const NO_RON_FILES: &str = "no .ron files in this folder or below it";

/// [`NotFound::reason`] of a folder whose `.ron` files are all libraries,
/// given to a command that runs scenarios.
pub const ONLY_LIBRARIES: &str =
    "no scenario files in this folder or below it, only library files (which scenarios include)";

/// Expands `paths`: files are taken as they are; directories are searched
/// recursively for `*.ron`, in sorted order so batches are reproducible.
/// A path that does not exist, and a folder with no `.ron` file, are
/// returned as [`NotFound`].
pub fn discover(paths: &[PathBuf]) -> (Vec<Found>, Vec<NotFound>) {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files = Vec::new();
            walk(p, &mut files);
            files.sort();
            if files.is_empty() {
                missing.push(NotFound {
                    path: p.clone(),
                    reason: NO_RON_FILES,
                });
            }
            for f in files {
                let kind = crate::source::limits::read_text(&f)
                    .ok()
                    .and_then(|t| sniff_kind(&t));
                found.push(Found { path: f, kind });
            }
        } else if p.is_file() {
            let kind = crate::source::limits::read_text(p)
                .ok()
                .and_then(|t| sniff_kind(&t));
            found.push(Found {
                path: p.clone(),
                kind,
            });
        } else {
            missing.push(NotFound {
                path: p.clone(),
                reason: NO_SUCH_PATH,
            });
        }
    }
    (found, missing)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "ron") {
            out.push(p);
        }
    }
}
