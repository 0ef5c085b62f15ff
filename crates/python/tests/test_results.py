"""palett.run gives the command's numbers: the same bytes, and tables
whose values equal the files' values exactly."""

import json
import math
from pathlib import Path

import pytest

import palett

SHIPPED = sorted(p.name for p in (Path(__file__).resolve().parents[3] / "scenarios").glob("*.ron"))
SAMPLES = "600"
SEED = "11"


def cli_results(cli, tmp_path, scenario, *extra):
    out = tmp_path / "out"
    done = cli("run", f"scenarios/{scenario}", "--samples", SAMPLES, "--seed", SEED,
               "--out", str(out), "--quiet", *extra)
    assert done.returncode in (0, 1), done.stderr
    return out / Path(scenario).stem


def same(a, b):
    """Equal as the file says: None in JSON is NaN in a DataFrame."""
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == b


@pytest.mark.parametrize("scenario", SHIPPED)
def test_results_are_the_commands_byte_for_byte(scenario, cli, at_root, tmp_path):
    folder = cli_results(cli, tmp_path, scenario)
    r = palett.run(f"scenarios/{scenario}", samples=int(SAMPLES), seed=int(SEED))
    assert r.to_json() == (folder / "summary.json").read_text()
    for name in ("by_year.csv", "inputs.json", "sensitivity.json"):
        assert r.files[name] == (folder / name).read_bytes(), name
    assert json.loads(r.to_json()) == r.summary


def test_the_tables_hold_the_files_numbers_exactly(at_root):
    r = palett.run("scenarios/sodertalje.ron", samples=500, seed=5)
    mixes = r.mixes.set_index("mix")
    for m in r.summary["mixes"]:
        row = mixes.loc[m["name"]]
        for stat, v in m["npv"].items():
            assert same(v, row[f"npv_{stat}"]), (m["name"], stat)
        for stat, v in m["tipping_year"].items():
            assert same(v, row[f"tipping_year_{stat}"]), (m["name"], stat)
        assert row["p_best"] == m["p_best"]
        assert row["p_npv_positive"] == m["p_npv_positive"]
    by_actor = r.by_actor.set_index(["mix", "actor"])
    for m in r.summary["mixes"]:
        for actor in r.summary["actors"]:
            row = by_actor.loc[(m["name"], actor)]
            for stat, v in m["npv_by_actor"][actor].items():
                assert same(v, row[f"npv_{stat}"])
            for stat, v in m["payback_by_actor"][actor].items():
                assert same(v, row[f"payback_{stat}"])
            for measure, per_actor in m["pv_by_actor"].items():
                for stat, v in per_actor[actor].items():
                    assert same(v, row[f"{measure}_{stat}"])
    lines = r.files["by_year.csv"].decode().splitlines()
    assert len(r.by_year) == len(lines) - 1
    for i in (0, len(lines) // 2, len(lines) - 2):
        fields = lines[i + 1].split(",")
        row = r.by_year.iloc[i]
        assert [row["mix"], str(row["year"]), row["measure"], row["key"]] == fields[:4]
        for name, text in zip(["mean", "p5", "p50", "p95"], fields[4:]):
            assert same(None if text == "" else float(text), row[name])


def test_documented_columns(at_root):
    r = palett.run("scenarios/herrgarden.ron", samples=300, seed=1)
    assert list(r.mixes.columns[:4]) == ["mix", "description", "npv_mean", "npv_sd"]
    for c in ["npv_p5", "npv_p50", "npv_p95", "bcr_mean", "payback_year_p_within_horizon",
              "tipping_year_p_reached", "p_npv_positive", "p_best"]:
        assert c in r.mixes.columns, c
    assert list(r.by_actor.columns[:3]) == ["mix", "actor", "npv_mean"]
    for c in ["payback_p_invests", "first_gain_year_p50", "baseline_cost_mean",
              "investment_mean", "avoided_p95"]:
        assert c in r.by_actor.columns, c
    assert len(r.by_actor) == len(r.summary["mixes"]) * len(r.summary["actors"])
    assert list(r.by_year.columns) == ["mix", "year", "measure", "key", "mean", "p5", "p50", "p95"]
    assert list(r.sensitivity.columns) == [
        "mix", "output", "key", "input", "spearman", "spearman_se", "first_order", "first_order_se"]
    assert r.warnings == []
    assert all(a.holds for a in r.assertions)


def test_several_files_give_one_result_each_in_order(at_root):
    rs = palett.run(["scenarios/herrgarden.ron", "scenarios/seed-cases.ron"], samples=200)
    assert [r.file for r in rs] == ["scenarios/herrgarden.ron", "scenarios/seed-cases.ron"]


def test_held_inputs_are_the_commands_set(cli, at_root, tmp_path):
    path = palett.params("scenarios/herrgarden.ron")["path"][0]
    folder = cli_results(cli, tmp_path, "herrgarden.ron", "--set", f"{path}=9000000")
    held = palett.run("scenarios/herrgarden.ron", samples=int(SAMPLES), seed=int(SEED),
                      set={path: 9_000_000})
    assert held.to_json() == (folder / "summary.json").read_text()
    assert held.summary["held"] == [{"path": path, "value": 9000000.0}]
    free = palett.run("scenarios/herrgarden.ron", samples=int(SAMPLES), seed=int(SEED))
    assert free.to_json() != held.to_json()


def test_threads_do_not_change_a_bit(at_root):
    one = palett.run("scenarios/gang-network.ron", samples=700, seed=2, threads=1)
    two = palett.run("scenarios/gang-network.ron", samples=700, seed=2, threads=2)
    assert one.files == two.files


def test_the_base_case(at_root, cli, tmp_path):
    out = tmp_path / "base"
    done = cli("run", "scenarios/seed-cases.ron", "--deterministic", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    r = palett.run("scenarios/seed-cases.ron", method="deterministic")
    assert r.to_json() == (out / "seed-cases" / "summary.json").read_text()
    assert r.sensitivity is None and r.analysis is None


def test_an_early_stop_is_the_commands(cli, at_root, tmp_path):
    out = tmp_path / "out"
    done = cli("run", "scenarios/herrgarden.ron", "--samples", "50000", "--seed", SEED,
               "--target-se", "2000000", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    r = palett.run("scenarios/herrgarden.ron", samples=50_000, seed=int(SEED), target_se=2e6)
    assert r.to_json() == (out / "herrgarden" / "summary.json").read_text()
    assert r.summary["stopped_early"] is True and r.summary["samples"] < 50_000


def test_bad_options_say_what_is_valid(at_root):
    with pytest.raises(ValueError, match='"lhs", "mc" or "deterministic"'):
        palett.run("scenarios/herrgarden.ron", method="sobol")
    with pytest.raises(ValueError, match="at least 1"):
        palett.run("scenarios/herrgarden.ron", samples=0)
    with pytest.raises(ValueError, match="target_se"):
        palett.run("scenarios/herrgarden.ron", target_se=-1.0)
    with pytest.raises(ValueError, match="threads"):
        palett.run("scenarios/herrgarden.ron", threads=0)
    with pytest.raises(RuntimeError, match="no.such.input"):
        palett.run("scenarios/herrgarden.ron", samples=10, set={"no.such.input": 1.0})
