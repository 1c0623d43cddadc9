//! The default MFU: calibrated on published training runs, per accelerator generation, as a
//! function of model scale.
//!
//! Why a trend in model size? Published runs on the same hardware differ most by it: the Llama 3.1
//! family on H100 reached about 18%, 29% and 37% MFU (after failure losses) at 8B, 70B and 405B
//! parameters (model card GPU-hours). Bigger matrices keep tensor cores busier per byte moved and
//! per collective. Within a generation, MFU is fitted as a line in log10(active parameters); outside
//! the fitted sizes it stays at the nearest end, never extrapolated.
//!
//! Each run's steady-state MFU is its model FLOPs (this engine's count, attention included) over its
//! published accelerator-hours times the dense BF16 peak, divided by the goodput the engine models for
//! its cluster size, so that default MFU and default goodput together reproduce the published hours.

use std::sync::LazyLock;

use crate::catalogue::hardware::{Accelerator, Generation};
use crate::catalogue::pricing::PriceBook;
use crate::scenario::Scenario;
use crate::scenario::resolve::training::resolve_training;
use crate::training::reliability::modelled_goodput;
use crate::training::work::training_work;
use crate::vocabulary::error::Error;
use crate::vocabulary::terms::Precision;

/// What a published run is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Fitted: the default MFU trend passes through these.
    Calibration,
    /// Held out: never fitted, used only to check the trend's predictions.
    Holdout,
}

/// A published training run with its accelerator-hours.
#[derive(Debug, Clone, Copy)]
pub struct PublishedRun {
    pub name: &'static str,
    pub role: Role,
    /// The run as a scenario, with `mfu` and `goodput` set to 1 (so it prices ideal hours).
    pub scenario: &'static str,
    pub accelerator_hours: f64,
    pub source: &'static str,
}

