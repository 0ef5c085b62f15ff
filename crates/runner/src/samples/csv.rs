//! The samples file as CSV.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use palett_montecarlo::Block;

use super::{Columns, SamplesError, SamplesOut, take, temp_path};

/// Streams rows of a samples file to CSV.
pub struct SamplesCsv {
    target: PathBuf,
    temp: PathBuf,
    writer: csv::Writer<BufWriter<File>>,
    columns: Columns,
    limit: u64,
    written: u64,
    error: Option<csv::Error>,
    row: Vec<String>,
}

impl SamplesCsv {
    pub(super) fn create(columns: Columns, out: &SamplesOut) -> Result<SamplesCsv, SamplesError> {
        let temp = temp_path(&out.path);
        let file = File::create(&temp).map_err(|source| SamplesError::Io {
            path: out.path.clone(),
            source,
        })?;
        let mut writer = csv::Writer::from_writer(BufWriter::new(file));
        let header = std::iter::once("sample")
            .chain(columns.inputs.iter().map(String::as_str))
            .chain(columns.npv.iter().map(|(n, _)| n.as_str()));
        writer
            .write_record(header)
            .map_err(|source| SamplesError::Csv {
                path: out.path.clone(),
                source,
            })?;
        Ok(SamplesCsv {
            target: out.path.clone(),
            temp,
            writer,
            columns,
            limit: out.limit,
            written: 0,
            error: None,
            row: Vec::new(),
        })
    }

    pub(super) fn temp(&self) -> &Path {
        &self.temp
    }

    pub(super) fn observe(&mut self, block: &Block<'_>) {
        if self.error.is_some() {
            return;
        }
        let n = take(block, self.limit, self.written);
        for k in 0..n {
            self.row.clear();
            self.row.push((block.first() + k as u64).to_string());
            // `{}` of an f64 is its shortest round-trip form: exact to read
            // back.
            self.row
                .extend((0..block.n_inputs()).map(|j| format!("{}", block.input(k, j))));
            self.row.extend(
                self.columns
                    .npv
                    .iter()
                    .map(|&(_, c)| format!("{}", block.value(k, c))),
            );
            if let Err(e) = self.writer.write_record(&self.row) {
                self.error = Some(e);
                return;
            }
        }
        self.written += n as u64;
    }

    pub(super) fn finish(self) -> Result<u64, SamplesError> {
        let target = self.target.clone();
        let io = |source: std::io::Error| SamplesError::Io {
            path: target.clone(),
            source,
        };
        if let Some(source) = self.error {
            let _ = std::fs::remove_file(&self.temp);
            return Err(SamplesError::Csv {
                path: target.clone(),
                source,
            });
        }
        let file = self
            .writer
            .into_inner()
            .map_err(|e| io(e.into_error()))?
            .into_inner()
            .map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&self.temp, &self.target).map_err(io)?;
        Ok(self.written)
    }
}
