//! Input distributions, their validation, central (base-case) values,
//! inverse CDFs and direct sampling (model.md §7).

use std::fmt;

use rand::Rng;
use rand::distr::Distribution as _;

use crate::error::DistributionError;
use crate::special::{Quantile, norm_cdf, norm_inv, norm_pdf};
use crate::stream::open01;

/// z₀.₉₅ = Φ⁻¹(0.95): a Ci90's bounds lie this many sd from its centre.
pub(crate) const Z95: f64 = 1.644_853_626_951_472_2;

/// The distribution of one uncertain scalar input (model.md §7).
///
/// Parameters are in the input's own unit (SEK, years, shares …), except
/// `LogNormal`'s μ and σ, which are the mean and sd of ln X. Build with the
/// variants, then call [`Distribution::validate`]; the engine only accepts
/// validated distributions (through [`crate::InputSpace::new`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    /// Always this value.
    Fixed(f64),
    /// Uniform on [lo, hi].
    Uniform {
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
    },
    /// Triangular on [min, max] with peak at `mode`.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Beta-PERT on [min, max] with mode `mode` and λ = 4.
    Pert {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Normal with this mean and standard deviation.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (≥ 0).
        sd: f64,
    },
    /// Normal(mean, sd) restricted to [lo, hi] (either bound may be infinite).
    TruncNormal {
        /// Mean of the untruncated normal.
        mean: f64,
        /// Standard deviation of the untruncated normal (> 0).
        sd: f64,
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
    },
    /// Log-normal: ln X ~ Normal(mu, sigma).
    LogNormal {
        /// Mean of ln X.
        mu: f64,
        /// Standard deviation of ln X (≥ 0).
        sigma: f64,
    },
    /// A 90 % interval: `lo` and `hi` are the 5th and 95th percentiles;
    /// log-normal when lo > 0, normal otherwise.
    Ci90 {
        /// 5th percentile.
        lo: f64,
        /// 95th percentile.
        hi: f64,
    },
    /// Beta(a, b) on [0, 1].
    Beta {
        /// First shape parameter (> 0).
        a: f64,
        /// Second shape parameter (> 0).
        b: f64,
    },
    /// Gamma with this shape and scale (mean = shape · scale).
    Gamma {
        /// Shape k (> 0).
        shape: f64,
        /// Scale θ (> 0).
        scale: f64,
    },
    /// Finitely many values, each with a non-negative weight (weights need
    /// not sum to 1).
    Discrete(Vec<(f64, f64)>),
}

fn err(kind: &'static str, message: String) -> Result<(), DistributionError> {
    Err(DistributionError::new(kind, message))
}

