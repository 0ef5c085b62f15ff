//! Shared helpers for the integration tests.

use std::sync::OnceLock;

use palett_montecarlo::{
    Contest, Distribution, InputSpace, Missing, Model, OutputLayout, RunSettings, RunSummary,
    SampleRecord, ScalarSpec, SeriesSpec,
};

/// Thread pools of 1, 2 and 8 threads, built once.
pub fn pools() -> &'static [rayon::ThreadPool; 3] {
    static POOLS: OnceLock<[rayon::ThreadPool; 3]> = OnceLock::new();
    POOLS.get_or_init(|| {
        [1, 2, 8].map(|t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .expect("thread pool")
        })
    })
}

/// Bit-exact comparison that treats NaN like any other value.
pub fn fingerprint(s: &RunSummary) -> String {
    format!("{s:?}")
}

pub fn scalar(name: &str, missing: Missing) -> ScalarSpec {
    ScalarSpec::new(name, missing)
}

/// Five inputs: two correlated, one skewed, one probability-like, one fixed.
pub fn toy_inputs() -> InputSpace {
    InputSpace::new(
        vec![
            (
                "a".into(),
                Distribution::Normal {
                    mean: 10.0,
                    sd: 2.0,
                },
            ),
            (
                "b".into(),
                Distribution::Pert {
                    min: 0.5,
                    mode: 1.0,
                    max: 3.0,
                },
            ),
            (
                "c".into(),
                Distribution::Gamma {
                    shape: 2.0,
                    scale: 3.0,
                },
            ),
            ("p".into(), Distribution::Beta { a: 2.0, b: 3.0 }),
            ("k".into(), Distribution::Fixed(4.0)),
            (
                "d".into(),
                Distribution::Discrete(vec![(1.0, 1.0), (2.0, 3.0)]),
            ),
        ],
        &[
            ("a".into(), "b".into(), 0.6),
            ("b".into(), "c".into(), -0.3),
        ],
    )
    .expect("valid toy inputs")
}

/// Outputs: a value, a sometimes-undefined ratio (Skip), a
/// sometimes-missing year (BeyondRange), a rival, a series, and a contest.
pub fn toy_layout() -> OutputLayout {
    OutputLayout {
        scalars: vec![
            scalar("value", Missing::Skip),
            scalar("ratio", Missing::Skip),
            scalar("year", Missing::BeyondRange),
            scalar("rival", Missing::Skip),
        ],
        series: vec![SeriesSpec {
            name: "path".into(),
            len: 7,
        }],
        contests: vec![Contest {
            name: "best".into(),
            members: vec![0, 3],
        }],
    }
}

pub struct Toy;

impl Model for Toy {
    type Scratch = Vec<f64>;
    fn new_scratch(&self) -> Vec<f64> {
        Vec::with_capacity(8)
    }
    fn evaluate(&self, x: &[f64], scratch: &mut Vec<f64>, out: &mut SampleRecord) {
        scratch.clear();
        let v = x[0] * x[1] - x[2] + x[4] * x[5];
        out.set_scalar(0, Some(v));
        out.set_scalar(1, (x[3] > 0.3).then(|| x[2] / x[3]));
        out.set_scalar(2, (x[3] < 0.5).then(|| (x[3] * 20.0).floor()));
        out.set_scalar(3, Some(x[0] + x[2] - 8.0));
        for (t, c) in out.series_mut(0).iter_mut().enumerate() {
            *c = v * t as f64 + x[2];
        }
    }
}

pub fn settings(seed: u64, samples: u64, method: palett_montecarlo::Method) -> RunSettings {
    RunSettings {
        seed,
        samples,
        method,
        stop: None,
    }
}

/// Exact φ-quantile by the same definition as the engine: rank ⌈φn⌉.
pub fn exact_quantile(sorted: &[f64], phi: f64) -> f64 {
    let r = ((phi * sorted.len() as f64).ceil() as usize).max(1);
    sorted[r - 1]
}

/// Rank of `v` in `sorted` as a share of n: the mid-point of the ranks
/// equal values occupy (so ties do not count as error).
pub fn rank_share(sorted: &[f64], v: f64) -> (f64, f64) {
    let lo = sorted.partition_point(|&x| x < v) as f64;
    let hi = sorted.partition_point(|&x| x <= v) as f64;
    let n = sorted.len() as f64;
    (lo / n, hi / n)
}

/// Cells that start out equal and part at different times: never
/// (`twin`), when p first exceeds `early` or `late` (p ~ Beta(2, 3): above
/// 0.9 in 1 sample of 270, above 0.95 in 1 of 2 100), by a signed zero, or
/// by an undefined value. `only` keeps one of them as the sole output.
pub struct Shadows {
    pub only: Option<usize>,
    pub early: f64,
    pub late: f64,
}

impl Shadows {
    /// Every cell, parting early (p > 0.9) and late (p > 0.95).
    pub fn all() -> Self {
        Shadows {
            only: None,
            early: 0.9,
            late: 0.95,
        }
    }

    pub const NAMES: [&'static str; 7] = [
        "v",
        "twin",
        "early",
        "late",
        "zero",
        "signed zero",
        "undefined",
    ];

    pub fn layout(&self) -> OutputLayout {
        let names: Vec<&str> = match self.only {
            Some(k) => vec![Self::NAMES[k]],
            None => Self::NAMES.to_vec(),
        };
        OutputLayout {
            scalars: names.iter().map(|n| scalar(n, Missing::Skip)).collect(),
            series: vec![],
            contests: vec![],
        }
    }
}

impl Model for Shadows {
    type Scratch = ();
    fn new_scratch(&self) {}
    fn evaluate(&self, x: &[f64], _: &mut (), out: &mut SampleRecord) {
        let (v, p) = (x[0] * x[1] - x[2], x[3]);
        let all = [
            Some(v),
            Some(v),
            Some(if p > self.early { v + 1.0 } else { v }),
            Some(if p > self.late { v * 2.0 } else { v }),
            Some(0.0),
            Some(if p < 0.5 { -0.0 } else { 0.0 }),
            (p <= 0.97).then_some(0.0),
        ];
        match self.only {
            Some(k) => out.set_scalar(0, all[k]),
            None => {
                for (k, value) in all.into_iter().enumerate() {
                    out.set_scalar(k, value);
                }
            }
        }
    }
}
