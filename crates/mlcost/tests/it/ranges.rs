//! Ranges and sensitivity: a figure's range comes only from the inputs the scenario left to a
//! default, each at its published low and high; given inputs only show what moves the cost.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mlcost::training::spread;
use mlcost::{Scenario, TrainingReport, estimate};

fn training(json: &str) -> TrainingReport {
    let scenario = Scenario::from_json(json).unwrap();
    estimate(&scenario).unwrap().training.unwrap()
}

const EIGHT_B: &str = r#"{"model": {"preset": "llama-3.1-8b"},
    "training": {"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 64,
    "precision": "bf16", "activation_checkpointing": true, "price_per_accelerator_hour": 2.5}}"#;

#[test]
fn defaults_give_each_headline_figure_a_range_around_it() {
    let report = training(EIGHT_B);
    let ranges = report.ranges.clone().expect("the MFU and goodput are defaulted");
    let spans = [
        (
            "accelerator_hours",
            ranges.accelerator_hours.low.get(),
            report.accelerator_hours.get(),
            ranges.accelerator_hours.high.get(),
        ),
        (
            "wall_clock_hours",
            ranges.wall_clock_hours.low.get(),
            report.wall_clock_hours.get(),
            ranges.wall_clock_hours.high.get(),
        ),
        (
            "compute_cost_usd",
            ranges.compute_cost_usd.low.get(),
            report.compute_cost_usd.get(),
            ranges.compute_cost_usd.high.get(),
        ),
        (
            "total_cost_usd",
            ranges.total_cost_usd.low.get(),
            report.total_cost_usd.get(),
            ranges.total_cost_usd.high.get(),
        ),
    ];
    for (figure, low, central, high) in spans {
        assert!(
            low <= central && central <= high && low < high,
            "{figure}: {low} {central} {high}"
        );
        assert!(low > 0.0 && high.is_finite(), "{figure}");
    }
    let energy = ranges.energy_kwh.expect("the H100 publishes its board power");
    assert!(energy.low.get() < energy.high.get());

    // The defaulted MFU is in the list with its published spread; the given price and tokens
    // with the what-if step. Largest swing first.
    let inputs: Vec<&str> = report.sensitivity.iter().map(|s| s.input.as_ref()).collect();
    assert!(inputs.contains(&"training.mfu"), "{inputs:?}");
    assert!(
        inputs.contains(&"training.tokens")
            && inputs.contains(&"training.price_per_accelerator_hour")
    );
    let swings: Vec<f64> = report.sensitivity.iter().map(|s| s.swing()).collect();
    assert!(swings.windows(2).all(|pair| pair[0] >= pair[1]), "{swings:?}");
    let mfu = report.sensitivity.iter().find(|s| s.input == "training.mfu").unwrap();
    assert!(mfu.defaulted && mfu.source.contains("published runs"), "{}", mfu.source);
    // A higher MFU costs less. (On Hopper the default sits at the slow end of the published
    // runs: its low is the default itself.)
    assert!(mfu.low_value <= report.mfu.get() && mfu.high_value > report.mfu.get());
    assert!(mfu.figure_at_high < report.total_cost_usd.get());
    let price = report
        .sensitivity
        .iter()
        .find(|s| s.input == "training.price_per_accelerator_hour")
        .unwrap();
    assert!(
        !price.defaulted
            && (price.low_value - 2.0).abs() < 1e-12
            && (price.high_value - 3.0).abs() < 1e-12
    );
}

#[test]
fn a_figure_whose_inputs_are_all_given_has_no_range() {
    let given = EIGHT_B.replace(
        r#""price_per_accelerator_hour": 2.5"#,
        r#""price_per_accelerator_hour": 2.5, "mfu": 0.4, "goodput": 0.95"#,
    );
    let report = training(&given);
    assert_eq!(report.ranges, None);
    assert!(report.sensitivity.iter().all(|s| !s.defaulted));
    let inputs: Vec<&str> = report.sensitivity.iter().map(|s| s.input.as_ref()).collect();
    assert!(inputs.contains(&"training.mfu") && inputs.contains(&"training.goodput"), "{inputs:?}");
    let json = serde_json::to_value(&report).unwrap();
    assert!(json.get("ranges").is_none());
    assert!(json["sensitivity"][0]["figure"] == "training.total_cost_usd");
}

#[test]
fn the_mfu_spread_comes_from_every_published_run_of_the_generation() {
    let book = mlcost::PriceBook::bundled().unwrap();
    for accelerator in ["a100-sxm-80gb", "h100-sxm", "b200"] {
        let accelerator = book.accelerator(accelerator, "a").unwrap();
        let spread = spread::mfu_spread(accelerator, None).unwrap();
        assert!(spread.runs >= 20, "{}: {spread:?}", accelerator.id);
        assert!(spread.low <= 1.0 && 1.0 <= spread.high && spread.low > 0.3, "{spread:?}");
        assert!(spread.source.contains(&format!("{} published", spread.runs)), "{}", spread.source);
    }
}

/// Scoring a run, the validation table takes the spread without it.
#[test]
fn a_run_left_out_leaves_the_spread_it_would_have_widened() {
    let book = mlcost::PriceBook::bundled().unwrap();
    let h100 = book.accelerator("h100-sxm", "a").unwrap();
    let all = spread::mfu_spread(h100, None).unwrap();
    // SmolLM3-3B reached about 2.25 times the default's efficiency: the most efficient whole run.
    let without = spread::mfu_spread(h100, Some("smollm3-3b")).unwrap();
    assert_eq!(without.runs, all.runs - 1);
    assert_ne!(without, all, "the run left out was one the spread counted");
    let unknown = spread::mfu_spread(h100, Some("no-such-case")).unwrap();
    assert_eq!(unknown, all);
}

