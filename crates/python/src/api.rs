//! The functions of `palett._native`, each the library code behind one
//! `palett` command. Arguments arrive already checked for type by PyO3;
//! their values are checked here with the command's messages.

use std::path::{Path, PathBuf};

use palett_model::run::{Method, input_warnings};
use palett_model::{RunOptions, Scenario};
use palett_runner::batch::{check_assertions, first_non_finite, run_scenario_with};
use palett_runner::diagnostic::Diagnostic;
use palett_runner::error::FileError;
use palett_runner::output::{RESULT_FILES, RunReport};
use palett_runner::samples::SamplesCollector;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::errors::{Problem, problem, scenario_error};
use crate::interrupt::run_interruptibly;

/// Loads and validates a scenario as `palett run` does (a library is not a
/// scenario to run).
fn load(path: &Path) -> Result<Scenario, Vec<Diagnostic>> {
    palett_runner::source::load(path).and_then(|l| palett_runner::resolve::resolve(&l))
}

/// Loads every file, or raises `ScenarioError` with the problems of all
/// that do not load: nothing runs on a batch with a bad file in it.
fn load_all(py: Python<'_>, paths: &[PathBuf]) -> PyResult<Vec<Scenario>> {
    let mut scenarios = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        match load(p) {
            Ok(s) => scenarios.push(s),
            Err(ds) => problems.extend(ds),
        }
    }
    if problems.is_empty() {
        Ok(scenarios)
    } else {
        Err(scenario_error(py, &problems))
    }
}

/// The run options of the command line's `palett run` flags.
fn options(
    samples: Option<u64>,
    seed: Option<u64>,
    method: Option<&str>,
    set: Vec<(String, f64)>,
    sensitivity: bool,
    target_se: Option<f64>,
) -> PyResult<RunOptions> {
    if samples == Some(0) {
        return Err(PyValueError::new_err("samples must be at least 1"));
    }
    if let Some(t) = target_se
        && !(t > 0.0 && t.is_finite())
    {
        return Err(PyValueError::new_err(format!(
            "target_se must be a positive number of SEK; got {t}"
        )));
    }
    let method = match method {
        None => None,
        Some("lhs") | Some("latin_hypercube") => Some(Method::LatinHypercube),
        Some("mc") | Some("monte_carlo") => Some(Method::MonteCarlo),
        Some("deterministic") => Some(Method::Deterministic),
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "method must be \"lhs\", \"mc\" or \"deterministic\"; got {other:?}"
            )));
        }
    };
    if let Some((path, v)) = set.iter().find(|(_, v)| !v.is_finite()) {
        return Err(PyValueError::new_err(format!(
            "set[{path:?}] must be a finite number; got {v}"
        )));
    }
    Ok(RunOptions {
        samples,
        seed,
        method,
        held: set,
        skip_analysis: !sensitivity,
        target_se,
    })
}

