//! Writing CSV: the one quoting rule every CSV the engine writes follows.

/// A CSV cell, quoted when it must be (RFC 4180), and never a formula.
///
/// Why the apostrophe? A spreadsheet evaluates a cell that starts with `=`, `+`, `-` or `@` (or a
/// tab or carriage return) as a formula, and a scenario's text can come from anyone (a model name
/// in a pasted config, a job name, an offer in a shared sheet). OWASP's advice for CSV injection
/// is to prefix such cells with `'`, which spreadsheets show as text. Numbers ("-5", "+1e3")
/// stay numbers: only a cell that does not read as one is neutralised.
pub fn csv_cell(cell: &str) -> String {
    let formula =
        cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err();
    let cell = if formula { format!("'{cell}") } else { cell.to_owned() };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("-5"), "-5");
        assert_eq!(csv_cell("+1e3"), "+1e3");
        assert_eq!(csv_cell("llama-3.1-8b"), "llama-3.1-8b");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
    }
}
