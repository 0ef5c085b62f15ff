//! A compact binary encoding of mergeable statistics, so a run split over
//! machines can ship each part's states to the one that merges them
//! (docs/distributed.md).
//!
//! Little-endian, fixed width, no field names: a state is written and read
//! by the same code, and the file around it carries a format version. f64
//! values travel as their bits, so a decoded state is bit-identical to the
//! encoded one (NaN payloads and signed zeros included). Reading checks
//! every length against the bytes left, so a truncated or corrupt part is
//! an error, never a panic or a huge allocation.

use thiserror::Error;

/// Why bytes could not be decoded into a state.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodecError {
    /// The bytes ended before the state did.
    #[error("the data ends early: {needed} more bytes needed at byte {at}")]
    Truncated {
        /// Offset at which reading stopped.
        at: usize,
        /// Bytes the next value needed.
        needed: usize,
    },
    /// A value is out of its range (a length that does not fit the shape
    /// it must have, an unknown tag).
    #[error("invalid data at byte {at}: {what}")]
    Invalid {
        /// Offset of the value.
        at: usize,
        /// What was wrong.
        what: String,
    },
}

/// Appends values to a byte buffer.
#[derive(Debug, Default, Clone)]
pub struct Encoder {
    bytes: Vec<u8>,
}

impl Encoder {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// The bytes written so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Number of bytes written so far.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Writes a u64.
    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    /// Appends bytes as they are (an already encoded state).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
    }

    /// Writes a u32.
    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    /// Writes an f64 by its bits.
    pub fn f64(&mut self, v: f64) {
        self.u64(v.to_bits());
    }

    /// Writes a length (a usize) as u64.
    pub fn len_of(&mut self, n: usize) {
        self.u64(n as u64);
    }

    /// Writes a length-prefixed slice of f64.
    pub fn f64s(&mut self, vs: &[f64]) {
        self.len_of(vs.len());
        self.bytes.reserve(vs.len() * 8);
        for &v in vs {
            self.f64(v);
        }
    }

    /// Writes a length-prefixed slice of u64.
    pub fn u64s(&mut self, vs: &[u64]) {
        self.len_of(vs.len());
        self.bytes.reserve(vs.len() * 8);
        for &v in vs {
            self.u64(v);
        }
    }
}

/// Reads values from bytes written by an [`Encoder`].
#[derive(Debug, Clone)]
pub struct Decoder<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Decoder<'a> {
    /// Reads from the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Decoder { bytes, at: 0 }
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    /// Current offset.
    pub fn position(&self) -> usize {
        self.at
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        let end = self.at + N;
        let chunk = self.bytes.get(self.at..end).ok_or(CodecError::Truncated {
            at: self.at,
            needed: N,
        })?;
        self.at = end;
        let mut out = [0u8; N];
        out.copy_from_slice(chunk);
        Ok(out)
    }

    /// Reads a u64.
    pub fn u64(&mut self) -> Result<u64, CodecError> {
        self.take::<8>().map(u64::from_le_bytes)
    }

    /// Reads a u32.
    pub fn u32(&mut self) -> Result<u32, CodecError> {
        self.take::<4>().map(u32::from_le_bytes)
    }

    /// Reads an f64 from its bits.
    pub fn f64(&mut self) -> Result<f64, CodecError> {
        self.u64().map(f64::from_bits)
    }

    /// Reads a length whose items take at least `item_bytes` each, checked
    /// against the bytes left (so a corrupt length cannot ask for a huge
    /// allocation).
    pub fn len_of(&mut self, item_bytes: usize) -> Result<usize, CodecError> {
        let at = self.at;
        let n = self.u64()?;
        let fits = usize::try_from(n)
            .ok()
            .filter(|&n| n.saturating_mul(item_bytes.max(1)) <= self.remaining());
        fits.ok_or(CodecError::Invalid {
            at,
            what: format!(
                "a length of {n} does not fit in the {} bytes left",
                self.remaining()
            ),
        })
    }

    /// Reads a length that must equal `want` (the shape the caller knows).
    pub fn expect_len(&mut self, want: usize, item_bytes: usize) -> Result<(), CodecError> {
        let at = self.at;
        let n = self.len_of(item_bytes)?;
        if n == want {
            Ok(())
        } else {
            Err(CodecError::Invalid {
                at,
                what: format!("expected {want} items, found {n}"),
            })
        }
    }

    /// The next `n` bytes, as they are. Reading a run of fixed-width items
    /// from one checked slice spares a bounds check per item (a merge
    /// decodes millions of them).
    pub fn slice(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self.at.checked_add(n);
        let chunk =
            end.and_then(|end| self.bytes.get(self.at..end))
                .ok_or(CodecError::Truncated {
                    at: self.at,
                    needed: n,
                })?;
        self.at += n;
        Ok(chunk)
    }

    /// Reads a length-prefixed vector of f64.
    pub fn f64s(&mut self) -> Result<Vec<f64>, CodecError> {
        Ok(self.u64s()?.into_iter().map(f64::from_bits).collect())
    }

    /// Reads a length-prefixed vector of u64.
    pub fn u64s(&mut self) -> Result<Vec<u64>, CodecError> {
        let n = self.len_of(8)?;
        Ok(self
            .slice(n * 8)?
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect())
    }

    /// An error at the current offset.
    pub fn invalid(&self, what: impl Into<String>) -> CodecError {
        CodecError::Invalid {
            at: self.at,
            what: what.into(),
        }
    }
}

/// A state that can be written to and read back from bytes, bit for bit.
pub trait Codec: Sized {
    /// Writes the state.
    fn encode(&self, e: &mut Encoder);
    /// Reads a state written by [`Codec::encode`].
    fn decode(d: &mut Decoder<'_>) -> Result<Self, CodecError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_bit_for_bit() {
        let mut e = Encoder::new();
        e.u64(7);
        e.u32(3);
        e.f64s(&[-0.0, f64::NAN, 1.5, f64::INFINITY]);
        e.u64s(&[1, u64::MAX]);
        let bytes = e.into_bytes();
        let mut d = Decoder::new(&bytes);
        assert_eq!(d.u64(), Ok(7));
        assert_eq!(d.u32(), Ok(3));
        let f = d.f64s().unwrap();
        let bits: Vec<u64> = f.iter().map(|v| v.to_bits()).collect();
        let want: Vec<u64> = [-0.0, f64::NAN, 1.5, f64::INFINITY]
            .iter()
            .map(|v: &f64| v.to_bits())
            .collect();
        assert_eq!(bits, want);
        assert_eq!(d.u64s(), Ok(vec![1, u64::MAX]));
        assert_eq!(d.remaining(), 0);
    }

    #[test]
    fn truncated_and_oversized_lengths_are_errors() {
        let mut e = Encoder::new();
        e.u64(1 << 40);
        let bytes = e.into_bytes();
        assert!(matches!(
            Decoder::new(&bytes).f64s(),
            Err(CodecError::Invalid { .. })
        ));
        assert!(matches!(
            Decoder::new(&bytes[..3]).u64(),
            Err(CodecError::Truncated { .. })
        ));
    }
}