impl Distribution {
    /// The distribution's name as written in a scenario.
    pub fn kind(&self) -> &'static str {
        match self {
            Distribution::Fixed(_) => "Fixed",
            Distribution::Uniform { .. } => "Uniform",
            Distribution::Triangular { .. } => "Triangular",
            Distribution::Pert { .. } => "Pert",
            Distribution::Normal { .. } => "Normal",
            Distribution::TruncNormal { .. } => "TruncNormal",
            Distribution::LogNormal { .. } => "LogNormal",
            Distribution::Ci90 { .. } => "Ci90",
            Distribution::Beta { .. } => "Beta",
            Distribution::Gamma { .. } => "Gamma",
            Distribution::Discrete(_) => "Discrete",
        }
    }

    /// Check the parameters (model.md §7) without consuming the value.
    pub fn check(&self) -> Result<(), DistributionError> {
        let k = self.kind();
        match *self {
            Distribution::Fixed(v) => {
                if !v.is_finite() {
                    return err(k, format!("Fixed needs a finite value; got {v}"));
                }
            }
            Distribution::Uniform { lo, hi } => {
                if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                    return err(
                        k,
                        format!("Uniform needs finite lo ≤ hi; got lo = {lo}, hi = {hi}"),
                    );
                }
            }
            Distribution::Triangular { min, mode, max } | Distribution::Pert { min, mode, max } => {
                let ok = min.is_finite()
                    && mode.is_finite()
                    && max.is_finite()
                    && min <= mode
                    && mode <= max
                    && min < max;
                if !ok {
                    return err(
                        k,
                        format!(
                            "{k} needs min ≤ mode ≤ max with min < max, all finite; got min = {min}, mode = {mode}, max = {max}"
                        ),
                    );
                }
            }
            Distribution::Normal { mean, sd } => {
                if !(mean.is_finite() && sd.is_finite() && sd >= 0.0) {
                    return err(
                        k,
                        format!(
                            "Normal needs a finite mean and a finite sd ≥ 0; got mean = {mean}, sd = {sd}"
                        ),
                    );
                }
            }
            Distribution::TruncNormal { mean, sd, lo, hi } => {
                if !(mean.is_finite() && sd.is_finite() && sd > 0.0) {
                    return err(
                        k,
                        format!(
                            "TruncNormal needs a finite mean and a finite sd > 0; got mean = {mean}, sd = {sd}"
                        ),
                    );
                }
                if lo.is_nan() || hi.is_nan() || lo >= hi {
                    return err(
                        k,
                        format!(
                            "TruncNormal needs lo < hi (either may be infinite); got lo = {lo}, hi = {hi}"
                        ),
                    );
                }
                if TruncNormal::new(mean, sd, lo, hi).mass <= 0.0 {
                    return err(
                        k,
                        format!(
                            "TruncNormal needs [lo, hi] within about 37 sd of the mean so it has probability mass; got mean = {mean}, sd = {sd}, lo = {lo}, hi = {hi}"
                        ),
                    );
                }
            }
            Distribution::LogNormal { mu, sigma } => {
                if !(mu.is_finite() && sigma.is_finite() && sigma >= 0.0) {
                    return err(
                        k,
                        format!(
                            "LogNormal needs a finite mu and a finite sigma ≥ 0 (of ln X); got mu = {mu}, sigma = {sigma}"
                        ),
                    );
                }
            }
            Distribution::Ci90 { lo, hi } => {
                if !(lo.is_finite() && hi.is_finite() && lo < hi) {
                    return err(
                        k,
                        format!(
                            "Ci90 needs finite lo < hi (the 5th and 95th percentiles); got lo = {lo}, hi = {hi}"
                        ),
                    );
                }
            }
            Distribution::Beta { a, b } => {
                if !(a.is_finite() && b.is_finite() && a > 0.0 && b > 0.0) {
                    return err(
                        k,
                        format!("Beta needs finite a > 0 and b > 0; got a = {a}, b = {b}"),
                    );
                }
            }
            Distribution::Gamma { shape, scale } => {
                if !(shape.is_finite() && scale.is_finite() && shape > 0.0 && scale > 0.0) {
                    return err(
                        k,
                        format!(
                            "Gamma needs finite shape > 0 and scale > 0; got shape = {shape}, scale = {scale}"
                        ),
                    );
                }
            }
            Distribution::Discrete(ref items) => {
                if items.is_empty() {
                    return err(
                        k,
                        "Discrete needs at least one (value, weight) pair; got none".into(),
                    );
                }
                for &(v, w) in items {
                    if !(v.is_finite() && w.is_finite() && w >= 0.0) {
                        return err(
                            k,
                            format!(
                                "Discrete needs finite values and finite weights ≥ 0; got ({v}, {w})"
                            ),
                        );
                    }
                }
                let total: f64 = items.iter().map(|p| p.1).sum();
                if total.is_nan() || total <= 0.0 {
                    return err(
                        k,
                        "Discrete needs weights with a positive sum; got all weights 0".into(),
                    );
                }
            }
        }
        Ok(())
    }

    /// Validate the parameters (model.md §7), returning the distribution
    /// unchanged when they are valid.
    pub fn validate(self) -> Result<Distribution, DistributionError> {
        self.check()?;
        Ok(self)
    }

    /// The central value used by the deterministic base case (model.md §7):
    /// Fixed: the value; Uniform: midpoint; Triangular/Pert: mode; Normal,
    /// TruncNormal, Beta, Gamma: mean (for TruncNormal the mean of the
    /// truncated distribution); LogNormal, Ci90: median; Discrete: the value
    /// of largest weight (the first listed on a tie). NaN if invalid.
    pub fn central(&self) -> f64 {
        match *self {
            Distribution::Fixed(v) => v,
            Distribution::Uniform { lo, hi } => 0.5 * (lo + hi),
            Distribution::Triangular { mode, .. } | Distribution::Pert { mode, .. } => mode,
            Distribution::Normal { mean, .. } => mean,
            Distribution::TruncNormal { mean, sd, lo, hi } => {
                if self.check().is_err() {
                    return f64::NAN;
                }
                TruncNormal::new(mean, sd, lo, hi).mean()
            }
            Distribution::LogNormal { mu, .. } => mu.exp(),
            Distribution::Ci90 { lo, hi } => {
                if lo > 0.0 {
                    (lo * hi).sqrt()
                } else {
                    0.5 * (lo + hi)
                }
            }
            Distribution::Beta { a, b } => a / (a + b),
            Distribution::Gamma { shape, scale } => shape * scale,
            Distribution::Discrete(ref items) => {
                let mut best: Option<(f64, f64)> = None;
                for &(v, w) in items {
                    if best.is_none_or(|(_, bw)| w > bw) {
                        best = Some((v, w));
                    }
                }
                best.map_or(f64::NAN, |b| b.0)
            }
        }
    }

    /// Closed bounds of the values the distribution can produce; ±∞ where
    /// unbounded (e.g. a probability input can be checked to lie in [0, 1]).
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Distribution::Fixed(v) => (v, v),
            Distribution::Uniform { lo, hi } => (lo, hi),
            Distribution::Triangular { min, max, .. } | Distribution::Pert { min, max, .. } => {
                (min, max)
            }
            Distribution::Normal { mean, sd } => {
                if sd == 0.0 {
                    (mean, mean)
                } else {
                    (f64::NEG_INFINITY, f64::INFINITY)
                }
            }
            Distribution::TruncNormal { lo, hi, .. } => (lo, hi),
            Distribution::LogNormal { mu, sigma } => {
                if sigma == 0.0 {
                    (mu.exp(), mu.exp())
                } else {
                    (0.0, f64::INFINITY)
                }
            }
            Distribution::Ci90 { lo, .. } => {
                if lo > 0.0 {
                    (0.0, f64::INFINITY)
                } else {
                    (f64::NEG_INFINITY, f64::INFINITY)
                }
            }
            Distribution::Beta { .. } => (0.0, 1.0),
            Distribution::Gamma { .. } => (0.0, f64::INFINITY),
            Distribution::Discrete(ref items) => {
                let mut lo = f64::INFINITY;
                let mut hi = f64::NEG_INFINITY;
                for &(v, w) in items {
                    if w > 0.0 {
                        lo = lo.min(v);
                        hi = hi.max(v);
                    }
                }
                (lo, hi)
            }
        }
    }

    /// True when `v` is a value the distribution can produce: finite,
    /// within [`Distribution::support`], and for `Discrete` one of its
    /// values of positive weight.
    pub fn can_take(&self, v: f64) -> bool {
        let (lo, hi) = self.support();
        if !(v.is_finite() && lo <= v && v <= hi) {
            return false;
        }
        match self {
            Distribution::Discrete(items) => items.iter().any(|&(x, w)| w > 0.0 && x == v),
            _ => true,
        }
    }

    /// True when the distribution has a single possible value (Fixed, or a
    /// degenerate one such as Normal with sd = 0); such inputs draw nothing.
    pub fn is_fixed(&self) -> bool {
        let (lo, hi) = self.support();
        lo == hi
    }

    /// The quantile function F⁻¹(u) for u in [0, 1] (u = 0 and 1 give the
    /// support's bounds); used by Latin hypercube sampling and the copula.
    /// NaN if the distribution is invalid or u is outside [0, 1].
    pub fn inverse_cdf(&self, u: f64) -> f64 {
        match Prepared::build(self, false) {
            Ok(p) if (0.0..=1.0).contains(&u) => p.inverse_cdf(u),
            _ => f64::NAN,
        }
    }

    /// One random draw. Builds the sampler on every call; the engine
    /// prepares samplers once instead. NaN if the distribution is invalid.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match Prepared::build(self, false) {
            Ok(p) => p.sample(rng),
            Err(_) => f64::NAN,
        }
    }
}

