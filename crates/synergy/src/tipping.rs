//! The tipping year (model.md §5): the last year anyone has to keep paying
//! for the change to carry itself.
//!
//! # The plain definition and the shortcuts
//! Year t is self-sustaining if, with every intervention switched off after
//! t, every track is ≥ [`TIPPING_LEVEL`] in year t + [`TIPPING_LOOKAHEAD`].
//! Taken literally that is one simulation of t + 50 years per candidate t.
//! [`SynergyModel::tipping_year_with`] gives bit-for-bit the same answer with
//! these exact shortcuts:
//! 1. **Precomputed inputs.** Each drive's delayed activity ā_i(y) and
//!    impulse u·J_i(y) are evaluated once per call for y = 0..=H + 50 and
//!    summed per track and year (drift first, then the drives in order,
//!    exactly as `SynergyModel::inputs_at` sums them), so an update does no
//!    per-drive work. A tail's truncated inputs follow from the untruncated
//!    series: ā_i(y) is unchanged while y − ⌊δ_i⌋ ≤ t, is the plain formula
//!    for the one year that straddles t, and the interpolation of two zeros
//!    after that; the impulse is unchanged if the drive started by t and 0
//!    otherwise; communication is exactly 0 after t.
//! 2. **Shared prefix.** Switching off after t changes nothing up to year t
//!    (ā_i(y) and repression for y ≤ t only read activity up to y), so each
//!    candidate starts from the untruncated run's state in year t and
//!    simulates only the 50-year tail.
//! 3. **Nothing left to switch off.** Once t is at or past the last year with
//!    non-zero raw activity of any drive (decay 1 makes activity exactly 0
//!    after the end), the truncated run *is* the untruncated one, so the test
//!    is a look-up of year t + 50 in one run of H + 50 years. With the default
//!    decay 1 this covers every candidate after the programme ends.
//! 4. **Fixed point.** Within a tail, once every input (delayed activity,
//!    communication, repression) is exactly zero for good and the state read
//!    by the next update (the last max-lag + 1 states and c) repeats exactly,
//!    every later year repeats it, so the tail stops. Repression impulses
//!    decay but never reach exactly zero, so a drive with repression disables
//!    this one.
//! 5. **Invariant box.** A few years into a tail (years 2, 6, 14, 30), the
//!    tail stops if a box around the recent states provably holds every later
//!    state and lies below 0.5 in some track (not sustained) or at or above
//!    0.5 in all (sustained). The proof is interval arithmetic over the
//!    ranges of the remaining inputs, widened far beyond rounding error; see
//!    the `bounds` module. It assumes no monotonicity of the outcome in t or
//!    in the inputs, only that the response rises with the drive.
//!
//! Candidates are tried in order and the first success returns, as the
//! definition asks for the first such year.

use std::cell::RefCell;

use crate::bounds::{Remaining, settled};
use crate::schedule::interpolate;
use crate::{Channel, Drive, SynergyModel, Trajectory};

/// The level every track must reach for the change to count as
/// self-sustaining (state units; 0.5 = half way from baseline to the national norm).
pub const TIPPING_LEVEL: f64 = 0.5;

/// How many years after switching everything off the tipping test looks (years).
pub const TIPPING_LOOKAHEAD: u32 = 50;

/// Reusable buffers for [`SynergyModel::tipping_year_with`], so the hot loop
/// allocates nothing once they have grown to the horizon and the number of
/// drives.
#[derive(Debug, Clone, Default)]
pub struct TippingWorkspace {
    full: Trajectory,
    tail: Trajectory,
    /// Per drive (drive-major, `len` = H + 51 entries each), years 0..=H + 50:
    /// the untruncated delayed activity ā_i(y) of a track drive, or the raw
    /// activity a_i(y) of a communication drive.
    activity: Vec<f64>,
    /// Per drive, same layout: the untruncated repression impulse u·J_i(y)
    /// (0 without repression).
    impulse: Vec<f64>,
    /// Per year 0..=H + 50: drift + Σ (w ā − J) per track, in drive order.
    inputs: Vec<[f64; 4]>,
    /// Per year 0..=H + 50: Σ a_i(y) over communication drives, in drive order.
    talk: Vec<f64>,
    /// The same per-track sums for the years of one tail, with every drive
    /// switched off after the candidate year.
    tail_inputs: Vec<[f64; 4]>,
    /// Raw activity a_i(y) of the drive being prepared, years 0..=H + 50.
    raw: Vec<f64>,
}

