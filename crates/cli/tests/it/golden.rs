//! Golden results: the complete outputs of every shipped scenario, checked
//! in under `tests/golden/`, compared byte for byte with a fresh run.
//!
//! Two settings per scenario: the file's own run settings (`run/`) and the
//! base case (`deterministic/`). A change that moves a number fails here
//! and shows up in review as a diff of numbers once the files are
//! regenerated, deliberately and in a commit of their own:
//!
//! ```sh
//! PALETT_BLESS=1 cargo test --release --test it golden
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::support::{Scratch, palett, root, text};

/// The files of a result folder, sorted: summary.json and by_year.csv
/// always, sensitivity.json for a sampled run.
fn outputs(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The two settings: folder name and extra arguments of `palett run`.
const SETTINGS: [(&str, &[&str]); 2] = [("run", &[]), ("deterministic", &["--deterministic"])];

fn golden_dir() -> PathBuf {
    root().join("tests/golden")
}

fn blessing() -> bool {
    std::env::var_os("PALETT_BLESS").is_some_and(|v| v != "0" && !v.is_empty())
}

/// Result folders (scenario stems) under `dir`, sorted.
fn stems(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The first line where two texts differ, for a readable failure.
fn first_difference(want: &str, got: &str) -> String {
    for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
        if w != g {
            return format!("line {}:\n  golden: {w}\n  now:    {g}", i + 1);
        }
    }
    format!(
        "lengths differ: golden {} lines, now {} lines",
        want.lines().count(),
        got.lines().count()
    )
}

#[test]
fn golden_results_are_reproduced_byte_for_byte() {
    let scratch = Scratch::new();
    let mut failures = Vec::new();
    for (setting, extra) in SETTINGS {
        let out = scratch.dir.path().join(setting);
        let mut args = vec!["run", "scenarios/", "--quiet", "--out"];
        args.push(out.to_str().expect("utf-8 path"));
        args.extend_from_slice(extra);
        let o = palett(&args);
        let code = o.status.code();
        // Assertions may fail in the base case; the outputs are still written.
        assert!(
            matches!(code, Some(0) | Some(1)),
            "palett {args:?} exited {code:?}: {}",
            text(&o).1
        );
        let golden = golden_dir().join(setting);
        let fresh = stems(&out);
        if blessing() {
            let _ = std::fs::remove_dir_all(&golden);
            for stem in &fresh {
                let dir = golden.join(stem);
                std::fs::create_dir_all(&dir).expect("create golden folder");
                for f in outputs(&out.join(stem)) {
                    std::fs::copy(out.join(stem).join(&f), dir.join(&f)).expect("copy golden file");
                }
            }
            continue;
        }
        let kept = stems(&golden);
        if kept != fresh {
            failures.push(format!(
                "{setting}: golden scenarios {kept:?} but the run wrote {fresh:?}"
            ));
        }
        for stem in kept.intersection(&fresh) {
            let (want_files, got_files) = (outputs(&golden.join(stem)), outputs(&out.join(stem)));
            if want_files != got_files {
                failures.push(format!(
                    "{setting}/{stem}: golden files {want_files:?} but the run wrote {got_files:?}"
                ));
            }
            for f in &want_files {
                let want = std::fs::read_to_string(golden.join(stem).join(f)).unwrap_or_default();
                let got = std::fs::read_to_string(out.join(stem).join(f)).unwrap_or_default();
                if want != got {
                    failures.push(format!(
                        "{setting}/{stem}/{f} differs, {}",
                        first_difference(&want, &got)
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "results moved:\n{}\n\nIf the change is deliberate, regenerate the golden files in a commit \
         of their own that says why the numbers moved:\n  PALETT_BLESS=1 cargo test --release --test it golden",
        failures.join("\n")
    );
}
