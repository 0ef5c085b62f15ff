"""Type stubs of palett's native module (Rust, crates/python/src). Use the
functions of the ``palett`` package, which wrap these."""

from typing import Callable, Dict, List, Optional, Sequence, Tuple

__version__: str

class ScenarioError(ValueError):
    """A scenario file is invalid; problems are (file, line, column, message)."""

    problems: List[Tuple[str, int, int, str]]

def run(
    paths: Sequence[str],
    samples: Optional[int] = None,
    seed: Optional[int] = None,
    method: Optional[str] = None,
    threads: Optional[int] = None,
    set: Sequence[Tuple[str, float]] = ...,
    sensitivity: bool = True,
    target_se: Optional[float] = None,
    progress: Optional[Callable[[int, int], object]] = None,
) -> List[Dict[str, object]]:
    """Per file: file, scenario, files (name -> bytes), assertions."""

def params(path: str) -> List[Tuple[str, str, float, float, float, str]]:
    """Per input: path, distribution, central, low, high, file."""

def validate(path: str) -> Tuple[List[Tuple[str, int, int, str]], List[str]]:
    """(problems, warnings)."""

def samples(
    path: str,
    n: int,
    seed: Optional[int] = None,
    method: Optional[str] = None,
    threads: Optional[int] = None,
    set: Sequence[Tuple[str, float]] = ...,
    progress: Optional[Callable[[int, int], object]] = None,
) -> Tuple[bytes, List[str], List[bytes]]:
    """(sample indices as little-endian u64 bytes, names, columns as little-endian f64 bytes)."""
