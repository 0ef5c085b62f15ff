//! Replays every input under `tests/fuzz-regressions/` (crashes the fuzzer
//! found, and the abort classes of issue 12) through loading and
//! validation: each must end as a scenario or as diagnostics, quickly,
//! never as a panic. docs/fuzzing.md says how inputs get here.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A folder holding a copy of the shipped libraries, so includes resolve
/// as they do for the fuzz target.
fn workspace_with_libraries() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let lib = dir.path().join("lib");
    std::fs::create_dir_all(&lib).expect("mkdir");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/lib");
    for e in std::fs::read_dir(shipped).expect("scenarios/lib").flatten() {
        std::fs::copy(e.path(), lib.join(e.file_name())).expect("copy");
    }
    dir
}

#[test]
fn every_regression_input_loads_or_is_reported() {
    let inputs: Vec<PathBuf> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions"))
            .expect("tests/fuzz-regressions")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
    assert!(!inputs.is_empty());
    let dir = workspace_with_libraries();
    let file = dir.path().join("s.ron");
    for input in inputs {
        std::fs::copy(&input, &file).expect("copy input");
        let start = Instant::now();
        let outcome = std::panic::catch_unwind(|| palett_runner::load_scenario(&file));
        assert!(outcome.is_ok(), "{} panicked", input.display());
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{} took {:?}",
            input.display(),
            start.elapsed()
        );
    }
}
