//! Streaming estimators of which inputs matter and what knowing them is
//! worth, from the same samples as every other statistic: given-data
//! first-order variance shares and the expected value of partial perfect
//! information by conditional means over quantile bins of an input
//! (Plischke, Borgonovo & Smith 2013; Strong & Oakley 2013), Spearman rank
//! correlation with output ranks from bins fixed by a pilot, and the
//! expected value of perfect information from per-sample regret.
//!
//! Every accumulator takes samples one at a time in the order it is given
//! them and merges with another of the same shape by adding its sums, so a
//! caller that feeds samples in sample order and merges partial states in
//! block order gets the same bits on any thread count. Memory depends on
//! the numbers of bins, inputs and outputs, never on the sample count.
//! docs/analysis.md explains each estimate and its error.

use crate::Distribution;

/// Equiprobable bins: `edges` split the real line into `edges.len() + 1`
/// bins; a value equal to an edge belongs to the bin above it.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileBins {
    edges: Vec<f64>,
}

impl QuantileBins {
    /// `bins` equiprobable bins of a distribution: edges at its quantiles
    /// F⁻¹(b / bins), b = 1..bins. A discrete or atomic distribution gets
    /// repeated edges, so some bins stay empty; estimators skip them.
    pub fn of_distribution(d: &Distribution, bins: usize) -> QuantileBins {
        let bins = bins.max(1);
        let edges = (1..bins)
            .map(|b| d.inverse_cdf(b as f64 / bins as f64))
            .map(|e| if e.is_nan() { f64::INFINITY } else { e })
            .collect();
        QuantileBins { edges }
    }

    /// Bins with the given edges (ascending; NaN edges become +∞).
    pub(crate) fn from_edges(edges: Vec<f64>) -> QuantileBins {
        let edges = edges
            .into_iter()
            .map(|e| if e.is_nan() { f64::INFINITY } else { e })
            .collect();
        QuantileBins { edges }
    }

    /// Every `factor`-th bin boundary of these bins: `len / factor` bins
    /// (when `factor` divides `len`) with the same edges as the coarse
    /// bins of the same distribution would have.
    pub fn coarsen(&self, factor: usize) -> QuantileBins {
        let factor = factor.max(1);
        QuantileBins {
            edges: self
                .edges
                .iter()
                .enumerate()
                .filter(|(i, _)| (i + 1) % factor == 0)
                .map(|(_, &e)| e)
                .collect(),
        }
    }

    /// Up to `bins` bins with edges at the empirical quantiles of `values`
    /// (a pilot sample; NaN values are ignored). Repeated values give
    /// repeated edges. No values: one bin.
    pub fn from_sample(values: &[f64], bins: usize) -> QuantileBins {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            return QuantileBins { edges: Vec::new() };
        }
        let bins = bins.clamp(1, v.len());
        let edges = (1..bins).map(|b| v[b * v.len() / bins]).collect();
        QuantileBins { edges }
    }

    /// Number of bins.
    pub fn len(&self) -> usize {
        self.edges.len() + 1
    }

    /// Always false: there is at least one bin.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The bin of `x` (0-based).
    #[inline]
    pub fn bin(&self, x: f64) -> usize {
        self.edges.partition_point(|&e| e <= x)
    }

    /// The mid-rank of `x` as a share in (0, 1): the centre of the bins
    /// that hold `x`. For a value inside one bin b of B that is (b + ½)/B;
    /// for a value that repeated edges make an atom (a Discrete input's
    /// value) it is the middle of its run of bins, as Spearman's mid-ranks
    /// of ties want.
    #[inline]
    pub fn mid_rank(&self, x: f64) -> f64 {
        let below = self.edges.partition_point(|&e| e < x);
        let upto = self.edges.partition_point(|&e| e <= x);
        (below + upto + 1) as f64 / (2 * self.len()) as f64
    }
}

/// An estimate with its standard error, both in the estimate's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The estimate; `None` when the data cannot give one (no variance, too
    /// few samples).
    pub value: Option<f64>,
    /// Its standard error; `None` when it cannot be estimated.
    pub se: Option<f64>,
}

impl Estimate {
    const NONE: Estimate = Estimate {
        value: None,
        se: None,
    };
}

