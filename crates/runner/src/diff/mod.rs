//! `palett diff OLD_DIR NEW_DIR`: what a change to a scenario changed in
//! its results (docs/ci.md, "What a change changed"). Two output folders
//! of `palett run` (main's and a pull request's, say) are compared
//! scenario by scenario from their summary.json files: which mixes' NPV
//! moved by more than the Monte Carlo error of the two runs, whether the
//! best mix or its P(best) changed, which payback and tipping years moved,
//! per actor; and whether the two runs can be compared at all.
//!
//! A difference counts as a change when it exceeds `threshold` standard
//! errors of the difference, √(se_old² + se_new²) from each run's own
//! standard errors. Runs with the same seed and sample count share their
//! random numbers, which makes this test conservative for them; runs with
//! different seeds are independent, for which it is exact.

mod compare;
mod read;
pub mod render;

pub use compare::{
    BestChange, Comparability, Difference, MixDiff, ScenarioDiff, Verdict, YearChange, compare,
};
pub use read::{ReadError, RunSummary};

use std::path::{Path, PathBuf};

/// The standard errors a difference must exceed to count, by default:
/// three (a 0.3 % false alarm rate for one number under normal noise).
pub const DEFAULT_THRESHOLD: f64 = 3.0;

/// Two output folders compared.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BatchDiff {
    /// The version of this document's layout (`--format json`).
    pub format_version: u32,
    /// The old folder.
    pub old: PathBuf,
    /// The new folder.
    pub new: PathBuf,
    /// Standard errors a difference must exceed.
    pub threshold: f64,
    /// Scenario folders in both, by folder name.
    pub scenarios: Vec<ScenarioDiff>,
    /// Scenario folders only in the old folder.
    pub only_old: Vec<String>,
    /// Scenario folders only in the new folder.
    pub only_new: Vec<String>,
    /// Scenario folders in both whose summary.json could not be read on
    /// one side or the other, with why: not compared, and the others are.
    pub unreadable: Vec<Unreadable>,
}

/// A scenario folder of a batch that could not be compared.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Unreadable {
    /// The scenario folder's name.
    pub folder: String,
    /// Why, naming the file (as [`ReadError`] says it).
    pub error: String,
}

impl BatchDiff {
    /// Whether anything changed beyond noise, or a scenario came or went.
    pub fn changed(&self) -> bool {
        !self.only_old.is_empty()
            || !self.only_new.is_empty()
            || self.scenarios.iter().any(ScenarioDiff::changed)
    }
}

/// The scenario folders of `dir`: `dir` itself if it holds a summary.json,
/// else every subfolder that does, by name, sorted.
fn scenario_folders(dir: &Path) -> Result<Vec<(String, PathBuf)>, ReadError> {
    if dir.join("summary.json").is_file() {
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok(vec![(name, dir.to_path_buf())]);
    }
    let entries = std::fs::read_dir(dir).map_err(|source| ReadError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut out: Vec<(String, PathBuf)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("summary.json").is_file())
        .map(|p| {
            (
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                p,
            )
        })
        .collect();
    out.sort();
    if out.is_empty() {
        return Err(ReadError::NoResults(dir.to_path_buf()));
    }
    Ok(out)
}

/// Compares the output folders `old` and `new` (or two scenario result
/// folders) with the given `threshold` in standard errors.
pub fn diff_dirs(old: &Path, new: &Path, threshold: f64) -> Result<BatchDiff, ReadError> {
    let a = scenario_folders(old)?;
    let b = scenario_folders(new)?;
    let single = a.len() == 1 && b.len() == 1 && old.join("summary.json").is_file();
    let mut scenarios = Vec::new();
    let mut only_old = Vec::new();
    let mut unreadable = Vec::new();
    for (name, path) in &a {
        let partner = if single {
            b.first()
        } else {
            b.iter().find(|(n, _)| n == name)
        };
        match partner {
            Some((_, q)) => {
                let read = RunSummary::read(&path.join("summary.json"))
                    .and_then(|before| Ok((before, RunSummary::read(&q.join("summary.json"))?)));
                match read {
                    Ok((before, after)) => {
                        scenarios.push(compare(name, &before, &after, threshold));
                    }
                    // Two scenario folders: the error is the answer.
                    Err(e) if single => return Err(e),
                    // A batch: the other scenarios are still compared.
                    Err(e) => unreadable.push(Unreadable {
                        folder: name.clone(),
                        error: e.to_string(),
                    }),
                }
            }
            None => only_old.push(name.clone()),
        }
    }
    let only_new = if single {
        Vec::new()
    } else {
        b.iter()
            .filter(|(n, _)| !a.iter().any(|(m, _)| m == n))
            .map(|(n, _)| n.clone())
            .collect()
    };
    Ok(BatchDiff {
        format_version: 1,
        old: old.to_path_buf(),
        new: new.to_path_buf(),
        threshold,
        scenarios,
        only_old,
        only_new,
        unreadable,
    })
}
