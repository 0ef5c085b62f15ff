//! Sensitivity, value of information, held inputs and the samples CSV,
//! through the binary (docs/analysis.md).

use serde_json::Value;

use super::support::{Scratch, palett, run_summary, text};

fn json(p: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).expect("file written")).expect("valid JSON")
}

/// Runs `palett ARGS --threads T --out DIR` on 1 and 2 threads, expecting
/// success and `heading` on stdout, and returns the file `written` (below
/// DIR) of both runs.
fn on_1_and_2_threads(args: &[&str], heading: &str, written: &str) -> [String; 2] {
    let scratch = Scratch::new();
    ["1", "2"].map(|threads| {
        let out = scratch.dir.path().join(threads);
        let mut all = args.to_vec();
        all.extend_from_slice(&["--threads", threads, "--out", out.to_str().expect("utf-8")]);
        let o = palett(&all);
        let (stdout, stderr) = text(&o);
        assert!(o.status.success(), "{stderr}");
        assert!(stdout.contains(heading), "{stdout}");
        std::fs::read_to_string(out.join(written)).expect("written")
    })
}

#[test]
fn every_sampled_run_writes_sensitivity_json_bit_identical_on_1_and_2_threads() {
    let scratch = Scratch::new();
    let mut texts = Vec::new();
    for threads in ["1", "2"] {
        let out = scratch.dir.path().join(threads);
        run_summary(
            &[
                "scenarios/gang-network.ron",
                "--samples",
                "3000",
                "--threads",
                threads,
            ],
            &out,
            "gang-network",
        );
        texts.push(
            std::fs::read_to_string(out.join("gang-network/sensitivity.json")).expect("written"),
        );
    }
    assert_eq!(texts[0], texts[1]);
    let doc: Value = serde_json::from_str(&texts[0]).expect("JSON");
    assert_eq!(doc["format_version"], 1);
    assert_eq!(doc["samples"], 3000);
    let inputs = doc["inputs"].as_array().expect("inputs");
    assert!(!inputs.is_empty());
    // Every mix but do-nothing has per-key NPV effects and its lead over
    // the runner-up, one entry per input, shares in [0, 1].
    let sens = doc["sensitivity"].as_object().expect("sensitivity");
    assert!(!sens.contains_key("do_nothing"));
    for (mix, s) in sens {
        let total = s["npv"]["total"].as_array().expect("total");
        assert_eq!(total.len(), inputs.len(), "{mix}");
        for e in total {
            let fo = e["first_order"].as_f64().expect("share");
            assert!((0.0..=1.0).contains(&fo), "{mix}: {e}");
            let r = e["spearman"].as_f64().expect("rho");
            assert!((-1.0..=1.0).contains(&r), "{mix}: {e}");
        }
        assert_eq!(
            s["lead_over_runner_up"].as_array().expect("lead").len(),
            inputs.len()
        );
    }
    // Acceptability: P(best) sums to 1 over the mixes at every rate.
    let acc = &doc["acceptability"];
    let rates = acc["rates"].as_array().expect("rates").len();
    let total = acc["by_key"]["total"].as_object().expect("total curves");
    for r in 0..rates {
        let sum: f64 = total
            .values()
            .map(|c| c["p_best"][r].as_f64().expect("p"))
            .sum();
        assert!((sum - 1.0).abs() < 1e-9, "rate {r}: {sum}");
    }
    // EVPI in summary.json, the same as in sensitivity.json.
    let summary = json(&scratch.dir.path().join("1/gang-network/summary.json"));
    let voi = &summary["value_of_information"];
    assert_eq!(voi["evpi"], doc["value_of_information"]["total"]["evpi"]);
    assert!(voi["evpi"].as_f64().expect("evpi") >= 0.0);
    assert!(!voi["by_actor"].as_array().expect("by actor").is_empty());
}

