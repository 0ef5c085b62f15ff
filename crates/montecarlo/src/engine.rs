//! The run loop (model.md §7): draw inputs, evaluate the model, summarise —
//! in parallel, reproducibly, in memory that does not grow with the sample
//! count.
//!
//! Work proceeds in blocks of a fixed size that depends only on the output
//! layout. For each block, workers draw and evaluate samples in parallel
//! into a block buffer (sample s's inputs depend only on (seed, s)); then
//! each output cell's statistics consume that cell's values in sample order,
//! in parallel across cells. Because every statistic sees its values in the
//! same order with the same batch boundaries whatever the thread count, the
//! results are bit-identical on 1 thread or many. The two phases alternate
//! on one buffer (each phase is parallel on its own), so a stop rule never
//! draws a block it does not use.

use std::ops::Range;
use std::sync::{Mutex, TryLockError};

use rayon::prelude::*;

use crate::codec::{Codec, CodecError, Decoder, Encoder};
use crate::error::McError;
use crate::layout::{Missing, Model, OutputLayout, SampleRecord};
use crate::observe::{Block, GROUP_SAMPLES, Observe, segment_samples};
use crate::space::{InputSpace, Plan};
use crate::stats::best::BestCounter;
use crate::stats::sketch::{QuantileSketch, SketchScratch, target_rank};
use crate::stats::welford::Welford;
use crate::stream::SampleStreams;
use crate::twins::{Slots, Twins, differ_bitwise};

/// How inputs are sampled (model.md §7, "Sampling").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Independent pseudo-random draws.
    MonteCarlo,
    /// Latin hypercube: each uncertain input's range is cut into n
    /// equiprobable strata and each stratum is used exactly once (per block
    /// under a stop rule; see docs/uncertainty.md).
    LatinHypercube,
    /// Every sample uses the central values: the deterministic base case,
    /// normally with `samples = 1`.
    Central,
}

/// Adaptive stopping (model.md §7): stop at the first block boundary where
/// every watched scalar's standard error is below `target_se`, or at
/// `max_samples`.
#[derive(Debug, Clone, PartialEq)]
pub struct StopRule {
    /// Target standard error of the mean, in the watched outputs' unit.
    pub target_se: f64,
    /// Indices of the scalars to watch (e.g. each mix's total NPV).
    pub watch: Vec<usize>,
    /// Upper bound on the sample count.
    pub max_samples: u64,
}

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    /// Seed of all random streams.
    pub seed: u64,
    /// Number of samples; ignored when `stop` is set (which has its own
    /// maximum).
    pub samples: u64,
    /// Sampling method.
    pub method: Method,
    /// Optional adaptive stopping.
    pub stop: Option<StopRule>,
}

/// Progress report, sent after each block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Samples summarised so far.
    pub done: u64,
    /// The planned (maximum) number of samples.
    pub total: u64,
}

/// Summary of one scalar output (model.md §7, "Summaries"); in the output's
/// own unit.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalarSummary {
    /// The samples the statistics describe: all of the run's, or those in
    /// which the scalar's condition holds ([`crate::ScalarSpec::given`]).
    pub population: u64,
    /// Samples in which the value was defined.
    pub n_defined: u64,
    /// n_defined / samples (of the scalar's population,
    /// [`crate::ScalarSpec::given`]).
    pub share_defined: f64,
    /// Mean over defined values.
    pub mean: Option<f64>,
    /// Standard deviation (n − 1) over defined values; needs 2 of them.
    pub sd: Option<f64>,
    /// Standard error of the mean, sd / √n_defined.
    pub se: Option<f64>,
    /// 5th percentile (rank error ≤ 0.5 %).
    pub p5: Option<f64>,
    /// 25th percentile.
    pub p25: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
    /// Share of the samples (of the scalar's population) with a defined
    /// value > 0 (e.g. P(NPV > 0)).
    pub p_positive: f64,
    /// The first sample (0-based index) at which the running statistics
    /// stopped being finite: the sample whose value was infinite, or the
    /// first of the block in which finite values overflowed the sums.
    /// None while everything stays finite.
    pub first_non_finite: Option<u64>,
}

/// Summary of one year of a series output (model.md §7, "By year"); NaN
/// when no sample defined the cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Mean.
    pub mean: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// Samples drawn and summarised.
    pub samples: u64,
    /// True when a stop rule ended the run before its maximum.
    pub stopped_early: bool,
    /// Per scalar, in layout order.
    pub scalars: Vec<ScalarSummary>,
    /// Per series, one band per year.
    pub series: Vec<Vec<Band>>,
    /// Per contest, P(best) per member.
    pub contests: Vec<Vec<f64>>,
}

/// Samples per block for a layout with `cells` values per sample: a power of
/// two in [64, 1024] keeping the block buffer near 64 MB (1 024 samples for
/// the product's ≈ 8 000 cells, 64 MB; a small layout gets 1 024 samples in
/// far less).
///
/// A block is also the batch in which every output's quantile sketch takes
/// its values, and an insertion costs a pass over the sketch's ~200 tuples
/// on top of a small cost per value, so bigger blocks make summarising
/// cheaper (measured at 8 000 cells: 1 024-sample blocks cost ~25 % less per
/// cell-sample than 256; docs/uncertainty.md, "Speed"). The size depends on
/// the layout only — never on the thread count — so stop points and sketch
/// batches are the same on every machine.
pub fn block_size(cells: usize) -> u64 {
    let cap = ((BLOCK_BUFFER_BYTES / 8) / cells.max(1)).max(1);
    let pow = 1usize << (usize::BITS - 1 - cap.leading_zeros());
    pow.clamp(64, 1024) as u64
}

