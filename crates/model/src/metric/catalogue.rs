//! The metric catalogue: every output quantity of a run, declared once.
//!
//! Three tables, each in output order:
//! - [`QUANTITIES`]: the per-sample scalars of a mix (model.md §6), with
//!   their unit, the keys they are reported by and how a sample can leave
//!   them undefined. The engine's output layout has one cell per quantity,
//!   key and mix ([`crate::layout`]).
//! - [`MEASURES`]: the per-sample by-year series of a mix — the rows of
//!   by_year.csv.
//! - [`FIGURES`]: what a mix's summary reports about the quantities — the
//!   entries of summary.json, at their JSON paths — and what assertions may
//!   name ([`super::MetricRef`]).
//!
//! Adding a metric is one declaration here plus its computation in
//! the accounts (or wherever the model computes it); the layout, the
//! summaries, the by-year table and assertion checking follow from these
//! tables.

use palett_montecarlo::Missing;

/// The unit of a quantity's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Swedish kronor, fixed prices of the scenario's price year.
    Sek,
    /// A model year, 1..=H.
    Year,
    /// A ratio of two amounts (benefit–cost ratio).
    Ratio,
    /// A share 0–1 (a probability, or the mean of a 0/1 indicator).
    Share,
    /// A track state x_k(t) in [−1, 1] (model.md §5).
    TrackState,
}

impl Unit {
    /// How the unit is written in outputs and messages.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Sek => "SEK",
            Unit::Year => "year",
            Unit::Ratio => "ratio",
            Unit::Share => "share",
            Unit::TrackState => "state",
        }
    }
}

/// The keys a quantity or measure is reported by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySet {
    /// One value per mix, no key.
    Single,
    /// One value per actor, in the scenario's actor order.
    Actors,
    /// One per actor, then `total` (the sum over actors) as the last key.
    ActorsAndTotal,
    /// One per cohort group: the scenario's groups, then the success groups.
    CohortGroups,
    /// direct, indirect, business.
    AreaClasses,
    /// direct, indirect, business, then `total`.
    AreaClassesAndTotal,
    /// school, housing, labour, safety.
    Tracks,
}

impl KeySet {
    /// What one key is called in messages ("actor", "group", …).
    pub fn noun(self) -> (&'static str, &'static str) {
        match self {
            KeySet::Single => ("key", "keys"),
            KeySet::Actors | KeySet::ActorsAndTotal => ("actor", "actors"),
            KeySet::CohortGroups => ("group", "groups"),
            KeySet::AreaClasses | KeySet::AreaClassesAndTotal => ("class", "classes"),
            KeySet::Tracks => ("track", "tracks"),
        }
    }

    /// True when the last key is the sum of the others (`total`).
    pub fn has_total(self) -> bool {
        matches!(self, KeySet::ActorsAndTotal | KeySet::AreaClassesAndTotal)
    }
}

/// A per-sample scalar of a mix (model.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantity {
    /// Net present value Σ_t net(t)·d(t), per actor and in total.
    Npv,
    /// Benefit–cost ratio PV(avoided) / PV(investment), total.
    Bcr,
    /// Payback year, per actor and in total.
    PaybackYear,
    /// Tipping year of the mix's track states.
    TippingYear,
    /// 1 when the actor recovers within the budget period N, else 0.
    RecoversInBudget,
    /// PV of the baseline (do-nothing) cost, per actor and in total.
    PvBaselineCost,
    /// PV of the mix's investment, per actor and in total.
    PvInvestment,
    /// PV of the avoided cost (area effects included), per actor and in total.
    PvAvoided,
    /// PV of the realised area effects, mix minus baseline, per class.
    AreaEffectPv,
    /// PV of each cohort group's cost under the mix, all actors.
    GroupCostPv,
    /// First year with cumulative discounted net > 0, per actor and in
    /// total, whether or not the actor invests (model.md §6).
    FirstGainYear,
    /// 1 when the actor invests anything under the mix, else 0 (model.md §6).
    Invests,
}

