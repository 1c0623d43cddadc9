//! Makes Trunk's output run under a strict Content-Security-Policy. Trunk starts the app from an
//! inline `<script type="module">`, which `script-src 'self'` forbids; this step (a Trunk
//! post-build hook, so `serve` and `build` both get it) moves that script into a file of its own
//! and adds the policy to the page:
//!
//! `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'`
//!
//! The moved script also records any violation in `window.mlcostCspViolations`, so the end-to-end
//! tests (and anyone with a console) can see that there are none.
//!
//! The same step compacts the glue and the style sheet (`compact.rs`) and recomputes the page's
//! integrity hashes for them: one step, because Trunk starts a stage's hooks together and only
//! this one rewrites the page.

use std::path::Path;

pub const POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'";

const RECORDER: &str = "window.mlcostCspViolations = [];\n\
document.addEventListener('securitypolicyviolation', (e) => \
window.mlcostCspViolations.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`));\n";

/// Rewrites `index.html` in Trunk's staging directory (`$TRUNK_STAGING_DIR`).
pub fn apply(args: &[String]) -> Result<(), String> {
    let dir = match args {
        [dir] => dir.clone(),
        [] => std::env::var("TRUNK_STAGING_DIR")
            .map_err(|_| "csp: run as a Trunk hook, or give the directory".to_owned())?,
        _ => return Err(format!("csp: expected at most one directory, got {args:?}")),
    };
    let dir = Path::new(&dir);
    let index = dir.join("index.html");
    let html = std::fs::read_to_string(&index)
        .map_err(|e| format!("csp: cannot read {}: {e}", index.display()))?;
    crate::compact::compact_folder(dir)?;
    let html = crate::compact::refresh_integrity(&html, dir)?;
    let (html, script) = externalize(&html)?;
    let name = format!("init-{:016x}.js", fnv1a(script.as_bytes()));
    std::fs::write(dir.join(&name), format!("{RECORDER}{script}"))
        .map_err(|e| format!("csp: cannot write {name}: {e}"))?;
    let html =
        html.replace("<!--init-->", &format!("<script type=\"module\" src=\"/{name}\"></script>"));
    std::fs::write(&index, html).map_err(|e| format!("csp: cannot write index.html: {e}"))
}

/// The page with its inline module script cut out (an `<!--init-->` marker where it was) and the
/// policy added after `<meta charset>`, and the script's text.
fn externalize(html: &str) -> Result<(String, String), String> {
    const OPEN: &str = "<script type=\"module\">";
    let start = html.find(OPEN).ok_or("csp: Trunk's inline start-up script is missing")?;
    let body_start = start + OPEN.len();
    let length = html[body_start..].find("</script>").ok_or("csp: unterminated start-up script")?;
    let script = html[body_start..body_start + length].trim().to_owned();
    let rest = &html[body_start + length + "</script>".len()..];
    let page = format!("{}<!--init-->{rest}", &html[..start]);
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\" />");
    let charset = page.find("<meta charset").ok_or("csp: index.html has no <meta charset>")?;
    let after = charset + page[charset..].find('>').unwrap_or(0) + 1;
    Ok((format!("{}\n    {meta}{}", &page[..after], &page[after..]), script))
}

/// A stable content hash for the file name (browsers cache by name).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_script_moves_out_and_the_policy_goes_in() {
        let html = "<html><head><meta charset=\"utf-8\" /><title>t</title>\n<script type=\"module\">\nimport init from '/a.js';\nawait init();\n</script><link rel=\"modulepreload\" href=\"/a.js\"></head><body></body></html>";
        let (page, script) = externalize(html).unwrap();
        assert_eq!(script, "import init from '/a.js';\nawait init();");
        assert!(!page.contains("<script type=\"module\">"), "{page}");
        assert!(page.contains("<!--init--><link rel=\"modulepreload\""), "{page}");
        let policy = page.find("Content-Security-Policy").unwrap();
        assert!(policy < page.find("<title>").unwrap(), "the policy comes first: {page}");
    }
}
