//! A deterministic quantile summary with a guaranteed rank error
//! (model.md §7: "percentile error … within 0.5 % in rank").
//!
//! Greenwald–Khanna (2001), fed in batches. Each stored tuple
//! (v, g, Δ) says: v's rank lies in [rmin, rmin + Δ] where rmin is the sum
//! of g up to and including it. The invariant g + Δ ≤ ⌊2εn⌋ guarantees that
//! for every target rank r some tuple has rmin ≥ r − εn and rmin + Δ ≤ r + εn,
//! so the value returned has a true rank within εn of r. With ε = 0.0049 and
//! the target rank rounded up to an integer (at most one rank away), the
//! error is ≤ 0.0049·n + 1 ≤ 0.5 % of n for n ≥ 100. Insertion keeps the
//! tighter g + Δ ≤ ⌊2·0.75·εn⌋ so that merged summaries stay small (see
//! `FILL_EPSILON`); below n = 273 it merges nothing and every quantile is
//! exact.
//!
//! The summary is not merged across threads: the engine feeds each output's
//! values in sample order, so the sketch — and every percentile — depends
//! only on the values and the batch boundaries, never on the thread count.
//! Memory is O((1/ε)·log(εn)) tuples in theory and a few hundred in practice
//! (16 bytes each, 10–12 while packed: see the `packed` module).
//!
//! Speed without changing a bit. The textbook batch insertion sorts the
//! batch, merges it into the tuples and compresses. [`QuantileSketch::insert_batch`]
//! builds exactly that summary, tuple for tuple (tested against
//! [`QuantileSketch::insert_sorted`]), with less work:
//! - a batch into an empty sketch only needs the order statistics that
//!   survive compression (every ⌊2εn⌋-th rank), found by a bucket pass and
//!   small selections instead of sorting the batch;
//! - later batches only need each value's gap among the stored tuples and,
//!   where a gap's run of new values starts new tuples, an order statistic
//!   of that run (for a short run, by counting each value's smaller ones,
//!   without branches); the gap is found from a coarse table over the
//!   stored values (or, for a heavy tail, over their order keys) plus a
//!   few verified comparisons;
//! - a batch whose values are all bitwise equal (a cell that is the same in
//!   every sample) needs one search and no per-value work.
//!
//! Every shortcut rests on monotone maps (a bucket of a value never lies
//! before the bucket of a smaller value) and exact comparisons, so it
//! changes how fast the answer is found, never the answer; see
//! docs/uncertainty.md.

mod fold;
mod packed;

/// The rank-error bound ε as a share of n.
pub const RANK_EPSILON: f64 = 0.0049;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Tuple {
    v: f64,
    g: u32,
    delta: u32,
}

/// Empties `tuples` for `len` new ones, keeping its capacity within
/// 1/16 of what it will hold.
///
/// A `Vec` grown by doubling leaves a quarter of its heap unused on
/// average, megabytes over ≈ 10⁴ summaries; reallocating a few KB when a
/// list outgrows the margin costs far less than the insertion or fold that
/// produced it, while reallocating at every change of length costs a merge
/// of many parts ≈ 10 % (each total changes length with every part). A
/// run's summaries are held packed, at their exact size, between changes.
#[inline]
fn refit(tuples: &mut Vec<Tuple>, len: usize) {
    tuples.clear();
    let margin = len / 16;
    if tuples.capacity() < len || tuples.capacity() > len + 2 * margin {
        *tuples = Vec::with_capacity(len + margin);
    }
}

/// Working memory for batch insertion, reusable across sketches (one per
/// worker), so inserting allocates nothing once it has grown.
#[derive(Debug, Clone, Default)]
pub struct SketchScratch {
    /// Merged (sorted path) or emitted-in-reverse (bucket path) tuples.
    out: Vec<Tuple>,
    /// Order keys of the stored values, padded with `i64::MAX`.
    keys: Vec<i64>,
    /// Per bucket of the gap table, the number of stored values in earlier
    /// buckets.
    first: Vec<u32>,
    /// Per batch value, its gap between stored tuples (or its bucket).
    bucket: Vec<u32>,
    /// Per gap (or bucket), the start of its values in `grouped`.
    start: Vec<u32>,
    /// The batch's values grouped by gap or bucket (unsorted within one).
    grouped: Vec<f64>,
    /// First batch: the ranks that survive compression, and their values.
    ranks: Vec<usize>,
    picked: Vec<f64>,
    /// A packed sketch's tuples, unpacked for an insertion.
    stored: Vec<Tuple>,
}

/// A Greenwald–Khanna quantile summary of a stream of (non-NaN) values.
///
/// Its tuples are held either as they are or packed ([`Self::pack`] for a
/// run's totals between folds, [`Self::pack_lightly`] for a segment's
/// summaries between blocks: 10–12 bytes a tuple instead of 16); every
/// method gives the same answer either way.
#[derive(Debug, Clone, Default)]
pub struct QuantileSketch {
    /// The tuples, unless they are packed.
    tuples: Vec<Tuple>,
    /// The tuples while packed (then `tuples` is empty).
    packed: packed::Packed,
    n: u64,
}

impl PartialEq for QuantileSketch {
    /// Equal counts and equal tuples, however each is held.
    fn eq(&self, other: &Self) -> bool {
        self.n == other.n
            && self.stored() == other.stored()
            && self.each().zip(other.each()).all(|(a, b)| a == b)
    }
}

impl QuantileSketch {
    /// An empty sketch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of values inserted.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Number of stored tuples (16 bytes each, fewer while packed).
    pub fn stored(&self) -> usize {
        self.tuples.len() + self.packed.len()
    }

