//! Serving cost: what one replica holds and how fast it serves (memory, prefill/decode roofline,
//! latency targets), how many replicas a day of traffic needs under an autoscaling policy, and what
//! that costs a month — per plan, as a committed baseline plus burst, and against hosted APIs.
//!
//! The parts, in the order an estimate uses them: [`replica`] (roofline), [`traffic`] (the day and
//! the autoscaler), [`money`] (plans, mix, APIs).

use std::collections::BTreeMap;

use crate::catalogue::model::Model;
use crate::catalogue::pricing::OfferUsed;
use crate::catalogue::pricing::{PriceBook, PriceChoice};
use crate::scenario::serving::{Serving, Slo};
use crate::vocabulary::check::{fraction, positive};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::provenance::Assumption;
use crate::vocabulary::terms::Plan;
use crate::vocabulary::terms::StoragePrecision;
use crate::vocabulary::units::{Bytes, Usd, UsdPerHour};
use report::{ServingMemory, ServingReport};

mod money;
mod replica;
pub mod report;
pub mod search;
mod traffic;

pub use money::{ApiComparison, HOURS_PER_MONTH, Mix, ServingPlanCost, VolumeCost};
pub use replica::{ALL_REDUCE_LATENCY_SECONDS, BatchPoint};
pub use traffic::{
    DEFAULT_PEAK_TO_MEAN, DEFAULT_TARGET_UTILIZATION, HourPlan, REPLICA_START_SECONDS,
    SCALE_DOWN_MINUTES, WEIGHT_LOAD_BYTES_PER_SECOND,
};

use money::{Billing, Request, Scaled, best_baseline, monthly_requests, plan_is_committed};
use replica::{Replica, Work};
use traffic::{Load, Policy, Schedule};

/// Fraction of memory a serving engine takes for weights and KV cache: vLLM's default
/// `gpu_memory_utilization` is 0.9 (vLLM engine arguments); the rest is CUDA context, activations
/// and fragmentation.
pub const MEMORY_UTILIZATION: f64 = 0.9;

/// Default fraction of peak FLOP/s reached on Hopper and every accelerator without serving
/// measurements of its own. Calibrated: TensorRT-LLM serves Llama-3.1-8B in FP8 on one H100 at 28,312
/// output tokens/s for 128/128-token requests (NVIDIA TensorRT-LLM docs, performance/perf-overview.md,
/// throughput table), which this roofline reaches at 46% of the FP8 peak.
pub const DEFAULT_COMPUTE_EFFICIENCY: f64 = 0.46;

/// Default fraction of peak FLOP/s reached on Ampere (A100, A10, A10G). Calibrated: TensorRT-LLM
/// v0.14 serves Llama-3.1-8B in FP16 on one A100-SXM4-80GB at 6,701.8 output tokens/s for 128/128
/// (the same perf-overview page, v0.14.0 table), which this roofline reaches at 69% of the 16-bit
/// peak. Why higher than Hopper's? Ampere's smaller peak is easier to feed: the same pattern as
/// training, where A100 runs reach a larger share of peak than H100 runs (see `mfu`).
pub const DEFAULT_COMPUTE_EFFICIENCY_AMPERE: f64 = 0.69;

/// The calibrated compute efficiency for an accelerator, with where it comes from.
pub fn default_compute_efficiency(accelerator: &str) -> (f64, &'static str) {
    match crate::catalogue::hardware::Generation::of(accelerator) {
        crate::catalogue::hardware::Generation::Ampere => (
            DEFAULT_COMPUTE_EFFICIENCY_AMPERE,
            "calibrated on TensorRT-LLM v0.14's Llama-3.1-8B FP16 max throughput on one A100 (NVIDIA perf overview)",
        ),
        crate::catalogue::hardware::Generation::Hopper => (
            DEFAULT_COMPUTE_EFFICIENCY,
            "calibrated on TensorRT-LLM's Llama-3.1-8B FP8 max throughput on one H100 (NVIDIA perf overview)",
        ),
    }
}

