//! `palett run`: reproducibility, calibration targets, batches, outputs.

use std::path::Path;

use serde_json::Value;

use super::support::{Scratch, palett, root, run_summary, text};

fn read_json(p: &Path) -> Value {
    let t = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&t).expect("valid JSON")
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

fn mix<'a>(summary: &'a Value, name: &str) -> &'a Value {
    summary["mixes"]
        .as_array()
        .expect("mixes")
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("no mix {name}"))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Runs a scenario deterministically into a scratch folder; returns its summary.
fn base_case(file: &str) -> (Value, Scratch) {
    let s = Scratch::new();
    let out = palett(&[
        "run",
        file,
        "--deterministic",
        "--quiet",
        "--out",
        s.dir.path().to_str().expect("utf-8"),
    ]);
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{file}: {stderr}");
    let stem = Path::new(file)
        .file_stem()
        .and_then(|x| x.to_str())
        .expect("stem");
    (read_json(&s.dir.path().join(stem).join("summary.json")), s)
}

#[test]
fn same_seed_gives_byte_identical_summaries_on_1_and_2_threads() {
    let s = Scratch::new();
    let mut bytes = Vec::new();
    for threads in ["1", "2"] {
        let dir = s.dir.path().join(threads);
        let out = palett(&[
            "run",
            "scenarios/sodertalje.ron",
            "--samples",
            "300",
            "--seed",
            "7",
            "--threads",
            threads,
            "--quiet",
            "--out",
            dir.to_str().expect("utf-8"),
        ]);
        assert!(out.status.success(), "{}", text(&out).1);
        bytes.push((
            std::fs::read(dir.join("sodertalje/summary.json")).expect("summary"),
            std::fs::read(dir.join("sodertalje/by_year.csv")).expect("by_year"),
        ));
    }
    assert!(
        bytes[0].0 == bytes[1].0,
        "summary.json differs between 1 and 2 threads"
    );
    assert!(
        bytes[0].1 == bytes[1].1,
        "by_year.csv differs between 1 and 2 threads"
    );
}

#[test]
fn another_seed_gives_other_numbers() {
    let s = Scratch::new();
    let run = |seed: &str| {
        let args = [
            "scenarios/herrgarden.ron",
            "--samples",
            "200",
            "--seed",
            seed,
        ];
        let text = run_summary(&args, &s.dir.path().join(seed), "herrgarden");
        serde_json::from_str::<Value>(&text).expect("json")
    };
    assert_ne!(
        mix(&run("1"), "housing_programme")["npv"],
        mix(&run("2"), "housing_programme")["npv"]
    );
}

#[test]
fn gang_network_calibration() {
    // Calibration target 3: about 1 100 MSEK over 15 years for the 19 (±10 %).
    let (s, _dir) = base_case("scenarios/gang-network.ron");
    let dn = mix(&s, "do_nothing");
    let total = f(&dn["pv_by_actor"]["baseline_cost"]["total"]["mean"]);
    assert!(
        (total / 1.1e9 - 1.0).abs() <= 0.10,
        "network baseline {total}"
    );
    // The mechanism is visible: the members themselves are 19 × Sammy, the rest is others.
    let members = f(&dn["cost_pv_by_group"]["members"]["mean"]);
    assert!(
        (members - 19.0 * 23_805_973.0).abs() < 19.0 * 2.0,
        "members {members}"
    );
    for g in ["recruited_members", "hang_arounds", "victims", "businesses"] {
        assert!(
            f(&dn["cost_pv_by_group"][g]["mean"]) > 50e6,
            "{g} carries part of the bill"
        );
    }
}

