//! The behaviours brief.md asks the synergy model to express, one test each.

use palett_synergy::{
    Channel, Drive, MixWorkspace, Repression, Schedule, SynergyModel, SynergyParams, TippingRule,
    Track, Trajectory,
};

/// Strong, symmetric synergy (0.8 between every pair of tracks), a sharp
/// threshold (β = 10, θ = 0.5), full and lasting coordination: bistable,
/// with a stable baseline (spectral radius 0.75) and a stable high state.
fn strong_synergy() -> SynergyParams {
    let mut p = SynergyParams::default();
    for j in 0..4 {
        for k in 0..4 {
            if j != k {
                p.w[j][k] = 0.8;
            }
        }
    }
    p.beta = [10.0; 4];
    p.c0 = 1.0;
    p.kappa_down = 0.0;
    p
}

fn model(p: &SynergyParams) -> SynergyModel {
    p.validate().expect("test parameters are valid")
}

/// The same programme on every track: `years` years from `start` at intensity `u`.
fn all_tracks(start: u32, years: u32, u: f64) -> Vec<Drive> {
    Track::ALL
        .iter()
        .map(|&k| {
            Drive::new(
                k,
                Schedule {
                    intensity: u,
                    ..Schedule::new(start, years)
                },
            )
        })
        .collect()
}

fn peak_sum(t: &Trajectory) -> f64 {
    Track::ALL
        .iter()
        .map(|&k| t.track(k).fold(f64::MIN, f64::max))
        .sum()
}

const H: u32 = 60;