/// A value-of-information estimate: the plug-in estimate, a lower
/// estimate and a standard error (SEK when the alternatives are NPVs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VoiEstimate {
    /// The plug-in estimate Σ_b w_b max_m ȳ_bm − max_m ȳ_m. Noise in the
    /// bin means makes it biased upwards.
    pub value: f64,
    /// The cross-fitted estimate: each half of the samples chooses the
    /// best alternative per bin and the other half values the choice, which
    /// removes the upward bias and is biased downwards instead. The truth
    /// lies between the two, in expectation.
    pub lower: f64,
    /// Standard error of `value` from the spread of the estimate over
    /// interleaved subsets of the samples.
    pub se: Option<f64>,
}

/// Conditional moments of several outputs over the bins of one input,
/// kept separately for `groups` interleaved subsets of the samples (sample
/// s belongs to group s mod groups) so the standard errors and the
/// cross-fitted value of information can be estimated from one run.
///
/// Values are stored as deviations from a `shift` per output (for example
/// a pilot mean), which keeps sums of squares accurate when a mean is
/// large against the spread.
///
/// Sums of squares are kept per group and output, not per bin: the
/// first-order share needs them only summed over the bins (the total and
/// the pooled within-bin variance), and per bin they would double the
/// accumulator's memory (≈ 6.8 MB more per state for a Södertälje-sized
/// run) and its memory traffic per sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Binned {
    bins: usize,
    groups: usize,
    outputs: usize,
    shift: Vec<f64>,
    /// `[group][bin]` sample counts.
    n: Vec<u64>,
    /// `[group][bin][output]` Σ (y − shift).
    sum: Vec<f64>,
    /// `[group][output]` Σ (y − shift)² over all of the group's samples.
    sumsq: Vec<f64>,
}

impl Binned {
    /// An empty accumulator for `outputs` outputs (with their `shift`s)
    /// over `bins` bins, in `groups` interleaved subsets (≥ 2; an even
    /// number, so the cross-fit halves are balanced).
    pub fn new(bins: usize, groups: usize, shift: Vec<f64>) -> Binned {
        let outputs = shift.len();
        let groups = groups.max(2);
        Binned {
            bins,
            groups,
            outputs,
            shift,
            n: vec![0; groups * bins],
            sum: vec![0.0; groups * bins * outputs],
            sumsq: vec![0.0; groups * outputs],
        }
    }

    /// Adds sample number `sample` (its global index), which falls into
    /// `bin`, with its outputs `y` (one per output). A sample with an
    /// undefined output (NaN) is skipped whole.
    #[inline]
    pub fn add(&mut self, sample: u64, bin: usize, y: &[f64]) {
        if y.iter().any(|v| v.is_nan()) {
            return;
        }
        let g = (sample % self.groups as u64) as usize;
        let cell = g * self.bins + bin;
        self.n[cell] += 1;
        let at = cell * self.outputs;
        let group_at = g * self.outputs;
        for (((s, q), &v), &c) in self.sum[at..at + self.outputs]
            .iter_mut()
            .zip(&mut self.sumsq[group_at..group_at + self.outputs])
            .zip(y)
            .zip(&self.shift)
        {
            let d = v - c;
            *s += d;
            *q += d * d;
        }
    }

    /// Adds another accumulator's sums (the same shape) to this one.
    pub fn merge(&mut self, other: &Binned) {
        for (a, b) in self.n.iter_mut().zip(&other.n) {
            *a += b;
        }
        for (a, b) in self.sum.iter_mut().zip(&other.sum) {
            *a += b;
        }
        for (a, b) in self.sumsq.iter_mut().zip(&other.sumsq) {
            *a += b;
        }
    }

    /// Samples taken.
    pub fn count(&self) -> u64 {
        self.n.iter().sum()
    }

    /// (n, Σ) per bin of output `k` over the groups `gs`.
    fn pooled(&self, k: usize, gs: impl Iterator<Item = usize> + Clone) -> Vec<(f64, f64)> {
        (0..self.bins)
            .map(|b| {
                gs.clone().fold((0.0, 0.0), |(n, s), g| {
                    let cell = g * self.bins + b;
                    (
                        n + self.n[cell] as f64,
                        s + self.sum[cell * self.outputs + k],
                    )
                })
            })
            .collect()
    }

