//! The composed model (model.md §6): for one sample's inputs, every mix and
//! the do-nothing baseline through the synergy model, the cohorts and the
//! accounts, written into the Monte Carlo engine's output record.
//!
//! Common random numbers come for free: one input vector per sample is used
//! for every mix.

use palett_cost::{
    CohortModel, Discounting, Effects, Feed, Group, Outcome, PreventEffect, TurnEffect,
};
use palett_montecarlo::{
    Contest, Missing, Model, OutputLayout, SampleRecord, ScalarSpec, SeriesSpec,
};
use palett_synergy::{
    Channel, Drive, Repression, Schedule, SynergyParams, TippingWorkspace, Track, Trajectory,
    inflow_driver_factor,
};

use crate::config::EffectClass;
use crate::scenario::{CaseEffect, MixEntry, Scenario};

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
    /// Series: per measure, per key (actors then total), length H.
    pub series: [Vec<usize>; 4],
    /// Series: track states per track, length H.
    pub tracks: [usize; 4],
    /// Series: area effects per year (mix − baseline) for direct, indirect, business, total.
    pub area_series: [usize; 4],
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
    let mut mixes = Vec::new();
    let names: Vec<String> = std::iter::once(DO_NOTHING.to_string())
        .chain(s.mixes.iter().map(|m| m.name.clone()))
        .collect();
    for m in &names {
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
        let meas = MEASURES.map(|k| {
            actors
                .iter()
                .map(String::as_str)
                .chain(["total"])
                .map(|a| ser(format!("{m}/{k}/{a}")))
                .collect()
        });
        let tracks = Track::ALL.map(|t| ser(format!("{m}/track_state/{}", t.name())));
        let area_series = AREA_KEYS.map(|c| ser(format!("{m}/area_effects/{c}")));
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

/// The composed model of one scenario, ready for the Monte Carlo engine.
pub struct ScenarioModel<'s> {
    s: &'s Scenario,
    plan: Plan,
    /// For each intervention with a success profile: its cohort group index.
    success_group: Vec<Option<usize>>,
}

