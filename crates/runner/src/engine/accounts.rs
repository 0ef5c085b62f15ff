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

/// Reused per-thread buffers of [`write`].
#[derive(Debug, Clone, Default)]
pub struct Buffers {
    avoided: Vec<f64>,
    invest: Vec<f64>,
    base: Vec<f64>,
    cum: Vec<f64>,
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
    /// Whether this is the do-nothing mix (its zero series are not tracked).
    pub is_baseline: bool,
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

/// Books one mix: avoided = baseline − with mix + (area with − area without),
/// net = avoided − investment, per actor and in total.
pub fn write(s: &Scenario, m: &MixAccounts, buf: &mut Buffers, out: &mut SampleRecord) {
    let h = s.horizon as usize;
    let n = s.actors.len();
    let k = n + 1;
    let slots = m.slots;
    for v in [&mut buf.avoided, &mut buf.invest, &mut buf.base] {
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
            buf.avoided[t * k + a] = av;
            buf.invest[t * k + a] = m.invest[i];
            buf.base[t * k + a] = m.base_cost[i];
            buf.avoided[t * k + n] += av;
            buf.invest[t * k + n] += m.invest[i];
            buf.base[t * k + n] += m.base_cost[i];
        }
    }
    let mut pv_total = [0.0f64; 3];
    let mut npv_total = 0.0;
    for key in 0..k {
        let mut cum_net = 0.0;
        let (mut pv_base, mut pv_inv, mut pv_av) = (0.0, 0.0, 0.0);
        let mut first_invest: Option<usize> = None;
        for t in 0..h {
            let i = t * k + key;
            cum_net += (buf.avoided[i] - buf.invest[i]) * m.d[t];
            buf.cum[t] = cum_net;
            pv_base += buf.base[i] * m.d[t];
            pv_inv += buf.invest[i] * m.d[t];
            pv_av += buf.avoided[i] * m.d[t];
            if buf.invest[i] > 0.0 && first_invest.is_none() {
                first_invest = Some(t);
            }
        }
        if let Some(j) = slots.series[0][key] {
            out.series_mut(j).copy_from_slice(&buf.cum);
        }
        if m.is_baseline
            && let Some(j) = slots.series[1][key]
        {
            let mut acc = 0.0;
            for (t, v) in out.series_mut(j).iter_mut().enumerate() {
                acc += buf.base[t * k + key] * m.d[t];
                *v = acc;
            }
        }
        if let Some(j) = slots.series[2][key] {
            for (t, v) in out.series_mut(j).iter_mut().enumerate() {
                *v = buf.invest[t * k + key];
            }
        }
        if let Some(j) = slots.series[3][key] {
            for (t, v) in out.series_mut(j).iter_mut().enumerate() {
                *v = buf.avoided[t * k + key];
            }
        }
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
