//! palett from Python: the native module `palett._native` behind the
//! `palett` package (crates/python/python/palett). It runs the same
//! library code as the `palett` command — palett-runner loads and
//! validates, palett-model runs, palett-runner's outputs render — and hands
//! Python the very bytes the command would write (summary.json,
//! by_year.csv, sensitivity.json), which the Python layer turns into
//! tables. docs/python.md.
//!
//! Long work runs on a worker thread with the GIL released; the calling
//! thread watches for Ctrl-C and stops the run at its next block
//! ([`interrupt`]).

mod api;
mod errors;
mod interrupt;

use pyo3::prelude::*;

/// The module `palett._native`.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<errors::ScenarioError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(api::run, m)?)?;
    m.add_function(wrap_pyfunction!(api::params, m)?)?;
    m.add_function(wrap_pyfunction!(api::validate, m)?)?;
    m.add_function(wrap_pyfunction!(api::samples, m)?)?;
    Ok(())
}