/// Default fraction of memory bandwidth reached: llm-analysis's value, with which it reproduces a
/// measured Llama-2-70B on 2×A100-80GB at 25.6 tokens/s (cli99/llm-analysis, examples/llama2).
pub const DEFAULT_BANDWIDTH_EFFICIENCY: f64 = 0.9;

/// Requests a replica without a KV cache (a CNN) batches at most. Estimate: beyond a few hundred,
/// vision models gain little throughput and activation memory, which this model does not size,
/// becomes the limit.
pub const MAX_BATCH_WITHOUT_KV_CACHE: u32 = 256;

/// Volumes the cost-against-volume curve is evaluated at (log-spaced): enough for a smooth chart.
pub const COST_CURVE_POINTS: usize = 30;

pub fn estimate(
    model: &Model,
    serving: &Serving,
    book: &PriceBook,
) -> Result<ServingReport, Error> {
    estimate_with_speedup(model, serving, book, 1.0)
}

/// [`estimate`] with the replica's compute and memory both `speedup` times faster: how the
/// advisor prices a technique whose measured end-to-end gain is published (2:4 sparsity) but
/// which the roofline does not model.
pub(crate) fn estimate_with_speedup(
    model: &Model,
    serving: &Serving,
    book: &PriceBook,
    speedup: f64,
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
    let hit = match serving.prefix_cache_hit_rate {
        Some(rate) if (0.0..=1.0).contains(&rate) => rate,
        Some(_) => {
            return Err(Error::new(
                "serving.prefix_cache_hit_rate",
                Problem::Malformed("must be between 0 and 1".into()),
            ));
        }
        None => 0.0,
    };
    let mut assumptions = Vec::new();
    let compute_efficiency = match serving.engine_efficiency.compute {
        Some(e) => fraction("serving.engine_efficiency.compute", e)?,
        None => {
            let (value, source) = default_compute_efficiency(&accelerator.id);
            assumptions.push(Assumption {
                field: "serving.engine_efficiency.compute".into(),
                value,
                source: source.into(),
            });
            value
        }
    };
    let bandwidth_efficiency = match serving.engine_efficiency.bandwidth {
        Some(e) => fraction("serving.engine_efficiency.bandwidth", e)?,
        None => {
            assumptions.push(Assumption {
                field: "serving.engine_efficiency.bandwidth".into(),
                value: DEFAULT_BANDWIDTH_EFFICIENCY,
                source: "llm-analysis's HBM efficiency, reproducing a measured Llama-2-70B on 2×A100 (cli99/llm-analysis)".into(),
            });
            DEFAULT_BANDWIDTH_EFFICIENCY
        }
    };
    let weight_format = serving.weight_precision;
    let kv_format = serving.kv_cache_precision.unwrap_or(if weight_format.bytes() >= 1.0 {
        weight_format
    } else {
        StoragePrecision::Bf16
    });
    let Sized {
        mut replica,
        fits,
        max_concurrent,
        weights,
        kv_per_token,
        per_sequence,
        capacity,
        usable,
    } = size(
        &model,
        serving,
        accelerator,
        weight_format,
        kv_format,
        tp,
        pp,
        compute_efficiency,
        bandwidth_efficiency,
        hit,
    )?;
    replica.stage_flops *= speedup;
    replica.stage_bandwidth *= speedup;
    let count = f64::from(tp * pp);
    let per_replica = tp * pp;
    let largest = max_concurrent.max(1);
    let batches: Vec<u32> = (0..32)
        .map(|p| 1u32 << p)
        .take_while(|b| *b <= largest)
        .chain(std::iter::once(largest))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let curve: Vec<BatchPoint> = batches.iter().map(|b| replica.point(*b)).collect();
    for (field, value) in
        [("serving.slo.ttft_ms", serving.slo.ttft_ms), ("serving.slo.tpot_ms", serving.slo.tpot_ms)]
    {
        if let Some(value) = value {
            positive(field, value)?;
        }
    }
    if serving.max_batch == Some(0) {
        return Err(Error::new("serving.max_batch", Problem::MustBePositive));
    }
    let batch_at_slo = largest_batch_meeting(
        &replica,
        &serving.slo,
        serving.max_batch.map_or(largest, |cap| cap.min(largest)),
    );
    let shown = replica.point(batch_at_slo.max(1));
    let best = |metric: fn(&BatchPoint) -> f64| {
        if fits { curve.iter().map(metric).fold(0.0, f64::max) } else { 0.0 }
    };
    let servable = fits && batch_at_slo > 0;
    let at_slo = |metric: fn(&BatchPoint) -> f64| if servable { metric(&shown) } else { 0.0 };
    let mut notes = Vec::new();
    if batch_at_slo == 0 {
        notes.push("no batch meets the SLO, not even one request at a time: latencies shown are for batch 1".to_owned());
    }
    if !fits {
        notes.push("the weights and one full-length sequence's KV cache do not fit: add tensor parallelism or a smaller format".to_owned());
    }
    if matches!(replica.work, Work::Forward { .. }) {
        notes.push(format!("batches of at most {MAX_BATCH_WITHOUT_KV_CACHE} requests (estimate; activation memory is not sized)"));
    }
    let kv_total = f64::from(max_concurrent) * per_sequence;
    let mut report = ServingReport {
        model: model.name.clone(),
        accelerators_per_replica: per_replica,
        weights_bytes: Bytes::new(weights),
        kv_cache_bytes_per_token: Bytes::new(kv_per_token),
        memory_per_accelerator_bytes: Bytes::new((weights + kv_total) / count),
        memory: ServingMemory {
            weights_bytes: Bytes::new(weights / count),
            kv_cache_bytes: Bytes::new(kv_total / count),
            runtime_reserve_bytes: Bytes::new((capacity - usable) / count),
            capacity_bytes: accelerator.memory_bytes,
        },
        fits_in_memory: fits,
        max_concurrent_sequences: max_concurrent,
        ttft_ms: shown.ttft_ms,
        tpot_ms: shown.tpot_ms,
        batch_at_slo,
        max_output_tokens_per_second_per_replica: best(|p| p.output_tokens_per_second),
        output_tokens_per_second_per_replica_at_slo: at_slo(|p| p.output_tokens_per_second),
        max_requests_per_second_per_replica: best(|p| p.requests_per_second),
        requests_per_second_per_replica_at_slo: at_slo(|p| p.requests_per_second),
        latency_vs_batch: curve,
        compute_efficiency,
        bandwidth_efficiency,
        hourly: Vec::new(),
        requests_per_day: None,
        unserved_requests_per_day: None,
        replicas_peak: None,
        replica_hours_per_day: None,
        utilization: None,
        monthly_cost_usd: None,
        static_peak_monthly_cost_usd: None,
        cost_per_million_output_tokens_usd: None,
        cost_per_million_input_tokens_usd: None,
        cost_per_thousand_requests_usd: None,
        by_plan: BTreeMap::new(),
        mix: None,
        best_mix: None,
        api_comparison: Vec::new(),
        cost_vs_volume: Vec::new(),
        price_per_accelerator_hour: None,
        offer: None,
        assumptions: Vec::new(),
        notes,
    };
    let rates = Load::of(serving).hourly(&mut assumptions)?;
    let policy = Policy::new(&serving.autoscaling, weights, &mut assumptions)?;
    let pricing = PriceChoice {
        section: "serving",
        accelerator: &serving.accelerator,
        price_per_accelerator_hour: serving.price_per_accelerator_hour,
        offer: serving.offer.as_deref(),
        plan: serving.plan,
        region: serving.region.as_deref(),
    };
    match rates {
        Some(rates) if servable => {
            let (price, offer) = pricing.resolve(book)?;
            price_the_day(&mut report, serving, book, &rates, &replica, policy, price, offer, hit)?;
        }
        Some(_) => report
            .notes
            .push("not priced: the replica cannot serve these requests (see above)".into()),
        None => {
            if serving.price_per_accelerator_hour.is_some() || serving.offer.is_some() {
                return Err(Error::new(
                    "serving.requests_per_second",
                    Problem::Malformed("a load is needed to price serving: requests_per_second, traffic, or daily_requests".into()),
                ));
            }
        }
    }
    report.assumptions = assumptions;
    Ok(report)
}

