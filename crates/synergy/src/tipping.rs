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
//!    otherwise; communication is exactly 0 after t. Past the years that
//!    straddle t every drive contributes its after-the-stop value, so those
//!    sums depend on t only through which repression drives have started:
//!    they are cached per such pattern and copied into each tail.
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
//! 5. **Invariant box.** A few years into a tail (years 2, 6, 14, 30,
//!    from the year the previous tail of the call settled in; only 14, 30
//!    after an unsettled one), the
//!    tail stops if a box around the recent states provably holds every later
//!    state and lies below 0.5 in some track (not sustained) or at or above
//!    0.5 in all (sustained). The proof is interval arithmetic over the
//!    ranges of the remaining inputs, widened far beyond rounding error; see
//!    the `bounds` module. It assumes no monotonicity of the outcome in t or
//!    in the inputs, only that the response rises with the drive.
//!
//! 6. **One box for every tail.** Before any tail is simulated, one
//!    invariant box is tried for the tails of all candidates that need one
//!    (`all_tails_settled`): it must hold the untruncated states every tail
//!    starts from and every input any tail reads. If it lies below 0.5 in
//!    some track, no tail is sustained and only the look-ups of shortcut 3
//!    remain.
//!
//! Candidates are tried in order and the first success returns, as the
//! definition asks for the first such year.

use std::cell::RefCell;

use crate::bounds::{Remaining, settled, settled_with};
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
    /// Per year (valid from `late_from` on): the tail inputs of a year in
    /// which every drive's delayed activity already reads only switched-off
    /// years, for the repression pattern `late_applies`. Such a year's inputs
    /// depend on the candidate t only through which repression drives have
    /// started by t, so most of a tail is a copy of this series instead of a
    /// per-drive sum.
    late: Vec<[f64; 4]>,
    /// The first year `late` holds; `usize::MAX` after `prepare` (nothing
    /// built yet).
    late_from: usize,
    /// Per drive: whether its repression impulse counts in `late` (it has
    /// repression and started by the candidate year).
    late_applies: Vec<bool>,
    /// The tail year at which the next tail is first tested: the year the
    /// last tail of this call settled by the box (neighbouring candidates
    /// tend to settle alike), [`FIRST_CHECK_AFTER_MISS`] if it ran its whole
    /// length, else [`FIRST_CHECK`]. Only steers when tails are tested,
    /// never the answer.
    first_check: usize,
    /// Each recent drive's activity and impulse series, so that a drive
    /// that appears in several calls (an intervention in several mixes of
    /// one sample) is evaluated once.
    series: SeriesCache,
    /// The horizon H of the current call: the full run always reaches it.
    horizon: u32,
    /// Once settled (by the invariant box or the fixed point): whether every
    /// state of the untruncated run after its last computed year, up to
    /// H + 50, is sustained. `None` while it is not known.
    full_outcome: Option<bool>,
    /// The year of the untruncated run at which the next box test is due
    /// (years H, H + 2, H + 6, H + 14, H + 30, as the tails' schedule).
    full_next_check: usize,
}

impl TippingWorkspace {
    /// Empty buffers.
    pub fn new() -> Self {
        Self::default()
    }

    /// After [`SynergyModel::tipping_year_with`]: the untruncated trajectory
    /// for years 0..=H at least, and beyond H as far as the tipping test
    /// needed it (at most H + 50; it stops early once the rest is settled or
    /// never looked up). Every year it holds is bit for bit
    /// [`SynergyModel::simulate`]'s, so a caller can reuse years 0..=H instead
    /// of simulating again.
    pub fn trajectory(&self) -> &Trajectory {
        &self.full
    }

