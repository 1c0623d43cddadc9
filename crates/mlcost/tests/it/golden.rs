//! Golden tests: the engine reproduces published training runs. Each figure names its source.
//! Tolerances: arithmetic exact (to float rounding) when MFU and goodput are given.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mlcost::training::mfu;
use mlcost::{Precision, Report, Scenario, TrainingReport, estimate};

fn training(json: &str) -> TrainingReport {
    let scenario = Scenario::from_json(json).unwrap();
    let Report { training, .. } = estimate(&scenario).unwrap();
    training.unwrap()
}

fn defaulted(report: &TrainingReport, field: &str) -> bool {
    report.assumptions.iter().any(|a| a.field == field)
}

fn within(actual: f64, expected: f64, tolerance: f64) -> bool {
    ((actual - expected) / expected).abs() <= tolerance
}

/// DeepSeek-V3 Technical Report (arXiv 2412.19437), Table 1: pre-training took 2,664K H800 GPU-hours
/// on 14.8T tokens; 37B of the 671B parameters are active per token; 2,048 H800; priced at $2 per
/// GPU-hour the report gives $5.328M for pre-training. 6 × 37e9 × 14.8e12 = 3.2856e24 FLOPs; at 34.6%
/// of the 989.5 TFLOP/s dense BF16 peak with no time lost that is 2.667M GPU-hours.
#[test]
fn deepseek_v3_pretraining_gpu_hours() {
    let report = training(
        r#"{"model": {"parameters": 37e9},
            "training": {"tokens": 14.8e12, "accelerator": "h800-sxm", "accelerator_count": 2048,
                         "precision": "bf16", "mfu": 0.346, "goodput": 1.0,
                         "price_per_accelerator_hour": 2.0}}"#,
    );
    assert!(within(report.flops.get(), 3.2856e24, 1e-12), "{:?}", report.flops);
    let gpu_hours = report.accelerator_hours.get();
    assert!(within(gpu_hours, 2.664e6, 0.01), "GPU-hours {gpu_hours}");
    assert!(within(report.compute_cost_usd.get(), 5.328e6, 0.01), "{:?}", report.compute_cost_usd);
    // 2,664K GPU-hours on 2,048 GPUs is 54 days of wall clock.
    assert!(within(report.wall_clock_hours.get(), 2.664e6 / 2048.0, 0.01));
    assert!(!defaulted(&report, "training.mfu") && !defaulted(&report, "training.goodput"));
}

/// The Llama 3 Herd of Models (arXiv 2407.21783): 405B parameters, 15.6T tokens, 3.8e25 FLOPs
/// (§3.3: 6ND gives 3.79e25), 38–43% BF16 MFU on up to 16,384 H100; the Llama 3.1 model card gives
/// 30.84M H100 GPU-hours for 405B. That total covers the whole run, with its lower-MFU phases and
/// interruptions: at the midpoint MFU and the modelled goodput for 16,384 GPUs, the estimate
/// lands within 15% of it.
#[test]
fn llama3_405b_with_the_modelled_goodput() {
    let report = training(
        r#"{"model": {"parameters": 405e9},
            "training": {"tokens": 15.6e12, "accelerator": "h100-sxm", "accelerator_count": 16384,
                         "precision": "bf16", "mfu": 0.405, "price_per_accelerator_hour": 2.0}}"#,
    );
    assert!(within(report.flops.get(), 3.8e25, 0.01), "{:?}", report.flops);
    assert!(report.goodput.get() > 0.90, "Llama 3 reports >90% effective training time");
    let gpu_hours = report.accelerator_hours.get();
    assert!(within(gpu_hours, 30.84e6, 0.15), "GPU-hours {gpu_hours}");
    assert!(defaulted(&report, "training.goodput") && !defaulted(&report, "training.mfu"));
}

