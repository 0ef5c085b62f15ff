//! Cost per output cell per sample at the runner's scale (thousands of
//! by-year cells): `cargo run --release -p palett-montecarlo --example many_cells [-- CELLS SAMPLES]`.

use std::time::Instant;

use palett_montecarlo::{
    Distribution, InputSpace, Method, OutputLayout, RunSettings, SampleRecord, SeriesSpec, run,
};

struct Wide;

impl palett_montecarlo::Model for Wide {
    type Scratch = ();
    fn new_scratch(&self) {}
    fn evaluate(&self, x: &[f64], _: &mut (), out: &mut SampleRecord) {
        let mut v = x[0];
        for c in out.series_mut(0) {
            v = v * 1.0001 + x[1];
            *c = v;
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let cells = args.first().copied().unwrap_or(7_000);
    let samples = args.get(1).copied().unwrap_or(20_000) as u64;
    let inputs = InputSpace::new(
        vec![
            ("a".into(), Distribution::Normal { mean: 1.0, sd: 0.2 }),
            ("b".into(), Distribution::Uniform { lo: -1.0, hi: 1.0 }),
        ],
        &[],
    )?;
    let layout = OutputLayout {
        series: vec![SeriesSpec {
            name: "s".into(),
            len: cells,
        }],
        ..Default::default()
    };
    let t = Instant::now();
    let s = run(
        &Wide,
        &inputs,
        &layout,
        &RunSettings {
            seed: 1,
            samples,
            method: Method::MonteCarlo,
            stop: None,
        },
        &|_| {},
    )?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{cells} cells × {samples} samples: {secs:.2} s wall, {:.1} ns per cell-sample (wall, all threads); band[0] = {:?}",
        secs * 1e9 / (cells as f64 * samples as f64),
        s.series[0][0]
    );
    Ok(())
}
