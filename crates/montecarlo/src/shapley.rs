//! Shapley effects of dependent inputs (docs/analysis.md, "Shapley
//! effects"; Owen 2014; Song, Nelson & Staum 2016).
//!
//! An input's Shapley effect is its fair share of an output's variance: the
//! average, over every order in which inputs can be revealed, of how much
//! the expected remaining variance falls when it is revealed. Unlike
//! first-order and total indices the shares sum to one even when inputs are
//! correlated, so they stay readable under the scenario's declared
//! correlations.
//!
//! The estimator is Song, Nelson & Staum's random-permutation algorithm.
//! For each of `permutations` random orders π and each prefix J = {π₁…πⱼ},
//! c(J) = E[Var(Y | X₋J)] is estimated from `outer` draws of the other
//! inputs X₋J, each with `inner` draws of X_J from its distribution given
//! X₋J; the effect of πⱼ gains c(J) − c(J∖πⱼ). The last prefix (every
//! input) is Var(Y), estimated once from `variance_samples` independent
//! samples. Every permutation's increments telescope to Var(Y), so the
//! effects of one output sum to exactly one (up to rounding).
//!
//! Conditional draws go through the Gaussian copula of model.md §7: in
//! normal scores z a correlation group is N(0, R), and z_J given z_K is
//! Gaussian with mean R_JK R_KK⁻¹ z_K and covariance R_JJ − R_JK R_KK⁻¹ R_KJ.
//! Each input's value is then F⁻¹(Φ(z)), as in an ordinary run. Held
//! inputs are constants here, as in a held run: a group loses its held
//! members and keeps the correlation of the others.
//!
//! Reproducibility: permutation l draws from its own ChaCha8 stream of a
//! key derived from the seed, and permutations are summed in fixed chunks
//! in index order, so the result is bit-identical on any thread count.

use nalgebra::DMatrix;
use rand::RngExt as _;
use rand::SeedableRng as _;
use rand::distr::Distribution as _;
use rand::rngs::ChaCha8Rng;
use rand_distr::StandardNormal;
use rayon::prelude::*;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::engine::Progress;
use crate::error::McError;
use crate::layout::{Model, OutputLayout, SampleRecord};
use crate::space::InputSpace;
use crate::stream::mix64;

/// Permutations summed by one task before the tasks are combined in index
/// order; fixes the summation tree independently of the thread count.
const CHUNK: u64 = 8;

/// Keys that separate the streams of permutations and of the variance
/// samples from each other and from an ordinary run of the same seed.
const PERMUTATION_KEY: u64 = 0x5348_4150_5045_524d;
const VARIANCE_KEY: u64 = 0x5348_4150_5641_5259;

/// How Shapley effects are estimated; see the module documentation for
/// what each number means and [`ShapleySettings::evaluations`] for the cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapleySettings {
    /// Seed of every random draw.
    pub seed: u64,
    /// Random input orders (m ≥ 2; the standard errors need two).
    pub permutations: u64,
    /// Draws of the revealed inputs per prefix (N_o ≥ 1).
    pub outer: u32,
    /// Draws of the hidden inputs per outer draw (N_i ≥ 2; a variance
    /// needs two).
    pub inner: u32,
    /// Independent samples that estimate Var(Y) (N_V ≥ 2).
    pub variance_samples: u64,
}

impl Default for ShapleySettings {
    /// Song, Nelson & Staum's recommendation N_o = 1, N_i = 3, with 512
    /// orders and 4 096 variance samples.
    fn default() -> Self {
        ShapleySettings {
            seed: 0,
            permutations: 512,
            outer: 1,
            inner: 3,
            variance_samples: 4096,
        }
    }
}

impl ShapleySettings {
    /// Model evaluations the estimate costs with `inputs` analysed inputs:
    /// N_V + m·(d − 1)·N_o·N_i (saturating).
    pub fn evaluations(&self, inputs: usize) -> u64 {
        let per_permutation = (inputs.saturating_sub(1) as u64)
            .saturating_mul(u64::from(self.outer))
            .saturating_mul(u64::from(self.inner));
        self.variance_samples
            .saturating_add(self.permutations.saturating_mul(per_permutation))
    }