    /// Σ (y − shift)² of output `k` over the groups `gs`.
    fn pooled_squares(&self, k: usize, gs: impl Iterator<Item = usize>) -> f64 {
        gs.map(|g| self.sumsq[g * self.outputs + k]).sum()
    }

    /// The first-order variance share of output `k` over groups `gs`:
    /// Var(E[Y | bin]) / Var(Y), with the between-bin variance corrected
    /// for the noise of the bin means ((B − 1) · within-variance / N).
    fn first_order_over(&self, k: usize, gs: impl Iterator<Item = usize> + Clone) -> Option<f64> {
        let cells = self.pooled(k, gs.clone());
        let n: f64 = cells.iter().map(|c| c.0).sum();
        if n < 2.0 {
            return None;
        }
        let squares = self.pooled_squares(k, gs);
        let mean = cells.iter().map(|c| c.1).sum::<f64>() / n;
        let total = squares / n - mean * mean;
        if total <= 0.0 || !total.is_finite() {
            return None;
        }
        let mut between = 0.0;
        // Σ over bins of Σ (y − m_b)² = Σ (y − shift)² − Σ n_b · m_b².
        let mut within = squares;
        let mut occupied = 0.0;
        for &(nb, sb) in &cells {
            if nb > 0.0 {
                let mb = sb / nb;
                between += nb * (mb - mean) * (mb - mean);
                within -= nb * mb * mb;
                occupied += 1.0;
            }
        }
        between /= n;
        let within_var = (within / (n - occupied).max(1.0)).max(0.0);
        let corrected = between - (occupied - 1.0) * within_var / n;
        Some((corrected / total).clamp(0.0, 1.0))
    }

    /// The first-order variance share of output `k` (0–1) with its
    /// standard error over the interleaved groups.
    pub fn first_order(&self, k: usize) -> Estimate {
        let Some(value) = self.first_order_over(k, 0..self.groups) else {
            return Estimate::NONE;
        };
        let parts: Vec<f64> = (0..self.groups)
            .filter_map(|g| self.first_order_over(k, g..g + 1))
            .collect();
        Estimate {
            value: Some(value),
            se: spread_se(&parts),
        }
    }

    /// Per bin, the mean of each alternative (outputs `alts`) over groups
    /// `gs`, with the bin's weight n_b; and the overall means.
    fn bin_means(
        &self,
        alts: &[usize],
        gs: impl Iterator<Item = usize> + Clone,
    ) -> (Vec<(f64, Vec<f64>)>, Vec<f64>) {
        let pooled: Vec<Vec<(f64, f64)>> =
            alts.iter().map(|&k| self.pooled(k, gs.clone())).collect();
        let n: f64 = pooled.first().map_or(0.0, |p| p.iter().map(|c| c.0).sum());
        let overall = alts
            .iter()
            .zip(&pooled)
            .map(|(&k, p)| self.shift[k] + p.iter().map(|c| c.1).sum::<f64>() / n)
            .collect();
        let bins = (0..self.bins)
            .map(|b| {
                let nb = pooled.first().map_or(0.0, |p| p[b].0);
                let means = alts
                    .iter()
                    .zip(&pooled)
                    .map(|(&k, p)| {
                        if nb > 0.0 {
                            self.shift[k] + p[b].1 / nb
                        } else {
                            f64::NAN
                        }
                    })
                    .collect();
                (nb, means)
            })
            .collect();
        (bins, overall)
    }

    /// Plug-in EVPPI over groups `gs`.
    fn evppi_over(&self, alts: &[usize], gs: impl Iterator<Item = usize> + Clone) -> Option<f64> {
        let (bins, overall) = self.bin_means(alts, gs);
        let n: f64 = bins.iter().map(|b| b.0).sum();
        if n == 0.0 {
            return None;
        }
        let best_overall = max(&overall);
        let informed: f64 = bins
            .iter()
            .filter(|b| b.0 > 0.0)
            .map(|(nb, means)| nb / n * (max(means) - best_overall))
            .sum();
        Some(informed)
    }

