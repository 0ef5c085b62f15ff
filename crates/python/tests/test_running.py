"""A long run leaves Python free: the GIL is released, and Ctrl-C stops
it."""

import signal
import subprocess
import sys
import threading
import time

import pytest

import palett


def test_other_python_threads_run_meanwhile(at_root):
    done = threading.Event()
    result = {}

    def work():
        result["r"] = palett.run("scenarios/sodertalje.ron", samples=4000, seed=1)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    ticks = 0
    while not done.is_set():
        ticks += 1
        time.sleep(0.005)
    t.join()
    # With the GIL held for the whole run this thread could not tick at all.
    assert ticks > 10
    assert result["r"].summary["samples"] == 4000


def test_ctrl_c_stops_a_long_run(at_root):
    # A shell starts background jobs with SIGINT ignored, and Python keeps
    # an ignored SIGINT ignored: restore Python's own handler, so the test
    # shows how palett answers Ctrl-C, not how the test was started.
    code = (
        "import palett, signal, sys\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "print('running', flush=True)\n"
        "try:\n"
        "    palett.run('scenarios/sodertalje.ron', samples=10_000_000, threads=1)\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
        "    sys.exit(0)\n"
        "print('finished', flush=True)\n"
    )
    p = subprocess.Popen([sys.executable, "-c", code], cwd=at_root,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "running"
    time.sleep(2)
    p.send_signal(signal.SIGINT)
    # Ten million samples take hours; stopping takes one block.
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    assert out.strip() == "interrupted", err


def test_progress_is_reported_and_can_stop_a_run(at_root):
    seen = []
    r = palett.run("scenarios/sodertalje.ron", samples=20_000, seed=1,
                   progress=lambda done, total: seen.append((done, total)))
    assert seen, "no progress reported"
    assert all(total == 20_000 for _, total in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert r.summary["samples"] == 20_000

    class Enough(Exception):
        pass

    def stop(done, total):
        raise Enough

    with pytest.raises(Enough):
        palett.run("scenarios/sodertalje.ron", samples=10_000_000, progress=stop)
