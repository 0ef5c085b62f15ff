//! A validated, resolved scenario: what the engine runs.
//!
//! Built only by [`crate::resolve::resolve`]; every name has been looked up,
//! every range checked and every uncertain scalar registered as a Monte
//! Carlo input. Model crates receive their own types built from this.

use std::path::PathBuf;

use palett_cost::{ActorSet, Catalogue, Profile};

use crate::params::{ParamTable, Value};

/// A scenario ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Display name.
    pub name: String,
    /// The scenario file, as given.
    pub file: PathBuf,
    /// Free text.
    pub description: Option<String>,
    /// H: years simulated.
    pub horizon: u32,
    /// r: real discount rate per year.
    pub discount_rate: Value,
    /// Price year of all amounts, if stated.
    pub price_year: Option<u32>,
    /// N: the budget period in years.
    pub budget_period: u32,
    /// The default seven actors plus the scenario's own.
    pub actors: ActorSet,
    /// Unit-cost catalogue.
    pub catalogue: Catalogue,
    /// Profiles by index.
    pub profiles: Vec<ProfileDef>,
    /// Groups by index.
    pub groups: Vec<GroupDef>,
    /// Every uncertain input, by path.
    pub params: ParamTable,
}

impl Scenario {
    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Option<&ProfileDef> {
        self.profiles.iter().find(|p| p.name == name)
    }
}

/// A named profile with its (possibly uncertain) scale.
#[derive(Debug, Clone)]
pub struct ProfileDef {
    /// Name as in the file.
    pub name: String,
    /// The profile at scale 1.
    pub profile: Profile,
    /// Multiplier on the whole profile.
    pub scale: Value,
    /// Free text.
    pub description: Option<String>,
}

/// A group with names resolved to indices.
#[derive(Debug, Clone)]
pub struct GroupDef {
    /// Name as in the file.
    pub name: String,
    /// Index into [`Scenario::profiles`].
    pub profile: usize,
    /// Cases at the start.
    pub stock: Value,
    /// Profile year of the stock (j0 ≥ 1).
    pub stock_year: u32,
    /// Exogenous inflow by year (index 0 = year 1), length H.
    pub inflow: Vec<Value>,
    /// (target group index, share).
    pub feeds: Vec<(usize, Value)>,
    /// Per track (school, housing, labour, safety): (φ strength, lag years).
    pub drivers: [(Value, u32); 4],
}
