//! The quantile sketch keeps its documented rank error (≤ 0.5 %) against
//! exact quantiles on skewed data (model.md §7).

use palett_montecarlo::stats::sketch::{QuantileSketch, RANK_EPSILON, SketchScratch};
use palett_montecarlo::{
    Distribution, InputSpace, Method, Missing, Model, OutputLayout, SampleRecord,
};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

use super::common::{exact_quantile, pools, rank_share, scalar, settings};

const PHIS: [f64; 9] = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99];

fn check(values: &[f64], batch: usize, what: &str) -> QuantileSketch {
    let mut s = QuantileSketch::new();
    let mut scratch = SketchScratch::default();
    for chunk in values.chunks(batch) {
        s.insert_batch(&mut chunk.to_vec(), &mut scratch);
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    for phi in PHIS {
        let v = s.quantile(phi).expect("non-empty");
        let (lo, hi) = rank_share(&sorted, v);
        let err = if phi < lo {
            lo - phi
        } else if phi > hi {
            phi - hi
        } else {
            0.0
        };
        assert!(
            err <= 0.005,
            "{what}, batch {batch}: φ = {phi} got rank [{lo}, {hi}]"
        );
    }
    s
}

fn lognormal(n: usize, seed: u64) -> Vec<f64> {
    let d = Distribution::LogNormal {
        mu: 0.0,
        sigma: 1.5,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| d.sample(&mut rng)).collect()
}

fn bimodal(n: usize, seed: u64) -> Vec<f64> {
    let a = Distribution::Normal {
        mean: -5.0,
        sd: 0.5,
    };
    let b = Distribution::Gamma {
        shape: 2.0,
        scale: 10.0,
    };
    let pick = Distribution::Uniform { lo: 0.0, hi: 1.0 };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            if pick.sample(&mut rng) < 0.3 {
                a.sample(&mut rng)
            } else {
                b.sample(&mut rng)
            }
        })
        .collect()
}

#[test]
fn rank_error_within_bound_on_skewed_data() {
    const { assert!(RANK_EPSILON < 0.005) };
    for batch in [64, 1024] {
        let s = check(&lognormal(300_000, 1), batch, "log-normal");
        assert!(
            s.heap_bytes() < 32 * 1024,
            "sketch holds {} bytes",
            s.heap_bytes()
        );
        check(&bimodal(300_000, 2), batch, "bimodal mixture");
    }
    // Many ties: a discrete output.
    let ties: Vec<f64> = (0..100_000u64)
        .map(|i| ((i * 2_654_435_761) % 7) as f64)
        .collect();
    check(&ties, 256, "ties");
}

#[test]
fn exact_below_capacity() {
    let xs = lognormal(180, 3);
    let mut s = QuantileSketch::new();
    let mut scratch = SketchScratch::default();
    for chunk in xs.chunks(50) {
        s.insert_batch(&mut chunk.to_vec(), &mut scratch);
    }
    let mut sorted = xs.clone();
    sorted.sort_by(f64::total_cmp);
    for phi in PHIS {
        assert_eq!(s.quantile(phi), Some(exact_quantile(&sorted, phi)));
    }
}

struct Identity;
impl Model for Identity {
    type Scratch = ();
    fn new_scratch(&self) {}
    fn evaluate(&self, x: &[f64], _: &mut (), out: &mut SampleRecord) {
        out.set_scalar(0, Some(x[0]));
    }
}

#[test]
fn engine_percentiles_within_bound() {
    let space = InputSpace::new(
        vec![(
            "x".into(),
            Distribution::LogNormal {
                mu: 1.0,
                sigma: 1.2,
            },
        )],
        &[],
    )
    .expect("valid");
    let layout = OutputLayout {
        scalars: vec![scalar("x", Missing::Skip)],
        ..Default::default()
    };
    let n = 150_000u64;
    let summary = pools()[1]
        .install(|| {
            palett_montecarlo::run(
                &Identity,
                &space,
                &layout,
                &settings(9, n, Method::MonteCarlo),
                &|_| {},
            )
        })
        .expect("runs");
    let mut xs = vec![0.0; n as usize];
    space.draw_samples(9, Method::MonteCarlo, n, 0, &mut xs);
    xs.sort_by(f64::total_cmp);
    let s = &summary.scalars[0];
    for (phi, v) in [
        (0.05, s.p5),
        (0.25, s.p25),
        (0.5, s.p50),
        (0.75, s.p75),
        (0.95, s.p95),
    ] {
        let (lo, hi) = rank_share(&xs, v.expect("defined"));
        assert!(
            phi >= lo - 0.005 && phi <= hi + 0.005,
            "φ = {phi}: rank [{lo}, {hi}]"
        );
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    assert!((s.mean.expect("mean") - mean).abs() < 1e-9 * mean);
}
