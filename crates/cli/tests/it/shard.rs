//! Sharded runs and their merge (docs/distributed.md): every shard and the
//! merge run as separate processes, and the merged folder must be the
//! one-machine run's byte for byte.

use std::path::Path;

use super::support::{Scratch, palett, text};

const SCENARIOS: [&str; 6] = [
    "gang-network",
    "herrgarden",
    "kommun-budget",
    "seed-cases",
    "sodertalje",
    "template",
];

/// Runs `palett ARGS… -q` (without -q for merge) and expects success.
fn ok(args: &[&str]) -> String {
    let o = palett(args);
    let (out, err) = text(&o);
    assert!(o.status.success(), "palett {args:?} failed: {err}");
    out
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// index.json without its timings (wall-clock, so no two runs agree).
fn index_without_timing(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join("index.json")).expect("index.json");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("index.json is JSON");
    if let Some(files) = v.get_mut("files").and_then(|f| f.as_array_mut()) {
        for f in files {
            if let Some(o) = f.as_object_mut() {
                o.remove("timing");
            }
        }
    }
    v
}

/// The result folders `a/<stem>` and `b/<stem>` hold the same files with
/// the same bytes, and the two index.json agree but for timings.
fn assert_same_results(a: &Path, b: &Path, stems: &[&str]) {
    for stem in stems {
        let (da, db) = (a.join(stem), b.join(stem));
        let mut files: Vec<String> = std::fs::read_dir(&da)
            .expect("result folder")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert!(files.contains(&"summary.json".to_string()), "{files:?}");
        for f in &files {
            let (x, y) = (std::fs::read(da.join(f)), std::fs::read(db.join(f)));
            assert!(y.is_ok(), "{stem}/{f} missing from the merge");
            assert!(
                x.ok() == y.ok(),
                "{stem}/{f} differs from the one-machine run"
            );
        }
        let count = std::fs::read_dir(&db).expect("merged folder").count();
        assert_eq!(count, files.len(), "{stem}: other files in the merge");
    }
    assert_eq!(index_without_timing(a), index_without_timing(b));
}

/// Runs `file` with `extra` in `n` shards, each a process, into `parts`.
fn shards(files: &[&str], extra: &[&str], n: u32, parts: &Path) {
    for k in 1..=n {
        let shard = format!("{k}/{n}");
        let mut args = vec!["run"];
        args.extend_from_slice(files);
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--shard", &shard, "-q", "--out", s(parts)]);
        ok(&args);
    }
}

fn one_run(files: &[&str], extra: &[&str], out: &Path) {
    let mut args = vec!["run"];
    args.extend_from_slice(files);
    args.extend_from_slice(extra);
    args.extend_from_slice(&["-q", "--out", s(out)]);
    // Assertions may fail at small sample counts; the files are written.
    let o = palett(&args);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "palett {args:?}: {}",
        text(&o).1
    );
}

fn merge(parts: &Path, out: &Path) -> std::process::Output {
    palett(&["merge", s(parts), "--out", s(out)])
}

#[test]
fn four_shards_of_every_shipped_scenario_merge_into_the_one_machine_run() {
    let t = Scratch::new();
    for stem in SCENARIOS {
        let file = format!("scenarios/{stem}.ron");
        // Three segments of 4 096 samples: shards of 0, 1, 1 and 1.
        let extra = ["--samples", "9000", "--seed", "5"];
        let (one, parts, merged) = (
            t.dir.path().join(format!("{stem}-one")),
            t.dir.path().join(format!("{stem}-parts")),
            t.dir.path().join(format!("{stem}-merged")),
        );
        one_run(&[&file], &extra, &one);
        shards(&[&file], &extra, 4, &parts);
        let o = merge(&parts, &merged);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o).1);
        assert_same_results(&one, &merged, &[stem]);
    }
}

#[test]
fn a_batch_is_dealt_out_by_whole_files() {
    let t = Scratch::new();
    let (one, parts, merged) = (
        t.dir.path().join("one"),
        t.dir.path().join("parts"),
        t.dir.path().join("merged"),
    );
    let extra = ["--samples", "5000"];
    one_run(&["scenarios/"], &extra, &one);
    shards(&["scenarios/"], &extra, 4, &parts);
    // Six files over four shards: 2, 2, 1 and 1 whole files.
    let written = std::fs::read_dir(&parts).expect("parts").count();
    assert_eq!(written, SCENARIOS.len());
    let o = merge(&parts, &merged);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o).1);
    assert_same_results(&one, &merged, &SCENARIOS);
}

#[test]
fn one_shard_and_seven_shards_of_an_odd_sample_count_merge_exactly() {
    let t = Scratch::new();
    let file = "scenarios/herrgarden.ron";
    // 7 does not divide 13 001; four segments over seven shards.
    let extra = ["--samples", "13001", "--method", "mc"];
    let one = t.dir.path().join("one");
    one_run(&[file], &extra, &one);
    for n in [1, 7] {
        let parts = t.dir.path().join(format!("parts-{n}"));
        let merged = t.dir.path().join(format!("merged-{n}"));
        shards(&[file], &extra, n, &parts);
        let o = merge(&parts, &merged);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o).1);
        assert_same_results(&one, &merged, &["herrgarden"]);
    }
}

