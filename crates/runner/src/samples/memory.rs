//! Each sample's inputs and NPVs kept in memory, column by column, for
//! callers that analyse them in-process (the Python package's
//! `palett.samples`). The same columns and values as the samples file.

use palett_model::Scenario;
use palett_montecarlo::{Block, Observe};

use super::{Columns, take};

/// The samples of a run as columns: the sample index, every uncertain input
/// (by its `palett params` path), then every mix's NPV in total and per
/// actor (`npv/<mix>/<actor or total>`, SEK), as in the samples file
/// (docs/output-format.md, "Samples file").
#[derive(Debug, Clone, PartialEq)]
pub struct SamplesTable {
    /// Sample index of each row, counting from 0.
    pub sample: Vec<u64>,
    /// Column names: the inputs, then the NPVs.
    pub names: Vec<String>,
    /// One column per name, a value per row.
    pub columns: Vec<Vec<f64>>,
}

/// The observer that fills a [`SamplesTable`] with at most `limit` rows.
#[derive(Debug)]
pub struct SamplesCollector {
    npv_cells: Vec<usize>,
    n_inputs: usize,
    limit: u64,
    table: SamplesTable,
}

impl SamplesCollector {
    /// An empty table for the scenario `s`, keeping the first `limit`
    /// samples.
    pub fn new(s: &Scenario, limit: u64) -> SamplesCollector {
        let columns = Columns::of(s);
        let n_inputs = columns.inputs.len();
        let names: Vec<String> = columns
            .inputs
            .into_iter()
            .chain(columns.npv.iter().map(|(n, _)| n.clone()))
            .collect();
        SamplesCollector {
            npv_cells: columns.npv.iter().map(|&(_, c)| c).collect(),
            n_inputs,
            limit,
            table: SamplesTable {
                sample: Vec::new(),
                columns: vec![Vec::new(); names.len()],
                names,
            },
        }
    }

    /// The rows collected.
    pub fn finish(self) -> SamplesTable {
        self.table
    }
}

impl Observe for SamplesCollector {
    fn observe(&mut self, block: &Block<'_>) {
        let n = take(block, self.limit, self.table.sample.len() as u64);
        self.table
            .sample
            .extend((0..n as u64).map(|k| block.first() + k));
        let (inputs, npv) = self.table.columns.split_at_mut(self.n_inputs);
        for (j, column) in inputs.iter_mut().enumerate() {
            column.extend((0..n).map(|k| block.input(k, j)));
        }
        for (column, &c) in npv.iter_mut().zip(&self.npv_cells) {
            column.extend((0..n).map(|k| block.value(k, c)));
        }
    }

    fn end_segment(&mut self) {}
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::super::{SamplesFile, SamplesOut};
    use super::SamplesCollector;

    #[test]
    fn the_table_holds_the_samples_file_values_exactly() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/herrgarden.ron");
        let s = crate::load_scenario(&path).expect("the shipped scenario loads");
        let dir = tempfile::tempdir().expect("temp dir");
        let out = SamplesOut {
            path: dir.path().join("s.csv"),
            limit: 300,
        };
        let mut file = SamplesFile::create(&s, &out).expect("created");
        let mut table = SamplesCollector::new(&s, 300);
        let o = palett_model::RunOptions {
            samples: Some(500),
            skip_analysis: true,
            ..Default::default()
        };
        palett_model::run::run_with(&s, &o, &|_| {}, &mut [&mut file, &mut table]).expect("runs");
        file.finish().expect("written");
        let table = table.finish();
        let text = std::fs::read_to_string(&out.path).expect("read back");
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
        assert_eq!(header[0], "sample");
        assert_eq!(
            header[1..],
            table.names.iter().map(String::as_str).collect::<Vec<_>>()[..]
        );
        assert_eq!(table.sample, (0..300).collect::<Vec<u64>>());
        for (row, line) in lines.enumerate() {
            let values: Vec<f64> = line
                .split(',')
                .skip(1)
                .map(|v| v.parse().expect("a number"))
                .collect();
            for (column, v) in table.columns.iter().zip(&values) {
                assert_eq!(column[row].to_bits(), v.to_bits());
            }
        }
        assert!(table.columns.iter().all(|c| c.len() == 300));
    }
}