/// Held out, never fitted: Llama 2 (Touvron et al. 2023, arXiv 2307.09288) Table 2, A100-80GB
/// GPU-hours for pre-training the 7B, 13B and 70B on 2T tokens (4,096-token context).
/// LLaMA (Touvron et al. 2023, arXiv 2302.13971): shapes from Table 2 (MLP width 2/3·4h rounded up
/// to a multiple of 256, §2.2), 2,048-token context, 2,048 A100-80GB (§2.4), tokens and GPU-hours
/// from Table 15. Llama 3.1: the model card's H100-80GB GPU-hours for pre-training the 8B, 70B and
/// 405B on 15T (15.6T for 405B, The Llama 3 Herd of Models §3.3) tokens, up to 16,384 GPUs.
pub const PUBLISHED_RUNS: &[PublishedRun] = &[
    PublishedRun {
        name: "LLaMA-1 7B",
        role: Role::Calibration,
        scenario: r#"{"model": {"parameters": 6.7e9, "layers": 32, "hidden_size": 4096, "intermediate_size": 11008,
            "attention_heads": 32, "vocab_size": 32000, "sequence_length": 2048},
            "training": {"tokens": 1.0e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 82_432.0,
        source: "LLaMA (arXiv 2302.13971) Table 15",
    },
    PublishedRun {
        name: "LLaMA-1 13B",
        role: Role::Calibration,
        scenario: r#"{"model": {"parameters": 13.0e9, "layers": 40, "hidden_size": 5120, "intermediate_size": 13824,
            "attention_heads": 40, "vocab_size": 32000, "sequence_length": 2048},
            "training": {"tokens": 1.0e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 135_168.0,
        source: "LLaMA (arXiv 2302.13971) Table 15",
    },
    PublishedRun {
        name: "LLaMA-1 33B",
        role: Role::Calibration,
        scenario: r#"{"model": {"parameters": 32.5e9, "layers": 60, "hidden_size": 6656, "intermediate_size": 17920,
            "attention_heads": 52, "vocab_size": 32000, "sequence_length": 2048},
            "training": {"tokens": 1.4e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 530_432.0,
        source: "LLaMA (arXiv 2302.13971) Table 15",
    },
    PublishedRun {
        name: "LLaMA-1 65B",
        role: Role::Calibration,
        scenario: r#"{"model": {"parameters": 65.2e9, "layers": 80, "hidden_size": 8192, "intermediate_size": 22016,
            "attention_heads": 64, "vocab_size": 32000, "sequence_length": 2048},
            "training": {"tokens": 1.4e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 1_022_362.0,
        source: "LLaMA (arXiv 2302.13971) Table 15",
    },
    PublishedRun {
        name: "Llama 2 7B",
        role: Role::Holdout,
        scenario: r#"{"model": {"preset": "llama-2-7b"},
            "training": {"tokens": 2e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 184_320.0,
        source: "Llama 2 (arXiv 2307.09288) Table 2; cluster size assumed 2,048",
    },
    PublishedRun {
        name: "Llama 2 13B",
        role: Role::Holdout,
        scenario: r#"{"model": {"preset": "llama-2-13b"},
            "training": {"tokens": 2e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 368_640.0,
        source: "Llama 2 (arXiv 2307.09288) Table 2; cluster size assumed 2,048",
    },
    PublishedRun {
        name: "Llama 2 70B",
        role: Role::Holdout,
        scenario: r#"{"model": {"preset": "llama-2-70b"},
            "training": {"tokens": 2e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 2048,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 1_720_320.0,
        source: "Llama 2 (arXiv 2307.09288) Table 2; cluster size assumed 2,048",
    },
    PublishedRun {
        name: "BLOOM 176B",
        role: Role::Holdout,
        scenario: r#"{"model": {"preset": "bloom-176b"},
            "training": {"tokens": 366e9, "accelerator": "a100-sxm-80gb", "accelerator_count": 384,
            "precision": "bf16", "activation_checkpointing": true, "parallelism": {"tensor": 4, "pipeline": 12},
            "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 1_082_990.0,
        source: "BLOOM (arXiv 2211.05100) and model card: 1,082,990 A100-80GB hours on 384 GPUs, recomputation on",
    },
    PublishedRun {
        name: "Falcon 180B",
        role: Role::Holdout,
        scenario: r#"{"model": {"preset": "falcon-180b"},
            "training": {"tokens": 3.5e12, "accelerator": "a100-sxm-40gb", "accelerator_count": 4096,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 7.0e6,
        source: "The Falcon Series of Open Language Models (arXiv 2311.16867): ~7M A100-40GB hours, up to 4,096 GPUs",
    },
    PublishedRun {
        name: "MPT-7B",
        role: Role::Holdout,
        scenario: r#"{"model": {"parameters": 6.7e9, "layers": 32, "hidden_size": 4096, "attention_heads": 32,
            "intermediate_size": 16384, "vocab_size": 50432, "sequence_length": 2048},
            "training": {"tokens": 1e12, "accelerator": "a100-sxm-40gb", "accelerator_count": 440,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 100_320.0,
        source: "MosaicML MPT-7B announcement: 440 A100-40GB for 9.5 days (440 x 9.5 x 24)",
    },
    PublishedRun {
        name: "StarCoderBase 15.5B",
        role: Role::Holdout,
        scenario: r#"{"model": {"parameters": 15.5e9, "layers": 40, "hidden_size": 6144, "attention_heads": 48,
            "kv_heads": 1, "intermediate_size": 24576, "vocab_size": 49152, "sequence_length": 8192},
            "training": {"tokens": 1e12, "accelerator": "a100-sxm-80gb", "accelerator_count": 512,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 320_256.0,
        source: "StarCoder (arXiv 2305.06161): 320,256 A100-80GB hours on 512 GPUs",
    },
    PublishedRun {
        name: "Llama 3.1 8B",
        role: Role::Calibration,
        scenario: r#"{"model": {"preset": "llama-3.1-8b"},
            "training": {"tokens": 15e12, "accelerator": "h100-sxm", "accelerator_count": 16384,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 1.46e6,
        source: "Llama 3.1 model card (GPU-hours, H100-80GB); cluster size assumed 16,384 as for 405B",
    },
    PublishedRun {
        name: "Llama 3.1 70B",
        role: Role::Calibration,
        scenario: r#"{"model": {"preset": "llama-3.1-70b"},
            "training": {"tokens": 15e12, "accelerator": "h100-sxm", "accelerator_count": 16384,
            "precision": "bf16", "mfu": 1, "goodput": 1, "price_per_accelerator_hour": 1}}"#,
        accelerator_hours: 7.0e6,
        source: "Llama 3.1 model card (GPU-hours, H100-80GB); cluster size assumed 16,384 as for 405B",
    },
    PublishedRun {
        name: "Llama 3.1 405B",
        role: Role::Calibration,
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

/// A run reduced to what the fit needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunPoint {
    pub role: Role,
    pub generation: Generation,
    /// The run's accelerator's chip (the hardware table's `chip`).
    pub chip: &'static str,
    pub log10_active_parameters: f64,
    /// Steady-state MFU: ideal hours over published hours, over the modelled goodput.
    pub mfu: f64,
}

/// MFU = intercept + slope · log10(active parameters), held flat beyond a decade outside the fitted
/// range [min, max].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    pub intercept: f64,
    pub slope: f64,
    pub min_log10: f64,
    pub max_log10: f64,
}

impl Trend {
    pub fn at(&self, active_parameters: f64) -> f64 {
        let x = active_parameters
            .log10()
            .clamp(self.min_log10 - EXTRAPOLATION_DECADES, self.max_log10 + EXTRAPOLATION_DECADES);
        (self.intercept + self.slope * x).clamp(MIN_MFU, MAX_MFU)
    }
}

/// How far beyond the fitted model sizes the trend is followed.
const EXTRAPOLATION_DECADES: f64 = 1.0;

/// Bounds on any default: below 5% or above 60% no published large run sits.
const MIN_MFU: f64 = 0.05;
const MAX_MFU: f64 = 0.60;

/// Least-squares line through the points (flat at their mean when they share one size).
pub fn fit(points: &[RunPoint]) -> Option<Trend> {
    let n = points.len() as f64;
    if points.is_empty() {
        return None;
    }
    let mean_x = points.iter().map(|p| p.log10_active_parameters).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.mfu).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.log10_active_parameters - mean_x).powi(2)).sum();
    let sxy: f64 =
        points.iter().map(|p| (p.log10_active_parameters - mean_x) * (p.mfu - mean_y)).sum();
    let slope = if sxx > 1e-12 { sxy / sxx } else { 0.0 };
    let (min, max) = points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
        (lo.min(p.log10_active_parameters), hi.max(p.log10_active_parameters))
    });
    Some(Trend { intercept: mean_y - slope * mean_x, slope, min_log10: min, max_log10: max })
}

