//! Engine throughput (model.md §7): samples per second for a model of 40
//! uncertain inputs and a trivial model function, next to the cost of only
//! drawing those 40 variates.
//!
//! A second group, `summarise_8000_cells`, measures the cost of summarising
//! per output cell per sample at the product's scale (≈ 8 000 cells: 200
//! scalars and 6 × 1 300 series cells) with a model that only writes its
//! outputs; criterion's throughput is in cell-samples, so
//! ns per cell-sample = 1 / throughput. `model_only` is the same model
//! without the engine, to subtract.
//!
//! `cargo bench -p palett-benches --bench montecarlo`. The engine runs on the
//! global rayon pool; for the overhead ratio against single-threaded draws,
//! and for the per-core summarising cost, run with `RAYON_NUM_THREADS=1`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use palett_montecarlo::{
    Distribution, InputSpace, Method, Missing, Model, OutputLayout, RunSettings, SampleRecord,
    ScalarSpec, SeriesSpec, run,
};
use rand::SeedableRng;
use rand::distr::Distribution as _;
use rand::rngs::ChaCha8Rng;

const SAMPLES: u64 = 100_000;

/// 40 inputs with the mix of families a scenario uses.
fn distributions() -> Vec<Distribution> {
    (0..40)
        .map(|i| {
            let f = 1.0 + i as f64 * 0.1;
            match i % 8 {
                0 => Distribution::Uniform { lo: 0.0, hi: f },
                1 => Distribution::Triangular {
                    min: 0.0,
                    mode: f,
                    max: 2.0 * f,
                },
                2 => Distribution::Pert {
                    min: 0.0,
                    mode: f,
                    max: 3.0 * f,
                },
                3 => Distribution::Normal {
                    mean: f,
                    sd: 0.2 * f,
                },
                4 => Distribution::LogNormal {
                    mu: 0.1 * f,
                    sigma: 0.4,
                },
                5 => Distribution::Ci90 { lo: f, hi: 3.0 * f },
                6 => Distribution::Beta { a: 2.0, b: 3.0 },
                _ => Distribution::Gamma {
                    shape: 2.0,
                    scale: f,
                },
            }
        })
        .collect()
}

/// The same 40 distributions built directly with rand_distr: bare draws.
enum Bare {
    U(rand_distr::Uniform<f64>),
    T(rand_distr::Triangular<f64>),
    P(rand_distr::Pert<f64>),
    N(rand_distr::Normal<f64>),
    L(rand_distr::LogNormal<f64>),
    B(rand_distr::Beta<f64>),
    G(rand_distr::Gamma<f64>),
}

fn bare(d: &Distribution) -> Bare {
    const Z95: f64 = 1.644_853_626_951_472_2;
    match *d {
        Distribution::Uniform { lo, hi } => {
            Bare::U(rand_distr::Uniform::new(lo, hi).expect("uniform"))
        }
        Distribution::Triangular { min, mode, max } => {
            Bare::T(rand_distr::Triangular::new(min, max, mode).expect("triangular"))
        }
        Distribution::Pert { min, mode, max } => Bare::P(
            rand_distr::Pert::new(min, max)
                .with_mode(mode)
                .expect("pert"),
        ),
        Distribution::Normal { mean, sd } => {
            Bare::N(rand_distr::Normal::new(mean, sd).expect("normal"))
        }
        Distribution::LogNormal { mu, sigma } => {
            Bare::L(rand_distr::LogNormal::new(mu, sigma).expect("lognormal"))
        }
        Distribution::Ci90 { lo, hi } => {
            let mu = 0.5 * (lo.ln() + hi.ln());
            Bare::L(
                rand_distr::LogNormal::new(mu, (hi.ln() - lo.ln()) / (2.0 * Z95)).expect("ci90"),
            )
        }
        Distribution::Beta { a, b } => Bare::B(rand_distr::Beta::new(a, b).expect("beta")),
        Distribution::Gamma { shape, scale } => {
            Bare::G(rand_distr::Gamma::new(shape, scale).expect("gamma"))
        }
        _ => unreachable!("not used in this benchmark"),
    }
}

impl Bare {
    #[inline]
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match self {
            Bare::U(d) => d.sample(rng),
            Bare::T(d) => d.sample(rng),
            Bare::P(d) => d.sample(rng),
            Bare::N(d) => d.sample(rng),
            Bare::L(d) => d.sample(rng),
            Bare::B(d) => d.sample(rng),
            Bare::G(d) => d.sample(rng),
        }
    }
}

struct SumModel;

impl Model for SumModel {
    type Scratch = ();
    fn new_scratch(&self) {}
    fn evaluate(&self, x: &[f64], _: &mut (), out: &mut SampleRecord) {
        out.set_scalar(0, Some(x.iter().sum()));
    }
}

