//! A location index for RON text: maps the path of every value
//! (`groups.members.stock`, `mixes.all[2]`) to the line and column where it
//! starts.
//!
//! serde errors from `ron` carry a position, but errors found after parsing
//! (a group naming a profile that does not exist, a feed cycle, a
//! distribution outside [0, 1]) only know the path of the value. This index
//! turns such a path back into `FILE:LINE:COL`. It is a tolerant scanner, not
//! a validating parser: the file has already been parsed by `ron`.
//!
//! Path syntax: struct fields and map keys append `.name` (the root has no
//! leading dot), list and tuple elements append `[i]`. Enum variant names
//! (`Checkpoints(...)`, `Pert(...)`) and `Some(...)` are transparent.

use std::collections::HashMap;

/// A 1-based line and column, columns counted in characters (as `ron` does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line, starting at 1.
    pub line: usize,
    /// Column in characters, starting at 1.
    pub col: usize,
}

/// Positions of every value in one RON text, by path.
#[derive(Debug, Clone, Default)]
pub struct LocationIndex {
    values: HashMap<String, Position>,
}

impl LocationIndex {
    /// Scans `text` and records where each value starts.
    pub fn build(text: &str) -> LocationIndex {
        let tokens = tokenize(text);
        let mut index = LocationIndex::default();
        let mut parser = Scanner {
            tokens: &tokens,
            pos: 0,
            index: &mut index,
        };
        parser.skip_attributes();
        parser.value(String::new());
        index
    }

    /// The position of the value at `path`, or of its nearest recorded
    /// ancestor (so a path into a value the scanner could not split still
    /// points somewhere useful). `None` only for an empty index.
    pub fn find(&self, path: &str) -> Option<Position> {
        let mut p = path;
        loop {
            if let Some(pos) = self.values.get(p) {
                return Some(*pos);
            }
            if p.is_empty() {
                return None;
            }
            p = parent(p);
        }
    }

    /// The position of exactly this path, if it is written in the file.
    pub fn exact(&self, path: &str) -> Option<Position> {
        self.values.get(path).copied()
    }
}