    fn validate(&self) -> Result<(), McError> {
        let checks: [(&'static str, u64, u64); 4] = [
            ("permutations", self.permutations, 2),
            ("outer", u64::from(self.outer), 1),
            ("inner", u64::from(self.inner), 2),
            ("variance_samples", self.variance_samples, 2),
        ];
        for (setting, value, min) in checks {
            if value < min {
                return Err(McError::ShapleySetting {
                    setting,
                    value,
                    min,
                });
            }
        }
        Ok(())
    }
}

/// One output's Shapley effects.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputEffects {
    /// Var(Y), in the output's unit squared (NaN if the output was ever
    /// undefined).
    pub variance: f64,
    /// Per analysed input (in [`ShapleyEffects::inputs`] order), its share
    /// of Var(Y) (0–1, summing to 1); NaN when Var(Y) is 0 or undefined.
    pub effects: Vec<f64>,
    /// Standard error of each effect over the permutations (same unit);
    /// Var(Y)'s own error is not included.
    pub standard_errors: Vec<f64>,
}

/// Shapley effects of every requested output.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapleyEffects {
    /// The analysed inputs, by index into the [`InputSpace`]: every
    /// uncertain input that is not held, ascending.
    pub inputs: Vec<usize>,
    /// Per requested output, in the order asked for.
    pub outputs: Vec<OutputEffects>,
    /// Model evaluations made.
    pub evaluations: u64,
}

/// A correlation group restricted to the analysed inputs: its members and
/// their normal-score correlation matrix.
struct Block {
    members: Vec<usize>,
    corr: DMatrix<f64>,
}

/// How to draw one block's hidden members given its revealed ones, for one
/// prefix.
struct Conditional {
    /// Hidden members (input indices).
    hidden: Vec<usize>,
    /// Revealed members (input indices).
    given: Vec<usize>,
    /// R_JK R_KK⁻¹ (hidden × given).
    gain: DMatrix<f64>,
    /// Cholesky factor of the conditional covariance (hidden × hidden).
    lower: DMatrix<f64>,
}

/// The Gaussian-copula structure of the analysed inputs.
struct Structure<'a> {
    space: &'a InputSpace,
    /// Every analysed input, ascending.
    analysed: Vec<usize>,
    /// Analysed inputs outside every correlation group.
    independent: Vec<usize>,
    /// Per input: whether it is in `independent`.
    is_independent: Vec<bool>,
    blocks: Vec<Block>,
    /// Each block's joint draw (everything hidden, nothing given).
    joint: Vec<Conditional>,
}

