//! sensitivity.json: which inputs matter and what knowing more is worth,
//! from a sampled run's analysis (docs/analysis.md explains the quantities,
//! docs/output-format.md the fields). Written only when the run was
//! analysed: not for the base case, nor with `--no-sensitivity`.

use std::collections::BTreeMap;

use palett_model::analysis::{
    Analysis, Estimate, GROUPS, INPUT_BINS, OUTPUT_RANK_BINS, RANK_BINS, TargetKind, VoiEstimate,
};
use serde::Serialize;

use super::{Output, OutputError, RunReport};

/// The version of sensitivity.json's layout; raised when a field changes
/// meaning or disappears.
pub const FORMAT_VERSION: u32 = 1;

/// sensitivity.json.
#[derive(Debug, Clone, Copy, Default)]
pub struct SensitivityJson;

impl Output for SensitivityJson {
    fn name(&self) -> &'static str {
        "sensitivity.json"
    }

    fn file_name(&self) -> Option<&'static str> {
        Some("sensitivity.json")
    }

    fn applies(&self, report: &RunReport<'_>) -> bool {
        report.run.analysis.is_some()
    }

    fn render(&self, report: &RunReport<'_>) -> Result<Vec<u8>, OutputError> {
        let Some(a) = &report.run.analysis else {
            return Ok(Vec::new());
        };
        let doc = document(report, a);
        let json = serde_json::to_string_pretty(&doc).map_err(|source| OutputError::Json {
            output: "sensitivity.json",
            source,
        })?;
        Ok((json + "\n").into_bytes())
    }
}

#[derive(Serialize)]
struct Doc<'a> {
    format_version: u32,
    scenario: &'a str,
    file: String,
    seed: u64,
    samples: u64,
    method: &'static str,
    estimators: Estimators,
    inputs: Vec<InputJson>,
    sensitivity: BTreeMap<&'a str, MixSensitivity<'a>>,
    value_of_information: BTreeMap<&'a str, ViewJson<'a>>,
    acceptability: AcceptabilityJson<'a>,
}

#[derive(Serialize)]
struct Estimators {
    input_bins: usize,
    groups: usize,
    rank_bins: usize,
    output_rank_bins: usize,
}

#[derive(Serialize)]
struct InputJson {
    path: String,
    distribution: String,
}

#[derive(Serialize)]
struct MixSensitivity<'a> {
    npv: BTreeMap<&'a str, Vec<EffectJson<'a>>>,
    lead_over_runner_up: Vec<EffectJson<'a>>,
}

#[derive(Serialize)]
struct EffectJson<'a> {
    input: &'a str,
    spearman: Option<f64>,
    spearman_se: Option<f64>,
    first_order: Option<f64>,
    first_order_se: Option<f64>,
}

#[derive(Serialize)]
struct ViewJson<'a> {
    best_mix: &'a str,
    evpi: Option<f64>,
    evpi_se: Option<f64>,
    evppi: Vec<EvppiJson<'a>>,
}

#[derive(Serialize)]
struct EvppiJson<'a> {
    input: &'a str,
    value: Option<f64>,
    lower: Option<f64>,
    se: Option<f64>,
}

#[derive(Serialize)]
struct AcceptabilityJson<'a> {
    rates: &'a [f64],
    by_key: BTreeMap<&'a str, BTreeMap<&'a str, CurveJson>>,
}

#[derive(Serialize)]
struct CurveJson {
    p_best: Vec<f64>,
    p_npv_positive: Vec<f64>,
}

/// Insertion-ordered maps would be nicer to read, but keys in sorted order
/// make the file diff cleanly between runs and versions.
fn document<'a>(r: &RunReport<'a>, a: &'a Analysis) -> Doc<'a> {
    let s = r.scenario;
    let effects = |inputs: &'a [palett_model::analysis::InputEffect]| -> Vec<EffectJson<'a>> {
        a.inputs
            .iter()
            .zip(inputs)
            .map(|(name, e)| EffectJson {
                input: name,
                spearman: e.spearman.value,
                spearman_se: e.spearman.se,
                first_order: e.first_order.value,
                first_order_se: e.first_order.se,
            })
            .collect()
    };
    let mut sensitivity: BTreeMap<&str, MixSensitivity> = BTreeMap::new();
    for t in &a.sensitivity {
        let entry = sensitivity
            .entry(a.mixes[t.mix].as_str())
            .or_insert_with(|| MixSensitivity {
                npv: BTreeMap::new(),
                lead_over_runner_up: Vec::new(),
            });
        match t.kind {
            TargetKind::Npv(k) => {
                entry.npv.insert(a.keys[k].as_str(), effects(&t.inputs));
            }
            TargetKind::VsRunnerUp => entry.lead_over_runner_up = effects(&t.inputs),
        }
    }
    let value_of_information = a
        .voi
        .iter()
        .map(|v| {
            let Estimate { value, se } = v.evpi;
            (
                a.keys[v.key].as_str(),
                ViewJson {
                    best_mix: &a.mixes[v.best_mix],
                    evpi: value,
                    evpi_se: se,
                    evppi: a
                        .inputs
                        .iter()
                        .zip(&v.evppi)
                        .map(|(name, e)| {
                            let (value, lower, se) = match e {
                                Some(VoiEstimate { value, lower, se }) => {
                                    (Some(*value), Some(*lower), *se)
                                }
                                None => (None, None, None),
                            };
                            EvppiJson {
                                input: name,
                                value,
                                lower,
                                se,
                            }
                        })
                        .collect(),
                },
            )
        })
        .collect();
    let acc = &a.acceptability;
    let by_key = a
        .keys
        .iter()
        .enumerate()
        .map(|(k, key)| {
            let curves = a
                .mixes
                .iter()
                .enumerate()
                .map(|(m, mix)| {
                    (
                        mix.as_str(),
                        CurveJson {
                            p_best: acc.p_best.iter().map(|r| r[k][m]).collect(),
                            p_npv_positive: acc.p_positive.iter().map(|r| r[k][m]).collect(),
                        },
                    )
                })
                .collect();
            (key.as_str(), curves)
        })
        .collect();
    Doc {
        format_version: FORMAT_VERSION,
        scenario: &s.name,
        file: s.file.display().to_string(),
        seed: r.run.seed,
        samples: a.samples,
        method: r.run.method.name(),
        estimators: Estimators {
            input_bins: INPUT_BINS,
            groups: GROUPS,
            rank_bins: RANK_BINS,
            output_rank_bins: OUTPUT_RANK_BINS,
        },
        inputs: a
            .inputs
            .iter()
            .map(|p| InputJson {
                path: p.clone(),
                distribution: s
                    .params
                    .index_of(p)
                    .map(|i| s.params.entries[i].distribution.to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        sensitivity,
        value_of_information,
        acceptability: AcceptabilityJson {
            rates: &acc.rates,
            by_key,
        },
    }
}
