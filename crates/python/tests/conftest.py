"""Shared set-up: the repository root and the ``palett`` command the
Python results are compared with (PALETT_BIN, set by ``cargo xtask
python``)."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def palett_bin() -> str:
    path = os.environ.get("PALETT_BIN")
    if not path or not Path(path).is_file():
        pytest.fail(
            "set PALETT_BIN to the palett binary (cargo build --release; "
            "`cargo xtask python` does this), so results can be compared with the command's"
        )
    return path


@pytest.fixture()
def at_root(monkeypatch):
    """Run from the repository root, as the command does in these tests, so
    the file paths written into the results are the same."""
    monkeypatch.chdir(ROOT)
    return ROOT


@pytest.fixture()
def cli(palett_bin):
    """Runs the palett command from the repository root; returns the
    completed process."""

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [palett_bin, *args], cwd=ROOT, capture_output=True, text=True, check=False
        )

    return run