impl Quantity {
    /// Every quantity, in catalogue order.
    pub const ALL: [Quantity; 12] = [
        Quantity::Npv,
        Quantity::Bcr,
        Quantity::PaybackYear,
        Quantity::TippingYear,
        Quantity::RecoversInBudget,
        Quantity::PvBaselineCost,
        Quantity::PvInvestment,
        Quantity::PvAvoided,
        Quantity::AreaEffectPv,
        Quantity::GroupCostPv,
        Quantity::FirstGainYear,
        Quantity::Invests,
    ];

    /// Its declaration.
    pub fn def(self) -> &'static QuantityDef {
        &QUANTITIES[self as usize]
    }

    /// Position in [`Quantity::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The declaration of a [`Quantity`].
#[derive(Debug, Clone, Copy)]
pub struct QuantityDef {
    /// The quantity declared.
    pub quantity: Quantity,
    /// Its name in the engine's layout (`<mix>/<name>/<key>`).
    pub name: &'static str,
    /// The unit of its values.
    pub unit: Unit,
    /// The keys it is reported by.
    pub keys: KeySet,
    /// How a sample in which it is undefined enters the statistics.
    pub missing: Missing,
    /// What it is, in words (model.md §6).
    pub doc: &'static str,
}

/// Every [`Quantity`], in [`Quantity::ALL`] order.
pub const QUANTITIES: [QuantityDef; 12] = [
    QuantityDef {
        quantity: Quantity::Npv,
        name: "npv",
        unit: Unit::Sek,
        keys: KeySet::ActorsAndTotal,
        missing: Missing::Skip,
        doc: "net present value: avoided cost minus investment, discounted (model.md §6)",
    },
    QuantityDef {
        quantity: Quantity::Bcr,
        name: "bcr",
        unit: Unit::Ratio,
        keys: KeySet::Single,
        missing: Missing::Skip,
        doc: "benefit–cost ratio PV(avoided) / PV(investment); undefined when nothing is invested",
    },
    QuantityDef {
        quantity: Quantity::PaybackYear,
        name: "payback",
        unit: Unit::Year,
        keys: KeySet::ActorsAndTotal,
        missing: Missing::BeyondRange,
        doc: "first year, at or after the first investment, with cumulative discounted net ≥ 0; \
              undefined (never) when that does not happen within the horizon or nothing is invested",
    },
    QuantityDef {
        quantity: Quantity::TippingYear,
        name: "tipping",
        unit: Unit::Year,
        keys: KeySet::Single,
        missing: Missing::BeyondRange,
        doc: "the last year anyone has to keep paying for the change to carry itself (model.md §5)",
    },
    QuantityDef {
        quantity: Quantity::RecoversInBudget,
        name: "within_budget",
        unit: Unit::Share,
        keys: KeySet::Actors,
        missing: Missing::Skip,
        doc: "1 when the actor's payback year is within the budget period N (for an actor that \
              invests nothing: cumulative net at N ≥ 0), else 0",
    },
    QuantityDef {
        quantity: Quantity::PvBaselineCost,
        name: "pv/baseline_cost",
        unit: Unit::Sek,
        keys: KeySet::ActorsAndTotal,
        missing: Missing::Skip,
        doc: "present value of the cost of doing nothing",
    },
    QuantityDef {
        quantity: Quantity::PvInvestment,
        name: "pv/investment",
        unit: Unit::Sek,
        keys: KeySet::ActorsAndTotal,
        missing: Missing::Skip,
        doc: "present value of what the mix invests",
    },
    QuantityDef {
        quantity: Quantity::PvAvoided,
        name: "pv/avoided",
        unit: Unit::Sek,
        keys: KeySet::ActorsAndTotal,
        missing: Missing::Skip,
        doc: "present value of the avoided cost, area effects included",
    },
    QuantityDef {
        quantity: Quantity::AreaEffectPv,
        name: "area",
        unit: Unit::Sek,
        keys: KeySet::AreaClasses,
        missing: Missing::Skip,
        doc: "present value of the realised area effects, mix minus baseline",
    },
    QuantityDef {
        quantity: Quantity::GroupCostPv,
        name: "group",
        unit: Unit::Sek,
        keys: KeySet::CohortGroups,
        missing: Missing::Skip,
        doc: "present value of each cohort group's cost under the mix, all actors: where the money goes",
    },
    QuantityDef {
        quantity: Quantity::FirstGainYear,
        name: "first_gain",
        unit: Unit::Year,
        keys: KeySet::ActorsAndTotal,
        missing: Missing::BeyondRange,
        doc: "first year in which the cumulative discounted net is above 0, invested or not \
              (\"gains from year 3\"); undefined (never) when that does not happen within the horizon",
    },
    QuantityDef {
        quantity: Quantity::Invests,
        name: "invests",
        unit: Unit::Share,
        keys: KeySet::Actors,
        missing: Missing::Skip,
        doc: "1 when the actor invests anything under the mix, else 0",
    },
];

