//! A user's own price sheet: JSON in the bundled `offers.json` schema, or CSV with the columns
//! `InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,Price,SpotPrice` (the shape
//! of SkyPilot's catalogues, so those files import as they are; extra columns are ignored).
//!
//! Errors point at the line and column to fix; nothing is half-imported.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use crate::catalogue::pricing::{Offer, PriceBook, RegionPrices};
use crate::vocabulary::check::MAX_ACCELERATORS;
use crate::vocabulary::csv::csv_cell;
use crate::vocabulary::error::{Error, Problem, clip, strip_position};
use crate::vocabulary::plain::plain_words;
use crate::vocabulary::terms::Plan;
use crate::vocabulary::units::UsdPerHour;

/// Offers parsed from a user's sheet, ready to lay over a [`PriceBook`]. As JSON, how the app's
/// second module hands a sheet it read to the first render.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct PriceSheet {
    /// The sheet's offers, in its order.
    pub offers: Vec<Offer>,
}

const FIELD: &str = "prices";
const COLUMNS: [&str; 8] = [
    "InstanceType",
    "AcceleratorName",
    "AcceleratorCount",
    "vCPUs",
    "MemoryGiB",
    "Region",
    "Price",
    "SpotPrice",
];

impl PriceSheet {
    /// Parses a JSON sheet (`{"offers": [...]}`), checking every offer against `book`.
    pub fn from_json(text: &str, book: &PriceBook) -> Result<PriceSheet, Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            offers: Vec<Offer>,
        }
        let file: File = serde_json::from_str(text).map_err(|err| {
            let (line, column) = (err.line(), err.column());
            let why = plain_words(&strip_position(&err.to_string()));
            let path = if err.is_syntax() || err.is_eof() {
                String::new()
            } else {
                crate::vocabulary::json::path_at(text, line, column)
            };
            sheet_error(line, column, if path.is_empty() { why } else { format!("{path}: {why}") })
        })?;
        // The same checks as a CSV sheet's: each offer whole, then against the others and the
        // bundled offers (looked up by id, so a sheet of any size reads in linear time).
        let known = OfferIndex::of(&book.offers);
        let mut seen: HashMap<(&str, &str), usize> = HashMap::with_capacity(file.offers.len());
        for (i, offer) in file.offers.iter().enumerate() {
            let at =
                |why: String| Error::new(format!("{FIELD}.offers[{i}]"), Problem::Malformed(why));
            check_offer(offer, book).map_err(at)?;
            if let Some(first) = seen.insert((&offer.provider, &offer.instance_type), i) {
                return Err(at(format!(
                    "{} is also offers[{first}]: give each offer once",
                    offer.id()
                )));
            }
            if let Some(bundled) = known.get(&offer.provider, &offer.instance_type) {
                agrees(bundled, &offer.accelerator, offer.accelerator_count).map_err(at)?;
            }
        }
        Ok(PriceSheet { offers: file.offers })
    }

    /// Parses a CSV sheet. `source` and `as_of` describe the sheet (the engine has no clock). An
    /// `InstanceType` written as `provider:instance` names its provider; one that matches exactly one
    /// bundled offer overrides it; any other becomes a `custom:` offer. Rows without an accelerator
    /// (SkyPilot lists CPU-only machines) are skipped.
    pub fn from_csv(
        text: &str,
        book: &PriceBook,
        source: &str,
        as_of: &str,
    ) -> Result<PriceSheet, Error> {
        let mut rows =
            parse_csv(text).map_err(|(line, column, why)| sheet_error(line, column, why))?;
        if rows.is_empty() {
            return Err(sheet_error(
                1,
                1,
                "the sheet is empty; the first line must name the columns".into(),
            ));
        }
        let header = rows.remove(0);
        let mut index = [0usize; COLUMNS.len()];
        for (slot, name) in index.iter_mut().zip(COLUMNS) {
            *slot =
                header.cells.iter().position(|cell| cell.text.trim() == name).ok_or_else(|| {
                    sheet_error(
                        header.line,
                        1,
                        format!("missing column {name} (needs {})", COLUMNS.join(",")),
                    )
                })?;
        }
        let mut offers: Vec<Offer> = Vec::new();
        // Offers by id, the sheet's and the bundled ones, and the regions each sheet offer prices:
        // looked up, not searched, so a sheet of 100,000 offers reads in linear time.
        let bundled = OfferIndex::of(&book.offers);
        let mut in_sheet: HashMap<(String, String), usize> = HashMap::new();
        let mut priced: HashSet<(usize, String)> = HashSet::new();
        for row in rows {
            if row.cells.iter().all(|cell| cell.text.trim().is_empty()) {
                continue;
            }
            // A row too short for a column: point just past its last cell.
            let past_end =
                row.cells.last().map_or((row.line, 1), |c| (c.end_line, c.end_column + 1));
            let cell = |i: usize| -> (usize, usize, &str) {
                row.cells
                    .get(index[i])
                    .map_or((past_end.0, past_end.1, ""), |c| (c.line, c.column, c.text.trim()))
            };
            let at = |i: usize, why: String| {
                let (line, column, _) = cell(i);
                sheet_error(line, column, format!("{}: {why}", COLUMNS[i]))
            };

            let instance = cell(0).2;
            if instance.is_empty() {
                return Err(at(0, "is empty".into()));
            }
            let accelerator_name = cell(1).2;
            if accelerator_name.is_empty() {
                continue;
            }
            let count = parse_count(cell(2).2).map_err(|why| at(2, why))?;
            if count == 0 {
                continue;
            }
            if f64::from(count) > MAX_ACCELERATORS.max {
                return Err(at(
                    2,
                    format!("must be at most {} ({})", MAX_ACCELERATORS.max, MAX_ACCELERATORS.why),
                ));
            }
            let accelerator =
                resolve_accelerator(accelerator_name, book).map_err(|why| at(1, why))?;
            // SkyPilot writes whole vCPU counts as "8.0".
            let vcpus = optional(cell(3).2, |t| parse_count(t).ok()).map_err(|why| at(3, why))?;
            let memory_gib = optional(cell(4).2, positive).map_err(|why| at(4, why))?;
            let region = cell(5).2;
            if region.is_empty() {
                return Err(at(5, "is empty".into()));
            }
            let on_demand = optional(cell(6).2, positive).map_err(|why| at(6, why))?;
            let spot = optional(cell(7).2, positive).map_err(|why| at(7, why))?;
            if on_demand.is_none() && spot.is_none() {
                return Err(at(6, "a row needs Price or SpotPrice".into()));
            }
            let (provider, instance_type) = resolve_provider(instance, book);
            // What the row says of the machine must agree with what is known of it already.
            let key = (provider, instance_type);
            let known =
                in_sheet.get(&key).map(|&i| &offers[i]).or_else(|| bundled.get(&key.0, &key.1));
            if let Some(known) = known {
                if known.accelerator != accelerator {
                    return Err(at(
                        1,
                        format!("{} has {}, not {accelerator}", known.id(), known.accelerator),
                    ));
                }
                if known.accelerator_count != count {
                    return Err(at(
                        2,
                        format!(
                            "{} has {} accelerators, not {count}",
                            known.id(),
                            known.accelerator_count
                        ),
                    ));
                }
            }
            for (column, price) in [(6, on_demand), (7, spot)] {
                if let Some(price) = price
                    && price > MAX_INSTANCE_PRICE
                {
                    return Err(at(column, too_dear(price)));
                }
            }
            let prices = RegionPrices {
                region: region.to_owned(),
                on_demand: on_demand.map(UsdPerHour::new),
                spot: spot.map(UsdPerHour::new),
                reserved_1y: None,
                reserved_3y: None,
                as_of: None,
            };
            match in_sheet.get(&key) {
                Some(&i) => {
                    if !priced.insert((i, prices.region.clone())) {
                        return Err(at(
                            5,
                            format!("{} in {region} is priced twice", offers[i].id()),
                        ));
                    }
                    offers[i].regions.push(prices);
                }
                None => {
                    let (provider, instance_type) = key;
                    priced.insert((offers.len(), prices.region.clone()));
                    in_sheet.insert((provider.clone(), instance_type.clone()), offers.len());
                    offers.push(Offer {
                        provider,
                        instance_type,
                        accelerator,
                        accelerator_count: count,
                        vcpus,
                        memory_gib,
                        regions: vec![prices],
                        source: source.to_owned(),
                        as_of: as_of.to_owned(),
                        estimate: false,
                        note: None,
                        network: None,
                    });
                }
            }
        }
        Ok(PriceSheet { offers })
    }
}

