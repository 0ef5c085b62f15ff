//! Streaming statistics whose memory does not grow with the sample count
//! (model.md §7, "Summaries").

pub mod best;
pub mod sensitivity;
pub mod sketch;
pub mod welford;
