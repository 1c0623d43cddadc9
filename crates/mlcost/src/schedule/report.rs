//! What the scheduler returns: each job's slot and lanes, the makespan, and the cost of owning the
//! cluster against renting the same work.

use serde::{Deserialize, Serialize};

use crate::vocabulary::provenance::Assumption;
use crate::vocabulary::units::{Fraction, Hours, Usd};

use crate::schedule::input::QueueOrder;
use crate::schedule::lanes::LaneRange;

/// What the scheduler did and what it costs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScheduleReport {
    /// The cluster size scheduled on.
    pub accelerators: u32,
    /// The order the jobs were queued in.
    pub order: QueueOrder,
    /// Every job, in input order.
    pub jobs: Vec<JobOutcome>,
    /// When the last placed job ends, from hour 0: the horizon the cluster is billed for.
    pub makespan_hours: Hours,
    /// Accelerator-hours the placed jobs run: each one's accelerators × hours, summed.
    pub busy_accelerator_hours: f64,
    /// Busy accelerator-hours over the cluster's accelerator-hours in the makespan (0 when nothing runs).
    pub utilization: Fraction,
    /// Jobs that run but finish after their deadline.
    pub deadline_misses: Vec<String>,
    /// Jobs needing more accelerators than the cluster has: not run.
    pub unschedulable: Vec<String>,
    /// The cluster for the makespan: accelerators × makespan × its price.
    pub cluster_cost_usd: Usd,
    /// The unschedulable jobs on demand: what owning costs on top of the cluster to run everything.
    pub unschedulable_on_demand_cost_usd: Usd,
    /// Every job rented on demand, accelerators × hours each: no waiting, no idle time.
    pub on_demand_cost_usd: Usd,
    /// Every job on spot, each run `spot_overhead` longer; absent without a spot price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_cost_usd: Option<Usd>,
    /// The spot overhead used: the input's, or [`DEFAULT_SPOT_OVERHEAD`](crate::schedule::DEFAULT_SPOT_OVERHEAD).
    pub spot_overhead: f64,
    /// Defaults filled in for what the input left out: the spot overhead, when a spot price is
    /// given without one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assumptions: Vec<Assumption>,
    /// What the numbers leave out, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// On owned servers ([`super::schedule_owned`]): what owning them cost at this schedule's
    /// utilisation, which priced the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned: Option<crate::own::OwnedAt>,
}

/// One job's fate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobOutcome {
    /// The job's name, as in the input.
    pub name: String,
    /// Accelerators the job asks for.
    pub accelerators: u32,
    /// Where and when it runs; absent when it needs more accelerators than the cluster has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<Placement>,
    /// When it must have finished, hours from the horizon's start; absent when it has no deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_hours: Option<Hours>,
    /// Absent when the job has no deadline; false when it ends late or cannot run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub met_deadline: Option<bool>,
}

/// A job's slot: a Gantt chart draws one bar per lane range, from `start_hours` to `end_hours`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placement {
    /// When it starts, hours from the horizon's start.
    pub start_hours: Hours,
    /// When it ends, hours from the horizon's start: its start plus its run time.
    pub end_hours: Hours,
    /// Hours between its earliest start and its start.
    pub wait_hours: Hours,
    /// The accelerators it runs on, in index order; together they hold `accelerators` lanes.
    pub lanes: Vec<LaneRange>,
}