impl PriceBook {
    /// This book with a user's sheet laid over it: an offer with the same id has its regions' prices
    /// replaced plan by plan (prices the sheet leaves out stay); new offers are added.
    pub fn with_sheet(&self, sheet: &PriceSheet) -> PriceBook {
        let mut book = self.clone();
        let mut index: HashMap<(String, String), usize> = book
            .offers
            .iter()
            .enumerate()
            .map(|(i, o)| ((o.provider.clone(), o.instance_type.clone()), i))
            .collect();
        for custom in &sheet.offers {
            let key = (custom.provider.clone(), custom.instance_type.clone());
            match index.get(&key) {
                Some(&i) => merge_offer(&mut book.offers[i], custom),
                None => {
                    index.insert(key, book.offers.len());
                    book.offers.push(custom.clone());
                }
            }
        }
        book
    }
}

/// The ceiling on an instance's network (`vocabulary::check::MAX_NETWORK_GBPS`).
const MAX_NETWORK_GBPS: f64 = crate::vocabulary::check::MAX_NETWORK_GBPS.max;

fn merge_offer(existing: &mut Offer, custom: &Offer) {
    for custom_region in &custom.regions {
        let index = match existing.regions.iter().position(|r| r.region == custom_region.region) {
            Some(index) => index,
            None => {
                existing.regions.push(RegionPrices::empty(&custom_region.region));
                existing.regions.len() - 1
            }
        };
        let region = &mut existing.regions[index];
        for plan in Plan::RENTED {
            if let (Some(price), Some(slot)) = (custom_region.price(plan), region.price_mut(plan)) {
                *slot = Some(price);
            }
        }
        // The region's prices now date from the sheet; the offer's other regions keep their date.
        region.as_of = Some(custom_region.as_of.clone().unwrap_or_else(|| custom.as_of.clone()));
    }
    existing.source = format!("{} (some prices from: {})", existing.source, custom.source);
    // A sheet that knows the link (a private cluster's fabric) describes it better.
    if custom.network.is_some() {
        existing.network.clone_from(&custom.network);
    }
}

