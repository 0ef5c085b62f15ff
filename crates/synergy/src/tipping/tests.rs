//! The fast run against the plain definition, candidate by candidate and
//! shortcut by shortcut, on generated models and programmes.

use super::tails::quiet_from;
use super::*;
use crate::bounds::settled;
use crate::{Channel, Repression, Schedule, SynergyParams, Track};
use proptest::prelude::*;

#[test]
fn quiet_year_counts_delays_communication_and_repression() {
    let school = Drive::new(
        Track::School,
        Schedule {
            delay: 1.5,
            ..Schedule::new(2, 3)
        },
    );
    let talk = Drive::new(Channel::Communication, Schedule::new(1, 8));
    // School: last activity 4, delayed effect reads up to 4 + 1 + 1 → quiet from 7.
    assert_eq!(quiet_from(&[school], None), Some(7));
    assert_eq!(quiet_from(&[school], Some(2)), Some(5));
    assert_eq!(quiet_from(&[school, talk], None), Some(9));
    assert_eq!(quiet_from(&[school, talk], Some(3)), Some(6));
    let fading = Drive::new(
        Track::School,
        Schedule {
            decay: 0.5,
            ..Schedule::new(2, 3)
        },
    );
    assert_eq!(quiet_from(&[fading], None), None);
    assert_eq!(quiet_from(&[fading], Some(3)), Some(4));
    let mut police = Drive::new(Track::Safety, Schedule::new(5, 1));
    police.repression = Some(Repression {
        height: 1.0,
        time_to_peak: 1.0,
    });
    assert_eq!(quiet_from(&[police], None), None);
    // Switched off before it started: no impulse, nothing under way.
    assert_eq!(quiet_from(&[police], Some(4)), Some(0));
}

/// The reference outcome of one candidate: a full simulation switched
/// off after `t`.
fn plain_sustained(m: &SynergyModel, drives: &[Drive], t: u32) -> bool {
    let end = t + m.rule().lookahead;
    let mut tr = Trajectory::new();
    m.simulate_into(drives, end, Some(t), &mut tr);
    m.rule().sustained(&tr.x(end))
}

fn arb_drive() -> impl Strategy<Value = Drive> {
    let channel = prop_oneof![
        4 => (0usize..4).prop_map(|i| Channel::Track(Track::ALL[i])),
        1 => Just(Channel::Communication),
    ];
    let schedule = (
        1u32..12,
        0u32..12,
        0.0f64..2.0,
        0.5f64..4.0,
        prop_oneof![3 => Just(1.0), 1 => 0.0f64..=1.0],
        prop_oneof![Just(0.0), Just(1.0), 0.0f64..4.0],
    )
        .prop_map(
            |(start, duration, intensity, ramp, decay, delay)| Schedule {
                start,
                duration,
                intensity,
                ramp,
                decay,
                delay,
            },
        );
    let rep = prop::option::of((0.0f64..1.5, 0.5f64..4.0));
    (channel, -0.3f64..1.5, schedule, rep).prop_map(|(channel, weight, schedule, rep)| {
        let repression = match channel {
            Channel::Track(_) => rep.map(|(height, time_to_peak)| Repression {
                height,
                time_to_peak,
            }),
            Channel::Communication => None,
        };
        Drive {
            channel,
            weight,
            schedule,
            repression,
        }
    })
}

fn arb_params() -> impl Strategy<Value = SynergyParams> {
    (
        prop::array::uniform4(prop::array::uniform4(-0.3f64..1.2)),
        prop::array::uniform4(prop::array::uniform4(1u32..4)),
        prop::array::uniform4(0.1f64..=1.0),
        prop::array::uniform4(2.0f64..15.0),
        prop::array::uniform4(0.0f64..0.7),
        prop::array::uniform4(0.0f64..0.2),
        (0.0f64..=1.0, 0.0f64..=0.1, 0.3f64..=1.0),
        // Now and then a drift that holds the tracks up by itself, so
        // that boxes above the tipping level occur too.
        prop_oneof![4 => Just(0.0), 1 => 0.5f64..2.5],
        prop::array::uniform4(-0.1f64..0.1),
    )
        .prop_map(
            |(mut w, lags, alpha, beta, theta, turnover, (eta, down, c0), lift, drift)| {
                let drift = drift.map(|b| b + lift);
                for (k, row) in w.iter_mut().enumerate() {
                    row[k] = 0.0;
                }
                SynergyParams {
                    w,
                    lags,
                    alpha,
                    beta,
                    theta,
                    turnover,
                    eta,
                    kappa_down: down,
                    c0,
                    drift,
                    ..Default::default()
                }
            },
        )
}

