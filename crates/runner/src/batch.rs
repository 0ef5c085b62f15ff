//! Running scenario files: one file from validation to written results,
//! and a batch of files in parallel on one shared thread pool, with the
//! batch's index.json.

use std::path::{Path, PathBuf};
use std::time::Instant;

use palett_model::assertion::{self, AssertionOutcome};
use palett_model::scenario::Claim;
use palett_model::{RunOptions, Scenario, ScenarioRun};
use palett_montecarlo::Progress;
use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::error::FileError;
use crate::output::{self, RESULT_FILES, RunReport};
use crate::samples::{SamplesFile, SamplesOut};

/// How one file of a batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    /// It ran, and every assertion holds.
    Ok,
    /// It ran, and an assertion failed.
    AssertionsFailed,
    /// The file is invalid (or missing); it did not run.
    Invalid,
    /// It was valid but the run or writing its results failed.
    Failed,
}

/// One assertion's outcome, for index.json and messages.
#[derive(Debug, Clone, Serialize)]
pub struct AssertionResult {
    /// The claim, as text.
    pub claim: String,
    /// Where it is written (FILE:LINE:COL).
    pub location: String,
    /// Whether it holds.
    pub holds: bool,
    /// The value found (null when undefined).
    pub value: Option<f64>,
    /// For a `Best` claim: the mix with the highest value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best: Option<String>,
    /// The value for people: SEK amounts in MSEK, shares in %, years as
    /// "year N", "undefined" for null (messages only).
    #[serde(skip)]
    pub value_text: String,
    /// Where it is written, as a place (messages and CI reports).
    #[serde(skip)]
    pub at: palett_model::scenario::SourceLocation,
    /// The unit of `value`.
    #[serde(skip)]
    pub unit: palett_model::metric::Unit,
}

impl AssertionResult {
    /// What a failed assertion found, for people: `value: 12.3 MSEK`, and
    /// for a `Best` claim the mix that won (`; the best is \`everything\``).
    pub fn found(&self) -> String {
        let best = self
            .best
            .as_ref()
            .map(|b| format!("; the best is `{b}`"))
            .unwrap_or_default();
        format!("value: {}{best}", self.value_text)
    }
}

/// A value in `unit` for people: SEK in MSEK, shares in %, model years as
/// "year N", `undefined` when there is none.
pub fn value_text(unit: palett_model::metric::Unit, value: Option<f64>) -> String {
    use palett_model::metric::Unit;
    match value {
        None => "undefined".to_string(),
        Some(v) => match unit {
            Unit::Sek => format!("{:.2} MSEK", v / 1e6),
            Unit::Share => format!("{:.1} %", v * 100.0),
            Unit::Year => format!("year {}", crate::output::short(v)),
            Unit::Ratio | Unit::TrackState => crate::output::short(v),
        },
    }
}

/// How fast one scenario ran (index.json only: timings vary between reruns).
#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    /// Wall time of the sampling, seconds.
    pub wall_seconds: f64,
    /// Threads in the pool.
    pub threads: usize,
    /// Samples run.
    pub samples: u64,
    /// Samples per second.
    pub samples_per_second: f64,
    /// Nominal cohort cells of the run: mixes × groups × years × profile years × actors × samples.
    pub effective_cells: f64,
    /// Effective cells per second.
    pub cells_per_second: f64,
}

/// The outcome of one file in a batch.
#[derive(Debug, Serialize)]
pub struct FileResult {
    /// The file as given.
    pub file: String,
    /// How it ended.
    pub status: FileStatus,
    /// Scenario name, when it could be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    /// Problems, as FILE:LINE:COL: message.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// Assertion outcomes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub assertions: Vec<AssertionResult>,
    /// Output folder, relative to the output directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outputs: Option<String>,
    /// Speed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    /// Why it is invalid or failed (not in index.json: `errors` says it).
    #[serde(skip)]
    pub error: Option<FileError>,
    /// The scenario and its run, for the terminal (not in index.json).
    #[serde(skip)]
    pub run: Option<(Box<Scenario>, ScenarioRun)>,
}

impl FileResult {
    fn failed(file: &Path, status: FileStatus, scenario: Option<String>, e: FileError) -> Self {
        FileResult {
            file: file.display().to_string(),
            status,
            scenario,
            errors: e.lines(),
            assertions: Vec::new(),
            outputs: None,
            timing: None,
            error: Some(e),
            run: None,
        }
    }

    /// A file that could not run or be written, for `error`'s reason.
    pub fn failed_with(file: &Path, error: FileError) -> Self {
        let status = match error {
            FileError::Invalid(_) => FileStatus::Invalid,
            _ => FileStatus::Failed,
        };
        Self::failed(file, status, None, error)
    }

    /// The report the outputs render, when the file ran.
    pub fn report(&self) -> Option<RunReport<'_>> {
        self.run
            .as_ref()
            .map(|(scenario, run)| RunReport { scenario, run })
    }
}

