//! The analysis as an observer of the Monte Carlo engine: one state holds
//! every accumulator; each block is taken sample by sample in sample order
//! (parallel only across accumulators, never across the samples of one),
//! and states of consecutive segments merge in order.
//!
//! The output bins of the rank correlations and the shifts of the
//! conditional sums come from a pilot: the run's first block, which every
//! run sees first (its values depend only on the seed and settings, so the
//! pilot is as reproducible as the rest). A state builds its accumulators
//! when it sees its first block, once the pilot is known.

use std::borrow::Cow;
use std::sync::OnceLock;

use palett_montecarlo::codec::{Codec, CodecError, Decoder, Encoder};
use palett_montecarlo::stats::sensitivity::{Binned, QuantileBins, RankCorrelation, Regret};
use palett_montecarlo::{Block, InputSpace, Observer};
use rayon::prelude::*;

use super::acceptability::{self, Counts};
use super::taken::Taken;
use super::targets::Targets;
use super::{
    Analysis, Estimate, INPUT_BINS, InputEffect, OUTPUT_RANK_BINS, RANK_BINS, RATES, TargetKind,
    TargetSensitivity, ViewVoi,
};
use crate::layout::Plan;

/// Watches a run of one scenario and accumulates its [`Analysis`].
pub struct AnalysisObserver {
    targets: Targets,
    /// Input-vector index of each analysed input.
    inputs: Vec<usize>,
    names: Vec<String>,
    mixes: Vec<String>,
    keys: Vec<String>,
    coarse: Vec<QuantileBins>,
    fine: Vec<QuantileBins>,
    pilot: OnceLock<Pilot>,
    factors: Vec<Vec<f64>>,
}

/// What the run's first block fixes for every later one.
#[derive(Debug, Clone)]
struct Pilot {
    /// Per target column (see [`Targets::width`]): output bins for ranks.
    out_bins: Vec<QuantileBins>,
    /// Per target column: the pilot mean, subtracted before summing.
    shift: Vec<f64>,
}

/// The accumulators of an [`AnalysisObserver`]; the binned and rank
/// accumulators are empty until the state sees its first block.
#[derive(Debug, Clone)]
pub struct AnalysisState {
    /// Samples taken.
    samples: u64,
    /// Per analysed input: every target column over the input's bins, of
    /// the samples before `taken`'s (empty when there are none).
    binned: Vec<Binned>,
    /// The samples after those, to be summed into `binned` when the state
    /// folds (a segment's are all here: see [`Taken`]).
    taken: Option<Taken>,
    /// Per target column of a mix that is not do-nothing.
    ranks: Vec<RankCorrelation>,
    /// Per key: regret of each mix.
    regret: Vec<Regret>,
    counts: Counts,
}

const NONE: Estimate = Estimate {
    value: None,
    se: None,
};

impl AnalysisObserver {
    /// Prepares the analysis of a run of the scenario laid out by `plan`
    /// (`horizon` years; `mixes` named, do-nothing first) over `inputs`
    /// (held inputs set): the bins of every analysed input.
    pub fn new(plan: &Plan, horizon: u32, mixes: Vec<String>, inputs: &InputSpace) -> Self {
        let targets = Targets::new(plan, horizon as usize);
        let held: Vec<usize> = inputs.held().iter().map(|&(i, _)| i).collect();
        let analysed: Vec<usize> = (0..inputs.len())
            .filter(|&i| !inputs.distributions()[i].is_fixed() && !held.contains(&i))
            .collect();
        let fine: Vec<QuantileBins> = analysed
            .iter()
            .map(|&i| inputs.quantile_bins(i, RANK_BINS))
            .collect();
        let coarse = fine
            .iter()
            .map(|b| b.coarsen(RANK_BINS / INPUT_BINS))
            .collect();
        AnalysisObserver {
            names: analysed
                .iter()
                .map(|&i| inputs.names()[i].clone())
                .collect(),
            inputs: analysed,
            mixes,
            keys: plan
                .keys
                .keys(crate::metric::KeySet::ActorsAndTotal)
                .iter()
                .map(|k| k.to_string())
                .collect(),
            factors: acceptability::factors(&RATES, targets.horizon),
            targets,
            coarse,
            fine,
            pilot: OnceLock::new(),
        }
    }

