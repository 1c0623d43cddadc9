//! What the scheduler is given: a cluster, its jobs, and the prices of renting instead.

use serde::{Deserialize, Serialize};

use crate::vocabulary::error::Error;
use crate::vocabulary::provenance::Sourced;
use crate::vocabulary::units::UsdPerHour;

/// Extra run time a spot run loses to preemptions when the input gives none: 10%. Estimate, not a
/// measurement: redone work and restarts cost a few percent at AWS's typical GPU interruption bands
/// (see `reliability`), and waiting for spot capacity to come back, which no public source
/// quantifies, is the rest. Give `spot_overhead` for your own workload.
pub const DEFAULT_SPOT_OVERHEAD: Sourced<f64> = Sourced {
    value: 0.1,
    source: "estimate: redone work, restarts and waiting for spot capacity after preemptions",
    as_of: "2026-11-29",
};

/// A cluster, the jobs to run on it, and what renting instead would cost.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleInput {
    /// The cluster the jobs run on.
    pub cluster: Cluster,
    /// Renting one accelerator-hour on demand: what owning is compared against.
    pub on_demand_price_per_accelerator_hour: UsdPerHour,
    /// Renting one accelerator-hour on spot; no spot cost is reported without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_price_per_accelerator_hour: Option<UsdPerHour>,
    /// Fraction of extra run time a spot run loses to preemptions (0.1: 10% longer);
    /// [`DEFAULT_SPOT_OVERHEAD`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_overhead: Option<f64>,
    /// The order jobs are queued in; earliest deadline first when absent.
    #[serde(default, skip_serializing_if = "is_default")]
    pub order: QueueOrder,
    /// The jobs to schedule: at least one, each with its own name.
    pub jobs: Vec<Job>,
}

/// Accelerators owned or committed to, billed for every hour of the horizon, busy or idle.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// Accelerators in the cluster, at least one.
    pub accelerators: u32,
    /// The committed or amortised cost of one accelerator-hour; not needed when an owned section
    /// prices the cluster (`mlcost schedule --owned`).
    #[serde(default)]
    pub price_per_accelerator_hour: UsdPerHour,
}

/// One job: it runs for `hours` on exactly `accelerators`, without interruption.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    /// Tells jobs apart in the report and on the chart: unique.
    pub name: String,
    /// Accelerators it runs on at once, at least one.
    pub accelerators: u32,
    /// Run time on `accelerators`.
    pub hours: f64,
    /// When the job can start at the earliest (its data is ready, say), hours from the horizon's start.
    #[serde(default, skip_serializing_if = "is_default")]
    pub earliest_start_hours: f64,
    /// When it must have finished, hours from the horizon's start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_hours: Option<f64>,
    /// Among jobs with the same deadline (or none), higher goes first; 0 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
}

/// The order jobs are queued in; each then takes the earliest gap that fits it.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueueOrder {
    /// Earliest deadline first (jobs without one last), then higher priority, earliest start,
    /// name. With one machine and every job ready at once, it meets every deadline any order meets
    /// (Jackson 1955).
    #[default]
    Edf,
    /// First come, first served: by earliest start, ties in list order.
    Fifo,
}

impl ScheduleInput {
    /// Parses an input from JSON. Errors name the field (`jobs[2].hours`).
    pub fn from_json(text: &str) -> Result<Self, Error> {
        crate::vocabulary::json::from_json(text).map_err(|e| e.within("schedule"))
    }
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
