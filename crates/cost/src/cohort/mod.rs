//! Cohort groups (model.md §3): cases by profile year, with stock, inflow,
//! feeds, ageing, and the removals interventions cause (§4).
//!
//! Decisions this module makes where model.md leaves a choice:
//! - **Success cases** (turned or prevented cases with a success group) enter
//!   their success group at profile year 1 after *every* group's inflow,
//!   prevention and turning of the year, and before booking. So they are
//!   booked in the year of success whatever the order of the groups, success
//!   edges need no processing order and cannot form a same-year cycle; the
//!   price is that a success case is first eligible for prevention or turning
//!   in its new group the year after it arrives.
//! - **Attribution**: when several interventions act on the same cases
//!   (prevention of one group's inflow, or turning of one profile year), the
//!   cases removed, n·(1 − Π(1 − q_i)), are split among them in proportion to
//!   their q_i. The split is symmetric, sums exactly to the removal, and gives
//!   an intervention nothing when its q_i is 0.
//! - **Feeds** take their shares of the cases present after booking (stock,
//!   inflow and success cases alike, after removal), proportionally from every
//!   profile year.

mod effects;
mod outcome;

pub use effects::{EffectKind, EffectRef, Effects, GroupEffects, PreventEffect, TurnEffect};
pub use outcome::{Ledger, Outcome};

use crate::{CostError, Profile};

/// A group of cases that all follow one profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Name, for messages.
    pub name: String,
    /// Index of its profile in the model.
    pub profile: usize,
    /// Cases present at the start of year 1.
    pub stock: f64,
    /// Profile year j0 (1-based) the stock is in at year 1.
    pub stock_year: u32,
    /// Exogenous inflow I_g,0(t), cases a year entering at profile year 1; index 0 = year 1; length = horizon.
    pub inflow: Vec<f64>,
    /// Shares moving each year to other groups.
    pub feeds: Vec<Feed>,
}

/// A share of a group's cases moving each year into another group, where
/// they enter at profile year 1 the next year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Feed {
    /// Index of the receiving group.
    pub to: usize,
    /// Share of the group's cases per year, 0–1.
    pub share: f64,
}

/// A validated set of profiles and groups over a horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortModel {
    profiles: Vec<Profile>,
    groups: Vec<Group>,
    horizon: u32,
    n_actors: usize,
    /// Offset of each group's state in the flat state vector.
    offsets: Vec<usize>,
    /// Multiplier per profile (its `scale`), applied when booking.
    scales: Vec<f64>,
}