#[test]
fn no_sensitivity_and_the_base_case_write_no_sensitivity_json_and_remove_a_stale_one() {
    let scratch = Scratch::new();
    let out = scratch.dir.path();
    run_summary(
        &["scenarios/herrgarden.ron", "--samples", "500"],
        out,
        "herrgarden",
    );
    assert!(out.join("herrgarden/sensitivity.json").exists());
    let s = run_summary(
        &["scenarios/herrgarden.ron", "--deterministic"],
        out,
        "herrgarden",
    );
    assert!(!out.join("herrgarden/sensitivity.json").exists());
    assert!(!s.contains("value_of_information"));
    let s = run_summary(
        &[
            "scenarios/herrgarden.ron",
            "--samples",
            "500",
            "--no-sensitivity",
        ],
        out,
        "herrgarden",
    );
    assert!(!out.join("herrgarden/sensitivity.json").exists());
    assert!(!s.contains("value_of_information"));
}

#[test]
fn set_holds_an_input_records_it_and_names_a_wrong_path() {
    let scratch = Scratch::new();
    let params = palett(&["params", "scenarios/sodertalje.ron"]);
    let (listing, _) = text(&params);
    assert!(listing.contains("interventions.tore.reach"), "{listing}");
    let base = json_of(&scratch, "base", &[]);
    let held = json_of(&scratch, "held", &["--set", "interventions.tore.reach=0.7"]);
    assert_eq!(held["held"][0]["path"], "interventions.tore.reach");
    assert_eq!(held["held"][0]["value"], 0.7);
    assert!(base.get("held").is_none());
    assert_ne!(base["mixes"], held["mixes"]);
    // A held input is not analysed.
    let sens = json(&scratch.dir.path().join("held/sodertalje/sensitivity.json"));
    let inputs: Vec<&str> = sens["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i["path"].as_str().expect("path"))
        .collect();
    assert!(!inputs.contains(&"interventions.tore.reach"));

    let out = scratch.dir.path().join("bad");
    let o = palett(&[
        "run",
        "scenarios/sodertalje.ron",
        "--samples",
        "100",
        "-q",
        "--set",
        "interventions.tore.rech=0.6",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(3));
    let (_, err) = text(&o);
    assert!(
        err.contains("`interventions.tore.rech` is not an uncertain input"),
        "{err}"
    );
    let o = palett(&[
        "run",
        "scenarios/sodertalje.ron",
        "--set",
        "interventions.tore.reach=2",
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).1.contains("cannot be held at 2"), "{}", text(&o).1);
    let o = palett(&["run", "scenarios/sodertalje.ron", "--set", "reach"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("PATH=VALUE"));
}

fn json_of(scratch: &Scratch, name: &str, extra: &[&str]) -> Value {
    let out = scratch.dir.path().join(name);
    let mut args = vec!["scenarios/sodertalje.ron", "--samples", "400"];
    args.extend_from_slice(extra);
    let s = run_summary(&args, &out, "sodertalje");
    serde_json::from_str(&s).expect("JSON")
}

#[test]
fn samples_out_writes_inputs_and_npvs_up_to_the_limit() {
    let scratch = Scratch::new();
    let out = scratch.dir.path().join("out");
    let csv = scratch.dir.path().join("samples.csv");
    let summary = run_summary(
        &[
            "scenarios/herrgarden.ron",
            "--samples",
            "1500",
            "--samples-out",
            csv.to_str().expect("utf-8"),
            "--samples-out-limit",
            "1200",
        ],
        &out,
        "herrgarden",
    );
    let text = std::fs::read_to_string(&csv).expect("samples written");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header[0], "sample");
    assert!(
        header
            .iter()
            .any(|h| h.starts_with("npv/") && h.ends_with("/total"))
    );
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|v| v.parse().expect("number")).collect())
        .collect();
    assert_eq!(rows.len(), 1200);
    assert!(
        rows.iter()
            .enumerate()
            .all(|(i, r)| r[0] == i as f64 && r.len() == header.len())
    );
    // The mean of the first mix's total NPV over all samples matches
    // summary.json when the limit takes every sample.
    let csv_all = scratch.dir.path().join("all.csv");
    run_summary(
        &[
            "scenarios/herrgarden.ron",
            "--samples",
            "1500",
            "--samples-out",
            csv_all.to_str().expect("utf-8"),
        ],
        &out,
        "herrgarden",
    );
    let text = std::fs::read_to_string(&csv_all).expect("written");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = header
        .iter()
        .position(|h| h.starts_with("npv/") && h.ends_with("/total"))
        .expect("a total column");
    let mix = header[col].split('/').nth(1).expect("mix").to_string();
    let values: Vec<f64> = lines
        .map(|l| {
            l.split(',')
                .nth(col)
                .expect("cell")
                .parse()
                .expect("number")
        })
        .collect();
    assert_eq!(values.len(), 1500);
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    let s: Value = serde_json::from_str(&summary).expect("JSON");
    let m = s["mixes"]
        .as_array()
        .expect("mixes")
        .iter()
        .find(|m| m["name"] == mix.as_str())
        .expect("the mix");
    let want = m["npv"]["mean"].as_f64().expect("mean");
    assert!(
        (mean - want).abs() <= 1e-6 * want.abs().max(1.0),
        "{mean} vs {want}"
    );
    // One scenario only.
    let o = palett(&[
        "run",
        "scenarios/herrgarden.ron",
        "scenarios/gang-network.ron",
        "--samples-out",
        csv.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn samples_out_parquet_without_the_feature_says_how_to_get_it() {
    if cfg!(feature = "parquet") {
        return;
    }
    let scratch = Scratch::new();
    let file = scratch.dir.path().join("s.parquet");
    let out = scratch.dir.path().join("out");
    let o = palett(&[
        "run",
        "scenarios/herrgarden.ron",
        "--samples",
        "100",
        "-q",
        "--samples-out",
        file.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(3));
    let (_, err) = text(&o);
    assert!(err.contains("--features parquet"), "{err}");
    assert!(!file.exists());
}

#[test]
fn sensitivity_oneway_writes_a_tornado_identical_on_1_and_2_threads() {
    let docs = on_1_and_2_threads(
        &["sensitivity", "scenarios/gang-network.ron", "--oneway"],
        "one-way sensitivity",
        "gang-network/oneway.json",
    );
    assert_eq!(docs[0], docs[1]);
    let doc: Value = serde_json::from_str(&docs[0]).expect("JSON");
    let params = text(&palett(&["params", "scenarios/gang-network.ron"])).0;
    let inputs = doc["inputs"].as_array().expect("inputs");
    assert!(!inputs.is_empty());
    for i in inputs {
        let path = i["input"].as_str().expect("path");
        assert!(params.contains(path), "{path}");
        assert!(i["low"]["value"].as_f64() <= i["high"]["value"].as_f64());
        if let Some(t) = i["threshold"].as_object() {
            let v = t["value"].as_f64().expect("value");
            let (lo, hi) = (
                i["low"]["value"].as_f64().expect("lo"),
                i["high"]["value"].as_f64().expect("hi"),
            );
            assert!(lo.min(hi) <= v && v <= lo.max(hi));
        }
    }
    let o = palett(&["sensitivity", "scenarios/gang-network.ron"]);
    assert_eq!(o.status.code(), Some(2), "an analysis must be chosen");
}

#[test]
fn sensitivity_frontier_gives_the_best_mix_within_each_budget() {
    let scratch = Scratch::new();
    let out = scratch.dir.path();
    let o = palett(&[
        "sensitivity",
        "scenarios/herrgarden.ron",
        "--frontier",
        "landlord",
        "--samples",
        "500",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    assert!(stdout.contains("budget frontier for landlord"), "{stdout}");
    let doc = json(&out.join("herrgarden/frontier.json"));
    let steps = doc["steps"].as_array().expect("steps");
    assert_eq!(steps[0]["from_budget"], 0.0);
    assert_eq!(steps[0]["best_mix"], "do_nothing");
    // Budgets grow and so does the best mean NPV along the frontier.
    for w in steps.windows(2) {
        assert!(w[0]["from_budget"].as_f64() < w[1]["from_budget"].as_f64());
        assert!(w[0]["npv_mean"].as_f64() < w[1]["npv_mean"].as_f64());
    }
    let o = palett(&[
        "sensitivity",
        "scenarios/herrgarden.ron",
        "--frontier",
        "landlrd",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("not an actor"), "{}", text(&o).1);
}

#[test]
fn a_shipped_scenario_has_a_decision_worth_more_information() {
    // The golden test keeps this file equal to a fresh run of the
    // scenario at its own settings.
    let s = json(&super::support::root().join("tests/golden/run/kommun-budget/summary.json"));
    let voi = &s["value_of_information"];
    let (evpi, se) = (
        voi["evpi"].as_f64().expect("evpi"),
        voi["evpi_se"].as_f64().expect("se"),
    );
    assert!(evpi > 3.0 * se && se > 0.0, "EVPI {evpi} ± {se}");
    let p_best: Vec<f64> = s["mixes"]
        .as_array()
        .expect("mixes")
        .iter()
        .map(|m| m["p_best"].as_f64().expect("p_best"))
        .collect();
    assert!(p_best.iter().any(|&p| 0.05 < p && p < 0.95), "{p_best:?}");
}

#[test]
fn discover_names_the_inputs_under_which_a_mix_is_not_best() {
    let docs = on_1_and_2_threads(
        &[
            "discover",
            "scenarios/kommun-budget.ron",
            "--mix",
            "school_first",
            "--when",
            "not best",
            "--samples",
            "2000",
        ],
        "Mostly when",
        "kommun-budget/discover.json",
    );
    assert_eq!(docs[0], docs[1]);
    let doc: Value = serde_json::from_str(&docs[0]).expect("JSON");
    assert_eq!(doc["points"], 2000);
    let t = doc["trajectory"].as_array().expect("trajectory");
    let chosen = &t[doc["chosen"].as_u64().expect("chosen") as usize];
    assert!(chosen["coverage"].as_f64().expect("coverage") >= 0.5);
    assert!(!chosen["limits"].as_array().expect("limits").is_empty());
    let o = palett(&[
        "discover",
        "scenarios/kommun-budget.ron",
        "--mix",
        "school_first",
        "--when",
        "npv is low",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("cannot read the condition"));
}

#[test]
fn sensitivity_shapley_shares_sum_to_one_per_actor_identical_on_1_and_2_threads() {
    let docs = on_1_and_2_threads(
        &[
            "sensitivity",
            "scenarios/sodertalje.ron",
            "--shapley",
            "--permutations",
            "12",
            "--variance-samples",
            "400",
            "--set",
            "synergy.theta=0.4",
        ],
        "Shapley effects",
        "sodertalje/shapley.json",
    );
    assert_eq!(docs[0], docs[1]);
    let doc: Value = serde_json::from_str(&docs[0]).expect("JSON");
    assert_eq!(doc["format_version"], 1);
    let inputs: Vec<&str> = doc["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| i.as_str().expect("path"))
        .collect();
    // The held input is not analysed; every other uncertain input is.
    let params = text(&palett(&["params", "scenarios/sodertalje.ron"])).0;
    assert_eq!(inputs.len(), params.lines().count() - 2);
    assert!(!inputs.contains(&"synergy.theta"));
    assert_eq!(doc["held"][0]["path"], "synergy.theta");
    let d = inputs.len() as u64;
    assert_eq!(doc["evaluations"], 400 + 12 * (d - 1) * 3);
    let actors = text(&palett(&["show", "--actors"])).0;
    for mix in doc["mixes"].as_array().expect("mixes") {
        assert_ne!(mix["mix"], "do_nothing");
        let keys = mix["npv"].as_array().expect("keys");
        assert_eq!(keys.last().expect("total")["key"], "total");
        for k in keys {
            let key = k["key"].as_str().expect("key");
            assert!(key == "total" || actors.contains(key), "{key}");
            let effects = k["effects"].as_array().expect("effects");
            assert_eq!(effects.len(), inputs.len());
            if k["sd"].as_f64().is_some_and(|sd| sd > 0.0) {
                let sum: f64 = effects
                    .iter()
                    .map(|e| e["share"].as_f64().expect("share"))
                    .sum();
                assert!((sum - 1.0).abs() < 1e-9, "{key}: {sum}");
                assert!(
                    effects
                        .iter()
                        .all(|e| e["se"].as_f64().is_some_and(|s| s >= 0.0))
                );
            }
        }
    }
    let o = palett(&[
        "sensitivity",
        "scenarios/sodertalje.ron",
        "--shapley",
        "--permutations",
        "1",
    ]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "one permutation gives no standard error"
    );
    let o = palett(&[
        "sensitivity",
        "scenarios/sodertalje.ron",
        "--oneway",
        "--inner",
        "3",
    ]);
    assert_eq!(o.status.code(), Some(2), "--inner needs --shapley");
}
