//! [`ScenarioModel`]: the Monte Carlo engine's `Model` for one scenario.
//!
//! Per sample: the synergy model runs first (it depends only on activity),
//! then the cohorts under each mix's removal shares, then the accounts
//! (model.md §4, "Order of computation"). Everything that does not depend
//! on the sample — the cohort structure, each mix's effect layout — is
//! built once; per thread, buffers are reused, so a sample allocates
//! nothing once warm. Common random numbers come for free: one input vector
//! per sample is used for every mix.

use palett_cost::{CohortModel, CostError, Discounting, Effects, Feed, Group, Outcome};
use palett_montecarlo::{Model, SampleRecord};
use palett_synergy::{
    Drive, MixRun, MixWorkspace, Repression, Schedule, SynergyParams, Trajectory,
    inflow_driver_factor,
};

use crate::accounts::{self, MixAccounts, Shape};
use crate::area::AreaValues;
use crate::interventions::MixEffects;
use crate::layout::{Plan, plan};
use crate::metric::{Measure, Quantity};
use crate::scenario::{MixEntry, Scenario};
use crate::value::Value;

/// The composed model of one scenario, ready for the Monte Carlo engine.
pub struct ScenarioModel<'s> {
    s: &'s Scenario,
    plan: Plan,
    shape: Shape,
    /// The cohort structure at central values; each thread updates a copy.
    template: CohortModel,
    /// Per mix, do-nothing first.
    effects: Vec<MixEffects>,
    /// Groups with any inflow driver that is not fixed at 0.
    driven: Vec<usize>,
    /// Per group in `driven`, (track, lag L in years) of each of its drivers.
    driver_lags: Vec<Vec<(usize, usize)>>,
    /// Whether samples search each mix's tipping year (model.md §5);
    /// without, the tipping-year outputs hold no year.
    tipping: bool,
}

