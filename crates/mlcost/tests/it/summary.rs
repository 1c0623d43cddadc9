//! `mlcost::summary`: the key figures the widget shows are the report's, formatted by the one
//! formatting module, and the plans chart holds every plan the report prices, cheapest first,
//! the estimate's own plan marked.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mlcost::Scenario;
use mlcost::format;
use mlcost::summary::summarize;
use mlcost::units::Usd;

fn report(json: &str) -> mlcost::Report {
    mlcost::estimate(&Scenario::from_json(json).unwrap()).unwrap()
}

#[test]
fn an_offer_gives_the_figures_and_every_plan_cheapest_first() {
    let report = report(
        r#"{"model": {"preset": "llama-3.1-8b"}, "training": {"tokens": 1e12,
        "accelerator": "h100-sxm", "accelerator_count": 64, "precision": "bf16",
        "parallelism": {"zero_stage": 1}, "offer": "aws:p5.48xlarge", "plan": "spot"}}"#,
    );
    let training = report.training.as_ref().unwrap();
    let summary = summarize(&report);
    assert_eq!(summary.sections.len(), 1);
    let section = &summary.sections[0];
    assert_eq!(
        (section.section.as_str(), section.heading.as_str()),
        ("training", "Training (per run)")
    );
    let total = &section.figures[0];
    assert_eq!(total.key, "training.total_cost_usd");
    assert_eq!(total.value.to_bits(), training.total_cost_usd.get().to_bits());
    assert_eq!(total.text, format::usd(training.total_cost_usd));
    let time = section.figures.iter().find(|f| f.key == "training.wall_clock_hours").unwrap();
    assert_eq!(time.text, format::duration(training.wall_clock_hours));

    assert_eq!(section.plans.len(), training.by_plan.len());
    assert!(section.plans.windows(2).all(|w| w[0].cost_usd.get() <= w[1].cost_usd.get()));
    let chosen: Vec<_> = section.plans.iter().filter(|p| p.chosen).collect();
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0].plan, "spot");
    assert_eq!(chosen[0].cost_usd, training.by_plan["spot"].compute_cost_usd);
    let offer = training.offer.as_ref().unwrap();
    assert!(
        section.price.contains(&offer.id) && section.price.contains(&offer.as_of),
        "{}",
        section.price
    );
}

#[test]
fn a_typed_price_is_said_to_be_given_and_charted_as_the_users() {
    let report = report(
        r#"{"model": {"preset": "llama-3.1-8b"}, "serving": {"accelerator": "h100-sxm",
        "input_tokens": 1000, "output_tokens": 200, "daily_requests": 1e6,
        "price_per_accelerator_hour": 2.5}}"#,
    );
    let serving = report.serving.as_ref().unwrap();
    let section = &summarize(&report).sections[0];
    assert_eq!(section.heading, "Serving (a month)");
    assert_eq!(section.price, "$2.50 per accelerator-hour (given)");
    let month = section.figures.iter().find(|f| f.key == "serving.monthly_cost_usd").unwrap();
    assert_eq!(month.text, format::usd(serving.monthly_cost_usd.unwrap()));
    let labels: Vec<_> = section.plans.iter().map(|p| (p.label.as_str(), p.chosen)).collect();
    assert_eq!(labels, [("your price", true)]);
    assert_eq!(section.plans[0].text, format::usd(Usd::new(section.plans[0].cost_usd.get())));
}

#[test]
fn a_run_that_does_not_fit_is_flagged_and_one_that_fits_is_not() {
    let run = |count: u32| {
        report(&format!(
            r#"{{"model": {{"preset": "llama-3.1-70b"}}, "training": {{"tokens": 1e12,
            "accelerator": "h100-sxm", "accelerator_count": {count}, "precision": "bf16",
            "parallelism": {{"tensor": 8, "zero_stage": 3}}, "price_per_accelerator_hour": 2}}}}"#
        ))
    };
    let alone = summarize(&run(8));
    let section = &alone.sections[0];
    assert_eq!(section.warnings.len(), 1, "{:?}", section.warnings);
    assert!(section.warnings[0].starts_with("Does not fit in memory"), "{:?}", section.warnings);
    assert_eq!(section.notes, run(8).training.unwrap().notes);
    let enough = summarize(&run(256));
    assert!(enough.sections[0].warnings.is_empty(), "{:?}", enough.sections[0].warnings);
}
