//! Reproducible random streams (model.md §7, "Reproducibility").
//!
//! Sample s draws from ChaCha8 stream number s of the run's seed, starting at
//! word 0. Its inputs are therefore a function of (seed, s) alone, whichever
//! thread computes it and in whatever order.

use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};

/// The per-run generator source; one generator per worker, then
/// [`SampleStreams::enter`] positions it at a sample's stream.
#[derive(Debug, Clone)]
pub(crate) struct SampleStreams {
    seed: u64,
}

impl SampleStreams {
    pub(crate) fn new(seed: u64) -> Self {
        Self { seed }
    }

    /// A generator a worker owns and re-positions for each sample.
    pub(crate) fn worker(&self) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(self.seed)
    }

    /// Position `rng` at the start of sample `s`'s stream.
    #[inline]
    pub(crate) fn enter(rng: &mut ChaCha8Rng, s: u64) {
        rng.set_stream(s);
    }
}

/// A uniform draw on the open interval (0, 1) with 53 random bits; open so
/// that inverse CDFs of unbounded distributions stay finite.
#[inline]
pub(crate) fn open01<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64)
}

/// A 64-bit mixing function (the MurmurHash3 finaliser) used to derive
/// independent keys from the seed; bijective, so distinct inputs never
/// collide.
#[inline]
pub(crate) fn mix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}
