//! Writing CSV: the one quoting rule every CSV the engine writes follows.

/// A CSV cell, quoted when it must be (RFC 4180).
pub fn csv_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}