    /// The stored tuples in order, however they are held.
    fn each(&self) -> impl Iterator<Item = Tuple> + '_ {
        self.tuples.iter().copied().chain(self.packed.iter())
    }

    /// Holds the tuples packed in the smallest layout: the same summary in
    /// ≈ 11 bytes a tuple instead of 16, for a run's totals, which only
    /// change once a segment (docs/uncertainty.md, "Memory"). Reading a
    /// packed sketch decodes as it goes; an insertion keeps it packed in
    /// its layout; a fold into it leaves the result unpacked (the engine
    /// packs its totals again after each fold).
    pub fn pack(&mut self) {
        if self.packed.is_raw() {
            self.unpack();
        }
        if !self.tuples.is_empty() {
            self.packed = packed::Packed::new(&self.tuples);
            self.tuples = Vec::new();
        }
    }

    /// Holds the tuples packed, values as they are and g and Δ narrowed
    /// (10 bytes a tuple for a segment's summary), in a form that unpacks
    /// and packs again at memory speed: for a sketch that takes a batch
    /// every block, and stays packed through them (docs/uncertainty.md,
    /// "Memory"). Nothing changes for one already packed.
    pub fn pack_lightly(&mut self) {
        if !self.tuples.is_empty() {
            self.packed = packed::Packed::raw(&self.tuples);
            self.tuples = Vec::new();
        }
    }

    /// Holds the tuples as they are again (see [`Self::pack`]).
    fn unpack(&mut self) {
        if self.packed.len() > 0 {
            let mut tuples = Vec::with_capacity(self.packed.len());
            self.packed.unpack_into(&mut tuples);
            self.tuples = tuples;
            self.packed = packed::Packed::default();
        }
    }

    /// A hash of the count and a few stored values: equal for equal
    /// sketches, and cheap (the engine's twin cells, `crate::twins`).
    pub(crate) fn fingerprint(&self) -> u64 {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let len = self.stored();
        let at = |i: usize| self.each().nth(i).map_or(0, |t| t.v.to_bits());
        [
            self.n,
            len as u64,
            at(0),
            at(len / 2),
            at(len.wrapping_sub(1)),
        ]
        .iter()
        .fold(0u64, |h, &x| (h.rotate_left(7) ^ x).wrapping_mul(K))
    }

    /// Heap bytes held (capacity included).
    pub fn heap_bytes(&self) -> usize {
        self.tuples.capacity() * std::mem::size_of::<Tuple>() + self.packed.heap_bytes()
    }

    /// Insert one value (convenience; batches are much cheaper).
    pub fn push(&mut self, x: f64) {
        self.insert_sorted(&[x], &mut SketchScratch::default());
    }

    /// Insert an unsorted `batch` (NaNs must have been removed; the slice
    /// may be reordered); `scratch` is working memory that can be shared by
    /// many sketches.
    ///
    /// The resulting summary is exactly the one [`Self::insert_sorted`]
    /// builds from the sorted batch (tested), found without sorting the
    /// batch (see the module documentation). While nothing merges yet
    /// (fewer than 273 values in all) every value is kept, and the batch is
    /// sorted and merged as in [`Self::insert_sorted`].
    pub fn insert_batch(&mut self, batch: &mut [f64], scratch: &mut SketchScratch) {
        if batch.is_empty() {
            return;
        }
        let packed = self.packed.len() > 0;
        if fill_cap(self.n + batch.len() as u64) < 2 || self.stored() == 1 {
            batch.sort_unstable_by(f64::total_cmp);
            let raw = self.packed.is_raw();
            self.unpack();
            self.insert_sorted(batch, scratch);
            match (packed, raw) {
                (true, true) => self.pack_lightly(),
                (true, false) => self.pack(),
                _ => {}
            }
            return;
        }
        if self.stored() == 0 {
            self.insert_first(batch, scratch);
            return;
        }
        // The stored tuples as a slice, and the result written from
        // `scratch.out` as they were held: a packed sketch is unpacked into
        // scratch and packed straight from the result, so it never holds
        // its tuples unpacked.
        let stored = if packed {
            let mut stored = std::mem::take(&mut scratch.stored);
            stored.clear();
            self.packed.unpack_into(&mut stored);
            stored
        } else {
            std::mem::take(&mut self.tuples)
        };
        self.n += batch.len() as u64;
        let cap = fill_cap(self.n);
        let len = match constant(batch) {
            Some(x) => insert_constant(&stored, x, batch.len(), cap, scratch),
            None => insert_unsorted(&stored, batch, cap, scratch),
        };
        let result = &scratch.out[..len];
        if packed {
            self.packed = if self.packed.is_raw() {
                packed::Packed::raw_reversed(result)
            } else {
                packed::Packed::new_reversed(result)
            };
            scratch.stored = stored;
        } else {
            let mut tuples = stored;
            refit(&mut tuples, len);
            tuples.extend(result.iter().rev());
            self.tuples = tuples;
        }
    }

    /// The first batch of an empty sketch, of at least 273 values.
    ///
    /// The sorted path would keep every value as (x, 1, 0) and compress
    /// right to left: the maximum absorbs its left neighbours until its g
    /// reaches cap = [`fill_cap`], the next value left of them does the same, and
    /// so on down to the second smallest; the minimum stays on its own. So
    /// the result is the minimum plus the values of sorted rank
    /// len − 1 − k·cap (k = 0, 1, …, while ≥ 1), each with g = cap except
    /// the leftmost (g = its rank), all with Δ = 0 — about 1/(2·0.75·ε) ≈ 136
    /// order statistics, which [`select_ranks`] finds without sorting the
    /// batch.
    fn insert_first(&mut self, batch: &mut [f64], scratch: &mut SketchScratch) {
        let len = batch.len();
        let cap = fill_cap(len as u64) as usize;
        debug_assert!(self.tuples.is_empty() && cap >= 2 && len >= 3);
        let SketchScratch {
            bucket,
            start,
            grouped,
            ranks,
            picked,
            ..
        } = scratch;
        let chunks = (len - 1).div_ceil(cap);
        ranks.clear();
        ranks.push(0);
        ranks.extend((0..chunks).rev().map(|k| len - 1 - k * cap));
        picked.clear();
        picked.resize(ranks.len(), 0.0);
        grow(grouped, len);
        select_ranks(batch, &mut grouped[..len], ranks, 0, picked, start, bucket);
        refit(&mut self.tuples, ranks.len());
        self.tuples.push(Tuple {
            v: picked[0],
            g: 1,
            delta: 0,
        });
        let mut below = 0;
        for (&r, &v) in ranks[1..].iter().zip(&picked[1..]) {
            self.tuples.push(Tuple {
                v,
                g: (r - below) as u32,
                delta: 0,
            });
            below = r;
        }
        self.n = len as u64;
    }

    /// Insert a batch sorted ascending by `f64::total_cmp`.
    pub fn insert_sorted(&mut self, batch: &[f64], scratch: &mut SketchScratch) {
        if batch.is_empty() {
            return;
        }
        self.unpack();
        // Merge into shared scratch so the sketch itself only ever holds
        // its compressed tuples (a few KB), not tuples plus a batch.
        let out = &mut scratch.out;
        out.clear();
        out.reserve(self.tuples.len() + batch.len());
        let mut old = self.tuples.iter().peekable();
        for &x in batch {
            while let Some(t) = old.next_if(|t| t.v.total_cmp(&x).is_le()) {
                out.push(*t);
            }
            // A new value goes before the first stored tuple greater than
            // it, so its rank lies within that successor's range:
            // Δ = g + Δ − 1 of the successor (0 beyond the maximum, so the
            // extremes stay exact).
            let delta = old.peek().map_or(0, |s| s.g + s.delta - 1);
            out.push(Tuple { v: x, g: 1, delta });
        }
        out.extend(old.copied());
        self.n += batch.len() as u64;
        compress(out, fill_cap(self.n));
        refit(&mut self.tuples, out.len());
        self.tuples.extend_from_slice(out);
    }

    /// Folds `later`, a summary of other values, into this one: the
    /// Greenwald–Khanna combination of two summaries, then compression.
    ///
    /// Each tuple's rank bounds in the union are its bounds in its own
    /// summary plus those of its neighbours in the other (rmin adds the
    /// other's rmin of the last tuple not after it; rmax adds the other's
    /// rmax of the first tuple after it, less one). So every g + Δ is at
    /// most ⌊2εn₁⌋ + ⌊2εn₂⌋ ≤ ⌊2ε(n₁ + n₂)⌋: the result keeps the rank
    /// guarantee. Ties put this summary's tuples first, so the result is a
    /// function of the two summaries and their order only — which is what
    /// lets runs split over machines merge bit for bit (the engine always
    /// merges in sample order). Exact summaries stay exact while the union
    /// has fewer than 205 values.
    pub fn merge(&mut self, later: &QuantileSketch) {
        Self::merge_each([(self, later)]);
    }

    /// [`Self::merge`] of each pair, `later` into `total`, in order.
    ///
    /// Pairs are folded two at a time, side by side (see the `fold` module):
    /// the same summaries, found faster. Summaries longer than a lane holds
    /// (more than 1 023 tuples, which a run's fold does not reach) take the
    /// one-at-a-time walk (`combine_compressed`).
    pub fn merge_each<'s>(
        pairs: impl IntoIterator<Item = (&'s mut QuantileSketch, &'s QuantileSketch)>,
    ) {
        let mut waiting: [Option<(&mut QuantileSketch, &QuantileSketch)>; fold::LANES] =
            Default::default();
        let mut filled = 0;
        for (total, later) in pairs {
            if later.n == 0 {
                continue;
            }
            if total.n == 0 {
                total.clone_from(later);
                continue;
            }
            if total.stored() > fold::MAX_LIST || later.stored() > fold::MAX_LIST {
                total.unpack();
                if later.packed.len() > 0 {
                    let mut later = later.clone();
                    later.unpack();
                    total.merge_walk(&later);
                } else {
                    total.merge_walk(later);
                }
                continue;
            }
            waiting[filled] = Some((total, later));
            filled += 1;
            if filled == fold::LANES {
                filled = 0;
                fold_waiting(&mut waiting);
            }
        }
        if filled > 0 {
            fold_waiting(&mut waiting);
        }
    }

    /// [`Self::merge`] of non-empty summaries by [`combine_compressed`].
    fn merge_walk(&mut self, later: &QuantileSketch) {
        self.n += later.n;
        MERGED.with_borrow_mut(|buf| {
            let kept = combine_compressed(&self.tuples, &later.tuples, cap(self.n), buf);
            refit(&mut self.tuples, kept.len());
            self.tuples.extend_from_slice(&buf[kept]);
        });
    }

    /// A value whose rank is within ε·n of `rank` (1-based, clamped to
    /// [1, n]); exact while nothing has been merged. None when empty.
    pub fn rank_value(&self, rank: u64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let r = rank.clamp(1, self.n) as i64;
        let mut rmin = 0i64;
        let mut best = (i64::MAX, f64::NAN);
        for t in self.each() {
            rmin += t.g as i64;
            let rmax = rmin + t.delta as i64;
            let err = (r - rmin).max(rmax - r);
            if err < best.0 {
                best = (err, t.v);
            }
            // Every later tuple has rmin − r beyond the best error so far.
            if rmin - r >= best.0 {
                break;
            }
        }
        Some(best.1)
    }

    /// The φ-quantile: the value of rank ⌈φ·n⌉ (at least 1), within the
    /// documented rank error. None when empty.
    pub fn quantile(&self, phi: f64) -> Option<f64> {
        self.rank_value(target_rank(phi, self.n))
    }
}

/// A batch of `count` copies of `x` into a sketch of at least two
/// tuples: one search for the gap, then the same right-to-left pass as
/// [`insert_unsorted`], in which every order statistic of the run
/// is `x` and nothing needs sorting or selecting.
fn insert_constant(
    stored: &[Tuple],
    x: f64,
    count: usize,
    cap: u64,
    scratch: &mut SketchScratch,
) -> usize {
    let gap = stored.partition_point(|t| t.v.total_cmp(&x).is_le());
    merge_gaps(
        stored,
        cap,
        &mut Constant { gap, x, count },
        count,
        &mut scratch.out,
    )
}

