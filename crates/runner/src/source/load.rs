//! Loads a scenario file and, recursively, the library files it includes.

use std::path::{Path, PathBuf};

use super::at_error;
use super::locate::LocationIndex;
use crate::config::{FileKind, LibraryFile, ScenarioFile};
use crate::diagnostic::Diagnostic;

/// Index of a file in [`Loaded::files`]; 0 is the scenario itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileId(pub usize);

/// One file's text and the location index of its values.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown in messages (as given, or joined to the including file's folder).
    pub path: PathBuf,
    /// The full text.
    pub text: String,
    /// Where each value of the text is.
    pub index: LocationIndex,
}

impl SourceFile {
    /// A diagnostic at the value `path` of this file (or its nearest written ancestor).
    pub fn at(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        let pos = self.index.find(path);
        Diagnostic {
            file: self.path.clone(),
            line: pos.map_or(1, |p| p.line),
            col: pos.map_or(1, |p| p.col),
            message: message.into(),
        }
    }

    fn ron_error_at(&self, err: &ron::error::SpannedError) -> Diagnostic {
        let (line, col) = (err.span.start.line, err.span.start.col);
        // ron's words for a value that is not a whole number ("Expected
        // comma" after `30`, "Expected integer") do not say what is wrong.
        if let Some((message, start)) = at_error::offset_of(&self.text, line, col)
            .and_then(|at| at_error::whole_number_problem(&self.text, &err.code, at))
        {
            let (line, col) = at_error::line_col(&self.text, start);
            return Diagnostic {
                file: self.path.clone(),
                line,
                col,
                message,
            };
        }
        // ron reports an unclosed comment after its `/*`; point at the `/*`.
        if matches!(err.code, ron::Error::UnclosedBlockComment)
            && let Some(open) = at_error::offset_of(&self.text, line, col)
                .and_then(|at| self.text[..at].rfind("/*"))
        {
            let (line, col) = at_error::line_col(&self.text, open);
            return Diagnostic {
                file: self.path.clone(),
                line,
                col,
                message: "this block comment `/*` is never closed with `*/`".into(),
            };
        }
        Diagnostic {
            file: self.path.clone(),
            line: err.span.start.line,
            col: err.span.start.col,
            message: describe_ron_error(&err.code),
        }
    }
}

/// A scenario with its included libraries, parsed but not yet validated.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The scenario file's content.
    pub scenario: ScenarioFile,
    /// Included libraries, each with the file it came from, in include order
    /// (depth first), each file once.
    pub libraries: Vec<(FileId, LibraryFile)>,
    /// All files: index 0 is the scenario.
    pub files: Vec<SourceFile>,
}

impl Loaded {
    /// The source file with this id.
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }
}

/// Reads what kind of file this is from its first word (`Scenario(` or
/// `Library(`), skipping comments and `#![...]` headers.
pub fn sniff_kind(text: &str) -> Option<FileKind> {
    let rest = &text[first_word(text)..];
    if rest.starts_with("Scenario") {
        Some(FileKind::Scenario)
    } else if rest.starts_with("Library") {
        Some(FileKind::Library)
    } else {
        None
    }
}

/// Byte offset of the first word of the text after comments and
/// `#![...]` headers.
fn first_word(text: &str) -> usize {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, b)| b);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, b)| b);
        } else if let Some(r) = rest.strip_prefix("#!") {
            rest = r.split_once(']').map_or("", |(_, b)| b);
        } else {
            break;
        }
    }
    text.len() - rest.len()
}

fn read(path: &Path) -> Result<SourceFile, Diagnostic> {
    let text = super::limits::read_text(path)?;
    let index = LocationIndex::build(&text);
    Ok(SourceFile {
        path: path.to_path_buf(),
        text,
        index,
    })
}

/// Loads the scenario at `path` and every library it includes.
///
/// Returns every problem found: syntax errors (with ron's line and column),
/// unknown fields, missing or circular includes.
pub fn load(path: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let root = read(path).map_err(|d| vec![d])?;
    match sniff_kind(&root.text) {
        Some(FileKind::Scenario) => {}
        Some(FileKind::Library) => {
            return Err(vec![Diagnostic {
                file: root.path.clone(),
                line: 1,
                col: 1,
                message: "this is a library file (Library(...)); it can be included by a \
                          scenario but not run itself"
                    .into(),
            }]);
        }
        None => {
            let at = first_word(&root.text);
            let (line, col) = at_error::line_col(&root.text, at);
            let word: String = root.text[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .take(40)
                .collect();
            let found = if word.is_empty() {
                root.text[at..]
                    .chars()
                    .next()
                    .map_or_else(|| "the end of the file".to_string(), |c| format!("`{c}`"))
            } else {
                format!("`{word}`")
            };
            return Err(vec![Diagnostic {
                file: root.path.clone(),
                line,
                col,
                message: format!(
                    "expected a scenario file starting with `Scenario(` \
                     (or a library starting with `Library(`); found {found}{}",
                    crate::diagnostic::did_you_mean(&word, ["Scenario", "Library"])
                ),
            }]);
        }
    }
    let scenario: ScenarioFile = parse(&root.text).map_err(|e| vec![root.ron_error_at(&e)])?;
    let includes = scenario.include.clone();
    let loaded = Loaded {
        scenario,
        libraries: Vec::new(),
        files: vec![root],
    };
    finish(loaded, path, &includes)
}

/// Loads a library file on its own (for `palett validate` and `palett
/// table`): it becomes the only library of an otherwise empty scenario, so
/// the same checks apply to its definitions.
pub fn load_library(path: &Path) -> Result<Loaded, Vec<Diagnostic>> {
    let file = read(path).map_err(|d| vec![d])?;
    let lib: LibraryFile = parse(&file.text).map_err(|e| vec![file.ron_error_at(&e)])?;
    let includes = lib.include.clone();
    let loaded = Loaded {
        scenario: ScenarioFile::default(),
        libraries: vec![(FileId(0), lib)],
        files: vec![file],
    };
    finish(loaded, path, &includes)
}

fn finish(mut loaded: Loaded, path: &Path, includes: &[String]) -> Result<Loaded, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut stack = vec![canonical(path)];
    include_all(&mut loaded, FileId(0), includes, &mut stack, &mut problems);
    if problems.is_empty() {
        Ok(loaded)
    } else {
        Err(problems)
    }
}

