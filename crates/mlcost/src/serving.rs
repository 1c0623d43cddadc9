//! Serving, first part: memory per accelerator (weights, KV cache, runtime) and a prefill/decode
//! roofline for latency and throughput per replica. Traffic over a day, autoscaling and money come
//! next.
//!
//! Tensor parallelism adds two all-reduces per layer over the accelerators' link.
//!
//! Prefill is compute-bound: every prompt token passes through every weight. Decode reads all the
//! weights and every sequence's KV cache once per step, and is bandwidth-bound at small batch and
//! compute-bound at large. Each phase takes the longer of its compute time and its memory time at
//! the engine's efficiency, so no estimate can beat the physical roofline.

use serde::{Deserialize, Serialize};

use crate::check::{fraction, positive};
use crate::error::{Error, Problem};
use crate::model::{Model, ResolvedModel};
use crate::pricing::PriceBook;
use crate::units::Bytes;

/// Fraction of memory a serving engine takes for weights and KV cache: vLLM's default
/// `gpu_memory_utilization` is 0.9 (vLLM engine arguments); the rest is CUDA context, activations
/// and fragmentation.
pub const MEMORY_UTILIZATION: f64 = 0.9;

/// Default fraction of peak FLOP/s reached. Calibrated: TensorRT-LLM serves Llama-3.1-8B in FP8 on one
/// H100 at 28,312 output tokens/s for 128/128-token requests (NVIDIA TensorRT-LLM performance
/// overview), which takes 46% of the FP8 peak at 2·N FLOPs per token.
pub const DEFAULT_COMPUTE_EFFICIENCY: f64 = 0.46;

/// Default fraction of memory bandwidth reached: llm-analysis's value, with which it reproduces a
/// measured Llama-2-70B on 2×A100-80GB at 25.6 tokens/s (cli99/llm-analysis, examples/llama2).
pub const DEFAULT_BANDWIDTH_EFFICIENCY: f64 = 0.9;

/// Seconds one all-reduce takes however small: NCCL's small-message latency within an NVLink domain
/// is on the order of ten microseconds. Estimate.
pub const ALL_REDUCE_LATENCY_SECONDS: f64 = 10e-6;

/// Number formats weights and KV caches are stored in.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoragePrecision {
    Fp32,
    #[default]
    Bf16,
    Fp16,
    Fp8,
    Int8,
    Int4,
    Fp4,
}

impl StoragePrecision {
    pub fn bytes(self) -> f64 {
        match self {
            Self::Fp32 => 4.0,
            Self::Bf16 | Self::Fp16 => 2.0,
            Self::Fp8 | Self::Int8 => 1.0,
            Self::Int4 | Self::Fp4 => 0.5,
        }
    }
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineEfficiency {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<f64>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// Time to first token, milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_ms: Option<f64>,
    /// Time per output token after the first, milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpot_ms: Option<f64>,
}

/// The serving section of a scenario.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Serving {
    pub accelerator: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tensor_parallel: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline_parallel: Option<u32>,
    #[serde(default)]
    pub weight_precision: StoragePrecision,
    /// The KV cache's format; the weights' when they are 8-bit or wider, else BF16.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_cache_precision: Option<StoragePrecision>,
    #[serde(default)]
    pub engine_efficiency: EngineEfficiency,
    /// Mean prompt tokens per request.
    pub input_tokens: f64,
    /// Mean generated tokens per request.
    pub output_tokens: f64,
    /// Share of prompt tokens served from a prefix cache (not recomputed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_cache_hit_rate: Option<f64>,
    #[serde(default)]
    pub slo: Slo,
}

/// Latency and throughput of one replica at one batch size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BatchPoint {
    pub batch: u32,
    pub ttft_ms: f64,
    pub tpot_ms: f64,
    pub output_tokens_per_second: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServingReport {
    pub model: String,
    pub accelerators_per_replica: u32,
    pub weights_bytes: Bytes,
    pub kv_cache_bytes_per_token: Bytes,
    pub memory_per_accelerator_bytes: Bytes,
    pub fits_in_memory: bool,
    /// Sequences of the request's full length the KV cache holds at once.
    pub max_concurrent_sequences: u32,
    /// At `batch_at_slo` (batch 1 when no batch meets the SLO).
    pub ttft_ms: f64,
    pub tpot_ms: f64,
    /// The largest batch meeting the SLO (the largest that fits without one); 0 when none does.
    pub batch_at_slo: u32,
    pub max_output_tokens_per_second_per_replica: f64,
    pub output_tokens_per_second_per_replica_at_slo: f64,
    /// Latency and throughput against batch size, for charts.
    pub latency_vs_batch: Vec<BatchPoint>,
    pub compute_efficiency: f64,
    pub bandwidth_efficiency: f64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

struct Replica<'a> {
    model: &'a ResolvedModel,
    /// Peak FLOP/s and bandwidth of the whole replica at the engine's efficiency.
    flops: f64,
    bandwidth: f64,
    weights: f64,
    kv_per_token: f64,
    input: f64,
    uncached_input: f64,
    output: f64,
    tensor_parallel: f64,
    /// One direction of the accelerator-to-accelerator link, bytes/s (absent: no link known).
    link_bytes_per_second: Option<f64>,
}

