"""palett: socio-economic scenario modelling of social investment.

Run scenario files, read their results as tables, and analyse the samples
yourself. The numbers are those of the ``palett`` command for the same
file, seed and options, bit for bit: this package runs the same Rust code
and reads the very bytes the command writes.

>>> import palett
>>> r = palett.run("scenarios/herrgarden.ron", samples=2000, seed=1)
>>> r.mixes[["mix", "npv_mean", "p_best"]]

Tables are pandas DataFrames when pandas is installed, otherwise dicts of
column lists. docs/python.md walks through it.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Union

import numpy as np

from . import _native, _tables

__version__: str = _native.__version__

PathLike = Union[str, "os.PathLike[str]"]


class Problem(NamedTuple):
    """One problem with a scenario file. ``line`` and ``column`` count from
    1; both are 0 for a problem with the file as a whole."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ScenarioError(_native.ScenarioError):  # type: ignore[misc, valid-type]
    """A scenario file (or one it includes) is invalid. ``problems`` is the
    list of :class:`Problem` (file, line, column, message); the message
    lists them as FILE:LINE:COL: message, one a line."""

    problems: List[Problem]


class Assertion(NamedTuple):
    """An assertion of the scenario file, checked against the run."""

    claim: str
    location: str
    holds: bool
    value: str


def _reraise(e: Any) -> ScenarioError:
    err = ScenarioError(str(e))
    err.problems = [Problem(*p) for p in getattr(e, "problems", [])]
    return err


class Result:
    """The results of one scenario's run.

    Attributes:
        file: the scenario file, as given.
        scenario: the scenario's name.
        summary: summary.json, parsed (a dict).
        mixes: a row per mix, the summary statistics as columns.
        by_actor: a row per mix and actor.
        by_year: the long by-year table (by_year.csv).
        sensitivity: per-input sensitivity, a row per mix, output, key and
            input; None for a run without the analysis.
        analysis: sensitivity.json parsed (value of information,
            acceptability over the discount rate); None without it.
        warnings: the warnings of the run, each with its place when it has
            one (FILE:LINE:COL: message).
        assertions: the file's assertions and whether they hold.
        files: the result files as ``palett run`` writes them (name →
            bytes).
    """

    def __init__(self, raw: Dict[str, Any]) -> None:
        self.file: str = raw["file"]
        self.scenario: str = raw["scenario"]
        self.files: Dict[str, bytes] = dict(raw["files"])
        self.summary: Dict[str, Any] = json.loads(self.files["summary.json"])
        self.assertions: List[Assertion] = [Assertion(*a) for a in raw["assertions"]]
        self.warnings: List[str] = list(self.summary.get("warnings", []))
        sens = self.files.get("sensitivity.json")
        self.analysis: Optional[Dict[str, Any]] = None if sens is None else json.loads(sens)
        self.mixes = _tables.mixes(self.summary)
        self.by_actor = _tables.by_actor(self.summary)
        self.by_year = _tables.by_year(self.files["by_year.csv"])
        self.sensitivity = None if self.analysis is None else _tables.sensitivity(self.analysis)

    def to_json(self) -> str:
        """summary.json exactly as ``palett run`` writes it."""
        return self.files["summary.json"].decode("utf-8")

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<palett.Result {self.scenario!r}: {len(s['mixes'])} mixes, "
            f"{s['samples']} samples, seed {s['seed']}>"
        )


def _held(set: Optional[Mapping[str, float]]) -> List[tuple]:
    if set is None:
        return []
    return [(str(k), float(v)) for k, v in set.items()]


