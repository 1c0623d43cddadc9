//! Reading JSON with errors that name a field by its dotted path.

use serde::de::DeserializeOwned;

use crate::vocabulary::error::{Error, Problem, clip, strip_position};
use crate::vocabulary::plain::{plain_syntax, plain_words};

/// Parses `text`. An error names the field at fault (`training.accelerator_count: invalid type
/// ...`), or, for a syntax error, keeps serde_json's line and column.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    // Editors on Windows save a byte-order mark; it is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|err| {
        let message = err.to_string();
        if err.is_syntax() || err.is_eof() {
            // Two "syntax" errors are about a value in well-formed JSON, and so have a field.
            if message.starts_with("number out of range") {
                let path = path_at(text, err.line(), err.column());
                return Error::new(path, Problem::Malformed(TOO_LARGE.to_owned()));
            }
            if message.starts_with("expected value") && well_formed(text) {
                return not_a_word::<T>(text, err.line(), err.column())
                    .unwrap_or_else(|| Error::new("", Problem::Malformed(message)));
            }
            // A real syntax error has no field to name: its line and column are the pointer.
            return Error::new("", Problem::Malformed(plain_syntax(&message)));
        }
        let path = path_at(text, err.line(), err.column());
        // serde reports a missing field at its parent; point at the field itself.
        if let Some(name) = missing_field_name(&message) {
            let field = if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
            return Error::new(field, Problem::Missing);
        }
        Error::new(path, Problem::Malformed(plain_words(&strip_position(&message))))
    })
}

/// A number beyond `f64` (1e999) in words.
const TOO_LARGE: &str = "is beyond the largest number a computer holds (about 1.8e308)";

/// Whether `text` is JSON at all: when it is, serde_json's "expected value" means a value of the
/// wrong kind (a number or null where a word such as "bf16" belongs), not a syntax error.
fn well_formed(text: &str) -> bool {
    serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

/// A number, `null`, `true`, a list or an object where the scenario wants one of its words
/// (`"precision": 5`): serde_json stops at the value without saying what was wanted, so the
/// value is swapped for a word no field allows and parsed again, and that error's list of
/// allowed words is kept, with the value the user gave. The field is the value's path.
fn not_a_word<T: DeserializeOwned>(text: &str, line: usize, column: usize) -> Option<Error> {
    let line_start: usize =
        text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    // The error points at the value's first character (column is 1-based).
    let start = line_start + column.saturating_sub(1);
    let given = text.get(start..)?;
    let given = &given[..value_length(given)];
    let swapped = format!("{}\"{NO_WORD}\"{}", &text[..start], &text[start + given.len()..]);
    let described = match given.as_bytes().first() {
        Some(b'[') => "a list".to_owned(),
        Some(b'{') => "an object".to_owned(),
        _ if given == "null" => "empty (null)".to_owned(),
        _ => clip(given).into_owned(),
    };
    let Err(again) = serde_json::from_str::<T>(&swapped) else { return None };
    let message = again.to_string();
    let path = path_at(&swapped, again.line(), again.column());
    let words = plain_words(&strip_position(&message));
    let words = match words.split_once(&format!("not \"{NO_WORD}\"")) {
        Some((allowed, _)) => format!("{allowed}not {described}"),
        None => format!("must be a word in quotes, not {described}"),
    };
    Some(Error::new(path, Problem::Malformed(words)))
}

/// What the swapped-in word is: no field allows it.
const NO_WORD: &str = "⁇";

/// The length of the JSON value `text` starts with: a literal or number up to its end, a list or
/// object to its closing bracket (brackets inside strings are text).
fn value_length(text: &str) -> usize {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '[' | '{' => depth += 1,
            ']' | '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            ',' | ']' | '}' => return i,
            c if c.is_whitespace() && depth == 0 => return i,
            _ => {}
        }
    }
    text.len()
}

