//! The tipping year (model.md §5): the last year anyone has to keep paying
//! for the change to carry itself.
//!
//! # The plain definition and the shortcuts
//! Year t is self-sustaining if, with every intervention switched off after
//! t, every track is ≥ [`TIPPING_LEVEL`] in year t + [`TIPPING_LOOKAHEAD`].
//! Taken literally that is one simulation of t + 50 years per candidate t.
//! [`SynergyModel::tipping_year_with`] gives bit-for-bit the same answer with
//! three exact shortcuts:
//! 1. **Shared prefix.** Switching off after t changes nothing up to year t
//!    (ā_i(y) and repression for y ≤ t only read activity up to y), so each
//!    candidate starts from the untruncated run's state in year t and
//!    simulates only the 50-year tail.
//! 2. **Nothing left to switch off.** Once t is at or past the last year with
//!    non-zero raw activity of any drive (decay 1 makes activity exactly 0
//!    after the end), the truncated run *is* the untruncated one, so the test
//!    is a look-up of year t + 50 in one run of H + 50 years. With the default
//!    decay 1 this covers every candidate after the programme ends.
//! 3. **Fixed point.** Within a tail, once every input (delayed activity,
//!    communication, repression) is exactly zero for good and the state read
//!    by the next update (the last max-lag + 1 states and c) repeats exactly,
//!    every later year repeats it, so the tail stops. Repression impulses
//!    decay but never reach exactly zero, so a drive with repression disables
//!    this one.
//!
//! Candidates are tried in order and the first success returns, as the
//! definition asks for the first such year.

use std::cell::RefCell;

use crate::{Drive, SynergyModel, Trajectory};

/// The level every track must reach for the change to count as
/// self-sustaining (state units; 0.5 = half way from baseline to the national norm).
pub const TIPPING_LEVEL: f64 = 0.5;

/// How many years after switching everything off the tipping test looks (years).
pub const TIPPING_LOOKAHEAD: u32 = 50;

/// Reusable buffers for [`SynergyModel::tipping_year_with`], so the hot loop
/// allocates nothing once they have grown to the horizon.
#[derive(Debug, Clone, Default)]
pub struct TippingWorkspace {
    full: Trajectory,
    tail: Trajectory,
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
}

thread_local! {
    static WORKSPACE: RefCell<TippingWorkspace> = RefCell::new(TippingWorkspace::new());
}

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
        self.simulate_into(drives, end, None, &mut ws.full);
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
        let stop = Some(t);
        ws.tail.copy_prefix(&ws.full, t);
        let quiet = quiet_from(drives, stop);
        let last = t.saturating_add(TIPPING_LOOKAHEAD);
        for year in t + 1..=last {
            self.step(drives, stop, &mut ws.tail, year);
            if quiet.is_some_and(|q| u64::from(year) >= q)
                && is_stationary(&ws.tail, year, self.max_lag)
            {
                break;
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
            crate::Channel::Communication => last.saturating_add(1),
            crate::Channel::Track(_) => d.schedule.delayed_quiet_from(last),
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
    use crate::{Channel, Repression, Schedule, SynergyParams, Track};

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
