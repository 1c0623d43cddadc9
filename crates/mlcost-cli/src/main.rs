//! `mlcost`: estimates from scenario files. Exit status: 0 success, 2 invalid input (the error, with
//! the field it names, on stderr), 1 anything else (such as an unreadable file).

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use mlcost::{Report, Scenario};

mod table;

#[derive(Debug, Parser)]
#[command(
    name = "mlcost",
    version,
    about = "What it costs to train and serve an ML model"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Estimate the cost of a scenario (JSON); `-` reads standard input.
    Estimate {
        file: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Table,
}

const EXIT_INVALID_INPUT: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Estimate { file, format } => estimate(&file, format),
    }
}

fn estimate(file: &str, format: Format) -> ExitCode {
    let text = match read_input(file) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("mlcost: cannot read {file}: {err}");
            return ExitCode::FAILURE;
        }
    };
    let report = match Scenario::from_json(&text).and_then(|s| mlcost::estimate(&s)) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(EXIT_INVALID_INPUT);
        }
    };
    println!("{}", render(&report, format));
    ExitCode::SUCCESS
}

fn read_input(file: &str) -> std::io::Result<String> {
    if file == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        Ok(text)
    } else {
        std::fs::read_to_string(file)
    }
}

fn render(report: &Report, format: Format) -> String {
    match format {
        // A report is plain numbers and strings; serialising it cannot fail.
        Format::Json => serde_json::to_string_pretty(report).unwrap_or_default(),
        Format::Table => table::render(report),
    }
}