/// A per-sample by-year series of a mix: one row of by_year.csv per key
/// and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Cumulative discounted net, Σ_{y≤t} net(y)·d(y).
    CumNetPv,
    /// Cumulative PV of the baseline cost (the same for every mix).
    CumBaselinePv,
    /// Investment in year t, undiscounted.
    Investment,
    /// Avoided cost in year t, undiscounted (area effects included).
    Avoided,
    /// Track state x_k(t).
    TrackState,
    /// Realised area effects in year t, mix minus baseline, undiscounted.
    AreaEffects,
}

impl Measure {
    /// Every measure, in catalogue (and by_year.csv) order.
    pub const ALL: [Measure; 6] = [
        Measure::CumNetPv,
        Measure::CumBaselinePv,
        Measure::Investment,
        Measure::Avoided,
        Measure::TrackState,
        Measure::AreaEffects,
    ];

    /// Its declaration.
    pub fn def(self) -> &'static MeasureDef {
        &MEASURES[self as usize]
    }

    /// Position in [`Measure::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The declaration of a [`Measure`].
#[derive(Debug, Clone, Copy)]
pub struct MeasureDef {
    /// The measure declared.
    pub measure: Measure,
    /// Its name in by_year.csv's `measure` column.
    pub name: &'static str,
    /// The unit of its values.
    pub unit: Unit,
    /// The keys (by_year.csv's `key` column).
    pub keys: KeySet,
    /// What it is, in words.
    pub doc: &'static str,
}

/// Every [`Measure`], in [`Measure::ALL`] order.
pub const MEASURES: [MeasureDef; 6] = [
    MeasureDef {
        measure: Measure::CumNetPv,
        name: "cum_net_pv",
        unit: Unit::Sek,
        keys: KeySet::ActorsAndTotal,
        doc: "cumulative discounted net to year t",
    },
    MeasureDef {
        measure: Measure::CumBaselinePv,
        name: "cum_baseline_pv",
        unit: Unit::Sek,
        keys: KeySet::ActorsAndTotal,
        doc: "cumulative present value of the baseline cost to year t",
    },
    MeasureDef {
        measure: Measure::Investment,
        name: "investment",
        unit: Unit::Sek,
        keys: KeySet::ActorsAndTotal,
        doc: "investment in year t, undiscounted",
    },
    MeasureDef {
        measure: Measure::Avoided,
        name: "avoided",
        unit: Unit::Sek,
        keys: KeySet::ActorsAndTotal,
        doc: "avoided cost in year t, undiscounted, area effects included",
    },
    MeasureDef {
        measure: Measure::TrackState,
        name: "track_state",
        unit: Unit::TrackState,
        keys: KeySet::Tracks,
        doc: "track state x_k(t): 0 baseline, 1 the national norm",
    },
    MeasureDef {
        measure: Measure::AreaEffects,
        name: "area_effects",
        unit: Unit::Sek,
        keys: KeySet::AreaClassesAndTotal,
        doc: "realised area effects in year t, mix minus baseline, undiscounted",
    },
];

