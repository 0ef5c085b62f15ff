//! discover.json and the terminal summary of `palett discover`
//! (docs/output-format.md, "discover.json"; docs/analysis.md, "Scenario
//! discovery").

use palett_model::Scenario;
use palett_model::discover::{Discovery, MIN_COVERAGE, PrimBox, RESERVOIR};
use serde::Serialize;

use super::{OutputError, pretty_json, short};

/// The version of discover.json's layout.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    format_version: u32,
    scenario: &'a str,
    file: String,
    seed: u64,
    samples: u64,
    method: &'static str,
    mix: &'a str,
    condition: &'a str,
    reservoir_limit: usize,
    points: usize,
    cases: usize,
    min_coverage: f64,
    chosen: usize,
    trajectory: Vec<BoxJson<'a>>,
}

#[derive(Serialize)]
struct BoxJson<'a> {
    coverage: f64,
    density: f64,
    support: f64,
    /// Only the restricted inputs.
    limits: Vec<LimitJson<'a>>,
}

#[derive(Serialize)]
struct LimitJson<'a> {
    input: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max: Option<f64>,
}

fn limits<'a>(d: &'a Discovery, b: &PrimBox) -> Vec<LimitJson<'a>> {
    d.inputs
        .iter()
        .zip(&b.bounds)
        .filter(|(_, (lo, hi))| lo.is_finite() || hi.is_finite())
        .map(|(input, &(lo, hi))| LimitJson {
            input,
            min: lo.is_finite().then_some(lo),
            max: hi.is_finite().then_some(hi),
        })
        .collect()
}

/// discover.json's bytes.
pub fn json(s: &Scenario, condition: &str, d: &Discovery) -> Result<Vec<u8>, OutputError> {
    let doc = Doc {
        format_version: FORMAT_VERSION,
        scenario: &s.name,
        file: s.file.display().to_string(),
        seed: d.seed,
        samples: d.samples,
        method: d.method.name(),
        mix: &d.mix,
        condition,
        reservoir_limit: RESERVOIR,
        points: d.points,
        cases: d.cases,
        min_coverage: MIN_COVERAGE,
        chosen: d.chosen,
        trajectory: d
            .trajectory
            .iter()
            .map(|b| BoxJson {
                coverage: b.coverage,
                density: b.density,
                support: b.support,
                limits: limits(d, b),
            })
            .collect(),
    };
    pretty_json("discover.json", &doc)
}

/// The finding in words.
pub fn text(s: &Scenario, condition: &str, d: &Discovery) -> String {
    let mut out = format!("{} — when does {} have {condition}?\n", s.name, d.mix);
    let share = d.cases as f64 / d.points.max(1) as f64;
    out += &format!(
        "In {} of {} samples ({:.1} %).\n",
        d.cases,
        d.points,
        share * 100.0
    );
    if d.cases == 0 || d.cases == d.points {
        out += "Nothing to explain: the condition holds in no sample or in every one.\n";
        return out;
    }
    let b = &d.trajectory[d.chosen];
    let parts: Vec<String> = limits(d, b)
        .iter()
        .map(|l| match (l.min, l.max) {
            (Some(lo), Some(hi)) => format!("{} between {} and {}", l.input, short(lo), short(hi)),
            (Some(lo), None) => format!("{} ≥ {}", l.input, short(lo)),
            (None, Some(hi)) => format!("{} ≤ {}", l.input, short(hi)),
            (None, None) => l.input.to_string(),
        })
        .collect();
    if parts.is_empty() {
        out += "No box over the inputs concentrates these samples.\n";
    } else {
        out += &format!(
            "Mostly when {}:\n  the box holds {:.0} % of these samples (coverage), and {:.0} % of the \
             samples in it have the condition (density; {:.0} % overall).\n",
            parts.join(" and "),
            b.coverage * 100.0,
            b.density * 100.0,
            share * 100.0
        );
    }
    out += &format!(
        "The peeling trajectory ({} boxes) is in discover.json.\n",
        d.trajectory.len()
    );
    out
}
