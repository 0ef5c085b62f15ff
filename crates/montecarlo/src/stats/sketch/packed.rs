//! A summary's tuples held compactly while nothing reads or changes them:
//! a run's totals between two folds (docs/uncertainty.md, "Memory").
//!
//! Tuples are sorted by value, so each value is stored as the distance of
//! its order key from the previous one's, and each field (that distance,
//! g, Δ) in as many bytes as its largest instance in this summary needs.
//! Every tuple then takes the same `stride` bytes and is read with three
//! unaligned loads and masks: packing and unpacking cost about a nanosecond
//! per tuple, far less than the fold that produces the tuples, and give
//! them back bit for bit. A Södertälje total takes 10–12 bytes per tuple
//! instead of 16.

use super::Tuple;

/// The tuples of one summary, packed (see the module documentation).
#[derive(Debug, Clone, Default)]
pub(super) struct Packed {
    /// `len` tuples of `stride` bytes, then 8 bytes of padding so that
    /// every field can be read as a whole `u64`; empty when nothing is
    /// packed.
    bytes: Vec<u8>,
    len: u32,
    /// The first tuple's order key.
    first: u64,
    /// Bytes of the key distance, of g and of Δ.
    widths: [u8; 3],
}

/// The padding after the last tuple.
const PAD: usize = 8;

/// An order key: `a.total_cmp(b)` is `key(a).cmp(&key(b))`.
#[inline]
fn key(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | 1 << 63 }
}

/// The value of an order key made by [`key`].
#[inline]
fn value(k: u64) -> f64 {
    f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
}

/// Bytes needed for `x` (0 for 0).
#[inline]
fn width(x: u64) -> u8 {
    (x.checked_ilog2().map_or(0, |b| b / 8 + 1)) as u8
}

/// The low `w` bytes (w ≤ 8).
#[inline]
fn mask(w: u8) -> u64 {
    if w >= 8 { !0 } else { (1u64 << (8 * w)) - 1 }
}

#[inline]
fn read(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

impl Packed {
    /// Packs `tuples` (sorted by value, as a summary's are; unsorted ones
    /// pack too, only larger).
    pub(super) fn new(tuples: &[Tuple]) -> Packed {
        let Some(head) = tuples.first() else {
            return Packed::default();
        };
        let first = key(head.v);
        let (mut dv, mut dg, mut dd) = (0u64, 0u32, 0u32);
        let mut last = first;
        for t in tuples {
            let k = key(t.v);
            dv = dv.max(k.wrapping_sub(last));
            last = k;
            dg = dg.max(t.g);
            dd = dd.max(t.delta);
        }
        let widths = [width(dv), width(u64::from(dg)), width(u64::from(dd))];
        let [wv, wg, wd] = widths.map(usize::from);
        let stride = wv + wg + wd;
        // Each field is written as a whole u64 in increasing order, so the
        // zero bytes above it are overwritten by the next field; the padding
        // takes the last one's.
        let mut bytes = vec![0u8; tuples.len() * stride + PAD];
        let mut last = first;
        for (i, t) in tuples.iter().enumerate() {
            let at = i * stride;
            let k = key(t.v);
            bytes[at..at + 8].copy_from_slice(&k.wrapping_sub(last).to_le_bytes());
            bytes[at + wv..at + wv + 8].copy_from_slice(&u64::from(t.g).to_le_bytes());
            bytes[at + wv + wg..at + wv + wg + 8]
                .copy_from_slice(&u64::from(t.delta).to_le_bytes());
            last = k;
        }
        Packed {
            bytes,
            len: tuples.len() as u32,
            first,
            widths,
        }
    }

    /// Tuples held.
    pub(super) fn len(&self) -> usize {
        self.len as usize
    }

    /// Heap bytes held.
    pub(super) fn heap_bytes(&self) -> usize {
        self.bytes.capacity()
    }

    /// The tuples, in order, bit for bit as they were packed.
    pub(super) fn iter(&self) -> Unpack<'_> {
        Unpack {
            packed: self,
            at: 0,
            left: self.len,
            key: self.first,
        }
    }

    /// Appends the tuples to `out`.
    pub(super) fn unpack_into(&self, out: &mut Vec<Tuple>) {
        out.extend(self.iter());
    }
}