/// Which keys of a quantity a figure reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyChoice {
    /// The quantity has no key ([`KeySet::Single`]).
    Only,
    /// Only the `total` key.
    Total,
    /// Every key but `total`, each under its own name.
    Each,
    /// Every key, `total` included, each under its own name.
    All,
}

/// What a figure reads from a quantity's summary over the samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Mean, sd, se and the percentiles 5, 25, 50, 75, 95 ([`Stat`]), as an
    /// object; `null` where undefined.
    Stats,
    /// The share of samples in which the quantity is defined (for a year:
    /// the share in which it happens within the horizon).
    ShareDefined,
    /// The share of samples with a value > 0.
    SharePositive,
    /// The mean of a 0/1 indicator: the share of samples where it is 1.
    MeanShare,
    /// P(best): the share of samples in which this mix has the highest
    /// total NPV, ties split evenly (model.md §7).
    PBest,
}

/// One entry of a mix's summary.
#[derive(Debug, Clone, Copy)]
pub struct FigureDef {
    /// JSON path inside a mix's summary; `{key}` stands for each key's name.
    pub path: &'static str,
    /// The quantity it reads.
    pub quantity: Quantity,
    /// Which of the quantity's keys.
    pub keys: KeyChoice,
    /// What it reads.
    pub reading: Reading,
}

impl FigureDef {
    /// The unit of the figure's values.
    pub fn unit(&self) -> Unit {
        match self.reading {
            Reading::Stats => self.quantity.def().unit,
            _ => Unit::Share,
        }
    }
}

/// The entries of a mix's summary, in summary.json order.
pub const FIGURES: [FigureDef; 20] = [
    FigureDef {
        path: "npv",
        quantity: Quantity::Npv,
        keys: KeyChoice::Total,
        reading: Reading::Stats,
    },
    FigureDef {
        path: "bcr",
        quantity: Quantity::Bcr,
        keys: KeyChoice::Only,
        reading: Reading::Stats,
    },
    FigureDef {
        path: "payback_year",
        quantity: Quantity::PaybackYear,
        keys: KeyChoice::Total,
        reading: Reading::Stats,
    },
    FigureDef {
        path: "payback_year.p_within_horizon",
        quantity: Quantity::PaybackYear,
        keys: KeyChoice::Total,
        reading: Reading::ShareDefined,
    },
    FigureDef {
        path: "tipping_year",
        quantity: Quantity::TippingYear,
        keys: KeyChoice::Only,
        reading: Reading::Stats,
    },
    FigureDef {
        path: "tipping_year.p_reached",
        quantity: Quantity::TippingYear,
        keys: KeyChoice::Only,
        reading: Reading::ShareDefined,
    },
    FigureDef {
        path: "npv_by_actor.{key}",
        quantity: Quantity::Npv,
        keys: KeyChoice::Each,
        reading: Reading::Stats,
    },
    FigureDef {
        path: "payback_by_actor.{key}",
        quantity: Quantity::PaybackYear,
        keys: KeyChoice::Each,
        reading: Reading::Stats,
    },
    FigureDef {
        path: "payback_by_actor.{key}.p_within_horizon",
        quantity: Quantity::PaybackYear,
        keys: KeyChoice::Each,
        reading: Reading::ShareDefined,
    },
    FigureDef {
        path: "payback_by_actor.{key}.p_within_budget_period",
        quantity: Quantity::RecoversInBudget,
        keys: KeyChoice::Each,
        reading: Reading::MeanShare,
    },
    FigureDef {
        path: "payback_by_actor.{key}.p_invests",
        quantity: Quantity::Invests,
        keys: KeyChoice::Each,
        reading: Reading::MeanShare,
    },
    FigureDef {
        path: "first_gain_year_by_actor.{key}",
        quantity: Quantity::FirstGainYear,
        keys: KeyChoice::Each,
        reading: Reading::Stats,
    },
    FigureDef {
        path: "first_gain_year_by_actor.{key}.p_within_horizon",
        quantity: Quantity::FirstGainYear,
        keys: KeyChoice::Each,
        reading: Reading::ShareDefined,
    },
    FigureDef {
        path: "p_npv_positive",
        quantity: Quantity::Npv,
        keys: KeyChoice::Total,
        reading: Reading::SharePositive,
    },
    FigureDef {
        path: "p_best",
        quantity: Quantity::Npv,
        keys: KeyChoice::Total,
        reading: Reading::PBest,
    },
    FigureDef {
        path: "pv_by_actor.baseline_cost.{key}",
        quantity: Quantity::PvBaselineCost,
        keys: KeyChoice::All,
        reading: Reading::Stats,
    },
    FigureDef {
        path: "pv_by_actor.investment.{key}",
        quantity: Quantity::PvInvestment,
        keys: KeyChoice::All,
        reading: Reading::Stats,
    },
    FigureDef {
        path: "pv_by_actor.avoided.{key}",
        quantity: Quantity::PvAvoided,
        keys: KeyChoice::All,
        reading: Reading::Stats,
    },
    FigureDef {
        path: "area_effects_pv_by_class.{key}",
        quantity: Quantity::AreaEffectPv,
        keys: KeyChoice::Each,
        reading: Reading::Stats,
    },
    FigureDef {
        path: "cost_pv_by_group.{key}",
        quantity: Quantity::GroupCostPv,
        keys: KeyChoice::Each,
        reading: Reading::Stats,
    },
];

