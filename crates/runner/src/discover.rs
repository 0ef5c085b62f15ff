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

/// Expands `paths`: files are taken as they are; directories are searched
/// recursively for `*.ron`, in sorted order so batches are reproducible.
/// A path that does not exist is returned as an error message.
pub fn discover(paths: &[PathBuf]) -> (Vec<Found>, Vec<String>) {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut files = Vec::new();
            walk(p, &mut files);
            files.sort();
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
            missing.push(format!("{}: no such file or directory", p.display()));
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
