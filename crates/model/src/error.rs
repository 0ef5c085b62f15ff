//! Errors of the composed model. Validation catches every problem a
//! scenario file can have before a run, so these mean a run could not
//! start (an inconsistent resolved scenario, invalid run settings).

use palett_cost::CostError;
use palett_montecarlo::McError;

/// Why a run could not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// The cohort structure is invalid.
    #[error("the cohort model cannot be built: {0}")]
    Cohorts(#[from] CostError),
    /// A held input's path is not an uncertain input of the scenario.
    #[error(
        "`{path}` is not an uncertain input of this scenario (`palett params FILE` lists them)"
    )]
    UnknownInput {
        /// The path asked for.
        path: String,
        /// The scenario's uncertain inputs.
        known: Vec<String>,
    },
    /// The Monte Carlo engine refused the settings.
    #[error("the run cannot start: {0}")]
    Engine(#[from] McError),
    /// A merged part's statistics do not have the shape of the scenario's
    /// outputs (a part of another scenario or version).
    #[error("a part's statistics do not match the scenario's outputs")]
    PartShape,
}