/// The CSV form of `offers` (on-demand and spot prices, one row per region); reads back with
/// [`PriceSheet::from_csv`].
pub fn offers_to_csv(offers: &[Offer]) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for offer in offers {
        for region in &offer.regions {
            if region.on_demand.is_none() && region.spot.is_none() {
                continue;
            }
            let cells = [
                offer.id(),
                offer.accelerator.clone(),
                offer.accelerator_count.to_string(),
                offer.vcpus.map(|v| v.to_string()).unwrap_or_default(),
                offer.memory_gib.map(|m| m.to_string()).unwrap_or_default(),
                region.region.clone(),
                region.on_demand.map(|p| p.get().to_string()).unwrap_or_default(),
                region.spot.map(|p| p.get().to_string()).unwrap_or_default(),
            ];
            let quoted: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            out.push_str(&quoted.join(","));
            out.push('\n');
        }
    }
    out
}

fn sheet_error(line: usize, column: usize, why: String) -> Error {
    Error::new(FIELD, Problem::BadSheet { line, column, why })
}

/// One offer of a JSON sheet, whole: what a CSV sheet's reader checks cell by cell.
fn check_offer(offer: &Offer, book: &PriceBook) -> Result<(), String> {
    if book.accelerators.iter().all(|a| a.id != offer.accelerator) {
        return Err(format!("unknown accelerator \"{}\"", clip(&offer.accelerator)));
    }
    if offer.accelerator_count == 0 {
        return Err("accelerator_count must be > 0".into());
    }
    if f64::from(offer.accelerator_count) > MAX_ACCELERATORS.max {
        return Err(format!(
            "accelerator_count must be at most {} ({})",
            MAX_ACCELERATORS.max, MAX_ACCELERATORS.why
        ));
    }
    if offer.vcpus == Some(0) {
        return Err("vcpus must be > 0 (leave it out when not known)".into());
    }
    if let Some(memory) = offer.memory_gib
        && !(memory.is_finite() && memory > 0.0)
    {
        return Err("memory_gib must be > 0 (leave it out when not known)".into());
    }
    if let Some(network) = &offer.network
        && !(network.gbps.is_finite() && network.gbps > 0.0 && network.gbps <= MAX_NETWORK_GBPS)
    {
        return Err(format!(
            "network.gbps must be > 0 and at most {MAX_NETWORK_GBPS} (an instance's link to the others, in gigabits per second)"
        ));
    }
    let mut regions = HashSet::with_capacity(offer.regions.len());
    for region in &offer.regions {
        if !regions.insert(region.region.as_str()) {
            return Err(format!("{} is priced twice: give each region once", clip(&region.region)));
        }
        for plan in Plan::RENTED {
            let Some(price) = region.price(plan).map(|p| p.get()) else { continue };
            if !(price.is_finite() && price > 0.0) {
                return Err(format!(
                    "{} {} price must be > 0 (leave out a price that is not sold)",
                    clip(&region.region),
                    plan.as_str()
                ));
            }
            if price > MAX_INSTANCE_PRICE {
                return Err(format!(
                    "{} {} price {}",
                    clip(&region.region),
                    plan.as_str(),
                    too_dear(price)
                ));
            }
        }
    }
    Ok(())
}

