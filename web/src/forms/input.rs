//! Reading what people type: "37B", "14.8T", "2,048" and "3.2e24" are all numbers.

/// Parses a positive or negative quantity with an optional SI-style suffix (k, M, B or G, T, P, E;
/// case-insensitive except `m`, which people use for million here too) and thousands separators.
/// Returns `None` for anything else; the caller says which field.
pub fn parse_quantity(text: &str) -> Option<f64> {
    if !thousands_grouped(text.trim()) {
        return None;
    }
    let cleaned: String =
        text.trim().chars().filter(|c| *c != ',' && *c != '_' && *c != ' ').collect();
    if cleaned.is_empty() {
        return None;
    }
    let (number, multiplier) = match cleaned.chars().last() {
        Some(suffix) if suffix.is_ascii_alphabetic() && !is_exponent_form(&cleaned) => {
            let multiplier = match suffix.to_ascii_lowercase() {
                'k' => 1e3,
                'm' => 1e6,
                'b' | 'g' => 1e9,
                't' => 1e12,
                'p' => 1e15,
                'e' => 1e18,
                _ => return None,
            };
            (&cleaned[..cleaned.len() - 1], multiplier)
        }
        _ => (cleaned.as_str(), 1.0),
    };
    let value: f64 = number.parse().ok()?;
    let value = value * multiplier;
    value.is_finite().then_some(value)
}

/// Whether every comma in `text` separates thousands ("2,048", "1,000,000.5"): "2,50" is a decimal
/// comma, which would otherwise be read as 250.
pub fn thousands_grouped(text: &str) -> bool {
    if !text.contains(',') {
        return true;
    }
    // The whole-number part: up to a decimal point, an exponent or a suffix.
    let whole = text.trim_start_matches(['-', '+']);
    let end = whole.find(|c: char| !(c.is_ascii_digit() || c == ',')).unwrap_or(whole.len());
    if whole[end..].contains(',') {
        return false;
    }
    let mut groups = whole[..end].split(',');
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len()) && groups.all(|group| group.len() == 3)
}

/// Text `parse_quantity` reads back as exactly `value`: from a million up, a suffix ("14.8T") when
/// that round-trips; otherwise the plain shortest decimal ("2048").
pub fn quantity_text(value: f64) -> String {
    for (suffix, scale) in [("T", 1e12), ("B", 1e9), ("M", 1e6)] {
        if value.abs() >= scale {
            let text = format!("{}{suffix}", value / scale);
            if parse_quantity(&text) == Some(value) {
                return text;
            }
        }
    }
    format!("{value}")
}

/// "1e" is not "1 exa"-less-something: a trailing `e` after digits is only a suffix when nothing follows.
fn is_exponent_form(text: &str) -> bool {
    text.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::{parse_quantity, quantity_text};

    #[test]
    fn quantities_print_short_and_read_back_exactly() {
        for (value, text) in [(14.8e12, "14.8T"), (2048.0, "2048"), (0.46, "0.46"), (7e9, "7B")] {
            assert_eq!(quantity_text(value), text);
            assert_eq!(parse_quantity(&quantity_text(value)), Some(value));
        }
        let awkward = 1.0 / 3.0 * 1e9;
        assert_eq!(parse_quantity(&quantity_text(awkward)), Some(awkward));
    }

    #[test]
    fn plain_scientific_and_suffixed_numbers() {
        for (text, expected) in [
            ("2048", 2048.0),
            ("2,048", 2048.0),
            ("1,000,000.5", 1_000_000.5),
            ("-2,048", -2048.0),
            (" 37e9 ", 37e9),
            ("37B", 37e9),
            ("14.8T", 14.8e12),
            ("14.8t", 14.8e12),
            ("1.5k", 1500.0),
            ("0.346", 0.346),
            ("-1", -1.0),
            ("3E2", 300.0),
        ] {
            assert_eq!(parse_quantity(text), Some(expected), "{text}");
        }
    }

    #[test]
    fn rubbish_is_none() {
        for text in ["", "abc", "12x", "1..2", "1e999", "T", "2,50", "1,5B", "12,3456", "1.5,000"] {
            assert_eq!(parse_quantity(text), None, "{text}");
        }
    }
}
