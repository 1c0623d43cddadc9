//! The advisor: recommendations keep every constraint and claim no saving the engine does not
//! reproduce on the recommended scenario alone; Pareto fronts hold no dominated point; the
//! waterfall adds up; what-ifs follow the hardware (2:4 sparsity only on sparse tensor cores).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::common::assert_all_numbers_finite;
use mlcost::optimize::{Advice, Period, Section, Settings, optimize};
use mlcost::{PriceBook, Report, Scenario, estimate};

fn book() -> &'static PriceBook {
    PriceBook::bundled().unwrap()
}

fn scenario(json: &str) -> Scenario {
    Scenario::from_json(json).unwrap()
}

/// Serving Llama 3.1 70B on AWS H100s on demand, a diurnal day with an SLO.
const SERVING: &str = include_str!("../../../../examples/serve-llama-3.1-70b.json");
/// Training Llama 3.1 8B on 64 H100s with a deadline (the layout as given does not fit).
const TRAINING: &str = include_str!("../../../../examples/train-llama-3.1-8b.json");

/// A 7B model on one A10G at a typed price, with a committed baseline: the search must also weigh
/// the user's own price.
const TYPED_SERVING: &str = r#"{
  "model": {"preset": "mistral-7b"},
  "serving": {
    "accelerator": "a10g", "input_tokens": 500, "output_tokens": 200,
    "slo": {"tpot_ms": 60}, "requests_per_second": 3,
    "price_per_accelerator_hour": 1.2
  }
}"#;

/// Fine-tuning that fits as given, on spot-capable hardware, with both sections present.
const BOTH: &str = r#"{
  "model": {"preset": "llama-3.1-8b"},
  "training": {
    "tokens": 2e9, "accelerator": "a100-sxm-80gb", "accelerator_count": 8, "precision": "bf16",
    "activation_checkpointing": true, "parallelism": {"zero_stage": 3},
    "offer": "aws:p4de.24xlarge", "plan": "on-demand"
  },
  "serving": {
    "accelerator": "a100-sxm-80gb", "input_tokens": 800, "output_tokens": 300,
    "daily_requests": 500000, "shape": "business-hours",
    "offer": "aws:p4de.24xlarge", "plan": "on-demand"
  }
}"#;

fn advice(json: &str) -> (Scenario, Advice) {
    let scenario = scenario(json);
    let advice = optimize(&scenario, book(), &Settings::default()).unwrap();
    (scenario, advice)
}

fn cost(report: &Report, section: Section) -> f64 {
    match section {
        Section::Training => report.training.as_ref().unwrap().total_cost_usd.get(),
        Section::Serving => report.serving.as_ref().unwrap().monthly_cost_usd.unwrap().get(),
    }
}

