//! palett-cost: deterministic accounting of what cases cost whom, year by
//! year — actors, discounting, profiles, cohort groups, present values
//! (model.md §1–§3, and the case accounting of §4).
//!
//! No randomness and no file formats here: the runner validates scenario
//! files and builds these types; the Monte Carlo engine supplies values.
#![warn(missing_docs)]

mod actors;
mod catalogue;
mod cohort;
mod discount;
mod error;
mod profile;

pub use actors::{ActorId, ActorSet, DEFAULT_ACTORS};
pub use catalogue::{Catalogue, CatalogueItem, ItemId};
pub use cohort::{
    CohortModel, EffectKind, EffectRef, Effects, Feed, Group, GroupEffects, Ledger, Outcome,
    PreventEffect, TurnEffect,
};
pub use discount::{Discounting, cumulative_pv, present_value};
pub use error::{ActorRef, CostError};
pub use profile::Profile;

// Runs the README's example as a doctest, so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
