//! `mlcost`: estimates from scenario files, and the price catalogue. Exit status: 0 success, 2 invalid
//! input (the error, naming the field, on stderr), 3 a `diff` over its `--fail-above` budget (the
//! diff on stdout, why on stderr), 1 anything else (such as an unreadable file).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use mlcost::catalogue::quotes::QuoteFilter;
use mlcost::catalogue::sheet::PriceSheet;
use mlcost::{Plan, PriceBook, Scenario};

mod catalog;
mod diff;
mod markdown;
mod table;

#[derive(Debug, Parser)]
#[command(name = "mlcost", version, about = "What it costs to train and serve an ML model")]
struct Cli {
    /// Your own price sheet (JSON in the bundled offers schema, or CSV with the columns
    /// InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,Price,SpotPrice),
    /// laid over the bundled prices.
    #[arg(long, global = true, value_name = "FILE")]
    prices: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Estimate the cost of a scenario (JSON, or TOML for a .toml file); `-` reads standard input
    /// (JSON); a web app link (`...#s=2.…`) is read as the scenario it holds.
    Estimate {
        file: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Every figure that changed from one scenario to another (files, links or `-`), by section,
    /// headline figures first: for a pull request's review (`--format markdown`) or a CI budget.
    Diff {
        before: String,
        after: String,
        #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
        format: DiffFormat,
        /// Exit with status 3 when a section's cost (training's total, serving's month) rises by
        /// more than this: an amount in USD (`5000`, `$5,000`) or a share (`10%`).
        #[arg(long)]
        fail_above: Option<String>,
    },
    /// Search what to change in a scenario and how much each change saves: the Pareto front,
    /// recommendations (best first, each with the whole scenario it recommends), the savings
    /// waterfall and what-ifs (quantization, pruning, distillation, LoRA, batching, caching).
    Optimize {
        file: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Combine only these recommendation ids in the waterfall (comma-separated).
        #[arg(long, value_delimiter = ',')]
        accept: Option<Vec<String>>,
        /// The student model preset for the distillation what-if.
        #[arg(long)]
        student: Option<String>,
        /// Tokens the distillation what-if generates and trains on.
        #[arg(long)]
        distillation_tokens: Option<f64>,
    },
    /// Own or rent: what the scenario's `owned` servers cost per used accelerator-hour, term by
    /// term, against the cheapest rented offer of the same accelerator under each plan, with the
    /// utilisation and the months at which owning wins; `-` reads standard input.
    Own {
        file: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Print the web app link that opens a scenario file.
    Link {
        file: String,
        /// Where the app is served.
        #[arg(long, default_value = "http://127.0.0.1:8080/")]
        base: String,
    },
    /// Find underused accelerators in monitoring data: nvidia-smi
    /// (--query-gpu=timestamp,index,name,utilization.gpu,memory.used,memory.total --format=csv)
    /// or DCGM (timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED) CSV; `-` reads standard input.
    Utilization {
        file: String,
        /// What one accelerator costs per hour, USD.
        #[arg(long, required_unless_present = "owned", conflicts_with = "owned")]
        price: Option<f64>,
        /// The accelerators are owned: a scenario file whose `owned` section prices them, at the
        /// utilisation the monitoring data measured (see `mlcost own`).
        #[arg(long)]
        owned: Option<PathBuf>,
        /// What a smaller accelerator would cost per hour, USD (prices the "smaller card" move).
        #[arg(long)]
        alternative_price: Option<f64>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Schedule a queue of jobs on a fixed cluster (JSON: cluster, prices, jobs) and find the
    /// cluster size that costs least; `-` reads standard input.
    Schedule {
        file: String,
        /// The cluster is owned: a scenario file whose `owned` section prices it, at the
        /// utilisation the schedule keeps it busy (the file's cluster price is then not needed).
        #[arg(long)]
        owned: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Check the engine against every published measurement it is validated on: each case's
    /// published figure, estimate, error and whether the range holds it, then the median and worst
    /// error and the range's coverage per regime and accelerator generation.
    Validate {
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Print the JSON Schema of scenario files.
    Schema,
    /// List the catalogue: accelerators, instance offers (with normalised prices), storage and
    /// transfer prices, or hosted-API token prices.
    Catalog {
        #[arg(value_enum)]
        list: catalog::List,
        /// Only this accelerator id (offers, accelerators).
        #[arg(long)]
        accelerator: Option<String>,
        /// Only this provider (offers, storage, apis).
        #[arg(long)]
        provider: Option<String>,
        /// Only this region (offers).
        #[arg(long)]
        region: Option<String>,
        /// Only this plan (offers).
        #[arg(long, value_parser = parse_plan)]
        plan: Option<Plan>,
        /// Sort offers by a normalised price, cheapest first.
        #[arg(long, value_enum)]
        sort: Option<catalog::SortBy>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, ValueEnum)]
enum Format {
    Json,
    Table,
    Csv,
    /// A pull request's comment or a wiki page (`estimate` and `optimize`).
    Markdown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DiffFormat {
    Table,
    Json,
    /// A pull-request comment.
    Markdown,
}

/// Why a command failed: the user's input (exit 2) or the environment (exit 1).
#[derive(Debug)]
enum Failure {
    Input(String),
    Environment(String),
    /// The output, then why it is over the budget.
    OverBudget(String, String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = book(cli.prices.as_deref()).and_then(|book| match cli.command {
        Command::Estimate { file, format } => estimate(&book, &file, format),
        Command::Diff { before, after, format, fail_above } => {
            diff::run(&book, &before, &after, format, fail_above.as_deref())
        }
        Command::Optimize { file, format, accept, student, distillation_tokens } => {
            let settings =
                mlcost::optimize::Settings { accepted: accept, student, distillation_tokens };
            optimize(&book, &file, &settings, format)
        }
        Command::Link { file, base } => {
            let scenario = read_scenario(&file)?;
            Ok(format!(
                "{}#s={}",
                base.trim_end_matches('#'),
                mlcost::scenario::share::encode(&scenario)
            ))
        }
        Command::Utilization { file, price, owned, alternative_price, format } => {
            let pricing = match (price, owned) {
                (_, Some(path)) => owned_section(&path).map(Pricing::Owned),
                (Some(price), None) => Ok(Pricing::Typed(price)),
                (None, None) => Err(Failure::Input("give --price or --owned".into())),
            };
            pricing.and_then(|p| utilization(&book, &file, p, alternative_price, format))
        }
        Command::Schedule { file, owned, format } => {
            let owned = owned.as_deref().map(owned_section).transpose();
            owned.and_then(|owned| schedule(&book, &file, owned.as_ref(), format))
        }
        Command::Own { file, format } => own(&book, &file, format),
        Command::Validate { format } => validate(&book, format),
        Command::Schema => Ok(mlcost::scenario_schema()),
        Command::Catalog { list, accelerator, provider, region, plan, sort, format } => {
            let filter = QuoteFilter { accelerator, provider, region, plan };
            catalog::render(&book, list, &filter, sort, format).map_err(Failure::Input)
        }
    });
    match result {
        Ok(output) => {
            // A reader that stops early (`| head`) is not an error worth a panic.
            let mut stdout = std::io::stdout().lock();
            match writeln!(stdout, "{output}") {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("mlcost: cannot write the output: {e}");
                    ExitCode::FAILURE
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(Failure::Input(message)) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
        Err(Failure::Environment(message)) => {
            eprintln!("mlcost: {message}");
            ExitCode::FAILURE
        }
        Err(Failure::OverBudget(output, why)) => {
            let _ = writeln!(std::io::stdout().lock(), "{output}");
            eprintln!("mlcost: {why}");
            ExitCode::from(3)
        }
    }
}

fn parse_plan(text: &str) -> Result<Plan, String> {
    Plan::parse(text).ok_or_else(|| "expected on-demand, spot, 1y or 3y".to_owned())
}

/// The bundled price book, with the user's sheet laid over it when one is given.
fn book(prices: Option<&Path>) -> Result<PriceBook, Failure> {
    let bundled = PriceBook::bundled().map_err(|e| Failure::Environment(e.to_string()))?;
    let Some(path) = prices else { return Ok(bundled.clone()) };
    let text = read_text(path.to_str().unwrap_or_default())?;
    let is_csv = path.extension().is_some_and(|ext| ext.eq_ignore_ascii_case("csv"));
    let sheet = if is_csv {
        let source = format!("price sheet {}", path.display());
        PriceSheet::from_csv(&text, bundled, &source, &modified_date(path))
    } else {
        PriceSheet::from_json(&text, bundled)
    };
    let sheet = sheet.map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
    Ok(bundled.with_sheet(&sheet))
}

/// A scenario from a file (JSON, or TOML by extension), standard input, or an app link.
fn read_scenario(file: &str) -> Result<Scenario, Failure> {
    if let Some((_, payload)) = file.split_once("#s=") {
        return mlcost::scenario::share::decode(payload)
            .map_err(|e| Failure::Input(format!("link: {e}")));
    }
    let text = read_text(file)?;
    let scenario = if file.to_ascii_lowercase().ends_with(".toml") {
        Scenario::from_toml(&text)
    } else {
        Scenario::from_json(&text)
    };
    scenario.map_err(|e| Failure::Input(e.to_string()))
}

fn estimate(book: &PriceBook, file: &str, format: Format) -> Result<String, Failure> {
    let report = mlcost::estimate_with_latency(&read_scenario(file)?, book)
        .map_err(|e| Failure::Input(e.to_string()))?;
    match format {
        // A report is plain numbers and strings; serialising it cannot fail.
        Format::Json => Ok(serde_json::to_string_pretty(&report).unwrap_or_default()),
        Format::Table => Ok(table::report(&report)),
        Format::Csv => Ok(report.to_csv().trim_end().to_owned()),
        Format::Markdown => Ok(markdown::report(&report)),
    }
}

fn optimize(
    book: &PriceBook,
    file: &str,
    settings: &mlcost::optimize::Settings,
    format: Format,
) -> Result<String, Failure> {
    let advice = mlcost::optimize::optimize(&read_scenario(file)?, book, settings)
        .map_err(|e| Failure::Input(e.to_string()))?;
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&advice).unwrap_or_default()),
        Format::Table => Ok(table::advice(&advice)),
        Format::Csv => Ok(table::advice_csv(&advice)),
        Format::Markdown => Ok(markdown::advice(&advice)),
    }
}

/// The text of `file` (or standard input, `-`): a file that cannot be read is the environment's
/// failure (exit 1), one that is not UTF-8 text the input's (exit 2).
fn read_text(file: &str) -> Result<String, Failure> {
    let bytes =
        read_input(file).map_err(|e| Failure::Environment(format!("cannot read {file}: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        Failure::Input(format!(
            "{file}: is not UTF-8 text (the byte at position {} is not); save it as UTF-8",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// How the utilisation analysis prices an accelerator-hour.
enum Pricing {
    Typed(f64),
    /// A scenario's `owned` section.
    Owned(serde_json::Value),
}

/// The `owned` section of the scenario file at `path`.
fn owned_section(path: &Path) -> Result<serde_json::Value, Failure> {
    let name = path.display().to_string();
    let scenario = Scenario::from_json(&read_text(&name)?)
        .map_err(|e| Failure::Input(format!("{name}: {e}")))?;
    scenario.owned.ok_or_else(|| {
        Failure::Input(format!(
            "{name}: owned: is required (the servers and the terms of owning them)"
        ))
    })
}

fn utilization(
    book: &PriceBook,
    file: &str,
    pricing: Pricing,
    alternative_price: Option<f64>,
    format: Format,
) -> Result<String, Failure> {
    use mlcost::units::UsdPerHour;
    use mlcost::utilization::{Settings, analyze, analyze_owned, import};
    let monitoring =
        import(&read_text(file)?).map_err(|e| Failure::Input(format!("{file}: {e}")))?;
    let price = match &pricing {
        Pricing::Typed(price) => *price,
        // Replaced by the owned servers' price at the measured utilisation.
        Pricing::Owned(_) => 1.0,
    };
    let settings = Settings {
        alternative_price_per_accelerator_hour: alternative_price.map(UsdPerHour::new),
        ..Settings::new(UsdPerHour::new(price))
    };
    let report = match &pricing {
        Pricing::Typed(_) => analyze(&monitoring, &settings),
        Pricing::Owned(section) => analyze_owned(&monitoring, &settings, section, book),
    }
    .map_err(|e| Failure::Input(e.to_string()))?;
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&report).unwrap_or_default()),
        Format::Table => Ok(table::utilization(&report, &monitoring)),
        Format::Csv | Format::Markdown => {
            Err(Failure::Input("utilization prints json or table".into()))
        }
    }
}

fn schedule(
    book: &PriceBook,
    file: &str,
    owned: Option<&serde_json::Value>,
    format: Format,
) -> Result<String, Failure> {
    use mlcost::schedule::{ScheduleInput, best_cluster_size, schedule, schedule_owned};
    let input =
        ScheduleInput::from_json(&read_text(file)?).map_err(|e| Failure::Input(e.to_string()))?;
    let (report, input) = match owned {
        None => schedule(&input).map(|report| (report, input)),
        Some(section) => schedule_owned(&input, section, book),
    }
    .map_err(|e| Failure::Input(e.to_string()))?;
    let sizing = best_cluster_size(&input, None).map_err(|e| Failure::Input(e.to_string()))?;
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(
            &serde_json::json!({ "schedule": report, "cluster_sizing": sizing }),
        )
        .unwrap_or_default()),
        Format::Table => Ok(table::schedule(&report, &sizing)),
        Format::Csv | Format::Markdown => {
            Err(Failure::Input("schedule prints json or table".into()))
        }
    }
}

fn own(book: &PriceBook, file: &str, format: Format) -> Result<String, Failure> {
    let report =
        mlcost::own::own(&read_scenario(file)?, book).map_err(|e| Failure::Input(e.to_string()))?;
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&report).unwrap_or_default()),
        Format::Table => Ok(table::own(&report)),
        Format::Csv => Ok(table::own_csv(&report)),
        Format::Markdown => Err(Failure::Input("own prints table, json or csv".into())),
    }
}

fn validate(book: &PriceBook, format: Format) -> Result<String, Failure> {
    // The bundled data is the product's: a case that does not estimate is a defect, not input.
    let validation =
        mlcost::validation::validate(book).map_err(|e| Failure::Environment(e.to_string()))?;
    match format {
        Format::Json => Ok(serde_json::to_string_pretty(&validation).unwrap_or_default()),
        Format::Table => Ok(table::validation(&validation)),
        Format::Csv => Ok(table::validation_csv(&validation)),
        Format::Markdown => Err(Failure::Input("validate prints table, json or csv".into())),
    }
}

fn read_input(file: &str) -> std::io::Result<Vec<u8>> {
    if file == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(file)
    }
}

/// The file's modification date (UTC, YYYY-MM-DD): the `as_of` of a CSV sheet's prices.
fn modified_date(path: &Path) -> String {
    let seconds = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    civil_date(seconds / 86_400)
}

/// Days since 1970-01-01 as YYYY-MM-DD.
fn civil_date(days: u64) -> String {
    let (year, month, day) =
        mlcost::utilization::civil_from_days(i64::try_from(days).unwrap_or(i64::MAX / 2));
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::civil_date;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_786), "2026-11-29");
        assert_eq!(civil_date(11_016), "2000-02-29");
    }
}
