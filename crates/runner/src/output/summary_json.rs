//! summary.json: the run's settings and, per mix, every figure of the
//! metric catalogue at its JSON path (docs/output-format.md). Holds nothing
//! that varies between reruns of the same inputs: no timings, no absolute
//! paths, no dates.

use palett_model::metric::{FIGURES, KeyNames, Stat};
use palett_model::results::{FigureValue, MixResults};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{HeldJson, Output, OutputError, RunReport, held_json};

/// summary.json.
#[derive(Debug, Clone, Copy, Default)]
pub struct SummaryJson;

impl Output for SummaryJson {
    fn name(&self) -> &'static str {
        "summary.json"
    }

    fn file_name(&self) -> Option<&'static str> {
        Some("summary.json")
    }

    fn render(&self, report: &RunReport<'_>) -> Result<Vec<u8>, OutputError> {
        let json =
            serde_json::to_string_pretty(&summary(report)).map_err(|source| OutputError::Json {
                output: "summary.json",
                source,
            })?;
        Ok((json + "\n").into_bytes())
    }
}

/// The whole summary.json of one run, ready to serialise (as part of a
/// larger document, say).
pub fn document<'a>(r: &RunReport<'a>) -> impl Serialize + 'a {
    summary(r)
}

/// The whole summary.json.
#[derive(Serialize)]
struct Summary<'a> {
    scenario: &'a str,
    file: String,
    seed: u64,
    samples: u64,
    method: &'static str,
    stopped_early: bool,
    horizon: u32,
    discount_rate: f64,
    budget_period: u32,
    price_year: Option<u32>,
    actors: &'a [String],
    /// Actors `settings.actors` leaves out (their costs are not counted);
    /// absent when every actor is kept.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    actors_left_out: &'a [String],
    /// Every synergy parameter as used (defaults included).
    synergy: serde_json::Value,
    /// Inputs held at a value (`--set`); absent when none is.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    held: Vec<HeldJson<'a>>,
    warnings: Vec<String>,
    /// Present when the run was merged from parts with some missing
    /// (`palett merge --allow-missing`).
    #[serde(skip_serializing_if = "Option::is_none")]
    incomplete: Option<IncompleteJson<'a>>,
    /// EVPI for the choice between mixes, in total and per actor; absent
    /// when the run was not analysed (base case, `--no-sensitivity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    value_of_information: Option<VoiJson<'a>>,
    mixes: Vec<MixJson<'a>>,
}

#[derive(Serialize)]
struct IncompleteJson<'a> {
    planned_samples: u64,
    missing_shards: &'a [String],
}

#[derive(Serialize)]
struct VoiJson<'a> {
    evpi: Option<f64>,
    evpi_se: Option<f64>,
    best_mix: &'a str,
    by_actor: Vec<ActorVoiJson<'a>>,
}

#[derive(Serialize)]
struct ActorVoiJson<'a> {
    actor: &'a str,
    evpi: Option<f64>,
    evpi_se: Option<f64>,
    best_mix: &'a str,
}

fn voi<'a>(a: &'a palett_model::analysis::Analysis) -> Option<VoiJson<'a>> {
    let total = a.total_voi()?;
    Some(VoiJson {
        evpi: total.evpi.value,
        evpi_se: total.evpi.se,
        best_mix: &a.mixes[total.best_mix],
        by_actor: a.voi[..a.voi.len() - 1]
            .iter()
            .map(|v| ActorVoiJson {
                actor: &a.keys[v.key],
                evpi: v.evpi.value,
                evpi_se: v.evpi.se,
                best_mix: &a.mixes[v.best_mix],
            })
            .collect(),
    })
}