/// The largest batch up to `largest` whose latencies meet the SLO (`largest` without one); 0 when
/// not even one request at a time does. Latency grows with batch, so a binary search finds it.
fn largest_batch_meeting(replica: &Replica<'_>, slo: &Slo, largest: u32) -> u32 {
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
struct Sized<'a> {
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

#[allow(clippy::too_many_arguments)]
fn size<'a>(
    model: &'a crate::catalogue::model::ResolvedModel,
    serving: &Serving,
    accelerator: &crate::catalogue::hardware::Accelerator,
    weight_format: StoragePrecision,
    kv_format: StoragePrecision,
    tp: u32,
    pp: u32,
    compute_efficiency: f64,
    bandwidth_efficiency: f64,
    hit: f64,
) -> Result<Sized<'a>, Error> {
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

    let count = f64::from(tp * pp);
    let weights = model.parameters * weight_format.bytes();
    let capacity = accelerator.memory_bytes.get() * count;
    let usable = capacity * MEMORY_UTILIZATION;
    let kv_budget = (usable - weights).max(0.0);
    let (work, kv_per_token, per_sequence, max_concurrent) = match &model.shape {
        Some(shape) => {
            let input = positive(
                "serving.input_tokens",
                serving
                    .input_tokens
                    .ok_or_else(|| Error::new("serving.input_tokens", Problem::Missing))?,
            )?;
            let output = positive(
                "serving.output_tokens",
                serving
                    .output_tokens
                    .ok_or_else(|| Error::new("serving.output_tokens", Problem::Missing))?,
            )?;
            if serving.inference_flops_per_request.is_some() {
                return Err(Error::new(
                    "serving.inference_flops_per_request",
                    Problem::Conflicts {
                        other: "a transformer shape (FLOPs are counted from it)".into(),
                    },
                ));
            }
            // Keys and values per token: 2 · layers · kv_heads · head_dim (GQA shrinks kv_heads),
            // or MLA's one latent vector per layer.
            let per_layer = match shape.mla_cache_width {
                Some(width) => f64::from(width),
                None => {
                    2.0 * f64::from(shape.kv_heads)
                        * f64::from(shape.qk_head_dim.max(shape.v_head_dim))
                }
            };
            let kv_per_token = f64::from(shape.layers) * per_layer * kv_format.bytes();
            let sequence = input + output;
            let per_sequence = kv_per_token
                * shape.sliding_window.map_or(sequence, |w| sequence.min(f64::from(w)));
            let max_concurrent = (kv_budget / per_sequence).floor().min(f64::from(u32::MAX)) as u32;
            let work = Work::Tokens {
                shape,
                active_parameters: model.active_parameters,
                kv_bytes_per_token: kv_per_token,
                input,
                uncached_input: input * (1.0 - hit),
                output,
            };
            (work, kv_per_token, per_sequence, max_concurrent)
        }
        None => {
            for (field, given) in [
                ("serving.input_tokens", serving.input_tokens.is_some()),
                ("serving.output_tokens", serving.output_tokens.is_some()),
                ("serving.prefix_cache_hit_rate", serving.prefix_cache_hit_rate.is_some()),
            ] {
                if given {
                    return Err(Error::new(
                        field,
                        Problem::Malformed("applies to language models; this model has no transformer shape (give inference_flops_per_request)".into()),
                    ));
                }
            }
            let flops =
                match (serving.inference_flops_per_request, model.inference_flops_per_sample) {
                    (Some(flops), _) => positive("serving.inference_flops_per_request", flops)?,
                    (None, Some(flops)) => flops,
                    (None, None) => {
                        return Err(Error::new(
                            "serving.inference_flops_per_request",
                            Problem::Missing,
                        ));
                    }
                };
            let max = if weights < usable { MAX_BATCH_WITHOUT_KV_CACHE } else { 0 };
            (Work::Forward { flops_per_request: flops }, 0.0, 0.0, max)
        }
    };
    let fits = weights < usable && max_concurrent >= 1;

    let replica = Replica {
        work,
        stage_flops: peak.get() * f64::from(tp) * compute_efficiency,
        stage_bandwidth: accelerator.memory_bandwidth_bytes_per_second.get()
            * f64::from(tp)
            * bandwidth_efficiency,
        pipeline: f64::from(pp),
        tensor_parallel: f64::from(tp),
        weights,
        experts: model.routed_experts.filter(|(all, _)| *all > 0).map(|(all, per_token)| {
            (
                model.expert_parameters * weight_format.bytes(),
                (f64::from(per_token) / f64::from(all)).min(1.0),
            )
        }),
        link_bytes_per_second: accelerator
            .interconnect_bytes_per_second
            .or(accelerator.pcie_bytes_per_second)
            .map(|both_ways| both_ways.get() / 2.0),
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

/// Fills in the day's schedule and its money.
#[allow(clippy::too_many_arguments)]
fn price_the_day(
    report: &mut ServingReport,
    serving: &Serving,
    book: &PriceBook,
    rates: &[f64; 24],
    replica: &Replica<'_>,
    policy: Policy,
    price: UsdPerHour,
    offer: Option<OfferUsed>,
    prefix_cache_hit_rate: f64,
) -> Result<(), Error> {
    let capacity = report.requests_per_second_per_replica_at_slo;
    let accelerators = f64::from(report.accelerators_per_replica);
    let schedule = Schedule::new(rates, capacity, &policy);
    let plan = offer.as_ref().map(|o| o.plan);
    // The offer priced, looked up once for its instance size, its other plans and a commitment.
    let sold = match &offer {
        Some(used) => Some(book.offer(&used.id, "serving.offer")?),
        None => None,
    };
    let burst_is_committed = plan.is_some_and(plan_is_committed);
    let baseline = match &serving.committed_baseline {
        None => None,
        Some(baseline) => {
            if burst_is_committed {
                return Err(Error::new(
                    "serving.plan",
                    Problem::Malformed(
                        "replicas above a committed baseline are bought on-demand or spot".into(),
                    ),
                ));
            }
            let committed_plan = baseline.plan.unwrap_or(Plan::Reserved1y);
            if !plan_is_committed(committed_plan) {
                return Err(Error::new(
                    "serving.committed_baseline.plan",
                    Problem::Malformed("must be 1y or 3y".into()),
                ));
            }
            let committed_price = match (sold, baseline.price_per_accelerator_hour) {
                (_, Some(typed)) => {
                    positive("serving.committed_baseline.price_per_accelerator_hour", typed.get())?
                }
                (Some(sold), None) => {
                    let (_, instance, _) = book
                        .price(sold, committed_plan, serving.region.as_deref())
                        .ok_or_else(|| {
                            Error::new(
                                "serving.committed_baseline.plan",
                                Problem::NotSold {
                                    offer: sold.id(),
                                    plan: committed_plan.as_str().into(),
                                    region: serving.region.clone(),
                                },
                            )
                        })?;
                    instance.get() / f64::from(sold.accelerator_count)
                }
                (None, None) => {
                    return Err(Error::new(
                        "serving.committed_baseline.price_per_accelerator_hour",
                        Problem::Missing,
                    ));
                }
            };
            report.mix = Some(Mix {
                committed_plan: committed_plan.as_str().into(),
                committed_replicas: baseline.replicas,
                committed_price_per_accelerator_hour: UsdPerHour::new(committed_price),
                burst_plan: plan.map_or("custom", Plan::as_str).into(),
                burst_price_per_accelerator_hour: price,
                monthly_cost_usd: Usd::new(0.0),
            });
            Some((f64::from(baseline.replicas), committed_price))
        }
    };
    let accelerators_per_instance = match sold {
        Some(sold) => f64::from(sold.accelerator_count),
        None => 1.0,
    };
    let billing = Billing {
        burst: price.get(),
        burst_is_committed,
        baseline,
        accelerators_per_replica: accelerators,
        accelerators_per_instance,
    };
    let monthly = billing.monthly(&schedule);
    if let Some(mix) = &mut report.mix {
        mix.monthly_cost_usd = Usd::new(monthly);
    }
    let static_billing = Billing { burst_is_committed: true, baseline: None, ..billing };
    let served_per_month = monthly_requests(schedule.requests_per_day);

    // Plans the offer sells, and the cheapest commitment with burst above it.
    let mut best_mix: Option<Mix> = None;
    if let (Some(used), Some(sold)) = (&offer, sold) {
        let per_accelerator = |plan: Plan| {
            book.price(sold, plan, serving.region.as_deref())
                .map(|(region, p, _)| (region, p.get() / f64::from(sold.accelerator_count)))
        };
        for each in Plan::ALL {
            let Some((region, p)) = per_accelerator(each) else { continue };
            let committed = plan_is_committed(each);
            let cost =
                Billing { burst: p, burst_is_committed: committed, baseline: None, ..billing }
                    .monthly(&schedule);
            report.by_plan.insert(
                each.as_str().into(),
                ServingPlanCost {
                    monthly_cost_usd: Usd::new(cost),
                    price_per_accelerator_hour: UsdPerHour::new(p),
                    committed,
                    region: Some(region),
                },
            );
        }
        let burst_plan = if burst_is_committed { Plan::OnDemand } else { used.plan };
        if let Some((_, burst)) = per_accelerator(burst_plan) {
            for committed_plan in [Plan::Reserved1y, Plan::Reserved3y] {
                let Some((_, committed)) = per_accelerator(committed_plan) else { continue };
                let (replicas, cost) =
                    best_baseline(&schedule, Billing { burst, ..billing }, committed);
                if best_mix.as_ref().is_none_or(|m| cost < m.monthly_cost_usd.get()) {
                    best_mix = Some(Mix {
                        committed_plan: committed_plan.as_str().into(),
                        committed_replicas: replicas as u32,
                        committed_price_per_accelerator_hour: UsdPerHour::new(committed),
                        burst_plan: burst_plan.as_str().into(),
                        burst_price_per_accelerator_hour: UsdPerHour::new(burst),
                        monthly_cost_usd: Usd::new(cost),
                    });
                }
            }
        }
    } else {
        report.by_plan.insert(
            "custom".into(),
            ServingPlanCost {
                monthly_cost_usd: Usd::new(
                    Billing { burst_is_committed: false, baseline: None, ..billing }
                        .monthly(&schedule),
                ),
                price_per_accelerator_hour: price,
                committed: false,
                region: None,
            },
        );
        if let Some(((_, committed), mix)) = baseline.zip(report.mix.as_ref()) {
            let (replicas, cost) = best_baseline(&schedule, billing, committed);
            best_mix = Some(Mix {
                committed_replicas: replicas as u32,
                monthly_cost_usd: Usd::new(cost),
                ..mix.clone()
            });
        }
    }
    report.best_mix = best_mix;

    // The same day at other volumes: for break-evens and the cost-against-volume curve.
    let scaled = Scaled {
        rates,
        requests_per_day: rates.iter().sum::<f64>() * 3600.0,
        capacity,
        // Not capped: beyond max_replicas, requests would go unserved rather than cost more.
        policy: Policy { max_replicas: None, ..policy },
        billing,
    };
    if let Work::Tokens { input, output, .. } = replica.work {
        let share = replica.prefill_share(report.batch_at_slo);
        if served_per_month > 0.0 {
            report.cost_per_million_input_tokens_usd =
                Some(monthly * share / (served_per_month * input / 1e6));
            report.cost_per_million_output_tokens_usd =
                Some(monthly * (1.0 - share) / (served_per_month * output / 1e6));
        }
        let request = Request { input, output, prefix_cache_hit_rate };
        for (i, id) in serving.compare_apis.iter().enumerate() {
            let api = book.apis.iter().find(|a| a.id == *id).ok_or_else(|| {
                Error::new(
                    format!("serving.compare_apis[{i}]"),
                    Problem::Malformed(format!(
                        "unknown API model \"{id}\" (known: {})",
                        book.apis.iter().map(|a| a.id.as_str()).collect::<Vec<_>>().join(", ")
                    )),
                )
            })?;
            let per_request = request.api_price(api);
            let api_monthly = per_request * served_per_month;
            report.api_comparison.push(ApiComparison {
                id: api.id.clone(),
                name: api.name.clone(),
                monthly_cost_usd: Usd::new(api_monthly),
                self_hosted_minus_api_usd: Usd::new(monthly - api_monthly),
                break_even_requests_per_day: scaled.break_even(per_request),
                source: api.source.clone(),
                as_of: api.as_of.clone(),
            });
        }
    } else if !serving.compare_apis.is_empty() {
        return Err(Error::new(
            "serving.compare_apis",
            Problem::Malformed(
                "hosted APIs price tokens; this model serves requests without them".into(),
            ),
        ));
    }
    // From 1/30 of the smallest to 30 times the largest of today's volume and the break-evens.
    let marks = report.api_comparison.iter().filter_map(|a| a.break_even_requests_per_day);
    let today = scaled.requests_per_day;
    let (low, high) =
        marks.filter(|v| *v > 0.0).fold((today, today), |(lo, hi), v| (lo.min(v), hi.max(v)));
    report.cost_vs_volume = scaled.curve(low / 30.0, high * 30.0, COST_CURVE_POINTS);
    if served_per_month > 0.0 {
        report.cost_per_thousand_requests_usd = Some(monthly / served_per_month * 1e3);
    }
    if schedule.unserved_requests_per_day > 0.0 {
        report.notes.push(format!(
            "max_replicas leaves {:.0} requests a day unserved at the SLO",
            schedule.unserved_requests_per_day
        ));
    }
    if plan == Some(Plan::Spot) {
        report.notes.push("spot replicas can be reclaimed at short notice: keep on-demand capacity for the SLO, or accept failed requests".into());
    }
    if burst_is_committed {
        report.notes.push(
            "a committed plan is paid every hour: the peak's replicas are billed around the clock"
                .into(),
        );
    }
    let replica_hours = schedule.replica_hours;
    report.utilization = Some(if replica_hours > 0.0 {
        schedule.requests_per_day / (replica_hours * 3600.0 * capacity)
    } else {
        0.0
    });
    report.requests_per_day = Some(schedule.requests_per_day);
    report.unserved_requests_per_day = Some(schedule.unserved_requests_per_day);
    report.replicas_peak = Some(schedule.peak_replicas.min(f64::from(u32::MAX)) as u32);
    report.replica_hours_per_day = Some(replica_hours);
    report.monthly_cost_usd = Some(Usd::new(monthly));
    report.static_peak_monthly_cost_usd = Some(Usd::new(static_billing.monthly(&schedule)));
    report.price_per_accelerator_hour = Some(price);
    report.offer = offer;
    report.hourly = schedule.hours;
    for (field, value) in
        [("serving.monthly_cost_usd", monthly), ("serving.replica_hours_per_day", replica_hours)]
    {
        if !value.is_finite() {
            return Err(Error::new(field, Problem::ResultOutOfRange));
        }
    }
    Ok(())
}
