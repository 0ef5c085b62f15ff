//! A JUnit XML report of a batch for `palett run --junit FILE` (docs/ci.md,
//! "Test reports"): one test suite per file; in it one test case per
//! assertion, and one that says whether the file is valid and ran. GitLab,
//! GitHub (through a reporter action) and Jenkins show the failures as
//! failed tests, with the messages in people's units.

use std::fmt::Write as _;

use super::problems;
use crate::batch::{FileResult, FileStatus};

/// Escapes text for an XML attribute or element: the five predefined
/// entities, and characters XML 1.0 cannot hold dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The report's bytes for the batch `results`.
pub fn report(results: &[FileResult]) -> Vec<u8> {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for r in results {
        let name = r.scenario.as_deref().unwrap_or(&r.file);
        let class = escape(&r.file);
        let mut cases = String::new();
        let (mut t, mut f, mut e) = (1, 0, 0);
        // Whether the file is valid and ran.
        let _ = writeln!(
            cases,
            "    <testcase classname=\"{class}\" name=\"valid and runs\" file=\"{class}\">"
        );
        let problems = problems(r);
        let detail = problems
            .iter()
            .map(|p| match p.line {
                0 => format!("{}: {}", p.file, p.message),
                l => format!("{}:{l}:{}: {}", p.file, p.column, p.message),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let first = problems.first().map_or("", |p| p.message.as_str());
        match r.status {
            FileStatus::Invalid => {
                f += 1;
                let _ = writeln!(
                    cases,
                    "      <failure type=\"invalid\" message=\"{}\">{}</failure>",
                    escape(first),
                    escape(&detail)
                );
            }
            FileStatus::Failed => {
                e += 1;
                let _ = writeln!(
                    cases,
                    "      <error type=\"failed\" message=\"{}\">{}</error>",
                    escape(first),
                    escape(&detail)
                );
            }
            FileStatus::Ok | FileStatus::AssertionsFailed => {}
        }
        cases.push_str("    </testcase>\n");
        for a in &r.assertions {
            t += 1;
            let _ = writeln!(
                cases,
                "    <testcase classname=\"{class}\" name=\"{}\" file=\"{}\" line=\"{}\">",
                escape(&a.claim),
                escape(&a.at.file.display().to_string()),
                a.at.line
            );
            if !a.holds {
                f += 1;
                let message = a.found();
                let _ = writeln!(
                    cases,
                    "      <failure type=\"assertion\" message=\"{}\">{}: assertion failed: {} ({message})</failure>",
                    escape(&message),
                    escape(&a.location),
                    escape(&a.claim)
                );
            }
            cases.push_str("    </testcase>\n");
        }
        let seconds = r.timing.as_ref().map_or(0.0, |t| t.wall_seconds);
        let _ = write!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{t}\" failures=\"{f}\" errors=\"{e}\" time=\"{seconds:.3}\">\n{cases}  </testsuite>\n",
            escape(name)
        );
        tests += t;
        failures += f;
        errors += e;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"palett\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{suites}</testsuites>\n"
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            escape("a < b & \"c\" 'd' > e\u{1}"),
            "a &lt; b &amp; &quot;c&quot; &apos;d&apos; &gt; e"
        );
        assert_eq!(escape("≥ 1.5 MSEK\n"), "≥ 1.5 MSEK\n");
    }
}