/// Target size of the block buffer (see [`block_size`]).
const BLOCK_BUFFER_BYTES: usize = 64 << 20;

/// Samples per parallel task when drawing; small enough to balance load and
/// to keep a task's records in L2 until they are transposed into the block,
/// large enough to amortise the per-task set-up and give summarising runs
/// of 16 values (two cache lines) per cell.
const TASK_SAMPLES: usize = GROUP_SAMPLES;
/// Cells per parallel task when summarising: enough that a task reads long
/// contiguous runs of the block (64 cells × 16 samples = 8 KB per group),
/// few enough that their columns stay in L1/L2.
const TASK_CELLS: usize = 64;
/// Cells whose sketches [`Partial::merge_all`] folds together, part after
/// part, two at a time side by side: few, so that their totals stay in
/// cache from one part to the next (4 and 16 measured no better).
const FOLD_CELLS: usize = 8;

#[derive(Debug, Clone, Default, PartialEq)]
struct CellStats {
    moments: Welford,
    sketch: QuantileSketch,
    defined: u64,
    positive: u64,
    first_non_finite: Option<u64>,
}

impl CellStats {
    /// Take one block's defined values of this cell, in sample order, of
    /// which `positive` are > 0. The slice is working memory (the sketch
    /// reorders it). The sketch is held lightly packed from block to block
    /// ([`QuantileSketch::pack_lightly`]): a segment's summaries are a
    /// large part of a run's memory.
    fn absorb(&mut self, batch: &mut [f64], positive: u64, scratch: &mut SketchScratch) {
        self.defined += batch.len() as u64;
        self.positive += positive;
        self.moments.merge(&Welford::from_slice(batch));
        self.sketch.insert_batch(batch, scratch);
        self.sketch.pack_lightly();
    }

    /// A hash of these statistics: equal for bitwise-equal statistics
    /// (see [`Self::same_bits`]), cheap, and rarely equal otherwise.
    fn fingerprint(&self) -> u64 {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let mean = self.moments.mean().map_or(u64::MAX, f64::to_bits);
        [
            self.defined,
            self.positive,
            mean,
            self.sketch.fingerprint(),
            self.first_non_finite.unwrap_or(u64::MAX),
        ]
        .iter()
        .fold(0u64, |h, &x| (h.rotate_left(7) ^ x).wrapping_mul(K))
    }

    /// Whether these statistics equal `other`'s bit for bit (what a part
    /// file would store for them).
    fn same_bits(&self, other: &CellStats) -> bool {
        let bytes = |c: &CellStats| {
            let mut e = Encoder::new();
            c.encode(&mut e);
            e.into_bytes()
        };
        bytes(self) == bytes(other)
    }

    /// Folds a later segment's statistics of the same cell into these, but
    /// for the sketch (see [`Partial::merge_all`]).
    fn merge_counts(&mut self, later: &CellStats) {
        self.defined += later.defined;
        self.positive += later.positive;
        self.moments.merge(&later.moments);
        // Segments fold in sample order: the earlier one's sample is first.
        self.first_non_finite = self.first_non_finite.or(later.first_non_finite);
    }
}

impl Codec for CellStats {
    fn encode(&self, e: &mut Encoder) {
        e.u64(self.defined);
        e.u64(self.positive);
        self.moments.encode(e);
        self.sketch.encode(e);
        // u64::MAX for "none": no run has that many samples.
        e.u64(self.first_non_finite.unwrap_or(u64::MAX));
    }

    fn decode(d: &mut Decoder<'_>) -> Result<Self, CodecError> {
        Ok(CellStats {
            defined: d.u64()?,
            positive: d.u64()?,
            moments: Welford::decode(d)?,
            sketch: QuantileSketch::decode(d)?,
            first_non_finite: Some(d.u64()?).filter(|&s| s != u64::MAX),
        })
    }
}

/// The mergeable statistics of consecutive samples of a run: one segment's
/// (see [`crate::observe`]) or, folded in segment order, the whole run's.
///
/// A run folds its segments in sample order, whatever machine drew them,
/// so the parts of a run split over machines ([`run_segments`]) merge into
/// exactly the statistics of the run on one machine (docs/distributed.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    samples: u64,
    cells: Vec<CellStats>,
    contests: Vec<BestCounter>,
}

impl Partial {
    /// Statistics of no sample for `layout`.
    pub fn new(layout: &OutputLayout) -> Self {
        Partial {
            samples: 0,
            cells: vec![CellStats::default(); layout.cells()],
            contests: layout
                .contests
                .iter()
                .map(|c| BestCounter::new(c.members.len()))
                .collect(),
        }
    }

    /// Samples summarised.
    pub fn samples(&self) -> u64 {
        self.samples
    }

    /// True when these statistics have the shape of `layout`'s (a decoded
    /// part must be checked before it is merged).
    pub fn fits(&self, layout: &OutputLayout) -> bool {
        self.cells.len() == layout.cells()
            && self.contests.len() == layout.contests.len()
            && self
                .contests
                .iter()
                .zip(&layout.contests)
                .all(|(c, l)| c.shares().len() == l.members.len())
    }

