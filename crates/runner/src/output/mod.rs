//! What a run's results become: the files of a scenario's result folder
//! (summary.json, by_year.csv, inputs.json) and the terminal table, each an [`Output`]
//! that renders a [`RunReport`] to bytes. The folder is written through
//! [`crate::write::write_atomic`]. docs/output-format.md describes every
//! field.

mod by_year_csv;
pub mod discover;
pub mod frontier;
mod inputs_json;
pub mod oneway;
pub mod sensitivity_json;
pub mod shapley;
pub mod summary_json;
mod synergy_json;
mod table;

pub use by_year_csv::ByYearCsv;
pub use inputs_json::InputsJson;
pub use sensitivity_json::SensitivityJson;
pub use summary_json::SummaryJson;
pub use table::ComparisonTable;

use std::path::Path;

use palett_model::{Scenario, ScenarioRun};

/// What an output renders: the scenario and what its run produced.
#[derive(Debug, Clone, Copy)]
pub struct RunReport<'a> {
    /// The resolved scenario.
    pub scenario: &'a Scenario,
    /// Its run.
    pub run: &'a ScenarioRun,
}

/// Why an output could not be rendered or written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Serialising to JSON failed.
    #[error("cannot write {output}: {source}")]
    Json {
        /// The output.
        output: &'static str,
        /// The serialiser's error.
        source: serde_json::Error,
    },
    /// Writing CSV failed.
    #[error("cannot write {output}: {source}")]
    Csv {
        /// The output.
        output: &'static str,
        /// The CSV writer's error.
        source: csv::Error,
    },
    /// Writing a file failed.
    #[error("{}: cannot write results: {source}", .path.display())]
    Io {
        /// The file or folder.
        path: std::path::PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
}

/// One way of presenting a run's results.
pub trait Output: Sync {
    /// A short name, for messages (`summary.json`, `table`).
    fn name(&self) -> &'static str;

    /// The file this output is written to inside a scenario's result
    /// folder; `None` for an output meant for the terminal.
    fn file_name(&self) -> Option<&'static str>;

    /// Whether this run has anything for this output (sensitivity.json
    /// needs an analysed run); a folder output that does not apply is
    /// absent from the folder (which is replaced as a whole).
    fn applies(&self, _report: &RunReport<'_>) -> bool {
        true
    }

    /// The output's bytes.
    fn render(&self, report: &RunReport<'_>) -> Result<Vec<u8>, OutputError>;
}

/// The files of every result folder, in writing order.
pub const RESULT_FILES: [&dyn Output; 4] =
    [&ByYearCsv, &InputsJson, &SensitivityJson, &SummaryJson];

/// Renders every output of `outputs` that has a file name, then replaces
/// the folder `dir` as a whole: the files are written into a temporary
/// sibling folder (`.<name>.<pid>.tmp`), flushed, and renamed into place,
/// so `dir` always holds files of one run. Nothing is written unless every
/// output rendered.
pub fn write_folder(
    dir: &Path,
    outputs: &[&dyn Output],
    report: &RunReport<'_>,
) -> Result<(), OutputError> {
    let mut files = Vec::new();
    for o in outputs {
        if let Some(name) = o.file_name()
            && o.applies(report)
        {
            files.push((name, o.render(report)?));
        }
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| OutputError::Io { path, source }
    };
    let parent = dir.parent().unwrap_or_else(|| Path::new("."));
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let pid = std::process::id();
    let fresh = parent.join(format!(".{name}.{pid}.tmp"));
    let old = parent.join(format!(".{name}.{pid}.old.tmp"));
    let _ = std::fs::remove_dir_all(&fresh);
    let _ = std::fs::remove_dir_all(&old);
    let built = (|| {
        std::fs::create_dir(&fresh)?;
        for (file, bytes) in &files {
            let mut f = std::fs::File::create(fresh.join(file))?;
            std::io::Write::write_all(&mut f, bytes)?;
            f.sync_all()?;
        }
        Ok(())
    })();
    if let Err(e) = built {
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(io(&fresh)(e));
    }
    // A folder cannot be renamed over a non-empty one: move the old one
    // aside first, then put the new one in its place.
    if dir.exists() {
        std::fs::rename(dir, &old).map_err(io(dir))?;
    }
    if let Err(e) = std::fs::rename(&fresh, dir) {
        let _ = std::fs::rename(&old, dir);
        let _ = std::fs::remove_dir_all(&fresh);
        return Err(io(dir)(e));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// Removes what an interrupted run left in the output directory `out`:
/// temporary result folders and files (`.*.tmp`), directly in `out` and one
/// level down (inside result folders). Called before a batch writes.
pub fn remove_stale_temporaries(out: &Path) {
    let is_tmp = |n: &std::ffi::OsStr| {
        let n = n.to_string_lossy();
        n.starts_with('.') && n.ends_with(".tmp")
    };
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if is_tmp(&e.file_name()) {
            let _ = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
        } else if p.is_dir()
            && let Ok(inner) = std::fs::read_dir(&p)
        {
            for f in inner.flatten() {
                if is_tmp(&f.file_name()) && f.path().is_file() {
                    let _ = std::fs::remove_file(f.path());
                }
            }
        }
    }
}

/// An input held at a value (`--set`), as every result file that records
/// them writes it.
#[derive(serde::Serialize)]
pub(crate) struct HeldJson<'a> {
    path: &'a str,
    value: f64,
}

/// The held inputs `(path, value)` as written in result files.
pub(crate) fn held_json(held: &[(String, f64)]) -> Vec<HeldJson<'_>> {
    held.iter()
        .map(|(path, value)| HeldJson {
            path,
            value: *value,
        })
        .collect()
}

/// `doc` as pretty JSON with a final newline, the form of every JSON file
/// palett writes; `output` names the file in the error.
pub(crate) fn pretty_json<T: serde::Serialize>(
    output: &'static str,
    doc: &T,
) -> Result<Vec<u8>, OutputError> {
    serde_json::to_string_pretty(doc)
        .map(|j| (j + "\n").into_bytes())
        .map_err(|source| OutputError::Json { output, source })
}

/// A number for people: up to four significant digits.
pub(crate) fn short(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temporaries_are_removed_and_results_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path();
        std::fs::create_dir_all(out.join("s")).expect("mkdir");
        std::fs::create_dir_all(out.join(".s.123.tmp")).expect("mkdir");
        std::fs::write(out.join("s/summary.json"), "{}").expect("write");
        std::fs::write(out.join("s/.summary.json.99.tmp"), "x").expect("write");
        std::fs::write(out.join(".index.json.99.tmp"), "x").expect("write");
        remove_stale_temporaries(out);
        let mut left: Vec<_> = walk(out);
        left.sort();
        assert_eq!(left, vec!["s".to_string(), "s/summary.json".to_string()]);
    }

    fn walk(root: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(root).expect("list").flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                for f in std::fs::read_dir(e.path()).expect("list").flatten() {
                    out.push(format!("{n}/{}", f.file_name().to_string_lossy()));
                }
            }
            out.push(n);
        }
        out
    }
}
