//! The serving section of a scenario: a model served on a replica layout, its requests, latency
//! targets and load over a day, the autoscaler, and how the capacity is bought.

use serde::{Deserialize, Serialize};

use crate::vocabulary::terms::{Plan, StoragePrecision};
use crate::vocabulary::units::{HOURS_PER_DAY as HOURS, Milliseconds, UsdPerHour};

/// How close the serving engine comes to the accelerator's peaks; each absent one takes a
/// default calibrated on published measurements for the accelerator.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct EngineEfficiency {
    /// Fraction of the dense peak FLOP/s reached, above 0 and at most 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute: Option<f64>,
    /// Fraction of the memory bandwidth reached, above 0 and at most 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<f64>,
}

/// Latency targets a replica is sized to meet, in milliseconds; an absent target is not checked.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// Time to first token, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_ms: Option<Milliseconds>,
    /// Time per output token after the first, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpot_ms: Option<Milliseconds>,
    /// Percentile targets, in milliseconds: the share of requests (50%, 90%, 99%) whose time to
    /// first token or time per output token must be at most this. Met by simulating the replica
    /// request by request (`serving::percentile`), where `ttft_ms` and `tpot_ms` hold the
    /// roofline's latency at a batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_p50_ms: Option<Milliseconds>,
    /// Time to first token that 90% of requests must meet, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_p90_ms: Option<Milliseconds>,
    /// Time to first token that 99% of requests must meet, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttft_p99_ms: Option<Milliseconds>,
    /// Time per output token that 50% of requests must meet, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpot_p50_ms: Option<Milliseconds>,
    /// Time per output token that 90% of requests must meet, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpot_p90_ms: Option<Milliseconds>,
    /// Time per output token that 99% of requests must meet, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tpot_p99_ms: Option<Milliseconds>,
}

impl Slo {
    /// Whether any percentile target is given: what only the simulation can size.
    pub fn has_percentiles(&self) -> bool {
        self.percentiles().iter().any(|(_, target)| target.is_some())
    }

    /// Each percentile target with its field's name: time to first token's at 50, 90 and 99%,
    /// then time per output token's.
    pub fn percentiles(&self) -> [(&'static str, Option<Milliseconds>); 6] {
        [
            ("serving.slo.ttft_p50_ms", self.ttft_p50_ms),
            ("serving.slo.ttft_p90_ms", self.ttft_p90_ms),
            ("serving.slo.ttft_p99_ms", self.ttft_p99_ms),
            ("serving.slo.tpot_p50_ms", self.tpot_p50_ms),
            ("serving.slo.tpot_p90_ms", self.tpot_p90_ms),
            ("serving.slo.tpot_p99_ms", self.tpot_p99_ms),
        ]
    }
}

/// Speculative decoding: a cheap draft proposes `draft_tokens` tokens, which the model checks in one
/// pass over all of them, keeping the longest run it agrees with and one token of its own. Each
/// step then yields (1 − α^(k+1)) / (1 − α) tokens on average, α the acceptance rate and k the draft
/// tokens (Leviathan, Kalman and Matias 2023, arXiv 2211.17192, equation 1), for the draft's passes
/// and a verification that computes k + 1 tokens a sequence.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct SpeculativeDecoding {
    /// A model preset as the draft (a small model of the same family and tokenizer): its weights
    /// and KV cache share the replica.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_model: Option<String>,
    /// Or the draft's parameters, for a draft without a preset (its KV cache sized as the model's,
    /// scaled by the parameters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_parameters: Option<f64>,
    /// Or prediction heads built on the model (DeepSeek-V3's multi-token prediction, EAGLE): each
    /// drafted token costs one of the model's layers and its output layer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub heads: bool,
    /// The chance the model accepts a drafted token (0–1): published figures run from about 0.6
    /// for a small draft on chat to 0.85–0.9 for DeepSeek-V3's own heads. Required with a draft
    /// model; the DeepSeek-V3 figure with heads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance_rate: Option<f64>,
    /// Tokens drafted each step (k): 4 with a draft model, 1 with heads when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_tokens: Option<u32>,
}

/// Prefill and decode on separate instances (DistServe, arXiv 2401.09670; Splitwise, arXiv
/// 2311.18677): prompts on one pool, generation on another, each prompt's KV cache sent between
/// them over the network. Priced beside the combined replicas: on the replicas' accelerator and
/// price, or a pool on an offer of its own (Splitwise's prompts on H100s, tokens on A100s), bought
/// under the serving section's plan and region.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Disaggregation {
    /// Accelerators of a prefill instance (tensor parallel); the replica's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill_tensor: Option<u32>,
    /// Accelerators of a decode instance; the replica's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decode_tensor: Option<u32>,
    /// The offer prefill instances run on (`provider:instance`); the serving section's when
    /// absent. Needs the section priced by an offer: its plan and region apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill_offer: Option<String>,
    /// The offer decode instances run on; the serving section's when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decode_offer: Option<String>,
    /// The link the KV cache crosses, Gbps; the slower of the two pools' offers' networks when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_gbps: Option<f64>,
}

