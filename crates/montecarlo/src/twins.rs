//! Output cells that are twins: cells whose running statistics are equal
//! and whose values stay bitwise the same sample after sample, so that one
//! cell's statistics serve both.
//!
//! A cell's statistics within a segment (moments, quantile sketch, counts)
//! are a function of its values and the block boundaries alone. Two cells
//! whose statistics are equal at some block boundary, and that then
//! receive bitwise-equal values block after block, hold equal statistics
//! at every later boundary. The engine therefore summarises only the first
//! cell of each set of twins (its *leader*) and copies the leader's
//! statistics to the others (its *followers*) when the values part — before
//! the block in which they first differ is summarised — and at the end of
//! every segment. Nothing a run reports can tell the difference; it only
//! saves summarising the followers: in a Södertälje-sized layout nearly one
//! cell in four, cells that are constant and outputs the model computes the
//! same way, such as an actor's investment where it is the only actor that
//! pays (docs/performance.md).
//!
//! Cells are paired after a segment's first block, by comparing their
//! statistics bit for bit, and pairs carry over into later segments, whose
//! statistics all start empty — equal again. A pair formed in a run's
//! first segment, in a run that folds its segments into one total, is a
//! *whole-run* pair: the two totals are equal too, so the follower's
//! segment statistics are emptied (of the block they were paired after)
//! and left empty (folding empty statistics into empty ones leaves them
//! empty), and its total gets a copy of the leader's only
//! when the pair parts or the run ends. That keeps the followers'
//! quantile summaries out of memory for the whole run.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

/// "Summarised on its own" in [`Twins::leader`].
const ALONE: u32 = u32::MAX;

/// Which cells are followers, and of whom.
#[derive(Debug)]
pub(crate) struct Twins {
    /// Per cell, its leader's index, or [`ALONE`].
    leader: Vec<u32>,
    /// (follower, leader) for every follower, in follower order.
    pairs: Vec<(u32, u32)>,
    /// Per pair, set when their values differed in the block being drawn.
    parted: Vec<AtomicBool>,
    /// Per cell, whether it follows its leader since the run's start, in a
    /// run that keeps a total (see the module's documentation).
    whole_run: Vec<bool>,
    /// Whole-run pairs parted in the current segment, whose totals are
    /// still to be copied.
    parted_whole: Vec<(u32, u32)>,
}

impl Twins {
    /// No twins among `cells` cells.
    pub fn new(cells: usize) -> Self {
        Twins {
            leader: vec![ALONE; cells],
            pairs: Vec::new(),
            parted: Vec::new(),
            whole_run: vec![false; cells],
            parted_whole: Vec::new(),
        }
    }

    /// Whether cell `c` is a follower (its statistics are stale until its
    /// leader's are copied to it).
    #[inline]
    pub fn follows(&self, c: usize) -> bool {
        self.leader[c] != ALONE
    }

    /// Checks one stretch of consecutive samples of the block being drawn:
    /// `differ(f, l)` says whether follower f's values differ from leader
    /// l's in that stretch (bit for bit: [`differ_bitwise`]). Pairs whose
    /// values differ are marked parted; safe to call from parallel tasks,
    /// since marking commutes.
    pub fn check(&self, differ: impl Fn(usize, usize) -> bool) {
        for (&(f, l), parted) in self.pairs.iter().zip(&self.parted) {
            if differ(f as usize, l as usize) {
                parted.store(true, Ordering::Relaxed);
            }
        }
    }

    /// Whether [`Self::check`] marked a pair parted in the block just
    /// drawn.
    pub fn any_parted(&self) -> bool {
        self.parted.iter().any(|p| p.load(Ordering::Relaxed))
    }

    /// Where each cell's values sit in the block buffer's groups: every
    /// cell that is not a follower gets a slot, in cell order, and a
    /// follower reads its leader's, whose values are bitwise its own while
    /// the pair lasts. The buffer then holds no follower's values.
    pub fn slots(&self) -> Slots {
        let cells = self.leader.len();
        let mut own = Vec::with_capacity(cells - self.pairs.len());
        let mut of = vec![0u32; cells];
        for (c, slot) in of.iter_mut().enumerate() {
            if !self.follows(c) {
                *slot = own.len() as u32;
                own.push(c as u32);
            }
        }
        for &(f, l) in &self.pairs {
            of[f as usize] = of[l as usize];
        }
        Slots { own, of }
    }

    /// Parts the pairs [`Self::check`] marked in the block just drawn,
    /// calling `copy(follower, leader)` for each first: the caller copies
    /// the leader's segment statistics, which must not yet include that
    /// block. A parted whole-run pair's totals are copied at the segment's
    /// end ([`Self::copy_parted_totals`]).
    pub fn part(&mut self, mut copy: impl FnMut(usize, usize)) {
        if !self.any_parted() {
            return;
        }
        let mut kept = Vec::with_capacity(self.pairs.len());
        for (&(f, l), parted) in self.pairs.iter().zip(&self.parted) {
            if parted.load(Ordering::Relaxed) {
                copy(f as usize, l as usize);
                self.leader[f as usize] = ALONE;
                if std::mem::take(&mut self.whole_run[f as usize]) {
                    self.parted_whole.push((f, l));
                }
            } else {
                kept.push((f, l));
            }
        }
        self.pairs = kept;
        self.parted = self.pairs.iter().map(|_| AtomicBool::new(false)).collect();
    }

