//! The accounts of one mix in one sample (model.md §6): avoided cost,
//! investment, net, NPV, payback, BCR and area effects, written into the
//! engine's output record.

use palett_montecarlo::SampleRecord;
use palett_synergy::Trajectory;

use super::plan::MixSlots;
use crate::config::EffectClass;
use crate::scenario::Scenario;

/// Realised area values of one trajectory: per year and actor, and per year
/// and class (direct, indirect, business).
#[derive(Debug, Clone, Default)]
pub struct AreaValues {
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

impl AreaValues {
    /// n · V · x_track(t) for every area effect of `s` (model.md §5, area effects).
    pub fn fill(&mut self, s: &Scenario, traj: &Trajectory, inputs: &[f64]) {
        let h = s.horizon as usize;
        let n = s.actors.len();
        self.by_actor.clear();
        self.by_actor.resize(h * n, 0.0);
        self.by_class.clear();
        self.by_class.resize(h, [0.0; 3]);
        for area in &s.areas {
            let apartments = area.apartments.get(inputs);
            for e in &area.effects {
                let per_year = apartments * e.value.get(inputs);
                for t in 1..=h {
                    let val = per_year * traj.x(t as u32)[e.track.index()];
                    self.by_actor[(t - 1) * n + e.beneficiary.0] += val;
                    self.by_class[t - 1][class_index(e.class)] += val;
                }
            }
        }
    }
}

/// Reused per-thread buffers of [`baseline`] and [`write`]. The per-year
/// rows are key-major (`[key][t]`, keys = actors then total), so each key's
/// pass over the years and its series copies read contiguous memory.
#[derive(Debug, Clone, Default)]
pub struct Buffers {
    avoided: Vec<f64>,
    invest: Vec<f64>,
    base: Vec<f64>,
    cum: Vec<f64>,
    /// Per key, the PV of the baseline cost: the same for every mix, so
    /// summed once per sample by [`baseline`].
    base_pv: Vec<f64>,
}

/// First year ≥ `from` (0-based index) in which the cumulative discounted
/// net is ≥ 0, as a 1-based year.
fn payback(cum: &[f64], from: Option<usize>) -> Option<f64> {
    let from = from?;
    (from..cum.len())
        .find(|&t| cum[t] >= 0.0)
        .map(|t| (t + 1) as f64)
}

/// Everything one mix's accounts need, for [`write`].
pub struct MixAccounts<'a> {
    /// The mix's output slots.
    pub slots: &'a MixSlots,
    /// d(t), index 0 = year 1.
    pub d: &'a [f64],
    /// Baseline cost `[t][a]`, SEK.
    pub base_cost: &'a [f64],
    /// Cost with the mix `[t][a]`, SEK.
    pub mix_cost: &'a [f64],
    /// Investment `[t][a]`, SEK.
    pub invest: &'a [f64],
    /// Area values without the mix.
    pub base_area: &'a AreaValues,
    /// Area values with the mix.
    pub mix_area: &'a AreaValues,
}

/// The baseline's share of the accounts, the same under every mix: per key
/// (actors, then total) the cumulative PV of the baseline cost — written as
/// the `cum_baseline_pv` series, which do-nothing's `slots` track for all
/// mixes — and its PV over the horizon, kept in `buf` for [`write`]. Call
/// once per sample, before `write`.
pub fn baseline(
    s: &Scenario,
    slots: &MixSlots,
    d: &[f64],
    base_cost: &[f64],
    buf: &mut Buffers,
    out: &mut SampleRecord,
) {
    let h = s.horizon as usize;
    let n = s.actors.len();
    let k = n + 1;
    buf.base.clear();
    buf.base.resize(h * k, 0.0);
    for t in 0..h {
        for a in 0..n {
            let c = base_cost[t * n + a];
            buf.base[a * h + t] = c;
            buf.base[n * h + t] += c;
        }
    }
    buf.base_pv.clear();
    for key in 0..k {
        let row = &buf.base[key * h..(key + 1) * h];
        let mut pv = 0.0;
        match slots.series[1][key] {
            Some(j) => {
                for ((v, c), df) in out.series_mut(j).iter_mut().zip(row).zip(d) {
                    pv += c * df;
                    *v = pv;
                }
            }
            None => {
                for (c, df) in row.iter().zip(d) {
                    pv += c * df;
                }
            }
        }
        buf.base_pv.push(pv);
    }
}

