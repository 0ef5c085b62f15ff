//! The sharded run on a real Slurm (docs/distributed.md): a single-node
//! cluster started on this machine from a minimal configuration in a
//! temporary folder, the job array and merge job of deploy/slurm submitted
//! to it, and the merged results compared byte for byte with a
//! one-machine run. Slurm is installed from Debian's packages when it is
//! missing; the step never skips.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use crate::{Step, on_path, root, run};

/// What the test runs: a scenario, its sample count and the shards.
const SCENARIO: &str = "scenarios/gang-network.ron";
const SAMPLES: &str = "13000";
const SHARDS: &str = "4";
/// The files a result folder must hold, compared byte for byte.
const RESULT_FILES: [&str; 4] = [
    "summary.json",
    "by_year.csv",
    "sensitivity.json",
    "inputs.json",
];
/// Longest wait for the cluster to come up and for the jobs to finish.
const UP_TIMEOUT: Duration = Duration::from_secs(30);
const JOB_TIMEOUT: Duration = Duration::from_secs(120);

const SLURM_BINARIES: [&str; 5] = ["sbatch", "squeue", "sinfo", "slurmctld", "slurmd"];

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("==> Slurm test: {msg}");
    ExitCode::from(1)
}

/// Makes sure Slurm's commands and daemons are installed (as root, from
/// Debian's `slurm-wlm` with apt-get) or says what to install.
fn ensure_slurm() -> Result<(), ExitCode> {
    if SLURM_BINARIES.iter().all(|b| on_path(b)) {
        return Ok(());
    }
    if !on_path("apt-get") {
        return Err(fail(
            "Slurm is missing and there is no apt-get here: install Slurm \
             (Debian: apt-get install slurm-wlm) so sbatch, squeue, slurmctld and slurmd are on PATH",
        ));
    }
    eprintln!("==> Slurm is missing: installing Debian's `slurm-wlm` with apt-get");
    let mut update = Command::new("apt-get");
    update.args(["update", "-qq"]);
    let mut install = Command::new("apt-get");
    install
        .args([
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "slurm-wlm",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive");
    run(Step {
        what: "apt-get update",
        cmd: update,
    })
    .and_then(|()| {
        run(Step {
            what: "apt-get install slurm-wlm",
            cmd: install,
        })
    })?;
    if let Some(b) = SLURM_BINARIES.iter().find(|b| !on_path(b)) {
        return Err(fail(format!(
            "`{b}` is still not on PATH after installing slurm-wlm"
        )));
    }
    Ok(())
}

/// A running single-node cluster; stopped (its two daemons killed by the
/// pids in their pid files) when dropped.
struct Cluster {
    dir: PathBuf,
    conf: PathBuf,
}

impl Cluster {
    fn start(dir: &Path) -> Result<Cluster, ExitCode> {
        let host = Command::new("hostname")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|h| !h.is_empty())
            .ok_or_else(|| fail("cannot read the host name"))?;
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        // Ports away from Slurm's defaults, so a cluster already on the
        // machine is not disturbed.
        let port = 17_000 + (std::process::id() % 2_000) * 2;
        let d = dir.display();
        let conf_text = format!(
            "ClusterName=palett-test\n\
             SlurmctldHost={host}\n\
             SlurmUser=root\nSlurmdUser=root\n\
             AuthType=auth/none\nCredType=cred/none\n\
             ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n\
             SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n\
             AccountingStorageType=accounting_storage/none\nJobCompType=jobcomp/none\n\
             MpiDefault=none\nReturnToService=2\n\
             SlurmctldPort={port}\nSlurmdPort={}\n\
             StateSaveLocation={d}/state\nSlurmdSpoolDir={d}/spool\n\
             SlurmctldPidFile={d}/slurmctld.pid\nSlurmdPidFile={d}/slurmd.pid\n\
             SlurmctldLogFile={d}/slurmctld.log\nSlurmdLogFile={d}/slurmd.log\n\
             NodeName={host} CPUs={cpus} RealMemory=8000 State=UNKNOWN\n\
             PartitionName=debug Nodes={host} Default=YES MaxTime=INFINITE State=UP\n",
            port + 1
        );
        let io = |e: std::io::Error| fail(format!("{}: {e}", dir.display()));
        std::fs::create_dir_all(dir.join("state")).map_err(io)?;
        std::fs::create_dir_all(dir.join("spool")).map_err(io)?;
        let conf = dir.join("slurm.conf");
        std::fs::write(&conf, conf_text).map_err(io)?;
        let cluster = Cluster {
            dir: dir.to_path_buf(),
            conf,
        };
        for daemon in ["slurmctld", "slurmd"] {
            let started = Command::new(daemon).arg("-f").arg(&cluster.conf).status();
            if !started.is_ok_and(|s| s.success()) {
                return Err(fail(format!(
                    "{daemon} did not start (are we root? see {}/{daemon}.log)",
                    dir.display()
                )));
            }
        }
        let t0 = Instant::now();
        loop {
            let state = cluster.slurm("sinfo", &["-h", "-o", "%t"]);
            if state.as_deref().is_some_and(|s| s.trim() == "idle") {
                break;
            }
            if t0.elapsed() > UP_TIMEOUT {
                return Err(fail(format!(
                    "the node is not idle after {} s (sinfo: {state:?}); see {}/slurmd.log",
                    UP_TIMEOUT.as_secs(),
                    dir.display()
                )));
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        Ok(cluster)
    }

    /// Runs a Slurm client command against this cluster; its stdout.
    fn slurm(&self, cmd: &str, args: &[&str]) -> Option<String> {
        let o = Command::new(cmd)
            .args(args)
            .env("SLURM_CONF", &self.conf)
            .output()
            .ok()?;
        o.status
            .success()
            .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for daemon in ["slurmd", "slurmctld"] {
            let pid = std::fs::read_to_string(self.dir.join(format!("{daemon}.pid")));
            if let Ok(pid) = pid {
                let _ = Command::new("kill").arg(pid.trim()).status();
            }
        }
        eprintln!("==> Slurm test: cluster stopped");
    }
}

/// Submits deploy/slurm's array and merge jobs to a fresh single-node
/// cluster and checks the merged results against a one-machine run.
/// `profile`: the cargo profile whose binary runs the jobs; `built`: that
/// binary is already there (the tests built it in `cargo xtask ci`), so it
/// is not built again — building the one package alone resolves features
/// differently and would recompile it.
pub fn slurm_test(profile: &str, built: bool) -> Result<(), ExitCode> {
    eprintln!("\n==> sharded run on a single-node Slurm (deploy/slurm)");
    let started = Instant::now();
    ensure_slurm()?;
    let palett = crate::palett_binary(profile, built)?;
    let dir = std::env::temp_dir().join(format!("palett-slurm-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let result = (|| {
        let cluster = Cluster::start(&dir.join("cluster"))?;
        let (parts, merged, one) = (dir.join("parts"), dir.join("merged"), dir.join("one"));
        let submit = Command::new(root().join("deploy/slurm/submit.sh"))
            .args([SHARDS, SCENARIO])
            .arg(&parts)
            .arg(&merged)
            .arg(SAMPLES)
            .env("PALETT", &palett)
            .env("SLURM_CONF", &cluster.conf)
            .current_dir(root())
            .output()
            .map_err(|e| fail(format!("cannot run deploy/slurm/submit.sh: {e}")))?;
        if !submit.status.success() {
            return Err(fail(format!(
                "deploy/slurm/submit.sh failed: {}",
                String::from_utf8_lossy(&submit.stderr)
            )));
        }
        let ids = String::from_utf8_lossy(&submit.stdout).trim().to_string();
        eprintln!("==> Slurm test: submitted jobs {ids}");
        let t0 = Instant::now();
        loop {
            let queue = cluster.slurm("squeue", &["-h"]).unwrap_or_default();
            if queue.trim().is_empty() {
                break;
            }
            if t0.elapsed() > JOB_TIMEOUT {
                let _ = cluster.slurm("scancel", &["-u", "root"]);
                return Err(fail(format!(
                    "jobs still queued after {} s:\n{queue}",
                    JOB_TIMEOUT.as_secs()
                )));
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        let baseline = Command::new(&palett)
            .args(["run", SCENARIO, "--samples", SAMPLES, "-q", "--out"])
            .arg(&one)
            .current_dir(root())
            .stdout(std::process::Stdio::null())
            .status();
        if !baseline.is_ok_and(|s| s.code().is_some_and(|c| c <= 1)) {
            return Err(fail("the one-machine run failed"));
        }
        let stem = Path::new(SCENARIO)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for f in RESULT_FILES {
            let want = std::fs::read(one.join(&stem).join(f));
            let got = std::fs::read(merged.join(&stem).join(f));
            match (want, got) {
                (Ok(w), Ok(g)) if w == g => {}
                (Ok(_), Ok(_)) => {
                    return Err(fail(format!("{stem}/{f} differs from the one-machine run")));
                }
                (_, Err(e)) => {
                    let log = std::fs::read_to_string(parts.join("merge.log")).unwrap_or_default();
                    return Err(fail(format!(
                        "the merge job wrote no {stem}/{f} ({e}); merge.log:\n{log}"
                    )));
                }
                (Err(e), _) => return Err(fail(format!("one-machine {stem}/{f}: {e}"))),
            }
        }
        Ok(())
    })();
    if result.is_ok() {
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!(
            "==> sharded run on Slurm: ok, byte-identical to one machine ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    } else {
        eprintln!("==> Slurm test: files kept in {}", dir.display());
    }
    result
}
