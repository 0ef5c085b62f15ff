//! One scenario's report, before it becomes HTML or figures: the per-actor
//! view of each mix (who pays, who gains, when) and every chart. The
//! terminal's `palett show` prints the same per-actor view.

use crate::actors;
use crate::chart::analysis::{self, Analysis};
use crate::chart::{Chart, bars, boxes, diverging, fan};
use crate::data::{Band, ResultFolder, Stats, Summary};
use crate::svg::style;

/// SEK per MSEK.
pub const MSEK: f64 = 1e6;

/// Track keys of by_year.csv's `track_state`, in the model's order.
pub const TRACKS: [&str; 4] = ["school", "housing", "labour", "safety"];

/// One actor under one mix: what it pays, what it saves, when it gets its
/// money back.
#[derive(Debug, Clone)]
pub struct ActorView {
    /// Actor key.
    pub actor: String,
    /// PV of its investment, SEK.
    pub investment: Stats,
    /// PV of the cost it no longer pays, SEK.
    pub avoided: Stats,
    /// Its NPV, SEK.
    pub npv: Stats,
    /// Its payback year (only for an actor that invests).
    pub payback: Stats,
    /// P(it gets back what it invested within the budget period); for an
    /// actor that invests nothing, P(cumulative net at the end of the budget period ≥ 0).
    pub p_recovered: Option<f64>,
    /// Whether it invests anything (mean investment above zero).
    pub invests: bool,
    /// For an actor that gains without investing: the year from which its
    /// median cumulative net PV stays above zero to the horizon.
    pub gains_from: Option<u32>,
}

/// The year from which the median of a cumulative series stays above
/// zero to its end; `None` when it ends at or below zero. A cost that
/// rises before it falls (worse before better) can make the cumulative net
/// positive early and negative again, so the first positive year would
/// mislead.
pub fn gains_from(cum: &[Band]) -> Option<u32> {
    let last = cum.last()?;
    if !last.p50.is_some_and(|v| v > 0.0) {
        return None;
    }
    let from = cum
        .iter()
        .rposition(|b| !b.p50.is_some_and(|v| v > 0.0))
        .map_or(0, |i| i + 1);
    cum.get(from).map(|b| b.year)
}

/// The per-actor view of mix `mix` (the `total` row last).
pub fn actor_view(r: &ResultFolder, mix: &str) -> Vec<ActorView> {
    let s = &r.summary;
    let Some(m) = s.mixes.iter().find(|m| m.name == mix) else {
        return Vec::new();
    };
    let get = |map: &std::collections::HashMap<String, Stats>, k: &str| {
        map.get(k).cloned().unwrap_or_default()
    };
    s.actors
        .iter()
        .map(String::as_str)
        .chain(["total"])
        .map(|a| {
            let investment = get(&m.pv_by_actor.investment, a);
            let invests = investment.mean.is_some_and(|v| v > 0.0);
            let npv = if a == "total" {
                m.npv.clone()
            } else {
                get(&m.npv_by_actor, a)
            };
            let gains_from = if invests {
                None
            } else {
                gains_from(r.by_year.series(mix, "cum_net_pv", a))
            };
            ActorView {
                actor: a.to_string(),
                avoided: get(&m.pv_by_actor.avoided, a),
                investment,
                npv,
                payback: if a == "total" {
                    m.payback_year.clone()
                } else {
                    get(&m.payback_by_actor, a)
                },
                p_recovered: m
                    .payback_by_actor
                    .get(a)
                    .and_then(|p| p.p_within_budget_period),
                invests,
                gains_from,
            }
        })
        .collect()
}

/// Everything one scenario's page shows.
#[derive(Debug, Clone)]
pub struct ScenarioReport {
    /// The result folder's name (the file stem).
    pub stem: String,
    /// The folder as read.
    pub folder: ResultFolder,
    /// NPV per mix.
    pub npv: Option<Chart>,
    /// Cost of doing nothing per actor.
    pub do_nothing: Chart,
    /// Per mix: its name, the actor view and the diverging chart.
    pub actors: Vec<(String, Vec<ActorView>, Chart)>,
    /// Cumulative net PV per mix over the years.
    pub fan: Option<Chart>,
    /// Track states per mix.
    pub tracks: Vec<Chart>,
    /// Tipping-year distribution per mix.
    pub tipping: Option<Chart>,
    /// Charts of sensitivity.json.
    pub analysis: Option<Analysis>,
}

