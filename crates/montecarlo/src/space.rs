//! The uncertain inputs of a model and how one sample's values are drawn
//! (model.md §7: distributions, correlation, sampling, common random
//! numbers).

use rand::distr::Distribution as _;
use rand::rngs::ChaCha8Rng;
use rand_distr::StandardNormal;

use crate::copula::{Group, build_groups};
use crate::distribution::{Distribution, Prepared};
use crate::error::McError;
use crate::lhs::Permutation;
use crate::special::{norm_cdf, norm_inv};
use crate::stream::{SampleStreams, mix64, open01};

/// Named input distributions plus their rank correlations, validated and
/// prepared for fast sampling (model.md §7).
#[derive(Debug, Clone)]
pub struct InputSpace {
    names: Vec<String>,
    dists: Vec<Distribution>,
    prepared: Vec<Prepared>,
    /// Uncertain inputs outside every correlation group, ascending.
    independent: Vec<usize>,
    groups: Vec<Group>,
    largest_group: usize,
    /// Inputs held at a given value in every sample, ascending by index.
    held: Vec<(usize, f64)>,
}

impl PartialEq for InputSpace {
    fn eq(&self, other: &Self) -> bool {
        self.names == other.names
            && self.dists == other.dists
            && self.groups == other.groups
            && self.held == other.held
    }
}

impl InputSpace {
    /// Validate the inputs and the rank correlations `(a, b, ρ_s)` between
    /// them. Errors: invalid parameters, duplicate input names, an unknown
    /// name in a correlation, ρ_s outside [−1, 1], a pair given twice, a
    /// correlation on a fixed input, or a group of correlations whose matrix
    /// is not positive definite (naming the inputs of that group).
    pub fn new(
        inputs: Vec<(String, Distribution)>,
        correlations: &[(String, String, f64)],
    ) -> Result<InputSpace, McError> {
        let mut names = Vec::with_capacity(inputs.len());
        let mut dists = Vec::with_capacity(inputs.len());
        let mut prepared = Vec::with_capacity(inputs.len());
        for (name, d) in inputs {
            if names.contains(&name) {
                return Err(McError::DuplicateInput(name));
            }
            let p = Prepared::new(&d).map_err(|source| McError::Distribution {
                input: name.clone(),
                source,
            })?;
            names.push(name);
            dists.push(d);
            prepared.push(p);
        }
        let index = |name: &str| -> Result<usize, McError> {
            names
                .iter()
                .position(|n| n == name)
                .ok_or_else(|| McError::UnknownInput {
                    name: name.to_string(),
                    known: names.join(", "),
                })
        };
        let mut pairs: Vec<(usize, usize, f64)> = Vec::with_capacity(correlations.len());
        for (a, b, rho) in correlations {
            let (i, j) = (index(a)?, index(b)?);
            if i == j {
                return Err(McError::SelfCorrelation(a.clone()));
            }
            if !(-1.0..=1.0).contains(rho) {
                return Err(McError::CorrelationOutOfRange {
                    a: a.clone(),
                    b: b.clone(),
                    rho: *rho,
                });
            }
            for &k in &[i, j] {
                if prepared[k].is_fixed() {
                    return Err(McError::CorrelatedFixed(names[k].clone()));
                }
            }
            let key = (i.min(j), i.max(j));
            if pairs.iter().any(|&(x, y, _)| (x, y) == key) {
                return Err(McError::DuplicateCorrelation {
                    a: a.clone(),
                    b: b.clone(),
                });
            }
            pairs.push((key.0, key.1, *rho));
        }
        let groups =
            build_groups(names.len(), &pairs).map_err(|members| McError::NotPositiveDefinite {
                inputs: members.iter().map(|&m| names[m].clone()).collect(),
            })?;
        let mut in_group = vec![false; names.len()];
        for g in &groups {
            for &m in &g.members {
                in_group[m] = true;
            }
        }
        let independent = (0..names.len())
            .filter(|&i| !in_group[i] && !prepared[i].is_fixed())
            .collect();
        let largest_group = groups.iter().map(|g| g.members.len()).max().unwrap_or(0);
        Ok(InputSpace {
            names,
            dists,
            prepared,
            independent,
            groups,
            largest_group,
            held: Vec::new(),
        })
    }

