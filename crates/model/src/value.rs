//! Uncertain inputs: every scalar of a scenario is either a fixed number or
//! an input of the Monte Carlo engine, named by its path in the file
//! (model.md §7).

use palett_montecarlo::Distribution;

/// A scalar after resolution: fixed, or the index of an uncertain input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A number known exactly.
    Fixed(f64),
    /// Index into the [`ParamTable`] (and so into each sample's input vector).
    Input(usize),
}

impl Value {
    /// The value in one sample, given that sample's input vector.
    #[inline]
    pub fn get(self, inputs: &[f64]) -> f64 {
        match self {
            Value::Fixed(v) => v,
            Value::Input(i) => inputs[i],
        }
    }
}

/// One uncertain input: where it is written and how it is distributed.
#[derive(Debug, Clone)]
pub struct Param {
    /// Its path, e.g. `groups.members.stock`: the name used in correlations.
    pub path: String,
    /// The file it is written in.
    pub file: std::path::PathBuf,
    /// Its distribution.
    pub distribution: Distribution,
}

/// All uncertain inputs of a scenario, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct ParamTable {
    /// The inputs; `Value::Input(i)` refers to `entries[i]`.
    pub entries: Vec<Param>,
}

impl ParamTable {
    /// Central values (model.md §7 base case), one per input.
    pub fn central_values(&self) -> Vec<f64> {
        self.entries
            .iter()
            .map(|p| p.distribution.central())
            .collect()
    }

    /// The input at `path`, if any.
    pub fn index_of(&self, path: &str) -> Option<usize> {
        self.entries.iter().position(|p| p.path == path)
    }
}
