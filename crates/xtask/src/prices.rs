//! `cargo xtask prices [--max-age-days N]`: how fresh the bundled price book is. Lists every record
//! whose `as_of` is older than N days (default 180) and every offer naming an unknown accelerator;
//! fails if there are any of the latter.

use std::time::{SystemTime, UNIX_EPOCH};

use mlcost::PriceBook;

const DEFAULT_MAX_AGE_DAYS: i64 = 180;

pub fn report(args: &[String]) -> Result<(), String> {
    let max_age = match args {
        [] => DEFAULT_MAX_AGE_DAYS,
        [flag, days] if flag == "--max-age-days" => {
            days.parse().map_err(|_| format!("--max-age-days: \"{days}\" is not a whole number"))?
        }
        _ => return Err(format!("prices: expected [--max-age-days N], got {args:?}")),
    };
    let book = PriceBook::bundled().map_err(|e| e.to_string())?;
    let servers = mlcost::catalogue::owned::servers().map_err(|e| e.to_string())?;
    let today =
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400) as i64;

    let records = book
        .accelerators
        .iter()
        .map(|a| (format!("accelerator {}", a.id), &a.as_of))
        .chain(book.offers.iter().map(|o| (format!("offer {}", o.id()), &o.as_of)))
        .chain(
            book.storage.iter().map(|s| (format!("storage {} {}", s.provider, s.region), &s.as_of)),
        )
        .chain(book.apis.iter().map(|m| (format!("api {}", m.id), &m.as_of)))
        .chain(servers.iter().map(|s| (format!("server {}", s.id), &s.as_of)));
    let mut stale = 0;
    let mut undated = 0;
    for (name, as_of) in records {
        match days_since_epoch(as_of) {
            Some(day) if today - day > max_age => {
                stale += 1;
                println!("stale    {name}: as of {as_of} ({} days old)", today - day);
            }
            Some(_) => {}
            None => {
                undated += 1;
                println!("undated  {name}: as_of {as_of:?} is not YYYY-MM-DD");
            }
        }
    }
    let unknown: Vec<String> = book
        .offers
        .iter()
        .filter(|o| book.accelerators.iter().all(|a| a.id != o.accelerator))
        .map(|o| format!("{} names unknown accelerator {}", o.id(), o.accelerator))
        .collect();
    for line in &unknown {
        println!("unknown  {line}");
    }
    println!(
        "{} accelerators, {} offers, {} storage records, {} API models, {} servers; oldest \
         as_of {}; {stale} older than {max_age} days",
        book.accelerators.len(),
        book.offers.len(),
        book.storage.len(),
        book.apis.len(),
        servers.len(),
        book.oldest_as_of()
    );
    if unknown.is_empty() && undated == 0 {
        Ok(())
    } else {
        Err(format!(
            "{} offers with unknown accelerators, {undated} undated records",
            unknown.len()
        ))
    }
}

/// `YYYY-MM-DD` to days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
fn days_since_epoch(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::days_since_epoch;

    #[test]
    fn dates_to_days() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("2026-11-29"), Some(20_786));
        assert_eq!(days_since_epoch("2026-13-01"), None);
        assert_eq!(days_since_epoch("soon"), None);
    }
}