/// What one scenario's run hands to Python: the result folder's files as
/// `palett run` writes them, and the assertions.
struct Finished {
    file: String,
    scenario: String,
    files: Vec<(&'static str, Vec<u8>)>,
    assertions: Vec<(String, String, bool, String)>,
}

/// Runs one scenario to the bytes of its result files, failing where
/// `palett run` fails the file.
fn run_one(
    s: &Scenario,
    o: &RunOptions,
    progress: &(dyn Fn(palett_montecarlo::Progress) + Sync),
) -> Result<Finished, FileError> {
    let (run, _timing) = run_scenario_with(s, o, progress, &mut [])?;
    if let Some(what) = first_non_finite(&run) {
        return Err(FileError::NonFinite {
            file: s.file.clone(),
            what,
        });
    }
    let assertions = check_assertions(s, &run)
        .into_iter()
        .map(|(a, _)| (a.claim, a.location, a.holds, a.value_text))
        .collect();
    let report = RunReport {
        scenario: s,
        run: &run,
    };
    let mut files = Vec::new();
    for o in RESULT_FILES {
        if let Some(name) = o.file_name()
            && o.applies(&report)
        {
            files.push((name, o.render(&report)?));
        }
    }
    Ok(Finished {
        file: s.file.display().to_string(),
        scenario: s.name.clone(),
        files,
        assertions,
    })
}

/// Runs scenario files as `palett run` does and returns, per file, a dict:
/// `file`, `scenario` (its name), `files` (result file name → bytes:
/// summary.json, by_year.csv, inputs.json and, for an analysed run,
/// sensitivity.json, byte for byte what `palett run` writes) and
/// `assertions` (claim, FILE:LINE:COL, holds, value). `target_se` (SEK)
/// stops early as `--target-se` does, `samples` then being the most;
/// `progress(done, total)` is called as blocks finish, per file.
#[pyfunction]
#[pyo3(signature = (paths, samples=None, seed=None, method=None, threads=None, set=Vec::new(), sensitivity=true, target_se=None, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn run(
    py: Python<'_>,
    paths: Vec<PathBuf>,
    samples: Option<u64>,
    seed: Option<u64>,
    method: Option<String>,
    threads: Option<usize>,
    set: Vec<(String, f64)>,
    sensitivity: bool,
    target_se: Option<f64>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<Vec<Py<PyDict>>> {
    let o = options(
        samples,
        seed,
        method.as_deref(),
        set,
        sensitivity,
        target_se,
    )?;
    let scenarios = load_all(py, &paths)?;
    let finished = run_interruptibly(py, threads, progress.as_ref(), |progress| {
        scenarios
            .iter()
            .map(|s| run_one(s, &o, progress))
            .collect::<Result<Vec<_>, _>>()
    })?
    .map_err(|e| PyRuntimeError::new_err(e.lines().join("\n")))?;
    finished
        .into_iter()
        .map(|f| {
            let d = PyDict::new(py);
            d.set_item("file", f.file)?;
            d.set_item("scenario", f.scenario)?;
            let files = PyDict::new(py);
            for (name, bytes) in f.files {
                files.set_item(name, PyBytes::new(py, &bytes))?;
            }
            d.set_item("files", files)?;
            d.set_item("assertions", f.assertions)?;
            Ok(d.unbind())
        })
        .collect()
}

/// One uncertain input: (path, distribution, central value, lowest and
/// highest value of its support, the file it is written in).
pub type Input = (String, String, f64, f64, f64, String);

/// The uncertain inputs of a scenario, as `palett params` lists them.
#[pyfunction]
pub fn params(py: Python<'_>, path: PathBuf) -> PyResult<Vec<Input>> {
    let s = palett_runner::load_scenario(&path).map_err(|ds| scenario_error(py, &ds))?;
    Ok(s.params
        .entries
        .iter()
        .map(|p| {
            let (lo, hi) = p.distribution.support();
            (
                p.path.clone(),
                p.distribution.to_string(),
                p.distribution.central(),
                lo,
                hi,
                p.file.display().to_string(),
            )
        })
        .collect())
}

/// The problems and warnings of a file, as `palett validate` finds them:
/// (problems, warnings); a problem is (file, line, column, message), a
/// warning its text with its place in front when it has one.
#[pyfunction]
pub fn validate(path: PathBuf) -> (Vec<Problem>, Vec<String>) {
    match palett_runner::load_scenario(&path) {
        Ok(s) => (
            Vec::new(),
            input_warnings(&s)
                .iter()
                .map(|w| match w.place() {
                    Some(_) => w.located(),
                    None => format!("{}: {w}", path.display()),
                })
                .collect(),
        ),
        Err(ds) => (ds.iter().map(problem).collect(), Vec::new()),
    }
}

/// Each sample's inputs and NPVs for the first `n` samples of a run of `n`
/// samples: (sample indices as bytes of little-endian u64, column names,
/// columns as bytes of little-endian f64), the values of `palett run
/// --samples-out`.
#[pyfunction]
#[pyo3(signature = (path, n, seed=None, method=None, threads=None, set=Vec::new(), progress=None))]
#[allow(clippy::type_complexity, clippy::too_many_arguments)]
pub fn samples<'py>(
    py: Python<'py>,
    path: PathBuf,
    n: u64,
    seed: Option<u64>,
    method: Option<String>,
    threads: Option<usize>,
    set: Vec<(String, f64)>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<(Bound<'py, PyBytes>, Vec<String>, Vec<Bound<'py, PyBytes>>)> {
    let o = options(Some(n), seed, method.as_deref(), set, false, None)?;
    let s = load(&path).map_err(|ds| scenario_error(py, &ds))?;
    let table = run_interruptibly(py, threads, progress.as_ref(), |progress| {
        let mut collector = SamplesCollector::new(&s, n);
        palett_model::run::run_with(&s, &o, progress, &mut [&mut collector])
            .map(|_| collector.finish())
            .map_err(|source| FileError::Model {
                file: s.file.clone(),
                source,
            })
    })?
    .map_err(|e| PyRuntimeError::new_err(e.lines().join("\n")))?;
    let le_f64 = |c: &[f64]| c.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
    let index: Vec<u8> = table.sample.iter().flat_map(|v| v.to_le_bytes()).collect();
    Ok((
        PyBytes::new(py, &index),
        table.names,
        table
            .columns
            .iter()
            .map(|c| PyBytes::new(py, &le_f64(c)))
            .collect(),
    ))
}