    /// Folds `later`, the statistics of the samples that follow these, into
    /// these. The first fold into an empty state takes `later` as it is, so
    /// a run of one segment needs no merge at all.
    pub fn merge(&mut self, later: Partial) {
        if self.samples == 0 && later.samples > 0 {
            *self = later;
            self.pack();
            return;
        }
        self.fold(std::slice::from_ref(&later), true);
    }

    /// Packs every cell's sketch ([`QuantileSketch::pack`]): a total is
    /// read or changed only when the next part folds into it, so it is
    /// held packed in between.
    fn pack(&mut self) {
        self.cells
            .par_iter_mut()
            .with_min_len(TASK_CELLS)
            .for_each(|c| c.sketch.pack());
    }

    /// Folds `later`, statistics of the consecutive stretches of samples
    /// that follow these (in sample order), into these: exactly what
    /// merging them one after another with [`Self::merge`] gives, bit for
    /// bit, because every cell still takes the same merges in the same
    /// order. (Into empty statistics, the first non-empty part of `later`
    /// is copied: move it in instead where that matters.)
    ///
    /// Merging cell by cell over all of `later` instead of part by part over
    /// all cells is what makes merging many parts cheap: a cell's running
    /// total stays in cache while every part's statistics of that cell fold
    /// into it, instead of the whole total (tens of MB) streaming through
    /// memory once per part (docs/distributed.md, "Cost of merging").
    /// `later` is borrowed so that the caller decides where its memory is
    /// freed.
    pub fn merge_all(&mut self, later: &[Partial]) {
        self.fold(later, false);
    }

    /// [`Self::merge_all`], packing each cell's sketch afterwards when
    /// `pack` is set: a run's total, folded once a segment, is held packed
    /// in between; a merge of parts folds groups of parts in quick
    /// succession and would only unpack them again (6 % of a merge).
    fn fold(&mut self, later: &[Partial], pack: bool) {
        let mut later = later.iter().filter(|p| p.samples > 0);
        if self.samples == 0 {
            match later.next() {
                Some(first) => self.clone_from(first),
                None => return,
            }
        }
        let later: Vec<&Partial> = later.collect();
        if later.is_empty() {
            if pack {
                self.pack();
            }
            return;
        }
        self.samples += later.iter().map(|p| p.samples).sum::<u64>();
        // Cells are independent, so merging them in parallel cannot change
        // a bit.
        self.cells
            .par_chunks_mut(TASK_CELLS)
            .enumerate()
            .for_each(|(k, chunk)| {
                // A few cells at a time, so their sketches fold side by side.
                for (q, cells) in chunk.chunks_mut(FOLD_CELLS).enumerate() {
                    let at = k * TASK_CELLS + q * FOLD_CELLS;
                    for p in &later {
                        let theirs = &p.cells[at..at + cells.len()];
                        for (x, y) in cells.iter_mut().zip(theirs) {
                            x.merge_counts(y);
                        }
                        QuantileSketch::merge_each(
                            cells
                                .iter_mut()
                                .map(|x| &mut x.sketch)
                                .zip(theirs.iter().map(|y| &y.sketch)),
                        );
                    }
                    if pack {
                        cells.iter_mut().for_each(|x| x.sketch.pack());
                    }
                }
            });
        for (i, a) in self.contests.iter_mut().enumerate() {
            for p in &later {
                a.merge(&p.contests[i]);
            }
        }
    }

    /// The standard error of scalar `w`'s mean over these samples and then
    /// `later`'s, without merging the rest.
    fn se_with(&self, later: &Partial, w: usize) -> Option<f64> {
        let mut m = self.cells.get(w).map(|c| c.moments).unwrap_or_default();
        m.merge(&later.cells[w].moments);
        m.se()
    }
}

impl Codec for Partial {
    fn encode(&self, e: &mut Encoder) {
        e.u64(self.samples);
        e.len_of(self.cells.len());
        for c in &self.cells {
            c.encode(e);
        }
        e.len_of(self.contests.len());
        for c in &self.contests {
            c.encode(e);
        }
    }

    fn decode(d: &mut Decoder<'_>) -> Result<Self, CodecError> {
        let samples = d.u64()?;
        let n = d.len_of(48)?;
        let cells = (0..n)
            .map(|_| CellStats::decode(d))
            .collect::<Result<_, _>>()?;
        let n = d.len_of(16)?;
        let contests = (0..n)
            .map(|_| BestCounter::decode(d))
            .collect::<Result<_, _>>()?;
        Ok(Partial {
            samples,
            cells,
            contests,
        })
    }
}

/// Where the run loop hands each finished segment.
trait Sink {
    /// Takes segment `index`'s statistics.
    fn segment(&mut self, index: u64, part: Partial);
    /// Whether the stop rule is met by everything so far plus `current`.
    fn met(&self, current: &Partial, stop: &StopRule) -> bool;
    /// Whether segments fold into one total here, so that twins paired in
    /// the run's first segment share their totals (`crate::twins`).
    fn keeps_total(&self) -> bool;
    /// Copies cell `from`'s total statistics to cell `to`.
    fn copy_total(&mut self, to: usize, from: usize);
}

/// The one-machine run: segments fold into the total as they finish.
struct Fold {
    total: Partial,
}

impl Sink for Fold {
    fn segment(&mut self, _: u64, part: Partial) {
        self.total.merge(part);
    }

    fn met(&self, current: &Partial, stop: &StopRule) -> bool {
        stop.watch.iter().all(|&w| {
            let se = if self.total.samples == 0 {
                current.cells[w].moments.se()
            } else {
                self.total.se_with(current, w)
            };
            se.is_some_and(|se| se < stop.target_se)
        })
    }

