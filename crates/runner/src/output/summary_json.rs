//! summary.json: per-mix statistics built from the engine's run summary
//! (docs/output-format.md). Holds nothing that varies between reruns of the
//! same inputs: no timings, no absolute paths, no dates.

use palett_montecarlo::{RunSummary, ScalarSummary};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::engine::Plan;
use crate::scenario::Scenario;

/// A map that serialises in insertion order (actors in scenario order).
#[derive(Debug, Clone, PartialEq)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Mean, spread and percentiles of one quantity over the samples.
/// `null` where undefined (no defined samples; a percentile beyond the horizon).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Mean over defined samples.
    pub mean: Option<f64>,
    /// Standard deviation (n − 1).
    pub sd: Option<f64>,
    /// Standard error of the mean.
    pub se: Option<f64>,
    /// 5th percentile.
    pub p5: Option<f64>,
    /// 25th percentile.
    pub p25: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 75th percentile.
    pub p75: Option<f64>,
    /// 95th percentile.
    pub p95: Option<f64>,
}

impl From<&ScalarSummary> for Stats {
    fn from(s: &ScalarSummary) -> Self {
        Stats {
            mean: s.mean,
            sd: s.sd,
            se: s.se,
            p5: s.p5,
            p25: s.p25,
            p50: s.p50,
            p75: s.p75,
            p95: s.p95,
        }
    }
}

/// Payback-year statistics with the share of samples that pay back at all.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaybackStats {
    /// Year statistics (never counts as beyond the horizon).
    #[serde(flatten)]
    pub stats: Stats,
    /// P(payback within the horizon).
    pub p_within_horizon: f64,
}

/// Tipping-year statistics with the share of samples that tip.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TippingStats {
    /// Year statistics.
    #[serde(flatten)]
    pub stats: Stats,
    /// P(tipping point reached within the horizon).
    pub p_reached: f64,
}

/// One actor's payback statistics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorPayback {
    /// Year statistics.
    #[serde(flatten)]
    pub stats: Stats,
    /// P(this actor's payback within the horizon).
    pub p_within_horizon: f64,
    /// P(the actor gets back what it invested within the budget period;
    /// for an actor that invests nothing: P(cumulative net at N ≥ 0)).
    pub p_within_budget_period: f64,
}

/// Present values by actor (and total) of the three streams.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PvByActor {
    /// Cost of doing nothing.
    pub baseline_cost: Ordered<Stats>,
    /// What the mix invests.
    pub investment: Ordered<Stats>,
    /// Avoided cost, area effects included.
    pub avoided: Ordered<Stats>,
}

/// PV of realised area effects, mix minus baseline, per class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaByClass {
    /// Direct societal effects.
    pub direct: Stats,
    /// Indirect societal effects.
    pub indirect: Stats,
    /// Business effects.
    pub business: Stats,
}

/// Everything summary.json says about one mix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MixSummary {
    /// Mix name (`do_nothing` for the baseline).
    pub name: String,
    /// Free text from the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Net present value, total, SEK.
    pub npv: Stats,
    /// PV(avoided) / PV(investment); samples without investment skipped.
    pub bcr: Stats,
    /// Payback year.
    pub payback_year: PaybackStats,
    /// Tipping year.
    pub tipping_year: TippingStats,
    /// NPV per actor, SEK.
    pub npv_by_actor: Ordered<Stats>,
    /// Payback per actor.
    pub payback_by_actor: Ordered<ActorPayback>,
    /// P(NPV > 0).
    pub p_npv_positive: f64,
    /// Share of samples where this mix has the highest total NPV (ties split).
    pub p_best: f64,
    /// Present values by actor.
    pub pv_by_actor: PvByActor,
    /// Area effects by class.
    pub area_effects_pv_by_class: AreaByClass,
    /// PV of each cohort group's cost under this mix, all actors, SEK: where
    /// the money goes (success groups appear as `<intervention>:success`).
    pub cost_pv_by_group: Ordered<Stats>,
}

/// The whole summary.json.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Scenario file as given on the command line.
    pub file: String,
    /// Seed.
    pub seed: u64,
    /// Samples run.
    pub samples: u64,
    /// `latin_hypercube`, `monte_carlo` or `deterministic`.
    pub method: String,
    /// Whether adaptive stopping ended the run before the sample count.
    pub stopped_early: bool,
    /// H, years.
    pub horizon: u32,
    /// Discount rate at its central value (share per year).
    pub discount_rate: f64,
    /// N, years.
    pub budget_period: u32,
    /// Price year of amounts, if stated.
    pub price_year: Option<u32>,
    /// Actors in output order.
    pub actors: Vec<String>,
    /// Warnings for the scenario author.
    pub warnings: Vec<String>,
    /// Mixes, do_nothing first.
    pub mixes: Vec<MixSummary>,
}

