//! The default MFU: fitted on every published training run and benchmark of the validation table,
//! per accelerator generation, as a function of model size and cluster size.
//!
//! Why model size? Bigger matrices keep tensor cores busier per byte moved and per collective: the
//! Llama 3.1 family on 16,384 H100 reached about 19%, 32% and 41% steady-state MFU at 8B, 70B and
//! 405B parameters (model card GPU-hours).
//!
//! Why cluster size? The more accelerators share a step, the more of it is communication and the
//! smaller each one's share of the batch: published 8-GPU benchmarks of Llama 3.1 8B on H100 reach
//! about three times the MFU of its 16,384-GPU run. A fit in model size alone, on the largest runs,
//! sat at the slow end of every smaller run (up to 3× too many hours).
//!
//! The model: ln MFU = a(generation) + b · log10(active parameters) + c · log10(accelerators), by
//! least squares over every published run, each point its steady-state MFU in BF16 terms: its model
//! FLOPs over its published accelerator-hours times the dense peak, over the goodput the engine
//! models for it (1 for a benchmark), times its recomputation's extra FLOPs and over FP8's speed-up,
//! so that the default MFU and default goodput together reproduce published hours. The fit's
//! coefficients are written in `mfu_fitted.rs`, which a test checks against the fit (and rewrites
//! with `MLCOST_BLESS=1`): the first estimate reads three numbers instead of estimating every
//! published run, and the browser's first render carries no validation table. Outside the fitted
//! model and cluster sizes the default holds at the nearest edge; it never leaves the range of
//! published runs' MFU.

use crate::catalogue::hardware::{Accelerator, Generation};
use crate::training::mfu_fitted::FITTED;
use crate::training::mfu_model::generation_index;
use crate::vocabulary::terms::Precision;

/// A published training run with its accelerator-hours (the runs of the validation table are
/// data, in `pricing-data/validation.json`; these are the engine's own, older list).
#[derive(Debug, Clone, Copy)]
pub struct PublishedRun {
    /// The run's name ("LLaMA-1 7B"); its id is derived from it with [`run_id`].
    pub name: &'static str,
    /// The run as a scenario, with `mfu` and `goodput` set to 1 (so it prices ideal hours).
    pub scenario: &'static str,
    /// The accelerator-hours the source publishes for the run.
    pub accelerator_hours: f64,
    /// Where the hours are published.
    pub source: &'static str,
}