#[test]
fn a_missing_shard_is_refused_and_allow_missing_records_it() {
    let t = Scratch::new();
    let file = "scenarios/seed-cases.ron";
    let parts = t.dir.path().join("parts");
    shards(&[file], &["--samples", "12000"], 3, &parts);
    std::fs::remove_file(parts.join("seed-cases.part-2-of-3")).expect("remove a part");
    let merged = t.dir.path().join("merged");
    let o = merge(&parts, &merged);
    let (_, err) = text(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains("missing shard 2/3 of scenarios/seed-cases.ron")
            && err.contains("--allow-missing"),
        "{err}"
    );
    assert!(!merged.join("seed-cases").exists(), "nothing is written");

    let o = palett(&["merge", s(&parts), "--out", s(&merged), "--allow-missing"]);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o).1);
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(merged.join("seed-cases/summary.json")).expect("summary"),
    )
    .expect("json");
    // Three segments of 4 096 (the last 3 808); the second is missing.
    assert_eq!(summary["samples"], 4096 + 3808);
    assert_eq!(summary["incomplete"]["planned_samples"], 12000);
    assert_eq!(summary["incomplete"]["missing_shards"][0], "2/3");
}

#[test]
fn parts_of_different_runs_or_repeated_shards_are_refused() {
    let t = Scratch::new();
    let text_of = std::fs::read_to_string(super::support::root().join("scenarios/seed-cases.ron"))
        .expect("scenario");
    let file = t.write("s/seed-cases.ron", &text_of);
    let lib =
        std::fs::read_to_string(super::support::root().join("scenarios/lib/seed-profiles.ron"))
            .expect("library");
    t.write("s/lib/seed-profiles.ron", &lib);
    let f = s(&file);
    let parts = t.dir.path().join("parts");
    let merged = t.dir.path().join("merged");
    // Another seed for shard 2.
    ok(&[
        "run",
        f,
        "--samples",
        "9000",
        "--shard",
        "1/2",
        "-q",
        "--out",
        s(&parts),
    ]);
    ok(&[
        "run",
        f,
        "--samples",
        "9000",
        "--seed",
        "9",
        "--shard",
        "2/2",
        "-q",
        "--out",
        s(&parts),
    ]);
    let o = merge(&parts, &merged);
    let err = text(&o).1;
    assert_eq!(o.status.code(), Some(3));
    assert!(
        err.contains("not parts of the same run") && err.contains("seed differs"),
        "{err}"
    );

    // The scenario's bytes changed between shards.
    ok(&[
        "run",
        f,
        "--samples",
        "9000",
        "--shard",
        "2/2",
        "-q",
        "--out",
        s(&parts),
    ]);
    std::fs::write(&file, format!("{text_of}\n// edited\n")).expect("edit");
    ok(&[
        "run",
        f,
        "--samples",
        "9000",
        "--shard",
        "1/2",
        "-q",
        "--out",
        s(&parts),
    ]);
    let err = text(&merge(&parts, &merged)).1;
    assert!(err.contains("scenario bytes (hash) differs"), "{err}");

    // Every part from the edited file, then the file edited again: the
    // merge names the change instead of merging stale parts.
    ok(&[
        "run",
        f,
        "--samples",
        "9000",
        "--shard",
        "2/2",
        "-q",
        "--out",
        s(&parts),
    ]);
    std::fs::write(&file, &text_of).expect("restore");
    let o = merge(&parts, &merged);
    let err = text(&o).1;
    assert_eq!(o.status.code(), Some(3));
    assert!(err.contains("changed since the parts ran"), "{err}");

    // The same shard twice (a copy under another name).
    let copy = parts.join("copy.part-1-of-2");
    std::fs::copy(parts.join("seed-cases.part-1-of-2"), &copy).expect("copy");
    let err = text(&merge(&parts, &merged)).1;
    assert!(err.contains("both shard 1/2"), "{err}");

    // Not a part at all.
    std::fs::write(&copy, "hello").expect("write");
    let err = text(&merge(&parts, &merged)).1;
    assert!(err.contains("not a palett part file"), "{err}");
}

#[test]
fn a_failed_shard_rerun_alone_completes_the_set() {
    let t = Scratch::new();
    let file = "scenarios/gang-network.ron";
    let extra = ["--samples", "9000"];
    let (one, parts, merged) = (
        t.dir.path().join("one"),
        t.dir.path().join("parts"),
        t.dir.path().join("merged"),
    );
    one_run(&[file], &extra, &one);
    shards(&[file], &extra, 3, &parts);
    // Shard 3 "failed": its part is gone (or was never written).
    std::fs::remove_file(parts.join("gang-network.part-3-of-3")).expect("remove");
    ok(&[
        "run",
        file,
        "--samples",
        "9000",
        "--shard",
        "3/3",
        "-q",
        "--out",
        s(&parts),
    ]);
    let o = merge(&parts, &merged);
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o).1);
    assert_same_results(&one, &merged, &["gang-network"]);
}

#[test]
fn bad_shards_are_usage_errors() {
    for bad in ["0/4", "5/4", "x"] {
        let o = palett(&["run", "scenarios/seed-cases.ron", "--shard", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(text(&o).1.contains("K/N"), "{}", text(&o).1);
    }
}
