//! Reading JSON with errors that name a field by its dotted path.

use serde::de::DeserializeOwned;

use crate::vocabulary::error::{Error, Problem, strip_position};
use crate::vocabulary::plain::plain_words;

/// Parses `text`. An error names the field at fault (`training.accelerator_count: invalid type
/// ...`), or, for a syntax error, keeps serde_json's line and column.
pub(crate) fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|err| {
        let message = err.to_string();
        // A syntax error has no field to name, so its line and column are the only pointer.
        if err.is_syntax() || err.is_eof() {
            return Error::new("", Problem::Malformed(message));
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