/// Merge-and-compress without sorting the batch.
///
/// Conceptually the sorted path builds the merged list — each new value
/// as (x, 1, Δ) with Δ from the stored tuple after it — and compresses
/// it right to left. Walking that same list right to left, a run of new
/// values between two stored tuples is absorbed into the current tuple
/// one by one while it has room, whatever their order, so only a count
/// is needed; values are needed only where a run overflows and a new
/// tuple must start (its value is an order statistic of the run). So:
/// find each value's gap among the ~200 stored values ([`fill_gaps`]),
/// group the batch by gap with a counting sort, and select from or sort
/// only the few small runs that overflow. This replaces an O(B log B)
/// sort with mispredicted merges by O(B) predictable work plus one O(S)
/// pass, and produces the identical summary.
fn insert_unsorted(
    tuples: &[Tuple],
    batch: &[f64],
    cap: u64,
    scratch: &mut SketchScratch,
) -> usize {
    let SketchScratch {
        out,
        keys,
        first,
        bucket,
        start,
        grouped,
        ..
    } = scratch;
    let stored = tuples.len();
    // Gap b ∈ [0, stored]: the number of stored values ≤ x, so a value
    // equal to a stored one goes after it, as in the sorted merge.
    // `start[b + 1]` counts gap b's values.
    start.clear();
    start.resize(stored + 2, 0);
    fill_gaps(tuples, keys, first, batch, bucket, start);
    // Running total in a register, not re-read from memory each step.
    let mut total = 0u32;
    for s in start.iter_mut() {
        total += *s;
        *s = total;
    }
    grow(grouped, batch.len());
    // Scatter using start[b] as a cursor, then shift back. Over slices, so
    // that their bounds stay in registers: through the `Vec`s, every store
    // made the compiler reload both vectors' pointers and lengths.
    let cursors: &mut [u32] = start;
    let into: &mut [f64] = grouped;
    for (&x, &b) in batch.iter().zip(bucket.iter()) {
        let at = &mut cursors[b as usize];
        into[*at as usize] = x;
        *at += 1;
    }
    start.copy_within(..stored + 1, 1);
    start[0] = 0;
    merge_gaps(
        tuples,
        cap,
        &mut Grouped {
            start,
            values: grouped,
        },
        batch.len(),
        out,
    )
}

/// The right-to-left merge-and-compress pass over the `tuples` stored and
/// the batch's `new` values given by gap, compressing to `cap` (that of
/// the count with the batch); returns how many tuples it wrote to the
/// front of `out`, in reverse order.
fn merge_gaps<G: Gaps>(
    tuples: &[Tuple],
    cap: u64,
    gaps: &mut G,
    new: usize,
    out: &mut Vec<Tuple>,
) -> usize {
    let stored = tuples.len();
    let below_min = gaps.count(0);

    // Emitted tuples, right to left, written at `w` (at most every
    // stored and new tuple); `cur` is the tuple absorbing. Every slot is
    // written before it is read, so `out` is only grown, never cleared.
    grow(out, stored + new + 1);
    let w = &mut 0usize;
    let mut cur: Tuple;
    // Gap `stored`: values above the maximum (Δ = 0, nothing after).
    let c = gaps.count(stored);
    if c == 0 {
        cur = tuples[stored - 1];
    } else {
        gaps.sort(stored);
        cur = Tuple {
            v: gaps.sorted(stored, c - 1),
            g: 1,
            delta: 0,
        };
        absorb_run(&mut cur, out, w, c - 1, |k| gaps.sorted(stored, k), 0, cap);
        absorb(&mut cur, out, w, tuples[stored - 1], cap);
    }
    for b in (1..stored).rev() {
        // New values in gap b lie just below stored tuple b, so their
        // rank uncertainty is that tuple's g + Δ − 1.
        let succ = tuples[b];
        let d = succ.g + succ.delta - 1;
        absorb_gap(&mut cur, out, w, gaps, b, d, cap);
        // Stored tuple 0 is never merged while it is still the minimum.
        if b > 1 || below_min > 0 {
            absorb(&mut cur, out, w, tuples[b - 1], cap);
        }
    }
    // Gap 0: below the minimum. The smallest value overall is never
    // merged (the minimum stays exact).
    let first = if below_min == 0 {
        tuples[0]
    } else {
        let succ = tuples[0];
        let d = succ.g + succ.delta - 1;
        gaps.sort(0);
        absorb_run(
            &mut cur,
            out,
            w,
            below_min - 1,
            |k| gaps.sorted(0, k + 1),
            d,
            cap,
        );
        Tuple {
            v: gaps.sorted(0, 0),
            g: 1,
            delta: d,
        }
    };
    out[*w] = cur;
    out[*w + 1] = first;
    *w + 2
}

/// ⌊2εn⌋: the most g + Δ any tuple may have after n values.
fn cap(n: u64) -> u64 {
    (2.0 * RANK_EPSILON * n as f64).floor() as u64
}

/// The rank-error bound a sketch keeps while values are inserted (share of
/// n); merges compress to [`RANK_EPSILON`].
///
/// Below the merge's bound so that a run's total, folded from segments, has
/// room to compress: the combination adds the other summary's g + Δ to
/// every Δ, so segments filled to ε leave a total whose Δ sits near the cap
/// and whose tuples cannot join (≈ 1 100 per cell after 100 segments).
/// Filled to 0.75·ε, their Δ use at most 1.5·ε·n of the 2·ε·n allowed,
/// and the total levels off near 400 tuples while a segment grows from
/// ≈ 160 to ≈ 210 (measured on log-uniform data: 0.6·ε gave 300 and 270,
/// ε/3 gave 210 and 500; docs/uncertainty.md). Any value below ε keeps the
/// guarantee, which is the merge's: every g + Δ ≤ ⌊2εn⌋.
const FILL_EPSILON: f64 = RANK_EPSILON * 0.75;

/// ⌊2·[`FILL_EPSILON`]·n⌋: the most g + Δ an insertion leaves a tuple.
fn fill_cap(n: u64) -> u64 {
    (2.0 * FILL_EPSILON * n as f64).floor() as u64
}

/// Make `v` at least `len` long without rewriting what it holds (for
/// buffers every slot of which is written before it is read).
fn grow<T: Copy + Default>(v: &mut Vec<T>, len: usize) {
    if v.len() < len {
        v.resize(len, T::default());
    }
}

/// The value of a batch whose values are all bitwise equal, if it is one.
/// Chunked so the comparison vectorises; most batches differ in their
/// first chunk.
fn constant(batch: &[f64]) -> Option<f64> {
    let x = *batch.first()?;
    let bits = x.to_bits();
    batch
        .chunks(16)
        .all(|c| c.iter().fold(true, |same, v| same & (v.to_bits() == bits)))
        .then_some(x)
}

/// `f64::total_cmp` as an integer order (the same bit trick it uses).
#[inline]
fn order_key(v: f64) -> i64 {
    let b = v.to_bits() as i64;
    b ^ (((b >> 63) as u64) >> 1) as i64
}

/// The inverse of [`order_key`] (the bit trick is its own inverse).
#[inline]
fn from_key(k: i64) -> f64 {
    f64::from_bits((k ^ (((k >> 63) as u64) >> 1) as i64) as u64)
}

/// A monotone map of values to `last + 1` buckets of equal width between
/// two finite values (those below the first go to bucket 0, those above
/// the last to the last bucket).
///
/// Exactness rests only on monotonicity: x ≤ y implies
/// `bucket(x) ≤ bucket(y)`, because IEEE subtraction and multiplication by
/// a positive constant round monotonically and the saturating conversion
/// and the clamp are monotone. So a value in a later bucket than x is
/// greater than x, one in an earlier bucket is smaller, and only values in
/// x's own bucket need comparing (-0.0 and 0.0 share a bucket and are told
/// apart by that comparison).
#[derive(Debug, Clone, Copy)]
struct Grid {
    lo: f64,
    scale: f64,
    last: usize,
}

impl Grid {
    /// A grid of `len` ≥ 2 buckets over [lo, hi]; None unless
    /// lo < hi, both finite, and the scale is a finite positive number
    /// (then lo lands in bucket 0 and hi in bucket ≥ 1).
    fn new(lo: f64, hi: f64, len: usize) -> Option<Self> {
        let width = hi - lo;
        let scale = len as f64 / width;
        (len >= 2 && lo < hi && width.is_finite() && scale.is_finite() && scale > 0.0).then_some(
            Grid {
                lo,
                scale,
                last: len - 1,
            },
        )
    }

    /// The bucket of a non-NaN value.
    #[inline(always)]
    fn bucket(&self, x: f64) -> usize {
        // x − lo and the product are never NaN for finite lo and scale > 0.
        // Clamped to [0, last] (< 2³²) and added to 2⁵², the value's low
        // mantissa bits are the rounded bucket number: a rounding (monotone)
        // without the saturation checks of an `as` conversion.
        const ROUND: f64 = (1u64 << 52) as f64;
        let y = (x - self.lo) * self.scale;
        let y = if y > 0.0 { y } else { 0.0 };
        let y = if y < self.last as f64 {
            y
        } else {
            self.last as f64
        };
        (y + ROUND).to_bits() as u32 as usize
    }
}

/// Largest slice whose wanted ranks [`select_ranks`] finds directly, by
/// counting (see [`Counted`]).
const SMALL: usize = 32;

