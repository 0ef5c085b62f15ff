//! What a model produces per sample and how the engine should summarise it
//! (model.md §6–7): scalar outputs, by-year series, and contests for P(best).

/// How an undefined scalar (the model sets `None`) enters the statistics
/// (model.md §7, "Summaries").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// Ignored in every statistic (e.g. a benefit–cost ratio with nothing
    /// invested); percentiles are over the defined values.
    Skip,
    /// Counts as +∞ for percentiles, so a percentile that lands there is
    /// None (e.g. a payback year that never comes); mean and sd are over the
    /// defined values, and the share of defined values is reported.
    BeyondRange,
}

/// One scalar output per sample (e.g. total NPV of a mix, in SEK).
#[derive(Debug, Clone, PartialEq)]
pub struct ScalarSpec {
    /// Name, for messages and the runner's output.
    pub name: String,
    /// How undefined values are treated.
    pub missing: Missing,
    /// The samples the statistics describe: all of them when `None`; with
    /// `Some(j)`, only those in which scalar `j` is > 0 (e.g. an actor's
    /// payback year over the samples in which that actor invests, model.md
    /// §6). The share of defined values, P(> 0) and the percentile ranks are
    /// then relative to that count; scalar `j` must be defined wherever this
    /// one is.
    pub given: Option<usize>,
}

impl ScalarSpec {
    /// A scalar summarised over every sample.
    pub fn new(name: impl Into<String>, missing: Missing) -> Self {
        Self {
            name: name.into(),
            missing,
            given: None,
        }
    }
}

/// A by-year output (e.g. cumulative net PV for t = 1..H); summarised as one
/// [`crate::Band`] per year.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesSpec {
    /// Name, for messages and the runner's output.
    pub name: String,
    /// Number of years (cells).
    pub len: usize,
}

/// A P(best) contest: the share of samples in which each member scalar is
/// the highest, ties split evenly (model.md §7). An undefined member cannot
/// win.
#[derive(Debug, Clone, PartialEq)]
pub struct Contest {
    /// Name, for messages and the runner's output.
    pub name: String,
    /// Indices into [`OutputLayout::scalars`].
    pub members: Vec<usize>,
}

/// Everything a model outputs per sample.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OutputLayout {
    /// Scalar outputs, by index.
    pub scalars: Vec<ScalarSpec>,
    /// Series outputs, by index.
    pub series: Vec<SeriesSpec>,
    /// P(best) contests over scalar outputs.
    pub contests: Vec<Contest>,
}

impl OutputLayout {
    /// Number of values per sample: scalars plus all series cells.
    pub fn cells(&self) -> usize {
        self.scalars.len() + self.series.iter().map(|s| s.len).sum::<usize>()
    }
}

/// One sample's outputs, written by [`Model::evaluate`]. The engine reuses
/// one record per worker, so a sample costs no allocation; before every
/// sample all scalars are reset to undefined and all series cells to 0.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleRecord {
    /// Scalars first (NaN = undefined), then each series in layout order.
    values: Vec<f64>,
    scalars: usize,
    /// Start of each series in `values`, plus the end.
    offsets: Vec<usize>,
}

impl SampleRecord {
    /// A record shaped for `layout`.
    pub fn new(layout: &OutputLayout) -> Self {
        let scalars = layout.scalars.len();
        let mut offsets = Vec::with_capacity(layout.series.len() + 1);
        let mut at = scalars;
        offsets.push(at);
        for s in &layout.series {
            at += s.len;
            offsets.push(at);
        }
        let mut r = Self {
            values: vec![0.0; at],
            scalars,
            offsets,
        };
        r.clear();
        r
    }

    /// Reset: scalars undefined, series cells 0.
    pub fn clear(&mut self) {
        let (s, rest) = self.values.split_at_mut(self.scalars);
        s.fill(f64::NAN);
        rest.fill(0.0);
    }

    /// Set scalar `i`; `None` (or a NaN value) means undefined in this sample.
    #[inline]
    pub fn set_scalar(&mut self, i: usize, value: Option<f64>) {
        self.values[i] = value.unwrap_or(f64::NAN);
    }

    /// Scalar `i` as set in this sample.
    pub fn scalar(&self, i: usize) -> Option<f64> {
        let v = self.values[i];
        (!v.is_nan()).then_some(v)
    }

    /// Mutable cells of series `j` (one per year). A NaN cell is skipped by
    /// the statistics.
    #[inline]
    pub fn series_mut(&mut self, j: usize) -> &mut [f64] {
        &mut self.values[self.offsets[j]..self.offsets[j + 1]]
    }

    /// Cells of series `j`.
    pub fn series(&self, j: usize) -> &[f64] {
        &self.values[self.offsets[j]..self.offsets[j + 1]]
    }

    /// All values in engine order (scalars, then series).
    pub(crate) fn values(&self) -> &[f64] {
        &self.values
    }
}

/// A model the engine evaluates once per sample (model.md §6–7).
///
/// Common random numbers: `evaluate` receives one draw of all inputs and
/// must compute every alternative (mix) from that same draw.
pub trait Model: Sync {
    /// Per-worker working memory, created once per worker and reused.
    type Scratch: Send;

    /// Fresh scratch space for one worker.
    fn new_scratch(&self) -> Self::Scratch;

    /// Compute one sample's outputs from `inputs` (in [`crate::InputSpace`]
    /// order). Must be a pure function of `inputs` (and the scratch only as
    /// a cache), or results stop being reproducible.
    fn evaluate(&self, inputs: &[f64], scratch: &mut Self::Scratch, out: &mut SampleRecord);
}
