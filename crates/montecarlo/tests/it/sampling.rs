//! Sampling plans: Latin hypercube stratification, copula rank correlations,
//! and InputSpace validation (model.md §7).

use palett_montecarlo::{Distribution, InputSpace, McError, Method};

fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut r = vec![0.0; xs.len()];
    for (rank, &i) in idx.iter().enumerate() {
        r[i] = rank as f64;
    }
    r
}

fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = x.len() as f64;
    let m = (n - 1.0) / 2.0;
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - m) * (b - m)).sum();
    let var: f64 = rx.iter().map(|a| (a - m) * (a - m)).sum();
    cov / var
}

fn column(rows: &[f64], width: usize, j: usize) -> Vec<f64> {
    rows.chunks_exact(width).map(|r| r[j]).collect()
}

#[test]
fn latin_hypercube_marginals_are_exactly_stratified() {
    let dists = vec![
        ("u".to_string(), Distribution::Uniform { lo: 0.0, hi: 1.0 }),
        ("n".to_string(), Distribution::Normal { mean: 3.0, sd: 2.0 }),
        ("k".to_string(), Distribution::Fixed(1.0)),
        (
            "g".to_string(),
            Distribution::Gamma {
                shape: 0.7,
                scale: 2.0,
            },
        ),
        (
            "t".to_string(),
            Distribution::Triangular {
                min: 0.0,
                mode: 3.0,
                max: 4.0,
            },
        ),
    ];
    let space = InputSpace::new(dists.clone(), &[]).expect("valid");
    for n in [1usize, 7, 100, 777, 4096] {
        let mut rows = vec![0.0; n * space.len()];
        space.draw_samples(42, Method::LatinHypercube, n as u64, 0, &mut rows);
        for (j, (_, d)) in dists.iter().enumerate() {
            let mut xs = column(&rows, space.len(), j);
            if d.is_fixed() {
                assert!(xs.iter().all(|&x| x == 1.0));
                continue;
            }
            xs.sort_by(f64::total_cmp);
            // The k-th smallest value must lie in the k-th stratum.
            for (k, &x) in xs.iter().enumerate() {
                let lo = d.inverse_cdf(k as f64 / n as f64);
                let hi = d.inverse_cdf((k + 1) as f64 / n as f64);
                let slack = 1e-9 * (1.0 + x.abs());
                assert!(
                    x >= lo - slack && x <= hi + slack,
                    "{d}, n = {n}: stratum {k} holds {x} ∉ [{lo}, {hi}]"
                );
            }
        }
    }
}

#[test]
fn copula_hits_requested_rank_correlations() {
    let space = InputSpace::new(
        vec![
            ("a".into(), Distribution::Normal { mean: 0.0, sd: 1.0 }),
            (
                "b".into(),
                Distribution::Gamma {
                    shape: 2.0,
                    scale: 1.0,
                },
            ),
            ("c".into(), Distribution::Uniform { lo: 0.0, hi: 10.0 }),
            ("free".into(), Distribution::Beta { a: 2.0, b: 2.0 }),
            (
                "d".into(),
                Distribution::Pert {
                    min: 0.0,
                    mode: 1.0,
                    max: 5.0,
                },
            ),
        ],
        &[
            ("a".into(), "b".into(), 0.7),
            ("c".into(), "a".into(), -0.4),
            ("b".into(), "c".into(), 0.1),
            ("d".into(), "free".into(), 0.5),
        ],
    )
    .expect("consistent correlations");
    let n = 100_000;
    for method in [Method::MonteCarlo, Method::LatinHypercube] {
        let mut rows = vec![0.0; n * space.len()];
        space.draw_samples(7, method, n as u64, 0, &mut rows);
        let col = |j| column(&rows, space.len(), j);
        let checks = [
            (0, 1, 0.7),
            (2, 0, -0.4),
            (1, 2, 0.1),
            (4, 3, 0.5),
            (0, 3, 0.0),
            (2, 4, 0.0),
        ];
        for (i, j, want) in checks {
            let got = spearman(&col(i), &col(j));
            assert!(
                (got - want).abs() <= 0.02,
                "{method:?}: ρ_s({i}, {j}) = {got}, want {want}"
            );
        }
    }
}

#[test]
fn correlation_errors_name_the_inputs() {
    let d = || Distribution::Normal { mean: 0.0, sd: 1.0 };
    let inputs = || {
        vec![
            ("a".to_string(), d()),
            ("b".to_string(), d()),
            ("c".to_string(), d()),
            ("f".to_string(), Distribution::Fixed(2.0)),
        ]
    };
    let corr = |v: &[(&str, &str, f64)]| {
        v.iter()
            .map(|(a, b, r)| (a.to_string(), b.to_string(), *r))
            .collect::<Vec<_>>()
    };

    let e = InputSpace::new(
        inputs(),
        &corr(&[("a", "b", 0.9), ("b", "c", 0.9), ("a", "c", -0.9)]),
    )
    .unwrap_err();
    assert_eq!(
        e,
        McError::NotPositiveDefinite {
            inputs: vec!["a".into(), "b".into(), "c".into()]
        }
    );
    assert!(e.to_string().contains("`a`, `b`, `c`"), "{e}");

    let e = InputSpace::new(inputs(), &corr(&[("a", "zz", 0.5)])).unwrap_err();
    assert!(
        matches!(e, McError::UnknownInput { ref name, .. } if name == "zz"),
        "{e}"
    );
    let e = InputSpace::new(inputs(), &corr(&[("a", "b", 1.5)])).unwrap_err();
    assert!(matches!(e, McError::CorrelationOutOfRange { .. }), "{e}");
    let e = InputSpace::new(inputs(), &corr(&[("a", "b", 0.5), ("b", "a", 0.2)])).unwrap_err();
    assert!(matches!(e, McError::DuplicateCorrelation { .. }), "{e}");
    let e = InputSpace::new(inputs(), &corr(&[("a", "f", 0.5)])).unwrap_err();
    assert_eq!(e, McError::CorrelatedFixed("f".into()));
    let e = InputSpace::new(inputs(), &corr(&[("a", "a", 0.5)])).unwrap_err();
    assert_eq!(e, McError::SelfCorrelation("a".into()));
    let e = InputSpace::new(inputs(), &corr(&[("a", "b", 1.0)])).unwrap_err();
    assert!(matches!(e, McError::NotPositiveDefinite { .. }), "{e}");
    let e = InputSpace::new(vec![("a".into(), d()), ("a".into(), d())], &[]).unwrap_err();
    assert_eq!(e, McError::DuplicateInput("a".into()));
    let e = InputSpace::new(
        vec![("x".into(), Distribution::Beta { a: -1.0, b: 1.0 })],
        &[],
    )
    .unwrap_err();
    assert!(e.to_string().starts_with("input `x`: Beta needs"), "{e}");

    let ok = InputSpace::new(inputs(), &corr(&[("a", "b", 0.5)])).expect("valid");
    assert_eq!(ok.len(), 4);
    assert_eq!(ok.names()[3], "f");
    assert_eq!(ok.central_values(), vec![0.0, 0.0, 0.0, 2.0]);
}
