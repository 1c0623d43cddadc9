//! `mlcost catalog ...`: the price book as a table, JSON or CSV.

use clap::ValueEnum;
use mlcost::PriceBook;
use mlcost::catalogue::quotes::{Quote, QuoteFilter};
use mlcost::format::MISSING;
use mlcost::vocabulary::csv::csv_cell;
use serde::Serialize;

use crate::Format;
use crate::table::columns;

#[derive(Debug, Clone, Copy, PartialEq, ValueEnum)]
pub enum List {
    Accelerators,
    Offers,
    Storage,
    Apis,
    /// Servers one can buy (`owned.server`), with their price and power.
    Servers,
}

/// Normalised prices to sort offers by, cheapest first.
#[derive(Debug, Clone, Copy, PartialEq, ValueEnum)]
pub enum SortBy {
    /// USD per instance-hour.
    Hour,
    /// USD per accelerator-hour.
    AcceleratorHour,
    /// USD per GB of accelerator memory per hour.
    MemoryGbHour,
    /// USD per dense 16-bit PFLOP/s-hour.
    PflopsHour,
    /// USD per TB/s of memory bandwidth per hour.
    BandwidthHour,
}

impl SortBy {
    fn key(self, quote: &Quote) -> f64 {
        match self {
            Self::Hour => quote.usd_per_hour.get(),
            Self::AcceleratorHour => quote.usd_per_accelerator_hour.get(),
            Self::MemoryGbHour => quote.usd_per_accelerator_memory_gb_hour,
            // Hardware without a 16-bit tensor rate sorts last.
            Self::PflopsHour => quote.usd_per_dense_bf16_pflops_hour.unwrap_or(f64::INFINITY),
            Self::BandwidthHour => quote.usd_per_memory_tbps_hour,
        }
    }
}

pub fn render(
    book: &PriceBook,
    list: List,
    filter: &QuoteFilter,
    sort: Option<SortBy>,
    format: Format,
) -> Result<String, String> {
    if let Some(id) = &filter.accelerator {
        book.accelerator(id, "--accelerator").map_err(|e| e.to_string())?;
    }
    match list {
        List::Accelerators => {
            let records: Vec<_> = book
                .accelerators
                .iter()
                .filter(|a| filter.accelerator.as_ref().is_none_or(|id| *id == a.id))
                .collect();
            let header =
                ["id", "memory GB", "TB/s", "bf16 TFLOP/s", "fp8 TFLOP/s", "watts", "as of"];
            let rows = records
                .iter()
                .map(|a| {
                    vec![
                        a.id.clone(),
                        format!("{:.0}", a.memory_bytes.get() / 1e9),
                        format!("{:.2}", a.memory_bandwidth_bytes_per_second.get() / 1e12),
                        tera(a.dense.sixteen_bit().map(|f| f.get())),
                        tera(a.dense.fp8.map(|f| f.get())),
                        a.board_power_watts.map_or(MISSING.into(), |w| format!("{:.0}", w.get())),
                        a.as_of.clone(),
                    ]
                })
                .collect();
            Ok(output(format, &records, &header, rows))
        }
        List::Offers => {
            let mut quotes = book.quotes(filter);
            if let Some(sort) = sort {
                quotes.sort_by(|a, b| sort.key(a).total_cmp(&sort.key(b)));
            }
            let header = [
                "offer",
                "accelerators",
                "region",
                "plan",
                "$/h",
                "$/acc-h",
                "$/GB-h",
                "$/PFLOP-h",
                "$/TBps-h",
                "as of",
            ];
            let rows = quotes
                .iter()
                .map(|q| {
                    vec![
                        format!("{}{}", q.offer, if q.estimate { " (est.)" } else { "" }),
                        format!("{}x {}", q.accelerator_count, q.accelerator),
                        q.region.clone(),
                        q.plan.as_str().to_owned(),
                        format!("{:.2}", q.usd_per_hour.get()),
                        format!("{:.3}", q.usd_per_accelerator_hour.get()),
                        format!("{:.4}", q.usd_per_accelerator_memory_gb_hour),
                        q.usd_per_dense_bf16_pflops_hour
                            .map_or(MISSING.into(), |p| format!("{p:.3}")),
                        format!("{:.3}", q.usd_per_memory_tbps_hour),
                        q.as_of.clone(),
                    ]
                })
                .collect();
            Ok(output(format, &quotes, &header, rows))
        }
        List::Storage => {
            let records: Vec<_> = book
                .storage
                .iter()
                .filter(|s| filter.provider.as_ref().is_none_or(|p| *p == s.provider))
                .collect();
            let header = [
                "provider",
                "region",
                "object $/GB-mo",
                "infrequent",
                "archive",
                "block $/GB-mo",
                "egress $/GB",
                "inter-region $/GB",
                "as of",
            ];
            let rows = records
                .iter()
                .map(|s| {
                    let object = s.object_storage.as_ref();
                    vec![
                        s.provider.clone(),
                        s.region.clone(),
                        money(object.and_then(|o| o.standard)),
                        money(object.and_then(|o| o.infrequent)),
                        money(object.and_then(|o| o.archive)),
                        money(s.block_storage),
                        money(
                            s.egress_internet
                                .iter()
                                .map(|t| t.usd_per_gb)
                                .find(|p| *p > 0.0)
                                .or(s.egress_internet.first().map(|t| t.usd_per_gb)),
                        ),
                        money(s.inter_region_usd_per_gb),
                        s.as_of.clone(),
                    ]
                })
                .collect();
            Ok(output(format, &records, &header, rows))
        }
        List::Servers => servers(filter, format),
        List::Apis => {
            let records: Vec<_> = book
                .apis
                .iter()
                .filter(|m| filter.provider.as_ref().is_none_or(|p| *p == m.provider))
                .collect();
            let header = ["id", "input $/1M", "output $/1M", "cached input $/1M", "as of"];
            let rows = records
                .iter()
                .map(|m| {
                    vec![
                        m.id.clone(),
                        format!("{:.3}", m.input_per_million),
                        format!("{:.3}", m.output_per_million),
                        money(m.cached_input_per_million),
                        m.as_of.clone(),
                    ]
                })
                .collect();
            Ok(output(format, &records, &header, rows))
        }
    }
}