def run(
    path_or_paths: Union[PathLike, Sequence[PathLike]],
    samples: Optional[int] = None,
    seed: Optional[int] = None,
    method: Optional[str] = None,
    threads: Optional[int] = None,
    set: Optional[Mapping[str, float]] = None,
    sensitivity: bool = True,
    target_se: Optional[float] = None,
    progress: Optional[Callable[[int, int], object]] = None,
) -> Union[Result, List[Result]]:
    """Run scenario files as ``palett run`` does.

    Args:
        path_or_paths: one scenario file, or a list of them.
        samples: Monte Carlo samples (default: the file's ``run`` block,
            else palett's default).
        seed: seed of the random streams (default: the file's, else 0).
        method: ``"lhs"`` (Latin hypercube), ``"mc"`` (plain Monte Carlo)
            or ``"deterministic"`` (the base case: every input at its
            central value).
        threads: worker threads (default: one per core). Results do not
            depend on it.
        set: uncertain inputs held at a value in every sample, by their
            ``palett params`` path, as ``--set PATH=VALUE``:
            ``{"interventions.tore.reach": 0.6}``.
        sensitivity: False skips the analysis (``--no-sensitivity``).
        target_se: stop at the first block where every mix's mean total
            NPV has at most this standard error, SEK (``--target-se``);
            ``samples`` is then the most it runs.
        progress: called as ``progress(done, total)`` (samples of the
            file being run) as blocks finish, on the calling thread, e.g.
            to move a tqdm bar; an exception it raises stops the run.

    Returns:
        A :class:`Result` for one path, a list of them (in order) for a
        list.

    Raises:
        ScenarioError: a file is invalid; nothing runs. ``problems`` lists
            every problem of every invalid file.
        ValueError: an option is out of range.
        RuntimeError: a run failed (an unknown ``set`` path, a result that
            is not a finite number); palett's message says why.
        KeyboardInterrupt: Ctrl-C; the run stops at its next block.
    """
    single = isinstance(path_or_paths, (str, os.PathLike))
    paths = [path_or_paths] if single else list(path_or_paths)  # type: ignore[arg-type]
    try:
        raw = _native.run(
            [os.fspath(p) for p in paths],
            samples=samples,
            seed=seed,
            method=method,
            threads=threads,
            set=_held(set),
            sensitivity=sensitivity,
            target_se=target_se,
            progress=progress,
        )
    except _native.ScenarioError as e:
        raise _reraise(e) from None
    results = [Result(r) for r in raw]
    return results[0] if single else results


def params(path: PathLike) -> Any:
    """The uncertain inputs of a scenario, as ``palett params`` lists them:
    a table with ``path``, ``distribution``, ``central``, ``low``, ``high``
    (the distribution's support) and ``file``.

    Raises:
        ScenarioError: the file is invalid.
    """
    try:
        entries = _native.params(os.fspath(path))
    except _native.ScenarioError as e:
        raise _reraise(e) from None
    return _tables.params(entries)


def validate(path: PathLike) -> List[Problem]:
    """The problems of a scenario file, as ``palett validate`` finds them:
    an empty list when it is valid. Warnings (old spellings, an implausible
    discount rate) are in :func:`warnings`."""
    problems, _ = _native.validate(os.fspath(path))
    return [Problem(*p) for p in problems]


def warnings(path: PathLike) -> List[str]:
    """The warnings ``palett validate`` prints for a valid file, each with
    its place in front (FILE:LINE:COL: message, or FILE: message)."""
    _, found = _native.validate(os.fspath(path))
    return list(found)


def samples(
    path: PathLike,
    n: int,
    seed: Optional[int] = None,
    method: Optional[str] = None,
    threads: Optional[int] = None,
    set: Optional[Mapping[str, float]] = None,
    progress: Optional[Callable[[int, int], object]] = None,
) -> Dict[str, np.ndarray]:
    """Each sample's inputs and NPVs, for your own analysis.

    Runs ``n`` samples (no analysis) and returns a dict of 1-D numpy
    arrays of length ``n``: ``"sample"`` (int64 index), every uncertain
    input by its ``palett params`` path, then ``"npv/<mix>/<actor>"`` and
    ``"npv/<mix>/total"`` (SEK) for every mix but do-nothing — the values
    of ``palett run --samples n --samples-out FILE``, bit for bit.
    ``seed``, ``method``, ``threads``, ``set`` and ``progress`` are as in
    :func:`run`.

    Raises:
        ScenarioError: the file is invalid.
        ValueError, RuntimeError, KeyboardInterrupt: as :func:`run`.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    try:
        index, names, columns = _native.samples(
            os.fspath(path),
            n,
            seed=seed,
            method=method,
            threads=threads,
            set=_held(set),
            progress=progress,
        )
    except _native.ScenarioError as e:
        raise _reraise(e) from None
    out: Dict[str, np.ndarray] = {"sample": np.frombuffer(index, dtype="<u8").astype(np.int64)}
    for name, data in zip(names, columns):
        out[name] = np.frombuffer(data, dtype="<f8").copy()
    return out


__all__ = [
    "Assertion",
    "Problem",
    "Result",
    "ScenarioError",
    "params",
    "run",
    "samples",
    "validate",
    "warnings",
]
