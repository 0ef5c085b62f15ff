//! Benchmarks of the composed model on the shipped Södertälje scenario:
//! the cohort step, one full sample across all mixes, and whole runs.
//!
//! Read the results as ratios within one run (docs/performance.md): the
//! thread group shows the speed-up from 1 to 2 threads; `sample` against
//! `cohort_step` shows how much of a sample the cohorts take; the analysis
//! group shows what sensitivity and value of information add to a run.

use std::path::Path;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use palett_cost::{Effects, Outcome};
use palett_model::run::{run, settings};
use palett_model::{RunOptions, Scenario, ScenarioModel, cohort_model};
use palett_montecarlo::{Model, SampleRecord};

fn sodertalje() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/sodertalje.ron");
    match palett_runner::load_scenario(&path) {
        Ok(s) => s,
        Err(ds) => panic!("the shipped scenario is invalid: {ds:?}"),
    }
}

fn cohort_step(c: &mut Criterion) {
    let s = sodertalje();
    let central = s.params.central_values();
    let model = cohort_model(&s, &central).expect("valid cohorts");
    let effects = Effects::none(model.n_groups(), s.horizon);
    let mut out = Outcome::default();
    c.bench_function("cohort_step/sodertalje_baseline_30y", |b| {
        b.iter(|| model.simulate(std::hint::black_box(&effects), &mut out))
    });
    // As a sample runs it: the composed model reads no case ledger.
    c.bench_function("cohort_step/sodertalje_baseline_30y_costs_only", |b| {
        b.iter(|| model.simulate_costs(std::hint::black_box(&effects), &mut out))
    });
}

fn one_sample(c: &mut Criterion) {
    let s = sodertalje();
    let model = ScenarioModel::new(&s).expect("model");
    let inputs = s.params.central_values();
    let mut scratch = model.new_scratch();
    let mut record = SampleRecord::new(&model.plan().layout);
    c.bench_function("sample/sodertalje_all_mixes", |b| {
        b.iter(|| model.evaluate(std::hint::black_box(&inputs), &mut scratch, &mut record))
    });
}

fn whole_runs(c: &mut Criterion) {
    let s = sodertalje();
    let mut g = c.benchmark_group("run/sodertalje_20k");
    g.sample_size(10);
    for threads in [1usize, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool");
        let options = RunOptions {
            samples: Some(20_000),
            ..RunOptions::default()
        };
        g.bench_function(format!("threads_{threads}"), |b| {
            b.iter_batched(
                || options.clone(),
                |o| pool.install(|| run(&s, &o, &|_| {}).expect("run")),
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();
    let mut g = c.benchmark_group("run/sodertalje_100k");
    g.sample_size(10);
    let options = RunOptions {
        samples: Some(100_000),
        ..RunOptions::default()
    };
    let model = ScenarioModel::new(&s).expect("model");
    let samples = settings(&s, &options, &model).engine.samples;
    g.bench_function(format!("samples_{samples}"), |b| {
        b.iter(|| run(&s, &options, &|_| {}).expect("run"))
    });
    g.finish();
}

/// The cost of the analysis every sampled run makes (docs/analysis.md):
/// the same run with and without it, on the default pool; read the ratio.
fn analysis_overhead(c: &mut Criterion) {
    let s = sodertalje();
    let mut g = c.benchmark_group("analysis/sodertalje_20k");
    g.sample_size(10);
    for (name, skip) in [("with_analysis", false), ("without", true)] {
        let options = RunOptions {
            samples: Some(20_000),
            skip_analysis: skip,
            ..RunOptions::default()
        };
        g.bench_function(name, |b| {
            b.iter(|| run(&s, &options, &|_| {}).expect("run"))
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    cohort_step,
    one_sample,
    whole_runs,
    analysis_overhead
);
criterion_main!(benches);
