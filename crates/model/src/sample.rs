//! [`ScenarioModel`]: the Monte Carlo engine's `Model` for one scenario.
//!
//! Per sample: the synergy model runs first (it depends only on activity),
//! then the cohorts under each mix's removal shares, then the accounts.
//! Everything that does not depend on the sample — the cohort structure,
//! each mix's effect layout — is built once; per thread, buffers are reused,
//! so a sample allocates nothing once warm.

use palett_cost::{
    CohortModel, CostError, Discounting, Effects, Feed, Group, Outcome, PreventEffect, TurnEffect,
};
use palett_montecarlo::{Model, SampleRecord};
use palett_synergy::{
    Channel, Drive, Repression, Schedule, SynergyParams, TippingWorkspace, Trajectory,
    inflow_driver_factor,
};

use super::accounts::{self, AreaValues, MixAccounts};
use super::plan::{Plan, plan};
use crate::params::Value;
use crate::scenario::{CaseEffect, MixEntry, Scenario};

/// Where one mix entry's effect sits in the cohort model's effects:
/// (group, is a turn effect, index in that group's list).
type Slot = (usize, bool, usize);

/// One mix's effect layout: the cohort effects with every share still to be
/// filled per sample, and each entry's slot in it.
#[derive(Debug, Clone)]
struct MixEffects {
    effects: Effects,
    slots: Vec<Option<Slot>>,
}

/// The composed model of one scenario, ready for the Monte Carlo engine.
pub struct ScenarioModel<'s> {
    s: &'s Scenario,
    plan: Plan,
    /// The cohort structure at central values; each thread updates a copy.
    template: CohortModel,
    /// Per mix, do-nothing first.
    effects: Vec<MixEffects>,
    /// Groups with any inflow driver that is not fixed at 0.
    driven: Vec<usize>,
    /// Per group in `driven`, the lag L_g,k of each track's driver (years).
    driver_lags: Vec<[usize; 4]>,
}

