//! Timestamps as monitoring tools write them, to seconds since the Unix epoch, without a date library:
//! the engine only needs civil dates in the proleptic Gregorian calendar, which is a few lines.

use crate::vocabulary::units::SECONDS_PER_DAY;

/// 10000-01-01T00:00:00Z: four-digit years are all any monitoring export writes, and the bound keeps
/// every difference of two timestamps far from overflow.
const END_OF_YEAR_9999: f64 = 253_402_300_800.0;
/// Unix times above this are read as milliseconds (Prometheus and Grafana exports write either); as
/// seconds it would be the year 5138.
const MILLISECONDS_ABOVE: f64 = 1e11;

const EXPECTED: &str =
    "expected e.g. 2024-05-01T12:00:00Z, 2024/05/01 12:00:00.000 or Unix seconds";

/// Seconds since 1970-01-01T00:00:00 of the text's clock: RFC 3339 offsets are applied (giving UTC);
/// a time without a zone (nvidia-smi writes the host's local time) is taken as written.
pub(super) fn parse(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let bad = || format!("\"{text}\" is not a timestamp ({EXPECTED})");
    let seconds = if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let value: f64 = text.parse().map_err(|_| bad())?;
        if value > MILLISECONDS_ABOVE { value / 1000.0 } else { value }
    } else {
        civil(text.as_bytes()).ok_or_else(bad)?
    };
    if (0.0..END_OF_YEAR_9999).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(format!("\"{text}\" is not between the years 1970 and 9999"))
    }
}

/// `YYYY-MM-DD` or `YYYY/MM/DD`, then `T` or spaces, `HH:MM[:SS[.fff]]`, then optionally `Z`, `UTC`
/// or an offset `±HH:MM` / `±HHMM`.
fn civil(text: &[u8]) -> Option<f64> {
    let mut reader = Reader { text, at: 0 };
    let year = reader.digits(4, 4)?;
    let separator = reader.one_of(b"-/")?;
    let month = reader.digits(1, 2)?;
    reader.exactly(separator)?;
    let day = reader.digits(1, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if reader.one_of(b"Tt").is_none() && reader.spaces() == 0 {
        return None;
    }
    let hour = reader.digits(1, 2)?;
    reader.exactly(b':')?;
    let minute = reader.digits(2, 2)?;
    let mut second = 0.0;
    if reader.one_of(b":").is_some() {
        second = reader.digits(2, 2)? as f64;
        if reader.one_of(b".,").is_some() {
            second += reader.fraction()?;
        }
    }
    // 60 is a leap second.
    if hour > 23 || minute > 59 || second >= 61.0 {
        return None;
    }
    reader.spaces();
    let offset_minutes = reader.zone()?;
    reader.spaces();
    if reader.at != text.len() {
        return None;
    }
    let days = days_from_civil(year, month, day) as f64;
    Some(
        days * SECONDS_PER_DAY + (hour * 3600 + minute * 60) as f64 + second
            - (offset_minutes * 60) as f64,
    )
}

struct Reader<'a> {
    text: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    /// A number of `min..=max` ASCII digits.
    fn digits(&mut self, min: usize, max: usize) -> Option<i64> {
        let mut value = 0i64;
        let mut count = 0;
        while count < max {
            match self.peek() {
                Some(b) if b.is_ascii_digit() => {
                    value = value * 10 + i64::from(b - b'0');
                    self.at += 1;
                    count += 1;
                }
                _ => break,
            }
        }
        (count >= min).then_some(value)
    }

    /// Digits after a decimal point, as a fraction of one (nanoseconds and beyond are kept but
    /// meaningless at monitoring rates).
    fn fraction(&mut self) -> Option<f64> {
        let (mut value, mut scale, mut count) = (0.0, 1.0, 0);
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            scale /= 10.0;
            value += f64::from(b - b'0') * scale;
            self.at += 1;
            count += 1;
        }
        (count > 0).then_some(value)
    }

    fn one_of(&mut self, allowed: &[u8]) -> Option<u8> {
        let b = self.peek().filter(|b| allowed.contains(b))?;
        self.at += 1;
        Some(b)
    }

    fn exactly(&mut self, expected: u8) -> Option<()> {
        self.one_of(&[expected]).map(|_| ())
    }

    fn spaces(&mut self) -> usize {
        let start = self.at;
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
        self.at - start
    }

    /// Minutes east of UTC; none written is 0 (the clock as written).
    fn zone(&mut self) -> Option<i64> {
        match self.peek() {
            None => Some(0),
            Some(b'Z' | b'z') => {
                self.at += 1;
                Some(0)
            }
            Some(b'U' | b'u') => {
                let rest = self.text.get(self.at..self.at + 3)?;
                self.at += 3;
                rest.eq_ignore_ascii_case(b"UTC").then_some(0)
            }
            Some(sign @ (b'+' | b'-')) => {
                self.at += 1;
                let hours = self.digits(2, 2)?;
                self.one_of(b":");
                let minutes = self.digits(2, 2)?;
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let offset = hours * 60 + minutes;
                Some(if sign == b'-' { -offset } else { offset })
            }
            Some(_) => None,
        }
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`, exact for every Gregorian date).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The Gregorian (year, month, day) of a count of days since 1970-01-01: the inverse of
/// `days_from_civil` (Howard Hinnant's `civil_from_days`), for front ends that print dates.
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        for days in (-800_000..3_000_000).step_by(997) {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn formats_agree_on_the_same_instant() {
        // 2024-05-01T12:00:00Z is 1714564800 (date -d @1714564800 -u).
        for text in [
            "2024-05-01T12:00:00Z",
            "2024-05-01T14:00:00+02:00",
            "2024-05-01T07:00:00-0500",
            "2024/05/01 12:00:00.000",
            "2024-05-01 12:00",
            "2024-05-01t12:00:00 UTC",
            "1714564800",
            "1714564800.0",
            "1714564800000",
        ] {
            assert_eq!(parse(text), Ok(1_714_564_800.0), "{text}");
        }
        assert_eq!(parse("2024/05/01 12:00:00.250"), Ok(1_714_564_800.25));
    }

    #[test]
    fn leap_days_and_the_epoch() {
        assert_eq!(parse("1970-01-01T00:00:00Z"), Ok(0.0));
        assert_eq!(parse("2024-02-29T00:00:00Z"), Ok(1_709_164_800.0));
        assert!(parse("2023-02-29T00:00:00Z").is_err());
        assert!(parse("2100-02-29T00:00:00Z").is_err());
        assert!(parse("2000-02-29T00:00:00Z").is_ok());
    }

    #[test]
    fn nonsense_is_rejected_not_guessed() {
        for text in [
            "",
            "abc",
            "2024-13-01T00:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:00:00+25:00",
            "2024-05-01",
            "2024-05/01 12:00",
            "2024-05-01T12:00:00Zjunk",
            "1.2.3",
            "-5",
            "1969-12-31T23:59:59Z",
            "99999999999999999999999",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }
}
