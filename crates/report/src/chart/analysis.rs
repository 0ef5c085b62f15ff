//! The analysis section, from sensitivity.json (format version 1,
//! docs/output-format.md; what the quantities mean: docs/analysis.md) and
//! summary.json's `value_of_information`:
//!
//! 1. which inputs drive the result: first-order variance shares of the
//!    best mix's total NPV and of its lead over the runner-up;
//! 2. what more knowledge is worth: EVPI and EVPPI per input;
//! 3. acceptability over the discount rate: P(best) and P(NPV > 0) per mix;
//!
//! and, when `palett sensitivity --shapley` wrote shapley.json into the
//! folder, each input's Shapley effect on the best mix's total NPV.
//!
//! A handful of charts per scenario; a file of another format version
//! gives none and the page says so.

use super::Chart;
use super::bars::{self, Row, Series};
use super::lines;
use crate::data::{
    ActorVoi, InputSensitivity, Sensitivity, SensitivityFile, Shapley, ShapleyFile, Summary,
    Versioned,
};
use crate::scenario::MSEK;
use crate::svg::{AVOIDED, INVESTMENT, Style, style};

/// Rows in a ranking of inputs.
pub const TOP: usize = 10;

/// What the analysis section shows.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// The format version of a sensitivity.json this report cannot read
    /// (`Some(None)`: no `format_version` in it).
    pub unknown_version: Option<Option<u64>>,
    /// The mix of highest mean total NPV, whose drivers are shown.
    pub best_mix: Option<String>,
    /// Drivers of the best mix's total NPV.
    pub drivers: Option<Chart>,
    /// Drivers of its lead over the runner-up.
    pub lead: Option<Chart>,
    /// Shapley effects on the best mix's total NPV (shapley.json).
    pub shapley: Option<Chart>,
    /// The format version of a shapley.json this report cannot read.
    pub shapley_unknown_version: Option<Option<u64>>,
    /// Whether the folder has a sensitivity.json (the section's other
    /// parts come from it).
    pub has_sensitivity: bool,
    /// EVPI of the total, SEK, with its standard error and the mix chosen now.
    pub evpi: Option<(f64, Option<f64>, Option<String>)>,
    /// EVPPI per input, total view.
    pub evppi: Option<Chart>,
    /// EVPI per actor with each actor's best mix.
    pub by_actor: Vec<ActorVoi>,
    /// P(best) per mix over the discount rate, total.
    pub p_best: Option<Chart>,
    /// P(NPV > 0) per mix over the discount rate.
    pub p_positive: Option<Chart>,
}

impl Analysis {
    /// Its charts, in page order.
    pub fn charts(&self) -> impl Iterator<Item = &Chart> {
        [
            &self.drivers,
            &self.lead,
            &self.shapley,
            &self.evppi,
            &self.p_best,
            &self.p_positive,
        ]
        .into_iter()
        .flatten()
    }
}

/// The look of a mix: as in the other charts (alternatives in file order),
/// do-nothing grey.
fn mix_style(s: &Summary, mix: &str) -> Style {
    if mix == "do_nothing" {
        return style(7);
    }
    let n = s.alternatives().count();
    s.alternatives()
        .position(|m| m.name == mix)
        .map_or_else(|| style(n), style)
}

/// The first-order ranking of `list`, largest share first, as bar rows:
/// whiskers ± one standard error, colour and label by the sign of ρ.
fn driver_rows(list: &[InputSensitivity]) -> Vec<Row> {
    let mut v: Vec<&InputSensitivity> = list
        .iter()
        .filter(|i| i.first_order.is_some_and(f64::is_finite))
        .collect();
    v.sort_by(|a, b| {
        b.first_order
            .unwrap_or(0.0)
            .total_cmp(&a.first_order.unwrap_or(0.0))
    });
    v.truncate(TOP);
    v.into_iter()
        .map(|i| {
            let share = i.first_order.unwrap_or(0.0);
            let (sign, colour) = match i.spearman {
                Some(r) if r < 0.0 => ("\u{2212}", INVESTMENT),
                Some(_) => ("+", AVOIDED),
                None => ("?", "#7F7F7F"),
            };
            Row {
                label: format!("{sign} {}", i.input),
                value: Some(share),
                interval: i.first_order_se.map(|se| (share - se, share + se)),
                marker: None,
                style: Style { colour, dash: "" },
            }
        })
        .collect()
}

const DRIVERS_CAPTION: &str = "First-order variance share: the part of the variance explained by this input alone (0–1), top 10, whiskers ± one standard error. Blue and + : the output rises with the input (Spearman ρ > 0); orange and −: it falls.";

