//! The accounts of one mix in one sample (model.md §6): avoided cost,
//! investment, net, NPV, payback, benefit–cost ratio, recovery within the
//! budget period and area effects, per actor and in total, written into the
//! engine's output record.

use palett_montecarlo::SampleRecord;

use crate::area::AreaValues;
use crate::layout::MixSlots;
use crate::metric::{Measure, Quantity};

/// The shape every account of a scenario shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// H, years.
    pub horizon: usize,
    /// Number of actors.
    pub actors: usize,
    /// N, the budget period in years (1..=H).
    pub budget_period: usize,
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

/// Payback year (model.md §6): the first year at or after `from` (0-based
/// index of the first year with investment) in which the cumulative
/// discounted net is ≥ 0, as a 1-based year; `None` (never) without
/// investment or when it does not happen within the horizon.
fn payback(cum: &[f64], from: Option<usize>) -> Option<f64> {
    let from = from?;
    (from..cum.len())
        .find(|&t| cum[t] >= 0.0)
        .map(|t| (t + 1) as f64)
}

/// Everything one mix's accounts need, for [`write`]. Per-year arrays are
/// year-major (`[t * actors + a]`, index t = 0 for year 1), SEK.
pub struct MixAccounts<'a> {
    /// The mix's output slots.
    pub slots: &'a MixSlots,
    /// d(t), index 0 = year 1.
    pub d: &'a [f64],
    /// Baseline cost.
    pub base_cost: &'a [f64],
    /// Cost with the mix.
    pub mix_cost: &'a [f64],
    /// Investment.
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
    shape: Shape,
    slots: &MixSlots,
    d: &[f64],
    base_cost: &[f64],
    buf: &mut Buffers,
    out: &mut SampleRecord,
) {
    let h = shape.horizon;
    let n = shape.actors;
    buf.base.clear();
    buf.base.resize(h * (n + 1), 0.0);
    for t in 0..h {
        for a in 0..n {
            let c = base_cost[t * n + a];
            buf.base[a * h + t] = c;
            buf.base[n * h + t] += c;
        }
    }
    buf.base_pv.clear();
    let series = slots.series(Measure::CumBaselinePv);
    debug_assert_eq!(series.len(), n + 1);
    for (key, slot) in series.iter().enumerate() {
        let row = &buf.base[key * h..(key + 1) * h];
        let mut pv = 0.0;
        match *slot {
            Some(slot) => {
                for ((v, c), df) in slot.cells(out).iter_mut().zip(row).zip(d) {
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
/// net = avoided − investment, per actor and in total; NPV, PV of each
/// stream, payback, recovery within the budget period, BCR, and area
/// effects by class. [`baseline`] must have run for this sample.
pub fn write(shape: Shape, m: &MixAccounts, buf: &mut Buffers, out: &mut SampleRecord) {
    let h = shape.horizon;
    let n = shape.actors;
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
    let npv = slots.scalar(Quantity::Npv);
    let paybacks = slots.scalar(Quantity::PaybackYear);
    let recovers = slots.scalar(Quantity::RecoversInBudget);
    let first_gains = slots.scalar(Quantity::FirstGainYear);
    let invests = slots.scalar(Quantity::Invests);
    let pv_slots = [
        slots.scalar(Quantity::PvBaselineCost),
        slots.scalar(Quantity::PvInvestment),
        slots.scalar(Quantity::PvAvoided),
    ];
    let (cum_series, inv_series, av_series) = (
        slots.series(Measure::CumNetPv),
        slots.series(Measure::Investment),
        slots.series(Measure::Avoided),
    );
    let mut pv_total = [0.0f64; 3];
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
        if let Some(slot) = cum_series[key] {
            slot.cells(out).copy_from_slice(&buf.cum);
        }
        if let Some(slot) = inv_series[key] {
            slot.cells(out).copy_from_slice(invest);
        }
        if let Some(slot) = av_series[key] {
            slot.cells(out).copy_from_slice(avoided);
        }
        let pv_base = buf.base_pv[key];
        pv_slots[0][key].set(out, Some(pv_base));
        pv_slots[1][key].set(out, Some(pv_inv));
        pv_slots[2][key].set(out, Some(pv_av));
        let pb = payback(&buf.cum, first_invest);
        npv[key].set(out, Some(cum_net));
        paybacks[key].set(out, pb);
        // An actor that gains without investing reads "gains from year t".
        let first_gain = buf
            .cum
            .iter()
            .position(|&c| c > 0.0)
            .map(|t| (t + 1) as f64);
        first_gains[key].set(out, first_gain);
        if key < n {
            invests[key].set(out, Some(if first_invest.is_some() { 1.0 } else { 0.0 }));
            let budget = shape.budget_period.min(h);
            let recovered = if first_invest.is_some() {
                pb.is_some_and(|y| y <= budget as f64)
            } else {
                buf.cum[budget - 1] >= 0.0
            };
            recovers[key].set(out, Some(if recovered { 1.0 } else { 0.0 }));
        } else {
            pv_total = [pv_base, pv_inv, pv_av];
        }
    }
    slots.scalar(Quantity::Bcr)[0].set(
        out,
        if pv_total[1] > 0.0 {
            Some(pv_total[2] / pv_total[1])
        } else {
            None
        },
    );
    for (c, series) in slots.series(Measure::AreaEffects).iter().enumerate() {
        if let Some(slot) = *series {
            let ser = slot.cells(out);
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
    for (c, slot) in slots.scalar(Quantity::AreaEffectPv).iter().enumerate() {
        let v: f64 = (0..h)
            .map(|t| (m.mix_area.by_class[t][c] - m.base_area.by_class[t][c]) * m.d[t])
            .fold(0.0, |a, b| a + b);
        slot.set(out, Some(v));
    }
}

#[cfg(test)]
mod tests;
