//! The tails: a candidate year t's world switched off after t, simulated
//! for the look-ahead's n years from the untruncated run's state in year t
//! (shortcut 2), stopped early by the fixed point (shortcut 4) or an
//! invariant box (shortcut 5); the one box for every tail (shortcut 6) and
//! the walk of boxes for every tail (shortcut 7).

use crate::bounds::{Remaining, box_outcome, image, settled, settled_with};
use crate::schedule::interpolate;
use crate::{Channel, Drive, SynergyModel};

use super::{MixWorkspace, is_stationary, ranges};

/// The tail year (0-based) of the first invariant-box test of a run's
/// first tail; later tests follow at 2j + 2 (years 2, 6, 14, 30), and the
/// next tail starts testing where the last one settled. Any schedule is
/// exact: it only decides how early a settled tail stops and how much
/// failed tests cost.
pub(super) const FIRST_CHECK: usize = 2;

/// The first test after a tail of the same run ran its whole length
/// without settling. Such tails (a state that only crosses the level late,
/// e.g. while coordination fades) tend to follow each other, and a failed
/// test costs about as much as five updates, so the next tail is tested
/// late and rarely instead (years 14, 30).
const FIRST_CHECK_AFTER_MISS: usize = 14;

/// The all-tails box (shortcut 6) is tried when at least this many
/// candidates would need a tail; for one tail it saves nothing.
pub(super) const ALL_TAILS_FROM: u32 = 2;

/// Boxes the all-tails test may try: it starts from the hull of a whole
/// run, further from an invariant box than one tail's window, and one
/// success replaces many tails.
pub(super) const ALL_TAILS_TRIES: usize = 8;

/// Boxes the stepped all-tails walk (shortcut 7) may try around its
/// window in a year in which the window would decide (each costs about
/// two updates).
const STEPPED_TRIES: usize = 2;

impl MixWorkspace {
    /// Forgets the tail state of the previous run (the `late` series and
    /// the box-test schedule).
    pub(super) fn reset_tails(&mut self) {
        self.late_from = usize::MAX;
        self.first_check = FIRST_CHECK;
    }

    /// Fills `tail_inputs[lane]` for the years t + 1..=t + n of the world switched
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
    pub(super) fn fill_tail_inputs(
        &mut self,
        model: &SynergyModel,
        drives: &[Drive],
        t: u32,
        lane: usize,
    ) {
        let len = self.inputs.len();
        let stop = i64::from(t);
        let n = model.rule().lookahead as usize;
        // The head: the first tail year from which every track drive reads
        // only switched-off activity (base − 1 > t, as the loop below decides).
        let mut head = 0;
        for d in drives {
            if let Channel::Track(_) = d.channel {
                head = head.max(straddle_end(d, stop, n));
            }
        }
        let tail_inputs = &mut self.tail_inputs[lane];
        tail_inputs.clear();
        tail_inputs.resize(head, model.p.drift);
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
            for (j, input) in tail_inputs.iter_mut().enumerate() {
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
            self.tail_inputs[lane].extend_from_slice(&self.late[first + head..first + n]);
        }
    }

    /// Makes `late` hold years t + 1..=H + n for the repression pattern of
    /// candidate `t`, rebuilding it only if the pattern differs from the one
    /// it was built for or it does not reach back to t + 1. Candidates come in
    /// rising order and drives only ever start, so this rebuilds at most once
    /// per repression drive plus once per run.
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

