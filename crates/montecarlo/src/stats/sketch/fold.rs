//! Folding several cells' sketches side by side (docs/distributed.md,
//! "Cost of merging").
//!
//! [`super::combine_compressed`] walks two lists with branches whose
//! outcome is data: which list gives the next tuple, whether the tuple
//! being built absorbs it. They are mispredicted often, and a merge of a
//! sharded run of 100 parts is ≈ 3 × 10⁸ such steps. Here the same walk
//! is written with selects only, over lists laid out in fixed-size arrays
//! (so indexing needs no bounds test), and two cells' walks are stepped in
//! turn: each walk is a chain of dependent steps, and two chains keep the
//! core busy where one would wait. The result is the same, tuple for tuple
//! (tested).

use super::{QuantileSketch, Tuple, cap, from_key, order_key};

/// Longest list a lane takes (and one less than the arrays' length); longer
/// ones are folded by [`super::combine_compressed`].
pub(super) const MAX_LIST: usize = LIST - 1;
const LIST: usize = 1024;
const OUT: usize = 2 * LIST;

/// A tuple as a lane holds it: the value's order key, and g (low half) and
/// Δ (high half) in one word, so that a Δ grows by adding a gain shifted
/// into the high half (modulo 2³² there, as in `combine_compressed`).
#[derive(Clone, Copy, Default)]
struct Entry {
    key: i64,
    gd: u64,
}

const LOW: u64 = 0xFFFF_FFFF;

/// One list laid out by position: position k + 1 holds tuple k; position 0
/// is a sentinel whose key sorts before every value (only a NaN could share
/// it, and sketches hold none), so a list that is used up is never chosen.
struct Side {
    at: [Entry; LIST],
    /// At position k: g + Δ − 1 of tuple k (mod 2³², shifted into the high
    /// half), what it adds to the Δ of the other list's tuples just before
    /// it; 0 at the list's length.
    gain: [u64; LIST],
}

impl Side {
    fn new() -> Self {
        Side {
            at: [Entry::default(); LIST],
            gain: [0; LIST],
        }
    }

    fn fill(&mut self, ts: &[Tuple]) {
        self.at[0] = Entry {
            key: i64::MIN,
            gd: 0,
        };
        for ((e, gain), t) in self.at[1..].iter_mut().zip(&mut self.gain).zip(ts) {
            *e = Entry {
                key: order_key(t.v),
                gd: u64::from(t.g) | (u64::from(t.delta) << 32),
            };
            *gain = u64::from(t.g.wrapping_add(t.delta).wrapping_sub(1)) << 32;
        }
        self.gain[ts.len()] = 0;
    }
}

/// The working memory of one lane.
pub(super) struct Lane {
    a: Side,
    b: Side,
    out: [Entry; OUT],
    cap: u64,
}

/// Where a walk stands: tuples of each list still to take, the next free
/// output slot from the end, and the tuple being built.
#[derive(Clone, Copy, Default)]
struct Walk {
    i: usize,
    j: usize,
    w: usize,
    key: i64,
    gd: u64,
}

impl Lane {
    /// A lane on the heap (its arrays are ≈ 80 KB).
    fn boxed() -> Box<Lane> {
        Box::new(Lane {
            a: Side::new(),
            b: Side::new(),
            out: [Entry::default(); OUT],
            cap: 0,
        })
    }

    /// Lays out `a` and `b` (non-empty, at most [`MAX_LIST`] long) and
    /// returns the walk's start and its number of steps.
    fn start(&mut self, a: &[Tuple], b: &[Tuple], cap: u64) -> (Walk, usize) {
        debug_assert!(!a.is_empty() && !b.is_empty());
        debug_assert!(a.len() <= MAX_LIST && b.len() <= MAX_LIST);
        self.a.fill(a);
        self.b.fill(b);
        // Below u32::MAX, so the start value never absorbs and no g
        // overflows; a real cap is far smaller.
        self.cap = cap.min(u64::from(u32::MAX) - 1);
        let walk = Walk {
            i: a.len(),
            j: b.len(),
            w: a.len() + b.len() + 1,
            key: 0,
            // A tuple nothing fits into: the first arrival replaces it.
            gd: LOW << 32,
        };
        (walk, a.len() + b.len() - 1)
    }

    /// Takes the union's next tuple from the end and compresses it in, as
    /// `combine_compressed` does, with selects instead of branches.
    #[inline(always)]
    fn step(&mut self, s: &mut Walk) {
        use std::hint::select_unpredictable as pick;
        let (i, j) = (s.i & (LIST - 1), s.j & (LIST - 1));
        let (ea, eb) = (self.a.at[i], self.b.at[j]);
        // `b`'s tuple goes later on ties, so it is taken first.
        let take_a = ea.key > eb.key;
        let key = pick(take_a, ea.key, eb.key);
        let gd =
            pick(take_a, ea.gd, eb.gd).wrapping_add(pick(take_a, self.b.gain[j], self.a.gain[i]));
        // Wrapping only matters for a list that is used up, which is
        // never taken (see the sentinel); then the index is masked anyway.
        s.i = s.i.wrapping_sub(usize::from(take_a));
        s.j = s.j.wrapping_sub(usize::from(!take_a));
        let absorb = (gd & LOW) + (s.gd & LOW) + (s.gd >> 32) <= self.cap;
        // Always written; kept only where the built tuple is emitted.
        self.out[(s.w - 1) & (OUT - 1)] = Entry {
            key: s.key,
            gd: s.gd,
        };
        s.w -= usize::from(!absorb);
        s.key = pick(absorb, s.key, key);
        // g + g' fits in the low half whenever it is used.
        s.gd = pick(absorb, s.gd.wrapping_add(gd & LOW), gd);
    }