    /// Evaluates every drive once per year 0..=`end` (or takes its series
    /// from the cache, when the same drive was prepared recently) and sums
    /// the inputs per year, exactly as `SynergyModel::inputs_at` would (same
    /// terms, same order), so that neither the full run nor the tails
    /// evaluate a schedule per step.
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
        self.late_from = usize::MAX;
        self.first_check = FIRST_CHECK;
        for (i, d) in drives.iter().enumerate() {
            let act = &mut self.activity[i * len..(i + 1) * len];
            let imp = &mut self.impulse[i * len..(i + 1) * len];
            self.series.fill(d, act, imp, &mut self.raw);
            match d.channel {
                Channel::Communication => {
                    for (a, talk) in act.iter().zip(&mut self.talk) {
                        *talk += *a;
                    }
                }
                Channel::Track(k) => {
                    let k = k.index();
                    let w = d.weight;
                    let rows = act.iter().zip(imp.iter()).zip(&mut self.inputs);
                    rows.for_each(|((a, j), input)| input[k] += w * a - j);
                }
            }
        }
    }

    /// Drive `i`'s untruncated activity and impulse series (years
    /// 0..=H + 50), as `prepare` left them.
    fn series_of(&self, i: usize) -> (&[f64], &[f64]) {
        let len = self.inputs.len();
        (
            &self.activity[i * len..(i + 1) * len],
            &self.impulse[i * len..(i + 1) * len],
        )
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
    ///
    /// Only the first few tail years (until every drive's delay has passed
    /// t) are summed here; the rest, where every drive contributes its
    /// "after the stop" value, are copied from the `late` series, which is
    /// the very same sum and is rebuilt only when the set of started
    /// repression drives changes.
    fn fill_tail_inputs(&mut self, model: &SynergyModel, drives: &[Drive], t: u32) {
        let len = self.inputs.len();
        let stop = i64::from(t);
        let n = TIPPING_LOOKAHEAD as usize;
        // The head: the first tail year from which every track drive reads
        // only switched-off activity (base − 1 > t, as the loop below decides).
        let mut head = 0;
        for d in drives {
            if let Channel::Track(_) = d.channel {
                head = head.max(straddle_end(d, stop, n));
            }
        }
        self.tail_inputs.clear();
        self.tail_inputs.resize(head, model.p.drift);
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
            let first = t as usize + 1;
            let w = d.weight;
            for (j, input) in self.tail_inputs.iter_mut().enumerate() {
                let y = stop + 1 + j as i64;
                let base = y.saturating_sub(shift);
                let a = if base <= stop {
                    act[y as usize]
                } else if base.saturating_sub(1) <= stop {
                    d.schedule.delayed_at(y, Some(t))
                } else {
                    after_stop
                };
                if applies {
                    input[k] += w * a - imp[first + j];
                } else {
                    input[k] += w * a - 0.0;
                }
            }
        }
        if head < n {
            self.build_late(model, drives, t);
            let first = t as usize + 1;
            self.tail_inputs
                .extend_from_slice(&self.late[first + head..first + n]);
        }
    }

    /// Makes `late` hold years t + 1..=H + 50 for the repression pattern of
    /// candidate `t`, rebuilding it only if the pattern differs from the one
    /// it was built for or it does not reach back to t + 1. Candidates come in
    /// rising order and drives only ever start, so this rebuilds at most once
    /// per repression drive plus once per call.
    fn build_late(&mut self, model: &SynergyModel, drives: &[Drive], t: u32) {
        let from = t as usize + 1;
        let applies = |d: &Drive| d.repression.is_some() && d.repression_applies(Some(t));
        // Without repression the impulse is exactly 0 either way (`x − 0`),
        // so only drives with repression decide the pattern.
        let same = self.late_from <= from
            && self.late_applies.len() == drives.len()
            && drives
                .iter()
                .zip(&self.late_applies)
                .all(|(d, &a)| applies(d) == a);
        if same {
            return;
        }
        let len = self.inputs.len();
        self.late_applies.clear();
        self.late_applies.extend(drives.iter().map(applies));
        self.late.clear();
        self.late.resize(len, model.p.drift);
        for (i, d) in drives.iter().enumerate() {
            let Channel::Track(k) = d.channel else {
                continue;
            };
            let k = k.index();
            let imp = &self.impulse[i * len..(i + 1) * len];
            let (_, frac) = d.schedule.delay_parts();
            let a = interpolate(frac, 0.0, || 0.0);
            let w = d.weight;
            let rows = self.late[from..].iter_mut().zip(&imp[from..]);
            // The same terms as `fill_tail_inputs` adds for a year past the
            // straddle (`applies` as there: a drive with repression that
            // started by t).
            if d.repression_applies(Some(t)) {
                rows.for_each(|(input, r)| input[k] += w * a - r);
            } else {
                rows.for_each(|(input, _)| input[k] += w * a - 0.0);
            }
        }
        self.late_from = from;
    }

    /// The ranges the box test needs after tail year `j` (0-based), whose
    /// coordination is `c_now`: the inputs `tail_inputs[j + 1..]` of the
    /// remaining updates, and [0, c_now] for the coordination they read.
    /// Without communication c only falls: c + κ_up·0·(1 − c) − κ_down·c
    /// rounds to at most c (κ_down·c ≥ 0) and the clamp keeps it ≥ 0, so
    /// [0, c_now] holds every later value, as computed. `None` if any input
    /// is not finite: the test is then skipped.
    fn remaining(&self, j: usize, c_now: f64) -> Option<Remaining> {
        ranges(&self.tail_inputs[j + 1..], c_now)
    }
}