    /// Fills `late_span[j − head]` for the tail years j = `head`..n of
    /// every candidate t = 1..=`last_t`: per track, a range holding the
    /// input sum of every such tail year and every later one, when every
    /// track drive reads switched-off activity (from tail year `head` on).
    /// Such an input is drift + Σ (w·a₀ − r) over the track drives, a₀
    /// the switched-off activity and r the drive's untruncated impulse of
    /// year t + 1 + j if its repression is under way by t, else 0; so per
    /// drive r lies in {0} ∪ the impulses of years 2 + j..=`last_t` + n,
    /// and the ranges are combined by interval arithmetic and widened by
    /// 10⁻¹² of the terms' magnitude, far above the rounding of the sums
    /// the tails compute (as `all_tails_ranges`). `None` if anything is
    /// not finite.
    fn late_spans(
        &mut self,
        model: &SynergyModel,
        drives: &[Drive],
        last_t: u32,
        head: usize,
    ) -> Option<()> {
        let n = model.rule().lookahead as usize;
        let len = self.inputs.len();
        let end = last_t as usize + n;
        if end >= len || head >= n {
            return None;
        }
        // The terms that do not depend on the year: drift and w·a₀.
        let (mut base_lo, mut base_hi) = (model.p.drift, model.p.drift);
        let mut size = model.p.drift.map(f64::abs);
        for d in drives {
            let Channel::Track(k) = d.channel else {
                continue;
            };
            let k = k.index();
            let (_, frac) = d.schedule.delay_parts();
            let wa = d.weight * interpolate(frac, 0.0, || 0.0);
            if !wa.is_finite() {
                return None;
            }
            base_lo[k] += wa;
            base_hi[k] += wa;
            size[k] += wa.abs();
        }
        // Σ over repression drives of max(0, max r) and min(0, min r) over
        // years y..=end, for y from `end` down to 2 + head: a running
        // extreme per drive, summed per track.
        self.late_span.clear();
        self.late_span.resize(n - head, [[0.0; 4]; 2]);
        // Only track drives with repression have impulses (the others'
        // are exactly 0).
        self.late_extremes.clear();
        for (i, d) in drives.iter().enumerate() {
            if let Channel::Track(k) = d.channel
                && d.repression.is_some()
            {
                self.late_extremes.push((i, k.index(), [0.0; 2]));
            }
        }
        for y in (2 + head..=end).rev() {
            let mut r_lo = [0.0f64; 4];
            let mut r_hi = [0.0f64; 4];
            for (i, k, ext) in &mut self.late_extremes {
                let r = self.impulse[*i * len + y];
                if !r.is_finite() {
                    return None;
                }
                ext[0] = ext[0].min(r);
                ext[1] = ext[1].max(r);
                r_lo[*k] += ext[0];
                r_hi[*k] += ext[1];
            }
            // Tail year j reads years ≥ t + 1 + j ≥ 2 + j.
            if let Some(j) = y.checked_sub(2).filter(|&j| j < n) {
                let mut span = [[0.0; 4]; 2];
                for k in 0..4 {
                    let pad = 1e-12 * (1.0 + size[k] + r_hi[k] - r_lo[k]);
                    span[0][k] = base_lo[k] - r_hi[k] - pad;
                    span[1][k] = base_hi[k] - r_lo[k] + pad;
                }
                self.late_span[j - head] = span;
            }
        }
        Some(())
    }

    /// The ranges the box test needs after tail year `j` (0-based) of the
    /// tail in `lane`, whose coordination is `c_now`: the inputs
    /// `tail_inputs[lane][j + 1..]` of the
    /// remaining updates, and [0, c_now] for the coordination they read (a
    /// tail has no communication). `None` if any input is not finite: the
    /// test is then skipped.
    pub(super) fn remaining(&self, lane: usize, j: usize, c_now: f64) -> Option<Remaining> {
        ranges(&self.tail_inputs[lane][j + 1..], c_now)
    }
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

/// Tails simulated side by side by [`SynergyModel::first_sustained_tail`]:
/// two, since one update is a dependent chain that leaves the processor
/// idle most of the time and a second chain fills that time (≈ 1.6 × one
/// update's time for two; more lanes measured no faster).
pub(super) const LANES: usize = 2;

/// Where one tail stands: its candidate, how far it has run and when its
/// next box test is due.
#[derive(Debug, Clone, Copy)]
struct Tail {
    /// The candidate year t.
    t: u32,
    /// The tail year (0-based) computed next.
    j: usize,
    /// Its length, the look-ahead n.
    n: usize,
    /// The tail year of the next box test.
    next_check: usize,
    /// From which year every input is zero for good (the fixed point may
    /// be tested), if ever.
    quiet: Option<u64>,
}

impl SynergyModel {
    /// Whether switching off after `t` leaves every track at or above the
    /// level in year t + n, simulating the tail from the untruncated run's
    /// year `t`: one tail alone, as the tests check each candidate
    /// against a full simulation.
    #[cfg(test)]
    pub(super) fn tail_sustained(&self, drives: &[Drive], t: u32, ws: &mut MixWorkspace) -> bool {
        let mut tail = self.start_tail(drives, t, 0, ws);
        loop {
            let year = tail.t + 1 + tail.j as u32;
            self.advance(&ws.tail_inputs[0][tail.j], 0.0, &mut ws.tail[0], year);
            if let Some(outcome) = self.tail_settled(&mut tail, 0, ws) {
                return outcome;
            }
        }
    }