impl CohortModel {
    /// Checks and builds the model.
    pub fn new(
        profiles: Vec<Profile>,
        groups: Vec<Group>,
        horizon: u32,
        n_actors: usize,
    ) -> Result<CohortModel, CostError> {
        for (i, p) in profiles.iter().enumerate() {
            if p.n_actors() != n_actors {
                return Err(CostError::ActorCount {
                    profile: i,
                    expected: n_actors,
                    found: p.n_actors(),
                });
            }
        }
        for (gi, g) in groups.iter().enumerate() {
            if groups[..gi].iter().any(|other| other.name == g.name) {
                return Err(CostError::DuplicateGroup(g.name.clone()));
            }
            let Some(p) = profiles.get(g.profile) else {
                return Err(CostError::UnknownProfile {
                    group: g.name.clone(),
                    profile: g.profile,
                    n_profiles: profiles.len(),
                });
            };
            if !(g.stock.is_finite() && g.stock >= 0.0) {
                return Err(CostError::InvalidValue {
                    what: format!("the stock of group `{}`", g.name),
                    actor: None,
                    valid: "a finite number ≥ 0",
                    value: g.stock,
                });
            }
            if g.stock_year < 1 || g.stock_year as usize > p.len() {
                return Err(CostError::StockYear {
                    group: g.name.clone(),
                    year: g.stock_year,
                    len: p.len(),
                });
            }
            if g.inflow.len() != horizon as usize {
                return Err(CostError::Length {
                    what: format!("the inflow of group `{}`", g.name),
                    actor: None,
                    expected: format!("{horizon} (one per year of the horizon)"),
                    found: g.inflow.len(),
                });
            }
            if let Some(bad) = g.inflow.iter().find(|x| !(x.is_finite() && **x >= 0.0)) {
                return Err(CostError::InvalidValue {
                    what: format!("the inflow of group `{}`", g.name),
                    actor: None,
                    valid: "a finite number ≥ 0",
                    value: *bad,
                });
            }
            let mut sum = 0.0;
            for f in &g.feeds {
                let target_ok = f.to < groups.len() && f.to != gi;
                if !target_ok {
                    let target = groups
                        .get(f.to)
                        .map_or(format!("group number {}", f.to), |t| {
                            format!("`{}`", t.name)
                        });
                    return Err(CostError::FeedTarget {
                        group: g.name.clone(),
                        target,
                    });
                }
                if !(f.share.is_finite() && (0.0..=1.0).contains(&f.share)) {
                    return Err(CostError::InvalidValue {
                        what: format!("a feed share of group `{}`", g.name),
                        actor: None,
                        valid: "a share between 0 and 1",
                        value: f.share,
                    });
                }
                sum += f.share;
            }
            if sum > 1.0 + 1e-12 {
                return Err(CostError::FeedSum {
                    group: g.name.clone(),
                    sum,
                });
            }
        }
        if let Some(cycle) = find_cycle(&groups) {
            return Err(CostError::FeedCycle(cycle));
        }
        let mut offsets = Vec::with_capacity(groups.len() + 1);
        let mut at = 0;
        for g in &groups {
            offsets.push(at);
            at += profiles[g.profile].len();
        }
        offsets.push(at);
        let scales = vec![1.0; profiles.len()];
        Ok(CohortModel {
            profiles,
            groups,
            horizon,
            n_actors,
            offsets,
            scales,
        })
    }

    /// Sets group `g`'s stock (cases ≥ 0), for re-use across Monte Carlo
    /// samples without rebuilding the model.
    pub fn set_stock(&mut self, g: usize, stock: f64) -> Result<(), CostError> {
        let grp = self.group_mut(g)?;
        if !(stock.is_finite() && stock >= 0.0) {
            return Err(CostError::InvalidValue {
                what: format!("the stock of group `{}`", grp.name),
                actor: None,
                valid: "a finite number ≥ 0",
                value: stock,
            });
        }
        grp.stock = stock;
        Ok(())
    }

    /// Sets group `g`'s exogenous inflow I_g,0(t) in year `t` (1-based,
    /// 1..=horizon; cases a year ≥ 0).
    pub fn set_inflow(&mut self, g: usize, t: u32, inflow: f64) -> Result<(), CostError> {
        let horizon = self.horizon;
        let grp = self.group_mut(g)?;
        if !(1..=horizon).contains(&t) {
            return Err(CostError::OutOfRange {
                what: format!("year of the inflow of group `{}`", grp.name),
                index: t as usize,
                valid: format!("1 to {horizon}"),
            });
        }
        if !(inflow.is_finite() && inflow >= 0.0) {
            return Err(CostError::InvalidValue {
                what: format!("the inflow of group `{}`", grp.name),
                actor: None,
                valid: "a finite number ≥ 0",
                value: inflow,
            });
        }
        grp.inflow[t as usize - 1] = inflow;
        Ok(())
    }