impl<'s> ScenarioModel<'s> {
    /// Prepares the model and its output plan.
    pub fn new(s: &'s Scenario) -> Self {
        let mut next = s.groups.len();
        let success_group = s
            .interventions
            .iter()
            .map(|i| {
                i.success_profile.map(|_| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        ScenarioModel {
            s,
            plan: plan(s),
            success_group,
        }
    }

    /// The output plan.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The synergy parameters at `inputs`.
    pub fn synergy_params(&self, inputs: &[f64]) -> SynergyParams {
        let d = &self.s.synergy;
        let v4 = |a: &[crate::params::Value; 4]| a.map(|v| v.get(inputs));
        let m4 = |a: &[[crate::params::Value; 4]; 4]| a.map(|row| row.map(|v| v.get(inputs)));
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

    /// The cohort model at `inputs`, success groups appended after the scenario's groups.
    pub fn cohort_model(&self, inputs: &[f64]) -> Result<CohortModel, palett_cost::CostError> {
        let s = self.s;
        let h = s.horizon as usize;
        let mut profiles: Vec<_> = s
            .profiles
            .iter()
            .map(|p| p.profile.scaled(p.scale.get(inputs)))
            .collect();
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
        for (i, iv) in s.interventions.iter().enumerate() {
            if let (Some(_), Some(p)) = (self.success_group[i], iv.success_profile) {
                profiles.push(profiles[p].clone());
                groups.push(Group {
                    name: format!("success of {}", iv.name),
                    profile: profiles.len() - 1,
                    stock: 0.0,
                    stock_year: 1,
                    inflow: vec![0.0; h],
                    feeds: Vec::new(),
                });
            }
        }
        CohortModel::new(profiles, groups, s.horizon, s.actors.len())
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

    fn drives(&self, entries: &[MixEntry], inputs: &[f64]) -> Vec<Drive> {
        entries
            .iter()
            .map(|e| {
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
            })
            .collect()
    }

    /// Exogenous inflow factors from the inflow drivers (model.md §3).
    fn driver_factors(&self, traj: &Trajectory, effects: &mut Effects, inputs: &[f64]) {
        let h = self.s.horizon as i64;
        for (g, def) in self.s.groups.iter().enumerate() {
            let phi = def.drivers.map(|(v, _)| v.get(inputs));
            if phi.iter().all(|p| *p == 0.0) {
                continue;
            }
            for t in 1..=h {
                let x = Track::ALL.map(|k| {
                    let tl = t - def.drivers[k.index()].1 as i64;
                    if tl <= 0 {
                        0.0
                    } else {
                        traj.x(tl as u32)[k.index()]
                    }
                });
                effects.groups[g].inflow_factor[(t - 1) as usize] = inflow_driver_factor(&phi, &x);
            }
        }
    }
}

/// Per-thread working memory of [`ScenarioModel`].
pub struct Scratch {
    base_outcome: Outcome,
    mix_outcome: Outcome,
    traj: Trajectory,
    base_traj: Trajectory,
    tipping: TippingWorkspace,
}

/// One mix's intervention → (group, is_turn, index within the group's list).
type Slot = (usize, bool, usize);

impl Model for ScenarioModel<'_> {
    type Scratch = Scratch;

    fn new_scratch(&self) -> Scratch {
        Scratch {
            base_outcome: Outcome::default(),
            mix_outcome: Outcome::default(),
            traj: Trajectory::new(),
            base_traj: Trajectory::new(),
            tipping: TippingWorkspace::new(),
        }
    }

    fn evaluate(&self, inputs: &[f64], scratch: &mut Scratch, out: &mut SampleRecord) {
        let s = self.s;
        let h = s.horizon as usize;
        let n_act = s.actors.len();
        let rate = s.discount_rate.get(inputs);
        let disc = Discounting::new(rate.max(0.0)).unwrap_or_else(|_| Discounting::zero());
        let d = disc.factors(s.horizon);
        // Ranges were checked at validation against each distribution's
        // support, so these cannot fail for sampled values; a failure would
        // be a bug, and the sample is then recorded as undefined.
        let (Ok(syn), Ok(cohorts)) = (
            self.synergy_params(inputs).validate(),
            self.cohort_model(inputs),
        ) else {
            for i in 0..self.plan.layout.scalars.len() {
                out.set_scalar(i, None);
            }
            return;
        };
        let n_groups = cohorts.n_groups();

        // Baseline: no interventions, but drift and drivers still act.
        syn.simulate_into(&[], s.horizon, None, &mut scratch.base_traj);
        let mut base_effects = Effects::none(n_groups, s.horizon);
        self.driver_factors(&scratch.base_traj, &mut base_effects, inputs);
        cohorts.simulate(&base_effects, &mut scratch.base_outcome);
        let base_cost = scratch.base_outcome.total_cost_by_year();
        let base_area = area_values(s, &scratch.base_traj, inputs);

        for (mi, slots) in self.plan.mixes.iter().enumerate() {
            let entries: &[MixEntry] = if mi == 0 {
                &[]
            } else {
                &s.mixes[mi - 1].entries
            };
            let drives = self.drives(entries, inputs);
            let (traj, outcome_cost, invest) = if mi == 0 {
                (&scratch.base_traj, base_cost.clone(), vec![0.0; h * n_act])
            } else {
                syn.simulate_into(&drives, s.horizon, None, &mut scratch.traj);
                let traj = &scratch.traj;
                let mut effects = Effects::none(n_groups, s.horizon);
                self.driver_factors(traj, &mut effects, inputs);
                let mut slot: Vec<Option<Slot>> = vec![None; entries.len()];
                for (k, e) in entries.iter().enumerate() {
                    let iv = &s.interventions[e.intervention];
                    let (group, window) = match iv.effect {
                        CaseEffect::TrackOnly => continue,
                        CaseEffect::Turn { group, window } => (group, Some(window)),
                        CaseEffect::Prevent { group } => (group, None),
                    };
                    let rho = iv.reach.get(inputs);
                    let p = iv.success.get(inputs);
                    let sched = &drives[k].schedule;
                    let share: Vec<f64> = (1..=s.horizon)
                        .map(|t| {
                            let x = traj.x(t);
                            let pt = match iv.channel {
                                Channel::Track(track) => syn.success_probability(p, track, &x),
                                Channel::Communication => p,
                            };
                            (rho * pt * sched.delayed(t as i32)).clamp(0.0, 1.0)
                        })
                        .collect();
                    let success_group = self.success_group[e.intervention];
                    let ge = &mut effects.groups[group];
                    slot[k] = Some(match window {
                        Some(window) => {
                            ge.turn.push(TurnEffect {
                                window,
                                share,
                                success_group,
                            });
                            (group, true, ge.turn.len() - 1)
                        }
                        None => {
                            ge.prevent.push(PreventEffect {
                                share,
                                success_group,
                            });
                            (group, false, ge.prevent.len() - 1)
                        }
                    });
                }
                cohorts.simulate(&effects, &mut scratch.mix_outcome);
                let mix_cost = scratch.mix_outcome.total_cost_by_year();
                // Investment (model.md §4): fixed × a(t) + per case × u × ρ × base(t), in active years.
                let mut invest = vec![0.0; h * n_act];
                for (k, e) in entries.iter().enumerate() {
                    let iv = &s.interventions[e.intervention];
                    let sched = &drives[k].schedule;
                    let u = sched.intensity;
                    let rho = iv.reach.get(inputs);
                    for t in 1..=s.horizon {
                        if !sched.is_active(t) {
                            continue;
                        }
                        let a_t = sched.activity(t as i32);
                        let base_cases = match slot[k] {
                            Some((g, is_turn, j)) => scratch.mix_outcome.reached(g, is_turn, j, t),
                            None => 0.0,
                        };
                        let row = &mut invest[(t as usize - 1) * n_act..t as usize * n_act];
                        for (a, c) in &iv.cost {
                            row[a.0] += c.get(inputs) * a_t;
                        }
                        for (a, c) in &iv.cost_per_case {
                            row[a.0] += c.get(inputs) * u * rho * base_cases;
                        }
                    }
                }
                (traj, mix_cost, invest)
            };
            let outcome = if mi == 0 {
                &scratch.base_outcome
            } else {
                &scratch.mix_outcome
            };
            for (g, &slot) in slots.group_pv.iter().enumerate() {
                let pv: f64 = outcome
                    .group_cost(g)
                    .chunks(n_act)
                    .zip(&d)
                    .map(|(row, df)| row.iter().sum::<f64>() * df)
                    .fold(0.0, |a, b| a + b);
                out.set_scalar(slot, Some(pv));
            }
            let mix_area = if mi == 0 {
                base_area.clone()
            } else {
                area_values(s, traj, inputs)
            };
            write_mix(
                s,
                slots,
                &d,
                &base_cost,
                &outcome_cost,
                &invest,
                &base_area,
                &mix_area,
                out,
            );
            for (k, track) in Track::ALL.iter().enumerate() {
                let ser = out.series_mut(slots.tracks[k]);
                for t in 1..=h {
                    ser[t - 1] = traj.x(t as u32)[track.index()];
                }
            }
            let tipping = syn
                .tipping_year_with(&drives, s.horizon, &mut scratch.tipping)
                .map(f64::from);
            out.set_scalar(slots.tipping, tipping);
        }
    }
}

/// Area values per year and actor, with per-class totals:
/// `(values[t][a], by_class[t][class])` flattened.
#[derive(Debug, Clone)]
struct AreaValues {
    by_actor: Vec<f64>,
    by_class: Vec<[f64; 3]>,
}

fn class_index(c: EffectClass) -> usize {
    match c {
        EffectClass::Direct => 0,
        EffectClass::Indirect => 1,
        EffectClass::Business => 2,
    }
}

fn area_values(s: &Scenario, traj: &Trajectory, inputs: &[f64]) -> AreaValues {
    let h = s.horizon as usize;
    let n = s.actors.len();
    let mut v = AreaValues {
        by_actor: vec![0.0; h * n],
        by_class: vec![[0.0; 3]; h],
    };
    for area in &s.areas {
        let apartments = area.apartments.get(inputs);
        for e in &area.effects {
            let per_year = apartments * e.value.get(inputs);
            for t in 1..=h {
                let val = per_year * traj.x(t as u32)[e.track.index()];
                v.by_actor[(t - 1) * n + e.beneficiary.0] += val;
                v.by_class[t - 1][class_index(e.class)] += val;
            }
        }
    }
    v
}

/// First year ≥ `from` in which the cumulative discounted net is ≥ 0.
fn payback(cum: &[f64], from: Option<usize>) -> Option<f64> {
    let from = from?;
    (from..cum.len())
        .find(|&t| cum[t] >= 0.0)
        .map(|t| (t + 1) as f64)
}

#[allow(clippy::too_many_arguments)]
fn write_mix(
    s: &Scenario,
    slots: &MixSlots,
    d: &[f64],
    base_cost: &[f64],
    mix_cost: &[f64],
    invest: &[f64],
    base_area: &AreaValues,
    mix_area: &AreaValues,
    out: &mut SampleRecord,
) {
    let h = s.horizon as usize;
    let n = s.actors.len();
    let n_keys = n + 1;
    // Annual amounts per (t, key), key n = total.
    let mut avoided = vec![0.0; h * n_keys];
    let mut inv = vec![0.0; h * n_keys];
    let mut base = vec![0.0; h * n_keys];
    for t in 0..h {
        for a in 0..n {
            let i = t * n + a;
            let av = base_cost[i] - mix_cost[i] + (mix_area.by_actor[i] - base_area.by_actor[i]);
            avoided[t * n_keys + a] = av;
            inv[t * n_keys + a] = invest[i];
            base[t * n_keys + a] = base_cost[i];
            avoided[t * n_keys + n] += av;
            inv[t * n_keys + n] += invest[i];
            base[t * n_keys + n] += base_cost[i];
        }
    }
    let mut npv_total = 0.0;
    let mut pv = [0.0f64; 3];
    for key in 0..n_keys {
        let (mut cum_net, mut cum_base) = (0.0, 0.0);
        let (mut pv_base, mut pv_inv, mut pv_av) = (0.0, 0.0, 0.0);
        let mut first_invest: Option<usize> = None;
        let mut cum_series = vec![0.0; h];
        {
            let net_ser = out.series_mut(slots.series[0][key]);
            for t in 0..h {
                let i = t * n_keys + key;
                cum_net += (avoided[i] - inv[i]) * d[t];
                net_ser[t] = cum_net;
                cum_series[t] = cum_net;
                pv_inv += inv[i] * d[t];
                pv_av += avoided[i] * d[t];
                if inv[i] > 0.0 && first_invest.is_none() {
                    first_invest = Some(t);
                }
            }
        }
        {
            let base_ser = out.series_mut(slots.series[1][key]);
            for t in 0..h {
                cum_base += base[t * n_keys + key] * d[t];
                base_ser[t] = cum_base;
                pv_base += base[t * n_keys + key] * d[t];
            }
        }
        out.series_mut(slots.series[2][key])
            .copy_from_slice(&(0..h).map(|t| inv[t * n_keys + key]).collect::<Vec<_>>());
        out.series_mut(slots.series[3][key]).copy_from_slice(
            &(0..h)
                .map(|t| avoided[t * n_keys + key])
                .collect::<Vec<_>>(),
        );
        out.set_scalar(slots.pv[0][key], Some(pv_base));
        out.set_scalar(slots.pv[1][key], Some(pv_inv));
        out.set_scalar(slots.pv[2][key], Some(pv_av));
        if key < n {
            out.set_scalar(slots.npv_by_actor[key], Some(cum_net));
            let pb = payback(&cum_series, first_invest);
            out.set_scalar(slots.payback_by_actor[key], pb);
            let budget = s.budget_period as usize;
            let recovered = if first_invest.is_some() {
                pb.is_some_and(|y| y <= budget as f64)
            } else {
                cum_series[budget.min(h) - 1] >= 0.0
            };
            out.set_scalar(
                slots.within_budget[key],
                Some(if recovered { 1.0 } else { 0.0 }),
            );
        } else {
            npv_total = cum_net;
            pv = [pv_base, pv_inv, pv_av];
            out.set_scalar(slots.payback, payback(&cum_series, first_invest));
        }
    }
    out.set_scalar(slots.npv, Some(npv_total));
    out.set_scalar(
        slots.bcr,
        if pv[1] > 0.0 {
            Some(pv[2] / pv[1])
        } else {
            None
        },
    );
    for (c, &series) in slots.area_series.iter().enumerate() {
        let ser = out.series_mut(series);
        for (t, (m, b)) in ser
            .iter_mut()
            .zip(mix_area.by_class.iter().zip(&base_area.by_class))
        {
            *t = if c < 3 {
                m[c] - b[c]
            } else {
                (0..3).map(|k| m[k] - b[k]).fold(0.0, |a, b| a + b)
            };
        }
    }
    for c in 0..3 {
        let v: f64 = (0..h)
            .map(|t| (mix_area.by_class[t][c] - base_area.by_class[t][c]) * d[t])
            .fold(0.0, |a, b| a + b);
        out.set_scalar(slots.area_pv[c], Some(v));
    }
}
