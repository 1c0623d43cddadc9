//! What an estimate returns: plain data, numbers in base units (FLOPs, hours, USD), serialised with
//! the same dotted keys the scenario uses (`training.compute_cost_usd`).

use serde::{Deserialize, Serialize};

use crate::memory::{Layout, MemoryBreakdown};
use crate::pricing::Plan;
use crate::reliability::GoodputModel;
use crate::rightsizing::{Candidate, RightSizing};
use crate::serving::ServingReport;
use crate::units::{Bytes, Flops, FlopsPerSecond, Hours, Usd, UsdPerHour};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainingReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving: Option<ServingReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingReport {
    /// The model's name (a preset's, or "custom").
    pub model: String,
    /// Tokens processed over the run (absent for models that count samples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<f64>,
    /// Model FLOPs for the whole run (6·N·D plus attention, as MFU counts them).
    pub flops: Flops,
    /// FLOPs the hardware does: model FLOPs plus any recomputed forward pass.
    pub hardware_flops: Flops,
    /// Parameters the run updates (all, or LoRA's adapters).
    pub trainable_parameters: f64,
    /// The parallel layout the estimate assumes.
    pub layout: Layout,
    /// Bytes on the busiest accelerator.
    pub memory_per_accelerator_bytes: Bytes,
    pub memory_breakdown: MemoryBreakdown,
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
    pub mfu: f64,
    /// The goodput used: the scenario's, or the modelled one.
    pub goodput: f64,
    /// The dense peak of one accelerator at the scenario's precision.
    pub peak_flops_per_accelerator: FlopsPerSecond,
    /// Accelerator-hours billed, including time lost to failures (goodput).
    pub accelerator_hours: Hours,
    pub wall_clock_hours: Hours,
    pub compute_cost_usd: Usd,
    /// Dataset and checkpoints stored over the run.
    pub storage_cost_usd: Usd,
    /// The dataset moved to compute (when it lives elsewhere) and the trained model downloaded.
    pub egress_cost_usd: Usd,
    pub dataset_bytes: Bytes,
    pub checkpoint_storage_bytes: Bytes,
    /// Accelerator energy including the data centre's overhead (PUE); absent without board power.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub energy_kwh: Option<f64>,
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
}

/// A run's cost under one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanCost {
    pub accelerator_hours: Hours,
    pub wall_clock_hours: Hours,
    pub compute_cost_usd: Usd,
    pub price_per_accelerator_hour: UsdPerHour,
    pub goodput: f64,
    /// The cheapest region selling the plan (or the scenario's region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// The price-book offer an estimate was priced with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferUsed {
    pub id: String,
    pub plan: Plan,
    pub region: String,
    pub usd_per_instance_hour: UsdPerHour,
    pub source: String,
    pub as_of: String,
}

/// A default the engine used in place of a figure the scenario did not give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumption {
    /// The scenario field it stands for (`training.mfu`).
    pub field: String,
    pub value: f64,
    /// Where the value comes from: a publication, or the model that derives it.
    pub source: String,
}

impl Report {
    /// The report as CSV rows `key,value`: every number, flag and text under its dotted path
    /// (`serving.by_plan.spot.monthly_cost_usd`, `serving.hourly[3].replicas`), in base units. What
    /// a spreadsheet needs to recompute or chart any figure, in the same keys as the JSON.
    pub fn to_csv(&self) -> String {
        let mut rows = String::from("key,value\n");
        if let Ok(value) = serde_json::to_value(self) {
            flatten(&value, &mut String::new(), &mut rows);
        }
        rows
    }
}

fn flatten(value: &serde_json::Value, path: &mut String, rows: &mut String) {
    use serde_json::Value;
    let length = path.len();
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                flatten(item, path, rows);
                path.truncate(length);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                flatten(item, path, rows);
                path.truncate(length);
            }
        }
        Value::Null => {}
        Value::String(text) => push_row(rows, path, text),
        other => push_row(rows, path, &other.to_string()),
    }
}

fn push_row(rows: &mut String, key: &str, value: &str) {
    rows.push_str(&crate::pricing::csv_cell(key));
    rows.push(',');
    rows.push_str(&crate::pricing::csv_cell(value));
    rows.push('\n');
}
