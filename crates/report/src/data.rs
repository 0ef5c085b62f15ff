//! What a report reads from a result folder: summary.json, by_year.csv,
//! inputs.json and, when present, sensitivity.json (docs/output-format.md).
//! Every field is optional on reading, so a folder written by an older or
//! newer palett still gives a report with what it holds.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ReportError;

/// A statistic object of summary.json; every field may be null or absent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Stats {
    /// Mean.
    pub mean: Option<f64>,
    /// 5th percentile.
    pub p5: Option<f64>,
    /// 25th percentile.
    pub p25: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// Payback: share of samples that pay back within the horizon.
    pub p_within_horizon: Option<f64>,
    /// Payback per actor: share that gets its money back within the budget period.
    pub p_within_budget_period: Option<f64>,
    /// Tipping: share of samples that tip within the horizon.
    pub p_reached: Option<f64>,
}

/// PV per actor (and `total`) of the baseline cost, investment and avoided cost.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PvByActor {
    /// PV of the do-nothing cost.
    pub baseline_cost: HashMap<String, Stats>,
    /// PV of the mix's investment.
    pub investment: HashMap<String, Stats>,
    /// PV of the cost the mix avoids.
    pub avoided: HashMap<String, Stats>,
}

/// One mix of summary.json.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Mix {
    /// Its name (`do_nothing` for the baseline).
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// Total NPV, SEK.
    pub npv: Stats,
    /// Benefit–cost ratio.
    pub bcr: Stats,
    /// Payback year.
    pub payback_year: Stats,
    /// Tipping year.
    pub tipping_year: Stats,
    /// NPV per actor.
    pub npv_by_actor: HashMap<String, Stats>,
    /// Payback per actor.
    pub payback_by_actor: HashMap<String, Stats>,
    /// P(NPV > 0).
    pub p_npv_positive: Option<f64>,
    /// P(best).
    pub p_best: Option<f64>,
    /// PVs per actor.
    pub pv_by_actor: PvByActor,
}

impl Mix {
    /// Whether this is the do-nothing baseline.
    pub fn is_baseline(&self) -> bool {
        self.name == "do_nothing"
    }
}

/// summary.json.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// The scenario file as given to `palett run`.
    pub file: String,
    /// Seed.
    pub seed: Option<u64>,
    /// Samples run.
    pub samples: Option<u64>,
    /// `latin_hypercube`, `monte_carlo` or `deterministic`.
    pub method: String,
    /// Whether adaptive stopping ended the run early.
    pub stopped_early: bool,
    /// Years.
    pub horizon: u32,
    /// Discount rate (share per year).
    pub discount_rate: Option<f64>,
    /// Budget period N, years.
    pub budget_period: Option<u32>,
    /// Price year of the amounts.
    pub price_year: Option<u32>,
    /// Actors in the scenario's order.
    pub actors: Vec<String>,
    /// Warnings for the scenario author.
    pub warnings: Vec<String>,
    /// Mixes, do_nothing first.
    pub mixes: Vec<Mix>,
}

impl Summary {
    /// The do-nothing baseline, if the file has it.
    pub fn baseline(&self) -> Option<&Mix> {
        self.mixes.iter().find(|m| m.is_baseline())
    }

    /// The mixes that are not the baseline, in file order.
    pub fn alternatives(&self) -> impl Iterator<Item = &Mix> {
        self.mixes.iter().filter(|m| !m.is_baseline())
    }

    /// Whether this was a base-case run (one sample, no intervals).
    pub fn deterministic(&self) -> bool {
        self.method == "deterministic"
    }

    /// The mix with the highest P(best), ties broken by mean NPV.
    pub fn best(&self) -> Option<&Mix> {
        self.mixes.iter().max_by(|a, b| {
            let ka = (a.p_best.unwrap_or(0.0), a.npv.mean.unwrap_or(f64::MIN));
            let kb = (b.p_best.unwrap_or(0.0), b.npv.mean.unwrap_or(f64::MIN));
            ka.partial_cmp(&kb).unwrap_or(std::cmp::Ordering::Equal)
        })
    }
}

/// One uncertain input of inputs.json.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Input {
    /// Its path (the name correlations use).
    pub path: String,
    /// The file it is written in.
    pub file: String,
    /// Its distribution in scenario notation.
    pub distribution: String,
    /// Its central value.
    pub central: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Inputs {
    uncertain_inputs: Vec<Input>,
}

/// One row of by_year.csv: a band over the samples in one year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Year of the scenario, 1 = first.
    pub year: u32,
    /// Mean.
    pub mean: Option<f64>,
    /// 5th percentile.
    pub p5: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
}

/// by_year.csv, indexed by (mix, measure, key), each series sorted by year.
#[derive(Debug, Clone, Default)]
pub struct ByYear {
    series: HashMap<(String, String, String), Vec<Band>>,
}

