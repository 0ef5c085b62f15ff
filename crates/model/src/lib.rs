//! palett-model: the composed model. It takes a resolved [`Scenario`] —
//! built and validated by the runner from a scenario file — and composes
//! the three model crates into the Monte Carlo engine's `Model`:
//! intervention accounting (model.md §4), the accounts of every mix
//! against doing nothing (§6), and the output layout derived from one
//! metric catalogue ([`metric`]). It returns typed results ([`results`])
//! and checks a scenario's claims against them ([`assertion`]).
//!
//! No IO, no serialisation and no command line: files and formats belong
//! to palett-runner, messages and exit codes to the `palett` binary. See
//! docs/architecture.md.
#![warn(missing_docs)]

mod accounts;
pub mod analysis;
mod area;
pub mod assertion;
pub mod discover;
pub mod error;
pub mod format;
pub mod frontier;
mod interventions;
pub mod layout;
pub mod metric;
pub mod names;
pub mod oneway;
pub mod results;
pub mod run;
mod sample;
pub mod scenario;
pub mod shapley;
pub mod value;

#[cfg(test)]
mod testing;

pub use error::ModelError;
pub use palett_montecarlo::Progress;
pub use run::{Method, RunOptions, ScenarioRun, Warning};
pub use sample::{ScenarioModel, Scratch, cohort_model};
pub use scenario::Scenario;
