//! The run of a mix: its trajectory to the horizon and its tipping year
//! (model.md §5), computed together — or the trajectory alone
//! ([`SynergyModel::trajectory`]) where no tipping year is read.
//!
//! The tipping year is defined in [`definition`]: the first year t after
//! which, with every intervention switched off, every track is at or above
//! the level L = [`TippingRule::level`] in year t + n, n =
//! [`TippingRule::lookahead`]. Taken literally that is one simulation of
//! t + n years per candidate t. [`SynergyModel::run_mix`] gives bit for bit
//! the same answer, and the untruncated trajectory to H on the way, with
//! these exact shortcuts:
//!
//! 1. **Precomputed inputs** ([`series`]). Each drive's delayed activity
//!    ā_i(y) and impulse u·J_i(y) are evaluated once per run for
//!    y = 0..=H + n (or copied from a cache of recent drives) and summed per
//!    track and year in the order `SynergyModel::inputs_at` sums them, so an
//!    update does no per-drive work and the sums are the same numbers.
//! 2. **Shared prefix** ([`tails`]). Switching off after t changes nothing up
//!    to year t, so each candidate starts from the untruncated run's state in
//!    year t and simulates only its n-year tail. A tail's inputs follow from
//!    the untruncated series.
//! 3. **Nothing left to switch off** ([`full`]). From the last year with
//!    non-zero raw activity of any drive on, the truncated run is the
//!    untruncated one, so the test is a look-up of year t + n in the
//!    untruncated run, which is simulated past H only as far as look-ups
//!    need.
//! 4. **Fixed point.** Once every input is exactly zero for good and the
//!    state the next update reads (the last max-lag + 1 states and c)
//!    repeats exactly, every later year repeats it: a tail or the untruncated
//!    run stops there. Repression impulses never reach exactly zero, so a
//!    drive with repression disables this one.
//! 5. **Invariant box** (the `bounds` module). A few years into a tail, or
//!    past H in the untruncated run, the simulation stops if a box around
//!    the recent states provably holds every later state and lies below L in
//!    some track (not sustained) or at or above L in every track
//!    (sustained).
//! 6. **One box for every tail** ([`tails`]). Before any tail is simulated,
//!    one invariant box is tried for the tails of all candidates that need
//!    one; if it lies below L in some track, no tail is sustained and only
//!    the look-ups of shortcut 3 remain.
//! 7. **One walk for every tail** ([`tails`]). If no single box holds
//!    them all, the tails of all those candidates are followed together,
//!    one box per tail year (interval arithmetic, with each year's input
//!    and coordination ranges over the candidates), until a box proves
//!    that some track stays below L in all of them (or every track above
//!    it) or the look-ahead ends undecided.
//!
//! The answer is the smallest sustained candidate, as the definition asks
//! for the first such year. Candidates that need a tail of their own are
//! simulated two at a time, side by side ([`tails`]): each tail exactly as
//! alone, in rising order, no later candidate started once one is
//! sustained; the two update chains overlap in the processor, which makes
//! two tails cost about 1.6 × one.

mod definition;
mod full;
mod series;
mod tails;
#[cfg(test)]
mod tests;

use std::cell::RefCell;

pub use definition::TippingRule;

use crate::bounds::Remaining;
use crate::{Drive, SynergyModel, Trajectory};

use series::SeriesCache;

/// How many years past the first look-up candidate the untruncated run is
/// asked about before the tails' walk (see `search_tipping_year`).
const PROBE_YEARS: u32 = 10;

/// What [`SynergyModel::run_mix`] produced for one mix: its trajectory to
/// the horizon and its tipping year. Borrows the trajectory from the
/// [`MixWorkspace`] it ran in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MixRun<'w> {
    /// Track states x_k(t) and coordination c(t) for years 0..=H, bit for
    /// bit [`SynergyModel::simulate`]'s.
    pub trajectory: &'w Trajectory,
    /// The tipping year (model.md §5): the first t in 1..=H after which
    /// switching everything off leaves every track at or above the rule's
    /// level the rule's look-ahead later; `None` if there is none.
    pub tipping_year: Option<u32>,
}