    /// The pilot, fixed by the first block any state sees (the run's
    /// first), given as `n` rows of target values.
    fn pilot(&self, rows: &[f64], n: usize) -> &Pilot {
        self.pilot.get_or_init(|| {
            let w = self.targets.width();
            let column = |c: usize| -> Vec<f64> { (0..n).map(|s| rows[s * w + c]).collect() };
            Pilot {
                out_bins: (0..w)
                    .map(|c| QuantileBins::from_sample(&column(c), OUTPUT_RANK_BINS))
                    .collect(),
                shift: (0..w)
                    .map(|c| {
                        let v: Vec<f64> = column(c).into_iter().filter(|v| v.is_finite()).collect();
                        if v.is_empty() {
                            0.0
                        } else {
                            v.iter().sum::<f64>() / v.len() as f64
                        }
                    })
                    .collect(),
            }
        })
    }

    /// Target columns whose rank correlations are kept: those of every mix
    /// but do-nothing.
    fn ranked(&self) -> impl Iterator<Item = usize> + '_ {
        let t = &self.targets;
        (1..t.mixes).flat_map(move |m| {
            (0..t.keys)
                .map(move |k| t.npv_at(m, k))
                .chain([t.lead_at(m)])
        })
    }

    /// The results from the run's final state.
    pub fn finish(&self, state: &AnalysisState) -> Analysis {
        let t = &self.targets;
        let ranked: Vec<usize> = self.ranked().collect();
        let binned = state.binned_all();
        let mut sensitivity = Vec::new();
        for m in 1..t.mixes {
            let kinds = (0..t.keys)
                .map(TargetKind::Npv)
                .chain([TargetKind::VsRunnerUp]);
            for kind in kinds {
                let col = match kind {
                    TargetKind::Npv(k) => t.npv_at(m, k),
                    TargetKind::VsRunnerUp => t.lead_at(m),
                };
                let r = ranked.iter().position(|&c| c == col);
                let inputs = (0..self.inputs.len())
                    .map(|j| InputEffect {
                        spearman: r
                            .and_then(|r| state.ranks.get(r))
                            .map_or(NONE, |r| r.spearman(j)),
                        first_order: binned.get(j).map_or(NONE, |b| b.first_order(col)),
                    })
                    .collect();
                sensitivity.push(TargetSensitivity {
                    mix: m,
                    kind,
                    inputs,
                });
            }
        }
        let voi = (0..t.keys)
            .map(|k| {
                let regret = &state.regret[k];
                let best = regret.best().unwrap_or(0);
                let alts: Vec<usize> = (0..t.mixes).map(|m| t.npv_at(m, k)).collect();
                ViewVoi {
                    key: k,
                    best_mix: best,
                    evpi: regret.evpi(best),
                    evppi: (0..self.inputs.len())
                        .map(|j| binned.get(j).and_then(|b| b.evppi(&alts)))
                        .collect(),
                }
            })
            .collect();
        Analysis {
            samples: state.samples,
            inputs: self.names.clone(),
            mixes: self.mixes.clone(),
            keys: self.keys.clone(),
            sensitivity,
            voi,
            acceptability: state.counts.finish(t, &RATES),
        }
    }
}

impl Observer for AnalysisObserver {
    type State = AnalysisState;

    fn new_state(&self) -> AnalysisState {
        let t = &self.targets;
        AnalysisState {
            samples: 0,
            binned: Vec::new(),
            taken: None,
            ranks: Vec::new(),
            regret: (0..t.keys).map(|_| Regret::new(t.mixes)).collect(),
            counts: Counts::new(RATES.len(), t),
        }
    }

    fn observe(&self, state: &mut AnalysisState, block: &Block<'_>) {
        let n = block.len();
        let t = &self.targets;
        let w = t.width();
        let mut rows = Vec::new();
        let mut col = Vec::new();
        t.rows(block, &mut rows, &mut col);
        let pilot = self.pilot(&rows, n);
        if state.taken.is_none() {
            let sizes = self.coarse.iter().map(|b| b.len()).collect();
            state.taken = Some(Taken::new(sizes, pilot.shift.clone()));
        }
        if state.samples == 0 {
            state.ranks = self
                .ranked()
                .map(|c| RankCorrelation::new(pilot.out_bins[c].clone(), self.inputs.len()))
                .collect();
        }
        state.samples += n as u64;
        // Each analysed input's coarse bin per sample (input-major) and its
        // rank (sample-major, as the rank correlations take a sample's
        // ranks together).
        let ni = self.inputs.len();
        let per_input: Vec<(Vec<u8>, Vec<f64>)> = self
            .inputs
            .par_iter()
            .enumerate()
            .map(|(j, &i)| {
                let mut x = vec![0.0; n];
                block.input_into(i, &mut x);
                // At most INPUT_BINS (< 256) bins.
                let bins = x.iter().map(|&v| self.coarse[j].bin(v) as u8).collect();
                let u = x.iter().map(|&v| self.fine[j].mid_rank(v)).collect();
                (bins, u)
            })
            .collect();
        let mut u = vec![0.0; n * ni];
        for (j, (_, uj)) in per_input.iter().enumerate() {
            for (s, &v) in uj.iter().enumerate() {
                u[s * ni + j] = v;
            }
        }
        let first = block.first();
        let ranked: Vec<usize> = self.ranked().collect();
        let AnalysisState {
            taken,
            ranks,
            regret,
            counts,
            ..
        } = state;
        if let Some(taken) = taken {
            taken.take(first, &rows, per_input.iter().map(|(b, _)| &b[..]));
        }
        // Accumulators are independent and each takes its samples in
        // order, so how rayon splits or interleaves them cannot change a
        // bit.
        rayon::join(
            || {
                ranks
                    .par_iter_mut()
                    .zip(ranked.par_iter())
                    .for_each(|(r, &c)| {
                        for s in 0..n {
                            r.add(rows[s * w + c], &u[s * ni..(s + 1) * ni]);
                        }
                    });
            },
            || {
                regret.par_iter_mut().enumerate().for_each(|(k, regret)| {
                    let mut alts = vec![0.0; t.mixes];
                    for s in 0..n {
                        for (m, a) in alts.iter_mut().enumerate() {
                            *a = rows[s * w + t.npv_at(m, k)];
                        }
                        regret.add(&alts);
                    }
                });
                counts.add_block(t, block, &self.factors);
            },
        );
    }

