//! Where the analysis finds its values in the engine's output cells: each
//! mix's NPV per key, and the yearly flows that give the NPV at any
//! discount rate.

use palett_montecarlo::{Block, OutputLayout};

use crate::layout::Plan;
use crate::metric::{Measure, Quantity};

/// The cells the analysis reads, by mix (do-nothing first) and key (actors,
/// then total).
#[derive(Debug, Clone)]
pub(crate) struct Targets {
    pub mixes: usize,
    pub keys: usize,
    pub horizon: usize,
    /// `[mix · keys + key]`: the NPV cell.
    npv: Vec<usize>,
    /// `[mix · keys + key]`: the first cell of the yearly investment and
    /// avoided-cost series (`None` where the series is 0 by definition).
    flows: Vec<(Option<usize>, Option<usize>)>,
}

impl Targets {
    pub fn new(plan: &Plan, horizon: usize) -> Targets {
        let layout: &OutputLayout = &plan.layout;
        let mut series_start = Vec::with_capacity(layout.series.len());
        let mut at = layout.scalars.len();
        for s in &layout.series {
            series_start.push(at);
            at += s.len;
        }
        let keys = plan.mixes[0].scalar(Quantity::Npv).len();
        let mut npv = Vec::new();
        let mut flows = Vec::new();
        for m in &plan.mixes {
            npv.extend(m.scalar(Quantity::Npv).iter().map(|s| s.index()));
            let inv = m.series(Measure::Investment);
            let avd = m.series(Measure::Avoided);
            for k in 0..keys {
                let start =
                    |s: Option<crate::layout::SeriesSlot>| s.map(|s| series_start[s.index()]);
                flows.push((start(inv[k]), start(avd[k])));
            }
        }
        Targets {
            mixes: plan.mixes.len(),
            keys,
            horizon,
            npv,
            flows,
        }
    }

    /// Values per sample the analysis works on: every mix's NPV per key,
    /// then every mix's total NPV minus its runner-up's.
    pub fn width(&self) -> usize {
        self.mixes * self.keys + self.mixes
    }

    /// Index in a row of mix `m`'s NPV for key `k`.
    pub fn npv_at(&self, m: usize, k: usize) -> usize {
        m * self.keys + k
    }

    /// Index in a row of mix `m`'s lead over its runner-up.
    pub fn lead_at(&self, m: usize) -> usize {
        self.mixes * self.keys + m
    }

    /// The block's values, row-major (`rows[s · width + i]`), using `col`
    /// (block length) as scratch.
    pub fn rows(&self, block: &Block<'_>, rows: &mut Vec<f64>, col: &mut Vec<f64>) {
        let n = block.len();
        let w = self.width();
        rows.clear();
        rows.resize(n * w, 0.0);
        col.resize(n, 0.0);
        for (i, &cell) in self.npv.iter().enumerate() {
            block.output_into(cell, col);
            for (s, &v) in col[..n].iter().enumerate() {
                rows[s * w + i] = v;
            }
        }
        for row in rows.chunks_exact_mut(w) {
            self.fill_leads(row);
        }
    }

    /// Each mix's total NPV minus the best other mix's, from the row's NPVs.
    fn fill_leads(&self, row: &mut [f64]) {
        let total = self.keys - 1;
        for m in 0..self.mixes {
            let mine = row[self.npv_at(m, total)];
            let rival = (0..self.mixes)
                .filter(|&o| o != m)
                .map(|o| row[self.npv_at(o, total)])
                .fold(f64::NEG_INFINITY, f64::max);
            row[self.lead_at(m)] = if self.mixes > 1 { mine - rival } else { mine };
        }
    }

    /// Writes to `npv[r · n + s]` (n = block length) the NPV at each rate
    /// `factors[r]` (discount factor per year) of mix `m`'s net flow for
    /// key `k`, using `scratch` (net flow, column) as working memory.
    pub fn npv_at_rates(
        &self,
        block: &Block<'_>,
        (m, k): (usize, usize),
        factors: &[Vec<f64>],
        npv: &mut [f64],
        (net, col): &mut (Vec<f64>, Vec<f64>),
    ) {
        let n = block.len();
        npv.fill(0.0);
        let (inv, avd) = self.flows[m * self.keys + k];
        if inv.is_none() && avd.is_none() {
            return;
        }
        net.resize(n, 0.0);
        col.resize(n, 0.0);
        for t in 0..self.horizon {
            net[..n].fill(0.0);
            if let Some(a) = avd {
                block.output_into(a + t, col);
                for (x, &v) in net.iter_mut().zip(&col[..n]) {
                    *x += v;
                }
            }
            if let Some(i) = inv {
                block.output_into(i + t, col);
                for (x, &v) in net.iter_mut().zip(&col[..n]) {
                    *x -= v;
                }
            }
            for (r, f) in factors.iter().enumerate() {
                let d = f[t];
                for (y, &x) in npv[r * n..(r + 1) * n].iter_mut().zip(&net[..n]) {
                    *y += x * d;
                }
            }
        }
    }
}
