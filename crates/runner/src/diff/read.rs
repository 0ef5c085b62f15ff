//! The parts of summary.json a diff compares (docs/output-format.md),
//! read tolerantly: a figure a file lacks is `None`, not an error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Why a result folder cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A file or folder cannot be read.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// summary.json is not JSON of the expected shape.
    #[error("{}: not a palett summary.json: {message}", .path.display())]
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The folder holds no result of `palett run`.
    #[error("{}: no summary.json in it or in its subfolders; give an output folder of `palett run` (results/) or one scenario's result folder", .0.display())]
    NoResults(PathBuf),
}

/// A statistic with its Monte Carlo standard error (the unit of the
/// figure: SEK, or model years).
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct Estimate {
    /// Mean.
    pub mean: Option<f64>,
    /// Standard error of the mean.
    pub se: Option<f64>,
    /// Median (years only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50: Option<f64>,
}

/// One mix as a diff sees it.
#[derive(Debug, Clone, Default)]
pub struct MixSummary {
    /// Its name.
    pub name: String,
    /// Total NPV, SEK.
    pub npv: Estimate,
    /// NPV per actor, SEK.
    pub npv_by_actor: BTreeMap<String, Estimate>,
    /// P(best), share.
    pub p_best: Option<f64>,
    /// P(NPV > 0), share.
    pub p_npv_positive: Option<f64>,
    /// Payback year of the total (model years).
    pub payback: Estimate,
    /// Payback year per actor.
    pub payback_by_actor: BTreeMap<String, Estimate>,
    /// Tipping year (model years).
    pub tipping: Estimate,
}

/// One summary.json as a diff sees it.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    /// Scenario name.
    pub scenario: String,
    /// Seed.
    pub seed: Option<u64>,
    /// Samples.
    pub samples: Option<u64>,
    /// Sampling method.
    pub method: Option<String>,
    /// Horizon, years.
    pub horizon: Option<u64>,
    /// Discount rate, share per year.
    pub discount_rate: Option<f64>,
    /// Actors.
    pub actors: Vec<String>,
    /// Mixes, do-nothing first.
    pub mixes: Vec<MixSummary>,
}

fn estimate(v: &Value) -> Estimate {
    Estimate {
        mean: v["mean"].as_f64(),
        se: v["se"].as_f64(),
        p50: v["p50"].as_f64(),
    }
}

fn by_key(v: &Value) -> BTreeMap<String, Estimate> {
    v.as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), estimate(v))).collect())
        .unwrap_or_default()
}

impl RunSummary {
    /// Reads the summary.json at `path`.
    pub fn read(path: &Path) -> Result<RunSummary, ReadError> {
        let text = std::fs::read_to_string(path).map_err(|source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let v: Value = serde_json::from_str(&text).map_err(|e| ReadError::Format {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let Some(mixes) = v["mixes"].as_array() else {
            return Err(ReadError::Format {
                path: path.to_path_buf(),
                message: "no `mixes` list".into(),
            });
        };
        Ok(RunSummary {
            scenario: v["scenario"].as_str().unwrap_or_default().to_string(),
            seed: v["seed"].as_u64(),
            samples: v["samples"].as_u64(),
            method: v["method"].as_str().map(str::to_string),
            horizon: v["horizon"].as_u64(),
            discount_rate: v["discount_rate"].as_f64(),
            actors: v["actors"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            mixes: mixes
                .iter()
                .map(|m| MixSummary {
                    name: m["name"].as_str().unwrap_or_default().to_string(),
                    npv: estimate(&m["npv"]),
                    npv_by_actor: by_key(&m["npv_by_actor"]),
                    p_best: m["p_best"].as_f64(),
                    p_npv_positive: m["p_npv_positive"].as_f64(),
                    payback: estimate(&m["payback_year"]),
                    payback_by_actor: by_key(&m["payback_by_actor"]),
                    tipping: estimate(&m["tipping_year"]),
                })
                .collect(),
        })
    }
}
