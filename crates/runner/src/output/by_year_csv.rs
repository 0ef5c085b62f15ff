//! by_year.csv: `mix,year,measure,key,mean,p5,p50,p95`, one row per mix,
//! measure of the metric catalogue, key and year (docs/output-format.md).

use palett_model::metric::Measure;

use super::{Output, OutputError, RunReport};

/// by_year.csv.
#[derive(Debug, Clone, Copy, Default)]
pub struct ByYearCsv;

/// A number as Rust prints it (shortest text that reads back the same
/// value); empty when undefined.
fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}

impl Output for ByYearCsv {
    fn name(&self) -> &'static str {
        "by_year.csv"
    }

    fn file_name(&self) -> Option<&'static str> {
        Some("by_year.csv")
    }

    fn render(&self, report: &RunReport<'_>) -> Result<Vec<u8>, OutputError> {
        let results = &report.run.results;
        let err = |source| OutputError::Csv {
            output: "by_year.csv",
            source,
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["mix", "year", "measure", "key", "mean", "p5", "p50", "p95"])
            .map_err(err)?;
        for mix in &results.mixes {
            for measure in Measure::ALL {
                let def = measure.def();
                for (k, key) in results.keys.keys(def.keys).iter().enumerate() {
                    for (t, b) in mix.series(measure, k).iter().enumerate() {
                        w.write_record([
                            mix.name.as_str(),
                            &(t + 1).to_string(),
                            def.name,
                            key,
                            &number(b.mean),
                            &number(b.p5),
                            &number(b.p50),
                            &number(b.p95),
                        ])
                        .map_err(err)?;
                    }
                }
            }
        }
        w.into_inner().map_err(|e| OutputError::Csv {
            output: "by_year.csv",
            source: e.into_error().into(),
        })
    }
}