impl TippingWorkspace {
    /// Empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// After [`SynergyModel::tipping_year_with`]: the untruncated trajectory
    /// for years 0..=H + 50. Its first H years equal
    /// [`SynergyModel::simulate`] to H, so a caller can reuse it instead of
    /// simulating again.
    pub fn trajectory(&self) -> &Trajectory {
        &self.full
    }

    /// Evaluates every drive once per year 0..=`end` and sums the inputs per
    /// year, exactly as `SynergyModel::inputs_at` would (same terms, same
    /// order), so that neither the full run nor the tails evaluate a schedule
    /// per step.
    fn prepare(&mut self, model: &SynergyModel, drives: &[Drive], end: u32) {
        let len = end as usize + 1;
        let n = drives.len();
        self.activity.clear();
        self.activity.resize(n * len, 0.0);
        self.impulse.clear();
        self.impulse.resize(n * len, 0.0);
        self.inputs.clear();
        self.inputs.resize(len, model.p.drift);
        self.talk.clear();
        self.talk.resize(len, 0.0);
        for (i, d) in drives.iter().enumerate() {
            let act = &mut self.activity[i * len..(i + 1) * len];
            match d.channel {
                Channel::Communication => {
                    for (y, (a, talk)) in act.iter_mut().zip(&mut self.talk).enumerate() {
                        *a = d.schedule.activity_at(y as i64, None);
                        *talk += *a;
                    }
                }
                Channel::Track(k) => {
                    let k = k.index();
                    // ā from the raw series, exactly as `delayed_at` reads it
                    // (same reads, same interpolation), without re-deriving
                    // the delay's parts and the activity every year.
                    self.raw.clear();
                    self.raw
                        .extend((0..len).map(|b| d.schedule.activity_at(b as i64, None)));
                    let raw = &self.raw;
                    let a_at = |b: i64| match usize::try_from(b) {
                        Ok(b) if b < len => raw[b],
                        _ => d.schedule.activity_at(b, None),
                    };
                    let (whole, frac) = d.schedule.delay_parts();
                    let imp = &mut self.impulse[i * len..(i + 1) * len];
                    let rows = act.iter_mut().zip(imp).zip(&mut self.inputs);
                    for (y, ((a, j), input)) in rows.enumerate() {
                        let t = y as i64;
                        let base = t.saturating_sub(whole);
                        *a = interpolate(frac, a_at(base), || a_at(base.saturating_sub(1)));
                        *j = d.repression_at(t, None);
                        input[k] += d.weight * *a - *j;
                    }
                }
            }
        }
    }

    /// Fills `tail_inputs` for the years t + 1..=t + 50 of the world switched
    /// off after `t`, from the untruncated series. Truncation only changes
    /// what a drive reads after t: ā_i(y) reads a_i(y − ⌊δ⌋) and a_i(y − ⌊δ⌋ − 1),
    /// so it is the untruncated value while y − ⌊δ⌋ ≤ t, the plain formula for
    /// the one year that straddles t, and the interpolation of two zeros
    /// after that; the impulse is the untruncated one if the drive started by
    /// t and 0 otherwise. The terms are then summed as in
    /// `SynergyModel::inputs_at`. Communication contributes nothing to the
    /// track inputs and its raw activity is exactly 0 after t, so a tail's
    /// communication sum is 0.
    fn fill_tail_inputs(&mut self, model: &SynergyModel, drives: &[Drive], t: u32) {
        let len = self.inputs.len();
        let stop = i64::from(t);
        self.tail_inputs.clear();
        self.tail_inputs
            .resize(TIPPING_LOOKAHEAD as usize, model.p.drift);
        for (i, d) in drives.iter().enumerate() {
            let Channel::Track(k) = d.channel else {
                continue;
            };
            let k = k.index();
            let act = &self.activity[i * len..(i + 1) * len];
            let imp = &self.impulse[i * len..(i + 1) * len];
            let applies = d.repression_applies(Some(t));
            let (shift, frac) = d.schedule.delay_parts();
            let after_stop = interpolate(frac, 0.0, || 0.0);
            let mut abar = [after_stop; TIPPING_LOOKAHEAD as usize];
            for (j, a) in abar.iter_mut().enumerate() {
                let y = stop + 1 + j as i64;
                let base = y.saturating_sub(shift);
                if base <= stop {
                    *a = act[y as usize];
                } else if base.saturating_sub(1) <= stop {
                    *a = d.schedule.delayed_at(y, Some(t));
                } else {
                    // base never falls as y grows: every later year reads
                    // only activity after t.
                    break;
                }
            }
            let first = t as usize + 1;
            let imp = &imp[first..first + abar.len()];
            let w = d.weight;
            let rows = self.tail_inputs.iter_mut().zip(abar).zip(imp);
            if applies {
                rows.for_each(|((input, a), r)| input[k] += w * a - r);
            } else {
                rows.for_each(|((input, a), _)| input[k] += w * a - 0.0);
            }
        }
    }

