//! palett in CI, through the binary (docs/ci.md): the batch as JSON against
//! its schema, the JUnit report, GitHub annotations, `palett diff`, and the
//! commands of the workflow files in deploy/.

use std::path::Path;

use serde_json::Value;

use super::support::{Scratch, palett, root, text};

/// A copy of herrgarden.ron with `from` replaced by `to` (which must occur).
fn herrgarden_with(scratch: &Scratch, name: &str, from: &str, to: &str) -> String {
    let src = std::fs::read_to_string(root().join("scenarios/herrgarden.ron")).expect("read");
    assert!(src.contains(from), "{from}");
    let p = scratch.write(name, &src.replace(from, to));
    p.to_str().expect("utf-8").to_string()
}

/// A batch with one good file, one with a failing assertion and one
/// invalid file: (paths, out dir).
fn mixed_batch(scratch: &Scratch) -> Vec<String> {
    let failing = herrgarden_with(
        scratch,
        "failing/herrgarden.ron",
        "metric: \"p_npv_positive\", at_least: 0.9",
        "metric: \"p_npv_positive\", at_most: 0.5",
    );
    let invalid = scratch.write(
        "bad/broken.ron",
        "Scenario(\n    name: \"x\",\n    horizon: 30.5,\n)\n",
    );
    vec![
        "scenarios/gang-network.ron".to_string(),
        failing,
        invalid.to_str().expect("utf-8").to_string(),
    ]
}

fn run_args<'a>(files: &'a [String], out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["run", "--samples", "500", "-q", "--out", out];
    args.extend(files.iter().map(String::as_str));
    args.extend_from_slice(extra);
    args
}

#[test]
fn the_batch_as_json_validates_against_its_schema() {
    let scratch = Scratch::new();
    let files = mixed_batch(&scratch);
    let out = scratch.dir.path().join("out");
    let out = out.to_str().expect("utf-8");
    let o = palett(&run_args(&files, out, &["--format", "json"]));
    assert_eq!(o.status.code(), Some(3));
    let doc: Value = serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/schema/run.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let problems: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(doc["exit_code"], 3);
    assert_eq!(doc["totals"]["files"], 3);
    let f = doc["files"].as_array().expect("files");
    assert_eq!(f[0]["status"], "ok");
    assert!(f[0]["results"]["mixes"][0]["npv"]["mean"].is_number());
    assert_eq!(f[1]["status"], "assertions_failed");
    let failed: Vec<&Value> = f[1]["assertions"]
        .as_array()
        .expect("assertions")
        .iter()
        .filter(|a| a["holds"] == false)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["unit"], "share");
    assert!(
        failed[0]["display"]
            .as_str()
            .expect("display")
            .ends_with('%')
    );
    assert!(
        failed[0]["claim"]
            .as_str()
            .expect("claim")
            .contains("≤ 50.0 %")
    );
    assert_eq!(failed[0]["location"]["line"], 149);
    assert_eq!(f[2]["status"], "invalid");
    let e = &f[2]["errors"][0];
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64().map(|c| c > 0)),
        (Some(3), Some(true)),
        "{e}"
    );
    // The schema itself rejects what it must.
    let mut bad = doc.clone();
    bad["files"][0]["status"] = "fine".into();
    assert!(!validator.is_valid(&bad));
}

#[test]
fn junit_has_a_case_per_assertion_and_file_and_counts_the_failures() {
    let scratch = Scratch::new();
    let files = mixed_batch(&scratch);
    let out = scratch.dir.path().join("out");
    let junit = scratch.dir.path().join("reports/junit.xml");
    std::fs::create_dir_all(junit.parent().expect("parent")).expect("mkdir");
    let o = palett(&run_args(
        &files,
        out.to_str().expect("utf-8"),
        &["--junit", junit.to_str().expect("utf-8")],
    ));
    assert_eq!(o.status.code(), Some(3));
    let xml = std::fs::read_to_string(&junit).expect("report written");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), 3);
    // gang-network: one case for the file and one per assertion, all pass.
    let cases = |i: usize| {
        suites[i]
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .count()
    };
    let failures = |i: usize| {
        suites[i]
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count()
    };
    assert_eq!(failures(0), 0);
    assert_eq!(cases(1), 4, "the file and its three assertions");
    assert_eq!(failures(1), 1);
    assert_eq!(cases(2), 1);
    assert_eq!(failures(2), 1, "the invalid file");
    assert_eq!(root.attribute("failures"), Some("2"));
    let msg = suites[1]
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .and_then(|n| n.attribute("message"))
        .expect("message");
    assert!(msg.contains('%'), "{msg}");
    let total: usize = (0..3).map(cases).sum();
    assert_eq!(root.attribute("tests"), Some(total.to_string().as_str()));
}

