//! Numbers as people read them, one way for every front end: the CLI's tables and both web
//! modules print money, counts, durations and periods through these functions, so "$5.33M",
//! "54.2 days" and a missing figure ("—") look the same everywhere.
//!
//! Two styles of money: [`usd`] at a glance ("$5.33M", for cards, charts and tables read by eye)
//! and [`usd_whole`] to copy ("$7,989,563", the CLI's figures); [`usd_precise`] keeps three
//! significant digits for small unit prices ("$0.000144" per request).

use crate::vocabulary::terms::Period;
use crate::vocabulary::uncertainty::Range;
use crate::vocabulary::units::{Bytes, Fraction, Hours, KilogramsCo2e, KilowattHours, Usd};

/// What a table shows for a figure the estimate does not have.
pub const MISSING: &str = "—";

/// Hours in a year of 365.25 days, for durations shown in years.
const HOURS_PER_YEAR: f64 = 8766.0;

/// `show(value)`, or [`MISSING`].
pub fn or_missing<T>(value: Option<T>, show: impl FnOnce(T) -> String) -> String {
    value.map_or_else(|| MISSING.to_owned(), show)
}

/// A figure and, when it has one, its range after it in the same style: "88,553 (87,191 – 129,429)".
pub fn within<T: Copy>(central: T, range: Option<Range<T>>, show: impl Fn(T) -> String) -> String {
    match range {
        Some(range) => format!("{} ({} – {})", show(central), show(range.low), show(range.high)),
        None => show(central),
    }
}

/// An input's value of any size at a glance: short for big counts ("800.00B" tokens), whole
/// above a hundred ("1,410" hours), trimmed below ("0.133").
pub fn value(value: f64) -> String {
    match value.abs() {
        v if v >= 1e4 => count(value),
        v if v >= 100.0 => whole(value),
        _ => trimmed(value),
    }
}

/// Money at a glance: "$950.50", "$8,228", "$12.33k", "$5.33M", "−$12.33k".
pub fn usd(value: Usd) -> String {
    let value = value.get();
    if value < 0.0 {
        return format!("−{}", usd(Usd::new(-value)));
    }
    let (scaled, suffix) = scale(value);
    match (suffix, value >= 1000.0) {
        ("", true) => format!("${}", whole(value)),
        ("", false) => format!("${value:.2}"),
        _ => format!("${scaled:.2}{suffix}"),
    }
}

/// Money to copy: whole dollars with thousands separators ("$7,989,563"); below $100, cents.
pub fn usd_whole(value: Usd) -> String {
    format!("${}", grouped(value.get()))
}

/// Small unit prices to three significant digits: "$0.715", "$0.000144".
pub fn usd_precise(value: Usd) -> String {
    format!("${}", significant(value.get()))
}

/// Three significant digits, however small: 0.000144 stays readable (at least two decimals).
pub fn significant(value: f64) -> String {
    let decimals =
        if value > 0.0 { (2.0 - value.log10().floor()).clamp(2.0, 9.0) as usize } else { 2 };
    format!("{value:.decimals$}")
}

/// A count at a glance: "8", "2,048", "12.30k", "2.66M".
pub fn count(value: f64) -> String {
    let (scaled, suffix) = scale(value);
    if suffix.is_empty() { whole(value) } else { format!("{scaled:.2}{suffix}") }
}

/// A count to copy: whole units with thousands separators ("2,664,000"); below 100, two
/// decimals.
pub fn grouped(value: f64) -> String {
    if value.abs() < 100.0 {
        return format!("{value:.2}");
    }
    whole(value)
}

/// Milliseconds at a glance: a decimal below 100 ("67.7 ms"), whole above ("15,015 ms").
pub fn milliseconds(value: f64) -> String {
    if value.abs() < 100.0 { format!("{value:.1} ms") } else { format!("{} ms", whole(value)) }
}

/// Money in as few characters as a round value needs, for axis ticks: "$10M", "$1.5M", "$5,000",
/// "$0.25".
pub fn usd_short(value: Usd) -> String {
    let value = value.get();
    if value < 0.0 {
        return format!("−{}", usd_short(Usd::new(-value)));
    }
    let (scaled, suffix) = scale(value);
    if suffix.is_empty() && value >= 1000.0 {
        return format!("${}", whole(value));
    }
    format!("${}{suffix}", trimmed(scaled))
}

/// A count in as few characters as a round value needs, for axis ticks: "300", "30k", "1.5M".
pub fn count_short(value: f64) -> String {
    let (scaled, suffix) = scale(value);
    if suffix.is_empty() { whole(value) } else { format!("{}{suffix}", trimmed(scaled)) }
}