    /// Sets the share of group `g`'s `k`-th feed; the group's shares must
    /// still sum to at most 1.
    pub fn set_feed_share(&mut self, g: usize, k: usize, share: f64) -> Result<(), CostError> {
        let grp = self.group_mut(g)?;
        if k >= grp.feeds.len() {
            return Err(CostError::OutOfRange {
                what: format!("feed of group `{}`", grp.name),
                index: k,
                valid: format!("0 to {} (0-based)", grp.feeds.len() as isize - 1),
            });
        }
        if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
            return Err(CostError::InvalidValue {
                what: format!("a feed share of group `{}`", grp.name),
                actor: None,
                valid: "a share between 0 and 1",
                value: share,
            });
        }
        let old = grp.feeds[k].share;
        grp.feeds[k].share = share;
        let sum: f64 = grp.feeds.iter().map(|f| f.share).sum();
        if sum > 1.0 + 1e-12 {
            grp.feeds[k].share = old;
            return Err(CostError::FeedSum {
                group: grp.name.clone(),
                sum,
            });
        }
        Ok(())
    }

    /// Sets the multiplier of profile `p` (its `scale`, ≥ 0), applied to
    /// every cell when costs are booked.
    pub fn set_profile_scale(&mut self, p: usize, scale: f64) -> Result<(), CostError> {
        if p >= self.scales.len() {
            return Err(CostError::OutOfRange {
                what: "profile".into(),
                index: p,
                valid: format!("0 to {} (0-based)", self.scales.len() as isize - 1),
            });
        }
        if !(scale.is_finite() && scale >= 0.0) {
            return Err(CostError::InvalidValue {
                what: format!("the scale of profile number {p}"),
                actor: None,
                valid: "a finite number ≥ 0",
                value: scale,
            });
        }
        self.scales[p] = scale;
        Ok(())
    }

    /// Replaces profile `p` with `profile` of the same length and actors:
    /// one sample's draws of uncertain amounts or prices.
    ///
    /// # Errors
    /// `OutOfRange` for an unknown profile; `Length` when the new profile's
    /// length or number of actors differs from the old one's.
    pub fn set_profile(&mut self, p: usize, profile: Profile) -> Result<(), CostError> {
        let n = self.profiles.len();
        let Some(old) = self.profiles.get_mut(p) else {
            return Err(CostError::OutOfRange {
                what: "profile".into(),
                index: p,
                valid: format!("0 to {} (0-based)", n as isize - 1),
            });
        };
        if old.len() != profile.len() || old.n_actors() != profile.n_actors() {
            return Err(CostError::Length {
                what: format!("the new profile number {p}"),
                actor: None,
                expected: format!("{} years × {} actors", old.len(), old.n_actors()),
                found: profile.len(),
            });
        }
        *old = profile;
        Ok(())
    }

    fn group_mut(&mut self, g: usize) -> Result<&mut Group, CostError> {
        let n = self.groups.len();
        self.groups.get_mut(g).ok_or_else(|| CostError::OutOfRange {
            what: "group".into(),
            index: g,
            valid: format!("0 to {} (0-based)", n as isize - 1),
        })
    }

    /// Number of groups.
    pub fn n_groups(&self) -> usize {
        self.groups.len()
    }

    /// Years simulated.
    pub fn horizon(&self) -> u32 {
        self.horizon
    }

    /// Number of actors.
    pub fn n_actors(&self) -> usize {
        self.n_actors
    }

    /// The groups.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The profiles.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// Checks that `effects` fits this model (model.md §4), so that
    /// [`CohortModel::simulate`] books every case it removes: one
    /// [`GroupEffects`] per group; per-year vectors of `horizon` entries
    /// (`inflow_factor` may also be empty, meaning 1 every year); inflow
    /// factors finite and ≥ 0; shares q(t) in 0–1; turn windows with
    /// 1 ≤ j_lo ≤ j_hi and j_lo within the group's profile; success groups
    /// that exist and are not the group itself.
    ///
    /// The shape of the effects of a mix does not change between Monte Carlo
    /// samples, so the runner can call this once per mix and sample values
    /// with the same shape afterwards. `simulate` itself never panics on
    /// effects that fail this check, but it silently reads missing years as
    /// defaults and drops success cases sent to a group that does not exist.
    pub fn check_effects(&self, effects: &Effects) -> Result<(), CostError> {
        let n_g = self.groups.len();
        let h = self.horizon as usize;
        if effects.groups.len() != n_g {
            return Err(CostError::Length {
                what: "the effects".into(),
                actor: None,
                expected: format!("{n_g} (one per group)"),
                found: effects.groups.len(),
            });
        }
        for (g, (grp, ge)) in self.groups.iter().zip(&effects.groups).enumerate() {
            let bad = |effect: String, problem: String| CostError::InvalidEffect {
                group: grp.name.clone(),
                effect,
                problem,
            };
            let factor_ok = |x: f64| x.is_finite() && x >= 0.0;
            let share_ok = |x: f64| (0.0..=1.0).contains(&x);
            let years = |effect: &str, v: &[f64], allow_empty: bool, ok: fn(f64) -> bool, valid| {
                check_years(v, h, allow_empty, ok, valid).map_err(|p| bad(effect.into(), p))
            };
            years(
                "inflow factor",
                &ge.inflow_factor,
                true,
                factor_ok,
                "a finite number ≥ 0",
            )?;
            let check_success = |effect: String, to: Option<usize>, share: f64| {
                if !share_ok(share) {
                    return Err(bad(
                        effect,
                        format!("its success share is {share}; it must be between 0 and 1"),
                    ));
                }
                match to {
                Some(to) if to >= n_g => Err(bad(
                    effect,
                    format!("its success group is number {to}, but there are only {n_g} groups"),
                )),
                Some(to) if to == g => Err(bad(
                    effect,
                    "its success group is the group itself; turned or prevented cases must start their success profile in another group".into(),
                )),
                _ => Ok(()),
            }
            };
            for (k, e) in ge.prevent.iter().enumerate() {
                let name = format!("prevent effect {k}");
                years(&name, &e.share, false, share_ok, "a share between 0 and 1")?;
                check_success(name, e.success_group, e.success_share)?;
            }
            let k_g = self.profiles[grp.profile].len();
            for (k, e) in ge.turn.iter().enumerate() {
                let name = format!("turn effect {k}");
                let (lo, hi) = e.window;
                if lo < 1 || lo > hi || lo as usize > k_g {
                    return Err(bad(
                        name,
                        format!(
                            "the window of profile years [{lo}, {hi}] must have 1 ≤ from ≤ to and start within the profile (years 1 to {k_g})"
                        ),
                    ));
                }
                years(&name, &e.share, false, share_ok, "a share between 0 and 1")?;
                check_success(name, e.success_group, e.success_share)?;
            }
        }
        Ok(())
    }

    /// The baseline: no intervention.
    pub fn baseline(&self) -> Outcome {
        let mut out = Outcome::default();
        self.simulate(&Effects::none(self.groups.len(), self.horizon), &mut out);
        out
    }

    fn prepare(&self, effects: &Effects, out: &mut Outcome, ledger: bool) {
        let h = self.horizon as usize;
        let n_g = self.groups.len();
        out.horizon = h;
        out.n_actors = self.n_actors;
        out.n_groups = n_g;
        // Every cost row and ledger entry is written whole for every group
        // and year below, so a buffer of the right length needs no zeroing
        // (its old contents never show through).
        fit(&mut out.cost, n_g * h * self.n_actors);
        fit(&mut out.ledger, if ledger { n_g * h } else { 0 });
        out.has_ledger = ledger;
        out.turn_offset.clear();
        out.prevent_offset.clear();
        let mut k = 0;
        for g in 0..n_g {
            let ge = effects.groups.get(g);
            out.turn_offset.push(k);
            k += ge.map_or(0, |e| e.turn.len());
            out.prevent_offset.push(k);
            k += ge.map_or(0, |e| e.prevent.len());
        }
        // Reach is written for every effect and year; success of a turn
        // effect is summed over profile years, so it starts from zero.
        fit(&mut out.reached, k * h);
        out.succeeded.clear();
        out.succeeded.resize(k * h, 0.0);
    }

    /// Runs the cohorts over the horizon under `effects` (model.md §3 order
    /// within a year: (1) inflow and prevention, (2) turning, then success
    /// cases enter, (3) booking, (4) feeds, (5) ageing), writing costs (SEK,
    /// nominal), the case ledger and per-effect reach into `out`.
    ///
    /// Allocation-free when `out` is reused with effects of the same shape;
    /// its previous contents are overwritten. Call
    /// [`CohortModel::check_effects`] once per shape of `effects` first: this
    /// function reads missing years as defaults rather than failing.
    pub fn simulate(&self, effects: &Effects, out: &mut Outcome) {
        self.run::<true>(effects, out);
    }

    /// [`CohortModel::simulate`] without the case ledger: the same costs,
    /// reach and successes, bit for bit, but [`Outcome::has_ledger`] is
    /// false afterwards. For callers that read none of the ledger, such as
    /// the composed model's samples: writing it, and summing the cases
    /// present after ageing for it, is ≈ 3 % of a Södertälje run
    /// (docs/performance.md).
    pub fn simulate_costs(&self, effects: &Effects, out: &mut Outcome) {
        self.run::<false>(effects, out);
    }

    /// The cohort run of [`CohortModel::simulate`], with or without the
    /// ledger. Without it, the values only the ledger records (and the sum
    /// of the cases present after ageing) are not computed at all: the
    /// constant lets the compiler drop them.
    fn run<const LEDGER: bool>(&self, effects: &Effects, out: &mut Outcome) {
        // Every floating-point operation that reaches an output is the same,
        // in the same order, as in the straightforward version kept in
        // `reference.rs` (the tests compare them bit for bit); only passes
        // are fused and loop-invariant work is hoisted.
        self.prepare(effects, out, LEDGER);
        let h = self.horizon as usize;
        let n_a = self.n_actors;
        let n_g = self.groups.len();
        // Working buffers live in the outcome so repeated calls allocate nothing.
        let mut buf = std::mem::take(&mut out.work);
        buf.reset(self.offsets[n_g], n_g);
        let outcome::Work {
            state,
            fed_next,
            fed_now,
            success_in,
            shares,
            occupied,
        } = &mut buf;
        for (g, grp) in self.groups.iter().enumerate() {
            state[self.offsets[g] + grp.stock_year as usize - 1] = grp.stock;
            occupied[g] = grp.stock_year as usize;
        }
        let none = GroupEffects::default();
        for t in 1..=h {
            std::mem::swap(fed_now, fed_next);
            fed_next.iter_mut().for_each(|x| *x = 0.0);
            success_in.iter_mut().for_each(|x| *x = 0.0);
            // (1) inflow and prevention, (2) turning — every group.
            for (g, grp) in self.groups.iter().enumerate() {
                let ge = effects.groups.get(g).unwrap_or(&none);
                let n = &mut state[self.offsets[g]..self.offsets[g + 1]];
                let factor = ge.inflow_factor.get(t - 1).copied().unwrap_or(1.0);
                let exo = grp.inflow[t - 1] * factor;
                let total_in = exo + fed_now[g];
                // As 1 − Π(1 − q) over no effects: total_in · (1 − 1).
                let mut prevented = total_in * 0.0;
                if !ge.prevent.is_empty() {
                    shares.clear();
                    shares.extend(ge.prevent.iter().map(|p| year_share(&p.share, t)));
                    let mut keep = 1.0;
                    let mut q_sum = 0.0;
                    for &q in shares.iter() {
                        keep *= 1.0 - q;
                        q_sum += q;
                    }
                    prevented = total_in * (1.0 - keep);
                    for (k, (p, &q)) in ge.prevent.iter().zip(shares.iter()).enumerate() {
                        let idx = (out.prevent_offset[g] + k) * h + t - 1;
                        out.reached[idx] = total_in;
                        let s = if q_sum > 0.0 {
                            prevented * q / q_sum
                        } else {
                            0.0
                        };
                        out.succeeded[idx] = s;
                        if let Some(to) = p.success_group
                            && to < n_g
                        {
                            success_in[to] += s * p.success_share;
                        }
                    }
                }
                n[0] += total_in - prevented;
                let mut turned_total = 0.0;
                if !ge.turn.is_empty() {
                    shares.clear();
                    shares.extend(ge.turn.iter().map(|e| year_share(&e.share, t)));
                    for (k, e) in ge.turn.iter().enumerate() {
                        let (lo, hi) = (
                            e.window.0.max(1) as usize,
                            (e.window.1 as usize).min(n.len()),
                        );
                        let eligible: f64 = if lo <= hi {
                            n[lo - 1..hi].iter().sum()
                        } else {
                            0.0
                        };
                        out.reached[(out.turn_offset[g] + k) * h + t - 1] = eligible;
                    }
                    turned_total = turn(
                        n,
                        &ge.turn,
                        shares,
                        &mut out.succeeded[out.turn_offset[g] * h + t - 1..],
                        h,
                        success_in,
                    );
                    // Turning leaves a +0.0 year +0.0 unless its keep
                    // factor is not finite, and that makes the total
                    // non-finite too.
                    if !turned_total.is_finite() {
                        occupied[g] = n.len();
                    }
                }
                if LEDGER {
                    let l = &mut out.ledger[g * h + t - 1];
                    l.inflow = exo;
                    l.fed_in = fed_now[g];
                    l.prevented = prevented;
                    l.turned = turned_total;
                }
            }
            // Success cases enter at profile year 1; then (3) booking, (4) feeds, (5) ageing.
            for (g, grp) in self.groups.iter().enumerate() {
                let data = self.profiles[grp.profile].data();
                let scale = self.scales[grp.profile];
                let n = &mut state[self.offsets[g]..self.offsets[g + 1]];
                n[0] += success_in[g];
                let cost = &mut out.cost[(g * h + t - 1) * n_a..(g * h + t) * n_a];
                let mut fed_out = 0.0;
                // A group without feeds ages unscaled, so booking and ageing
                // can share one pass (their sums are independent chains).
                // That pass stops one year past the profile years the group
                // may occupy: the years after them are +0.0 and would book
                // nothing, add +0.0 to a sum that is never −0.0, and move
                // +0.0 onto +0.0 (a cohort fills its profile one year per
                // year of the horizon: up to ≈ 38 % of the years a
                // Södertälje run would book are skipped).
                debug_assert!(
                    n[occupied[g].min(n.len())..]
                        .iter()
                        .all(|x| x.to_bits() == 0)
                );
                let fused = if grp.feeds.is_empty() && data.len() >= n.len() * n_a {
                    let upto = (occupied[g] + 1).min(n.len());
                    occupied[g] = upto;
                    book_and_age(&mut n[..upto], data, scale, cost)
                } else {
                    None
                };
                let (aged_out, present_after) = match fused {
                    Some(done) => done,
                    None => {
                        let present = book(n, data, scale, cost);
                        for f in &grp.feeds {
                            let moved = present * f.share;
                            fed_next[f.to] += moved;
                            fed_out += moved;
                        }
                        // Scaling by a keep factor can turn +0.0 into
                        // −0.0 or NaN: past feeds every year counts as occupied.
                        occupied[g] = n.len();
                        if fed_out > 0.0 && present > 0.0 {
                            age(n, Some(1.0 - fed_out / present))
                        } else {
                            age(n, None)
                        }
                    }
                };
                if LEDGER {
                    let l = &mut out.ledger[g * h + t - 1];
                    l.success_in = success_in[g];
                    l.fed_out = fed_out;
                    l.aged_out = aged_out;
                    l.present = present_after;
                }
            }
        }
        out.work = buf;
    }
}