/// Where the text first nests brackets deeper than `limit` levels, if it
/// does. Strings and comments are skipped, so only real nesting counts; the
/// scan is iterative, so any depth is measured without recursion.
pub fn first_too_deep(text: &str, limit: usize) -> Option<Position> {
    let mut depth = 0usize;
    for (tok, pos) in tokenize(text) {
        match tok {
            Tok::Open(_) => {
                depth += 1;
                if depth > limit {
                    return Some(pos);
                }
            }
            Tok::Close(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The path one level up: `a.b[2]` → `a.b`, `a.b` → `a`, `a` → ``.
fn parent(path: &str) -> &str {
    match path.rfind(['.', '[']) {
        Some(i) => &path[..i],
        None => "",
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open(char),
    Close(char),
    Colon,
    Comma,
    Hash,
    Bang,
    /// An identifier, number or other bare word.
    Atom(String),
    /// A string literal, with its (unescaped enough) content.
    Str(String),
}

fn tokenize(text: &str) -> Vec<(Tok, Position)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    // Advance over `n` characters keeping line and column right.
    let step = |i: &mut usize, line: &mut usize, col: &mut usize, n: usize| {
        for _ in 0..n {
            if *i < chars.len() {
                if chars[*i] == '\n' {
                    *line += 1;
                    *col = 1;
                } else {
                    *col += 1;
                }
                *i += 1;
            }
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let here = Position { line, col };
        if c.is_whitespace() {
            step(&mut i, &mut line, &mut col, 1);
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                step(&mut i, &mut line, &mut col, 1);
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let mut depth = 0usize;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    step(&mut i, &mut line, &mut col, 2);
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    step(&mut i, &mut line, &mut col, 2);
                    if depth == 0 {
                        break;
                    }
                } else {
                    step(&mut i, &mut line, &mut col, 1);
                }
            }
        } else if c == '"' {
            let mut s = String::new();
            step(&mut i, &mut line, &mut col, 1);
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    step(&mut i, &mut line, &mut col, 1);
                }
                if i < chars.len() {
                    s.push(chars[i]);
                }
                step(&mut i, &mut line, &mut col, 1);
            }
            step(&mut i, &mut line, &mut col, 1);
            out.push((Tok::Str(s), here));
        } else if c == 'r' && matches!(chars.get(i + 1), Some('#') | Some('"')) {
            // Raw string r#"..."#: count the hashes, then find the matching close.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push((Tok::Atom("r".into()), here));
                step(&mut i, &mut line, &mut col, 1);
                continue;
            }
            let n = j + 1 - i;
            step(&mut i, &mut line, &mut col, n);
            let mut s = String::new();
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|h| chars.get(i + h) == Some(&'#')) {
                    step(&mut i, &mut line, &mut col, hashes + 1);
                    break;
                }
                s.push(chars[i]);
                step(&mut i, &mut line, &mut col, 1);
            }
            out.push((Tok::Str(s), here));
        } else if c == '\'' {
            // A char literal: skip to the closing quote.
            step(&mut i, &mut line, &mut col, 1);
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    step(&mut i, &mut line, &mut col, 1);
                }
                step(&mut i, &mut line, &mut col, 1);
            }
            step(&mut i, &mut line, &mut col, 1);
            out.push((Tok::Atom("'c'".into()), here));
        } else if matches!(c, '(' | '[' | '{') {
            out.push((Tok::Open(c), here));
            step(&mut i, &mut line, &mut col, 1);
        } else if matches!(c, ')' | ']' | '}') {
            out.push((Tok::Close(c), here));
            step(&mut i, &mut line, &mut col, 1);
        } else if c == ':' {
            out.push((Tok::Colon, here));
            step(&mut i, &mut line, &mut col, 1);
        } else if c == ',' {
            out.push((Tok::Comma, here));
            step(&mut i, &mut line, &mut col, 1);
        } else if c == '#' {
            out.push((Tok::Hash, here));
            step(&mut i, &mut line, &mut col, 1);
        } else if c == '!' {
            out.push((Tok::Bang, here));
            step(&mut i, &mut line, &mut col, 1);
        } else {
            let mut s = String::new();
            while i < chars.len() {
                let d = chars[i];
                if d.is_whitespace()
                    || "()[]{}:,#!\"'".contains(d)
                    || (d == '/' && matches!(chars.get(i + 1), Some('/') | Some('*')))
                {
                    break;
                }
                s.push(d);
                step(&mut i, &mut line, &mut col, 1);
            }
            out.push((Tok::Atom(s), here));
        }
    }
    out
}

struct Scanner<'a> {
    tokens: &'a [(Tok, Position)],
    pos: usize,
    index: &'a mut LocationIndex,
}

