//! A summary's tuples held compactly while nothing reads or changes them
//! (docs/uncertainty.md, "Memory"), in one of two layouts:
//!
//! - *deltas*, the smallest, for a run's totals between two folds: tuples
//!   are sorted by value, so each value is stored as the distance of its
//!   order key from the previous one's, and each field (that distance, g,
//!   Δ) in as many bytes as its largest instance in this summary needs.
//!   Every tuple then takes the same `stride` bytes and is read with three
//!   unaligned loads and masks. A Södertälje total takes ≈ 11 bytes a
//!   tuple instead of 16.
//! - *raw*, for a segment's summaries, which take a batch every block and
//!   are unpacked and packed each time: the values as they are, then every
//!   g, then every Δ, each in as many bytes as the largest needs — no
//!   chain from one tuple to the next, so both ways run at memory speed. A
//!   segment's g and Δ fit a byte: 10 bytes a tuple.
//!
//! Either way the tuples come back bit for bit.

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
    /// Bytes of the key distance (8 when raw), of g and of Δ.
    widths: [u8; 3],
    /// The raw layout (see the module documentation).
    raw: bool,
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
        Packed::of(tuples.iter())
    }

    /// Packs `tuples` taken in reverse order (as an insertion emits them).
    pub(super) fn new_reversed(tuples: &[Tuple]) -> Packed {
        Packed::of(tuples.iter().rev())
    }

    fn of<'t>(tuples: impl ExactSizeIterator<Item = &'t Tuple> + Clone) -> Packed {
        let len = tuples.len();
        let Some(head) = tuples.clone().next() else {
            return Packed::default();
        };
        let first = key(head.v);
        let (mut dv, mut dg, mut dd) = (0u64, 0u32, 0u32);
        let mut last = first;
        for t in tuples.clone() {
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
        let mut bytes = vec![0u8; len * stride + PAD];
        let mut last = first;
        for (i, t) in tuples.enumerate() {
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
            len: len as u32,
            first,
            widths,
            raw: false,
        }
    }

    /// Packs `tuples` in the raw layout.
    pub(super) fn raw(tuples: &[Tuple]) -> Packed {
        Packed::raw_of(tuples.iter())
    }

    /// Packs `tuples` taken in reverse order in the raw layout.
    pub(super) fn raw_reversed(tuples: &[Tuple]) -> Packed {
        Packed::raw_of(tuples.iter().rev())
    }

    fn raw_of<'t>(tuples: impl ExactSizeIterator<Item = &'t Tuple> + Clone) -> Packed {
        let len = tuples.len();
        if len == 0 {
            return Packed::default();
        }
        let (dg, dd) = tuples
            .clone()
            .fold((0u32, 0u32), |(g, d), t| (g.max(t.g), d.max(t.delta)));
        let widths = [8, width(u64::from(dg)), width(u64::from(dd))];
        let (bg, bd) = (usize::from(widths[1]), usize::from(widths[2]));
        let mut bytes = vec![0u8; (8 + bg + bd) * len + PAD];
        // Field by field, as `unpack_into` reads them.
        let (values, rest) = bytes.split_at_mut(8 * len);
        for (c, t) in values.chunks_exact_mut(8).zip(tuples.clone()) {
            c.copy_from_slice(&t.v.to_le_bytes());
        }
        let (gs, rest) = rest.split_at_mut(bg * len);
        narrow_from(tuples.clone().map(|t| t.g), bg, gs);
        narrow_from(tuples.map(|t| t.delta), bd, &mut rest[..bd * len]);
        Packed {
            bytes,
            len: len as u32,
            first: 0,
            widths,
            raw: true,
        }
    }

    /// Whether the layout is raw.
    pub(super) fn is_raw(&self) -> bool {
        self.raw
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
        if self.len == 0 {
            return;
        }
        if !self.raw {
            // One tuple after another: each value adds to the last key.
            let len = self.len();
            let [wv, wg, wd] = self.widths;
            let (bv, bg, bd) = (usize::from(wv), usize::from(wg), usize::from(wd));
            let (mv, mg, md) = (mask(wv), mask(wg), mask(wd));
            let stride = bv + bg + bd;
            let bytes = &self.bytes[..len * stride + PAD];
            let mut key = self.first;
            out.extend((0..len).map(|i| {
                let at = i * stride;
                key = key.wrapping_add(read(bytes, at) & mv);
                Tuple {
                    v: value(key),
                    g: (read(bytes, at + bv) & mg) as u32,
                    delta: (read(bytes, at + bv + bg) & md) as u32,
                }
            }));
            return;
        }
        // Field by field, each in a loop of its own width, which the
        // compiler turns into vector code.
        let len = self.len();
        let [_, wg, wd] = self.widths;
        let (bg, bd) = (usize::from(wg), usize::from(wd));
        let start = out.len();
        out.extend(self.bytes[..8 * len].chunks_exact(8).map(|c| Tuple {
            v: f64::from_bits(read(c, 0)),
            g: 0,
            delta: 0,
        }));
        let fields = &mut out[start..];
        let gs = &self.bytes[8 * len..(8 + bg) * len];
        let ds = &self.bytes[(8 + bg) * len..(8 + bg + bd) * len];
        narrow_into(gs, bg, fields, |t, x| t.g = x);
        narrow_into(ds, bd, fields, |t, x| t.delta = x);
    }
}