/// The ranges of [`TippingWorkspace::remaining`] for the input sums `later`
/// of the remaining updates (at least one) and coordination in [0, `c_now`],
/// which holds every coordination they read if none of them has any
/// communication; `None` if any input is not finite or `c_now` is outside
/// [0, 1].
fn ranges(later: &[[f64; 4]], c_now: f64) -> Option<Remaining> {
    let (mut lo, mut hi) = (later[0], later[0]);
    // v · 0 is ±0 for a finite v and NaN otherwise, so `nonfinite` stays
    // zero exactly when every input is finite. Written without branches
    // on NaN (plain comparisons, a sum) so the scan vectorises; the
    // comparisons may skip a NaN, but then the test is not used.
    let mut nonfinite = [0.0f64; 4];
    for input in later {
        for k in 0..4 {
            let v = input[k];
            nonfinite[k] += v * 0.0;
            lo[k] = if v < lo[k] { v } else { lo[k] };
            hi[k] = if v > hi[k] { v } else { hi[k] };
        }
    }
    let finite = (0.0..=1.0).contains(&c_now) && nonfinite.iter().all(|&z| z == 0.0);
    finite.then_some(Remaining {
        s_lo: lo,
        s_hi: hi,
        c_lo: 0.0,
        c_hi: c_now,
    })
}

/// The number of tail years (0-based index of the first year, capped at
/// `n`) for which drive `d` still reads activity from a year ≤ `stop`:
/// ā(y) reads a(y − ⌊δ⌋) and a(y − ⌊δ⌋ − 1), and from the first year with
/// y − ⌊δ⌋ − 1 > stop on (the read only moves later as y grows) it is the
/// interpolation of two zeros.
fn straddle_end(d: &Drive, stop: i64, n: usize) -> usize {
    let (shift, _) = d.schedule.delay_parts();
    (0..n)
        .find(|&j| {
            let y = stop + 1 + j as i64;
            y.saturating_sub(shift).saturating_sub(1) > stop
        })
        .unwrap_or(n)
}

/// Slots of [`SeriesCache`] (a power of two): far more than a sample's
/// distinct interventions, so they rarely share a slot.
const SERIES_SLOTS: usize = 64;

/// The per-drive series of [`TippingWorkspace::prepare`] for recently seen
/// drives, keyed by everything they depend on, bit for bit (the channel's
/// kind, the schedule, the repression; not the weight or the track, which
/// only enter the sums). Direct-mapped: a key's hash picks one slot, and a
/// drive whose slot holds another key is computed and takes the slot. A
/// hit copies exactly what a miss computes.
#[derive(Debug, Clone, Default)]
struct SeriesCache {
    slots: Vec<Option<CachedSeries>>,
}

#[derive(Debug, Clone)]
struct CachedSeries {
    key: [u64; 10],
    activity: Vec<f64>,
    impulse: Vec<f64>,
}