/// Each published run's point, computed with this engine.
pub fn run_points() -> Result<Vec<RunPoint>, Error> {
    let book = PriceBook::bundled()?;
    PUBLISHED_RUNS
        .iter()
        .map(|run| {
            let scenario = Scenario::from_json(run.scenario)?;
            let training = scenario
                .training
                .as_ref()
                .ok_or_else(|| Error::new(run.name, crate::vocabulary::error::Problem::Missing))?;
            // The run's parts, not the whole estimate: this runs once per program, on the
            // first estimate (which it would otherwise call), and the web app's first render
            // waits for it.
            let resolved = resolve_training(scenario.model.resolve()?, training, book)?;
            let work = training_work(&resolved);
            // The hours at 100% MFU and no time lost.
            let ideal = (work.model_flops / resolved.peak).get();
            // The goodput the engine models for this run, as the defaults would apply it.
            let (_, modelled) = modelled_goodput(&resolved, &work);
            let goodput = modelled.goodput;
            Ok(RunPoint {
                role: run.role,
                generation: Generation::of(resolved.accelerator),
                // The bundled book's, which outlives the run's scenario.
                chip: &book.accelerator(&training.accelerator, "training.accelerator")?.chip,
                log10_active_parameters: resolved.model.active_parameters.get().log10(),
                mfu: ideal / (run.accelerator_hours * goodput.get()),
            })
        })
        .collect()
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

/// For each published run, by name: the MFU a trend fitted without it predicts for it over what
/// the default trend predicts (1 for a held-out run, which the trend never saw). Hours go as one
/// over MFU, so a run's estimate scored leave-one-out is its default estimate over this factor.
pub fn leave_one_out_factors() -> Result<Vec<(&'static str, f64)>, Error> {
    let points = run_points()?;
    let fitted_on = |point: &RunPoint, skip: Option<usize>| -> Vec<RunPoint> {
        points
            .iter()
            .enumerate()
            .filter(|&(i, p)| {
                Some(i) != skip && p.generation == point.generation && p.role == Role::Calibration
            })
            .map(|(_, p)| *p)
            .collect()
    };
    Ok(PUBLISHED_RUNS
        .iter()
        .zip(&points)
        .enumerate()
        .map(|(index, (run, point))| {
            let size = 10f64.powf(point.log10_active_parameters);
            let factor = match (
                point.role,
                fit(&fitted_on(point, None)),
                fit(&fitted_on(point, Some(index))),
            ) {
                (Role::Calibration, Some(all), Some(without)) => without.at(size) / all.at(size),
                _ => 1.0,
            };
            (run.name, factor)
        })
        .collect())
}

/// What the published runs calibrate: per generation, the fitted trend and the range of
/// steady-state MFU over every run (fitted or held out), to show how far real runs stray from the
/// trend; and the chips the runs were measured on.
struct Calibrated {
    trends: [(Option<Trend>, (f64, f64)); 2],
    /// Each generation's range as every default's source states it, written once.
    reached: [String; 2],
    chips: Vec<&'static str>,
}

static CALIBRATED: LazyLock<Result<Calibrated, Error>> = LazyLock::new(|| {
    let points = run_points()?;
    let range = |generation: Generation| {
        points
            .iter()
            .filter(|p| p.generation == generation)
            .fold((f64::INFINITY, 0.0f64), |(lo, hi), p| (lo.min(p.mfu), hi.max(p.mfu)))
    };
    let of = |generation: Generation| {
        let group: Vec<RunPoint> = points
            .iter()
            .copied()
            .filter(|p| p.generation == generation && p.role == Role::Calibration)
            .collect();
        fit(&group)
    };
    // A run per entry (a few dozen): a list to search, no need to sort it.
    let chips = points.iter().map(|p| p.chip).collect();
    let trends = [
        (of(Generation::Ampere), range(Generation::Ampere)),
        (of(Generation::Hopper), range(Generation::Hopper)),
    ];
    let reached = trends.map(|(_, (lowest, highest))| {
        format!(
            "(published runs on this generation reached {:.0}-{:.0}%)",
            lowest * 100.0,
            highest * 100.0
        )
    });
    Ok(Calibrated { trends, reached, chips })
});

/// Whether published runs were measured on this accelerator's chip (the same silicon: the H800
/// and H200 share the H100's).
pub fn calibrates(accelerator: &Accelerator) -> bool {
    CALIBRATED
        .as_ref()
        .is_ok_and(|calibrated| calibrated.chips.contains(&accelerator.chip.as_str()))
}

/// The calibrated default MFU for a run, and a sentence saying where it comes from.
pub fn default_mfu(
    accelerator: &Accelerator,
    precision: Precision,
    active_parameters: f64,
    recompute_ratio: f64,
    dense_bf16_peak: f64,
    precision_peak: f64,
) -> Result<(f64, String), Error> {
    let calibrated = CALIBRATED.as_ref().map_err(Clone::clone)?;
    let generation = Generation::of(accelerator);
    let index = match generation {
        Generation::Ampere => 0,
        Generation::Hopper => 1,
    };
    let (trend, reached) = (calibrated.trends[index].0, &calibrated.reached[index]);
    let Some(trend) = trend else {
        return Err(Error::new("training.mfu", crate::vocabulary::error::Problem::Missing));
    };
    // The trend is in BF16 terms. FP8 reaches BF16's FLOP/s times the published speed-up; FP32,
    // with no tensor-core peak to compare against, the same fraction of its own peak.
    // Recomputation's extra FLOPs come out of the same hardware throughput.
    let bf16 = trend.at(active_parameters);
    let precision_scale = if precision == Precision::Fp8 {
        fp8_speedup() * dense_bf16_peak / precision_peak
    } else {
        1.0
    };
    let mfu = (bf16 * precision_scale / recompute_ratio).clamp(0.01, 1.0);
    let group = match generation {
        Generation::Ampere => "A100 runs (LLaMA-1 7B-65B, arXiv 2302.13971 Table 15)",
        Generation::Hopper => "H100 runs (Llama 3.1 8B/70B/405B, model card GPU-hours)",
    };
    let mut source = format!(
        "calibrated: MFU trend in model size fitted to published {group}, {:.1}% at {:.3e} active \
         parameters {reached}",
        bf16 * 100.0,
        active_parameters,
    );
    if !calibrates(accelerator) {
        let trend = match generation {
            Generation::Ampere => "A100",
            Generation::Hopper => "H100",
        };
        source.push_str(&format!(
            "; no published run on this accelerator, so the {trend} trend is applied"
        ));
    }
    match precision {
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
    if recompute_ratio > 1.0 {
        source.push_str("; lowered by activation recomputation's extra FLOPs");
    }
    Ok((mfu, source))
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

    #[test]
    fn a_line_through_two_points() {
        let points = [
            RunPoint {
                role: Role::Calibration,
                generation: Generation::Hopper,
                chip: "gh100",
                log10_active_parameters: 10.0,
                mfu: 0.2,
            },
            RunPoint {
                role: Role::Calibration,
                generation: Generation::Hopper,
                chip: "gh100",
                log10_active_parameters: 11.0,
                mfu: 0.4,
            },
        ];
        let trend = fit(&points).unwrap();
        assert!((trend.at(10f64.powf(10.5)) - 0.3).abs() < 1e-12);
        // Followed a decade beyond the fitted sizes, then held flat (and within bounds).
        assert!((trend.at(1e9) - 0.05).abs() < 1e-12);
        assert!((trend.at(1e6) - 0.05).abs() < 1e-12);
        assert!((trend.at(1e12) - 0.6).abs() < 1e-12);
        assert!((trend.at(1e15) - 0.6).abs() < 1e-12);
    }
}
