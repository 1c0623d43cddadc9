//! What-ifs: the techniques that cut cost, each priced by the engine on the scenario as it stands
//! (same hardware, layout and plan), with its published quality cost beside it.

use serde::{Deserialize, Serialize};

use crate::catalogue::presets;
use crate::catalogue::pricing::PriceBook;
use crate::estimate_with_options;
use crate::report::Report;
use crate::scenario::Scenario;
use crate::scenario::model::Model;
use crate::scenario::serving::{Serving, SpeculativeDecoding};
use crate::scenario::training::Training;
use crate::serving;
use crate::serving::report::{ServingReport, SplitServing};
use crate::serving::search::FORMATS;
use crate::vocabulary::error::Error;
use crate::vocabulary::terms::StoragePrecision;
use crate::vocabulary::terms::{Method, Precision};
use crate::vocabulary::units::{
    Bytes, DAYS_PER_MONTH, Days, Fraction, Hours, Milliseconds, Parameters, SECONDS_PER_HOUR,
    Tokens, Usd,
};

use super::quality;
use super::settings::Settings;

/// Measured end-to-end speed-up of 2:4 sparsity in serving: Llama-3-8B pruned with SparseGPT, on
/// vLLM, 97.6 s against 123.7 s dense (HPC-AI Tech blog, "Explore 2:4 Semi-Structured Sparsity
/// with 1.27× speedup"). One measurement, not a law: shown as the published figure it is.
pub const TWO_FOUR_SPEEDUP: f64 = 123.7 / 97.6;

/// Acceptance rates the speculative-decoding what-if prices: the span of published ones, from 0.65
/// (EAGLE-3's chain of 3 on MT-Bench, fitted to its Table 3, arXiv 2503.01840) to 0.85–0.9
/// (DeepSeek-V3's own head, arXiv 2412.19437 §5.4.3).
pub const ACCEPTANCE_RATES: [f64; 3] = [0.65, 0.75, 0.9];

/// Prefix-cache hit rates the what-if prices.
const HIT_RATES: [f64; 5] = [0.0, 0.25, 0.5, 0.75, 0.9];

/// The techniques that cut cost, each priced by the engine on the scenario as it stands (same
/// hardware, layout and plan), with its published quality cost beside it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct WhatIfs {
    /// Serving with the weights in each searched format, the scenario's own first when it is not
    /// one of them; empty without serving.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quantization: Vec<QuantizationWhatIf>,
    /// The served model pruned 2:4, then unstructured; empty without serving.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pruning: Vec<PruningWhatIf>,
    /// Serving a smaller student distilled from the model; absent when serving is not priced, the
    /// model has no transformer shape, or the student cannot be priced (`notes` may say why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distillation: Option<DistillationWhatIf>,
    /// The training run as a full fine-tune, with LoRA and with QLoRA; empty without training.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fine_tuning: Vec<FineTuneWhatIf>,
    /// Serving under batch caps doubling from 1 up to the batch the SLO allows; empty when
    /// serving is not priced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub batching: Vec<BatchWhatIf>,
    /// Serving at prefix-cache hit rates from 0 to 0.9; empty when serving is not priced or the
    /// model has no transformer shape.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_cache: Vec<CacheWhatIf>,
    /// Speculative decoding turned on: prediction heads (one token drafted), and a smaller preset
    /// with the model's vocabulary as a draft model (four), at each of `ACCEPTANCE_RATES`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub speculative_decoding: Vec<SpeculationWhatIf>,
    /// Prefill and decode on separate pools (the replica's layout, the offer's sourced network),
    /// against the combined replicas, like for like.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<SplitServing>,
    /// The published quality and speed figures behind the fine-tuning, batching and caching rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

