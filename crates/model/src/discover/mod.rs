//! Scenario discovery (docs/analysis.md, "Scenario discovery"): under
//! which inputs does a mix fail — lose money, not be best, cost an actor
//! more than it gains? PRIM boxes ([`prim`]) over the uncertain inputs, on
//! a bounded reservoir of the run's samples: the first [`RESERVOIR`] (the
//! samples are independent draws, so the first are a fair sample; memory
//! stays bounded whatever the run's size).

pub mod prim;

use palett_montecarlo::{Block, Observed, Observer};

use crate::error::ModelError;
use crate::metric::Quantity;
use crate::run::{RunOptions, held_inputs, run_with};
use crate::scenario::Scenario;

pub use prim::{PrimBox, PrimSettings};

/// Samples kept for discovery at most.
pub const RESERVOIR: usize = 20_000;

/// The share of the cases a shown box must cover at least.
pub const MIN_COVERAGE: f64 = 0.5;

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// `<`
    Less,
    /// `<=`
    LessOrEqual,
    /// `>`
    Greater,
    /// `>=`
    GreaterOrEqual,
}

/// What makes a sample a case of interest for a mix.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The mix's NPV (an actor's, or the total when `actor` is `None`)
    /// compared with a value in SEK.
    Npv {
        /// The actor, or `None` for the total.
        actor: Option<String>,
        /// The comparison.
        cmp: Cmp,
        /// SEK.
        value: f64,
    },
    /// The mix has the highest total NPV of all mixes (ties count).
    Best,
    /// Some other mix has a higher total NPV.
    NotBest,
}

/// Why a condition cannot be read or used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DiscoverError {
    /// The text is not a condition.
    #[error(
        "cannot read the condition `{0}`; write e.g. \"npv < 0\", \"npv >= 100 MSEK\", \
         \"actor kommun npv < 0\", \"best\" or \"not best\""
    )]
    Condition(String),
    /// The mix is not one of the scenario's.
    #[error("`{mix}` is not a mix of this scenario; mixes: {}", .known.join(", "))]
    UnknownMix {
        /// The name asked for.
        mix: String,
        /// The scenario's mixes.
        known: Vec<String>,
    },
    /// The actor is not one of the scenario's.
    #[error("`{actor}` is not an actor of this scenario; actors: {}", .known.join(", "))]
    UnknownActor {
        /// The name asked for.
        actor: String,
        /// The scenario's actors.
        known: Vec<String>,
    },
    /// The run failed.
    #[error(transparent)]
    Model(#[from] ModelError),
}

impl Condition {
    /// Reads `npv < 0`, `npv >= 1.5 MSEK`, `actor kommun npv < 0`,
    /// `best`, `not best`.
    pub fn parse(text: &str) -> Result<Condition, DiscoverError> {
        let bad = || DiscoverError::Condition(text.to_string());
        let t: Vec<&str> = text.split_whitespace().collect();
        match t.as_slice() {
            ["best"] => return Ok(Condition::Best),
            ["not", "best"] => return Ok(Condition::NotBest),
            _ => {}
        }
        let (actor, rest) = match t.as_slice() {
            ["actor", name, rest @ ..] => (Some(name.to_string()), rest),
            rest => (None, rest),
        };
        // "npv<0" as well as "npv < 0".
        let joined = rest.join(" ");
        let body = joined.strip_prefix("npv").ok_or_else(bad)?.trim_start();
        let (cmp, number) = [
            ("<=", Cmp::LessOrEqual),
            (">=", Cmp::GreaterOrEqual),
            ("<", Cmp::Less),
            (">", Cmp::Greater),
        ]
        .iter()
        .find_map(|&(op, c)| body.strip_prefix(op).map(|r| (c, r.trim())))
        .ok_or_else(bad)?;
        let (number, scale) = match number.split_whitespace().collect::<Vec<_>>().as_slice() {
            [n] => (*n, 1.0),
            [n, u] if u.eq_ignore_ascii_case("msek") => (*n, 1e6),
            [n, u] if u.eq_ignore_ascii_case("sek") => (*n, 1.0),
            _ => return Err(bad()),
        };
        let value: f64 = number.parse().map_err(|_| bad())?;
        if !value.is_finite() {
            return Err(bad());
        }
        Ok(Condition::Npv {
            actor,
            cmp,
            value: value * scale,
        })
    }
}