impl SeriesCache {
    /// Fills `act` and `imp` (years 0..len, len = their length) with `d`'s
    /// delayed activity (raw activity for communication) and repression
    /// impulse, from the cache or computed and then cached.
    fn fill(&mut self, d: &Drive, act: &mut [f64], imp: &mut [f64], raw: &mut Vec<f64>) {
        let key = series_key(d, act.len());
        if self.slots.len() != SERIES_SLOTS {
            self.slots = vec![None; SERIES_SLOTS];
        }
        // FNV-1a over the key's words: any mix will do, it only picks a slot.
        let hash = key.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &w| {
            (h ^ w).wrapping_mul(0x0000_0100_0000_01b3)
        });
        let slot = &mut self.slots[(hash ^ (hash >> 32)) as usize & (SERIES_SLOTS - 1)];
        match slot {
            Some(e) if e.key == key => {
                act.copy_from_slice(&e.activity);
                imp.copy_from_slice(&e.impulse);
            }
            Some(e) => {
                drive_series(d, act, imp, raw);
                e.key = key;
                e.activity.clear();
                e.activity.extend_from_slice(act);
                e.impulse.clear();
                e.impulse.extend_from_slice(imp);
            }
            None => {
                drive_series(d, act, imp, raw);
                *slot = Some(CachedSeries {
                    key,
                    activity: act.to_vec(),
                    impulse: imp.to_vec(),
                });
            }
        }
    }
}

/// Everything [`drive_series`] reads, bit for bit, and the series length.
fn series_key(d: &Drive, len: usize) -> [u64; 10] {
    let s = &d.schedule;
    let (rep, height, peak) = match &d.repression {
        Some(r) => (1, r.height.to_bits(), r.time_to_peak.to_bits()),
        None => (0, 0, 0),
    };
    let comm = u64::from(matches!(d.channel, Channel::Communication));
    [
        len as u64,
        comm | (rep << 1),
        u64::from(s.start) | (u64::from(s.duration) << 32),
        s.intensity.to_bits(),
        s.ramp.to_bits(),
        s.decay.to_bits(),
        s.delay.to_bits(),
        height,
        peak,
        0,
    ]
}

/// One drive's series for years 0..len (len = `act.len()` = `imp.len()`):
/// the untruncated delayed activity ā(y) of a track drive (the raw
/// activity a(y) of a communication drive) into `act`, its repression
/// impulse u·J(y) (0 without repression) into `imp`. `raw` is scratch.
fn drive_series(d: &Drive, act: &mut [f64], imp: &mut [f64], raw: &mut Vec<f64>) {
    let len = act.len();
    match d.channel {
        Channel::Communication => {
            for (y, a) in act.iter_mut().enumerate() {
                *a = d.schedule.activity_at(y as i64, None);
            }
            imp.fill(0.0);
        }
        Channel::Track(_) => {
            // ā from the raw series, exactly as `delayed_at` reads it (same
            // reads, same interpolation), without re-deriving the delay's
            // parts and the activity every year.
            raw.clear();
            raw.extend((0..len).map(|b| d.schedule.activity_at(b as i64, None)));
            let a_at = |b: i64| match usize::try_from(b) {
                Ok(b) if b < len => raw[b],
                _ => d.schedule.activity_at(b, None),
            };
            let (whole, frac) = d.schedule.delay_parts();
            for (y, a) in act.iter_mut().enumerate() {
                let base = (y as i64).saturating_sub(whole);
                *a = interpolate(frac, a_at(base), || a_at(base.saturating_sub(1)));
            }
            // Without repression `repression_at` is exactly 0.0.
            if d.repression.is_some() {
                for (y, j) in imp.iter_mut().enumerate() {
                    *j = d.repression_at(y as i64, None);
                }
            } else {
                imp.fill(0.0);
            }
        }
    }
}

thread_local! {
    static WORKSPACE: RefCell<TippingWorkspace> = RefCell::new(TippingWorkspace::new());
}

/// The tail year (0-based) of the first invariant-box test of a call's
/// first tail; later tests follow at 2j + 2 (years 2, 6, 14, 30), and the
/// next tail starts testing where the last one settled. Any schedule is
/// exact: it only decides how early a settled tail stops and how much
/// failed tests cost.
const FIRST_CHECK: usize = 2;