/// How one replica splits the model across its accelerators. Absent degrees are 1.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct ReplicaParallelism {
    /// Accelerators each layer is split across (tensor parallelism): faster and more memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tensor: Option<u32>,
    /// Stages the layers are cut into (pipeline parallelism): more throughput and memory, not
    /// speed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<u32>,
}

/// The serving section of a scenario.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Serving {
    /// An id from the hardware table (`h100-sxm`): what each replica runs on.
    pub accelerator: String,
    /// How a replica splits the model, under the same keys as training's layout. (Before they
    /// were grouped: `tensor_parallel` and `pipeline_parallel`, still read.)
    #[serde(default, skip_serializing_if = "is_default")]
    pub parallelism: ReplicaParallelism,
    /// The old name of `parallelism.tensor`, still read: reading a scenario moves it there.
    #[doc(hidden)]
    #[serde(default, skip_serializing)]
    #[cfg_attr(feature = "schema", schemars(extend("deprecated" = true)))]
    pub tensor_parallel: Option<u32>,
    /// The old name of `parallelism.pipeline`, still read: reading a scenario moves it there.
    #[doc(hidden)]
    #[serde(default, skip_serializing)]
    #[cfg_attr(feature = "schema", schemars(extend("deprecated" = true)))]
    pub pipeline_parallel: Option<u32>,
    /// The format the weights are stored in: `bf16` (when absent), `fp32`, `fp16`, `fp8`, `int8`,
    /// `int4` or `fp4`. FP8 and FP4 weights compute at the accelerator's FP8 and FP4 peaks where
    /// it has them; INT8 and INT4 weights compute in 16-bit.
    #[serde(default)]
    pub weight_precision: StoragePrecision,
    /// The KV cache's format; the weights' when they are 8-bit or wider, else BF16.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_cache_precision: Option<StoragePrecision>,
    /// How close the serving engine comes to the accelerator's peak compute and memory
    /// bandwidth; calibrated defaults when absent.
    #[serde(default, skip_serializing_if = "is_default")]
    pub engine_efficiency: EngineEfficiency,
    /// Mean prompt tokens per request (language models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<f64>,
    /// Mean generated tokens per request (language models).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<f64>,
    /// Share of prompt tokens served from a prefix cache (not recomputed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix_cache_hit_rate: Option<f64>,
    /// Forward FLOPs per request, for models without a transformer shape (a CNN); the preset's
    /// figure when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference_flops_per_request: Option<f64>,
    /// Latency targets a replica is sized to meet; with none, a replica batches as many requests
    /// as fit in its memory (or `max_batch`).
    #[serde(default, skip_serializing_if = "is_default")]
    pub slo: Slo,
    /// A draft proposes tokens the model verifies together: faster tokens at small batches, for
    /// the draft's memory and compute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speculative_decoding: Option<SpeculativeDecoding>,
    /// Prefill and decode on separate pools, priced beside the combined replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disaggregation: Option<Disaggregation>,
    /// The most requests the engine batches at once (vLLM's `max_num_seqs`); the largest batch that
    /// meets the SLO and fits in memory when absent. A smaller cap trades throughput for latency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_batch: Option<u32>,
    /// Load, one of three ways: a steady rate (requests/s) ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_second: Option<f64>,
    /// ... 24 hourly mean rates (requests/s, hour 0 = midnight local time) ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<Vec<f64>>,
    /// ... or a daily total spread by `shape` with `peak_to_mean`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_requests: Option<f64>,
    /// How `daily_requests` spread over the day: `flat` (when absent), `diurnal` or
    /// `business-hours`. Only with `daily_requests`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<TrafficShape>,
    /// The busiest hour's rate over the day's mean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_to_mean: Option<f64>,
    /// How the replica count follows the load; each absent setting takes its default.
    #[serde(default, skip_serializing_if = "is_default")]
    pub autoscaling: Autoscaling,
    /// A typed price, USD per accelerator-hour ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_accelerator_hour: Option<UsdPerHour>,
    /// ... or an offer (`aws:p5.48xlarge`) with a plan (on-demand when absent) and a region (the
    /// cheapest selling the plan when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// How the offer is bought: `on-demand` (when absent), `spot`, `1y` or `3y`; or `owned`, on
    /// the scenario's `owned` servers, without an offer or a typed price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    /// The offer's region; absent, the cheapest region that sells the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Replicas bought on a commitment around the clock, with the plan's replicas bursting above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committed_baseline: Option<CommittedBaseline>,
    /// Data-centre power usage effectiveness, for the month's energy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pue: Option<f64>,
    /// The grid's carbon intensity, grams CO2e per kWh; the offer's region's when absent (the
    /// world's average when no region is known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grams_co2e_per_kwh: Option<f64>,
    /// Hosted APIs to price the same tokens on (catalogue ids such as `openai:gpt-4o-mini`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compare_apis: Vec<String>,
}

