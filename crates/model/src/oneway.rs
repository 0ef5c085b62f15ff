//! One-way sensitivity (a tornado; docs/analysis.md, "One-way"): each
//! uncertain input moved alone to its 5th and 95th percentile with every
//! other input at its central value, the NPV of every mix at both ends,
//! which mix is best at each end, and — where the best mix changes within
//! the range — the value at which it changes, found by bisection.
//!
//! Each point is one evaluation of the model, as in the base case; inputs
//! are independent of each other, so they are evaluated in parallel and the
//! result does not depend on the thread count.

use palett_montecarlo::{Model, SampleRecord};
use rayon::prelude::*;

use crate::error::ModelError;
use crate::layout::Plan;
use crate::metric::Quantity;
use crate::run::held_inputs;
use crate::sample::ScenarioModel;
use crate::scenario::Scenario;

/// The percentiles of the low and high end (shares).
pub const ENDS: (f64, f64) = (0.05, 0.95);

/// Bisection steps for a threshold: the bracket shrinks 2⁴⁸-fold, below
/// the precision anyone reads.
const STEPS: usize = 48;

/// The model at one point: every mix's NPV per key (actors, then total),
/// SEK, and the best mix by total NPV.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The input's value.
    pub value: f64,
    /// `[mix][key]`, mixes do-nothing first.
    pub npv: Vec<Vec<f64>>,
    /// Index of the mix of highest total NPV (the first of equals).
    pub best: usize,
}

/// Where the best mix changes between the two ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    /// The input's value at the change (within the bisection's precision).
    pub value: f64,
    /// The best mix just below it.
    pub below: usize,
    /// The best mix just above it.
    pub above: usize,
}

/// One input's tornado bar.
#[derive(Debug, Clone, PartialEq)]
pub struct InputSwing {
    /// Its `palett params` path.
    pub input: String,
    /// At the 5th percentile.
    pub low: Point,
    /// At the 95th percentile.
    pub high: Point,
    /// The first change of the best mix from the low end, if any.
    pub threshold: Option<Threshold>,
}

/// The one-way analysis of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct OneWay {
    /// Every mix, do-nothing first.
    pub mixes: Vec<String>,
    /// The keys: every actor, then `total`.
    pub keys: Vec<String>,
    /// Every input at its central value (held ones at their held value).
    pub base: Point,
    /// Per uncertain input (not fixed, not held), in `palett params` order.
    pub inputs: Vec<InputSwing>,
    /// Model evaluations made.
    pub evaluations: u64,
}