/// What discovery found for one mix and condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Discovery {
    /// The run's seed.
    pub seed: u64,
    /// The run's samples (the reservoir holds at most [`RESERVOIR`]).
    pub samples: u64,
    /// The run's sampling method.
    pub method: crate::run::Method,
    /// The mix.
    pub mix: String,
    /// The analysed inputs (uncertain, not held), by `palett params` path.
    pub inputs: Vec<String>,
    /// Samples in the reservoir.
    pub points: usize,
    /// Of which cases of interest.
    pub cases: usize,
    /// The peeling trajectory, from the unrestricted box on.
    pub trajectory: Vec<PrimBox>,
    /// Index of the box shown: the densest with coverage ≥ [`MIN_COVERAGE`].
    pub chosen: usize,
}

/// The observer that keeps the reservoir.
struct Reservoir {
    inputs: Vec<usize>,
    /// Total NPV cell of every mix.
    totals: Vec<usize>,
    /// The cell the condition reads, if it reads one.
    cell: Option<usize>,
    mix: usize,
    condition: Condition,
    limit: usize,
}

#[derive(Default)]
struct Kept {
    points: Vec<f64>,
    y: Vec<bool>,
}

impl Reservoir {
    fn case(&self, block: &Block<'_>, k: usize) -> bool {
        let total = |m: usize| block.value(k, self.totals[m]);
        match &self.condition {
            Condition::Npv { cmp, value, .. } => {
                let v = self.cell.map_or(f64::NAN, |c| block.value(k, c));
                match cmp {
                    Cmp::Less => v < *value,
                    Cmp::LessOrEqual => v <= *value,
                    Cmp::Greater => v > *value,
                    Cmp::GreaterOrEqual => v >= *value,
                }
            }
            Condition::Best | Condition::NotBest => {
                let mine = total(self.mix);
                let best = (0..self.totals.len()).all(|m| total(m) <= mine);
                best == matches!(self.condition, Condition::Best)
            }
        }
    }
}

impl Observer for Reservoir {
    type State = Kept;

    fn new_state(&self) -> Kept {
        Kept::default()
    }

    fn observe(&self, state: &mut Kept, block: &Block<'_>) {
        let room = self.limit.saturating_sub(state.y.len());
        for k in 0..block.len().min(room) {
            state
                .points
                .extend(self.inputs.iter().map(|&j| block.input(k, j)));
            state.y.push(self.case(block, k));
        }
    }

    fn merge(&self, into: &mut Kept, later: Kept) {
        let room = self.limit.saturating_sub(into.y.len());
        let take = later.y.len().min(room);
        into.points
            .extend_from_slice(&later.points[..take * self.inputs.len()]);
        into.y.extend_from_slice(&later.y[..take]);
    }
}

/// Runs `s` under `o` and finds the inputs under which `mix` meets
/// `condition`.
pub fn discover(
    s: &Scenario,
    o: &RunOptions,
    mix: &str,
    condition: &Condition,
) -> Result<Discovery, DiscoverError> {
    let names = s.mix_names();
    let m = s.mix_index(mix).ok_or_else(|| DiscoverError::UnknownMix {
        mix: mix.to_string(),
        known: names.iter().map(|n| n.to_string()).collect(),
    })?;
    let plan = crate::layout::plan(s);
    let npv = |m: usize| plan.mixes[m].scalar(Quantity::Npv);
    let actors = s.actors.names();
    let cell =
        match condition {
            Condition::Npv { actor: None, .. } => {
                Some(crate::layout::total_npv(&plan.mixes[m]).index())
            }
            Condition::Npv { actor: Some(a), .. } => {
                let k = actors.iter().position(|x| x == a).ok_or_else(|| {
                    DiscoverError::UnknownActor {
                        actor: a.clone(),
                        known: actors.to_vec(),
                    }
                })?;
                Some(npv(m)[k].index())
            }
            _ => None,
        };
    let inputs = held_inputs(s, &o.held)?;
    let held: Vec<usize> = inputs.held().iter().map(|&(i, _)| i).collect();
    let analysed: Vec<usize> = (0..inputs.len())
        .filter(|&i| !inputs.distributions()[i].is_fixed() && !held.contains(&i))
        .collect();
    let observer = Reservoir {
        inputs: analysed.clone(),
        totals: plan
            .mixes
            .iter()
            .map(|mx| crate::layout::total_npv(mx).index())
            .collect(),
        cell,
        mix: m,
        condition: condition.clone(),
        limit: RESERVOIR,
    };
    let mut watching = Observed::new(&observer);
    let options = RunOptions {
        skip_analysis: true,
        ..o.clone()
    };
    let run = run_with(s, &options, &|_| {}, &mut [&mut watching])?;
    let kept = watching.finish();
    let trajectory = prim::peel(
        &kept.points,
        analysed.len(),
        &kept.y,
        PrimSettings::default(),
    );
    let chosen = prim::choose(&trajectory, MIN_COVERAGE);
    Ok(Discovery {
        seed: run.seed,
        samples: run.results.samples,
        method: run.method,
        mix: mix.to_string(),
        inputs: analysed
            .iter()
            .map(|&i| inputs.names()[i].clone())
            .collect(),
        points: kept.y.len(),
        cases: kept.y.iter().filter(|&&c| c).count(),
        trajectory,
        chosen,
    })
}