/// The serving scenario with weights in another format, on the same hardware.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct QuantizationWhatIf {
    /// The format the weights are stored in.
    pub weight_precision: StoragePrecision,
    /// Whether weights and KV cache fit in each accelerator's memory.
    pub fits_in_memory: bool,
    /// The weights' share of each accelerator's memory.
    pub weights_per_accelerator_bytes: Bytes,
    /// Weights and the KV cache the rest of the memory holds.
    pub memory_per_accelerator_bytes: Bytes,
    /// Output tokens a second one replica generates at the largest batch meeting the SLO.
    pub output_tokens_per_second_per_replica: f64,
    /// Replicas the peak hour needs; absent when serving is not priced (no load or no price).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas_peak: Option<u32>,
    /// Monthly serving cost, USD; absent when serving is not priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cost_usd: Option<Usd>,
    /// Against the scenario as it stands, percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_percent: Option<f64>,
    /// The format's published quality cost, from the published model nearest this one.
    pub quality: String,
}

/// The served model pruned, on the same hardware.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct PruningWhatIf {
    /// `2:4` or `unstructured`.
    pub kind: String,
    /// Whether the accelerator runs this sparsity faster than dense.
    pub accelerated: bool,
    /// Serving speed-up the cost assumes: the published 2:4 measurement (`TWO_FOUR_SPEEDUP`)
    /// when accelerated, 1 otherwise.
    pub speedup: f64,
    /// Monthly serving cost at that speed-up, USD; absent when serving is not priced or the
    /// sped-up estimate fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cost_usd: Option<Usd>,
    /// Against the scenario as it stands, percent; absent when either cost is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_percent: Option<f64>,
    /// The published quality cost and measured speed, and why it saves nothing where it cannot.
    pub note: String,
}

/// Serving a smaller student distilled from the model: a one-off cost against a monthly saving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct DistillationWhatIf {
    /// The student's model preset id.
    pub student: String,
    /// The student's parameter count.
    pub student_parameters: Parameters,
    /// Tokens the teacher generates and the student trains on: `optimize.distillation_tokens`,
    /// or Minitron's published budget (94 billion) when absent.
    pub tokens: Tokens,
    /// The teacher generating `tokens` at its largest batch, on the scenario's serving hardware.
    pub teacher_generation_usd: Usd,
    /// Training the student on `tokens`.
    pub student_training_usd: Usd,
    /// The one-off cost, USD: the teacher's generation plus the student's training.
    pub one_off_usd: Usd,
    /// The model's monthly serving cost as the scenario stands, USD.
    pub teacher_monthly_usd: Usd,
    /// The student's monthly cost serving the same load on the same hardware and plan, USD.
    pub student_monthly_usd: Usd,
    /// `teacher_monthly_usd` less `student_monthly_usd`, USD a month; negative when the student
    /// costs more.
    pub monthly_saving_usd: Usd,
    /// Days of the monthly saving that repay the one-off cost; absent when the student saves
    /// nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payback_days: Option<Days>,
    /// Published distillation budgets and the quality they kept.
    pub quality: String,
}

/// The training run with another fine-tuning method, on the same hardware.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct FineTuneWhatIf {
    /// Full fine-tuning, LoRA or QLoRA.
    pub method: Method,
    /// Parameters the run updates: all of them, or the adapters'.
    pub trainable_parameters: Parameters,
    /// Bytes on the busiest accelerator.
    pub memory_per_accelerator_bytes: Bytes,
    /// Whether the run fits in each accelerator's memory.
    pub fits_in_memory: bool,
    /// The run's wall-clock hours.
    pub wall_clock_hours: Hours,
    /// The run's total cost (compute, storage and egress), USD.
    pub total_cost_usd: Usd,
}

/// Serving with the batch capped, on the same hardware.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct BatchWhatIf {
    /// The largest batch meeting the SLO under the cap (the estimate's `batch_at_slo`).
    pub max_batch: u32,
    /// Time to first token at the peak hour's load, milliseconds.
    pub ttft_ms: Milliseconds,
    /// Time per output token at the peak hour's load, milliseconds.
    pub tpot_ms: Milliseconds,
    /// Output tokens a second one replica generates at `max_batch`.
    pub output_tokens_per_second_per_replica: f64,
    /// Replicas the peak hour needs.
    pub replicas_peak: u32,
    /// Monthly serving cost, USD.
    pub monthly_cost_usd: Usd,
}

