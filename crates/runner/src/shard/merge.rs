//! Merging a set of parts into result folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use palett_model::run::Incomplete;
use palett_model::{Method, RunOptions};
use rayon::prelude::*;

use super::file::{PartFileError, PartHeader, read_header, read_segments, scenario_hash};
use super::plan::{Shard, segments_of_shard};
use crate::batch::{FileResult, finish_file};
use crate::error::FileError;

/// Why a set of parts cannot be merged. Nothing is written then.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A part cannot be read.
    #[error(transparent)]
    File(#[from] PartFileError),
    /// No part was given.
    #[error("no part files given (they are named <scenario>.part-K-of-N)")]
    NoParts,
    /// Two parts are not of the same run.
    #[error("{} and {} are not parts of the same run: {what}", .a.display(), .b.display())]
    Mismatch {
        /// One part.
        a: PathBuf,
        /// The other.
        b: PathBuf,
        /// What differs.
        what: String,
    },
    /// One shard given twice.
    #[error("{} and {} are both shard {shard} of {file}; give each shard once", .a.display(), .b.display())]
    Repeated {
        /// One part.
        a: PathBuf,
        /// The other.
        b: PathBuf,
        /// The shard.
        shard: Shard,
        /// The scenario file.
        file: String,
    },
    /// Shards are missing.
    #[error("missing {}: run them (`palett run … --shard K/N`) or merge without them with --allow-missing", .0.join(", "))]
    Missing(Vec<String>),
}

/// One part: where it is, its header and the offset of its body.
struct Part {
    path: PathBuf,
    header: PartHeader,
    body: u64,
}

/// Merges the part files `parts` into `out/<name>/` per scenario of the
/// batch they were run from, byte-identical to the one-machine run; returns
/// one entry per file of the batch, in batch order, for index.json.
///
/// Refuses (writing nothing) parts of different runs, a shard given twice,
/// and a set with shards missing — unless `allow_missing`, when the files
/// merge from the parts there are and summary.json records the missing
/// shards and the planned sample count.
pub fn merge(
    parts: &[PathBuf],
    out: &Path,
    allow_missing: bool,
) -> Result<Vec<FileResult>, MergeError> {
    let parts: Vec<Part> = parts
        .iter()
        .map(|p| {
            read_header(p).map(|(header, body)| Part {
                path: p.clone(),
                header,
                body,
            })
        })
        .collect::<Result<_, _>>()?;
    let first = parts.first().ok_or(MergeError::NoParts)?;
    let batch = &first.header.batch;
    let n = first.header.shard.n;
    // Per file of the batch, its parts by shard.
    let mut by_file: Vec<BTreeMap<u32, &Part>> = vec![BTreeMap::new(); batch.len()];
    for p in &parts {
        let h = &p.header;
        let mismatch = |what: String| MergeError::Mismatch {
            a: first.path.clone(),
            b: p.path.clone(),
            what,
        };
        if h.batch != *batch || h.shard.n != n {
            return Err(mismatch(format!(
                "they split different batches ({} files in {} shards and {} files in {} shards)",
                batch.len(),
                n,
                h.batch.len(),
                h.shard.n
            )));
        }
        let fi = batch
            .iter()
            .position(|f| *f == h.file)
            .ok_or_else(|| mismatch(format!("{} is not a file of the batch", h.file)))?;
        if let Some(q) = by_file[fi].values().next()
            && let Some(what) = q.header.disagreement(h)
        {
            return Err(MergeError::Mismatch {
                a: q.path.clone(),
                b: p.path.clone(),
                what: format!("{what} (for {})", h.file),
            });
        }
        let want = segments_of_shard(batch.len(), h.segment_count, h.shard);
        if h.segments != [want.start, want.end] {
            return Err(mismatch(format!(
                "shard {} of {} holds segments {}..{}, not {}..{}",
                h.shard, h.file, h.segments[0], h.segments[1], want.start, want.end
            )));
        }
        if let Some(q) = by_file[fi].insert(h.shard.k, p) {
            return Err(MergeError::Repeated {
                a: q.path.clone(),
                b: p.path.clone(),
                shard: h.shard,
                file: h.file.clone(),
            });
        }
    }
    let expected = |fi: usize| -> Vec<u32> {
        if batch.len() >= n as usize {
            vec![(fi % n as usize) as u32 + 1]
        } else {
            (1..=n).collect()
        }
    };
    let missing: Vec<Vec<Shard>> = (0..batch.len())
        .map(|fi| {
            expected(fi)
                .into_iter()
                .filter(|k| !by_file[fi].contains_key(k))
                .map(|k| Shard { k, n })
                .collect()
        })
        .collect();
    let named: Vec<String> = missing
        .iter()
        .zip(batch)
        .flat_map(|(m, f)| m.iter().map(move |s| format!("shard {s} of {f}")))
        .collect();
    if !named.is_empty() && !allow_missing {
        return Err(MergeError::Missing(named));
    }
    crate::output::remove_stale_temporaries(out);
    let results = (0..batch.len())
        .into_par_iter()
        .map(|fi| merge_file(&batch[fi], &by_file[fi], &missing[fi], out))
        .collect();
    Ok(results)
}

