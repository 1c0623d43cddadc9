//! What a serving estimate returns: plain data in base units, under the keys of the JSON report
//! (`serving.monthly_cost_usd`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalogue::pricing::OfferUsed;
use crate::serving::money::{ApiComparison, Mix, ServingPlanCost, VolumeCost};
use crate::serving::operating::OperatingPoint;
use crate::serving::percentile::PercentileSizing;
use crate::serving::replica::BatchPoint;
use crate::serving::simulate::Percentiles;
use crate::serving::traffic::HourPlan;
use crate::vocabulary::provenance::Assumption;
use crate::vocabulary::uncertainty::{Range, Sensitivity};
use crate::vocabulary::units::{
    Bytes, Fraction, Hours, KilogramsCo2e, KilowattHours, Milliseconds, Usd, UsdPerHour,
};

/// Per accelerator, what serving holds in memory (for the memory bar).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ServingMemory {
    /// The weights (a speculative draft's included), per accelerator.
    pub weights_bytes: Bytes,
    /// The KV cache of `max_concurrent_sequences` full-length sequences.
    pub kv_cache_bytes: Bytes,
    /// What the engine leaves for CUDA context, activations and fragmentation.
    pub runtime_reserve_bytes: Bytes,
    /// One accelerator's memory.
    pub capacity_bytes: Bytes,
}

