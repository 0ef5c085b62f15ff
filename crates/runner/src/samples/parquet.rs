//! The samples file as Parquet: one INT64 column `sample` and one DOUBLE
//! column per input and NPV, snappy-compressed, in row groups of up to
//! [`ROW_GROUP`] samples so memory stays flat.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use palett_montecarlo::Block;
use parquet::basic::{Compression, Repetition, Type as Physical};
use parquet::data_type::{DoubleType, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use super::{Columns, SamplesError, SamplesOut, take, temp_path};

/// Samples per row group.
const ROW_GROUP: usize = 65_536;

/// Streams rows of a samples file to Parquet.
pub struct SamplesParquet {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<SerializedFileWriter<File>>,
    columns: Columns,
    limit: u64,
    written: u64,
    /// Buffered row group: sample indices, then one column per value.
    index: Vec<i64>,
    values: Vec<Vec<f64>>,
    error: Option<ParquetError>,
}

impl SamplesParquet {
    pub(super) fn create(
        columns: Columns,
        out: &SamplesOut,
    ) -> Result<SamplesParquet, SamplesError> {
        let err = |source: ParquetError| SamplesError::Parquet {
            path: out.path.clone(),
            source,
        };
        let temp = temp_path(&out.path);
        let column = |name: &str, t: Physical| {
            Type::primitive_type_builder(name, t)
                .with_repetition(Repetition::REQUIRED)
                .build()
                .map(Arc::new)
        };
        let mut fields = vec![column("sample", Physical::INT64).map_err(err)?];
        for name in columns
            .inputs
            .iter()
            .chain(columns.npv.iter().map(|(n, _)| n))
        {
            fields.push(column(name, Physical::DOUBLE).map_err(err)?);
        }
        let schema = Type::group_type_builder("samples")
            .with_fields(fields)
            .build()
            .map_err(err)?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let file = File::create(&temp).map_err(|source| SamplesError::Io {
            path: out.path.clone(),
            source,
        })?;
        let writer =
            SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props)).map_err(err)?;
        let width = columns.inputs.len() + columns.npv.len();
        Ok(SamplesParquet {
            target: out.path.clone(),
            temp,
            writer: Some(writer),
            columns,
            limit: out.limit,
            written: 0,
            index: Vec::new(),
            values: vec![Vec::new(); width],
            error: None,
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
        let mut col = vec![0.0; block.len()];
        self.index
            .extend((0..n).map(|k| (block.first() + k as u64) as i64));
        let inputs = self.columns.inputs.len();
        for (j, v) in self.values[..inputs].iter_mut().enumerate() {
            block.input_into(j, &mut col);
            v.extend_from_slice(&col[..n]);
        }
        for (v, &(_, c)) in self.values[inputs..].iter_mut().zip(&self.columns.npv) {
            block.output_into(c, &mut col);
            v.extend_from_slice(&col[..n]);
        }
        self.written += n as u64;
        if self.index.len() >= ROW_GROUP
            && let Err(e) = self.flush()
        {
            self.error = Some(e);
        }
    }

    /// Writes the buffered rows as one row group.
    fn flush(&mut self) -> Result<(), ParquetError> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        if self.index.is_empty() {
            return Ok(());
        }
        let mut group = writer.next_row_group()?;
        let mut at = 0;
        while let Some(mut column) = group.next_column()? {
            if at == 0 {
                column
                    .typed::<Int64Type>()
                    .write_batch(&self.index, None, None)?;
            } else {
                column
                    .typed::<DoubleType>()
                    .write_batch(&self.values[at - 1], None, None)?;
            }
            column.close()?;
            at += 1;
        }
        group.close()?;
        self.index.clear();
        for v in &mut self.values {
            v.clear();
        }
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<u64, SamplesError> {
        let target = self.target.clone();
        let err = |source: ParquetError| SamplesError::Parquet {
            path: target.clone(),
            source,
        };
        let flushed = match self.error.take() {
            Some(e) => Err(e),
            None => self.flush(),
        };
        let closed = flushed.and_then(|()| match self.writer.take() {
            Some(w) => w.close().map(|_| ()),
            None => Ok(()),
        });
        if let Err(e) = closed {
            let _ = std::fs::remove_file(&self.temp);
            return Err(err(e));
        }
        std::fs::rename(&self.temp, &self.target).map_err(|source| SamplesError::Io {
            path: target.clone(),
            source,
        })?;
        Ok(self.written)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    use super::super::{SamplesFile, SamplesOut};

    #[test]
    fn a_run_writes_inputs_and_npvs_that_read_back_exactly() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/herrgarden.ron");
        let s = crate::load_scenario(&path).expect("the shipped scenario loads");
        let dir = tempfile::tempdir().expect("temp dir");
        let out = SamplesOut {
            path: dir.path().join("s.parquet"),
            limit: 700,
        };
        let mut file = SamplesFile::create(&s, &out).expect("created");
        let o = palett_model::RunOptions {
            samples: Some(1_000),
            skip_analysis: true,
            ..Default::default()
        };
        palett_model::run::run_with(&s, &o, &|_| {}, &mut [&mut file]).expect("runs");
        assert_eq!(file.finish().expect("written"), 700);
        let reader = SerializedFileReader::new(std::fs::File::open(&out.path).expect("open"))
            .expect("a Parquet file");
        let meta = reader.metadata().file_metadata();
        assert_eq!(meta.num_rows(), 700);
        let names: Vec<String> = meta
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        assert_eq!(names[0], "sample");
        assert_eq!(names[1..=s.inputs.len()], s.inputs.names()[..]);
        assert!(names.iter().any(|n| n.ends_with("/total")));
        let rows: Vec<_> = reader
            .get_row_iter(None)
            .expect("rows")
            .map(|r| r.expect("a row"))
            .collect();
        for (i, row) in rows.iter().enumerate() {
            let (_, first) = row.get_column_iter().next().expect("a column");
            assert_eq!(*first, Field::Long(i as i64));
        }
        assert!(!dir.path().join("s.parquet.tmp").exists());
    }
}
