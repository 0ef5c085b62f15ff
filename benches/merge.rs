//! Merging a sharded run (docs/distributed.md): 100 parts of
//! scenarios/sodertalje.ron, each one 4 096-sample segment with the
//! analysis, decoded from their bytes and folded into the run's results.
//!
//! The parts are the 100 distinct segments of a 409 600-sample run (about
//! 40 s to set up on two cores). Copies of one segment would be quicker to
//! make but cost the merge more than real parts do: folding a sketch into
//! copies of itself ties every value, and the total grows to ≈ 800 tuples
//! per cell instead of ≈ 380. File reading is left out: it is the
//! operating system's, and a cluster's shared file system sets its speed.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use palett_model::RunOptions;
use palett_model::run::{SegmentState, merge_segments, run_part};
use palett_montecarlo::codec::{Codec, Decoder, Encoder};

const PARTS: usize = 100;

fn merge_100_shards(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/sodertalje.ron");
    let s = match palett_runner::load_scenario(&path) {
        Ok(s) => s,
        Err(ds) => panic!("the shipped scenario is invalid: {ds:?}"),
    };
    let o = RunOptions {
        samples: Some(PARTS as u64 * 4_096),
        ..RunOptions::default()
    };
    let mut parts = Vec::with_capacity(PARTS);
    // Ten segments per call: run_part holds its segments' states until it
    // returns.
    for first in (0..PARTS as u64).step_by(10) {
        run_part(&s, &o, first..first + 10, &|_| {}, &mut |_, state| {
            let mut e = Encoder::new();
            state.encode(&mut e);
            parts.push(e.into_bytes());
        })
        .expect("the run's segments run");
    }
    let bytes: usize = parts.iter().map(Vec::len).sum();
    eprintln!(
        "{PARTS} parts: {:.1} MB each",
        bytes as f64 / PARTS as f64 / 1e6
    );
    let mut g = c.benchmark_group("merge");
    g.sample_size(10);
    g.bench_function("sodertalje_100_shards", |b| {
        b.iter(|| {
            let states = parts
                .iter()
                .map(|p| SegmentState::decode(&mut Decoder::new(p)).expect("decodes"));
            merge_segments(&s, &o, states).expect("merges")
        })
    });
    g.bench_function("decode_only_100", |b| {
        b.iter(|| {
            parts
                .iter()
                .map(|p| SegmentState::decode(&mut Decoder::new(p)).expect("decodes"))
                .map(|p| p.engine.samples())
                .sum::<u64>()
        })
    });
    g.finish();
}

criterion_group!(benches, merge_100_shards);
criterion_main!(benches);
