//! Running scenarios: one file from validation to written results, and a
//! batch of files in parallel on one shared thread pool.

use std::path::{Path, PathBuf};
use std::time::Instant;

use palett_montecarlo::{Method, Progress, RunSettings, RunSummary, StopRule};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::MethodSpec;
use crate::engine::ScenarioModel;
use crate::metrics;
use crate::scenario::{Claim, Scenario};
use crate::summary::{self, Summary};
use crate::write::write_atomic;

/// Command-line choices that override the file's `run` settings.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Samples.
    pub samples: Option<u64>,
    /// Seed.
    pub seed: Option<u64>,
    /// Method.
    pub method: Option<MethodSpec>,
    /// Base case only: every input at its central value, one sample.
    pub deterministic: bool,
    /// Adaptive stopping target (SE of every mix's mean NPV, SEK).
    pub target_se: Option<f64>,
}

/// One assertion's outcome.
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
#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    /// The file as given.
    pub file: String,
    /// `ok`, `assertions_failed`, `invalid` or `failed`.
    pub status: &'static str,
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
    /// The summary, for the terminal table (not in index.json).
    #[serde(skip)]
    pub summary: Option<Summary>,
}

impl FileResult {
    fn invalid(file: &Path, errors: Vec<String>) -> FileResult {
        FileResult {
            file: file.display().to_string(),
            status: "invalid",
            scenario: None,
            errors,
            assertions: Vec::new(),
            outputs: None,
            timing: None,
            summary: None,
        }
    }
}

/// Settings of the engine for this scenario and these options.
pub fn settings(s: &Scenario, o: &RunOptions) -> (RunSettings, &'static str) {
    if o.deterministic {
        return (
            RunSettings {
                seed: 0,
                samples: 1,
                method: Method::Central,
                stop: None,
            },
            "deterministic",
        );
    }
    let method = o.method.unwrap_or(s.run.method);
    let (method, name) = match method {
        MethodSpec::MonteCarlo => (Method::MonteCarlo, "monte_carlo"),
        MethodSpec::LatinHypercube => (Method::LatinHypercube, "latin_hypercube"),
    };
    let samples = o.samples.unwrap_or(s.run.samples);
    let stop = o.target_se.or(s.run.target_se).map(|target_se| StopRule {
        target_se,
        watch: Vec::new(), // filled by the caller, who knows the layout
        max_samples: samples,
    });
    (
        RunSettings {
            seed: o.seed.unwrap_or(s.run.seed),
            samples,
            method,
            stop,
        },
        name,
    )
}

/// Warnings a scenario author should see: an unstable synergy baseline.
pub fn warnings(s: &Scenario, model: &ScenarioModel) -> Vec<String> {
    let central = s.params.central_values();
    let mut w = Vec::new();
    if let Ok(m) = model.synergy_params(&central).validate()
        && let Some(msg) = m.diagnostics().warning
    {
        w.push(msg);
    }
    w
}