impl ScenarioReport {
    /// Every chart, in page order.
    pub fn charts(&self) -> Vec<&Chart> {
        let mut v: Vec<&Chart> = Vec::new();
        v.push(&self.do_nothing);
        v.extend(self.npv.iter());
        v.extend(self.actors.iter().map(|a| &a.2));
        v.extend(self.fan.iter());
        v.extend(self.tracks.iter());
        v.extend(self.tipping.iter());
        if let Some(a) = &self.analysis {
            v.extend(a.charts());
        }
        v
    }
}

fn msek(v: Option<f64>) -> Option<f64> {
    v.map(|v| v / MSEK)
}

fn interval(s: &Stats, deterministic: bool) -> Option<(f64, f64)> {
    if deterministic {
        None
    } else {
        s.p5.zip(s.p95).map(|(a, b)| (a / MSEK, b / MSEK))
    }
}

fn est(s: &Stats) -> diverging::Est {
    diverging::Est {
        mean: msek(s.mean),
        p5: msek(s.p5),
        p95: msek(s.p95),
    }
}

/// A short form of the price year for axis titles: "MSEK, 2018 prices".
fn unit(s: &Summary, what: &str) -> String {
    match s.price_year {
        Some(y) => format!("{what}, MSEK ({y} prices)"),
        None => format!("{what}, MSEK"),
    }
}

