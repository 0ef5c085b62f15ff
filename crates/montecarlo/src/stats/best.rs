//! P(best): the share of samples in which each alternative has the highest
//! value, ties split evenly (model.md §6–7).

/// Win shares of one contest between alternatives.
#[derive(Debug, Clone, PartialEq)]
pub struct BestCounter {
    wins: Vec<f64>,
    samples: u64,
}

impl BestCounter {
    /// A contest between `members` alternatives.
    pub fn new(members: usize) -> Self {
        Self {
            wins: vec![0.0; members],
            samples: 0,
        }
    }

    /// Record one sample's values, one per member in member order. An
    /// undefined value (NaN) cannot win; when every value is undefined no
    /// one wins that sample, but it still counts in the denominator.
    pub fn record(&mut self, values: &[f64]) {
        self.samples += 1;
        let mut best = f64::NEG_INFINITY;
        let mut ties = 0usize;
        for &v in values {
            if v > best {
                best = v;
                ties = 1;
            } else if v == best {
                ties += 1;
            }
        }
        if ties == 0 {
            return;
        }
        // Equal values are exact ties: a share of 1/k each, where 1/2, 1/4 …
        // are exact in binary, so identical alternatives get exactly 0.5.
        let share = 1.0 / ties as f64;
        for (w, &v) in self.wins.iter_mut().zip(values) {
            if v == best {
                *w += share;
            }
        }
    }

    /// Adds another counter's wins and samples (the same members) to this
    /// one's.
    pub fn merge(&mut self, other: &BestCounter) {
        self.samples += other.samples;
        for (a, b) in self.wins.iter_mut().zip(&other.wins) {
            *a += b;
        }
    }

    /// Number of samples recorded.
    pub fn samples(&self) -> u64 {
        self.samples
    }

    /// P(best) per member; zeros before any sample.
    pub fn shares(&self) -> Vec<f64> {
        if self.samples == 0 {
            return vec![0.0; self.wins.len()];
        }
        self.wins.iter().map(|w| w / self.samples as f64).collect()
    }
}

impl crate::codec::Codec for BestCounter {
    fn encode(&self, e: &mut crate::codec::Encoder) {
        e.u64(self.samples);
        e.f64s(&self.wins);
    }

    fn decode(d: &mut crate::codec::Decoder<'_>) -> Result<Self, crate::codec::CodecError> {
        Ok(BestCounter {
            samples: d.u64()?,
            wins: d.f64s()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_split_evenly() {
        let mut c = BestCounter::new(3);
        c.record(&[1.0, 1.0, 0.0]);
        c.record(&[2.0, 3.0, 3.0]);
        c.record(&[f64::NAN, f64::NAN, 5.0]);
        c.record(&[f64::NAN, f64::NAN, f64::NAN]);
        assert_eq!(c.shares(), vec![0.5 / 4.0, 1.0 / 4.0, 1.5 / 4.0]);
    }
}
