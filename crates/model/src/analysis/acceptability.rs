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

    /// Takes one block, one key at a time: every mix's NPV for that key
    /// at every rate is computed into `npv` and counted before the next
    /// key's, so that the block's NPVs are never all held at once (all keys
    /// together would be ≈ 4 MB for a Södertälje-sized block).
    pub fn add_block(&mut self, t: &Targets, block: &Block<'_>, factors: &[Vec<f64>]) {
        let mut npv = Vec::new();
        for k in 0..t.keys {
            key_npvs(t, block, k, factors, &mut npv);
            self.add_key(t, factors.len(), k, block.len(), &npv);
        }
        self.samples += block.len() as u64;
    }

    /// Counts key `k` of one block of `n` samples: `npv[(m · rates + r) ·
    /// n + s]` holds mix m's NPV at rate r in the block's sample s.
    fn add_key(&mut self, t: &Targets, rates: usize, k: usize, n: usize, npv: &[f64]) {
        use rayon::prelude::*;
        // Each (rate, key) cell takes the samples in order on its own, so
        // the split over threads cannot change a bit.
        self.cells
            .par_iter_mut()
            .skip(k)
            .step_by(t.keys)
            .enumerate()
            .for_each_init(
                || vec![0.0; t.mixes],
                |values, (r, cell)| {
                    for s in 0..n {
                        for (m, v) in values.iter_mut().enumerate() {
                            *v = npv[(m * rates + r) * n + s];
                            cell.positive[m] += u64::from(*v > 0.0);
                        }
                        cell.best.record(values);
                    }
                },
            );
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

/// Every mix's NPV for key `k` at every rate for one block, into `npv`
/// laid out as [`Counts::add_key`] reads it.
fn key_npvs(t: &Targets, block: &Block<'_>, k: usize, factors: &[Vec<f64>], npv: &mut Vec<f64>) {
    use rayon::prelude::*;
    let n = block.len();
    let rates = factors.len();
    npv.resize(t.mixes * rates * n, 0.0);
    // Each mix is independent and its arithmetic fixed, so the split over
    // threads cannot change a bit.
    npv.par_chunks_mut(rates * n.max(1))
        .enumerate()
        .for_each_init(
            || (Vec::new(), Vec::new()),
            |scratch, (m, out)| {
                t.npv_at_rates(block, (m, k), factors, out, scratch);
            },
        );
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
