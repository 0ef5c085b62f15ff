//! Checking a scenario's claims against the results of a run (the
//! assertions a municipality keeps in its scenario files and CI checks).

use crate::results::ScenarioResults;
use crate::scenario::{AssertionDef, Claim};

/// The outcome of one assertion.
#[derive(Debug, Clone, PartialEq)]
pub struct AssertionOutcome {
    /// Whether the claim holds.
    pub holds: bool,
    /// The value found for the claim's mix, in the metric's unit; `None`
    /// when undefined.
    pub value: Option<f64>,
    /// For a `Best` claim: the mix (index, 0 = do-nothing) with the highest
    /// value, the first of them on a tie; `None` if no mix has one.
    pub best: Option<usize>,
}

/// Checks one assertion. A `Metric` claim holds when its value is defined
/// and within both bounds (inclusive). A `Best` claim holds when the mix's
/// value is defined and strictly above every other mix's defined value.
pub fn check(a: &AssertionDef, r: &ScenarioResults) -> AssertionOutcome {
    match &a.claim {
        Claim::Metric {
            mix,
            metric,
            at_least,
            at_most,
        } => {
            let v = r.mixes[*mix].metric(metric);
            AssertionOutcome {
                holds: v.is_some_and(|v| {
                    at_least.is_none_or(|lo| v >= lo) && at_most.is_none_or(|hi| v <= hi)
                }),
                value: v,
                best: None,
            }
        }
        Claim::Best { mix, metric } => {
            let values: Vec<Option<f64>> = r.mixes.iter().map(|m| m.metric(metric)).collect();
            let v = values[*mix];
            let holds = v.is_some_and(|v| {
                values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i != mix)
                    .all(|(_, o)| o.is_none_or(|o| v > o))
            });
            let best = values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (i, v)))
                .fold(None::<(usize, f64)>, |acc, (i, v)| match acc {
                    Some((_, b)) if b >= v => acc,
                    _ => Some((i, v)),
                })
                .map(|(i, _)| i);
            AssertionOutcome {
                holds,
                value: v,
                best,
            }
        }
    }
}

/// Checks every assertion of a scenario, in file order.
pub fn check_all(assertions: &[AssertionDef], r: &ScenarioResults) -> Vec<AssertionOutcome> {
    assertions.iter().map(|a| check(a, r)).collect()
}
