//! shapley.json and the terminal table of `palett sensitivity --shapley`
//! (docs/output-format.md, "shapley.json"; docs/analysis.md, "Shapley
//! effects").

use palett_model::Scenario;
use palett_model::shapley::Shapley;
use palett_montecarlo::shapley::OutputEffects;
use serde::Serialize;

use super::{HeldJson, OutputError, held_json, pretty_json};

/// The version of shapley.json's layout.
pub const FORMAT_VERSION: u32 = 1;

/// The estimator, in words, for readers of the file.
const METHOD: &str = "Shapley effects by random permutations (Song, Nelson & Staum 2016), \
     conditional draws through the scenario's Gaussian copula";

#[derive(Serialize)]
struct Doc<'a> {
    format_version: u32,
    scenario: &'a str,
    file: String,
    method: &'static str,
    seed: u64,
    permutations: u64,
    outer: u32,
    inner: u32,
    variance_samples: u64,
    evaluations: u64,
    held: Vec<HeldJson<'a>>,
    inputs: &'a [String],
    mixes: Vec<MixJson<'a>>,
}

#[derive(Serialize)]
struct MixJson<'a> {
    mix: &'a str,
    /// One entry per key: every actor, then total.
    npv: Vec<KeyJson<'a>>,
}

#[derive(Serialize)]
struct KeyJson<'a> {
    key: &'a str,
    /// Standard deviation of the NPV, SEK (null if never defined).
    sd: Option<f64>,
    /// Per input, in `inputs` order.
    effects: Vec<EffectJson<'a>>,
}

#[derive(Serialize)]
struct EffectJson<'a> {
    input: &'a str,
    /// Share of Var(NPV), 0–1; null when the NPV does not vary.
    share: Option<f64>,
    /// Its standard error over the permutations.
    se: Option<f64>,
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

fn key_json<'a>(r: &'a Shapley, key: &'a str, e: &OutputEffects) -> KeyJson<'a> {
    KeyJson {
        key,
        sd: finite(e.variance.sqrt()),
        effects: r
            .inputs
            .iter()
            .zip(e.effects.iter().zip(&e.standard_errors))
            .map(|(input, (&share, &se))| EffectJson {
                input,
                share: finite(share),
                se: finite(se),
            })
            .collect(),
    }
}

/// shapley.json's bytes.
pub fn json(s: &Scenario, held: &[(String, f64)], r: &Shapley) -> Result<Vec<u8>, OutputError> {
    let doc = Doc {
        format_version: FORMAT_VERSION,
        scenario: &s.name,
        file: s.file.display().to_string(),
        method: METHOD,
        seed: r.settings.seed,
        permutations: r.settings.permutations,
        outer: r.settings.outer,
        inner: r.settings.inner,
        variance_samples: r.settings.variance_samples,
        evaluations: r.evaluations,
        held: held_json(held),
        inputs: &r.inputs,
        mixes: r
            .mixes
            .iter()
            .zip(&r.effects)
            .map(|(mix, per_key)| MixJson {
                mix,
                npv: r
                    .keys
                    .iter()
                    .zip(per_key)
                    .map(|(key, e)| key_json(r, key, e))
                    .collect(),
            })
            .collect(),
    };
    pretty_json("shapley.json", &doc)
}

/// The table as text: one column per mix, one row per input (the `rows`
/// inputs of the largest share in any mix), each cell the input's share of
/// the variance of the mix's total NPV in percent ± one standard error.
pub fn table(s: &Scenario, r: &Shapley, rows: usize) -> String {
    let total = r.keys.len() - 1;
    let cell = |m: usize, i: usize| {
        let e = &r.effects[m][total];
        (e.effects[i], e.standard_errors[i])
    };
    let largest = |i: usize| {
        (0..r.mixes.len())
            .map(|m| cell(m, i).0)
            .filter(|v| v.is_finite())
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let mut order: Vec<usize> = (0..r.inputs.len()).collect();
    order.sort_by(|&a, &b| largest(b).total_cmp(&largest(a)).then(a.cmp(&b)));
    let mut out = format!(
        "{} — Shapley effects: each input's share of the variance of each mix's total NPV \
         (%, ± one standard error), under the scenario's correlations\n\
         {} random orders, {} model evaluations\n",
        s.name, r.settings.permutations, r.evaluations
    );
    let width = order
        .iter()
        .take(rows)
        .map(|&i| r.inputs[i].len())
        .max()
        .unwrap_or(5)
        .max(5);
    let columns: Vec<usize> = r.mixes.iter().map(|m| m.len().max(12)).collect();
    out += &format!("{:<width$}", "input");
    for (m, w) in r.mixes.iter().zip(&columns) {
        out += &format!("  {m:>w$}");
    }
    out.push('\n');
    for &i in order.iter().take(rows) {
        out += &format!("{:<width$}", r.inputs[i]);
        for (m, w) in columns.iter().enumerate() {
            let (share, se) = cell(m, i);
            let text = if share.is_finite() {
                format!("{:.1} ± {:.1}", share * 100.0, se * 100.0)
            } else {
                "–".to_string()
            };
            out += &format!("  {text:>w$}");
        }
        out.push('\n');
    }
    if r.inputs.len() > rows {
        out += &format!(
            "… and {} more inputs; every actor's NPV is in shapley.json\n",
            r.inputs.len() - rows
        );
    } else {
        out += "Every actor's NPV is in shapley.json\n";
    }
    out
}