/// Books one mix: avoided = baseline − with mix + (area with − area without),
/// net = avoided − investment, per actor and in total. [`baseline`] must
/// have run for this sample.
pub fn write(s: &Scenario, m: &MixAccounts, buf: &mut Buffers, out: &mut SampleRecord) {
    let h = s.horizon as usize;
    let n = s.actors.len();
    let k = n + 1;
    let slots = m.slots;
    for v in [&mut buf.avoided, &mut buf.invest] {
        v.clear();
        v.resize(h * k, 0.0);
    }
    buf.cum.clear();
    buf.cum.resize(h, 0.0);
    for t in 0..h {
        for a in 0..n {
            let i = t * n + a;
            let av =
                m.base_cost[i] - m.mix_cost[i] + (m.mix_area.by_actor[i] - m.base_area.by_actor[i]);
            buf.avoided[a * h + t] = av;
            buf.invest[a * h + t] = m.invest[i];
            buf.avoided[n * h + t] += av;
            buf.invest[n * h + t] += m.invest[i];
        }
    }
    let mut pv_total = [0.0f64; 3];
    let mut npv_total = 0.0;
    for key in 0..k {
        let avoided = &buf.avoided[key * h..(key + 1) * h];
        let invest = &buf.invest[key * h..(key + 1) * h];
        let mut cum_net = 0.0;
        let (mut pv_inv, mut pv_av) = (0.0, 0.0);
        for (((c, &av), &inv), &df) in buf.cum.iter_mut().zip(avoided).zip(invest).zip(m.d) {
            cum_net += (av - inv) * df;
            *c = cum_net;
            pv_inv += inv * df;
            pv_av += av * df;
        }
        let first_invest = invest.iter().position(|&v| v > 0.0);
        if let Some(j) = slots.series[0][key] {
            out.series_mut(j).copy_from_slice(&buf.cum);
        }
        if let Some(j) = slots.series[2][key] {
            out.series_mut(j).copy_from_slice(invest);
        }
        if let Some(j) = slots.series[3][key] {
            out.series_mut(j).copy_from_slice(avoided);
        }
        let pv_base = buf.base_pv[key];
        out.set_scalar(slots.pv[0][key], Some(pv_base));
        out.set_scalar(slots.pv[1][key], Some(pv_inv));
        out.set_scalar(slots.pv[2][key], Some(pv_av));
        let pb = payback(&buf.cum, first_invest);
        if key < n {
            out.set_scalar(slots.npv_by_actor[key], Some(cum_net));
            out.set_scalar(slots.payback_by_actor[key], pb);
            let budget = (s.budget_period as usize).min(h);
            let recovered = if first_invest.is_some() {
                pb.is_some_and(|y| y <= budget as f64)
            } else {
                buf.cum[budget - 1] >= 0.0
            };
            out.set_scalar(
                slots.within_budget[key],
                Some(if recovered { 1.0 } else { 0.0 }),
            );
        } else {
            npv_total = cum_net;
            pv_total = [pv_base, pv_inv, pv_av];
            out.set_scalar(slots.payback, pb);
        }
    }
    out.set_scalar(slots.npv, Some(npv_total));
    out.set_scalar(
        slots.bcr,
        if pv_total[1] > 0.0 {
            Some(pv_total[2] / pv_total[1])
        } else {
            None
        },
    );
    for (c, series) in slots.area_series.iter().enumerate() {
        if let Some(j) = *series {
            let ser = out.series_mut(j);
            for (t, (a, b)) in m
                .mix_area
                .by_class
                .iter()
                .zip(&m.base_area.by_class)
                .enumerate()
            {
                ser[t] = if c < 3 {
                    a[c] - b[c]
                } else {
                    (0..3).map(|q| a[q] - b[q]).fold(0.0, |x, y| x + y)
                };
            }
        }
    }
    for c in 0..3 {
        let v: f64 = (0..h)
            .map(|t| (m.mix_area.by_class[t][c] - m.base_area.by_class[t][c]) * m.d[t])
            .fold(0.0, |a, b| a + b);
        out.set_scalar(slots.area_pv[c], Some(v));
    }
}
