//! Scheduling on a fixed cluster: which job runs when and on which accelerators, and what owning the
//! cluster costs against renting the same work on demand or on spot.
//!
//! The scheduler is a list scheduler with conservative backfilling (Mu'alem & Feitelson 2001,
//! "Utilization, predictability, workloads, and user runtime estimates in scheduling the IBM SP2
//! with backfilling", IEEE TPDS 12(6)): jobs are taken in queue order, earliest deadline first by
//! default, and each is reserved at the earliest time, not before its earliest start, at which its
//! accelerators stay free for its whole run. A job later in the queue may start in a gap before an
//! earlier one (backfilling), but never delays a reservation already made.
//!
//! Known limits:
//! - No preemption: a job, once started, runs to its end on the same accelerators.
//! - No elasticity: a job runs on exactly the accelerators it asks for, never more or fewer.
//! - Run time is independent of placement: which accelerators a job gets (one node or several,
//!   contiguous lanes or not) does not change how long it takes; topology is not modelled.
//! - Greedy, not optimal: placing jobs one by one in queue order can miss a deadline that another
//!   order would meet (meeting every deadline with rigid parallel jobs is NP-hard in general).
//! - Run times are taken as exact; real jobs end early or late and a real scheduler re-plans.

mod input;
mod lanes;
mod profile;
mod report;
mod run;
mod sizing;

pub use input::{Cluster, DEFAULT_SPOT_OVERHEAD, Job, QueueOrder, ScheduleInput};
pub use lanes::LaneRange;
pub use report::{JobOutcome, Placement, ScheduleReport};
pub use sizing::{ClusterSizing, MAX_SIZES_EVALUATED, SizeOutcome, best_cluster_size};

use crate::vocabulary::error::Error;
use run::{run, validate};

/// Schedules every job on the input's cluster.
pub fn schedule(input: &ScheduleInput) -> Result<ScheduleReport, Error> {
    let checked = validate(input)?;
    let report = run(input, input.cluster.accelerators, &checked)?;
    crate::vocabulary::finite::checked("schedule", report)
}
