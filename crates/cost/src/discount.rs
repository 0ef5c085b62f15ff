//! Discounting and present values (model.md §1): d(t) = (1 + r)^-(t-1),
//! year 1 undiscounted.

use crate::CostError;

/// A real discount rate per year (share, ≥ 0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Discounting {
    rate: f64,
}

impl Discounting {
    /// Validates `rate` (finite, ≥ 0).
    pub fn new(rate: f64) -> Result<Discounting, CostError> {
        if rate.is_finite() && rate >= 0.0 {
            Ok(Discounting { rate })
        } else {
            Err(CostError::InvalidRate(rate))
        }
    }

    /// No discounting (r = 0).
    pub fn zero() -> Discounting {
        Discounting { rate: 0.0 }
    }

    /// The rate, share per year.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// d(t) for year t ≥ 1: (1 + r)^-(t-1). Year 0 or less is treated as year 1.
    pub fn factor(&self, t: u32) -> f64 {
        (1.0 + self.rate).powi(-(t.max(1) as i32 - 1))
    }

    /// d(1), …, d(h); index 0 is year 1.
    pub fn factors(&self, h: u32) -> Vec<f64> {
        // Repeated division would accumulate rounding differently from powi;
        // powi per year keeps each factor exactly what `factor` returns.
        (1..=h).map(|t| self.factor(t)).collect()
    }
}

/// PV of a stream of annual amounts, `stream[0]` being year 1 (SEK).
pub fn present_value(stream: &[f64], d: &Discounting) -> f64 {
    stream
        .iter()
        .enumerate()
        .map(|(i, v)| v * d.factor(i as u32 + 1))
        .sum()
}

/// Cumulative PV at each year: element t−1 sums years 1..t.
pub fn cumulative_pv(stream: &[f64], d: &Discounting) -> Vec<f64> {
    let mut acc = 0.0;
    stream
        .iter()
        .enumerate()
        .map(|(i, v)| {
            acc += v * d.factor(i as u32 + 1);
            acc
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn year_one_is_undiscounted() {
        let d = Discounting::new(0.04).expect("valid");
        assert_eq!(d.factor(1), 1.0);
        assert!((d.factor(2) - 1.0 / 1.04).abs() < 1e-15);
    }

    #[test]
    fn negative_rate_is_an_error() {
        assert_eq!(Discounting::new(-0.01), Err(CostError::InvalidRate(-0.01)));
        assert!(Discounting::new(f64::NAN).is_err());
    }

    proptest! {
        #[test]
        fn constant_stream_matches_geometric_sum(r in 0.0f64..0.2, c in 0.0f64..1e6, n in 1usize..60) {
            let d = Discounting::new(r).expect("valid");
            let pv = present_value(&vec![c; n], &d);
            let closed = if r == 0.0 { c * n as f64 } else { c * (1.0 - (1.0 + r).powi(-(n as i32))) / (1.0 - 1.0 / (1.0 + r)) };
            prop_assert!((pv - closed).abs() <= 1e-9 * closed.abs().max(1.0));
        }

        #[test]
        fn cumulative_pv_is_monotone_for_non_negative_streams(r in 0.0f64..0.2, s in proptest::collection::vec(0.0f64..1e6, 1..40)) {
            let d = Discounting::new(r).expect("valid");
            let c = cumulative_pv(&s, &d);
            prop_assert!(c.windows(2).all(|w| w[1] >= w[0]));
            prop_assert!((c[c.len() - 1] - present_value(&s, &d)).abs() <= 1e-6);
        }

        #[test]
        fn higher_rate_never_raises_pv(r in 0.0f64..0.2, dr in 0.0f64..0.1, s in proptest::collection::vec(0.0f64..1e6, 1..40)) {
            let lo = present_value(&s, &Discounting::new(r).expect("valid"));
            let hi = present_value(&s, &Discounting::new(r + dr).expect("valid"));
            prop_assert!(hi <= lo + 1e-6);
        }
    }
}
