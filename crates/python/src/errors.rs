//! palett's typed errors as Python exceptions: a file that does not load
//! raises `ScenarioError` (a `ValueError`) whose `problems` list each
//! problem's file, line, column and message; anything else a run can fail
//! with raises `RuntimeError` with palett's message.

use palett_runner::diagnostic::Diagnostic;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

pyo3::create_exception!(
    palett,
    ScenarioError,
    PyValueError,
    "A scenario file (or a file it includes) is invalid. `problems` lists \
     each problem as (file, line, column, message); line and column count \
     from 1 and are 0 for a problem with the file as a whole."
);

/// A problem as Python sees it: (file, line, column, message).
pub type Problem = (String, usize, usize, String);

/// The diagnostic as a [`Problem`].
pub fn problem(d: &Diagnostic) -> Problem {
    (
        d.file.display().to_string(),
        d.line,
        d.col,
        d.message.clone(),
    )
}

/// `ScenarioError` for `ds`: its message is every problem as
/// FILE:LINE:COL: message, one a line, as `palett validate` prints them.
pub fn scenario_error(py: Python<'_>, ds: &[Diagnostic]) -> PyErr {
    let message = ds
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    let err = ScenarioError::new_err(message);
    let problems: Vec<Problem> = ds.iter().map(problem).collect();
    // Setting an attribute on a fresh exception cannot fail short of
    // running out of memory; if it does, that error is the one to raise.
    match err.value(py).setattr("problems", problems) {
        Ok(()) => err,
        Err(e) => e,
    }
}
