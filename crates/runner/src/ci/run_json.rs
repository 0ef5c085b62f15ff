//! The batch as one JSON document for `palett run --format json`
//! (docs/ci.md, "The batch as JSON"; schema: docs/schema/run.schema.json).
//! Everything a pipeline needs without opening the result folders: each
//! file's status, its problems with their places, warnings, assertion
//! results in the metric's unit and for people, and the headline numbers of
//! every mix.

use serde::Serialize;
use serde_json::Value;

use super::{Problem, problems, warnings};
use crate::batch::{FileResult, FileStatus};
use crate::output::summary_json;

/// The version of this document's layout; a change that removes or
/// renames a field raises it.
pub const FORMAT_VERSION: u32 = 1;

/// The whole document.
#[derive(Debug, Serialize)]
pub struct RunJson<'a> {
    format_version: u32,
    palett_version: &'static str,
    /// The exit code `palett run` ends with (docs/output-format.md).
    exit_code: u8,
    /// Counts per status.
    totals: Totals,
    files: Vec<FileJson<'a>>,
}

#[derive(Debug, Default, Serialize)]
struct Totals {
    files: usize,
    ok: usize,
    assertions_failed: usize,
    invalid: usize,
    failed: usize,
    assertions: usize,
    assertions_holding: usize,
}

#[derive(Debug, Serialize)]
struct FileJson<'a> {
    file: &'a str,
    status: FileStatus,
    scenario: Option<&'a str>,
    /// The result folder, relative to `--out`; null when nothing was written.
    outputs: Option<&'a str>,
    errors: Vec<Problem>,
    warnings: Vec<String>,
    assertions: Vec<AssertionJson<'a>>,
    /// Run settings and every mix's headline numbers; null when it did not run.
    results: Option<Value>,
}

#[derive(Debug, Serialize)]
struct AssertionJson<'a> {
    claim: &'a str,
    location: Location<'a>,
    holds: bool,
    /// In `unit`; null when undefined.
    value: Option<f64>,
    /// `SEK`, `year`, `share`, `ratio` or `state`.
    unit: &'static str,
    /// The value for people: MSEK, %, "year N".
    display: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    best: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct Location<'a> {
    file: std::borrow::Cow<'a, str>,
    line: usize,
    column: usize,
}

/// The numbers of summary.json a pipeline reads first: run settings, then
/// per mix the total NPV (SEK: mean, its standard error, 5th, 50th and
/// 95th percentile), P(NPV > 0), P(best) and the median payback and
/// tipping years. Taken from summary.json's own document so they agree
/// with it to the bit.
fn headline(summary: &Value) -> Value {
    let pick = |v: &Value, keys: &[&str]| -> Value {
        Value::Object(
            keys.iter()
                .map(|k| ((*k).to_string(), v.get(*k).cloned().unwrap_or(Value::Null)))
                .collect(),
        )
    };
    let mut out = pick(
        summary,
        &["seed", "samples", "method", "horizon", "discount_rate"],
    );
    let mixes: Vec<Value> = summary["mixes"]
        .as_array()
        .map(|ms| {
            ms.iter()
                .map(|m| {
                    serde_json::json!({
                        "name": m["name"],
                        "npv": pick(&m["npv"], &["mean", "se", "p5", "p50", "p95"]),
                        "p_npv_positive": m["p_npv_positive"],
                        "p_best": m["p_best"],
                        "payback_year_p50": m["payback_year"]["p50"],
                        "tipping_year_p50": m["tipping_year"]["p50"],
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    if let Value::Object(o) = &mut out {
        o.insert("mixes".into(), Value::Array(mixes));
    }
    out
}

/// The document for the batch `results`, which ends with `exit_code`.
pub fn document(results: &[FileResult], exit_code: u8) -> RunJson<'_> {
    let mut totals = Totals {
        files: results.len(),
        ..Totals::default()
    };
    let files = results
        .iter()
        .map(|r| {
            match r.status {
                FileStatus::Ok => totals.ok += 1,
                FileStatus::AssertionsFailed => totals.assertions_failed += 1,
                FileStatus::Invalid => totals.invalid += 1,
                FileStatus::Failed => totals.failed += 1,
            }
            totals.assertions += r.assertions.len();
            totals.assertions_holding += r.assertions.iter().filter(|a| a.holds).count();
            FileJson {
                file: &r.file,
                status: r.status,
                scenario: r.scenario.as_deref(),
                outputs: r.outputs.as_deref(),
                errors: problems(r),
                warnings: warnings(r),
                assertions: r
                    .assertions
                    .iter()
                    .map(|a| AssertionJson {
                        claim: &a.claim,
                        location: Location {
                            file: a.at.file.to_string_lossy(),
                            line: a.at.line,
                            column: a.at.col,
                        },
                        holds: a.holds,
                        value: a.value,
                        unit: a.unit.symbol(),
                        display: &a.value_text,
                        best: a.best.as_deref(),
                    })
                    .collect(),
                results: r
                    .report()
                    .and_then(|rep| serde_json::to_value(summary_json::document(&rep)).ok())
                    .map(|v| headline(&v)),
            }
        })
        .collect();
    RunJson {
        format_version: FORMAT_VERSION,
        palett_version: env!("CARGO_PKG_VERSION"),
        exit_code,
        totals,
        files,
    }
}