impl fmt::Display for Distribution {
    /// Scenario-like notation, e.g. `Pert(1, 2, 3)`, `Discrete([(1, 0.25), (2, 0.75)])`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Distribution::Fixed(v) => write!(f, "Fixed({v})"),
            Distribution::Uniform { lo, hi } => write!(f, "Uniform({lo}, {hi})"),
            Distribution::Triangular { min, mode, max } => {
                write!(f, "Triangular({min}, {mode}, {max})")
            }
            Distribution::Pert { min, mode, max } => write!(f, "Pert({min}, {mode}, {max})"),
            Distribution::Normal { mean, sd } => write!(f, "Normal({mean}, {sd})"),
            Distribution::TruncNormal { mean, sd, lo, hi } => {
                write!(f, "TruncNormal({mean}, {sd}, {lo}, {hi})")
            }
            Distribution::LogNormal { mu, sigma } => write!(f, "LogNormal({mu}, {sigma})"),
            Distribution::Ci90 { lo, hi } => write!(f, "Ci90({lo}, {hi})"),
            Distribution::Beta { a, b } => write!(f, "Beta({a}, {b})"),
            Distribution::Gamma { shape, scale } => write!(f, "Gamma({shape}, {scale})"),
            Distribution::Discrete(items) => {
                write!(f, "Discrete([")?;
                for (i, (v, w)) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "({v}, {w})")?;
                }
                write!(f, "])")
            }
        }
    }
}