/// The checks every advice must pass, whatever the scenario.
fn check(scenario: &Scenario, advice: &Advice) {
    assert_all_numbers_finite(&serde_json::to_value(advice).unwrap());
    let base = estimate(scenario).unwrap();
    for r in &advice.recommendations {
        // The recommended scenario survives a round trip through the scenario format ...
        let text = serde_json::to_string(&r.scenario).unwrap();
        let reread = Scenario::from_json(&text).unwrap();
        assert_eq!(reread, r.scenario, "{}", r.id);
        // ... and estimating it alone reproduces the cost and the saving claimed.
        let report = estimate(&reread).unwrap();
        let after = cost(&report, r.section);
        let before = cost(&base, r.section);
        assert!(
            (after - r.cost_usd.get()).abs() <= 1e-6 * before,
            "{}: {after} vs {}",
            r.id,
            r.cost_usd.get()
        );
        assert!((before - after - r.saving_usd.get()).abs() <= 1e-6 * before, "{}", r.id);
        assert!(r.saving_usd.get() > 0.0 && r.saving_percent > 0.0, "{}", r.id);
        assert!((r.saving_percent - r.saving_usd.get() / before * 100.0).abs() < 1e-6, "{}", r.id);
        assert_eq!(r.per, if r.section == Section::Training { Period::Run } else { Period::Month });
        // The other section is left as it was.
        match r.section {
            Section::Training => assert_eq!(reread.serving, scenario.serving, "{}", r.id),
            Section::Serving => assert_eq!(reread.training, scenario.training, "{}", r.id),
        }
        // Constraints of the section changed: fits, meets the deadline and the SLO, serves every
        // request.
        if let (Section::Training, Some(t), Some(rt)) =
            (r.section, &reread.training, &report.training)
        {
            assert!(rt.fits_in_memory, "{}", r.id);
            if let Some(deadline) = t.deadline_hours {
                assert!(rt.wall_clock_hours.get() <= deadline, "{}", r.id);
            }
        }
        if let (Section::Serving, Some(s)) = (r.section, &report.serving) {
            assert!(s.fits_in_memory && s.batch_at_slo > 0, "{}", r.id);
            assert!(s.unserved_requests_per_day.unwrap_or(0.0) <= 0.0, "{}", r.id);
            let slo = reread.serving.as_ref().unwrap().slo;
            assert!(slo.ttft_ms.is_none_or(|t| s.ttft_ms <= t), "{}", r.id);
            assert!(slo.tpot_ms.is_none_or(|t| s.tpot_ms <= t), "{}", r.id);
        }
        assert!(!r.title.is_empty() && !r.why.is_empty(), "{}", r.id);
    }
    // Best first.
    for pair in advice.recommendations.windows(2) {
        assert!(pair[0].saving_percent >= pair[1].saving_percent);
    }
    // No point on a front is dominated by another of the same section, and each is the engine's
    // own estimate of its scenario.
    for p in &advice.pareto_front {
        let time = |q: &mlcost::optimize::ParetoPoint| q.time().unwrap();
        for q in &advice.pareto_front {
            if p.section == q.section && p != q {
                let dominated = q.cost_usd.get() <= p.cost_usd.get()
                    && time(q) <= time(p)
                    && (q.cost_usd.get() < p.cost_usd.get() || time(q) < time(p));
                assert!(!dominated, "{} is dominated by {}", p.label, q.label);
            }
        }
        let report = estimate(&p.scenario).unwrap();
        assert!(
            (cost(&report, p.section) - p.cost_usd.get()).abs() <= 1e-6 * p.cost_usd.get(),
            "{}",
            p.label
        );
    }
    // The waterfall adds up, and ends at what the combined scenario costs.
    for w in &advice.waterfall {
        let saved: f64 = w.steps.iter().map(|s| s.saving_usd.get()).sum();
        assert!((w.start_usd.get() - saved - w.end_usd.get()).abs() <= 1e-6 * w.start_usd.get());
        assert!(w.steps.iter().all(|s| s.saving_usd.get() > 0.0));
        if !w.steps.is_empty() {
            let combined = advice.combined.as_ref().unwrap();
            let report = estimate(combined).unwrap();
            assert!((cost(&report, w.section) - w.end_usd.get()).abs() <= 1e-6 * w.start_usd.get());
        }
    }
}

#[test]
fn serving_advice_keeps_its_promises() {
    let (scenario, advice) = advice(SERVING);
    check(&scenario, &advice);
    assert!(advice.candidates_considered > 10_000, "{}", advice.candidates_considered);
    let ids: Vec<&str> = advice.recommendations.iter().map(|r| r.id.as_str()).collect();
    // On-demand H100s around the clock for a diurnal day: a commitment and spot both save.
    assert!(ids.contains(&"serving-commitment"), "{ids:?}");
    assert!(ids.contains(&"serving-plan"), "{ids:?}");
    let commitment = advice.recommendations.iter().find(|r| r.id == "serving-commitment").unwrap();
    assert!(commitment.title.starts_with("Commit "), "{}", commitment.title);
    assert!(commitment.tradeoff.contains("risk"), "{}", commitment.tradeoff);
    // The cheapest point on the front is at least as cheap as any single change.
    let cheapest = advice.pareto_front.first().unwrap().cost_usd.get();
    assert!(advice.recommendations.iter().all(|r| cheapest <= r.cost_usd.get() * (1.0 + 1e-9)));
}