/// Builds the section from the folder's sensitivity.json and shapley.json
/// and its summary; `None` when it has neither.
pub fn analyse(
    sensitivity: Option<&SensitivityFile>,
    shapley: Option<&ShapleyFile>,
    summary: &Summary,
) -> Option<Analysis> {
    if sensitivity.is_none() && shapley.is_none() {
        return None;
    }
    let mut a = Analysis {
        has_sensitivity: sensitivity.is_some(),
        ..Analysis::default()
    };
    match sensitivity {
        Some(Versioned::Unknown(v)) => a.unknown_version = Some(*v),
        Some(Versioned::Known(s)) => {
            drivers(s, summary, &mut a);
            value_of_information(s, summary, &mut a);
            acceptability(s, summary, &mut a);
        }
        None => {}
    }
    match shapley {
        Some(Versioned::Unknown(v)) => a.shapley_unknown_version = Some(*v),
        Some(Versioned::Known(s)) => shapley_effects(s, summary, &mut a),
        None => {}
    }
    Some(a)
}

/// The Shapley effects on the total NPV of the best mix (the mix the
/// drivers show, else the highest mean NPV), largest first.
fn shapley_effects(s: &Shapley, summary: &Summary, a: &mut Analysis) {
    let best = a
        .best_mix
        .clone()
        .or_else(|| summary.highest_mean_npv().map(|m| m.name.clone()));
    let Some(mix) = best
        .and_then(|b| s.mixes.iter().find(|m| m.mix == b))
        .or_else(|| s.mixes.first())
    else {
        return;
    };
    let Some(total) = mix.npv.iter().find(|k| k.key == "total") else {
        return;
    };
    let mut effects: Vec<_> = total
        .effects
        .iter()
        .filter_map(|e| e.share.filter(|v| v.is_finite()).map(|v| (e, v)))
        .collect();
    effects.sort_by(|a, b| b.1.total_cmp(&a.1));
    effects.truncate(TOP);
    let rows: Vec<Row> = effects
        .into_iter()
        .map(|(e, share)| Row {
            label: e.input.clone(),
            value: Some(share),
            interval: e.se.map(|se| (share - se, share + se)),
            marker: None,
            style: mix_style(summary, &mix.mix),
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    a.shapley = Some(bars::chart(
        "shapley-npv",
        &format!("Fair shares of the uncertainty about {}'s NPV", mix.mix),
        &format!(
            "Shapley effect: each input's share of the variance of the total NPV (0–1, summing to 1 over all inputs), with the scenario's correlations shared fairly between correlated inputs; top 10, whiskers ± one standard error ({} random orders, {} model evaluations).",
            s.permutations, s.evaluations
        ),
        "Shapley share of the variance of the total NPV",
        &rows,
        Series::One("Shapley share"),
    ));
}

fn drivers(s: &Sensitivity, summary: &Summary, a: &mut Analysis) {
    let best = summary
        .highest_mean_npv()
        .map(|m| m.name.clone())
        .filter(|m| s.sensitivity.contains_key(m))
        .or_else(|| s.sensitivity.keys().next().cloned());
    let Some(best) = best else {
        return;
    };
    let Some(ms) = s.sensitivity.get(&best) else {
        return;
    };
    let rows = ms
        .npv
        .get("total")
        .map(|l| driver_rows(l))
        .unwrap_or_default();
    if !rows.is_empty() {
        a.drivers = Some(bars::chart(
            "drivers-npv",
            &format!("Which inputs drive the NPV of {best}"),
            DRIVERS_CAPTION,
            "first-order share of the variance of the total NPV",
            &rows,
            Series::One("first-order share"),
        ));
    }
    let rows = driver_rows(&ms.lead_over_runner_up);
    if !rows.is_empty() {
        a.lead = Some(bars::chart(
            "drivers-lead",
            &format!("Which inputs decide whether {best} wins"),
            &format!(
                "Of {best}'s total NPV minus that of the best other mix in the same sample. {DRIVERS_CAPTION}"
            ),
            "first-order share of the variance of the lead over the runner-up",
            &rows,
            Series::One("first-order share"),
        ));
    }
    a.best_mix = Some(best);
}

fn value_of_information(s: &Sensitivity, summary: &Summary, a: &mut Analysis) {
    let total = s.value_of_information.get("total");
    let sv = summary.value_of_information.as_ref();
    a.evpi = total
        .and_then(|t| t.evpi.map(|e| (e, t.evpi_se, t.best_mix.clone())))
        .or_else(|| sv.and_then(|v| v.evpi.map(|e| (e, v.evpi_se, v.best_mix.clone()))));
    a.by_actor = match sv {
        Some(v) if !v.by_actor.is_empty() => v.by_actor.clone(),
        _ => summary
            .actors
            .iter()
            .filter_map(|k| {
                s.value_of_information.get(k).map(|v| ActorVoi {
                    actor: k.clone(),
                    evpi: v.evpi,
                    evpi_se: v.evpi_se,
                    best_mix: v.best_mix.clone(),
                })
            })
            .collect(),
    };
    let Some(t) = total else {
        return;
    };
    let mut v: Vec<_> = t
        .evppi
        .iter()
        .filter(|e| e.value.is_some_and(f64::is_finite))
        .collect();
    v.sort_by(|x, y| y.value.unwrap_or(0.0).total_cmp(&x.value.unwrap_or(0.0)));
    v.truncate(TOP);
    if v.is_empty() {
        return;
    }
    let rows: Vec<Row> = v
        .into_iter()
        .map(|e| Row {
            label: e.input.clone(),
            value: e.value.map(|x| x / MSEK),
            interval: None,
            marker: e.lower.map(|x| x / MSEK),
            style: style(0),
        })
        .collect();
    a.evppi = Some(bars::chart(
        "evppi",
        "What knowing one input exactly is worth (EVPPI)",
        "Expected value of partial perfect information for the choice of mix, total over actors, top 10: bar, the estimate (biased up); black tick, the cross-fitted estimate (biased down); the true value lies about between them.",
        "EVPPI, MSEK",
        &rows,
        Series::One("EVPPI"),
    ));
}

fn acceptability(s: &Sensitivity, summary: &Summary, a: &mut Analysis) {
    let acc = &s.acceptability;
    let Some(total) = acc.by_key.get("total") else {
        return;
    };
    if acc.rates.is_empty() {
        return;
    }
    let xs: Vec<f64> = acc.rates.iter().map(|r| r * 100.0).collect();
    // Summary order (do-nothing first), then any mix the summary lacks.
    let mut names: Vec<&str> = summary
        .mixes
        .iter()
        .map(|m| m.name.as_str())
        .filter(|m| total.contains_key(*m))
        .collect();
    for k in total.keys() {
        if !names.contains(&k.as_str()) {
            names.push(k);
        }
    }
    let series = |f: &dyn Fn(&str) -> Option<Vec<Option<f64>>>| -> Vec<lines::Series> {
        names
            .iter()
            .filter_map(|m| {
                f(m).map(|values| lines::Series {
                    label: (*m).to_string(),
                    style: mix_style(summary, m),
                    values,
                })
            })
            .collect()
    };
    let rate = summary.discount_rate.map_or(String::new(), |r| {
        format!(" The run's own rate is {} %.", r * 100.0)
    });
    let best = series(&|m| total.get(m).map(|c| c.p_best.clone()));
    a.p_best = Some(lines::chart(
        "acceptability-best",
        "Which mix is best at which discount rate",
        &format!(
            "Share of samples in which each mix has the highest total NPV, per discount rate (sums to 1 over the mixes, do-nothing included).{rate}"
        ),
        ("discount rate, % per year", "P(best)"),
        &xs,
        (0.0, 1.0),
        &best,
    ));
    let positive = series(&|m| {
        (m != "do_nothing")
            .then(|| total.get(m).map(|c| c.p_npv_positive.clone()))
            .flatten()
    });
    a.p_positive = Some(lines::chart(
        "acceptability-positive",
        "Does each mix pay off, at each discount rate",
        &format!(
            "Share of samples in which the mix's total NPV against doing nothing is above zero, per discount rate.{rate}"
        ),
        ("discount rate, % per year", "P(NPV > 0)"),
        &xs,
        (0.0, 1.0),
        &positive,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Mix, Stats, parse_sensitivity, parse_shapley};
    use std::path::Path;

    fn summary() -> Summary {
        let mix = |name: &str, mean: f64| Mix {
            name: name.into(),
            npv: Stats {
                mean: Some(mean),
                ..Stats::default()
            },
            ..Mix::default()
        };
        Summary {
            mixes: vec![mix("do_nothing", 0.0), mix("a", 1.0), mix("b", 2.0)],
            actors: vec!["kommun".into()],
            ..Summary::default()
        }
    }

    const FILE: &str = r#"{"format_version": 1,
      "inputs": [{"path": "x", "distribution": "Pert(0, 1, 2)"}, {"path": "y", "distribution": "Uniform(0, 1)"}],
      "sensitivity": {
        "a": {"npv": {"total": [{"input": "x", "spearman": 0.9, "first_order": 0.8}]}, "lead_over_runner_up": []},
        "b": {"npv": {"total": [
            {"input": "x", "spearman": 0.5, "spearman_se": 0.01, "first_order": 0.2, "first_order_se": 0.01},
            {"input": "y", "spearman": -0.7, "spearman_se": 0.01, "first_order": 0.6, "first_order_se": 0.02}]},
              "lead_over_runner_up": [{"input": "y", "spearman": null, "first_order": null}]}},
      "value_of_information": {"total": {"best_mix": "b", "evpi": 2.0e6, "evpi_se": 1.0e5,
          "evppi": [{"input": "x", "value": 1.0e5, "lower": -2.0e4, "se": 1.0e4},
                    {"input": "y", "value": 1.5e6, "lower": 1.2e6, "se": 1.0e4}]},
        "kommun": {"best_mix": "a", "evpi": 0.0, "evpi_se": 0.0, "evppi": []}},
      "acceptability": {"rates": [0.0, 0.04, 0.08], "by_key": {"total": {
          "do_nothing": {"p_best": [0, 0, 0.1], "p_npv_positive": [0, 0, 0]},
          "a": {"p_best": [0.4, 0.4, 0.4], "p_npv_positive": [0.9, 0.8, null]},
          "b": {"p_best": [0.6, 0.6, 0.5], "p_npv_positive": [0.9, 0.9, 0.9]}}}}}"#;

    #[test]
    fn the_best_mix_drivers_rank_by_share_with_the_sign_of_rho() {
        let f = parse_sensitivity(Path::new("s"), FILE).expect("reads");
        let a = analyse(Some(&f), None, &summary()).expect("a section");
        assert_eq!(a.best_mix.as_deref(), Some("b"));
        let d = a.drivers.as_ref().expect("drivers");
        assert_eq!(d.series, 1);
        // y (0.6, ρ < 0) before x (0.2, ρ > 0).
        let (y, x) = (
            d.svg.find("\u{2212} y<").expect("y"),
            d.svg.find("+ x<").expect("x"),
        );
        assert!(y < x);
        // Nothing estimable in the lead: no chart.
        assert!(a.lead.is_none());
        let e = a.evppi.as_ref().expect("evppi");
        assert!(e.svg.find(">y<").expect("y") < e.svg.find(">x<").expect("x"));
        assert_eq!(e.svg.matches("class=\"marker\"").count(), 2);
        assert_eq!(a.evpi.as_ref().map(|e| e.0), Some(2.0e6));
        assert_eq!(a.by_actor.len(), 1);
        assert_eq!(a.p_best.as_ref().map(|c| c.series), Some(3));
        assert_eq!(a.p_positive.as_ref().map(|c| c.series), Some(2));
        assert_eq!(a.charts().count(), 4);
    }

    #[test]
    fn an_unknown_version_gives_no_chart() {
        let f = parse_sensitivity(Path::new("s"), r#"{"format_version": 2}"#).expect("reads");
        let a = analyse(Some(&f), None, &summary()).expect("a section");
        assert_eq!(a.unknown_version, Some(Some(2)));
        assert_eq!(a.charts().count(), 0);
        assert!(analyse(None, None, &summary()).is_none());
    }

    const SHAPLEY: &str = r#"{"format_version": 1, "permutations": 64, "evaluations": 1000,
      "mixes": [
        {"mix": "a", "npv": [{"key": "total", "effects": [{"input": "x", "share": 1.0, "se": 0.1}]}]},
        {"mix": "b", "npv": [
          {"key": "kommun", "effects": [{"input": "x", "share": null, "se": null}]},
          {"key": "total", "effects": [
            {"input": "x", "share": 0.25, "se": 0.02},
            {"input": "y", "share": 0.75, "se": 0.03},
            {"input": "z", "share": null, "se": null}]}]}]}"#;

    #[test]
    fn shapley_effects_of_the_best_mix_rank_largest_first() {
        let sh = parse_shapley(Path::new("shapley.json"), SHAPLEY).expect("reads");
        // Alone, without sensitivity.json: the best mix by mean NPV is b.
        let a = analyse(None, Some(&sh), &summary()).expect("a section");
        assert!(!a.has_sensitivity);
        let c = a.shapley.as_ref().expect("chart");
        assert!(c.title.contains(" b"), "{}", c.title);
        assert!(c.svg.find(">y<").expect("y") < c.svg.find(">x<").expect("x"));
        assert!(!c.svg.contains(">z<"), "an undefined share is not drawn");
        assert!(c.caption.contains("64 random orders"));
        // With sensitivity.json: beside its charts.
        let f = parse_sensitivity(Path::new("s"), FILE).expect("reads");
        let a = analyse(Some(&f), Some(&sh), &summary()).expect("a section");
        assert_eq!(a.charts().count(), 5);
        let unknown = parse_shapley(Path::new("s"), r#"{"format_version": 9}"#).expect("reads");
        let a = analyse(Some(&f), Some(&unknown), &summary()).expect("a section");
        assert_eq!(a.shapley_unknown_version, Some(Some(9)));
        assert!(a.shapley.is_none());
    }
}
