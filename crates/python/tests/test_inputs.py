"""palett.params, palett.validate, palett.samples and the errors a bad file
raises."""

import csv
import io
import subprocess
import sys

import numpy as np
import pytest

import palett

BAD = """Scenario(
    name: "bad",
    settings: (horizon: 10, discount_rate: 0.03),
    groups: { "g": (profile: "nowhere", inflow: 3) },
)
"""


def test_params_lists_what_the_command_lists(cli, at_root):
    table = palett.params("scenarios/sodertalje.ron")
    done = cli("params", "scenarios/sodertalje.ron")
    assert done.returncode == 0, done.stderr
    listed = [line.split()[0] for line in done.stdout.splitlines()[1:]]
    assert list(table["path"]) == listed
    assert list(table.columns) == ["path", "distribution", "central", "low", "high", "file"]
    assert (table["low"] <= table["central"]).all() and (table["central"] <= table["high"]).all()


def test_a_bad_file_raises_with_file_line_and_column(tmp_path, cli):
    path = tmp_path / "bad.ron"
    path.write_text(BAD)
    with pytest.raises(palett.ScenarioError) as caught:
        palett.run(str(path))
    e = caught.value
    assert isinstance(e, ValueError)
    assert len(e.problems) == 1
    p = e.problems[0]
    assert (p.file, p.line, p.column) == (str(path), 4, 30)
    assert "nowhere" in p.message
    assert str(p) in str(e)
    assert f"{path}:4:30:" in str(e)
    # The very line `palett validate` prints.
    assert str(e) in cli("validate", str(path)).stderr
    assert palett.validate(path) == e.problems
    for call in (lambda: palett.params(path), lambda: palett.samples(path, 10)):
        with pytest.raises(palett.ScenarioError) as again:
            call()
        assert again.value.problems == e.problems


def test_a_batch_with_a_bad_file_runs_nothing_and_names_it(tmp_path, at_root):
    path = tmp_path / "bad.ron"
    path.write_text(BAD)
    with pytest.raises(palett.ScenarioError) as caught:
        palett.run(["scenarios/herrgarden.ron", path], samples=100)
    assert [p.file for p in caught.value.problems] == [str(path)]


def test_validate_a_good_file_and_its_warnings(tmp_path, at_root):
    assert palett.validate("scenarios/sodertalje.ron") == []
    old = tmp_path / "old.ron"
    old.write_text(
        'Scenario(\n    profiles: {\n        "p": Annual(years: 3, amounts: { "kommun": [1000] }),\n    },\n)\n'
    )
    assert palett.validate(old) == []
    (w,) = palett.warnings(old)
    assert w.startswith(f"{old}:3:") and "every_year" in w


def test_samples_are_the_commands_samples_file(cli, at_root, tmp_path):
    csv_path = tmp_path / "s.csv"
    done = cli("run", "scenarios/herrgarden.ron", "--samples", "400", "--seed", "4",
               "--out", str(tmp_path / "out"), "--samples-out", str(csv_path), "--quiet")
    assert done.returncode == 0, done.stderr
    got = palett.samples("scenarios/herrgarden.ron", 400, seed=4)
    rows = list(csv.reader(io.StringIO(csv_path.read_text())))
    header, rows = rows[0], rows[1:]
    assert list(got) == header
    assert got["sample"].dtype == np.int64
    assert np.array_equal(got["sample"], np.arange(400))
    for j, name in enumerate(header[1:], start=1):
        column = got[name]
        assert column.dtype == np.float64 and column.shape == (400,)
        assert [float(r[j]) for r in rows] == column.tolist(), name
    assert any(n.startswith("npv/") and n.endswith("/total") for n in got)


def test_samples_take_held_inputs(at_root):
    path = palett.params("scenarios/herrgarden.ron")["path"][0]
    got = palett.samples("scenarios/herrgarden.ron", 50, seed=1, set={path: 7e6})
    assert (got[path] == 7e6).all()
    with pytest.raises(ValueError):
        palett.samples("scenarios/herrgarden.ron", 0)


def test_without_pandas_tables_are_dicts_of_columns(at_root):
    code = (
        "import sys; sys.modules['pandas'] = None\n"
        "import palett\n"
        "r = palett.run('scenarios/herrgarden.ron', samples=200, seed=3)\n"
        "assert isinstance(r.mixes, dict) and isinstance(r.by_year, dict)\n"
        "assert r.mixes['mix'][0] == 'do_nothing'\n"
        "assert r.by_year['year'][0] == 1 and 'p95' in r.by_year\n"
        "assert r.mixes['npv_mean'][1] == r.summary['mixes'][1]['npv']['mean']\n"
        "assert isinstance(palett.params('scenarios/herrgarden.ron'), dict)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
