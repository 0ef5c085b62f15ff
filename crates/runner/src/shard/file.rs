//! The part file: a self-describing header and the segment states.

use std::io::Read;
use std::path::{Path, PathBuf};

use palett_model::run::SegmentState;
use palett_montecarlo::codec::{Codec, Decoder, Encoder};
use serde::{Deserialize, Serialize};

use super::plan::Shard;

/// Version of the part file layout; a merge refuses any other.
pub const PART_FORMAT: u32 = 2;

/// First bytes of every part file.
const MAGIC: &[u8] = b"palett-part\n";

/// Headers longer than this are not a part's (a corrupt length).
const MAX_HEADER: u64 = 16 << 20;

/// What a part file says about itself: enough to check that parts belong
/// together and to find the scenario again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartHeader {
    /// [`PART_FORMAT`].
    pub format: u32,
    /// palett version that ran the part (parts of other versions may
    /// compute differently and are refused).
    pub palett_version: String,
    /// The scenario file, as given to `palett run`.
    pub file: String,
    /// Its result folder name in the batch.
    pub name: String,
    /// FNV-1a (64 bit, hex) of the scenario's bytes and those of every
    /// library it includes, in loading order.
    pub scenario_hash: String,
    /// Seed of the random streams.
    pub seed: u64,
    /// Planned samples of the whole run.
    pub samples: u64,
    /// Sampling method (summary.json's name).
    pub method: String,
    /// Inputs held at a value (`--set`), in the order given.
    pub held: Vec<(String, f64)>,
    /// Whether the run is analysed (sensitivity.json).
    pub analysis: bool,
    /// Which shard of how many.
    pub shard: Shard,
    /// Every file of the sharded batch, in order (how the work was split
    /// depends on it).
    pub batch: Vec<String>,
    /// Segments of the whole run.
    pub segment_count: u64,
    /// The segments this part ran: `[first, end)`.
    pub segments: [u64; 2],
}

impl PartHeader {
    /// Everything two parts of one scenario's run must agree on, as text
    /// for messages; `None` when they agree.
    pub fn disagreement(&self, other: &PartHeader) -> Option<String> {
        let pairs = [
            (
                "palett version",
                self.palett_version.clone(),
                other.palett_version.clone(),
            ),
            (
                "scenario bytes (hash)",
                self.scenario_hash.clone(),
                other.scenario_hash.clone(),
            ),
            ("seed", self.seed.to_string(), other.seed.to_string()),
            (
                "samples",
                self.samples.to_string(),
                other.samples.to_string(),
            ),
            ("method", self.method.clone(), other.method.clone()),
            (
                "--set",
                format!("{:?}", self.held),
                format!("{:?}", other.held),
            ),
            (
                "analysis",
                self.analysis.to_string(),
                other.analysis.to_string(),
            ),
        ];
        pairs
            .into_iter()
            .find(|(_, a, b)| a != b)
            .map(|(what, a, b)| format!("{what} differs: {a} and {b}"))
    }
}

/// FNV-1a 64 of a scenario's files (text, each preceded by its length so
/// moving bytes between files changes the hash). Only to tell whether
/// parts ran the same files, not a defence against forgery.
pub fn scenario_hash(texts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for t in texts {
        eat(&(t.len() as u64).to_le_bytes());
        eat(t.as_bytes());
    }
    format!("{h:016x}")
}

/// The bytes of a part file.
pub fn encode_part(header: &PartHeader, segments: &[(u64, SegmentState)]) -> Vec<u8> {
    let json = serde_json::to_vec(header).unwrap_or_default();
    let mut e = Encoder::new();
    e.u64(segments.len() as u64);
    for (i, s) in segments {
        let mut one = Encoder::new();
        s.encode(&mut one);
        let bytes = one.into_bytes();
        e.u64(*i);
        e.u64(bytes.len() as u64);
        e.raw(&bytes);
    }
    let body = e.into_bytes();
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + json.len() + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&body);
    out
}