    /// Ends a segment: calls `copy(follower, leader)` for every pair but
    /// the whole-run ones, whose followers' segment statistics stay empty.
    /// The pairs stay, since the next segment's statistics all start empty.
    pub fn settle(&self, mut copy: impl FnMut(usize, usize)) {
        for &(f, l) in &self.pairs {
            if !self.whole_run[f as usize] {
                copy(f as usize, l as usize);
            }
        }
    }

    /// Before a segment folds into the total: calls `copy(follower,
    /// leader)` for every whole-run pair that parted in it, so that the
    /// follower's total, empty so far, becomes the leader's as it was
    /// before this segment.
    pub fn copy_parted_totals(&mut self, mut copy: impl FnMut(usize, usize)) {
        for (f, l) in self.parted_whole.drain(..) {
            copy(f as usize, l as usize);
        }
    }

    /// At the end of a run: calls `copy(follower, leader)` for every
    /// whole-run pair, whose follower's total is still empty.
    pub fn copy_whole_run_totals(&self, mut copy: impl FnMut(usize, usize)) {
        for &(f, l) in &self.pairs {
            if self.whole_run[f as usize] {
                copy(f as usize, l as usize);
            }
        }
    }

    /// The followers of whole-run pairs (see the module's documentation).
    pub fn whole_run_followers(&self) -> impl Iterator<Item = usize> + '_ {
        self.pairs
            .iter()
            .map(|&(f, _)| f as usize)
            .filter(|&f| self.whole_run[f])
    }

    /// Pairs more cells after a segment's first block: among the cells
    /// that are not followers, a cell whose statistics equal an earlier
    /// one's (`same`, bit for bit; `key` must be equal for equal
    /// statistics) follows the first such cell — except the cells in
    /// `alone` (those whose running statistics are read during a segment,
    /// such as a stop rule's watched scalars) and the cells that already
    /// lead, which stay leaders. `whole_run`: this is the first segment of
    /// a run that folds its segments into one total, so the new pairs are
    /// whole-run pairs.
    pub fn pair(
        &mut self,
        key: impl Fn(usize) -> u64 + Sync,
        same: impl Fn(usize, usize) -> bool,
        alone: &[usize],
        whole_run: bool,
    ) {
        let cells = self.leader.len();
        let mut leads = vec![false; cells];
        for &(_, l) in &self.pairs {
            leads[l as usize] = true;
        }
        let mut keyed: Vec<(u64, u32)> = (0..cells)
            .into_par_iter()
            .filter(|&c| !self.follows(c))
            .map(|c| (key(c), c as u32))
            .collect();
        // By key, then index: a run of equal keys lists its cells in index
        // order, so a follower's leader is the first equal cell.
        keyed.sort_unstable();
        let mut leaders: Vec<usize> = Vec::new();
        let mut added = false;
        for same_key in keyed.chunk_by(|a, b| a.0 == b.0) {
            if same_key.len() < 2 {
                continue;
            }
            leaders.clear();
            for &(_, c) in same_key {
                let c = c as usize;
                let found = if leads[c] || alone.contains(&c) {
                    None
                } else {
                    leaders.iter().copied().find(|&l| same(l, c))
                };
                match found {
                    Some(l) => {
                        self.leader[c] = l as u32;
                        self.whole_run[c] = whole_run;
                        added = true;
                    }
                    None => leaders.push(c),
                }
            }
        }
        if added {
            self.pairs = (0..cells)
                .filter(|&c| self.follows(c))
                .map(|c| (c as u32, self.leader[c]))
                .collect();
            self.parted = self.pairs.iter().map(|_| AtomicBool::new(false)).collect();
        }
    }
}

/// Where each output cell's values sit in a block's groups ([`Twins::slots`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Slots {
    /// Per slot, in order, the cell whose values it holds.
    pub own: Vec<u32>,
    /// Per cell, the slot its values are read from (a follower's is its
    /// leader's).
    pub of: Vec<u32>,
}

impl Slots {
    /// One slot per cell: no twins.
    pub fn identity(cells: usize) -> Self {
        let all: Vec<u32> = (0..cells as u32).collect();
        Slots {
            own: all.clone(),
            of: all,
        }
    }

    /// Slots per sample (at least one, so that a group is never empty).
    pub fn width(&self) -> usize {
        self.own.len().max(1)
    }
}