/// A model, a programme and the last candidate t_last of an all-tails
/// test, with the untruncated run simulated to the horizon in a workspace.
fn arb_all_tails() -> impl Strategy<Value = (SynergyModel, Vec<Drive>, u32, MixWorkspace)> {
    (
        arb_params(),
        prop_oneof![Just(TippingRule::MODEL), arb_rule()],
        prop::collection::vec(arb_drive(), 0..8),
        1u32..16,
        2u32..16,
    )
        .prop_map(|(p, rule, drives, horizon, last)| {
            let m = SynergyParams { tipping: rule, ..p }
                .validate()
                .expect("valid");
            let mut ws = MixWorkspace::new();
            m.start_full(&drives, horizon, &mut ws);
            (m, drives, last.min(horizon), ws)
        })
}

/// Whether an all-tails `outcome`, if it decided, is what a full
/// simulation switched off after t gives for every candidate t.
fn agrees_with_every_tail(
    m: &SynergyModel,
    drives: &[Drive],
    last_t: u32,
    outcome: Option<bool>,
) -> Result<(), TestCaseError> {
    if let Some(outcome) = outcome {
        for t in 1..=last_t {
            prop_assert_eq!(plain_sustained(m, drives, t), outcome, "t = {}", t);
        }
    }
    Ok(())
}

