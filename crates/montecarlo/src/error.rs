//! Errors of the Monte Carlo engine (model.md §7). Every message says what
//! is wrong and what would be valid, so the runner can show it as is next to
//! the file position it knows.

use thiserror::Error;

/// A distribution whose parameters are invalid (model.md §7: "invalid
/// parameters are errors"). The message names the rule and the values given,
/// e.g. "Pert needs min ≤ mode ≤ max with min < max; got min = 3, mode = 2,
/// max = 1".
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{message}")]
pub struct DistributionError {
    /// The distribution's name as written in a scenario, e.g. "Pert".
    pub kind: &'static str,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl DistributionError {
    pub(crate) fn new(kind: &'static str, message: String) -> Self {
        Self { kind, message }
    }
}

/// Anything that stops a Monte Carlo run from starting (model.md §7).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum McError {
    /// An input's distribution has invalid parameters.
    #[error("input `{input}`: {source}")]
    Distribution {
        /// The input's name.
        input: String,
        /// What is wrong with its parameters.
        source: DistributionError,
    },
    /// Two inputs share a name.
    #[error("input `{0}` is defined twice; input names must be unique")]
    DuplicateInput(String),
    /// A correlation names an input that does not exist.
    #[error("correlation names `{name}`, which is not an uncertain input; known inputs: {known}")]
    UnknownInput {
        /// The unknown name.
        name: String,
        /// The known input names, comma-separated.
        known: String,
    },
    /// A rank correlation outside [−1, 1] or not a number.
    #[error("rank correlation between `{a}` and `{b}` must lie in [-1, 1]; got {rho}")]
    CorrelationOutOfRange {
        /// First input.
        a: String,
        /// Second input.
        b: String,
        /// The value given.
        rho: f64,
    },
    /// The same pair is correlated twice (in either order).
    #[error("correlation between `{a}` and `{b}` is given more than once; give each pair once")]
    DuplicateCorrelation {
        /// First input.
        a: String,
        /// Second input.
        b: String,
    },
    /// An input correlated with itself.
    #[error("input `{0}` is correlated with itself; a correlation needs two different inputs")]
    SelfCorrelation(String),
    /// A correlation on an input that has no uncertainty.
    #[error(
        "input `{0}` has a fixed value, so it cannot be correlated; give it a distribution or drop the correlation"
    )]
    CorrelatedFixed(String),
    /// The implied Pearson matrix of a group of correlated inputs is not
    /// positive definite.
    #[error(
        "the rank correlations among {} are inconsistent: their matrix is not positive definite \
         (a correlation of ±1, or e.g. a ≈ b, b ≈ c but a ≈ −c); weaken or remove some of them",
        .inputs.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
    )]
    NotPositiveDefinite {
        /// The inputs whose correlations conflict (one connected group).
        inputs: Vec<String>,
    },
    /// A held input's index is out of range.
    #[error("held input {index} does not exist; there are {inputs} inputs")]
    HeldIndex {
        /// The index given.
        index: usize,
        /// The number of inputs.
        inputs: usize,
    },
    /// The same input is held twice.
    #[error("input `{0}` is held at a value twice; hold each input once")]
    HeldTwice(String),
    /// A held value the input's distribution cannot take.
    #[error("input `{input}` cannot be held at {value}: its distribution takes {valid}")]
    HeldOutsideSupport {
        /// The input's name.
        input: String,
        /// The value asked for.
        value: f64,
        /// What it can take, in words: "values in [0.2, 0.9]" or "one of
        /// 0.3, 0.7".
        valid: String,
    },
    /// Run settings or output layout that cannot work, e.g. zero samples or
    /// a contest member index out of range.
    #[error("{0}")]
    Settings(String),
    /// A Shapley-effect setting below its minimum.
    #[error("Shapley setting `{setting}` is {value}; it must be at least {min}")]
    ShapleySetting {
        /// The setting's name, as in [`crate::shapley::ShapleySettings`].
        setting: &'static str,
        /// The value given.
        value: u64,
        /// The smallest value that works.
        min: u64,
    },
    /// An output index outside the layout's scalars.
    #[error("output {index} does not exist; the layout has {scalars} scalars")]
    OutputIndex {
        /// The index given.
        index: usize,
        /// The number of scalars.
        scalars: usize,
    },
}
