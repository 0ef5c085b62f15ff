//! Whole scenarios through the `palett` binary. One test binary with topic
//! modules, so it links once.

mod calibration;
mod cli;
mod errors;
mod golden;
mod robust;
mod run;
mod support;
