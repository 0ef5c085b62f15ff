//! palett-synergy: the dynamical system that links the school, housing,
//! labour and safety tracks (model.md §4 activity and repression, §5).
//!
//! Interventions are [`Drive`]s: a [`Channel`] (a [`Track`] or
//! communication), a weight, a [`Schedule`] and an optional
//! [`Repression`] impulse. [`SynergyParams`] (plain, as sampled, with the
//! [`TippingRule`]) validate into a [`SynergyModel`], which returns a
//! [`Trajectory`] of track states x_k(t) and coordination c(t), the tipping
//! year, the success multiplier p_i(t), and [`Diagnostics`] (the linearised
//! Jacobian and its spectral radius). [`SynergyModel::run_mix`] returns a
//! mix's trajectory and tipping year together as a [`MixRun`], in a reusable
//! [`MixWorkspace`]. [`inflow_driver_factor`] is the inflow-driver product
//! of model.md §3. Years are `u32` throughout: year 0 is the state before
//! the first model year, years 1..=H are simulated.
//!
//! Deterministic: the Monte Carlo engine supplies the uncertainty.
#![warn(missing_docs)]

mod bounds;
mod diagnostics;
mod error;
mod exp;
mod model;
mod params;
mod schedule;
mod tipping;
mod track;
mod trajectory;

pub use diagnostics::Diagnostics;
pub use error::SynergyError;
pub use model::{SynergyModel, inflow_driver_factor};
pub use params::{SynergyParams, matrix_from_rows, vector_from_slice};
pub use schedule::{Drive, Repression, Schedule};
pub use tipping::{MixRun, MixWorkspace, TippingRule};
pub use track::{Channel, Track};
pub use trajectory::Trajectory;
