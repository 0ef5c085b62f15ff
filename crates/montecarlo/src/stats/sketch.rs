//! A deterministic quantile summary with a guaranteed rank error
//! (model.md §7: "percentile error … within 0.5 % in rank").
//!
//! Greenwald–Khanna (2001), fed in batches. Each stored tuple
//! (v, g, Δ) says: v's rank lies in [rmin, rmin + Δ] where rmin is the sum
//! of g up to and including it. The invariant g + Δ ≤ ⌊2εn⌋ guarantees that
//! for every target rank r some tuple has rmin ≥ r − εn and rmin + Δ ≤ r + εn,
//! so the value returned has a true rank within εn of r. With ε = 0.0049 and
//! the target rank rounded up to an integer (at most one rank away), the
//! error is ≤ 0.0049·n + 1 ≤ 0.5 % of n for n ≥ 100; below ⌊2εn⌋ = 2
//! (n < 205) nothing is ever merged and every quantile is exact.
//!
//! The summary is not merged across threads: the engine feeds each output's
//! values in sample order, so the sketch — and every percentile — depends
//! only on the values and the batch boundaries, never on the thread count.
//! Memory is O((1/ε)·log(εn)) tuples in theory and a few hundred in practice
//! (16 bytes each). A batch is inserted without being sorted, into exactly
//! the summary a sort-merge-compress would build (see
//! [`QuantileSketch::insert_batch`] and docs/uncertainty.md).

/// The rank-error bound ε as a share of n.
pub const RANK_EPSILON: f64 = 0.0049;

#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Tuple {
    v: f64,
    g: u32,
    delta: u32,
}

/// Working memory for batch insertion, reusable across sketches (one per
/// worker), so inserting allocates nothing once it has grown.
#[derive(Debug, Clone, Default)]
pub struct SketchScratch {
    /// Merged (sorted path) or emitted-in-reverse (bucket path) tuples.
    out: Vec<Tuple>,
    /// Order keys of the stored values, for summaries too big for the
    /// stack arrays of `fill_gaps`.
    keys: Vec<i64>,
    /// Per batch value, the gap between stored tuples it falls into.
    bucket: Vec<u32>,
    /// Per gap, the start of its values in `grouped` (then the end).
    start: Vec<u32>,
    /// The batch's values grouped by gap (unsorted within a gap).
    grouped: Vec<f64>,
}

