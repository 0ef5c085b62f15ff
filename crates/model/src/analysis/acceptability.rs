//! Acceptability over the discount rate (docs/analysis.md): each sample's
//! NPV of every mix and key recomputed at a grid of rates from its yearly
//! flows, so one run answers for every rate.

use palett_montecarlo::Block;
use palett_montecarlo::stats::best::BestCounter;

use super::Acceptability;
use super::targets::Targets;

/// Discount factors d(t) = (1 + r)^-(t-1) for t = 1..H (model.md §1), per
/// rate.
pub(crate) fn factors(rates: &[f64], horizon: usize) -> Vec<Vec<f64>> {
    rates
        .iter()
        .map(|&r| (0..horizon).map(|t| (1.0 + r).powi(-(t as i32))).collect())
        .collect()
}

/// Streaming counts for the acceptability curves.
#[derive(Debug, Clone)]
pub(crate) struct Counts {
    /// `[rate · keys + key]`.
    cells: Vec<Cell>,
    samples: u64,
}

/// The counts of one rate and key.
#[derive(Debug, Clone)]
struct Cell {
    /// Wins per mix.
    best: BestCounter,
    /// Samples with NPV > 0, per mix.
    positive: Vec<u64>,
}

impl Counts {
    pub fn new(rates: usize, t: &Targets) -> Counts {
        Counts {
            cells: vec![
                Cell {
                    best: BestCounter::new(t.mixes),
                    positive: vec![0; t.mixes],
                };
                rates * t.keys
            ],
            samples: 0,
        }
    }

    /// Takes one block: `npv[(m · keys + k) · rates · n + r · n + s]` holds
    /// mix m's NPV for key k at rate r in the block's sample s.
    pub fn add(&mut self, t: &Targets, rates: usize, n: usize, npv: &[f64]) {
        use rayon::prelude::*;
        // Each (rate, key) cell takes the samples in order on its own, so
        // the split over threads cannot change a bit.
        self.cells.par_iter_mut().enumerate().for_each_init(
            || vec![0.0; t.mixes],
            |values, (i, cell)| {
                let (r, k) = (i / t.keys, i % t.keys);
                for s in 0..n {
                    for (m, v) in values.iter_mut().enumerate() {
                        *v = npv[((m * t.keys + k) * rates + r) * n + s];
                        cell.positive[m] += u64::from(*v > 0.0);
                    }
                    cell.best.record(values);
                }
            },
        );
        self.samples += n as u64;
    }

    pub fn merge(&mut self, other: &Counts) {
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            a.best.merge(&b.best);
            for (x, y) in a.positive.iter_mut().zip(&b.positive) {
                *x += y;
            }
        }
        self.samples += other.samples;
    }

    pub fn finish(&self, t: &Targets, rates: &[f64]) -> Acceptability {
        let n = self.samples.max(1) as f64;
        let cell = |r: usize, k: usize| &self.cells[r * t.keys + k];
        let p_best = (0..rates.len())
            .map(|r| (0..t.keys).map(|k| cell(r, k).best.shares()).collect())
            .collect();
        let p_positive = (0..rates.len())
            .map(|r| {
                (0..t.keys)
                    .map(|k| cell(r, k).positive.iter().map(|&c| c as f64 / n).collect())
                    .collect()
            })
            .collect();
        Acceptability {
            rates: rates.to_vec(),
            p_best,
            p_positive,
        }
    }
}

/// Every mix's NPV per key at every rate for one block, laid out as
/// [`Counts::add`] reads it.
pub(crate) fn block_npvs(t: &Targets, block: &Block<'_>, factors: &[Vec<f64>]) -> Vec<f64> {
    use rayon::prelude::*;
    let n = block.len();
    let rates = factors.len();
    let mut npv = vec![0.0; t.mixes * t.keys * rates * n];
    // Each (mix, key) is independent and its arithmetic fixed, so the split
    // over threads cannot change a bit.
    npv.par_chunks_mut(rates * n.max(1))
        .enumerate()
        .for_each_init(
            || (Vec::new(), Vec::new()),
            |scratch, (i, out)| {
                t.npv_at_rates(block, (i / t.keys, i % t.keys), factors, out, scratch);
            },
        );
    npv
}

impl palett_montecarlo::codec::Codec for Counts {
    fn encode(&self, e: &mut palett_montecarlo::codec::Encoder) {
        e.u64(self.samples);
        e.len_of(self.cells.len());
        for c in &self.cells {
            c.best.encode(e);
            e.u64s(&c.positive);
        }
    }

    fn decode(
        d: &mut palett_montecarlo::codec::Decoder<'_>,
    ) -> Result<Self, palett_montecarlo::codec::CodecError> {
        let samples = d.u64()?;
        let n = d.len_of(24)?;
        let cells = (0..n)
            .map(|_| {
                Ok(Cell {
                    best: BestCounter::decode(d)?,
                    positive: d.u64s()?,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Counts { cells, samples })
    }
}