impl ByYear {
    /// The series of `measure` and `key` under `mix`; empty when absent.
    pub fn series(&self, mix: &str, measure: &str, key: &str) -> &[Band] {
        self.series
            .get(&(mix.to_string(), measure.to_string(), key.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether the file had no rows.
    pub fn is_empty(&self) -> bool {
        self.series.is_empty()
    }
}

#[derive(Debug, Deserialize)]
struct Row {
    mix: String,
    year: u32,
    measure: String,
    key: String,
    mean: Option<f64>,
    p5: Option<f64>,
    p50: Option<f64>,
    p95: Option<f64>,
}

/// Everything a report reads from one scenario's result folder.
#[derive(Debug, Clone)]
pub struct ResultFolder {
    /// The folder.
    pub dir: PathBuf,
    /// summary.json.
    pub summary: Summary,
    /// by_year.csv (empty when the file is missing).
    pub by_year: ByYear,
    /// inputs.json; `None` when the folder has none (written by an older palett).
    pub inputs: Option<Vec<Input>>,
    /// sensitivity.json as it is, when present: its format is not settled,
    /// so the report reads what it recognises (see [`crate::chart::analysis`]).
    pub sensitivity: Option<serde_json::Value>,
}

fn read(path: &Path) -> Result<Option<String>, ReportError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(ReportError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

fn json<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, ReportError> {
    serde_json::from_str(text).map_err(|source| ReportError::Json {
        path: path.to_path_buf(),
        source,
    })
}

/// Parses by_year.csv text.
pub fn parse_by_year(path: &Path, text: &str) -> Result<ByYear, ReportError> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut series: HashMap<(String, String, String), Vec<Band>> = HashMap::new();
    for row in r.deserialize::<Row>() {
        let row = row.map_err(|source| ReportError::Csv {
            path: path.to_path_buf(),
            source,
        })?;
        series
            .entry((row.mix, row.measure, row.key))
            .or_default()
            .push(Band {
                year: row.year,
                mean: row.mean,
                p5: row.p5,
                p50: row.p50,
                p95: row.p95,
            });
    }
    for s in series.values_mut() {
        s.sort_by_key(|b| b.year);
    }
    Ok(ByYear { series })
}

impl ResultFolder {
    /// Reads the folder `dir`; `Ok(None)` when it has no summary.json.
    pub fn read(dir: &Path) -> Result<Option<ResultFolder>, ReportError> {
        let summary_path = dir.join("summary.json");
        let Some(summary_text) = read(&summary_path)? else {
            return Ok(None);
        };
        let summary: Summary = json(&summary_path, &summary_text)?;
        let by_year_path = dir.join("by_year.csv");
        let by_year = match read(&by_year_path)? {
            Some(t) => parse_by_year(&by_year_path, &t)?,
            None => ByYear::default(),
        };
        let inputs_path = dir.join("inputs.json");
        let inputs = match read(&inputs_path)? {
            Some(t) => Some(json::<Inputs>(&inputs_path, &t)?.uncertain_inputs),
            None => None,
        };
        let sensitivity_path = dir.join("sensitivity.json");
        let sensitivity = match read(&sensitivity_path)? {
            Some(t) => Some(json(&sensitivity_path, &t)?),
            None => None,
        };
        Ok(Some(ResultFolder {
            dir: dir.to_path_buf(),
            summary,
            by_year,
            inputs,
            sensitivity,
        }))
    }
}

/// One file's entry in index.json, as far as a report uses it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IndexEntry {
    /// The file.
    pub file: String,
    /// `ok`, `assertions_failed`, `invalid` or `failed`.
    pub status: String,
    /// Scenario name.
    pub scenario: Option<String>,
    /// Problems.
    pub errors: Vec<String>,
    /// Result folder, relative to the output directory.
    pub outputs: Option<String>,
}

/// index.json, as far as a report uses it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Index {
    /// The version of palett that wrote the results.
    pub palett_version: Option<String>,
    /// Its files.
    pub files: Vec<IndexEntry>,
}

impl Index {
    /// Reads `dir/index.json`, if there is one.
    pub fn read(dir: &Path) -> Result<Option<Index>, ReportError> {
        let path = dir.join("index.json");
        match read(&path)? {
            Some(t) => json(&path, &t).map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_year_rows_become_sorted_series_and_empty_cells_none() {
        let text = "mix,year,measure,key,mean,p5,p50,p95\n\
                    a,2,cum_net_pv,total,2,1,2,3\n\
                    a,1,cum_net_pv,total,1,,1,\n";
        let b = parse_by_year(Path::new("x"), text).expect("parses");
        let s = b.series("a", "cum_net_pv", "total");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].year, 1);
        assert_eq!(s[0].p5, None);
        assert_eq!(s[1].p95, Some(3.0));
        assert!(b.series("a", "track_state", "school").is_empty());
    }

    #[test]
    fn a_summary_with_unknown_and_missing_fields_reads() {
        let s: Summary = serde_json::from_str(
            r#"{"scenario":"x","future_field":1,"mixes":[{"name":"do_nothing","npv":{"mean":0}}]}"#,
        )
        .expect("reads");
        assert_eq!(s.mixes.len(), 1);
        assert!(s.baseline().is_some());
        assert_eq!(s.alternatives().count(), 0);
    }
}