/// What a serving estimate returns (the report's `serving`): one replica's memory, latency and
/// throughput, and with a load, the day's replicas and what they cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub struct ServingReport {
    /// The model's name (a preset's, or "custom").
    pub model: String,
    /// Accelerators one replica runs on: its tensor times its pipeline parallelism.
    pub accelerators_per_replica: u32,
    /// The replica's weights in their format, a speculative draft's included.
    pub weights_bytes: Bytes,
    /// 0 for a model without a KV cache.
    pub kv_cache_bytes_per_token: Bytes,
    /// Weights and KV cache at `max_concurrent_sequences`, per accelerator.
    pub memory_per_accelerator_bytes: Bytes,
    /// What each accelerator holds, for the memory bar.
    pub memory: ServingMemory,
    /// Whether the weights and one full-length sequence's KV cache fit in the memory the engine
    /// uses.
    pub fits_in_memory: bool,
    /// Sequences of the request's full length the KV cache holds at once.
    pub max_concurrent_sequences: u32,
    /// With a load: at the peak hour's load (`at_peak`). Without one: at `batch_at_slo`, the
    /// replica's capacity (batch 1 when no batch meets the SLO).
    pub ttft_ms: Milliseconds,
    /// Time per output token after the first, at the same load as `ttft_ms`.
    pub tpot_ms: Milliseconds,
    /// The operating point each replica runs at in the peak hour: the batch its load keeps in
    /// flight and the latencies there (absent without a load).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_peak: Option<OperatingPoint>,
    /// The peak hour simulated request by request on one replica: percentiles of TTFT, TPOT and
    /// end-to-end latency (`estimate_with_latency`; absent from other estimates and without a
    /// load).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Latency>,
    /// With percentile targets in the SLO: the rate a replica keeps them at, simulated, which sizes
    /// the replicas, and what sizing by the roofline's latencies would have missed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentile_sizing: Option<PercentileSizing>,
    /// Prefill and decode on separate pools (`serving.disaggregation`), against the combined
    /// replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<SplitServing>,
    /// The largest batch meeting the SLO (the largest that fits without one); 0 when none does.
    pub batch_at_slo: u32,
    /// The most output tokens a second one replica generates, at any batch memory allows; 0 when it
    /// does not fit.
    pub max_output_tokens_per_second_per_replica: f64,
    /// Output tokens a second one replica generates at `batch_at_slo`, held to the rate percentile
    /// targets allow; 0 when it cannot serve the requests.
    pub output_tokens_per_second_per_replica_at_slo: f64,
    /// The most requests a second one replica completes, at any batch memory allows; 0 when it does
    /// not fit.
    pub max_requests_per_second_per_replica: f64,
    /// Requests a second one replica serves within the SLO: the capacity that sizes the replicas; 0
    /// when it cannot serve the requests.
    pub requests_per_second_per_replica_at_slo: f64,
    /// Latency and throughput against batch size, for charts.
    pub latency_vs_batch: Vec<BatchPoint>,
    /// The fraction of peak FLOP/s the engine reaches: the scenario's, or the calibrated default.
    pub compute_efficiency: Fraction,
    /// The fraction of memory bandwidth the engine reaches: the scenario's, or the default.
    pub bandwidth_efficiency: Fraction,
    /// The day, hour by hour, under the autoscaling policy (empty without a load).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hourly: Vec<HourPlan>,
    /// Requests served a day; absent without a load or when a replica cannot serve them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_day: Option<f64>,
    /// Requests beyond `max_replicas`' capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unserved_requests_per_day: Option<f64>,
    /// Replicas serving the busiest hour; absent without a load or when a replica cannot serve the
    /// requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas_peak: Option<u32>,
    /// Billed replica-hours a day, including scale-up lead time and the downscale window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_hours_per_day: Option<Hours>,
    /// Requests served over what the billed replica-hours could serve at the SLO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utilization: Option<Fraction>,
    /// What the day's replicas cost a month under the scenario's plan and committed baseline, USD;
    /// absent without a load or when a replica cannot serve the requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cost_usd: Option<Usd>,
    /// The month's accelerator energy at board power, times PUE; absent without a load or the
    /// accelerator's board power.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_kwh_per_month: Option<KilowattHours>,
    /// What that energy emits from its grid (`serving.grams_co2e_per_kwh`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carbon_kg_co2e_per_month: Option<KilogramsCo2e>,
    /// The peak's replicas running every hour, at the same price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub static_peak_monthly_cost_usd: Option<Usd>,
    /// The monthly cost split by the replica time prompts and generation take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_million_output_tokens_usd: Option<Usd>,
    /// The prompts' share of the monthly cost per million input tokens, USD; absent with
    /// `monthly_cost_usd`, and for a model without tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_million_input_tokens_usd: Option<Usd>,
    /// The monthly cost per thousand requests served, USD; absent with `monthly_cost_usd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_thousand_requests_usd: Option<Usd>,
    /// The same schedule under every plan the offer sells ("custom" for a typed price).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_plan: BTreeMap<String, ServingPlanCost>,
    /// The scenario's committed baseline, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mix: Option<Mix>,
    /// The cheapest committed baseline with burst above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best_mix: Option<Mix>,
    /// The hosted APIs priced for the same requests, against the self-hosted cost.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_comparison: Vec<ApiComparison>,
    /// The self-hosted monthly cost at other daily volumes with the same day shape (not capped
    /// by max_replicas, like the break-evens that sit on it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cost_vs_volume: Vec<VolumeCost>,
    /// The price the replicas are billed at, USD per accelerator-hour (above a committed baseline,
    /// the burst's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_accelerator_hour: Option<UsdPerHour>,
    /// Where that price came from, when an offer or the owned servers set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<OfferUsed>,
    /// Every figure the engine supplied because the scenario left it out.
    pub assumptions: Vec<Assumption>,
    /// What the estimate warns of or leaves out, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The headline figures' ranges from the published spread of the defaults used; absent when
    /// every input was given (or when not asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranges: Option<ServingRanges>,
    /// What moves the monthly cost (without a load: the throughput): each defaulted input at its
    /// published low and high, and the main given ones at a what-if step, largest swing first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitivity: Vec<Sensitivity>,
}

