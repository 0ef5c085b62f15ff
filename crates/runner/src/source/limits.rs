//! Limits on an input file, checked before anything is built from it, so a
//! file over a limit is reported as invalid (`FILE:LINE:COL`) instead of
//! exhausting memory or the stack. docs/scenario-format.md lists them.

use std::io::Read;
use std::path::Path;

use super::locate::first_too_deep;
use crate::diagnostic::Diagnostic;

/// Largest scenario or library file read, in bytes (1 MiB; the shipped
/// scenarios are under 13 kB).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Deepest nesting of `(`, `[` and `{` accepted (the format needs about 8).
pub const MAX_NESTING: usize = 64;

/// Longest model horizon, in years.
pub const MAX_HORIZON: u32 = 200;

/// Longest cost profile (a case's years), in years.
pub const MAX_PROFILE_YEARS: u32 = 200;

/// Reads `path` as palett text: at most [`MAX_FILE_BYTES`], UTF-8 (a
/// leading byte-order mark is dropped), nested at most [`MAX_NESTING`]
/// deep. Every failure is a diagnostic with the place of the fault.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let cannot =
        |e: std::io::Error| Diagnostic::whole_file(path, format!("cannot read the file: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    // Read one byte past the limit to tell "at the limit" from "over it"
    // without trusting the file's reported length.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Diagnostic::whole_file(
            path,
            format!(
                "the file is larger than {} KiB, the limit for a scenario or library file",
                MAX_FILE_BYTES / 1024
            ),
        ));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = match std::str::from_utf8(body) {
        Ok(t) => t.to_string(),
        Err(e) => {
            let good = std::str::from_utf8(&body[..e.valid_up_to()]).unwrap_or_default();
            let line = good.matches('\n').count() + 1;
            let col = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            return Err(Diagnostic {
                file: path.to_path_buf(),
                line,
                col,
                message: "the file is not UTF-8 text here; save it as UTF-8".into(),
            });
        }
    };
    if let Some(pos) = first_too_deep(&text, MAX_NESTING) {
        return Err(Diagnostic {
            file: path.to_path_buf(),
            line: pos.line,
            col: pos.col,
            message: format!(
                "brackets are nested more than {MAX_NESTING} levels deep here, the limit"
            ),
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("s.ron");
        std::fs::write(&p, bytes).expect("write");
        (dir, p)
    }

    #[test]
    fn drops_a_byte_order_mark() {
        let (_d, p) = write(b"\xEF\xBB\xBFScenario()");
        assert_eq!(read_text(&p).expect("read"), "Scenario()");
    }

    #[test]
    fn locates_bytes_that_are_not_utf8() {
        let (_d, p) = write(b"Scenario(\n  name: \"a\xFFb\")");
        let d = read_text(&p).expect_err("not utf-8");
        assert_eq!((d.line, d.col), (2, 11), "{d}");
    }

    #[test]
    fn refuses_deep_nesting_at_the_level_over_the_limit() {
        let text = "[".repeat(100_000);
        let (_d, p) = write(text.as_bytes());
        let d = read_text(&p).expect_err("too deep");
        assert_eq!((d.line, d.col), (1, MAX_NESTING + 1), "{d}");
    }

    #[test]
    fn brackets_in_strings_and_comments_do_not_count() {
        let text = format!(
            "Scenario(name: \"{}\") // {}",
            "(".repeat(500),
            "[".repeat(500)
        );
        let (_d, p) = write(text.as_bytes());
        assert!(read_text(&p).is_ok());
    }

    #[test]
    fn refuses_a_file_over_the_size_limit() {
        let text = vec![b' '; MAX_FILE_BYTES as usize + 1];
        let (_d, p) = write(&text);
        let d = read_text(&p).expect_err("too large");
        assert!(d.message.contains("larger than"), "{d}");
    }
}
