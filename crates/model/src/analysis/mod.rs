//! Which inputs matter and what knowing more is worth, from every run
//! (docs/analysis.md): global sensitivity (Spearman rank correlations and
//! first-order variance shares), the value of information for the choice
//! between mixes (EVPI, per-input EVPPI) in total and from each actor's
//! point of view, and acceptability over a grid of discount rates.
//!
//! Everything is accumulated by one observer of the Monte Carlo engine
//! ([`AnalysisObserver`]) from the samples the run draws anyway, streaming, in
//! memory flat in the sample count, and folded in sample order, so the
//! results are bit-identical on any thread count.

mod acceptability;
mod observer;
mod taken;
mod targets;
#[cfg(test)]
mod tests;

pub use observer::{AnalysisObserver, AnalysisState};
pub use palett_montecarlo::stats::sensitivity::{Estimate, VoiEstimate};

/// Bins per input for the first-order shares and EVPPI (conditional means
/// over equiprobable bins of the input's distribution).
pub const INPUT_BINS: usize = 32;

/// Interleaved sample groups (sample s in group s mod G) for standard
/// errors and the cross-fitted lower EVPPI.
pub const GROUPS: usize = 10;

/// Bins per input for its rank u = F(x) in the rank correlations; a
/// multiple of [`INPUT_BINS`], whose edges are every (RANK_BINS /
/// INPUT_BINS)-th of these.
pub const RANK_BINS: usize = 256;

/// Output bins of the rank correlations, cut at the quantiles of a pilot:
/// the run's first block of samples.
pub const OUTPUT_RANK_BINS: usize = 64;

/// The discount rates of the acceptability curves (share per year): 0 to
/// 8 % in steps of 1 %.
pub const RATES: [f64; 9] = [0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08];

/// What a sensitivity target measures for one mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// The mix's NPV for one key of [`Analysis::keys`] (an actor, or the
    /// total last), SEK.
    Npv(usize),
    /// The mix's total NPV minus the highest total NPV of the other mixes
    /// (doing nothing included) in the same sample, SEK: how far it is
    /// ahead of (or behind) its runner-up.
    VsRunnerUp,
}

/// One input's effect on one target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InputEffect {
    /// Spearman rank correlation (−1..1) with its standard error.
    pub spearman: Estimate,
    /// First-order variance share (0–1): Var(E[Y | X]) / Var(Y), with its
    /// standard error.
    pub first_order: Estimate,
}

/// The sensitivity of one target of one mix to every analysed input.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSensitivity {
    /// Index among [`Analysis::mixes`] (never do-nothing, whose NPVs are 0).
    pub mix: usize,
    /// What is measured.
    pub kind: TargetKind,
    /// Per input of [`Analysis::inputs`].
    pub inputs: Vec<InputEffect>,
}

/// The value of information for one decision maker: the total (society)
/// or one actor choosing the mix that maximises its own NPV.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewVoi {
    /// Index among [`Analysis::keys`].
    pub key: usize,
    /// The mix of highest expected NPV from this point of view.
    pub best_mix: usize,
    /// Expected value of perfect information, SEK, with its standard error.
    pub evpi: Estimate,
    /// Per input of [`Analysis::inputs`]: the expected value of partial
    /// perfect information, SEK (`None` when the run cannot estimate it).
    pub evppi: Vec<Option<VoiEstimate>>,
}

/// P(best) and P(NPV > 0) of every mix over a grid of discount rates.
#[derive(Debug, Clone, PartialEq)]
pub struct Acceptability {
    /// The rates (share per year).
    pub rates: Vec<f64>,
    /// `[rate][key][mix]`: the share of samples in which the mix has the
    /// highest NPV for that key (ties split evenly).
    pub p_best: Vec<Vec<Vec<f64>>>,
    /// `[rate][key][mix]`: the share of samples in which the mix's NPV for
    /// that key is > 0.
    pub p_positive: Vec<Vec<Vec<f64>>>,
}

/// Everything the analysis of one run found.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Samples analysed (all of the run's).
    pub samples: u64,
    /// The analysed inputs: every uncertain input that is neither fixed nor
    /// held, by its `palett params` path.
    pub inputs: Vec<String>,
    /// Every mix, do-nothing first.
    pub mixes: Vec<String>,
    /// The keys: every actor, then `total`.
    pub keys: Vec<String>,
    /// Per mix (not do-nothing) and target: every key's NPV, then
    /// [`TargetKind::VsRunnerUp`].
    pub sensitivity: Vec<TargetSensitivity>,
    /// Per key (actors, then total).
    pub voi: Vec<ViewVoi>,
    /// Acceptability over the discount rate.
    pub acceptability: Acceptability,
}

impl Analysis {
    /// The value of information from the total's point of view.
    pub fn total_voi(&self) -> Option<&ViewVoi> {
        self.voi.last()
    }
}
