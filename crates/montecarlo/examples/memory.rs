//! Shows that memory does not grow with the sample count (model.md §7):
//! runs a small model at 10⁵ and then 10⁷ samples and prints the process's
//! peak resident memory (VmHWM) after each. Linux only (reads /proc).
//!
//! cargo run --release -p palett-montecarlo --example memory [-- SMALL LARGE]

use std::time::Instant;

use palett_montecarlo::{
    Contest, Distribution, InputSpace, Method, Missing, Model, OutputLayout, RunSettings,
    SampleRecord, ScalarSpec, SeriesSpec, run,
};

struct Small;

impl Model for Small {
    type Scratch = ();
    fn new_scratch(&self) {}
    fn evaluate(&self, x: &[f64], _: &mut (), out: &mut SampleRecord) {
        let a = x[0] * x[1] - x[2];
        let b = x[0] * x[3] - x[2] * 0.5;
        out.set_scalar(0, Some(a));
        out.set_scalar(1, Some(b));
        out.set_scalar(2, (x[4] > 0.2).then(|| a / x[4]));
        for (t, c) in out.series_mut(0).iter_mut().enumerate() {
            *c = a * (t + 1) as f64;
        }
    }
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let small = args.first().copied().unwrap_or(100_000);
    let large = args.get(1).copied().unwrap_or(10_000_000);
    let inputs = InputSpace::new(
        vec![
            (
                "price".into(),
                Distribution::Pert {
                    min: 1.0,
                    mode: 2.0,
                    max: 4.0,
                },
            ),
            (
                "volume".into(),
                Distribution::LogNormal {
                    mu: 0.0,
                    sigma: 0.5,
                },
            ),
            (
                "cost".into(),
                Distribution::Gamma {
                    shape: 2.0,
                    scale: 0.5,
                },
            ),
            ("alt".into(), Distribution::Normal { mean: 1.0, sd: 0.3 }),
            ("share".into(), Distribution::Beta { a: 2.0, b: 5.0 }),
        ],
        &[("price".into(), "volume".into(), -0.5)],
    )?;
    let scalar = |n: &str, missing| ScalarSpec::new(n, missing);
    let layout = OutputLayout {
        scalars: vec![
            scalar("a", Missing::Skip),
            scalar("b", Missing::Skip),
            scalar("ratio", Missing::Skip),
        ],
        series: vec![SeriesSpec {
            name: "path".into(),
            len: 10,
        }],
        contests: vec![Contest {
            name: "best".into(),
            members: vec![0, 1],
        }],
    };
    for samples in [small, large] {
        let settings = RunSettings {
            seed: 1,
            samples,
            method: Method::MonteCarlo,
            stop: None,
        };
        let t = Instant::now();
        let s = run(&Small, &inputs, &layout, &settings, &|_| {})?;
        println!(
            "{samples:>10} samples: {:>6.2} s, mean a = {:.4}, p95 a = {:.4}, peak RSS (VmHWM) = {} KiB",
            t.elapsed().as_secs_f64(),
            s.scalars[0].mean.unwrap_or(f64::NAN),
            s.scalars[0].p95.unwrap_or(f64::NAN),
            peak_kib()
        );
    }
    Ok(())
}
