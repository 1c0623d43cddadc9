//! Behaviour every estimate must have, whatever the input: named errors, no panic, no NaN or infinity.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::common::{Lcg, assert_all_numbers_finite};

use mlcost::units::UsdPerHour;
use mlcost::{Error, Scenario, estimate};

const BASE: &str = r#"{"model": {"parameters": 7e9},
    "training": {"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 64,
                 "precision": "bf16", "mfu": 0.4, "price_per_accelerator_hour": 2.5}}"#;

fn base() -> Scenario {
    Scenario::from_json(BASE).unwrap()
}

fn error_of(edit: impl FnOnce(&mut Scenario)) -> Error {
    let mut scenario = base();
    edit(&mut scenario);
    estimate(&scenario).unwrap_err()
}

fn training(scenario: &mut Scenario) -> &mut mlcost::Training {
    scenario.training.as_mut().unwrap()
}

#[test]
fn each_bad_field_is_named() {
    type Edit = Box<dyn FnOnce(&mut Scenario)>;
    let cases: Vec<(&str, Edit)> = vec![
        ("model.parameters: must be > 0", Box::new(|s| s.model.parameters = Some(0.0))),
        ("model.parameters: must be at least 1", Box::new(|s| s.model.parameters = Some(0.5))),
        ("training.tokens: must be > 0", Box::new(|s| training(s).tokens = Some(-1.0))),
        (
            "training.tokens: must be a finite number",
            Box::new(|s| training(s).tokens = Some(f64::NAN)),
        ),
        (
            "training.accelerator_count: must be > 0",
            Box::new(|s| training(s).accelerator_count = 0),
        ),
        (
            "training.mfu: must be greater than 0 and at most 1",
            Box::new(|s| training(s).mfu = Some(1.5)),
        ),
        (
            "training.goodput: must be greater than 0 and at most 1",
            Box::new(|s| training(s).goodput = Some(0.0)),
        ),
        (
            "training.price_per_accelerator_hour: must be a finite number",
            Box::new(|s| {
                training(s).price_per_accelerator_hour = Some(UsdPerHour::new(f64::INFINITY))
            }),
        ),
    ];
    for (expected, edit) in cases {
        assert_eq!(error_of(edit).to_string(), expected);
    }
}

#[test]
fn fp8_on_an_accelerator_without_it_is_refused() {
    let err = error_of(|s| {
        let t = training(s);
        t.accelerator = "a100-sxm-80gb".into();
        t.precision = mlcost::Precision::Fp8;
    });
    assert_eq!(err.field, "training.precision");
}

#[test]
fn extreme_magnitudes_give_finite_results_or_a_named_error() {
    let magnitudes = [f64::MIN_POSITIVE, 1e-300, 1e-9, 1.0, 1e12, 1e150, 1e300, f64::MAX];
    for parameters in magnitudes {
        for tokens in magnitudes {
            for price in [f64::MIN_POSITIVE, 1.0, f64::MAX] {
                let mut scenario = base();
                scenario.model.parameters = Some(parameters);
                training(&mut scenario).tokens = Some(tokens);
                training(&mut scenario).price_per_accelerator_hour = Some(UsdPerHour::new(price));
                match estimate(&scenario) {
                    Ok(report) => {
                        let json = serde_json::to_value(&report).unwrap();
                        assert_all_numbers_finite(&json);
                    }
                    Err(err) => assert!(
                        err.field.starts_with("training.") || err.field == "model.parameters",
                        "{err}"
                    ),
                }
            }
        }
    }
}

#[test]
fn cost_rises_with_tokens_and_falls_with_price() {
    let cost = |tokens: f64, price: f64| {
        let mut scenario = base();
        training(&mut scenario).tokens = Some(tokens);
        training(&mut scenario).price_per_accelerator_hour = Some(UsdPerHour::new(price));
        estimate(&scenario).unwrap().training.unwrap().compute_cost_usd.get()
    };
    assert!(cost(2e12, 2.5) > cost(1e12, 2.5));
    assert!(cost(1e12, 2.0) < cost(1e12, 2.5));
    assert!(cost(1e12, 2.5) > 0.0);
}

#[test]
fn more_accelerators_finish_sooner_but_lose_more_to_failures() {
    let run = |count: u32| {
        let mut scenario = base();
        training(&mut scenario).accelerator_count = count;
        estimate(&scenario).unwrap().training.unwrap()
    };
    let (small, large) = (run(64), run(4096));
    assert!(large.wall_clock_hours < small.wall_clock_hours);
    assert!(large.compute_cost_usd > small.compute_cost_usd);
}

