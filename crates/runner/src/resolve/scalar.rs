//! Scalars: range checks and registration of uncertain inputs.

use palett_montecarlo::Distribution;

use super::Resolver;
use crate::config::{DistributionSpec, Scalar};
use crate::source::FileId;
use palett_model::value::{Param, Value};

/// The valid range of a scalar, for checks and messages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
    /// The lower bound itself is not allowed.
    pub lo_open: bool,
    /// The upper bound itself is not allowed.
    pub hi_open: bool,
}

impl Range {
    /// Any finite number.
    pub const ANY: Range = Range {
        lo: f64::NEG_INFINITY,
        hi: f64::INFINITY,
        lo_open: false,
        hi_open: false,
    };
    /// ≥ 0.
    pub const NON_NEGATIVE: Range = Range {
        lo: 0.0,
        hi: f64::INFINITY,
        lo_open: false,
        hi_open: false,
    };
    /// > 0.
    pub const POSITIVE: Range = Range {
        lo: 0.0,
        hi: f64::INFINITY,
        lo_open: true,
        hi_open: false,
    };
    /// A share or probability, 0–1.
    pub const SHARE: Range = Range {
        lo: 0.0,
        hi: 1.0,
        lo_open: false,
        hi_open: false,
    };

    /// Whether `x` lies in the range.
    pub fn contains(&self, x: f64) -> bool {
        let above = if self.lo_open {
            x > self.lo
        } else {
            x >= self.lo
        };
        let below = if self.hi_open {
            x < self.hi
        } else {
            x <= self.hi
        };
        x.is_finite() && above && below
    }

    /// Whether a distribution with support [lo, hi] stays in the range.
    /// Bounds are compared as closed: a log-normal on (0, ∞) is accepted
    /// where values must be greater than 0.
    pub fn covers_support(&self, lo: f64, hi: f64) -> bool {
        let lo_ok = if lo.is_infinite() {
            self.lo == lo
        } else {
            lo >= self.lo
        };
        let hi_ok = if hi.is_infinite() {
            self.hi == hi
        } else {
            hi <= self.hi
        };
        lo_ok && hi_ok
    }

    /// "between 0 and 1", "at least 0", "greater than 0", "a finite number".
    pub fn describe(&self) -> String {
        let lo = if self.lo_open {
            "greater than"
        } else {
            "at least"
        };
        match (self.lo.is_finite(), self.hi.is_finite()) {
            (true, true) if !self.lo_open && !self.hi_open => {
                format!("between {} and {}", self.lo, self.hi)
            }
            (true, true) => format!(
                "in {}{}, {}{}",
                if self.lo_open { "(" } else { "[" },
                self.lo,
                self.hi,
                if self.hi_open { ")" } else { "]" }
            ),
            (true, false) => format!("{lo} {}", self.lo),
            (false, true) => format!("at most {}", self.hi),
            (false, false) => "a finite number".to_string(),
        }
    }
}

/// Largest magnitude of any number in a scenario (SEK, people, units,
/// parameters): 10¹². Products of a few such numbers over the horizon and
/// the samples stay far from overflow, so a result is never non-finite
/// because of an input; docs/scenario-format.md states it.
pub const MAX_MAGNITUDE: f64 = 1e12;

/// "must be a finite number of at most 1e12 in magnitude": the limit as a
/// message fragment.
pub fn magnitude_message(what: &str, got: f64) -> String {
    format!(
        "{what} must be a finite number no larger than 1e12 in magnitude (the limit for any number in a scenario); got {got}"
    )
}

/// Whether `x` is finite and within [`MAX_MAGNITUDE`].
pub fn within_magnitude(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_MAGNITUDE
}

/// The first number of a distribution spec over [`MAX_MAGNITUDE`], checked
/// before the distribution is built (building precomputes tables whose
/// cost grows with the range).
fn first_too_large(spec: &DistributionSpec) -> Option<f64> {
    use DistributionSpec as S;
    let numbers: Vec<f64> = match spec {
        S::Fixed(a) => vec![*a],
        S::Uniform(a, b)
        | S::Normal(a, b)
        | S::LogNormal(a, b)
        | S::Ci90(a, b)
        | S::Beta(a, b)
        | S::Gamma(a, b) => vec![*a, *b],
        S::Triangular(a, b, c) | S::Pert(a, b, c) => vec![*a, *b, *c],
        S::TruncNormal(a, b, c, d) => vec![*a, *b, *c, *d],
        S::Discrete(points) => points.iter().flat_map(|(v, w)| [*v, *w]).collect(),
    };
    numbers.into_iter().find(|x| !within_magnitude(*x))
}

