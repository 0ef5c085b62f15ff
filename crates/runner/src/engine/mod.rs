//! The composed model (model.md §6): for one sample's inputs, every mix and
//! the do-nothing baseline through the synergy model, the cohorts and the
//! accounts, written into the Monte Carlo engine's output record.
//!
//! Common random numbers come for free: one input vector per sample is used
//! for every mix.

mod accounts;
mod model;
mod plan;

pub use model::{ScenarioModel, Scratch, cohort_model, success_groups};
pub use plan::{AREA_KEYS, DO_NOTHING, MEASURES, MixSlots, Plan, plan};