/// Why a part file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PartFileError {
    /// Reading failed.
    #[error("{}: cannot read: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Not a part file, another format, or corrupt.
    #[error("{}: not a palett part file ({why}); parts are written by `palett run … --shard K/N`", .path.display())]
    NotAPart {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        why: String,
    },
}

fn not_a_part(path: &Path, why: impl Into<String>) -> PartFileError {
    PartFileError::NotAPart {
        path: path.to_path_buf(),
        why: why.into(),
    }
}

/// Reads the header of the part file at `path` (and only it: the body may
/// be large), with the offset at which the body starts.
pub fn read_header(path: &Path) -> Result<(PartHeader, u64), PartFileError> {
    let io = |source| PartFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::open(path).map_err(io)?;
    let mut magic = vec![0u8; MAGIC.len()];
    let mut len = [0u8; 8];
    if f.read_exact(&mut magic).is_err() || magic != MAGIC || f.read_exact(&mut len).is_err() {
        return Err(not_a_part(path, "it does not start like one"));
    }
    let len = u64::from_le_bytes(len);
    if len > MAX_HEADER {
        return Err(not_a_part(path, format!("a header of {len} bytes")));
    }
    let mut json = vec![0u8; len as usize];
    f.read_exact(&mut json)
        .map_err(|_| not_a_part(path, "the header is cut short"))?;
    let header: PartHeader =
        serde_json::from_slice(&json).map_err(|e| not_a_part(path, format!("its header: {e}")))?;
    if header.format != PART_FORMAT {
        return Err(not_a_part(
            path,
            format!(
                "part format {}, this palett reads format {PART_FORMAT}",
                header.format
            ),
        ));
    }
    Ok((header, MAGIC.len() as u64 + 8 + len))
}

/// Reads the segment states of the part at `path` (body at `offset`),
/// checking that they are exactly the segments its header names, in order.
///
/// `bytes` is working memory for the file's bytes, reused from part to
/// part: a part is tens of MB, and memory fresh from the system for each
/// one costs as much to fault in as the file costs to read.
pub fn read_segments(
    path: &Path,
    header: &PartHeader,
    offset: u64,
    bytes: &mut Vec<u8>,
) -> Result<Vec<SegmentState>, PartFileError> {
    let io = |source| PartFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    bytes.clear();
    std::fs::File::open(path)
        .and_then(|mut f| f.read_to_end(bytes))
        .map_err(io)?;
    let body = bytes
        .get(offset as usize..)
        .ok_or_else(|| not_a_part(path, "it ends in its header"))?;
    let mut d = Decoder::new(body);
    let bad = |e: palett_montecarlo::codec::CodecError| not_a_part(path, e.to_string());
    let n = d.u64().map_err(bad)?;
    let [first, end] = header.segments;
    if n != end.saturating_sub(first) {
        return Err(not_a_part(
            path,
            format!("{n} segments, its header names {first}..{end}"),
        ));
    }
    let mut out = Vec::new();
    for want in first..end {
        let i = d.u64().map_err(bad)?;
        let len = d.u64().map_err(bad)?;
        let start = d.position();
        if i != want {
            return Err(not_a_part(
                path,
                format!("segment {i} where {want} belongs"),
            ));
        }
        out.push(SegmentState::decode(&mut d).map_err(bad)?);
        if (d.position() - start) as u64 != len {
            return Err(not_a_part(
                path,
                format!("segment {i} has the wrong length"),
            ));
        }
    }
    if d.remaining() != 0 {
        return Err(not_a_part(path, "bytes after the last segment"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_depends_on_every_byte_and_on_file_boundaries() {
        let a = scenario_hash(&["ab", "c"]);
        assert_eq!(a, scenario_hash(&["ab", "c"]));
        assert_ne!(a, scenario_hash(&["a", "bc"]));
        assert_ne!(a, scenario_hash(&["ab", "d"]));
    }
}