/// A Greenwald–Khanna quantile summary of a stream of (non-NaN) values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuantileSketch {
    tuples: Vec<Tuple>,
    n: u64,
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

    /// Number of stored tuples (16 bytes each).
    pub fn stored(&self) -> usize {
        self.tuples.len()
    }

    /// Heap bytes held (capacity included).
    pub fn heap_bytes(&self) -> usize {
        self.tuples.capacity() * std::mem::size_of::<Tuple>()
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
    /// builds from the sorted batch (tested), but it is found without
    /// sorting the batch: each value's gap between stored tuples is found by
    /// binary search, and only runs of values that start new tuples are
    /// sorted or selected from. The sorted path is kept for
    /// the start of a stream, where nothing merges yet and every value is
    /// kept anyway.
    pub fn insert_batch(&mut self, batch: &mut [f64], scratch: &mut SketchScratch) {
        if batch.is_empty() {
            return;
        }
        if self.tuples.len() >= 2 && cap(self.n + batch.len() as u64) >= 2 {
            self.insert_unsorted(batch, scratch);
        } else {
            batch.sort_unstable_by(f64::total_cmp);
            self.insert_sorted(batch, scratch);
        }
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
    /// find each value's gap by binary search over the ~150 stored values
    /// (cheap, branch-free, cache-resident), group the batch by gap with a
    /// counting sort, and sort only the few small runs that overflow. This
    /// replaces an O(B log B) sort with mispredicted merges by O(B log S)
    /// predictable work plus one O(S) pass, and produces the identical
    /// summary.
    fn insert_unsorted(&mut self, batch: &[f64], scratch: &mut SketchScratch) {
        let SketchScratch {
            out,
            keys,
            bucket,
            start,
            grouped,
        } = scratch;
        let stored = self.tuples.len();
        // Gap b ∈ [0, stored]: the number of stored values ≤ x, so a value
        // equal to a stored one goes after it, as in the sorted merge.
        bucket.clear();
        fill_gaps(&self.tuples, keys, batch, bucket);
        start.clear();
        start.resize(stored + 2, 0);
        for &b in bucket.iter() {
            start[b as usize + 1] += 1;
        }
        // Running total in a register, not re-read from memory each step.
        let mut total = 0u32;
        for s in start.iter_mut() {
            total += *s;
            *s = total;
        }
        grouped.clear();
        grouped.resize(batch.len(), 0.0);
        {
            // Scatter using start[b] as a cursor, then shift back.
            for (&x, &b) in batch.iter().zip(bucket.iter()) {
                let at = &mut start[b as usize];
                grouped[*at as usize] = x;
                *at += 1;
            }
            for i in (1..start.len()).rev() {
                start[i] = start[i - 1];
            }
            start[0] = 0;
        }
        self.n += batch.len() as u64;
        let cap = cap(self.n);
        let run = |b: usize| (start[b] as usize, (start[b + 1] - start[b]) as usize);
        let below_min = run(0).1;

        // Emitted tuples, right to left, written at `w` (at most every
        // stored and new tuple); `cur` is the tuple absorbing.
        out.clear();
        out.resize(stored + batch.len() + 1, Tuple::default());
        let w = &mut 0usize;
        let mut cur: Tuple;
        // Gap `stored`: values above the maximum (Δ = 0, nothing after).
        let (lo, c) = run(stored);
        if c == 0 {
            cur = self.tuples[stored - 1];
        } else {
            let vals = &mut grouped[lo..lo + c];
            vals.sort_unstable_by(f64::total_cmp);
            cur = Tuple {
                v: vals[c - 1],
                g: 1,
                delta: 0,
            };
            absorb_run(&mut cur, out, w, &vals[..c - 1], 0, cap);
            absorb(&mut cur, out, w, self.tuples[stored - 1], cap);
        }
        for b in (1..stored).rev() {
            // New values in gap b lie just below stored tuple b, so their
            // rank uncertainty is that tuple's g + Δ − 1.
            let succ = self.tuples[b];
            let d = succ.g + succ.delta - 1;
            let (lo, c) = run(b);
            let vals = &mut grouped[lo..lo + c];
            absorb_unsorted(&mut cur, out, w, vals, d, cap);
            // Stored tuple 0 is never merged while it is still the minimum.
            if b > 1 || below_min > 0 {
                absorb(&mut cur, out, w, self.tuples[b - 1], cap);
            }
        }
        // Gap 0: below the minimum. The smallest value overall is never
        // merged (the minimum stays exact).
        let (lo, c) = run(0);
        let first = if c == 0 {
            self.tuples[0]
        } else {
            let succ = self.tuples[0];
            let d = succ.g + succ.delta - 1;
            let vals = &mut grouped[lo..lo + c];
            vals.sort_unstable_by(f64::total_cmp);
            absorb_run(&mut cur, out, w, &vals[1..], d, cap);
            Tuple {
                v: vals[0],
                g: 1,
                delta: d,
            }
        };
        out[*w] = cur;
        out[*w + 1] = first;
        self.tuples.clear();
        self.tuples.extend(out[..*w + 2].iter().rev());
    }

    /// Insert a batch sorted ascending by `f64::total_cmp`.
    pub fn insert_sorted(&mut self, batch: &[f64], scratch: &mut SketchScratch) {
        if batch.is_empty() {
            return;
        }
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
        compress(out, self.n);
        self.tuples.clear();
        self.tuples.extend_from_slice(out);
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
        for t in &self.tuples {
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

/// ⌊2εn⌋: the most g + Δ any tuple may have after n values.
fn cap(n: u64) -> u64 {
    (2.0 * RANK_EPSILON * n as f64).floor() as u64
}

/// `f64::total_cmp` as an integer order (the same bit trick it uses).
#[inline]
fn order_key(v: f64) -> i64 {
    let b = v.to_bits() as i64;
    b ^ (((b >> 63) as u64) >> 1) as i64
}

/// Push, for each of `batch`, the number of `tuples` whose value is ≤ it
/// (by `total_cmp`). The tuples' order keys go into a fixed power-of-two
/// array padded with `i64::MAX` (above every non-NaN key), so every search
/// takes the same log₂ steps without bounds checks; summaries hold ~150
/// tuples, so the 256-key case is the usual one. `spill` is for the rare
/// larger summary.
fn fill_gaps(tuples: &[Tuple], spill: &mut Vec<i64>, batch: &[f64], bucket: &mut Vec<u32>) {
    fn run<const P: usize>(tuples: &[Tuple], batch: &[f64], bucket: &mut Vec<u32>) {
        let mut padded = [i64::MAX; P];
        for (k, t) in padded.iter_mut().zip(tuples) {
            *k = order_key(t.v);
        }
        bucket.extend(batch.iter().map(|&x| gap(&padded, order_key(x)) as u32));
    }
    match tuples.len() {
        0..=64 => run::<64>(tuples, batch, bucket),
        65..=128 => run::<128>(tuples, batch, bucket),
        129..=256 => run::<256>(tuples, batch, bucket),
        257..=512 => run::<512>(tuples, batch, bucket),
        n => {
            spill.clear();
            spill.extend(tuples.iter().map(|t| order_key(t.v)));
            spill.resize(n.next_power_of_two(), i64::MAX);
            bucket.extend(batch.iter().map(|&x| gap(spill, order_key(x)) as u32));
        }
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

/// Compress steps for a run of new values (x, 1, `d`), `sorted` ascending
/// and taken from the largest down. Values merge one by one while `cur` has
/// room, so they are taken in bulk; a value is read only where a new tuple
/// starts.
fn absorb_run(cur: &mut Tuple, out: &mut [Tuple], w: &mut usize, sorted: &[f64], d: u32, cap: u64) {
    let mut k = sorted.len();
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
            v: sorted[k],
            g: 1,
            delta: d,
        };
    }
}

/// As [`absorb_run`] for an unsorted run, without sorting where possible:
/// a run that fits into `cur` needs only its length, and one that starts a
/// single new tuple needs only that tuple's value, an order statistic found
/// by selection. Only a run that starts several tuples is sorted.
fn absorb_unsorted(
    cur: &mut Tuple,
    out: &mut [Tuple],
    w: &mut usize,
    vals: &mut [f64],
    d: u32,
    cap: u64,
) {
    let c = vals.len();
    let room = cap.saturating_sub(cur.g as u64 + cur.delta as u64) as usize;
    if c <= room {
        cur.g += c as u32;
        return;
    }
    // absorb_run would give `cur` the `room` largest values, then start a
    // tuple at the next largest holding up to cap − d values.
    let rest = c - room;
    if rest as u64 <= cap - d as u64 {
        cur.g += room as u32;
        out[*w] = *cur;
        *w += 1;
        let (_, &mut v, _) = vals.select_nth_unstable_by(rest - 1, f64::total_cmp);
        *cur = Tuple {
            v,
            g: rest as u32,
            delta: d,
        };
        return;
    }
    vals.sort_unstable_by(f64::total_cmp);
    absorb_run(cur, out, w, vals, d, cap);
}

/// Merge neighbours while g + g' + Δ' ≤ ⌊2εn⌋, right to left, never
/// touching the first tuple (the exact minimum); the last tuple only
/// absorbs, so the maximum stays exact too.
fn compress(tuples: &mut Vec<Tuple>, n: u64) {
    let cap = cap(n);
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

#[cfg(test)]
mod tests {
    use super::*;

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
        for kind in 0..4 {
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
                        _ => (rng.random::<f64>() - 0.5).powi(3) * 1e6 - shift,
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