/// Tipping rules other than model.md's: look-aheads from 1 year to 80,
/// levels across (0, 1).
fn arb_rule() -> impl Strategy<Value = TippingRule> {
    (prop_oneof![1u32..=6, 1u32..=80], 0.05f64..0.95)
        .prop_map(|(lookahead, level)| TippingRule { lookahead, level })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every candidate's tail (precomputed truncated inputs, fixed-point
    /// stop, invariant-box exit) agrees with a full simulation switched
    /// off after t, not only the first success; and the workspace's
    /// untruncated run is bit for bit `simulate`, to H.
    #[test]
    fn every_tail_matches_a_full_simulation(
        p in arb_params(),
        drives in prop::collection::vec(arb_drive(), 0..8),
        horizon in 1u32..16,
    ) {
        let m = p.validate().expect("valid");
        let mut ws = MixWorkspace::new();
        let full = m.simulate(&drives, horizon + m.rule().lookahead);
        let run = m.run_mix(&drives, horizon, &mut ws);
        let tip = run.tipping_year;
        prop_assert_eq!(run.trajectory.horizon(), horizon);
        prop_assert!(bit_prefix(run.trajectory, &full), "not a prefix of simulate");
        for t in 1..=horizon {
            let want = plain_sustained(&m, &drives, t);
            prop_assert_eq!(m.tail_sustained(&drives, t, &mut ws), want, "t = {}", t);
        }
        prop_assert_eq!(tip, m.tipping_year_reference(&drives, horizon));
    }

    /// The same under other tipping rules: short and long look-aheads, low
    /// and high levels (which decide what the boxes prove).
    #[test]
    fn other_rules_match_a_full_simulation(
        p in arb_params(),
        rule in arb_rule(),
        drives in prop::collection::vec(arb_drive(), 0..8),
        horizon in 1u32..16,
    ) {
        let m = SynergyParams { tipping: rule, ..p }.validate().expect("valid");
        let mut ws = MixWorkspace::new();
        let run = m.run_mix(&drives, horizon, &mut ws);
        let tip = run.tipping_year;
        prop_assert!(same_bits(run.trajectory, &m.simulate(&drives, horizon)));
        for t in 1..=horizon {
            let want = plain_sustained(&m, &drives, t);
            prop_assert_eq!(m.tail_sustained(&drives, t, &mut ws), want, "t = {}", t);
        }
        prop_assert_eq!(tip, m.tipping_year_reference(&drives, horizon));
    }

    /// One workspace reused across calls (its series cache then serves
    /// drives seen before, also under another weight or track, and
    /// evicts others) answers every call as a fresh computation.
    #[test]
    fn a_reused_workspace_answers_as_a_fresh_one(
        p in arb_params(),
        calls in prop::collection::vec(prop::collection::vec(arb_drive(), 0..6), 1..6),
        horizon in 1u32..12,
    ) {
        let m = p.validate().expect("valid");
        let mut ws = MixWorkspace::new();
        for drives in &calls {
            // The same drives again, re-weighted and moved to another track.
            let mut moved = drives.clone();
            for d in &mut moved {
                d.weight = 1.0 - d.weight;
                if let Channel::Track(k) = d.channel {
                    d.channel = Channel::Track(Track::ALL[(k.index() + 1) % 4]);
                }
            }
            // And with only the delay changed: a different key.
            let mut later = drives.clone();
            for d in &mut later {
                d.schedule.delay += 0.5;
            }
            for ds in [drives, &moved, &later, drives] {
                let run = m.run_mix(ds, horizon, &mut ws);
                prop_assert_eq!(run.tipping_year, m.tipping_year_reference(ds, horizon));
                let full = m.simulate(ds, horizon);
                prop_assert!(same_bits(&full, run.trajectory), "not simulate's run");
            }
        }
    }

    /// Two mixes run as a pair (untruncated runs side by side, one series
    /// cache) give each mix's trajectory and tipping year bit for bit as a
    /// run alone, also with reused workspaces and drives shared between
    /// the two.
    #[test]
    fn a_pair_of_runs_matches_each_run_alone(
        p in arb_params(),
        rule in prop_oneof![Just(TippingRule::MODEL), arb_rule()],
        calls in prop::collection::vec(
            (prop::collection::vec(arb_drive(), 0..6), prop::collection::vec(arb_drive(), 0..6)),
            1..4,
        ),
        shared in 0usize..3,
        horizon in 1u32..14,
    ) {
        let m = SynergyParams { tipping: rule, ..p }.validate().expect("valid");
        let mut pair = [MixWorkspace::new(), MixWorkspace::new()];
        let mut alone = MixWorkspace::new();
        for (a, b) in &calls {
            let mut b = b.clone();
            b.extend(a.iter().take(shared).cloned());
            let [ra, rb] = m.run_mix_pair([a, &b], horizon, &mut pair);
            let (ta, tb) = (ra.trajectory.clone(), rb.trajectory.clone());
            let (tip_a, tip_b) = (ra.tipping_year, rb.tipping_year);
            let want = m.run_mix(a, horizon, &mut alone);
            prop_assert!(same_bits(&ta, want.trajectory), "first run differs");
            prop_assert_eq!(tip_a, want.tipping_year);
            let want = m.run_mix(&b, horizon, &mut alone);
            prop_assert!(same_bits(&tb, want.trajectory), "second run differs");
            prop_assert_eq!(tip_b, want.tipping_year);
        }
    }

    /// Without the tipping search, a run and a pair of runs give the
    /// trajectories of a run with it, bit for bit, also in workspaces a
    /// search has used before.
    #[test]
    fn a_trajectory_without_the_search_matches_the_run(
        p in arb_params(),
        calls in prop::collection::vec(
            (prop::collection::vec(arb_drive(), 0..6), prop::collection::vec(arb_drive(), 0..6)),
            1..4,
        ),
        horizon in 1u32..14,
    ) {
        let m = p.validate().expect("valid");
        let mut pair = [MixWorkspace::new(), MixWorkspace::new()];
        let mut one = MixWorkspace::new();
        let mut searched = MixWorkspace::new();
        for (a, b) in &calls {
            let [ta, tb] = m.trajectory_pair([a, b], horizon, &mut pair);
            let (ta, tb) = (ta.clone(), tb.clone());
            let alone = m.trajectory(a, horizon, &mut one).clone();
            let want = m.run_mix(a, horizon, &mut searched).trajectory.clone();
            prop_assert!(same_bits(&ta, &want), "first of the pair differs");
            prop_assert!(same_bits(&alone, &want), "a run alone differs");
            let want = m.run_mix(b, horizon, &mut searched).trajectory.clone();
            prop_assert!(same_bits(&tb, &want), "second of the pair differs");
            // The searched workspaces in turn, after a search.
            m.run_mix_pair([a, b], horizon, &mut pair);
            m.run_mix(b, horizon, &mut one);
            prop_assert!(same_bits(m.trajectory(a, horizon, &mut one), &ta), "after a search");
            let [sa, sb] = m.trajectory_pair([a, b], horizon, &mut pair);
            prop_assert!(same_bits(sa, &ta) && same_bits(sb, &tb), "a pair after a search");
        }
    }

    /// The all-tails box (shortcut 6), whenever it decides, decides every
    /// candidate's tail as a full simulation switched off after t does.
    #[test]
    fn all_tails_box_agrees_with_every_tail((m, drives, last_t, mut ws) in arb_all_tails()) {
        let outcome = m.all_tails_settled(&drives, last_t, &mut ws, |_| true);
        agrees_with_every_tail(&m, &drives, last_t, outcome)?;
    }

    /// The lazily extended untruncated run (fixed point, invariant box,
    /// or plain extension) answers every look-up as `simulate` to H + n
    /// does, for look-ups from any first year on in any rising order,
    /// and what it holds stays bit for bit `simulate`.
    #[test]
    fn full_run_lookups_match_simulate(
        p in arb_params(),
        drives in prop::collection::vec(arb_drive(), 0..8),
        horizon in 1u32..16,
        first in 1u32..=50,
        step in 1u32..4,
    ) {
        let m = p.validate().expect("valid");
        let end = horizon + m.rule().lookahead;
        let full = m.simulate(&drives, end);
        let mut ws = MixWorkspace::new();
        m.start_full(&drives, horizon, &mut ws);
        prop_assert!(bit_prefix(&ws.full, &full));
        prop_assert_eq!(ws.full.horizon(), horizon);
        for year in (horizon + first..=end).step_by(step as usize) {
            let want = m.rule().sustained(&full.x(year));
            prop_assert_eq!(m.full_sustained(year, &mut ws), want, "year = {}", year);
            prop_assert!(ws.full.horizon() <= year);
        }
        prop_assert!(bit_prefix(&ws.full, &full), "not a prefix of simulate");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    /// Two runs advanced side by side (`advance_lanes`), one of them
    /// `offset` years ahead, are bit for bit the two runs simulated alone,
    /// communication and all.
    #[test]
    fn runs_side_by_side_match_runs_alone(
        p in arb_params(),
        drives_a in prop::collection::vec(arb_drive(), 0..6),
        drives_b in prop::collection::vec(arb_drive(), 0..6),
        horizon in 1u32..30,
        offset in 0u32..8,
    ) {
        let m = p.validate().expect("valid");
        let (end_a, end_b) = (horizon + offset, horizon);
        let (mut a, mut b) = (Trajectory::new(), Trajectory::new());
        a.reset(end_a, m.p.c0);
        b.reset(end_b, m.p.c0);
        let step_alone = |drives: &[Drive], tr: &mut Trajectory, year: u32| {
            let (input, talk) = m.inputs_at(drives, i64::from(year), None);
            m.advance(&input, talk, tr, year);
        };
        for year in 1..=offset {
            step_alone(&drives_a, &mut a, year);
        }
        for year in 1..=end_b {
            let ya = year + offset;
            let (ia, ta) = m.inputs_at(&drives_a, i64::from(ya), None);
            let (ib, tb) = m.inputs_at(&drives_b, i64::from(year), None);
            m.advance_lanes([&ia, &ib], [ta, tb], [&mut a, &mut b], [ya, year]);
        }
        prop_assert!(same_bits(&a, &m.simulate(&drives_a, end_a)), "lane a");
        prop_assert!(same_bits(&b, &m.simulate(&drives_b, end_b)), "lane b");
    }

    /// The box test's eight responses at once are bit for bit the
    /// response of each track at each drive.
    #[test]
    fn eight_responses_match_one_at_a_time(
        p in arb_params(),
        lo in prop::array::uniform4(-50.0f64..50.0),
        hi in prop::array::uniform4(-1e3f64..1e3),
    ) {
        let m = p.validate().expect("valid");
        let (f_lo, f_hi) = m.responses(&lo, &hi);
        for k in 0..4 {
            prop_assert_eq!(f_lo[k].to_bits(), m.response_k(k, lo[k]).to_bits());
            prop_assert_eq!(f_hi[k].to_bits(), m.response_k(k, hi[k]).to_bits());
        }
    }

    /// The tail search two lanes at a time finds the first candidate
    /// whose own tail, simulated alone, is sustained.
    #[test]
    fn side_by_side_tails_find_the_first_sustained_one(
        p in arb_params(),
        rule in arb_rule(),
        drives in prop::collection::vec(arb_drive(), 0..8),
        horizon in 1u32..16,
    ) {
        let mut p = p;
        p.tipping = rule;
        let m = p.validate().expect("valid");
        let mut ws = MixWorkspace::new();
        m.run_mix(&drives, horizon, &mut ws);
        for tails in 1..=horizon {
            let alone = (1..=tails).find(|&t| m.tail_sustained(&drives, t, &mut ws));
            prop_assert_eq!(m.first_sustained_tail(&drives, tails, &mut ws), alone);
        }
    }
}

/// Whether `a` and `b` hold the same years, bit for bit.
fn same_bits(a: &Trajectory, b: &Trajectory) -> bool {
    a.horizon() == b.horizon() && bit_prefix(a, b)
}

/// Whether `part` holds years 0..=its horizon of `whole`, bit for bit.
fn bit_prefix(part: &Trajectory, whole: &Trajectory) -> bool {
    let n = part.x.len();
    let bits = |x: &[f64; 4]| x.map(f64::to_bits);
    n <= whole.x.len()
        && part.c.len() == n
        && part.x.iter().zip(&whole.x).all(|(a, b)| bits(a) == bits(b))
        && part
            .c
            .iter()
            .zip(&whole.c)
            .all(|(a, b)| a.to_bits() == b.to_bits())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    /// A tail's inputs (summed head, the rest copied from the cached
    /// `late` series) are bit for bit the plain switched-off inputs, for
    /// candidates in any order, so the cache is rebuilt and reused across
    /// repression patterns and start years.
    #[test]
    fn tail_inputs_match_the_plain_sums(
        p in arb_params(),
        drives in prop::collection::vec(arb_drive(), 0..8),
        horizon in 1u32..16,
        order in prop::collection::vec(1u32..16, 1..24),
    ) {
        let m = p.validate().expect("valid");
        let mut ws = MixWorkspace::new();
        m.run_mix(&drives, horizon, &mut ws);
        for t in order.into_iter().filter(|&t| t <= horizon) {
            ws.fill_tail_inputs(&m, &drives, t, 0);
            prop_assert_eq!(ws.tail_inputs[0].len(), m.rule().lookahead as usize);
            for (j, got) in ws.tail_inputs[0].iter().enumerate() {
                let y = i64::from(t) + 1 + j as i64;
                let (want, _) = m.inputs_at(&drives, y, Some(t));
                let same = got.iter().zip(&want).all(|(a, b)| a.to_bits() == b.to_bits());
                prop_assert!(same, "t = {}, y = {}: {:?} vs {:?}", t, y, got, want);
            }
        }
    }
}

/// The box exit really fires, both ways, on the generator above, so the
/// property is not vacuous.
#[test]
fn box_exit_fires_both_ways() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = (arb_params(), prop::collection::vec(arb_drive(), 1..8));
    let (mut low, mut high) = (0, 0);
    for _ in 0..400 {
        let (p, drives) = strategy.new_tree(&mut runner).expect("strategy").current();
        let m = p.validate().expect("valid");
        let mut ws = MixWorkspace::new();
        m.run_mix(&drives, 12, &mut ws);
        for t in 1..12 {
            ws.fill_tail_inputs(&m, &drives, t, 0);
            ws.tail[0].copy_prefix(&ws.full, t);
            for j in 0..m.rule().lookahead as usize - 1 {
                let year = t + 1 + j as u32;
                m.advance(&ws.tail_inputs[0][j], 0.0, &mut ws.tail[0], year);
                let y = year as usize;
                let lags = m.max_lag as usize;
                if y < lags {
                    continue;
                }
                let window = &ws.tail[0].x[y + 1 - lags..=y];
                if let Some(rem) = ws.remaining(0, j, ws.tail[0].c[y]) {
                    match settled(&m, window, &rem) {
                        Some(true) => high += 1,
                        Some(false) => low += 1,
                        None => continue,
                    }
                    break;
                }
            }
        }
    }
    assert!(low > 100 && high > 10, "settled low {low}, high {high}");
}