    fn prime(&self, block: &Block<'_>) {
        let mut rows = Vec::new();
        let mut col = Vec::new();
        self.targets.rows(block, &mut rows, &mut col);
        self.pilot(&rows, block.len());
    }

    fn merge(&self, into: &mut AnalysisState, later: AnalysisState) {
        if later.samples == 0 {
            return;
        }
        if into.samples == 0 {
            *into = later;
            return;
        }
        into.samples += later.samples;
        into.settle();
        into.binned.par_iter_mut().enumerate().for_each(|(j, a)| {
            match (later.binned.get(j), &later.taken) {
                (Some(b), None) => a.merge(b),
                (Some(b), Some(taken)) => {
                    let mut b = b.clone();
                    taken.add_to(j, &mut b);
                    a.merge(&b);
                }
                (None, Some(taken)) => a.merge(&taken.summed(j)),
                (None, None) => {}
            }
        });
        for (a, b) in into.ranks.iter_mut().zip(&later.ranks) {
            a.merge(b);
        }
        for (a, b) in into.regret.iter_mut().zip(&later.regret) {
            a.merge(b);
        }
        into.counts.merge(&later.counts);
    }
}

impl AnalysisState {
    /// Sums the samples taken into `binned` (see [`settled`]).
    fn settle(&mut self) {
        if let Some(taken) = self.taken.take() {
            self.binned = settled(std::mem::take(&mut self.binned), &taken);
        }
    }

    /// The binned sums of every sample taken: `binned`, or a settled copy
    /// when samples are still held apart.
    fn binned_all(&self) -> Cow<'_, [Binned]> {
        match &self.taken {
            None => Cow::Borrowed(&self.binned),
            Some(taken) => Cow::Owned(settled(self.binned.clone(), taken)),
        }
    }
}

/// `binned` (empty, or one per input) with the samples `taken` added one by
/// one, in order, as the blocks would have added them.
fn settled(mut binned: Vec<Binned>, taken: &Taken) -> Vec<Binned> {
    if binned.is_empty() {
        (0..taken.inputs())
            .into_par_iter()
            .map(|j| taken.summed(j))
            .collect()
    } else {
        binned
            .par_iter_mut()
            .enumerate()
            .for_each(|(j, b)| taken.add_to(j, b));
        binned
    }
}

impl Codec for AnalysisState {
    fn encode(&self, e: &mut Encoder) {
        e.u64(self.samples);
        let binned = self.binned_all();
        e.len_of(binned.len());
        binned.iter().for_each(|b| b.encode(e));
        e.len_of(self.ranks.len());
        self.ranks.iter().for_each(|r| r.encode(e));
        e.len_of(self.regret.len());
        self.regret.iter().for_each(|r| r.encode(e));
        self.counts.encode(e);
    }

    fn decode(d: &mut Decoder<'_>) -> Result<Self, CodecError> {
        fn many<T: Codec>(d: &mut Decoder<'_>) -> Result<Vec<T>, CodecError> {
            let n = d.len_of(8)?;
            (0..n).map(|_| T::decode(d)).collect()
        }
        Ok(AnalysisState {
            samples: d.u64()?,
            binned: many(d)?,
            taken: None,
            ranks: many(d)?,
            regret: many(d)?,
            counts: Counts::decode(d)?,
        })
    }
}