/// A normal restricted to [lo, hi], precomputed for inversion. When the whole
/// range lies above the mean it is mirrored, so that Φ is evaluated in the
/// lower tail where it keeps its relative precision.
#[derive(Debug, Clone)]
pub(crate) struct TruncNormal {
    mean: f64,
    sd: f64,
    flip: bool,
    a: f64,
    b: f64,
    cdf_a: f64,
    pub(crate) mass: f64,
}

impl TruncNormal {
    pub(crate) fn new(mean: f64, sd: f64, lo: f64, hi: f64) -> Self {
        let (mut a, mut b) = ((lo - mean) / sd, (hi - mean) / sd);
        let flip = a > 0.0;
        if flip {
            (a, b) = (-b, -a);
        }
        let cdf_a = norm_cdf(a);
        let mass = norm_cdf(b) - cdf_a;
        Self {
            mean,
            sd,
            flip,
            a,
            b,
            cdf_a,
            mass,
        }
    }

    fn inverse_cdf(&self, u: f64) -> f64 {
        let u = if self.flip { 1.0 - u } else { u };
        let z = norm_inv(self.cdf_a + u * self.mass).clamp(self.a, self.b);
        let z = if self.flip { -z } else { z };
        self.mean + self.sd * z
    }

    pub(crate) fn mean(&self) -> f64 {
        let shift = (norm_pdf(self.a) - norm_pdf(self.b)) / self.mass;
        let shift = if self.flip { -shift } else { shift };
        self.mean + self.sd * shift
    }
}

/// A validated distribution with everything precomputed that sampling and
/// inversion need, so that the per-sample cost is only the draw itself.
#[derive(Debug, Clone)]
pub(crate) enum Prepared {
    Fixed(f64),
    Uniform {
        lo: f64,
        width: f64,
    },
    Triangular {
        d: rand_distr::Triangular<f64>,
        min: f64,
        mode: f64,
        max: f64,
    },
    Pert {
        d: rand_distr::Pert<f64>,
        min: f64,
        width: f64,
        q: Quantile,
    },
    Normal {
        d: rand_distr::Normal<f64>,
        mean: f64,
        sd: f64,
    },
    TruncNormal(TruncNormal),
    LogNormal {
        d: rand_distr::LogNormal<f64>,
        mu: f64,
        sigma: f64,
    },
    Beta {
        d: rand_distr::Beta<f64>,
        q: Quantile,
    },
    Gamma {
        d: rand_distr::Gamma<f64>,
        q: Quantile,
        scale: f64,
    },
    Discrete {
        values: Vec<f64>,
        cum: Vec<f64>,
    },
}

fn wrap<T, E: fmt::Display>(kind: &'static str, r: Result<T, E>) -> Result<T, DistributionError> {
    r.map_err(|e| DistributionError::new(kind, format!("{kind}: {e}")))
}

impl Prepared {
    /// Prepared for many draws: Pert, Beta and Gamma get a knot table that
    /// speeds up their inverse CDF (~60 µs to build, ~2 KB).
    pub(crate) fn new(d: &Distribution) -> Result<Prepared, DistributionError> {
        Prepared::build(d, true)
    }