/// Builds every chart of one result folder.
pub fn build(stem: &str, folder: ResultFolder) -> ScenarioReport {
    let s = &folder.summary;
    let det = s.deterministic();
    let baseline = s.baseline();
    let alternatives: Vec<_> = s.alternatives().collect();

    let do_nothing_rows: Vec<bars::Row> = s
        .actors
        .iter()
        .map(|a| {
            let st = baseline
                .and_then(|b| b.pv_by_actor.baseline_cost.get(a))
                .cloned()
                .unwrap_or_default();
            bars::Row {
                label: actors::label(a),
                value: msek(st.mean),
                interval: interval(&st, det),
                marker: None,
                style: style(5),
            }
        })
        .collect();
    let do_nothing = bars::chart(
        "do-nothing",
        "Cost of doing nothing, by actor",
        &format!(
            "Present value over {} years of what exclusion costs each actor if nothing is done (mean, 90 % interval).",
            s.horizon
        ),
        &unit(s, "present value"),
        &do_nothing_rows,
        bars::Series::One("baseline cost"),
    );

    let npv = (!alternatives.is_empty()).then(|| {
        let rows: Vec<bars::Row> = alternatives
            .iter()
            .enumerate()
            .map(|(i, m)| bars::Row {
                label: m.name.clone(),
                value: msek(m.npv.mean),
                interval: interval(&m.npv, det),
                marker: None,
                style: style(i),
            })
            .collect();
        bars::chart(
            "npv",
            "Net present value of each mix against doing nothing",
            "Total over all actors: avoided cost minus investment, discounted (mean; whiskers: 90 % interval).",
            &unit(s, "NPV"),
            &rows,
            bars::Series::PerRow,
        )
    });

    let actors_charts = alternatives
        .iter()
        .map(|m| {
            let view = actor_view(&folder, &m.name);
            let rows: Vec<diverging::Row> = view
                .iter()
                .filter(|v| v.actor != "total")
                .map(|v| diverging::Row {
                    label: actors::label(&v.actor),
                    investment: est(&v.investment),
                    avoided: est(&v.avoided),
                    net: est(&v.npv),
                })
                .collect();
            let chart = diverging::chart(
                &format!("actors-{}", m.name),
                &format!("Who pays, who gains: {}", m.name),
                "Per actor, present value of what it invests (left) and of the cost it no longer pays (right), with 90 % intervals; the diamond is its net.",
                &unit(s, "present value"),
                &rows,
            );
            (m.name.clone(), view, chart)
        })
        .collect();

    let fan = (!alternatives.is_empty() && !folder.by_year.is_empty()).then(|| {
        let series: Vec<fan::Series> = alternatives
            .iter()
            .enumerate()
            .map(|(i, m)| fan::Series {
                label: m.name.clone(),
                style: style(i),
                bands: folder
                    .by_year
                    .series(&m.name, "cum_net_pv", "total")
                    .iter()
                    .map(|b| Band {
                        year: b.year,
                        mean: msek(b.mean),
                        p5: msek(b.p5),
                        p50: msek(b.p50),
                        p95: msek(b.p95),
                    })
                    .collect(),
            })
            .collect();
        fan::chart(
            "fan-net",
            "Cumulative net present value over the years",
            "Per mix, cumulative discounted avoided cost minus investment, all actors: median (line) and 5th–95th percentile (band). Where a line crosses zero, the mix has paid back.",
            &unit(s, "cumulative net PV"),
            &series,
            None,
        )
    });

    let tracks = if folder.by_year.is_empty() {
        Vec::new()
    } else {
        s.mixes
            .iter()
            .filter(|m| {
                TRACKS
                    .iter()
                    .any(|t| !folder.by_year.series(&m.name, "track_state", t).is_empty())
            })
            .map(|m| {
                let series: Vec<fan::Series> = TRACKS
                    .iter()
                    .enumerate()
                    .map(|(i, t)| fan::Series {
                        label: (*t).to_string(),
                        style: style(i),
                        bands: folder.by_year.series(&m.name, "track_state", t).to_vec(),
                    })
                    .collect();
                fan::chart(
                    &format!("tracks-{}", m.name),
                    &format!("The four tracks: {}", m.name),
                    "State of each track: 0 = the area's starting point, 1 = the national norm, below 0 = worse (median and 5th–95th percentile).",
                    "track state (0 = baseline, 1 = national norm)",
                    &series,
                    Some(fan::YRange(-0.2, 1.0)),
                )
            })
            .collect()
    };

    let tipping = (!alternatives.is_empty()).then(|| {
        let rows: Vec<boxes::Row> = alternatives
            .iter()
            .enumerate()
            .map(|(i, m)| boxes::Row {
                label: m.name.clone(),
                style: style(i),
                stats: m.tipping_year.clone(),
                reached: m.tipping_year.p_reached,
            })
            .collect();
        boxes::chart(
            "tipping",
            "When does the change carry itself? Tipping year per mix",
            "Box: 25th–75th percentile of the tipping year, thick line: median, whiskers: 5th–95th percentile; an open end runs past the horizon. Right: share of samples that tip at all.",
            "tips",
            s.horizon,
            &rows,
        )
    });

    let analysis = analysis::analyse(
        folder.sensitivity.as_ref(),
        folder.shapley.as_ref(),
        &folder.summary,
    );
    ScenarioReport {
        stem: stem.to_string(),
        npv,
        do_nothing,
        actors: actors_charts,
        fan,
        tracks,
        tipping,
        analysis,
        folder,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cum(medians: &[f64]) -> Vec<Band> {
        medians
            .iter()
            .enumerate()
            .map(|(i, v)| Band {
                year: i as u32 + 1,
                mean: Some(*v),
                p5: None,
                p50: Some(*v),
                p95: None,
            })
            .collect()
    }

    #[test]
    fn gains_count_from_the_last_time_the_net_turns_positive() {
        assert_eq!(gains_from(&cum(&[1.0, 2.0, 3.0])), Some(1));
        assert_eq!(gains_from(&cum(&[1.0, -2.0, -1.0, 0.5, 2.0])), Some(4));
        assert_eq!(gains_from(&cum(&[1.0, 2.0, -1.0])), None);
        assert_eq!(gains_from(&[]), None);
    }
}
