//! Cohort throughput: effective cells (group, year, profile year, actor)
//! booked per second by `CohortModel::simulate` on one thread, with a reused
//! `Outcome`. Run with `cargo run --release -p palett-cost --example throughput`.

use palett_cost::{
    ActorId, CohortModel, Effects, Feed, Group, Outcome, PreventEffect, Profile, TurnEffect,
};
use std::time::Instant;

fn main() -> Result<(), palett_cost::CostError> {
    let (n_groups, k, h, n_actors) = (10usize, 30usize, 30u32, 8usize);
    let profiles = (0..n_groups)
        .map(|g| {
            let amounts: Vec<(ActorId, Vec<f64>)> = (0..n_actors)
                .map(|a| {
                    let v = (0..k).map(|j| 1000.0 * (1 + a + g + j) as f64).collect();
                    (ActorId(a), v)
                })
                .collect();
            Profile::from_annual(n_actors, k, &amounts)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let groups = (0..n_groups)
        .map(|g| Group {
            name: format!("g{g}"),
            profile: g,
            stock: 100.0,
            stock_year: 1 + (g % k) as u32,
            inflow: vec![10.0; h as usize],
            feeds: if g + 1 < n_groups {
                vec![Feed {
                    to: g + 1,
                    share: 0.1,
                }]
            } else {
                vec![]
            },
        })
        .collect();
    let model = CohortModel::new(profiles, groups, h, n_actors)?;
    let mut effects = Effects::none(n_groups, h);
    for (g, ge) in effects.groups.iter_mut().enumerate().take(n_groups - 1) {
        ge.turn.push(TurnEffect {
            window: (1, 10),
            share: vec![0.05; h as usize],
            // Success cases go to the last group, and from it back to the first.
            success_group: Some(if g == n_groups - 2 { 0 } else { n_groups - 1 }),
        });
        ge.prevent.push(PreventEffect {
            share: vec![0.1; h as usize],
            success_group: None,
        });
    }
    model.check_effects(&effects)?;
    let mut out = Outcome::default();
    model.simulate(&effects, &mut out);
    let runs = 20_000;
    let start = Instant::now();
    let mut sink = 0.0;
    for _ in 0..runs {
        model.simulate(&effects, &mut out);
        sink += out.cost(0, h as usize, 0);
    }
    let secs = start.elapsed().as_secs_f64();
    let cells = (n_groups * h as usize * k * n_actors) as f64 * runs as f64;
    println!(
        "{runs} runs of {n_groups} groups × {h} years × {k} profile years × {n_actors} actors: \
         {:.1} µs a run, {:.3e} cells/s (checksum {sink:.3e})",
        secs / runs as f64 * 1e6,
        cells / secs
    );
    Ok(())
}
