//! Your own prices laid over the bundled book: a negotiated on-demand price for one offer, as a CSV
//! sheet (the columns `mlcost catalog offers --format csv` writes), then the same run estimated
//! against both books.
//!
//! `cargo run -p mlcost --example price_sheet`

use mlcost::catalogue::sheet::PriceSheet;
use mlcost::{PriceBook, Scenario};

const SHEET: &str =
    "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,Price,SpotPrice
p5.48xlarge,H100,8,192,2048,us-east-1,40.00,";

const RUN: &str = r#"{"model": {"preset": "llama-3.1-8b"},
    "training": {"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 64,
                 "precision": "bf16", "offer": "aws:p5.48xlarge", "region": "us-east-1"}}"#;

fn main() -> Result<(), mlcost::Error> {
    let bundled = PriceBook::bundled()?;
    let sheet = PriceSheet::from_csv(SHEET, bundled, "our AWS contract", "2026-12-01")?;
    let ours = bundled.with_sheet(&sheet);
    let scenario = Scenario::from_json(RUN)?;
    for (name, book) in [("list prices", bundled), ("our contract", &ours)] {
        let report = mlcost::estimate_with_options(&scenario, book, mlcost::Options::FIGURES)?;
        let run = report.training.expect("a training section");
        println!("{name}: {}", mlcost::format::usd(run.total_cost_usd));
    }
    Ok(())
}
