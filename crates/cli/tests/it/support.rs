//! Helpers: run the binary, write scratch scenario files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The workspace root (the tests run from the crate's folder).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `palett` with `args` from the workspace root.
pub fn palett(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palett"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("the palett binary runs")
}

/// stdout and stderr as text.
pub fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A scratch folder with files written into it.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// Writes `name` (may contain folders) and returns its full path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&p, text).expect("write scratch file");
        p
    }
}

/// Runs `palett run ARGS... -q --out OUT` expecting success, and returns
/// the summary.json text of the scenario with file stem `stem`.
pub fn run_summary(args: &[&str], out: &Path, stem: &str) -> String {
    let out_arg = out.to_str().expect("utf-8 path");
    let mut all: Vec<&str> = vec!["run"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-q", "--out", out_arg]);
    let o = palett(&all);
    assert!(o.status.success(), "palett {all:?}: {}", text(&o).1);
    std::fs::read_to_string(out.join(stem).join("summary.json")).expect("summary.json written")
}