/// Reusable buffers for [`SynergyModel::run_mix`]: once they have grown to
/// the horizon and the number of drives, a run allocates nothing.
#[derive(Debug, Clone, Default)]
pub struct MixWorkspace {
    // The full run (`full`).
    /// The untruncated run: years 0..=H, and past H as far as the look-ups
    /// needed (truncated to H when the run returns).
    full: Trajectory,
    /// The horizon H of the current run.
    horizon: u32,
    /// Once settled (by the invariant box or the fixed point): whether every
    /// state of the untruncated run after its last computed year, up to
    /// H + n, is sustained. `None` while it is not known.
    full_outcome: Option<bool>,
    /// The year of the untruncated run at which the next box test is due
    /// (years H, H + 2, H + 6, H + 14, H + 30, …).
    full_next_check: usize,

    // The precomputed inputs (`series`).
    /// Per drive (drive-major, `len` = H + n + 1 entries each), years
    /// 0..=H + n: the untruncated delayed activity ā_i(y) of a track drive,
    /// or the raw activity a_i(y) of a communication drive.
    activity: Vec<f64>,
    /// Per drive, same layout: the untruncated repression impulse u·J_i(y)
    /// (0 without repression).
    impulse: Vec<f64>,
    /// Per year 0..=H + n: drift + Σ (w ā − J) per track, in drive order.
    inputs: Vec<[f64; 4]>,
    /// Per year 0..=H + n: Σ a_i(y) over communication drives, in drive order.
    talk: Vec<f64>,
    /// Raw activity a_i(y) of the drive being prepared, years 0..=H + n.
    raw: Vec<f64>,
    /// Each recent drive's activity and impulse series, so that a drive
    /// that appears in several runs (an intervention in several mixes of
    /// one sample) is evaluated once.
    series: SeriesCache,

    // The tails (`tails`).
    /// Per lane of the tail search (`tails::LANES`): the run switched off
    /// after that lane's candidate.
    tail: [Trajectory; tails::LANES],
    /// Per lane: the per-track input sums for the years of its tail, with
    /// every drive switched off after the lane's candidate year.
    tail_inputs: [Vec<[f64; 4]>; tails::LANES],
    /// Per year (valid from `late_from` on): the tail inputs of a year in
    /// which every drive's delayed activity already reads only switched-off
    /// years, for the repression pattern `late_applies`. Such a year's inputs
    /// depend on the candidate t only through which repression drives have
    /// started by t, so most of a tail is a copy of this series instead of a
    /// per-drive sum.
    late: Vec<[f64; 4]>,
    /// The first year `late` holds; `usize::MAX` at the start of a run
    /// (nothing built yet).
    late_from: usize,
    /// Per drive: whether its repression impulse counts in `late` (it has
    /// repression and started by the candidate year).
    late_applies: Vec<bool>,
    /// Shortcut 7's boxes, one per tail year (lo, hi), after max-lag boxes
    /// for the years before the tails.
    boxes: Vec<[[f64; 4]; 2]>,
    /// Shortcut 7's input ranges (lo, hi per track) for tail year
    /// `head + i` and every later one.
    late_span: Vec<[[f64; 4]; 2]>,
    /// Per track drive with repression (drive, track), the running
    /// (min, max) impulse while `late_span` is built.
    late_extremes: Vec<(usize, usize, [f64; 2])>,
    /// The tail year at which the next tail is first tested by the box: the
    /// year the last tail of this run settled in (neighbouring candidates
    /// tend to settle alike), later if it ran its whole length. Only steers
    /// when tails are tested, never the answer.
    first_check: usize,
}

impl MixWorkspace {
    /// Empty buffers.
    pub fn new() -> Self {
        Self::default()
    }
}

thread_local! {
    static WORKSPACE: RefCell<MixWorkspace> = RefCell::new(MixWorkspace::new());
}

