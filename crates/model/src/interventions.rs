//! What a mix's interventions do to the cohorts and what they cost
//! (model.md §4): each entry's removal share q_i(t) from the synergy run,
//! and the investment per actor and year.

use palett_cost::{EffectKind, EffectRef, Effects, Outcome, PreventEffect, TurnEffect};
use palett_synergy::{Channel, Drive, SynergyModel, Trajectory};

use crate::scenario::{CaseEffect, MixEntry, Scenario};

/// One mix's effect layout: the cohort effects with every share still to be
/// filled per sample, and where each entry's effect sits in them.
#[derive(Debug, Clone)]
pub struct MixEffects {
    /// The cohort effects of the mix (inflow factors and shares per year).
    pub effects: Effects,
    /// Per entry of the mix: its cohort effect, if it acts on cases.
    pub slots: Vec<Option<EffectRef>>,
}

impl MixEffects {
    /// The effect layout of a mix with `entries` (do-nothing: none) over
    /// `n_groups` cohort groups; every share starts at 0.
    pub fn new(s: &Scenario, entries: &[MixEntry], n_groups: usize) -> MixEffects {
        let success = s.success_groups();
        let h = s.horizon as usize;
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
                            success_share: 1.0,
                        });
                        Some(EffectRef {
                            group,
                            kind: EffectKind::Turn,
                            index: list.len() - 1,
                        })
                    }
                    CaseEffect::Prevent { group } => {
                        let list = &mut effects.groups[group].prevent;
                        list.push(PreventEffect {
                            share,
                            success_group,
                            success_share: 1.0,
                        });
                        Some(EffectRef {
                            group,
                            kind: EffectKind::Prevent,
                            index: list.len() - 1,
                        })
                    }
                }
            })
            .collect();
        MixEffects { effects, slots }
    }

    /// Fills every entry's removal share from the mix's synergy run:
    /// q_i(t) = clamp(ρ_i · p_i(t) · ā_i(t), 0, 1), where p_i(t) is the
    /// success probability boosted by the track states x(t) and `drives`
    /// are the entries' drives, in entry order (model.md §4,
    /// "Success with synergy"; communication is not boosted).
    pub fn fill_shares(
        &mut self,
        s: &Scenario,
        entries: &[MixEntry],
        drives: &[Drive],
        syn: &SynergyModel,
        traj: &Trajectory,
        inputs: &[f64],
    ) {
        for (k, e) in entries.iter().enumerate() {
            let Some(at) = self.slots[k] else {
                continue;
            };
            let iv = &s.interventions[e.intervention];
            let (rho, p) = (iv.reach.get(inputs), iv.success.get(inputs));
            let sched = &drives[k].schedule;
            let ge = &mut self.effects.groups[at.group];
            let success_share = iv.success_share.get(inputs);
            let share = match at.kind {
                EffectKind::Turn => {
                    let e = &mut ge.turn[at.index];
                    e.success_share = success_share;
                    &mut e.share
                }
                EffectKind::Prevent => {
                    let e = &mut ge.prevent[at.index];
                    e.success_share = success_share;
                    &mut e.share
                }
            };
            for (t, q) in share.iter_mut().enumerate() {
                let year = t as u32 + 1;
                let x = traj.x(year);
                let pt = match iv.channel {
                    Channel::Track(track) => syn.success_probability(p, track, &x),
                    Channel::Communication => p,
                };
                *q = (rho * pt * sched.delayed(year)).clamp(0.0, 1.0);
            }
        }
    }

    /// The investment of the mix per year and actor (`invest[t * actors + a]`,
    /// index t = 0 for year 1, SEK, overwritten): in each active year a
    /// fixed amount × a_i(t), plus an amount per case reached × u_i × ρ_i ×
    /// the cases the effect reached that year (before removal), as the
    /// cohort run `outcome` recorded them (model.md §4, "Costs of the
    /// intervention").
    pub fn investment(
        &self,
        s: &Scenario,
        entries: &[MixEntry],
        drives: &[Drive],
        outcome: &Outcome,
        inputs: &[f64],
        invest: &mut [f64],
    ) {
        let n_act = s.actors.len();
        invest.iter_mut().for_each(|v| *v = 0.0);
        for (k, e) in entries.iter().enumerate() {
            let iv = &s.interventions[e.intervention];
            let sched = &drives[k].schedule;
            let rho = iv.reach.get(inputs);
            for t in 1..=s.horizon {
                if !sched.is_active(t) {
                    continue;
                }
                let a_t = sched.activity(t);
                let reached = match self.slots[k] {
                    Some(at) => outcome.reached(at, t),
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
    }
}