/// Runs one valid scenario and times it.
pub fn run_scenario(
    s: &Scenario,
    o: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(ScenarioRun, Timing), FileError> {
    run_scenario_with(s, o, progress, &mut [])
}

/// [`run_scenario`] with `extra` observers of every block (e.g. the
/// samples CSV).
pub fn run_scenario_with(
    s: &Scenario,
    o: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
    extra: &mut [&mut dyn palett_montecarlo::Observe],
) -> Result<(ScenarioRun, Timing), FileError> {
    let start = Instant::now();
    let run =
        palett_model::run::run_with(s, o, progress, extra).map_err(|source| FileError::Model {
            file: s.file.clone(),
            source,
        })?;
    let wall = start.elapsed().as_secs_f64();
    let samples = run.results.samples;
    let cells = run.cells_per_sample * samples as f64;
    let timing = Timing {
        wall_seconds: wall,
        threads: rayon::current_num_threads(),
        samples,
        samples_per_second: samples as f64 / wall.max(1e-9),
        effective_cells: cells,
        cells_per_second: cells / wall.max(1e-9),
    };
    Ok((run, timing))
}

/// The first figure (`mix / summary.json path`) whose mean is not a finite
/// number although samples define it: an overflow, which must fail the
/// scenario rather than reach summary.json as a silent null.
pub fn first_non_finite(run: &ScenarioRun) -> Option<String> {
    use palett_model::metric::FIGURES;
    use palett_model::results::FigureValue;
    let keys = &run.results.keys;
    for mix in &run.results.mixes {
        for f in &FIGURES {
            let names = keys.keys(f.quantity.def().keys);
            for k in keys.figure_keys(f) {
                let bad = match mix.figure(f, k) {
                    FigureValue::Stats(st) => (st.n_defined > 0
                        && !st.mean.is_some_and(f64::is_finite))
                    .then_some(st.first_non_finite),
                    FigureValue::Share(v) => v.is_some_and(|v| !v.is_finite()).then_some(None),
                };
                if let Some(sample) = bad {
                    return Some(format!(
                        "{} of mix `{}`{}",
                        f.path.replace("{key}", names[k]),
                        mix.name,
                        sample
                            .map(|i| format!(" (first in sample {i}, counting from 0)"))
                            .unwrap_or_default()
                    ));
                }
            }
        }
    }
    None
}

/// Checks the scenario's assertions against a run's results.
pub fn check_assertions(
    s: &Scenario,
    run: &ScenarioRun,
) -> Vec<(AssertionResult, AssertionOutcome)> {
    s.assertions
        .iter()
        .map(|a| {
            let outcome = assertion::check(a, &run.results);
            let (Claim::Metric { metric, .. } | Claim::Best { metric, .. }) = &a.claim;
            let best = match a.claim {
                Claim::Best { .. } => outcome
                    .best
                    .and_then(|i| run.results.mixes.get(i))
                    .map(|m| m.name.clone()),
                Claim::Metric { .. } => None,
            };
            (
                AssertionResult {
                    claim: a.text.clone(),
                    location: a.location.to_string(),
                    holds: outcome.holds,
                    value: outcome.value,
                    best,
                    value_text: value_text(metric.unit(), outcome.value),
                    at: a.location.clone(),
                    unit: metric.unit(),
                },
                outcome,
            )
        })
        .collect()
}

/// Output folder names for a batch, one per file, all distinct. The rule
/// (docs/output-format.md): the file stem; where several files share a
/// stem, `<parent folder>-<stem>`; a name still taken by an earlier file of
/// the batch gets `-2`, `-3`, … in input order. The same files in the same
/// order always get the same names.
pub fn output_names(files: &[PathBuf]) -> Vec<String> {
    let stem = |p: &PathBuf| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty() && !s.starts_with('.'))
            .unwrap_or_else(|| "scenario".to_string())
    };
    let mut used = std::collections::HashSet::new();
    files
        .iter()
        .map(|f| {
            let s = stem(f);
            let base = if files.iter().filter(|g| stem(g) == s).count() > 1 {
                let parent = f
                    .parent()
                    .and_then(|p| p.file_name())
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if parent.is_empty() {
                    s
                } else {
                    format!("{parent}-{s}")
                }
            } else {
                s
            };
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// The files of a batch with repeats removed: a file named twice (by the
/// same or another path to it) runs once, where it first appears.
pub fn distinct_files(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    files
        .into_iter()
        .filter(|f| seen.insert(f.canonicalize().unwrap_or_else(|_| f.clone())))
        .collect()
}

/// Runs one file end to end and writes its results under `out/<name>/`.
pub fn run_file(
    file: &Path,
    name: &str,
    out: &Path,
    o: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> FileResult {
    run_file_with(file, name, out, o, None, progress)
}

/// [`run_file`], also writing each sample's inputs and NPVs to
/// `samples_out` when given.
pub fn run_file_with(
    file: &Path,
    name: &str,
    out: &Path,
    o: &RunOptions,
    samples_out: Option<&SamplesOut>,
    progress: &(dyn Fn(Progress) + Sync),
) -> FileResult {
    let dir = out.join(name);
    // Only a scenario runs: a library given by name is reported as one.
    let scenario = match crate::source::load(file).and_then(|l| crate::resolve::resolve(&l)) {
        Ok(s) => s,
        Err(ds) => {
            // Stale results of an earlier run would contradict index.json.
            for f in RESULT_FILES.iter().filter_map(|o| o.file_name()) {
                let _ = std::fs::remove_file(dir.join(f));
            }
            return FileResult::failed(file, FileStatus::Invalid, None, FileError::Invalid(ds));
        }
    };
    let name_of = Some(scenario.name.clone());
    let mut samples = match samples_out.map(|so| SamplesFile::create(&scenario, so)) {
        None => None,
        Some(Ok(w)) => Some(w),
        Some(Err(e)) => return FileResult::failed(file, FileStatus::Failed, name_of, e.into()),
    };
    let ran = match samples.as_mut() {
        Some(w) => run_scenario_with(&scenario, o, progress, &mut [w]),
        None => run_scenario(&scenario, o, progress),
    };
    let (run, timing) = match ran {
        Ok(x) => x,
        Err(e) => {
            if let Some(w) = samples {
                w.abandon();
            }
            return FileResult::failed(file, FileStatus::Failed, name_of, e);
        }
    };
    if let Some(w) = samples
        && let Err(e) = w.finish()
    {
        return FileResult::failed(file, FileStatus::Failed, name_of, e.into());
    }
    finish_file(file, name, out, scenario, run, Some(timing))
}

/// Checks a finished run (finite results, assertions), writes its result
/// folder `out/<name>/` and reports it: the end of [`run_file`], shared
/// with runs merged from parts.
pub fn finish_file(
    file: &Path,
    name: &str,
    out: &Path,
    scenario: Scenario,
    run: ScenarioRun,
    timing: Option<Timing>,
) -> FileResult {
    let dir = out.join(name);
    let name_of = Some(scenario.name.clone());
    if let Some(what) = first_non_finite(&run) {
        return FileResult::failed(
            file,
            FileStatus::Failed,
            name_of,
            FileError::NonFinite {
                file: file.to_path_buf(),
                what,
            },
        );
    }
    let checked = check_assertions(&scenario, &run);
    let status = if checked.iter().any(|(a, _)| !a.holds) {
        FileStatus::AssertionsFailed
    } else {
        FileStatus::Ok
    };
    let report = RunReport {
        scenario: &scenario,
        run: &run,
    };
    if let Err(e) = output::write_folder(&dir, &RESULT_FILES, &report) {
        return FileResult::failed(file, FileStatus::Failed, name_of, FileError::Output(e));
    }
    FileResult {
        file: file.display().to_string(),
        status,
        scenario: name_of,
        errors: Vec::new(),
        assertions: checked.into_iter().map(|(a, _)| a).collect(),
        outputs: Some(name.to_string()),
        timing,
        error: None,
        run: Some((Box::new(scenario), run)),
    }
}

/// Runs many files in parallel on the current rayon pool; results in input order.
pub fn run_batch(
    files: &[PathBuf],
    out: &Path,
    o: &RunOptions,
    progress: &(dyn Fn(usize, Progress) + Sync),
) -> Vec<FileResult> {
    let names = output_names(files);
    crate::output::remove_stale_temporaries(out);
    files
        .par_iter()
        .zip(names.par_iter())
        .enumerate()
        .map(|(i, (f, n))| {
            // One file's internal error must not take the batch with it.
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run_file(f, n, out, o, &|p| progress(i, p))
            }))
            .unwrap_or_else(|panic| {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown".to_string());
                FileResult::failed(
                    f,
                    FileStatus::Failed,
                    None,
                    FileError::Internal {
                        file: f.clone(),
                        message,
                    },
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(ps: &[&str]) -> Vec<PathBuf> {
        ps.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn output_names_are_distinct_and_deterministic() {
        let files = paths(&["a/x/s.ron", "b/x/s.ron", "x-s.ron", "c/t.ron", "d/y/s.ron"]);
        let names = output_names(&files);
        assert_eq!(names, ["x-s", "x-s-2", "x-s-3", "t", "y-s"]);
        assert_eq!(output_names(&files), names);
    }

    #[test]
    fn a_file_given_twice_runs_once() {
        let files = paths(&["a.ron", "b.ron", "a.ron"]);
        assert_eq!(distinct_files(files), paths(&["a.ron", "b.ron"]));
    }
}

/// A path given on the command line that yields no scenario to run (it
/// does not exist, or is a folder without one), as an invalid batch entry,
/// so that index.json and the exit code say so.
pub fn missing(not_found: &crate::discover::NotFound) -> FileResult {
    let path = &not_found.path;
    FileResult::failed(
        path,
        FileStatus::Invalid,
        None,
        FileError::Invalid(vec![Diagnostic::whole_file(path, not_found.reason)]),
    )
}

/// index.json for a batch.
#[derive(Debug, Serialize)]
pub struct Index<'a> {
    /// palett version that wrote it.
    pub palett_version: &'static str,
    /// One entry per file, in the order given.
    pub files: &'a [FileResult],
}