/// Builds the per-mix summaries from the engine's result.
pub fn mixes(s: &Scenario, plan: &Plan, run: &RunSummary) -> Vec<MixSummary> {
    let actors = s.actors.names();
    let st = |i: usize| Stats::from(&run.scalars[i]);
    let keys: Vec<String> = actors
        .iter()
        .cloned()
        .chain(["total".to_string()])
        .collect();
    plan.mixes
        .iter()
        .enumerate()
        .map(|(m, slots)| {
            let description = if m == 0 {
                Some("The baseline: no intervention active.".to_string())
            } else {
                s.mixes[m - 1].description.clone()
            };
            let pv = |k: usize| {
                Ordered(
                    keys.iter()
                        .cloned()
                        .zip(slots.pv[k].iter().map(|&i| st(i)))
                        .collect(),
                )
            };
            MixSummary {
                name: slots.name.clone(),
                description,
                npv: st(slots.npv),
                bcr: st(slots.bcr),
                payback_year: PaybackStats {
                    stats: st(slots.payback),
                    p_within_horizon: run.scalars[slots.payback].share_defined,
                },
                tipping_year: TippingStats {
                    stats: st(slots.tipping),
                    p_reached: run.scalars[slots.tipping].share_defined,
                },
                npv_by_actor: Ordered(
                    actors
                        .iter()
                        .cloned()
                        .zip(slots.npv_by_actor.iter().map(|&i| st(i)))
                        .collect(),
                ),
                payback_by_actor: Ordered(
                    actors
                        .iter()
                        .enumerate()
                        .map(|(a, name)| {
                            let i = slots.payback_by_actor[a];
                            (
                                name.clone(),
                                ActorPayback {
                                    stats: st(i),
                                    p_within_horizon: run.scalars[i].share_defined,
                                    p_within_budget_period: run.scalars[slots.within_budget[a]]
                                        .mean
                                        .unwrap_or(0.0),
                                },
                            )
                        })
                        .collect(),
                ),
                p_npv_positive: run.scalars[slots.npv].p_positive,
                p_best: run.contests[0][m],
                pv_by_actor: PvByActor {
                    baseline_cost: pv(0),
                    investment: pv(1),
                    avoided: pv(2),
                },
                cost_pv_by_group: Ordered(
                    plan.groups
                        .iter()
                        .cloned()
                        .zip(slots.group_pv.iter().map(|&i| st(i)))
                        .collect(),
                ),
                area_effects_pv_by_class: AreaByClass {
                    direct: st(slots.area_pv[0]),
                    indirect: st(slots.area_pv[1]),
                    business: st(slots.area_pv[2]),
                },
            }
        })
        .collect()
}

/// by_year.csv: `mix,year,measure,key,mean,p5,p50,p95`, long format.
pub fn by_year_csv(s: &Scenario, plan: &Plan, run: &RunSummary) -> String {
    let keys: Vec<&str> = s
        .actors
        .names()
        .iter()
        .map(String::as_str)
        .chain(["total"])
        .collect();
    let mut out = String::from("mix,year,measure,key,mean,p5,p50,p95\n");
    let num = |v: f64| {
        if v.is_finite() {
            format!("{v}")
        } else {
            String::new()
        }
    };
    for slots in &plan.mixes {
        let zero = vec![
            palett_montecarlo::Band {
                mean: 0.0,
                p5: 0.0,
                p50: 0.0,
                p95: 0.0
            };
            s.horizon as usize
        ];
        let mut rows = |measure: &str, key: &str, series: Option<usize>| {
            // An untracked series is zero by definition (do-nothing's net,
            // investment, avoided; the investment of an actor the mix never charges).
            let bands = series.map_or(&zero, |i| &run.series[i]);
            for (t, b) in bands.iter().enumerate() {
                out.push_str(&format!(
                    "{},{},{},{},{},{},{},{}\n",
                    slots.name,
                    t + 1,
                    measure,
                    key,
                    num(b.mean),
                    num(b.p5),
                    num(b.p50),
                    num(b.p95)
                ));
            }
        };
        for (m, measure) in crate::engine::MEASURES.iter().enumerate() {
            for (k, key) in keys.iter().enumerate() {
                rows(measure, key, slots.series[m][k]);
            }
        }
        for (k, track) in palett_synergy::Track::ALL.iter().enumerate() {
            rows("track_state", track.name(), Some(slots.tracks[k]));
        }
        for (k, class) in crate::engine::AREA_KEYS.iter().enumerate() {
            rows("area_effects", class, slots.area_series[k]);
        }
    }
    out
}
