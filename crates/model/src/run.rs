//! Running a resolved scenario: the run settings from the file and the
//! caller's overrides, the Monte Carlo run of the composed model, and the
//! typed results (model.md §6–§7).

use std::borrow::Cow;

use std::ops::Range;

use palett_montecarlo::codec::{Codec, CodecError, Decoder, Encoder};
use palett_montecarlo::{
    InputSpace, Observe, Observed, Partial, Progress, RunSettings, RunSummary, Segmented, StopRule,
};

use crate::analysis::{Analysis, AnalysisObserver, AnalysisState};

use crate::error::ModelError;
use crate::layout::total_npv;
use crate::results::ScenarioResults;
use crate::sample::ScenarioModel;
use crate::scenario::Scenario;

/// How a run draws its samples (model.md §7, "Sampling" and "Base case").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// Independent pseudo-random draws.
    MonteCarlo,
    /// Latin hypercube: every input's range cut into equiprobable strata.
    #[default]
    LatinHypercube,
    /// The base case: every input at its central value, one sample.
    Deterministic,
}

impl Method {
    /// Its name in outputs: `monte_carlo`, `latin_hypercube`, `deterministic`.
    pub fn name(self) -> &'static str {
        match self {
            Method::MonteCarlo => "monte_carlo",
            Method::LatinHypercube => "latin_hypercube",
            Method::Deterministic => "deterministic",
        }
    }
}

/// Choices that override the scenario file's `run` settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunOptions {
    /// Samples (≥ 1).
    pub samples: Option<u64>,
    /// Seed of the random streams.
    pub seed: Option<u64>,
    /// Sampling method; [`Method::Deterministic`] runs the base case.
    pub method: Option<Method>,
    /// Adaptive stopping: the target standard error of every mix's mean
    /// total NPV, SEK.
    pub target_se: Option<f64>,
    /// Uncertain inputs held at a value in every sample, by their `palett
    /// params` path (docs/uncertainty.md, "Held inputs").
    pub held: Vec<(String, f64)>,
    /// Skip the analysis (sensitivity, value of information,
    /// acceptability; docs/analysis.md) that every sampled run makes.
    pub skip_analysis: bool,
}

/// The settings a run uses: the file's, overridden by the options.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedRun {
    /// The sampling method.
    pub method: Method,
    /// What the Monte Carlo engine runs.
    pub engine: RunSettings,
}

/// The run settings of `s` under the options `o`. The base case runs one
/// sample at seed 0 whatever else is asked. The stop rule, if any, watches
/// every mix's total NPV (`plan` from [`ScenarioModel::plan`]).
pub fn settings(s: &Scenario, o: &RunOptions, model: &ScenarioModel) -> ResolvedRun {
    let method = o.method.unwrap_or(s.run.method);
    let engine_method = match method {
        Method::Deterministic => {
            return ResolvedRun {
                method,
                engine: RunSettings {
                    seed: 0,
                    samples: 1,
                    method: palett_montecarlo::Method::Central,
                    stop: None,
                },
            };
        }
        Method::MonteCarlo => palett_montecarlo::Method::MonteCarlo,
        Method::LatinHypercube => palett_montecarlo::Method::LatinHypercube,
    };
    let samples = o.samples.unwrap_or(s.run.samples);
    let stop = o.target_se.or(s.run.target_se).map(|target_se| StopRule {
        target_se,
        watch: model
            .plan()
            .mixes
            .iter()
            .map(|m| total_npv(m).index())
            .collect(),
        max_samples: samples,
    });
    ResolvedRun {
        method,
        engine: RunSettings {
            seed: o.seed.unwrap_or(s.run.seed),
            samples,
            method: engine_method,
            stop,
        },
    }
}

/// Something a scenario author should know about a run's inputs.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// The synergy model's baseline is unstable at the central values
    /// (spectral radius above 1, model.md §5 "Diagnostics"); the message
    /// says how far.
    UnstableSynergy(String),
    /// The discount rate (share per year) at its central value is above
    /// [`PLAUSIBLE_DISCOUNT_RATE`]: probably a percentage written as a
    /// number (3.5 for 3.5 %).
    ImplausibleDiscountRate(f64),
    /// A way of writing the file that is read as before but is ambiguous
    /// (a one-value list for every year): where it is (FILE:LINE:COL) and
    /// how to write it now.
    Spelling {
        /// FILE:LINE:COL.
        at: String,
        /// What to write instead.
        message: String,
    },
}

