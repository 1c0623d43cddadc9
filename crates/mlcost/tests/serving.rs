//! Serving: memory verdicts, the roofline no estimate may beat, and published serving benchmarks
//! (±30% with the calibrated defaults). Each figure names its source.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use mlcost::serving::ServingReport;
use mlcost::{Scenario, estimate};

fn serving(model: &str, serving: &str) -> ServingReport {
    let json = format!(r#"{{"model": {model}, "serving": {serving}}}"#);
    let scenario = Scenario::from_json(&json).unwrap();
    estimate(&scenario).unwrap().serving.unwrap()
}

fn within(actual: f64, expected: f64, tolerance: f64) -> bool {
    ((actual - expected) / expected).abs() <= tolerance
}

#[test]
fn a_70b_model_in_16_bit_does_not_fit_one_80gb_accelerator_but_in_4_bit_does() {
    let model = r#"{"preset": "llama-3.1-70b"}"#;
    let bf16 = serving(
        model,
        r#"{"accelerator": "h100-sxm", "input_tokens": 1000, "output_tokens": 200}"#,
    );
    assert!(!bf16.fits_in_memory);
    let int4 = serving(
        model,
        r#"{"accelerator": "h100-sxm", "weight_precision": "int4", "input_tokens": 1000, "output_tokens": 200}"#,
    );
    assert!(int4.fits_in_memory, "{int4:?}");
    assert!(int4.weights_bytes < bf16.weights_bytes);
}

/// Roofline arithmetic (../shared reference S2): one H100's 3.35 TB/s over Llama-3.1-8B's ~8 GB of FP8
/// weights caps single-stream decoding near 419 tokens/s; no batch beats bandwidth or compute peaks.
#[test]
fn no_estimate_beats_the_roofline() {
    let report = serving(
        r#"{"preset": "llama-3.1-8b"}"#,
        r#"{"accelerator": "h100-sxm", "weight_precision": "fp8", "input_tokens": 128, "output_tokens": 128}"#,
    );
    let batch_one = 1000.0 / report.latency_vs_batch[0].tpot_ms;
    let ceiling = 3.35e12 / report.weights_bytes.get();
    assert!(batch_one <= ceiling, "{batch_one} > {ceiling}");
    for point in &report.latency_vs_batch {
        let bytes = report.weights_bytes.get()
            + f64::from(point.batch) * report.kv_cache_bytes_per_token.get() * 192.0;
        let bandwidth_bound = f64::from(point.batch) / (bytes / 3.35e12);
        let compute_bound = 1979e12 / (2.0 * 8.03e9);
        let tokens_per_second = 1000.0 / point.tpot_ms * f64::from(point.batch);
        assert!(tokens_per_second <= bandwidth_bound.min(compute_bound) * 1.0001, "{point:?}");
    }
}

/// llm-analysis (cli99/llm-analysis, examples/llama2) reproduces a measured Llama-2-70B on 2×A100-80GB
/// at batch 1, 128 tokens in and 242 out, at about 25.6 tokens/s (flops efficiency 0.7, HBM 0.9).
#[test]
fn llama2_70b_on_two_a100s_at_batch_one() {
    let report = serving(
        r#"{"preset": "llama-2-70b"}"#,
        r#"{"accelerator": "a100-sxm-80gb", "tensor_parallel": 2, "input_tokens": 128, "output_tokens": 242,
            "engine_efficiency": {"compute": 0.7, "bandwidth": 0.9}}"#,
    );
    let tokens_per_second = 1000.0 / report.latency_vs_batch[0].tpot_ms;
    assert!(within(tokens_per_second, 25.6, 0.30), "{tokens_per_second}");
}

/// NVIDIA TensorRT-LLM performance overview: Llama-3.1-8B FP8 on one H100 SXM, maximum throughput in
/// output tokens/s: 28,312 at 128/128 input/output tokens (the calibration point) and 9,305 at
/// 2,048/2,048 (held out).
#[test]
fn tensorrt_llm_max_throughput_on_one_h100() {
    for (input, output, published) in [(128, 128, 28_312.0), (2048, 2048, 9_305.0)] {
        let report = serving(
            r#"{"preset": "llama-3.1-8b"}"#,
            &format!(
                r#"{{"accelerator": "h100-sxm", "weight_precision": "fp8", "input_tokens": {input},
                    "output_tokens": {output}}}"#
            ),
        );
        let measured = report.max_output_tokens_per_second_per_replica;
        eprintln!("TensorRT-LLM {input}/{output}: {measured:.0} vs {published}");
        assert!(within(measured, published, 0.30), "{input}/{output}: {measured} vs {published}");
    }
}

#[test]
fn a_tighter_slo_never_allows_a_bigger_batch() {
    let at = |tpot: f64| {
        serving(
            r#"{"preset": "llama-3.1-8b"}"#,
            &format!(
                r#"{{"accelerator": "h100-sxm", "input_tokens": 512, "output_tokens": 256, "slo": {{"tpot_ms": {tpot}}}}}"#
            ),
        )
        .batch_at_slo
    };
    assert!(at(20.0) <= at(50.0));
    assert!(at(1.0) == 0, "no batch decodes in 1 ms on one H100");
}

/// KV cache per token: Llama-3.1-8B's GQA (32 layers × 8 KV heads × 128 × 2 tensors × 2 bytes =
/// 128 KiB) and DeepSeek-V3's MLA latent (61 layers × (512 + 64) × 2 bytes = 70 KB, DeepSeek-V2 §2.1.3).
#[test]
fn kv_cache_per_token_for_gqa_and_mla() {
    let request = r#"{"accelerator": "h200-sxm", "tensor_parallel": 8, "input_tokens": 1000, "output_tokens": 100}"#;
    let llama = serving(r#"{"preset": "llama-3.1-8b"}"#, request);
    assert!((llama.kv_cache_bytes_per_token.get() - 131_072.0).abs() < 1e-6);
    let deepseek = serving(r#"{"preset": "deepseek-v3"}"#, request);
    assert!((deepseek.kv_cache_bytes_per_token.get() - 61.0 * 576.0 * 2.0).abs() < 1e-6);
}

#[test]
fn tensor_parallelism_pays_for_its_all_reduces() {
    let at = |tp: u32| {
        serving(
            r#"{"preset": "llama-3.1-70b"}"#,
            &format!(r#"{{"accelerator": "h100-sxm", "tensor_parallel": {tp}, "input_tokens": 128, "output_tokens": 128}}"#),
        )
        .latency_vs_batch[0]
        .tpot_ms
    };
    // Twice the accelerators read the weights twice as fast, but not quite: the all-reduces remain.
    let (two, four) = (at(2), at(4));
    assert!(four < two && four > two / 2.0, "tp2 {two} ms, tp4 {four} ms");
}