/// The bundled servers, for `owned.server`.
fn servers(filter: &QuoteFilter, format: Format) -> Result<String, String> {
    let records: Vec<_> = mlcost::catalogue::owned::servers()
        .map_err(|e| e.to_string())?
        .iter()
        .filter(|s| filter.accelerator.as_ref().is_none_or(|a| *a == s.accelerator))
        .collect();
    let header = ["id", "accelerator", "count", "price USD", "max power W", "as of"];
    let rows = records
        .iter()
        .map(|s| {
            vec![
                s.id.clone(),
                s.accelerator.clone(),
                s.accelerator_count.to_string(),
                format!("{:.0}{}", s.price_usd.get(), if s.estimate { " (estimate)" } else { "" }),
                format!("{:.0}", s.max_power_watts.get()),
                s.as_of.clone(),
            ]
        })
        .collect();
    Ok(output(format, &records, &header, rows))
}

fn output<T: Serialize>(
    format: Format,
    records: &[T],
    header: &[&str],
    rows: Vec<Vec<String>>,
) -> String {
    match format {
        Format::Json => serde_json::to_string_pretty(records).unwrap_or_default(),
        Format::Table => columns(header, &rows),
        Format::Markdown => {
            let cell = |text: &str| text.replace('|', "\\|");
            let line = |cells: Vec<String>| format!("| {} |", cells.join(" | "));
            let mut out = line(header.iter().map(|h| cell(h)).collect());
            out.push('\n');
            out.push_str(&line(header.iter().map(|_| "---".to_owned()).collect()));
            for row in &rows {
                out.push('\n');
                out.push_str(&line(row.iter().map(|c| cell(c)).collect()));
            }
            out
        }
        Format::Csv => {
            let mut out = header.join(",");
            for row in rows {
                out.push('\n');
                let cells: Vec<String> = row.iter().map(|cell| csv_cell(cell)).collect();
                out.push_str(&cells.join(","));
            }
            out
        }
    }
}

fn tera(value: Option<f64>) -> String {
    value.map_or(MISSING.into(), |v| format!("{:.1}", v / 1e12))
}

fn money(value: Option<f64>) -> String {
    value.map_or(MISSING.into(), |v| format!("{v:.4}"))
}