impl Warning {
    /// The place in a file the warning is about (FILE:LINE:COL), if any.
    pub fn place(&self) -> Option<&str> {
        match self {
            Warning::Spelling { at, .. } => Some(at),
            _ => None,
        }
    }

    /// The warning with its place in front when it has one (FILE:LINE:COL:
    /// message), as summary.json and CI reports give it.
    pub fn located(&self) -> String {
        match self.place() {
            Some(at) => format!("{at}: {self}"),
            None => self.to_string(),
        }
    }
}

/// Largest discount rate (share per year, model.md §6) taken without a
/// warning: 0.2 is 20 % a year, far above any rate used for public
/// investment.
pub const PLAUSIBLE_DISCOUNT_RATE: f64 = 0.2;

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::UnstableSynergy(msg) | Warning::Spelling { message: msg, .. } => {
                f.write_str(msg)
            }
            Warning::ImplausibleDiscountRate(r) => write!(
                f,
                "the discount rate is {r} per year, {} % — a rate is a share per year, \
                 so {r} % is written {}",
                crate::format::percent(*r),
                r / 100.0
            ),
        }
    }
}

/// Warnings about a scenario's inputs that need no model: implausible
/// values, at their central values (what `palett validate` prints).
pub fn input_warnings(s: &Scenario) -> Vec<Warning> {
    let central = s.params.central_values();
    let rate = s.discount_rate.get(&central);
    let mut w = s.warnings.clone();
    if rate > PLAUSIBLE_DISCOUNT_RATE {
        w.push(Warning::ImplausibleDiscountRate(rate));
    }
    w
}

/// Warnings about a scenario at its central values.
pub fn warnings(s: &Scenario, model: &ScenarioModel) -> Vec<Warning> {
    let central = s.params.central_values();
    let mut w = input_warnings(s);
    if let Ok(m) = model.synergy_params(&central).validate()
        && let Some(msg) = m.diagnostics().warning
    {
        w.push(Warning::UnstableSynergy(msg));
    }
    w
}

/// What a run of one scenario produced.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioRun {
    /// The seed used (0 for the base case).
    pub seed: u64,
    /// The sampling method.
    pub method: Method,
    /// The results of every mix.
    pub results: ScenarioResults,
    /// Warnings for the scenario author.
    pub warnings: Vec<Warning>,
    /// The held inputs (path, value), as asked.
    pub held: Vec<(String, f64)>,
    /// Sensitivity, value of information and acceptability; `None` for
    /// the base case or when skipped.
    pub analysis: Option<Analysis>,
    /// Nominal cohort cells one sample books: mixes × (groups' profile
    /// years, success groups included) × years × actors.
    pub cells_per_sample: f64,
    /// Set when the run was merged from parts with some missing
    /// (`palett merge --allow-missing`): the statistics cover fewer
    /// samples than planned.
    pub incomplete: Option<Incomplete>,
}

/// What a run merged from an incomplete set of parts lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incomplete {
    /// The samples the whole run would have had.
    pub planned_samples: u64,
    /// The missing parts, as `K/N` shard names.
    pub missing_shards: Vec<String>,
}

/// The input space of `s` with the inputs `held` by path fixed.
pub fn held_inputs<'a>(
    s: &'a Scenario,
    held: &[(String, f64)],
) -> Result<Cow<'a, InputSpace>, ModelError> {
    if held.is_empty() {
        return Ok(Cow::Borrowed(&s.inputs));
    }
    let mut at = Vec::with_capacity(held.len());
    for (path, v) in held {
        let i = s
            .inputs
            .index_of(path)
            .ok_or_else(|| ModelError::UnknownInput {
                path: path.clone(),
                known: s.inputs.names().to_vec(),
            })?;
        at.push((i, *v));
    }
    Ok(Cow::Owned(s.inputs.with_held(&at)?))
}

