//! The output layout: which scalars and series the Monte Carlo engine
//! tracks for each mix, and where each sits.

use palett_montecarlo::{Contest, Missing, OutputLayout, ScalarSpec, SeriesSpec};
use palett_synergy::Track;

use crate::scenario::Scenario;

/// Name of the built-in baseline mix.
pub const DO_NOTHING: &str = "do_nothing";

/// The by-year measures, in output order.
pub const MEASURES: [&str; 4] = ["cum_net_pv", "cum_baseline_pv", "investment", "avoided"];

/// Keys of the by-year `area_effects` measure.
pub const AREA_KEYS: [&str; 4] = ["direct", "indirect", "business", "total"];

/// Where each output of one mix sits in the engine's layout.
#[derive(Debug, Clone)]
pub struct MixSlots {
    /// Mix name.
    pub name: String,
    /// Scalar: total NPV.
    pub npv: usize,
    /// Scalar: NPV per actor (actor order).
    pub npv_by_actor: Vec<usize>,
    /// Scalar: benefit–cost ratio.
    pub bcr: usize,
    /// Scalar: payback year.
    pub payback: usize,
    /// Scalar: tipping year.
    pub tipping: usize,
    /// Scalar: payback year per actor.
    pub payback_by_actor: Vec<usize>,
    /// Scalar: 1 if the actor recovers within the budget period, else 0.
    pub within_budget: Vec<usize>,
    /// Scalars: PV of baseline cost, investment, avoided; per actor then total.
    pub pv: [Vec<usize>; 3],
    /// Scalars: PV of area effects (mix − baseline) per class direct, indirect, business.
    pub area_pv: [usize; 3],
    /// Scalars: PV of each cohort group's cost under the mix (all actors), in [`Plan::groups`] order.
    pub group_pv: Vec<usize>,
    /// Series: per measure of [`MEASURES`], per key (actors then total),
    /// length H. `None` where the series is zero by definition — the
    /// do-nothing mix's net, investment and avoided cost, and the investment
    /// of an actor whom no intervention of the mix charges anything — so
    /// it is not tracked (the summary writes zeros; a third of the product's
    /// investment series, with nothing to summarise per sample).
    /// `cum_baseline_pv` is the same series for every mix: tracked once,
    /// under do-nothing, and shared.
    pub series: [Vec<Option<usize>>; 4],
    /// Series: track states per track, length H.
    pub tracks: [usize; 4],
    /// Series: area effects per year (mix − baseline) for direct, indirect,
    /// business, total; `None` for do-nothing (zero by definition).
    pub area_series: [Option<usize>; 4],
}

/// Layout of all outputs and the index of each.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What the engine tracks.
    pub layout: OutputLayout,
    /// Per mix, do-nothing first.
    pub mixes: Vec<MixSlots>,
    /// Cohort group names: the scenario's groups, then one success group per
    /// intervention with a success profile (`<intervention>:success`).
    pub groups: Vec<String>,
}

/// Builds the output layout for a scenario: do-nothing first, then the mixes in file order.
pub fn plan(s: &Scenario) -> Plan {
    let h = s.horizon as usize;
    let actors = s.actors.names();
    let mut scalars: Vec<ScalarSpec> = Vec::new();
    let mut series: Vec<SeriesSpec> = Vec::new();
    let mut add = |name: String, missing: Missing| {
        scalars.push(ScalarSpec { name, missing });
        scalars.len() - 1
    };
    let groups: Vec<String> = s
        .groups
        .iter()
        .map(|g| g.name.clone())
        .chain(
            s.interventions
                .iter()
                .filter(|i| i.success_profile.is_some())
                .map(|i| format!("{}:success", i.name)),
        )
        .collect();
    let mut mixes: Vec<MixSlots> = Vec::new();
    let mut baseline_series: Vec<Option<usize>> = Vec::new();
    let names: Vec<String> = std::iter::once(DO_NOTHING.to_string())
        .chain(s.mixes.iter().map(|m| m.name.clone()))
        .collect();
    for (mi, m) in names.iter().enumerate() {
        // Actors that some intervention of the mix charges (fixed or per
        // case); everyone else's investment is 0 in every year and sample.
        let mut pays = vec![false; actors.len()];
        if mi > 0 {
            for e in &s.mixes[mi - 1].entries {
                let iv = &s.interventions[e.intervention];
                for (a, _) in iv.cost.iter().chain(&iv.cost_per_case) {
                    pays[a.0] = true;
                }
            }
        }
        let npv = add(format!("{m}/npv"), Missing::Skip);
        let npv_by_actor = actors
            .iter()
            .map(|a| add(format!("{m}/npv/{a}"), Missing::Skip))
            .collect();
        let bcr = add(format!("{m}/bcr"), Missing::Skip);
        let payback = add(format!("{m}/payback"), Missing::BeyondRange);
        let tipping = add(format!("{m}/tipping"), Missing::BeyondRange);
        let payback_by_actor = actors
            .iter()
            .map(|a| add(format!("{m}/payback/{a}"), Missing::BeyondRange))
            .collect();
        let within_budget = actors
            .iter()
            .map(|a| add(format!("{m}/within_budget/{a}"), Missing::Skip))
            .collect();
        let pv = ["baseline_cost", "investment", "avoided"].map(|k| {
            actors
                .iter()
                .map(String::as_str)
                .chain(["total"])
                .map(|a| add(format!("{m}/pv/{k}/{a}"), Missing::Skip))
                .collect()
        });
        let area_pv =
            ["direct", "indirect", "business"].map(|c| add(format!("{m}/area/{c}"), Missing::Skip));
        let group_pv = groups
            .iter()
            .map(|g| add(format!("{m}/group/{g}"), Missing::Skip))
            .collect();
        let mut ser = |name: String| {
            series.push(SeriesSpec { name, len: h });
            series.len() - 1
        };
        let is_baseline = mixes.is_empty();
        let meas: [Vec<Option<usize>>; 4] = std::array::from_fn(|k| {
            let keys = actors.iter().map(String::as_str).chain(["total"]);
            match (k, is_baseline) {
                (1, false) => baseline_series.clone(),
                (1, true) | (_, false) => keys
                    .enumerate()
                    .map(|(i, a)| {
                        let never_paid = k == 2 && i < pays.len() && !pays[i];
                        (!never_paid).then(|| ser(format!("{m}/{}/{a}", MEASURES[k])))
                    })
                    .collect(),
                (_, true) => keys.map(|_| None).collect(),
            }
        });
        if is_baseline {
            baseline_series = meas[1].clone();
        }
        let tracks = Track::ALL.map(|t| ser(format!("{m}/track_state/{}", t.name())));
        let area_series =
            AREA_KEYS.map(|c| (!is_baseline).then(|| ser(format!("{m}/area_effects/{c}"))));
        mixes.push(MixSlots {
            name: m.clone(),
            npv,
            npv_by_actor,
            bcr,
            payback,
            tipping,
            payback_by_actor,
            within_budget,
            pv,
            area_pv,
            group_pv,
            series: meas,
            tracks,
            area_series,
        });
    }
    let contests = vec![Contest {
        name: "p_best".into(),
        members: mixes.iter().map(|m| m.npv).collect(),
    }];
    Plan {
        layout: OutputLayout {
            scalars,
            series,
            contests,
        },
        mixes,
        groups,
    }
}
