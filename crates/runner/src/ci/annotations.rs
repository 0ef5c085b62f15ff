//! GitHub Actions workflow commands for `palett run --annotations github`
//! (docs/ci.md, "Annotations"): `::error file=…,line=…,col=…::message` for
//! every problem of an invalid file and every failed assertion, and
//! `::warning file=…::message` for every warning, so they show on the
//! changed line of a pull request.

use super::{problems, warnings};
use crate::batch::FileResult;

/// Escapes a command's message (GitHub's rule: `%`, CR and LF).
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (the message's rule plus `:` and `,`).
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One command line; `line` 0 leaves the place at the file.
fn command(kind: &str, file: &str, line: usize, col: usize, title: &str, message: &str) -> String {
    let mut props = format!("file={}", property(file));
    if line > 0 {
        props.push_str(&format!(",line={line}"));
        if col > 0 {
            props.push_str(&format!(",col={col}"));
        }
    }
    props.push_str(&format!(",title={}", property(title)));
    format!("::{kind} {props}::{}\n", data(message))
}

/// The commands for the batch `results`, one per line.
pub fn github(results: &[FileResult]) -> String {
    let mut out = String::new();
    for r in results {
        for p in problems(r) {
            out += &command(
                "error",
                &p.file,
                p.line,
                p.column,
                "palett: invalid scenario",
                &p.message,
            );
        }
        for a in r.assertions.iter().filter(|a| !a.holds) {
            out += &command(
                "error",
                &a.at.file.display().to_string(),
                a.at.line,
                a.at.col,
                "palett: assertion failed",
                &format!("{} ({})", a.claim, a.found()),
            );
        }
        for w in warnings(r) {
            out += &command("warning", &r.file, 0, 0, "palett: warning", &w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped() {
        assert_eq!(
            command("error", "a,b:c.ron", 3, 7, "t", "50% of\nit"),
            "::error file=a%2Cb%3Ac.ron,line=3,col=7,title=t::50%25 of%0Ait\n"
        );
        assert_eq!(
            command("warning", "x.ron", 0, 4, "w", "m"),
            "::warning file=x.ron,title=w::m\n"
        );
    }
}