/// `n` cases of the generators above, the same on every run: a model,
/// drives (their count in `drives`) and a horizon (in `horizons`).
fn generated_runs(
    n: usize,
    drives: std::ops::Range<usize>,
    horizons: std::ops::Range<u32>,
) -> Vec<(SynergyModel, Vec<Drive>, u32)> {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = (
        arb_params(),
        prop::collection::vec(arb_drive(), drives),
        horizons,
    );
    (0..n)
        .map(|_| {
            let (p, drives, horizon) = strategy.new_tree(&mut runner).expect("strategy").current();
            (p.validate().expect("valid"), drives, horizon)
        })
        .collect()
}

/// Shortcut 6 alone: the single all-tails box, without the walk.
fn single_box(m: &SynergyModel, drives: &[Drive], last_t: u32, ws: &MixWorkspace) -> Option<bool> {
    let all = m.all_tails_ranges(drives, last_t, ws)?;
    let window = &ws.full.x[..=last_t as usize];
    crate::bounds::settled_with(m, window, &all, super::tails::ALL_TAILS_TRIES)
}

/// The single all-tails box decides a good share of the generator's cases
/// (so the agreement property above is not vacuous) and leaves others to
/// the walk and the tails.
#[test]
fn all_tails_box_fires_and_declines() {
    let (mut decided, mut open) = (0, 0);
    for (m, drives, horizon) in generated_runs(400, 1..8, 2..16) {
        let mut ws = MixWorkspace::new();
        m.start_full(&drives, horizon, &mut ws);
        match single_box(&m, &drives, horizon, &ws) {
            Some(_) => decided += 1,
            None => open += 1,
        }
    }
    eprintln!("decided {decided} open {open}");
    assert!(decided > 50 && open > 50, "decided {decided}, open {open}");
}

