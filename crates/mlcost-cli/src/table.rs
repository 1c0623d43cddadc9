//! The human-readable report: one aligned line per figure, with its unit, then the defaults used.

use std::fmt::Write;

use mlcost::Report;

pub fn report(report: &Report) -> String {
    let mut out = String::new();
    if let Some(t) = &report.training {
        let rows = [
            ("training FLOPs", format!("{:.3e}", t.flops.get())),
            ("MFU used", percent(t.mfu)),
            ("goodput used", percent(t.goodput)),
            (
                "dense peak / accelerator",
                format!("{:.1} TFLOP/s", t.peak_flops_per_accelerator.get() / 1e12),
            ),
            ("accelerator-hours", grouped(t.accelerator_hours.get())),
            (
                "wall-clock",
                format!(
                    "{} h ({:.1} days)",
                    grouped(t.wall_clock_hours.get()),
                    t.wall_clock_hours.get() / 24.0
                ),
            ),
            ("price / accelerator-hour", format!("${:.4}", t.price_per_accelerator_hour.get())),
            ("compute cost", format!("${}", grouped(t.compute_cost_usd.get()))),
        ];
        let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
        out.push_str("Training\n");
        for (label, value) in rows {
            let _ = writeln!(out, "  {label:<width$}  {value}");
        }
        if let Some(offer) = &t.offer {
            let _ = writeln!(
                out,
                "Priced with {} ({}, {}) at ${:.2}/instance-hour: {} (as of {})",
                offer.id,
                offer.plan.as_str(),
                offer.region,
                offer.usd_per_instance_hour.get(),
                offer.source,
                offer.as_of
            );
        }
        if !t.assumptions.is_empty() {
            out.push_str("Defaults used\n");
            for a in &t.assumptions {
                let _ = writeln!(out, "  {} = {:.4}: {}", a.field, a.value, a.source);
            }
        }
    }
    out.trim_end().to_owned()
}

/// Aligned columns under a header; the first column left-aligned, the rest right-aligned.
pub fn columns(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.zip(&widths).enumerate() {
            if i == 0 {
                let _ = write!(text, "{cell:<width$}");
            } else {
                let _ = write!(text, "  {cell:>width$}");
            }
        }
        text.trim_end().to_owned()
    };
    let mut out = line(&mut header.iter().copied());
    for row in rows {
        out.push('\n');
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

/// Whole units with thousands separators: 2664000 → "2,664,000".
fn grouped(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(2_664_000.4), "2,664,000");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1000.0), "1,000");
    }
}