/// An instance-hour's price no offer comes near: the dearest 8-GPU instances in the bundled book
/// cost about a hundred dollars an hour.
const MAX_INSTANCE_PRICE: f64 = 100_000.0;

fn too_dear(price: f64) -> String {
    format!(
        "{price} must be at most {MAX_INSTANCE_PRICE} USD an instance-hour (a thousand times the dearest instances); check the decimal point"
    )
}

/// A sheet's offer must agree with the bundled offer of the same id on what the machine is.
fn agrees(bundled: &Offer, accelerator: &str, count: u32) -> Result<(), String> {
    if bundled.accelerator != accelerator {
        return Err(format!(
            "{} has {}, not {}",
            bundled.id(),
            bundled.accelerator,
            clip(accelerator)
        ));
    }
    if bundled.accelerator_count != count {
        return Err(format!(
            "{} has {} accelerators, not {count}",
            bundled.id(),
            bundled.accelerator_count
        ));
    }
    Ok(())
}

/// Offers by provider and instance type, for lookups in constant time. The hash maps here are
/// only looked up, never iterated, so their seeds cannot reach a result. Why not B-trees? They
/// cost 5 KB more of the first render (measured).
struct OfferIndex<'a>(HashMap<(&'a str, &'a str), &'a Offer>);

impl<'a> OfferIndex<'a> {
    fn of(offers: &'a [Offer]) -> Self {
        Self(offers.iter().map(|o| ((o.provider.as_str(), o.instance_type.as_str()), o)).collect())
    }

    fn get(&self, provider: &str, instance_type: &str) -> Option<&'a Offer> {
        self.0.get(&(provider, instance_type)).copied()
    }
}

/// Accelerator ids, or the names SkyPilot catalogues use.
fn resolve_accelerator(name: &str, book: &PriceBook) -> Result<String, String> {
    let lower = name.trim().to_ascii_lowercase();
    if book.accelerators.iter().any(|a| a.id == lower) {
        return Ok(lower);
    }
    let alias = match lower.as_str() {
        "a100" => "a100-sxm-40gb",
        "a100-80gb" => "a100-sxm-80gb",
        "h100" | "h100-sxm5" => "h100-sxm",
        "h100-mega" => "h100-sxm",
        "h200" => "h200-sxm",
        "v100" => "v100-16gb",
        "rtx4090" => "rtx-4090",
        "tpuv5e" => "tpu-v5e",
        "tpuv5p" => "tpu-v5p",
        "trainium" => "trainium1",
        _ => "",
    };
    if !alias.is_empty() && book.accelerators.iter().any(|a| a.id == alias) {
        Ok(alias.to_owned())
    } else {
        Err(format!("unknown accelerator \"{name}\" (use an id such as h100-sxm)"))
    }
}

