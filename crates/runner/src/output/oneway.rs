//! oneway.json and the terminal tornado of `palett sensitivity --oneway`
//! (docs/output-format.md, "oneway.json"; docs/analysis.md, "One-way").

use std::collections::BTreeMap;

use palett_model::Scenario;
use palett_model::oneway::{ENDS, OneWay, Point};
use serde::Serialize;

use super::{HeldJson, OutputError, held_json, pretty_json, short};

/// The version of oneway.json's layout.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    format_version: u32,
    scenario: &'a str,
    file: String,
    low_percentile: f64,
    high_percentile: f64,
    evaluations: u64,
    held: Vec<HeldJson<'a>>,
    base: PointJson<'a>,
    inputs: Vec<InputJson<'a>>,
}

#[derive(Serialize)]
struct PointJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<f64>,
    best_mix: &'a str,
    /// mix → key → NPV, SEK.
    npv: BTreeMap<&'a str, BTreeMap<&'a str, f64>>,
}

#[derive(Serialize)]
struct InputJson<'a> {
    input: &'a str,
    low: PointJson<'a>,
    high: PointJson<'a>,
    /// The best-before-threshold mix's total NPV at the high end minus at
    /// the low end, SEK: the bar's length.
    swing: f64,
    threshold: Option<ThresholdJson<'a>>,
}

#[derive(Serialize)]
struct ThresholdJson<'a> {
    value: f64,
    best_below: &'a str,
    best_above: &'a str,
}

fn point<'a>(w: &'a OneWay, p: &Point) -> PointJson<'a> {
    PointJson {
        value: (!p.value.is_nan()).then_some(p.value),
        best_mix: &w.mixes[p.best],
        npv: w
            .mixes
            .iter()
            .zip(&p.npv)
            .skip(1)
            .map(|(m, v)| {
                (
                    m.as_str(),
                    w.keys
                        .iter()
                        .map(String::as_str)
                        .zip(v.iter().copied())
                        .collect(),
                )
            })
            .collect(),
    }
}

/// The swing of the base case's best mix's total NPV over one input.
fn swing(w: &OneWay, low: &Point, high: &Point) -> f64 {
    let total = w.keys.len() - 1;
    high.npv[w.base.best][total] - low.npv[w.base.best][total]
}

/// oneway.json's bytes.
pub fn json(s: &Scenario, held: &[(String, f64)], w: &OneWay) -> Result<Vec<u8>, OutputError> {
    let doc = Doc {
        format_version: FORMAT_VERSION,
        scenario: &s.name,
        file: s.file.display().to_string(),
        low_percentile: ENDS.0,
        high_percentile: ENDS.1,
        evaluations: w.evaluations,
        held: held_json(held),
        base: point(w, &w.base),
        inputs: w
            .inputs
            .iter()
            .map(|i| InputJson {
                input: &i.input,
                low: point(w, &i.low),
                high: point(w, &i.high),
                swing: swing(w, &i.low, &i.high),
                threshold: i.threshold.as_ref().map(|t| ThresholdJson {
                    value: t.value,
                    best_below: &w.mixes[t.below],
                    best_above: &w.mixes[t.above],
                }),
            })
            .collect(),
    };
    pretty_json("oneway.json", &doc)
}

/// The tornado as text: inputs by the length of their bar (the base best
/// mix's total NPV, MSEK), each with its ends, the best mix at each end and
/// any threshold; at most `rows` inputs.
pub fn table(s: &Scenario, w: &OneWay, rows: usize) -> String {
    let total = w.keys.len() - 1;
    let best = &w.mixes[w.base.best];
    let mut order: Vec<usize> = (0..w.inputs.len()).collect();
    let bar = |i: usize| swing(w, &w.inputs[i].low, &w.inputs[i].high).abs();
    order.sort_by(|&a, &b| bar(b).total_cmp(&bar(a)).then(a.cmp(&b)));
    let mut out = format!(
        "{} — one-way sensitivity of {best}'s total NPV (MSEK; base case {}), each input at its \
         {:.0}th and {:.0}th percentile\n",
        s.name,
        short(w.base.npv[w.base.best][total] / 1e6),
        ENDS.0 * 100.0,
        ENDS.1 * 100.0
    );
    let width = order
        .iter()
        .take(rows)
        .map(|&i| w.inputs[i].input.len())
        .max()
        .unwrap_or(5)
        .max(5);
    out += &format!(
        "{:<width$}  {:>10} {:>10}  {:>9} {:>9}  best at low → high\n",
        "input", "low", "high", "NPV low", "NPV high"
    );
    for &i in order.iter().take(rows) {
        let x = &w.inputs[i];
        let mut line = format!(
            "{:<width$}  {:>10} {:>10}  {:>9} {:>9}  {} → {}",
            x.input,
            short(x.low.value),
            short(x.high.value),
            short(x.low.npv[w.base.best][total] / 1e6),
            short(x.high.npv[w.base.best][total] / 1e6),
            w.mixes[x.low.best],
            w.mixes[x.high.best],
        );
        if let Some(t) = &x.threshold {
            line += &format!(" (changes at {})", short(t.value));
        }
        out += &line;
        out.push('\n');
    }
    if w.inputs.len() > rows {
        out += &format!(
            "… and {} more inputs in oneway.json\n",
            w.inputs.len() - rows
        );
    }
    out
}
