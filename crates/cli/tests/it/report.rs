//! Reports and the per-actor view through the binary: `palett report`,
//! `run --report`, `show`, `show --actors`, colour and man pages.

use super::support::{Scratch, palett, text};

/// Runs herrgarden with few samples into `out`.
fn herrgarden(out: &std::path::Path) {
    let o = palett(&[
        "run",
        "scenarios/herrgarden.ron",
        "--samples",
        "100",
        "-q",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert!(
        matches!(o.status.code(), Some(0) | Some(1)),
        "{}",
        text(&o).1
    );
}

#[test]
fn run_prints_the_cost_of_doing_nothing_and_bcr() {
    let scratch = Scratch::new();
    let o = palett(&[
        "run",
        "scenarios/gang-network.ron",
        "--samples",
        "100",
        "-q",
        "--out",
        scratch.dir.path().to_str().expect("utf-8 path"),
    ]);
    let (stdout, stderr) = text(&o);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{stderr}");
    assert!(stdout.contains("cost of doing nothing:"), "{stdout}");
    assert!(stdout.contains(" BCR "), "{stdout}");
}

#[test]
fn report_writes_pages_figures_and_an_index() {
    let scratch = Scratch::new();
    let out = scratch.dir.path().join("results");
    herrgarden(&out);
    let o = palett(&["report", out.to_str().expect("utf-8 path")]);
    assert!(o.status.success(), "{}", text(&o).1);
    assert!(out.join("index.html").is_file());
    let page = std::fs::read_to_string(out.join("herrgarden/report.html")).expect("page");
    for part in [
        "Who pays, who gains",
        "cost of doing nothing",
        "Assumptions",
        "To reproduce",
    ] {
        assert!(page.contains(part), "{part}");
    }
    // The assumptions come from inputs.json.
    assert!(page.contains("<table class=\"inputs\">"));
    for f in [
        "npv.svg",
        "npv.png",
        "fan-net.svg",
        "tipping.png",
        "do-nothing.svg",
    ] {
        assert!(out.join("herrgarden/figures").join(f).is_file(), "{f}");
    }
    // One scenario's folder works too.
    let o = palett(&[
        "report",
        out.join("herrgarden").to_str().expect("utf-8"),
        "-q",
    ]);
    assert!(o.status.success(), "{}", text(&o).1);
}

/// The page's "To reproduce" command line runs and gives the same
/// summary.json, byte for byte: for a sampled run with an input held by
/// `--set` and another method than the default, and for a base case.
#[test]
fn the_reproduce_line_reproduces_the_run() {
    let scratch = Scratch::new();
    for (name, args) in [
        (
            "sampled",
            &[
                "--samples",
                "300",
                "--seed",
                "11",
                "--method",
                "mc",
                "--set",
                "interventions.local_jobs.delay=1.25",
            ][..],
        ),
        ("base", &["--deterministic"][..]),
    ] {
        let first = scratch.dir.path().join(name);
        let mut run = vec!["run", "scenarios/herrgarden.ron", "-q", "--report", "--out"];
        run.push(first.to_str().expect("utf-8"));
        run.extend_from_slice(args);
        let o = palett(&run);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{}", text(&o).1);
        // The terminal says so wherever numbers with a held input are read.
        let held = "inputs held (--set): interventions.local_jobs.delay = 1.25";
        let shown = palett(&["show", first.join("herrgarden").to_str().expect("utf-8")]);
        for said in [text(&o).0, text(&shown).0] {
            assert_eq!(said.contains(held), name == "sampled", "{said}");
        }
        let page = std::fs::read_to_string(first.join("herrgarden/report.html")).expect("page");
        let line = page
            .split("To reproduce: <code>")
            .nth(1)
            .and_then(|rest| rest.split("</code>").next())
            .expect("a reproduce line");
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(words[..2], ["palett", "run"], "{line}");
        let again = scratch.dir.path().join(format!("{name}-again"));
        let mut rerun: Vec<&str> = words[1..].to_vec();
        rerun.extend_from_slice(&["-q", "--out", again.to_str().expect("utf-8")]);
        let o = palett(&rerun);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{line}: {}",
            text(&o).1
        );
        let summary = |dir: &std::path::Path| {
            std::fs::read(dir.join("herrgarden/summary.json")).expect("summary.json")
        };
        assert!(
            summary(&first) == summary(&again),
            "{line} gave other numbers"
        );
        if name == "sampled" {
            assert!(
                line.contains("--set interventions.local_jobs.delay=1.25"),
                "{line}"
            );
            assert!(page.contains("interventions.local_jobs.delay = 1.25"));
        } else {
            assert!(
                !line.contains("--samples") && !line.contains("--seed"),
                "{line}"
            );
        }
    }
}

#[test]
fn report_of_a_folder_without_results_exits_3() {
    let scratch = Scratch::new();
    let o = palett(&["report", scratch.dir.path().to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(3));
    assert!(text(&o).1.contains("no results here"), "{}", text(&o).1);
}

#[test]
fn show_prints_each_actor_with_colour_only_when_asked() {
    let scratch = Scratch::new();
    let out = scratch.dir.path().join("r");
    herrgarden(&out);
    let dir = out.join("herrgarden");
    let dir = dir.to_str().expect("utf-8");
    let o = palett(&["show", dir, "--mix", "housing_programme"]);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stderr}");
    for part in [
        "kommun (municipality)",
        "landlord",
        "total",
        "P(≤ 4 y)",
        "cost of doing nothing",
    ] {
        assert!(stdout.contains(part), "{part}: {stdout}");
    }
    assert!(!stdout.contains('\x1b'), "NO_COLOR is set: no colour");
    let o = palett(&["show", dir, "--color", "always"]);
    assert!(text(&o).0.contains('\x1b'));
    let o = palett(&["show", dir, "--color", "never"]);
    assert!(!text(&o).0.contains('\x1b'));
    let o = palett(&["show", dir, "--mix", "no_such_mix"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("housing_programme"), "{}", text(&o).1);
}

#[test]
fn show_actors_explains_the_names() {
    let o = palett(&["show", "--actors"]);
    let (stdout, _) = text(&o);
    assert!(o.status.success());
    assert!(stdout.contains("kommun") && stdout.contains("municipality"));
    assert!(stdout.contains("rattsvasende") && stdout.contains("police and justice"));
}

#[test]
fn every_subcommand_has_a_man_page() {
    for sub in [
        "run",
        "report",
        "show",
        "table",
        "params",
        "validate",
        "completions",
        "man",
    ] {
        let o = palett(&["man", sub]);
        let (stdout, stderr) = text(&o);
        assert!(o.status.success(), "man {sub}: {stderr}");
        assert!(stdout.contains(&format!(".TH palett-{sub}")), "man {sub}");
    }
    assert_eq!(palett(&["man", "nope"]).status.code(), Some(2));
}
