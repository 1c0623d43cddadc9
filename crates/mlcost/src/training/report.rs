//! What a training estimate returns: plain data in base units, under the keys of the JSON report
//! (`training.compute_cost_usd`).

use serde::{Deserialize, Serialize};

use crate::catalogue::pricing::OfferUsed;
use crate::scenario::resolve::training::Layout;
use crate::training::memory::MemoryBreakdown;
use crate::training::reliability::GoodputModel;
use crate::vocabulary::provenance::Assumption;
use crate::vocabulary::terms::{Plan, Precision};
use crate::vocabulary::uncertainty::{Range, Sensitivity};
use crate::vocabulary::units::{
    Bytes, Flops, FlopsPerSecond, Fraction, Hours, KilogramsCo2e, KilowattHours, Parameters,
    Tokens, Usd, UsdPerHour,
};

/// A training run's estimate: its work, memory, time and cost, and where each default came from
/// (the report's `training` section).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[cfg_attr(feature = "typescript", tsify(hashmap_as_object))]
pub struct TrainingReport {
    /// The model's name (a preset's, or "custom").
    pub model: String,
    /// Tokens processed over the run (absent for models that count samples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<Tokens>,
    /// Model FLOPs for the whole run (6·N·D plus attention, as MFU counts them).
    pub flops: Flops,
    /// FLOPs the hardware does: model FLOPs plus any recomputed forward pass.
    pub hardware_flops: Flops,
    /// Parameters the run updates (all, or LoRA's adapters).
    pub trainable_parameters: Parameters,
    /// The parallel layout the estimate assumes.
    pub layout: Layout,
    /// Bytes on the busiest accelerator.
    pub memory_per_accelerator_bytes: Bytes,
    /// Those bytes by what they hold.
    pub memory_breakdown: MemoryBreakdown,
    /// Whether `memory_per_accelerator_bytes` is within one accelerator's datasheet memory.
    pub fits_in_memory: bool,
    /// The fewest accelerators (a power of two) on which a layout fits; absent if none up to 2^20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_accelerators_to_fit: Option<u32>,
    /// Optimizer steps, when the scenario gives a global batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<f64>,
    /// How goodput was modelled (interruptions, checkpoint interval), whether or not it was used.
    pub reliability: GoodputModel,
    /// The cheapest (offer, count, plan) meeting `deadline_hours`, when a deadline is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<Candidate>,
    /// The run across offers, counts and plans: the Pareto front and how many were weighed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rightsizing: Option<RightSizing>,
    /// What the estimate leaves out, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The MFU used: the scenario's, or the calibrated default.
    pub mfu: Fraction,
    /// The goodput used: the scenario's, or the modelled one.
    pub goodput: Fraction,
    /// The dense peak of one accelerator at the scenario's precision.
    pub peak_flops_per_accelerator: FlopsPerSecond,
    /// Accelerator-hours billed, including time lost to failures (goodput).
    pub accelerator_hours: Hours,
    /// Hours from start to finish: `accelerator_hours` over the accelerator count.
    pub wall_clock_hours: Hours,
    /// `accelerator_hours` at `price_per_accelerator_hour`, in USD.
    pub compute_cost_usd: Usd,
    /// Dataset and checkpoints stored over the run.
    pub storage_cost_usd: Usd,
    /// The dataset moved to compute (when it lives elsewhere) and the trained model downloaded.
    pub egress_cost_usd: Usd,
    /// The dataset's size: `training.storage.dataset_bytes`, or one epoch's tokens times the
    /// bytes per token (0 for a run counted in samples).
    pub dataset_bytes: Bytes,
    /// Bytes of the checkpoints kept: one checkpoint times `training.storage.checkpoints_kept`.
    pub checkpoint_storage_bytes: Bytes,
    /// Accelerator energy including the data centre's overhead (PUE); absent without board power.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_kwh: Option<KilowattHours>,
    /// What that energy emits from the grid it is drawn from (`training.grams_co2e_per_kwh`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carbon_kg_co2e: Option<KilogramsCo2e>,
    /// Compute, storage and egress.
    pub total_cost_usd: Usd,
    /// The same run under each plan the offer sells ("custom" for a typed price).
    pub by_plan: std::collections::BTreeMap<String, PlanCost>,
    /// The price used, USD per accelerator-hour.
    pub price_per_accelerator_hour: UsdPerHour,
    /// Where that price came from, when the scenario named an offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<OfferUsed>,
    /// Every figure the engine supplied because the scenario left it out.
    pub assumptions: Vec<Assumption>,
    /// The headline figures' ranges from the published spread of the defaults used; absent when
    /// every input was given (or when not asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranges: Option<TrainingRanges>,
    /// What moves the cost: each defaulted input at its published low and high, and the main
    /// given ones at a what-if step, largest swing first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitivity: Vec<Sensitivity>,
}