/// Llama 2 (Touvron et al. 2023, arXiv 2307.09288) Table 2, A100-80GB GPU-hours for pre-training
/// the 7B, 13B and 70B on 2T tokens (4,096-token context). LLaMA (Touvron et al. 2023, arXiv 2302.13971): shapes from Table 2 (MLP width 2/3·4h rounded up
/// to a multiple of 256, §2.2), 2,048-token context, 2,048 A100-80GB (§2.4), tokens and GPU-hours
/// from Table 15. Llama 3.1: the model card's H100-80GB GPU-hours for pre-training the 8B, 70B and
/// 405B on 15T (15.6T for 405B, The Llama 3 Herd of Models §3.3) tokens, up to 16,384 GPUs.
pub const PUBLISHED_RUNS: &[PublishedRun] = &[
    PublishedRun {
        name: "LLaMA-1 7B",
        scenario: r#"{"model": {"parameters": 6.7e9, "layers": 32, "hidden_size": 4096, "intermediate_size": 11008,
            "attention_heads": 32, "vocab_size": 32000, "sequence_length": 2048},
            "training": {"tokens": 1.0e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 82_432.0,
        source: "LLaMA (arXiv 2302.13971) Table 15",
    },
    PublishedRun {
        name: "LLaMA-1 13B",
        scenario: r#"{"model": {"parameters": 13.0e9, "layers": 40, "hidden_size": 5120, "intermediate_size": 13824,
            "attention_heads": 40, "vocab_size": 32000, "sequence_length": 2048},
            "training": {"tokens": 1.0e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 135_168.0,
        source: "LLaMA (arXiv 2302.13971) Table 15",
    },
    PublishedRun {
        name: "LLaMA-1 33B",
        scenario: r#"{"model": {"parameters": 32.5e9, "layers": 60, "hidden_size": 6656, "intermediate_size": 17920,
            "attention_heads": 52, "vocab_size": 32000, "sequence_length": 2048},
            "training": {"tokens": 1.4e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 530_432.0,
        source: "LLaMA (arXiv 2302.13971) Table 15",
    },
    PublishedRun {
        name: "LLaMA-1 65B",
        scenario: r#"{"model": {"parameters": 65.2e9, "layers": 80, "hidden_size": 8192, "intermediate_size": 22016,
            "attention_heads": 64, "vocab_size": 32000, "sequence_length": 2048},
            "training": {"tokens": 1.4e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 1_022_362.0,
        source: "LLaMA (arXiv 2302.13971) Table 15",
    },
    PublishedRun {
        name: "Llama 2 7B",
        scenario: r#"{"model": {"preset": "llama-2-7b"},
            "training": {"tokens": 2e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 184_320.0,
        source: "Llama 2 (arXiv 2307.09288) Table 2; cluster size assumed 2,048",
    },
    PublishedRun {
        name: "Llama 2 13B",
        scenario: r#"{"model": {"preset": "llama-2-13b"},
            "training": {"tokens": 2e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 368_640.0,
        source: "Llama 2 (arXiv 2307.09288) Table 2; cluster size assumed 2,048",
    },
    PublishedRun {
        name: "Llama 2 70B",
        scenario: r#"{"model": {"preset": "llama-2-70b"},
            "training": {"tokens": 2e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 1_720_320.0,
        source: "Llama 2 (arXiv 2307.09288) Table 2; cluster size assumed 2,048",
    },
    PublishedRun {
        name: "BLOOM 176B",
        scenario: r#"{"model": {"preset": "bloom-176b"},
            "training": {"tokens": 366e9, "accelerator": "a100-sxm-80gb", "accelerator_count": 384,
            "precision": "bf16", "activation_checkpointing": true, "parallelism": {"tensor": 4, "pipeline": 12},
            "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 1_082_990.0,
        source: "BLOOM (arXiv 2211.05100) and model card: 1,082,990 A100-80GB hours on 384 GPUs, recomputation on",
    },
    PublishedRun {
        name: "Falcon 180B",
        scenario: r#"{"model": {"preset": "falcon-180b"},
            "training": {"tokens": 3.5e12, "accelerator": "a100-sxm-40gb", "accelerator_count": 4096,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 7.0e6,
        source: "The Falcon Series of Open Language Models (arXiv 2311.16867): ~7M A100-40GB hours, up to 4,096 GPUs",
    },
    PublishedRun {
        name: "MPT-7B",
        scenario: r#"{"model": {"parameters": 6.7e9, "layers": 32, "hidden_size": 4096, "attention_heads": 32,
            "intermediate_size": 16384, "vocab_size": 50432, "sequence_length": 2048},
            "training": {"tokens": 1e12, "accelerator": "a100-sxm-40gb", "accelerator_count": 440,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 100_320.0,
        source: "MosaicML MPT-7B announcement: 440 A100-40GB for 9.5 days (440 x 9.5 x 24)",
    },
    PublishedRun {
        name: "StarCoderBase 15.5B",
        scenario: r#"{"model": {"parameters": 15.5e9, "layers": 40, "hidden_size": 6144, "attention_heads": 48,
            "kv_heads": 1, "intermediate_size": 24576, "vocab_size": 49152, "sequence_length": 8192},
            "training": {"tokens": 1e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 512,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 320_256.0,
        source: "StarCoder (arXiv 2305.06161): 320,256 A100-80GB hours on 512 GPUs",
    },
    PublishedRun {
        name: "Llama 3.1 8B",
        scenario: r#"{"model": {"preset": "llama-3.1-8b"},
            "training": {"tokens": 15e12, "accelerator": "h100-sxm", "accelerator_count": 16384,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 1.46e6,
        source: "Llama 3.1 model card (GPU-hours, H100-80GB); cluster size assumed 16,384 as for 405B",
    },
    PublishedRun {
        name: "Llama 3.1 70B",
        scenario: r#"{"model": {"preset": "llama-3.1-70b"},
            "training": {"tokens": 15e12, "accelerator": "h100-sxm", "accelerator_count": 16384,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 7.0e6,
        source: "Llama 3.1 model card (GPU-hours, H100-80GB); cluster size assumed 16,384 as for 405B",
    },
    PublishedRun {
        name: "Llama 3.1 405B",
        scenario: r#"{"model": {"preset": "llama-3.1-405b"},
            "training": {"tokens": 15.6e12, "accelerator": "h100-sxm", "accelerator_count": 16384,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 30.84e6,
        source: "Llama 3.1 model card (GPU-hours); The Llama 3 Herd of Models (arXiv 2407.21783) §3.3",
    },
];

/// Measured FP8 training throughput over BF16's, each with the same model, hardware and layout.
///
/// Why not the peak ratio (2×)? Only the matrix multiplications run in FP8; attention, norms,
/// communication and the casts themselves do not get faster, so published runs gain a third, not
/// double.
pub const FP8_SPEEDUPS: &[(&str, f64)] = &[
    (
        "Llama 3.1 405B on 128 H100, 109 to 177 tokens/s per GPU (torchtitan, docs/performance.md)",
        177.0 / 109.0,
    ),
    (
        "DeepSeek-V3 on 256 GB300, 3,848 to 4,357 tokens/s per GPU (NVIDIA NeMo 25.11 performance summary)",
        4357.0 / 3848.0,
    ),
    ("Llama 2 7B on Gaudi2, +34% (Fishman et al. 2024, arXiv 2409.12517)", 1.34),
    ("Llama 4 Scout on GB200, +30.2% with MXFP8 (PyTorch blog on MXFP8 MoE training, 2025)", 1.302),
];

/// The default FP8 speed-up: the median of the published ones.
pub fn fp8_speedup() -> f64 {
    let mut speedups: Vec<f64> = FP8_SPEEDUPS.iter().map(|(_, s)| *s).collect();
    speedups.sort_by(f64::total_cmp);
    let middle = speedups.len() / 2;
    if speedups.len().is_multiple_of(2) {
        (speedups[middle - 1] + speedups[middle]) / 2.0
    } else {
        speedups[middle]
    }
}

/// What a precision's MFU is relative to the BF16-terms default: FP8 reaches BF16's FLOP/s times
/// the published speed-up (so a smaller share of its doubled peak); FP32, with no tensor-core peak
/// to compare against, the same fraction of its own peak.
pub fn precision_scale(precision: Precision, dense_bf16_peak: f64, precision_peak: f64) -> f64 {
    if precision == Precision::Fp8 { fp8_speedup() * dense_bf16_peak / precision_peak } else { 1.0 }
}

/// Whether published runs were measured on this accelerator's chip (the same silicon: the H800
/// and H200 share the H100's).
pub fn calibrates(accelerator: &Accelerator) -> bool {
    crate::training::mfu_fitted::CHIPS.contains(&accelerator.chip.as_str())
}

/// The default MFU of a run on `accelerators` over the same run's on `reference` accelerators:
/// what right-sizing scales a run estimated at one count by, to price it at another (the
/// precision's and recomputation's terms are the same at both and cancel).
pub fn default_mfu_ratio(
    accelerator: &Accelerator,
    active_parameters: f64,
    accelerators: f64,
    reference: f64,
) -> f64 {
    let generation = Generation::of(accelerator);
    FITTED.at(generation, active_parameters, accelerators)
        / FITTED.at(generation, active_parameters, reference)
}

/// How far the default MFU of a run may be scaled down and up before it leaves the range of MFU
/// published runs reached (the fit's bounds, as multiples of this run's default): a range's ends
/// stay within what has been seen, never an MFU of 99%.
pub fn published_bounds_ratio(
    accelerator: &Accelerator,
    active_parameters: f64,
    accelerators: f64,
) -> (f64, f64) {
    let default = FITTED.at(Generation::of(accelerator), active_parameters, accelerators);
    (FITTED.mfu_bounds.0 / default, FITTED.mfu_bounds.1 / default)
}

/// A run's shape as the default needs it.
#[derive(Debug, Clone, Copy)]
pub struct RunShape {
    /// The precision the run trains in.
    pub precision: Precision,
    /// Parameters each token passes through (all of them for a dense model).
    pub active_parameters: f64,
    /// Accelerators in the run.
    pub accelerators: f64,
    /// Hardware FLOPs over model FLOPs (above 1 with activation recomputation).
    pub recompute_ratio: f64,
    /// One accelerator's dense 16-bit peak (BF16, else FP16; the run's peak without either),
    /// FLOP/s.
    pub dense_bf16_peak: f64,
    /// One accelerator's dense peak at the run's precision, FLOP/s.
    pub precision_peak: f64,
}

/// The calibrated default MFU for a run, and a sentence saying where it comes from.
pub fn default_mfu(accelerator: &Accelerator, run: RunShape) -> (f64, String) {
    let generation = Generation::of(accelerator);
    let bf16 = FITTED.at(generation, run.active_parameters, run.accelerators);
    // Recomputation's extra FLOPs come out of the same hardware throughput.
    let scale = precision_scale(run.precision, run.dense_bf16_peak, run.precision_peak);
    let mfu = (bf16 * scale / run.recompute_ratio).clamp(0.01, 1.0);
    let (runs, lowest, highest) = FITTED.runs[generation_index(generation)];
    let group = match generation {
        Generation::Ampere => "A100",
        Generation::Hopper => "H100, H800 and B200",
    };
    let mut source = format!(
        "calibrated: MFU fitted in model size and cluster size to {runs} published {group} runs and \
         benchmarks (mlcost validate), {:.1}% at {:.3e} active parameters on {} accelerators \
         (published runs on this generation reached {:.0}-{:.0}%)",
        bf16 * 100.0,
        run.active_parameters,
        run.accelerators,
        lowest * 100.0,
        highest * 100.0,
    );
    if !calibrates(accelerator) {
        source.push_str(&format!(
            "; no published run on this accelerator, so the {} fit is applied",
            group.split(',').next().unwrap_or(group)
        ));
    }
    match run.precision {
        Precision::Fp8 => {
            let (lowest, highest) = FP8_SPEEDUPS
                .iter()
                .fold((f64::INFINITY, 0.0f64), |(lo, hi), (_, s)| (lo.min(*s), hi.max(*s)));
            source.push_str(&format!(
                "; FP8 at {:.2}× BF16's FLOP/s, the median of {} published comparisons on the same model and hardware ({:.2}-{:.2}×)",
                fp8_speedup(),
                FP8_SPEEDUPS.len(),
                lowest,
                highest
            ))
        }
        Precision::Fp32 => {
            source.push_str("; FP32 assumed to reach the same fraction of its own peak")
        }
        Precision::Bf16 | Precision::Fp16 => {}
    }
    if run.recompute_ratio > 1.0 {
        source.push_str("; lowered by activation recomputation's extra FLOPs");
    }
    (mfu, source)
}

/// A published run's id in the validation table ("LLaMA-1 7B" is `llama-1-7b`).
pub fn run_id(name: &str) -> String {
    let mut id = String::with_capacity(name.len());
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            id.push(ch.to_ascii_lowercase());
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    id.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn fp8_gains_the_median_published_speedup_not_the_peak_ratio() {
        // 1.13, 1.30, 1.34 and 1.62: the median is between the middle two.
        assert!((fp8_speedup() - (1.302 + 1.34) / 2.0).abs() < 1e-12);
        assert!(FP8_SPEEDUPS.iter().all(|(_, s)| (1.0..2.0).contains(s)));
    }
}