/// Parses RON with `implicit_some` on, so optional fields are written
/// plainly (`window: (3, 15)`, not `window: Some((3, 15))`).
fn parse<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ron::error::SpannedError> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

fn include_all(
    loaded: &mut Loaded,
    from: FileId,
    includes: &[String],
    stack: &mut Vec<PathBuf>,
    problems: &mut Vec<Diagnostic>,
) {
    let base = loaded.files[from.0]
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for (i, rel) in includes.iter().enumerate() {
        let at = format!("include[{i}]");
        let path = base.join(rel);
        if !path.is_file() {
            problems.push(loaded.files[from.0].at(
                &at,
                format!(
                    "included file `{rel}` not found (looked for {}); paths are relative to \
                     the including file's folder",
                    path.display()
                ),
            ));
            continue;
        }
        let canon = canonical(&path);
        if stack.contains(&canon) {
            problems.push(loaded.files[from.0].at(
                &at,
                format!("`{rel}` is already being included: files may not include each other in a circle"),
            ));
            continue;
        }
        if loaded.files.iter().any(|f| canonical(&f.path) == canon) {
            continue; // Included twice through different routes: read it once.
        }
        let file = match read(&path) {
            Ok(f) => f,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        if sniff_kind(&file.text) != Some(FileKind::Library) {
            problems.push(loaded.files[from.0].at(
                &at,
                format!(
                    "`{rel}` is not a library file: an included file must start with `Library(`"
                ),
            ));
            continue;
        }
        let lib: LibraryFile = match parse(&file.text) {
            Ok(l) => l,
            Err(e) => {
                problems.push(file.ron_error_at(&e));
                continue;
            }
        };
        let id = FileId(loaded.files.len());
        loaded.files.push(file);
        let nested = lib.include.clone();
        loaded.libraries.push((id, lib));
        stack.push(canon);
        include_all(loaded, id, &nested, stack, problems);
        stack.pop();
    }
}

/// The user's word for a schema type ron names in an error: `GroupSpec` →
/// `group`, `Scenario` stays `Scenario(...)`.
fn user_term(outer: &str) -> String {
    match outer.strip_suffix("Spec") {
        Some(base) => {
            let mut words = String::new();
            for (i, c) in base.chars().enumerate() {
                if c.is_uppercase() && i > 0 {
                    words.push(' ');
                }
                words.extend(c.to_lowercase());
            }
            format!("this {words}")
        }
        None => format!("{outer}(...)"),
    }
}

/// ron's error text, reworded where it helps a scenario author.
fn describe_ron_error(code: &ron::Error) -> String {
    use ron::Error as E;
    match code {
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => format!(
            "unknown field `{found}`{}{}; valid fields are: {}",
            outer
                .as_ref()
                .map(|o| format!(" in {}", user_term(o)))
                .unwrap_or_default(),
            crate::diagnostic::did_you_mean(found, expected.iter().copied()),
            expected.join(", ")
        ),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => format!(
            "unknown kind `{found}`{}{}; valid kinds are: {}",
            outer
                .as_ref()
                .map(|o| format!(" for {}", user_term(o)))
                .unwrap_or_default(),
            crate::diagnostic::did_you_mean(found, expected.iter().copied()),
            expected.join(", ")
        ),
        E::MissingStructField { field, outer } => format!(
            "missing field `{field}`{}",
            outer
                .as_ref()
                .map(|o| format!(" in {}", user_term(o)))
                .unwrap_or_default()
        ),
        E::DuplicateStructField { field, outer } => format!(
            "field `{field}` is given twice{}",
            outer
                .as_ref()
                .map(|o| format!(" in {}", user_term(o)))
                .unwrap_or_default()
        ),
        E::ExpectedDifferentStructName { expected, found } => {
            format!("expected `{expected}(...)`, found `{found}(...)`")
        }
        other => format!("{other}"),
    }
}