/// Serving with a share of prompt tokens served from a prefix cache, on the same hardware.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct CacheWhatIf {
    /// Share of prompt tokens served from the cache (not recomputed), a fraction 0–1.
    pub hit_rate: Fraction,
    /// Requests a second one replica serves at the SLO.
    pub requests_per_second_per_replica: f64,
    /// Monthly serving cost, USD.
    pub monthly_cost_usd: Usd,
}

/// Serving with speculative decoding on, at one published acceptance rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct SpeculationWhatIf {
    /// The draft: `heads`, or a preset's id.
    pub draft: String,
    /// The chance the model accepts a drafted token, a fraction 0–1.
    pub acceptance_rate: Fraction,
    /// Tokens drafted each step: 1 with heads, 4 with a draft model.
    pub draft_tokens: u32,
    /// At the peak hour's load.
    pub tpot_ms: Milliseconds,
    /// Output tokens a second one replica generates at the largest batch meeting the SLO.
    pub output_tokens_per_second_per_replica: f64,
    /// Monthly serving cost, USD; absent when the estimate prices none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cost_usd: Option<Usd>,
    /// Against the scenario as it stands, percent; absent when either cost is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_percent: Option<f64>,
}

fn estimate(scenario: &Scenario, book: &PriceBook) -> Option<Report> {
    estimate_with_options(scenario, book, crate::Options::FIGURES).ok()
}

fn serving_report(
    scenario: &Scenario,
    serving: Serving,
    book: &PriceBook,
) -> Option<ServingReport> {
    estimate(&Scenario { serving: Some(serving), training: None, ..scenario.clone() }, book)?
        .serving
}

fn change(cost: Option<Usd>, base: Option<Usd>) -> Option<f64> {
    match (cost, base) {
        (Some(c), Some(b)) if b.get() > 0.0 => Some((c / b - 1.0) * 100.0),
        _ => None,
    }
}