fn resolve_provider(instance: &str, book: &PriceBook) -> (String, String) {
    if let Some((provider, instance_type)) = instance.split_once(':') {
        return (provider.to_ascii_lowercase(), instance_type.to_owned());
    }
    let mut matches = book.offers.iter().filter(|o| o.instance_type.eq_ignore_ascii_case(instance));
    match (matches.next(), matches.next()) {
        (Some(only), None) => (only.provider.clone(), only.instance_type.clone()),
        _ => ("custom".to_owned(), instance.to_owned()),
    }
}

/// A whole number, written as "8" or "8.0".
fn parse_count(text: &str) -> Result<u32, String> {
    let value: f64 = text.parse().map_err(|_| format!("\"{text}\" is not a whole number"))?;
    if value.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&value) {
        Ok(value as u32)
    } else {
        Err(format!("\"{text}\" is not a whole number"))
    }
}

fn positive(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite() && *v > 0.0)
}

/// Empty is `None`; anything else must parse.
fn optional<T>(text: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Option<T>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    parse(text).map(Some).ok_or_else(|| format!("\"{text}\" is not a positive number"))
}

#[derive(Debug)]
struct Row {
    line: usize,
    cells: Vec<Cell>,
}

/// A cell's text and where it starts and ends (1-based; a quoted cell may span lines).
#[derive(Debug)]
struct Cell {
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    text: String,
}

/// Ends `cell` just before the separator at `at`, and starts the next cell at `next`.
fn close(cell: &mut Cell, at: (usize, usize), next: (usize, usize)) -> Cell {
    cell.end_line = at.0;
    cell.end_column = at.1 - 1;
    let fresh = Cell {
        line: next.0,
        column: next.1,
        end_line: next.0,
        end_column: next.1 - 1,
        text: String::new(),
    };
    std::mem::replace(cell, fresh)
}