impl<'s> ScenarioModel<'s> {
    /// Builds the model; fails only if the cohort structure is invalid
    /// (which validation reports first, at its place in the file).
    pub fn new(s: &'s Scenario) -> Result<Self, CostError> {
        let central = s.params.central_values();
        let template = cohort_model(s, &central)?;
        let n_groups = template.n_groups();
        let effects = std::iter::once(&[][..])
            .chain(s.mixes.iter().map(|m| &m.entries[..]))
            .map(|entries| MixEffects::new(s, entries, n_groups))
            .collect::<Vec<_>>();
        for mix in &effects {
            template.check_effects(&mix.effects)?;
        }
        let driven = s
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.drivers.iter().any(|d| d.strength != Value::Fixed(0.0)))
            .map(|(i, _)| i)
            .collect::<Vec<_>>();
        let driver_lags = driven
            .iter()
            .map(|&g| {
                s.groups[g]
                    .drivers
                    .iter()
                    .map(|d| (d.track, d.lag as usize))
                    .collect()
            })
            .collect();
        Ok(ScenarioModel {
            s,
            plan: plan(s),
            shape: Shape {
                horizon: s.horizon as usize,
                actors: s.actors.len(),
                budget_period: s.budget_period as usize,
            },
            template,
            effects,
            driven,
            driver_lags,
            tipping: true,
        })
    }

    /// The same model without the tipping search: every output but the
    /// tipping years bit for bit as before, those holding no year (as for
    /// a mix that never tips), for analyses that never read a tipping year
    /// — Shapley effects of NPVs. The search is most of a sample's synergy
    /// time (docs/performance.md).
    pub fn without_tipping_year(self) -> Self {
        ScenarioModel {
            tipping: false,
            ..self
        }
    }

    /// The output plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The scenario this model runs.
    pub fn scenario(&self) -> &'s Scenario {
        self.s
    }

    /// The synergy parameters at `inputs` (model.md §5).
    pub fn synergy_params(&self, inputs: &[f64]) -> SynergyParams {
        let d = &self.s.synergy;
        let v4 = |a: &[Value; 4]| a.map(|v| v.get(inputs));
        let m4 = |a: &[[Value; 4]; 4]| a.map(|row| row.map(|v| v.get(inputs)));
        SynergyParams {
            w: m4(&d.w),
            lags: d.lags,
            alpha: v4(&d.alpha),
            beta: v4(&d.beta),
            theta: v4(&d.theta),
            turnover: v4(&d.turnover),
            eta: d.eta.get(inputs),
            kappa_up: d.kappa_up.get(inputs),
            kappa_down: d.kappa_down.get(inputs),
            c0: d.c0.get(inputs),
            drift: v4(&d.drift),
            boost: m4(&d.boost),
            tipping: d.tipping,
        }
    }

    /// Sets every uncertain value of the cohorts to this sample's.
    fn update_cohorts(&self, c: &mut CohortModel, inputs: &[f64]) -> Result<(), CostError> {
        let mut catalogue = self.s.sample_catalogue(inputs);
        for (p, def) in self.s.profiles.iter().enumerate() {
            if let Some(recipe) = &def.recipe {
                c.set_profile(p, self.s.profile_at(recipe, &mut catalogue, inputs)?)?;
            }
            c.set_profile_scale(p, def.scale.get(inputs))?;
        }
        for (g, def) in self.s.groups.iter().enumerate() {
            c.set_stock(g, def.stock.get(inputs))?;
            for (t, v) in (1..).zip(&def.inflow) {
                c.set_inflow(g, t, v.get(inputs))?;
            }
            for (k, (_, share)) in def.feeds.iter().enumerate() {
                c.set_feed_share(g, k, share.get(inputs))?;
            }
        }
        Ok(())
    }

    fn schedule(&self, e: &MixEntry, inputs: &[f64]) -> Schedule {
        let iv = &self.s.interventions[e.intervention];
        Schedule {
            start: e.start,
            duration: e.duration,
            intensity: e.intensity.get(inputs),
            ramp: iv.ramp.get(inputs),
            decay: iv.decay.get(inputs),
            delay: iv.delay.get(inputs),
        }
    }

    /// The drives of a mix's entries at `inputs` (model.md §4–§5).
    fn fill_drives(&self, entries: &[MixEntry], inputs: &[f64], drives: &mut Vec<Drive>) {
        drives.clear();
        drives.extend(entries.iter().map(|e| {
            let iv = &self.s.interventions[e.intervention];
            Drive {
                channel: iv.channel,
                weight: iv.weight.get(inputs),
                schedule: self.schedule(e, inputs),
                repression: iv.repression.map(|(h, tau)| Repression {
                    height: h.get(inputs),
                    time_to_peak: tau.get(inputs),
                }),
            }
        }));
    }

    /// Exogenous inflow factors from the inflow drivers (model.md §3):
    /// Π_d max(0, 1 − φ_d · x_track(d)(t − L_d)) over the group's drivers,
    /// with x = 0 before year 1. `phis` holds this sample's φ of every
    /// driver of the groups in `driven`, in order.
    fn driver_factors(&self, traj: &Trajectory, effects: &mut Effects, phis: &[f64]) {
        let h = self.s.horizon as usize;
        let states = traj.states();
        let mut at = 0;
        for (&g, lags) in self.driven.iter().zip(&self.driver_lags) {
            let phi = &phis[at..at + lags.len()];
            at += lags.len();
            let factors = &mut effects.groups[g].inflow_factor[..h];
            for (t, f) in (1..=h).zip(factors) {
                *f = phi
                    .iter()
                    .zip(lags)
                    .map(|(&phi, &(k, lag))| {
                        let x = if t > lag { states[t - lag][k] } else { 0.0 };
                        inflow_driver_factor(phi, x)
                    })
                    .product();
            }
        }
    }

    /// This sample's φ of every driver of the driven groups, in order.
    fn driver_strengths(&self, inputs: &[f64], phis: &mut Vec<f64>) {
        phis.clear();
        phis.extend(self.driven.iter().flat_map(|&g| {
            self.s.groups[g]
                .drivers
                .iter()
                .map(|d| d.strength.get(inputs))
        }));
    }
}

