//! frontier.json and the terminal table of `palett sensitivity --frontier`
//! (docs/output-format.md, "frontier.json"; docs/analysis.md, "Budget
//! frontier").

use palett_model::frontier::Frontier;
use palett_model::{Scenario, ScenarioRun};
use serde::Serialize;

use super::{OutputError, pretty_json};

/// The version of frontier.json's layout.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    format_version: u32,
    scenario: &'a str,
    file: String,
    seed: u64,
    samples: u64,
    method: &'static str,
    actor: &'a str,
    /// null: within budget in expectation.
    confidence: Option<f64>,
    mixes: Vec<MixJson<'a>>,
    steps: Vec<StepJson<'a>>,
}

#[derive(Serialize)]
struct MixJson<'a> {
    mix: &'a str,
    budget_needed: f64,
    npv_mean: f64,
}

#[derive(Serialize)]
struct StepJson<'a> {
    from_budget: f64,
    best_mix: &'a str,
    npv_mean: f64,
}

/// frontier.json's bytes.
pub fn json(s: &Scenario, run: &ScenarioRun, f: &Frontier) -> Result<Vec<u8>, OutputError> {
    let names: Vec<&str> = run.results.mixes.iter().map(|m| m.name.as_str()).collect();
    let doc = Doc {
        format_version: FORMAT_VERSION,
        scenario: &s.name,
        file: s.file.display().to_string(),
        seed: run.seed,
        samples: run.results.samples,
        method: run.method.name(),
        actor: &f.actor,
        confidence: f.confidence,
        mixes: names
            .iter()
            .zip(&f.mixes)
            .map(|(m, &(cost, npv))| MixJson {
                mix: m,
                budget_needed: cost,
                npv_mean: npv,
            })
            .collect(),
        steps: f
            .steps
            .iter()
            .map(|st| StepJson {
                from_budget: st.budget,
                best_mix: names[st.mix],
                npv_mean: st.npv,
            })
            .collect(),
    };
    pretty_json("frontier.json", &doc)
}

/// The frontier as text, in MSEK.
pub fn table(s: &Scenario, run: &ScenarioRun, f: &Frontier) -> String {
    let names: Vec<&str> = run.results.mixes.iter().map(|m| m.name.as_str()).collect();
    let within = match f.confidence {
        None => "in expectation".to_string(),
        Some(q) => format!("with probability ≥ {:.0} %", q * 100.0),
    };
    let w = names.iter().map(|n| n.len()).max().unwrap_or(3).max(8);
    let mut out = format!(
        "{} — budget frontier for {}'s PV of investment (within budget {within}; MSEK)\n",
        s.name, f.actor
    );
    out += &format!(
        "{:>14}  {:<w$}  {:>12}\n",
        "from budget", "best mix", "mean NPV"
    );
    for st in &f.steps {
        out += &format!(
            "{:>14.1}  {:<w$}  {:>12.1}\n",
            st.budget / 1e6,
            names[st.mix],
            st.npv / 1e6
        );
    }
    out
}