/// The advisor says when a training saving is smaller than how far the estimate it comes from may
/// stray, and only then.
#[test]
fn the_advisor_says_when_a_saving_is_smaller_than_the_uncertainty() {
    let scenario = Scenario::from_json(
        r#"{"model": {"preset": "llama-3.1-8b"},
            "training": {"tokens": 1e12, "accelerator": "b200", "accelerator_count": 64,
            "precision": "bf16", "activation_checkpointing": true, "deadline_hours": 720,
            "offer": "nebius:gpu-b200-sxm_8gpu-160vcpu-1792gb", "plan": "on-demand"}}"#,
    )
    .unwrap();
    let book = mlcost::PriceBook::bundled().unwrap();
    let ranged = mlcost::estimate_with_ranges(&scenario, book, mlcost::Options::FIGURES).unwrap();
    let training = ranged.training.unwrap();
    let range = training.ranges.unwrap().total_cost_usd;
    let total = training.total_cost_usd.get();
    let stray = (1.0 - range.low.get() / total).max(range.high.get() / total - 1.0);
    let advice =
        mlcost::optimize::optimize(&scenario, book, &mlcost::optimize::Settings::default())
            .unwrap();
    let training_recs: Vec<_> = advice
        .recommendations
        .iter()
        .filter(|r| r.section == mlcost::optimize::Section::Training)
        .collect();
    assert!(
        training_recs.iter().any(|r| r.saving_percent / 100.0 < stray),
        "the scenario needs a small saving to test: {:?}",
        training_recs.iter().map(|r| r.saving_percent).collect::<Vec<_>>()
    );
    for r in training_recs {
        let said = r.why.contains("smaller than the uncertainty");
        assert_eq!(said, r.saving_percent / 100.0 < stray, "{}: {}", r.title, r.why);
    }
}

/// The same for serving: a recommendation saving less than the monthly cost's range may stray
/// says so (the example's three-year commitment saves about a third of a cost that may be 41%
/// lower or 52% higher), and one saving more does not.
#[test]
fn the_advisor_weighs_serving_savings_against_the_monthly_cost_range() {
    let json = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/serve-llama-3.1-70b.json"
    ));
    let scenario = Scenario::from_json(json).unwrap();
    let book = mlcost::PriceBook::bundled().unwrap();
    let ranged = mlcost::estimate_with_ranges(&scenario, book, mlcost::Options::FIGURES).unwrap();
    let serving = ranged.serving.unwrap();
    let range = serving.ranges.unwrap().monthly_cost_usd.unwrap();
    let monthly = serving.monthly_cost_usd.unwrap().get();
    let stray = (1.0 - range.low.get() / monthly).max(range.high.get() / monthly - 1.0);
    let advice =
        mlcost::optimize::optimize(&scenario, book, &mlcost::optimize::Settings::default())
            .unwrap();
    let serving_recs: Vec<_> = advice
        .recommendations
        .iter()
        .filter(|r| r.section == mlcost::optimize::Section::Serving)
        .collect();
    let small = serving_recs.iter().filter(|r| r.saving_percent / 100.0 < stray).count();
    assert!(small > 0 && small < serving_recs.len(), "the example needs both kinds");
    for r in serving_recs {
        let said = r.why.contains("smaller than the uncertainty");
        assert_eq!(said, r.saving_percent / 100.0 < stray, "{}: {}", r.title, r.why);
        assert!(!said || r.why.contains("engine's efficiency"), "{}", r.why);
    }
}

/// Serving: the engine efficiencies and the day's peak-to-mean, left to defaults, give the
/// headline figures a range; given, they give none, and what is given only shows in the list.
#[test]
fn serving_defaults_give_the_headline_figures_a_range() {
    let json = r#"{"model": {"preset": "llama-3.1-8b"},
        "serving": {"accelerator": "h100-sxm", "weight_precision": "fp8",
        "input_tokens": 1000, "output_tokens": 300, "daily_requests": 5e6, "shape": "diurnal",
        "price_per_accelerator_hour": 4}}"#;
    let report = estimate(&Scenario::from_json(json).unwrap()).unwrap().serving.unwrap();
    let ranges = report.ranges.expect("the efficiencies and peak-to-mean are defaulted");
    let throughput = ranges.max_output_tokens_per_second_per_replica;
    let central = report.max_output_tokens_per_second_per_replica;
    assert!(throughput.low < central && central < throughput.high, "{throughput:?} {central}");
    let monthly = ranges.monthly_cost_usd.expect("priced");
    let cost = report.monthly_cost_usd.unwrap().get();
    assert!(monthly.low.get() < cost && cost < monthly.high.get());
    // A faster engine costs less, and the list says so with its published source.
    let engine =
        report.sensitivity.iter().find(|s| s.input == "serving.engine_efficiency").unwrap();
    assert!(engine.defaulted && engine.source.contains("published serving measurements"));
    assert!(engine.figure_at_high < engine.figure_at_low);
    assert_eq!(engine.figure, "serving.monthly_cost_usd");
    let peak = report.sensitivity.iter().find(|s| s.input == "serving.peak_to_mean").unwrap();
    assert_eq!((peak.low_value, peak.high_value), (1.3, 2.3));

    let given = json.replace(
        r#""weight_precision": "fp8","#,
        r#""weight_precision": "fp8", "peak_to_mean": 2,
           "engine_efficiency": {"compute": 0.5, "bandwidth": 0.85},"#,
    );
    let report = estimate(&Scenario::from_json(&given).unwrap()).unwrap().serving.unwrap();
    assert!(report.ranges.is_none());
    assert!(report.sensitivity.iter().all(|s| !s.defaulted), "{:?}", report.sensitivity);
    assert!(report.sensitivity.iter().any(|s| s.input == "serving.daily_requests"));
}