/// Set `out[i]` to the value of 0-based rank `ranks[i] − base` among `vals`
/// in `f64::total_cmp` order (`ranks` ascending, each in
/// [base, base + vals.len())). `vals` is reordered; `tmp` (as long as
/// `vals`), `start` and `bucket` are working memory.
///
/// Bucket sort by a [`Grid`] between the smallest and largest finite value
/// (over their order keys for a heavy tail of one sign): count, scatter
/// into `tmp`, then look only into the buckets that hold a wanted rank —
/// small ones by counting, big ones by the same method on their own range,
/// with `vals` and `tmp` swapping roles. A slice
/// of one value repeated needs no sorting; one the grid cannot split (only
/// -0.0 and 0.0, or infinities around one finite value) is sorted.
fn select_ranks(
    vals: &mut [f64],
    tmp: &mut [f64],
    ranks: &[usize],
    base: usize,
    out: &mut [f64],
    start: &mut Vec<u32>,
    bucket: &mut Vec<u32>,
) {
    let n = vals.len();
    if n <= SMALL {
        return by_count(vals, ranks, base, out);
    }
    let (mut kmin, mut kmax) = (i64::MAX, i64::MIN);
    for &x in vals.iter() {
        let k = order_key(x);
        kmin = kmin.min(k);
        kmax = kmax.max(k);
    }
    if kmin == kmax {
        out.fill(vals[0]);
        return;
    }
    let (mut lo, mut hi) = (from_key(kmin), from_key(kmax));
    if !(lo.is_finite() && hi.is_finite()) {
        (lo, hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &x in vals.iter().filter(|x| x.is_finite()) {
            lo = lo.min(x);
            hi = hi.max(x);
        }
    }
    let len = (n / 2).max(2);
    // Values of one sign spread over more than a factor of 16 (a heavy
    // tail: most of them would share the lowest buckets of an even grid)
    // are bucketed by order key, evenly in log |x|.
    let wide = (lo > 0.0 && hi > 16.0 * lo) || (hi < 0.0 && lo < 16.0 * hi);
    let by_key = wide.then(|| Grid::new(order_key(lo) as f64, order_key(hi) as f64, len));
    let grid = match by_key.flatten() {
        Some(grid) => Some((grid, true)),
        None => Grid::new(lo, hi, len).map(|grid| (grid, false)),
    };
    let Some((grid, by_key)) = grid else {
        vals.sort_unstable_by(f64::total_cmp);
        for (o, &r) in out.iter_mut().zip(ranks) {
            *o = vals[r - base];
        }
        return;
    };
    // Counting sort into `tmp`: start[j + 1] counts bucket j, then the
    // prefix sums make start[j] bucket j's first slot; the scatter moves
    // each start[j] on to bucket j's end.
    start.clear();
    start.resize(len + 1, 0);
    bucket.clear();
    bucket.extend(vals.iter().map(|&x| {
        let j = grid.bucket(if by_key { order_key(x) as f64 } else { x });
        start[j + 1] += 1;
        j as u32
    }));
    let mut total = 0u32;
    for s in start.iter_mut() {
        total += *s;
        *s = total;
    }
    let cursors: &mut [u32] = start;
    for (&x, &j) in vals.iter().zip(bucket.iter()) {
        let at = &mut cursors[j as usize];
        tmp[*at as usize] = x;
        *at += 1;
    }
    // Now bucket j is tmp[start[j − 1]..start[j]] (from 0 for j = 0).
    let (mut i, mut j, mut lo_at) = (0, 0, 0usize);
    while i < ranks.len() {
        let r = ranks[i] - base;
        while start[j] as usize <= r {
            lo_at = start[j] as usize;
            j += 1;
        }
        let hi_at = start[j] as usize;
        let mut k = i + 1;
        while k < ranks.len() && ranks[k] - base < hi_at {
            k += 1;
        }
        if hi_at - lo_at == 1 {
            out[i] = tmp[lo_at];
        } else {
            // Each of lo and hi is in a bucket of its own range, so no
            // bucket holds everything and the recursion shrinks.
            debug_assert!(hi_at - lo_at < n);
            select_ranks(
                &mut tmp[lo_at..hi_at],
                &mut vals[lo_at..hi_at],
                &ranks[i..k],
                base + lo_at,
                &mut out[i..k],
                &mut Vec::new(),
                &mut Vec::new(),
            );
        }
        i = k;
    }
}

/// `out[i]` = the value of rank `ranks[i] − base` among `vals` (at most
/// [`SMALL`] of them), by counting (see [`Counted`]) in the narrowest of
/// three tables that holds them: a short slice (most hold a handful) then
/// costs one or two vector compares per value instead of four.
#[inline(always)]
fn by_count(vals: &[f64], ranks: &[usize], base: usize, out: &mut [f64]) {
    #[inline(always)]
    fn by<const N: usize>(vals: &[f64], ranks: &[usize], base: usize, out: &mut [f64]) {
        let counted = Counted::<N>::new(vals);
        for (o, &r) in out.iter_mut().zip(ranks) {
            *o = counted.kth(r - base);
        }
    }
    match vals.len() {
        0..=8 => by::<8>(vals, ranks, base, out),
        9..=16 => by::<16>(vals, ranks, base, out),
        _ => by::<SMALL>(vals, ranks, base, out),
    }
}

/// Buckets of the gap table per stored tuple (rounded up to a power of
/// two): enough that most buckets hold at most one or two stored values,
/// few enough that building the table (once per batch) stays cheap next to
/// the batch's look-ups. Measured on Södertälje at 10⁵ samples: 2 beats 4
/// (~4 % less summarising) and 1 (windows grow).
const GAP_BUCKETS_PER_TUPLE: usize = 2;

/// Push, for each of `batch`, its gap: the number of `tuples` whose value is
/// ≤ it (by `total_cmp`), and count it in `count[gap + 1]`.
///
/// A [`Grid`] over the stored values' finite range gives, for a value's
/// bucket j, the number `first[j]` of stored values in earlier buckets —
/// all smaller than the value — while stored values in later buckets are
/// all greater. So the gap is `first[j]` plus the number of stored values
/// in bucket j that are ≤ the value, counted with exact order-key
/// comparisons over a window of W keys from `first[j]`, W the largest
/// bucket's size rounded up to a power of two (keys beyond the bucket are
/// greater, or the `i64::MAX` padding, and do not count). For the ~200
/// tuples of smooth data W is 1 to 4: a multiply, a table look-up and a
/// few independent comparisons instead of a dependent eight-step binary
/// search. Where the stored values crowd a few buckets (W > 8), the same
/// table is tried over their order keys instead, whose grid is even in
/// log |x| on each side of zero: heavy-tailed cells (most values small,
/// a few large, all of one sign) then spread out again. Where neither table
/// helps (a few distinct values held by many tuples, too few finite values,
/// or a cluster tight in both scales) every value takes the branch-free
/// binary search of [`gap`].
fn fill_gaps(
    tuples: &[Tuple],
    keys: &mut Vec<i64>,
    first: &mut Vec<u32>,
    batch: &[f64],
    bucket: &mut Vec<u32>,
    count: &mut [u32],
) {
    let stored = tuples.len();
    bucket.clear();
    keys.clear();
    keys.extend(tuples.iter().map(|t| order_key(t.v)));
    let lo = tuples.iter().map(|t| t.v).find(|v| v.is_finite());
    let hi = tuples.iter().rev().map(|t| t.v).find(|v| v.is_finite());
    let len = (stored * GAP_BUCKETS_PER_TUPLE).next_power_of_two();
    if let (Some(lo), Some(hi)) = (lo, hi) {
        // By value, then by order key: the same table over a second
        // monotone coordinate (i64 → f64 rounds monotonically).
        let scales = [
            (Grid::new(lo, hi, len), false),
            (
                Grid::new(order_key(lo) as f64, order_key(hi) as f64, len),
                true,
            ),
        ];
        for (grid, by_key) in scales {
            let Some(grid) = grid else { continue };
            let coord = |v: f64| if by_key { order_key(v) as f64 } else { v };
            // first[j] = number of stored values in buckets < j: count the
            // stored values per bucket, then an exclusive running sum, which
            // also finds the largest bucket. (One pass of simple steps over
            // the table, rather than a short fill per stored value.)
            grow(first, len);
            let first = &mut first[..len];
            first.fill(0);
            for t in tuples {
                first[grid.bucket(coord(t.v))] += 1;
            }
            let (mut widest, mut below) = (0u32, 0u32);
            for f in first.iter_mut() {
                let here = *f;
                widest = widest.max(here);
                *f = below;
                below += here;
            }
            let window = (widest as usize).next_power_of_two();
            if window > 8 {
                continue;
            }
            keys.resize(stored + window, i64::MAX);
            let table = Table { grid, first, keys };
            return if by_key {
                table.fill_window::<true>(window, batch, bucket, count)
            } else {
                table.fill_window::<false>(window, batch, bucket, count)
            };
        }
    }
    // The binary search: keys padded to a power of two.
    keys.truncate(stored);
    keys.resize(stored.next_power_of_two(), i64::MAX);
    bucket.extend(batch.iter().map(|&x| {
        let b = gap(keys, order_key(x));
        count[b + 1] += 1;
        b as u32
    }));
}

/// The gap table of [`fill_gaps`].
struct Table<'a> {
    grid: Grid,
    first: &'a [u32],
    keys: &'a [i64],
}

