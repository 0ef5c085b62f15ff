//! Print how many tuples the quantile sketch keeps as n grows.
use palett_montecarlo::Distribution;
use palett_montecarlo::stats::sketch::QuantileSketch;
use rand::SeedableRng;
fn main() {
    let d = Distribution::LogNormal {
        mu: 0.0,
        sigma: 1.5,
    };
    let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(1);
    for batch in [256usize, 1024] {
        let mut s = QuantileSketch::new();
        let mut scratch = palett_montecarlo::stats::sketch::SketchScratch::default();
        let mut buf = Vec::new();
        let mut n = 0u64;
        for target in [1_000u64, 10_000, 100_000, 1_000_000, 10_000_000] {
            while n < target {
                buf.clear();
                buf.extend((0..batch).map(|_| d.sample(&mut rng)));
                s.insert_batch(&mut buf, &mut scratch);
                n += batch as u64;
            }
            println!(
                "batch {batch} n {n}: {} tuples, {} heap bytes",
                s.stored(),
                s.heap_bytes()
            );
        }
    }
}