    /// The same space with the inputs `held` (index, value) fixed at their
    /// values in every sample (docs/uncertainty.md, "Held inputs").
    ///
    /// Every other input keeps exactly the draws it has in the unheld run
    /// (common random numbers), so a held run differs from the plain one
    /// only through the held inputs; for an input correlated with a held
    /// one this means it keeps its unconditional distribution. Errors: an
    /// index out of range, an input held twice, or a value its
    /// distribution cannot take (outside its support, or not one of a
    /// Discrete's values).
    pub fn with_held(&self, held: &[(usize, f64)]) -> Result<InputSpace, McError> {
        let mut sorted: Vec<(usize, f64)> = Vec::with_capacity(held.len());
        for &(i, v) in held {
            let Some(d) = self.dists.get(i) else {
                return Err(McError::HeldIndex {
                    index: i,
                    inputs: self.len(),
                });
            };
            if sorted.iter().any(|&(j, _)| j == i) {
                return Err(McError::HeldTwice(self.names[i].clone()));
            }
            if !d.can_take(v) {
                let valid = match d {
                    Distribution::Discrete(items) => format!(
                        "one of {}",
                        items
                            .iter()
                            .filter(|&&(_, w)| w > 0.0)
                            .map(|(x, _)| x.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    _ => {
                        let (lo, hi) = d.support();
                        format!("values in [{lo}, {hi}]")
                    }
                };
                return Err(McError::HeldOutsideSupport {
                    input: self.names[i].clone(),
                    value: v,
                    valid,
                });
            }
            sorted.push((i, v));
        }
        sorted.sort_by_key(|&(i, _)| i);
        Ok(InputSpace {
            held: sorted,
            ..self.clone()
        })
    }

    /// The held inputs (index, value), ascending by index.
    pub fn held(&self) -> &[(usize, f64)] {
        &self.held
    }

    /// `bins` equiprobable bins of input `i`'s distribution, from the
    /// space's prepared (fast) quantile function: edges at F⁻¹(b / bins).
    pub fn quantile_bins(&self, i: usize, bins: usize) -> crate::stats::sensitivity::QuantileBins {
        let bins = bins.max(1);
        let p = &self.prepared[i];
        crate::stats::sensitivity::QuantileBins::from_edges(
            (1..bins)
                .map(|b| p.inverse_cdf(b as f64 / bins as f64))
                .collect(),
        )
    }

    /// The index of the input called `name`.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Number of inputs (fixed ones included).
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when there are no inputs.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Input names, in input order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The distributions, in input order.
    pub fn distributions(&self) -> &[Distribution] {
        &self.dists
    }

    /// Each correlation group: its members (input indices, ascending) and
    /// the Pearson correlation matrix of their normal scores (model.md §7,
    /// "Correlation"), in member order.
    pub(crate) fn correlation_groups(
        &self,
    ) -> impl Iterator<Item = (&[usize], nalgebra::DMatrix<f64>)> + '_ {
        self.groups
            .iter()
            .map(|g| (g.members.as_slice(), g.correlation()))
    }

    /// Input `i`'s value at normal score `z`: F⁻¹(Φ(z)), as a correlated
    /// draw maps it.
    pub(crate) fn value_at_normal_score(&self, i: usize, z: f64) -> f64 {
        self.prepared[i].at_normal_score(z)
    }

    /// Every input at its central value (model.md §7, base case), held
    /// inputs at their held values.
    pub fn central_values(&self) -> Vec<f64> {
        let mut v: Vec<f64> = self.dists.iter().map(Distribution::central).collect();
        for &(i, x) in &self.held {
            v[i] = x;
        }
        v
    }

    /// Input values with every fixed input set; uncertain slots are
    /// overwritten by each draw.
    pub(crate) fn template(&self) -> Vec<f64> {
        self.central_values()
    }

    /// Scratch length [`InputSpace::draw`] needs for the copula.
    pub(crate) fn scratch_len(&self) -> usize {
        self.largest_group
    }

    /// Draw sample `s`'s inputs into `out` (which holds [`Self::template`]).
    /// Depends only on (plan, s): the generator is re-positioned at stream s.
    #[inline]
    pub(crate) fn draw(
        &self,
        plan: &Plan,
        s: u64,
        rng: &mut ChaCha8Rng,
        eps: &mut [f64],
        out: &mut [f64],
    ) {
        match *plan {
            Plan::Central => {}
            Plan::MonteCarlo => {
                SampleStreams::enter(rng, s);
                for &j in &self.independent {
                    out[j] = self.prepared[j].sample(rng);
                }
                for g in &self.groups {
                    let e = &mut eps[..g.members.len()];
                    for x in e.iter_mut() {
                        *x = StandardNormal.sample(rng);
                    }
                    self.finish_group(g, e, out);
                }
            }
            Plan::Latin {
                key,
                design_len,
                block_len,
            } => {
                SampleStreams::enter(rng, s);
                // With a stop rule every block is its own design (replicated
                // LHS); otherwise one design spans the whole run.
                let (design, local) = match block_len {
                    Some(b) => (s / b, s % b),
                    None => (0, s),
                };
                let n = design_len.call(design);
                let stratum = |dim: usize, rng: &mut ChaCha8Rng| {
                    let p = Permutation::new(n, mix64(key ^ mix64((dim as u64) << 32 ^ design)));
                    (p.apply(local) as f64 + open01(rng)) / n as f64
                };
                // Beta-family inputs are inverted two at a time (see
                // `Prepared::inverse_cdf_pair`), the others at once; the
                // strata are drawn in input order either way.
                let mut waiting = None;
                for &j in &self.independent {
                    let u = stratum(j, rng);
                    self.invert(j, u, &mut waiting, out);
                }
                self.invert_last(waiting, out);
                for g in &self.groups {
                    let e = &mut eps[..g.members.len()];
                    for (x, &m) in e.iter_mut().zip(&g.members) {
                        *x = norm_inv(stratum(m, rng));
                    }
                    self.finish_group(g, e, out);
                }
            }
        }
        // Drawn like the others first, then overwritten, so the inputs not
        // held keep the random numbers they have in the unheld run.
        for &(i, x) in &self.held {
            out[i] = x;
        }
    }

    #[inline]
    fn finish_group(&self, g: &Group, e: &mut [f64], out: &mut [f64]) {
        g.correlate(e);
        let mut waiting = None;
        for (&z, &m) in e.iter().zip(&g.members) {
            let p = &self.prepared[m];
            if p.pairs() {
                // `at_normal_score`'s general case, paired.
                self.invert(m, norm_cdf(z), &mut waiting, out);
            } else {
                out[m] = p.at_normal_score(z);
            }
        }
        self.invert_last(waiting, out);
    }

    /// Sets `out[j]` = F⁻¹(u) of input `j`, or — for a Beta-family input —
    /// holds it in `waiting` until a second one comes and inverts the two
    /// side by side. Every value is what `inverse_cdf` gives alone.
    #[inline]
    fn invert(&self, j: usize, u: f64, waiting: &mut Option<(usize, f64)>, out: &mut [f64]) {
        let p = &self.prepared[j];
        if !p.pairs() {
            out[j] = p.inverse_cdf(u);
            return;
        }
        match waiting.take() {
            None => *waiting = Some((j, u)),
            Some((i, v)) => {
                (out[i], out[j]) = Prepared::inverse_cdf_pair(&self.prepared[i], v, p, u);
            }
        }
    }

    /// Inverts the input [`Self::invert`] left waiting, if any.
    #[inline]
    fn invert_last(&self, waiting: Option<(usize, f64)>, out: &mut [f64]) {
        if let Some((i, v)) = waiting {
            out[i] = self.prepared[i].inverse_cdf(v);
        }
    }

    /// Draw `out.len() / self.len()` consecutive samples starting at
    /// `first`, without any model, e.g. to inspect marginals or measure the
    /// cost of drawing alone. `out` is row-major, one row per sample.
    pub fn draw_samples(
        &self,
        seed: u64,
        method: crate::Method,
        total: u64,
        first: u64,
        out: &mut [f64],
    ) {
        let plan = Plan::new(seed, method, total, None);
        let mut rng = SampleStreams::new(seed).worker();
        let mut eps = vec![0.0; self.scratch_len()];
        let template = self.template();
        if self.is_empty() {
            return;
        }
        for (k, row) in out.chunks_exact_mut(self.len()).enumerate() {
            row.copy_from_slice(&template);
            self.draw(&plan, first + k as u64, &mut rng, &mut eps, row);
        }
    }
}

/// How inputs are drawn in one run.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Plan {
    Central,
    MonteCarlo,
    Latin {
        key: u64,
        /// Size of design d (a block, or the whole run).
        design_len: DesignLen,
        block_len: Option<u64>,
    },
}

/// The size of LHS design number d.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DesignLen {
    total: u64,
    block: Option<u64>,
}

impl DesignLen {
    #[inline]
    fn call(&self, d: u64) -> u64 {
        match self.block {
            None => self.total,
            Some(b) => (self.total - d * b).min(b),
        }
    }
}

impl Plan {
    pub(crate) fn new(seed: u64, method: crate::Method, total: u64, block: Option<u64>) -> Plan {
        match method {
            crate::Method::Central => Plan::Central,
            crate::Method::MonteCarlo => Plan::MonteCarlo,
            crate::Method::LatinHypercube => Plan::Latin {
                key: mix64(seed ^ 0x4c48_535f_6b65_7921),
                design_len: DesignLen { total, block },
                block_len: block,
            },
        }
    }
}
