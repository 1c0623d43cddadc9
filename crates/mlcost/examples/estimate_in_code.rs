//! A scenario built in code rather than read from JSON, estimated against the bundled price book:
//! an 8B model pre-trained on 1T tokens over 64 H100s rented on demand.
//!
//! `cargo run -p mlcost --example estimate_in_code`

use mlcost::{Model, Precision, Scenario, Training, format};

fn main() -> Result<(), mlcost::Error> {
    let training = Training {
        tokens: Some(1e12),
        offer: Some("aws:p5.48xlarge".into()),
        ..Training::new("h100-sxm", 64, Precision::Bf16)
    };
    let scenario = Scenario {
        model: Model { preset: Some("llama-3.1-8b".into()), ..Model::default() },
        training: Some(training),
        serving: None,
        owned: None,
    };
    let report = mlcost::estimate(&scenario)?;
    let run = report.training.expect("the scenario has a training section");
    println!(
        "{}: {} over {} ({} accelerator-hours at {}/h), {}",
        run.model,
        format::usd(run.total_cost_usd),
        format::duration(run.wall_clock_hours),
        format::count(run.accelerator_hours.get()),
        format::usd_precise(mlcost::units::Usd::new(run.price_per_accelerator_hour.get())),
        format::or_missing(run.carbon_kg_co2e, format::carbon),
    );
    // Every default the estimate filled in, with its source.
    for assumption in &run.assumptions {
        println!("  {} = {}: {}", assumption.field, assumption.value, assumption.source);
    }
    Ok(())
}
