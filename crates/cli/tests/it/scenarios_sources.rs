//! The shipped scenarios as evidence: every uncertain input says where it
//! comes from, and the budget scenario poses a choice that really is
//! uncertain and turns on the discount rate (docs/scenarios.md).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::support::{Scratch, palett, root, text};

/// The distributions of a scalar that make an input uncertain (`Fixed` does not).
const UNCERTAIN: [&str; 10] = [
    "Uniform",
    "Triangular",
    "Pert",
    "Normal",
    "TruncNormal",
    "LogNormal",
    "Ci90",
    "Beta",
    "Gamma",
    "Discrete",
];

/// Every `.ron` file under `dir`, libraries included, sorted.
fn ron_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("scenarios folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(ron_files(&p));
        } else if p.extension().is_some_and(|x| x == "ron") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// A line split into its code and its `//` comment (none if there is
/// none); `//` inside a string does not start a comment.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut in_string = false;
    let mut escaped = false;
    let bytes = line.as_bytes();
    for i in 0..bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            return (&line[..i], Some(&line[i + 2..]));
        }
    }
    (line, None)
}

/// Whether code holds an uncertain distribution, e.g. `Pert(` but not
/// `TruncNormal(` read as `Normal(`.
fn has_distribution(code: &str) -> bool {
    UNCERTAIN.iter().any(|name| {
        code.match_indices(&format!("{name}(")).any(|(i, _)| {
            !code[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
        })
    })
}

fn has_text(comment: Option<&str>) -> bool {
    comment.is_some_and(|c| !c.trim().is_empty())
}

#[test]
fn comment_scanner_reads_code_and_comments_apart() {
    assert_eq!(
        split_comment(r#"    x: Pert(1, 2, 3),   // judgement"#),
        ("    x: Pert(1, 2, 3),   ", Some(" judgement"))
    );
    assert_eq!(
        split_comment(r#"    d: "a // b", y: 1"#),
        (r#"    d: "a // b", y: 1"#, None)
    );
    assert!(has_distribution("success: Beta(2, 3),"));
    assert!(has_distribution(
        "theta: Discrete([(0.4, 0.65), (0.6, 0.35)]),"
    ));
    assert!(has_distribution("x: TruncNormal(0, 1, -1, 1)"));
    assert!(!has_distribution("x: Fixed(3), y: 0.4"));
    assert!(!has_distribution("x: MyPert(1, 2, 3)"));
}

#[test]
fn every_uncertain_input_in_the_shipped_scenarios_has_a_source_comment() {
    let mut missing = Vec::new();
    let mut checked = 0;
    for file in ron_files(&root().join("scenarios")) {
        let text = std::fs::read_to_string(&file).expect("readable");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let (code, comment) = split_comment(line);
            if !has_distribution(code) {
                continue;
            }
            checked += 1;
            let above = i
                .checked_sub(1)
                .map(|j| split_comment(lines[j]))
                .is_some_and(|(code, comment)| code.trim().is_empty() && has_text(comment));
            if !has_text(comment) && !above {
                let name = file.strip_prefix(root()).unwrap_or(&file).display();
                missing.push(format!("{name}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(checked > 100, "only {checked} distributions found");
    assert!(
        missing.is_empty(),
        "a distribution without a source comment on its line or the line above \
         (a report page, a named published range, or \"judgement\" and why):\n{}",
        missing.join("\n")
    );
}

/// Runs a copy of kommun-budget.ron at `rate` (the libraries beside it) and
/// returns its summary.
fn kommun_budget_at(s: &Scratch, rate: &str) -> Value {
    let scenarios = root().join("scenarios");
    for lib in ["seed-profiles.ron", "network-profiles.ron"] {
        let t = std::fs::read_to_string(scenarios.join("lib").join(lib)).expect("library");
        s.write(&format!("lib/{lib}"), &t);
    }
    let t = std::fs::read_to_string(scenarios.join("kommun-budget.ron")).expect("kommun-budget");
    assert!(t.contains("discount_rate: 0.04,"), "the base rate is 4 %");
    let stem = format!("kommun-budget-{}", rate.replace('.', "_"));
    let p = s.write(
        &format!("{stem}.ron"),
        &t.replace("discount_rate: 0.04,", &format!("discount_rate: {rate},")),
    );
    let out_dir = s.dir.path().join("out");
    let o = palett(&[
        "run",
        p.to_str().expect("utf-8"),
        "--samples",
        "1000",
        "-q",
        "--out",
        out_dir.to_str().expect("utf-8"),
    ]);
    // At other rates the file's P(best) claims may fail (exit 1); the
    // outputs are written either way.
    assert!(
        matches!(o.status.code(), Some(0) | Some(1)),
        "{}",
        text(&o).1
    );
    let summary = std::fs::read_to_string(out_dir.join(&stem).join("summary.json"))
        .expect("summary.json written");
    serde_json::from_str(&summary).expect("json")
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// (mix with the highest mean NPV, the largest P(best)).
fn best(summary: &Value) -> (String, f64) {
    let mixes = summary["mixes"].as_array().expect("mixes");
    let by_npv = mixes
        .iter()
        .max_by(|a, b| f(&a["npv"]["mean"]).total_cmp(&f(&b["npv"]["mean"])))
        .expect("a mix");
    let top_p = mixes.iter().map(|m| f(&m["p_best"])).fold(0.0, f64::max);
    (by_npv["name"].as_str().expect("name").to_string(), top_p)
}

#[test]
fn kommun_budget_is_a_real_choice_that_turns_on_the_discount_rate() {
    let s = Scratch::new();
    let base = kommun_budget_at(&s, "0.04");
    let mixes = base["mixes"].as_array().expect("mixes");
    let split: Vec<&str> = mixes
        .iter()
        .filter(|m| (0.05..0.95).contains(&f(&m["p_best"])))
        .map(|m| m["name"].as_str().expect("name"))
        .collect();
    assert!(
        split.len() >= 2,
        "at 4 %, P(best) is split between at least two mixes: {split:?}"
    );
    assert!(best(&base).1 < 0.95, "no mix is best with certainty at 4 %");
    let (low, _) = best(&kommun_budget_at(&s, "0.0"));
    let (high, _) = best(&kommun_budget_at(&s, "0.08"));
    assert_eq!(
        low, "school_first",
        "at 0 % the late-paying school mix wins"
    );
    assert_ne!(
        low, high,
        "the best mix changes between a 0 % and an 8 % discount rate"
    );
}