/// The headline figures' ranges, in their own units; the day's only with a load.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ServingRanges {
    /// The range of `max_output_tokens_per_second_per_replica`.
    #[cfg_attr(feature = "typescript", tsify(type = "Range<number>"))]
    pub max_output_tokens_per_second_per_replica: Range<f64>,
    /// The range of `ttft_ms`.
    #[cfg_attr(feature = "typescript", tsify(type = "Range<Milliseconds>"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_ms: Option<Range<Milliseconds>>,
    /// The range of `tpot_ms`.
    #[cfg_attr(feature = "typescript", tsify(type = "Range<Milliseconds>"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpot_ms: Option<Range<Milliseconds>>,
    /// The range of `replicas_peak`; absent when the report has none.
    #[cfg_attr(feature = "typescript", tsify(type = "Range<number>"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas_peak: Option<Range<f64>>,
    /// The range of `monthly_cost_usd`; absent when the report has none.
    #[cfg_attr(feature = "typescript", tsify(type = "Range<Usd>"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cost_usd: Option<Range<Usd>>,
    /// The range of `cost_per_million_output_tokens_usd`; absent when the report has none.
    #[cfg_attr(feature = "typescript", tsify(type = "Range<Usd>"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_million_output_tokens_usd: Option<Range<Usd>>,
    /// The range of `cost_per_million_input_tokens_usd`; absent when the report has none.
    #[cfg_attr(feature = "typescript", tsify(type = "Range<Usd>"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_million_input_tokens_usd: Option<Range<Usd>>,
}

/// Latency percentiles from a request-level simulation of the peak hour on one replica.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Latency {
    /// Time to first token, from arrival: percentiles and mean, in milliseconds.
    pub ttft_ms: Percentiles,
    /// Time per output token after the first: percentiles and mean, in milliseconds.
    pub tpot_ms: Percentiles,
    /// Time from arrival to the last token: percentiles and mean, in milliseconds.
    pub e2e_ms: Percentiles,
    /// Requests a second at the replica, seconds simulated, and the seed.
    pub requests_per_second: f64,
    /// Seconds of arrivals simulated: an hour, or less when the caps on a simulation's requests and
    /// steps cut it.
    pub seconds: f64,
    /// The seed of the simulation's random arrivals and lengths.
    pub seed: u64,
    /// Requests the simulation completed: those the percentiles are drawn from.
    pub requests: u64,
    /// Times a sequence was preempted for lack of KV cache.
    pub preemptions: u64,
}

/// One pool: what its instances run on, what one serves, the instances at the busiest hour, and
/// what the pool costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Pool {
    /// The accelerator's id.
    pub accelerator: String,
    /// The offer it runs on (`provider:instance`), when priced by one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// Accelerators one instance runs on (its tensor parallelism).
    pub accelerators_per_instance: u32,
    /// Requests a second one instance takes: a prefill instance's most within the first-token
    /// targets, a decode instance's at its batch.
    pub requests_per_second_per_instance: f64,
    /// Instances at the busiest hour.
    pub instances_peak: u32,
    /// The pool's accelerator-hours a day: each hour's instances times their accelerators.
    pub accelerator_hours_per_day: f64,
    /// The pool's price, USD per accelerator-hour; absent when the section is not priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_accelerator_hour: Option<UsdPerHour>,
    /// The pool's accelerator-hours at its price, a month, USD; absent without a price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cost_usd: Option<Usd>,
}

/// The split priced: each pool, the latencies, and the accelerator-hours against the combined
/// replicas'.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct SplitServing {
    /// The pool that computes prompts.
    pub prefill: Pool,
    /// The pool that generates output tokens.
    pub decode: Pool,
    /// A prompt's KV cache sent from its prefill instance to a decode instance.
    pub kv_transfer_ms: Milliseconds,
    /// Time to first token at the load the autoscaler holds a prefill instance to (its capacity
    /// times the target utilisation): the wait, the prompt, the transfer and the first decode
    /// step; its mean and percentiles (the wait simulated, M/D/1).
    pub ttft_ms: Percentiles,
    /// Time per output token at a decode instance's capacity batch: every step's, so every
    /// percentile's.
    pub tpot_ms: Milliseconds,
    /// What limits a prefill instance's load: the first-token target it is held to (its field),
    /// or none when no target does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill_limited_by: Option<String>,
    /// Both pools' accelerator-hours a day.
    pub accelerator_hours_per_day: f64,
    /// The combined replicas' accelerator-hours a day, counted the same way.
    pub combined_accelerator_hours_per_day: f64,
    /// Both pools a month, USD; absent when either has no price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cost_usd: Option<Usd>,
    /// The combined replicas' accelerator-hours at the scenario's price, a month, USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combined_monthly_cost_usd: Option<Usd>,
}
