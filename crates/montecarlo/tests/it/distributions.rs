//! Distributions: moments and quantiles against analytic values, central
//! values, supports, display and validation messages (model.md §7).

use palett_montecarlo::Distribution;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

const N: usize = 200_000;

struct Expect {
    d: Distribution,
    mean: f64,
    var: f64,
}

fn cases() -> Vec<Expect> {
    let tri = |a: f64, c: f64, b: f64| Expect {
        d: Distribution::Triangular {
            min: a,
            mode: c,
            max: b,
        },
        mean: (a + b + c) / 3.0,
        var: (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0,
    };
    let pert = |a: f64, c: f64, b: f64| {
        let m = (a + 4.0 * c + b) / 6.0;
        Expect {
            d: Distribution::Pert {
                min: a,
                mode: c,
                max: b,
            },
            mean: m,
            var: (m - a) * (b - m) / 7.0,
        }
    };
    let lognormal = |mu: f64, s: f64| {
        (
            (mu + s * s / 2.0).exp(),
            ((s * s).exp() - 1.0) * (2.0 * mu + s * s).exp(),
        )
    };
    let z95 = 1.644_853_626_951_472_2;
    let (ci_mu, ci_s) = (
        0.5 * (2.0f64.ln() + 8.0f64.ln()),
        (8.0f64.ln() - 2.0f64.ln()) / (2.0 * z95),
    );
    let (ln_m, ln_v) = lognormal(0.3, 0.5);
    let (ci_m, ci_v) = lognormal(ci_mu, ci_s);
    // TruncNormal(1, 2, 0, 5): standardised bounds α = −0.5, β = 2.
    let phi = |z: f64| (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let (al, be) = (-0.5, 2.0);
    let big_z = 0.977_249_868_051_820_8 - 0.308_537_538_725_986_9; // Φ(2) − Φ(−0.5)
    let shift = (phi(al) - phi(be)) / big_z;
    let tn_var = 4.0 * (1.0 + (al * phi(al) - be * phi(be)) / big_z - shift * shift);
    let disc = [(1.0, 1.0), (2.0, 2.0), (5.0, 1.0)];
    let dm = disc.iter().map(|p| p.0 * p.1).sum::<f64>() / 4.0;
    let dv = disc.iter().map(|p| (p.0 - dm).powi(2) * p.1).sum::<f64>() / 4.0;
    vec![
        Expect {
            d: Distribution::Uniform { lo: -1.0, hi: 3.0 },
            mean: 1.0,
            var: 16.0 / 12.0,
        },
        tri(0.0, 1.0, 4.0),
        pert(0.0, 1.0, 4.0),
        Expect {
            d: Distribution::Normal { mean: 5.0, sd: 2.0 },
            mean: 5.0,
            var: 4.0,
        },
        Expect {
            d: Distribution::TruncNormal {
                mean: 1.0,
                sd: 2.0,
                lo: 0.0,
                hi: 5.0,
            },
            mean: 1.0 + 2.0 * shift,
            var: tn_var,
        },
        Expect {
            d: Distribution::LogNormal {
                mu: 0.3,
                sigma: 0.5,
            },
            mean: ln_m,
            var: ln_v,
        },
        Expect {
            d: Distribution::Ci90 { lo: 2.0, hi: 8.0 },
            mean: ci_m,
            var: ci_v,
        },
        Expect {
            d: Distribution::Ci90 { lo: -2.0, hi: 4.0 },
            mean: 1.0,
            var: (6.0 / (2.0 * z95)).powi(2),
        },
        Expect {
            d: Distribution::Beta { a: 2.0, b: 5.0 },
            mean: 2.0 / 7.0,
            var: 10.0 / (49.0 * 8.0),
        },
        Expect {
            d: Distribution::Gamma {
                shape: 3.0,
                scale: 2.0,
            },
            mean: 6.0,
            var: 12.0,
        },
        Expect {
            d: Distribution::Gamma {
                shape: 0.5,
                scale: 1.0,
            },
            mean: 0.5,
            var: 0.5,
        },
        Expect {
            d: Distribution::Discrete(disc.to_vec()),
            mean: dm,
            var: dv,
        },
    ]
}

#[test]
fn moments_and_quantiles_match_analytic_values() {
    for (k, case) in cases().into_iter().enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(1000 + k as u64);
        let xs: Vec<f64> = (0..N).map(|_| case.d.sample(&mut rng)).collect();
        let n = N as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let m4 = xs.iter().map(|x| (x - mean).powi(4)).sum::<f64>() / n;
        let se_mean = (case.var / n).sqrt();
        let se_var = ((m4 - var * var) / n).sqrt();
        assert!(
            (mean - case.mean).abs() <= 4.0 * se_mean,
            "{}: mean {mean} vs {}",
            case.d,
            case.mean
        );
        assert!(
            (var - case.var).abs() <= 4.0 * se_var,
            "{}: variance {var} vs {}",
            case.d,
            case.var
        );
        if matches!(case.d, Distribution::Discrete(_)) {
            continue;
        }
        for p in [0.05, 0.5, 0.95] {
            let q = case.d.inverse_cdf(p);
            let share = xs.iter().filter(|&&x| x <= q).count() as f64 / n;
            let se = (p * (1.0 - p) / n).sqrt();
            assert!(
                (share - p).abs() <= 4.0 * se,
                "{}: P(X ≤ q{p}) = {share}",
                case.d
            );
        }
    }
}

#[test]
fn inverse_cdfs_match_reference_quantiles() {
    let cases: [(Distribution, f64, f64); 8] = [
        // χ²(6) = Gamma(3, 2): median and 95th percentile.
        (
            Distribution::Gamma {
                shape: 3.0,
                scale: 2.0,
            },
            0.5,
            5.348_120_627_447_123,
        ),
        (
            Distribution::Gamma {
                shape: 3.0,
                scale: 2.0,
            },
            0.95,
            12.591_587_243_743_977,
        ),
        // Exponential(1) = Gamma(1, 1): F⁻¹(u) = −ln(1 − u).
        (
            Distribution::Gamma {
                shape: 1.0,
                scale: 1.0,
            },
            0.3,
            -(0.7f64).ln(),
        ),
        // Beta(1, 3): F(x) = 1 − (1 − x)³.
        (
            Distribution::Beta { a: 1.0, b: 3.0 },
            0.6,
            1.0 - 0.4f64.cbrt(),
        ),
        (
            Distribution::Pert {
                min: 0.0,
                mode: 0.5,
                max: 1.0,
            },
            0.5,
            0.5,
        ),
        (
            Distribution::Normal { mean: 1.0, sd: 2.0 },
            0.975,
            1.0 + 2.0 * 1.959_963_984_540_054,
        ),
        (Distribution::Ci90 { lo: 2.0, hi: 8.0 }, 0.95, 8.0),
        (Distribution::Ci90 { lo: -2.0, hi: 4.0 }, 0.05, -2.0),
    ];
    for (d, u, want) in cases {
        let got = d.inverse_cdf(u);
        assert!(
            (got - want).abs() <= 1e-9 * want.abs().max(1.0),
            "{d} at {u}: {got} vs {want}"
        );
    }
    let tri = Distribution::Triangular {
        min: 0.0,
        mode: 1.0,
        max: 4.0,
    };
    assert_eq!(tri.inverse_cdf(0.0), 0.0);
    assert_eq!(tri.inverse_cdf(1.0), 4.0);
    assert!((tri.inverse_cdf(0.25) - 1.0).abs() < 1e-12);
    let tn = Distribution::TruncNormal {
        mean: 0.0,
        sd: 1.0,
        lo: 3.0,
        hi: f64::INFINITY,
    };
    let x = tn.inverse_cdf(0.5);
    assert!(x > 3.0 && x < 3.5, "far-tail truncation stays precise: {x}");
    assert!(
        Distribution::Uniform { lo: 0.0, hi: 1.0 }
            .inverse_cdf(1.5)
            .is_nan()
    );
}

#[test]
fn central_values_follow_model_md() {
    use Distribution::*;
    let cases = [
        (Fixed(3.5), 3.5),
        (Uniform { lo: 2.0, hi: 6.0 }, 4.0),
        (
            Triangular {
                min: 0.0,
                mode: 1.0,
                max: 10.0,
            },
            1.0,
        ),
        (
            Pert {
                min: 0.0,
                mode: 1.0,
                max: 10.0,
            },
            1.0,
        ),
        (
            Normal {
                mean: -2.0,
                sd: 3.0,
            },
            -2.0,
        ),
        (
            LogNormal {
                mu: 1.0,
                sigma: 0.7,
            },
            1.0f64.exp(),
        ),
        (Ci90 { lo: 2.0, hi: 8.0 }, 4.0),
        (Ci90 { lo: -2.0, hi: 8.0 }, 3.0),
        (Ci90 { lo: 0.0, hi: 8.0 }, 4.0),
        (Beta { a: 2.0, b: 6.0 }, 0.25),
        (
            Gamma {
                shape: 3.0,
                scale: 1.5,
            },
            4.5,
        ),
        (Discrete(vec![(1.0, 0.2), (7.0, 0.5), (9.0, 0.3)]), 7.0),
        (Discrete(vec![(1.0, 0.5), (7.0, 0.5)]), 1.0),
        // Symmetric truncation keeps the mean; one-sided moves it.
        (
            TruncNormal {
                mean: 1.0,
                sd: 2.0,
                lo: -1.0,
                hi: 3.0,
            },
            1.0,
        ),
    ];
    for (d, want) in cases {
        assert!(
            (d.central() - want).abs() < 1e-12,
            "{d}: {} vs {want}",
            d.central()
        );
    }
    // Half-normal: mean = sd·√(2/π).
    let half = TruncNormal {
        mean: 0.0,
        sd: 1.0,
        lo: 0.0,
        hi: f64::INFINITY,
    };
    assert!((half.central() - (2.0 / std::f64::consts::PI).sqrt()).abs() < 1e-12);
}

#[test]
fn supports_and_fixedness() {
    use Distribution::*;
    assert_eq!(Beta { a: 1.0, b: 2.0 }.support(), (0.0, 1.0));
    assert_eq!(
        Normal { mean: 0.0, sd: 1.0 }.support(),
        (f64::NEG_INFINITY, f64::INFINITY)
    );
    assert_eq!(
        Gamma {
            shape: 1.0,
            scale: 2.0
        }
        .support(),
        (0.0, f64::INFINITY)
    );
    assert_eq!(
        Discrete(vec![(3.0, 1.0), (-1.0, 1.0), (9.0, 0.0)]).support(),
        (-1.0, 3.0)
    );
    assert!(Fixed(1.0).is_fixed());
    assert!(Normal { mean: 2.0, sd: 0.0 }.is_fixed());
    assert!(!Uniform { lo: 0.0, hi: 1.0 }.is_fixed());
}

#[test]
fn display_is_scenario_like() {
    assert_eq!(
        Distribution::Pert {
            min: 1.0,
            mode: 2.0,
            max: 3.0
        }
        .to_string(),
        "Pert(1, 2, 3)"
    );
    assert_eq!(
        Distribution::Ci90 { lo: 0.5, hi: 2.0 }.to_string(),
        "Ci90(0.5, 2)"
    );
    assert_eq!(
        Distribution::Discrete(vec![(1.0, 0.25), (2.0, 0.75)]).to_string(),
        "Discrete([(1, 0.25), (2, 0.75)])"
    );
}

#[test]
fn invalid_parameters_say_what_is_valid() {
    use Distribution::*;
    let msg = |d: Distribution| d.validate().expect_err("invalid").to_string();
    assert_eq!(
        msg(Pert {
            min: 3.0,
            mode: 2.0,
            max: 1.0
        }),
        "Pert needs min ≤ mode ≤ max with min < max, all finite; got min = 3, mode = 2, max = 1"
    );
    assert!(
        msg(Normal {
            mean: 0.0,
            sd: -1.0
        })
        .contains("sd ≥ 0")
    );
    assert!(msg(Uniform { lo: 2.0, hi: 1.0 }).contains("lo ≤ hi"));
    assert!(
        msg(Triangular {
            min: 0.0,
            mode: 5.0,
            max: 1.0
        })
        .contains("min ≤ mode ≤ max")
    );
    assert!(
        msg(TruncNormal {
            mean: 0.0,
            sd: 1.0,
            lo: 2.0,
            hi: 1.0
        })
        .contains("lo < hi")
    );
    assert!(
        msg(TruncNormal {
            mean: 0.0,
            sd: 1.0,
            lo: 50.0,
            hi: 60.0
        })
        .contains("probability mass")
    );
    assert!(
        msg(LogNormal {
            mu: 0.0,
            sigma: f64::NAN
        })
        .contains("sigma ≥ 0")
    );
    assert!(msg(Ci90 { lo: 3.0, hi: 3.0 }).contains("lo < hi"));
    assert!(msg(Beta { a: 0.0, b: 1.0 }).contains("a > 0 and b > 0"));
    assert!(
        msg(Gamma {
            shape: 1.0,
            scale: -2.0
        })
        .contains("scale > 0")
    );
    assert!(msg(Discrete(vec![])).contains("at least one"));
    assert!(msg(Discrete(vec![(1.0, -1.0)])).contains("weights ≥ 0"));
    assert!(msg(Discrete(vec![(1.0, 0.0)])).contains("positive sum"));
    assert!(msg(Fixed(f64::INFINITY)).contains("finite"));
    assert!(
        Pert {
            min: 1.0,
            mode: 1.0,
            max: 2.0
        }
        .validate()
        .is_ok()
    );
    assert!(Normal { mean: 1.0, sd: 0.0 }.validate().is_ok());
    // An invalid distribution never panics when used directly.
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    assert!(Beta { a: -1.0, b: 1.0 }.sample(&mut rng).is_nan());
}
