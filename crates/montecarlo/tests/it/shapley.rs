//! Shapley effects (palett_montecarlo::shapley; docs/analysis.md,
//! "Shapley effects") against closed forms for linear models of normal
//! inputs, with and without correlation.

use palett_montecarlo::shapley::{ShapleySettings, shapley};
use palett_montecarlo::{Distribution, InputSpace, Missing, Model, OutputLayout, SampleRecord};
use proptest::prelude::*;

use super::common::{pools, scalar};

/// Y₀ = Σ aᵢ·xᵢ and Y₁ = x₀ (the first input alone).
struct Linear(Vec<f64>);

impl Model for Linear {
    type Scratch = ();
    fn new_scratch(&self) {}
    fn evaluate(&self, x: &[f64], _: &mut (), out: &mut SampleRecord) {
        out.set_scalar(0, Some(self.0.iter().zip(x).map(|(a, x)| a * x).sum()));
        out.set_scalar(1, Some(x[0]));
    }
}

fn layout() -> OutputLayout {
    OutputLayout {
        scalars: vec![scalar("y", Missing::Skip), scalar("x0", Missing::Skip)],
        ..OutputLayout::default()
    }
}

fn normals(sds: &[f64], correlations: &[(usize, usize, f64)]) -> InputSpace {
    InputSpace::new(
        sds.iter()
            .enumerate()
            .map(|(i, &sd)| (format!("x{i}"), Distribution::Normal { mean: 1.0, sd }))
            .collect(),
        &correlations
            .iter()
            .map(|&(a, b, r)| (format!("x{a}"), format!("x{b}"), r))
            .collect::<Vec<_>>(),
    )
    .expect("valid inputs")
}

fn settings(permutations: u64) -> ShapleySettings {
    ShapleySettings {
        seed: 7,
        permutations,
        variance_samples: 20_000,
        ..ShapleySettings::default()
    }
}

#[test]
fn independent_inputs_share_variance_by_their_terms() {
    // Var(Y) = 1 + 4 + 9·0.25 = 7.25; shares 1/7.25, 4/7.25, 2.25/7.25.
    let space = normals(&[1.0, 2.0, 0.5], &[]);
    let model = Linear(vec![1.0, 1.0, 3.0]);
    let s =
        shapley(&space, &layout(), &model, &[0, 1], &settings(2000), &|_| {}).expect("estimates");
    let y = &s.outputs[0];
    assert!((y.variance - 7.25).abs() < 0.25, "Var(Y) {}", y.variance);
    for (i, want) in [1.0, 4.0, 2.25].iter().enumerate() {
        let want = want / 7.25;
        let (got, se) = (y.effects[i], y.standard_errors[i]);
        assert!(se > 0.0 && se < 0.02, "se {se}");
        assert!(
            (got - want).abs() < 3.0 * se,
            "x{i}: {got} ± {se}, want {want}"
        );
    }
    // Y₁ depends on x₀ alone: x₀ has all of it, the others none.
    let x0 = &s.outputs[1];
    for (i, want) in [1.0, 0.0, 0.0].iter().enumerate() {
        let (got, se) = (x0.effects[i], x0.standard_errors[i]);
        assert!((got - want).abs() < 3.0 * se, "x{i}: {got} ± {se}");
    }
    assert_eq!(s.evaluations, 20_000 + 2000 * 2 * 3);
}

#[test]
fn correlated_inputs_follow_the_closed_form() {
    // Y = x₀ + 2·x₁ with unit variances and normal-score correlation r
    // (Spearman ρ_s maps to r = 2·sin(π ρ_s / 6)). With c(J) = E[Var(Y|X₋J)]:
    // c({0}) = 1·(1 − r²), c({1}) = 4·(1 − r²), and
    // Sh₀ = ½ (c({0}) + Var Y − c({1})), Var Y = 1 + 4 + 4r.
    let rho_s: f64 = 0.5;
    let r = 2.0 * (std::f64::consts::PI * rho_s / 6.0).sin();
    let space = normals(&[1.0, 1.0], &[(0, 1, rho_s)]);
    let model = Linear(vec![1.0, 2.0]);
    let s =
        shapley(&space, &layout(), &model, &[0, 1], &settings(4000), &|_| {}).expect("estimates");
    let var = 5.0 + 4.0 * r;
    let sh0 = 0.5 * ((1.0 - r * r) + var - 4.0 * (1.0 - r * r)) / var;
    let y = &s.outputs[0];
    assert!(
        (y.variance - var).abs() < 0.03 * var,
        "Var(Y) {}",
        y.variance
    );
    let (got, se) = (y.effects[0], y.standard_errors[0]);
    assert!((got - sh0).abs() < 3.0 * se, "Sh₀ {got} ± {se}, want {sh0}");
    assert!((y.effects[0] + y.effects[1] - 1.0).abs() < 1e-9);
    // x₀ alone: correlation credits x₁ with part of x₀'s variance,
    // Sh₁ = ½ r² exactly in the limit.
    let x0 = &s.outputs[1];
    let (got, se) = (x0.effects[1], x0.standard_errors[1]);
    assert!((got - 0.5 * r * r).abs() < 3.0 * se, "{got} ± {se}");
}