impl<'a> Structure<'a> {
    fn new(space: &'a InputSpace, analysed: &[usize]) -> Result<Structure<'a>, McError> {
        let blocks: Vec<Block> = space
            .correlation_groups()
            .filter_map(|(members, corr)| {
                let keep: Vec<usize> = (0..members.len())
                    .filter(|&a| analysed.contains(&members[a]))
                    .collect();
                (keep.len() >= 2).then(|| Block {
                    members: keep.iter().map(|&a| members[a]).collect(),
                    corr: DMatrix::from_fn(keep.len(), keep.len(), |r, c| corr[(keep[r], keep[c])]),
                })
            })
            .collect();
        let independent: Vec<usize> = analysed
            .iter()
            .copied()
            .filter(|i| !blocks.iter().any(|b| b.members.contains(i)))
            .collect();
        let mut is_independent = vec![false; space.len()];
        for &i in &independent {
            is_independent[i] = true;
        }
        let mut structure = Structure {
            space,
            analysed: analysed.to_vec(),
            independent,
            is_independent,
            blocks,
            joint: Vec::new(),
        };
        structure.joint = structure
            .blocks
            .iter()
            .map(|b| conditional(b, &b.members, &[]).ok_or_else(|| structure.not_definite(b)))
            .collect::<Result<_, _>>()?;
        Ok(structure)
    }

    /// Every analysed input's normal score drawn from its joint
    /// distribution into `z` (indexed by input), using `noise` for the
    /// standard normals it needs.
    fn draw_all(&self, rng: &mut ChaCha8Rng, noise: &mut [f64], z: &mut [f64]) {
        normals(rng, self.analysed(), noise);
        for &i in &self.independent {
            z[i] = noise[i];
        }
        for c in &self.joint {
            c.draw(noise, z);
        }
    }

    /// The analysed inputs, ascending.
    fn analysed(&self) -> &[usize] {
        &self.analysed
    }

    fn not_definite(&self, b: &Block) -> McError {
        McError::NotPositiveDefinite {
            inputs: b
                .members
                .iter()
                .map(|&m| self.space.names()[m].clone())
                .collect(),
        }
    }

    /// The conditional draws for the prefix whose inputs `hidden` (a flag
    /// per input) vary while the others stay.
    fn conditionals(&self, hidden: &[bool]) -> Result<Vec<Conditional>, McError> {
        let mut out = Vec::new();
        for b in &self.blocks {
            let (h, g): (Vec<usize>, Vec<usize>) = b.members.iter().partition(|&&m| hidden[m]);
            if h.is_empty() {
                continue;
            }
            out.push(conditional(b, &h, &g).ok_or_else(|| self.not_definite(b))?);
        }
        Ok(out)
    }

    /// Model inputs from normal scores: analysed inputs at F⁻¹(Φ(z)), every
    /// other input as in `template` (fixed and held values).
    fn values(&self, z: &[f64], analysed: &[usize], x: &mut [f64]) {
        for &i in analysed {
            x[i] = self.space.value_at_normal_score(i, z[i]);
        }
    }

    /// A prefix's normal scores: the order's `base` draw, with the hidden
    /// independent inputs at their `noise` and the hidden members of
    /// correlation groups drawn by `conditionals` given the revealed ones.
    fn prefix_scores(
        &self,
        hidden: &[bool],
        base: &[f64],
        noise: &[f64],
        conditionals: &[Conditional],
        z: &mut [f64],
    ) {
        z.copy_from_slice(base);
        for &i in &self.independent {
            if hidden[i] {
                z[i] = noise[i];
            }
        }
        for cond in conditionals {
            cond.draw(noise, z);
        }
    }

    /// [`Structure::values`] of the independent inputs only.
    fn independent_values(&self, z: &[f64], x: &mut [f64]) {
        for &i in &self.independent {
            x[i] = self.space.value_at_normal_score(i, z[i]);
        }
    }

    /// [`Structure::values`] of a prefix's scores `z`, bit for bit, without
    /// most of its inverse CDFs: a revealed input's score is its score in
    /// the order's base draw, whose value is `base_x`; a hidden independent
    /// input's score is its noise, whose value is `hidden_x`; only the
    /// hidden members of correlation groups, drawn given the revealed
    /// ones, are computed. An evaluation of Södertälje spends ≈ 10 % of
    /// its time on the inverse CDFs of its 44 inputs.
    fn prefix_values(
        &self,
        hidden: &[bool],
        z: &[f64],
        base_x: &[f64],
        hidden_x: &[f64],
        x: &mut [f64],
    ) {
        for &i in &self.analysed {
            x[i] = if !hidden[i] {
                base_x[i]
            } else if self.is_independent[i] {
                hidden_x[i]
            } else {
                self.space.value_at_normal_score(i, z[i])
            };
        }
    }
}

/// The distribution of `hidden` given `given` within block `b`, or None if
/// its covariance does not factor.
fn conditional(b: &Block, hidden: &[usize], given: &[usize]) -> Option<Conditional> {
    let pos = |i: usize| b.members.iter().position(|&m| m == i).unwrap_or(0);
    let hp: Vec<usize> = hidden.iter().map(|&i| pos(i)).collect();
    let gp: Vec<usize> = given.iter().map(|&i| pos(i)).collect();
    let sub = |rows: &[usize], cols: &[usize]| {
        DMatrix::from_fn(rows.len(), cols.len(), |r, c| b.corr[(rows[r], cols[c])])
    };
    let r_hh = sub(&hp, &hp);
    let (gain, cov) = if gp.is_empty() {
        (DMatrix::zeros(hp.len(), 0), r_hh)
    } else {
        let r_hg = sub(&hp, &gp);
        let r_gg = sub(&gp, &gp);
        // R_KK is positive definite (a principal minor of a positive
        // definite matrix), so its Cholesky factor solves R_KK·Gᵀ = R_KJ.
        let gain = r_gg.cholesky()?.solve(&r_hg.transpose()).transpose();
        let cov = &r_hh - &gain * r_hg.transpose();
        (gain, cov)
    };
    let lower = cov.cholesky()?.l();
    Some(Conditional {
        hidden: hidden.to_vec(),
        given: given.to_vec(),
        gain,
        lower,
    })
}

impl Conditional {
    /// Set the hidden members' normal scores given the revealed members'
    /// scores already in `z`, from independent standard normals `noise`
    /// (indexed by input, like `z`).
    fn draw(&self, noise: &[f64], z: &mut [f64]) {
        for (r, &i) in self.hidden.iter().enumerate() {
            let mean: f64 = self
                .given
                .iter()
                .enumerate()
                .map(|(c, &g)| self.gain[(r, c)] * z[g])
                .sum();
            let spread: f64 = self.hidden[..=r]
                .iter()
                .enumerate()
                .map(|(c, &h)| self.lower[(r, c)] * noise[h])
                .sum();
            z[i] = mean + spread;
        }
    }
}

/// Independent standard normals for the inputs `at` (indexed by input).
fn normals(rng: &mut ChaCha8Rng, at: &[usize], out: &mut [f64]) {
    for &i in at {
        out[i] = StandardNormal.sample(rng);
    }
}

/// Reads the requested outputs of one evaluation (NaN when undefined).
fn read(record: &SampleRecord, outputs: &[usize], y: &mut [f64]) {
    for (v, &o) in y.iter_mut().zip(outputs) {
        *v = record.scalar(o).unwrap_or(f64::NAN);
    }
}

/// Per-worker buffers.
struct Work<S> {
    scratch: S,
    record: SampleRecord,
    x: Vec<f64>,
    z: Vec<f64>,
    noise: Vec<f64>,
    /// Per outer draw: the revealed inputs' normal scores, shared by every
    /// prefix of a permutation (common random numbers).
    base: Vec<f64>,
    /// Per outer and inner draw: the standard normals of the hidden
    /// inputs, shared by every prefix of a permutation.
    hidden_noise: Vec<f64>,
    /// `base` as model inputs, F⁻¹(Φ(z)).
    base_x: Vec<f64>,
    /// `hidden_noise` as model inputs, for the independent inputs (whose
    /// normal score, once hidden, is their noise).
    hidden_x: Vec<f64>,
    y: Vec<f64>,
}

/// Sums over a chunk of permutations: per (output, input) the increments
/// and their squares, output-major.
struct Sums {
    sum: Vec<f64>,
    squares: Vec<f64>,
}

/// Estimates the Shapley effects of the scalar outputs `outputs` (indices
/// into `layout.scalars`) of `model` over the uncertain, non-held inputs
/// of `space`, on the current rayon pool. `progress` hears evaluations
/// done against [`ShapleySettings::evaluations`].
///
/// Errors: settings below their minimum, an output index outside the
/// layout, or a correlation group whose conditional covariance does not
/// factor.
pub fn shapley<M: Model>(
    space: &InputSpace,
    layout: &OutputLayout,
    model: &M,
    outputs: &[usize],
    settings: &ShapleySettings,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<ShapleyEffects, McError> {
    settings.validate()?;
    if let Some(&o) = outputs.iter().find(|&&o| o >= layout.scalars.len()) {
        return Err(McError::OutputIndex {
            index: o,
            scalars: layout.scalars.len(),
        });
    }
    let held: Vec<usize> = space.held().iter().map(|&(i, _)| i).collect();
    let analysed: Vec<usize> = (0..space.len())
        .filter(|&i| !space.distributions()[i].is_fixed() && !held.contains(&i))
        .collect();
    let structure = Structure::new(space, &analysed)?;
    let (d, k) = (analysed.len(), outputs.len());
    let total = settings.evaluations(d);
    let done = AtomicU64::new(0);
    let report = |n: u64| {
        let now = done.fetch_add(n, Ordering::Relaxed) + n;
        progress(Progress { done: now, total });
    };
    let template = space.central_values();
    let new_work = || Work {
        scratch: model.new_scratch(),
        record: SampleRecord::new(layout),
        x: template.clone(),
        z: vec![0.0; space.len()],
        noise: vec![0.0; space.len()],
        base: vec![0.0; settings.outer as usize * space.len()],
        hidden_noise: vec![0.0; (settings.outer * settings.inner) as usize * space.len()],
        base_x: vec![0.0; settings.outer as usize * space.len()],
        hidden_x: vec![0.0; (settings.outer * settings.inner) as usize * space.len()],
        y: vec![0.0; k],
    };

    // Var(Y) from independent joint draws, each from its own stream.
    let ys: Vec<Vec<f64>> = (0..settings.variance_samples)
        .into_par_iter()
        .map_init(
            || {
                (
                    new_work(),
                    ChaCha8Rng::seed_from_u64(mix64(settings.seed ^ VARIANCE_KEY)),
                )
            },
            |(w, rng), v| {
                rng.set_stream(v);
                structure.draw_all(rng, &mut w.noise, &mut w.z);
                structure.values(&w.z, &analysed, &mut w.x);
                w.record.clear();
                model.evaluate(&w.x, &mut w.scratch, &mut w.record);
                read(&w.record, outputs, &mut w.y);
                if v % 256 == 255 {
                    report(256);
                }
                w.y.clone()
            },
        )
        .collect();
    report(settings.variance_samples % 256);
    let variance: Vec<f64> = (0..k)
        .map(|o| sample_variance(ys.iter().map(|y| y[o])))
        .collect();
    drop(ys);

    let per_permutation =
        (d.saturating_sub(1) as u64) * u64::from(settings.outer) * u64::from(settings.inner);
    let chunks = settings.permutations.div_ceil(CHUNK);
    let sums: Vec<Sums> = (0..chunks)
        .into_par_iter()
        .map_init(
            || {
                (
                    new_work(),
                    ChaCha8Rng::seed_from_u64(mix64(settings.seed ^ PERMUTATION_KEY)),
                )
            },
            |(w, rng), chunk| -> Result<Sums, McError> {
                let mut sums = Sums {
                    sum: vec![0.0; k * d],
                    squares: vec![0.0; k * d],
                };
                let first = chunk * CHUNK;
                let last = (first + CHUNK).min(settings.permutations);
                let mut increments = vec![0.0; k * d];
                for l in first..last {
                    rng.set_stream(l);
                    one_permutation(
                        &structure,
                        &analysed,
                        model,
                        settings,
                        &variance,
                        w,
                        rng,
                        outputs,
                        &mut increments,
                    )?;
                    for ((s, q), &v) in sums
                        .sum
                        .iter_mut()
                        .zip(sums.squares.iter_mut())
                        .zip(&increments)
                    {
                        *s += v;
                        *q += v * v;
                    }
                    report(per_permutation);
                }
                Ok(sums)
            },
        )
        .collect::<Result<_, _>>()?;
    let m = settings.permutations as f64;
    let mut sum = vec![0.0; k * d];
    let mut squares = vec![0.0; k * d];
    for s in &sums {
        for (a, b) in sum.iter_mut().zip(&s.sum) {
            *a += b;
        }
        for (a, b) in squares.iter_mut().zip(&s.squares) {
            *a += b;
        }
    }
    let outputs = (0..k)
        .map(|o| {
            let var = variance[o];
            let usable = var.is_finite() && var > 0.0;
            let (effects, standard_errors) = (0..d)
                .map(|i| {
                    if !usable {
                        return (f64::NAN, f64::NAN);
                    }
                    let mean = sum[o * d + i] / m;
                    let spread = ((squares[o * d + i] - m * mean * mean) / (m - 1.0)).max(0.0);
                    (mean / var, (spread / m).sqrt() / var)
                })
                .unzip();
            OutputEffects {
                variance: var,
                effects,
                standard_errors,
            }
        })
        .collect();
    Ok(ShapleyEffects {
        inputs: analysed,
        outputs,
        evaluations: total,
    })
}

/// One random order's increments c(J) − c(J∖πⱼ), written to
/// `increments[output·d + position of πⱼ]`.
#[allow(clippy::too_many_arguments)]
fn one_permutation<M: Model>(
    structure: &Structure<'_>,
    analysed: &[usize],
    model: &M,
    settings: &ShapleySettings,
    variance: &[f64],
    w: &mut Work<M::Scratch>,
    rng: &mut ChaCha8Rng,
    outputs: &[usize],
    increments: &mut [f64],
) -> Result<(), McError> {
    let d = analysed.len();
    let k = outputs.len();
    // Fisher–Yates over positions in `analysed`.
    let mut order: Vec<usize> = (0..d).collect();
    for i in (1..d).rev() {
        order.swap(i, rng.random_range(0..=i));
    }
    let n = structure.space.len();
    let (outer, inner) = (settings.outer as usize, settings.inner as usize);
    // Common random numbers: every prefix of this order sees the same
    // revealed draws and the same normals for its hidden inputs, so
    // consecutive c(J) differ only through the one input revealed between
    // them. Each c(J) keeps its distribution (the estimator stays
    // unbiased); their differences, the increments, become far less noisy.
    for o in 0..outer {
        structure.draw_all(rng, &mut w.noise, &mut w.base[o * n..(o + 1) * n]);
        for h in 0..inner {
            let at = (o * inner + h) * n;
            normals(rng, analysed, &mut w.hidden_noise[at..at + n]);
        }
    }
    // The inverse CDFs of these scores, once per order rather than once
    // per evaluation (see `Structure::prefix_values`).
    for o in 0..outer {
        let z = &w.base[o * n..(o + 1) * n];
        structure.values(z, analysed, &mut w.base_x[o * n..(o + 1) * n]);
        for h in 0..inner {
            let at = (o * inner + h) * n;
            structure.independent_values(&w.hidden_noise[at..at + n], &mut w.hidden_x[at..at + n]);
        }
    }
    let mut hidden = vec![false; n];
    let mut previous = vec![0.0; k];
    let mut c = vec![0.0; k];
    let mut ys = vec![0.0; inner * k];
    for (j, &p) in order.iter().enumerate() {
        hidden[analysed[p]] = true;
        if j + 1 == d {
            c.copy_from_slice(variance);
        } else {
            let conditionals = structure.conditionals(&hidden)?;
            c.fill(0.0);
            for o in 0..outer {
                for h in 0..inner {
                    let at = (o * inner + h) * n;
                    structure.prefix_scores(
                        &hidden,
                        &w.base[o * n..(o + 1) * n],
                        &w.hidden_noise[at..at + n],
                        &conditionals,
                        &mut w.z,
                    );
                    structure.prefix_values(
                        &hidden,
                        &w.z,
                        &w.base_x[o * n..(o + 1) * n],
                        &w.hidden_x[at..at + n],
                        &mut w.x,
                    );
                    w.record.clear();
                    model.evaluate(&w.x, &mut w.scratch, &mut w.record);
                    read(&w.record, outputs, &mut ys[h * k..(h + 1) * k]);
                }
                for (o, c) in c.iter_mut().enumerate() {
                    *c += sample_variance((0..inner).map(|h| ys[h * k + o]));
                }
            }
            for c in c.iter_mut() {
                *c /= f64::from(settings.outer);
            }
        }
        for o in 0..k {
            increments[o * d + p] = c[o] - previous[o];
        }
        previous.copy_from_slice(&c);
    }
    Ok(())
}

/// Unbiased sample variance (divisor n − 1), two-pass; NaN if any value is.
fn sample_variance(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let (n, sum) = values.clone().fold((0u64, 0.0), |(n, s), v| (n + 1, s + v));
    if n < 2 {
        return f64::NAN;
    }
    let mean = sum / n as f64;
    values.map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_variance_matches_definition() {
        let v = [1.0, 2.0, 4.0];
        // mean 7/3; squares 16/9 + 1/9 + 25/9 = 42/9; / 2 = 7/3.
        assert!((sample_variance(v.iter().copied()) - 7.0 / 3.0).abs() < 1e-15);
        assert!(sample_variance([1.0].iter().copied()).is_nan());
    }

    #[test]
    fn conditional_of_two_correlated_normals() {
        let rho = 0.6;
        let b = Block {
            members: vec![3, 7],
            corr: DMatrix::from_row_slice(2, 2, &[1.0, rho, rho, 1.0]),
        };
        let c = conditional(&b, &[7], &[3]).expect("factors");
        assert!((c.gain[(0, 0)] - rho).abs() < 1e-15);
        assert!((c.lower[(0, 0)] - (1.0 - rho * rho).sqrt()).abs() < 1e-15);
    }

    /// The inputs of every prefix of an order, from the values cached per
    /// order, are bit for bit those computed from the prefix's scores.
    #[test]
    fn cached_prefix_inputs_equal_direct_ones() {
        use crate::Distribution;
        let inputs = vec![
            ("a".to_string(), Distribution::Uniform { lo: 0.0, hi: 3.0 }),
            ("fixed".to_string(), Distribution::Fixed(2.0)),
            (
                "b".to_string(),
                Distribution::LogNormal {
                    mu: 0.5,
                    sigma: 0.7,
                },
            ),
            (
                "c".to_string(),
                Distribution::Triangular {
                    min: -1.0,
                    mode: 0.0,
                    max: 4.0,
                },
            ),
            ("d".to_string(), Distribution::Normal { mean: 1.0, sd: 2.0 }),
            ("e".to_string(), Distribution::Beta { a: 2.0, b: 5.0 }),
        ];
        let rho = [
            ("b".to_string(), "c".to_string(), 0.5),
            ("c".to_string(), "e".to_string(), -0.3),
        ];
        let space = InputSpace::new(inputs, &rho).expect("valid space");
        let analysed = [0, 2, 3, 4, 5];
        let structure = Structure::new(&space, &analysed).expect("factors");
        assert_eq!(structure.independent, vec![0, 4]);
        let n = space.len();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let (mut noise, mut base, mut hidden_noise) = (vec![0.0; n], vec![0.0; n], vec![0.0; n]);
        let (mut base_x, mut hidden_x) = (space.central_values(), vec![f64::NAN; n]);
        let (mut cached, mut direct) = (space.central_values(), space.central_values());
        let mut z = vec![0.0; n];
        for _ in 0..50 {
            structure.draw_all(&mut rng, &mut noise, &mut base);
            normals(&mut rng, &analysed, &mut hidden_noise);
            structure.values(&base, &analysed, &mut base_x);
            structure.independent_values(&hidden_noise, &mut hidden_x);
            let mut hidden = vec![false; n];
            for p in [3, 0, 5, 2, 4] {
                hidden[p] = true;
                let conditionals = structure.conditionals(&hidden).expect("factors");
                structure.prefix_scores(&hidden, &base, &hidden_noise, &conditionals, &mut z);
                structure.prefix_values(&hidden, &z, &base_x, &hidden_x, &mut cached);
                structure.values(&z, &analysed, &mut direct);
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&cached), bits(&direct), "hidden {hidden:?}");
            }
        }
    }

    #[test]
    fn settings_below_minimum_are_errors() {
        let s = ShapleySettings {
            inner: 1,
            ..ShapleySettings::default()
        };
        assert!(matches!(
            s.validate(),
            Err(McError::ShapleySetting {
                setting: "inner",
                ..
            })
        ));
        assert_eq!(
            ShapleySettings::default().evaluations(11),
            4096 + 512 * 10 * 3
        );
    }
}
