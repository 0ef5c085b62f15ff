//! palett-runner: everything about files. The scenario file format
//! ([`config`]), reading files and their includes ([`source`]), validation
//! with `FILE:LINE:COL` messages into a resolved [`Scenario`]
//! ([`resolve`]), batch runs of the composed model ([`batch`]) and the
//! result files ([`output`]).
//!
//! Flow: [`source::load`] reads a file and its includes into raw
//! [`config`] types → [`resolve::resolve`] checks every name and range and
//! produces a [`Scenario`] → palett-model runs it → [`output`] writes it.
//! Library code returns typed errors; only the binary turns them into
//! messages and exit codes. See docs/architecture.md.
#![warn(missing_docs)]

pub mod batch;
pub mod ci;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod discover;
pub mod error;
pub mod output;
pub mod profile_table;
pub mod resolve;
pub mod samples;
pub mod shard;
pub mod source;
pub mod write;

use std::path::Path;

use config::FileKind;
use diagnostic::Diagnostic;
use palett_model::Scenario;

/// Loads and validates the scenario at `path`. A library file is accepted
/// too and becomes a scenario with only its definitions (useful for
/// `palett table` on a profile library).
pub fn load_scenario(path: &Path) -> Result<Scenario, Vec<Diagnostic>> {
    let text = source::limits::read_text(path).map_err(|d| vec![d])?;
    let loaded = match source::sniff_kind(&text) {
        Some(FileKind::Library) => source::load_library(path)?,
        _ => source::load(path)?,
    };
    resolve::resolve(&loaded)
}