/// Whether two stretches of values differ anywhere, bit for bit: a signed
/// zero or another NaN payload is a different value. No early exit, so
/// the comparison vectorises.
#[inline]
pub(crate) fn differ_bitwise(
    x: impl IntoIterator<Item = f64>,
    y: impl IntoIterator<Item = f64>,
) -> bool {
    x.into_iter()
        .zip(y)
        .fold(0u64, |d, (a, b)| d | (a.to_bits() ^ b.to_bits()))
        != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_cells_follow_the_first_and_part_when_values_differ() {
        // Cell states as numbers: 0, 1, 2 and 5 equal; 3 and 6 equal; 4
        // and 7 alone (7 equals 0 but is watched).
        let state = [10u64, 10, 10, 30, 40, 10, 30, 10];
        let mut twins = Twins::new(state.len());
        twins.pair(|c| state[c] % 7, |a, b| state[a] == state[b], &[7], false);
        let leaders: Vec<Option<u32>> = twins
            .leader
            .iter()
            .map(|&l| (l != ALONE).then_some(l))
            .collect();
        assert_eq!(
            leaders,
            [None, Some(0), Some(0), None, None, Some(0), Some(3), None]
        );

        // A block in which cell 2 moves away from 0: only that pair parts.
        let mut values = [[1.0, 2.0]; 8];
        values[2][1] = -2.0;
        twins.check(|f, l| {
            differ_bitwise(
                values[f][..1].iter().copied(),
                values[l][..1].iter().copied(),
            )
        });
        let mut copied = Vec::new();
        twins.part(|c, l| copied.push((c, l)));
        assert!(copied.is_empty(), "the first sample is the same everywhere");
        twins.check(|f, l| differ_bitwise(values[f], values[l]));
        twins.part(|c, l| copied.push((c, l)));
        assert_eq!(copied, [(2, 0)]);
        assert!(!twins.follows(2) && twins.follows(5) && twins.follows(6));

        // A signed zero is a different value.
        values = [[0.0, 0.0]; 8];
        values[6][0] = -0.0;
        copied.clear();
        twins.check(|f, l| differ_bitwise(values[f], values[l]));
        twins.part(|c, l| copied.push((c, l)));
        assert_eq!(copied, [(6, 3)]);

        // The segment ends: the remaining followers get their leader's
        // statistics and stay followers.
        copied.clear();
        twins.settle(|c, l| copied.push((c, l)));
        assert_eq!(copied, [(1, 0), (5, 0)]);
        assert!(twins.follows(1) && twins.follows(5));

        // Pairing again: a leader stays one, a new equal cell follows the
        // first equal non-follower.
        let state = [10u64, 10, 20, 30, 20, 10, 30, 10];
        twins.pair(|c| state[c] % 7, |a, b| state[a] == state[b], &[], false);
        let followers: Vec<(u32, u32)> = twins.pairs.clone();
        assert_eq!(followers, [(1, 0), (4, 2), (5, 0), (6, 3), (7, 0)]);
    }

    #[test]
    fn followers_read_their_leaders_slot() {
        let state = [1u64, 2, 1, 3, 2];
        let mut twins = Twins::new(state.len());
        assert_eq!(twins.slots(), Slots::identity(5));
        twins.pair(|c| state[c], |a, b| state[a] == state[b], &[], false);
        let slots = twins.slots();
        assert_eq!(slots.own, [0, 1, 3]);
        assert_eq!(slots.of, [0, 1, 0, 2, 1]);
        assert_eq!(slots.width(), 3);

        // Cell 4 parts from cell 1: it gets a slot again, in cell order.
        twins.check(|f, _| f == 4);
        twins.part(|_, _| {});
        let slots = twins.slots();
        assert_eq!(slots.own, [0, 1, 3, 4]);
        assert_eq!(slots.of, [0, 1, 0, 2, 3]);
        assert_eq!(Slots::identity(0).width(), 1, "a group is never empty");
    }

    #[test]
    fn whole_run_pairs_leave_the_totals_to_the_end_or_their_parting() {
        let state = [1u64, 1, 1, 2];
        let mut twins = Twins::new(state.len());
        twins.pair(|c| state[c], |a, b| state[a] == state[b], &[], true);
        assert_eq!(twins.whole_run_followers().collect::<Vec<_>>(), [1, 2]);
        let mut copied = Vec::new();
        twins.settle(|c, l| copied.push((c, l)));
        assert!(copied.is_empty(), "whole-run followers keep empty segments");

        // Cell 2 parts: its segment statistics now, its total at the
        // segment's end, once.
        let values = [[1.0], [1.0], [2.0], [1.0]];
        twins.check(|f, l| differ_bitwise(values[f], values[l]));
        twins.part(|c, l| copied.push((c, l)));
        assert_eq!(copied, [(2, 0)]);
        copied.clear();
        twins.copy_parted_totals(|c, l| copied.push((c, l)));
        twins.copy_parted_totals(|c, l| copied.push((c, l)));
        assert_eq!(copied, [(2, 0)]);

        // Paired again later in the run: a segment-only pair.
        let state = [1u64, 1, 2, 2];
        twins.pair(|c| state[c], |a, b| state[a] == state[b], &[], false);
        assert_eq!(twins.whole_run_followers().collect::<Vec<_>>(), [1]);
        copied.clear();
        twins.settle(|c, l| copied.push((c, l)));
        assert_eq!(copied, [(3, 2)]);
        copied.clear();
        twins.copy_whole_run_totals(|c, l| copied.push((c, l)));
        assert_eq!(copied, [(1, 0)]);
    }
}
