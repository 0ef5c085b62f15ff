//! Property tests: delays, separation without synergy, bounds, and the fast
//! tipping test against the plain definition.
//!
//! Failing cases are not persisted to a file (`failure_persistence: None`):
//! a case worth keeping becomes a named unit test at the end of this file.

use palett_synergy::{
    Channel, Drive, Repression, Schedule, SynergyModel, SynergyParams, TippingRule, Track,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

fn arb_params(max_w: f64) -> impl Strategy<Value = SynergyParams> {
    (
        prop::array::uniform4(prop::array::uniform4(-0.2 * max_w..max_w)),
        prop::array::uniform4(prop::array::uniform4(1u32..4)),
        prop::array::uniform4(0.05f64..=1.0),
        prop::array::uniform4(0.5f64..15.0),
        prop::array::uniform4(0.0f64..1.0),
        prop::array::uniform4(0.0f64..0.3),
        (0.0f64..=1.0, 0.0f64..=1.0, 0.0f64..=0.3, 0.0f64..=1.0),
        prop::array::uniform4(-0.1f64..0.1),
    )
        .prop_map(
            |(mut w, lags, alpha, beta, theta, turnover, (eta, up, down, c0), drift)| {
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
                    kappa_up: up,
                    kappa_down: down,
                    c0,
                    drift,
                    boost: [[0.0; 4]; 4],
                    tipping: TippingRule::MODEL,
                }
            },
        )
}

fn arb_schedule() -> impl Strategy<Value = Schedule> {
    (
        1u32..12,
        0u32..10,
        0.0f64..2.0,
        0.5f64..4.0,
        prop_oneof![Just(1.0), 0.0f64..=1.0],
        0.0f64..5.0,
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
        )
}

fn arb_channel() -> impl Strategy<Value = Channel> {
    prop_oneof![
        4 => (0usize..4).prop_map(|i| Channel::Track(Track::ALL[i])),
        1 => Just(Channel::Communication),
    ]
}

fn arb_drive(with_repression: bool) -> impl Strategy<Value = Drive> {
    let rep = if with_repression {
        prop::option::of((0.0f64..1.5, 0.5f64..4.0)).boxed()
    } else {
        Just(None).boxed()
    };
    (arb_channel(), 0.0f64..2.0, arb_schedule(), rep).prop_map(
        |(channel, weight, schedule, rep)| {
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
        },
    )
}

fn model(p: &SynergyParams) -> SynergyModel {
    p.validate().expect("generated parameters are valid")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// The fast tipping test (shared prefix, look-up, fixed-point stop) gives
    /// exactly the plain definition's answer.
    #[test]
    fn fast_tipping_matches_the_definition(
        p in arb_params(1.2),
        drives in prop::collection::vec(arb_drive(true), 0..6),
        horizon in 1u32..25,
    ) {
        let m = model(&p);
        for d in &drives {
            prop_assert!(d.validate().is_ok());
        }
        prop_assert_eq!(m.tipping_year(&drives, horizon), m.tipping_year_reference(&drives, horizon));
    }

    /// States stay in [−1, 1], coordination in [0, 1], activity in [0, u].
    #[test]
    fn everything_stays_in_range(
        p in arb_params(3.0),
        drives in prop::collection::vec(arb_drive(true), 0..6),
    ) {
        let tr = model(&p).simulate(&drives, 40);
        prop_assert!(tr.states().iter().flatten().all(|x| (-1.0..=1.0).contains(x)));
        prop_assert!(tr.coordination_series().iter().all(|c| (0.0..=1.0).contains(c)));
        for d in &drives {
            let u = d.schedule.intensity;
            for t in 0..45 {
                let (a, b) = (d.schedule.activity(t), d.schedule.delayed(t));
                prop_assert!((0.0..=u).contains(&a) && (0.0..=u + 1e-12).contains(&b));
            }
        }
    }

    /// Raising a delay moves the input later: cumulative delayed activity up
    /// to any year never increases, and the first year any track responds is
    /// never earlier.
    #[test]
    fn longer_delay_never_responds_earlier(
        p in arb_params(1.0),
        drives in prop::collection::vec(arb_drive(false), 1..5),
        which in 0usize..5,
        extra in 0.0f64..4.0,
    ) {
        // No drift, so the state stays exactly at baseline until an effect arrives.
        let p = SynergyParams { drift: [0.0; 4], ..p };
        let m = model(&p);
        let which = which % drives.len();
        let mut later = drives.clone();
        later[which].schedule.delay += extra;
        let (s0, s1) = (&drives[which].schedule, &later[which].schedule);
        let (mut cum0, mut cum1) = (0.0, 0.0);
        for t in 0..40 {
            cum0 += s0.delayed(t);
            cum1 += s1.delayed(t);
            prop_assert!(cum1 <= cum0 + 1e-9, "year {}: {} > {}", t, cum1, cum0);
        }
        let onset = |d: &[Drive]| {
            let tr = m.simulate(d, 40);
            tr.states().iter().position(|x| x.iter().any(|&v| v != 0.0))
        };
        let (o0, o1) = (onset(&drives), onset(&later));
        prop_assert!(o1.unwrap_or(usize::MAX) >= o0.unwrap_or(usize::MAX), "{:?} -> {:?}", o0, o1);
    }

    /// With constant coordination (κ_down = 0, no communication activity) and
    /// no drift the system is time-invariant, so n more years of delay shift
    /// the whole response by exactly n years: every level is reached later.
    #[test]
    fn whole_year_delay_shifts_the_response(
        p in arb_params(1.0),
        drives in prop::collection::vec(arb_drive(false), 1..5),
        shift in 1u32..5,
    ) {
        check_whole_year_delay_shift(p, drives, shift)?;
    }

    /// With W = 0 a track without interventions stays exactly at baseline,
    /// whatever happens elsewhere; with η = 0 too, a track's path depends
    /// only on its own interventions.
    #[test]
    fn no_synergy_no_spillover(
        p in arb_params(1.0),
        drives in prop::collection::vec(arb_drive(true), 0..6),
        track in 0usize..4,
    ) {
        let p = SynergyParams { w: [[0.0; 4]; 4], drift: [0.0; 4], ..p };
        let k = Track::ALL[track];
        let own: Vec<Drive> = drives.iter().copied().filter(|d| d.channel == Channel::Track(k)).collect();
        let others: Vec<Drive> = drives.iter().copied().filter(|d| d.channel != Channel::Track(k)).collect();
        let m = model(&p);
        prop_assert!(m.simulate(&others, 30).track(k).all(|x| x == 0.0));
        let m = model(&SynergyParams { eta: 0.0, ..p });
        prop_assert!(m.simulate(&drives, 30).track(k).eq(m.simulate(&own, 30).track(k)));
    }
}

