//! `mlcost diff BEFORE AFTER`: every figure that changed, as a table, JSON or a pull request's
//! markdown comment, and `--fail-above`: a budget on each section's cost rising.

use std::fmt::Write as _;

use mlcost::PriceBook;
use mlcost::diff::{Change, ReportDiff, diff};
use mlcost::format;
use mlcost::summary::heading;
use serde_json::Value;

use crate::{DiffFormat, Failure, read_scenario};

/// The costs a budget holds: each section's, as the headline names it.
const COSTS: [&str; 2] = ["training.total_cost_usd", "serving.monthly_cost_usd"];

/// How much a cost may rise.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Budget {
    Usd(f64),
    Percent(f64),
}

fn budget(text: &str) -> Result<Budget, Failure> {
    let wrong = || {
        Failure::Input(format!(
            "--fail-above: \"{text}\" is not an amount or a share: write 5000, $5,000 or 10%"
        ))
    };
    let trimmed = text.trim();
    let (number, percent) = match trimmed.strip_suffix('%') {
        Some(number) => (number, true),
        None => (trimmed.trim_start_matches('$'), false),
    };
    let value: f64 = number.replace(',', "").trim().parse().map_err(|_| wrong())?;
    if !(value.is_finite() && value >= 0.0) {
        return Err(wrong());
    }
    Ok(if percent { Budget::Percent(value) } else { Budget::Usd(value) })
}

/// The costs that rose by more than `budget`, in words.
fn over(diff: &ReportDiff, budget: Budget) -> Vec<String> {
    COSTS
        .iter()
        .filter_map(|key| diff.headline(key))
        .filter_map(|change| {
            let delta = change.delta?;
            let exceeded = match budget {
                Budget::Usd(usd) => delta > usd,
                Budget::Percent(share) => change.percent.is_some_and(|p| p > share),
            };
            exceeded.then(|| {
                format!(
                    "{} rose by {} ({}), above --fail-above {}",
                    change.label.as_deref().unwrap_or(&change.key),
                    format::usd(mlcost::units::Usd::new(delta)),
                    percent(change.percent),
                    match budget {
                        Budget::Usd(usd) => format::usd(mlcost::units::Usd::new(usd)),
                        Budget::Percent(share) => format!("{share}%"),
                    }
                )
            })
        })
        .collect()
}

pub(crate) fn run(
    book: &PriceBook,
    before: &str,
    after: &str,
    output: DiffFormat,
    fail_above: Option<&str>,
) -> Result<String, Failure> {
    let budget = fail_above.map(budget).transpose()?;
    let estimate = |file: &str| {
        let scenario = read_scenario(file)?;
        mlcost::estimate_with_latency(&scenario, book)
            .map_err(|e| Failure::Input(format!("{file}: {e}")))
    };
    let changes = diff(&estimate(before)?, &estimate(after)?);
    let shown = match output {
        DiffFormat::Json => serde_json::to_string_pretty(&changes).unwrap_or_default(),
        DiffFormat::Table => table(&changes),
        DiffFormat::Markdown => markdown(&changes, before, after),
    };
    match budget.map(|b| over(&changes, b)).filter(|reasons| !reasons.is_empty()) {
        Some(reasons) => Err(Failure::OverBudget(shown, reasons.join("; "))),
        None => Ok(shown),
    }
}

/// A figure as shown: numbers at a readable precision, text as it is, a missing one as the sign.
fn value(v: Option<&Value>) -> String {
    match v {
        None => format::MISSING.to_owned(),
        Some(Value::Number(n)) => {
            let x = n.as_f64().unwrap_or_default();
            if x.abs() >= 100.0 { format::grouped(x) } else { format::trimmed(x) }
        }
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn percent(p: Option<f64>) -> String {
    p.map_or_else(|| format::MISSING.to_owned(), |p| format!("{p:+.1}%"))
}

fn change(c: &Change) -> String {
    match c.delta {
        Some(d) => {
            let size = d.abs();
            let size = if size >= 100.0 { format::grouped(size) } else { format::trimmed(size) };
            format!("{}{size} ({})", if d < 0.0 { "-" } else { "+" }, percent(c.percent))
        }
        None => "changed".to_owned(),
    }
}

fn table(diff: &ReportDiff) -> String {
    if diff.is_empty() {
        return "No figure changed.".to_owned();
    }
    let mut out = String::new();
    for section in &diff.sections {
        let _ = writeln!(out, "{}", heading(&section.section));
        let rows: Vec<[String; 4]> = section
            .headline
            .iter()
            .map(|c| {
                let name = c.label.clone().unwrap_or_else(|| c.key.clone());
                [name, value(c.before.as_ref()), value(c.after.as_ref()), change(c)]
            })
            .collect();
        out.push_str(&columns(&["figure", "before", "after", "change"], &rows));
        if !section.other.is_empty() {
            let _ = writeln!(out, "  and {} other figures:", section.other.len());
            for c in &section.other {
                let _ = writeln!(
                    out,
                    "    {}: {} → {}",
                    c.key,
                    value(c.before.as_ref()),
                    value(c.after.as_ref())
                );
            }
        }
    }
    out.trim_end().to_owned()
}

/// Left-aligned columns, two spaces apart.
fn columns(header: &[&str; 4], rows: &[[String; 4]]) -> String {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 4]| {
        let padded: Vec<String> =
            cells.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        format!("  {}\n", padded.join("  ").trim_end())
    };
    let mut out = line(*header);
    for row in rows {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3]]));
    }
    out
}

/// A pull request's comment: the headline figures in a table per section, the other changed
/// figures folded under it.
fn markdown(diff: &ReportDiff, before: &str, after: &str) -> String {
    let cell = |text: String| text.replace('|', "\\|");
    let mut out = format!("### mlcost: `{}` → `{}`\n\n", cell(before.into()), cell(after.into()));
    if diff.is_empty() {
        out.push_str("No figure changed.\n");
        return out;
    }
    for section in &diff.sections {
        let _ = writeln!(out, "**{}**\n", heading(&section.section));
        if !section.headline.is_empty() {
            out.push_str("| figure | before | after | change |\n|---|---:|---:|---:|\n");
            for c in &section.headline {
                let name = c.label.clone().unwrap_or_else(|| c.key.clone());
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    cell(name),
                    cell(value(c.before.as_ref())),
                    cell(value(c.after.as_ref())),
                    cell(change(c))
                );
            }
            out.push('\n');
        }
        if !section.other.is_empty() {
            let _ = writeln!(
                out,
                "<details><summary>{} other figures changed</summary>\n\n| figure | before | after |\n|---|---:|---:|",
                section.other.len()
            );
            for c in &section.other {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} |",
                    c.key,
                    cell(value(c.before.as_ref())),
                    cell(value(c.after.as_ref()))
                );
            }
            out.push_str("\n</details>\n\n");
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_read_as_amounts_or_shares_and_refuse_the_rest() {
        assert_eq!(budget("5000").ok(), Some(Budget::Usd(5000.0)));
        assert_eq!(budget("$5,000").ok(), Some(Budget::Usd(5000.0)));
        assert_eq!(budget("10%").ok(), Some(Budget::Percent(10.0)));
        for bad in ["ten", "-5", "5%%", ""] {
            assert!(matches!(budget(bad), Err(Failure::Input(_))), "{bad}");
        }
    }
}
