//! The Python package's tests (docs/python.md): a virtual environment under
//! target/ with maturin, pytest, numpy and pandas from the package index,
//! the wheel built from crates/python and installed into it, and the
//! pytest suite run against the `palett` binary of the same build, whose
//! results it must equal byte for byte. Python itself must be there (3.9
//! or later, with venv); when it is not, the step says what to install.
//! The step never skips.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::{Step, cargo, on_path, root, run};

/// What the virtual environment gets from the package index.
const PACKAGES: [&str; 4] = ["maturin>=1.9,<2", "pytest>=7", "numpy>=1.22", "pandas>=1.5"];

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("==> Python: {msg}");
    ExitCode::from(1)
}

/// The virtual environment's Python, made when missing.
fn venv(root: &Path) -> Result<PathBuf, ExitCode> {
    let dir = root.join("target/python-venv");
    let python = dir.join("bin/python");
    if python.is_file() {
        return Ok(python);
    }
    if !on_path("python3") {
        return Err(fail(
            "python3 is missing: install Python 3.9 or later with venv and pip \
             (Debian: apt-get install python3 python3-venv), then run this again",
        ));
    }
    let mut make = Command::new("python3");
    make.args(["-m", "venv"]).arg(&dir);
    run(Step {
        what: "a virtual environment (target/python-venv)",
        cmd: make,
    })
    .inspect_err(|_| {
        eprintln!(
            "==> Python: python3 -m venv failed; on Debian install python3-venv \
             (apt-get install python3-venv), then run this again"
        );
        let _ = std::fs::remove_dir_all(&dir);
    })?;
    Ok(python)
}

/// Builds the wheel, installs it and runs the pytest suite; `profile` is
/// the cargo profile of the `palett` binary the suite compares with, and
/// of the wheel; `built`: the tests already built that binary.
pub fn python_test(profile: &str, built: bool) -> Result<(), ExitCode> {
    let root = root();
    let python = venv(&root)?;
    let mut pip = Command::new(&python);
    pip.args(["-m", "pip", "install", "--quiet", "--upgrade"])
        .args(PACKAGES);
    run(Step {
        what: "maturin, pytest, numpy and pandas from the package index",
        cmd: pip,
    })?;
    let manifest = "crates/python/Cargo.toml";
    let target = root.join("target");
    // The bindings are a workspace of their own (the command never links
    // pyo3), so the workspace-wide fmt and clippy steps do not see them.
    run(Step {
        what: "Python bindings: formatting",
        cmd: cargo(&["fmt", "--manifest-path", manifest, "--check"]),
    })?;
    let mut clippy = cargo(&[
        "clippy",
        "--manifest-path",
        manifest,
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]);
    clippy
        .env("CARGO_TARGET_DIR", &target)
        .env("PYO3_PYTHON", &python);
    run(Step {
        what: "Python bindings: clippy, warnings denied",
        cmd: clippy,
    })?;
    let wheels = target.join("wheels");
    let _ = std::fs::remove_dir_all(&wheels);
    let mut build = Command::new(python.with_file_name("maturin"));
    build
        .args(["build", "--profile", profile, "--locked", "--interpreter"])
        .arg(&python)
        .arg("--out")
        .arg(&wheels)
        .current_dir(root.join("crates/python"))
        .env("CARGO_TARGET_DIR", &target);
    run(Step {
        what: "the wheel (maturin build)",
        cmd: build,
    })?;
    let wheel = std::fs::read_dir(&wheels)
        .ok()
        .and_then(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "whl"))
        })
        .ok_or_else(|| fail(format!("maturin wrote no wheel to {}", wheels.display())))?;
    let mut install = Command::new(&python);
    install
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--force-reinstall",
            "--no-deps",
        ])
        .arg(&wheel);
    run(Step {
        what: "install the wheel",
        cmd: install,
    })?;
    let palett = crate::palett_binary(profile, built)?;
    let mut pytest = Command::new(&python);
    pytest
        .args(["-m", "pytest", "-q", "crates/python/tests"])
        .current_dir(&root)
        .env("PALETT_BIN", &palett);
    run(Step {
        what: "the Python package's tests (pytest)",
        cmd: pytest,
    })
}