    /// The first candidate t in 1..=`tails` whose tail is sustained, or
    /// `None` if none is: the candidates' tails are simulated in rising
    /// order, [`LANES`] side by side, each as [`Self::tail_sustained`]
    /// simulates it (so each outcome is the same). A lane that settles
    /// takes the next candidate; once a tail is sustained, no later
    /// candidate is started and the lanes' later ones are dropped, and the
    /// answer is the smallest sustained candidate once every earlier one
    /// has settled.
    pub(super) fn first_sustained_tail(
        &self,
        drives: &[Drive],
        tails: u32,
        ws: &mut MixWorkspace,
    ) -> Option<u32> {
        let mut lanes: [Option<Tail>; LANES] = [None; LANES];
        let mut next_t = 1;
        let mut best: Option<u32> = None;
        loop {
            for (lane, slot) in lanes.iter_mut().enumerate() {
                if slot.is_none() && next_t <= tails && best.is_none() {
                    *slot = Some(self.start_tail(drives, next_t, lane, ws));
                    next_t += 1;
                }
            }
            match lanes {
                [Some(a), Some(b)] => {
                    let years = [a.t + 1 + a.j as u32, b.t + 1 + b.j as u32];
                    let [ia, ib] = &ws.tail_inputs;
                    let [ta, tb] = &mut ws.tail;
                    self.advance_lanes([&ia[a.j], &ib[b.j]], [0.0; 2], [ta, tb], years);
                }
                [Some(a), None] => {
                    let year = a.t + 1 + a.j as u32;
                    self.advance(&ws.tail_inputs[0][a.j], 0.0, &mut ws.tail[0], year);
                }
                [None, Some(b)] => {
                    let year = b.t + 1 + b.j as u32;
                    self.advance(&ws.tail_inputs[1][b.j], 0.0, &mut ws.tail[1], year);
                }
                [None, None] => return best,
            }
            for (lane, slot) in lanes.iter_mut().enumerate() {
                let Some(tail) = slot else {
                    continue;
                };
                let t = tail.t;
                if let Some(sustained) = self.tail_settled(tail, lane, ws) {
                    *slot = None;
                    if sustained {
                        best = Some(best.map_or(t, |b| b.min(t)));
                    }
                }
            }
            if let Some(b) = best {
                for slot in &mut lanes {
                    if slot.is_some_and(|tail| tail.t > b) {
                        *slot = None;
                    }
                }
            }
        }
    }

    /// Prepares `lane` for the tail of candidate `t`: its inputs and the
    /// untruncated run's years 0..=t.
    fn start_tail(&self, drives: &[Drive], t: u32, lane: usize, ws: &mut MixWorkspace) -> Tail {
        ws.fill_tail_inputs(self, drives, t, lane);
        ws.tail[lane].copy_prefix(&ws.full, t);
        Tail {
            t,
            j: 0,
            n: ws.tail_inputs[lane].len(),
            next_check: ws.first_check,
            quiet: quiet_from(drives, Some(t)),
        }
    }

