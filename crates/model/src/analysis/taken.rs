//! A segment's samples as the binned sums take them, held until the
//! segment folds (docs/analysis.md, "Memory").
//!
//! The binned sums of one segment (every target over every input's bins in
//! every interleaved subset: 6.9 MB for Södertälje) are only ever added to
//! the run's total when the segment ends. Holding the segment's target rows
//! and each input's bins instead (2.3 MB for a 4 096-sample segment) and
//! summing them then — from zero, sample by sample in sample order, as the
//! blocks would have — gives the same sums bit for bit with a third of the
//! memory.

use palett_montecarlo::stats::sensitivity::Binned;

use super::GROUPS;

/// Samples taken but not yet summed into binned sums.
#[derive(Debug, Clone, Default)]
pub(super) struct Taken {
    /// Global index of the first sample.
    first: u64,
    /// Target values per sample (`rows[s · width + c]`).
    rows: Vec<f64>,
    width: usize,
    /// Per analysed input, its bin per sample.
    bins: Vec<Vec<u8>>,
    /// Per analysed input, its number of bins.
    sizes: Vec<usize>,
    /// Per target, the pilot's shift (see `Binned::new`).
    shift: Vec<f64>,
}

impl Taken {
    /// Nothing taken yet, for inputs with `sizes` bins each (at most 256)
    /// and targets shifted by `shift`.
    pub(super) fn new(sizes: Vec<usize>, shift: Vec<f64>) -> Taken {
        debug_assert!(sizes.iter().all(|&b| b <= 256));
        Taken {
            width: shift.len(),
            bins: vec![Vec::new(); sizes.len()],
            sizes,
            shift,
            ..Taken::default()
        }
    }

    /// Samples held.
    pub(super) fn len(&self) -> usize {
        self.rows.len() / self.width.max(1)
    }

    /// Inputs whose bins are held.
    pub(super) fn inputs(&self) -> usize {
        self.sizes.len()
    }

    /// Takes the samples from `first` on (following those held): their
    /// target `rows` and each input's `bins`.
    pub(super) fn take<'b>(
        &mut self,
        first: u64,
        rows: &[f64],
        bins: impl Iterator<Item = &'b [u8]>,
    ) {
        if self.rows.is_empty() {
            self.first = first;
        }
        debug_assert_eq!(first, self.first + self.len() as u64);
        self.rows.extend_from_slice(rows);
        for (held, new) in self.bins.iter_mut().zip(bins) {
            held.extend_from_slice(new);
        }
    }

    /// Empty binned sums of input `j`.
    pub(super) fn empty(&self, j: usize) -> Binned {
        Binned::new(self.sizes[j], GROUPS, self.shift.clone())
    }

    /// Adds the samples held, in order, to input `j`'s binned sums.
    pub(super) fn add_to(&self, j: usize, binned: &mut Binned) {
        let w = self.width;
        for (s, &bin) in self.bins[j].iter().enumerate() {
            binned.add(
                self.first + s as u64,
                usize::from(bin),
                &self.rows[s * w..(s + 1) * w],
            );
        }
    }

    /// Input `j`'s binned sums of the samples held alone.
    pub(super) fn summed(&self, j: usize) -> Binned {
        let mut b = self.empty(j);
        self.add_to(j, &mut b);
        b
    }
}

#[cfg(test)]
mod tests {
    use palett_montecarlo::codec::{Codec, Encoder};

    use super::*;

    fn bytes(b: &Binned) -> Vec<u8> {
        let mut e = Encoder::new();
        b.encode(&mut e);
        e.into_bytes()
    }

    /// Held samples summed later give the sums of adding each block's
    /// samples as they come, bit for bit, from zero and onto earlier sums.
    #[test]
    fn sums_of_held_samples_are_those_of_adding_them_as_they_come() {
        let (w, sizes) = (3, vec![4, 7]);
        let shift = vec![0.1, -2.0, 1e6];
        let value = |s: u64, c: usize| ((s * 7919 + c as u64 * 104_729) % 1000) as f64 / 7.0 - 50.0;
        let bin = |s: u64, j: usize| ((s * 31 + j as u64 * 17) % sizes[j] as u64) as u8;
        let mut taken = Taken::new(sizes.clone(), shift.clone());
        let mut direct: Vec<Binned> = sizes
            .iter()
            .map(|&b| Binned::new(b, GROUPS, shift.clone()))
            .collect();
        let mut earlier = direct.clone();
        for (j, e) in earlier.iter_mut().enumerate() {
            for s in 0..50u64 {
                let row: Vec<f64> = (0..w).map(|c| value(s + 999, c)).collect();
                e.add(s, usize::from(bin(s, j)), &row);
            }
        }
        let mut onto = earlier.clone();
        // Three blocks of a segment starting at sample 300; one sample has
        // an undefined target and is skipped whole.
        for first in [300u64, 400, 500] {
            let rows: Vec<f64> = (first..first + 100)
                .flat_map(|s| (0..w).map(move |c| if s == 433 { f64::NAN } else { value(s, c) }))
                .collect();
            let bins: Vec<Vec<u8>> = (0..sizes.len())
                .map(|j| (first..first + 100).map(|s| bin(s, j)).collect())
                .collect();
            for j in 0..sizes.len() {
                for (k, s) in (first..first + 100).enumerate() {
                    let row = &rows[k * w..(k + 1) * w];
                    direct[j].add(s, usize::from(bins[j][k]), row);
                    onto[j].add(s, usize::from(bins[j][k]), row);
                }
            }
            taken.take(first, &rows, bins.iter().map(|b| &b[..]));
        }
        assert_eq!(taken.len(), 300);
        assert_eq!(taken.inputs(), 2);
        for j in 0..sizes.len() {
            assert_eq!(bytes(&taken.summed(j)), bytes(&direct[j]), "input {j}");
            taken.add_to(j, &mut earlier[j]);
            assert_eq!(bytes(&earlier[j]), bytes(&onto[j]), "input {j}");
        }
    }
}
