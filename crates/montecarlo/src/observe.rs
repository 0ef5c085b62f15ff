//! The observer seam (docs/uncertainty.md, "Observers"): analyses that need
//! every sample's inputs and outputs — sensitivity, value of information,
//! per-sample export — see each block of the run as it is summarised, keep
//! their own streaming state, and fold it in a fixed order, so their
//! results are bit-identical on any thread count just like the built-in
//! statistics.
//!
//! Order of folding: the run is cut into segments of
//! [`segment_samples`] samples. Within a segment, an observer's state sees
//! the blocks one after another in sample order; at the end of each
//! segment that state is merged into the run's total, segments in order.
//! The engine's own statistics fold the same way. A run split into parts
//! at segment boundaries (one part per machine, [`crate::run_segments`])
//! therefore reproduces the total exactly when its parts' segment states
//! are merged in segment order.

use crate::twins::Slots;

/// The shortest segment: a multiple of every block size (a power of two up
/// to 1 024), so segments always end at a block boundary.
pub const SEGMENT_SAMPLES: u64 = 1 << 12;

/// Most segments a run is cut into before segments grow (see
/// [`segment_samples`]).
const MAX_SEGMENTS: u64 = 256;

/// Samples per segment of a run of `total` samples: [`SEGMENT_SAMPLES`],
/// or the power of two that keeps the run within 256 segments.
///
/// Short segments let a run of a few thousand samples be split over
/// several machines; a bounded number of them keeps what a split run ships
/// and merges (one state per segment) independent of the sample count.
/// The length depends on the total only, so every part of a split run and
/// the one-machine run cut it the same way.
pub fn segment_samples(total: u64) -> u64 {
    total
        .div_ceil(MAX_SEGMENTS)
        .next_power_of_two()
        .max(SEGMENT_SAMPLES)
}

/// Values per group in the engine's block buffers: each group holds this
/// many consecutive samples, one contiguous run per input, and per output
/// cell that is not a follower among twin cells (`crate::twins`).
pub(crate) const GROUP_SAMPLES: usize = 16;

/// One block of consecutive samples: the inputs each sample was evaluated
/// at and the outputs it produced, in sample order.
///
/// Inputs are in [`crate::InputSpace`] order (fixed and held ones
/// included); output cells in [`crate::OutputLayout`] order (scalars, then
/// each series' years), with NaN where a scalar is undefined. Read a whole
/// column with [`Block::input_into`] / [`Block::output_into`] (a
/// column-major copy in sample order), or one value with [`Block::input`] /
/// [`Block::value`].
#[derive(Debug, Clone, Copy)]
pub struct Block<'a> {
    first: u64,
    len: usize,
    n_inputs: usize,
    /// Grouped: group g holds samples g·16.. as one run of 16 per input.
    inputs: &'a [f64],
    /// Grouped: group g holds samples g·16.. as one run of 16 per slot.
    outputs: &'a [f64],
    /// Per output cell, the slot its values are read from (twin cells
    /// share one, `crate::twins`).
    slot_of: &'a [u32],
    /// Slots per sample.
    width: usize,
}

impl<'a> Block<'a> {
    pub(crate) fn new(
        first: u64,
        len: usize,
        n_inputs: usize,
        slots: &'a Slots,
        inputs: &'a [f64],
        outputs: &'a [f64],
    ) -> Self {
        Block {
            first,
            len,
            n_inputs,
            inputs,
            outputs,
            slot_of: &slots.of,
            width: slots.width(),
        }
    }

    /// Index of the block's first sample in the run.
    pub fn first(&self) -> u64 {
        self.first
    }

    /// Number of samples in the block.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the block holds no sample.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of inputs per sample.
    pub fn n_inputs(&self) -> usize {
        self.n_inputs
    }

    /// Number of output cells per sample.
    pub fn n_cells(&self) -> usize {
        self.slot_of.len()
    }

    /// Input `j` of the block's `k`-th sample.
    #[inline]
    pub fn input(&self, k: usize, j: usize) -> f64 {
        grouped(self.inputs, self.n_inputs.max(1), k, j)
    }

    /// Output cell `c` of the block's `k`-th sample (NaN = undefined).
    #[inline]
    pub fn value(&self, k: usize, c: usize) -> f64 {
        grouped(self.outputs, self.width, k, self.slot_of[c] as usize)
    }

    /// Copies input `j` of every sample, in sample order, into `out[..len]`.
    pub fn input_into(&self, j: usize, out: &mut [f64]) {
        column(self.inputs, self.n_inputs.max(1), self.len, j, out);
    }

    /// Copies output cell `c` of every sample, in sample order, into
    /// `out[..len]`.
    pub fn output_into(&self, c: usize, out: &mut [f64]) {
        column(
            self.outputs,
            self.width,
            self.len,
            self.slot_of[c] as usize,
            out,
        );
    }
}

#[inline]
fn grouped(buf: &[f64], width: usize, k: usize, c: usize) -> f64 {
    buf[(k / GROUP_SAMPLES) * width * GROUP_SAMPLES + c * GROUP_SAMPLES + k % GROUP_SAMPLES]
}

fn column(buf: &[f64], width: usize, len: usize, c: usize, out: &mut [f64]) {
    let group = width * GROUP_SAMPLES;
    for (g, chunk) in out[..len].chunks_mut(GROUP_SAMPLES).enumerate() {
        let run = &buf[g * group + c * GROUP_SAMPLES..][..chunk.len()];
        chunk.copy_from_slice(run);
    }
}

