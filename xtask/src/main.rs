//! palett's project tasks, run as `cargo xtask <task>` (the alias lives in
//! .cargo/config.toml). No dependencies: it only runs cargo and other
//! programs, in order, and stops at the first failure with its exit code.
//!
//! - `ci`: everything CI checks (this is the README's test command, and
//!   what .ci/run runs): formatting, the declared minimum Rust version, the
//!   crate boundaries (no serde, ron, clap or indicatif below palett-runner),
//!   clippy with warnings denied on all targets, the documentation with
//!   warnings denied, every test optimised (profile `ci`: release without
//!   LTO, with integer overflow checks), the optional `parquet`
//!   feature of palett-runner on its own, and the golden results again
//!   on a portable build (x86-64-v2), so "results do not depend on the
//!   processor" is tested. The report's browser test needs Chromium: when
//!   it is missing, `ci` installs Debian's `chromium` with apt-get, or
//!   stops and says what to install.
//!   Then the Python package ([`python`]): a virtual environment with
//!   maturin and pytest from the package index, the wheel built and
//!   installed, its tests run against the binary (`cargo xtask python`
//!   runs that step alone).
//!   Then a sharded run on a real Slurm ([`slurm`]): Debian's `slurm-wlm`
//!   installed when missing, a single-node cluster started from a temporary
//!   configuration, deploy/slurm's job array and merge job submitted, the
//!   merge compared byte for byte with a one-machine run (`cargo xtask
//!   slurm` runs that step alone).
//! - `bless`: regenerates the golden results (tests/golden) after a
//!   deliberate change of numbers; commit them on their own, saying why.

mod python;
mod slurm;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The portable target the golden results are checked on besides the
/// native build.
const PORTABLE_CPU: &str = "x86-64-v2";

/// The cargo profile `ci` builds its tests with (Cargo.toml: release
/// optimisation without whole-program LTO, so many test binaries build in
/// parallel, and with integer overflow checks; the golden tests show the
/// numbers equal the release build's).
const CI_PROFILE: &str = "ci";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A step: a description and a command.
struct Step {
    what: &'static str,
    cmd: Command,
}

fn cargo(args: &[&str]) -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.args(args).current_dir(root());
    c
}

fn run(step: Step) -> Result<(), ExitCode> {
    let Step { what, mut cmd } = step;
    eprintln!("\n==> {what}");
    let started = std::time::Instant::now();
    match cmd.status() {
        Ok(s) if s.success() => {
            eprintln!("==> {what}: ok ({:.0} s)", started.elapsed().as_secs_f64());
            Ok(())
        }
        Ok(s) => {
            eprintln!("==> {what}: FAILED ({s})");
            Err(ExitCode::from(
                s.code().map_or(1, |c| c.clamp(1, 255) as u8),
            ))
        }
        Err(e) => {
            eprintln!("==> {what}: cannot start: {e}");
            Err(ExitCode::from(1))
        }
    }
}

/// The `rust-version` the workspace declares, e.g. "1.95".
fn declared_msrv() -> Option<String> {
    let text = std::fs::read_to_string(root().join("Cargo.toml")).ok()?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("rust-version"))
        .and_then(|rest| rest.split('"').nth(1))
        .map(str::to_string)
}

/// The version of the compiler cargo uses, e.g. "1.95.0".
fn rustc_version() -> Option<String> {
    let out = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("--version")
        .output()
        .ok()?;
    String::from_utf8(out.stdout)
        .ok()?
        .split_whitespace()
        .nth(1)
        .map(str::to_string)
}

/// The workspace declares the version it is built and tested with: the
/// compiler here must be exactly that minor version, so the declaration is
/// what CI tests, not a claim.
fn check_msrv() -> Result<(), ExitCode> {
    eprintln!("\n==> minimum supported Rust version");
    let (Some(msrv), Some(rustc)) = (declared_msrv(), rustc_version()) else {
        eprintln!("==> cannot read rust-version from Cargo.toml or the rustc version");
        return Err(ExitCode::from(1));
    };
    let minor = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    if minor(&msrv) != minor(&rustc) {
        eprintln!(
            "==> Cargo.toml declares rust-version {msrv}, but this build uses rustc {rustc}; \
             CI builds with the declared version, so install it (rustup toolchain install {msrv}) \
             or change the declaration to the version that is tested"
        );
        return Err(ExitCode::from(1));
    }
    eprintln!("==> rust-version {msrv}: building with rustc {rustc}: ok");
    Ok(())
}

/// Crates that must build without any file-format or command-line
/// dependency (docs/architecture.md, invariants).
const MODEL_CRATES: [&str; 4] = [
    "palett-cost",
    "palett-montecarlo",
    "palett-synergy",
    "palett-model",
];

/// Dependencies the model crates must not have.
const NOT_IN_MODEL_CRATES: [&str; 4] = ["serde", "ron", "clap", "indicatif"];

/// Checks with `cargo tree -e normal` that no model crate depends on serde,
/// ron, clap or indicatif, directly or not.
fn check_boundaries() -> Result<(), ExitCode> {
    eprintln!("\n==> crate boundaries: model crates without serde, ron, clap, indicatif");
    for krate in MODEL_CRATES {
        let out = cargo(&["tree", "-e", "normal", "--prefix", "none", "-p", krate])
            .output()
            .map_err(|e| {
                eprintln!("==> cannot run cargo tree: {e}");
                ExitCode::from(1)
            })?;
        if !out.status.success() {
            eprintln!("==> cargo tree -p {krate} failed");
            return Err(ExitCode::from(1));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let bad: Vec<&str> = text
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|name| NOT_IN_MODEL_CRATES.contains(name))
            .collect();
        if !bad.is_empty() {
            eprintln!(
                "==> {krate} depends on {}: move that code to palett-runner or palett-cli",
                bad.join(", ")
            );
            return Err(ExitCode::from(1));
        }
    }
    eprintln!("==> crate boundaries: ok");
    Ok(())
}