/// Runs one valid scenario; returns its summary, by-year CSV and timing.
pub fn run_scenario(
    s: &Scenario,
    o: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(Summary, String, Timing), String> {
    let model = ScenarioModel::new(s).map_err(|e| format!("{}: {e}", s.file.display()))?;
    let inputs = &s.inputs;
    let (mut rs, method) = settings(s, o);
    if let Some(stop) = rs.stop.as_mut() {
        stop.watch = model.plan().mixes.iter().map(|m| m.npv).collect();
    }
    let start = Instant::now();
    let run: RunSummary =
        palett_montecarlo::run(&model, inputs, &model.plan().layout, &rs, progress)
            .map_err(|e| format!("{}: {e}", s.file.display()))?;
    let wall = start.elapsed().as_secs_f64();
    let central = s.params.central_values();
    let summary = Summary {
        scenario: s.name.clone(),
        file: s.file.display().to_string(),
        seed: rs.seed,
        samples: run.samples,
        method: method.to_string(),
        stopped_early: run.stopped_early,
        horizon: s.horizon,
        discount_rate: s.discount_rate.get(&central),
        budget_period: s.budget_period,
        price_year: s.price_year,
        actors: s.actors.names().to_vec(),
        warnings: warnings(s, &model),
        mixes: summary::mixes(s, model.plan(), &run),
    };
    let by_year = summary::by_year_csv(s, model.plan(), &run);
    // The nominal grid (mix, group, year, profile year, actor): every cohort
    // group the run books, success groups included, under every mix.
    let cells_per_sample: f64 = {
        let profile_years: f64 = s
            .groups
            .iter()
            .map(|g| g.profile)
            .chain(s.interventions.iter().filter_map(|i| i.success_profile))
            .map(|p| s.profiles[p].profile.len() as f64)
            .fold(0.0, |a, b| a + b);
        model.plan().mixes.len() as f64 * profile_years * s.horizon as f64 * s.actors.len() as f64
    };
    let cells = cells_per_sample * run.samples as f64;
    let timing = Timing {
        wall_seconds: wall,
        threads: rayon::current_num_threads(),
        samples: run.samples,
        samples_per_second: run.samples as f64 / wall.max(1e-9),
        effective_cells: cells,
        cells_per_second: cells / wall.max(1e-9),
    };
    Ok((summary, by_year, timing))
}

/// Checks the scenario's assertions against its summary.
pub fn check_assertions(s: &Scenario, summary: &Summary) -> Vec<AssertionResult> {
    let json: Vec<(String, serde_json::Value)> = summary
        .mixes
        .iter()
        .map(|m| {
            (
                m.name.clone(),
                serde_json::to_value(m).unwrap_or(serde_json::Value::Null),
            )
        })
        .collect();
    let get = |mix: &str, metric: &str| {
        json.iter()
            .find(|(n, _)| n == mix)
            .and_then(|(_, v)| metrics::lookup(v, metric))
    };
    s.assertions
        .iter()
        .map(|a| {
            let (holds, value) = match &a.claim {
                Claim::Metric {
                    mix,
                    metric,
                    at_least,
                    at_most,
                } => {
                    let v = get(mix, metric);
                    let holds = v.is_some_and(|v| {
                        at_least.is_none_or(|lo| v >= lo) && at_most.is_none_or(|hi| v <= hi)
                    });
                    (holds, v)
                }
                Claim::Best { mix, metric } => {
                    let v = get(mix, metric);
                    let holds = v.is_some_and(|v| {
                        json.iter()
                            .filter(|(n, _)| n != mix)
                            .all(|(n, _)| get(n, metric).is_none_or(|o| v > o))
                    });
                    (holds, v)
                }
            };
            AssertionResult {
                claim: a.text.clone(),
                location: a.location.clone(),
                holds,
                value,
            }
        })
        .collect()
}

/// Output folder names for a batch: the file stem, or `<parent>-<stem>`
/// where two files share a stem, so no result overwrites another.
pub fn output_names(files: &[PathBuf]) -> Vec<String> {
    let stem = |p: &PathBuf| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    files
        .iter()
        .map(|f| {
            let s = stem(f);
            if files.iter().filter(|g| stem(g) == s).count() > 1 {
                let parent = f
                    .parent()
                    .and_then(|p| p.file_name())
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                format!("{parent}-{s}")
            } else {
                s
            }
        })
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
    let dir = out.join(name);
    let scenario = match crate::load_scenario(file) {
        Ok(s) => s,
        Err(ds) => {
            // Stale results of an earlier run would contradict index.json.
            let _ = std::fs::remove_file(dir.join("summary.json"));
            let _ = std::fs::remove_file(dir.join("by_year.csv"));
            return FileResult::invalid(file, ds.iter().map(ToString::to_string).collect());
        }
    };
    let mut result = FileResult {
        file: file.display().to_string(),
        status: "ok",
        scenario: Some(scenario.name.clone()),
        errors: Vec::new(),
        assertions: Vec::new(),
        outputs: None,
        timing: None,
        summary: None,
    };
    let (summary, by_year, timing) = match run_scenario(&scenario, o, progress) {
        Ok(x) => x,
        Err(e) => {
            result.status = "failed";
            result.errors.push(e);
            return result;
        }
    };
    result.assertions = check_assertions(&scenario, &summary);
    if result.assertions.iter().any(|a| !a.holds) {
        result.status = "assertions_failed";
    }
    let json = match serde_json::to_string_pretty(&summary) {
        Ok(j) => j + "\n",
        Err(e) => {
            result.status = "failed";
            result.errors.push(format!(
                "{}: cannot serialise the summary: {e}",
                file.display()
            ));
            return result;
        }
    };
    let written = std::fs::create_dir_all(&dir)
        .and_then(|_| write_atomic(&dir.join("by_year.csv"), by_year.as_bytes()))
        .and_then(|_| write_atomic(&dir.join("summary.json"), json.as_bytes()));
    if let Err(e) = written {
        result.status = "failed";
        result
            .errors
            .push(format!("{}: cannot write results: {e}", dir.display()));
        return result;
    }
    result.outputs = Some(name.to_string());
    result.timing = Some(timing);
    result.summary = Some(summary);
    result
}

/// Runs many files in parallel on the current rayon pool; results in input order.
pub fn run_batch(
    files: &[PathBuf],
    out: &Path,
    o: &RunOptions,
    progress: &(dyn Fn(usize, Progress) + Sync),
) -> Vec<FileResult> {
    let names = output_names(files);
    files
        .par_iter()
        .zip(names.par_iter())
        .enumerate()
        .map(|(i, (f, n))| run_file(f, n, out, o, &|p| progress(i, p)))
        .collect()
}

/// index.json for a batch.
#[derive(Debug, Clone, Serialize)]
pub struct Index<'a> {
    /// palett version that wrote it.
    pub palett_version: &'static str,
    /// One entry per file, in the order given.
    pub files: &'a [FileResult],
}