    /// After tail year `tail.j` of `lane` has been simulated: `Some(sustained)`
    /// if the tail is settled — by the fixed point, the invariant box or
    /// because it has run its n years — and `None` (with `tail.j` moved on)
    /// if its next year is needed.
    fn tail_settled(&self, tail: &mut Tail, lane: usize, ws: &mut MixWorkspace) -> Option<bool> {
        let j = tail.j;
        let year = tail.t + 1 + j as u32;
        let traj = &ws.tail[lane];
        if tail.quiet.is_some_and(|q| u64::from(year) >= q)
            && is_stationary(traj, year, self.max_lag)
        {
            ws.first_check = FIRST_CHECK;
            return Some(self.rule().sustained(&traj.x[year as usize]));
        }
        // Every remaining update reads only the window of the last
        // max-lag states (none from a year ≤ 0 once year ≥ max-lag).
        let lags = self.max_lag as usize;
        let y = year as usize;
        if j >= tail.next_check && j + 1 < tail.n && y >= lags {
            // A failed test costs a few updates: test less and less often.
            tail.next_check = 2 * j + 2;
            let window = &traj.x[y + 1 - lags..=y];
            if let Some(rem) = ws.remaining(lane, j, traj.c[y])
                && let Some(outcome) = settled(self, window, &rem)
            {
                ws.first_check = j;
                return Some(outcome);
            }
        }
        if j + 1 >= tail.n {
            ws.first_check = FIRST_CHECK_AFTER_MISS;
            return Some(self.rule().sustained(traj.x.last().unwrap_or(&[0.0; 4])));
        }
        tail.j += 1;
        None
    }

    /// Shortcut 6: one invariant box for the tails of every candidate
    /// t = 1..=`last_t` at once. `Some(outcome)` if a box holds every state
    /// any of those tails can reach and decides each of them the same way
    /// (in practice: some track stays below the level in all of them);
    /// `None` if the test cannot tell; then, if `walk_worth` says so,
    /// shortcut 7 ([`Self::all_tails_stepped`]) tries, and if that cannot
    /// tell either the tails are simulated.
    ///
    /// Every tail starts from the untruncated run's states of years
    /// ≤ t ≤ `last_t` (and reads 0, the state of year 0, before the model
    /// starts), so the box starts from the hull of years 0..=`last_t`. Its
    /// updates read inputs that [`Self::all_tails_ranges`] bounds and a
    /// coordination in [0, max c(t)] (without communication c only falls).
    /// If one update maps the box into itself for every such input, every
    /// state of every tail lies in it, year t + n included — the argument
    /// of the `bounds` module, applied to all tails together.
    pub(super) fn all_tails_settled(
        &self,
        drives: &[Drive],
        last_t: u32,
        ws: &mut MixWorkspace,
        walk_worth: impl FnOnce(&mut MixWorkspace) -> bool,
    ) -> Option<bool> {
        let rem = self.all_tails_ranges(drives, last_t, ws)?;
        let single = settled_with(self, &ws.full.x[..=last_t as usize], &rem, ALL_TAILS_TRIES);
        if single.is_some() || !walk_worth(ws) {
            return single;
        }
        self.all_tails_stepped(drives, last_t, &rem, ws)
    }