/// The cohort model of `s` at `inputs`: the scenario's groups, then one
/// success group per intervention with a success profile (model.md §3–§4).
pub fn cohort_model(s: &Scenario, inputs: &[f64]) -> Result<CohortModel, CostError> {
    let h = s.horizon as usize;
    let mut catalogue = s.sample_catalogue(inputs);
    let profiles = s
        .profiles
        .iter()
        .map(|p| match &p.recipe {
            Some(recipe) => s.profile_at(recipe, &mut catalogue, inputs),
            None => Ok(p.profile.clone()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let names = s.cohort_group_names();
    let mut groups: Vec<Group> = s
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
    let success_profiles = s.interventions.iter().filter_map(|i| i.success_profile);
    for (name, p) in names[s.groups.len()..].iter().zip(success_profiles) {
        groups.push(Group {
            name: name.clone(),
            profile: p,
            stock: 0.0,
            stock_year: 1,
            inflow: vec![0.0; h],
            feeds: Vec::new(),
        });
    }
    let mut model = CohortModel::new(profiles, groups, s.horizon, s.actors.len())?;
    for (p, def) in s.profiles.iter().enumerate() {
        model.set_profile_scale(p, def.scale.get(inputs))?;
    }
    Ok(model)
}

/// A run of a mix whose tipping year was not searched for: no year.
fn untipped(trajectory: &Trajectory) -> MixRun<'_> {
    MixRun {
        trajectory,
        tipping_year: None,
    }
}

/// Per-thread working memory of [`ScenarioModel`]: nothing is allocated per
/// sample once these have grown to size.
pub struct Scratch {
    cohorts: CohortModel,
    effects: Vec<MixEffects>,
    base_outcome: Outcome,
    mix_outcome: Outcome,
    base_traj: Trajectory,
    /// The synergy runs of a pair of mixes.
    mix_runs: [MixWorkspace; 2],
    /// The drives of a pair of mixes.
    drives: [Vec<Drive>; 2],
    phis: Vec<f64>,
    d: Vec<f64>,
    base_cost: Vec<f64>,
    mix_cost: Vec<f64>,
    invest: Vec<f64>,
    zeros: Vec<f64>,
    base_area: AreaValues,
    mix_area: AreaValues,
    accounts: accounts::Buffers,
}

impl Model for ScenarioModel<'_> {
    type Scratch = Scratch;

    fn new_scratch(&self) -> Scratch {
        let h = self.s.horizon as usize;
        let n = self.s.actors.len();
        Scratch {
            cohorts: self.template.clone(),
            effects: self.effects.clone(),
            base_outcome: Outcome::default(),
            mix_outcome: Outcome::default(),
            base_traj: Trajectory::new(),
            mix_runs: [MixWorkspace::new(), MixWorkspace::new()],
            drives: [Vec::new(), Vec::new()],
            phis: Vec::new(),
            d: Vec::with_capacity(h),
            base_cost: Vec::new(),
            mix_cost: Vec::new(),
            invest: vec![0.0; h * n],
            zeros: vec![0.0; h * n],
            base_area: AreaValues::default(),
            mix_area: AreaValues::default(),
            accounts: accounts::Buffers::default(),
        }
    }

    fn evaluate(&self, inputs: &[f64], scratch: &mut Scratch, out: &mut SampleRecord) {
        let s = self.s;
        let n_act = s.actors.len();
        let Scratch {
            cohorts,
            effects,
            base_outcome,
            mix_outcome,
            base_traj,
            mix_runs,
            drives,
            phis,
            d,
            base_cost,
            mix_cost,
            invest,
            zeros,
            base_area,
            mix_area,
            accounts: buffers,
        } = scratch;
        // Validation checked every range against each distribution's
        // support, so sampled values cannot fail these; if one did, the
        // sample is recorded as undefined rather than silently clamped.
        let disc = Discounting::new(s.discount_rate.get(inputs));
        let syn = self.synergy_params(inputs).validate();
        let updated = self.update_cohorts(cohorts, inputs);
        let (Ok(disc), Ok(syn), Ok(())) = (disc, syn, updated) else {
            for i in 0..self.plan.layout.scalars.len() {
                out.set_scalar(i, None);
            }
            return;
        };
        d.clear();
        d.extend((1..=s.horizon).map(|t| disc.factor(t)));

        self.driver_strengths(inputs, phis);
        // Mixes in pairs, do-nothing first (no interventions, but drift and
        // inflow drivers still act): each pair's synergy runs go side by
        // side (`run_mix_pair`), then each mix is booked on its own.
        let n_mixes = self.plan.mixes.len();
        let mut first = 0;
        while first < n_mixes {
            let count = (n_mixes - first).min(2);
            for (j, drives) in drives.iter_mut().enumerate().take(count) {
                match first + j {
                    0 => drives.clear(),
                    mi => self.fill_drives(&s.mixes[mi - 1].entries, inputs, drives),
                }
            }
            let runs = match (count, self.tipping) {
                (2, true) => syn
                    .run_mix_pair([&drives[0], &drives[1]], s.horizon, mix_runs)
                    .map(Some),
                (2, false) => syn
                    .trajectory_pair([&drives[0], &drives[1]], s.horizon, mix_runs)
                    .map(|trajectory| Some(untipped(trajectory))),
                (_, true) => [
                    Some(syn.run_mix(&drives[0], s.horizon, &mut mix_runs[0])),
                    None,
                ],
                (_, false) => [
                    Some(untipped(syn.trajectory(
                        &drives[0],
                        s.horizon,
                        &mut mix_runs[0],
                    ))),
                    None,
                ],
            };
            for (j, run) in runs.into_iter().flatten().enumerate() {
                let mi = first + j;
                let slots = &self.plan.mixes[mi];
                let (tip, outcome, cost, inv, area, tr) = if mi == 0 {
                    base_traj.clone_from(run.trajectory);
                    self.driver_factors(base_traj, &mut effects[0].effects, phis);
                    cohorts.simulate_costs(&effects[0].effects, base_outcome);
                    base_outcome.total_cost_into(base_cost);
                    base_area.fill(s, base_traj, inputs);
                    accounts::baseline(self.shape, slots, d, base_cost, buffers, out);
                    (
                        run.tipping_year.map(f64::from),
                        &*base_outcome,
                        &base_cost[..],
                        &zeros[..],
                        &*base_area,
                        &*base_traj,
                    )
                } else {
                    let entries = &s.mixes[mi - 1].entries[..];
                    let drives = &drives[j];
                    let traj = run.trajectory;
                    let mix = &mut effects[mi];
                    self.driver_factors(traj, &mut mix.effects, phis);
                    mix.fill_shares(s, entries, drives, &syn, traj, inputs);
                    cohorts.simulate_costs(&mix.effects, mix_outcome);
                    mix_outcome.total_cost_into(mix_cost);
                    mix.investment(s, entries, drives, mix_outcome, inputs, invest);
                    mix_area.fill(s, traj, inputs);
                    (
                        run.tipping_year.map(f64::from),
                        &*mix_outcome,
                        &mix_cost[..],
                        &invest[..],
                        &*mix_area,
                        traj,
                    )
                };
                slots.scalar(Quantity::TippingYear)[0].set(out, tip);
                for (g, slot) in slots.scalar(Quantity::GroupCostPv).iter().enumerate() {
                    let pv = outcome
                        .group_cost(g)
                        .chunks_exact(n_act)
                        .zip(d.iter())
                        .map(|(row, df)| row.iter().sum::<f64>() * df)
                        .fold(0.0, |a, b| a + b);
                    slot.set(out, Some(pv));
                }
                let m = MixAccounts {
                    slots,
                    d,
                    base_cost,
                    mix_cost: cost,
                    invest: inv,
                    base_area,
                    mix_area: area,
                };
                accounts::write(self.shape, &m, buffers, out);
                for (k, slot) in slots.series(Measure::TrackState).iter().enumerate() {
                    if let Some(slot) = slot {
                        for (t, v) in slot.cells(out).iter_mut().enumerate() {
                            *v = tr.x(t as u32 + 1)[k];
                        }
                    }
                }
            }
            first += count;
        }
    }
}

#[cfg(test)]
mod tests {
    use palett_montecarlo::Distribution;
    use palett_synergy::{Channel, Track};

    use super::*;
    use crate::scenario::MixDef;
    use crate::testing::{toy, with_inputs};

    /// Four interventions, one per track, of uncertain weight; mixes of
    /// all four and of the school one alone (so samples run a pair of
    /// mixes and a single one).
    fn four_tracks() -> Scenario {
        let mut s = toy(20, 0.03, 4, &[("kommun", 5.0)]);
        // Strong synergy and lasting coordination, so that some mixes tip.
        for (j, row) in s.synergy.w.iter_mut().enumerate() {
            for (k, w) in row.iter_mut().enumerate() {
                *w = Value::Fixed(if j == k { 0.0 } else { 0.8 });
            }
        }
        s.synergy.beta = [0; 4].map(|_| Value::Fixed(10.0));
        s.synergy.c0 = Value::Fixed(1.0);
        s.synergy.kappa_down = Value::Fixed(0.0);
        let iv = s.interventions[0].clone();
        s.interventions = Track::ALL
            .iter()
            .enumerate()
            .map(|(k, &track)| {
                let mut v = iv.clone();
                v.name = format!("iv{k}");
                v.channel = Channel::Track(track);
                v.duration = 10;
                v.weight = Value::Input(k);
                v
            })
            .collect();
        let entry = s.mixes[0].entries[0];
        s.mixes = vec![
            MixDef {
                name: "all".into(),
                description: None,
                entries: (0..4)
                    .map(|i| MixEntry {
                        intervention: i,
                        duration: 10,
                        ..entry
                    })
                    .collect(),
            },
            MixDef {
                name: "school".into(),
                description: None,
                entries: vec![MixEntry {
                    duration: 10,
                    ..entry
                }],
            },
        ];
        let weight = || Distribution::Uniform { lo: 0.0, hi: 8.0 };
        with_inputs(
            s,
            (0..4)
                .map(|k| (["w0", "w1", "w2", "w3"][k], weight()))
                .collect(),
        )
    }

    #[test]
    fn without_the_tipping_search_only_tipping_years_change() {
        let s = four_tracks();
        let full = ScenarioModel::new(&s).expect("model");
        let tipping: Vec<usize> = full
            .plan()
            .mixes
            .iter()
            .map(|m| m.scalar(Quantity::TippingYear)[0].index())
            .collect();
        let bare = ScenarioModel::new(&s)
            .expect("model")
            .without_tipping_year();
        let layout = &full.plan().layout;
        let (mut a, mut b) = (SampleRecord::new(layout), SampleRecord::new(layout));
        let (mut sa, mut sb) = (full.new_scratch(), bare.new_scratch());
        let mut tipped = 0;
        for i in 0..64 {
            let inputs: Vec<f64> = (0..4).map(|k| f64::from((i * 7 + k * 3) % 9)).collect();
            a.clear();
            b.clear();
            full.evaluate(&inputs, &mut sa, &mut a);
            bare.evaluate(&inputs, &mut sb, &mut b);
            let bits = |v: Option<f64>| v.map(f64::to_bits);
            for i in 0..layout.scalars.len() {
                let (x, y) = (a.scalar(i), b.scalar(i));
                if tipping.contains(&i) {
                    tipped += usize::from(x.is_some());
                    assert_eq!(y, None, "scalar {i} holds a tipping year");
                } else {
                    assert_eq!(bits(x), bits(y), "scalar {i}, inputs {inputs:?}");
                }
            }
            for j in 0..layout.series.len() {
                let same = a.series(j).iter().zip(b.series(j));
                assert!(
                    same.clone().all(|(x, y)| x.to_bits() == y.to_bits()),
                    "series {j}"
                );
            }
        }
        // The search mattered: some mixes tipped in the full model, others not.
        assert!(
            tipped > 0 && tipped < 64 * 3,
            "{tipped} tipping years of 192"
        );
    }
}