fn join_field(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

impl Scanner<'_> {
    fn peek(&self, ahead: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + ahead).map(|(t, _)| t)
    }

    /// Skips `#![enable(...)]` headers.
    fn skip_attributes(&mut self) {
        while self.peek(0) == Some(&Tok::Hash) {
            self.pos += 1;
            if self.peek(0) == Some(&Tok::Bang) {
                self.pos += 1;
            }
            if self.peek(0) == Some(&Tok::Open('[')) {
                self.skip_group();
            }
        }
    }

    /// Skips one bracketed group, including nested ones.
    fn skip_group(&mut self) {
        let mut depth = 0usize;
        while let Some(t) = self.peek(0).cloned() {
            self.pos += 1;
            match t {
                Tok::Open(_) => depth += 1,
                Tok::Close(_) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    fn value(&mut self, path: String) {
        let Some((tok, at)) = self.tokens.get(self.pos).cloned() else {
            return;
        };
        self.index.values.entry(path.clone()).or_insert(at);
        match tok {
            Tok::Atom(_) => {
                self.pos += 1;
                if self.peek(0) == Some(&Tok::Open('(')) {
                    self.pos += 1;
                    self.paren_body(path);
                }
            }
            Tok::Open('(') => {
                self.pos += 1;
                self.paren_body(path);
            }
            Tok::Open('[') => {
                self.pos += 1;
                let mut i = 0;
                while let Some(t) = self.peek(0) {
                    match t {
                        Tok::Close(_) => {
                            self.pos += 1;
                            return;
                        }
                        Tok::Comma => self.pos += 1,
                        _ => {
                            self.value(format!("{path}[{i}]"));
                            i += 1;
                        }
                    }
                }
            }
            Tok::Open(_) => {
                self.pos += 1;
                self.map_body(path);
            }
            Tok::Str(_) => self.pos += 1,
            _ => self.pos += 1,
        }
    }

    /// Inside `( ... )`: named fields `a: 1, b: 2` or positional `1, 2`.
    fn paren_body(&mut self, path: String) {
        let mut i = 0;
        while let Some(t) = self.peek(0).cloned() {
            match t {
                Tok::Close(_) => {
                    self.pos += 1;
                    return;
                }
                Tok::Comma => self.pos += 1,
                Tok::Atom(name) if self.peek(1) == Some(&Tok::Colon) => {
                    self.pos += 2;
                    self.value(join_field(&path, &name));
                }
                _ => {
                    // Positional: a tuple element. A single element (`Some(x)`,
                    // a newtype variant) is recorded both as `[0]` and, since the
                    // parent path already points at it, transparently.
                    self.value(format!("{path}[{i}]"));
                    i += 1;
                }
            }
        }
    }

    /// Inside `{ ... }`: `key: value` pairs, keys strings or bare words.
    fn map_body(&mut self, path: String) {
        while let Some(t) = self.peek(0).cloned() {
            match t {
                Tok::Close(_) => {
                    self.pos += 1;
                    return;
                }
                Tok::Comma => self.pos += 1,
                Tok::Str(key) | Tok::Atom(key) if self.peek(1) == Some(&Tok::Colon) => {
                    self.pos += 2;
                    self.value(join_field(&path, &key));
                }
                _ => {
                    // A key that is itself structured: skip key and value.
                    self.value(format!("{path}.?"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r##"#![enable(implicit_some)]
// a comment with ( and "
Scenario(
    name: "x", /* block ( */
    groups: {
        "members": (profile: "sammy", stock: Pert(1, 2, 3)),
        recruits: (inflow: [1, 2,
            3]),
    },
    list: [(a: 1), (a: 2)],
    raw: r#"a " b"#,
)
"##;

    #[test]
    fn finds_fields_keys_and_elements() {
        let idx = LocationIndex::build(TEXT);
        assert_eq!(idx.exact("name"), Some(Position { line: 4, col: 11 }));
        assert_eq!(
            idx.exact("groups.members"),
            Some(Position { line: 6, col: 20 })
        );
        assert_eq!(
            idx.exact("groups.members.profile"),
            Some(Position { line: 6, col: 30 })
        );
        assert_eq!(
            idx.exact("groups.members.stock"),
            Some(Position { line: 6, col: 46 })
        );
        assert_eq!(
            idx.exact("groups.members.stock[2]"),
            Some(Position { line: 6, col: 57 })
        );
        assert_eq!(
            idx.exact("groups.recruits.inflow[2]"),
            Some(Position { line: 8, col: 13 })
        );
        assert_eq!(idx.exact("list[1].a"), Some(Position { line: 10, col: 24 }));
        assert_eq!(idx.exact("raw"), Some(Position { line: 11, col: 10 }));
    }

    #[test]
    fn falls_back_to_the_nearest_ancestor() {
        let idx = LocationIndex::build(TEXT);
        assert_eq!(
            idx.find("groups.members.feeds[0].to"),
            idx.exact("groups.members")
        );
        assert_eq!(idx.find("nothing.here"), idx.exact(""));
    }
}