    fn keeps_total(&self) -> bool {
        true
    }

    fn copy_total(&mut self, to: usize, from: usize) {
        self.total.cells[to] = self.total.cells[from].clone();
    }
}

/// A part of a run: every segment goes to the caller.
struct Hand<'a>(&'a mut dyn FnMut(u64, Partial));

impl Sink for Hand<'_> {
    fn segment(&mut self, index: u64, part: Partial) {
        (self.0)(index, part);
    }

    fn met(&self, _: &Partial, _: &StopRule) -> bool {
        false
    }

    fn keeps_total(&self) -> bool {
        false
    }

    fn copy_total(&mut self, _: usize, _: usize) {
        // Never asked: without a total there are no whole-run twins, and
        // every segment handed over is complete.
        debug_assert!(false, "a part has no total");
    }
}

/// Per-task working memory for summarising: a TASK_CELLS × block column
/// buffer and the sketch's scratch.
#[derive(Default)]
struct Columns {
    values: Vec<f64>,
    sketch: SketchScratch,
}

fn check(
    inputs: &InputSpace,
    layout: &OutputLayout,
    settings: &RunSettings,
) -> Result<(), McError> {
    let n_scalars = layout.scalars.len();
    for c in &layout.contests {
        if c.members.is_empty() {
            return Err(McError::Settings(format!(
                "contest `{}` needs at least one member",
                c.name
            )));
        }
        if let Some(&m) = c.members.iter().find(|&&m| m >= n_scalars) {
            return Err(McError::Settings(format!(
                "contest `{}` names scalar {m}, but only 0..{n_scalars} exist",
                c.name
            )));
        }
    }
    match &settings.stop {
        None if settings.samples == 0 => Err(McError::Settings(
            "samples must be at least 1; got 0".into(),
        )),
        None => Ok(()),
        Some(stop) => {
            if stop.max_samples == 0 {
                return Err(McError::Settings(
                    "the stop rule's max_samples must be at least 1; got 0".into(),
                ));
            }
            if !(stop.target_se.is_finite() && stop.target_se >= 0.0) {
                return Err(McError::Settings(format!(
                    "the stop rule's target standard error must be finite and ≥ 0; got {}",
                    stop.target_se
                )));
            }
            if stop.watch.is_empty() {
                return Err(McError::Settings(
                    "the stop rule must watch at least one scalar output".into(),
                ));
            }
            if let Some(&w) = stop.watch.iter().find(|&&w| w >= n_scalars) {
                return Err(McError::Settings(format!(
                    "the stop rule watches scalar {w}, but only 0..{n_scalars} exist"
                )));
            }
            let _ = inputs;
            Ok(())
        }
    }
}

/// Per-worker state for drawing and evaluating samples.
struct Worker<S> {
    rng: rand::rngs::ChaCha8Rng,
    eps: Vec<f64>,
    inputs: Vec<f64>,
    /// One record per sample of a task, transposed into the block together.
    records: Vec<SampleRecord>,
    scratch: S,
}

