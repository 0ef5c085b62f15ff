//! Runs split over machines (docs/distributed.md): which work shard `K/N`
//! of a batch does, the part file it writes, and the merge of a complete
//! set of parts into the result folders of the one-machine run.
//!
//! A run is cut into segments (palett-montecarlo's `segment_samples`) whose
//! statistics fold in sample order. A shard runs a range of whole segments
//! and ships each segment's state; the merge folds every segment in order,
//! whatever shard ran it or when it finished, so the results are
//! byte-identical to a one-machine run of the same scenario, seed and
//! sample count.
//!
//! Part file (format [`PART_FORMAT`]): the line `palett-part`, a u64 length
//! and a JSON [`PartHeader`]; then the segment count and, per segment, its
//! index, byte length and state (palett-montecarlo's codec, little-endian).

mod file;
mod merge;
mod plan;

pub use file::{PART_FORMAT, PartHeader, read_header};
pub use merge::{MergeError, merge};
pub use plan::{Shard, ShardError, files_of_shard, run_shard_file, segments_of_shard};
