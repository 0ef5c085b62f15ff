//! Composition: builds the model crates' own types from a resolved
//! scenario and one sample's input values.

use palett_cost::{CohortModel, CostError, Feed, Group};

use crate::scenario::Scenario;

/// The cohort model of `s` with every uncertain input at `inputs`.
pub fn cohort_model(s: &Scenario, inputs: &[f64]) -> Result<CohortModel, CostError> {
    let profiles = s
        .profiles
        .iter()
        .map(|p| p.profile.scaled(p.scale.get(inputs)))
        .collect();
    let groups = s
        .groups
        .iter()
        .map(|g| Group {
            name: g.name.clone(),
            profile: g.profile,
            stock: g.stock.get(inputs),
            stock_year: g.stock_year,
            inflow: g.inflow.iter().map(|v| v.get(inputs)).collect(),
            feeds: g
                .feeds
                .iter()
                .map(|(to, share)| Feed {
                    to: *to,
                    share: share.get(inputs),
                })
                .collect(),
        })
        .collect();
    CohortModel::new(profiles, groups, s.horizon, s.actors.len())
}

/// The first group of `s` whose name the error message mentions, so a
/// cost-model error can be shown at that group in the file.
pub fn group_named_in(e: &CostError, s: &Scenario) -> Option<usize> {
    let msg = e.to_string();
    s.groups
        .iter()
        .position(|g| msg.contains(&format!("`{}`", g.name)) || msg.contains(&g.name))
}
