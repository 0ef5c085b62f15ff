//! Latin hypercube strata without O(n) memory (model.md §7, "Sampling").
//!
//! A design of size n gives each input dimension its own pseudo-random
//! permutation π of [0, n); sample s falls in stratum π(s), and its uniform is
//! u = (π(s) + jitter) / n. π is a keyed Feistel network on the smallest
//! even-bit power-of-two domain ≥ n, restricted to [0, n) by cycle walking —
//! a bijection computable from (key, s) alone, so no permutation table is
//! stored and any thread can compute any sample.

use crate::stream::mix64;

/// Feistel rounds; 6 is ample for decorrelating strata between dimensions.
const ROUNDS: u64 = 6;

/// A keyed bijection of [0, n).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Permutation {
    n: u64,
    half_bits: u32,
    mask: u64,
    key: u64,
}

impl Permutation {
    /// Permutation of [0, n) for `key`; n ≥ 1.
    pub(crate) fn new(n: u64, key: u64) -> Self {
        let n = n.max(1);
        let bits = 64 - (n - 1).leading_zeros();
        let half_bits = bits.div_ceil(2).max(1);
        Self {
            n,
            half_bits,
            mask: (1u64 << half_bits) - 1,
            key,
        }
    }

    /// The size of the design.
    #[allow(dead_code)]
    pub(crate) fn len(&self) -> u64 {
        self.n
    }

    #[inline]
    fn feistel(&self, x: u64) -> u64 {
        let mut l = x >> self.half_bits;
        let mut r = x & self.mask;
        for round in 0..ROUNDS {
            let f = mix64(
                r ^ self
                    .key
                    .wrapping_add(round.wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            ) & self.mask;
            (l, r) = (r, l ^ f);
        }
        (l << self.half_bits) | r
    }

    /// π(i) for i < n.
    #[inline]
    pub(crate) fn apply(&self, i: u64) -> u64 {
        // The domain is < 4n, so cycle walking takes < 4 steps on average;
        // it terminates because π restricted to a cycle returns to i < n.
        let mut x = self.feistel(i);
        while x >= self.n {
            x = self.feistel(x);
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_a_bijection_for_many_sizes() {
        for n in [1u64, 2, 3, 5, 17, 64, 100, 1000, 4097] {
            let p = Permutation::new(n, 0xdead_beef ^ n);
            let mut seen = vec![false; n as usize];
            for i in 0..n {
                let j = p.apply(i) as usize;
                assert!(!seen[j], "n = {n}: {j} hit twice");
                seen[j] = true;
            }
        }
    }
}