pub(super) fn what_ifs(
    scenario: &Scenario,
    base: &Report,
    book: &PriceBook,
    settings: &Settings,
    notes: &mut Vec<String>,
) -> Result<WhatIfs, Error> {
    let mut out = WhatIfs::default();
    if let (Some(serving), Some(now)) = (&scenario.serving, &base.serving) {
        let base_cost = now.monthly_cost_usd;
        let resolved = scenario.model.resolve()?;
        let mut formats = FORMATS.to_vec();
        if !formats.contains(&serving.weight_precision) {
            formats.insert(0, serving.weight_precision);
        }
        for format in formats {
            let variant = Serving { weight_precision: format, ..serving.clone() };
            let Some(r) = serving_report(scenario, variant, book) else { continue };
            let cost = r.monthly_cost_usd;
            out.quantization.push(QuantizationWhatIf {
                weight_precision: format,
                fits_in_memory: r.fits_in_memory,
                weights_per_accelerator_bytes: r.memory.weights_bytes,
                memory_per_accelerator_bytes: r.memory_per_accelerator_bytes,
                output_tokens_per_second_per_replica: r.output_tokens_per_second_per_replica_at_slo,
                replicas_peak: r.replicas_peak,
                monthly_cost_usd: cost,
                change_percent: change(cost, base_cost),
                quality: quality::weights(
                    format,
                    resolved.parameters.get(),
                    resolved.routed_experts.is_some(),
                )
                .into(),
            });
        }

        // 2:4 sparsity runs faster only on sparse tensor cores; unstructured never does on GPUs.
        let accelerated = book
            .accelerators
            .iter()
            .find(|a| a.id == serving.accelerator)
            .is_some_and(|a| a.sparse.sixteen_bit().is_some() || a.sparse.fp8.is_some());
        let sparse_cost = if accelerated {
            scenario
                .owned_for_plans(book)
                .and_then(|owned| {
                    crate::scenario::resolve::serving::resolve_serving(
                        resolved.clone(),
                        serving,
                        book,
                        owned.as_ref(),
                    )
                })
                .and_then(|run| serving::estimate_with_speedup(run, TWO_FOUR_SPEEDUP))
                .ok()
                .and_then(|r| r.monthly_cost_usd)
        } else {
            base_cost
        };
        out.pruning.push(PruningWhatIf {
            kind: "2:4".into(),
            accelerated,
            speedup: if accelerated { TWO_FOUR_SPEEDUP } else { 1.0 },
            monthly_cost_usd: sparse_cost,
            change_percent: change(sparse_cost, base_cost),
            note: if accelerated {
                quality::TWO_FOUR_SPARSITY.into()
            } else {
                format!(
                    "{} has no sparse tensor cores: 2:4 pruning saves nothing here. {}",
                    serving.accelerator,
                    quality::TWO_FOUR_SPARSITY
                )
            },
        });
        out.pruning.push(PruningWhatIf {
            kind: "unstructured".into(),
            accelerated: false,
            speedup: 1.0,
            monthly_cost_usd: base_cost,
            change_percent: change(base_cost, base_cost),
            note: quality::UNSTRUCTURED_SPARSITY.into(),
        });

        if base_cost.is_some() {
            // Batch caps up to the one the SLO allows.
            let mut cap = 1u32;
            while cap <= now.batch_at_slo.max(1) {
                let variant = Serving { max_batch: Some(cap), ..serving.clone() };
                if let Some(r) = serving_report(scenario, variant, book)
                    && let (Some(cost), Some(peak)) = (r.monthly_cost_usd, r.replicas_peak)
                {
                    out.batching.push(BatchWhatIf {
                        max_batch: r.batch_at_slo,
                        ttft_ms: r.ttft_ms,
                        tpot_ms: r.tpot_ms,
                        output_tokens_per_second_per_replica: r
                            .output_tokens_per_second_per_replica_at_slo,
                        replicas_peak: peak,
                        monthly_cost_usd: cost,
                    });
                }
                if cap == now.batch_at_slo.max(1) {
                    break;
                }
                cap = cap.saturating_mul(2).min(now.batch_at_slo.max(1));
            }
            if resolved.shape.is_some() {
                for hit in HIT_RATES {
                    let variant = Serving { prefix_cache_hit_rate: Some(hit), ..serving.clone() };
                    if let Some(r) = serving_report(scenario, variant, book)
                        && let Some(cost) = r.monthly_cost_usd
                    {
                        out.prefix_cache.push(CacheWhatIf {
                            hit_rate: Fraction::new(hit),
                            requests_per_second_per_replica: r
                                .requests_per_second_per_replica_at_slo,
                            monthly_cost_usd: cost,
                        });
                    }
                }
            }
            if serving.speculative_decoding.is_none() && resolved.shape.is_some() {
                out.speculative_decoding = speculation(scenario, serving, base_cost, book);
            }
            if serving.disaggregation.is_none() && resolved.shape.is_some() {
                out.split = split(scenario, serving, book);
            }
            out.sources.push(quality::BATCHING.into());
            match distillation(scenario, serving, now, book, settings) {
                Ok(found) => out.distillation = found,
                Err(message) => notes.push(format!("distillation what-if: {message}")),
            }
        }
    }
    if let Some(training) = &scenario.training {
        for method in [Method::Full, Method::Lora, Method::Qlora] {
            let variant = Training { method, ..training.clone() };
            let Some(r) = estimate(
                &Scenario { training: Some(variant), serving: None, ..scenario.clone() },
                book,
            )
            .and_then(|r| r.training) else {
                continue;
            };
            out.fine_tuning.push(FineTuneWhatIf {
                method,
                trainable_parameters: r.trainable_parameters,
                memory_per_accelerator_bytes: r.memory_per_accelerator_bytes,
                fits_in_memory: r.fits_in_memory,
                wall_clock_hours: r.wall_clock_hours,
                total_cost_usd: r.total_cost_usd,
            });
        }
        if !out.fine_tuning.is_empty() {
            out.sources.push(quality::LORA.into());
        }
    }
    Ok(out)
}