#[test]
fn held_and_fixed_inputs_are_not_analysed() {
    let mut inputs: Vec<(String, Distribution)> = (0..3)
        .map(|i| (format!("x{i}"), Distribution::Normal { mean: 0.0, sd: 1.0 }))
        .collect();
    inputs.push(("k".into(), Distribution::Fixed(2.0)));
    let space = InputSpace::new(inputs, &[("x0".into(), "x1".into(), 0.4)])
        .and_then(|s| s.with_held(&[(1, 0.5)]))
        .expect("valid");
    let model = Linear(vec![1.0, 1.0, 1.0, 1.0]);
    let s = shapley(&space, &layout(), &model, &[0], &settings(16), &|_| {}).expect("ok");
    assert_eq!(s.inputs, vec![0, 2]);
    // x₀ and x₂ are independent once x₁ is held: equal shares of 1 + 1.
    assert!((s.outputs[0].variance - 2.0).abs() < 0.1);
}

#[test]
fn identical_on_one_two_and_eight_threads() {
    let space = normals(&[1.0, 2.0, 0.5, 1.5], &[(0, 1, 0.3), (1, 3, -0.4)]);
    let model = Linear(vec![1.0, -1.0, 2.0, 0.5]);
    let run = |p: &rayon::ThreadPool| {
        let s = ShapleySettings {
            permutations: 37,
            variance_samples: 1000,
            ..settings(0)
        };
        p.install(|| shapley(&space, &layout(), &model, &[0, 1], &s, &|_| {}))
            .expect("ok")
    };
    let [one, two, eight] = pools();
    let a = format!("{:?}", run(one));
    assert_eq!(a, format!("{:?}", run(two)));
    assert_eq!(a, format!("{:?}", run(eight)));
}

#[test]
fn progress_reaches_the_stated_cost() {
    use std::sync::atomic::{AtomicU64, Ordering};
    let space = normals(&[1.0, 1.0, 1.0], &[]);
    let s = ShapleySettings {
        permutations: 10,
        variance_samples: 300,
        ..settings(0)
    };
    let seen = AtomicU64::new(0);
    let r = shapley(&space, &layout(), &Linear(vec![1.0; 3]), &[0], &s, &|p| {
        seen.fetch_max(p.done, Ordering::Relaxed);
        assert_eq!(p.total, s.evaluations(3));
    })
    .expect("ok");
    assert_eq!(seen.load(Ordering::Relaxed), r.evaluations);
    assert_eq!(r.evaluations, 300 + 10 * 2 * 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Each permutation's increments telescope to Var(Y), so one output's
    /// effects sum to one, whatever the model and correlations.
    #[test]
    fn effects_sum_to_one(
        a in prop::collection::vec(-3.0f64..3.0, 4),
        rho in -0.6f64..0.6,
        seed in 0u64..1000,
    ) {
        prop_assume!(a.iter().any(|x| x.abs() > 0.1));
        let space = normals(&[1.0, 0.5, 2.0, 1.0], &[(0, 2, rho), (2, 3, rho / 2.0)]);
        let s = ShapleySettings { seed, permutations: 6, variance_samples: 200, ..ShapleySettings::default() };
        let r = shapley(&space, &layout(), &Linear(a), &[0, 1], &s, &|_| {}).expect("ok");
        for o in &r.outputs {
            let sum: f64 = o.effects.iter().sum();
            prop_assert!((sum - 1.0).abs() < 1e-9, "sum {}", sum);
        }
    }
}