impl SynergyModel {
    /// Runs a mix (its `drives`) for years 1..=`horizon` and finds its
    /// tipping year (model.md §5), in `ws`'s buffers. The trajectory is bit
    /// for bit [`SynergyModel::simulate`]'s and the tipping year
    /// [`SynergyModel::tipping_year_reference`]'s.
    ///
    /// Drives are not validated here (that is [`Drive::validate`]'s job,
    /// once per scenario); invalid values give meaningless numbers, never a
    /// panic.
    pub fn run_mix<'w>(
        &self,
        drives: &[Drive],
        horizon: u32,
        ws: &'w mut MixWorkspace,
    ) -> MixRun<'w> {
        let tipping_year = self.find_tipping_year(drives, horizon, ws);
        ws.full.truncate(horizon);
        MixRun {
            trajectory: &ws.full,
            tipping_year,
        }
    }

    /// [`SynergyModel::run_mix`] for two mixes (`drives[0]` in `ws[0]`,
    /// `drives[1]` in `ws[1]`), each result bit for bit what `run_mix`
    /// gives for it alone. Their untruncated runs to H, a sixth of a
    /// Södertälje sample's synergy time when run one by one, go side by
    /// side: each update is a chain of dependent steps, and two
    /// independent chains overlap in the processor (docs/performance.md).
    pub fn run_mix_pair<'w>(
        &self,
        drives: [&[Drive]; 2],
        horizon: u32,
        ws: &'w mut [MixWorkspace; 2],
    ) -> [MixRun<'w>; 2] {
        let [a, b] = ws;
        self.start_full_pair(drives, horizon, [&mut *a, &mut *b]);
        let tips = [
            self.search_tipping_year(drives[0], horizon, a),
            self.search_tipping_year(drives[1], horizon, b),
        ];
        a.full.truncate(horizon);
        b.full.truncate(horizon);
        [
            MixRun {
                trajectory: &a.full,
                tipping_year: tips[0],
            },
            MixRun {
                trajectory: &b.full,
                tipping_year: tips[1],
            },
        ]
    }

    /// [`SynergyModel::run_mix`] without the tipping search: the mix's
    /// trajectory for years 0..=`horizon`, bit for bit the same, for work
    /// that never reads a tipping year (Shapley effects of NPVs). The search
    /// — the tails, their box tests and the look-ups past H — is most of a
    /// run's synergy time (docs/performance.md).
    pub fn trajectory<'w>(
        &self,
        drives: &[Drive],
        horizon: u32,
        ws: &'w mut MixWorkspace,
    ) -> &'w Trajectory {
        self.start_full(drives, horizon, ws);
        ws.full.truncate(horizon);
        &ws.full
    }

    /// [`SynergyModel::run_mix_pair`] without the tipping search: two
    /// mixes' trajectories, each bit for bit [`SynergyModel::trajectory`]'s
    /// (their updates side by side, as in the pair's untruncated runs).
    pub fn trajectory_pair<'w>(
        &self,
        drives: [&[Drive]; 2],
        horizon: u32,
        ws: &'w mut [MixWorkspace; 2],
    ) -> [&'w Trajectory; 2] {
        let [a, b] = ws;
        self.start_full_pair(drives, horizon, [&mut *a, &mut *b]);
        a.full.truncate(horizon);
        b.full.truncate(horizon);
        [&a.full, &b.full]
    }

    /// The tipping year of [`SynergyModel::run_mix`], in a per-thread
    /// [`MixWorkspace`] (so it does not allocate after the first call on a
    /// thread at a given horizon).
    pub fn tipping_year(&self, drives: &[Drive], horizon: u32) -> Option<u32> {
        WORKSPACE.with(|ws| match ws.try_borrow_mut() {
            Ok(mut ws) => self.run_mix(drives, horizon, &mut ws).tipping_year,
            // Only reachable by re-entry, which this crate never does; stay correct anyway.
            Err(_) => {
                self.run_mix(drives, horizon, &mut MixWorkspace::new())
                    .tipping_year
            }
        })
    }

    /// The search: the untruncated run to H, then the candidates 1..=H:
    /// those before the last year of activity decided by the all-tails box
    /// (shortcut 6) or their own tails (two at a time, the first sustained
    /// one wins), the rest by look-ups in the untruncated run (shortcut 3).
    fn find_tipping_year(
        &self,
        drives: &[Drive],
        horizon: u32,
        ws: &mut MixWorkspace,
    ) -> Option<u32> {
        self.start_full(drives, horizon, ws);
        self.search_tipping_year(drives, horizon, ws)
    }

    /// The search after the untruncated run has reached H
    /// ([`SynergyModel::find_tipping_year`] without its start).
    fn search_tipping_year(
        &self,
        drives: &[Drive],
        horizon: u32,
        ws: &mut MixWorkspace,
    ) -> Option<u32> {
        let last_activity = drives
            .iter()
            .map(|d| d.schedule.last_nonzero_year(None))
            .max()
            .unwrap_or(0);
        // Candidates 1..=tails need a tail of their own (shortcut 3 covers the rest).
        let tails = last_activity.saturating_sub(1).min(u64::from(horizon)) as u32;
        let lookahead = self.rule().lookahead;
        let every_tail = if tails >= tails::ALL_TAILS_FROM {
            // The walk (shortcut 7) cannot decide if some tail is
            // sustained, and then it costs a few tails for nothing. When
            // the untruncated run is still sustained `PROBE_YEARS` after
            // the first candidate past the tails, the latest tails,
            // switched off only a year earlier, most likely are too: skip
            // the walk. If no tail is sustained, the search's first
            // look-up simulates those years anyway; if one is, this costs
            // those years of the untruncated run (the whole look-ahead
            // would cost as much as the walk). Only the work depends on
            // it, never the answer.
            let first_lookup = tails + 1;
            let probe = first_lookup.saturating_add(lookahead.min(PROBE_YEARS));
            self.all_tails_settled(drives, tails, ws, |ws| {
                first_lookup > horizon || !self.full_sustained(probe, ws)
            })
        } else {
            None
        };
        // The candidates with a tail come first (t < last activity); the
        // rest are look-ups in the untruncated run.
        if tails > 0 {
            let found = match every_tail {
                Some(true) => Some(1),
                Some(false) => None,
                None => self.first_sustained_tail(drives, tails, ws),
            };
            if found.is_some() {
                return found;
            }
        }
        (1..=horizon).skip(tails as usize).find(|&t| {
            debug_assert!(u64::from(t) >= last_activity);
            self.full_sustained(t.saturating_add(lookahead), ws)
        })
    }
}

