//! What one quantile-sketch insertion costs, by the batch's place in its
//! segment (docs/performance.md, "The sketches on real data"): fills the
//! sketches of 512 cells in 1 024-value batches, one segment of BLOCKS
//! batches after another, and prints the nanoseconds per value of each
//! batch position, the values' generation not counted.
//!
//! cargo run --release -p palett-montecarlo --example sketch_speed [-- BLOCKS DATA]
//!
//! BLOCKS is the number of batches per segment (4 in a run of up to
//! 262 144 samples). DATA is `spread` (default: e^U with U uniform on
//! [0, 1), scaled and shifted so that some cells change sign: skewed but
//! bounded, where the sketch's gap table finds most gaps) or `lognormal`
//! (σ = 1.5, positive: most stored values crowd the lowest buckets of a
//! table even in value, so the table is built over order keys).

use std::time::Instant;

use palett_montecarlo::Distribution;
use palett_montecarlo::stats::sketch::{QuantileSketch, SketchScratch};
use rand::SeedableRng;

const CELLS: usize = 512;
const BATCH: usize = 1024;
/// Batches timed per position, whatever BLOCKS is (as many segments as that takes).
const BATCHES_PER_POSITION: usize = 40;

fn main() {
    let mut args = std::env::args().skip(1);
    let blocks: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(4).max(1);
    let data_kind = args.next().unwrap_or_else(|| "spread".into());
    let d = match data_kind.as_str() {
        "lognormal" => Distribution::LogNormal {
            mu: 0.0,
            sigma: 1.5,
        },
        "spread" => Distribution::Uniform { lo: 0.0, hi: 1.0 },
        other => {
            eprintln!("unknown DATA {other:?}: use spread or lognormal");
            std::process::exit(2);
        }
    };
    let spread = data_kind == "spread";
    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(7);
    let mut scratch = SketchScratch::default();
    let mut data = vec![0.0; CELLS * BATCH];
    let mut batch = vec![0.0; BATCH];
    let mut seconds = vec![0.0f64; blocks];
    let mut check = 0.0;
    for _ in 0..BATCHES_PER_POSITION {
        let mut sketches = vec![QuantileSketch::new(); CELLS];
        for spent in seconds.iter_mut() {
            // Each cell its own scale (and, for spread data, an offset),
            // so that cells differ as a run's outputs do.
            for (c, cell) in data.chunks_mut(BATCH).enumerate() {
                let scale = (c + 1) as f64 * 1e6;
                let shift = if spread { 2e6 } else { 0.0 };
                cell.iter_mut().for_each(|v| {
                    let x = d.sample(&mut rng);
                    *v = scale * if spread { x.exp() } else { x } - shift;
                });
            }
            let start = Instant::now();
            for (sketch, cell) in sketches.iter_mut().zip(data.chunks(BATCH)) {
                batch.copy_from_slice(cell);
                sketch.insert_batch(&mut batch, &mut scratch);
            }
            *spent += start.elapsed().as_secs_f64();
        }
        check += sketches[7].quantile(0.5).unwrap_or(0.0);
    }
    let per_value = |s: f64| s / (BATCHES_PER_POSITION * CELLS * BATCH) as f64 * 1e9;
    println!("{blocks} batches of {BATCH} per segment, {data_kind} data, {CELLS} cells:");
    for (b, &s) in seconds.iter().enumerate() {
        println!("  batch {:>2}: {:.2} ns per value", b + 1, per_value(s));
    }
    let mean = seconds.iter().sum::<f64>() / blocks as f64;
    println!(
        "  mean:     {:.2} ns per value (median check {check:.3e})",
        per_value(mean)
    );
}