/// The stepped walk decides a good share of the runs that the single
/// all-tails box leaves open (so its agreement property above is not
/// vacuous) both ways, and leaves others to the tails.
#[test]
fn stepped_walk_fires_where_the_single_box_does_not() {
    let (mut below, mut above, mut open) = (0, 0, 0);
    for (m, drives, horizon) in generated_runs(1500, 1..8, 2..16) {
        let mut ws = MixWorkspace::new();
        m.start_full(&drives, horizon, &mut ws);
        let Some(all) = m.all_tails_ranges(&drives, horizon, &ws) else {
            continue;
        };
        if single_box(&m, &drives, horizon, &ws).is_some() {
            continue;
        }
        match m.all_tails_stepped(&drives, horizon, &all, &mut ws) {
            Some(false) => below += 1,
            Some(true) => above += 1,
            None => open += 1,
        }
    }
    eprintln!("below {below} above {above} open {open}");
    assert!(
        below > 20 && above > 20 && open > 20,
        "below {below}, above {above}, open {open}"
    );
}

/// The untruncated run's shortcuts each fire on the generator above
/// (settled below, settled above), and some runs settle by neither and
/// are simulated to H + n, so the look-up property is not vacuous.
#[test]
fn full_run_settles_both_ways_or_runs_to_the_end() {
    let (mut low, mut high, mut open) = (0, 0, 0);
    for (m, drives, horizon) in generated_runs(400, 0..8, 1..16) {
        let mut ws = MixWorkspace::new();
        m.start_full(&drives, horizon, &mut ws);
        let end = horizon + m.rule().lookahead;
        for year in horizon + 1..=end {
            m.full_sustained(year, &mut ws);
        }
        match ws.full_outcome {
            Some(false) => low += 1,
            Some(true) => high += 1,
            None => {
                assert_eq!(ws.full.horizon(), end);
                open += 1;
            }
        }
    }
    eprintln!("low {low} high {high} open {open}");
    assert!(
        low > 100 && high > 10 && open > 10,
        "low {low}, high {high}, open {open}"
    );
}

