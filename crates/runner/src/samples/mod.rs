//! `--samples-out FILE`: each sample's inputs and every mix's NPV, in
//! total and per actor, for users who do their own analysis
//! (docs/output-format.md, "Samples file"). CSV, or Parquet when FILE ends
//! in `.parquet` and palett was built with the `parquet` feature. Streamed
//! to a temporary file block by block as the run goes (memory flat in the
//! sample count) and renamed into place when the run succeeds.

mod csv;
mod memory;
#[cfg(feature = "parquet")]
mod parquet;

pub use memory::{SamplesCollector, SamplesTable};

use std::path::{Path, PathBuf};

use palett_model::Scenario;
use palett_model::layout::plan;
use palett_model::metric::{KeySet, Quantity};
use palett_montecarlo::{Block, Observe};

/// Where to write and how many samples at most.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplesOut {
    /// The file: Parquet if it ends in `.parquet`, CSV otherwise.
    pub path: PathBuf,
    /// At most this many samples (rows), from the first.
    pub limit: u64,
}

/// The default of `--samples-out-limit`: rows of the samples file.
pub const DEFAULT_LIMIT: u64 = 100_000;

/// Why the samples file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum SamplesError {
    /// Writing the CSV failed.
    #[error("{}: cannot write the samples: {source}", .path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// Why.
        source: ::csv::Error,
    },
    /// Writing the Parquet file failed.
    #[cfg(feature = "parquet")]
    #[error("{}: cannot write the samples: {source}", .path.display())]
    Parquet {
        /// The file.
        path: PathBuf,
        /// Why.
        source: ::parquet::errors::ParquetError,
    },
    /// Creating, flushing or renaming the file failed.
    #[error("{}: cannot write the samples: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A `.parquet` file was asked of a build without Parquet support.
    #[error(
        "{}: this palett was built without Parquet support; write CSV (any other extension) or \
         rebuild with `cargo build --release --features parquet`",
        .path.display()
    )]
    ParquetNotBuilt {
        /// The file.
        path: PathBuf,
    },
}

/// The columns of a samples file: `sample`, every uncertain input by its
/// `palett params` path, then `npv/<mix>/<actor or total>` for every mix
/// but do-nothing, with the output cell each NPV column reads.
struct Columns {
    inputs: Vec<String>,
    npv: Vec<(String, usize)>,
}

impl Columns {
    fn of(s: &Scenario) -> Columns {
        let p = plan(s);
        let keys = p.keys.keys(KeySet::ActorsAndTotal);
        let mut npv = Vec::new();
        for m in &p.mixes[1..] {
            for (k, slot) in keys.iter().zip(m.scalar(Quantity::Npv)) {
                npv.push((format!("npv/{}/{k}", m.name), slot.index()));
            }
        }
        Columns {
            inputs: s.inputs.names().to_vec(),
            npv,
        }
    }
}

/// The temporary file a samples file is streamed to.
fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

/// How many of `block`'s samples still fit under `limit` after `written`.
fn take(block: &Block<'_>, limit: u64, written: u64) -> usize {
    (block.len() as u64).min(limit.saturating_sub(written)) as usize
}

/// The observer that writes a samples file.
pub enum SamplesFile {
    /// CSV.
    Csv(csv::SamplesCsv),
    /// Parquet.
    #[cfg(feature = "parquet")]
    Parquet(parquet::SamplesParquet),
}

impl SamplesFile {
    /// Opens the temporary file next to `out.path` for the scenario `s`,
    /// creating the file's folders when missing.
    pub fn create(s: &Scenario, out: &SamplesOut) -> Result<SamplesFile, SamplesError> {
        if let Some(dir) = out.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| SamplesError::Io {
                path: out.path.clone(),
                source,
            })?;
        }
        let columns = Columns::of(s);
        let is_parquet = out
            .path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        if is_parquet {
            #[cfg(feature = "parquet")]
            return parquet::SamplesParquet::create(columns, out).map(SamplesFile::Parquet);
            #[cfg(not(feature = "parquet"))]
            return Err(SamplesError::ParquetNotBuilt {
                path: out.path.clone(),
            });
        }
        csv::SamplesCsv::create(columns, out).map(SamplesFile::Csv)
    }

    /// Finishes the file and renames it into place (after a successful
    /// run); returns the rows written.
    pub fn finish(self) -> Result<u64, SamplesError> {
        match self {
            SamplesFile::Csv(w) => w.finish(),
            #[cfg(feature = "parquet")]
            SamplesFile::Parquet(w) => w.finish(),
        }
    }

    /// Removes the temporary file (after a failed run).
    pub fn abandon(self) {
        let temp = match &self {
            SamplesFile::Csv(w) => w.temp().to_path_buf(),
            #[cfg(feature = "parquet")]
            SamplesFile::Parquet(w) => w.temp().to_path_buf(),
        };
        drop(self);
        let _ = std::fs::remove_file(temp);
    }
}

impl Observe for SamplesFile {
    fn observe(&mut self, block: &Block<'_>) {
        match self {
            SamplesFile::Csv(w) => w.observe(block),
            #[cfg(feature = "parquet")]
            SamplesFile::Parquet(w) => w.observe(block),
        }
    }

    fn end_segment(&mut self) {}
}
