//! Issue-12 classes, one regression test each: inputs over a limit are
//! invalid (never an abort), batches survive bad files, output folders
//! never collide, the command line is bounded and quiet on a closed pipe.

use super::support::{Scratch, palett, root, text};

/// A small valid scenario that includes `lib/seed-profiles.ron`.
fn seed_cases() -> String {
    std::fs::read_to_string(root().join("scenarios/seed-cases.ron")).expect("seed-cases.ron")
}

/// A scratch copy of the seed library beside `dir`'s scenarios.
fn with_lib(s: &Scratch, dir: &str) {
    let lib = std::fs::read_to_string(root().join("scenarios/lib/seed-profiles.ron"))
        .expect("seed-profiles.ron");
    s.write(&format!("{dir}/lib/seed-profiles.ron"), &lib);
}

fn validate_one(s: &Scratch, name: &str, body: &str) -> (Option<i32>, String) {
    let p = s.write(name, body);
    let o = palett(&["validate", p.to_str().expect("utf-8 path")]);
    (o.status.code(), text(&o).1)
}

#[test]
fn deep_nesting_is_invalid_with_a_location() {
    let s = Scratch::new();
    let body = format!("Scenario(name: {})", "[".repeat(50_000));
    let (code, err) = validate_one(&s, "deep.ron", &body);
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("deep.ron:1:") && err.contains("nested more than 64"),
        "{err}"
    );
    assert!(!err.contains("recursion_limit"), "{err}");
}

#[test]
fn huge_sizes_are_invalid_before_allocation() {
    let s = Scratch::new();
    let horizon = seed_cases().replace("horizon: 30", "horizon: 1000000000");
    assert_ne!(horizon, seed_cases(), "the seed scenario sets horizon: 30");
    with_lib(&s, ".");
    let (code, err) = validate_one(&s, "h.ron", &horizon);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("between 1 and 200"), "{err}");

    let lib = r#"Library(
    profiles: {
        "long": Annual(years: 100000000, amounts: { "kommun": [1000] }),
        "far": Checkpoints(rate: 0.03, years: [1, 4294967295], cumulative: { "kommun": [1, 2] }),
    },
)
"#;
    let (code, err) = validate_one(&s, "lib2.ron", lib);
    assert_eq!(code, Some(3), "{err}");
    assert_eq!(err.matches("at most 200 years").count(), 2, "{err}");
    assert!(err.contains("lib2.ron:3:"), "{err}");
}

#[test]
fn file_over_the_size_limit_is_invalid() {
    let s = Scratch::new();
    let body = format!("Scenario(description: \"{}\")", "x".repeat(2 << 20));
    let (code, err) = validate_one(&s, "big.ron", &body);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("larger than 1024 KiB"), "{err}");
}

#[test]
fn byte_order_mark_and_non_utf8() {
    let s = Scratch::new();
    with_lib(&s, ".");
    let (code, err) = validate_one(&s, "bom.ron", &format!("\u{feff}{}", seed_cases()));
    assert_eq!(code, Some(0), "{err}");
    let p = s.dir.path().join("latin1.ron");
    std::fs::write(&p, b"Scenario(\n    name: \"G\xF6teborg\",\n)").expect("write");
    let o = palett(&["validate", p.to_str().expect("utf-8 path")]);
    let err = text(&o).1;
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(
        err.contains("latin1.ron:2:13: ") && err.contains("not UTF-8"),
        "{err}"
    );
}

#[test]
fn one_bad_file_does_not_stop_the_batch_and_index_is_written() {
    let s = Scratch::new();
    with_lib(&s, "x");
    s.write("x/good.ron", &seed_cases());
    s.write(
        "x/deep.ron",
        &format!("Scenario(name: {})", "(".repeat(100_000)),
    );
    let out = s.dir.path().join("out");
    let o = palett(&[
        "run",
        s.dir.path().join("x").to_str().expect("utf-8"),
        "--samples",
        "50",
        "-q",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o).1);
    let index = std::fs::read_to_string(out.join("index.json")).expect("index.json");
    assert!(index.contains("\"status\": \"invalid\""), "{index}");
    assert!(index.contains("\"status\": \"ok\""), "{index}");
    assert!(out.join("good/summary.json").is_file());
}