#[test]
fn herrgarden_calibration() {
    // Calibration target 4: 261 MSEK in all (±5 %); 19 / 147 / 95 by class (±10 %).
    let (s, _dir) = base_case("scenarios/herrgarden.ron");
    let a = &mix(&s, "housing_programme")["area_effects_pv_by_class"];
    let (d, i, b) = (
        f(&a["direct"]["mean"]),
        f(&a["indirect"]["mean"]),
        f(&a["business"]["mean"]),
    );
    assert!(
        ((d + i + b) / 261e6 - 1.0).abs() <= 0.05,
        "total {}",
        d + i + b
    );
    for (got, want) in [(d, 19e6), (i, 147e6), (b, 95e6)] {
        assert!((got / want - 1.0).abs() <= 0.10, "{got} vs {want}");
    }
}

#[test]
fn sodertalje_area_effects_over_ten_years_near_the_report() {
    // The report scales Herrgården to ≈ 1 500 MSEK over ten years for Södertälje's
    // areas. Read the first ten years of the coordinated mix from by_year.csv.
    let s = Scratch::new();
    let out = palett(&[
        "run",
        "scenarios/sodertalje.ron",
        "--deterministic",
        "-q",
        "--out",
        s.dir.path().to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", text(&out).1);
    let mut rdr =
        csv::Reader::from_path(s.dir.path().join("sodertalje/by_year.csv")).expect("by_year.csv");
    let mut ten_years = 0.0;
    for r in rdr.records() {
        let r = r.expect("row");
        let year: i32 = r[1].parse().expect("year");
        if &r[0] == "four_tracks_together"
            && &r[2] == "area_effects"
            && &r[3] == "total"
            && year <= 10
        {
            ten_years += r[4].parse::<f64>().expect("mean") * 1.04f64.powi(-(year - 1));
        }
    }
    assert!(
        (ten_years / 1.5e9 - 1.0).abs() <= 0.20,
        "ten-year area effects {ten_years}"
    );
    let summary = read_json(&s.dir.path().join("sodertalje/summary.json"));
    assert!(
        mix(&summary, "four_tracks_together")["tipping_year"]["p50"].is_number(),
        "the coordinated mix tips"
    );
    assert!(
        mix(&summary, "four_tracks")["tipping_year"]["p50"].is_null(),
        "without communication it does not"
    );
}

#[test]
fn deterministic_run_is_the_base_case() {
    let (s, _dir) = base_case("scenarios/herrgarden.ron");
    assert_eq!(s["method"], "deterministic");
    assert_eq!(s["samples"], 1);
    let npv = &mix(&s, "housing_programme")["npv"];
    assert_eq!(npv["p5"], npv["p95"], "one sample: no spread");
    assert!(npv["sd"].is_null(), "sd needs two samples");
}

#[test]
fn p_best_sums_to_one_and_identical_mixes_get_identical_statistics() {
    let s = Scratch::new();
    let text_in =
        std::fs::read_to_string(root().join("scenarios/herrgarden.ron")).expect("herrgarden");
    // A copy of one mix under another name, in the scenario's own folder
    // so its includes and paths resolve the same way.
    let twin = text_in.replace("        Best(mix: \"housing_programme\"),\n", "").replace(
        r#"        "housing_alone": ("#,
        r#"        "housing_twin": (interventions: ["social_housing_programme", "safety_cooperation", "local_jobs", "joint_communication"]),
        "housing_alone": ("#,
    );
    let p = s.write("twin.ron", &twin);
    let out = palett(&[
        "run",
        p.to_str().expect("utf-8"),
        "--samples",
        "500",
        "-q",
        "--out",
        s.dir.path().join("out").to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", text(&out).1);
    let summary = read_json(&s.dir.path().join("out/twin/summary.json"));
    let total: f64 = summary["mixes"]
        .as_array()
        .expect("mixes")
        .iter()
        .map(|m| f(&m["p_best"]))
        .sum();
    assert!((total - 1.0).abs() < 1e-12, "P(best) sums to {total}");
    let (a, b) = (
        mix(&summary, "housing_programme"),
        mix(&summary, "housing_twin"),
    );
    for key in [
        "npv",
        "bcr",
        "payback_year",
        "tipping_year",
        "npv_by_actor",
        "pv_by_actor",
        "area_effects_pv_by_class",
    ] {
        assert_eq!(a[key], b[key], "{key}");
    }
    assert_eq!(a["p_best"], b["p_best"], "ties are split evenly");
}

#[test]
fn batch_with_broken_failing_and_good_files() {
    let s = Scratch::new();
    let lib = std::fs::read_to_string(root().join("scenarios/lib/seed-profiles.ron")).expect("lib");
    s.write("lib/seed-profiles.ron", &lib);
    s.write("a-good.ron", "Scenario(include: [\"lib/seed-profiles.ron\"], groups: { \"m\": (profile: \"sammy\", stock: 1) }, run: (samples: 50))\n");
    s.write(
        "b-broken.ron",
        "Scenario(\n    groups: { \"m\": (profile: \"nobody\") },\n)\n",
    );
    s.write(
        "c-failing.ron",
        "Scenario(\n    run: (samples: 50),\n    assertions: [\n        Metric(mix: \"do_nothing\", metric: \"npv.mean\", at_least: 1),\n    ],\n)\n",
    );
    s.write("d-good.ron", "Scenario(run: (samples: 50))\n");
    let out_dir = s.dir.path().join("results");
    // A stale result of the broken file from an earlier run must not survive.
    std::fs::create_dir_all(out_dir.join("b-broken")).expect("mkdir");
    std::fs::write(out_dir.join("b-broken/summary.json"), "{}").expect("stale");
    let out = palett(&[
        "run",
        s.dir.path().to_str().expect("utf-8"),
        "-q",
        "--out",
        out_dir.to_str().expect("utf-8"),
    ]);
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(3),
        "an invalid file gives 3: {stderr}"
    );
    assert!(
        stderr.contains("b-broken.ron:2:") && stderr.contains("profile `nobody`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("c-failing.ron:4:9: assertion failed"),
        "{stderr}"
    );
    let index = read_json(&out_dir.join("index.json"));
    let files = index["files"].as_array().expect("files");
    let status: Vec<(&str, &str)> = files
        .iter()
        .map(|e| {
            (
                Path::new(e["file"].as_str().expect("file"))
                    .file_name()
                    .and_then(|n| n.to_str())
                    .expect("name"),
                e["status"].as_str().expect("status"),
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("a-good.ron", "ok"),
            ("b-broken.ron", "invalid"),
            ("c-failing.ron", "assertions_failed"),
            ("d-good.ron", "ok")
        ]
    );
    assert!(
        files[1]["errors"][0]
            .as_str()
            .expect("error")
            .contains("nobody")
    );
    assert_eq!(files[2]["assertions"][0]["holds"], false);
    for name in ["a-good", "c-failing", "d-good"] {
        assert!(
            out_dir.join(name).join("summary.json").is_file(),
            "{name} written"
        );
        assert!(
            out_dir.join(name).join("by_year.csv").is_file(),
            "{name} written"
        );
    }
    assert!(
        !out_dir.join("b-broken/summary.json").exists(),
        "stale result removed"
    );
    assert!(
        stdout.contains("do_nothing"),
        "tables printed for the files that ran"
    );
    // Nothing temporary left behind.
    for entry in walk(&out_dir) {
        assert!(!entry.ends_with(".tmp"), "left over: {entry}");
    }
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.display().to_string());
        }
    }
    out
}

#[test]
fn only_assertion_failures_exit_1() {
    let s = Scratch::new();
    let p = s.write("fails.ron", "Scenario(run: (samples: 20), assertions: [Best(mix: \"do_nothing\", metric: \"npv.p95\")])\n");
    let out = palett(&[
        "run",
        p.to_str().expect("utf-8"),
        "-q",
        "--out",
        s.dir.path().join("o").to_str().expect("utf-8"),
    ]);
    // do_nothing is the only mix, so it is trivially best: this holds.
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let p = s.write("fails2.ron", "Scenario(run: (samples: 20), assertions: [Metric(mix: \"do_nothing\", metric: \"p_best\", at_most: 0.5)])\n");
    let out = palett(&[
        "run",
        p.to_str().expect("utf-8"),
        "-q",
        "--out",
        s.dir.path().join("o").to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out).1);
}

#[test]
fn main_job_runs_every_shipped_scenario_and_prints_tables() {
    let s = Scratch::new();
    let out = palett(&[
        "run",
        "scenarios",
        "--samples",
        "200",
        "-q",
        "--out",
        s.dir.path().to_str().expect("utf-8"),
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "nothing on stderr but errors: {stderr}");
    for name in [
        "Herrgården",
        "The Södertälje network",
        "Södertälje",
        "Seed cases: Patrik and Sammy",
        "My area",
        "A municipality's social investment budget",
    ] {
        assert!(
            stdout.contains(&format!("{name} — ")),
            "table for {name}:\n{stdout}"
        );
    }
    assert!(stdout.contains("90 % interval MSEK"));
    let index = read_json(&s.dir.path().join("index.json"));
    assert_eq!(
        index["files"].as_array().expect("files").len(),
        6,
        "libraries are skipped"
    );
    assert!(
        index["files"][0]["timing"]["samples_per_second"]
            .as_f64()
            .is_some()
    );
}

#[test]
fn params_lists_uncertain_inputs_with_paths() {
    let out = palett(&["params", "scenarios/sodertalje.ron"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("interventions.tore.reach") && stdout.contains("Pert(0.2, 0.5, 0.8)"),
        "{stdout}"
    );
    assert!(stdout.contains("synergy.w.school.labour"), "{stdout}");
}

#[test]
fn summary_has_no_absolute_paths_or_timings() {
    let (s, dir) = base_case("scenarios/herrgarden.ron");
    let text = s.to_string();
    assert!(
        !text.contains(&*dir.dir.path().to_string_lossy()),
        "no output path"
    );
    assert!(
        !text.contains(&*root().canonicalize().expect("root").to_string_lossy()),
        "no absolute path"
    );
    assert!(!text.contains("seconds"), "no timings");
    assert_eq!(s["file"], "scenarios/herrgarden.ron");
}

#[test]
fn adaptive_stopping_ends_at_a_block_boundary_and_is_reproducible() {
    let s = Scratch::new();
    let run = |threads: &str| {
        let args = [
            "scenarios/herrgarden.ron",
            "--samples",
            "100000",
            "--target-se",
            "2000000",
            "--threads",
            threads,
        ];
        run_summary(&args, &s.dir.path().join(threads), "herrgarden")
    };
    let one = run("1");
    assert_eq!(
        one,
        run("2"),
        "stopping point and results do not depend on threads"
    );
    let v: Value = serde_json::from_str(&one).expect("json");
    assert_eq!(v["stopped_early"], true);
    let n = v["samples"].as_u64().expect("samples");
    assert!(n < 100_000, "stopped after {n}");
    for m in v["mixes"].as_array().expect("mixes") {
        assert!(
            m["npv"]["se"].as_f64().unwrap_or(0.0) < 2e6,
            "{}",
            m["name"]
        );
    }
}

/// The shipped scenario `stem` with `from` replaced by `to` (once), written
/// with its libraries into `scratch`; returns its path.
fn edited_scenario(scratch: &Scratch, stem: &str, from: &str, to: &str) -> String {
    let root = root();
    for lib in ["seed-profiles.ron", "network-profiles.ron"] {
        let text = std::fs::read_to_string(root.join("scenarios/lib").join(lib)).expect("lib");
        scratch.write(&format!("lib/{lib}"), &text);
    }
    let file = format!("{stem}.ron");
    let text = std::fs::read_to_string(root.join("scenarios").join(&file)).expect("read");
    assert!(text.contains(from), "{file} has no `{from}`");
    let p = scratch.write(&file, &text.replacen(from, to, 1));
    p.to_str().expect("utf-8").to_string()
}

/// scenarios/sodertalje.ron with `settings.tipping` added.
fn sodertalje_with_tipping(scratch: &Scratch, tipping: &str) -> String {
    let at = "        budget_period: 4,\n";
    edited_scenario(
        scratch,
        "sodertalje",
        at,
        &format!("{at}        tipping: {tipping},\n"),
    )
}

#[test]
fn an_actors_payback_is_over_the_samples_in_which_it_invests() {
    // rattsvasende pays for the communication in half of the samples (a
    // token 1 000 SEK) and gains at once.
    let scratch = Scratch::new();
    let file = edited_scenario(
        &scratch,
        "template",
        r#"cost: { "kommun": 500000 }"#,
        r#"cost: { "kommun": 500000, "rattsvasende": Discrete([(0, 1), (1000, 1)]) }"#,
    );
    let out = scratch.dir.path().join("out");
    let summary = json(&run_summary(&[&file], &out, "template"));
    let everything = mix(&summary, "everything");
    let rv = &everything["payback_by_actor"]["rattsvasende"];
    let invests = f(&rv["p_invests"]);
    assert!((invests - 0.5).abs() < 0.05, "{rv}");
    // Every investing sample pays back in year 1; the others do not count.
    assert_eq!(f(&rv["p_within_horizon"]), 1.0, "{rv}");
    assert_eq!((f(&rv["p50"]), f(&rv["p95"])), (1.0, 1.0), "{rv}");
    // An actor that invests in no sample has no payback statistics at all,
    // and its first gain says when it gains.
    let region = &everything["payback_by_actor"]["region"];
    assert_eq!(f(&region["p_invests"]), 0.0);
    assert!(region["p_within_horizon"].is_null(), "{region}");
    assert!(region["p50"].is_null(), "{region}");
    let gains = &everything["first_gain_year_by_actor"]["region"];
    assert!(f(&gains["p_within_horizon"]) > 0.0, "{gains}");
}

#[test]
fn the_tipping_test_is_set_in_settings_and_every_synergy_parameter_is_reported() {
    let scratch = super::support::Scratch::new();
    let lenient = sodertalje_with_tipping(&scratch, "(lookahead: 30, level: 0.3)");
    let mut docs = Vec::new();
    for (i, file) in ["scenarios/sodertalje.ron", lenient.as_str()]
        .iter()
        .enumerate()
    {
        let out = scratch.dir.path().join(format!("out{i}"));
        docs.push(json(&run_summary(&[file], &out, "sodertalje")));
    }
    let (default, lenient) = (&docs[0], &docs[1]);
    assert_eq!(
        default["synergy"]["tipping"],
        serde_json::json!({"lookahead": 50, "level": 0.5})
    );
    assert_eq!(
        lenient["synergy"]["tipping"],
        serde_json::json!({"lookahead": 30, "level": 0.3})
    );
    // Every parameter is listed, defaults too; uncertain ones by their input.
    for p in [
        "w",
        "lags",
        "alpha",
        "beta",
        "theta",
        "turnover",
        "drift",
        "eta",
        "kappa_up",
        "kappa_down",
        "c0",
        "boost",
    ] {
        assert!(!default["synergy"][p].is_null(), "{p}");
    }
    assert_eq!(
        default["synergy"]["theta"]["school"]["input"],
        "synergy.theta"
    );
    // A lower level within a shorter look-ahead is reached more often.
    let reached = |d: &serde_json::Value| {
        d["mixes"]
            .as_array()
            .expect("mixes")
            .iter()
            .find(|m| m["name"] == "four_tracks_together")
            .and_then(|m| m["tipping_year"]["p_reached"].as_f64())
            .expect("p_reached")
    };
    assert!(
        reached(lenient) > reached(default),
        "{} vs {}",
        reached(lenient),
        reached(default)
    );

    let bad = sodertalje_with_tipping(&scratch, "(lookahead: 0, level: 1.5)");
    let o = palett(&["validate", &bad]);
    assert_eq!(o.status.code(), Some(3));
    let err = text(&o).1;
    assert!(
        err.contains("sodertalje.ron:46:") && err.contains("looks 1 to 200 years ahead"),
        "{err}"
    );
    assert!(err.contains("strictly between 0"), "{err}");
}

#[test]
fn settings_actors_keeps_the_listed_actors_in_their_order() {
    let scratch = Scratch::new();
    let file = edited_scenario(
        &scratch,
        "template",
        "        budget_period: 4,",
        "        actors: [\"landlord\", \"kommun\"],\n        budget_period: 4,",
    );
    let kept = json(&run_summary(
        &[&file],
        &scratch.dir.path().join("kept"),
        "template",
    ));
    let all = json(&run_summary(
        &["scenarios/template.ron"],
        &scratch.dir.path().join("all"),
        "template",
    ));
    assert_eq!(kept["actors"], serde_json::json!(["landlord", "kommun"]));
    let left_out: Vec<&str> = kept["actors_left_out"]
        .as_array()
        .expect("listed")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(left_out.len(), 6, "{left_out:?}");
    assert!(!left_out.contains(&"kommun") && left_out.contains(&"region"));
    assert!(all.get("actors_left_out").is_none());
    for name in ["do_nothing", "school_only", "everything"] {
        let (k, a) = (mix(&kept, name), mix(&all, name));
        let mut keys: Vec<&String> = k["npv_by_actor"].as_object().expect("map").keys().collect();
        keys.sort();
        assert_eq!(keys, ["kommun", "landlord"]);
        // The kept actors' accounts are those of the run with every actor,
        // sample by sample (inputs of left-out costs still draw).
        for actor in ["landlord", "kommun"] {
            assert_eq!(
                k["npv_by_actor"][actor], a["npv_by_actor"][actor],
                "{name} {actor}"
            );
        }
        // The total is theirs alone.
        let sum =
            f(&a["npv_by_actor"]["landlord"]["mean"]) + f(&a["npv_by_actor"]["kommun"]["mean"]);
        let total = f(&k["npv"]["mean"]);
        assert!(
            (total - sum).abs() <= 1e-6 * sum.abs().max(1.0),
            "{total} vs {sum}"
        );
    }
}

#[test]
fn success_share_sends_that_share_of_successes_into_the_success_profile() {
    let scratch = Scratch::new();
    let half = edited_scenario(
        &scratch,
        "sodertalje",
        "            success_profile: \"exit_path\",\n",
        "            success_profile: \"exit_path\",\n            success_share: 0.5,\n",
    );
    let half = json(&run_summary(
        &[&half, "--samples", "500"],
        &scratch.dir.path().join("half"),
        "sodertalje",
    ));
    let all = json(&run_summary(
        &["scenarios/sodertalje.ron", "--samples", "500"],
        &scratch.dir.path().join("all"),
        "sodertalje",
    ));
    let (h, a) = (
        mix(&half, "four_tracks_together"),
        mix(&all, "four_tracks_together"),
    );
    let group = |m: &Value, g: &str| f(&m["cost_pv_by_group"][g]["mean"]);
    // Halving is exact in binary, sample by sample.
    assert_eq!(group(h, "tore:success"), 0.5 * group(a, "tore:success"));
    assert!(group(a, "tore:success") > 0.0);
    // Nothing else in the cohorts moves.
    for g in ["members", "hang_arounds", "hybrid_firms:success"] {
        assert_eq!(h["cost_pv_by_group"][g], a["cost_pv_by_group"][g], "{g}");
    }
}

#[test]
fn several_inflow_drivers_on_one_track_with_their_own_lags() {
    let scratch = Scratch::new();
    let one = r#""school": (strength: 0.8, lag: 3)"#;
    let variant = |dir: &str, school: &str| {
        let sub = Scratch::new();
        let file = edited_scenario(&sub, "gang-network", one, &format!("\"school\": {school}"));
        let text = run_summary(
            &[&file, "--samples", "300"],
            &scratch.dir.path().join(dir),
            "gang-network",
        );
        (json(&text), sub)
    };
    let base = json(&run_summary(
        &["scenarios/gang-network.ron", "--samples", "300"],
        &scratch.dir.path().join("base"),
        "gang-network",
    ));
    // A list of one, or with a driver of strength 0 added, is the same model
    // bit for bit.
    for (dir, school) in [
        ("list", "[(strength: 0.8, lag: 3)]"),
        ("zero", "[(strength: 0.8, lag: 3), (strength: 0.0, lag: 9)]"),
    ] {
        let (v, _keep) = variant(dir, school);
        assert_eq!(v["mixes"], base["mixes"], "{school}");
    }
    // Two halves at different lags: each driver at its own lag, uncertain
    // strengths listed by their index.
    let (two, keep) = variant(
        "two",
        "[(strength: 0.4, lag: 3), (strength: Pert(0.2, 0.4, 0.6), lag: 6)]",
    );
    assert_ne!(two["mixes"], base["mixes"]);
    let params = palett(&[
        "params",
        &keep.dir.path().join("gang-network.ron").to_string_lossy(),
    ]);
    let (listing, err) = text(&params);
    assert!(params.status.success(), "{err}");
    assert!(
        listing.contains("groups.hang_arounds.drivers.school[1].strength"),
        "{listing}"
    );
}

const UNCERTAIN_AMOUNTS: &str = r#"Scenario(
    settings: (horizon: 5),
    catalogue: { "day": (price: Uniform(90, 110), actor: "region", unit: "day") },
    profiles: {
        "case": Annual(years: 3, amounts: { "kommun": [Uniform(900, 1100), 500] }),
        "care": Resources(years: 2, quantities: { "day": (every_year: 10) }),
        "table": Checkpoints(rate: 0.04, years: [1, 3], cumulative: { "ovriga": [100, Pert(200, 300, 400)] }),
    },
    groups: {
        "g": (profile: "case", stock: 10, inflow: 2),
        "h": (profile: "care", stock: 5),
        "k": (profile: "table", stock: 1),
    },
    run: (samples: 2000, seed: 1),
)
"#;

#[test]
fn amounts_checkpoints_and_prices_may_be_uncertain() {
    let scratch = Scratch::new();
    let file = scratch.write("unc.ron", UNCERTAIN_AMOUNTS);
    let file = file.to_str().expect("utf-8");
    let params = palett(&["params", file]);
    let (listing, err) = text(&params);
    assert!(params.status.success(), "{err}");
    for path in [
        "catalogue.day.price",
        "profiles.case.amounts.kommun[0]",
        "profiles.table.cumulative.ovriga[1]",
    ] {
        assert!(listing.contains(path), "{path} in {listing}");
    }
    let sampled = json(&run_summary(&[file], &scratch.dir.path().join("mc"), "unc"));
    let central = json(&run_summary(
        &[file, "--deterministic"],
        &scratch.dir.path().join("base"),
        "unc",
    ));
    // Costs are linear in each amount, so the mean over draws is the cost at
    // the central values (Latin hypercube: within 0.1 %), and they vary.
    for actor in ["kommun", "region", "ovriga"] {
        let at = |s: &Value, stat: &str| {
            f(&mix(s, "do_nothing")["pv_by_actor"]["baseline_cost"][actor][stat])
        };
        let (mean, base) = (at(&sampled, "mean"), at(&central, "mean"));
        assert!(
            (mean - base).abs() < 1e-3 * base,
            "{actor}: {mean} vs {base}"
        );
        assert!(at(&sampled, "sd") > 0.0, "{actor}");
        assert!(
            at(&sampled, "p5") < base && base < at(&sampled, "p95"),
            "{actor}"
        );
    }
}