impl Table<'_> {
    /// [`Table::fill`] with the window (1, 2, 4 or 8) as a constant.
    fn fill_window<const BY_KEY: bool>(
        &self,
        window: usize,
        batch: &[f64],
        bucket: &mut Vec<u32>,
        count: &mut [u32],
    ) {
        match window {
            1 => self.fill::<1, BY_KEY>(batch, bucket, count),
            2 => self.fill::<2, BY_KEY>(batch, bucket, count),
            4 => self.fill::<4, BY_KEY>(batch, bucket, count),
            _ => self.fill::<8, BY_KEY>(batch, bucket, count),
        }
    }

    /// Gaps of `batch` with a window of `W` keys (W ≥ the largest bucket),
    /// the grid over values or, with `BY_KEY`, over order keys.
    fn fill<const W: usize, const BY_KEY: bool>(
        &self,
        batch: &[f64],
        bucket: &mut Vec<u32>,
        count: &mut [u32],
    ) {
        bucket.extend(batch.iter().map(|&x| {
            let k = order_key(x);
            let coord = if BY_KEY { k as f64 } else { x };
            let f = self.first[self.grid.bucket(coord)] as usize;
            let window: &[i64; W] = self.keys[f..f + W].try_into().expect("padded");
            let b = f + window.iter().map(|&s| usize::from(s <= k)).sum::<usize>();
            count[b + 1] += 1;
            b as u32
        }));
    }
}

/// The number of `keys` ≤ `k`, for `keys` sorted ascending with a
/// power-of-two length. Each step is a conditional move rather than a
/// branch (a branch would be mispredicted half the time on random data), so
/// independent searches overlap in the CPU.
#[inline(always)]
fn gap(keys: &[i64], k: i64) -> usize {
    let len = keys.len();
    debug_assert!(len.is_power_of_two());
    let mask = len - 1;
    let mut base = 0usize;
    let mut step = len / 2;
    while step > 0 {
        // base + step − 1 < len always; the mask only lets the compiler
        // drop the bounds check.
        let probe = keys[(base + step - 1) & mask];
        base = std::hint::select_unpredictable(probe <= k, base + step, base);
        step /= 2;
    }
    // The steps sum to len − 1, so one key (index base) is still open.
    base + usize::from(keys[base & mask] <= k)
}

/// One batch's new values by gap, as [`QuantileSketch::merge`] reads them.
trait Gaps {
    /// Number of new values in gap `b`.
    fn count(&self, b: usize) -> usize;
    /// Sort gap `b`'s values ascending (`f64::total_cmp`).
    fn sort(&mut self, b: usize);
    /// The `k`-th smallest value of gap `b`, after [`Gaps::sort`].
    fn sorted(&self, b: usize, k: usize) -> f64;
    /// The `k`-th smallest value of gap `b`, by selection.
    fn select(&mut self, b: usize, k: usize) -> f64;
}

/// The general case: values grouped by gap, unsorted within one.
struct Grouped<'a> {
    /// Gap b is `values[start[b]..start[b + 1]]`.
    start: &'a [u32],
    values: &'a mut [f64],
}

impl Grouped<'_> {
    fn run(&mut self, b: usize) -> &mut [f64] {
        &mut self.values[self.start[b] as usize..self.start[b + 1] as usize]
    }
}

impl Gaps for Grouped<'_> {
    fn count(&self, b: usize) -> usize {
        (self.start[b + 1] - self.start[b]) as usize
    }
    fn sort(&mut self, b: usize) {
        self.run(b).sort_unstable_by(f64::total_cmp);
    }
    fn sorted(&self, b: usize, k: usize) -> f64 {
        self.values[self.start[b] as usize + k]
    }
    fn select(&mut self, b: usize, k: usize) -> f64 {
        let run = self.run(b);
        if run.len() <= SELECT_BY_COUNT {
            let mut kth = [0.0];
            by_count(run, &[k], 0, &mut kth);
            return kth[0];
        }
        *run.select_nth_unstable_by(k, f64::total_cmp).1
    }
}

/// Longest run of a gap that [`Grouped::select`] selects from by counting
/// (see [`Counted`]) rather than with a general selection. Runs are short
/// (~9 values where a gap overflows), and sorting them was a chain of
/// mispredicted insertion steps.
const SELECT_BY_COUNT: usize = 16;

/// Up to N values as order keys, each with the number of values strictly
/// smaller, found without a data-dependent branch: each value's key is
/// compared with all N slots at once and adds one to the count of every
/// slot it lies below — N counts summed side by side, with no per-slot
/// horizontal sum (the empty slots hold `i64::MAX`, never smaller).
struct Counted<const N: usize> {
    keys: [i64; N],
    below: [u32; N],
    len: usize,
}

impl<const N: usize> Counted<N> {
    #[inline(always)]
    fn new(run: &[f64]) -> Self {
        debug_assert!(run.len() <= N);
        let mut keys = [i64::MAX; N];
        for (key, &x) in keys.iter_mut().zip(run) {
            *key = order_key(x);
        }
        let mut below = [0u32; N];
        for &kj in &keys[..run.len()] {
            for (b, &ki) in below.iter_mut().zip(&keys) {
                *b += u32::from(kj < ki);
            }
        }
        Counted {
            keys,
            below,
            len: run.len(),
        }
    }

    /// The k-th smallest (0-based): the largest value with at most k values
    /// strictly below it.
    #[inline(always)]
    fn kth(&self, k: usize) -> f64 {
        debug_assert!(k < self.len);
        let mut best = i64::MIN;
        for (&key, &b) in self.keys[..self.len].iter().zip(&self.below) {
            best = if b as usize <= k { best.max(key) } else { best };
        }
        from_key(best)
    }
}

/// A constant batch: `count` copies of `x`, all in gap `gap`.
struct Constant {
    gap: usize,
    x: f64,
    count: usize,
}

impl Gaps for Constant {
    fn count(&self, b: usize) -> usize {
        if b == self.gap { self.count } else { 0 }
    }
    fn sort(&mut self, _: usize) {}
    fn sorted(&self, _: usize, _: usize) -> f64 {
        self.x
    }
    fn select(&mut self, _: usize, _: usize) -> f64 {
        self.x
    }
}

/// One compress step (right to left): merge `t` into `cur` if the result
/// keeps g + Δ ≤ cap, else emit `cur` at `out[w]` and continue from `t`.
/// Branch-free (the write is always made and kept only by advancing `w`):
/// whether neighbours merge is data-dependent and was mispredicted often.
#[inline]
fn absorb(cur: &mut Tuple, out: &mut [Tuple], w: &mut usize, t: Tuple, cap: u64) {
    let merge = t.g as u64 + cur.g as u64 + cur.delta as u64 <= cap;
    out[*w] = *cur;
    *w += usize::from(!merge);
    let merged = Tuple {
        // Only used when it fits under cap, which is < 2³² for any n this
        // engine can reach; wrapping keeps the unused case harmless.
        g: cur.g.wrapping_add(t.g),
        ..*cur
    };
    *cur = std::hint::select_unpredictable(merge, merged, t);
}

/// Compress steps for a run of `len` new values (x, 1, `d`), taken from the
/// largest down; `value(k)` is the run's k-th smallest. Values merge one by
/// one while `cur` has room, so they are taken in bulk; a value is read
/// only where a new tuple starts.
fn absorb_run(
    cur: &mut Tuple,
    out: &mut [Tuple],
    w: &mut usize,
    len: usize,
    value: impl Fn(usize) -> f64,
    d: u32,
    cap: u64,
) {
    let mut k = len;
    while k > 0 {
        let room = cap.saturating_sub(cur.g as u64 + cur.delta as u64);
        let take = k.min(room as usize);
        cur.g += take as u32;
        k -= take;
        if k == 0 {
            break;
        }
        out[*w] = *cur;
        *w += 1;
        k -= 1;
        *cur = Tuple {
            v: value(k),
            g: 1,
            delta: d,
        };
    }
}

/// As [`absorb_run`] for gap `b`'s unsorted run, without sorting where
/// possible: a run that fits into `cur` needs only its length, and one that
/// starts a single new tuple needs only that tuple's value, an order
/// statistic found by selection. Only a run that starts several tuples is
/// sorted.
fn absorb_gap<G: Gaps>(
    cur: &mut Tuple,
    out: &mut [Tuple],
    w: &mut usize,
    gaps: &mut G,
    b: usize,
    d: u32,
    cap: u64,
) {
    let c = gaps.count(b);
    let room = cap.saturating_sub(cur.g as u64 + cur.delta as u64) as usize;
    if c <= room {
        cur.g += c as u32;
        return;
    }
    // absorb_run would give `cur` the `room` largest values, then start a
    // tuple at the next largest holding up to cap − d values (none more
    // when d ≥ cap, as in a sketch merged under the wider cap before this
    // insertion: then every value starts its own tuple).
    let rest = c - room;
    if rest as u64 + d as u64 <= cap {
        cur.g += room as u32;
        out[*w] = *cur;
        *w += 1;
        *cur = Tuple {
            v: gaps.select(b, rest - 1),
            g: rest as u32,
            delta: d,
        };
        return;
    }
    gaps.sort(b);
    absorb_run(cur, out, w, c, |k| gaps.sorted(b, k), d, cap);
}

