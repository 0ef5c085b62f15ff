"""Turning palett's result files into tables.

Every table is built from the bytes ``palett run`` writes (summary.json,
by_year.csv, sensitivity.json), parsed with Python's own exact number
parsing, so a value in a table is the value in the file, bit for bit.
A table is a pandas DataFrame when pandas is installed, otherwise a dict
mapping each column name to a list of values (``pandas.DataFrame(table)``
turns it into the same DataFrame later).
"""

from __future__ import annotations

import csv
import io
from typing import Any, Dict, List, Optional

try:  # pandas is optional: without it, tables are dicts of columns.
    import pandas as _pd
except ImportError:  # pragma: no cover - exercised by the no-pandas test
    _pd = None

Columns = Dict[str, List[Any]]


def _is_scalar(v: Any) -> bool:
    return v is None or isinstance(v, (int, float, bool, str))


def _table(columns: Columns) -> Any:
    if _pd is None:
        return columns
    return _pd.DataFrame(columns)


def _rows_to_columns(rows: List[Dict[str, Any]]) -> Columns:
    """Columns in first-seen order; a row without a column gets None."""
    names: List[str] = []
    seen = set()
    for row in rows:
        for name in row:
            if name not in seen:
                seen.add(name)
                names.append(name)
    return {n: [row.get(n) for row in rows] for n in names}


def mixes(summary: Dict[str, Any]) -> Any:
    """A row per mix: ``mix``, ``description``, then every summary figure of
    the mix that is a number (``p_best``, ``p_npv_positive``) or a set of
    statistics of one number, flattened as ``<figure>_<statistic>``
    (``npv_mean``, ``npv_p5``, ``bcr_p50``, ``payback_year_p_within_horizon``,
    ``tipping_year_p_reached``, …). Per-actor figures are in ``by_actor``.
    """
    rows = []
    for m in summary["mixes"]:
        row: Dict[str, Any] = {"mix": m["name"], "description": m.get("description")}
        for key, value in m.items():
            if key in ("name", "description"):
                continue
            if _is_scalar(value):
                row[key] = value
            elif isinstance(value, dict) and value and all(_is_scalar(v) for v in value.values()):
                for stat, v in value.items():
                    row[f"{key}_{stat}"] = v
        rows.append(row)
    return _table(_rows_to_columns(rows))


def by_actor(summary: Dict[str, Any]) -> Any:
    """A row per mix and actor (the scenario's actors, in its order):
    ``mix``, ``actor``, then each per-actor figure flattened as
    ``<figure>_<statistic>``: ``npv_*``, ``payback_*`` (with
    ``payback_p_invests``), ``first_gain_year_*``, and the present values
    ``baseline_cost_*``, ``investment_*``, ``avoided_*``.
    """
    actors = summary["actors"]
    rows = []
    for m in summary["mixes"]:
        for actor in actors:
            row: Dict[str, Any] = {"mix": m["name"], "actor": actor}
            for key, value in m.items():
                if not key.endswith("_by_actor") or not isinstance(value, dict):
                    continue
                if actor in value:
                    # <figure>_by_actor: {actor: statistics}
                    figure = key[: -len("_by_actor")]
                    for stat, v in value[actor].items():
                        row[f"{figure}_{stat}"] = v
                else:
                    # pv_by_actor: {measure: {actor: statistics}}
                    for measure, per_actor in value.items():
                        if isinstance(per_actor, dict) and actor in per_actor:
                            for stat, v in per_actor[actor].items():
                                row[f"{measure}_{stat}"] = v
            rows.append(row)
    return _table(_rows_to_columns(rows))


def _number(text: str) -> Optional[float]:
    return None if text == "" else float(text)


def by_year(data: bytes) -> Any:
    """by_year.csv as a table, its columns as in the file: ``mix``,
    ``year`` (int), ``measure``, ``key``, then the statistics (``mean``,
    ``p5``, ``p50``, ``p95``) as floats, None (NaN in pandas) where
    undefined.
    """
    reader = csv.reader(io.StringIO(data.decode("utf-8")))
    header = next(reader)
    columns: Columns = {name: [] for name in header}
    text_columns = {"mix", "measure", "key"}
    for record in reader:
        for name, text in zip(header, record):
            if name in text_columns:
                columns[name].append(text)
            elif name == "year":
                columns[name].append(int(text))
            else:
                columns[name].append(_number(text))
    return _table(columns)


def sensitivity(analysis: Dict[str, Any]) -> Any:
    """sensitivity.json's per-input measures as a long table: a row per
    mix, output, key and input, with ``spearman``, ``spearman_se``,
    ``first_order``, ``first_order_se``. ``output`` is ``npv`` (``key`` an
    actor or ``total``) or ``lead_over_runner_up`` (``key`` None).
    """
    rows = []
    for mix, outputs in analysis["sensitivity"].items():
        for output, keyed in outputs.items():
            per_key = keyed.items() if isinstance(keyed, dict) else [(None, keyed)]
            for key, entries in per_key:
                for e in entries:
                    row = {"mix": mix, "output": output, "key": key}
                    row.update(e)
                    rows.append(row)
    return _table(_rows_to_columns(rows))


def params(entries: List[tuple]) -> Any:
    """The uncertain inputs: ``path``, ``distribution``, ``central``,
    ``low``, ``high`` (the distribution's support) and ``file``."""
    names = ["path", "distribution", "central", "low", "high", "file"]
    return _table({n: [e[i] for e in entries] for i, n in enumerate(names)})