#[test]
fn critical_mass_has_a_flipping_intensity() {
    let m = model(&strong_synergy());
    let tips = |u: f64| {
        let tr = m.simulate(&all_tracks(1, 5, u), H);
        tr.x(H).iter().all(|&x| x >= 0.5)
    };
    let (mut lo, mut hi) = (0.0, 2.0);
    assert!(!tips(lo) && tips(hi));
    for _ in 0..50 {
        let mid = 0.5 * (lo + hi);
        if tips(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let flip = hi;
    assert!(flip > 0.05 && flip < 1.0, "flipping intensity {flip}");

    // Just below: a real response while the programme runs, then it fades
    // back to the baseline once it has ended (year 5).
    let below = all_tracks(1, 5, flip - 1e-3);
    let tr = m.simulate(&below, H);
    assert!(tr.x(5).iter().all(|&x| x > 0.05), "{:?}", tr.x(5));
    assert!(tr.x(H).iter().all(|&x| x.abs() < 1e-3), "{:?}", tr.x(H));
    assert_eq!(m.tipping_year(&below, 30), None);

    // Just above: it tips and stays high long after every intervention stopped.
    let above = all_tracks(1, 5, flip + 1e-3);
    let tr = m.simulate(&above, H);
    assert!(tr.x(H).iter().all(|&x| x > 0.99), "{:?}", tr.x(H));
    let tip = m.tipping_year(&above, 30);
    assert!(matches!(tip, Some(1..=5)), "{tip:?}");
    assert_eq!(tip, m.tipping_year_reference(&above, 30));
}

#[test]
fn together_beats_apart_only_with_coordination() {
    let coordinated = model(&strong_synergy());
    let stovepipes = model(&SynergyParams {
        c0: 0.0,
        ..strong_synergy()
    });
    // Same total activity: 3 years on each track, all at once or one after another.
    let apart_at = |u: f64| -> Vec<Drive> {
        Track::ALL
            .iter()
            .map(|&k| {
                let start = 1 + 3 * k.index() as u32;
                Drive::new(
                    k,
                    Schedule {
                        intensity: u,
                        ..Schedule::new(start, 3)
                    },
                )
            })
            .collect()
    };
    // Modest intensity: together tips, apart never does.
    let (together, apart) = (all_tracks(1, 3, 0.3), apart_at(0.3));
    let (a, b) = (
        coordinated.simulate(&together, H),
        coordinated.simulate(&apart, H),
    );
    assert!(a.x(H).iter().all(|&x| x > 0.99) && b.x(H).iter().all(|&x| x < 0.01));
    assert!(coordinated.tipping_year(&together, 30).is_some());
    assert_eq!(coordinated.tipping_year(&apart, 30), None);
    // Stronger: both tip, together earlier.
    let (together, apart) = (all_tracks(1, 3, 0.5), apart_at(0.5));
    let (ty, ay) = (
        coordinated.tipping_year(&together, 30),
        coordinated.tipping_year(&apart, 30),
    );
    assert!(
        matches!((ty, ay), (Some(t), Some(a)) if t < a),
        "{ty:?} {ay:?}"
    );

    // Stovepipes (c = 0): each track sees only its own programme, so the
    // timing is irrelevant: the same peaks, no tipping either way.
    for u in [0.3, 0.5, 1.0] {
        let (a, b) = (
            stovepipes.simulate(&all_tracks(1, 3, u), H),
            stovepipes.simulate(&apart_at(u), H),
        );
        assert!((peak_sum(&a) - peak_sum(&b)).abs() < 1e-12);
        assert_eq!(stovepipes.tipping_year(&all_tracks(1, 3, u), 30), None);
        assert_eq!(stovepipes.tipping_year(&apart_at(u), 30), None);
    }
}

#[test]
fn repression_makes_safety_worse_before_better() {
    let m = model(&SynergyParams::default());
    let mut police = Drive::new(
        Track::Safety,
        Schedule {
            delay: 2.0,
            ..Schedule::new(1, 10)
        },
    );
    police.repression = Some(Repression {
        height: 1.0,
        time_to_peak: 2.0,
    });
    let tr = m.simulate(&[police], 20);
    let safety: Vec<f64> = tr.track(Track::Safety).collect();
    let first_down = safety
        .iter()
        .position(|&x| x < 0.0)
        .expect("dips below baseline");
    let first_up = safety
        .iter()
        .position(|&x| x > 0.0)
        .expect("rises above baseline");
    assert!(first_down < first_up, "{safety:?}");
    assert!(safety[10] > 0.5, "{safety:?}");
    // Without the impulse it never dips.
    let calm = Drive {
        repression: None,
        ..police
    };
    assert!(
        m.simulate(&[calm], 20)
            .track(Track::Safety)
            .all(|x| x >= 0.0)
    );
}

#[test]
fn happiness_paradox_turnover_erodes_unless_housing_is_high() {
    // A self-sustaining loop between school, labour and safety; housing is
    // outside the loop but keeps residents in the area.
    let mut p = SynergyParams {
        beta: [10.0; 4],
        c0: 1.0,
        kappa_down: 0.0,
        ..Default::default()
    };
    let loop_tracks = [Track::School, Track::Labour, Track::Safety];
    for j in loop_tracks {
        for k in loop_tracks {
            if j != k {
                p.w[j.index()][k.index()] = 0.8;
            }
        }
    }
    let programme: Vec<Drive> = loop_tracks
        .iter()
        .map(|&k| Drive::new(k, Schedule::new(1, 10)))
        .collect();
    let mut with_housing = programme.clone();
    with_housing.push(Drive::new(
        Track::Housing,
        Schedule {
            intensity: 2.0,
            ..Schedule::new(1, H)
        },
    ));

    let no_drain = model(&p);
    // Turnover drains the resident-based tracks; the housing track (the
    // landlord's side) is what holds people, so it has no drain of its own here.
    let drained = model(&SynergyParams {
        turnover: [0.5, 0.0, 0.5, 0.5],
        ..p
    });
    let school = |m: &SynergyModel, d: &[Drive], t: u32| m.simulate(d, H).state(t, Track::School);

    // Without turnover the area stays high after the programme.
    assert!(school(&no_drain, &programme, H) > 0.95);
    // With turnover it falls after the programme ends (year 10) ...
    assert!(school(&drained, &programme, 10) > 0.3);
    assert!(school(&drained, &programme, H) < 0.01);
    assert!(school(&drained, &programme, 15) < school(&drained, &programme, 10));
    // ... unless the housing track is kept high.
    assert!(drained.simulate(&with_housing, H).state(H, Track::Housing) > 0.9);
    assert!(school(&drained, &with_housing, H) > 0.9);
}

#[test]
fn zero_synergy_keeps_tracks_separate() {
    let p = SynergyParams {
        c0: 1.0,
        kappa_down: 0.0,
        ..Default::default()
    };
    let m = model(&p);
    let school = Drive::new(
        Track::School,
        Schedule {
            ramp: 3.0,
            delay: 1.5,
            ..Schedule::new(2, 6)
        },
    );
    let labour = Drive::new(Track::Labour, Schedule::new(4, 3));
    let talk = Drive::new(Channel::Communication, Schedule::new(1, 10));
    let both = m.simulate(&[school, labour, talk], 30);
    assert!(both.track(Track::Housing).all(|x| x == 0.0));
    assert!(both.track(Track::Safety).all(|x| x == 0.0));
    assert!(both.track(Track::School).any(|x| x > 0.1));
    let alone = m.simulate(&[school], 30);
    assert!(both.track(Track::School).eq(alone.track(Track::School)));
}

#[test]
fn run_mix_returns_the_trajectory_and_the_tipping_year() {
    let m = model(&strong_synergy());
    let drives = all_tracks(2, 4, 0.4);
    let mut ws = MixWorkspace::new();
    // A run before, in the same workspace, leaves nothing behind.
    m.run_mix(&all_tracks(1, 9, 1.0), 30, &mut ws);
    let run = m.run_mix(&drives, 20, &mut ws);
    assert_eq!(run.tipping_year, m.tipping_year(&drives, 20));
    assert_eq!(run.tipping_year, m.tipping_year_reference(&drives, 20));
    assert!(run.tipping_year.is_some());
    assert_eq!(run.trajectory, &m.simulate(&drives, 20));
}

#[test]
fn the_tipping_rule_sets_the_test() {
    // Below the flipping intensity the tracks rise while the programme runs
    // and fade once it has ended: model.md's rule finds no tipping year, a
    // rule that looks three years ahead and asks for 0.05 counts the rise.
    let drives = all_tracks(1, 5, 0.2);
    let with = |lookahead, level| {
        model(&SynergyParams {
            tipping: TippingRule { lookahead, level },
            ..strong_synergy()
        })
    };
    assert_eq!(with(50, 0.5).tipping_year(&drives, 30), None);
    let short = with(3, 0.05);
    assert_eq!(short.tipping_year(&drives, 30), Some(5));
    assert_eq!(short.tipping_year_reference(&drives, 30), Some(5));
}

#[test]
fn tipping_needs_every_track() {
    // Three tracks tip each other; safety has no synergy link and no programme.
    let mut p = strong_synergy();
    for j in 0..4 {
        p.w[j][3] = 0.0;
        p.w[3][j] = 0.0;
    }
    let m = model(&p);
    let drives = all_tracks(1, 5, 1.0);
    let tr = m.simulate(&drives, H);
    assert!(tr.x(H)[..3].iter().all(|&x| x > 0.99) && tr.x(H)[3] < 0.01);
    assert_eq!(m.tipping_year(&drives, 30), None);
    // Keep safety going to the end of the horizon and still no tipping:
    // switching it off after any year within the horizon lets it fade.
    let mut more = drives.clone();
    more[3].schedule.duration = 30;
    assert_eq!(m.tipping_year(&more, 30), None);
    assert_eq!(m.tipping_year_reference(&more, 30), None);
}
