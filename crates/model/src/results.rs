//! The results of a run, typed: for every mix, the summary of each
//! quantity and measure of the catalogue, and P(best) (model.md §6–§7).
//! The runner's outputs (summary.json, by_year.csv, the terminal table)
//! and the assertions read these.

use palett_montecarlo::{Band, RunSummary, ScalarSummary};

use crate::layout::Plan;
use crate::metric::{FigureDef, KeyNames, Measure, MetricRef, Quantity, Reading};
use crate::scenario::Scenario;

/// What the do-nothing mix's description says.
pub const DO_NOTHING_DESCRIPTION: &str = "The baseline: no intervention active.";

/// The results of one mix.
#[derive(Debug, Clone, PartialEq)]
pub struct MixResults {
    /// Mix name (`do_nothing` for the baseline).
    pub name: String,
    /// Free text from the file (for do-nothing: [`DO_NOTHING_DESCRIPTION`]).
    pub description: Option<String>,
    /// Per [`Quantity`], per key.
    scalars: Vec<Vec<ScalarSummary>>,
    /// Per [`Measure`], per key, one band per year; zero bands for a series
    /// that is zero by definition.
    series: Vec<Vec<Vec<Band>>>,
    /// Share of samples in which this mix has the highest total NPV.
    pub p_best: f64,
}

/// One figure's value for one key: a summary, or a single number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FigureValue<'a> {
    /// The statistics of a [`Reading::Stats`] figure.
    Stats(&'a ScalarSummary),
    /// A share (0–1); `None` when it is a share of no samples.
    Share(Option<f64>),
}

impl MixResults {
    /// The summary of quantity `q` for key `key` (index in its key set).
    pub fn scalar(&self, q: Quantity, key: usize) -> &ScalarSummary {
        &self.scalars[q.index()][key]
    }

    /// The summaries of quantity `q`, one per key.
    pub fn scalars(&self, q: Quantity) -> &[ScalarSummary] {
        &self.scalars[q.index()]
    }

    /// The by-year bands of measure `m` for key `key`, years 1..=H.
    pub fn series(&self, m: Measure, key: usize) -> &[Band] {
        &self.series[m.index()][key]
    }

    /// The total NPV's summary (the last key of [`Quantity::Npv`]).
    pub fn npv(&self) -> &ScalarSummary {
        let v = self.scalars(Quantity::Npv);
        &v[v.len() - 1]
    }

    /// The value of figure `f` for key `key`.
    pub fn figure(&self, f: &FigureDef, key: usize) -> FigureValue<'_> {
        let s = self.scalar(f.quantity, key);
        match f.reading {
            Reading::Stats => FigureValue::Stats(s),
            // A share of no samples (an actor's payback when it never
            // invests) is undefined, not 0.
            Reading::ShareDefined => {
                FigureValue::Share((s.population > 0).then_some(s.share_defined))
            }
            Reading::SharePositive => {
                FigureValue::Share((s.population > 0).then_some(s.p_positive))
            }
            // An indicator that every sample defines; 0 if none did.
            Reading::MeanShare => FigureValue::Share(Some(s.mean.unwrap_or(0.0))),
            Reading::PBest => FigureValue::Share(Some(self.p_best)),
        }
    }

    /// The number an assertion names; `None` when undefined (a percentile
    /// beyond the horizon, a statistic of no defined samples).
    pub fn metric(&self, m: &MetricRef) -> Option<f64> {
        match self.figure(m.figure(), m.key) {
            FigureValue::Stats(s) => m.stat.and_then(|st| st.of(s)),
            FigureValue::Share(v) => v,
        }
    }
}

/// The results of a run, every mix, do-nothing first.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioResults {
    /// Samples drawn and summarised.
    pub samples: u64,
    /// True when adaptive stopping ended the run before its sample count.
    pub stopped_early: bool,
    /// Per mix, in [`Scenario::mix_names`] order.
    pub mixes: Vec<MixResults>,
    /// The names of every key set's keys.
    pub keys: KeyNames,
    /// H, years of every series.
    pub horizon: u32,
}

impl ScenarioResults {
    /// Sorts the engine's summary into typed results.
    pub fn new(s: &Scenario, plan: &Plan, run: &RunSummary) -> ScenarioResults {
        let h = s.horizon as usize;
        let zero = vec![
            Band {
                mean: 0.0,
                p5: 0.0,
                p50: 0.0,
                p95: 0.0
            };
            h
        ];
        let mixes = plan
            .mixes
            .iter()
            .enumerate()
            .map(|(m, slots)| MixResults {
                name: slots.name.clone(),
                description: if m == 0 {
                    Some(DO_NOTHING_DESCRIPTION.to_string())
                } else {
                    s.mixes[m - 1].description.clone()
                },
                scalars: Quantity::ALL
                    .iter()
                    .map(|&q| {
                        slots
                            .scalar(q)
                            .iter()
                            .map(|slot| run.scalars[slot.index()].clone())
                            .collect()
                    })
                    .collect(),
                series: Measure::ALL
                    .iter()
                    .map(|&ms| {
                        slots
                            .series(ms)
                            .iter()
                            .map(|slot| match slot {
                                Some(slot) => run.series[slot.index()].clone(),
                                None => zero.clone(),
                            })
                            .collect()
                    })
                    .collect(),
                p_best: run.contests[Plan::P_BEST][m],
            })
            .collect();
        ScenarioResults {
            samples: run.samples,
            stopped_early: run.stopped_early,
            mixes,
            keys: plan.keys.clone(),
            horizon: s.horizon,
        }
    }

    /// The mix called `name`.
    pub fn mix(&self, name: &str) -> Option<&MixResults> {
        self.mixes.iter().find(|m| m.name == name)
    }
}