/// Browser binaries the report's browser test looks for (crates/cli/tests/it/browser.rs).
const CHROMIUM_NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// The `palett` binary of `profile` (`target/<profile>/palett`), built
/// unless `built` says the tests already built it: building palett-cli
/// alone resolves features differently from the workspace's test build and
/// would build it again.
fn palett_binary(profile: &str, built: bool) -> Result<PathBuf, ExitCode> {
    let palett = root().join("target").join(profile).join("palett");
    if !(built && palett.is_file()) {
        run(Step {
            what: "build palett",
            cmd: cargo(&[
                "build",
                "--profile",
                profile,
                "--locked",
                "-p",
                "palett-cli",
            ]),
        })?;
    }
    Ok(palett)
}

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
        .unwrap_or(false)
}

/// Makes sure the browser test has a Chromium: PALETT_CHROMIUM or one on
/// PATH; otherwise installs Debian's package with apt-get, or stops and
/// says what to install. The test is never skipped.
fn ensure_chromium() -> Result<(), ExitCode> {
    eprintln!("\n==> Chromium for the report's browser test");
    if std::env::var_os("PALETT_CHROMIUM").is_some() || CHROMIUM_NAMES.iter().any(|n| on_path(n)) {
        eprintln!("==> Chromium: found");
        return Ok(());
    }
    if !on_path("apt-get") {
        eprintln!(
            "==> Chromium is missing and there is no apt-get here: install Chromium \
             (Debian: apt-get install chromium) or set PALETT_CHROMIUM to its binary"
        );
        return Err(ExitCode::from(1));
    }
    eprintln!("==> Chromium is missing: installing Debian's `chromium` with apt-get");
    let mut update = Command::new("apt-get");
    update.args(["update", "-qq"]);
    let mut install = Command::new("apt-get");
    install
        .args([
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "chromium",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive");
    let installed = run(Step {
        what: "apt-get update",
        cmd: update,
    })
    .and_then(|()| {
        run(Step {
            what: "apt-get install chromium",
            cmd: install,
        })
    });
    if installed.is_err() || !CHROMIUM_NAMES.iter().any(|n| on_path(n)) {
        eprintln!(
            "==> could not install Chromium: run `apt-get install chromium` as root \
             (or set PALETT_CHROMIUM to a Chromium binary), then `cargo xtask ci` again"
        );
        return Err(ExitCode::from(1));
    }
    Ok(())
}

fn ci() -> Result<(), ExitCode> {
    run(Step {
        what: "formatting (cargo fmt --check)",
        cmd: cargo(&["fmt", "--all", "--check"]),
    })?;
    check_msrv()?;
    check_boundaries()?;
    run(Step {
        what: "clippy, warnings denied, all targets",
        cmd: cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    })?;
    let mut doc = cargo(&["doc", "--workspace", "--no-deps", "--locked"]);
    doc.env("RUSTDOCFLAGS", "-D warnings");
    run(Step {
        what: "documentation, warnings denied",
        cmd: doc,
    })?;
    ensure_chromium()?;
    run(Step {
        what: "tests (optimised, profile `ci`)",
        cmd: cargo(&["test", "--workspace", "--profile", CI_PROFILE, "--locked"]),
    })?;
    // The optional Parquet writer is not in the default build; check and
    // test it on its own (unoptimised, one crate, so it stays cheap).
    run(Step {
        what: "the `parquet` feature: clippy and tests",
        cmd: cargo(&[
            "clippy",
            "-p",
            "palett-runner",
            "--features",
            "parquet",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    })?;
    run(Step {
        what: "the `parquet` feature: tests",
        cmd: cargo(&[
            "test",
            "-p",
            "palett-runner",
            "--features",
            "parquet",
            "--profile",
            "quick",
            "--locked",
            "samples",
        ]),
    })?;
    let mut portable = cargo(&[
        "test",
        "--profile",
        CI_PROFILE,
        "--locked",
        "-p",
        "palett-cli",
        "--test",
        "it",
        "golden",
        "--target-dir",
        "target/portable",
    ]);
    portable.env("RUSTFLAGS", format!("-C target-cpu={PORTABLE_CPU}"));
    run(Step {
        what: "golden results on a portable build (x86-64-v2)",
        cmd: portable,
    })?;
    python::python_test(CI_PROFILE, true)?;
    slurm::slurm_test(CI_PROFILE, true)?;
    eprintln!("\n==> all checks passed");
    Ok(())
}

fn bless() -> Result<(), ExitCode> {
    let mut c = cargo(&[
        "test",
        "--release",
        "-p",
        "palett-cli",
        "--test",
        "it",
        "golden",
    ]);
    c.env("PALETT_BLESS", "1");
    run(Step {
        what: "regenerate the golden results (tests/golden)",
        cmd: c,
    })?;
    eprintln!(
        "==> review `git diff --stat tests/golden` and commit the new numbers on their own, saying why they moved"
    );
    Ok(())
}

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  ci      everything CI checks: fmt, clippy, docs, MSRV, tests (Chromium installed if missing), portable golden results, Python, Slurm
  python  the Python package: wheel built with maturin in a virtual environment, pytest against the binary
  slurm   the sharded run on a single-node Slurm (installed with apt-get if missing)
  bless   regenerate the golden results after a deliberate change of numbers";

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    let result = match task.as_deref() {
        Some("ci") => ci(),
        Some("bless") => bless(),
        Some("slurm") => slurm::slurm_test("release", false),
        Some("python") => python::python_test(CI_PROFILE, false),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            Err(ExitCode::from(2))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