#[test]
fn github_annotations_point_at_the_lines() {
    let scratch = Scratch::new();
    let files = mixed_batch(&scratch);
    let out = scratch.dir.path().join("out");
    let o = palett(&run_args(
        &files,
        out.to_str().expect("utf-8"),
        &["--annotations", "github"],
    ));
    let (stdout, _) = text(&o);
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error "))
        .collect();
    assert_eq!(errors.len(), 2, "{stdout}");
    assert!(errors.iter().any(|l| l.contains("herrgarden.ron,line=149,col=9,") && l.contains("assertion failed")));
    assert!(errors.iter().any(|l| l.contains("broken.ron,line=3,")));
    let o = palett(&run_args(
        &files,
        out.to_str().expect("utf-8"),
        &["--annotations", "github", "--format", "json"],
    ));
    assert_eq!(o.status.code(), Some(2), "both would write stdout");
}

fn run_into(file: &str, out: &Path, extra: &[&str]) {
    let mut args = vec!["run", file, "-q", "--out", out.to_str().expect("utf-8")];
    args.extend_from_slice(extra);
    let o = palett(&args);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o).1);
}

fn diff_json(old: &Path, new: &Path) -> Value {
    let o = palett(&[
        "diff",
        old.to_str().expect("utf-8"),
        new.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    serde_json::from_slice(&o.stdout).expect("JSON")
}

#[test]
fn diff_finds_a_changed_assumption_and_calls_a_new_seed_noise() {
    let scratch = Scratch::new();
    let dir = scratch.dir.path();
    let same = herrgarden_with(&scratch, "a/herrgarden.ron", "", "");
    // Local jobs cost arbetsformedlingen ten times as much: only the mix
    // with local jobs moves.
    let dearer = herrgarden_with(
        &scratch,
        "b/herrgarden.ron",
        "\"arbetsformedlingen\": 1500000,",
        "\"arbetsformedlingen\": 15000000,",
    );
    run_into(&same, &dir.join("old"), &[]);
    run_into(&dearer, &dir.join("new"), &[]);
    run_into(&same, &dir.join("reseeded"), &["--seed", "7"]);

    let d = diff_json(&dir.join("old"), &dir.join("old"));
    let s = &d["scenarios"][0];
    assert_eq!(s["comparability"]["kind"], "same_settings");
    for m in s["mixes"].as_array().expect("mixes") {
        assert_eq!(m["npv"]["verdict"], "unchanged", "{m}");
    }

    let d = diff_json(&dir.join("old"), &dir.join("new"));
    let s = &d["scenarios"][0];
    let mix = |name: &str| {
        s["mixes"]
            .as_array()
            .expect("mixes")
            .iter()
            .find(|m| m["mix"] == name)
            .cloned()
            .expect("mix")
    };
    let programme = mix("housing_programme");
    assert_eq!(programme["npv"]["verdict"], "changed");
    assert_eq!(
        programme["npv_by_actor"]["arbetsformedlingen"]["verdict"],
        "changed"
    );
    assert_eq!(
        programme["npv_by_actor"]["landlord"]["verdict"],
        "unchanged"
    );
    assert_eq!(mix("housing_alone")["npv"]["verdict"], "unchanged");
    assert_eq!(s["best"]["new"], "housing_alone");

    let d = diff_json(&dir.join("old"), &dir.join("reseeded"));
    let s = &d["scenarios"][0];
    assert_eq!(s["comparability"]["kind"], "independent_runs");
    for m in s["mixes"].as_array().expect("mixes") {
        assert_eq!(m["npv"]["verdict"], "within_noise", "{m}");
    }
    let o = palett(&[
        "diff",
        dir.join("old").to_str().expect("utf-8"),
        dir.join("reseeded").to_str().expect("utf-8"),
        "--fail-on-change",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).0);
    assert!(text(&o).0.contains("no change beyond Monte Carlo noise"));

    // A longer horizon: not comparable, and said so.
    let longer = herrgarden_with(&scratch, "c/herrgarden.ron", "horizon: 10,", "horizon: 12,");
    run_into(&longer, &dir.join("longer"), &[]);
    let o = palett(&[
        "diff",
        dir.join("old").to_str().expect("utf-8"),
        dir.join("longer").to_str().expect("utf-8"),
        "--format",
        "markdown",
        "--fail-on-change",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o).0.contains("Not comparable: horizon 10 → 12 years"),
        "{}",
        text(&o).0
    );
    let o = palett(&["diff", dir.to_str().expect("utf-8"), "/nonexistent"]);
    assert_eq!(o.status.code(), Some(3));
}

/// One scenario whose summary.json is not palett's is named, with why, and
/// the batch's other scenarios are still compared; the exit code says a
/// folder could not be read. Two scenario folders: the error is the answer.
#[test]
fn diff_of_a_batch_compares_the_scenarios_it_can_read() {
    let scratch = Scratch::new();
    let dir = scratch.dir.path();
    let old = dir.join("old");
    let o = palett(&[
        "run",
        "scenarios/herrgarden.ron",
        "scenarios/seed-cases.ron",
        "--samples",
        "500",
        "-q",
        "--out",
        old.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
    let new = dir.join("new");
    copy_dir(&old, &new);
    std::fs::write(new.join("herrgarden/summary.json"), "{\"truncated\": ").expect("corrupt");
    let diff = |a: &Path, b: &Path, extra: &[&str]| {
        let mut args = vec![
            "diff",
            a.to_str().expect("utf-8"),
            b.to_str().expect("utf-8"),
        ];
        args.extend_from_slice(extra);
        let o = palett(&args);
        let (stdout, stderr) = text(&o);
        (o.status.code(), stdout, stderr)
    };
    let (code, stdout, stderr) = diff(&old, &new, &["--format", "json"]);
    assert_eq!(code, Some(3), "{stderr}");
    let d: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(d["scenarios"].as_array().expect("scenarios").len(), 1);
    assert_eq!(d["scenarios"][0]["folder"], "seed-cases");
    assert_eq!(d["unreadable"][0]["folder"], "herrgarden");
    let why = d["unreadable"][0]["error"].as_str().expect("why");
    assert!(
        why.contains("herrgarden/summary.json") && why.contains("not a palett summary.json"),
        "{why}"
    );
    assert!(stderr.contains("not a palett summary.json"), "{stderr}");

    let (code, stdout, _) = diff(&old, &new, &[]);
    assert_eq!(code, Some(3));
    assert!(stdout.contains("Not compared: herrgarden ("), "{stdout}");

    let (code, _, stderr) = diff(&old.join("herrgarden"), &new.join("herrgarden"), &[]);
    assert_eq!(code, Some(3));
    assert!(stderr.contains("not a palett summary.json"), "{stderr}");
}

/// Copies the folder `from` to `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

/// The palett command lines of a workflow file, in order.
fn palett_lines(workflow: &str) -> Vec<String> {
    const BIN: &str = "./target/release/palett ";
    std::fs::read_to_string(root().join(workflow))
        .expect("workflow file")
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.find(BIN).map(|i| l[i..].to_string()))
        .collect()
}

/// Runs the palett commands of `workflow` as its job would, in a checkout
/// whose target branch made local jobs cheaper in herrgarden.ron: every
/// command must do what the workflow relies on.
fn workflow_commands_work(workflow: &str) {
    let lines = palett_lines(workflow);
    assert!(
        lines.iter().any(|l| l.contains(" run scenarios/"))
            && lines
                .iter()
                .any(|l| l.contains(" diff results-base results")),
        "{lines:#?}"
    );
    let scratch = Scratch::new();
    let repo = scratch.dir.path().join("repo");
    copy_dir(&root().join("scenarios"), &repo.join("scenarios"));
    let base = scratch.dir.path().join("base/scenarios");
    copy_dir(&root().join("scenarios"), &base);
    let h = base.join("herrgarden.ron");
    let text = std::fs::read_to_string(&h).expect("read");
    std::fs::write(
        &h,
        text.replace(
            "\"arbetsformedlingen\": 1500000,",
            "\"arbetsformedlingen\": 900000,",
        ),
    )
    .expect("write");
    let bin = env!("CARGO_BIN_EXE_palett");
    for line in &lines {
        let cmd = line.replacen("./target/release/palett", bin, 1);
        let cmd = cmd.replace("|| status=$?", "");
        let o = std::process::Command::new("sh")
            .arg("-c")
            .arg(&cmd)
            .current_dir(&repo)
            .env("NO_COLOR", "1")
            .output()
            .expect("sh runs");
        assert!(
            o.status.success(),
            "{workflow}: `{line}` failed: {}",
            text_of(&o)
        );
    }
    let junit = std::fs::read_to_string(repo.join("results/junit.xml")).expect("junit written");
    roxmltree::Document::parse(&junit).expect("well-formed");
    let diff = std::fs::read_to_string(repo.join("diff.md")).expect("diff written");
    assert!(diff.contains("### Herrgården (herrgarden)"), "{diff}");
    assert!(
        diff.contains("| housing_programme |") && diff.contains("**CHANGED"),
        "{diff}"
    );
    assert!(
        diff.contains("Sodertalje") || diff.contains("Södertälje"),
        "{diff}"
    );
}

fn text_of(o: &std::process::Output) -> String {
    let (a, b) = text(o);
    format!("{a}\n{b}")
}

#[test]
fn the_github_workflow_runs_what_is_tested() {
    workflow_commands_work("deploy/github/palett-scenarios.yml");
}

#[test]
fn the_gitlab_job_runs_what_is_tested() {
    workflow_commands_work("deploy/gitlab/palett-scenarios.gitlab-ci.yml");
}