/// The serving scenario with speculative decoding on: heads, and the largest dense preset of at
/// most a quarter of the model's active parameters with its vocabulary (the same tokenizer, which
/// a draft needs), at each published acceptance rate.
fn speculation(
    scenario: &Scenario,
    serving: &Serving,
    base_cost: Option<Usd>,
    book: &PriceBook,
) -> Vec<SpeculationWhatIf> {
    let Ok(model) = scenario.model.resolve() else { return Vec::new() };
    let vocabulary = model.shape.as_ref().map(|s| s.vocab_size);
    let draft = presets::presets().ok().and_then(|all| {
        all.iter()
            .filter(|p| p.layers.is_some() && p.active_parameters.is_none())
            .filter(|p| p.hidden_size.is_none() || p.sequence_length.is_some())
            .filter(|p| p.vocab_size == vocabulary && p.id != model.name)
            .filter(|p| p.parameters <= model.active_parameters.get() / 4.0)
            .max_by(|a, b| a.parameters.total_cmp(&b.parameters))
    });
    let heads = SpeculativeDecoding { heads: true, ..SpeculativeDecoding::default() };
    let drafts = std::iter::once(("heads".to_owned(), heads)).chain(draft.map(|p| {
        let spec = SpeculativeDecoding {
            draft_model: Some(p.id.clone()),
            ..SpeculativeDecoding::default()
        };
        (p.id.clone(), spec)
    }));
    let mut rows = Vec::new();
    for (name, spec) in drafts {
        for rate in ACCEPTANCE_RATES {
            let spec = SpeculativeDecoding { acceptance_rate: Some(rate), ..spec.clone() };
            let draft_tokens = if spec.heads { 1 } else { 4 };
            let spec = SpeculativeDecoding { draft_tokens: Some(draft_tokens), ..spec };
            let variant = Serving { speculative_decoding: Some(spec), ..serving.clone() };
            let Some(r) = serving_report(scenario, variant, book) else { continue };
            rows.push(SpeculationWhatIf {
                draft: name.clone(),
                acceptance_rate: Fraction::new(rate),
                draft_tokens,
                tpot_ms: r.tpot_ms,
                output_tokens_per_second_per_replica: r.output_tokens_per_second_per_replica_at_slo,
                monthly_cost_usd: r.monthly_cost_usd,
                change_percent: change(r.monthly_cost_usd, base_cost),
            });
        }
    }
    rows
}

/// The scenario's serving with prefill and decode apart on the cheapest pools the search finds
/// (`split::cheapest`); none when its offer's network is not known (or no split serves).
fn split(scenario: &Scenario, serving: &Serving, book: &PriceBook) -> Option<SplitServing> {
    let report = serving_report(scenario, serving.clone(), book)?;
    let model = scenario.model.resolve().ok()?;
    serving::split::cheapest(model, serving, book, &report).map(|(_, split)| split)
}

/// The student's id: the user's, or the largest dense text-generating preset at most a quarter of
/// the teacher's active parameters whose training length is published (a student is trained).
fn student(
    teacher_active: f64,
    settings: &Settings,
) -> Result<&'static presets::ModelPreset, String> {
    if let Some(id) = &settings.student {
        return presets::preset(id, "optimize.student").map_err(|e| e.to_string());
    }
    presets::presets()
        .map_err(|e| e.to_string())?
        .iter()
        .filter(|p| p.decoder && p.active_parameters.is_none() && p.sequence_length.is_some())
        .filter(|p| p.parameters <= teacher_active / 4.0)
        .max_by(|a, b| a.parameters.total_cmp(&b.parameters))
        .ok_or_else(|| "no text-generating preset is small enough to be a student of this model (name one: optimize.student)".to_owned())
}

