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
pub mod summary_json;
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
    /// removed from the folder, so no stale file outlives its run.
    fn applies(&self, _report: &RunReport<'_>) -> bool {
        true
    }

    /// The output's bytes.
    fn render(&self, report: &RunReport<'_>) -> Result<Vec<u8>, OutputError>;
}

/// The files of every result folder, in writing order.
pub const RESULT_FILES: [&dyn Output; 4] =
    [&ByYearCsv, &InputsJson, &SensitivityJson, &SummaryJson];

/// Renders every output of `outputs` that has a file name, then writes them
/// into `dir` (created if missing), each atomically. Nothing is written
/// unless every output rendered.
pub fn write_folder(
    dir: &Path,
    outputs: &[&dyn Output],
    report: &RunReport<'_>,
) -> Result<(), OutputError> {
    let mut files = Vec::new();
    let mut stale = Vec::new();
    for o in outputs {
        if let Some(name) = o.file_name() {
            if o.applies(report) {
                files.push((name, o.render(report)?));
            } else {
                stale.push(name);
            }
        }
    }
    std::fs::create_dir_all(dir).map_err(|source| OutputError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    for (name, bytes) in files {
        let path = dir.join(name);
        crate::write::write_atomic(&path, &bytes).map_err(|source| OutputError::Io {
            path: path.clone(),
            source,
        })?;
    }
    for name in stale {
        let path = dir.join(name);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(OutputError::Io { path, source: e });
            }
            _ => {}
        }
    }
    Ok(())
}
