//! A scalar input: a plain number or a distribution (model.md §7).

use serde::Deserialize;

/// A scalar as written: `0.3` means Fixed(0.3); `Pert(0.2, 0.3, 0.5)` is uncertain.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(
    untagged,
    expecting = "a number or a distribution: Fixed(x), Uniform(lo, hi), Triangular(min, mode, max), \
                 Pert(min, mode, max), Normal(mean, sd), TruncNormal(mean, sd, lo, hi), \
                 LogNormal(mu, sigma), Ci90(lo, hi), Beta(a, b), Gamma(shape, scale), \
                 Discrete([(value, weight), ...])"
)]
pub enum Scalar {
    /// A fixed number.
    Number(f64),
    /// An uncertain input.
    Distribution(DistributionSpec),
}

/// The distributions of model.md §7, with positional parameters.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub enum DistributionSpec {
    /// Fixed(value).
    Fixed(f64),
    /// Uniform(lo, hi).
    Uniform(f64, f64),
    /// Triangular(min, mode, max).
    Triangular(f64, f64, f64),
    /// Pert(min, mode, max), beta-PERT with λ = 4.
    Pert(f64, f64, f64),
    /// Normal(mean, sd).
    Normal(f64, f64),
    /// TruncNormal(mean, sd, lo, hi).
    TruncNormal(f64, f64, f64, f64),
    /// LogNormal(mu, sigma) of the underlying normal.
    LogNormal(f64, f64),
    /// Ci90(lo, hi): the 5th and 95th percentiles.
    Ci90(f64, f64),
    /// Beta(a, b).
    Beta(f64, f64),
    /// Gamma(shape, scale).
    Gamma(f64, f64),
    /// Discrete([(value, weight), …]).
    Discrete(Vec<(f64, f64)>),
}