/// Runs every mix of `s` against doing nothing under the options `o`, on
/// the current rayon pool; `progress` is called after every block. The
/// result is a pure function of (scenario, seed, samples, method, held
/// inputs) and bit-identical on any thread count.
pub fn run(
    s: &Scenario,
    o: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<ScenarioRun, ModelError> {
    run_with(s, o, progress, &mut [])
}

/// [`run`], with `extra` observers shown every block as well (e.g. a
/// per-sample export); see [`palett_montecarlo::observe`].
pub fn run_with(
    s: &Scenario,
    o: &RunOptions,
    progress: &(dyn Fn(Progress) + Sync),
    extra: &mut [&mut dyn Observe],
) -> Result<ScenarioRun, ModelError> {
    let model = ScenarioModel::new(s)?;
    let resolved = settings(s, o, &model);
    let inputs = held_inputs(s, &o.held)?;
    let analysis = analysed(s, o, &resolved, &model, &inputs);
    let mut watching = analysis.as_ref().map(Observed::new);
    let mut observers: Vec<&mut dyn Observe> = Vec::with_capacity(extra.len() + 1);
    if let Some(w) = watching.as_mut() {
        observers.push(w);
    }
    for e in extra.iter_mut() {
        observers.push(&mut **e);
    }
    let summary = palett_montecarlo::run_observed(
        &model,
        &inputs,
        &model.plan().layout,
        &resolved.engine,
        progress,
        &mut observers,
    )?;
    drop(observers);
    let analysis = match (analysis.as_ref(), watching) {
        (Some(a), Some(w)) => Some(a.finish(&w.finish())),
        _ => None,
    };
    Ok(assemble(s, o, &model, &resolved, &summary, analysis))
}

/// The typed run from the engine's summary and the analysis.
fn assemble(
    s: &Scenario,
    o: &RunOptions,
    model: &ScenarioModel,
    resolved: &ResolvedRun,
    summary: &RunSummary,
    analysis: Option<Analysis>,
) -> ScenarioRun {
    let profile_years: f64 = s
        .groups
        .iter()
        .map(|g| g.profile)
        .chain(s.interventions.iter().filter_map(|i| i.success_profile))
        .map(|p| s.profiles[p].profile.len() as f64)
        .fold(0.0, |a, b| a + b);
    ScenarioRun {
        seed: resolved.engine.seed,
        method: resolved.method,
        results: ScenarioResults::new(s, model.plan(), summary),
        warnings: warnings(s, model),
        held: o.held.clone(),
        analysis,
        cells_per_sample: model.plan().mixes.len() as f64
            * profile_years
            * s.horizon as f64
            * s.actors.len() as f64,
        incomplete: None,
    }
}

/// One segment of a run split over machines (docs/distributed.md): the
/// engine's statistics and, when the run is analysed, the analysis state.
#[derive(Debug, Clone)]
pub struct SegmentState {
    /// The engine's statistics of the segment.
    pub engine: Partial,
    /// The analysis accumulators of the segment.
    pub analysis: Option<AnalysisState>,
}

impl Codec for SegmentState {
    fn encode(&self, e: &mut Encoder) {
        self.engine.encode(e);
        match &self.analysis {
            None => e.u32(0),
            Some(a) => {
                e.u32(1);
                a.encode(e);
            }
        }
    }

    fn decode(d: &mut Decoder<'_>) -> Result<Self, CodecError> {
        let engine = Partial::decode(d)?;
        let analysis = match d.u32()? {
            0 => None,
            1 => Some(AnalysisState::decode(d)?),
            t => return Err(d.invalid(format!("unknown analysis tag {t}"))),
        };
        Ok(SegmentState { engine, analysis })
    }
}

/// The resolved settings of a run split into parts, and its segment count.
pub fn split_settings(s: &Scenario, o: &RunOptions) -> Result<(ResolvedRun, u64), ModelError> {
    let model = ScenarioModel::new(s)?;
    let resolved = settings(s, o, &model);
    let count =
        palett_montecarlo::segment_count(palett_montecarlo::planned_samples(&resolved.engine));
    Ok((resolved, count))
}

/// Runs segments `segments` of the run of `s` with options `o` — one part
/// of a run split over machines — and hands each segment's state to
/// `on_segment` with its index, in order. Merged in segment order by
/// [`merge_segments`], the parts give the one-machine [`run`] bit for bit.
pub fn run_part(
    s: &Scenario,
    o: &RunOptions,
    segments: Range<u64>,
    progress: &(dyn Fn(Progress) + Sync),
    on_segment: &mut dyn FnMut(u64, SegmentState),
) -> Result<(), ModelError> {
    let model = ScenarioModel::new(s)?;
    let resolved = settings(s, o, &model);
    let inputs = held_inputs(s, &o.held)?;
    let analysis = analysed(s, o, &resolved, &model, &inputs);
    let mut watching = analysis.as_ref().map(Segmented::new);
    let mut engine = Vec::new();
    {
        let mut observers: Vec<&mut dyn Observe> = Vec::new();
        if let Some(w) = watching.as_mut() {
            observers.push(w);
        }
        palett_montecarlo::run_segments(
            &model,
            &inputs,
            &model.plan().layout,
            &resolved.engine,
            segments,
            progress,
            &mut observers,
            &mut |i, p| engine.push((i, p)),
        )?;
    }
    let mut states = watching.map(Segmented::finish).map(Vec::into_iter);
    for (i, p) in engine {
        let analysis = states.as_mut().and_then(Iterator::next);
        on_segment(
            i,
            SegmentState {
                engine: p,
                analysis,
            },
        );
    }
    Ok(())
}

/// Segments [`merge_segments`] folds together: enough that the running
/// total streams through memory once per group rather than once per
/// segment, few enough that the two groups held at once (one folding, the
/// next read and waiting) of Södertälje-sized segments stay near 270 MB
/// (8 × ≈ 33 MB with the analysis).
const MERGE_GROUP: usize = 4;

/// The run of `s` with options `o` from its segments' states, given in
/// segment order (every segment, or — for a run with parts missing — the
/// ones there are; the sample count is then what they hold).
///
/// A thread of its own takes the segments from `segments` (reading and
/// decoding parts) a group at a time while the previous group folds into
/// the total, so reading overlaps folding instead of leaving a core idle;
/// nothing folds in another order for it. Folded groups go back to that
/// thread to be freed: the fold does not wait for it, and memory freed
/// where it was allocated is reused by the next group rather than handed
/// back to the system and faulted in again.
pub fn merge_segments<I>(
    s: &Scenario,
    o: &RunOptions,
    segments: I,
) -> Result<ScenarioRun, ModelError>
where
    I: IntoIterator<Item = SegmentState>,
    I::IntoIter: Send,
{
    use palett_montecarlo::Observer;
    let model = ScenarioModel::new(s)?;
    let resolved = settings(s, o, &model);
    let inputs = held_inputs(s, &o.held)?;
    let analysis = analysed(s, o, &resolved, &model, &inputs);
    let layout = &model.plan().layout;
    let mut total = Partial::new(layout);
    let mut state: Option<AnalysisState> = None;
    let mut segments = segments.into_iter();
    std::thread::scope(|scope| {
        // A rendezvous channel: the reader holds at most the group it has
        // read until the fold takes it.
        let (groups, taken) = std::sync::mpsc::sync_channel::<Vec<SegmentState>>(0);
        let (spent, to_free) = std::sync::mpsc::channel::<Vec<Partial>>();
        scope.spawn(move || {
            loop {
                to_free.try_iter().for_each(drop);
                let group: Vec<SegmentState> = segments.by_ref().take(MERGE_GROUP).collect();
                // An empty group is the end; a failed send means the fold
                // stopped at a bad segment.
                if group.is_empty() || groups.send(group).is_err() {
                    break;
                }
            }
        });
        for group in taken {
            if !group.iter().all(|seg| seg.engine.fits(layout)) {
                return Err(ModelError::PartShape);
            }
            let (mut engines, analyses): (Vec<Partial>, Vec<Option<AnalysisState>>) = group
                .into_iter()
                .map(|seg| (seg.engine, seg.analysis))
                .unzip();
            if total.samples() == 0 && !engines.is_empty() {
                total = engines.remove(0);
            }
            // Partial::merge_all gives the same result as merging one by
            // one; the analysis states fold one by one, in segment order,
            // beside it.
            rayon::join(
                || total.merge_all(&engines),
                || {
                    let Some(a) = analysis.as_ref() else { return };
                    for later in analyses.into_iter().flatten() {
                        match state.as_mut() {
                            None => state = Some(later),
                            Some(st) => a.merge(st, later),
                        }
                    }
                },
            );
            // The reader may have finished; then the group is freed here.
            let _ = spent.send(engines);
        }
        Ok(())
    })?;
    let summary = palett_montecarlo::summarise_partial(layout, &total, false);
    let analysis = analysis.map(|a| a.finish(&state.unwrap_or_else(|| a.new_state())));
    Ok(assemble(s, o, &model, &resolved, &summary, analysis))
}

/// The analysis observer of a run, when the run is analysed.
fn analysed(
    s: &Scenario,
    o: &RunOptions,
    resolved: &ResolvedRun,
    model: &ScenarioModel,
    inputs: &InputSpace,
) -> Option<AnalysisObserver> {
    let analyse = !o.skip_analysis && resolved.method != Method::Deterministic;
    analyse.then(|| {
        let mixes = s.mix_names().iter().map(|m| m.to_string()).collect();
        AnalysisObserver::new(model.plan(), s.horizon, mixes, inputs)
    })
}

#[cfg(test)]
mod tests {
    use palett_montecarlo::{Distribution, SEGMENT_SAMPLES};

    use super::*;
    use crate::testing::{toy, with_inputs};
    use crate::value::Value;

    /// A toy scenario whose one cost is uncertain, so every cell's sketch
    /// holds many distinct values.
    fn uncertain(horizon: u32) -> Scenario {
        let mut s = toy(horizon, 0.03, horizon, &[("kommun", 0.0)]);
        s.interventions[0].cost[0].1 = Value::Input(0);
        with_inputs(
            s,
            vec![("cost", Distribution::Uniform { lo: 1.0, hi: 9.0 })],
        )
    }

    fn options(samples: u64) -> RunOptions {
        RunOptions {
            samples: Some(samples),
            seed: Some(11),
            ..RunOptions::default()
        }
    }

    fn segments(s: &Scenario, o: &RunOptions, of: Range<u64>) -> Vec<SegmentState> {
        let mut states = Vec::new();
        run_part(s, o, of, &|_| {}, &mut |_, state| states.push(state)).expect("runs");
        states
    }

    #[test]
    fn segments_merged_in_groups_on_two_threads_equal_the_one_machine_run() {
        // More segments than two groups, the last group partial, and a
        // last segment shorter than the others.
        let s = uncertain(3);
        let count = 2 * MERGE_GROUP as u64 + 3;
        let o = options((count - 1) * SEGMENT_SAMPLES + 100);
        let whole = run(&s, &o, &|_| {}).expect("runs");
        let merged = merge_segments(&s, &o, segments(&s, &o, 0..count)).expect("merges");
        assert_eq!(merged, whole);
    }

    #[test]
    fn a_segment_of_another_shape_is_refused_wherever_it_comes() {
        let s = uncertain(3);
        let o = options(2 * MERGE_GROUP as u64 * SEGMENT_SAMPLES + 1);
        let good = segments(&s, &o, 0..2 * MERGE_GROUP as u64 + 1);
        let other = uncertain(5);
        let wrong = segments(&other, &options(SEGMENT_SAMPLES), 0..1);
        // In the first group, and in a later one while the reader still has
        // segments to give: both must stop, not hang.
        for at in [0, MERGE_GROUP + 1] {
            let mut parts = good.clone();
            parts[at] = wrong[0].clone();
            assert!(matches!(
                merge_segments(&s, &o, parts),
                Err(ModelError::PartShape)
            ));
        }
    }
}