/// The statistics a [`Reading::Stats`] figure holds, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stat {
    /// Mean over the defined samples.
    Mean,
    /// Standard deviation (n − 1).
    Sd,
    /// Standard error of the mean.
    Se,
    /// 5th percentile.
    P5,
    /// 25th percentile.
    P25,
    /// Median.
    P50,
    /// 75th percentile.
    P75,
    /// 95th percentile.
    P95,
}

impl Stat {
    /// Every statistic, in output order.
    pub const ALL: [Stat; 8] = [
        Stat::Mean,
        Stat::Sd,
        Stat::Se,
        Stat::P5,
        Stat::P25,
        Stat::P50,
        Stat::P75,
        Stat::P95,
    ];

    /// Its name in summary.json and in assertion paths.
    pub fn name(self) -> &'static str {
        match self {
            Stat::Mean => "mean",
            Stat::Sd => "sd",
            Stat::Se => "se",
            Stat::P5 => "p5",
            Stat::P25 => "p25",
            Stat::P50 => "p50",
            Stat::P75 => "p75",
            Stat::P95 => "p95",
        }
    }

    /// Its value in a summary; `None` where undefined.
    pub fn of(self, s: &palett_montecarlo::ScalarSummary) -> Option<f64> {
        match self {
            Stat::Mean => s.mean,
            Stat::Sd => s.sd,
            Stat::Se => s.se,
            Stat::P5 => s.p5,
            Stat::P25 => s.p25,
            Stat::P50 => s.p50,
            Stat::P75 => s.p75,
            Stat::P95 => s.p95,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_in_enum_order() {
        for (i, q) in Quantity::ALL.iter().enumerate() {
            assert_eq!(QUANTITIES[i].quantity, *q);
            assert_eq!(q.index(), i);
        }
        for (i, m) in Measure::ALL.iter().enumerate() {
            assert_eq!(MEASURES[i].measure, *m);
            assert_eq!(m.index(), i);
        }
    }

    #[test]
    fn figure_keys_fit_their_quantity() {
        for f in &FIGURES {
            let keys = f.quantity.def().keys;
            let keyed = f.path.contains("{key}");
            match f.keys {
                KeyChoice::Only => assert_eq!(keys, KeySet::Single, "{}", f.path),
                KeyChoice::Total => assert!(keys.has_total(), "{}", f.path),
                KeyChoice::Each | KeyChoice::All => assert_ne!(keys, KeySet::Single, "{}", f.path),
            }
            assert_eq!(
                keyed,
                matches!(f.keys, KeyChoice::Each | KeyChoice::All),
                "{}",
                f.path
            );
        }
    }
}