fn random_scenario(rng: &mut Lcg) -> Scenario {
    let preset = rng.pick(&[
        "llama-2-7b",
        "llama-3.1-70b",
        "mixtral-8x7b",
        "qwen2.5-7b",
        "gpt-3-175b",
        "deepseek-v3",
    ]);
    let accelerator = rng.pick(&["a100-sxm-80gb", "h100-sxm", "h200-sxm", "mi300x", "l40s"]);
    let count = 1u32 << (rng.next() % 12);
    let tokens = 1e9 * (1 + rng.next() % 10_000) as f64;
    let price = 0.5 + (rng.next() % 1000) as f64 / 100.0;
    let zero = rng.next() % 4;
    let method = rng.pick(&["full", "lora", "qlora"]);
    let checkpointing = rng.next().is_multiple_of(2);
    Scenario::from_json(&format!(
        r#"{{"model": {{"preset": "{preset}"}},
            "training": {{"tokens": {tokens}, "accelerator": "{accelerator}", "accelerator_count": {count},
                         "precision": "bf16", "method": "{method}", "activation_checkpointing": {checkpointing},
                         "parallelism": {{"zero_stage": {zero}}}, "price_per_accelerator_hour": {price}}}}}"#
    ))
    .unwrap()
}

fn point(scenario: &Scenario) -> mlcost::TrainingReport {
    let options = mlcost::Options::FIGURES;
    mlcost::estimate_with_options(scenario, mlcost::PriceBook::bundled().unwrap(), options)
        .unwrap()
        .training
        .unwrap()
}

#[test]
fn properties_hold_across_many_scenarios() {
    let mut rng = Lcg(2026);
    for _ in 0..300 {
        let scenario = random_scenario(&mut rng);
        let base = point(&scenario);
        let json = serde_json::to_value(&base).unwrap();
        assert_all_numbers_finite(&json);
        assert!(base.total_cost_usd.get() > 0.0 && base.compute_cost_usd.get() > 0.0);

        let mut more_tokens = scenario.clone();
        training(&mut more_tokens).tokens =
            scenario.training.as_ref().and_then(|t| t.tokens).map(|t| t * 2.0);
        assert!(point(&more_tokens).total_cost_usd > base.total_cost_usd, "{scenario:?}");

        let mut cheaper = scenario.clone();
        let price = training(&mut cheaper).price_per_accelerator_hour.unwrap();
        training(&mut cheaper).price_per_accelerator_hour = Some(price * 0.5);
        assert!(point(&cheaper).compute_cost_usd < base.compute_cost_usd, "{scenario:?}");

        let zero = scenario.training.as_ref().and_then(|t| t.parallelism.zero_stage).unwrap_or(0);
        if zero < 3 {
            let mut sharded = scenario.clone();
            training(&mut sharded).parallelism.zero_stage = Some(zero + 1);
            assert!(
                point(&sharded).memory_per_accelerator_bytes <= base.memory_per_accelerator_bytes,
                "{scenario:?}"
            );
        }
    }
}

/// A layout kept from an MoE model (the app's DeepSeek-V3 example: 64-way expert parallelism)
/// does not stop a dense model's estimate: the degree is set aside, the report says so, and the
/// figures are the dense layout's.
#[test]
fn a_dense_model_sets_an_expert_degree_aside() {
    let with_expert = |expert: u32| {
        Scenario::from_json(&format!(
            r#"{{"model": {{"preset": "llama-3.1-8b"}},
                "training": {{"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 8,
                             "precision": "bf16", "parallelism": {{"expert": {expert}}},
                             "price_per_accelerator_hour": 2.0}}}}"#
        ))
        .unwrap()
    };
    let dense = point(&with_expert(1));
    let kept = point(&with_expert(64));
    assert_eq!(kept.accelerator_hours, dense.accelerator_hours);
    assert_eq!(kept.memory_per_accelerator_bytes, dense.memory_per_accelerator_bytes);
    assert!(
        kept.notes.iter().any(|n| n.contains("expert parallelism (64) is not used")),
        "{:?}",
        kept.notes
    );
    assert!(!dense.notes.iter().any(|n| n.contains("expert parallelism")));
}

/// A run counted in samples has no tokens to size its dataset by: the estimate says the dataset
/// is not priced and how to price it, and lists no bytes-per-token default it did not use; given
/// the dataset's bytes, it is stored.
#[test]
fn a_run_counted_in_samples_says_its_dataset_is_unpriced_until_given() {
    let json = r#"{"model": {"preset": "resnet-50"}, "training": {"samples": 1281167,
        "epochs": 90, "accelerator": "a100-sxm-80gb", "accelerator_count": 8,
        "precision": "bf16", "price_per_accelerator_hour": 2}}"#;
    let report = estimate(&Scenario::from_json(json).unwrap()).unwrap().training.unwrap();
    assert_eq!(report.dataset_bytes.get().to_bits(), 0f64.to_bits());
    assert!(
        report.notes.iter().any(|n| n.contains("training.storage.dataset_bytes")),
        "{:?}",
        report.notes
    );
    assert!(!report.assumptions.iter().any(|a| a.field == "training.storage.bytes_per_token"));

    let given =
        json.replace(r#""epochs": 90,"#, r#""epochs": 90, "storage": {"dataset_bytes": 1.5e11},"#);
    let report = estimate(&Scenario::from_json(&given).unwrap()).unwrap().training.unwrap();
    assert_eq!(report.dataset_bytes.get().to_bits(), 1.5e11f64.to_bits());
    assert!(!report.notes.iter().any(|n| n.contains("training.storage.dataset_bytes")));
}