/// Makes `v` exactly `len` long; what it held is left for the caller to
/// overwrite.
fn fit<T: Copy + Default>(v: &mut Vec<T>, len: usize) {
    if v.len() != len {
        v.clear();
        v.resize(len, T::default());
    }
}

/// q(t) of an effect: a missing year is 0; clamped to 0–1.
#[inline]
fn year_share(share: &[f64], t: usize) -> f64 {
    share.get(t - 1).copied().unwrap_or(0.0).clamp(0.0, 1.0)
}

/// Turning (step 2) of one group in one year: removes from each profile year
/// j the share 1 − Π(1 − q_k) over the effects whose window holds j, splits
/// it among them by q_k into `succeeded[k · horizon]` and their success
/// groups, and returns the total removed.
///
/// The windows cut the profile into runs of years under the same set of
/// effects; their combined keep factor and q sum are computed once per run,
/// with the same operations in the same order as per year, and runs under
/// no effect (or only q = 0) are skipped, as the per-year loop skipped them.
/// Years are still visited in increasing order and effects in their order,
/// so every sum accumulates in the same order as before.
fn turn(
    n: &mut [f64],
    turn: &[TurnEffect],
    shares: &[f64],
    succeeded: &mut [f64],
    h: usize,
    success_in: &mut [f64],
) -> f64 {
    let len = n.len();
    let active =
        |e: &TurnEffect, j: usize| (e.window.0 as usize..=e.window.1 as usize).contains(&j);
    let mut turned_total = 0.0;
    let mut start = 1;
    while start <= len {
        // The run [start, end] lies inside or outside every window.
        let mut end = len;
        let (mut keep, mut q_sum) = (1.0, 0.0);
        for (e, &q) in turn.iter().zip(shares) {
            let (lo, hi) = (e.window.0 as usize, e.window.1 as usize);
            if active(e, start) {
                keep *= 1.0 - q;
                q_sum += q;
                end = end.min(hi);
            } else if lo > start {
                end = end.min(lo - 1);
            }
        }
        if q_sum == 0.0 {
            start = end + 1;
            continue;
        }
        for x in &mut n[start - 1..end] {
            let removed = *x * (1.0 - keep);
            *x -= removed;
            turned_total += removed;
            for (k, (e, &q)) in turn.iter().zip(shares).enumerate() {
                if active(e, start) {
                    let s = removed * q / q_sum;
                    succeeded[k * h] += s;
                    if let Some(to) = e.success_group
                        && let Some(si) = success_in.get_mut(to)
                    {
                        *si += s * e.success_share;
                    }
                }
            }
        }
        start = end + 1;
    }
    turned_total
}