/// The first test after a tail of the same call ran its whole length
/// without settling. Such tails (a state that only crosses the level late,
/// e.g. while coordination fades) tend to follow each other, and a failed
/// test costs about as much as five updates, so the next tail is tested
/// late and rarely instead (years 14, 30).
const FIRST_CHECK_AFTER_MISS: usize = 14;

/// The all-tails box (shortcut 6) is tried when at least this many
/// candidates would need a tail; for one tail it saves nothing.
const ALL_TAILS_FROM: u32 = 2;

/// Boxes the all-tails test may try: it starts from the hull of a whole
/// run, further from an invariant box than one tail's window, and one
/// success replaces many tails.
const ALL_TAILS_TRIES: usize = 8;

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
    /// `ws` holds the untruncated trajectory to `horizon` at least (see
    /// [`TippingWorkspace::trajectory`]).
    pub fn tipping_year_with(
        &self,
        drives: &[Drive],
        horizon: u32,
        ws: &mut TippingWorkspace,
    ) -> Option<u32> {
        self.start_full(drives, horizon, ws);
        let last_activity = drives
            .iter()
            .map(|d| d.schedule.last_nonzero_year(None))
            .max()
            .unwrap_or(0);
        // Candidates 1..=tails need a tail of their own (shortcut 3 covers the rest).
        let tails = last_activity.saturating_sub(1).min(u64::from(horizon)) as u32;
        let every_tail = if tails >= ALL_TAILS_FROM {
            self.all_tails_settled(drives, tails, ws)
        } else {
            None
        };
        (1..=horizon).find(|&t| {
            if u64::from(t) >= last_activity {
                self.full_sustained(t.saturating_add(TIPPING_LOOKAHEAD), ws)
            } else if let Some(outcome) = every_tail {
                outcome
            } else {
                self.tail_sustained(drives, t, ws)
            }
        })
    }

    /// Shortcut 6: one invariant box for the tails of every candidate
    /// t = 1..=`last_t` at once. `Some(outcome)` if a box holds every state
    /// any of those tails can reach and decides each of them the same way
    /// (in practice: some track stays below the level in all of them);
    /// `None` if the test cannot tell, and the tails are then simulated.
    ///
    /// Every tail starts from the untruncated run's states of years
    /// ≤ t ≤ `last_t` (and reads 0, the state of year 0, before the model
    /// starts), so the box starts from the hull of years 0..=`last_t`. Its
    /// updates read inputs that [`Self::all_tails_ranges`] bounds and a
    /// coordination in [0, max c(t)] (without communication c only falls).
    /// If one update maps the box into itself for every such input, every
    /// state of every tail lies in it, year t + 50 included — the argument
    /// of the `bounds` module, applied to all tails together.
    fn all_tails_settled(
        &self,
        drives: &[Drive],
        last_t: u32,
        ws: &TippingWorkspace,
    ) -> Option<bool> {
        let rem = self.all_tails_ranges(drives, last_t, ws)?;
        settled_with(self, &ws.full.x[..=last_t as usize], &rem, ALL_TAILS_TRIES)
    }

    /// Ranges holding every input sum S_k(y) and every coordination that
    /// the tails of candidates t = 1..=`last_t` read. Per track drive, the
    /// delayed activity a tail reads is the untruncated ā(y) (while
    /// y − ⌊δ⌋ ≤ t), the one straddling value `delayed_at(t + 1 + ⌊δ⌋, t)`,
    /// or the switched-off value (see `fill_tail_inputs`); its impulse is
    /// the untruncated one or 0. The ranges of those sets are combined per
    /// track by interval arithmetic and widened by 10⁻¹² of the terms'
    /// magnitude, far above the rounding of the sums the tails compute.
    /// `None` if anything is not finite or c(t) lies outside [0, 1].
    fn all_tails_ranges(
        &self,
        drives: &[Drive],
        last_t: u32,
        ws: &TippingWorkspace,
    ) -> Option<Remaining> {
        let len = ws.inputs.len();
        let end = last_t as usize + TIPPING_LOOKAHEAD as usize;
        if end >= len {
            return None;
        }
        let (mut s_lo, mut s_hi) = (self.p.drift, self.p.drift);
        let mut size = self.p.drift.map(f64::abs);
        let finite_range = |v: &[f64], lo: &mut f64, hi: &mut f64| {
            for &a in v {
                if !a.is_finite() {
                    return false;
                }
                *lo = lo.min(a);
                *hi = hi.max(a);
            }
            true
        };
        for (i, d) in drives.iter().enumerate() {
            let Channel::Track(k) = d.channel else {
                continue;
            };
            let k = k.index();
            let (act, imp) = ws.series_of(i);
            let (shift, frac) = d.schedule.delay_parts();
            let after_stop = interpolate(frac, 0.0, || 0.0);
            let (mut a_lo, mut a_hi) = (after_stop, after_stop);
            // Tail years run from 2 (t = 1) to `end`.
            if !finite_range(&act[2..=end], &mut a_lo, &mut a_hi) {
                return None;
            }
            let straddle_in_tail = (0..i64::from(TIPPING_LOOKAHEAD)).contains(&shift);
            if straddle_in_tail {
                for t in 1..=last_t {
                    let a = d.schedule.delayed_at(i64::from(t) + 1 + shift, Some(t));
                    if !finite_range(&[a], &mut a_lo, &mut a_hi) {
                        return None;
                    }
                }
            }
            let (mut j_lo, mut j_hi) = (0.0f64, 0.0f64);
            if d.repression.is_some() && !finite_range(&imp[2..=end], &mut j_lo, &mut j_hi) {
                return None;
            }
            let w = d.weight;
            let (wa, wb) = (w * a_lo, w * a_hi);
            s_lo[k] += wa.min(wb) - j_hi;
            s_hi[k] += wa.max(wb) - j_lo;
            size[k] += wa.abs().max(wb.abs()) + j_lo.abs().max(j_hi.abs());
        }
        for k in 0..4 {
            let pad = 1e-12 * (1.0 + size[k]);
            s_lo[k] -= pad;
            s_hi[k] += pad;
            if !(s_lo[k].is_finite() && s_hi[k].is_finite()) {
                return None;
            }
        }
        let mut c_hi = 0.0f64;
        for &c in &ws.full.c[1..=last_t as usize] {
            if !(0.0..=1.0).contains(&c) {
                return None;
            }
            c_hi = c_hi.max(c);
        }
        Some(Remaining {
            s_lo,
            s_hi,
            c_lo: 0.0,
            c_hi,
        })
    }

    /// Prepares the inputs for years 0..=H + 50 and simulates the
    /// untruncated run to H only: the tails start at t ≤ H, and the years
    /// beyond are simulated when a look-up needs them (`full_sustained`).
    fn start_full(&self, drives: &[Drive], horizon: u32, ws: &mut TippingWorkspace) {
        let end = horizon.saturating_add(TIPPING_LOOKAHEAD);
        ws.prepare(self, drives, end);
        ws.full.reset(end, self.p.c0);
        for year in 1..=horizon {
            let y = year as usize;
            self.advance(&ws.inputs[y], ws.talk[y], &mut ws.full, year);
        }
        ws.horizon = horizon;
        ws.full_outcome = None;
        ws.full_next_check = horizon as usize;
    }

    /// Whether the untruncated run is sustained in `year` (≤ H + 50),
    /// simulating it on from its last computed year only as far as needed:
    /// up to `year`, or until the rest of the run is settled (every later
    /// state provably on one side of the level). Look-ups come in rising
    /// order, so the run only ever grows.
    fn full_sustained(&self, year: u32, ws: &mut TippingWorkspace) -> bool {
        loop {
            let last = ws.full.horizon();
            if year <= last {
                return sustained(&ws.full.x[year as usize]);
            }
            if ws.full_outcome.is_none() {
                ws.full_outcome = self.full_settled(ws, last);
            }
            if let Some(outcome) = ws.full_outcome {
                return outcome;
            }
            let next = last + 1;
            let y = next as usize;
            self.advance(&ws.inputs[y], ws.talk[y], &mut ws.full, next);
        }
    }

    /// Whether every state of the untruncated run after its year `year` (the
    /// last computed one), up to H + 50, is known to be sustained
    /// (`Some(true)`) or known not to be (`Some(false)`), by the fixed point
    /// or, on the box-test schedule, the invariant box; `None` if not known.
    fn full_settled(&self, ws: &mut TippingWorkspace, year: u32) -> Option<bool> {
        let y = year as usize;
        if y + 1 >= ws.inputs.len() {
            // Nothing left to settle (and no look-up goes beyond H + 50).
            return None;
        }
        if self.full_is_fixed_point(ws, year) {
            return Some(sustained(&ws.full.x[y]));
        }
        let lags = self.max_lag as usize;
        if y >= ws.full_next_check && y >= lags {
            // As for the tails: a failed test costs a few updates.
            ws.full_next_check = 2 * y + 2 - ws.horizon as usize;
            return self.full_box(ws, year);
        }
        None
    }

    /// The fixed point for the untruncated run: what the update for year + 1
    /// reads repeats what the update for `year` read (the states and c, as
    /// [`is_stationary`] checks, and the inputs and communication of every
    /// remaining year, bit for bit equal to `year`'s), so every later year
    /// repeats year `year`.
    fn full_is_fixed_point(&self, ws: &TippingWorkspace, year: u32) -> bool {
        let y = year as usize;
        is_stationary(&ws.full, year, self.max_lag) && {
            let bits = |v: &[f64; 4]| v.map(f64::to_bits);
            let (now, talk) = (bits(&ws.inputs[y]), ws.talk[y].to_bits());
            let inputs = ws.inputs[y + 1..].iter().all(|v| bits(v) == now);
            inputs && ws.talk[y + 1..].iter().all(|c| c.to_bits() == talk)
        }
    }

    /// The invariant-box test (the `bounds` module) for the untruncated run
    /// after its year `year`, which must be ≥ max-lag (so every lagged read
    /// of the remaining updates falls in the window of the last max-lag
    /// states): the remaining updates' inputs are known
    /// (`inputs[year + 1..]`) and, if none of them has any communication, c
    /// only falls and lies in [0, c(year)], as in a tail. `None` if there is
    /// communication left, an input is not finite, or the box is not proved.
    fn full_box(&self, ws: &TippingWorkspace, year: u32) -> Option<bool> {
        let y = year as usize;
        if !ws.talk[y + 1..].iter().all(|&c| c == 0.0) {
            return None;
        }
        let window = &ws.full.x[y + 1 - self.max_lag as usize..=y];
        let rem = ranges(&ws.inputs[y + 1..], ws.full.c[y])?;
        settled(self, window, &rem)
    }

    /// Whether switching off after `t` leaves every track ≥ 0.5 in year t + 50,
    /// simulating the tail from the untruncated run's year `t`.
    fn tail_sustained(&self, drives: &[Drive], t: u32, ws: &mut TippingWorkspace) -> bool {
        ws.fill_tail_inputs(self, drives, t);
        ws.tail.copy_prefix(&ws.full, t);
        let quiet = quiet_from(drives, Some(t));
        let lags = self.max_lag as usize;
        let n = ws.tail_inputs.len();
        let mut next_check = ws.first_check;
        for j in 0..n {
            let year = t + 1 + j as u32;
            self.advance(&ws.tail_inputs[j], 0.0, &mut ws.tail, year);
            if quiet.is_some_and(|q| u64::from(year) >= q)
                && is_stationary(&ws.tail, year, self.max_lag)
            {
                ws.first_check = FIRST_CHECK;
                return sustained(&ws.tail.x[year as usize]);
            }
            // Every remaining update reads only the window of the last
            // max-lag states (none from a year ≤ 0 once year ≥ max-lag).
            let y = year as usize;
            if j >= next_check && j + 1 < n && y >= lags {
                // A failed test costs a few updates: test less and less often.
                next_check = 2 * j + 2;
                let window = &ws.tail.x[y + 1 - lags..=y];
                if let Some(rem) = ws.remaining(j, ws.tail.c[y])
                    && let Some(outcome) = settled(self, window, &rem)
                {
                    ws.first_check = j;
                    return outcome;
                }
            }
        }
        ws.first_check = FIRST_CHECK_AFTER_MISS;
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
        /// untruncated run is bit for bit `simulate`, to H at least.
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
            prop_assert!(ws.trajectory().horizon() >= horizon);
            prop_assert!(bit_prefix(ws.trajectory(), &full), "not a prefix of simulate");
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
            let mut ws = TippingWorkspace::new();
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
                    let tip = m.tipping_year_with(ds, horizon, &mut ws);
                    prop_assert_eq!(tip, m.tipping_year_reference(ds, horizon));
                    let full = m.simulate(ds, horizon);
                    prop_assert!(bit_prefix(&full, ws.trajectory()), "not simulate's run");
                }
            }
        }

        /// The all-tails box (shortcut 6), whenever it decides, decides every
        /// candidate's tail as a full simulation switched off after t does.
        #[test]
        fn all_tails_box_agrees_with_every_tail(
            p in arb_params(),
            drives in prop::collection::vec(arb_drive(), 0..8),
            horizon in 1u32..16,
            last in 2u32..16,
        ) {
            let m = p.validate().expect("valid");
            let mut ws = TippingWorkspace::new();
            m.start_full(&drives, horizon, &mut ws);
            let last_t = last.min(horizon);
            if let Some(outcome) = m.all_tails_settled(&drives, last_t, &ws) {
                for t in 1..=last_t {
                    prop_assert_eq!(plain_sustained(&m, &drives, t), outcome, "t = {}", t);
                }
            }
        }

        /// The lazily extended untruncated run (fixed point, invariant box,
        /// or plain extension) answers every look-up as `simulate` to H + 50
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
            let end = horizon + TIPPING_LOOKAHEAD;
            let full = m.simulate(&drives, end);
            let mut ws = TippingWorkspace::new();
            m.start_full(&drives, horizon, &mut ws);
            prop_assert!(bit_prefix(&ws.full, &full));
            prop_assert_eq!(ws.full.horizon(), horizon);
            for year in (horizon + first..=end).step_by(step as usize) {
                let want = sustained(&full.x(year));
                prop_assert_eq!(m.full_sustained(year, &mut ws), want, "year = {}", year);
                prop_assert!(ws.full.horizon() <= year);
            }
            prop_assert!(bit_prefix(&ws.full, &full), "not a prefix of simulate");
        }
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
            let mut ws = TippingWorkspace::new();
            m.tipping_year_with(&drives, horizon, &mut ws);
            for t in order.into_iter().filter(|&t| t <= horizon) {
                ws.fill_tail_inputs(&m, &drives, t);
                prop_assert_eq!(ws.tail_inputs.len(), TIPPING_LOOKAHEAD as usize);
                for (j, got) in ws.tail_inputs.iter().enumerate() {
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
                let (p, drives, horizon) =
                    strategy.new_tree(&mut runner).expect("strategy").current();
                (p.validate().expect("valid"), drives, horizon)
            })
            .collect()
    }

    /// The all-tails box decides a good share of the generator's cases (so
    /// the agreement property above is not vacuous) and leaves others to
    /// the tails.
    #[test]
    fn all_tails_box_fires_and_declines() {
        let (mut decided, mut open) = (0, 0);
        for (m, drives, horizon) in generated_runs(400, 1..8, 2..16) {
            let mut ws = TippingWorkspace::new();
            m.start_full(&drives, horizon, &mut ws);
            match m.all_tails_settled(&drives, horizon, &ws) {
                Some(_) => decided += 1,
                None => open += 1,
            }
        }
        eprintln!("decided {decided} open {open}");
        assert!(decided > 50 && open > 50, "decided {decided}, open {open}");
    }

    /// The untruncated run's shortcuts each fire on the generator above
    /// (settled below, settled above), and some runs settle by neither and
    /// are simulated to H + 50, so the look-up property is not vacuous.
    #[test]
    fn full_run_settles_both_ways_or_runs_to_the_end() {
        let (mut low, mut high, mut open) = (0, 0, 0);
        for (m, drives, horizon) in generated_runs(400, 0..8, 1..16) {
            let mut ws = TippingWorkspace::new();
            m.start_full(&drives, horizon, &mut ws);
            let end = horizon + TIPPING_LOOKAHEAD;
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
}