thread_local! {
    /// Working memory of [`QuantileSketch::merge`], one per thread, so a
    /// merge allocates nothing once it has grown.
    static MERGED: std::cell::RefCell<Vec<Tuple>> = const { std::cell::RefCell::new(Vec::new()) };
}

thread_local! {
    /// Working memory of [`QuantileSketch::merge_each`], one per thread,
    /// made on first use.
    static LANES: std::cell::RefCell<Option<fold::Lanes>> = const { std::cell::RefCell::new(None) };
}

/// Folds the pairs waiting in `lanes` (some may be empty) and empties them.
fn fold_waiting(lanes: &mut [Option<(&mut QuantileSketch, &QuantileSketch)>; fold::LANES]) {
    LANES.with_borrow_mut(|memory| {
        fold::fold_lanes(
            memory.get_or_insert_with(fold::Lanes::new),
            std::mem::take(lanes),
        );
    });
}

/// The Greenwald–Khanna combination of two summaries (see
/// [`QuantileSketch::merge`]) and its compression at `cap`, in one
/// right-to-left pass that writes only the compressed tuples; returns where
/// in `buf` the result is.
///
/// Written out, the combination's rank bounds simplify: the union lists the
/// tuples of both in value order (`a`'s first on ties), each keeps its g,
/// and its Δ grows by g + Δ − 1 of the other list's next tuple (nothing
/// once the other list is used up). Produced from its end — the direction
/// [`compress`] walks — that next tuple is simply the one of the other list
/// produced last. The result is the textbook loop's followed by
/// [`compress`], tuple for tuple (tested); the sums are modulo 2⁶⁴ as
/// there. One pass and no intermediate list matter because a run's total
/// is merged once per segment and is the larger summary.
fn combine_compressed(
    a: &[Tuple],
    b: &[Tuple],
    cap: u64,
    buf: &mut Vec<Tuple>,
) -> std::ops::Range<usize> {
    let len = a.len() + b.len();
    debug_assert!(!a.is_empty() && !b.is_empty());
    // Below u32::MAX, so the squeeze's start value (Δ = u32::MAX) never
    // absorbs and no g overflows; a real cap is far smaller (it would take
    // 4 × 10¹¹ values), so this only guards against a forged part file.
    let cap = cap.min(u64::from(u32::MAX) - 1);
    let gain = |t: &Tuple| (u64::from(t.g) + u64::from(t.delta)).wrapping_sub(1);
    let grown = |t: &Tuple, by: u64| Tuple {
        v: t.v,
        g: t.g,
        delta: u64::from(t.delta).wrapping_add(by) as u32,
    };
    // One slot more than the result: the squeeze's start value lands there.
    grow(buf, len + 1);
    let mut sq = Squeeze {
        out: &mut buf[..len + 1],
        w: len + 1,
        cur: Tuple {
            v: 0.0,
            g: 0,
            delta: u32::MAX,
        },
        cap,
    };
    // The union's first tuple is never absorbed, so it is left out of the
    // walk: `a`'s first unless `b`'s is strictly smaller.
    let a_first = a[0].v.total_cmp(&b[0].v).is_le();
    let (a_lo, b_lo) = if a_first { (1, 0) } else { (0, 1) };
    // From the end: the run of `a`'s tuples after each of `b`'s (they gain
    // from `b`'s next tuple, produced just before), then that tuple of `b`
    // (it gains from the run's first, `a`'s next tuple after it). Runs are
    // short (a total of ≈ 400 tuples takes a segment of ≈ 210), so a
    // linear scan finds their start faster than a galloping search.
    let mut i = a.len();
    for j in (b_lo..b.len()).rev() {
        let x = b[j].v;
        let mut k = i;
        while k > a_lo && a[k - 1].v.total_cmp(&x).is_gt() {
            k -= 1;
        }
        let by = b.get(j + 1).map_or(0, gain);
        for t in a[k..i].iter().rev() {
            sq.push(grown(t, by));
        }
        sq.push(grown(&b[j], a.get(k).map_or(0, gain)));
        i = k;
    }
    let by = b.get(b_lo).map_or(0, gain);
    for t in a[a_lo..i].iter().rev() {
        sq.push(grown(t, by));
    }
    let first = if a_first {
        grown(&a[0], gain(&b[0]))
    } else {
        grown(&b[0], gain(&a[0]))
    };
    let Squeeze {
        out, mut w, cur, ..
    } = sq;
    w -= 1;
    out[w] = cur;
    w -= 1;
    out[w] = first;
    w..len
}

/// [`compress`]'s right-to-left step as a sink: tuples arrive from the
/// largest, `cur` absorbs while g + g' + Δ' ≤ cap, and each tuple it could
/// not absorb is written before the previous one.
struct Squeeze<'a> {
    out: &'a mut [Tuple],
    w: usize,
    /// Starts as a tuple nothing fits into (Δ = u32::MAX), so the first
    /// arrival replaces it, writing it to the slot past the result.
    cur: Tuple,
    cap: u64,
}

impl Squeeze<'_> {
    #[inline(always)]
    fn push(&mut self, t: Tuple) {
        if u64::from(t.g) + u64::from(self.cur.g) + u64::from(self.cur.delta) <= self.cap {
            self.cur.g += t.g;
        } else {
            self.w -= 1;
            self.out[self.w] = self.cur;
            self.cur = t;
        }
    }
}

/// Merge neighbours while g + g' + Δ' ≤ ⌊2εn⌋, right to left, never
/// touching the first tuple (the exact minimum); the last tuple only
/// absorbs, so the maximum stays exact too.
fn compress(tuples: &mut Vec<Tuple>, cap: u64) {
    let len = tuples.len();
    if cap < 2 || len < 3 {
        return;
    }
    let mut w = len - 1;
    let mut cur = tuples[len - 1];
    for i in (1..len - 1).rev() {
        let t = tuples[i];
        if t.g as u64 + cur.g as u64 + cur.delta as u64 <= cap {
            cur.g += t.g;
        } else {
            tuples[w] = cur;
            w -= 1;
            cur = t;
        }
    }
    tuples[w] = cur;
    // Tuple 0 stays at index 0; close the gap.
    let kept = len - w;
    tuples.copy_within(w..len, 1);
    tuples.truncate(kept + 1);
}

/// ⌈φ·n⌉, at least 1: the rank of the φ-quantile among n values.
pub fn target_rank(phi: f64, n: u64) -> u64 {
    ((phi * n as f64).ceil() as u64).max(1)
}

impl crate::codec::Codec for QuantileSketch {
    fn encode(&self, e: &mut crate::codec::Encoder) {
        e.u64(self.n);
        e.len_of(self.stored());
        for t in self.each() {
            e.f64(t.v);
            e.u32(t.g);
            e.u32(t.delta);
        }
    }