#[cfg(test)]
mod tests {
    use palett_montecarlo::Distribution;

    use super::*;
    use crate::testing::{toy, with_inputs};
    use crate::value::Value;

    #[test]
    fn conditions_read_as_written() {
        assert_eq!(Condition::parse("best"), Ok(Condition::Best));
        assert_eq!(Condition::parse(" not  best "), Ok(Condition::NotBest));
        assert_eq!(
            Condition::parse("npv < 0"),
            Ok(Condition::Npv {
                actor: None,
                cmp: Cmp::Less,
                value: 0.0
            })
        );
        assert_eq!(
            Condition::parse("actor kommun npv >= 1.5 MSEK"),
            Ok(Condition::Npv {
                actor: Some("kommun".into()),
                cmp: Cmp::GreaterOrEqual,
                value: 1.5e6
            })
        );
        assert_eq!(
            Condition::parse("npv<=-2"),
            Ok(Condition::Npv {
                actor: None,
                cmp: Cmp::LessOrEqual,
                value: -2.0
            })
        );
        for bad in ["", "npv", "npv = 0", "npv < x", "cost < 0", "npv < 1 EUR"] {
            assert!(Condition::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn finds_the_inputs_under_which_a_mix_loses_money() {
        // NPV = −(a + b): negative where a + b > 0; with b in [2, 4] that is
        // certain for a > −2 and never for a < −4, so the box is a lower
        // bound on `a` between −4 and −2 (PRIM favours density: near −2).
        let mut s = toy(3, 0.0, 3, &[("kommun", 0.0), ("rattsvasende", 0.0)]);
        s.interventions[0].cost[0].1 = Value::Input(0);
        s.interventions[0].cost[1].1 = Value::Input(1);
        let s = with_inputs(
            s,
            vec![
                (
                    "a",
                    Distribution::Uniform {
                        lo: -10.0,
                        hi: 10.0,
                    },
                ),
                ("b", Distribution::Uniform { lo: 2.0, hi: 4.0 }),
                ("idle", Distribution::Uniform { lo: 0.0, hi: 1.0 }),
            ],
        );
        let o = RunOptions {
            samples: Some(8_000),
            ..RunOptions::default()
        };
        let cond = Condition::parse("npv < 0").expect("condition");
        let d = discover(&s, &o, "m", &cond).expect("runs");
        assert_eq!(d.points, 8_000);
        let b = &d.trajectory[d.chosen];
        assert!(b.coverage >= 0.9 && b.density >= 0.9, "{b:?}");
        assert!((-4.0..=-1.5).contains(&b.bounds[0].0), "{b:?}");
        assert!(
            b.bounds[2].0 < 0.1 && b.bounds[2].1 > 0.9,
            "idle stays open: {b:?}"
        );
        // Identical on 1 and 2 threads.
        let on = |n: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .expect("pool")
                .install(|| format!("{:?}", discover(&s, &o, "m", &cond).expect("runs")))
        };
        assert_eq!(on(1), on(2));
        assert!(matches!(
            discover(&s, &o, "nope", &cond),
            Err(DiscoverError::UnknownMix { .. })
        ));
    }
}