fn distillation(
    scenario: &Scenario,
    serving: &Serving,
    now: &ServingReport,
    book: &PriceBook,
    settings: &Settings,
) -> Result<Option<DistillationWhatIf>, String> {
    let teacher = scenario.model.resolve().map_err(|e| e.to_string())?;
    if teacher.shape.is_none() {
        return Ok(None);
    }
    let student = student(teacher.active_parameters.get(), settings)?;
    let tokens = match settings.distillation_tokens {
        Some(t) if t.is_finite() && t > 0.0 => t,
        Some(_) => return Err("optimize.distillation_tokens: must be > 0".into()),
        None => quality::DEFAULT_DISTILLATION_TOKENS,
    };
    let (Some(price), Some(teacher_monthly)) =
        (now.price_per_accelerator_hour, now.monthly_cost_usd)
    else {
        return Ok(None);
    };
    // The teacher writes the tokens offline, at its largest batch.
    let per_second = now.max_output_tokens_per_second_per_replica;
    if per_second <= 0.0 {
        return Ok(None);
    }
    let generation = Hours::new(
        tokens / per_second / SECONDS_PER_HOUR * f64::from(now.accelerators_per_replica),
    ) * price;
    let student_model = Model { preset: Some(student.id.clone()), ..Model::default() };
    let student_scenario = Scenario {
        model: student_model.clone(),
        training: None,
        serving: Some(Serving { parallelism: Default::default(), ..serving.clone() }),
        owned: None,
    };
    let student_monthly = estimate(&student_scenario, book)
        .and_then(|r| r.serving)
        .and_then(|s| s.monthly_cost_usd)
        .ok_or("the student cannot serve this load on this hardware")?;
    // The student trains on the scenario's training hardware, or an instance of the serving one.
    let mut training = match &scenario.training {
        Some(t) => Training { method: Method::Full, ..t.clone() },
        None => {
            let count = serving
                .offer
                .as_deref()
                .and_then(|id| book.offer(id, "serving.offer").ok())
                .map_or(8, |o| o.accelerator_count);
            let mut t = Training::new(serving.accelerator.clone(), count, Precision::Bf16);
            if serving.price_per_accelerator_hour.is_some() {
                t.price_per_accelerator_hour = serving.price_per_accelerator_hour;
            } else {
                t.offer = serving.offer.clone();
            }
            t
        }
    };
    training.tokens = Some(tokens);
    training.samples = None;
    training.epochs = None;
    training.lora_rank = None;
    training.parallelism = crate::scenario::training::Parallelism::default();
    training.global_batch = None;
    // On a layout it fits in: the smallest split, as the advisor's moves choose.
    training.parallelism = crate::training::fitting_parallelism(&student_model, &training, book)
        .ok_or("the student does not fit in memory on the training hardware")?;
    let student_training = estimate(
        &Scenario { model: student_model, training: Some(training), serving: None, owned: None },
        book,
    )
    .and_then(|r| r.training)
    .ok_or("the student's training run cannot be estimated on this hardware")?;
    let one_off = generation + student_training.total_cost_usd;
    let saving = teacher_monthly - student_monthly;
    Ok(Some(DistillationWhatIf {
        student: student.id.clone(),
        student_parameters: Parameters::new(student.parameters),
        tokens: Tokens::new(tokens),
        teacher_generation_usd: generation,
        student_training_usd: student_training.total_cost_usd,
        one_off_usd: one_off,
        teacher_monthly_usd: teacher_monthly,
        student_monthly_usd: student_monthly,
        monthly_saving_usd: saving,
        payback_days: (saving.get() > 0.0)
            .then(|| Days::new(one_off.get() / (saving.get() / DAYS_PER_MONTH))),
        quality: quality::DISTILLATION.into(),
    }))
}