/// Writes each of `fields` to `bytes`, `width` bytes each (enough for
/// the largest).
#[inline]
fn narrow_from(fields: impl Iterator<Item = u32>, width: usize, bytes: &mut [u8]) {
    match width {
        0 => {}
        1 => bytes.iter_mut().zip(fields).for_each(|(b, x)| *b = x as u8),
        2 => bytes
            .chunks_exact_mut(2)
            .zip(fields)
            .for_each(|(c, x)| c.copy_from_slice(&(x as u16).to_le_bytes())),
        _ => bytes
            .chunks_exact_mut(width)
            .zip(fields)
            .for_each(|(c, x)| c.copy_from_slice(&x.to_le_bytes()[..width])),
    }
}

/// Sets each tuple's field from `bytes`, `width` bytes a tuple.
#[inline]
fn narrow_into(bytes: &[u8], width: usize, out: &mut [Tuple], set: impl Fn(&mut Tuple, u32)) {
    match width {
        0 => out.iter_mut().for_each(|t| set(t, 0)),
        1 => out
            .iter_mut()
            .zip(bytes)
            .for_each(|(t, &b)| set(t, u32::from(b))),
        2 => out
            .iter_mut()
            .zip(bytes.chunks_exact(2))
            .for_each(|(t, c)| set(t, u32::from(u16::from_le_bytes([c[0], c[1]])))),
        _ => out
            .iter_mut()
            .zip(bytes.chunks_exact(width))
            .for_each(|(t, c)| {
                let mut word = [0u8; 4];
                word[..width].copy_from_slice(c);
                set(t, u32::from_le_bytes(word));
            }),
    }
}

/// Iterator over the tuples of a [`Packed`].
pub(super) struct Unpack<'a> {
    packed: &'a Packed,
    /// The next tuple's byte (deltas) or index (raw).
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
        if p.raw {
            let (i, len) = (self.at, p.len());
            let (bg, bd) = (usize::from(wg), usize::from(wd));
            self.at += 1;
            return Some(Tuple {
                v: f64::from_bits(read(&p.bytes, 8 * i)),
                g: (read(&p.bytes, 8 * len + bg * i) & mask(wg)) as u32,
                delta: (read(&p.bytes, (8 + bg) * len + bd * i) & mask(wd)) as u32,
            });
        }
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

    /// In the raw layout, straight to the tuple.
    fn nth(&mut self, n: usize) -> Option<Tuple> {
        if self.packed.raw {
            let skip = n.min(self.left as usize);
            self.at += skip;
            self.left -= skip as u32;
        } else {
            for _ in 0..n {
                self.next()?;
            }
        }
        self.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl ExactSizeIterator for Unpack<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(back: &[Tuple], tuples: &[Tuple]) {
        assert_eq!(back.len(), tuples.len());
        for (a, b) in back.iter().zip(tuples) {
            assert_eq!(a.v.to_bits(), b.v.to_bits());
            assert_eq!((a.g, a.delta), (b.g, b.delta));
        }
    }

    /// Both layouts, forwards and reversed, read by the iterator and by
    /// `unpack_into`.
    fn round_trip(tuples: &[Tuple]) {
        let reversed: Vec<Tuple> = tuples.iter().rev().copied().collect();
        for packed in [
            Packed::new(tuples),
            Packed::raw(tuples),
            Packed::new_reversed(&reversed),
            Packed::raw_reversed(&reversed),
        ] {
            same(&packed.iter().collect::<Vec<_>>(), tuples);
            for i in [0, tuples.len() / 2, tuples.len()] {
                let t = packed.iter().nth(i);
                assert_eq!(
                    t.map(|t| (t.v.to_bits(), t.g, t.delta)),
                    tuples.get(i).map(|t| (t.v.to_bits(), t.g, t.delta))
                );
            }
            let mut out = vec![Tuple::default()];
            packed.unpack_into(&mut out);
            same(&out[1..], tuples);
            assert_eq!(packed.len(), tuples.len());
        }
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
        // none of Δ; raw, 8 bytes of value.
        assert_eq!(packed.heap_bytes(), 300 * 9 + PAD);
        assert_eq!(Packed::raw(&narrow).heap_bytes(), 300 * 9 + PAD);
        assert!(Packed::raw(&narrow).is_raw() && !packed.is_raw());
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
