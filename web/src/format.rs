//! Numbers as people read them: "$5.33M", "54.2 days", "3.29e24".

pub fn usd(value: f64) -> String {
    if value < 0.0 {
        return format!("−{}", usd(-value));
    }
    let (scaled, suffix) = scale(value);
    if suffix.is_empty() { format!("${value:.2}") } else { format!("${scaled:.2}{suffix}") }
}

pub fn count(value: f64) -> String {
    let (scaled, suffix) = scale(value);
    if suffix.is_empty() { format!("{value:.0}") } else { format!("{scaled:.2}{suffix}") }
}

/// Hours below two days, days below two years, years above.
pub fn duration(hours: f64) -> String {
    if hours < 48.0 {
        format!("{hours:.1} h")
    } else if hours < 2.0 * 8766.0 {
        format!("{:.1} days", hours / 24.0)
    } else {
        format!("{:.1} years", hours / 8766.0)
    }
}

/// Decimal gigabytes, as accelerator datasheets count memory.
pub fn bytes(value: f64) -> String {
    if value >= 1e12 { format!("{:.2} TB", value / 1e12) } else { format!("{:.1} GB", value / 1e9) }
}

pub fn percent(fraction: f64) -> String {
    format!("{:.1}%", fraction * 100.0)
}

pub fn scientific(value: f64) -> String {
    format!("{value:.3e}")
}

fn scale(value: f64) -> (f64, &'static str) {
    let magnitude = value.abs();
    if magnitude >= 1e12 {
        (value / 1e12, "T")
    } else if magnitude >= 1e9 {
        (value / 1e9, "B")
    } else if magnitude >= 1e6 {
        (value / 1e6, "M")
    } else if magnitude >= 1e4 {
        (value / 1e3, "k")
    } else {
        (value, "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_counts_scale() {
        assert_eq!(usd(5_328_000.0), "$5.33M");
        assert_eq!(usd(950.5), "$950.50");
        assert_eq!(usd(-12_330.6), "−$12.33k");
        assert_eq!(count(2_664_000.0), "2.66M");
        assert_eq!(count(2048.0), "2048");
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(duration(5.0), "5.0 h");
        assert_eq!(duration(1300.8), "54.2 days");
        assert_eq!(duration(100_000.0), "11.4 years");
    }
}
