//! What the text holds where RON stopped: the value written there and the
//! field it was written for, so a message can say "`horizon` takes a whole
//! number, found `30.5`" instead of ron's "Expected comma".

/// Byte offset of a 1-based line and column (columns count characters).
pub fn offset_of(text: &str, line: usize, col: usize) -> Option<usize> {
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return l
                .char_indices()
                .nth(col.saturating_sub(1))
                .map(|(o, _)| start + o)
                .or(Some(start + l.len()));
        }
        start += l.len();
    }
    None
}

/// 1-based line and column (in characters) of byte offset `at`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The value written from byte `at`: up to the next comma, closing bracket
/// or line end outside brackets, at most 40 characters.
pub fn value_at(text: &str, at: usize) -> &str {
    let rest = &text[at.min(text.len())..];
    let mut depth = 0usize;
    let mut in_string = false;
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            '"' => in_string = !in_string,
            _ if in_string => {}
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth > 0 => depth -= 1,
            ',' | ')' | ']' | '}' | '\n' if depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let value = rest[..end].trim_end();
    match value.char_indices().nth(40) {
        Some((cut, _)) => &value[..cut],
        None => value,
    }
}

/// The start of the number whose fraction begins at `at` (`30.5` when RON
/// stops at `.5` after reading `30` as a whole number), if it is one.
pub fn fraction_start(text: &str, at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    let mut after = rest.chars();
    if after.next() != Some('.') || !after.next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let digits = text[..at]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .count();
    (digits > 0).then(|| at - digits)
}

/// The field name a value at byte `at` is written for (`horizon` in
/// `horizon: 30.5`); None for a list element or a map value.
pub fn field_before(text: &str, at: usize) -> Option<&str> {
    let before = text[..at.min(text.len())].trim_end();
    let before = before.strip_suffix(':')?.trim_end();
    let start = before
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_ascii_alphanumeric() || c == '_')
        .last()
        .map(|(i, _)| i)?;
    let name = &before[start..];
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        .then_some(name)
}

/// A message for a value where RON expected a whole number (`code`), or
/// None when the error is not about one. Returns the message and the byte
/// offset of the value it names.
pub fn whole_number_problem(text: &str, code: &ron::Error, at: usize) -> Option<(String, usize)> {
    use ron::Error as E;
    let start = match code {
        E::ExpectedInteger | E::IntegerOutOfBounds | E::InvalidIntegerDigit { .. } => {
            // ron reports some of these after a sign or inside the digits.
            let back = text[..at.min(text.len())]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '+')
                .map(char::len_utf8)
                .sum::<usize>();
            at - back
        }
        E::ExpectedComma => fraction_start(text, at)?,
        _ => return None,
    };
    // ron can stop on the blank before the value.
    let start = start + (text[start..].len() - text[start..].trim_start().len());
    let value = value_at(text, start);
    let what = "a whole number ≥ 0 (like 20): no fraction, sign, exponent, quotes or distribution";
    let message = match field_before(text, start) {
        Some(field) => format!("`{field}` takes {what}; found `{value}`"),
        None => format!("expected {what} here; found `{value}`"),
    };
    Some((message, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str, code: ron::Error, line: usize, col: usize) -> Option<String> {
        let at = offset_of(text, line, col).expect("in the text");
        whole_number_problem(text, &code, at).map(|(m, _)| m)
    }

    #[test]
    fn a_fraction_after_a_whole_number_names_the_field_and_the_value() {
        let text = "Scenario(\n    settings: (\n        horizon: 30.5,\n    ),\n)";
        let m = problem(text, ron::Error::ExpectedComma, 3, 20).expect("about a number");
        assert!(m.starts_with("`horizon` takes a whole number"), "{m}");
        assert!(m.ends_with("found `30.5`"), "{m}");
    }

    #[test]
    fn a_sign_quotes_or_a_distribution_where_a_whole_number_belongs() {
        let neg = "(horizon: -5)";
        let m = problem(neg, ron::Error::IntegerOutOfBounds, 1, 12).expect("message");
        assert!(m.contains("found `-5`"), "{m}");
        let quoted = "(years: \"20\")";
        let m = problem(quoted, ron::Error::ExpectedInteger, 1, 8).expect("message");
        assert!(
            m.contains("`years` takes") && m.contains("found `\"20\"`"),
            "{m}"
        );
        let dist = "(duration: Pert(1, 2, 3), ramp: 2)";
        let m = problem(dist, ron::Error::ExpectedInteger, 1, 12).expect("message");
        assert!(m.contains("found `Pert(1, 2, 3)`"), "{m}");
        let list = "(years: [1, 2.5])";
        let m = problem(list, ron::Error::ExpectedComma, 1, 14).expect("message");
        assert!(
            m.starts_with("expected a whole number") && m.contains("`2.5`"),
            "{m}"
        );
    }

    #[test]
    fn other_errors_are_left_to_ron() {
        let text = "(a: 1 b: 2)";
        assert_eq!(problem(text, ron::Error::ExpectedComma, 1, 7), None);
        assert_eq!(problem(text, ron::Error::ExpectedFloat, 1, 5), None);
    }

    #[test]
    fn offsets_and_positions_round_trip() {
        let text = "ab\nçd\nef";
        let at = offset_of(text, 2, 2).expect("inside");
        assert_eq!(&text[at..at + 1], "d");
        assert_eq!(line_col(text, at), (2, 2));
        assert_eq!(offset_of(text, 9, 1), None);
    }
}