/// Run `model` over `inputs` (model.md §7) on the current rayon pool and
/// summarise the outputs described by `layout`.
///
/// The result is a pure function of (seed, sample count, method, stop rule,
/// inputs, layout, model) and bit-identical whatever the pool's thread
/// count, including when called from inside other rayon work. `progress` is
/// called on the calling thread after every block.
pub fn run<M: Model>(
    model: &M,
    inputs: &InputSpace,
    layout: &OutputLayout,
    settings: &RunSettings,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<RunSummary, McError> {
    run_observed(model, inputs, layout, settings, progress, &mut [])
}

/// [`run`], with `observers` shown every block's inputs and outputs after
/// the built-in statistics have taken it (see [`crate::observe`] for the
/// order in which their states fold). Observers never change the summary.
pub fn run_observed<M: Model>(
    model: &M,
    inputs: &InputSpace,
    layout: &OutputLayout,
    settings: &RunSettings,
    progress: &(dyn Fn(Progress) + Sync),
    observers: &mut [&mut dyn Observe],
) -> Result<RunSummary, McError> {
    check(inputs, layout, settings)?;
    let total = planned_samples(settings);
    let mut fold = Fold {
        total: Partial::new(layout),
    };
    let segments = 0..segment_count(total);
    let stopped_early = drive(
        model, inputs, layout, settings, segments, progress, observers, &mut fold,
    );
    Ok(summarise_partial(layout, &fold.total, stopped_early))
}

/// The planned (maximum) number of samples of a run.
pub fn planned_samples(settings: &RunSettings) -> u64 {
    settings
        .stop
        .as_ref()
        .map_or(settings.samples, |s| s.max_samples)
}

/// Number of segments of a run of `total` samples (see
/// [`crate::observe::segment_samples`]).
pub fn segment_count(total: u64) -> u64 {
    total.div_ceil(segment_samples(total))
}

/// Runs the segments `segments` of the run `settings` describes — one part
/// of a run split over machines — and hands each segment's statistics to
/// `on_segment` in order; observers see the part's blocks and end a
/// segment at each of its ends.
///
/// The segments' statistics are exactly those the whole run computes for
/// them, so folding every part's segments in order with
/// [`Partial::merge`] and summarising with [`summarise_partial`] gives
/// the one-machine [`run`]'s summary bit for bit. When the part does not
/// start at sample 0, observers are first shown the run's first block
/// through [`Observe::prime`] (whatever it fixes for a whole run, such as
/// a pilot, must be the same in every part). A stop rule needs the whole
/// run and is refused.
#[allow(clippy::too_many_arguments)]
pub fn run_segments<M: Model>(
    model: &M,
    inputs: &InputSpace,
    layout: &OutputLayout,
    settings: &RunSettings,
    segments: Range<u64>,
    progress: &(dyn Fn(Progress) + Sync),
    observers: &mut [&mut dyn Observe],
    on_segment: &mut dyn FnMut(u64, Partial),
) -> Result<(), McError> {
    check(inputs, layout, settings)?;
    if settings.stop.is_some() {
        return Err(McError::Settings(
            "a run split into parts cannot stop early: leave out the stop rule".into(),
        ));
    }
    let count = segment_count(settings.samples);
    if segments.start > segments.end || segments.end > count {
        return Err(McError::Settings(format!(
            "segments {}..{} are not within the run's 0..{count}",
            segments.start, segments.end
        )));
    }
    drive(
        model,
        inputs,
        layout,
        settings,
        segments,
        progress,
        observers,
        &mut Hand(on_segment),
    );
    Ok(())
}

/// The run loop over `segments` of the run; returns whether a stop rule
/// ended it early. Settings must have been checked.
#[allow(clippy::too_many_arguments)]
fn drive<M: Model>(
    model: &M,
    inputs: &InputSpace,
    layout: &OutputLayout,
    settings: &RunSettings,
    segments: Range<u64>,
    progress: &(dyn Fn(Progress) + Sync),
    observers: &mut [&mut dyn Observe],
    sink: &mut dyn Sink,
) -> bool {
    let cells = layout.cells();
    let block = block_size(cells);
    let total = planned_samples(settings);
    let seg_len = segment_samples(total);
    let first = (segments.start * seg_len).min(total);
    let end = (segments.end * seg_len).min(total);
    let plan = Plan::new(
        settings.seed,
        settings.method,
        total,
        settings.stop.as_ref().map(|_| block),
    );
    let streams = SampleStreams::new(settings.seed);
    let template = inputs.template();

    let mut seg = Partial::new(layout);
    let mut twins = Twins::new(cells);
    // The stop rule reads these scalars' running moments after every
    // block, so they never follow a twin.
    let watched: Vec<usize> = settings
        .stop
        .as_ref()
        .map_or_else(Vec::new, |s| s.watch.clone());
    // Block layout: groups of TASK_SAMPLES samples (one drawing task each),
    // each group slot-major — the values of the cell in slot s for the
    // group's samples are contiguous at group·G + s·TASK_SAMPLES. Drawing
    // tasks still write disjoint contiguous chunks, while summarising reads
    // each cell in runs of 16 values (two cache lines) and a task's 64
    // cells as one 8 KB run per group, instead of one value per 64 KB row.
    // Every cell has a slot but the followers among twin cells, which read
    // their leader's (`Twins::slots`): the buffer holds only values that
    // differ somewhere.
    let groups = (block as usize).div_ceil(TASK_SAMPLES);
    let mut slots = Slots::identity(cells);
    let mut buf = vec![0.0f64; groups * slots.width() * TASK_SAMPLES];
    let spare = groups * SPARE_SLOTS * TASK_SAMPLES;
    // Set when cells have paired, so that the next block is laid out anew.
    let mut paired = false;
    // Each sample's inputs, grouped like `buf`, for the observers.
    let n_inputs = inputs.len();
    let input_group = n_inputs.max(1) * TASK_SAMPLES;
    let mut input_buf = vec![0.0f64; groups * input_group];

    let new_worker = || Worker {
        rng: streams.worker(),
        eps: vec![0.0; inputs.scratch_len()],
        inputs: template.clone(),
        records: vec![SampleRecord::new(layout); TASK_SAMPLES],
        scratch: model.new_scratch(),
    };
    // One worker and one column buffer per pool thread, kept for the whole
    // run. rayon's `for_each_init` would build them anew for every split of
    // every block (ten per block on two threads), each time allocating and
    // zeroing ~1 MB of records and columns and regrowing the model's
    // scratch. Which worker serves a task never changes a result (a
    // sample's inputs depend only on (seed, s)); a busy or missing slot
    // (never seen: task bodies do not re-enter rayon) gets a fresh one.
    let threads = rayon::current_num_threads();
    let workers: Vec<Mutex<Option<Worker<M::Scratch>>>> =
        (0..threads).map(|_| Mutex::new(None)).collect();
    let columns: Vec<Mutex<Columns>> = (0..threads).map(|_| Mutex::default()).collect();

    // A follower's own values for the stretches of the block drawn last in
    // which they differ from its leader's: (follower, group, run).
    let parted_runs: Mutex<Vec<(u32, usize, [f64; TASK_SAMPLES])>> = Mutex::default();
    let draw_block = |buf: &mut [f64],
                      input_buf: &mut [f64],
                      tw: &Twins,
                      slots: &Slots,
                      start: u64,
                      len: u64| {
        let len = len as usize;
        let tasks = len.div_ceil(TASK_SAMPLES);
        let group = slots.width() * TASK_SAMPLES;
        buf[..tasks * group]
            .par_chunks_mut(group)
            .zip(input_buf[..tasks * input_group].par_chunks_mut(input_group))
            .enumerate()
            .for_each(|(task, (region, input_region))| {
                with_slot(&workers, |slot| {
                    let w = slot.get_or_insert_with(new_worker);
                    let first = task * TASK_SAMPLES;
                    let n = TASK_SAMPLES.min(len - first);
                    for (k, record) in w.records[..n].iter_mut().enumerate() {
                        let s = start + (first + k) as u64;
                        inputs.draw(&plan, s, &mut w.rng, &mut w.eps, &mut w.inputs);
                        for (j, &x) in w.inputs.iter().enumerate() {
                            input_region[j * TASK_SAMPLES + k] = x;
                        }
                        record.clear();
                        model.evaluate(&w.inputs, &mut w.scratch, record);
                    }
                    let records = &w.records[..n];
                    // Transpose the group's records (hot in cache) 8 slots
                    // at a time: one line read per record, and each cell's
                    // run written whole. (A 16 × 8 tile copied out run by
                    // run measured slower: the compiler keeps it scalar.)
                    for (q, cells8) in slots.own.chunks(8).enumerate() {
                        for (k, record) in records.iter().enumerate() {
                            let values = record.values();
                            for (j, &c) in cells8.iter().enumerate() {
                                region[(q * 8 + j) * TASK_SAMPLES + k] = values[c as usize];
                            }
                        }
                    }
                    // While the group's records are in cache; a follower's
                    // run that differs is kept, since the buffer has no
                    // slot for it.
                    tw.check(|f, l| {
                        let of = |c: usize| records.iter().map(move |r| r.values()[c]);
                        let differ = differ_bitwise(of(f), of(l));
                        if differ {
                            let mut run = [f64::NAN; TASK_SAMPLES];
                            for (x, v) in run.iter_mut().zip(of(f)) {
                                *x = v;
                            }
                            let mut kept = parted_runs.lock().unwrap_or_else(|p| p.into_inner());
                            kept.push((f as u32, task, run));
                        }
                        differ
                    });
                });
            });
    };
    // Columns are padded by one cache line so the 64 columns being filled
    // do not all map to the same L1 set (a 4 KB stride would).
    let stride = block as usize + 8;
    // Followers among twin cells (see `crate::twins`) take no values: their
    // leader's statistics are copied to them when they part or a segment
    // ends.
    let summarise_block =
        |stats: &mut [CellStats], tw: &Twins, slots: &Slots, buf: &[f64], at: u64, len: u64| {
            let len = len as usize;
            let group = slots.width() * TASK_SAMPLES;
            stats
                .par_chunks_mut(TASK_CELLS)
                .enumerate()
                .for_each(|(task, chunk)| {
                    with_slot(&columns, |cols: &mut Columns| {
                        let c0 = task * TASK_CELLS;
                        let w = chunk.len();
                        cols.values.resize(w * stride, 0.0);
                        let mut defined = [0usize; TASK_CELLS];
                        let mut positive = [0u64; TASK_CELLS];
                        let of = &slots.of[c0..c0 + w];
                        // Gather each cell's defined values in sample order (NaN =
                        // undefined), counting positives in the same pass.
                        for g in 0..len.div_ceil(TASK_SAMPLES) {
                            let n = TASK_SAMPLES.min(len - g * TASK_SAMPLES);
                            let runs = &buf[g * group..][..group];
                            for (k, &slot) in of.iter().enumerate() {
                                if tw.follows(c0 + k) {
                                    continue;
                                }
                                let run = &runs[slot as usize * TASK_SAMPLES..][..n];
                                let column = &mut cols.values[k * stride..(k + 1) * stride];
                                let (m, p) = (defined[k], positive[k]);
                                (defined[k], positive[k]) = gather_run(run, column, m, p);
                            }
                        }
                        for (k, cell) in chunk.iter_mut().enumerate() {
                            if tw.follows(c0 + k) {
                                continue;
                            }
                            let column = &mut cols.values[k * stride..][..defined[k]];
                            cell.absorb(column, positive[k], &mut cols.sketch);
                            // Rare path: only the block in which a cell first
                            // turns non-finite is scanned again, for the sample.
                            if cell.first_non_finite.is_none()
                                && cell.moments.mean().is_some_and(|m| !m.is_finite())
                            {
                                let slot = of[k] as usize;
                                let cell_at = |i: usize| {
                                    buf[(i / TASK_SAMPLES) * group
                                        + slot * TASK_SAMPLES
                                        + i % TASK_SAMPLES]
                                };
                                let i = (0..len).find(|&i| cell_at(i).is_infinite()).unwrap_or(0);
                                cell.first_non_finite = Some(at + i as u64);
                            }
                        }
                    });
                });
        };

    if first > 0 && !observers.is_empty() {
        // The run's first block, for what observers fix from it.
        let len = block.min(total);
        draw_block(&mut buf, &mut input_buf, &twins, &slots, 0, len);
        let b = Block::new(0, len as usize, n_inputs, &slots, &input_buf, &buf);
        for o in observers.iter_mut() {
            o.prime(&b);
        }
    }
    let mut at = first;
    let mut stopped_early = false;
    while at < end {
        // Segments are a multiple of the block size, so a block never
        // straddles two.
        let len = block.min(end - at);
        // Cells paired after the last block give up their slots (not
        // before: the contests and observers still read that block).
        if std::mem::take(&mut paired) {
            slots = twins.slots();
            fit(&mut buf, groups * slots.width() * TASK_SAMPLES, spare);
        }
        // Draw, then summarise, each phase parallel on its own: one buffer
        // instead of two overlapping ones halves the memory for a given
        // block, and a bigger block is what makes summarising cheap.
        draw_block(&mut buf, &mut input_buf, &twins, &slots, at, len);
        if twins.any_parted() {
            twins.part(|f, l| seg.cells[f] = seg.cells[l].clone());
            let wanted = twins.slots();
            let runs = std::mem::take(&mut *parted_runs.lock().unwrap_or_else(|p| p.into_inner()));
            let drawn = (len as usize).div_ceil(TASK_SAMPLES);
            give_slots(&mut buf, &slots, &wanted, drawn, &runs);
            slots = wanted;
        }
        summarise_block(&mut seg.cells, &twins, &slots, &buf, at, len);
        if seg.samples == 0 {
            let cells = &seg.cells;
            let same = |a: usize, b: usize| cells[a].same_bits(&cells[b]);
            // At the run's very start every total is empty, hence equal.
            let whole_run = at == 0 && sink.keeps_total();
            twins.pair(|c| cells[c].fingerprint(), same, &watched, whole_run);
            paired = true;
            // A whole-run follower's statistics are its leader's, copied
            // when the pair parts or the run ends; until then they stay
            // empty, rather than hold this block's for the whole run.
            if whole_run {
                for f in twins.whole_run_followers() {
                    seg.cells[f] = CellStats::default();
                }
            }
        }
        seg.samples += len;
        let mut values = Vec::new();
        let group = slots.width() * TASK_SAMPLES;
        for (counter, contest) in seg.contests.iter_mut().zip(&layout.contests) {
            for i in 0..len as usize {
                let at = (i / TASK_SAMPLES) * group + i % TASK_SAMPLES;
                values.clear();
                values.extend(
                    contest
                        .members
                        .iter()
                        .map(|&m| buf[at + slots.of[m] as usize * TASK_SAMPLES]),
                );
                counter.record(&values);
            }
        }
        if !observers.is_empty() {
            let block = Block::new(at, len as usize, n_inputs, &slots, &input_buf, &buf);
            for o in observers.iter_mut() {
                o.observe(&block);
            }
        }
        at += len;
        progress(Progress {
            done: at - first,
            total: end - first,
        });
        if let Some(stop) = &settings.stop
            && at < end
            && sink.met(&seg, stop)
        {
            stopped_early = true;
        }
        if at.is_multiple_of(seg_len) || at == end || stopped_early {
            let index = (at - 1) / seg_len;
            twins.settle(|f, l| seg.cells[f] = seg.cells[l].clone());
            twins.copy_parted_totals(|f, l| sink.copy_total(f, l));
            sink.segment(index, std::mem::replace(&mut seg, Partial::new(layout)));
            for o in observers.iter_mut() {
                o.end_segment();
            }
        }
        if stopped_early {
            break;
        }
    }
    // The block buffers and the workers go first, so that the followers'
    // totals are copied into memory they free.
    drop((buf, input_buf, workers, columns));
    twins.copy_whole_run_totals(|f, l| sink.copy_total(f, l));
    stopped_early
}

/// Slots the block buffer keeps spare beyond its cells', so that the few
/// followers that part in a run (see [`give_slots`]) rarely make it grow:
/// growing a buffer of tens of MB may copy it, old and new held at once.
const SPARE_SLOTS: usize = 64;

/// Resizes the block buffer to `len` values, keeping `spare` more of
/// capacity: it grows into the spare room, and gives memory back when it
/// shrinks well below its capacity.
fn fit(buf: &mut Vec<f64>, len: usize, spare: usize) {
    if len > buf.capacity() {
        buf.reserve_exact(len + spare - buf.len());
    }
    buf.resize(len, 0.0);
    if buf.capacity() > len + 2 * spare {
        buf.shrink_to(len + spare);
    }
}

/// Moves the first `drawn` groups of a block from layout `old` to `new`,
/// in which followers that parted in this block have slots of their own:
/// each takes its own runs where they differed from its leader's
/// (`parted`: follower, group, run) and its leader's elsewhere, where the
/// two were equal bit for bit.
fn give_slots(
    buf: &mut Vec<f64>,
    old: &Slots,
    new: &Slots,
    drawn: usize,
    parted: &[(u32, usize, [f64; TASK_SAMPLES])],
) {
    const T: usize = TASK_SAMPLES;
    let (old_group, new_group) = (old.width() * T, new.width() * T);
    let groups = buf.len() / old_group;
    fit(buf, groups * new_group, groups * SPARE_SLOTS * T);
    // Parting only adds slots, so every run moves up or stays, and moving
    // from the last run down never overwrites one not yet moved.
    for g in (0..drawn).rev() {
        for (s, &c) in old.own.iter().enumerate().rev() {
            let from = g * old_group + s * T;
            buf.copy_within(
                from..from + T,
                g * new_group + new.of[c as usize] as usize * T,
            );
        }
    }
    for (s, &c) in new.own.iter().enumerate() {
        let leader = old.own[old.of[c as usize] as usize];
        if leader == c {
            continue;
        }
        let from = new.of[leader as usize] as usize * T;
        for g in 0..drawn {
            let at = g * new_group;
            buf.copy_within(at + from..at + from + T, at + s * T);
        }
    }
    for (f, g, run) in parted {
        let to = g * new_group + new.of[*f as usize] as usize * T;
        buf[to..to + T].copy_from_slice(run);
    }
}

/// Appends the defined (non-NaN) values of one group's run of a cell to
/// `column` at `m`, in sample order, and counts the positive ones; returns
/// the new (length, positive count).
///
/// Most runs are a whole group with no NaN (every cell except the few
/// scalars that can be undefined): those are checked and counted with
/// whole-run comparisons and copied as one block, which vectorises, instead
/// of one dependent compaction step per value.
#[inline]
fn gather_run(run: &[f64], column: &mut [f64], m: usize, p: u64) -> (usize, u64) {
    if let Ok(whole) = <&[f64; TASK_SAMPLES]>::try_from(run) {
        let any_nan = whole.iter().fold(false, |a, v| a | v.is_nan());
        if !any_nan {
            column[m..m + TASK_SAMPLES].copy_from_slice(whole);
            let pos = whole.iter().fold(0u64, |a, &v| a + u64::from(v > 0.0));
            return (m + TASK_SAMPLES, p + pos);
        }
    }
    let (mut m, mut p) = (m, p);
    for &v in run {
        column[m] = v;
        m += usize::from(!v.is_nan());
        p += u64::from(v > 0.0);
    }
    (m, p)
}

/// Runs `f` on the calling pool thread's slot of `slots`, or on a fresh
/// value if the slot is taken or the thread is not one of the pool's.
fn with_slot<T: Default>(slots: &[Mutex<T>], f: impl FnOnce(&mut T)) {
    let slot = rayon::current_thread_index().and_then(|i| slots.get(i));
    match slot.map(Mutex::try_lock) {
        Some(Ok(mut guard)) => f(&mut guard),
        // A poisoned slot only means an earlier task panicked (and the run
        // is failing anyway); its contents are still usable buffers.
        Some(Err(TryLockError::Poisoned(p))) => f(&mut p.into_inner()),
        _ => f(&mut T::default()),
    }
}

/// The summary of a run from its folded statistics (every segment merged
/// in order); `stopped_early` as the run reported it.
pub fn summarise_partial(layout: &OutputLayout, part: &Partial, stopped_early: bool) -> RunSummary {
    let (stats, contests, n) = (&part.cells, &part.contests, part.samples);
    let scalars = layout
        .scalars
        .iter()
        .zip(stats)
        .map(|(spec, c)| {
            // The population the statistics describe (ScalarSpec::given).
            let n = spec
                .given
                .and_then(|j| stats.get(j))
                .map_or(n, |g| g.positive);
            let pct = |phi: f64| match spec.missing {
                Missing::Skip => c.sketch.quantile(phi),
                Missing::BeyondRange => {
                    let r = target_rank(phi, n);
                    if r > c.defined {
                        None
                    } else {
                        c.sketch.rank_value(r)
                    }
                }
            };
            ScalarSummary {
                population: n,
                n_defined: c.defined,
                share_defined: if n == 0 {
                    0.0
                } else {
                    c.defined as f64 / n as f64
                },
                mean: c.moments.mean(),
                sd: c.moments.sd(),
                se: c.moments.se(),
                p5: pct(0.05),
                p25: pct(0.25),
                p50: pct(0.50),
                p75: pct(0.75),
                p95: pct(0.95),
                p_positive: if n == 0 {
                    0.0
                } else {
                    c.positive as f64 / n as f64
                },
                first_non_finite: c.first_non_finite,
            }
        })
        .collect();
    let mut at = layout.scalars.len();
    let series = layout
        .series
        .iter()
        .map(|s| {
            let bands = stats[at..at + s.len]
                .iter()
                .map(|c| Band {
                    mean: c.moments.mean().unwrap_or(f64::NAN),
                    p5: c.sketch.quantile(0.05).unwrap_or(f64::NAN),
                    p50: c.sketch.quantile(0.50).unwrap_or(f64::NAN),
                    p95: c.sketch.quantile(0.95).unwrap_or(f64::NAN),
                })
                .collect();
            at += s.len;
            bands
        })
        .collect();
    RunSummary {
        samples: n,
        stopped_early,
        scalars,
        series,
        contests: contests.iter().map(BestCounter::shares).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The straightforward compaction `gather_run` replaces for whole runs.
    fn gather_plain(run: &[f64], column: &mut Vec<f64>, p: &mut u64) {
        for &v in run {
            if !v.is_nan() {
                column.push(v);
            }
            *p += u64::from(v > 0.0);
        }
    }

    #[test]
    fn gather_run_matches_the_plain_compaction() {
        // Runs of every length up to a whole group, with and without NaN,
        // signed zeros and infinities, appended one after another.
        let pool = [1.5, -2.0, 0.0, -0.0, f64::NAN, f64::INFINITY, 3.25, -7.0];
        let mut column = vec![0.0; 40 * TASK_SAMPLES];
        let (mut m, mut p) = (0, 0);
        let (mut want, mut want_p) = (Vec::new(), 0);
        for case in 0..40usize {
            let len = if case % 3 == 0 {
                case % (TASK_SAMPLES + 1)
            } else {
                TASK_SAMPLES
            };
            let run: Vec<f64> = (0..len)
                .map(|i| {
                    let v = pool[(case * 7 + i * 3) % pool.len()];
                    // Most whole runs have no NaN, as in the product.
                    if v.is_nan() && case % 2 == 0 { 0.5 } else { v }
                })
                .collect();
            (m, p) = gather_run(&run, &mut column, m, p);
            gather_plain(&run, &mut want, &mut want_p);
        }
        assert_eq!(p, want_p);
        assert_eq!(m, want.len());
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&column[..m]), bits(&want));
    }
}