/// Booking (step 3): writes `cost[a]` = Σ_j n_j · scale · profile(j, a)
/// (years with no cases skipped, summed in increasing j from 0, as the row
/// of a fresh outcome was) and returns the cases present, Σ_j n_j in
/// increasing j from −0.0 like `Iterator::sum`.
fn book(n: &[f64], data: &[f64], scale: f64, cost: &mut [f64]) -> f64 {
    macro_rules! fixed {
        ($($a:literal)*) => {
            match cost.len() {
                $($a => return book_fixed::<$a>(n, data, scale, cost),)*
                _ => {}
            }
        };
    }
    fixed!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    let n_a = cost.len();
    cost.iter_mut().for_each(|c| *c = 0.0);
    let mut present = -0.0;
    if n_a == 0 {
        return n.iter().sum();
    }
    for (&cases, row) in n.iter().zip(data.chunks_exact(n_a)) {
        if cases != 0.0 {
            let cases = cases * scale;
            for (c, p) in cost.iter_mut().zip(row) {
                *c += cases * p;
            }
        }
        present += cases;
    }
    present
}

/// [`book`] for `A` actors, accumulating in registers.
#[inline]
fn book_fixed<const A: usize>(n: &[f64], data: &[f64], scale: f64, cost: &mut [f64]) -> f64 {
    let (rows, _) = data.as_chunks::<A>();
    let mut acc = [0.0; A];
    let mut present = -0.0;
    for (&cases, row) in n.iter().zip(rows) {
        if cases != 0.0 {
            let cases = cases * scale;
            for (c, p) in acc.iter_mut().zip(row) {
                *c += cases * p;
            }
        }
        present += cases;
    }
    cost.copy_from_slice(&acc);
    present
}