#[test]
fn colliding_output_folders_are_distinct_and_a_repeat_runs_once() {
    let s = Scratch::new();
    with_lib(&s, "a/x");
    with_lib(&s, "b/x");
    let a = s.write("a/x/s.ron", &seed_cases());
    let b = s.write(
        "b/x/s.ron",
        &seed_cases().replace("horizon: 30", "horizon: 20"),
    );
    let out = s.dir.path().join("out");
    let (a, b) = (a.to_str().expect("utf-8"), b.to_str().expect("utf-8"));
    let o = palett(&[
        "run",
        a,
        b,
        a,
        "--samples",
        "50",
        "-q",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    let index = std::fs::read_to_string(out.join("index.json")).expect("index.json");
    assert_eq!(index.matches("\"file\"").count(), 2, "{index}");
    for (dir, file) in [("x-s", a), ("x-s-2", b)] {
        assert!(
            index.contains(&format!("\"outputs\": \"{dir}\"")),
            "{index}"
        );
        let summary = std::fs::read_to_string(out.join(dir).join("summary.json")).expect("summary");
        assert!(
            summary.contains(&file.replace('\\', "\\\\")),
            "{dir} holds {file}'s run"
        );
        assert!(out.join(dir).join("by_year.csv").is_file());
    }
}

#[test]
fn stale_temporaries_are_cleaned_up() {
    let s = Scratch::new();
    with_lib(&s, ".");
    let f = s.write("s.ron", &seed_cases());
    let out = s.dir.path().join("out");
    s.write("out/s/.summary.json.4242.tmp", "partial");
    s.write("out/.s.4242.tmp/by_year.csv", "partial");
    let o = palett(&[
        "run",
        f.to_str().expect("utf-8"),
        "--samples",
        "50",
        "-q",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o).1);
    assert!(!out.join("s/.summary.json.4242.tmp").exists());
    assert!(!out.join(".s.4242.tmp").exists());
    assert!(out.join("s/summary.json").is_file());
}

#[test]
fn command_line_edges() {
    let o = palett(&["run", "scenarios/seed-cases.ron", "--threads", "100000"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o).1);

    let s = Scratch::new();
    let out = s.dir.path().join("out");
    let o = palett(&[
        "run",
        "missing.ron",
        "-q",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(3));
    let index = std::fs::read_to_string(out.join("index.json")).expect("index.json");
    assert!(
        index.contains("\"file\": \"missing.ron\"") && index.contains("invalid"),
        "{index}"
    );

    let o = palett(&[
        "run",
        "scenarios/lib/seed-profiles.ron",
        "-q",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(
        text(&o).1.contains("this is a library file"),
        "{}",
        text(&o).1
    );

    // --out naming a file, or a folder inside one, is a usage error before
    // any sample is drawn, for every command that writes results.
    s.write("taken", "not a folder");
    let file = s.dir.path().join("taken");
    let inside = file.join("results");
    for (out, says) in [
        (&file, "this is a file; give a folder".to_string()),
        (
            &inside,
            format!("`{}` is a file, so no folder", file.display()),
        ),
    ] {
        let out = out.to_str().expect("utf-8");
        for args in [
            vec!["run", "scenarios/seed-cases.ron", "-q", "--out", out],
            vec!["sensitivity", "scenarios/seed-cases.ron", "--out", out],
            vec!["merge", "parts", "--out", out],
            vec![
                "discover",
                "scenarios/seed-cases.ron",
                "--mix",
                "m",
                "--when",
                "best",
                "--out",
                out,
            ],
        ] {
            let o = palett(&args);
            let err = text(&o).1;
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.contains("--out") && err.contains(&says),
                "{args:?}: {err}"
            );
        }
    }
    // The files a run writes besides its folder: not a folder, and not
    // inside a file.
    let folder = s.dir.path().to_str().expect("utf-8");
    let under_file = inside.to_str().expect("utf-8");
    for flag in ["--samples-out", "--junit"] {
        for (path, says) in [
            (folder, "this is a folder; give a file name"),
            (under_file, "is a file, so no folder can be made inside it"),
        ] {
            let o = palett(&["run", "scenarios/seed-cases.ron", "-q", flag, path]);
            let err = text(&o).1;
            assert_eq!(o.status.code(), Some(2), "{flag} {path}: {err}");
            assert!(err.contains(flag) && err.contains(says), "{flag}: {err}");
        }
    }
    assert_eq!(
        std::fs::read_to_string(&file).expect("still there"),
        "not a folder"
    );

    // Folders that do not exist yet are made, for every output.
    let nested = s.dir.path().join("new");
    let at = |p: &str| nested.join(p).to_str().expect("utf-8").to_string();
    let (out, samples, junit) = (at("out"), at("s/samples.csv"), at("j/junit.xml"));
    let o = palett(&[
        "run",
        "scenarios/herrgarden.ron",
        "--samples",
        "200",
        "-q",
        "--out",
        &out,
        "--samples-out",
        &samples,
        "--junit",
        &junit,
    ]);
    // 0 or 1 (its assertions), never 3: every output was written.
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o).1);
    for f in [&samples, &junit, &at("out/herrgarden/summary.json")] {
        assert!(std::path::Path::new(f).is_file(), "{f}");
    }
}

#[test]
fn closed_pipe_exits_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    for args in [
        &["params", "scenarios/sodertalje.ron"][..],
        &["completions", "zsh"],
        &["man"],
        &["show", "--actors"],
        &["show", "tests/golden/run/herrgarden"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_palett"))
            .args(args)
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // Close our end of stdout at once, as `| head -0` would.
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut err)
            .expect("read");
        let status = child.wait().expect("wait");
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn numbers_near_overflow_are_invalid_with_the_limit_stated() {
    let s = Scratch::new();
    with_lib(&s, ".");
    let stock = seed_cases().replace("stock: 19", "stock: 1e308");
    let (code, err) = validate_one(&s, "stock.ron", &stock);
    assert_eq!(code, Some(3), "{err}");
    assert!(
        err.contains("stock.ron:28:") && err.contains("1e12"),
        "{err}"
    );
}

#[test]
fn distributions_bounded_near_the_float_limit_validate_fast() {
    let s = Scratch::new();
    with_lib(&s, ".");
    let body = seed_cases().replace(
        "stock: 19",
        "stock: Uniform(0, 1e308), inflow: [Pert(-1e308, 0, 1e308), Triangular(0, 1, 1.7e308)]",
    );
    let start = std::time::Instant::now();
    let (code, err) = validate_one(&s, "wide.ron", &body);
    assert!(
        start.elapsed().as_secs_f64() < 2.0,
        "validation took {:?}",
        start.elapsed()
    );
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("1e12"), "{err}");
}

#[test]
fn implausible_discount_rate_warns_in_validate() {
    let s = Scratch::new();
    with_lib(&s, ".");
    let body = seed_cases().replace("discount_rate: 0.04", "discount_rate: 3.5");
    let (code, err) = validate_one(&s, "rate.ron", &body);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: the discount rate is 3.5 per year, 350 %"),
        "{err}"
    );
    assert!(err.contains("written 0.035"), "{err}");
}

#[test]
fn failed_assertions_speak_msek_and_name_the_best_mix() {
    let s = Scratch::new();
    with_lib(&s, ".");
    let body = seed_cases().replace("at_least: 452000000, at_most: 453000000", "at_most: 1000");
    let f = s.write("a.ron", &body);
    let out = s.dir.path().join("out");
    let o = palett(&[
        "run",
        f.to_str().expect("utf-8"),
        "-q",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let err = text(&o).1;
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("(value: 452.") && err.contains(" MSEK)"),
        "{err}"
    );
}