fn summary<'a>(r: &RunReport<'a>) -> Summary<'a> {
    let s = r.scenario;
    let results = &r.run.results;
    let central = s.params.central_values();
    Summary {
        scenario: &s.name,
        file: s.file.display().to_string(),
        seed: r.run.seed,
        samples: results.samples,
        method: r.run.method.name(),
        stopped_early: results.stopped_early,
        horizon: s.horizon,
        discount_rate: s.discount_rate.get(&central),
        budget_period: s.budget_period,
        price_year: s.price_year,
        actors: s.actors.names(),
        actors_left_out: &s.actors_left_out,
        synergy: serde_json::to_value(super::synergy_json::synergy(s))
            .unwrap_or(serde_json::Value::Null),
        held: held_json(&r.run.held),
        value_of_information: r.run.analysis.as_ref().and_then(voi),
        warnings: r
            .run
            .warnings
            .iter()
            .map(palett_model::run::Warning::located)
            .collect(),
        incomplete: r.run.incomplete.as_ref().map(|i| IncompleteJson {
            planned_samples: i.planned_samples,
            missing_shards: &i.missing_shards,
        }),
        mixes: results
            .mixes
            .iter()
            .map(|m| MixJson {
                mix: m,
                keys: &results.keys,
            })
            .collect(),
    }
}

/// One mix: its name, description, then every figure of the catalogue.
struct MixJson<'a> {
    mix: &'a MixResults,
    keys: &'a KeyNames,
}

impl Serialize for MixJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut root = Node::Object(Vec::new());
        root.insert(&["name"], Node::Text(self.mix.name.clone()));
        if let Some(d) = &self.mix.description {
            root.insert(&["description"], Node::Text(d.clone()));
        }
        for f in &FIGURES {
            let names = self.keys.keys(f.quantity.def().keys);
            let keys = self.keys.figure_keys(f);
            if keys.is_empty() {
                // A keyed figure without keys (no cohort groups) is an empty object.
                if let Some((prefix, _)) = f.path.split_once(".{key}") {
                    let parts: Vec<&str> = prefix.split('.').collect();
                    root.insert(&parts, Node::Object(Vec::new()));
                }
            }
            for k in keys {
                let path = f.path.replace("{key}", names[k]);
                let parts: Vec<&str> = path.split('.').collect();
                let node = match self.mix.figure(f, k) {
                    // A statistic is never shown beside an undefined mean
                    // (an sd of 0 next to a null mean would read as certainty).
                    FigureValue::Stats(st) => {
                        let defined = st.mean.is_some_and(f64::is_finite);
                        Node::Object(
                            Stat::ALL
                                .iter()
                                .map(|x| {
                                    let v = x.of(st).filter(|v| defined && v.is_finite());
                                    (x.name().to_string(), Node::Number(v))
                                })
                                .collect(),
                        )
                    }
                    FigureValue::Share(v) => Node::Number(v),
                };
                root.insert(&parts, node);
            }
        }
        root.serialize(s)
    }
}

/// A JSON tree that keeps its keys in insertion order.
enum Node {
    Number(Option<f64>),
    Text(String),
    Object(Vec<(String, Node)>),
}

impl Node {
    /// Puts `value` at `path`, creating objects on the way; the entries of
    /// an object that already exists are merged into it.
    fn insert(&mut self, path: &[&str], value: Node) {
        let Node::Object(entries) = self else {
            return;
        };
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        let at = match entries.iter().position(|(k, _)| k == first) {
            Some(i) => i,
            None => {
                entries.push(((*first).to_string(), Node::Object(Vec::new())));
                entries.len() - 1
            }
        };
        let slot = &mut entries[at].1;
        if rest.is_empty() {
            match (slot, value) {
                (Node::Object(old), Node::Object(new)) => old.extend(new),
                (slot, value) => *slot = value,
            }
        } else {
            slot.insert(rest, value);
        }
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Number(Some(v)) => s.serialize_f64(*v),
            Node::Number(None) => s.serialize_none(),
            Node::Text(t) => s.serialize_str(t),
            Node::Object(entries) => {
                let mut m = s.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}
