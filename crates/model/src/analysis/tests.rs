//! Known answers through the same code paths as real scenarios: toy
//! scenarios whose NPVs are linear in independent inputs.

use palett_montecarlo::Distribution;

use super::{Analysis, TargetKind};
use crate::run::{Method, RunOptions, ScenarioRun, run};
use crate::scenario::Scenario;
use crate::testing::{toy, with_inputs};
use crate::value::Value;

/// A mix whose one intervention costs kommun `Input(0)` and polisen
/// `Input(1)` in year 1, plus an input `idle` nothing reads: at rate 0 the
/// mix's total NPV is −(x0 + x1).
fn linear(a: Distribution, b: Distribution) -> Scenario {
    let mut s = toy(3, 0.0, 3, &[("kommun", 0.0), ("rattsvasende", 0.0)]);
    s.interventions[0].cost[0].1 = Value::Input(0);
    s.interventions[0].cost[1].1 = Value::Input(1);
    with_inputs(
        s,
        vec![
            ("a", a),
            ("b", b),
            ("idle", Distribution::Uniform { lo: 0.0, hi: 1.0 }),
        ],
    )
}

fn analyse(s: &Scenario, samples: u64, method: Method) -> (ScenarioRun, Analysis) {
    let o = RunOptions {
        samples: Some(samples),
        seed: Some(5),
        method: Some(method),
        ..RunOptions::default()
    };
    let r = run(s, &o, &|_| {}).expect("runs");
    let a = r.analysis.clone().expect("analysed");
    (r, a)
}

fn total_target(a: &Analysis, kind: TargetKind) -> &super::TargetSensitivity {
    a.sensitivity
        .iter()
        .find(|t| t.mix == 1 && t.kind == kind)
        .expect("target")
}

#[test]
fn linear_model_gives_its_analytic_first_order_shares_and_rank_correlations() {
    // Var contributions 10² and 20²: shares 0.2 and 0.8; Spearman of a
    // bivariate normal with Pearson ρ is (6/π) asin(ρ/2).
    let s = linear(
        Distribution::Normal {
            mean: 100.0,
            sd: 10.0,
        },
        Distribution::Normal {
            mean: 50.0,
            sd: 20.0,
        },
    );
    let (_, a) = analyse(&s, 100_000, Method::MonteCarlo);
    assert_eq!(a.inputs, vec!["a", "b", "idle"]);
    let total = a.keys.len() - 1;
    let t = total_target(&a, TargetKind::Npv(total));
    let shares: Vec<f64> = t
        .inputs
        .iter()
        .map(|e| e.first_order.value.expect("estimated"))
        .collect();
    assert!((shares[0] - 0.2).abs() < 0.02, "{shares:?}");
    assert!((shares[1] - 0.8).abs() < 0.02, "{shares:?}");
    assert!(shares[2] < 0.02, "{shares:?}");
    let spearman = |rho: f64| 6.0 / std::f64::consts::PI * (rho / 2.0).asin();
    let rho_a = -10.0 / 500f64.sqrt();
    let rho_b = -20.0 / 500f64.sqrt();
    let got: Vec<f64> = t
        .inputs
        .iter()
        .map(|e| e.spearman.value.expect("ρ"))
        .collect();
    assert!((got[0] - spearman(rho_a)).abs() < 0.02, "{got:?}");
    assert!((got[1] - spearman(rho_b)).abs() < 0.02, "{got:?}");
    assert!(got[2].abs() < 0.02, "{got:?}");
    // kommun's NPV depends on `a` alone.
    let kommun = a.keys.iter().position(|k| k == "kommun").expect("kommun");
    let k = total_target(&a, TargetKind::Npv(kommun));
    assert!(k.inputs[0].first_order.value.expect("share") > 0.97);
    assert!(k.inputs[1].first_order.value.expect("share") < 0.02);
}