    /// The ranges the box test needs after tail year `j` (0-based), whose
    /// coordination is `c_now`: the inputs `tail_inputs[j + 1..]` of the
    /// remaining updates, and [0, c_now] for the coordination they read.
    /// Without communication c only falls: c + κ_up·0·(1 − c) − κ_down·c
    /// rounds to at most c (κ_down·c ≥ 0) and the clamp keeps it ≥ 0, so
    /// [0, c_now] holds every later value, as computed. `None` if any input
    /// is not finite: the test is then skipped.
    fn remaining(&self, j: usize, c_now: f64) -> Option<Remaining> {
        let later = &self.tail_inputs[j + 1..];
        let mut r = Remaining {
            s_lo: later[0],
            s_hi: later[0],
            c_lo: 0.0,
            c_hi: c_now,
        };
        let mut finite = (0.0..=1.0).contains(&c_now);
        for input in later {
            for (k, &v) in input.iter().enumerate() {
                finite &= v.is_finite();
                r.s_lo[k] = r.s_lo[k].min(v);
                r.s_hi[k] = r.s_hi[k].max(v);
            }
        }
        finite.then_some(r)
    }
}

thread_local! {
    static WORKSPACE: RefCell<TippingWorkspace> = RefCell::new(TippingWorkspace::new());
}

/// The tail year (0-based) of the first invariant-box test; later tests
/// follow at 2j + 2 (years 2, 6, 14, 30). Any schedule is exact: it only
/// decides how early a settled tail stops.
const FIRST_CHECK: usize = 2;

fn sustained(x: &[f64; 4]) -> bool {
    x.iter().all(|&v| v >= TIPPING_LEVEL)
}

impl SynergyModel {
    /// The tipping year (model.md §5): the first t in 1..=`horizon` such that
    /// switching every intervention off after t leaves every track ≥ 0.5 in
    /// year t + 50; `None` if there is none.
    ///
    /// Uses a per-thread [`TippingWorkspace`], so it does not allocate after
    /// the first call on a thread at a given horizon.
    pub fn tipping_year(&self, drives: &[Drive], horizon: u32) -> Option<u32> {
        WORKSPACE.with(|ws| match ws.try_borrow_mut() {
            Ok(mut ws) => self.tipping_year_with(drives, horizon, &mut ws),
            // Only reachable by re-entry, which this crate never does; stay correct anyway.
            Err(_) => self.tipping_year_with(drives, horizon, &mut TippingWorkspace::new()),
        })
    }

    /// [`SynergyModel::tipping_year`] with caller-owned buffers. Afterwards
    /// `ws` holds the untruncated trajectory to `horizon` + 50 (see
    /// [`TippingWorkspace::trajectory`]).
    pub fn tipping_year_with(
        &self,
        drives: &[Drive],
        horizon: u32,
        ws: &mut TippingWorkspace,
    ) -> Option<u32> {
        let end = horizon.saturating_add(TIPPING_LOOKAHEAD);
        ws.prepare(self, drives, end);
        ws.full.reset(end, self.p.c0);
        for year in 1..=end {
            let y = year as usize;
            self.advance(&ws.inputs[y], ws.talk[y], &mut ws.full, year);
        }
        let last_activity = drives
            .iter()
            .map(|d| d.schedule.last_nonzero_year(None))
            .max()
            .unwrap_or(0);
        (1..=horizon).find(|&t| {
            if u64::from(t) >= last_activity {
                sustained(&ws.full.x(t.saturating_add(TIPPING_LOOKAHEAD)))
            } else {
                self.tail_sustained(drives, t, ws)
            }
        })
    }

    /// Whether switching off after `t` leaves every track ≥ 0.5 in year t + 50,
    /// simulating the tail from the untruncated run's year `t`.
    fn tail_sustained(&self, drives: &[Drive], t: u32, ws: &mut TippingWorkspace) -> bool {
        ws.fill_tail_inputs(self, drives, t);
        ws.tail.copy_prefix(&ws.full, t);
        let quiet = quiet_from(drives, Some(t));
        let lags = self.max_lag as usize;
        let n = ws.tail_inputs.len();
        let mut next_check = FIRST_CHECK;
        for j in 0..n {
            let year = t + 1 + j as u32;
            self.advance(&ws.tail_inputs[j], 0.0, &mut ws.tail, year);
            if quiet.is_some_and(|q| u64::from(year) >= q)
                && is_stationary(&ws.tail, year, self.max_lag)
            {
                break;
            }
            // Every remaining update reads only the window of the last
            // max-lag states (none from a year ≤ 0 once year ≥ max-lag).
            let y = year as usize;
            if j == next_check && j + 1 < n && y >= lags {
                // A failed test costs a few updates: test less and less often.
                next_check = 2 * next_check + 2;
                let window = &ws.tail.x[y + 1 - lags..=y];
                if let Some(rem) = ws.remaining(j, ws.tail.c[y])
                    && let Some(outcome) = settled(self, window, &rem)
                {
                    return outcome;
                }
            }
        }
        sustained(ws.tail.x.last().unwrap_or(&[0.0; 4]))
    }