#[test]
fn training_advice_makes_a_run_that_does_not_fit_fit_within_its_deadline() {
    let (scenario, advice) = advice(TRAINING);
    check(&scenario, &advice);
    let right_size = advice.recommendations.iter().find(|r| r.id == "training-right-size").unwrap();
    let report = estimate(&right_size.scenario).unwrap().training.unwrap();
    assert!(report.fits_in_memory);
    assert!(report.wall_clock_hours.get() <= 720.0);
}

#[test]
fn a_typed_price_and_both_sections_are_advised_too() {
    for json in [TYPED_SERVING, BOTH] {
        let (scenario, advice) = advice(json);
        check(&scenario, &advice);
        assert!(!advice.pareto_front.is_empty());
    }
    let (_, both) = advice(BOTH);
    let sections: Vec<Section> = both.current.iter().map(|c| c.section).collect();
    assert_eq!(sections, [Section::Training, Section::Serving]);
    // Spot fine-tuning on the same machine, checkpointing at the interval the engine picks.
    let spot = both.recommendations.iter().find(|r| r.id == "training-plan").unwrap();
    assert!(spot.title.contains("-minute checkpoint interval"), "{}", spot.title);
    assert!(!spot.title.contains('{'), "{}", spot.title);
}

#[test]
fn a_training_run_that_does_not_fit_does_not_hold_back_serving_advice() {
    let training = scenario(TRAINING);
    let serving = scenario(SERVING);
    let both = Scenario { training: training.training, ..serving };
    let advice = optimize(&both, book(), &Settings::default()).unwrap();
    check(&both, &advice);
    assert!(advice.recommendations.iter().any(|r| r.section == Section::Serving));
    assert!(advice.pareto_front.iter().any(|p| p.section == Section::Serving));
}

