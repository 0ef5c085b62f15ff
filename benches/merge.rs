//! Merging a sharded run (docs/distributed.md): 100 parts of
//! scenarios/sodertalje.ron, each one 4 096-sample segment with the
//! analysis, decoded from their bytes and folded into the run's results.
//!
//! The parts are copies of one real segment state (running 100 distinct
//! segments would take minutes of set-up and cost the merge the same).
//! File reading is left out: it is the operating system's, and a cluster's
//! shared file system sets its speed.

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
    // 100 segments of 4 096 samples; only the first is run.
    let o = RunOptions {
        samples: Some(PARTS as u64 * 4_096),
        ..RunOptions::default()
    };
    let mut bytes = Vec::new();
    run_part(&s, &o, 0..1, &|_| {}, &mut |_, state| {
        let mut e = Encoder::new();
        state.encode(&mut e);
        bytes = e.into_bytes();
    })
    .expect("the first segment runs");
    eprintln!("one part: {:.1} MB", bytes.len() as f64 / 1e6);
    let mut g = c.benchmark_group("merge");
    g.sample_size(10);
    g.bench_function("sodertalje_100_shards", |b| {
        b.iter(|| {
            let parts = (0..PARTS)
                .map(|_| SegmentState::decode(&mut Decoder::new(&bytes)).expect("decodes"));
            merge_segments(&s, &o, parts).expect("merges")
        })
    });
    g.bench_function("decode_only_100", |b| {
        b.iter(|| {
            (0..PARTS)
                .map(|_| SegmentState::decode(&mut Decoder::new(&bytes)).expect("decodes"))
                .map(|p| p.engine.samples())
                .sum::<u64>()
        })
    });
    g.finish();
}

criterion_group!(benches, merge_100_shards);
criterion_main!(benches);