/// LLaMA (arXiv 2302.13971), Table 15: LLaMA-65B took 1,022,362 A100-80GB GPU-hours for 1.4T
/// tokens, and §2.4 gives about 380 tokens/s/GPU on 2,048 GPUs, i.e. 6 × 65.2e9 × 380 = 1.49e14 FLOP/s
/// per GPU, 47.6% of the 312 TFLOP/s BF16 peak.
#[test]
fn llama1_65b_gpu_hours_from_its_throughput() {
    let report = training(
        r#"{"model": {"parameters": 65.2e9},
            "training": {"tokens": 1.4e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
                         "precision": "bf16", "mfu": 0.476, "goodput": 1.0,
                         "price_per_accelerator_hour": 1.0}}"#,
    );
    let gpu_hours = report.accelerator_hours.get();
    assert!(within(gpu_hours, 1_022_362.0, 0.02), "GPU-hours {gpu_hours}");
}

/// Every run of the engine's list, reproduced with every default (MFU and goodput) applied, lands
/// within ±45% of its published accelerator-hours: the default is fitted on these runs and the
/// validation table's, so this checks the fit passes near each; the validation table scores them
/// leave-one-out. Measured: −33% (BLOOM, on 384 GPUs with recomputation) to +41% (LLaMA-1 13B,
/// the most efficient of its group).
#[test]
fn published_runs_are_reproduced_with_the_defaults() {
    let mut failures = Vec::new();
    for run in mfu::PUBLISHED_RUNS {
        let defaults = run.scenario.replace(r#""mfu": 1, "goodput": 1, "#, "");
        assert_ne!(
            defaults, run.scenario,
            "{}: scenario must state mfu and goodput as 1",
            run.name
        );
        let report = training(&defaults);
        let hours = report.accelerator_hours.get();
        let error = hours / run.accelerator_hours - 1.0;
        eprintln!(
            "reproduced {}: {hours:.0} vs {} ({:+.1}%)",
            run.name,
            run.accelerator_hours,
            error * 100.0
        );
        if error.abs() > 0.45 {
            failures.push(format!("{}: {:+.1}%", run.name, error * 100.0));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn precision_selects_the_dense_peak() {
    let scenario = |precision: Precision| {
        let mut scenario = Scenario::from_json(
            r#"{"model": {"parameters": 7e9},
                "training": {"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 8,
                             "precision": "bf16", "mfu": 0.4, "goodput": 1.0,
                             "price_per_accelerator_hour": 2.0}}"#,
        )
        .unwrap();
        if let Some(training) = scenario.training.as_mut() {
            training.precision = precision;
        }
        estimate(&scenario).unwrap().training.unwrap()
    };
    let bf16 = scenario(Precision::Bf16);
    let fp8 = scenario(Precision::Fp8);
    assert!(within(bf16.peak_flops_per_accelerator.get(), 989.5e12, 1e-12));
    assert!(within(bf16.accelerator_hours.get(), 2.0 * fp8.accelerator_hours.get(), 1e-9));
}

/// Right-sizing: the recommendation meets the deadline, is the cheapest candidate that does, and
/// costs what the engine says when its own scenario is estimated; the front has no dominated point.
#[test]
fn right_sizing_recommends_what_the_engine_reproduces() {
    let json = r#"{"model": {"preset": "llama-3.1-8b"},
        "training": {"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 64,
                     "precision": "bf16", "price_per_accelerator_hour": 3.0, "deadline_hours": 720}}"#;
    let report = training(json);
    let sizing = report.rightsizing.as_ref().unwrap();
    assert!(sizing.candidates_considered > 1000, "{}", sizing.candidates_considered);
    let recommended = report.recommendation.clone().unwrap();
    assert!(recommended.wall_clock_hours.get() <= 720.0);
    for point in &sizing.pareto_front {
        let dominated = sizing.pareto_front.iter().any(|other| {
            other.compute_cost_usd <= point.compute_cost_usd
                && other.wall_clock_hours <= point.wall_clock_hours
                && (other.compute_cost_usd < point.compute_cost_usd
                    || other.wall_clock_hours < point.wall_clock_hours)
        });
        assert!(!dominated, "{point:?} is dominated");
    }
    let cheaper_in_time = sizing
        .pareto_front
        .iter()
        .filter(|c| c.wall_clock_hours.get() <= 720.0)
        .any(|c| c.compute_cost_usd < recommended.compute_cost_usd);
    assert!(!cheaper_in_time, "a cheaper front point meets the deadline");

    let again = json
        .replace(
            r#""accelerator": "h100-sxm", "accelerator_count": 64"#,
            &format!(
                r#""accelerator": "{}", "accelerator_count": {}, "offer": "{}", "plan": "{}""#,
                recommended.accelerator,
                recommended.accelerator_count,
                recommended.offer,
                recommended.plan.as_str()
            ),
        )
        .replace(r#""price_per_accelerator_hour": 3.0, "#, "");
    let reproduced = training(&again);
    assert!(
        within(reproduced.compute_cost_usd.get(), recommended.compute_cost_usd.get(), 1e-9),
        "{again}"
    );
    assert!(within(reproduced.wall_clock_hours.get(), recommended.wall_clock_hours.get(), 1e-9));
}

/// Language Models are Few-Shot Learners (Brown et al. 2020, arXiv 2005.14165), Table D.1: GPT-3
/// 175B trained on 300B tokens for 3.14e23 FLOPs, which is 6·N·D.
#[test]
fn gpt3_training_flops() {
    let report = training(
        r#"{"model": {"parameters": 175e9},
            "training": {"tokens": 300e9, "accelerator": "v100-32gb", "accelerator_count": 1024,
                         "precision": "fp16", "mfu": 0.3, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
    );
    assert!(within(report.flops.get(), 3.14e23, 0.01), "{:?}", report.flops);
}

/// Using DeepSpeed and Megatron to Train Megatron-Turing NLG 530B (Smith et al. 2022, arXiv
/// 2201.11990): 105 layers, width 20,480, 128 heads, 2,048-token sequences (§2.3); batch 1,920 took
/// 60.1 s per iteration on 2,240 A100 at 126 TFLOP/s per GPU (§2.4), counted with full activation
/// recomputation. This engine's hardware FLOPs per iteration, at that rate, give the same time.
#[test]
fn mt_nlg_iteration_time_from_hardware_flops() {
    let report = training(
        r#"{"model": {"parameters": 530e9, "layers": 105, "hidden_size": 20480, "attention_heads": 128,
                      "vocab_size": 51200, "sequence_length": 2048},
            "training": {"tokens": 3932160, "accelerator": "a100-sxm-80gb", "accelerator_count": 2240,
                         "precision": "bf16", "activation_checkpointing": true, "mfu": 0.3, "goodput": 1,
                         "parallelism": {"tensor": 8, "pipeline": 35},
                         "price_per_accelerator_hour": 1}}"#,
    );
    let seconds = report.hardware_flops.get() / (2240.0 * 126e12);
    assert!(within(seconds, 60.1, 0.02), "{seconds} s per iteration");
}

/// Efficient Large-Scale Language Model Training on GPU Clusters (Narayanan et al. 2021, arXiv
/// 2104.04473) counts FLOPs per iteration as 96·B·s·l·h²·(1 + s/6h + V/16lh) with full recomputation
/// (§5.1); for its 1T-parameter model (128 layers, width 25,600, 2,048 tokens, vocabulary 51,200,
/// Table 1) this engine's hardware FLOPs per token agree within 1%.
#[test]
fn megatron_flop_formula_for_the_one_trillion_model() {
    let (layers, width, sequence, vocab) = (128.0, 25_600.0, 2048.0, 51_200.0);
    let megatron_per_token = 96.0
        * layers
        * width
        * width
        * (1.0 + sequence / (6.0 * width) + vocab / (16.0 * layers * width));
    let parameters = 12.0
        * layers
        * width
        * width
        * (1.0 + 13.0 / (12.0 * width) + (vocab + sequence) / (12.0 * layers * width));
    let report = training(&format!(
        r#"{{"model": {{"parameters": {parameters}, "layers": 128, "hidden_size": 25600, "attention_heads": 160,
                        "vocab_size": 51200, "sequence_length": 2048}},
            "training": {{"tokens": 1e9, "accelerator": "a100-sxm-80gb", "accelerator_count": 3072,
                         "precision": "bf16", "activation_checkpointing": true, "mfu": 0.4, "goodput": 1,
                         "price_per_accelerator_hour": 1}}}}"#
    ));
    let per_token = report.hardware_flops.get() / 1e9;
    assert!(within(per_token, megatron_per_token, 0.01), "{per_token:e} vs {megatron_per_token:e}");
}

