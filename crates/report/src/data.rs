//! What a report reads from a result folder: summary.json, by_year.csv,
//! inputs.json and, when present, sensitivity.json (docs/output-format.md).
//! Every field is optional on reading, so a folder written by an older or
//! newer palett still gives a report with what it holds.

use std::collections::{BTreeMap, HashMap};
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
    /// Inputs held at a value (`--set`), in the order given.
    pub held: Vec<Held>,
    /// Mixes, do_nothing first.
    pub mixes: Vec<Mix>,
    /// EVPI in total and per actor (sampled runs with the analysis).
    pub value_of_information: Option<SummaryVoi>,
}

/// summary.json's `held`: an uncertain input held at a value (`--set`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Held {
    /// The input's `palett params` path.
    pub path: String,
    /// The value it was held at, in the input's own unit.
    pub value: f64,
}

/// summary.json's `value_of_information`: the expected value of perfect
/// information for the choice between the mixes, SEK.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SummaryVoi {
    /// EVPI for the total over actors, SEK.
    pub evpi: Option<f64>,
    /// Its standard error.
    pub evpi_se: Option<f64>,
    /// The mix of highest expected total NPV.
    pub best_mix: Option<String>,
    /// The same per actor, each maximising its own NPV.
    pub by_actor: Vec<ActorVoi>,
}

/// One actor's EVPI in summary.json.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ActorVoi {
    /// Actor key.
    pub actor: String,
    /// EVPI, SEK.
    pub evpi: Option<f64>,
    /// Its standard error.
    pub evpi_se: Option<f64>,
    /// The mix of highest expected NPV for this actor.
    pub best_mix: Option<String>,
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

    /// The alternative (not do-nothing) with the highest mean total NPV.
    pub fn highest_mean_npv(&self) -> Option<&Mix> {
        self.alternatives()
            .filter(|m| m.npv.mean.is_some_and(f64::is_finite))
            .max_by(|a, b| {
                let (a, b) = (a.npv.mean.unwrap_or(0.0), b.npv.mean.unwrap_or(0.0));
                a.total_cmp(&b)
            })
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

/// The sensitivity.json format version this report reads.
pub const SENSITIVITY_FORMAT: u64 = 1;

/// A versioned analysis file as far as the report can read it.
#[derive(Debug, Clone)]
pub enum Versioned<T> {
    /// A file of the format version this report reads.
    Known(Box<T>),
    /// A file of another `format_version` (`None`: the field is missing):
    /// the page says so instead of guessing.
    Unknown(Option<u64>),
}

/// sensitivity.json as far as the report can read it.
pub type SensitivityFile = Versioned<Sensitivity>;

/// The shapley.json format version this report reads.
pub const SHAPLEY_FORMAT: u64 = 1;

/// shapley.json as far as the report can read it.
pub type ShapleyFile = Versioned<Shapley>;

/// shapley.json, format version 1 (docs/output-format.md, written by
/// `palett sensitivity --shapley`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Shapley {
    /// Format version.
    pub format_version: u64,
    /// Random input orders.
    pub permutations: u64,
    /// Model evaluations made.
    pub evaluations: u64,
    /// Per mix (do-nothing left out), in file order.
    pub mixes: Vec<ShapleyMix>,
}

/// The Shapley effects on one mix's NPV.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ShapleyMix {
    /// The mix.
    pub mix: String,
    /// Per actor, then `total`.
    pub npv: Vec<ShapleyKey>,
}

/// The Shapley effects on one NPV (an actor's or the total).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ShapleyKey {
    /// Actor or `total`.
    pub key: String,
    /// Per input.
    pub effects: Vec<ShapleyEffect>,
}

/// One input's Shapley effect.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ShapleyEffect {
    /// Input path.
    pub input: String,
    /// Share of the NPV's variance, 0–1.
    pub share: Option<f64>,
    /// Its standard error.
    pub se: Option<f64>,
}

/// sensitivity.json, format version 1 (docs/output-format.md). Values that
/// could not be estimated are `null` there and `None` here.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Sensitivity {
    /// Format version.
    pub format_version: u64,
    /// Samples the estimates come from.
    pub samples: Option<u64>,
    /// The analysed inputs, in the order the lists follow.
    pub inputs: Vec<AnalysedInput>,
    /// Per mix (do-nothing left out): sensitivity of its NPV and of its lead.
    pub sensitivity: BTreeMap<String, MixSensitivity>,
    /// Per actor and `total`: EVPI and EVPPI.
    pub value_of_information: BTreeMap<String, Voi>,
    /// P(best) and P(NPV > 0) over discount rates.
    pub acceptability: Acceptability,
}

/// One analysed input.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AnalysedInput {
    /// Its path.
    pub path: String,
    /// Its distribution in scenario notation.
    pub distribution: String,
}