    /// The tipping year by the plain definition of model.md §5: one full
    /// simulation of t + 50 years per candidate t, no shortcuts. Slow; it is
    /// the reference the fast path is tested against.
    pub fn tipping_year_reference(&self, drives: &[Drive], horizon: u32) -> Option<u32> {
        let mut traj = Trajectory::new();
        (1..=horizon).find(|&t| {
            let end = t.saturating_add(TIPPING_LOOKAHEAD);
            self.simulate_into(drives, end, Some(t), &mut traj);
            sustained(&traj.x(end))
        })
    }
}

/// The first year from which every input of the update is exactly zero for
/// good when all activity stops after `stop_after`; `None` if never (a
/// repression impulse under way, or activity that decays without reaching 0).
fn quiet_from(drives: &[Drive], stop_after: Option<u32>) -> Option<u64> {
    let mut quiet = 0u64;
    for d in drives {
        if d.repression_never_quiet(stop_after) {
            return None;
        }
        let last = d.schedule.last_nonzero_year(stop_after);
        let q = match d.channel {
            Channel::Communication => last.saturating_add(1),
            Channel::Track(_) => d.schedule.delayed_quiet_from(last),
        };
        quiet = quiet.max(q);
    }
    (quiet != u64::MAX).then_some(quiet)
}

/// Whether everything the update for `year + 1` reads (states of years
/// year − max_lag + 1 ..= year and c(year)) equals what the update for `year`
/// read, so that with unchanged inputs it reproduces year `year` for ever.
fn is_stationary(traj: &Trajectory, year: u32, max_lag: u32) -> bool {
    let y = year as usize;
    let l = max_lag as usize;
    if y <= l || traj.c[y] != traj.c[y - 1] {
        return false;
    }
    let now = traj.x[y];
    traj.x[y - l..y].iter().all(|x| *x == now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Repression, Schedule, SynergyParams, Track};
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
        let end = t + TIPPING_LOOKAHEAD;
        let mut tr = Trajectory::new();
        m.simulate_into(drives, end, Some(t), &mut tr);
        sustained(&tr.x(end))
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

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

        /// Every candidate's tail (precomputed truncated inputs, fixed-point
        /// stop, invariant-box exit) agrees with a full simulation switched
        /// off after t, not only the first success; and the workspace's
        /// untruncated run is bit for bit `simulate` to H + 50.
        #[test]
        fn every_tail_matches_a_full_simulation(
            p in arb_params(),
            drives in prop::collection::vec(arb_drive(), 0..8),
            horizon in 1u32..16,
        ) {
            let m = p.validate().expect("valid");
            let mut ws = TippingWorkspace::new();
            let tip = m.tipping_year_with(&drives, horizon, &mut ws);
            let full = m.simulate(&drives, horizon + TIPPING_LOOKAHEAD);
            prop_assert_eq!(ws.trajectory(), &full);
            for t in 1..=horizon {
                let want = plain_sustained(&m, &drives, t);
                prop_assert_eq!(m.tail_sustained(&drives, t, &mut ws), want, "t = {}", t);
            }
            prop_assert_eq!(tip, m.tipping_year_reference(&drives, horizon));
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
            let mut ws = TippingWorkspace::new();
            m.tipping_year_with(&drives, 12, &mut ws);
            for t in 1..12 {
                ws.fill_tail_inputs(&m, &drives, t);
                ws.tail.copy_prefix(&ws.full, t);
                for j in 0..TIPPING_LOOKAHEAD as usize - 1 {
                    let year = t + 1 + j as u32;
                    m.advance(&ws.tail_inputs[j], 0.0, &mut ws.tail, year);
                    let y = year as usize;
                    let lags = m.max_lag as usize;
                    if y < lags {
                        continue;
                    }
                    let window = &ws.tail.x[y + 1 - lags..=y];
                    if let Some(rem) = ws.remaining(j, ws.tail.c[y]) {
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
}
