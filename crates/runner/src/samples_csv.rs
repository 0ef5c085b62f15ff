//! `--samples-out FILE`: each sample's inputs and every mix's NPV, in
//! total and per actor, as CSV, for users who do their own analysis
//! (docs/output-format.md, "samples CSV"). Streamed to a temporary file
//! block by block as the run goes (memory flat in the sample count) and
//! renamed into place when the run succeeds.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use palett_model::Scenario;
use palett_model::layout::plan;
use palett_model::metric::{KeySet, Quantity};
use palett_montecarlo::{Block, Observe};

/// Where to write and how many samples at most.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplesOut {
    /// The CSV file.
    pub path: PathBuf,
    /// At most this many samples (rows), from the first.
    pub limit: u64,
}

/// The default of `--samples-out-limit`: rows of the samples CSV.
pub const DEFAULT_LIMIT: u64 = 100_000;

/// Why the samples CSV could not be written.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot write the samples: {source}", .path.display())]
pub struct SamplesError {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub source: csv::Error,
}

/// The observer that writes the CSV.
pub struct SamplesCsv {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<csv::Writer<BufWriter<File>>>,
    /// NPV cells in column order.
    cells: Vec<usize>,
    limit: u64,
    written: u64,
    error: Option<csv::Error>,
    row: Vec<String>,
}

impl SamplesCsv {
    /// Opens the temporary file next to `out.path` and writes the header:
    /// `sample`, every uncertain input by its `palett params` path, then
    /// `npv/<mix>/<actor or total>` for every mix but do-nothing.
    pub fn create(s: &Scenario, out: &SamplesOut) -> Result<SamplesCsv, SamplesError> {
        let temp = temp_path(&out.path);
        let err = |source: csv::Error| SamplesError {
            path: out.path.clone(),
            source,
        };
        let mut writer = csv::Writer::from_writer(BufWriter::new(
            File::create(&temp).map_err(|e| err(e.into()))?,
        ));
        let p = plan(s);
        let keys = p.keys.keys(KeySet::ActorsAndTotal);
        let mut header: Vec<String> = vec!["sample".into()];
        header.extend(s.inputs.names().iter().cloned());
        let mut cells = Vec::new();
        for m in &p.mixes[1..] {
            for (k, slot) in keys.iter().zip(m.scalar(Quantity::Npv)) {
                header.push(format!("npv/{}/{k}", m.name));
                cells.push(slot.index());
            }
        }
        writer.write_record(&header).map_err(err)?;
        Ok(SamplesCsv {
            target: out.path.clone(),
            temp,
            writer: Some(writer),
            cells,
            limit: out.limit,
            written: 0,
            error: None,
            row: Vec::new(),
        })
    }

    /// Flushes and renames the file into place (after a successful run).
    pub fn finish(mut self) -> Result<u64, SamplesError> {
        let err = |path: &Path, source: csv::Error| SamplesError {
            path: path.to_path_buf(),
            source,
        };
        if let Some(e) = self.error.take() {
            let _ = std::fs::remove_file(&self.temp);
            return Err(err(&self.target, e));
        }
        if let Some(w) = self.writer.take() {
            let file = w
                .into_inner()
                .map_err(|e| err(&self.target, e.into_error().into()))?;
            file.into_inner()
                .map_err(|e| err(&self.target, e.into_error().into()))?
                .sync_all()
                .map_err(|e| err(&self.target, e.into()))?;
        }
        std::fs::rename(&self.temp, &self.target).map_err(|e| err(&self.target, e.into()))?;
        Ok(self.written)
    }

    /// Removes the temporary file (after a failed run).
    pub fn abandon(mut self) {
        self.writer.take();
        let _ = std::fs::remove_file(&self.temp);
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".tmp");
    path.with_file_name(name)
}

impl Observe for SamplesCsv {
    fn observe(&mut self, block: &Block<'_>) {
        let Some(w) = self.writer.as_mut() else {
            return;
        };
        if self.error.is_some() {
            return;
        }
        let n = (block.len() as u64).min(self.limit.saturating_sub(self.written)) as usize;
        for k in 0..n {
            self.row.clear();
            self.row.push((block.first() + k as u64).to_string());
            // `{}` of an f64 is its shortest round-trip form: exact to read
            // back.
            self.row
                .extend((0..block.n_inputs()).map(|j| format!("{}", block.input(k, j))));
            self.row
                .extend(self.cells.iter().map(|&c| format!("{}", block.value(k, c))));
            if let Err(e) = w.write_record(&self.row) {
                self.error = Some(e);
                return;
            }
        }
        self.written += n as u64;
    }

    fn end_segment(&mut self) {}
}