#[test]
fn the_advice_is_deterministic() {
    let scenario = scenario(BOTH);
    let first = optimize(&scenario, book(), &Settings::default()).unwrap();
    let second = optimize(&scenario, book(), &Settings::default()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn the_waterfall_combines_only_what_the_user_accepts() {
    let scenario = scenario(SERVING);
    let settings =
        Settings { accepted: Some(vec!["serving-commitment".into()]), ..Settings::default() };
    let advice = optimize(&scenario, book(), &settings).unwrap();
    check(&scenario, &advice);
    let serving = advice.waterfall.iter().find(|w| w.section == Section::Serving).unwrap();
    let ids: Vec<&str> = serving.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["serving-commitment"]);
    let commitment = advice.recommendations.iter().find(|r| r.id == "serving-commitment").unwrap();
    assert!(
        (serving.end_usd.get() - commitment.cost_usd.get()).abs() < 1e-6 * serving.start_usd.get()
    );
}

#[test]
fn sparsity_speeds_up_only_on_sparse_tensor_cores() {
    let (_, h100) = advice(SERVING);
    let two_four = h100.what_ifs.pruning.iter().find(|p| p.kind == "2:4").unwrap();
    assert!(two_four.accelerated && two_four.change_percent.unwrap() < 0.0);
    let unstructured = h100.what_ifs.pruning.iter().find(|p| p.kind == "unstructured").unwrap();
    assert!(!unstructured.accelerated && unstructured.change_percent == Some(0.0));
    // An accelerator without sparse peaks in the hardware table gains nothing from 2:4.
    let dense_only = book()
        .accelerators
        .iter()
        .find(|a| a.sparse.sixteen_bit().is_none() && a.sparse.fp8.is_none())
        .expect("the table has an accelerator without sparse tensor cores");
    let json = SERVING
        .replace("\"h100-sxm\"", &format!("\"{}\"", dense_only.id))
        .replace("\"offer\": \"aws:p5.48xlarge\",", "\"price_per_accelerator_hour\": 2.0,")
        .replace("\"plan\": \"on-demand\",", "")
        .replace("\"tensor\": 4", "\"tensor\": 8");
    let scenario = scenario(&json);
    let advice = optimize(&scenario, book(), &Settings::default()).unwrap();
    let two_four = advice.what_ifs.pruning.iter().find(|p| p.kind == "2:4").unwrap();
    assert!(!two_four.accelerated, "{}", dense_only.id);
    assert!((two_four.speedup - 1.0).abs() < 1e-12);
}

#[test]
fn quantization_what_ifs_cite_their_quality_cost() {
    let (_, advice) = advice(SERVING);
    let rows = &advice.what_ifs.quantization;
    assert!(rows.len() >= 5);
    let fp8 = rows.iter().find(|q| q.weight_precision == mlcost::StoragePrecision::Fp8).unwrap();
    assert!(fp8.fits_in_memory && fp8.monthly_cost_usd.is_some());
    assert!(fp8.quality.contains("model card"), "{}", fp8.quality);
    let bf16 = rows.iter().find(|q| q.weight_precision == mlcost::StoragePrecision::Bf16).unwrap();
    assert!(
        (fp8.weights_per_accelerator_bytes.get() * 2.0 - bf16.weights_per_accelerator_bytes.get())
            .abs()
            < 1.0
    );
    // Half the bytes per decode step and FP8 tensor cores: more tokens per replica.
    assert!(fp8.output_tokens_per_second_per_replica > bf16.output_tokens_per_second_per_replica);
}

#[test]
fn distillation_pays_back_in_one_off_cost_over_monthly_saving() {
    let (_, advice) = advice(SERVING);
    let d = advice.what_ifs.distillation.as_ref().unwrap();
    assert!(d.student_parameters.get() < 70e9 / 4.0);
    // A text model's student writes text too: never an encoder, an image or a speech model.
    let student = mlcost::catalogue::presets::preset(&d.student, "student").unwrap();
    assert!(student.decoder, "{} is not a text-generating model", d.student);
    assert!(
        (d.one_off_usd.get() - d.teacher_generation_usd.get() - d.student_training_usd.get()).abs()
            < 1e-6 * d.one_off_usd.get()
    );
    assert!(
        (d.monthly_saving_usd.get() - (d.teacher_monthly_usd.get() - d.student_monthly_usd.get()))
            .abs()
            < 1e-6 * d.teacher_monthly_usd.get()
    );
    let days = d.payback_days.unwrap().get();
    // Paid back over the billing month the monthly saving is priced on (730 h), not another.
    // The student's training run is priced on a layout it fits in.
    assert!(d.student_training_usd.get() > 0.0);
    assert!(
        (days - d.one_off_usd.get() / (d.monthly_saving_usd.get() / mlcost::units::DAYS_PER_MONTH))
            .abs()
            < 1e-6 * days
    );
    // A bigger distillation run pays back later.
    let settings =
        Settings { distillation_tokens: Some(d.tokens.get() * 4.0), ..Settings::default() };
    let longer = optimize(&scenario(SERVING), book(), &settings).unwrap();
    assert!(longer.what_ifs.distillation.unwrap().payback_days.unwrap().get() > days);
}

#[test]
fn lora_and_qlora_need_less_memory_than_full_fine_tuning() {
    let (_, advice) = advice(BOTH);
    let rows = &advice.what_ifs.fine_tuning;
    assert_eq!(rows.len(), 3);
    assert!(rows[1].memory_per_accelerator_bytes < rows[0].memory_per_accelerator_bytes);
    assert!(rows[2].memory_per_accelerator_bytes < rows[1].memory_per_accelerator_bytes);
    assert!(rows[1].trainable_parameters < rows[0].trainable_parameters / 100.0);
}

#[test]
fn bad_settings_name_their_field() {
    let scenario = scenario(SERVING);
    let bad = Settings { distillation_tokens: Some(-1.0), ..Settings::default() };
    let error = optimize(&scenario, book(), &bad).unwrap_err().to_string();
    assert!(error.starts_with("optimize.distillation_tokens"), "{error}");
    let accepted = Settings { accepted: Some(vec!["serving-magic".into()]), ..Settings::default() };
    let error = optimize(&scenario, book(), &accepted).unwrap_err().to_string();
    assert!(error.starts_with("optimize.accepted[0]"), "{error}");
    assert!(error.contains("serving-commitment"), "{error}");
    let unknown = Settings { student: Some("gpt-9".into()), ..Settings::default() };
    let error = optimize(&scenario, book(), &unknown).unwrap_err().to_string();
    assert!(error.starts_with("optimize.student"), "{error}");
}

/// The advisor prices speculative decoding and split pools as what-ifs: heads and a draft of the
/// model's vocabulary at each published acceptance rate, and the two pools on the offer's network
/// against the combined replicas at one price.
#[test]
fn the_what_ifs_price_speculation_and_split_pools() {
    let (_, offered) = advice(include_str!("../../../../examples/serve-llama-3.3-70b-fp8.json"));
    let w = &offered.what_ifs;
    let drafts: Vec<&str> = w.speculative_decoding.iter().map(|s| s.draft.as_str()).collect();
    assert!(drafts.contains(&"heads") && drafts.contains(&"llama-3.1-8b"), "{drafts:?}");
    // A higher acceptance rate never serves fewer tokens.
    for pair in w.speculative_decoding.windows(2).filter(|p| p[0].draft == p[1].draft) {
        let (low, high) = (&pair[0], &pair[1]);
        let served =
            |s: &mlcost::optimize::SpeculationWhatIf| s.output_tokens_per_second_per_replica;
        assert!(served(high) >= served(low), "{pair:?}");
    }
    let split = w.split.as_ref().expect("p5's network is sourced");
    assert!(
        split.accelerator_hours_per_day > 0.0 && split.combined_accelerator_hours_per_day > 0.0
    );
    // A typed price says nothing of a network: no split to price.
    let typed = include_str!("../../../../examples/serve-llama-3.3-70b-fp8.json")
        .replace(r#""offer": "aws:p5.48xlarge""#, r#""price_per_accelerator_hour": 4"#);
    let (_, typed) = advice(&typed);
    assert!(typed.what_ifs.split.is_none());
}

/// With a 99th-percentile target, the search's sizing by the roofline is not the estimate's: the
/// right-sizing move estimates the search's cheapest few in full and takes the estimate's
/// cheapest, never dearer than the search's first choice as the estimate prices it.
#[test]
fn right_sizing_under_percentile_targets_takes_the_estimates_cheapest() {
    let mut scenario = scenario(SERVING);
    let serving = scenario.serving.as_mut().unwrap();
    serving.slo.ttft_p99_ms = Some(mlcost::units::Milliseconds::new(1500.0));
    let serving = serving.clone();
    let advice = optimize(&scenario, book(), &Settings::default()).unwrap();
    let moved = advice
        .recommendations
        .iter()
        .find(|r| r.id == mlcost::optimize::Move::ServingRightSize)
        .expect("a cheaper layout");
    let found = mlcost::serving::search::search(&scenario.model, &serving, book(), None).unwrap();
    let same_plan = |c: &&mlcost::serving::search::Candidate| {
        matches!(c.billed, mlcost::serving::search::Billed::Plan(Some(mlcost::Plan::OnDemand)))
            && c.weight_precision == serving.weight_precision
    };
    let first = found
        .feasible
        .iter()
        .filter(same_plan)
        .min_by(|a, b| a.monthly_cost_usd.get().total_cmp(&b.monthly_cost_usd.get()))
        .unwrap();
    let first_scenario = Scenario { serving: Some(first.apply(&serving, book())), ..scenario };
    let first_cost = estimate(&first_scenario).unwrap().serving.unwrap().monthly_cost_usd;
    let first_cost = first_cost.unwrap().get();
    let cost = moved.cost_usd.get();
    assert!(cost <= first_cost + 1e-6, "{cost} against {first_cost}");
    let after = estimate(&moved.scenario).unwrap().serving.unwrap();
    assert!(after.percentile_sizing.is_some(), "sized by the simulation");
}
