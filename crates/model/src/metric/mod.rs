//! What a run reports: the metric catalogue ([`catalogue`]) and the names
//! assertions use for its figures ([`MetricRef`]).

pub mod catalogue;
mod path;

pub use catalogue::{
    FIGURES, FigureDef, KeyChoice, KeySet, MEASURES, Measure, MeasureDef, QUANTITIES, Quantity,
    QuantityDef, Reading, Stat, Unit,
};
pub use path::{MetricPathError, MetricRef};

use palett_synergy::Track;

use crate::names::TOTAL;
use crate::scenario::AreaClass;

/// The names of a scenario's keys, for every [`KeySet`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyNames {
    actors: Vec<String>,
    groups: Vec<String>,
}

impl KeyNames {
    /// Key names from the actors (in actor order) and the cohort groups
    /// (scenario groups, then success groups).
    pub fn new(actors: Vec<String>, groups: Vec<String>) -> KeyNames {
        KeyNames { actors, groups }
    }

    /// Key names of a scenario.
    pub fn of_scenario(s: &crate::scenario::Scenario) -> KeyNames {
        KeyNames::new(s.actors.names().to_vec(), s.cohort_group_names())
    }

    /// The keys of `set`, in output order (`total` last where it has one).
    pub fn keys(&self, set: KeySet) -> Vec<&str> {
        let classes = AreaClass::ALL.map(AreaClass::name);
        match set {
            KeySet::Single => vec![""],
            KeySet::Actors => self.actors.iter().map(String::as_str).collect(),
            KeySet::ActorsAndTotal => self
                .actors
                .iter()
                .map(String::as_str)
                .chain([TOTAL])
                .collect(),
            KeySet::CohortGroups => self.groups.iter().map(String::as_str).collect(),
            KeySet::AreaClasses => classes.to_vec(),
            KeySet::AreaClassesAndTotal => classes.into_iter().chain([TOTAL]).collect(),
            KeySet::Tracks => Track::ALL.iter().map(|t| t.name()).collect(),
        }
    }

    /// How many keys `set` has.
    pub fn len(&self, set: KeySet) -> usize {
        match set {
            KeySet::Single => 1,
            KeySet::Actors => self.actors.len(),
            KeySet::ActorsAndTotal => self.actors.len() + 1,
            KeySet::CohortGroups => self.groups.len(),
            KeySet::AreaClasses => 3,
            KeySet::AreaClassesAndTotal => 4,
            KeySet::Tracks => 4,
        }
    }

    /// True when `set` has no keys at all.
    pub fn is_empty(&self, set: KeySet) -> bool {
        self.len(set) == 0
    }

    /// The key indices a figure covers, in output order.
    pub fn figure_keys(&self, f: &FigureDef) -> std::ops::Range<usize> {
        let set = f.quantity.def().keys;
        let n = self.len(set);
        match f.keys {
            KeyChoice::Only => 0..1,
            KeyChoice::Total => n - 1..n,
            KeyChoice::Each if set.has_total() => 0..n - 1,
            KeyChoice::Each | KeyChoice::All => 0..n,
        }
    }
}
