//! Which work a shard does, and running it into a part file.

use std::ops::Range;
use std::path::{Path, PathBuf};

use palett_model::{Progress, RunOptions};
use serde::{Deserialize, Serialize};

use super::file::{PART_FORMAT, PartHeader, encode_part, scenario_hash};
use crate::error::FileError;

/// Shard `k` of `n` (1 ≤ k ≤ n), written `K/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Shard {
    /// Which, from 1.
    pub k: u32,
    /// Of how many.
    pub n: u32,
}

/// Why a `K/N` is not a shard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a shard: write K/N with 1 ≤ K ≤ N, e.g. 3/8")]
pub struct ShardError(pub String);

impl std::str::FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ShardError(s.to_string());
        let (k, n) = s.split_once('/').ok_or_else(err)?;
        let k: u32 = k.trim().parse().map_err(|_| err())?;
        let n: u32 = n.trim().parse().map_err(|_| err())?;
        if k == 0 || k > n {
            return Err(err());
        }
        Ok(Shard { k, n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl TryFrom<String> for Shard {
    type Error = ShardError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Shard> for String {
    fn from(s: Shard) -> String {
        s.to_string()
    }
}

/// The files of a batch of `files` that shard `shard` runs, by index.
///
/// With at least as many files as shards, whole files are dealt out
/// round-robin (file i to shard i mod N + 1), so shards differ by at most
/// one file; with fewer, every shard runs its range of every file.
pub fn files_of_shard(files: usize, shard: Shard) -> Vec<usize> {
    let n = shard.n as usize;
    if files >= n {
        (0..files)
            .filter(|i| i % n == shard.k as usize - 1)
            .collect()
    } else {
        (0..files).collect()
    }
}

/// The segments of a run of `count` segments that shard `shard` runs in a
/// batch of `files` files: all of them when shards take whole files, else
/// the K-th of N near-equal ranges (segments cost the same but for a
/// shorter last one).
pub fn segments_of_shard(files: usize, count: u64, shard: Shard) -> Range<u64> {
    if files >= shard.n as usize {
        return 0..count;
    }
    let (k, n) = (u64::from(shard.k), u64::from(shard.n));
    (count * (k - 1) / n)..(count * k / n)
}

/// The part file name of a scenario's result folder `name` in shard `shard`.
pub fn part_name(name: &str, shard: Shard) -> String {
    format!("{name}.part-{}-of-{}", shard.k, shard.n)
}

/// Runs shard `shard`'s part of one file of a batch and writes it to
/// `out/<name>.part-K-of-N` (atomically); returns its path and samples.
pub fn run_shard_file(
    file: &Path,
    name: &str,
    batch: &[String],
    out: &Path,
    o: &RunOptions,
    shard: Shard,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(PathBuf, u64), FileError> {
    let loaded = crate::source::load(file).map_err(FileError::Invalid)?;
    let scenario = crate::resolve::resolve(&loaded).map_err(FileError::Invalid)?;
    let model_err = |source| FileError::Model {
        file: file.to_path_buf(),
        source,
    };
    let (resolved, count) = palett_model::run::split_settings(&scenario, o).map_err(model_err)?;
    if resolved.engine.stop.is_some() {
        return Err(FileError::Part {
            file: file.to_path_buf(),
            message: "a sharded run cannot stop early (target_se): run a fixed sample count".into(),
        });
    }
    let range = segments_of_shard(batch.len(), count, shard);
    let mut segments = Vec::new();
    palett_model::run::run_part(&scenario, o, range.clone(), progress, &mut |i, s| {
        segments.push((i, s))
    })
    .map_err(model_err)?;
    let samples = segments.iter().map(|(_, s)| s.engine.samples()).sum();
    let texts: Vec<&str> = loaded.files.iter().map(|f| f.text.as_str()).collect();
    let header = PartHeader {
        format: PART_FORMAT,
        palett_version: env!("CARGO_PKG_VERSION").to_string(),
        file: file.display().to_string(),
        name: name.to_string(),
        scenario_hash: scenario_hash(&texts),
        seed: resolved.engine.seed,
        samples: resolved.engine.samples,
        method: resolved.method.name().to_string(),
        held: o.held.clone(),
        analysis: !o.skip_analysis && resolved.method != palett_model::Method::Deterministic,
        shard,
        batch: batch.to_vec(),
        segment_count: count,
        segments: [range.start, range.end],
    };
    let path = out.join(part_name(name, shard));
    let io = |source| {
        FileError::Output(crate::output::OutputError::Io {
            path: path.clone(),
            source,
        })
    };
    std::fs::create_dir_all(out).map_err(io)?;
    crate::write::write_atomic(&path, &encode_part(&header, &segments)).map_err(io)?;
    Ok((path, samples))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_print() {
        let s: Shard = "3/8".parse().unwrap();
        assert_eq!(s, Shard { k: 3, n: 8 });
        assert_eq!(s.to_string(), "3/8");
        for bad in ["0/4", "5/4", "3", "a/b", "1/0", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn segment_ranges_cover_the_run_once() {
        for count in [0u64, 1, 5, 7, 256] {
            for n in 1..=9u32 {
                let mut next = 0;
                for k in 1..=n {
                    let r = segments_of_shard(1, count, Shard { k, n });
                    assert_eq!(r.start, next);
                    next = r.end;
                }
                assert_eq!(next, count);
            }
        }
    }

    #[test]
    fn whole_files_are_dealt_out_when_there_are_enough() {
        let all: Vec<Vec<usize>> = (1..=3)
            .map(|k| files_of_shard(7, Shard { k, n: 3 }))
            .collect();
        assert_eq!(all, [vec![0, 3, 6], vec![1, 4], vec![2, 5]]);
        assert_eq!(files_of_shard(2, Shard { k: 2, n: 3 }), [0, 1]);
        assert_eq!(segments_of_shard(7, 10, Shard { k: 2, n: 3 }), 0..10);
    }
}