    /// Prepared, with or without the inverse CDF's knot table (which only
    /// changes its speed, not its values beyond the last bits).
    pub(crate) fn build(d: &Distribution, tabulate: bool) -> Result<Prepared, DistributionError> {
        let table = |q: Quantile| if tabulate { q.tabulated() } else { q };
        d.check()?;
        let k = d.kind();
        if d.is_fixed() {
            return Ok(Prepared::Fixed(d.support().0));
        }
        Ok(match *d {
            Distribution::Fixed(v) => Prepared::Fixed(v),
            Distribution::Uniform { lo, hi } => Prepared::Uniform { lo, width: hi - lo },
            Distribution::Triangular { min, mode, max } => Prepared::Triangular {
                d: wrap(k, rand_distr::Triangular::new(min, max, mode))?,
                min,
                mode,
                max,
            },
            Distribution::Pert { min, mode, max } => {
                let width = max - min;
                Prepared::Pert {
                    d: wrap(k, rand_distr::Pert::new(min, max).with_mode(mode))?,
                    min,
                    width,
                    q: table(Quantile::beta(
                        1.0 + 4.0 * (mode - min) / width,
                        1.0 + 4.0 * (max - mode) / width,
                    )),
                }
            }
            Distribution::Normal { mean, sd } => Prepared::Normal {
                d: wrap(k, rand_distr::Normal::new(mean, sd))?,
                mean,
                sd,
            },
            Distribution::TruncNormal { mean, sd, lo, hi } => {
                Prepared::TruncNormal(TruncNormal::new(mean, sd, lo, hi))
            }
            Distribution::LogNormal { mu, sigma } => Prepared::LogNormal {
                d: wrap(k, rand_distr::LogNormal::new(mu, sigma))?,
                mu,
                sigma,
            },
            Distribution::Ci90 { lo, hi } => {
                if lo > 0.0 {
                    let mu = 0.5 * (lo.ln() + hi.ln());
                    let sigma = (hi.ln() - lo.ln()) / (2.0 * Z95);
                    Prepared::LogNormal {
                        d: wrap(k, rand_distr::LogNormal::new(mu, sigma))?,
                        mu,
                        sigma,
                    }
                } else {
                    let mean = 0.5 * (lo + hi);
                    let sd = (hi - lo) / (2.0 * Z95);
                    Prepared::Normal {
                        d: wrap(k, rand_distr::Normal::new(mean, sd))?,
                        mean,
                        sd,
                    }
                }
            }
            Distribution::Beta { a, b } => Prepared::Beta {
                d: wrap(k, rand_distr::Beta::new(a, b))?,
                q: table(Quantile::beta(a, b)),
            },
            Distribution::Gamma { shape, scale } => Prepared::Gamma {
                d: wrap(k, rand_distr::Gamma::new(shape, scale))?,
                q: table(Quantile::gamma(shape)),
                scale,
            },
            Distribution::Discrete(ref items) => {
                let mut kept: Vec<(f64, f64)> =
                    items.iter().copied().filter(|p| p.1 > 0.0).collect();
                kept.sort_by(|x, y| x.0.total_cmp(&y.0));
                let total: f64 = kept.iter().map(|p| p.1).sum();
                let mut acc = 0.0;
                let mut cum = Vec::with_capacity(kept.len());
                for p in &kept {
                    acc += p.1;
                    cum.push(acc / total);
                }
                if let Some(last) = cum.last_mut() {
                    *last = 1.0;
                }
                Prepared::Discrete {
                    values: kept.iter().map(|p| p.0).collect(),
                    cum,
                }
            }
        })
    }

    pub(crate) fn is_fixed(&self) -> bool {
        matches!(self, Prepared::Fixed(_))
    }

