//! What interventions do to groups, as plain numbers per year (model.md §4).
//! The runner computes these from the synergy model before the cohorts run,
//! so this crate needs no callbacks and knows nothing of tracks.

/// Effects on every group of a model; `groups[g]` belongs to group g.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Effects {
    /// Per group.
    pub groups: Vec<GroupEffects>,
}

impl Effects {
    /// No intervention: inflow factors 1, no prevention, no turning.
    pub fn none(n_groups: usize, horizon: u32) -> Effects {
        Effects {
            groups: (0..n_groups)
                .map(|_| GroupEffects {
                    inflow_factor: vec![1.0; horizon as usize],
                    prevent: Vec::new(),
                    turn: Vec::new(),
                })
                .collect(),
        }
    }
}

/// Effects on one group.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GroupEffects {
    /// Multiplies the exogenous inflow I_g,0(t) (the inflow drivers φ of
    /// model.md §3); index 0 = year 1; a missing year means 1.
    pub inflow_factor: Vec<f64>,
    /// Interventions that cut the group's inflow.
    pub prevent: Vec<PreventEffect>,
    /// Interventions that turn existing cases.
    pub turn: Vec<TurnEffect>,
}

/// The two kinds of case effect of model.md §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EffectKind {
    /// Reaches existing cases: a share leaves the group for good ([`TurnEffect`]).
    Turn,
    /// Reaches cases before they start: the inflow falls ([`PreventEffect`]).
    Prevent,
}

/// One effect of an [`Effects`]: the `index`-th effect of `kind` on `group`
/// (0-based, in the order of [`GroupEffects::turn`] or
/// [`GroupEffects::prevent`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EffectRef {
    /// The group it acts on (index into the model's groups).
    pub group: usize,
    /// Turn or prevent.
    pub kind: EffectKind,
    /// Position in that group's list of effects of this kind.
    pub index: usize,
}

/// Prevention: the group's whole inflow (fed cases included) × (1 − q(t)).
#[derive(Debug, Clone, PartialEq)]
pub struct PreventEffect {
    /// q(t), share 0–1 per year, index 0 = year 1; a missing year means 0.
    pub share: Vec<f64>,
    /// Group that each prevented case enters at profile year 1, the same year.
    pub success_group: Option<usize>,
    /// Share 0–1 of the prevented cases that enter `success_group`.
    pub success_share: f64,
}

/// Turning: a share q(t) of the cases in the eligible window leaves for good.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnEffect {
    /// Eligible profile years `(from, to)`, 1-based, inclusive.
    pub window: (u32, u32),
    /// q(t), share 0–1 per year, index 0 = year 1; a missing year means 0.
    pub share: Vec<f64>,
    /// Group that each turned case enters at profile year 1, the same year.
    pub success_group: Option<usize>,
    /// Share 0–1 of the turned cases that enter `success_group`.
    pub success_share: f64,
}