impl Replica<'_> {
    fn attention_flops_per_token(&self, context: f64) -> f64 {
        self.model.shape.as_ref().map_or(0.0, |s| {
            let span = s.sliding_window.map_or(context, |w| context.min(f64::from(w)));
            // Forward only: 2·s·(d_qk + d_v) per layer (PaLM's count, a third of training's).
            2.0 * f64::from(s.layers)
                * span
                * f64::from(s.attention_heads)
                * (f64::from(s.qk_head_dim) + f64::from(s.v_head_dim))
        })
    }

    /// Seconds to prefill one request's uncached prompt.
    fn prefill_seconds(&self) -> f64 {
        let flops = self.uncached_input
            * (2.0 * self.model.active_parameters
                + self.attention_flops_per_token(self.input / 2.0));
        (flops / self.flops).max(self.weights / self.bandwidth)
            + self.tensor_parallel_seconds(self.uncached_input)
    }

    /// Tensor parallelism's cost for `tokens` tokens passing every layer: two all-reduces of their
    /// 16-bit activations per layer (after attention and after the MLP, Megatron-LM's layout), each a
    /// ring moving 2(t−1)/t of the data over one direction of the link, plus a fixed latency.
    fn tensor_parallel_seconds(&self, tokens: f64) -> f64 {
        let (Some(link), Some(shape)) = (self.link_bytes_per_second, self.model.shape.as_ref())
        else {
            return 0.0;
        };
        let t = self.tensor_parallel;
        if t <= 1.0 {
            return 0.0;
        }
        let bytes = tokens * f64::from(shape.hidden_size) * 2.0;
        2.0 * f64::from(shape.layers)
            * (ALL_REDUCE_LATENCY_SECONDS + 2.0 * (t - 1.0) / t * bytes / link)
    }

    /// Seconds for one decode step with `batch` sequences at their mean context.
    fn decode_seconds(&self, batch: f64) -> f64 {
        let context = self.input + self.output / 2.0;
        let bytes = self.weights + batch * self.kv_per_token * context;
        let flops =
            batch * (2.0 * self.model.active_parameters + self.attention_flops_per_token(context));
        (bytes / self.bandwidth).max(flops / self.flops) + self.tensor_parallel_seconds(batch)
    }

    fn point(&self, batch: u32) -> BatchPoint {
        let b = f64::from(batch);
        let step = self.decode_seconds(b);
        let prefill = self.prefill_seconds();
        // Continuous batching: each request's prompt is prefilled between decode steps, so per
        // request the replica spends prefill + output × step / batch.
        let per_request = prefill + self.output * step / b;
        BatchPoint {
            batch,
            ttft_ms: (prefill + step) * 1e3,
            tpot_ms: step * 1e3,
            output_tokens_per_second: b * self.output / (b * per_request).max(f64::MIN_POSITIVE),
        }
    }
}