    fn decode(d: &mut crate::codec::Decoder<'_>) -> Result<Self, crate::codec::CodecError> {
        let n = d.u64()?;
        let len = d.len_of(16)?;
        // One checked slice for all tuples: a merge decodes millions.
        let word =
            |c: &[u8], at: usize| u32::from_le_bytes([c[at], c[at + 1], c[at + 2], c[at + 3]]);
        let tuples: Vec<Tuple> = d
            .slice(len * 16)?
            .chunks_exact(16)
            .map(|c| Tuple {
                v: f64::from_bits(u64::from(word(c, 0)) | (u64::from(word(c, 4)) << 32)),
                g: word(c, 8),
                delta: word(c, 12),
            })
            .collect();
        // The side-by-side fold's sentinels sort before every value but a
        // NaN; the engine never stores one.
        if tuples.iter().any(|t| t.v.is_nan()) {
            return Err(d.invalid("a quantile sketch holding NaN"));
        }
        let total: u64 = tuples.iter().map(|t| u64::from(t.g)).sum();
        if total != n {
            return Err(d.invalid(format!(
                "a quantile sketch of {n} values whose tuples count {total}"
            )));
        }
        Ok(QuantileSketch {
            tuples,
            n,
            ..QuantileSketch::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook combination loop, with rank bounds kept as running
    /// sums: compressed, [`combine_compressed`] must match it tuple for tuple.
    fn combine_reference(a: &[Tuple], na: u64, b: &[Tuple], nb: u64) -> Vec<Tuple> {
        let mut out = Vec::new();
        let (mut i, mut j) = (0usize, 0usize);
        let (mut ra, mut rb) = (0u64, 0u64);
        let mut prev = 0u64;
        // rmax of a list's next tuple, less one, or the list's n when none.
        let above = |ts: &[Tuple], k: usize, r: u64, n: u64| {
            ts.get(k)
                .map_or(n, |t| r + u64::from(t.g) + u64::from(t.delta) - 1)
        };
        while i < a.len() || j < b.len() {
            let from_a = j == b.len() || (i < a.len() && a[i].v.total_cmp(&b[j].v).is_le());
            let (t, rmin, rmax) = if from_a {
                let t = a[i];
                ra += u64::from(t.g);
                i += 1;
                (t, ra + rb, ra + u64::from(t.delta) + above(b, j, rb, nb))
            } else {
                let t = b[j];
                rb += u64::from(t.g);
                j += 1;
                (t, ra + rb, rb + u64::from(t.delta) + above(a, i, ra, na))
            };
            out.push(Tuple {
                v: t.v,
                g: (rmin - prev) as u32,
                delta: (rmax - rmin) as u32,
            });
            prev = rmin;
        }
        out
    }

    /// A sketch of `n` values on a grid of `grid` shifted by `shift` (so
    /// sketches share values), folded from `parts` segments (Δ > 0).
    pub(super) fn grid_sketch(
        rng: &mut rand::rngs::ChaCha8Rng,
        n: usize,
        grid: f64,
        shift: f64,
        parts: usize,
    ) -> QuantileSketch {
        use rand::RngExt;
        let mut scratch = SketchScratch::default();
        let mut s = QuantileSketch::new();
        for _ in 0..parts {
            let mut part = QuantileSketch::new();
            for chunk in (0..n).collect::<Vec<_>>().chunks(97) {
                let mut xs: Vec<f64> = chunk
                    .iter()
                    .map(|_| (rng.random::<f64>() * grid).floor() + shift)
                    .collect();
                part.insert_batch(&mut xs, &mut scratch);
            }
            s.merge(&part);
        }
        s
    }

    #[test]
    fn a_merge_equals_the_textbook_combination_then_compression() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(11);
        for case in 0..300 {
            // Summaries of very different sizes and overlaps, with ties
            // between them (values on a coarse grid) and merged ones
            // (Δ > 0) on both sides.
            let grid = [2.0, 50.0, 1e6][case % 3];
            let a = grid_sketch(&mut rng, 1 + case * 7 % 3000, grid, 0.0, 1 + case % 3);
            let b = grid_sketch(
                &mut rng,
                1 + case * 13 % 2000,
                grid,
                (case % 5) as f64,
                1 + case % 2,
            );
            let n = a.n + b.n;
            for (x, y, what) in [(&a, &b, "in order"), (&b, &a, "swapped")] {
                // The caps of a real merge, and of none (nothing compresses).
                for c in [cap(n), cap(n) / 3, 0] {
                    let mut expected = combine_reference(&x.tuples, x.n, &y.tuples, y.n);
                    compress(&mut expected, c);
                    let mut buf = vec![Tuple::default(); [0, 3, 5000][case % 3]];
                    let kept = combine_compressed(&x.tuples, &y.tuples, c, &mut buf);
                    assert_eq!(buf[kept], expected[..], "case {case}, {what}, cap {c}");
                }
                // What a run does: the two-lane fold at the real cap.
                let mut expected = combine_reference(&x.tuples, x.n, &y.tuples, y.n);
                compress(&mut expected, cap(n));
                let (mut alone, mut beside) = (x.clone(), x.clone());
                alone.merge(y);
                let mut other = b.clone();
                QuantileSketch::merge_each([(&mut beside, y), (&mut other, &a)]);
                for total in [alone, beside] {
                    assert_eq!(total.tuples, expected, "case {case}, {what}, lanes");
                }
            }
        }
    }

    #[test]
    fn a_sketch_decodes_to_itself_and_damage_is_an_error() {
        use crate::codec::{Codec, Decoder, Encoder};
        let mut s = QuantileSketch::new();
        let mut scratch = SketchScratch::default();
        for k in 0..20 {
            let mut xs: Vec<f64> = (0..500)
                .map(|i| ((i * 7919 + k * 31) % 1000) as f64)
                .collect();
            s.insert_batch(&mut xs, &mut scratch);
        }
        let mut e = Encoder::new();
        s.encode(&mut e);
        let bytes = e.into_bytes();
        assert_eq!(
            QuantileSketch::decode(&mut Decoder::new(&bytes)),
            Ok(s.clone())
        );
        assert!(QuantileSketch::decode(&mut Decoder::new(&bytes[..bytes.len() - 1])).is_err());
        // A g that no longer sums to n.
        let mut bad = bytes.clone();
        bad[16 + 8] ^= 1;
        assert!(QuantileSketch::decode(&mut Decoder::new(&bad)).is_err());
        // A value that is NaN (all bits set: the one whose order key the
        // fold uses as its sentinel).
        let mut nan = bytes.clone();
        nan[16..24].copy_from_slice(&[0xFF; 8]);
        assert!(QuantileSketch::decode(&mut Decoder::new(&nan)).is_err());
    }

    /// A packed sketch answers, encodes, compares and folds exactly as the
    /// same sketch unpacked, and takes fewer bytes.
    #[test]
    fn packing_changes_nothing_a_reader_or_a_fold_sees() {
        use crate::codec::{Codec, Encoder};
        use rand::SeedableRng;
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(17);
        let bytes = |s: &QuantileSketch| {
            let mut e = Encoder::new();
            s.encode(&mut e);
            e.into_bytes()
        };
        for case in 0..12 {
            let grid = [3.0, 1e3, 1e9][case % 3];
            let total = grid_sketch(
                &mut rng,
                3_000 + 500 * case,
                grid,
                -grid / 2.0,
                1 + case % 4,
            );
            let later = grid_sketch(&mut rng, 4_096, grid, 0.5, 1);
            let mut packed = total.clone();
            packed.pack();
            assert!(packed.tuples.is_empty() && packed.stored() == total.stored());
            assert!(packed.heap_bytes() < total.stored() * 16, "case {case}");
            assert_eq!(packed, total);
            assert_eq!(bytes(&packed), bytes(&total));
            assert_eq!(packed.fingerprint(), total.fingerprint());
            for r in [1, 2, total.count() / 3, total.count() / 2, total.count()] {
                assert_eq!(
                    packed.rank_value(r).map(f64::to_bits),
                    total.rank_value(r).map(f64::to_bits)
                );
            }
            // Folding into a packed total, and folding a packed part.
            let mut want = total.clone();
            want.merge(&later);
            let mut into_packed = packed.clone();
            into_packed.merge(&later);
            assert_eq!(into_packed.tuples, want.tuples, "case {case}");
            for light in [false, true] {
                let mut later_packed = later.clone();
                if light {
                    later_packed.pack_lightly();
                } else {
                    later_packed.pack();
                }
                let mut from_packed = total.clone();
                from_packed.merge(&later_packed);
                assert_eq!(from_packed.tuples, want.tuples, "case {case}");
            }
            // Inserting into a packed sketch.
            let batch: Vec<f64> = (0..1024).map(|k| (k % 37) as f64 * grid / 37.0).collect();
            let mut scratch = SketchScratch::default();
            let mut lightly = total.clone();
            lightly.pack_lightly();
            assert!(lightly.packed.is_raw() && lightly == total);
            let mut a = total.clone();
            a.insert_batch(&mut batch.clone(), &mut scratch);
            for mut b in [packed.clone(), lightly] {
                let raw = b.packed.is_raw();
                b.insert_batch(&mut batch.clone(), &mut scratch);
                // Still packed, in the same layout, and the same summary.
                assert!(b.tuples.is_empty() && b.packed.is_raw() == raw);
                assert_eq!(b, a, "case {case}");
            }
        }
    }

    #[test]
    fn exact_when_small() {
        let mut s = QuantileSketch::new();
        let mut xs: Vec<f64> = (0..150).map(|i| ((i * 73) % 150) as f64).collect();
        for chunk in xs.chunks(16) {
            s.insert_batch(&mut chunk.to_vec(), &mut SketchScratch::default());
        }
        xs.sort_by(f64::total_cmp);
        for r in 1..=150 {
            assert_eq!(s.rank_value(r), Some(xs[r as usize - 1]));
        }
        assert_eq!(QuantileSketch::new().quantile(0.5), None);
    }

    /// The bucket path must build exactly the summary of the sorted path,
    /// for every batch size, with ties, signed zeros and infinities, and
    /// through the switch from exact (n < 205) to merging.
    #[test]
    fn unsorted_path_equals_sorted_path() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(7);
        for kind in 0..6 {
            let (mut fast, mut slow) = (QuantileSketch::new(), QuantileSketch::new());
            let mut scratch = SketchScratch::default();
            let mut step = 0u64;
            while fast.count() < 60_000 {
                let len = [1usize, 3, 64, 128, 500, 2048][(step % 6) as usize];
                // Drift the values so new extremes keep arriving.
                let shift = (step as f64).sqrt();
                let batch: Vec<f64> = (0..len)
                    .map(|_| match kind {
                        0 => rng.random::<f64>() + shift,
                        1 => (rng.random_range(0..5u32) as f64) - 2.0,
                        2 => [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY, 1.0]
                            [rng.random_range(0..5usize)],
                        3 => (rng.random::<f64>() - 0.5).powi(3) * 1e6 - shift,
                        // Heavy tails of one sign, whose stored values
                        // crowd the low buckets of a value grid: the gap
                        // table is then built over order keys.
                        4 => (12.0 * rng.random::<f64>()).exp() * (1.0 + shift),
                        _ => -(9.0 * rng.random::<f64>()).exp() - shift,
                    })
                    .collect();
                fast.insert_batch(&mut batch.clone(), &mut scratch);
                let mut sorted = batch;
                sorted.sort_by(f64::total_cmp);
                slow.insert_sorted(&sorted, &mut SketchScratch::default());
                assert_eq!(
                    fast.tuples.len(),
                    slow.tuples.len(),
                    "kind {kind} step {step}"
                );
                for (a, b) in fast.tuples.iter().zip(&slow.tuples) {
                    assert!(
                        a.v.to_bits() == b.v.to_bits() && a.g == b.g && a.delta == b.delta,
                        "kind {kind} step {step}: {a:?} != {b:?}"
                    );
                }
                assert_eq!(fast.count(), slow.count());
                step += 1;
            }
        }
    }

    /// The first-batch selection and the constant-batch shortcut must build
    /// exactly the summary of the sorted path: first batches from just past
    /// the exact range to many caps long, with ties, signed zeros,
    /// infinities and all-equal values, then constant and mixed batches.
    #[test]
    fn first_and_constant_batches_equal_sorted_path() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(11);
        let same = |a: &QuantileSketch, b: &QuantileSketch| {
            a.n == b.n
                && a.tuples.len() == b.tuples.len()
                && a.tuples.iter().zip(&b.tuples).all(|(x, y)| {
                    x.v.to_bits() == y.v.to_bits() && x.g == y.g && x.delta == y.delta
                })
        };
        for first in [205usize, 206, 409, 410, 1000, 1024, 4096, 20_000] {
            for kind in 0..7 {
                let draw = |rng: &mut rand::rngs::ChaCha8Rng| match kind {
                    0 => rng.random::<f64>(),
                    1 => rng.random_range(0..3u32) as f64,
                    2 => [0.0, -0.0, f64::INFINITY, f64::NEG_INFINITY][rng.random_range(0..4usize)],
                    // Tight clusters of distinct values: a first batch's
                    // buckets then hold about first/40 (or first/100) values,
                    // so every width of the counting selection is used.
                    3 => rng.random_range(0..40u32) as f64 + rng.random::<f64>() * 1e-9,
                    4 => rng.random_range(0..100u32) as f64 + rng.random::<f64>() * 1e-9,
                    // A heavy tail: most values in the lowest buckets.
                    5 => (6.0 * rng.random::<f64>()).exp(),
                    _ => 7.5,
                };
                let (mut fast, mut slow) = (QuantileSketch::new(), QuantileSketch::new());
                let mut scratch = SketchScratch::default();
                let mut batch: Vec<f64> = (0..first).map(|_| draw(&mut rng)).collect();
                for step in 0..12 {
                    fast.insert_batch(&mut batch.clone(), &mut scratch);
                    batch.sort_by(f64::total_cmp);
                    slow.insert_sorted(&batch, &mut SketchScratch::default());
                    assert!(same(&fast, &slow), "first {first} kind {kind} step {step}");
                    // Alternate constant batches (below, inside and above
                    // the stored range) with fresh draws.
                    let len = [1usize, 300, 1024][step % 3];
                    batch = match step % 4 {
                        0 => vec![-1e9; len],
                        1 => vec![0.5; len],
                        2 => vec![f64::INFINITY; len],
                        _ => (0..len).map(|_| draw(&mut rng)).collect(),
                    };
                }
            }
        }
    }