/// RFC 4180 CSV: commas, double-quoted cells with `""` escapes, CRLF or LF line ends.
fn parse_csv(text: &str) -> Result<Vec<Row>, (usize, usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Row { line: 1, cells: Vec::new() };
    let mut chars = text.chars().peekable();
    let (mut line, mut column) = (1usize, 0usize);
    let mut cell = Cell { line: 1, column: 1, end_line: 1, end_column: 0, text: String::new() };
    // Where the reader is within a cell: before any text, inside quotes, after the closing quote,
    // or in unquoted text.
    #[derive(PartialEq)]
    enum State {
        Start,
        Quoted,
        AfterQuote,
        Bare,
    }
    let mut state = State::Start;
    while let Some(c) = chars.next() {
        column += 1;
        match (&state, c) {
            (State::Quoted, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                column += 1;
                cell.text.push('"');
            }
            (State::Quoted, '"') => state = State::AfterQuote,
            (State::Quoted, '\n') => {
                cell.text.push('\n');
                line += 1;
                column = 0;
            }
            (State::Quoted, c) => cell.text.push(c),
            (_, ',') => {
                row.cells.push(close(&mut cell, (line, column), (line, column + 1)));
                state = State::Start;
            }
            (_, '\r') if chars.peek() == Some(&'\n') => column -= 1,
            (_, '\n') => {
                row.cells.push(close(&mut cell, (line, column), (line + 1, 1)));
                rows.push(std::mem::replace(&mut row, Row { line: line + 1, cells: Vec::new() }));
                line += 1;
                column = 0;
                state = State::Start;
            }
            (State::Start, '"') => state = State::Quoted,
            (State::AfterQuote, _) => {
                return Err((
                    line,
                    column,
                    "text after a closing quote; quote the whole cell".into(),
                ));
            }
            (State::Bare, '"') => {
                return Err((
                    line,
                    column,
                    "a quote inside an unquoted cell; quote the whole cell".into(),
                ));
            }
            (_, c) => {
                cell.text.push(c);
                state = State::Bare;
            }
        }
    }
    if state == State::Quoted {
        return Err((cell.line, cell.column, "a quoted cell is never closed".into()));
    }
    if !cell.text.is_empty() || !row.cells.is_empty() {
        cell.end_line = line;
        cell.end_column = column;
        row.cells.push(cell);
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_json_sheet_is_checked_as_a_csv_one_is() {
        let book = PriceBook::bundled().unwrap();
        let sheet = |offer: &str| {
            PriceSheet::from_json(&format!(r#"{{"offers": [{offer}]}}"#), book).map(|_| ())
        };
        let offer = |fields: &str| {
            format!(
                r#"{{"provider": "acme", "instance_type": "box", "accelerator": "h100-sxm",
                    "accelerator_count": 8, "source": "a quote", "as_of": "2026-12-01", {fields}}}"#
            )
        };
        let region = r#"{"region": "here", "on_demand": 20}"#;
        assert!(sheet(&offer(&format!(r#""regions": [{region}]"#))).is_ok());
        for (bad, says) in [
            (offer(&format!(r#""memory_gib": -1, "regions": [{region}]"#)), "memory_gib"),
            (offer(&format!(r#""regions": [{region}, {region}]"#)), "priced twice"),
            (offer(r#""regions": [{"region": "here", "on_demand": 1e9}]"#), "at most"),
            (format!("{0}, {0}", offer(&format!(r#""regions": [{region}]"#))), "also offers[0]"),
            (
                offer(&format!(r#""regions": [{region}]"#))
                    .replace("\"acme\"", "\"aws\"")
                    .replace("\"box\"", "\"p5.48xlarge\"")
                    .replace("\"accelerator_count\": 8", "\"accelerator_count\": 4"),
                "has 8 accelerators, not 4",
            ),
        ] {
            let error = sheet(&bad).unwrap_err().to_string();
            assert!(error.contains(says), "{says}: {error}");
        }
    }

    #[test]
    fn a_sheet_of_twenty_thousand_offers_reads_whole() {
        let book = PriceBook::bundled().unwrap();
        let mut csv = COLUMNS.join(",");
        for i in 0..20_000 {
            csv.push_str(&format!(
                "\nacme:box-{i},H100,8,96,1024,region-{},{}.5,",
                i % 7,
                10 + i % 50
            ));
        }
        let sheet = PriceSheet::from_csv(&csv, book, "a test", "2026-12-01").unwrap();
        assert_eq!(sheet.offers.len(), 20_000);
        assert_eq!(book.with_sheet(&sheet).offers.len(), book.offers.len() + 20_000);
    }

    #[test]
    fn csv_cells_quotes_and_line_ends() {
        let rows = parse_csv("a,\"b,c\",\"d\"\"e\"\r\n1,,3\n").unwrap();
        let cells: Vec<Vec<&str>> =
            rows.iter().map(|r| r.cells.iter().map(|c| c.text.as_str()).collect()).collect();
        assert_eq!(cells, [vec!["a", "b,c", "d\"e"], vec!["1", "", "3"]]);
        assert_eq!(rows[1].line, 2);
        assert_eq!(
            (rows[1].cells[2].line, rows[1].cells[2].column),
            (2, 4),
            "third cell on line 2"
        );
    }

    #[test]
    fn a_cell_spanning_lines_moves_the_next_cells_position() {
        let rows = parse_csv("\"a\nb\",c\n").unwrap();
        let c = &rows[0].cells[1];
        assert_eq!((c.line, c.column, c.text.as_str()), (2, 4, "c"));
    }

    #[test]
    fn text_after_a_closing_quote_is_an_error() {
        assert_eq!(
            parse_csv("\"12\"5\n").unwrap_err(),
            (1, 5, "text after a closing quote; quote the whole cell".into())
        );
        assert_eq!(parse_csv("1\"2\n").unwrap_err().0, 1);
    }

    #[test]
    fn unclosed_quote_is_reported_where_it_opens() {
        let err = parse_csv("a,\"b\n").unwrap_err();
        assert_eq!(err, (1, 3, "a quoted cell is never closed".to_owned()));
    }
}
