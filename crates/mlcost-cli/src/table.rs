//! The human-readable report: one aligned line per figure, with its unit, then the defaults used.

use std::fmt::Write;

use mlcost::Report;

pub fn render(report: &Report) -> String {
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
            (
                "compute cost",
                format!("${}", grouped(t.compute_cost_usd.get())),
            ),
        ];
        let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
        out.push_str("Training\n");
        for (label, value) in rows {
            let _ = writeln!(out, "  {label:<width$}  {value}");
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