pub fn estimate(
    model: &Model,
    serving: &Serving,
    book: &PriceBook,
) -> Result<ServingReport, Error> {
    let model = model.resolve()?;
    let accelerator = book.accelerator(&serving.accelerator, "serving.accelerator")?;
    let tp = serving.tensor_parallel.unwrap_or(1);
    let pp = serving.pipeline_parallel.unwrap_or(1);
    for (field, value) in [("serving.tensor_parallel", tp), ("serving.pipeline_parallel", pp)] {
        if value == 0 {
            return Err(Error::new(field, Problem::MustBePositive));
        }
    }
    let input = positive("serving.input_tokens", serving.input_tokens)?;
    let output = positive("serving.output_tokens", serving.output_tokens)?;
    let hit = match serving.prefix_cache_hit_rate {
        Some(rate) if (0.0..=1.0).contains(&rate) => rate,
        Some(_) => {
            return Err(Error::new(
                "serving.prefix_cache_hit_rate",
                Problem::OutOfRange { min: 0.0, max: 1.0 },
            ));
        }
        None => 0.0,
    };
    let compute_efficiency = match serving.engine_efficiency.compute {
        Some(e) => fraction("serving.engine_efficiency.compute", e)?,
        None => DEFAULT_COMPUTE_EFFICIENCY,
    };
    let bandwidth_efficiency = match serving.engine_efficiency.bandwidth {
        Some(e) => fraction("serving.engine_efficiency.bandwidth", e)?,
        None => DEFAULT_BANDWIDTH_EFFICIENCY,
    };
    let weight_format = serving.weight_precision;
    let kv_format = serving.kv_cache_precision.unwrap_or(if weight_format.bytes() >= 1.0 {
        weight_format
    } else {
        StoragePrecision::Bf16
    });
    // FP8 weights run FP8 matrix multiplications where the hardware has them; narrower formats are
    // weight-only quantization, computed in 16-bit.
    let peak = match weight_format {
        StoragePrecision::Fp8 => accelerator.dense.fp8.or(accelerator.dense.sixteen_bit()),
        StoragePrecision::Fp32 => accelerator.dense.tf32.or(accelerator.dense.fp32),
        _ => accelerator.dense.sixteen_bit(),
    }
    .ok_or_else(|| {
        Error::new(
            "serving.weight_precision",
            Problem::UnsupportedPrecision {
                accelerator: accelerator.id.clone(),
                precision: "16-bit".into(),
            },
        )
    })?;
    let shape = model.shape.as_ref().ok_or_else(|| {
        Error::new("model", Problem::Malformed("serving needs the model's shape (a preset, or layers, hidden_size, attention_heads, kv_heads)".into()))
    })?;

    let per_replica = tp * pp;
    let count = f64::from(per_replica);
    let weights = model.parameters * weight_format.bytes();
    // Keys and values per token: 2 · layers · kv_heads · head_dim (GQA shrinks kv_heads), or MLA's
    // one latent vector per layer.
    let per_layer = match shape.mla_cache_width {
        Some(width) => f64::from(width),
        None => {
            2.0 * f64::from(shape.kv_heads) * f64::from(shape.qk_head_dim.max(shape.v_head_dim))
        }
    };
    let kv_per_token = f64::from(shape.layers) * per_layer * kv_format.bytes();
    let capacity = accelerator.memory_bytes.get() * count;
    let usable = capacity * MEMORY_UTILIZATION;
    let sequence_tokens = input + output;
    let per_sequence = kv_per_token
        * shape.sliding_window.map_or(sequence_tokens, |w| sequence_tokens.min(f64::from(w)));
    let kv_budget = (usable - weights).max(0.0);
    let max_concurrent = (kv_budget / per_sequence).floor().min(f64::from(u32::MAX)) as u32;
    let fits = weights < usable && max_concurrent >= 1;

    let replica = Replica {
        model: &model,
        flops: peak.get() * count * compute_efficiency,
        bandwidth: accelerator.memory_bandwidth_bytes_per_second.get()
            * count
            * bandwidth_efficiency,
        weights,
        kv_per_token,
        input,
        uncached_input: input * (1.0 - hit),
        output,
        tensor_parallel: f64::from(tp),
        link_bytes_per_second: accelerator
            .interconnect_bytes_per_second
            .or(accelerator.pcie_bytes_per_second)
            .map(|both_ways| both_ways.get() / 2.0),
    };
    let batches: Vec<u32> = (0..32)
        .map(|p| 1u32 << p)
        .take_while(|b| *b <= max_concurrent.max(1))
        .chain(std::iter::once(max_concurrent.max(1)))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let curve: Vec<BatchPoint> = batches.iter().map(|b| replica.point(*b)).collect();
    let meets = |p: &BatchPoint| {
        serving.slo.ttft_ms.is_none_or(|t| p.ttft_ms <= t)
            && serving.slo.tpot_ms.is_none_or(|t| p.tpot_ms <= t)
    };
    let has_slo = serving.slo.ttft_ms.is_some() || serving.slo.tpot_ms.is_some();
    // Latency grows with batch: binary-search the largest batch still meeting the SLO (or take the
    // largest that fits without one).
    let batch_at_slo = if !meets(&replica.point(1)) {
        0
    } else if !has_slo {
        max_concurrent.max(1)
    } else {
        let (mut low, mut high) = (1u32, max_concurrent.max(1));
        while low < high {
            let middle = low + (high - low).div_ceil(2);
            if meets(&replica.point(middle)) { low = middle } else { high = middle - 1 }
        }
        low
    };
    let shown = replica.point(batch_at_slo.max(1));
    let best = curve.iter().map(|p| p.output_tokens_per_second).fold(0.0, f64::max);
    let at_slo_throughput = if batch_at_slo == 0 { 0.0 } else { shown.output_tokens_per_second };
    let mut notes = Vec::new();
    if batch_at_slo == 0 {
        notes.push("no batch meets the SLO, not even one request at a time: latencies shown are for batch 1".to_owned());
    }
    if !fits {
        notes.push("the weights and one full-length sequence's KV cache do not fit: add tensor parallelism or a smaller format".to_owned());
    }
    Ok(ServingReport {
        model: model.name.clone(),
        accelerators_per_replica: per_replica,
        weights_bytes: Bytes::new(weights),
        kv_cache_bytes_per_token: Bytes::new(kv_per_token),
        memory_per_accelerator_bytes: Bytes::new(
            (weights + f64::from(max_concurrent) * per_sequence) / count,
        ),
        fits_in_memory: fits,
        max_concurrent_sequences: max_concurrent,
        ttft_ms: shown.ttft_ms,
        tpot_ms: shown.tpot_ms,
        batch_at_slo,
        max_output_tokens_per_second_per_replica: if fits { best } else { 0.0 },
        output_tokens_per_second_per_replica_at_slo: if fits { at_slo_throughput } else { 0.0 },
        notes,
        latency_vs_batch: curve,
        compute_efficiency,
        bandwidth_efficiency,
    })
}
