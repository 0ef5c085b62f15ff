//! Shapley effects of a scenario's uncertain inputs on every mix's NPV,
//! total and per actor, under the scenario's declared correlations
//! (docs/analysis.md, "Shapley effects"). The estimation itself is
//! palett-montecarlo's [`palett_montecarlo::shapley`]; this module picks
//! the outputs and names them.

use palett_montecarlo::Progress;
use palett_montecarlo::shapley::{OutputEffects, ShapleySettings};

use crate::error::ModelError;
use crate::metric::{KeySet, Quantity};
use crate::run::held_inputs;
use crate::sample::ScenarioModel;
use crate::scenario::Scenario;

/// What to estimate: the estimator's settings except the seed, which
/// defaults to the scenario's.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShapleyOptions {
    /// Seed (default: the file's `settings.seed`).
    pub seed: Option<u64>,
    /// Random input orders (default 512).
    pub permutations: Option<u64>,
    /// Inner draws per outer draw (default 3).
    pub inner: Option<u32>,
    /// Samples for Var(Y) (default 4 096).
    pub variance_samples: Option<u64>,
    /// Uncertain inputs held at a value, by `palett params` path; they are
    /// not analysed.
    pub held: Vec<(String, f64)>,
}

/// Shapley effects of every mix's NPV (against doing nothing) per key.
#[derive(Debug, Clone, PartialEq)]
pub struct Shapley {
    /// The mixes analysed: every mix but doing nothing, in file order.
    pub mixes: Vec<String>,
    /// The keys: every actor, then `total`.
    pub keys: Vec<String>,
    /// The analysed inputs' `palett params` paths: every uncertain input
    /// not held, in `palett params` order.
    pub inputs: Vec<String>,
    /// `[mix][key]`: Var(NPV) in SEK², each input's share of it (0–1,
    /// summing to 1) and its standard error.
    pub effects: Vec<Vec<OutputEffects>>,
    /// The estimator's settings as used.
    pub settings: ShapleySettings,
    /// Model evaluations made.
    pub evaluations: u64,
}

impl ShapleyOptions {
    /// The estimator's settings for scenario `s`.
    pub fn settings(&self, s: &Scenario) -> ShapleySettings {
        let d = ShapleySettings::default();
        ShapleySettings {
            seed: self.seed.unwrap_or(s.run.seed),
            permutations: self.permutations.unwrap_or(d.permutations),
            outer: d.outer,
            inner: self.inner.unwrap_or(d.inner),
            variance_samples: self.variance_samples.unwrap_or(d.variance_samples),
        }
    }
}

/// Estimates the Shapley effects of `s` under `o` on the current rayon
/// pool; `progress` hears evaluations done. Bit-identical on any thread
/// count.
pub fn shapley(
    s: &Scenario,
    o: &ShapleyOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Shapley, ModelError> {
    // Only NPVs are read: the tipping search would be wasted work.
    let model = ScenarioModel::new(s)?.without_tipping_year();
    let inputs = held_inputs(s, &o.held)?;
    let plan = model.plan();
    let keys = plan.keys.keys(KeySet::ActorsAndTotal);
    let outputs: Vec<usize> = plan
        .mixes
        .iter()
        .skip(1)
        .flat_map(|m| m.scalar(Quantity::Npv).iter().map(|slot| slot.index()))
        .collect();
    let settings = o.settings(s);
    let r = palett_montecarlo::shapley::shapley(
        &inputs,
        &plan.layout,
        &model,
        &outputs,
        &settings,
        progress,
    )?;
    let per_mix = keys.len();
    let mut effects = r.outputs.into_iter();
    let effects = (1..plan.mixes.len())
        .map(|_| effects.by_ref().take(per_mix).collect())
        .collect();
    Ok(Shapley {
        mixes: s
            .mix_names()
            .iter()
            .skip(1)
            .map(|m| m.to_string())
            .collect(),
        keys: keys.iter().map(|k| k.to_string()).collect(),
        inputs: r
            .inputs
            .iter()
            .map(|&i| inputs.names()[i].clone())
            .collect(),
        effects,
        settings,
        evaluations: r.evaluations,
    })
}

#[cfg(test)]
mod tests {
    use palett_montecarlo::Distribution;

    use super::*;
    use crate::testing::two_costs;

    /// The mix's NPV is −(a + b) against doing nothing; kommun pays a,
    /// rattsvasende pays b.
    fn linear() -> Scenario {
        two_costs(
            Distribution::Uniform { lo: 0.0, hi: 10.0 },
            Distribution::Uniform { lo: 2.0, hi: 4.0 },
        )
    }

    fn options() -> ShapleyOptions {
        ShapleyOptions {
            permutations: Some(200),
            variance_samples: Some(4000),
            ..ShapleyOptions::default()
        }
    }

    #[test]
    fn shares_follow_each_actors_own_cost() {
        let s = linear();
        let r = shapley(&s, &options(), &|_| {}).expect("runs");
        assert_eq!(r.mixes, vec!["m"]);
        assert_eq!(r.inputs, vec!["a", "b"]);
        let key = |k: &str| r.keys.iter().position(|x| x == k).expect("key");
        let total = &r.effects[0][key("total")];
        // Var(a) = 100/12, Var(b) = 4/12: a has 25/26 of the total's variance.
        assert!((total.variance - 104.0 / 12.0).abs() < 0.05 * 104.0 / 12.0);
        let (got, se) = (total.effects[0], total.standard_errors[0]);
        assert!((got - 25.0 / 26.0).abs() < 4.0 * se + 0.01, "{got} ± {se}");
        // kommun's NPV is −a: all of it is a's.
        let kommun = &r.effects[0][key("kommun")];
        assert!((kommun.effects[0] - 1.0).abs() < 4.0 * kommun.standard_errors[0] + 0.01);
        // An actor untouched by the mix has no variance to share.
        let untouched = r
            .keys
            .iter()
            .position(|k| k != "kommun" && k != "rattsvasende" && k != "total")
            .expect("another actor");
        assert_eq!(r.effects[0][untouched].variance, 0.0);
        assert!(r.effects[0][untouched].effects[0].is_nan());
        assert_eq!(r.evaluations, 4000 + 200 * 3);
    }

    #[test]
    fn held_inputs_are_not_analysed() {
        let s = linear();
        let o = ShapleyOptions {
            held: vec![("a".into(), 5.0)],
            ..options()
        };
        let r = shapley(&s, &o, &|_| {}).expect("runs");
        assert_eq!(r.inputs, vec!["b"]);
        let bad = ShapleyOptions {
            held: vec![("nope".into(), 1.0)],
            ..options()
        };
        assert!(matches!(
            shapley(&s, &bad, &|_| {}),
            Err(ModelError::UnknownInput { .. })
        ));
    }
}
