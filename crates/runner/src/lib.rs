//! palett-runner: the scenario file format, its validation, the
//! composition of the cost, synergy and Monte Carlo models, and the
//! outputs of the `palett` command.
//!
//! Flow: [`source::load`] reads a file and its includes into raw
//! [`config`] types → [`resolve::resolve`] checks every name and range and
//! produces a [`scenario::Scenario`] → [`engine`] composes the model crates
//! for each sample. Only the binary turns errors into messages and
//! exit codes. See docs/architecture.md.
#![warn(missing_docs)]

pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod metrics;
pub mod params;
pub mod report;
pub mod resolve;
pub mod run;
pub mod scenario;
pub mod source;
pub mod summary;
pub mod table;
pub mod write;

use std::path::Path;

use config::FileKind;
use diagnostic::Diagnostic;
use scenario::Scenario;

/// Loads and validates the scenario at `path`. A library file is accepted
/// too and becomes a scenario with only its definitions (useful for
/// `palett table` on a profile library).
pub fn load_scenario(path: &Path) -> Result<Scenario, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Diagnostic::whole_file(
            path,
            format!("cannot read the file: {e}"),
        )]
    })?;
    let loaded = match source::sniff_kind(&text) {
        Some(FileKind::Library) => source::load_library(path)?,
        _ => source::load(path)?,
    };
    resolve::resolve(&loaded)
}
