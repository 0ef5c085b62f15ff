//! The synergy step (model.md §5): what the runner calls per Monte Carlo
//! sample and per mix. One `simulate_into` of 30 years with 7 drives, and one
//! `run_mix` at a 30-year horizon for a configuration that never
//! tips (every candidate year before the programme ends runs a 50-year tail)
//! and one that tips.
//!
//! `cargo bench -p palett-benches --bench synergy`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use palett_synergy::{
    Channel, Drive, MixWorkspace, Repression, Schedule, SynergyModel, SynergyParams, Track,
    Trajectory,
};

const HORIZON: u32 = 30;

/// The worked example's parameters (docs/synergy.md): strong synergy, school
/// reaching the other tracks after 3 years, trust fading 2 % a year.
fn model() -> SynergyModel {
    let mut p = SynergyParams {
        beta: [10.0; 4],
        c0: 0.2,
        kappa_down: 0.02,
        ..SynergyParams::default()
    };
    for j in 0..4 {
        for k in 0..4 {
            if j != k {
                p.w[j][k] = 0.6;
                p.lags[j][k] = if j == Track::School.index() { 3 } else { 1 };
            }
        }
    }
    p.validate().expect("valid parameters")
}

/// Seven drives as a scenario mix has them: decay 1, durations up to 12
/// years, fractional delays, one with repression, one communication drive.
fn programme(weight: f64) -> Vec<Drive> {
    let track = |k: Track, s: Schedule| Drive {
        weight,
        ..Drive::new(k, s)
    };
    let mut police = track(Track::Safety, Schedule::new(1, 6));
    police.repression = Some(Repression {
        height: 0.8,
        time_to_peak: 2.0,
    });
    let drives = vec![
        track(
            Track::School,
            Schedule {
                delay: 1.5,
                ..Schedule::new(1, 12)
            },
        ),
        track(
            Track::School,
            Schedule {
                delay: 0.25,
                intensity: 0.5,
                ..Schedule::new(3, 8)
            },
        ),
        track(
            Track::Housing,
            Schedule {
                ramp: 2.0,
                ..Schedule::new(1, 10)
            },
        ),
        track(
            Track::Labour,
            Schedule {
                delay: 0.5,
                ..Schedule::new(2, 8)
            },
        ),
        police,
        track(
            Track::Safety,
            Schedule {
                ramp: 3.0,
                ..Schedule::new(2, 9)
            },
        ),
        Drive::new(Channel::Communication, Schedule::new(1, 12)),
    ];
    for d in &drives {
        d.validate().expect("valid drive");
    }
    drives
}

fn bench(c: &mut Criterion) {
    let m = model();
    let weak = programme(0.15);
    let strong = programme(0.5);
    assert_eq!(m.tipping_year(&weak, HORIZON), None);
    let tip = m.tipping_year(&strong, HORIZON);
    assert!(tip.is_some_and(|t| t > 3), "tipping year {tip:?}");

    let mut g = c.benchmark_group("synergy step");
    let mut traj = Trajectory::new();
    g.bench_function("simulate_into 30 years, 7 drives", |b| {
        b.iter(|| {
            m.simulate_into(black_box(&weak), HORIZON, None, &mut traj);
            black_box(traj.x(HORIZON))
        })
    });
    let mut ws = MixWorkspace::new();
    g.bench_function("run_mix, never tips", |b| {
        b.iter(|| m.run_mix(black_box(&weak), HORIZON, &mut ws).tipping_year)
    });
    g.bench_function("run_mix, tips", |b| {
        b.iter(|| m.run_mix(black_box(&strong), HORIZON, &mut ws).tipping_year)
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