/// A whole number with thousands separators: "8", "2,048", "-2,460,526".
pub fn whole(value: f64) -> String {
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

/// A plain figure at a readable precision: at most three decimals, no trailing zeros ("0.28",
/// "13.183", "2"); below a thousandth, scientific ("1.500e-5").
pub fn trimmed(value: f64) -> String {
    if value != 0.0 && value.abs() < 1e-3 {
        return scientific(value);
    }
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Energy at a glance: "1.27M kWh".
pub fn energy(value: KilowattHours) -> String {
    format!("{} kWh", count(value.get()))
}

/// Emissions: kilograms below a tonne, tonnes above ("450 kg CO2e", "2.1 t CO2e").
pub fn carbon(value: KilogramsCo2e) -> String {
    let kg = value.get();
    match kg / 1000.0 {
        tonnes if tonnes < 1.0 => format!("{} kg CO2e", count(kg)),
        tonnes if tonnes < 100.0 => format!("{tonnes:.1} t CO2e"),
        tonnes => format!("{} t CO2e", count(tonnes)),
    }
}

/// Dollars to copy: "$2,664,000" ([`grouped`]).
pub fn usd_grouped(value: Usd) -> String {
    format!("${}", grouped(value.get()))
}

/// Hours below two days, days below two years, years above: "5.0 h", "54.2 days", "11.4 years".
pub fn duration(value: Hours) -> String {
    let hours = value.get();
    if hours < 48.0 {
        format!("{hours:.1} h")
    } else if hours < 2.0 * HOURS_PER_YEAR {
        format!("{:.1} days", hours / 24.0)
    } else {
        format!("{:.1} years", hours / HOURS_PER_YEAR)
    }
}

/// Decimal gigabytes, as accelerator datasheets count memory: "17.6 GB", "1.23 TB".
pub fn bytes(value: Bytes) -> String {
    let value = value.get();
    if value >= 1e12 { format!("{:.2} TB", value / 1e12) } else { format!("{:.1} GB", value / 1e9) }
}

/// A fraction as a percentage: 0.2371 is "23.7%".
pub fn percent(fraction: Fraction) -> String {
    let fraction = fraction.get();
    format!("{:.1}%", fraction * 100.0)
}

/// Very large or small figures: "9.755e23".
pub fn scientific(value: f64) -> String {
    format!("{value:.3e}")
}

/// What a cost is for, after "a" or "per": "run", "month".
pub fn period(period: Period) -> &'static str {
    match period {
        Period::Run => "run",
        Period::Month => "month",
    }
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

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn axis_money_is_as_short_as_its_value() {
        assert_eq!(usd_short(Usd::new(1e7)), "$10M");
        assert_eq!(usd_short(Usd::new(1.5e6)), "$1.5M");
        assert_eq!(usd_short(Usd::new(5000.0)), "$5,000");
        assert_eq!(usd_short(Usd::new(0.25)), "$0.25");
    }

    #[test]
    fn money_at_a_glance_scales() {
        assert_eq!(usd(Usd::new(5_328_000.0)), "$5.33M");
        assert_eq!(usd(Usd::new(950.5)), "$950.50");
        assert_eq!(usd(Usd::new(8228.0)), "$8,228");
        assert_eq!(usd(Usd::new(-12_330.6)), "−$12.33k");
    }

    #[test]
    fn money_to_copy_is_grouped_and_small_prices_keep_three_digits() {
        assert_eq!(usd_whole(Usd::new(7_989_563.4)), "$7,989,563");
        assert_eq!(usd_whole(Usd::new(3.7)), "$3.70");
        assert_eq!(usd_precise(Usd::new(0.715)), "$0.715");
        assert_eq!(usd_precise(Usd::new(0.000_144_2)), "$0.000144");
    }

    #[test]
    fn counts_scale_or_group() {
        assert_eq!(count(2_664_000.0), "2.66M");
        assert_eq!(count(2048.0), "2,048");
        assert_eq!(count(8.0), "8");
        assert_eq!(whole(-2_460_526.4), "-2,460,526");
        assert_eq!(milliseconds(15_015.2), "15,015 ms");
        assert_eq!(milliseconds(67.74), "67.7 ms");
        assert_eq!(grouped(1_161_274.2), "1,161,274");
        assert_eq!(grouped(-2_460_526.0), "-2,460,526");
    }

    #[test]
    fn small_money_keeps_three_significant_digits() {
        assert_eq!(significant(0.000_144_4), "0.000144");
        assert_eq!(significant(0.715), "0.715");
        assert_eq!(significant(12.5), "12.50");
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(grouped(2_664_000.4), "2,664,000");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1000.0), "1,000");
        assert_eq!(grouped(4.2), "4.20");
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(duration(Hours::new(5.0)), "5.0 h");
        assert_eq!(duration(Hours::new(1300.8)), "54.2 days");
        assert_eq!(duration(Hours::new(100_000.0)), "11.4 years");
    }

    #[test]
    fn a_missing_figure_has_one_sign() {
        assert_eq!(or_missing(None::<Fraction>, percent), "—");
        assert_eq!(or_missing(Some(Fraction::new(0.25)), percent), "25.0%");
        assert_eq!(bytes(Bytes::new(17.6e9)), "17.6 GB");
        assert_eq!(period(Period::Month), "month");
    }

    #[test]
    fn plain_figures_keep_three_decimals_at_most() {
        // Axis labels: 100, 10, 1, 0.1 rather than 100.000, 10.000, 1.000, 0.100.
        assert_eq!(trimmed(100.0), "100");
        assert_eq!(trimmed(0.1), "0.1");
        assert_eq!(trimmed(2.5), "2.5");
        // Defaults as a person reads them, not 0.2798367326688782 or 13.183333333333334.
        assert_eq!(trimmed(0.279_836_732_668_878_2), "0.28");
        assert_eq!(trimmed(13.183_333_333_333_334), "13.183");
        assert_eq!(trimmed(0.0), "0");
        assert_eq!(trimmed(1.5e-5), "1.500e-5");
    }
}
