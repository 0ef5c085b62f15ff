//! palett-montecarlo: the engine that turns a model with uncertain inputs
//! into uncertainty ranges, fast and reproducibly (model.md §7).
//!
//! It knows nothing about the domain: it samples inputs ([`InputSpace`]),
//! calls a [`Model`] once per sample, and summarises the outputs described
//! by an [`OutputLayout`] into a [`RunSummary`] with [`run`].
//!
//! Guarantees: a run is a pure function of (seed, sample count, method,
//! stop rule, inputs, layout, model) and bit-identical on any number of
//! threads; memory does not grow with the sample count; percentiles have
//! rank error ≤ 0.5 % (see [`stats::sketch`] and docs/uncertainty.md).
#![warn(missing_docs)]

pub mod codec;
mod copula;
mod distribution;
mod engine;
mod error;
mod layout;
mod lhs;
pub mod observe;
pub mod shapley;
mod space;
mod special;
pub mod stats;
mod stream;
mod twins;

pub use distribution::Distribution;
pub use engine::{
    Band, Method, Partial, Progress, RunSettings, RunSummary, ScalarSummary, StopRule, block_size,
    planned_samples, run, run_observed, run_segments, segment_count, summarise_partial,
};
pub use error::{DistributionError, McError};
pub use layout::{Contest, Missing, Model, OutputLayout, SampleRecord, ScalarSpec, SeriesSpec};
pub use observe::{
    Block, Observe, Observed, Observer, SEGMENT_SAMPLES, Segmented, segment_samples,
};
pub use space::InputSpace;
