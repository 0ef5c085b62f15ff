//! The straightforward simulation the optimised [`CohortModel::simulate`]
//! replaced, kept as a test-only reference: the optimised code must give
//! bit-identical costs, ledger, reach and success.

use super::{CohortModel, Effects, GroupEffects, Outcome, outcome};

impl CohortModel {
    /// Runs the cohorts over the horizon under `effects` (model.md §3 order
    /// within a year: (1) inflow and prevention, (2) turning, then success
    /// cases enter, (3) booking, (4) feeds, (5) ageing), writing costs (SEK,
    /// nominal), the case ledger and per-effect reach into `out`.
    ///
    /// Costs are summed into each year's row, so they are zeroed first (the
    /// shared `prepare` leaves the cost buffer as it was, because the
    /// optimised simulation writes every row whole); every other output is
    /// written whole or zeroed by `prepare`, so a reused `out` gives the same
    /// result as a fresh one. Reads missing years of `effects` as defaults.
    pub(super) fn simulate_reference(&self, effects: &Effects, out: &mut Outcome) {
        self.prepare(effects, out, true);
        out.cost.iter_mut().for_each(|c| *c = 0.0);
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
            ..
        } = &mut buf;
        for (g, grp) in self.groups.iter().enumerate() {
            state[self.offsets[g] + grp.stock_year as usize - 1] = grp.stock;
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
                let mut keep = 1.0;
                let mut q_sum = 0.0;
                for p in &ge.prevent {
                    let q = p.share.get(t - 1).copied().unwrap_or(0.0).clamp(0.0, 1.0);
                    keep *= 1.0 - q;
                    q_sum += q;
                }
                let prevented = total_in * (1.0 - keep);
                for (k, p) in ge.prevent.iter().enumerate() {
                    let q = p.share.get(t - 1).copied().unwrap_or(0.0).clamp(0.0, 1.0);
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
                n[0] += total_in - prevented;
                let mut turned_total = 0.0;
                if !ge.turn.is_empty() {
                    shares.clear();
                    shares.extend(
                        ge.turn
                            .iter()
                            .map(|e| e.share.get(t - 1).copied().unwrap_or(0.0).clamp(0.0, 1.0)),
                    );
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
                    for j in 1..=n.len() {
                        let (mut keep, mut q_sum) = (1.0, 0.0);
                        for (e, &q) in ge.turn.iter().zip(shares.iter()) {
                            if (e.window.0 as usize..=e.window.1 as usize).contains(&j) {
                                keep *= 1.0 - q;
                                q_sum += q;
                            }
                        }
                        if q_sum == 0.0 {
                            continue;
                        }
                        let removed = n[j - 1] * (1.0 - keep);
                        n[j - 1] -= removed;
                        turned_total += removed;
                        for (k, (e, &q)) in ge.turn.iter().zip(shares.iter()).enumerate() {
                            if (e.window.0 as usize..=e.window.1 as usize).contains(&j) {
                                let s = removed * q / q_sum;
                                out.succeeded[(out.turn_offset[g] + k) * h + t - 1] += s;
                                if let Some(to) = e.success_group
                                    && to < n_g
                                {
                                    success_in[to] += s * e.success_share;
                                }
                            }
                        }
                    }
                }
                let l = &mut out.ledger[g * h + t - 1];
                l.inflow = exo;
                l.fed_in = fed_now[g];
                l.prevented = prevented;
                l.turned = turned_total;
            }
            // Success cases enter at profile year 1; then (3) booking, (4) feeds, (5) ageing.
            for (g, grp) in self.groups.iter().enumerate() {
                let profile = &self.profiles[grp.profile];
                let scale = self.scales[grp.profile];
                let n = &mut state[self.offsets[g]..self.offsets[g + 1]];
                n[0] += success_in[g];
                let cost = &mut out.cost[(g * h + t - 1) * n_a..(g * h + t) * n_a];
                // Actors innermost: one contiguous profile row per profile year.
                for (&cases, row) in n.iter().zip(profile.data().chunks_exact(n_a)) {
                    if cases != 0.0 {
                        let cases = cases * scale;
                        for (c, p) in cost.iter_mut().zip(row) {
                            *c += cases * p;
                        }
                    }
                }
                let present: f64 = n.iter().sum();
                let mut fed_out = 0.0;
                for f in &grp.feeds {
                    let moved = present * f.share;
                    fed_next[f.to] += moved;
                    fed_out += moved;
                }
                if fed_out > 0.0 && present > 0.0 {
                    let keep = 1.0 - fed_out / present;
                    n.iter_mut().for_each(|x| *x *= keep);
                }
                let aged_out = n[n.len() - 1];
                n.copy_within(0..n.len() - 1, 1);
                n[0] = 0.0;
                let l = &mut out.ledger[g * h + t - 1];
                l.success_in = success_in[g];
                l.fed_out = fed_out;
                l.aged_out = aged_out;
                l.present = n.iter().sum();
            }
        }
        out.work = buf;
    }
}
