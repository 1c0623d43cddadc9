//! The advisor on a serving scenario: what to change and how much each change saves, best first,
//! each with the whole scenario it recommends.
//!
//! `cargo run -p mlcost --example advisor`

use mlcost::{PriceBook, Scenario};

const SERVING: &str = r#"{"model": {"preset": "llama-3.1-70b"},
    "serving": {"accelerator": "h100-sxm", "parallelism": {"tensor": 4},
                "input_tokens": 1000, "output_tokens": 250, "daily_requests": 2000000,
                "slo": {"ttft_ms": 2000, "tpot_ms": 50}, "offer": "aws:p5.48xlarge"}}"#;

fn main() -> Result<(), mlcost::Error> {
    let scenario = Scenario::from_json(SERVING)?;
    let advice = mlcost::optimize::optimize(&scenario, PriceBook::bundled()?, &Default::default())?;
    for (rank, change) in advice.recommendations.iter().enumerate() {
        println!("{}. {} ({})", rank + 1, change.title, change.tradeoff);
    }
    if let Some(best) = advice.recommendations.first() {
        // The recommended scenario is a whole scenario: estimate it, save it, diff it.
        println!("\n{}", best.scenario.to_value());
    }
    Ok(())
}
