//! `mlcost::diff`: exactly the figures that changed, with how much, for a hand-made pair.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mlcost::Scenario;
use mlcost::diff::diff;

const RUN: &str = r#"{"model": {"preset": "llama-3.1-8b"}, "training": {"tokens": 1e11,
    "accelerator": "h100-sxm", "accelerator_count": 16, "precision": "bf16",
    "parallelism": {"zero_stage": 3}, "price_per_accelerator_hour": 2}}"#;

fn report(json: &str) -> mlcost::Report {
    mlcost::estimate(&Scenario::from_json(json).unwrap()).unwrap()
}

/// The same scenario twice: nothing changed.
#[test]
fn a_scenario_against_itself_changes_nothing() {
    assert!(diff(&report(RUN), &report(RUN)).is_empty());
}

/// A price of $2 an accelerator-hour raised to $3: the money moves by the hours times a dollar,
/// and nothing the price does not enter does (hours, time, FLOPs, energy, memory).
#[test]
fn a_price_change_moves_the_money_and_only_the_money() {
    let before = report(RUN);
    let after = report(
        &RUN.replace(r#""price_per_accelerator_hour": 2"#, r#""price_per_accelerator_hour": 3"#),
    );
    let changes = diff(&before, &after);
    assert_eq!(changes.sections.len(), 1);
    let training = &changes.sections[0];
    assert_eq!(training.section, "training");
    let headline: Vec<&str> = training.headline.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(
        headline,
        [
            "training.total_cost_usd",
            "training.compute_cost_usd",
            "training.price_per_accelerator_hour"
        ]
    );
    let hours = before.training.as_ref().unwrap().accelerator_hours.get();
    let compute = changes.headline("training.compute_cost_usd").unwrap();
    assert!((compute.delta.unwrap() - hours).abs() < 1e-6 * hours);
    assert!((compute.percent.unwrap() - 50.0).abs() < 1e-9);
    // Every other changed figure is money: a plan's cost and price, the money's ranges, the
    // what-moves-the-cost rows priced in it.
    for change in &training.other {
        let key = &change.key;
        let money = key.contains("cost_usd")
            || key.contains("price_per_accelerator_hour")
            || key.starts_with("training.sensitivity");
        assert!(money, "{key} changed with the price");
    }
    assert!(training.other.iter().any(|c| c.key == "training.by_plan.custom.compute_cost_usd"));
}

/// A section only one side has is every one of its figures, from nothing or to nothing.
#[test]
fn a_section_added_is_listed_from_nothing() {
    let serving = r#", "serving": {"accelerator": "h100-sxm", "input_tokens": 500,
        "output_tokens": 100, "requests_per_second": 2, "price_per_accelerator_hour": 2}}"#;
    let with_serving = format!("{}{serving}", RUN.trim_end().strip_suffix('}').unwrap());
    let changes = diff(&report(RUN), &report(&with_serving));
    let added = changes.sections.iter().find(|s| s.section == "serving").unwrap();
    let monthly = added.headline.iter().find(|c| c.key == "serving.monthly_cost_usd").unwrap();
    assert!(monthly.before.is_none() && monthly.after.is_some() && monthly.delta.is_none());
    assert!(changes.sections.iter().all(|s| s.section != "training"), "training is unchanged");
}