/// Cohort group index of each intervention's success group, if it has a
/// success profile: they follow the scenario's groups, in intervention order.
pub fn success_groups(s: &Scenario) -> Vec<Option<usize>> {
    let mut next = s.groups.len();
    s.interventions
        .iter()
        .map(|i| {
            i.success_profile.map(|_| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

impl<'s> ScenarioModel<'s> {
    /// Builds the model; fails only if the cohort structure is invalid
    /// (which validation reports first, at its place in the file).
    pub fn new(s: &'s Scenario) -> Result<Self, CostError> {
        let central = s.params.central_values();
        let template = cohort_model(s, &central)?;
        let success = success_groups(s);
        let n_groups = template.n_groups();
        let h = s.horizon as usize;
        let layouts = std::iter::once(&[][..]).chain(s.mixes.iter().map(|m| &m.entries[..]));
        let effects = layouts
            .map(|entries| {
                let mut effects = Effects::none(n_groups, s.horizon);
                let slots = entries
                    .iter()
                    .map(|e| {
                        let success_group = success[e.intervention];
                        let share = vec![0.0; h];
                        match s.interventions[e.intervention].effect {
                            CaseEffect::TrackOnly => None,
                            CaseEffect::Turn { group, window } => {
                                let list = &mut effects.groups[group].turn;
                                list.push(TurnEffect {
                                    window,
                                    share,
                                    success_group,
                                });
                                Some((group, true, list.len() - 1))
                            }
                            CaseEffect::Prevent { group } => {
                                let list = &mut effects.groups[group].prevent;
                                list.push(PreventEffect {
                                    share,
                                    success_group,
                                });
                                Some((group, false, list.len() - 1))
                            }
                        }
                    })
                    .collect();
                MixEffects { effects, slots }
            })
            .collect::<Vec<_>>();
        for mix in &effects {
            template.check_effects(&mix.effects)?;
        }
        let driven = s
            .groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.drivers.iter().any(|(v, _)| *v != Value::Fixed(0.0)))
            .map(|(i, _)| i)
            .collect::<Vec<_>>();
        let driver_lags = driven
            .iter()
            .map(|&g| s.groups[g].drivers.map(|(_, lag)| lag as usize))
            .collect();
        Ok(ScenarioModel {
            s,
            plan: plan(s),
            template,
            effects,
            driven,
            driver_lags,
        })
    }

    /// The output plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The synergy parameters at `inputs`.
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
        }
    }

    /// Sets every uncertain value of the cohorts to this sample's.
    fn update_cohorts(&self, c: &mut CohortModel, inputs: &[f64]) -> Result<(), CostError> {
        for (p, def) in self.s.profiles.iter().enumerate() {
            c.set_profile_scale(p, def.scale.get(inputs))?;
        }
        for (g, def) in self.s.groups.iter().enumerate() {
            c.set_stock(g, def.stock.get(inputs))?;
            for (t, v) in def.inflow.iter().enumerate() {
                c.set_inflow(g, t + 1, v.get(inputs))?;
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
    /// Π_k max(0, 1 − φ_k · x_k(t − L_k)), with x = 0 before year 1.
    /// `phis` holds this sample's φ of each group in `driven` order.
    fn driver_factors(&self, traj: &Trajectory, effects: &mut Effects, phis: &[[f64; 4]]) {
        let h = self.s.horizon as usize;
        let states = traj.states();
        for ((&g, phi), lags) in self.driven.iter().zip(phis).zip(&self.driver_lags) {
            let factors = &mut effects.groups[g].inflow_factor[..h];
            for (t, f) in (1..=h).zip(factors) {
                let mut x = [0.0; 4];
                for k in 0..4 {
                    if t > lags[k] {
                        x[k] = states[t - lags[k]][k];
                    }
                }
                *f = inflow_driver_factor(phi, &x);
            }
        }
    }

    /// This sample's φ_g,k of every driven group, in `driven` order.
    fn driver_strengths(&self, inputs: &[f64], phis: &mut Vec<[f64; 4]>) {
        phis.clear();
        phis.extend(
            self.driven
                .iter()
                .map(|&g| self.s.groups[g].drivers.map(|(v, _)| v.get(inputs))),
        );
    }
}

/// The cohort model of `s` at `inputs`: the scenario's groups, then one
/// success group per intervention with a success profile.
pub fn cohort_model(s: &Scenario, inputs: &[f64]) -> Result<CohortModel, CostError> {
    let h = s.horizon as usize;
    let profiles = s.profiles.iter().map(|p| p.profile.clone()).collect();
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
    for iv in &s.interventions {
        if let Some(p) = iv.success_profile {
            groups.push(Group {
                name: format!("{}:success", iv.name),
                profile: p,
                stock: 0.0,
                stock_year: 1,
                inflow: vec![0.0; h],
                feeds: Vec::new(),
            });
        }
    }
    let mut model = CohortModel::new(profiles, groups, s.horizon, s.actors.len())?;
    for (p, def) in s.profiles.iter().enumerate() {
        model.set_profile_scale(p, def.scale.get(inputs))?;
    }
    Ok(model)
}

/// Per-thread working memory of [`ScenarioModel`]: nothing is allocated per
/// sample once these have grown to size.
pub struct Scratch {
    cohorts: CohortModel,
    effects: Vec<MixEffects>,
    base_outcome: Outcome,
    mix_outcome: Outcome,
    base_traj: Trajectory,
    tipping: TippingWorkspace,
    drives: Vec<Drive>,
    phis: Vec<[f64; 4]>,
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
            tipping: TippingWorkspace::new(),
            drives: Vec::new(),
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
            tipping,
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

        // Do nothing: no interventions, but drift and inflow drivers still act.
        // The do-nothing tipping test runs the baseline to H at least; its first
        // H years are the baseline trajectory, bit for bit.
        let base_tip = syn
            .tipping_year_with(&[], s.horizon, tipping)
            .map(f64::from);
        base_traj.clone_from(tipping.trajectory());
        self.driver_strengths(inputs, phis);
        self.driver_factors(base_traj, &mut effects[0].effects, phis);
        cohorts.simulate(&effects[0].effects, base_outcome);
        base_outcome.total_cost_into(base_cost);
        base_area.fill(s, base_traj, inputs);
        accounts::baseline(s, &self.plan.mixes[0], d, base_cost, buffers, out);

        for (mi, slots) in self.plan.mixes.iter().enumerate() {
            let is_baseline = mi == 0;
            let entries: &[MixEntry] = if is_baseline {
                &[]
            } else {
                &s.mixes[mi - 1].entries
            };
            self.fill_drives(entries, inputs, drives);
            // The tipping test runs the mix to H at least anyway; its first H
            // years are this mix's trajectory, bit for bit.
            let tip = if is_baseline {
                base_tip
            } else {
                syn.tipping_year_with(drives, s.horizon, tipping)
                    .map(f64::from)
            };
            out.set_scalar(slots.tipping, tip);
            let traj = tipping.trajectory();
            if !is_baseline {
                let mix = &mut effects[mi];
                self.driver_factors(traj, &mut mix.effects, phis);
                // Removal shares q_i(t) = clamp(ρ · p_i(t) · ā_i(t), 0, 1) (model.md §4).
                for (k, e) in entries.iter().enumerate() {
                    let Some((g, is_turn, j)) = mix.slots[k] else {
                        continue;
                    };
                    let iv = &s.interventions[e.intervention];
                    let (rho, p) = (iv.reach.get(inputs), iv.success.get(inputs));
                    let sched = &drives[k].schedule;
                    let ge = &mut mix.effects.groups[g];
                    let share = if is_turn {
                        &mut ge.turn[j].share
                    } else {
                        &mut ge.prevent[j].share
                    };
                    for (t, q) in share.iter_mut().enumerate() {
                        let year = t as u32 + 1;
                        let x = traj.x(year);
                        let pt = match iv.channel {
                            Channel::Track(track) => syn.success_probability(p, track, &x),
                            Channel::Communication => p,
                        };
                        *q = (rho * pt * sched.delayed(year as i32)).clamp(0.0, 1.0);
                    }
                }
                cohorts.simulate(&mix.effects, mix_outcome);
                mix_outcome.total_cost_into(mix_cost);
                // Investment (model.md §4): fixed × a(t) + per case × u × ρ × reached(t), in active years.
                invest.iter_mut().for_each(|v| *v = 0.0);
                for (k, e) in entries.iter().enumerate() {
                    let iv = &s.interventions[e.intervention];
                    let sched = &drives[k].schedule;
                    let rho = iv.reach.get(inputs);
                    for t in 1..=s.horizon {
                        if !sched.is_active(t) {
                            continue;
                        }
                        let a_t = sched.activity(t as i32);
                        let reached = match mix.slots[k] {
                            Some((g, is_turn, j)) => mix_outcome.reached(g, is_turn, j, t),
                            None => 0.0,
                        };
                        let row = &mut invest[(t as usize - 1) * n_act..t as usize * n_act];
                        for (a, c) in &iv.cost {
                            row[a.0] += c.get(inputs) * a_t;
                        }
                        for (a, c) in &iv.cost_per_case {
                            row[a.0] += c.get(inputs) * sched.intensity * rho * reached;
                        }
                    }
                }
                mix_area.fill(s, traj, inputs);
            }
            let (outcome, cost, inv, area, tr) = if is_baseline {
                (
                    &*base_outcome,
                    &base_cost[..],
                    &zeros[..],
                    &*base_area,
                    &*base_traj,
                )
            } else {
                (&*mix_outcome, &mix_cost[..], &invest[..], &*mix_area, traj)
            };
            for (g, &slot) in slots.group_pv.iter().enumerate() {
                let pv = outcome
                    .group_cost(g)
                    .chunks_exact(n_act)
                    .zip(d.iter())
                    .map(|(row, df)| row.iter().sum::<f64>() * df)
                    .fold(0.0, |a, b| a + b);
                out.set_scalar(slot, Some(pv));
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
            accounts::write(s, &m, buffers, out);
            for (k, &series) in slots.tracks.iter().enumerate() {
                for (t, v) in out.series_mut(series).iter_mut().enumerate() {
                    *v = tr.x(t as u32 + 1)[k];
                }
            }
        }
    }
}