/// An analysis that watches a run block by block (see the module docs for
/// the order of folding).
///
/// `observe` is called once per block, in sample order, on the thread that
/// called the run; it may use rayon inside as long as its result does not
/// depend on how the work was split. `merge` folds a later segment's state
/// into an earlier one's.
pub trait Observer: Sync {
    /// The streaming state: memory must not grow with the sample count.
    type State: Send;

    /// A state that has seen no sample.
    fn new_state(&self) -> Self::State;

    /// Takes one block.
    fn observe(&self, state: &mut Self::State, block: &Block<'_>);

    /// Folds `later` (the state of the following segment) into `into`.
    fn merge(&self, into: &mut Self::State, later: Self::State);

    /// Shown the run's first block before a part of the run that does not
    /// start there (see [`crate::run_segments`]), so that what the run's
    /// first block fixes (a pilot) is the same in every part. Nothing by
    /// default.
    fn prime(&self, block: &Block<'_>) {
        let _ = block;
    }
}

/// What the engine drives: an [`Observer`] together with its states, behind
/// a trait object so one run can carry observers of different types. Made
/// by [`Observed::new`].
pub trait Observe {
    /// Takes one block of the current segment.
    fn observe(&mut self, block: &Block<'_>);

    /// Ends the current segment: its state is merged into the total.
    fn end_segment(&mut self);

    /// Shown the run's first block before a part of the run that starts
    /// later ([`Observer::prime`]).
    fn prime(&mut self, block: &Block<'_>) {
        let _ = block;
    }
}

/// An observer with its run total and current segment state.
pub struct Observed<'o, O: Observer> {
    observer: &'o O,
    total: Option<O::State>,
    segment: Option<O::State>,
}

impl<'o, O: Observer> Observed<'o, O> {
    /// Ready to watch a run.
    pub fn new(observer: &'o O) -> Self {
        Observed {
            observer,
            total: None,
            segment: None,
        }
    }

    /// The state over every sample seen (a fresh state if none was).
    pub fn finish(mut self) -> O::State {
        Observe::end_segment(&mut self);
        self.total.unwrap_or_else(|| self.observer.new_state())
    }
}

impl<O: Observer> Observe for Observed<'_, O> {
    fn observe(&mut self, block: &Block<'_>) {
        let observer = self.observer;
        let state = self.segment.get_or_insert_with(|| observer.new_state());
        observer.observe(state, block);
    }

    fn prime(&mut self, block: &Block<'_>) {
        self.observer.prime(block);
    }

    fn end_segment(&mut self) {
        if let Some(seg) = self.segment.take() {
            match &mut self.total {
                // The first segment starts the total as it is, so a run of
                // one segment needs no merge at all.
                None => self.total = Some(seg),
                Some(total) => self.observer.merge(total, seg),
            }
        }
    }
}

/// An observer in a part of a split run: each segment's state is kept
/// apart, to be shipped and merged in segment order by whoever merges the
/// parts.
pub struct Segmented<'o, O: Observer> {
    observer: &'o O,
    segment: Option<O::State>,
    done: Vec<O::State>,
}

impl<'o, O: Observer> Segmented<'o, O> {
    /// Ready to watch a part of a run.
    pub fn new(observer: &'o O) -> Self {
        Segmented {
            observer,
            segment: None,
            done: Vec::new(),
        }
    }

    /// The state of every segment seen, in order.
    pub fn finish(mut self) -> Vec<O::State> {
        Observe::end_segment(&mut self);
        self.done
    }
}

impl<O: Observer> Observe for Segmented<'_, O> {
    fn observe(&mut self, block: &Block<'_>) {
        let observer = self.observer;
        let state = self.segment.get_or_insert_with(|| observer.new_state());
        observer.observe(state, block);
    }

    fn prime(&mut self, block: &Block<'_>) {
        self.observer.prime(block);
    }

    fn end_segment(&mut self) {
        if let Some(seg) = self.segment.take() {
            self.done.push(seg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_come_out_in_sample_order() {
        // 3 cells, 20 samples: two groups, the second partly filled.
        let (cells, len) = (3usize, 20usize);
        let mut buf = vec![f64::NAN; 2 * cells * GROUP_SAMPLES];
        for k in 0..len {
            for c in 0..cells {
                let at = (k / GROUP_SAMPLES) * cells * GROUP_SAMPLES
                    + c * GROUP_SAMPLES
                    + k % GROUP_SAMPLES;
                buf[at] = (100 * c + k) as f64;
            }
        }
        let slots = Slots::identity(cells);
        let block = Block::new(0, len, cells, &slots, &buf, &buf);
        let mut col = vec![0.0; len];
        for c in 0..cells {
            block.output_into(c, &mut col);
            let want: Vec<f64> = (0..len).map(|k| (100 * c + k) as f64).collect();
            assert_eq!(col, want);
            block.input_into(c, &mut col);
            assert_eq!(col, want);
            for (k, w) in want.iter().enumerate() {
                assert_eq!(block.value(k, c), *w);
                assert_eq!(block.input(k, c), *w);
            }
        }

        // A fourth cell that follows cell 1 reads cell 1's slot.
        let twins = Slots {
            own: vec![0, 1, 2],
            of: vec![0, 1, 2, 1],
        };
        let block = Block::new(0, len, cells, &twins, &buf, &buf);
        assert_eq!(block.n_cells(), 4);
        block.output_into(3, &mut col);
        let want: Vec<f64> = (0..len).map(|k| (100 + k) as f64).collect();
        assert_eq!(col, want);
        assert_eq!(block.value(19, 3), 119.0);
    }
}