/// The headline figures' ranges, in their own units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct TrainingRanges {
    /// Accelerator-hours billed, goodput included.
    #[cfg_attr(feature = "typescript", tsify(type = "Range<Hours>"))]
    pub accelerator_hours: Range<Hours>,
    /// Hours from start to finish.
    #[cfg_attr(feature = "typescript", tsify(type = "Range<Hours>"))]
    pub wall_clock_hours: Range<Hours>,
    /// Compute cost, in USD.
    #[cfg_attr(feature = "typescript", tsify(type = "Range<Usd>"))]
    pub compute_cost_usd: Range<Usd>,
    /// Compute, storage and egress, in USD.
    #[cfg_attr(feature = "typescript", tsify(type = "Range<Usd>"))]
    pub total_cost_usd: Range<Usd>,
    /// Energy, in kilowatt-hours; absent when the estimate has none (no board power).
    #[cfg_attr(feature = "typescript", tsify(type = "Range<KilowattHours>"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_kwh: Option<Range<KilowattHours>>,
    /// Emissions, in kilograms of CO2e: the energy's range on the same grid; absent with it.
    #[cfg_attr(feature = "typescript", tsify(type = "Range<KilogramsCo2e>"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carbon_kg_co2e: Option<Range<KilogramsCo2e>>,
}

/// A run's cost under one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct PlanCost {
    /// Accelerator-hours billed under this plan, its goodput included.
    pub accelerator_hours: Hours,
    /// Hours from start to finish: `accelerator_hours` over the accelerator count.
    pub wall_clock_hours: Hours,
    /// `accelerator_hours` at `price_per_accelerator_hour`, in USD.
    pub compute_cost_usd: Usd,
    /// The plan's price per accelerator-hour, USD: the instance price over its accelerators.
    pub price_per_accelerator_hour: UsdPerHour,
    /// The goodput under this plan (on spot, lowered by the modelled preemptions).
    pub goodput: Fraction,
    /// The cheapest region selling the plan (or the scenario's region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// One way to buy the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Candidate {
    /// The price-book offer id (`aws:p5.48xlarge`).
    pub offer: String,
    /// How it is bought.
    pub plan: Plan,
    /// The region priced: the scenario's, or the cheapest selling the plan.
    pub region: String,
    /// The accelerator id (`h100-sxm`).
    pub accelerator: String,
    /// Accelerators in the run: a power-of-two number of the offer's instances.
    pub accelerator_count: u32,
    /// The precision the run trains in.
    pub precision: Precision,
    /// Whether the run recomputes activations to fit (the search tries both when the scenario
    /// does not already).
    #[serde(default)]
    pub activation_checkpointing: bool,
    /// Hours from start to finish.
    pub wall_clock_hours: Hours,
    /// Compute alone, in USD (no storage or egress).
    pub compute_cost_usd: Usd,
    /// The plan's price per accelerator-hour, USD: the instance price over its accelerators.
    pub price_per_accelerator_hour: UsdPerHour,
    /// The goodput under this plan at this cluster size.
    pub goodput: Fraction,
    /// False when the default MFU for this accelerator is not calibrated on runs of its own
    /// (see `mfu`): the time and cost are then less certain.
    pub mfu_calibrated: bool,
}

/// The run weighed on every offer, instance count and plan in the price book
/// (`training.rightsizing`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct RightSizing {
    /// Candidates no other candidate beats on both cost and wall-clock time, cheapest first.
    pub pareto_front: Vec<Candidate>,
    /// The cheapest candidate that meets `deadline_hours`; absent without a deadline or when none
    /// meets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recommendation: Option<Candidate>,
    /// How many (offer, count, plan) candidates were weighed.
    pub candidates_considered: usize,
}