/// The engine's distribution for a spec, with its parameters validated.
pub(crate) fn to_distribution(spec: &DistributionSpec) -> Result<Distribution, String> {
    use DistributionSpec as S;
    let d = match spec.clone() {
        S::Fixed(v) => Distribution::Fixed(v),
        S::Uniform(lo, hi) => Distribution::Uniform { lo, hi },
        S::Triangular(min, mode, max) => Distribution::Triangular { min, mode, max },
        S::Pert(min, mode, max) => Distribution::Pert { min, mode, max },
        S::Normal(mean, sd) => Distribution::Normal { mean, sd },
        S::TruncNormal(mean, sd, lo, hi) => Distribution::TruncNormal { mean, sd, lo, hi },
        S::LogNormal(mu, sigma) => Distribution::LogNormal { mu, sigma },
        S::Ci90(lo, hi) => Distribution::Ci90 { lo, hi },
        S::Beta(a, b) => Distribution::Beta { a, b },
        S::Gamma(shape, scale) => Distribution::Gamma { shape, scale },
        S::Discrete(points) => Distribution::Discrete(points),
    };
    d.validate().map_err(|e| e.to_string())
}

impl Resolver<'_> {
    /// Checks a scalar against `range` and registers it as an input when it
    /// is uncertain. On error returns a harmless placeholder (the error stops
    /// the scenario from running anyway).
    pub(crate) fn scalar(
        &mut self,
        file: FileId,
        path: &str,
        scalar: &Scalar,
        range: Range,
        what: &str,
    ) -> Value {
        match scalar {
            Scalar::Number(v) => {
                if !within_magnitude(*v) {
                    self.error(file, path, magnitude_message(what, *v));
                } else if !range.contains(*v) {
                    self.error(
                        file,
                        path,
                        format!("{what} must be {}; got {v}", range.describe()),
                    );
                }
                Value::Fixed(*v)
            }
            Scalar::Distribution(spec) => {
                if let Some(x) = first_too_large(spec) {
                    self.error(
                        file,
                        path,
                        format!(
                            "{what}: every parameter {}",
                            magnitude_message("", x).trim_start()
                        ),
                    );
                    return Value::Fixed(0.0);
                }
                let dist = match to_distribution(spec) {
                    Ok(d) => d,
                    Err(msg) => {
                        self.error(file, path, format!("{what}: {msg}"));
                        return Value::Fixed(0.0);
                    }
                };
                let (lo, hi) = dist.support();
                let central = dist.central();
                if !within_magnitude(central)
                    || (lo.is_finite() && !within_magnitude(lo))
                    || (hi.is_finite() && !within_magnitude(hi))
                {
                    self.error(
                        file,
                        path,
                        format!(
                            "{what}: {dist} reaches beyond 1e12 in magnitude (the limit for any \
                             number in a scenario): its central value is {central}, its range \
                             {lo} to {hi}"
                        ),
                    );
                    return Value::Fixed(0.0);
                }
                if !range.covers_support(lo, hi) {
                    self.error(
                        file,
                        path,
                        format!(
                            "{what} must be {}, but {dist} can take values from {lo} to {hi}; \
                             use a distribution bounded to that range (Uniform, Triangular, \
                             Pert, TruncNormal or, for a share, Beta)",
                            range.describe()
                        ),
                    );
                    return Value::Fixed(dist.central());
                }
                if dist.is_fixed() {
                    return Value::Fixed(dist.central());
                }
                let file_path = self.file_path(file).to_path_buf();
                let index = self.params.entries.len();
                self.params.entries.push(Param {
                    path: path.to_string(),
                    file: file_path,
                    distribution: dist,
                });
                Value::Input(index)
            }
        }
    }
}
