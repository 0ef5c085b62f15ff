//! Cohort throughput: effective cells (group, year, profile year, actor)
//! booked per second by `CohortModel::simulate` on one thread, with a reused
//! `Outcome`. Run with `cargo run --release -p palett-cost --example throughput`.

use palett_cost::{
    ActorId, CohortModel, Effects, Feed, Group, Outcome, PreventEffect, Profile, TurnEffect,
};
use std::time::Instant;

fn main() -> Result<(), palett_cost::CostError> {
    uniform()?;
    product()
}

/// Ten groups of 30 profile years, every group but the last with a turn and
/// a prevent effect.
fn uniform() -> Result<(), palett_cost::CostError> {
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
            success_share: 1.0,
        });
        ge.prevent.push(PreventEffect {
            share: vec![0.1; h as usize],
            success_group: None,
            success_share: 1.0,
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

/// The product's shape: 8 groups with profiles of 2–30 years (Σ K = 76),
/// 8 actors, 30 years, feeds between groups, a few turn effects with one or
/// two windows, prevent effects and success groups.
fn product() -> Result<(), palett_cost::CostError> {
    let lens = [2usize, 5, 8, 10, 12, 30, 6, 3];
    let (h, n_actors) = (30u32, 8usize);
    let n_groups = lens.len();
    let profiles = lens
        .iter()
        .enumerate()
        .map(|(g, &k)| {
            let amounts: Vec<(ActorId, Vec<f64>)> = (0..n_actors)
                .map(|a| {
                    let v = (0..k).map(|j| 1000.0 * (1 + a + g + j) as f64).collect();
                    (ActorId(a), v)
                })
                .collect();
            Profile::from_annual(n_actors, k, &amounts)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let feeds = |g: usize| match g {
        0 => vec![Feed { to: 1, share: 0.2 }, Feed { to: 3, share: 0.05 }],
        1 => vec![Feed { to: 2, share: 0.1 }],
        3 => vec![Feed { to: 5, share: 0.03 }],
        4 => vec![Feed { to: 5, share: 0.02 }],
        _ => vec![],
    };
    let groups = lens
        .iter()
        .enumerate()
        .map(|(g, &k)| Group {
            name: format!("g{g}"),
            profile: g,
            stock: 50.0 * (g + 1) as f64,
            stock_year: 1 + (g % k) as u32,
            inflow: vec![10.0 + g as f64; h as usize],
            feeds: feeds(g),
        })
        .collect();
    let model = CohortModel::new(profiles, groups, h, n_actors)?;
    let mut effects = Effects::none(n_groups, h);
    let ramp = |q: f64| {
        (0..h)
            .map(|t| q * f64::from(t.min(10)) / 10.0)
            .collect::<Vec<_>>()
    };
    effects.groups[3].turn.push(TurnEffect {
        window: (2, 6),
        share: ramp(0.1),
        success_group: Some(6),
        success_share: 1.0,
    });
    effects.groups[5].turn.push(TurnEffect {
        window: (1, 8),
        share: ramp(0.08),
        success_group: Some(7),
        success_share: 1.0,
    });
    effects.groups[5].turn.push(TurnEffect {
        window: (5, 20),
        share: ramp(0.04),
        success_group: None,
        success_share: 1.0,
    });
    effects.groups[4].turn.push(TurnEffect {
        window: (3, 12),
        share: ramp(0.05),
        success_group: Some(6),
        success_share: 1.0,
    });
    effects.groups[1].prevent.push(PreventEffect {
        share: ramp(0.15),
        success_group: Some(2),
        success_share: 1.0,
    });
    effects.groups[5].prevent.push(PreventEffect {
        share: ramp(0.1),
        success_group: None,
        success_share: 1.0,
    });
    model.check_effects(&effects)?;
    let mut out = Outcome::default();
    model.simulate(&effects, &mut out);
    let runs = 100_000;
    let start = Instant::now();
    let mut sink = 0.0;
    for _ in 0..runs {
        model.simulate(&effects, &mut out);
        sink += out.cost(5, h as usize, 0);
    }
    let secs = start.elapsed().as_secs_f64();
    let sum_k: usize = lens.iter().sum();
    let cells = (sum_k * h as usize * n_actors) as f64 * runs as f64;
    println!(
        "product shape: {runs} runs of {n_groups} groups (Σ K = {sum_k}) × {h} years × {n_actors} actors: \
         {:.2} µs a run, {:.3e} cells/s (checksum {sink:.6e})",
        secs / runs as f64 * 1e6,
        cells / secs
    );
    Ok(())
}
