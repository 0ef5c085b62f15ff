//! What a cohort run produced: costs per group, year and actor, the case
//! ledger, and per-intervention reach and success (model.md §3–§4).

use super::effects::{EffectKind, EffectRef};

/// Case flows of one group in one year (expected, fractional cases).
///
/// Cases are conserved: for every group and year t,
/// stock + Σ_{y≤t} (inflow + fed_in + success_in − prevented − turned −
/// fed_out − aged_out) = present(t).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Ledger {
    /// Exogenous inflow after the inflow factor, before prevention.
    pub inflow: f64,
    /// Cases fed in from other groups (fed out by them the year before).
    pub fed_in: f64,
    /// Inflow prevented.
    pub prevented: f64,
    /// Cases turned (left the group for good).
    pub turned: f64,
    /// Success cases entering from interventions on other groups.
    pub success_in: f64,
    /// Cases fed out to other groups.
    pub fed_out: f64,
    /// Cases that aged past the profile's last year.
    pub aged_out: f64,
    /// Cases present at the end of the year, after ageing.
    pub present: f64,
}

/// The result of [`crate::CohortModel::simulate`]; reuse one value across
/// calls to avoid allocation.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub(crate) horizon: usize,
    pub(crate) n_actors: usize,
    pub(crate) n_groups: usize,
    /// `[g][t][a]`, SEK nominal.
    pub(crate) cost: Vec<f64>,
    /// `[g][t]`; empty when `has_ledger` is false.
    pub(crate) ledger: Vec<Ledger>,
    /// Whether the run that wrote this outcome kept the ledger.
    pub(crate) has_ledger: bool,
    /// Per group, offset of its turn effects, then of its prevent effects, in `reached`/`succeeded` (× horizon).
    pub(crate) turn_offset: Vec<usize>,
    pub(crate) prevent_offset: Vec<usize>,
    /// `[effect][t]`: eligible cases (turn) or whole inflow (prevent), before removal.
    pub(crate) reached: Vec<f64>,
    /// `[effect][t]`: cases turned or prevented, attributed to the effect.
    pub(crate) succeeded: Vec<f64>,
    /// Working buffers of the simulation, kept to avoid allocation.
    pub(crate) work: Work,
}

/// Working buffers of one simulation.
#[derive(Debug, Clone, Default)]
pub(crate) struct Work {
    pub(crate) state: Vec<f64>,
    pub(crate) fed_next: Vec<f64>,
    pub(crate) fed_now: Vec<f64>,
    pub(crate) success_in: Vec<f64>,
    pub(crate) shares: Vec<f64>,
    /// Per group, how many leading profile years may hold anything but
    /// +0.0; every later year is +0.0 (bit for bit), which lets booking
    /// and ageing stop there (see `CohortModel::simulate`).
    pub(crate) occupied: Vec<usize>,
}

impl Work {
    pub(crate) fn reset(&mut self, cells: usize, groups: usize) {
        for (v, n) in [
            (&mut self.state, cells),
            (&mut self.fed_next, groups),
            (&mut self.fed_now, groups),
            (&mut self.success_in, groups),
        ] {
            v.clear();
            v.resize(n, 0.0);
        }
        self.occupied.clear();
        self.occupied.resize(groups, 0);
    }
}

impl Outcome {
    /// Years simulated.
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Number of groups.
    pub fn n_groups(&self) -> usize {
        self.n_groups
    }

    /// Number of actors.
    pub fn n_actors(&self) -> usize {
        self.n_actors
    }

    /// All costs, SEK nominal, flat `[g][t][a]`: index
    /// `(g · horizon + t − 1) · n_actors + a`.
    pub fn costs(&self) -> &[f64] {
        &self.cost
    }

    /// Cost of group `g` to actor `a` in year `t` (1-based), SEK nominal.
    ///
    /// # Panics
    /// If `g`, `t` or `a` is out of range, like slice indexing.
    pub fn cost(&self, g: usize, t: usize, a: usize) -> f64 {
        self.cost[(g * self.horizon + t - 1) * self.n_actors + a]
    }

    /// Group `g`'s costs, `[t][a]` flattened, SEK.
    pub fn group_cost(&self, g: usize) -> &[f64] {
        let n = self.horizon * self.n_actors;
        &self.cost[g * n..(g + 1) * n]
    }

    /// Costs summed over groups, `[t][a]` flattened (index (t−1)·A + a), SEK.
    pub fn total_cost_by_year(&self) -> Vec<f64> {
        let mut out = Vec::new();
        self.total_cost_into(&mut out);
        out
    }

    /// As [`Outcome::total_cost_by_year`], into a reused buffer.
    pub fn total_cost_into(&self, out: &mut Vec<f64>) {
        let n = self.horizon * self.n_actors;
        out.clear();
        out.resize(n, 0.0);
        for g in 0..self.n_groups {
            for (o, c) in out.iter_mut().zip(self.group_cost(g)) {
                *o += c;
            }
        }
    }

    /// Whether this outcome holds the case ledger: true after
    /// [`CohortModel::simulate`](super::CohortModel::simulate), false after
    /// [`CohortModel::simulate_costs`](super::CohortModel::simulate_costs).
    pub fn has_ledger(&self) -> bool {
        self.has_ledger
    }

    /// The case ledger of group `g` in year `t` (1-based).
    ///
    /// # Panics
    /// If `g` or `t` is out of range, or the outcome has no ledger
    /// ([`Outcome::has_ledger`]).
    pub fn ledger(&self, g: usize, t: u32) -> &Ledger {
        &self.ledger[g * self.horizon + t as usize - 1]
    }

    fn effect_index(&self, e: EffectRef) -> usize {
        match e.kind {
            EffectKind::Turn => self.turn_offset[e.group] + e.index,
            EffectKind::Prevent => self.prevent_offset[e.group] + e.index,
        }
    }

    /// The base of effect `e` in year `t` (1-based), cases: for a turn effect the cases in
    /// its window before removal, for a prevent effect the group's whole
    /// inflow (exogenous after the inflow factor, plus fed cases) before
    /// reduction. Model.md §4 charges per-case-reached costs on this.
    ///
    /// # Panics
    /// If `e` or `t` is out of range.
    pub fn reached(&self, e: EffectRef, t: u32) -> f64 {
        self.reached[self.effect_index(e) * self.horizon + t as usize - 1]
    }

    /// Cases turned or prevented by effect `e` in year `t` (1-based); when several effects act on the
    /// same cases, each gets a share of the removal in proportion to its q.
    /// These are the cases that start the effect's success profile.
    ///
    /// # Panics
    /// If `e` or `t` is out of range.
    pub fn succeeded(&self, e: EffectRef, t: u32) -> f64 {
        self.succeeded[self.effect_index(e) * self.horizon + t as usize - 1]
    }
}
