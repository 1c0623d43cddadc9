//! `--format markdown` for `estimate` and `optimize`: what a pull request's comment or a wiki page
//! shows, the headline figures in a table per section (the same figures and labels `mlcost diff`
//! leads with), the advisor's recommendations in a numbered list.

use std::fmt::Write as _;

use mlcost::Report;
use mlcost::diff::HEADLINE;
use mlcost::format;
use mlcost::optimize::Advice;
use mlcost::summary::heading;
use serde_json::Value;

/// A table cell: pipes escaped, line breaks as spaces.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A figure as shown: numbers at a readable precision, text as it is.
pub(crate) fn figure(value: &Value) -> String {
    match value {
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or_default();
            if x.abs() >= 100.0 { format::grouped(x) } else { format::trimmed(x) }
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An estimate: the model, then each section's headline figures, then its notes.
pub(crate) fn report(report: &Report) -> String {
    let json = serde_json::to_value(report).unwrap_or_default();
    let mut out = String::from("### mlcost estimate\n");
    for section in ["training", "serving"] {
        let Some(part) = json.get(section).filter(|v| !v.is_null()) else { continue };
        let model = part.get("model").and_then(Value::as_str).unwrap_or_default();
        let _ = write!(
            out,
            "\n**{}**: {}\n\n| figure | value |\n|---|---:|\n",
            heading(section),
            cell(model)
        );
        for (key, label) in HEADLINE.iter().filter(|(k, _)| k.starts_with(section)) {
            let field = &key[section.len() + 1..];
            if let Some(value) = part.get(field).filter(|v| !v.is_null()) {
                let _ = writeln!(out, "| {} | {} |", cell(label), cell(&figure(value)));
            }
        }
        if let Some(notes) = part.get("notes").and_then(Value::as_array).filter(|n| !n.is_empty()) {
            out.push('\n');
            for note in notes.iter().filter_map(Value::as_str) {
                let _ = writeln!(out, "- {}", cell(note));
            }
        }
    }
    out.trim_end().to_owned()
}

/// The advisor: where each section stands, then its recommendations, best first.
pub(crate) fn advice(advice: &Advice) -> String {
    let mut out = String::from("### mlcost optimize\n\n");
    for c in &advice.current {
        let _ = writeln!(
            out,
            "- {}: {} a {} as it stands",
            c.section.title(),
            format::usd_grouped(c.cost_usd),
            format::period(c.per)
        );
    }
    if advice.recommendations.is_empty() {
        out.push_str("\nNo change the advisor searches makes this scenario cheaper within its constraints.\n");
    } else {
        out.push_str("\n| # | recommendation | saves | trade-off |\n|---:|---|---:|---|\n");
        for (i, r) in advice.recommendations.iter().enumerate() {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                i + 1,
                cell(&r.title),
                cell(&format::usd(r.saving_usd)),
                cell(&r.tradeoff)
            );
        }
    }
    out.trim_end().to_owned()
}
