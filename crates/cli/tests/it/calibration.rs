//! The seed report's tables, reproduced by `palett table` from the shipped
//! profile library (calibration targets 1 and 2 of the brief).

use std::collections::HashMap;

use super::support::{palett, root, text};

/// (case, actor, year) → cumulative PV, SEK, from a seed_tables.csv file.
fn read_reference(path: &std::path::Path) -> HashMap<(String, String, u32), f64> {
    let mut rdr = csv::Reader::from_path(path).expect("reference CSV readable");
    rdr.records()
        .map(|r| {
            let r = r.expect("CSV row");
            (
                (
                    r[0].to_string(),
                    r[1].to_string(),
                    r[2].parse().expect("year"),
                ),
                r[3].parse().expect("value"),
            )
        })
        .collect()
}

fn project_reference() -> HashMap<(String, String, u32), f64> {
    read_reference(&root().join("crates/cli/tests/data/seed_tables.csv"))
}

/// The project keeps its own copy of the figures, so a lone clone can test;
/// when shared/ is beside the clone (as in CI), the copy must match it.
#[test]
fn project_copy_of_reference_matches_shared() {
    let shared = root().join("../shared/reference/seed_tables.csv");
    if shared.exists() {
        assert_eq!(read_reference(&shared), project_reference());
    }
}

fn check_case(case: &str, years: &str) {
    let reference = project_reference();
    for file in [
        "scenarios/seed-cases.ron",
        "scenarios/lib/seed-profiles.ron",
    ] {
        let out = palett(&[
            "table",
            file,
            "--profile",
            case,
            "--years",
            years,
            "--format",
            "csv",
        ]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "palett table failed: {stderr}");
        let mut rdr = csv::Reader::from_reader(stdout.as_bytes());
        assert_eq!(
            rdr.headers().expect("header").iter().collect::<Vec<_>>(),
            ["actor", "year", "cumulative_pv"]
        );
        let mut seen = 0;
        for rec in rdr.records() {
            let rec = rec.expect("row");
            let key = (
                case.to_string(),
                rec[0].to_string(),
                rec[1].parse().expect("year"),
            );
            let got: f64 = rec[2].parse().expect("value");
            let want = reference[&key];
            let tol = if rec[0] == *"total" { 2.0 } else { 0.5 };
            assert!(
                (got - want).abs() <= tol,
                "{case} {} year {}: got {got}, report {want}",
                &rec[0],
                &rec[1]
            );
            seen += 1;
        }
        let expected = reference.keys().filter(|k| k.0 == case).count();
        assert_eq!(seen, expected, "every reference figure is checked");
    }
}

#[test]
fn patrik_reproduces_the_report() {
    check_case("patrik", "1,4,10,20,30");
}

#[test]
fn sammy_reproduces_the_report() {
    check_case("sammy", "1,2,5,10,12,15");
}

#[test]
fn text_table_reads_like_the_report() {
    let out = palett(&[
        "table",
        "scenarios/seed-cases.ron",
        "--profile",
        "sammy",
        "--years",
        "1,2,5,10,12,15",
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("23 805 97"),
        "total at year 15 in thousands-separated form:\n{stdout}"
    );
    let kommun = stdout
        .lines()
        .find(|l| l.starts_with("kommun"))
        .expect("a kommun row");
    assert!(
        kommun.contains("155 000") && kommun.contains("2 197 511"),
        "{kommun}"
    );
}

#[test]
fn json_table_has_rows_per_actor_and_total() {
    let out = palett(&[
        "table",
        "scenarios/seed-cases.ron",
        "--profile",
        "patrik",
        "--years",
        "4,30",
        "--format",
        "json",
    ]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    assert_eq!(v["years"], serde_json::json!([4, 30]));
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[7]["actor"], "total");
}

#[test]
fn rate_override_changes_the_discounting() {
    let at = |rate: &str| {
        let out = palett(&[
            "table",
            "scenarios/seed-cases.ron",
            "--profile",
            "sammy",
            "--years",
            "15",
            "--format",
            "csv",
            "--rate",
            rate,
        ]);
        let (stdout, _) = text(&out);
        let total = stdout
            .lines()
            .last()
            .expect("total row")
            .rsplit(',')
            .next()
            .expect("value")
            .to_string();
        total.parse::<f64>().expect("number")
    };
    assert!(
        at("0") > at("0.04"),
        "a lower rate gives a higher present value"
    );
}

#[test]
fn unknown_profile_is_a_usage_error() {
    let out = palett(&[
        "table",
        "scenarios/seed-cases.ron",
        "--profile",
        "nobody",
        "--years",
        "1",
    ]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("no profile `nobody`") && stderr.contains("patrik"),
        "{stderr}"
    );
}

#[test]
fn shipped_scenarios_validate() {
    let out = palett(&["validate", "scenarios"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("0 invalid"), "{stdout}");
}