/// Evaluates the model at `x` and reads every mix's NPV per key.
fn point(
    model: &ScenarioModel<'_>,
    plan: &Plan,
    x: &[f64],
    value: f64,
    record: &mut SampleRecord,
    scratch: &mut <ScenarioModel<'_> as Model>::Scratch,
) -> Point {
    record.clear();
    model.evaluate(x, scratch, record);
    let npv: Vec<Vec<f64>> = plan
        .mixes
        .iter()
        .map(|m| {
            m.scalar(Quantity::Npv)
                .iter()
                .map(|slot| record.scalar(slot.index()).unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    let best = npv
        .iter()
        .enumerate()
        .fold(None::<(usize, f64)>, |acc, (m, v)| {
            let total = v.last().copied().unwrap_or(f64::NAN);
            match acc {
                Some((_, b)) if b >= total || total.is_nan() => acc,
                _ => Some((m, total)),
            }
        })
        .map_or(0, |(m, _)| m);
    Point { value, npv, best }
}

/// Runs the one-way analysis of `s` with the inputs `held` (path, value)
/// fixed, on the current rayon pool.
pub fn oneway(s: &Scenario, held: &[(String, f64)]) -> Result<OneWay, ModelError> {
    let model = ScenarioModel::new(s)?;
    let inputs = held_inputs(s, held)?;
    let plan = model.plan();
    let central = inputs.central_values();
    let mut record = SampleRecord::new(&plan.layout);
    let mut scratch = model.new_scratch();
    let base = point(&model, plan, &central, f64::NAN, &mut record, &mut scratch);
    let held_at: Vec<usize> = inputs.held().iter().map(|&(i, _)| i).collect();
    let analysed: Vec<usize> = (0..inputs.len())
        .filter(|&i| !inputs.distributions()[i].is_fixed() && !held_at.contains(&i))
        .collect();
    let swings: Vec<(InputSwing, u64)> = analysed
        .par_iter()
        .map_init(
            || {
                (
                    SampleRecord::new(&plan.layout),
                    model.new_scratch(),
                    central.clone(),
                )
            },
            |(record, scratch, x), &i| {
                let d = &inputs.distributions()[i];
                let mut at = |v: f64| {
                    x[i] = v;
                    let p = point(&model, plan, x, v, record, scratch);
                    x[i] = central[i];
                    p
                };
                let low = at(d.inverse_cdf(ENDS.0));
                let high = at(d.inverse_cdf(ENDS.1));
                let mut evaluations = 2;
                let threshold = (low.best != high.best).then(|| {
                    let (mut a, mut b) = (low.value, high.value);
                    let (mut below, mut above) = (low.best, high.best);
                    for _ in 0..STEPS {
                        let mid = 0.5 * (a + b);
                        if mid == a || mid == b {
                            break;
                        }
                        let p = at(mid);
                        evaluations += 1;
                        if p.best == low.best {
                            a = mid;
                            below = p.best;
                        } else {
                            b = mid;
                            above = p.best;
                        }
                    }
                    Threshold {
                        value: 0.5 * (a + b),
                        below,
                        above,
                    }
                });
                (
                    InputSwing {
                        input: inputs.names()[i].clone(),
                        low,
                        high,
                        threshold,
                    },
                    evaluations,
                )
            },
        )
        .collect();
    let evaluations = 1 + swings.iter().map(|(_, e)| e).sum::<u64>();
    Ok(OneWay {
        mixes: s.mix_names().iter().map(|m| m.to_string()).collect(),
        keys: plan
            .keys
            .keys(crate::metric::KeySet::ActorsAndTotal)
            .iter()
            .map(|k| k.to_string())
            .collect(),
        base,
        inputs: swings.into_iter().map(|(s, _)| s).collect(),
        evaluations,
    })
}

#[cfg(test)]
mod tests {
    use palett_montecarlo::Distribution;

    use super::*;
    use crate::testing::two_costs;

    /// The mix's NPV is −(a + b) at rate 0 against doing nothing's 0: the
    /// mix is best while a + b < 0.
    fn linear() -> Scenario {
        two_costs(
            Distribution::Uniform {
                lo: -10.0,
                hi: 10.0,
            },
            Distribution::Uniform { lo: 2.0, hi: 4.0 },
        )
    }

    #[test]
    fn ends_and_threshold_match_a_hand_computed_case() {
        let s = linear();
        let w = oneway(&s, &[]).expect("runs");
        assert_eq!(w.mixes, vec!["do_nothing", "m"]);
        // Central: a = 0, b = 3: the mix's NPV is −3, doing nothing wins.
        let total = w.keys.len() - 1;
        assert_eq!(w.base.npv[1][total], -3.0);
        assert_eq!(w.base.best, 0);
        // a from −9 (5 %) to 9 (95 %) with b = 3: NPV 6 … −12; the best mix
        // changes where a + 3 = 0, at a = −3.
        let a = &w.inputs[0];
        assert_eq!(a.input, "a");
        assert!((a.low.value + 9.0).abs() < 1e-12 && (a.high.value - 9.0).abs() < 1e-12);
        assert!((a.low.npv[1][total] - 6.0).abs() < 1e-9);
        assert!((a.high.npv[1][total] + 12.0).abs() < 1e-9);
        assert_eq!((a.low.best, a.high.best), (1, 0));
        let t = a.threshold.as_ref().expect("a threshold");
        assert!((t.value + 3.0).abs() < 1e-9, "{t:?}");
        assert_eq!((t.below, t.above), (1, 0));
        // b alone (2.1 … 3.9) never makes the mix worth it; the fixed input
        // is not analysed.
        let b = &w.inputs[1];
        assert!(b.threshold.is_none());
        assert_eq!(w.inputs.len(), 2);
        // kommun pays a: its NPV is −a.
        let kommun = w.keys.iter().position(|k| k == "kommun").expect("kommun");
        assert!((a.low.npv[1][kommun] - 9.0).abs() < 1e-9);
    }

    #[test]
    fn held_inputs_stay_and_threads_do_not_matter() {
        let s = linear();
        let w = oneway(&s, &[("b".into(), 2.5)]).expect("runs");
        assert_eq!(w.inputs.len(), 1);
        let t = w.inputs[0].threshold.as_ref().expect("threshold");
        assert!((t.value + 2.5).abs() < 1e-9);
        let on = |n: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .expect("pool")
                .install(|| format!("{:?}", oneway(&s, &[]).expect("runs")))
        };
        assert_eq!(on(1), on(2));
    }
}
