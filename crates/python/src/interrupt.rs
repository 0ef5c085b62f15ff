//! Long work off the Python thread: the GIL is released so other Python
//! threads run, and Ctrl-C (SIGINT, seen by `check_signals` on the calling
//! thread) stops the work at its next block instead of after the run.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use palett_montecarlo::Progress;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// The unwind payload that stops a run asked to stop: raised from the
/// engine's progress callback, which it calls after every block on the
/// thread driving the run, and caught by [`run_interruptibly`].
struct Stopped;

/// How often the calling thread looks for Ctrl-C.
const POLL: Duration = Duration::from_millis(20);

/// Runs `work` on a worker thread (in a rayon pool of `threads` threads,
/// or the global pool) while the calling thread, without the GIL, waits
/// for it and checks for signals. `work` gets the progress callback to
/// hand to the engine. On Ctrl-C the run stops at its next block and the
/// `KeyboardInterrupt` is raised. `report`, a Python callable, is called
/// on the calling thread (with the GIL) with (samples done, samples
/// planned) whenever a block has finished since the last look; an
/// exception it raises stops the run like Ctrl-C.
pub fn run_interruptibly<T: Send>(
    py: Python<'_>,
    threads: Option<usize>,
    report: Option<&Bound<'_, PyAny>>,
    work: impl FnOnce(&(dyn Fn(Progress) + Sync)) -> T + Send,
) -> PyResult<T> {
    let pool = match threads {
        Some(0) => {
            return Err(pyo3::exceptions::PyValueError::new_err(
                "threads must be at least 1 (or None for one per core)",
            ));
        }
        Some(t) if t > 256 => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "threads must be at most 256; got {t}"
            )));
        }
        Some(t) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .map_err(|e| PyRuntimeError::new_err(format!("cannot start {t} threads: {e}")))?,
        ),
        None => None,
    };
    let stop = AtomicBool::new(false);
    let (done, total) = (AtomicU64::new(0), AtomicU64::new(0));
    let progress = |p: Progress| {
        total.store(p.total, Ordering::Relaxed);
        done.store(p.done, Ordering::Relaxed);
        if stop.load(Ordering::Relaxed) {
            std::panic::resume_unwind(Box::new(Stopped));
        }
    };
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| match &pool {
            Some(pool) => pool.install(|| work(&progress)),
            None => work(&progress),
        });
        let mut interrupted = None;
        let mut reported = 0;
        while !worker.is_finished() {
            py.detach(|| std::thread::sleep(POLL));
            if interrupted.is_some() {
                continue;
            }
            let mut looked = py.check_signals();
            let now = done.load(Ordering::Relaxed);
            if let (Ok(()), Some(f)) = (&looked, report)
                && now != reported
            {
                reported = now;
                looked = f.call1((now, total.load(Ordering::Relaxed))).map(|_| ());
            }
            if let Err(e) = looked {
                stop.store(true, Ordering::Relaxed);
                interrupted = Some(e);
            }
        }
        let joined = py.detach(|| worker.join());
        match (joined, interrupted) {
            (_, Some(e)) => Err(e),
            (Ok(value), None) => Ok(value),
            (Err(panic), None) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown".to_string());
                Err(PyRuntimeError::new_err(format!(
                    "palett stopped on an internal error: {message}"
                )))
            }
        }
    })
}