/// Replicas committed for a year or three, billed every hour.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct CommittedBaseline {
    /// Replicas bought on the commitment, running every hour of the day.
    pub replicas: u32,
    /// `1y` or `3y`; 1y when absent. With an offer, its price for this plan is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    /// The committed price, USD per accelerator-hour, when the scenario types its prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_accelerator_hour: Option<UsdPerHour>,
}

/// How a day's requests spread over its hours.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum TrafficShape {
    /// The same rate every hour.
    #[default]
    Flat,
    /// A smooth day: trough before dawn, peak at 14:00 (hours in the service's local time).
    Diurnal,
    /// Office hours, 09:00–17:00, with a low floor outside them.
    BusinessHours,
}

/// The diurnal day: a squared cosine wave peaking at 14:00, sampled at each hour's middle,
/// `((1 + cos(2π(h + 0.5 − 14) / 24)) / 2)²`, hour 0 first. Why a table? A cosine would bring the
/// math library's trigonometry into the web app's first download (3 KB gzip) for 24 numbers; a
/// test checks every entry against the formula, bit for bit.
const DIURNAL_WAVE: [f64; HOURS] = [
    0.001448581392675059,
    1.8297599228330395e-5,
    1.8297599228330395e-5,
    0.0014485813926750633,
    0.010675710492197524,
    0.03826690485782458,
    0.09526993616913676,
    0.1889961756038407,
    0.3195223678238924,
    0.4779533685342265,
    0.6470283338665452,
    0.8040290507834327,
    0.9253281139039617,
    0.9914631589730388,
    0.9914631589730388,
    0.9253281139039617,
    0.8040290507834327,
    0.6470283338665452,
    0.4779533685342265,
    0.3195223678238924,
    0.1889961756038407,
    0.09526993616913676,
    0.03826690485782458,
    0.010675710492197524,
];

impl TrafficShape {
    /// The shape's hourly profile, peaking at 1: what the peak-to-mean ratio stretches or flattens.
    pub(crate) fn profile(self) -> [f64; HOURS] {
        let raw: [f64; HOURS] = std::array::from_fn(|hour| match self {
            Self::Flat => 1.0,
            Self::Diurnal => DIURNAL_WAVE[hour],
            Self::BusinessHours => f64::from(u8::from((9..17).contains(&hour))),
        });
        // Hours are sampled at their middles, which miss the wave's crest: rescale to peak at 1.
        let peak = raw.iter().copied().fold(0.0, f64::max);
        raw.map(|p| p / peak)
    }

    /// The largest peak-to-mean ratio the shape can have before its quietest hour drops below zero.
    pub fn max_peak_to_mean(self) -> f64 {
        let profile = self.profile();
        let mean = profile.iter().sum::<f64>() / HOURS as f64;
        1.0 / mean
    }
}

/// The autoscaling policy.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Autoscaling {
    /// Replicas kept running however quiet it is; 1 by default (0 with `scale_to_zero`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<u32>,
    /// Replicas never exceeded; traffic beyond them goes unserved (reported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<u32>,
    /// Fraction of a replica's capacity at the SLO the autoscaler aims to use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_utilization: Option<f64>,
    /// Minutes from deciding to scale up to a new replica serving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_up_minutes: Option<f64>,
    /// Hours without traffic run no replica at all.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub scale_to_zero: bool,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_diurnal_table_is_its_formula() {
        for (hour, tabulated) in DIURNAL_WAVE.iter().enumerate() {
            let h = hour as f64 + 0.5;
            let wave = (1.0 + (std::f64::consts::TAU * (h - 14.0) / 24.0).cos()) / 2.0;
            // Bit for bit natively; within a rounding step where the platform's cosine differs.
            let difference = (wave * wave - tabulated).abs();
            assert!(
                difference <= f64::EPSILON * tabulated,
                "hour {hour}: {tabulated} against {}",
                wave * wave
            );
            #[cfg(not(target_arch = "wasm32"))]
            assert_eq!((wave * wave).to_bits(), tabulated.to_bits(), "hour {hour}");
        }
    }
}