    /// Shortcut 7: the tails of every candidate t = 1..=`last_t`, followed
    /// together year by year as one box per tail year, when no single box
    /// holds them all (shortcut 6 failed: typically the untruncated run
    /// is above the level in every track at some t, so a box holding the
    /// tails' first states cannot decide, although every tail falls back
    /// below once switched off).
    ///
    /// Box B_j holds the state of tail year j (year t + 1 + j) of every
    /// candidate: the image (the `bounds` module's interval update) of the
    /// hull of B_{j−1} … B_{j−max lag}, where a box before the tail's
    /// first year is the hull of the untruncated years 0..=`last_t`, with
    /// the inputs and coordination those updates read. While some track
    /// drive still reads activity from before the stop (the first tail
    /// years, up to the longest delay) the inputs are bounded by `all`, the
    /// ranges of every tail input of every candidate; after that a tail's
    /// inputs are drift and the impulses of repression under way, bounded
    /// for tail years ≥ j by [`MixWorkspace::late_spans`]. Coordination
    /// is bounded per tail year too: it starts at most at the largest
    /// c(t) and, without communication, each update can only lower it.
    /// Then, once the inputs are the late ranges (which bound every later
    /// year too):
    /// - if the hull would decide and the `bounds` module proves some box
    ///   around it invariant, every later state stays in that box, which
    ///   decides (a few tries a year, as a tail's own test);
    /// - if B_j lies inside the hull it was computed from, the hull itself
    ///   is invariant and decides if it can;
    /// - otherwise B_{n−1}, which holds every tail's year t + n, decides.
    ///
    /// A box decides if some track lies below the level throughout (no
    /// tail is sustained) or every track at or above it (every tail is).
    /// `None` if the boxes cannot tell or anything is not finite. Its cost
    /// is about two updates a year, a few tails' worth; on Södertälje it
    /// decides most mixes that shortcut 6 leaves open and no tail of
    /// which is sustained, which otherwise cost one tail per candidate
    /// (docs/performance.md).
    pub(super) fn all_tails_stepped(
        &self,
        drives: &[Drive],
        last_t: u32,
        all: &Remaining,
        ws: &mut MixWorkspace,
    ) -> Option<bool> {
        let n = self.rule().lookahead as usize;
        let level = self.rule().level;
        let decide = |[lo, hi]: &[[f64; 4]; 2]| box_outcome(level, lo, hi);
        // The first tail year in which every track drive reads only
        // switched-off activity (the same for every candidate).
        let stop = i64::from(last_t);
        let head = drives
            .iter()
            .filter(|d| matches!(d.channel, Channel::Track(_)))
            .map(|d| straddle_end(d, stop, n))
            .max()
            .unwrap_or(0);
        if head < n {
            ws.late_spans(self, drives, last_t, head)?;
        }
        let lags = self.max_lag as usize;
        let mut start = [[f64::INFINITY; 4], [f64::NEG_INFINITY; 4]];
        for x in &ws.full.x[..=last_t as usize] {
            for k in 0..4 {
                // `min` and `max` skip a NaN, which would leave the tail
                // reading it outside the box.
                if !x[k].is_finite() {
                    return None;
                }
                start[0][k] = start[0][k].min(x[k]);
                start[1][k] = start[1][k].max(x[k]);
            }
        }
        let boxes = &mut ws.boxes;
        boxes.clear();
        boxes.resize(lags, start);
        // Coordination read in tail year j is c(t + j) ≤ c_hi(j): it starts
        // at most at `all.c_hi` and, without communication, each update
        // maps it through a non-decreasing function (c − κ↓c, clamped),
        // exactly up to rounding, which the 10⁻¹² per year covers.
        let mut c_hi = all.c_hi;
        for j in 0..n {
            let mut hull = [[f64::INFINITY; 4], [f64::NEG_INFINITY; 4]];
            for [lo, hi] in &boxes[boxes.len() - lags..] {
                for k in 0..4 {
                    hull[0][k] = hull[0][k].min(lo[k]);
                    hull[1][k] = hull[1][k].max(hi[k]);
                }
            }
            let late = j >= head;
            let rem = if late {
                let [s_lo, s_hi] = ws.late_span[j - head];
                Remaining {
                    s_lo,
                    s_hi,
                    c_lo: 0.0,
                    c_hi,
                }
            } else {
                Remaining { c_hi, ..*all }
            };
            c_hi = (self.next_coordination(c_hi, 0.0) + 1e-12).min(1.0);
            // Where the hull would decide, an invariant box around it
            // (found by the `bounds` module's widening) ends the walk early.
            if late
                && decide(&hull).is_some()
                && let Some(outcome) = settled_with(self, &hull, &rem, STEPPED_TRIES)
            {
                return Some(outcome);
            }
            let (lo, hi) = image(self, &hull[0], &hull[1], &rem);
            if !lo.iter().chain(&hi).all(|v| v.is_finite()) {
                return None;
            }
            if late
                && (0..4).all(|k| lo[k] >= hull[0][k] && hi[k] <= hull[1][k])
                && let Some(outcome) = decide(&hull)
            {
                return Some(outcome);
            }
            boxes.push([lo, hi]);
        }
        boxes.last().and_then(decide)
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
    pub(super) fn all_tails_ranges(
        &self,
        drives: &[Drive],
        last_t: u32,
        ws: &MixWorkspace,
    ) -> Option<Remaining> {
        let len = ws.inputs.len();
        let lookahead = self.rule().lookahead;
        let end = last_t as usize + lookahead as usize;
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
            let straddle_in_tail = (0..i64::from(lookahead)).contains(&shift);
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
}

/// The first year from which every input of the update is exactly zero for
/// good when all activity stops after `stop_after`; `None` if never (a
/// repression impulse under way, or activity that decays without reaching 0).
pub(super) fn quiet_from(drives: &[Drive], stop_after: Option<u32>) -> Option<u64> {
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
