//! Cost of the Beta-family inverse CDFs (issue 6): ns per F⁻¹(u) for Pert,
//! Beta and Gamma through `Distribution::inverse_cdf`, and ns per draw of
//! Latin hypercube sampling over 30 Pert inputs (the product's main
//! scenario's shape), which goes through the prepared inverse.
//!
//! `cargo run --release -p palett-montecarlo --example inverse_cdf`

use std::hint::black_box;
use std::time::Instant;

use palett_montecarlo::{Distribution, InputSpace, Method};

fn per_call(d: &Distribution, n: usize) -> f64 {
    let t = Instant::now();
    let mut acc = 0.0;
    for i in 0..n {
        let u = (i as f64 + 0.5) / n as f64;
        acc += d.inverse_cdf(black_box(u));
    }
    black_box(acc);
    t.elapsed().as_nanos() as f64 / n as f64
}

fn main() {
    let cases = [
        Distribution::Pert {
            min: 0.0,
            mode: 1.0,
            max: 3.0,
        },
        Distribution::Pert {
            min: 10.0,
            mode: 11.0,
            max: 40.0,
        },
        Distribution::Beta { a: 2.0, b: 3.0 },
        Distribution::Beta { a: 0.5, b: 0.7 },
        Distribution::Gamma {
            shape: 2.0,
            scale: 1.5,
        },
        Distribution::Gamma {
            shape: 0.6,
            scale: 1.0,
        },
    ];
    for d in &cases {
        println!(
            "{d:<24} Distribution::inverse_cdf {:7.1} ns/call",
            per_call(d, 200_000)
        );
    }
    let inputs: Vec<(String, Distribution)> = (0..30)
        .map(|i| {
            let f = 1.0 + i as f64 * 0.1;
            (
                format!("x{i}"),
                Distribution::Pert {
                    min: 0.0,
                    mode: f * (0.2 + 0.05 * (i % 10) as f64),
                    max: 3.0 * f,
                },
            )
        })
        .collect();
    let t = Instant::now();
    let space = InputSpace::new(inputs, &[]).expect("valid");
    println!(
        "InputSpace::new (30 Pert)          {:7.1} µs",
        t.elapsed().as_nanos() as f64 / 1e3
    );
    const N: u64 = 100_000;
    const CHUNK: u64 = 1024;
    let mut rows = vec![0.0; CHUNK as usize * space.len()];
    for method in [Method::MonteCarlo, Method::LatinHypercube] {
        let mut best = f64::INFINITY;
        for _ in 0..3 {
            let t = Instant::now();
            let mut acc = 0.0;
            for first in (0..N).step_by(CHUNK as usize) {
                let n = CHUNK.min(N - first) as usize;
                space.draw_samples(1, method, N, first, &mut rows[..n * space.len()]);
                acc += rows[0];
            }
            black_box(acc);
            best = best.min(t.elapsed().as_nanos() as f64 / (N as f64 * 30.0));
        }
        println!("draw_samples {method:?} 30 Pert        {best:7.1} ns/draw");
    }
}