    /// The expected value of partial perfect information about this input
    /// for the choice between the alternatives `alts` (outputs, e.g. each
    /// mix's NPV): E_X[max_m E(Y_m | X)] − max_m E(Y_m), by bin means.
    pub fn evppi(&self, alts: &[usize]) -> Option<VoiEstimate> {
        let value = self.evppi_over(alts, 0..self.groups)?;
        // Cross-fit: even groups choose, odd groups value, and back.
        let evens = (0..self.groups).step_by(2);
        let odds = (1..self.groups).step_by(2);
        let (a_bins, a_overall) = self.bin_means(alts, evens);
        let (b_bins, b_overall) = self.bin_means(alts, odds);
        let argmax = |v: &[f64]| {
            v.iter()
                .enumerate()
                .filter(|(_, x)| !x.is_nan())
                .fold(None::<(usize, f64)>, |acc, (i, &x)| match acc {
                    Some((_, b)) if b >= x => acc,
                    _ => Some((i, x)),
                })
                .map(|(i, _)| i)
        };
        let cross = |choose: &[(f64, Vec<f64>)],
                     choose_all: &[f64],
                     value_: &[(f64, Vec<f64>)],
                     value_all: &[f64]| {
            let n: f64 = value_.iter().map(|b| b.0).sum();
            let base = argmax(choose_all).map_or(0.0, |m| value_all[m]);
            let mut informed = 0.0;
            for ((_, cm), (nb, vm)) in choose.iter().zip(value_) {
                if *nb > 0.0 {
                    let pick = argmax(cm).or_else(|| argmax(choose_all));
                    if let Some(m) = pick {
                        informed += nb / n * vm[m];
                    }
                }
            }
            informed - base
        };
        let lower = 0.5
            * (cross(&a_bins, &a_overall, &b_bins, &b_overall)
                + cross(&b_bins, &b_overall, &a_bins, &a_overall));
        let parts: Vec<f64> = (0..self.groups)
            .filter_map(|g| self.evppi_over(alts, g..g + 1))
            .collect();
        Some(VoiEstimate {
            value,
            lower: lower.min(value),
            se: spread_se(&parts),
        })
    }
}