#[test]
fn fixed_point_stop_fires_and_agrees() {
    // α = 1 and W = 0: the state is f(drive) each year, so it returns to
    // exactly 0 once the inputs are quiet; κ_down = 0 keeps c constant.
    let p = SynergyParams {
        alpha: [1.0; 4],
        kappa_down: 0.0,
        ..Default::default()
    };
    let m = p.validate().expect("valid");
    let drives = [Drive::new(
        Track::Labour,
        Schedule {
            decay: 0.5,
            ..Schedule::new(1, 3)
        },
    )];
    let mut tr = Trajectory::new();
    m.simulate_into(&drives, 12, Some(3), &mut tr);
    assert!(is_stationary(&tr, 5, m.max_lag));
    assert!(!is_stationary(&tr, 4, m.max_lag));
    assert_eq!(
        m.tipping_year(&drives, 10),
        m.tipping_year_reference(&drives, 10)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 20_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// The stepped all-tails walk (shortcut 7) on its own, whenever it
    /// decides, decides every candidate's tail as a full simulation
    /// switched off after t does. More cases than the rest: a mistake in
    /// the late input ranges (say, an impulse left out) only shows where
    /// drift holds every track up and repression pulls one down, which
    /// few generated runs combine (each case takes about 30 µs).
    #[test]
    fn stepped_walk_agrees_with_every_tail((m, drives, last_t, mut ws) in arb_all_tails()) {
        let outcome = m
            .all_tails_ranges(&drives, last_t, &ws)
            .and_then(|all| m.all_tails_stepped(&drives, last_t, &all, &mut ws));
        agrees_with_every_tail(&m, &drives, last_t, outcome)?;
    }
}