/// DeepSeek-V3's pre-training layout (arXiv 2412.19437 §3.2: 16-way pipeline, 64-way expert
/// parallelism, ZeRO-1, 2,048 H800 of 80 GB). Storing every activation it does not fit; the report
/// fits it by recomputing the cheap parts (§3.2.3). The estimate says so in a note, with the
/// memory full checkpointing and selective recomputation would need — each the estimate's own
/// figure with that setting on — and with selective recomputation the run fits.
#[test]
fn a_run_that_does_not_fit_for_its_activations_says_what_recomputation_needs() {
    let scenario = |recompute: &str| {
        format!(
            r#"{{"model": {{"preset": "deepseek-v3"}},
                "training": {{"tokens": 14.8e12, "accelerator": "h800-sxm", "accelerator_count": 2048,
                             "precision": "bf16", "price_per_accelerator_hour": 2.0, {recompute}
                             "parallelism": {{"pipeline": 16, "expert": 64, "zero_stage": 1}}}}}}"#
        )
    };
    let plain = training(&scenario(""));
    assert!(!plain.fits_in_memory);
    let note = plain.notes.iter().find(|n| n.starts_with("does not fit")).expect("a note");
    for setting in [r#""activation_checkpointing": true,"#, r#""selective_recomputation": true,"#] {
        let recomputed = training(&scenario(setting));
        assert!(recomputed.fits_in_memory, "{setting}");
        let gb = recomputed.memory_per_accelerator_bytes.get() / 1e9;
        assert!(note.contains(&format!("need {gb:.0} GB")), "{setting}: {note}");
        assert!(recomputed.notes.iter().all(|n| !n.starts_with("does not fit")));
    }
    // Selective recomputation repeats only the key-value up-projections: about 1% more FLOPs.
    let selective = training(&scenario(r#""selective_recomputation": true,"#));
    let extra = selective.hardware_flops.get() / plain.hardware_flops.get() - 1.0;
    assert!((0.0..0.02).contains(&extra), "{extra}");
}

/// The app's opening example, DeepSeek-V3's pre-training as published (arXiv 2412.19437: FP8 mixed
/// precision, §3.3; 14.8T tokens on 2,048 H800 with the layout above; Table 1: 2,664K GPU-hours),
/// estimated with every efficiency defaulted — the MFU fitted to published runs (this one among
/// them; the validation table scores it leave-one-out), the published FP8 speed-up, the modelled
/// goodput. Measured: 2.75M GPU-hours, 3% above the published figure; a default that no longer
/// lands within ±20% of it has moved away from reality.
#[test]
fn deepseek_v3_with_the_defaults_lands_near_its_published_gpu_hours() {
    let report = training(
        r#"{"model": {"preset": "deepseek-v3"},
            "training": {"tokens": 14.8e12, "accelerator": "h800-sxm", "accelerator_count": 2048,
                         "precision": "fp8", "price_per_accelerator_hour": 2.0,
                         "selective_recomputation": true,
                         "parallelism": {"pipeline": 16, "expert": 64, "zero_stage": 1}}}"#,
    );
    assert!(report.fits_in_memory);
    assert!(defaulted(&report, "training.mfu") && defaulted(&report, "training.goodput"));
    let gpu_hours = report.accelerator_hours.get();
    assert!(within(gpu_hours, 2.664e6, 0.20), "GPU-hours {gpu_hours}");
}

/// FP8 with the default MFU gains the published speed-up over BF16, not nothing and not the peak
/// ratio.
#[test]
fn fp8_with_the_default_mfu_is_faster_than_bf16_by_the_published_speedup() {
    let hours = |precision: &str| {
        training(&format!(
            r#"{{"model": {{"preset": "llama-3.1-70b"}},
                "training": {{"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 256,
                             "precision": "{precision}", "goodput": 1.0, "price_per_accelerator_hour": 2.0}}}}"#
        ))
        .accelerator_hours
        .get()
    };
    let speedup = hours("bf16") / hours("fp8");
    assert!(within(speedup, mlcost::training::mfu::fp8_speedup(), 1e-9), "{speedup}");
    assert!((1.1..1.7).contains(&speedup), "{speedup}");
}
