//! The budget frontier (docs/analysis.md, "Budget frontier"): for a budget
//! on one actor's present value of investment, the mix of highest expected
//! total NPV among those that keep within it, as the budget grows — and,
//! with a confidence, among those that keep within it with at least that
//! probability.
//!
//! Read from a run's results: a mix keeps within budget B in expectation
//! when its mean PV of the actor's investment is ≤ B, and with probability
//! ≥ q when the q-quantile of that PV is ≤ B (so q is one of the
//! percentiles every run reports: 0.5, 0.75 or 0.95; the quantiles carry
//! the sketches' rank error, docs/uncertainty.md).

use crate::metric::Quantity;
use crate::results::ScenarioResults;

/// The confidences a frontier can be asked for (the reported percentiles).
pub const CONFIDENCES: [f64; 3] = [0.5, 0.75, 0.95];

/// Why a frontier cannot be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FrontierError {
    /// The actor is not one of the scenario's.
    #[error("`{actor}` is not an actor of this scenario; actors: {}", .known.join(", "))]
    UnknownActor {
        /// The name asked for.
        actor: String,
        /// The scenario's actors.
        known: Vec<String>,
    },
    /// A confidence that is not a reported percentile.
    #[error("a confidence of {0} is not available; use 0.5, 0.75 or 0.95")]
    Confidence(f64),
}

/// One step of the frontier: from `budget` on (SEK, PV of the actor's
/// investment), `mix` is the best mix that keeps within it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The smallest budget at which `mix` is the best within budget, SEK.
    pub budget: f64,
    /// Index of the mix (do-nothing first, which needs no budget).
    pub mix: usize,
    /// The mix's expected total NPV, SEK.
    pub npv: f64,
    /// What the mix asks of the budget: the mean, or the q-quantile, of the
    /// actor's PV of investment, SEK.
    pub cost: f64,
}

/// The frontier for one actor.
#[derive(Debug, Clone, PartialEq)]
pub struct Frontier {
    /// The actor whose budget binds.
    pub actor: String,
    /// `None`: within budget in expectation; `Some(q)`: with probability ≥ q.
    pub confidence: Option<f64>,
    /// Every mix's (cost against the budget, expected total NPV), SEK, do-nothing first.
    pub mixes: Vec<(f64, f64)>,
    /// The steps, by growing budget; the first is at budget 0.
    pub steps: Vec<Step>,
}

/// The frontier of `actor`'s budget over the mixes of `r`.
pub fn frontier(
    r: &ScenarioResults,
    actor: &str,
    confidence: Option<f64>,
) -> Result<Frontier, FrontierError> {
    let keys = r.keys.keys(crate::metric::KeySet::ActorsAndTotal);
    let a = keys[..keys.len() - 1]
        .iter()
        .position(|k| *k == actor)
        .ok_or_else(|| FrontierError::UnknownActor {
            actor: actor.to_string(),
            known: keys[..keys.len() - 1]
                .iter()
                .map(|k| k.to_string())
                .collect(),
        })?;
    if let Some(q) = confidence
        && !CONFIDENCES.contains(&q)
    {
        return Err(FrontierError::Confidence(q));
    }
    let mixes: Vec<(f64, f64)> = r
        .mixes
        .iter()
        .map(|m| {
            let inv = m.scalar(Quantity::PvInvestment, a);
            let cost = match confidence {
                None => inv.mean,
                Some(q) if q < 0.6 => inv.p50,
                Some(q) if q < 0.9 => inv.p75,
                Some(_) => inv.p95,
            };
            // q is one of CONFIDENCES (checked above). An actor the mix
            // never charges invests 0 in every sample.
            (
                cost.unwrap_or(0.0).max(0.0),
                m.npv().mean.unwrap_or(f64::NAN),
            )
        })
        .collect();
    // Candidate budgets: every mix's cost; the best within each, kept where
    // it changes.
    let mut budgets: Vec<f64> = mixes.iter().map(|&(c, _)| c).chain([0.0]).collect();
    budgets.sort_by(f64::total_cmp);
    budgets.dedup();
    let mut steps: Vec<Step> = Vec::new();
    for b in budgets {
        let best = mixes
            .iter()
            .enumerate()
            .filter(|(_, (c, n))| *c <= b && !n.is_nan())
            .fold(None::<(usize, f64)>, |acc, (m, &(_, n))| match acc {
                Some((_, bn)) if bn >= n => acc,
                _ => Some((m, n)),
            });
        if let Some((m, npv)) = best
            && steps.last().is_none_or(|s| s.mix != m)
        {
            steps.push(Step {
                budget: b,
                mix: m,
                npv,
                cost: mixes[m].0,
            });
        }
    }
    Ok(Frontier {
        actor: actor.to_string(),
        confidence,
        mixes,
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{Method, RunOptions, run};
    use crate::testing::toy;
    use crate::value::Value;

    /// Mix `a`: kommun pays 10 and rättsväsendet −30 (NPV 20); mix `b`:
    /// kommun pays 30 and rättsväsendet −80 (NPV 50); rate 0.
    fn two_mixes() -> crate::scenario::Scenario {
        let mut s = toy(3, 0.0, 3, &[("kommun", 10.0), ("rattsvasende", -30.0)]);
        let mut b = s.interventions[0].clone();
        b.name = "iv_b".into();
        b.cost[0].1 = Value::Fixed(30.0);
        b.cost[1].1 = Value::Fixed(-80.0);
        s.interventions.push(b);
        let mut mb = s.mixes[0].clone();
        mb.name = "b".into();
        mb.entries[0].intervention = 1;
        s.mixes[0].name = "a".into();
        s.mixes.push(mb);
        s
    }

    #[test]
    fn the_best_mix_within_budget_as_the_budget_grows() {
        let s = two_mixes();
        let o = RunOptions {
            method: Some(Method::Deterministic),
            ..RunOptions::default()
        };
        let r = run(&s, &o, &|_| {}).expect("runs");
        let f = frontier(&r.results, "kommun", None).expect("frontier");
        let got: Vec<(f64, usize, f64)> =
            f.steps.iter().map(|s| (s.budget, s.mix, s.npv)).collect();
        assert_eq!(got, vec![(0.0, 0, 0.0), (10.0, 1, 20.0), (30.0, 2, 50.0)]);
        // rättsväsendet invests nothing net in either mix: both are within
        // any budget, and the better one wins from 0.
        let f = frontier(&r.results, "rattsvasende", Some(0.95)).expect("frontier");
        assert_eq!(f.steps.len(), 1);
        assert_eq!(f.steps[0].mix, 2);
        assert!(matches!(
            frontier(&r.results, "kommunen", None),
            Err(FrontierError::UnknownActor { .. })
        ));
        assert_eq!(
            frontier(&r.results, "kommun", Some(0.9)),
            Err(FrontierError::Confidence(0.9))
        );
    }
}