/// The body of `whole_year_delay_shifts_the_response`, shared with the
/// cases replayed as unit tests below.
fn check_whole_year_delay_shift(
    p: SynergyParams,
    drives: Vec<Drive>,
    shift: u32,
) -> Result<(), TestCaseError> {
    let p = SynergyParams {
        drift: [0.0; 4],
        kappa_down: 0.0,
        ..p
    };
    let m = model(&p);
    let drives: Vec<Drive> = drives
        .into_iter()
        .filter(|d| d.channel != Channel::Communication)
        .collect();
    let later: Vec<Drive> = drives
        .iter()
        .map(|d| {
            let mut d = *d;
            d.schedule.delay += f64::from(shift);
            d
        })
        .collect();
    let (a, b) = (m.simulate(&drives, 40), m.simulate(&later, 40));
    for t in 0..=40u32 {
        let want = if t >= shift { a.x(t - shift) } else { [0.0; 4] };
        // A fractional delay's fraction can differ in the last bit after
        // adding whole years, hence the tolerance.
        for (got, want) in b.x(t).iter().zip(want) {
            prop_assert!(
                (got - want).abs() < 1e-12,
                "year {}: {} vs {}",
                t,
                got,
                want
            );
        }
    }
    Ok(())
}

/// Parameters near the tipping regime: strong positive synergy and lasting
/// coordination, so that many generated programmes tip and many do not.
fn arb_tipping_params() -> impl Strategy<Value = SynergyParams> {
    (
        prop::array::uniform4(prop::array::uniform4(0.3f64..1.2)),
        prop::array::uniform4(prop::array::uniform4(1u32..4)),
        prop::array::uniform4(0.1f64..=1.0),
        prop::array::uniform4(4.0f64..15.0),
        prop::array::uniform4(0.2f64..0.7),
        prop::array::uniform4(0.0f64..0.1),
        (0.0f64..=0.05, 0.5f64..=1.0),
    )
        .prop_map(|(mut w, lags, alpha, beta, theta, turnover, (down, c0))| {
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
                kappa_down: down,
                c0,
                ..Default::default()
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    /// The fast tipping test against the definition where tipping is common.
    #[test]
    fn fast_tipping_matches_the_definition_near_tipping(
        p in arb_tipping_params(),
        drives in prop::collection::vec(arb_drive(true), 1..7),
        horizon in 1u32..25,
    ) {
        let m = model(&p);
        let fast = m.tipping_year(&drives, horizon);
        prop_assert_eq!(fast, m.tipping_year_reference(&drives, horizon));
    }
}

/// The near-tipping generator really exercises both outcomes and the shortcut
/// paths, so the property above is not vacuous.
#[test]
fn near_tipping_generator_covers_both_outcomes() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = (
        arb_tipping_params(),
        prop::collection::vec(arb_drive(true), 1..7),
    );
    let (mut some, mut none) = (0, 0);
    for _ in 0..300 {
        let (p, drives) = strategy.new_tree(&mut runner).expect("strategy").current();
        match model(&p).tipping_year(&drives, 20) {
            Some(_) => some += 1,
            None => none += 1,
        }
    }
    assert!(some >= 30 && none >= 30, "tipped {some}, not tipped {none}");
}

/// A case `whole_year_delay_shifts_the_response` once shrank to, replayed
/// as it was stored: one housing drive with a fractional delay (1.946… years,
/// whose fraction changes in the last bit when a whole year is added), no
/// synergy, coordination 0, a shift of one year.
#[test]
fn whole_year_delay_shift_with_a_fractional_delay_on_housing() {
    let p = SynergyParams {
        w: [[0.0; 4]; 4],
        lags: [[1; 4]; 4],
        alpha: [0.05; 4],
        beta: [0.5; 4],
        theta: [0.0, 0.2977759205181645, 0.0, 0.0],
        turnover: [0.0; 4],
        eta: 0.0,
        kappa_up: 0.0,
        kappa_down: 0.0,
        c0: 0.0,
        drift: [0.0; 4],
        boost: [[0.0; 4]; 4],
        tipping: TippingRule::MODEL,
    };
    let drives = vec![Drive {
        channel: Channel::Track(Track::Housing),
        weight: 0.19334222139130294,
        schedule: Schedule {
            start: 1,
            duration: 3,
            intensity: 1.0644427301520265,
            ramp: 3.208237392610858,
            decay: 1.0,
            delay: 1.946432500118738,
        },
        repression: None,
    }];
    check_whole_year_delay_shift(p, drives, 1).expect("the response shifts by one year");
}
