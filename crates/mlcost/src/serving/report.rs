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
    pub weights_bytes: Bytes,
    /// The KV cache of `max_concurrent_sequences` full-length sequences.
    pub kv_cache_bytes: Bytes,
    /// What the engine leaves for CUDA context, activations and fragmentation.
    pub runtime_reserve_bytes: Bytes,
    pub capacity_bytes: Bytes,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub struct ServingReport {
    pub model: String,
    pub accelerators_per_replica: u32,
    pub weights_bytes: Bytes,
    /// 0 for a model without a KV cache.
    pub kv_cache_bytes_per_token: Bytes,
    /// Weights and KV cache at `max_concurrent_sequences`, per accelerator.
    pub memory_per_accelerator_bytes: Bytes,
    pub memory: ServingMemory,
    pub fits_in_memory: bool,
    /// Sequences of the request's full length the KV cache holds at once.
    pub max_concurrent_sequences: u32,
    /// With a load: at the peak hour's load (`at_peak`). Without one: at `batch_at_slo`, the
    /// replica's capacity (batch 1 when no batch meets the SLO).
    pub ttft_ms: Milliseconds,
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
    pub max_output_tokens_per_second_per_replica: f64,
    pub output_tokens_per_second_per_replica_at_slo: f64,
    pub max_requests_per_second_per_replica: f64,
    pub requests_per_second_per_replica_at_slo: f64,
    /// Latency and throughput against batch size, for charts.
    pub latency_vs_batch: Vec<BatchPoint>,
    pub compute_efficiency: Fraction,
    pub bandwidth_efficiency: Fraction,
    /// The day, hour by hour, under the autoscaling policy (empty without a load).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hourly: Vec<HourPlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_day: Option<f64>,
    /// Requests beyond `max_replicas`' capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unserved_requests_per_day: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas_peak: Option<u32>,
    /// Billed replica-hours a day, including scale-up lead time and the downscale window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_hours_per_day: Option<Hours>,
    /// Requests served over what the billed replica-hours could serve at the SLO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utilization: Option<Fraction>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_million_input_tokens_usd: Option<Usd>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_comparison: Vec<ApiComparison>,
    /// The self-hosted monthly cost at other daily volumes with the same day shape (not capped
    /// by max_replicas, like the break-evens that sit on it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cost_vs_volume: Vec<VolumeCost>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_accelerator_hour: Option<UsdPerHour>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<OfferUsed>,
    /// Every figure the engine supplied because the scenario left it out.
    pub assumptions: Vec<Assumption>,
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
    pub max_output_tokens_per_second_per_replica: Range<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_ms: Option<Range<Milliseconds>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpot_ms: Option<Range<Milliseconds>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas_peak: Option<Range<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cost_usd: Option<Range<Usd>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_million_output_tokens_usd: Option<Range<Usd>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_million_input_tokens_usd: Option<Range<Usd>>,
}

/// Latency percentiles from a request-level simulation of the peak hour on one replica.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Latency {
    pub ttft_ms: Percentiles,
    pub tpot_ms: Percentiles,
    pub e2e_ms: Percentiles,
    /// Requests a second at the replica, seconds simulated, and the seed.
    pub requests_per_second: f64,
    pub seconds: f64,
    pub seed: u64,
    pub requests: u64,
    /// Times a sequence was preempted for lack of KV cache.
    pub preemptions: u64,
}

/// One pool: what its instances run on, what one serves, the instances at the busiest hour, and
/// what the pool costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Pool {
    pub accelerator: String,
    /// The offer it runs on (`provider:instance`), when priced by one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    pub accelerators_per_instance: u32,
    pub requests_per_second_per_instance: f64,
    pub instances_peak: u32,
    pub accelerator_hours_per_day: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_accelerator_hour: Option<UsdPerHour>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cost_usd: Option<Usd>,
}

/// The split priced: each pool, the latencies, and the accelerator-hours against the combined
/// replicas'.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct SplitServing {
    pub prefill: Pool,
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
    pub accelerator_hours_per_day: f64,
    pub combined_accelerator_hours_per_day: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_cost_usd: Option<Usd>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combined_monthly_cost_usd: Option<Usd>,
}
