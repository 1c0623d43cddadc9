//! Compacts the page's own text files before they are served: wasm-bindgen's JavaScript glue and
//! the style sheet lose their indentation, whole-line comments and blank lines, and the page's
//! subresource-integrity hashes are computed again for what is served. About 1.5 KB gzip of the
//! first render's budget, for no change in behaviour.
//!
//! Why by lines, not a minifier? Trunk's own minifier rewrites the start-up script the CSP step
//! moves out, and a JavaScript minifier from npm would be one more tool to install on every fresh
//! machine. Working line by line keeps every statement and every line break where it was (so
//! automatic semicolon insertion reads the code exactly as before); the one construct where a
//! line's leading spaces or a line that looks like a comment carry meaning, a template literal or
//! comment spanning lines in an unexpected way, makes the step leave the file as it is.

use std::path::Path;

/// Which comment syntax a file has.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Language {
    /// `/* … */` and `// …`.
    JavaScript,
    /// `/* … */` only.
    Css,
}

impl Language {
    /// The language of a file by its name, if it is one this step compacts.
    pub fn of(path: &Path) -> Option<Language> {
        match path.extension()?.to_str()? {
            "js" => Some(Language::JavaScript),
            "css" => Some(Language::Css),
            _ => None,
        }
    }
}

/// The text without indentation, trailing spaces, whole-line comments and blank lines; `None` when
/// a line holds something the line-wise reading cannot be sure of (a template literal or a string
/// spanning lines, a comment opened after code), so the caller keeps the file as it is.
pub fn compact(text: &str, language: Language) -> Option<String> {
    let mut kept = Vec::new();
    let mut in_comment = false;
    for line in text.lines() {
        let line = line.trim();
        if in_comment {
            if line.contains("*/") {
                // Code after a comment's end on the same line is not read line-wise: give up.
                if !line.trim_end().ends_with("*/") {
                    return None;
                }
                in_comment = false;
            }
            continue;
        }
        // A backtick left open carries the next lines' spaces into a string.
        // So does a string continued with a backslash.
        if language == Language::JavaScript
            && (line.matches('`').count() % 2 == 1 || line.ends_with('\\'))
        {
            return None;
        }
        if line.is_empty() || (language == Language::JavaScript && line.starts_with("//")) {
            continue;
        }
        if let Some(rest) = line.strip_prefix("/*") {
            match rest.find("*/") {
                Some(end) if rest[end + 2..].trim().is_empty() => continue,
                Some(_) => {}
                None => {
                    in_comment = true;
                    continue;
                }
            }
        } else if line.contains("/*") && !line.contains("*/") {
            // A comment opened after code on the same line: not read line-wise.
            return None;
        }
        kept.push(line);
    }
    if in_comment {
        return None;
    }
    let mut out = kept.join("\n");
    out.push('\n');
    Some(out)
}

/// Compacts every `.js` and `.css` file directly in `dir` (not its subfolders), leaving a file
/// this step cannot read line-wise as it is. Returns the names of the files it changed.
pub fn compact_folder(dir: &Path) -> Result<Vec<String>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("compact: cannot list {}: {e}", dir.display()))?;
    let mut changed = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("compact: {e}"))?.path();
        let Some(language) = Language::of(&path) else { continue };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("compact: cannot read {}: {e}", path.display()))?;
        let Some(compacted) = compact(&text, language) else {
            eprintln!("compact: {} kept as it is (not line-wise readable)", path.display());
            continue;
        };
        if compacted != text {
            std::fs::write(&path, &compacted)
                .map_err(|e| format!("compact: cannot write {}: {e}", path.display()))?;
            changed.push(path.file_name().unwrap_or_default().to_string_lossy().into_owned());
        }
    }
    Ok(changed)
}

/// The page with each `integrity="sha384-…"` recomputed for the file its element names (its
/// `href` or `src`, from `dir`), so a compacted file still passes the browser's check.
pub fn refresh_integrity(html: &str, dir: &Path) -> Result<String, String> {
    const MARK: &str = "integrity=\"sha384-";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(MARK) {
        let element_start = rest[..at].rfind('<').ok_or("compact: integrity outside an element")?;
        let element = &rest[element_start..at];
        let file = attribute(element, "href")
            .or_else(|| attribute(element, "src"))
            .ok_or_else(|| format!("compact: no href or src before integrity in {element}"))?;
        let path = dir.join(file.trim_start_matches('/'));
        let bytes = std::fs::read(&path)
            .map_err(|e| format!("compact: cannot read {}: {e}", path.display()))?;
        let value_start = at + MARK.len();
        let value_length =
            rest[value_start..].find('"').ok_or("compact: unterminated integrity value")?;
        out.push_str(&rest[..value_start]);
        out.push_str(&sha384_base64(&bytes));
        rest = &rest[value_start + value_length..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The value of `name="…"` in an element's text so far.
fn attribute<'a>(element: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = element.find(&key)? + key.len();
    let length = element[start..].find('"')?;
    Some(&element[start..start + length])
}

fn sha384_base64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_loses_indentation_comments_and_blank_lines_and_keeps_every_line_break() {
        let glue = "export class A {\n    /**\n     * @returns {number}\n     */\n    get n() {\n        // why\n        return 1;\n    }\n\n}\nconst s = `a${x}b`; /* c */\n";
        assert_eq!(
            compact(glue, Language::JavaScript).unwrap(),
            "export class A {\nget n() {\nreturn 1;\n}\n}\nconst s = `a${x}b`; /* c */\n"
        );
    }

    #[test]
    fn what_cannot_be_read_line_by_line_is_kept_as_it_is() {
        // A template literal spanning lines: its second line's spaces are part of the string.
        assert_eq!(compact("const s = `a\n    b`;\n", Language::JavaScript), None);
        assert_eq!(compact("const s = 'a\\\n    b';\n", Language::JavaScript), None);
        // A comment opened after code, and code after a comment's end.
        assert_eq!(compact("f(); /* a\n b */\n", Language::JavaScript), None);
        assert_eq!(compact("/* a\n b */ f();\n", Language::JavaScript), None);
        assert_eq!(compact("/* never closed\n", Language::Css), None);
    }

    #[test]
    fn css_keeps_lines_that_start_with_two_slashes() {
        let css = ":root {\n  --a: 1px;\n}\n/* note */\n.url { background: url(//x); }\n";
        assert_eq!(
            compact(css, Language::Css).unwrap(),
            ":root {\n--a: 1px;\n}\n.url { background: url(//x); }\n"
        );
    }

    #[test]
    fn integrity_is_recomputed_for_the_file_each_element_names() {
        let dir = std::env::temp_dir().join(format!("mlcost-compact-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.js"), "abc").unwrap();
        let html = "<link rel=\"modulepreload\" href=\"/a.js\" integrity=\"sha384-old\"><p>";
        let page = refresh_integrity(html, &dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        // SHA-384 of "abc" (FIPS 180-2, appendix D.1), in base64.
        assert_eq!(
            page,
            "<link rel=\"modulepreload\" href=\"/a.js\" integrity=\"sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn\"><p>"
        );
    }
}