#[test]
fn evpi_of_two_normal_alternatives_matches_the_closed_form() {
    // The mix's NPV = −(a + b) ~ Normal(μ = 10, σ = 40) against doing
    // nothing (0): EVPI = σ φ(μ/σ) + μ Φ(μ/σ) − max(μ, 0).
    let s = linear(
        Distribution::Normal {
            mean: -10.0,
            sd: 40.0,
        },
        Distribution::Fixed(0.0),
    );
    let (r, a) = analyse(&s, 100_000, Method::MonteCarlo);
    let (mu, sigma) = (10.0f64, 40.0f64);
    let z = mu / sigma;
    let phi = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    // Φ(0.25) from tables.
    let cdf = 0.598_706_325_683_539_6;
    let want = sigma * phi + mu * cdf - mu.max(0.0);
    let v = a.total_voi().expect("total view");
    assert_eq!(v.best_mix, 1);
    let evpi = v.evpi.value.expect("EVPI");
    let se = v.evpi.se.expect("se");
    assert!((evpi - want).abs() < 3.0 * se, "{evpi} vs {want} ± {se}");
    // Input `a` decides everything: its EVPPI is close to the EVPI; the
    // idle input decides nothing. (`b` is fixed, so not analysed.)
    assert_eq!(a.inputs, vec!["a", "idle"]);
    let decides = v.evppi[0].expect("EVPPI of a");
    assert!(
        (decides.value - evpi).abs() < 0.03 * evpi,
        "{decides:?} vs {evpi}"
    );
    assert!(decides.lower <= decides.value);
    let idle = v.evppi[1].expect("EVPPI of idle");
    assert!(idle.value < 0.05 * evpi, "{idle:?}");
    assert!(idle.lower < 0.02 * evpi, "{idle:?}");
    // The run's own P(best) and the acceptability at rate 0 agree.
    let total = a.keys.len() - 1;
    let p_best = a.acceptability.p_best[0][total][1];
    assert!((p_best - r.results.mixes[1].p_best).abs() < 1e-12);
}

#[test]
fn acceptability_at_the_scenario_rate_matches_the_run() {
    // Costs in years 1 and 2 at 3 %: the rate matters.
    let mut s = linear(
        Distribution::Normal {
            mean: -10.0,
            sd: 40.0,
        },
        Distribution::Normal { mean: 0.0, sd: 5.0 },
    );
    s.discount_rate = Value::Fixed(0.03);
    s.interventions[0].duration = 2;
    s.mixes[0].entries[0].duration = 2;
    let (r, a) = analyse(&s, 4_000, Method::LatinHypercube);
    let at = super::RATES
        .iter()
        .position(|&x| x == 0.03)
        .expect("3 % on the grid");
    let total = a.keys.len() - 1;
    let mix = &r.results.mixes[1];
    assert_eq!(
        a.acceptability.p_positive[at][total][1],
        mix.npv().p_positive
    );
    assert!((a.acceptability.p_best[at][total][1] - mix.p_best).abs() < 1e-12);
    // Costs only: a higher rate discounts year 2's cost, so the mix's NPV
    // rises with the rate and with it P(NPV > 0).
    let p: Vec<f64> = (0..super::RATES.len())
        .map(|i| a.acceptability.p_positive[i][total][1])
        .collect();
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
    // P(best) sums to 1 at every rate and for every key.
    for per_rate in &a.acceptability.p_best {
        for per_key in per_rate {
            let sum: f64 = per_key.iter().sum();
            assert!((sum - 1.0).abs() < 1e-9, "{per_key:?}");
        }
    }
}

#[test]
fn analysis_is_bit_identical_on_one_and_two_threads_and_skippable() {
    let s = linear(
        Distribution::Normal {
            mean: -10.0,
            sd: 40.0,
        },
        Distribution::Pert {
            min: -5.0,
            mode: 0.0,
            max: 20.0,
        },
    );
    // More than one segment, so segment merges are exercised.
    let n = palett_montecarlo::SEGMENT_SAMPLES + 3_000;
    let results: Vec<String> = [1, 2]
        .iter()
        .map(|&t| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .expect("pool");
            pool.install(|| format!("{:?}", analyse(&s, n, Method::LatinHypercube).1))
        })
        .collect();
    assert_eq!(results[0], results[1]);
    let o = RunOptions {
        samples: Some(100),
        skip_analysis: true,
        ..RunOptions::default()
    };
    assert!(run(&s, &o, &|_| {}).expect("runs").analysis.is_none());
    let det = RunOptions {
        method: Some(Method::Deterministic),
        ..RunOptions::default()
    };
    assert!(run(&s, &det, &|_| {}).expect("runs").analysis.is_none());
}

#[test]
fn held_inputs_leave_the_analysis_and_move_the_results() {
    let s = linear(
        Distribution::Normal {
            mean: -10.0,
            sd: 40.0,
        },
        Distribution::Normal { mean: 0.0, sd: 5.0 },
    );
    let o = RunOptions {
        samples: Some(2_000),
        held: vec![("a".into(), 30.0)],
        ..RunOptions::default()
    };
    let r = run(&s, &o, &|_| {}).expect("runs");
    let a = r.analysis.expect("analysed");
    assert_eq!(a.inputs, vec!["b", "idle"]);
    // NPV = −(30 + b): mean −30, sd 5.
    let npv = r.results.mixes[1].npv();
    assert!((npv.mean.expect("mean") + 30.0).abs() < 0.5);
    let bad = RunOptions {
        held: vec![("nope".into(), 1.0)],
        ..RunOptions::default()
    };
    let e = run(&s, &bad, &|_| {}).expect_err("unknown path");
    assert!(
        e.to_string().contains("`nope` is not an uncertain input"),
        "{e}"
    );
}