/// The ranges the box test needs for the remaining updates of a run whose
/// input sums are `later` (at least one) and which reads coordination in
/// [0, `c_now`]: that holds every coordination they read if none of them
/// has any communication, since c then only falls
/// (c + κ_up·0·(1 − c) − κ_down·c rounds to at most c, and the clamp keeps
/// it ≥ 0). `None` if any input is not finite or `c_now` is outside [0, 1].
fn ranges(later: &[[f64; 4]], c_now: f64) -> Option<Remaining> {
    /// Per track: the smallest and largest input, and Σ v · 0 (±0 for
    /// finite inputs, NaN otherwise).
    #[derive(Clone, Copy)]
    struct Scan {
        lo: [f64; 4],
        hi: [f64; 4],
        nonfinite: [f64; 4],
    }
    impl Scan {
        #[inline(always)]
        fn add(&mut self, input: &[f64; 4]) {
            for (k, &v) in input.iter().enumerate() {
                self.nonfinite[k] += v * 0.0;
                self.lo[k] = if v < self.lo[k] { v } else { self.lo[k] };
                self.hi[k] = if v > self.hi[k] { v } else { self.hi[k] };
            }
        }
        #[inline(always)]
        fn join(&mut self, other: &Scan) {
            self.add(&other.lo);
            self.add(&other.hi);
            for k in 0..4 {
                self.nonfinite[k] += other.nonfinite[k];
            }
        }
    }
    // `nonfinite` stays zero exactly when every input is finite. Written
    // without branches on NaN (plain comparisons, a sum) so the scan
    // vectorises; the comparisons may skip a NaN, but then the test is not
    // used. Four scans over interleaved inputs, joined at the end: min, max
    // and a sum of zeros do not depend on the order, and four independent
    // chains do not wait on each other's last step as one chain would.
    let first = Scan {
        lo: later[0],
        hi: later[0],
        nonfinite: [0.0; 4],
    };
    let mut scans = [first; 4];
    let (quads, rest) = later.as_chunks::<4>();
    for quad in quads {
        for (scan, input) in scans.iter_mut().zip(quad) {
            scan.add(input);
        }
    }
    for input in rest {
        scans[0].add(input);
    }
    let [mut all, b, c, d] = scans;
    all.join(&b);
    all.join(&c);
    all.join(&d);
    let finite = (0.0..=1.0).contains(&c_now) && all.nonfinite.iter().all(|&z| z == 0.0);
    finite.then_some(Remaining {
        s_lo: all.lo,
        s_hi: all.hi,
        c_lo: 0.0,
        c_hi: c_now,
    })
}

/// The fixed point (shortcut 4): whether everything the update for
/// `year + 1` reads (states of years year − max_lag + 1 ..= year and
/// c(year)) equals what the update for `year` read, so that with unchanged
/// inputs it reproduces year `year` for ever.
fn is_stationary(traj: &Trajectory, year: u32, max_lag: u32) -> bool {
    let y = year as usize;
    let l = max_lag as usize;
    if y <= l || traj.c[y] != traj.c[y - 1] {
        return false;
    }
    let now = traj.x[y];
    traj.x[y - l..y].iter().all(|x| *x == now)
}