fn bench(c: &mut Criterion) {
    let dists = distributions();
    let inputs = InputSpace::new(
        dists
            .iter()
            .enumerate()
            .map(|(i, d)| (format!("x{i}"), d.clone()))
            .collect(),
        &[],
    )
    .expect("valid inputs");
    let layout = OutputLayout {
        scalars: vec![ScalarSpec::new("sum", Missing::Skip)],
        ..Default::default()
    };
    let bares: Vec<Bare> = dists.iter().map(bare).collect();

    let mut g = c.benchmark_group("montecarlo_40_inputs");
    g.throughput(Throughput::Elements(SAMPLES));
    g.sample_size(10);

    g.bench_function("bare_draws_one_stream", |b| {
        b.iter(|| {
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            let mut acc = 0.0;
            for _ in 0..SAMPLES {
                for d in &bares {
                    acc += d.sample(&mut rng);
                }
            }
            black_box(acc)
        })
    });

    g.bench_function("draws_per_sample_streams", |b| {
        const CHUNK: u64 = 1024;
        let mut rows = vec![0.0; CHUNK as usize * inputs.len()];
        b.iter(|| {
            let mut acc = 0.0;
            for first in (0..SAMPLES).step_by(CHUNK as usize) {
                let n = CHUNK.min(SAMPLES - first) as usize;
                inputs.draw_samples(
                    1,
                    Method::MonteCarlo,
                    SAMPLES,
                    first,
                    &mut rows[..n * inputs.len()],
                );
                acc += rows[0];
            }
            black_box(acc)
        })
    });

    for method in [Method::MonteCarlo, Method::LatinHypercube] {
        g.bench_function(format!("engine_{method:?}"), |b| {
            let settings = RunSettings {
                seed: 1,
                samples: SAMPLES,
                method,
                stop: None,
            };
            b.iter(|| {
                black_box(run(&SumModel, &inputs, &layout, &settings, &|_| {}).expect("runs"))
            })
        });
    }
    g.finish();
}

/// Writes ~8 000 outputs per sample at almost no cost of its own: every
/// cell a different linear mix of the inputs (so every cell's sketch sees
/// its own smooth distribution), some scalars undefined, and — as in the
/// product, where e.g. an actor's cost before an intervention starts is
/// structurally 0 — about a quarter of the cells constant (each series'
/// first quarter of years stays 0 in every sample).
struct Wide;

const WIDE_SCALARS: usize = 200;
const WIDE_SERIES: usize = 6;
const WIDE_YEARS: usize = 1_300;
const WIDE_SAMPLES: u64 = 8_192;

impl Model for Wide {
    type Scratch = ();
    fn new_scratch(&self) {}
    fn evaluate(&self, x: &[f64], _: &mut (), out: &mut SampleRecord) {
        for i in 0..WIDE_SCALARS {
            let v = x[0] * (1.0 + i as f64 * 0.01) - x[1];
            out.set_scalar(i, (x[2] > 0.05 * (i % 4) as f64).then_some(v));
        }
        for s in 0..WIDE_SERIES {
            let (a, b) = (x[s % 3], x[(s + 1) % 3]);
            let mut v = 0.0;
            let mut w = 0.5;
            for c in &mut out.series_mut(s)[WIDE_YEARS / 4..] {
                v += a - w * b;
                w += 0.001;
                *c = v;
            }
        }
    }
}

fn bench_wide(c: &mut Criterion) {
    let inputs = InputSpace::new(
        vec![
            ("a".into(), Distribution::Normal { mean: 1.0, sd: 0.3 }),
            (
                "b".into(),
                Distribution::LogNormal {
                    mu: 0.0,
                    sigma: 0.5,
                },
            ),
            ("c".into(), Distribution::Beta { a: 2.0, b: 5.0 }),
        ],
        &[],
    )
    .expect("valid inputs");
    let layout = OutputLayout {
        scalars: (0..WIDE_SCALARS)
            .map(|i| ScalarSpec::new(format!("s{i}"), Missing::Skip))
            .collect(),
        series: (0..WIDE_SERIES)
            .map(|i| SeriesSpec {
                name: format!("y{i}"),
                len: WIDE_YEARS,
            })
            .collect(),
        ..Default::default()
    };
    let cells = layout.cells() as u64;
    let mut g = c.benchmark_group("summarise_8000_cells");
    g.throughput(Throughput::Elements(cells * WIDE_SAMPLES));
    g.sample_size(10);
    g.bench_function("model_only", |b| {
        let mut record = SampleRecord::new(&layout);
        let mut xs = vec![0.0; inputs.len() * WIDE_SAMPLES as usize];
        inputs.draw_samples(1, Method::MonteCarlo, WIDE_SAMPLES, 0, &mut xs);
        b.iter(|| {
            let mut acc = 0.0;
            for x in xs.chunks_exact(inputs.len()) {
                record.clear();
                Wide.evaluate(x, &mut (), &mut record);
                acc += record.series(WIDE_SERIES - 1)[WIDE_YEARS - 1];
            }
            black_box(acc)
        })
    });
    g.bench_function("engine", |b| {
        let settings = RunSettings {
            seed: 1,
            samples: WIDE_SAMPLES,
            method: Method::MonteCarlo,
            stop: None,
        };
        b.iter(|| black_box(run(&Wide, &inputs, &layout, &settings, &|_| {}).expect("runs")))
    });
    g.finish();
}

criterion_group!(benches, bench, bench_wide);
criterion_main!(benches);
