//! Mean, variance and standard error, streaming and mergeable (Welford's
//! update and Chan et al.'s pairwise merge) — model.md §7, "Summaries".

/// Number of interleaved partial sums in [`Welford::from_slice`].
const LANES: usize = 8;

/// Σ f(x) over `xs` in [`LANES`] partial sums (lane i takes every
/// LANES-th value from i; the tail goes to the first lanes), combined
/// pairwise in a fixed order.
#[inline]
fn lane_sum(xs: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let mut acc = [0.0f64; LANES];
    let chunks = xs.chunks_exact(LANES);
    let tail = chunks.remainder();
    for c in chunks {
        for (a, &x) in acc.iter_mut().zip(c) {
            *a += f(x);
        }
    }
    for (a, &x) in acc.iter_mut().zip(tail) {
        *a += f(x);
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
}

/// Running count, mean and sum of squared deviations of a stream of values.
///
/// Merging is exact in real arithmetic but not associative in floating
/// point, so callers that need bit-identical results must merge in a fixed
/// order (the engine merges batches in sample order).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Welford {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Welford {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one value.
    #[inline]
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// The summary of a batch, computed in two passes (more accurate than
    /// pushing one by one, and cheaper).
    ///
    /// Each pass sums in eight interleaved partial sums combined in a
    /// fixed tree: a single running sum is one dependent add per value
    /// (latency-bound), while independent lanes let the CPU add several
    /// values at once. The order is fixed, so the result is still a pure
    /// function of the batch, and pairwise-style summation is also a little
    /// more accurate.
    pub fn from_slice(xs: &[f64]) -> Self {
        if xs.is_empty() {
            return Self::new();
        }
        let n = xs.len() as f64;
        let mean = lane_sum(xs, |x| x) / n;
        let m2 = lane_sum(xs, |x| (x - mean) * (x - mean));
        Self {
            n: xs.len() as u64,
            mean,
            m2,
        }
    }

    /// Combine with the summary of another, disjoint set of values (Chan,
    /// Golub & LeVeque 1979).
    pub fn merge(&mut self, other: &Welford) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let n = self.n + other.n;
        let d = other.mean - self.mean;
        let w = other.n as f64 / n as f64;
        self.mean += d * w;
        self.m2 += other.m2 + d * d * self.n as f64 * w;
        self.n = n;
    }

    /// Number of values.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Mean, if any value was seen.
    pub fn mean(&self) -> Option<f64> {
        (self.n > 0).then_some(self.mean)
    }

    /// Sample standard deviation (divisor n − 1); needs n ≥ 2.
    pub fn sd(&self) -> Option<f64> {
        (self.n > 1).then(|| (self.m2.max(0.0) / (self.n - 1) as f64).sqrt())
    }

    /// Standard error of the mean, sd / √n; needs n ≥ 2.
    pub fn se(&self) -> Option<f64> {
        self.sd().map(|sd| sd / (self.n as f64).sqrt())
    }
}

impl crate::codec::Codec for Welford {
    fn encode(&self, e: &mut crate::codec::Encoder) {
        e.u64(self.n);
        e.f64(self.mean);
        e.f64(self.m2);
    }

    fn decode(d: &mut crate::codec::Decoder<'_>) -> Result<Self, crate::codec::CodecError> {
        Ok(Welford {
            n: d.u64()?,
            mean: d.f64()?,
            m2: d.f64()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_matches_single_pass() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 37) % 101) as f64 * 0.5 + 1e6)
            .collect();
        let mut one = Welford::new();
        xs.iter().for_each(|&x| one.push(x));
        let mut merged = Welford::new();
        for chunk in xs.chunks(77) {
            merged.merge(&Welford::from_slice(chunk));
        }
        let exact_mean = xs.iter().sum::<f64>() / 1000.0;
        let exact_var = xs.iter().map(|x| (x - exact_mean).powi(2)).sum::<f64>() / 999.0;
        for w in [one, merged] {
            assert!((w.mean().unwrap() - exact_mean).abs() < 1e-8);
            assert!((w.sd().unwrap().powi(2) - exact_var).abs() < 1e-8 * exact_var);
        }
        assert_eq!(Welford::new().sd(), None);
    }
}
