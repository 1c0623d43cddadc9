//! What one replica holds and how fast it serves: weights and KV cache by format (GQA, MLA,
//! sliding windows), how many sequences fit, the memory verdict, and the roofline the replica runs
//! at; and the largest batch that meets the latency targets.

use crate::catalogue::hardware::Accelerator;
use crate::catalogue::shape::ResolvedModel;
use crate::scenario::resolve::serving::{Requests, serving_peak};
use crate::scenario::resolve::speculation::Draft;
use crate::scenario::serving::Slo;
use crate::serving::replica::{BatchPoint, Replica, Speculation, Work};
use crate::vocabulary::error::Error;
use crate::vocabulary::terms::StoragePrecision;
use crate::vocabulary::units::Fraction;

/// Fraction of memory a serving engine takes for weights and KV cache: vLLM's default
/// `gpu_memory_utilization` is 0.9 (vLLM engine arguments); the rest is CUDA context, activations
/// and fragmentation.
pub const MEMORY_UTILIZATION: f64 = 0.9;

/// Requests a replica without a KV cache (a CNN) batches at most. Estimate: beyond a few hundred,
/// vision models gain little throughput and activation memory, which this model does not size,
/// becomes the limit.
pub const MAX_BATCH_WITHOUT_KV_CACHE: u32 = 256;

/// The largest batch up to `largest` whose latencies meet the SLO (`largest` without one); 0 when
/// not even one request at a time does. Latency grows with batch, so a binary search finds it.
pub(super) fn largest_batch_meeting(replica: &Replica<'_>, slo: &Slo, largest: u32) -> u32 {
    let meets = |p: &BatchPoint| {
        slo.ttft_ms.is_none_or(|t| p.ttft_ms <= t) && slo.tpot_ms.is_none_or(|t| p.tpot_ms <= t)
    };
    if !meets(&replica.point(1)) {
        return 0;
    }
    if slo.ttft_ms.is_none() && slo.tpot_ms.is_none() {
        return largest;
    }
    let (mut low, mut high) = (1u32, largest);
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        if meets(&replica.point(middle)) { low = middle } else { high = middle - 1 }
    }
    low
}

/// One replica's hardware and formats, resolved into a roofline: what an estimate and the
/// optimizer's search share.
pub(super) struct Sized<'a> {
    pub replica: Replica<'a>,
    pub fits: bool,
    pub max_concurrent: u32,
    pub weights: f64,
    pub kv_per_token: f64,
    pub per_sequence: f64,
    /// Memory of the replica's accelerators, and the share the engine uses.
    pub capacity: f64,
    pub usable: f64,
}

/// A replica's hardware and formats: what the search varies.
#[derive(Debug, Clone, Copy)]
pub(super) struct ReplicaSpec<'a> {
    pub accelerator: &'a Accelerator,
    pub weight_format: StoragePrecision,
    pub kv_format: StoragePrecision,
    pub tensor: u32,
    pub pipeline: u32,
    pub compute_efficiency: Fraction,
    pub bandwidth_efficiency: Fraction,
    /// Speculative decoding's draft: its weights and KV cache share the replica's memory.
    pub draft: Option<Draft>,
}

/// Sizes a replica; fails only when the accelerator cannot compute in the weights' format.
pub(super) fn size<'a>(
    model: &'a ResolvedModel,
    requests: Requests,
    prefix_cache_hit_rate: Fraction,
    spec: &ReplicaSpec<'_>,
) -> Result<Sized<'a>, Error> {
    let ReplicaSpec {
        accelerator,
        weight_format,
        kv_format,
        tensor: tp,
        pipeline: pp,
        compute_efficiency,
        bandwidth_efficiency,
        draft,
    } = *spec;
    let peak = serving_peak(accelerator, weight_format)?;
    let count = f64::from(tp * pp);
    let draft_weights = draft.map_or(0.0, |d| d.parameters * weight_format.bytes());
    let model_weights = model.parameters.get() * weight_format.bytes();
    let weights = model_weights + draft_weights;
    let capacity = accelerator.memory_bytes.get() * count;
    let usable = capacity * MEMORY_UTILIZATION;
    let kv_budget = (usable - weights).max(0.0);
    let (work, kv_per_token, per_sequence, max_concurrent) = match (&model.shape, requests) {
        (Some(shape), Requests::Tokens { input, output }) => {
            // Keys and values per token: 2 · layers · kv_heads · head_dim (GQA shrinks kv_heads),
            // or MLA's one latent vector per layer.
            let draft_kv = draft.map_or(0.0, |d| d.kv_elements_per_token * kv_format.bytes());
            let kv_per_token =
                f64::from(shape.layers) * shape.kv_width_per_layer() * kv_format.bytes();
            let sequence = input + output;
            // The draft's cache grows with the whole sequence (a draft model of its own shape is
            // not known to slide).
            let per_sequence = kv_per_token
                * shape.sliding_window.map_or(sequence, |w| sequence.min(f64::from(w)))
                + draft_kv * sequence;
            let max_concurrent = (kv_budget / per_sequence).floor().min(f64::from(u32::MAX)) as u32;
            let work = Work::Tokens {
                shape,
                active_parameters: model.active_parameters.get(),
                kv_bytes_per_token: kv_per_token,
                input,
                uncached_input: input * (1.0 - prefix_cache_hit_rate.get()),
                output,
            };
            (work, kv_per_token, per_sequence, max_concurrent)
        }
        (_, Requests::Forward { flops_per_request }) => {
            let max = if weights < usable { MAX_BATCH_WITHOUT_KV_CACHE } else { 0 };
            (Work::Forward { flops_per_request }, 0.0, 0.0, max)
        }
        // The resolve step pairs token requests with a shape; without one, nothing fits.
        (None, Requests::Tokens { .. }) => (Work::Forward { flops_per_request: 0.0 }, 0.0, 0.0, 0),
    };
    let fits = weights < usable && max_concurrent >= 1;

    let replica = Replica {
        work,
        stage_flops: peak.get() * f64::from(tp) * compute_efficiency.get(),
        stage_bandwidth: accelerator.memory_bandwidth_bytes_per_second.get()
            * f64::from(tp)
            * bandwidth_efficiency.get(),
        pipeline: f64::from(pp),
        tensor_parallel: f64::from(tp),
        weights: model_weights,
        experts: model.routed_experts.filter(|(all, _)| *all > 0).map(|(all, per_token)| {
            (
                model.expert_parameters.get() * weight_format.bytes(),
                (f64::from(per_token) / f64::from(all)).min(1.0),
            )
        }),
        link_bytes_per_second: accelerator
            .interconnect_bytes_per_second
            .or(accelerator.pcie_bytes_per_second)
            .map(|both_ways| both_ways.get() / 2.0),
        // Placed on instances by the caller, which knows the offer.
        crossing: None,
        speculation: draft.map(|d| Speculation {
            draft_tokens: f64::from(d.draft_tokens),
            tokens_per_step: d.tokens_per_step(),
            // A pass reads what it computes with: a mixture of experts' head, only the experts
            // its tokens are routed to (few at the small batches speculation is for).
            draft_weights: d.active_parameters * weight_format.bytes(),
            draft_flops_per_token: 2.0 * d.active_parameters,
            draft_kv_bytes_per_token: d.kv_elements_per_token * kv_format.bytes(),
        }),
    };
    Ok(Sized {
        replica,
        fits,
        max_concurrent,
        weights,
        kv_per_token,
        per_sequence,
        capacity,
        usable,
    })
}