    /// A direct draw; uses rand_distr's samplers where it has one.
    #[inline]
    pub(crate) fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Prepared::Fixed(v) => *v,
            Prepared::Uniform { lo, width } => lo + width * open01(rng),
            Prepared::Triangular { d, .. } => d.sample(rng),
            Prepared::Pert { d, .. } => d.sample(rng),
            Prepared::Normal { d, .. } => d.sample(rng),
            Prepared::LogNormal { d, .. } => d.sample(rng),
            Prepared::Beta { d, .. } => d.sample(rng),
            Prepared::Gamma { d, .. } => d.sample(rng),
            Prepared::TruncNormal(_) | Prepared::Discrete { .. } => self.inverse_cdf(open01(rng)),
        }
    }

    /// F⁻¹(u), u in [0, 1].
    pub(crate) fn inverse_cdf(&self, u: f64) -> f64 {
        match self {
            Prepared::Fixed(v) => *v,
            Prepared::Uniform { lo, width } => lo + width * u,
            Prepared::Triangular { min, mode, max, .. } => {
                let (a, b, c) = (*min, *max, *mode);
                let fc = (c - a) / (b - a);
                if u < fc {
                    a + (u * (b - a) * (c - a)).sqrt()
                } else {
                    b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
                }
            }
            Prepared::Pert { min, width, q, .. } => min + width * q.inverse(u),
            Prepared::Normal { mean, sd, .. } => mean + sd * norm_inv(u),
            Prepared::TruncNormal(t) => t.inverse_cdf(u),
            Prepared::LogNormal { mu, sigma, .. } => (mu + sigma * norm_inv(u)).exp(),
            Prepared::Beta { q, .. } => q.inverse(u),
            Prepared::Gamma { q, scale, .. } => scale * q.inverse(u),
            Prepared::Discrete { values, cum } => {
                let i = cum.partition_point(|&c| c < u).min(values.len() - 1);
                values[i]
            }
        }
    }

    /// Whether [`Self::inverse_cdf`] inverts a Beta-family quantile
    /// function (Pert, Beta) — the ones [`Self::inverse_cdf_pair`] pairs.
    #[inline]
    pub(crate) fn pairs(&self) -> bool {
        matches!(self, Prepared::Pert { .. } | Prepared::Beta { .. })
    }

    /// `(a.inverse_cdf(u), b.inverse_cdf(v))`, bit for bit; two Beta-family
    /// inversions (see [`Self::pairs`]) run side by side.
    #[inline]
    pub(crate) fn inverse_cdf_pair(a: &Prepared, u: f64, b: &Prepared, v: f64) -> (f64, f64) {
        /// The quantile function and the affine map after it.
        fn parts(p: &Prepared) -> Option<(&Quantile, Option<(f64, f64)>)> {
            match p {
                Prepared::Pert { min, width, q, .. } => Some((q, Some((*min, *width)))),
                Prepared::Beta { q, .. } => Some((q, None)),
                _ => None,
            }
        }
        let (Some((qa, ma)), Some((qb, mb))) = (parts(a), parts(b)) else {
            return (a.inverse_cdf(u), b.inverse_cdf(v));
        };
        let (x, y) = Quantile::inverse_pair(qa, u, qb, v);
        let map = |m: Option<(f64, f64)>, x: f64| m.map_or(x, |(min, width)| min + width * x);
        (map(ma, x), map(mb, y))
    }

    /// F⁻¹(Φ(z)) for a standard-normal score z; exact shortcuts for the
    /// normal family keep the copula's tails precise and cheap.
    #[inline]
    pub(crate) fn at_normal_score(&self, z: f64) -> f64 {
        match self {
            Prepared::Normal { mean, sd, .. } => mean + sd * z,
            Prepared::LogNormal { mu, sigma, .. } => (mu + sigma * z).exp(),
            _ => self.inverse_cdf(norm_cdf(z)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pair of inputs inverted together gets what each gets alone, for
    /// pairs of every kind: two Beta-family ones side by side, anything
    /// else one by one.
    #[test]
    fn paired_inverse_cdfs_match_single_ones() {
        let dists = [
            Distribution::Pert {
                min: 1.0,
                mode: 2.0,
                max: 5.0,
            },
            Distribution::Pert {
                min: -3.0,
                mode: -2.9,
                max: 40.0,
            },
            Distribution::Beta { a: 2.0, b: 3.0 },
            Distribution::Beta { a: 0.4, b: 0.7 },
            Distribution::Gamma {
                shape: 2.5,
                scale: 1.5,
            },
            Distribution::Normal { mean: 1.0, sd: 2.0 },
            Distribution::Uniform { lo: 0.0, hi: 2.0 },
        ];
        let us = [0.0, 1e-12, 0.01, 0.3, 0.5, 0.77, 0.999, 1.0];
        for tabulate in [false, true] {
            let prepared: Vec<Prepared> = dists
                .iter()
                .map(|d| Prepared::build(d, tabulate).expect("valid"))
                .collect();
            for a in &prepared {
                for b in &prepared {
                    for &u in &us {
                        for &v in &us {
                            let (x, y) = Prepared::inverse_cdf_pair(a, u, b, v);
                            assert_eq!(x.to_bits(), a.inverse_cdf(u).to_bits());
                            assert_eq!(y.to_bits(), b.inverse_cdf(v).to_bits());
                        }
                    }
                }
            }
        }
    }
}