/// The field serde names in "missing field `name`".
pub(crate) fn missing_field_name(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// The dotted path (`training.parallelism.tensor`, `serving.traffic[3]`) of the JSON token that
/// ends at `line` and `column` (1-based, as serde_json reports an error: just after the value it
/// rejects, the key it does not know, or the object that lacks a field).
///
/// Why scan the text rather than track the path while deserialising (serde_path_to_error)?
/// Tracking wraps every field's deserialiser in generic code, about a fifth of the web bundle; a
/// failed parse can afford a second look at its text instead.
pub(crate) fn path_at(text: &str, line: usize, column: usize) -> String {
    enum Frame {
        Object { key: Option<String> },
        Array { index: usize },
    }
    fn render(stack: &[Frame], extra_key: Option<&str>) -> String {
        let mut path = String::new();
        let keys = stack.iter().map(|frame| match frame {
            Frame::Object { key } => key.as_deref().map(|k| format!(".{k}")),
            Frame::Array { index } => Some(format!("[{index}]")),
        });
        for part in keys.chain(std::iter::once(extra_key.map(|k| format!(".{k}")))).flatten() {
            path.push_str(&part);
        }
        path.trim_start_matches('.').to_owned()
    }
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let end = (start + column).min(text.len());
    let prefix = text.get(..end).unwrap_or(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut last = String::new();
    let mut chars = prefix.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '{' => stack.push(Frame::Object { key: None }),
            '[' => stack.push(Frame::Array { index: 0 }),
            '}' | ']' => {
                stack.pop();
                last = render(&stack, None);
            }
            ',' => match stack.last_mut() {
                Some(Frame::Object { key }) => *key = None,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            '"' => {
                let mut string = String::new();
                while let Some((_, c)) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some((_, escaped)) = chars.next() {
                                string.push(escaped);
                            }
                        }
                        other => string.push(other),
                    }
                }
                match stack.last_mut() {
                    Some(Frame::Object { key }) if key.is_none() => {
                        // A key: an unknown field's error ends here.
                        last = render(&stack, Some(&string));
                        if let Some(Frame::Object { key }) = stack.last_mut() {
                            *key = Some(string);
                        }
                    }
                    _ => last = render(&stack, None),
                }
            }
            c if c.is_whitespace() || c == ':' => {}
            _ => {
                // A number or literal: consume it whole.
                while chars.peek().is_some_and(|(_, c)| !(",]}".contains(*c) || c.is_whitespace()))
                {
                    chars.next();
                }
                last = render(&stack, None);
            }
        }
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[derive(Debug, serde::Deserialize)]
    #[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
    #[allow(dead_code)]
    struct Run {
        // As in the scenario's sections, the first field is a number: a list given for the
        // section is read as its fields in order and comes out too short.
        tokens: Option<f64>,
        precision: crate::vocabulary::terms::Precision,
    }

    #[derive(Debug, serde::Deserialize)]
    #[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
    #[allow(dead_code)]
    struct Scenario {
        training: Run,
    }

    fn error(text: &str) -> String {
        from_json::<Scenario>(text).unwrap_err().to_string()
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_named_with_what_is_allowed() {
        for (given, shown) in [
            ("5", "5"),
            ("null", "empty (null)"),
            ("[1, {\"a\": \"]\"}]", "a list"),
            ("true", "true"),
        ] {
            let message =
                error(&format!(r#"{{"training": {{"precision": {given}, "tokens": 1}}}}"#));
            assert!(message.starts_with("training.precision: must be one of"), "{message}");
            assert!(
                message.contains("bf16") && message.ends_with(&format!("not {shown}")),
                "{message}"
            );
        }
        let message = error(r#"{"training": [1]}"#);
        assert_eq!(message, "training: must be an object in braces ({…}), not a list");
        let message = error(r#"{"training": {"precision": "bf16", "tokens": 1e999}}"#);
        assert!(message.starts_with("training.tokens: is beyond the largest number"), "{message}");
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_json_and_long_values_are_clipped() {
        assert!(from_json::<Scenario>("\u{feff}{\"training\": {\"precision\": \"bf16\"}}").is_ok());
        let long = "x".repeat(1_000_000);
        let message = error(&format!(r#"{{"training": {{"precision": "{long}"}}}}"#));
        assert!(message.len() < 300, "{} characters", message.len());
    }

    #[test]
    fn paths_follow_keys_indices_and_closed_objects() {
        let text = "{\"a\": {\"b\": [1, {\"c\": true}, 3]}, \"d\": \"x,]}\"}";
        let at = |needle: &str| {
            let end = text.find(needle).map_or(0, |i| i + needle.len());
            path_at(text, 1, end)
        };
        assert_eq!(at("[1"), "a.b[0]");
        assert_eq!(at("true"), "a.b[1].c");
        assert_eq!(at("true}"), "a.b[1]");
        assert_eq!(at(", 3"), "a.b[2]");
        assert_eq!(at("\"d\""), "d");
        assert_eq!(at("x,]}\""), "d", "brackets inside strings are text");
    }
}