/// Iterator over the tuples of a [`Packed`].
pub(super) struct Unpack<'a> {
    packed: &'a Packed,
    at: usize,
    left: u32,
    key: u64,
}

impl Iterator for Unpack<'_> {
    type Item = Tuple;

    #[inline]
    fn next(&mut self) -> Option<Tuple> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let p = self.packed;
        let [wv, wg, wd] = p.widths;
        let (bv, bg) = (usize::from(wv), usize::from(wg));
        let at = self.at;
        self.key = self.key.wrapping_add(read(&p.bytes, at) & mask(wv));
        let g = read(&p.bytes, at + bv) & mask(wg);
        let delta = read(&p.bytes, at + bv + bg) & mask(wd);
        self.at = at + bv + bg + usize::from(wd);
        Some(Tuple {
            v: value(self.key),
            g: g as u32,
            delta: delta as u32,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl ExactSizeIterator for Unpack<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(tuples: &[Tuple]) {
        let packed = Packed::new(tuples);
        let back: Vec<Tuple> = packed.iter().collect();
        assert_eq!(back.len(), tuples.len());
        for (a, b) in back.iter().zip(tuples) {
            assert_eq!(a.v.to_bits(), b.v.to_bits());
            assert_eq!((a.g, a.delta), (b.g, b.delta));
        }
        assert_eq!(packed.len(), tuples.len());
    }

    #[test]
    fn order_keys_sort_as_total_cmp_and_invert() {
        let vs = [
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -f64::MIN_POSITIVE,
            -0.0,
            0.0,
            5e-324,
            1.0,
            1e300,
            f64::INFINITY,
        ];
        for w in vs.windows(2) {
            assert!(key(w[0]) < key(w[1]), "{} {}", w[0], w[1]);
        }
        for v in vs {
            assert_eq!(value(key(v)).to_bits(), v.to_bits());
        }
    }

    #[test]
    fn tuples_come_back_bit_for_bit() {
        round_trip(&[]);
        round_trip(&[Tuple {
            v: -0.0,
            g: 1,
            delta: 0,
        }]);
        // Across zero and both infinities, with the widest fields.
        let wide: Vec<Tuple> = [
            f64::NEG_INFINITY,
            -3.5,
            -0.0,
            0.0,
            2.0,
            1e300,
            f64::INFINITY,
        ]
        .iter()
        .enumerate()
        .map(|(i, &v)| Tuple {
            v,
            g: u32::MAX - i as u32,
            delta: (i as u32) << 29,
        })
        .collect();
        round_trip(&wide);
        // Narrow fields: equal values, small g, Δ all zero (0 bytes).
        let narrow: Vec<Tuple> = (0..300)
            .map(|i| Tuple {
                v: (i / 3) as f64,
                g: 1 + i % 7,
                delta: 0,
            })
            .collect();
        round_trip(&narrow);
        let packed = Packed::new(&narrow);
        // 8 bytes of key distance (0.0 to 1.0 spans the exponent), 1 of g,
        // none of Δ.
        assert_eq!(packed.heap_bytes(), 300 * 9 + PAD);
        // Out of order still round-trips (wrapping distances).
        round_trip(&[
            Tuple {
                v: 5.0,
                g: 2,
                delta: 1,
            },
            Tuple {
                v: -7.0,
                g: 70_000,
                delta: 3,
            },
        ]);
    }

    #[test]
    fn widths_are_the_bytes_of_the_largest() {
        assert_eq!(width(0), 0);
        assert_eq!(width(1), 1);
        assert_eq!(width(255), 1);
        assert_eq!(width(256), 2);
        assert_eq!(width(u64::MAX), 8);
        assert_eq!(mask(0), 0);
        assert_eq!(mask(2), 0xffff);
        assert_eq!(mask(8), u64::MAX);
    }
}