/// The sensitivity of one mix.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MixSensitivity {
    /// Of its NPV, per actor and `total`.
    pub npv: BTreeMap<String, Vec<InputSensitivity>>,
    /// Of its total NPV minus the best other mix's.
    pub lead_over_runner_up: Vec<InputSensitivity>,
}

/// One input's indices for one output.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct InputSensitivity {
    /// Input path.
    pub input: String,
    /// Spearman's rank correlation, −1..1.
    pub spearman: Option<f64>,
    /// Its standard error.
    pub spearman_se: Option<f64>,
    /// First-order variance share, 0–1.
    pub first_order: Option<f64>,
    /// Its standard error.
    pub first_order_se: Option<f64>,
}

/// Value of information for one point of view (an actor or `total`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Voi {
    /// The mix of highest expected NPV.
    pub best_mix: Option<String>,
    /// EVPI, SEK.
    pub evpi: Option<f64>,
    /// Its standard error.
    pub evpi_se: Option<f64>,
    /// Per input.
    pub evppi: Vec<Evppi>,
}

/// One input's expected value of partial perfect information, SEK.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Evppi {
    /// Input path.
    pub input: String,
    /// Estimate, biased up.
    pub value: Option<f64>,
    /// Cross-fitted estimate, biased down.
    pub lower: Option<f64>,
    /// Standard error.
    pub se: Option<f64>,
}

/// Acceptability over discount rates.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Acceptability {
    /// Discount rates, share per year.
    pub rates: Vec<f64>,
    /// Per actor and `total`, per mix: the curves.
    pub by_key: BTreeMap<String, BTreeMap<String, MixAcceptability>>,
}

/// One mix's acceptability curves, one value per rate.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MixAcceptability {
    /// Share of samples in which the mix has the highest NPV.
    pub p_best: Vec<Option<f64>>,
    /// P(NPV > 0).
    pub p_npv_positive: Vec<Option<f64>>,
}

#[derive(Deserialize)]
struct Version {
    format_version: Option<u64>,
}

/// Parses a versioned file's text as format `version`: another
/// `format_version` is not an error but [`Versioned::Unknown`].
fn parse_versioned<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    version: u64,
) -> Result<Versioned<T>, ReportError> {
    let v: Version = json(path, text)?;
    if v.format_version != Some(version) {
        return Ok(Versioned::Unknown(v.format_version));
    }
    Ok(Versioned::Known(Box::new(json(path, text)?)))
}

/// Parses sensitivity.json text; another `format_version` is not an error
/// but [`Versioned::Unknown`].
pub fn parse_sensitivity(path: &Path, text: &str) -> Result<SensitivityFile, ReportError> {
    parse_versioned(path, text, SENSITIVITY_FORMAT)
}

/// Parses shapley.json text; another `format_version` is not an error but
/// [`Versioned::Unknown`].
pub fn parse_shapley(path: &Path, text: &str) -> Result<ShapleyFile, ReportError> {
    parse_versioned(path, text, SHAPLEY_FORMAT)
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
    /// sensitivity.json, when present (see [`crate::chart::analysis`]).
    pub sensitivity: Option<SensitivityFile>,
    /// shapley.json of `palett sensitivity --shapley`, when present.
    pub shapley: Option<ShapleyFile>,
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
            Some(t) => Some(parse_sensitivity(&sensitivity_path, &t)?),
            None => None,
        };
        let shapley_path = dir.join("shapley.json");
        let shapley = match read(&shapley_path)? {
            Some(t) => Some(parse_shapley(&shapley_path, &t)?),
            None => None,
        };
        Ok(Some(ResultFolder {
            dir: dir.to_path_buf(),
            summary,
            by_year,
            inputs,
            sensitivity,
            shapley,
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

    #[test]
    fn sensitivity_of_an_unknown_version_is_named_not_an_error() {
        let p = Path::new("sensitivity.json");
        assert!(matches!(
            parse_sensitivity(p, r#"{"format_version": 7, "whatever": [1]}"#),
            Ok(SensitivityFile::Unknown(Some(7)))
        ));
        assert!(matches!(
            parse_sensitivity(p, r#"{"evpi": 1}"#),
            Ok(SensitivityFile::Unknown(None))
        ));
        assert!(matches!(
            parse_sensitivity(p, "not json"),
            Err(ReportError::Json { .. })
        ));
    }

    #[test]
    fn every_golden_sensitivity_file_reads_typed() {
        let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/golden/run");
        for e in std::fs::read_dir(&golden).expect("golden").flatten() {
            let p = e.path().join("sensitivity.json");
            let Ok(t) = std::fs::read_to_string(&p) else {
                continue;
            };
            match parse_sensitivity(&p, &t).expect("reads") {
                SensitivityFile::Known(s) => {
                    assert!(s.value_of_information.contains_key("total"));
                    assert!(!s.acceptability.rates.is_empty());
                }
                SensitivityFile::Unknown(v) => panic!("{}: version {v:?}", p.display()),
            }
        }
    }
}