    #[test]
    fn bound_holds_on_adversarial_orders() {
        for order in 0..3 {
            let n = 200_000u64;
            let mut s = QuantileSketch::new();
            let vals: Vec<f64> = (0..n)
                .map(|i| match order {
                    0 => i as f64,
                    1 => (n - i) as f64,
                    _ => ((i * 7919) % n) as f64,
                })
                .collect();
            for chunk in vals.chunks(500) {
                s.insert_batch(&mut chunk.to_vec(), &mut SketchScratch::default());
            }
            for phi in [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] {
                let v = s.quantile(phi).unwrap();
                // Values are a permutation of 0..n, so value v has rank v + 1
                // (order 1: values 1..=n, rank v).
                let rank = if order == 1 { v } else { v + 1.0 };
                let err = (rank - (phi * n as f64).ceil()).abs() / n as f64;
                assert!(err <= 0.005, "order {order} phi {phi}: error {err}");
            }
            assert!(s.stored() < 2_000, "stored {}", s.stored());
        }
    }
}

#[cfg(test)]
mod merge_tests {
    use super::*;
    use crate::codec::{Codec, Decoder, Encoder};

    /// Values from a fixed LCG, skewed so the tails matter.
    fn values(n: usize, seed: u64) -> Vec<f64> {
        let mut x = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = (x >> 11) as f64 / (1u64 << 53) as f64;
                (u * 4.0).exp() - 20.0
            })
            .collect()
    }

    fn check_ranks(s: &QuantileSketch, all: &[f64]) {
        let mut sorted = all.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len() as u64;
        let tol = (RANK_EPSILON * n as f64).floor() as i64 + 1;
        for phi in [0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0] {
            let r = target_rank(phi, n);
            let v = s.rank_value(r).expect("not empty");
            // The value's true rank range among the sorted values.
            let lo = sorted.partition_point(|x| x.total_cmp(&v).is_lt()) as i64 + 1;
            let hi = sorted.partition_point(|x| x.total_cmp(&v).is_le()) as i64;
            let err = if (lo..=hi).contains(&(r as i64)) {
                0
            } else {
                (lo - r as i64).abs().min((hi - r as i64).abs())
            };
            assert!(err <= tol, "phi {phi}: rank error {err} > {tol}");
        }
    }

    /// Batches inserted into a merged sketch, whose tuples may hold more
    /// than insertion's own cap allows, keep the rank guarantee (and the
    /// insertion does not underflow where a stored tuple's g + Δ exceeds
    /// it).
    #[test]
    fn batches_into_a_merged_sketch_keep_the_rank_guarantee() {
        let all = values(60_000, 5);
        let mut scratch = SketchScratch::default();
        let mut total = QuantileSketch::new();
        for part in all[..40_960].chunks(4_096) {
            let mut s = QuantileSketch::new();
            for batch in part.chunks(1_024) {
                s.insert_batch(&mut batch.to_vec(), &mut scratch);
            }
            total.merge(&s);
        }
        let wide = total.each().map(|t| u64::from(t.g + t.delta)).max();
        assert!(
            wide > Some(fill_cap(total.count())),
            "no tuple above the fill cap"
        );
        for batch in all[40_960..].chunks(1_024) {
            total.insert_batch(&mut batch.to_vec(), &mut scratch);
            check_ranks(&total, &all[..total.count() as usize]);
        }
        assert_eq!(total.count(), all.len() as u64);
    }

    #[test]
    fn merged_parts_keep_the_rank_guarantee() {
        let all = values(409_600, 3);
        let mut total = QuantileSketch::new();
        let mut scratch = SketchScratch::default();
        // A run's fold: 100 segments of four 1 024-value blocks. The total
        // must stay small, not only correct (insertion keeps room for the
        // fold; see FILL_EPSILON): ≈ 400 tuples, against ≈ 1 100 when
        // segments fill up to the merge's own bound.
        for part in all.chunks(4_096) {
            let mut s = QuantileSketch::new();
            for batch in part.chunks(1_024) {
                s.insert_batch(&mut batch.to_vec(), &mut scratch);
            }
            assert!(s.stored() < 300, "a segment of {} tuples", s.stored());
            total.merge(&s);
            assert!(total.stored() < 600, "{} tuples", total.stored());
            // ...and hold little more heap than their tuples (see `refit`).
            for k in [&s, &total] {
                let tuples = k.stored() * std::mem::size_of::<Tuple>();
                assert!(k.heap_bytes() <= tuples + tuples / 8, "{k:?}");
            }
        }
        assert_eq!(total.count(), all.len() as u64);
        check_ranks(&total, &all);
    }

    #[test]
    fn small_merges_stay_exact() {
        let all = values(150, 9);
        let mut total = QuantileSketch::new();
        for part in all.chunks(40) {
            let mut s = QuantileSketch::new();
            s.insert_sorted(
                &{
                    let mut p = part.to_vec();
                    p.sort_by(f64::total_cmp);
                    p
                },
                &mut SketchScratch::default(),
            );
            total.merge(&s);
        }
        let mut sorted = all.clone();
        sorted.sort_by(f64::total_cmp);
        for r in 1..=150u64 {
            assert_eq!(total.rank_value(r), Some(sorted[r as usize - 1]));
        }
    }

    #[test]
    fn a_sketch_round_trips_through_bytes() {
        let mut s = QuantileSketch::new();
        s.insert_batch(&mut values(5_000, 1), &mut SketchScratch::default());
        let mut e = Encoder::new();
        s.encode(&mut e);
        let bytes = e.into_bytes();
        assert_eq!(QuantileSketch::decode(&mut Decoder::new(&bytes)), Ok(s));
        assert!(QuantileSketch::decode(&mut Decoder::new(&bytes[..bytes.len() - 1])).is_err());
    }
}