    /// Writes the walk's result into `into`: the union's first tuple (what
    /// remains after the last step), the tuple being built, then those
    /// emitted, up to `len` (the union's length).
    fn finish(&self, s: &Walk, len: usize, into: &mut Vec<Tuple>) {
        let first = if s.i == 1 {
            Entry {
                gd: self.a.at[1].gd.wrapping_add(self.b.gain[0]),
                ..self.a.at[1]
            }
        } else {
            Entry {
                gd: self.b.at[1].gd.wrapping_add(self.a.gain[0]),
                ..self.b.at[1]
            }
        };
        let tuple = |e: &Entry| Tuple {
            v: from_key(e.key),
            g: e.gd as u32,
            delta: (e.gd >> 32) as u32,
        };
        super::refit(into, 2 + len - s.w);
        into.push(tuple(&first));
        into.push(tuple(&Entry {
            key: s.key,
            gd: s.gd,
        }));
        into.extend(self.out[s.w..len].iter().map(tuple));
    }
}

/// The working memory of [`fold_lanes`]: the lanes, and packed
/// summaries' tuples while a lane lays them out.
pub(super) struct Lanes([Box<Lane>; LANES], [Vec<Tuple>; 2]);

impl Lanes {
    pub(super) fn new() -> Self {
        Lanes(std::array::from_fn(|_| Lane::boxed()), Default::default())
    }
}

/// `s`'s tuples: its own, or unpacked into `buf`.
fn tuples_of<'a>(s: &'a QuantileSketch, buf: &'a mut Vec<Tuple>) -> &'a [Tuple] {
    if s.packed.len() > 0 {
        buf.clear();
        s.packed.unpack_into(buf);
        buf
    } else {
        &s.tuples
    }
}

/// Folds `later` into `total` for each pair (both non-empty, at most
/// [`MAX_LIST`] tuples; `None` is a lane left idle), the walks stepped in
/// turn while all have steps left. Each total is left unpacked.
pub(super) fn fold_lanes(
    Lanes(lanes, [mine, theirs]): &mut Lanes,
    pairs: [Option<(&mut QuantileSketch, &QuantileSketch)>; LANES],
) {
    let mut walks = [Walk::default(); LANES];
    let mut steps = [0; LANES];
    for (k, pair) in pairs.iter().enumerate() {
        if let Some((t, l)) = pair {
            // A lane copies what it folds, so a packed summary is unpacked
            // only for the moment it is laid out.
            let (a, b) = (tuples_of(t, mine), tuples_of(l, theirs));
            (walks[k], steps[k]) = lanes[k].start(a, b, cap(t.n + l.n));
        }
    }
    let common = steps.iter().copied().min().unwrap_or(0);
    for _ in 0..common {
        for k in 0..LANES {
            lanes[k].step(&mut walks[k]);
        }
    }
    for k in 0..LANES {
        for _ in common..steps[k] {
            lanes[k].step(&mut walks[k]);
        }
    }
    for (k, pair) in pairs.into_iter().enumerate() {
        if let Some((t, l)) = pair {
            lanes[k].finish(&walks[k], steps[k] + 1, &mut t.tuples);
            t.packed = super::packed::Packed::default();
            t.n += l.n;
        }
    }
}

/// How many folds [`fold_lanes`] steps side by side. Two measured fastest:
/// with three or four the walks' state no longer fits in registers.
pub(super) const LANES: usize = 2;

#[cfg(test)]
mod tests {
    use super::super::QuantileSketch;
    use super::super::tests::grid_sketch;

    #[test]
    fn folds_side_by_side_equal_folds_one_at_a_time() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(5);
        for case in 0..60 {
            let grid = [3.0, 80.0, 1e9][case % 3];
            // Pairs of different lengths, so one walk ends before the other;
            // an odd count, so one pair folds alone; tiny and large lists.
            let count = 1 + case % 6;
            let mut totals: Vec<QuantileSketch> = (0..count)
                .map(|k| {
                    let n = 1 + (case * 37 + k * 1_001) % 9_000;
                    grid_sketch(&mut rng, n, grid, -grid / 3.0, 1 + k % 4)
                })
                .collect();
            if case % 10 == 9 {
                // Longer than a lane holds: folded one at a time.
                totals[0] = QuantileSketch {
                    tuples: (0..super::MAX_LIST + 5)
                        .map(|k| super::Tuple {
                            v: k as f64 - 300.0,
                            g: 1,
                            delta: 0,
                        })
                        .collect(),
                    n: super::MAX_LIST as u64 + 5,
                    ..QuantileSketch::default()
                };
            }
            let later: Vec<QuantileSketch> = (0..count)
                .map(|k| {
                    let n = 1 + (case * 11 + k * 577) % 5_000;
                    grid_sketch(&mut rng, n, grid, -grid / 3.0, 1)
                })
                .collect();
            let mut expected = totals.clone();
            // The one-at-a-time walk, which the lanes must match.
            for (t, l) in expected.iter_mut().zip(&later) {
                t.merge_walk(l);
            }
            let mut got = totals.clone();
            QuantileSketch::merge_each(got.iter_mut().zip(&later));
            assert_eq!(got, expected, "case {case}");
        }
    }
}