/// The largest of `v`, ignoring NaN (−∞ if none).
fn max(v: &[f64]) -> f64 {
    v.iter()
        .copied()
        .filter(|x| !x.is_nan())
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Standard error of an estimate made on all samples, from the same
/// estimate made on G interleaved subsets of them: sd of the parts / √G.
fn spread_se(parts: &[f64]) -> Option<f64> {
    let g = parts.len();
    if g < 2 {
        return None;
    }
    let mean = parts.iter().sum::<f64>() / g as f64;
    let var = parts.iter().map(|p| (p - mean) * (p - mean)).sum::<f64>() / (g - 1) as f64;
    Some((var / g as f64).sqrt())
}

/// Spearman rank correlations between several inputs and one output.
///
/// An input's rank is known from its distribution, u = F(x) (here the
/// centre of its bin among many equiprobable ones); the output's rank comes
/// from bins fixed in advance by a pilot sample, turned into mid-ranks from
/// the final counts. Ties within an output bin attenuate the correlation by
/// a factor of about √(1 − 1/B²) for B equally filled bins.
#[derive(Debug, Clone, PartialEq)]
pub struct RankCorrelation {
    out_bins: QuantileBins,
    inputs: usize,
    /// Samples per output bin.
    count: Vec<u64>,
    /// `[output bin][input]` Σ u.
    sum_u: Vec<f64>,
    /// Per input: Σ u, Σ u².
    u_moments: Vec<(f64, f64)>,
}

impl RankCorrelation {
    /// An empty accumulator for `inputs` inputs and an output binned by
    /// `out_bins`.
    pub fn new(out_bins: QuantileBins, inputs: usize) -> RankCorrelation {
        let b = out_bins.len();
        RankCorrelation {
            out_bins,
            inputs,
            count: vec![0; b],
            sum_u: vec![0.0; b * inputs],
            u_moments: vec![(0.0, 0.0); inputs],
        }
    }

    /// Adds one sample: the output `y` (NaN: skipped) and each input's rank
    /// u in (0, 1).
    #[inline]
    pub fn add(&mut self, y: f64, u: &[f64]) {
        if y.is_nan() {
            return;
        }
        let b = self.out_bins.bin(y);
        self.count[b] += 1;
        let row = &mut self.sum_u[b * self.inputs..(b + 1) * self.inputs];
        for ((s, m), &x) in row.iter_mut().zip(&mut self.u_moments).zip(u) {
            *s += x;
            m.0 += x;
            m.1 += x * x;
        }
    }

    /// Adds another accumulator's sums (the same shape and bins).
    pub fn merge(&mut self, other: &RankCorrelation) {
        for (a, b) in self.count.iter_mut().zip(&other.count) {
            *a += b;
        }
        for (a, b) in self.sum_u.iter_mut().zip(&other.sum_u) {
            *a += b;
        }
        for (a, b) in self.u_moments.iter_mut().zip(&other.u_moments) {
            a.0 += b.0;
            a.1 += b.1;
        }
    }

    /// The rank correlation of input `j` with the output (−1..1), with the
    /// usual large-sample standard error √((1 + ρ²/2) / (N − 3)) (Bonett &
    /// Wright 2000).
    pub fn spearman(&self, j: usize) -> Estimate {
        let n: u64 = self.count.iter().sum();
        if n < 4 {
            return Estimate::NONE;
        }
        let nf = n as f64;
        let (su, suu) = self.u_moments[j];
        let mean_u = su / nf;
        let var_u = suu / nf - mean_u * mean_u;
        // Mid-ranks of the output bins, scaled to (0, 1).
        let mut before = 0.0;
        let (mut sr, mut srr, mut sur) = (0.0, 0.0, 0.0);
        for (b, &c) in self.count.iter().enumerate() {
            let c = c as f64;
            let r = (before + (c + 1.0) / 2.0) / nf;
            before += c;
            sr += c * r;
            srr += c * r * r;
            sur += r * self.sum_u[b * self.inputs + j];
        }
        let mean_r = sr / nf;
        let var_r = srr / nf - mean_r * mean_r;
        if var_u <= 0.0 || var_r <= 0.0 {
            return Estimate::NONE;
        }
        let rho = ((sur / nf - mean_u * mean_r) / (var_u * var_r).sqrt()).clamp(-1.0, 1.0);
        Estimate {
            value: Some(rho),
            se: Some(((1.0 + rho * rho / 2.0) / (nf - 3.0)).sqrt()),
        }
    }
}

/// The expected value of perfect information for a choice between
/// alternatives, from each sample's regret: `EVPI = E(max_m Y_m) − max_m
/// E(Y_m) = E(max_m Y_m − Y_m*)` with `m*` the alternative of highest mean.
#[derive(Debug, Clone, PartialEq)]
pub struct Regret {
    /// Per alternative m: Welford moments of max − Y_m.
    regret: Vec<super::welford::Welford>,
}

impl Regret {
    /// An empty accumulator for `alternatives` alternatives.
    pub fn new(alternatives: usize) -> Regret {
        Regret {
            regret: vec![super::welford::Welford::new(); alternatives],
        }
    }

    /// Adds one sample's values of the alternatives (a sample with an
    /// undefined value is skipped).
    #[inline]
    pub fn add(&mut self, y: &[f64]) {
        if y.iter().any(|v| v.is_nan()) {
            return;
        }
        let best = max(y);
        for (w, &v) in self.regret.iter_mut().zip(y) {
            w.push(best - v);
        }
    }

    /// Adds another accumulator (merging Welford moments in this order).
    pub fn merge(&mut self, other: &Regret) {
        for (a, b) in self.regret.iter_mut().zip(&other.regret) {
            a.merge(b);
        }
    }

    /// The alternative of highest mean: the one of least mean regret
    /// (E(max − Y_m) = E(max) − E(Y_m)); the first of equals. `None`
    /// before any sample.
    pub fn best(&self) -> Option<usize> {
        self.regret
            .iter()
            .enumerate()
            .filter_map(|(m, w)| w.mean().map(|r| (m, r)))
            .fold(None::<(usize, f64)>, |acc, (m, r)| match acc {
                Some((_, b)) if b <= r => acc,
                _ => Some((m, r)),
            })
            .map(|(m, _)| m)
    }

    /// EVPI and its standard error, given the alternative of highest mean
    /// (the caller knows the means from its other statistics): the mean
    /// regret of that alternative.
    pub fn evpi(&self, best: usize) -> Estimate {
        let w = &self.regret[best];
        Estimate {
            value: w.mean(),
            se: w.se(),
        }
    }
}

mod codec_impls {
    //! Bytes for the accumulators, so states of runs split over machines
    //! can be merged (docs/distributed.md).
    use super::{Binned, QuantileBins, RankCorrelation, Regret};
    use crate::codec::{Codec, CodecError, Decoder, Encoder};
    use crate::stats::welford::Welford;

    impl Codec for QuantileBins {
        fn encode(&self, e: &mut Encoder) {
            e.f64s(&self.edges);
        }
        fn decode(d: &mut Decoder<'_>) -> Result<Self, CodecError> {
            Ok(QuantileBins { edges: d.f64s()? })
        }
    }

    impl Codec for Binned {
        fn encode(&self, e: &mut Encoder) {
            e.len_of(self.bins);
            e.len_of(self.groups);
            e.f64s(&self.shift);
            e.u64s(&self.n);
            e.f64s(&self.sum);
            e.f64s(&self.sumsq);
        }
        fn decode(d: &mut Decoder<'_>) -> Result<Self, CodecError> {
            let bins = d.len_of(0)?;
            let groups = d.len_of(0)?;
            let shift = d.f64s()?;
            let outputs = shift.len();
            let n = d.u64s()?;
            let sum = d.f64s()?;
            let sumsq = d.f64s()?;
            let cells = bins.checked_mul(groups);
            if cells != Some(n.len())
                || cells.and_then(|c| c.checked_mul(outputs)) != Some(sum.len())
                || groups.checked_mul(outputs) != Some(sumsq.len())
            {
                return Err(d.invalid("binned sums of inconsistent shape"));
            }
            Ok(Binned {
                bins,
                groups,
                outputs,
                shift,
                n,
                sum,
                sumsq,
            })
        }
    }

    impl Codec for RankCorrelation {
        fn encode(&self, e: &mut Encoder) {
            self.out_bins.encode(e);
            e.len_of(self.inputs);
            e.u64s(&self.count);
            e.f64s(&self.sum_u);
            let flat: Vec<f64> = self.u_moments.iter().flat_map(|&(a, b)| [a, b]).collect();
            e.f64s(&flat);
        }
        fn decode(d: &mut Decoder<'_>) -> Result<Self, CodecError> {
            let out_bins = QuantileBins::decode(d)?;
            let inputs = d.len_of(0)?;
            let count = d.u64s()?;
            let sum_u = d.f64s()?;
            let flat = d.f64s()?;
            if count.len() != out_bins.len()
                || count.len().checked_mul(inputs) != Some(sum_u.len())
                || flat.len() != 2 * inputs
            {
                return Err(d.invalid("rank sums of inconsistent shape"));
            }
            Ok(RankCorrelation {
                out_bins,
                inputs,
                count,
                sum_u,
                u_moments: flat.chunks_exact(2).map(|p| (p[0], p[1])).collect(),
            })
        }
    }

    impl Codec for Regret {
        fn encode(&self, e: &mut Encoder) {
            e.len_of(self.regret.len());
            for w in &self.regret {
                w.encode(e);
            }
        }
        fn decode(d: &mut Decoder<'_>) -> Result<Self, CodecError> {
            let n = d.len_of(24)?;
            let regret = (0..n)
                .map(|_| Welford::decode(d))
                .collect::<Result<_, _>>()?;
            Ok(Regret { regret })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;
    use rand_distr::{Distribution as _, StandardNormal};

    fn normals(n: usize, seed: u64) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n).map(|_| StandardNormal.sample(&mut rng)).collect()
    }

    fn phi(x: f64) -> f64 {
        (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
    }

    fn cdf(x: f64) -> f64 {
        0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2))
    }

    // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7: enough for the oracle.
    fn erf(x: f64) -> f64 {
        let t = 1.0 / (1.0 + 0.3275911 * x.abs());
        let y = 1.0
            - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                + 0.254829592)
                * t
                * (-x * x).exp();
        if x >= 0.0 { y } else { -y }
    }

    #[test]
    fn bins_of_a_distribution_are_equiprobable() {
        let d = Distribution::Normal { mean: 0.0, sd: 1.0 };
        let b = QuantileBins::of_distribution(&d, 4);
        assert_eq!(b.len(), 4);
        assert_eq!(b.bin(-5.0), 0);
        assert_eq!(b.bin(0.0), 2); // an edge belongs to the bin above
        assert_eq!(b.bin(0.5), 2);
        assert_eq!(b.bin(5.0), 3);
        let p = QuantileBins::from_sample(&[3.0, 1.0, 2.0, f64::NAN, 4.0], 2);
        assert_eq!(p.len(), 2);
        assert_eq!((p.bin(2.9), p.bin(3.0)), (0, 1));
    }

    #[test]
    fn mid_ranks_centre_bins_and_atoms() {
        let b = QuantileBins::of_distribution(&Distribution::Uniform { lo: 0.0, hi: 1.0 }, 4);
        assert!((b.mid_rank(0.1) - 0.125).abs() < 1e-12);
        assert!((b.mid_rank(0.9) - 0.875).abs() < 1e-12);
        // 30 % at 1, 70 % at 2: mid-ranks 0.15 and 0.65.
        let d = Distribution::Discrete(vec![(1.0, 3.0), (2.0, 7.0)]);
        let b = QuantileBins::of_distribution(&d, 1000);
        assert!((b.mid_rank(1.0) - 0.15).abs() < 2e-3, "{}", b.mid_rank(1.0));
        assert!((b.mid_rank(2.0) - 0.65).abs() < 2e-3, "{}", b.mid_rank(2.0));
    }

    #[test]
    fn regret_knows_the_best_alternative_and_counters_merge() {
        let mut r = Regret::new(3);
        for y in [[1.0, 2.0, 0.0], [3.0, 1.0, 0.0], [2.0, 2.5, 0.0]] {
            r.add(&y);
        }
        // Means 2, 1.83, 0: alternative 0 is best; EVPI = E(max) − 2.
        assert_eq!(r.best(), Some(0));
        let e = r.evpi(0).value.unwrap();
        assert!((e - ((2.0 + 3.0 + 2.5) / 3.0 - 2.0)).abs() < 1e-12);
        let mut a = crate::stats::best::BestCounter::new(2);
        let mut b = a.clone();
        a.record(&[1.0, 0.0]);
        b.record(&[0.0, 0.0]);
        a.merge(&b);
        assert_eq!(a.samples(), 2);
        assert_eq!(a.shares(), vec![0.75, 0.25]);
    }

    /// Y = a·X1 + b·X2 with independent standard normals: the first-order
    /// shares are a²/(a²+b²) and b²/(a²+b²).
    #[test]
    fn first_order_shares_of_a_linear_model() {
        let n = 100_000;
        let (x1, x2) = (normals(n, 1), normals(n, 2));
        let d = Distribution::Normal { mean: 0.0, sd: 1.0 };
        let bins = QuantileBins::of_distribution(&d, 32);
        let mut acc = [
            Binned::new(32, 10, vec![0.0]),
            Binned::new(32, 10, vec![0.0]),
        ];
        for s in 0..n {
            let y = 2.0 * x1[s] + x2[s];
            acc[0].add(s as u64, bins.bin(x1[s]), &[y]);
            acc[1].add(s as u64, bins.bin(x2[s]), &[y]);
        }
        let s1 = acc[0].first_order(0);
        let s2 = acc[1].first_order(0);
        let v1 = s1.value.expect("defined");
        let v2 = s2.value.expect("defined");
        assert!((v1 - 0.8).abs() < 0.02, "{v1}");
        assert!((v2 - 0.2).abs() < 0.02, "{v2}");
        assert!(s1.se.expect("se") < 0.02);
    }

    /// The streamed sums give the estimator's formula as computed directly
    /// from the data in two passes (bin means first): few samples and a
    /// mean far from the shift, so the noise correction is large and a
    /// within-bin sum taken about the wrong centre would show.
    #[test]
    fn first_order_matches_the_formula_computed_in_two_passes() {
        let (bins, n) = (4usize, 64usize);
        let noise = normals(n, 11);
        let data: Vec<(usize, f64)> = (0..n)
            .map(|s| {
                let bin = (s * 7) % bins;
                (bin, 5.0 + 0.4 * bin as f64 + 0.3 * noise[s])
            })
            .collect();
        let mut b = Binned::new(bins, 2, vec![0.3]);
        for (s, &(bin, y)) in data.iter().enumerate() {
            b.add(s as u64, bin, &[y]);
        }
        let nf = n as f64;
        let mean = data.iter().map(|d| d.1).sum::<f64>() / nf;
        let total = data.iter().map(|d| (d.1 - mean).powi(2)).sum::<f64>() / nf;
        let (mut between, mut within) = (0.0, 0.0);
        for k in 0..bins {
            let ys: Vec<f64> = data.iter().filter(|d| d.0 == k).map(|d| d.1).collect();
            let m = ys.iter().sum::<f64>() / ys.len() as f64;
            between += ys.len() as f64 * (m - mean).powi(2) / nf;
            within += ys.iter().map(|y| (y - m).powi(2)).sum::<f64>();
        }
        let within_var = within / (nf - bins as f64);
        let want = (between - (bins as f64 - 1.0) * within_var / nf) / total;
        let got = b.first_order(0).value.expect("an estimate");
        assert!(want > 0.3 && want < 1.0, "{want}");
        assert!((got - want).abs() < 1e-9, "{got} against {want}");
    }

    #[test]
    fn merging_equals_adding_in_one_go_for_integers() {
        let mut a = Binned::new(4, 2, vec![0.0, 0.0]);
        let mut b = a.clone();
        let mut whole = a.clone();
        for s in 0..100u64 {
            let y = [s as f64, (s % 7) as f64];
            whole.add(s, (s % 4) as usize, &y);
            if s < 50 {
                a.add(s, (s % 4) as usize, &y);
            } else {
                b.add(s, (s % 4) as usize, &y);
            }
        }
        a.merge(&b);
        assert_eq!(a, whole);
    }

    /// Two alternatives with Y1 − Y2 = D ~ N(δ, s): EVPI = s·φ(δ/s) − δ·Φ(−δ/s)
    /// when alternative 1 is best (δ > 0).
    #[test]
    fn evpi_of_two_normal_alternatives() {
        let n = 200_000;
        let z = normals(n, 3);
        let (delta, s) = (0.3, 1.0);
        let mut r = Regret::new(2);
        for v in &z {
            r.add(&[delta + s * v, 0.0]);
        }
        let e = r.evpi(0);
        let want = s * phi(delta / s) - delta * cdf(-delta / s);
        let got = e.value.expect("defined");
        assert!(
            (got - want).abs() < 3.0 * e.se.expect("se"),
            "{got} vs {want}"
        );
    }

    /// EVPPI of the input that decides everything is EVPI; of an
    /// irrelevant input, near 0 (and the cross-fitted estimate brackets it).
    #[test]
    fn evppi_of_deciding_and_irrelevant_inputs() {
        let n = 100_000;
        let (x, noise) = (normals(n, 4), normals(n, 5));
        let d = Distribution::Normal { mean: 0.0, sd: 1.0 };
        let bins = QuantileBins::of_distribution(&d, 32);
        let mut deciding = Binned::new(32, 10, vec![0.0, 0.0]);
        let mut irrelevant = deciding.clone();
        let mut regret = Regret::new(2);
        for s in 0..n {
            let y = [0.2 + x[s], 0.0];
            deciding.add(s as u64, bins.bin(x[s]), &y);
            irrelevant.add(s as u64, bins.bin(noise[s]), &y);
            regret.add(&y);
        }
        let evpi = regret.evpi(0).value.expect("evpi");
        let full = deciding.evppi(&[0, 1]).expect("evppi");
        assert!((full.value - evpi).abs() < 0.02, "{} vs {evpi}", full.value);
        assert!(full.lower <= full.value);
        let none = irrelevant.evppi(&[0, 1]).expect("evppi");
        assert!(none.value < 0.02 && none.lower < 0.01, "{none:?}");
    }

    #[test]
    fn spearman_of_a_monotone_and_an_independent_input() {
        let n = 50_000;
        let (x, w) = (normals(n, 6), normals(n, 7));
        let y: Vec<f64> = x.iter().map(|v| v.exp()).collect();
        let d = Distribution::Normal { mean: 0.0, sd: 1.0 };
        let in_bins = QuantileBins::of_distribution(&d, 1024);
        let u = |v: f64| (in_bins.bin(v) as f64 + 0.5) / in_bins.len() as f64;
        let mut rc = RankCorrelation::new(QuantileBins::from_sample(&y[..1024], 256), 2);
        for s in 0..n {
            rc.add(y[s], &[u(x[s]), u(w[s])]);
        }
        let monotone = rc.spearman(0).value.expect("rho");
        let independent = rc.spearman(1);
        assert!(monotone > 0.995, "{monotone}");
        let v = independent.value.expect("rho");
        assert!(v.abs() < 3.0 * independent.se.expect("se"), "{v}");
    }
}
