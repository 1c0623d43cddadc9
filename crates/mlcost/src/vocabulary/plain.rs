//! serde's messages in words a person can act on: "invalid value: integer `-5`, expected u32"
//! becomes "must be a whole number from 0 to 4,294,967,295, not -5". The field's path stays with
//! the error; this rewrites only what is wrong and what is allowed, never naming a Rust type.

use crate::vocabulary::error::clip;

/// `message` as the person who typed the value would put it. Messages of other shapes (syntax
/// errors, the engine's own) come back as they are.
pub(crate) fn plain_words(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (got, allowed) = rest.split_once('`').unwrap_or((rest, ""));
        return format!("must be {}, not \"{}\"", choices(allowed), clip(got));
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (got, allowed) = rest.split_once('`').unwrap_or((rest, ""));
        return format!(
            "unknown field \"{}\": the fields allowed here are {}",
            clip(got),
            list(allowed)
        );
    }
    // A section or object given as a list: serde reads the list as the struct's fields in order.
    if message.starts_with("invalid length ") && message.contains("expected struct ") {
        return "must be an object in braces ({…}), not a list".to_owned();
    }
    let found =
        message.strip_prefix("invalid value: ").or_else(|| message.strip_prefix("invalid type: "));
    if let Some((got, expected)) = found.and_then(|rest| rest.rsplit_once(", expected ")) {
        let allowed = allowed(expected);
        // "64" in quotes reads like a number to the person who typed it: say what differs.
        if got.trim().starts_with("string ") && allowed.contains("number") {
            return format!(
                "must be {allowed}, not the text {}: write numbers without quotes",
                given(got)
            );
        }
        return format!("must be {allowed}, not {}", given(got));
    }
    message.to_owned()
}

/// serde_json's syntax errors in words, with where they are: "EOF while parsing an object at line
/// 1 column 6" becomes "is not complete JSON: it ends inside an object (an unclosed brace?), at
/// line 1, column 6".
pub(crate) fn plain_syntax(message: &str) -> String {
    let (what, at) = match message.rfind(" at line ") {
        Some(i) => (&message[..i], message[i + " at ".len()..].replace(" column ", ", column ")),
        None => (message, String::new()),
    };
    let words = if let Some(inside) = what.strip_prefix("EOF while parsing ") {
        format!("is not complete JSON: it ends inside {inside} (an unclosed bracket or quote?)")
    } else {
        match what {
            "expected ident" | "expected value" => {
                "is not JSON: a value was expected here (is this the right file?)".to_owned()
            }
            "trailing comma" => "is not JSON: a comma before a closing bracket".to_owned(),
            "key must be a string" => "is not JSON: names need double quotes".to_owned(),
            "trailing characters" => "is not JSON: text after the end of the document".to_owned(),
            "expected `:`" => "is not JSON: a name without a colon after it".to_owned(),
            "expected `,` or `}`" | "expected `,` or `]`" => {
                "is not JSON: a missing comma between items".to_owned()
            }
            other => format!("is not JSON: {other}"),
        }
    };
    if at.is_empty() { words } else { format!("{words}, at {at}") }
}

/// What a Rust type or serde's own phrase allows, in words.
fn allowed(expected: &str) -> String {
    let expected = expected.trim();
    match expected {
        "u8" => "a whole number from 0 to 255".into(),
        "u16" => "a whole number from 0 to 65,535".into(),
        "u32" => "a whole number from 0 to 4,294,967,295".into(),
        "u64" | "usize" => "a whole number, 0 or more".into(),
        "i32" | "i64" | "isize" => "a whole number".into(),
        "f32" | "f64" => "a number".into(),
        "a string" | "string" | "a borrowed string" => "text in quotes".into(),
        "a boolean" | "bool" => "true or false".into(),
        "a sequence" => "a list in square brackets".into(),
        "a map" => "an object in braces".into(),
        _ if expected.starts_with("struct ") || expected.starts_with("a map ") => {
            "an object in braces".into()
        }
        _ if expected.starts_with("one of ") || expected.starts_with('`') => {
            choices(expected.trim_start_matches("one of "))
        }
        other => other.to_owned(),
    }
}

/// The value serde found, as the person typed it.
fn given(got: &str) -> String {
    let got = got.trim();
    let quoted = |prefix: &str| {
        got.strip_prefix(prefix).map(|rest| rest.trim_matches('`').trim_matches('"').to_owned())
    };
    if let Some(number) = quoted("integer ").or_else(|| quoted("floating point ")) {
        return clip(&number).into_owned();
    }
    if let Some(text) = quoted("string ") {
        return format!("\"{}\"", clip(&text));
    }
    if let Some(value) = quoted("boolean ") {
        return value;
    }
    match got {
        "map" => "an object".into(),
        "sequence" => "a list".into(),
        "null" | "unit value" => "empty (null)".into(),
        other => other.to_owned(),
    }
}

/// serde's "`a`, `b` or `c`" (or "one of `a`, `b`") as "a, b or c".
fn list(allowed: &str) -> String {
    let names: Vec<&str> =
        allowed.split('`').enumerate().filter(|(i, _)| i % 2 == 1).map(|(_, name)| name).collect();
    match names.as_slice() {
        [] => "none".into(),
        [one] => (*one).to_owned(),
        [first @ .., last] => format!("{} or {last}", first.join(", ")),
    }
}

/// The allowed choices, with "one of" before several.
fn choices(allowed: &str) -> String {
    let listed = list(allowed);
    if listed.contains(" or ") { format!("one of {listed}") } else { listed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn serde_messages_read_as_plain_words_without_rust_types() {
        let cases = [
            (
                "invalid value: integer `-5`, expected u32",
                "must be a whole number from 0 to 4,294,967,295, not -5",
            ),
            (
                "invalid type: floating point `1e+26`, expected u32",
                "must be a whole number from 0 to 4,294,967,295, not 1e+26",
            ),
            (
                "invalid type: string \"many\", expected f64",
                "must be a number, not the text \"many\": write numbers without quotes",
            ),
            (
                "invalid type: string \"64\", expected u32",
                "must be a whole number from 0 to 4,294,967,295, not the text \"64\": write numbers \
                 without quotes",
            ),
            ("invalid type: map, expected f64", "must be a number, not an object"),
            (
                "invalid value: integer `300`, expected u8",
                "must be a whole number from 0 to 255, not 300",
            ),
            (
                "unknown variant `fp2`, expected one of `fp32`, `bf16`, `fp16`, `fp8`",
                "must be one of fp32, bf16, fp16 or fp8, not \"fp2\"",
            ),
            (
                "unknown field `tokenz`, expected one of `tokens`, `samples`",
                "unknown field \"tokenz\": the fields allowed here are tokens or samples",
            ),
            ("key must be a string", "key must be a string"),
        ];
        for (serde, plain) in cases {
            let words = plain_words(serde);
            assert_eq!(words, plain, "{serde}");
            for rust in ["u8", "u32", "u64", "f64", "usize", "i64"] {
                assert!(!words.split(|c: char| !c.is_alphanumeric()).any(|w| w == rust), "{words}");
            }
        }
    }
}
