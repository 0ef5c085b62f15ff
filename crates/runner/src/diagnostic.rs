//! User-facing problems with an input file, as `FILE:LINE:COL: message`.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem found in one file, with where it is and what would be valid.
///
/// Library code collects these instead of stopping at the first, so that
/// `palett validate` can report every problem of a file in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the user named it (or as reached through an include).
    pub file: PathBuf,
    /// 1-based line; 0 when the problem is with the file as a whole.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl Diagnostic {
    /// A problem with a whole file (it cannot be read, say).
    pub fn whole_file(file: &Path, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_path_buf(),
            line: 0,
            col: 0,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file.display(),
                self.line,
                self.col.max(1),
                self.message
            )
        }
    }
}

/// Every problem found in one scenario (and the files it includes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct Diagnostics(pub Vec<Diagnostic>);

/// A hint naming the candidate closest to a misspelt `found`, as
/// ` (did you mean `weight`?)`, or an empty string when none is close.
/// "Close" is an edit distance of at most a third of the name (at least
/// one), so a hint is only given where a typo is the likely cause.
pub fn did_you_mean<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let limit = (found.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != found)
        .map(|c| (strsim::damerau_levenshtein(found, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod suggest_tests {
    use super::did_you_mean;

    #[test]
    fn close_names_are_suggested() {
        assert_eq!(
            did_you_mean("wieght", ["track", "weight", "cost"]),
            " (did you mean `weight`?)"
        );
        assert_eq!(
            did_you_mean("patrick", ["sammy", "patrik"]),
            " (did you mean `patrik`?)"
        );
    }

    #[test]
    fn distant_names_are_not() {
        assert_eq!(did_you_mean("horizon", ["track", "weight"]), "");
        assert_eq!(did_you_mean("a", ["bcd"]), "");
    }
}