/// [`book`] then [`age`] without scaling (a group with no feeds), in one
/// pass over the profile years: returns (aged out, present after ageing),
/// each bit for bit what the two functions return, or `None` (nothing
/// done) where only the separate functions apply (more than 16 actors, or
/// a profile table that does not cover the group's years).
///
/// The booking's sums and the ageing's sum are independent chains of
/// additions; in one loop the processor runs them side by side instead of
/// one pass after the other. The cases present before ageing, which only
/// the feeds need, are not summed. The sum after ageing adds, in increasing
/// profile year, the value each year receives: +0.0 for year 1, which
/// leaves the +0.0 start of [`age`]'s sum unchanged, then n_1, n_2, ….
fn book_and_age(n: &mut [f64], data: &[f64], scale: f64, cost: &mut [f64]) -> Option<(f64, f64)> {
    macro_rules! fixed {
        ($($a:literal)*) => {
            match cost.len() {
                $($a => book_and_age_fixed::<$a>(n, data, scale, cost),)*
                _ => None,
            }
        };
    }
    fixed!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

/// [`book_and_age`] for `A` actors, accumulating in registers.
#[inline]
fn book_and_age_fixed<const A: usize>(
    n: &mut [f64],
    data: &[f64],
    scale: f64,
    cost: &mut [f64],
) -> Option<(f64, f64)> {
    let (rows, _) = data.as_chunks::<A>();
    if rows.len() < n.len() {
        return None;
    }
    let mut acc = [0.0; A];
    let mut after = 0.0;
    let mut carry = 0.0;
    for (x, row) in n.iter_mut().zip(rows) {
        let cases = *x;
        if cases != 0.0 {
            let cases = cases * scale;
            for (c, p) in acc.iter_mut().zip(row) {
                *c += cases * p;
            }
        }
        *x = carry;
        after += carry;
        carry = cases;
    }
    cost.copy_from_slice(&acc);
    Some((carry, after))
}

/// Feeds' scaling (step 4, by `keep` if any) and ageing (step 5) in one
/// pass: every profile year moves up one after being scaled, profile year 1
/// becomes empty. Returns the cases aged out (the scaled last year) and the
/// cases present after ageing, summed in increasing profile year from −0.0
/// like `Iterator::sum` (−0.0 + 0.0 for the empty year 1 is +0.0).
#[inline]
fn age(n: &mut [f64], keep: Option<f64>) -> (f64, f64) {
    let mut present = 0.0;
    let Some((first, rest)) = n.split_first_mut() else {
        return (0.0, present);
    };
    let mut carry = *first;
    *first = 0.0;
    match keep {
        Some(keep) => {
            carry *= keep;
            for x in rest {
                let next = *x * keep;
                *x = carry;
                present += carry;
                carry = next;
            }
        }
        None => {
            for x in rest {
                let next = *x;
                *x = carry;
                present += carry;
                carry = next;
            }
        }
    }
    (carry, present)
}

/// Checks one per-year vector of an effect; the error text says what is wrong.
fn check_years(
    v: &[f64],
    horizon: usize,
    allow_empty: bool,
    ok: fn(f64) -> bool,
    valid: &str,
) -> Result<(), String> {
    if v.len() != horizon && !(allow_empty && v.is_empty()) {
        return Err(format!(
            "{} values given, expected {horizon} (one per year)",
            v.len()
        ));
    }
    match v.iter().enumerate().find(|(_, x)| !ok(**x)) {
        Some((i, x)) => Err(format!(
            "the value for year {} is {x}; it must be {valid}",
            i + 1
        )),
        None => Ok(()),
    }
}

/// A feed cycle as the names `a, b, a`, if the groups' feeds contain one.
fn find_cycle(groups: &[Group]) -> Option<Vec<String>> {
    // 0 = unvisited, 1 = on the current path, 2 = done.
    fn visit(
        g: usize,
        groups: &[Group],
        mark: &mut [u8],
        path: &mut Vec<usize>,
    ) -> Option<Vec<String>> {
        mark[g] = 1;
        path.push(g);
        for f in &groups[g].feeds {
            if mark[f.to] == 1 {
                let start = path.iter().position(|&p| p == f.to).unwrap_or(0);
                let mut names: Vec<String> = path[start..]
                    .iter()
                    .map(|&p| groups[p].name.clone())
                    .collect();
                names.push(groups[f.to].name.clone());
                return Some(names);
            }
            if mark[f.to] == 0
                && let Some(c) = visit(f.to, groups, mark, path)
            {
                return Some(c);
            }
        }
        path.pop();
        mark[g] = 2;
        None
    }
    let mut mark = vec![0u8; groups.len()];
    for g in 0..groups.len() {
        if mark[g] == 0
            && let Some(c) = visit(g, groups, &mut mark, &mut Vec::new())
        {
            return Some(c);
        }
    }
    None
}

#[cfg(test)]
mod reference;
#[cfg(test)]
mod tests;
