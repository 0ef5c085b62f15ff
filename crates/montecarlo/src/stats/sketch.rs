//! A deterministic quantile summary with a guaranteed rank error
//! (model.md §7: "percentile error … within 0.5 % in rank").
//!
//! Greenwald–Khanna (2001), fed in sorted batches. Each stored tuple
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
//! (16 bytes each); batch insertion is one sort plus one linear merge.

/// The rank-error bound ε as a share of n.
pub const RANK_EPSILON: f64 = 0.0049;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Tuple {
    v: f64,
    g: u32,
    delta: u32,
}

/// Working memory for batch insertion, reusable across sketches.
#[derive(Debug, Clone, Default)]
pub struct SketchScratch(Vec<Tuple>);

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

    /// Sort `batch` (NaNs must have been removed) and insert it; `scratch`
    /// is working memory that can be shared by many sketches.
    pub fn insert_batch(&mut self, batch: &mut [f64], scratch: &mut SketchScratch) {
        batch.sort_unstable_by(f64::total_cmp);
        self.insert_sorted(batch, scratch);
    }

    /// Insert a batch sorted ascending by `f64::total_cmp`.
    pub fn insert_sorted(&mut self, batch: &[f64], scratch: &mut SketchScratch) {
        if batch.is_empty() {
            return;
        }
        // Merge into shared scratch so the sketch itself only ever holds
        // its compressed tuples (a few KB), not tuples plus a batch.
        let out = &mut scratch.0;
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

/// Merge neighbours while g + g' + Δ' ≤ ⌊2εn⌋, right to left, never
/// touching the first tuple (the exact minimum); the last tuple only
/// absorbs, so the maximum stays exact too.
fn compress(tuples: &mut Vec<Tuple>, n: u64) {
    let cap = (2.0 * RANK_EPSILON * n as f64).floor() as u64;
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