/// Merges one file's parts (in shard order, which is segment order).
fn merge_file(
    file: &str,
    parts: &BTreeMap<u32, &Part>,
    missing: &[Shard],
    out: &Path,
) -> FileResult {
    let path = Path::new(file);
    let failed = |message: String| {
        FileResult::failed_with(
            path,
            FileError::Part {
                file: path.to_path_buf(),
                message,
            },
        )
    };
    let Some(first) = parts.values().next() else {
        let list: Vec<String> = missing.iter().map(ToString::to_string).collect();
        return failed(format!(
            "no part of this file was merged (shard {} missing)",
            list.join(", ")
        ));
    };
    let h = &first.header;
    let loaded = match crate::source::load(path) {
        Ok(l) => l,
        Err(ds) => return FileResult::failed_with(path, FileError::Invalid(ds)),
    };
    let texts: Vec<&str> = loaded.files.iter().map(|f| f.text.as_str()).collect();
    let hash = scenario_hash(&texts);
    if hash != h.scenario_hash {
        return failed(format!(
            "the scenario or a library it includes changed since the parts ran \
             (hash {hash}, the parts have {}); rerun the shards",
            h.scenario_hash
        ));
    }
    let scenario = match crate::resolve::resolve(&loaded) {
        Ok(s) => s,
        Err(ds) => return FileResult::failed_with(path, FileError::Invalid(ds)),
    };
    let method = match h.method.as_str() {
        "monte_carlo" => Method::MonteCarlo,
        "latin_hypercube" => Method::LatinHypercube,
        "deterministic" => Method::Deterministic,
        other => return failed(format!("the parts name an unknown method `{other}`")),
    };
    let o = RunOptions {
        samples: Some(h.samples),
        seed: Some(h.seed),
        method: Some(method),
        target_se: None,
        held: h.held.clone(),
        skip_analysis: !h.analysis,
    };
    // Parts are read one at a time into one buffer; merge_segments holds
    // two groups of their decoded segments.
    let mut problem = None;
    let mut bytes = Vec::new();
    let segments =
        parts.values().flat_map(
            |p| match read_segments(&p.path, &p.header, p.body, &mut bytes) {
                Ok(s) => s,
                Err(e) => {
                    problem.get_or_insert(e.to_string());
                    Vec::new()
                }
            },
        );
    let merged = palett_model::run::merge_segments(&scenario, &o, segments);
    if let Some(message) = problem {
        return failed(message);
    }
    let mut run = match merged {
        Ok(r) => r,
        Err(source) => {
            return FileResult::failed_with(
                path,
                FileError::Model {
                    file: path.to_path_buf(),
                    source,
                },
            );
        }
    };
    if !missing.is_empty() {
        run.incomplete = Some(Incomplete {
            planned_samples: h.samples,
            missing_shards: missing.iter().map(ToString::to_string).collect(),
        });
    }
    finish_file(path, &h.name, out, scenario, run, None)
}
