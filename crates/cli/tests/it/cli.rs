//! The command line itself: help, exit codes, completions, man page.

use super::support::{Scratch, palett, root, text};

#[test]
fn help_leads_with_examples_and_lists_exit_codes() {
    let out = palett(&["--help"]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    assert!(
        stdout.contains("Examples:") && stdout.contains("palett run scenarios/"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Exit codes:") && stdout.contains("3  a file was invalid"),
        "{stdout}"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["run"][..],
        &["run", "scenarios", "--samples", "0"],
        // A base case is one sample at the central values: nothing to sample.
        &["run", "scenarios", "--deterministic", "--samples", "10"],
        &["run", "scenarios", "--deterministic", "--seed", "3"],
        &["run", "scenarios", "--deterministic", "--method", "mc"],
        &["run", "scenarios", "--deterministic", "--target-se", "1e6"],
        &["table", "x.ron", "--profile", "p", "--years", "0"],
        &["table", "x.ron", "--profile", "p", "--years", "1,x"],
        &["table", "x.ron", "--profile", "p", "--years=1,-2"],
        &["frobnicate"],
    ] {
        let out = palett(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out).1);
        if args[0] == "table" {
            assert!(
                text(&out)
                    .1
                    .contains("is not a year of the case: years are whole numbers from 1"),
                "{args:?}: {}",
                text(&out).1
            );
        }
    }
}

#[test]
fn missing_path_is_reported_and_exits_3() {
    let out = palett(&["validate", "no/such/dir"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr.contains("no/such/dir: no such file or directory"),
        "{stderr}"
    );
}

/// A mistyped or empty folder must not pass as a batch that ran: it is an
/// invalid entry, in index.json too, and the other files still run.
#[test]
fn folder_without_scenarios_is_invalid_and_the_batch_runs_on() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.dir.path().join("empty/nested")).expect("mkdir");
    s.write("empty/notes.txt", "not a scenario");
    let libs = s.write(
        "libs/profiles.ron",
        &std::fs::read_to_string(root().join("scenarios/lib/seed-profiles.ron")).expect("lib"),
    );
    let libs = libs.parent().expect("folder");
    let empty = s.dir.path().join("empty");
    let out = s.dir.path().join("out");
    let (empty, libs, out) = (
        empty.to_str().expect("utf-8"),
        libs.to_str().expect("utf-8"),
        out.to_str().expect("utf-8"),
    );
    let o = palett(&[
        "run",
        empty,
        "scenarios/seed-cases.ron",
        libs,
        "-q",
        "--out",
        out,
    ]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{empty}: no .ron files in this folder or below it"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{libs}: no scenario files in this folder or below it, only library files"
        )),
        "{stderr}"
    );
    let index =
        std::fs::read_to_string(std::path::Path::new(out).join("index.json")).expect("index");
    let index: serde_json::Value = serde_json::from_str(&index).expect("json");
    let status: Vec<(&str, &str)> = index["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().expect("file"),
                f["status"].as_str().expect("status"),
            )
        })
        .collect();
    assert_eq!(
        status,
        [
            ("scenarios/seed-cases.ron", "ok"),
            (empty, "invalid"),
            (libs, "invalid"),
        ]
    );

    // validate: an empty folder is invalid; a folder of libraries is
    // checked file by file, as before.
    let o = palett(&["validate", empty]);
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).1.contains("no .ron files"), "{}", text(&o).1);
    let o = palett(&["validate", libs]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
}

/// Sample counts as people write them: 1e4 and 10_000 are 10000; a count
/// that is not a whole number is a usage error that says what would do.
#[test]
fn sample_counts_in_scientific_notation_and_with_underscores() {
    let s = Scratch::new();
    let mut summaries = Vec::new();
    for (i, n) in ["2000", "2e3", "2_000", "0.2e4"].into_iter().enumerate() {
        let out = s.dir.path().join(format!("out{i}"));
        let o = palett(&[
            "run",
            "scenarios/herrgarden.ron",
            "--samples",
            n,
            "-q",
            "--out",
            out.to_str().expect("utf-8"),
        ]);
        assert_eq!(o.status.code(), Some(0), "{n}: {}", text(&o).1);
        summaries.push(std::fs::read(out.join("herrgarden/summary.json")).expect("summary"));
    }
    assert!(summaries.windows(2).all(|w| w[0] == w[1]));
    assert!(
        String::from_utf8_lossy(&summaries[0]).contains("\"samples\": 2000"),
        "a run of 2000 samples"
    );
    for bad in ["1.5", "-5", "2e3.5", "1e30", "nan", "lots"] {
        let arg = format!("--samples={bad}");
        let o = palett(&["run", "scenarios/herrgarden.ron", &arg]);
        let err = text(&o).1;
        assert_eq!(o.status.code(), Some(2), "{bad}: {err}");
        assert!(
            err.contains("expected a whole number such as 100000, 100_000 or 1e5"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn completions_and_man_page_are_generated() {
    let out = palett(&["completions", "bash"]);
    assert!(out.status.success());
    assert!(text(&out).0.contains("_palett()"));
    let out = palett(&["man"]);
    assert!(out.status.success());
    assert!(text(&out).0.contains(".TH palett 1"));
}
