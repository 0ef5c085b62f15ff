//! Whole scenarios through the `palett` binary. One test binary with topic
//! modules, so it links once.

mod analysis;
mod browser;
mod calibration;
mod ci;
mod cli;
mod errors;
mod golden;
mod report;
mod robust;
mod run;
mod scenarios_sources;
mod shard;
mod support;
