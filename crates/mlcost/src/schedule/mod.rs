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
use crate::vocabulary::units::UsdPerHour;
use run::{run, validate};

/// Schedules every job on the input's cluster.
pub fn schedule(input: &ScheduleInput) -> Result<ScheduleReport, Error> {
    let checked = validate(input)?;
    let report = run(input, input.cluster.accelerators, &checked)?;
    crate::vocabulary::finite::checked("schedule", report)
}

/// Schedules the queue on servers the team owns: `owned` (a scenario's `owned` section) at the
/// utilisation the schedule keeps the cluster busy prices its accelerator-hours (the section's own
/// `utilization` is replaced by it; the cluster's typed price is not used). Returns the schedule
/// and the input as priced, for [`best_cluster_size`].
pub fn schedule_owned(
    input: &ScheduleInput,
    owned: &serde_json::Value,
    book: &crate::catalogue::pricing::PriceBook,
) -> Result<(ScheduleReport, ScheduleInput), Error> {
    // Only the cluster's cost goes as its price: a first pass (at any price, the typed one being
    // neither needed nor used) finds the utilisation to price at.
    let unpriced = ScheduleInput {
        cluster: Cluster { price_per_accelerator_hour: UsdPerHour::new(1.0), ..input.cluster },
        ..input.clone()
    };
    let busy = schedule(&unpriced)?.utilization.get();
    let at = crate::own::owned_at(owned, busy.max(1e-6), book)?;
    let priced = ScheduleInput {
        cluster: Cluster {
            price_per_accelerator_hour: at.per_accelerator_hour.total(),
            ..input.cluster
        },
        ..input.clone()
    };
    let mut report = schedule(&priced)?;
    if input.cluster.accelerators != at.accelerators {
        report.notes.push(format!(
            "the cluster has {} accelerators; the owned section holds {}: its terms per accelerator-hour apply either way",
            input.cluster.accelerators, at.accelerators
        ));
    }
    report.notes.insert(
        0,
        format!(
            "owned: at this schedule's {} of the hours busy, an owned accelerator-hour costs ${:.3} and a used one ${:.3} (the owned section's terms; its own utilisation is replaced by the schedule's)",
            crate::vocabulary::format::percent(at.utilization),
            at.per_accelerator_hour.total().get(),
            at.per_used_accelerator_hour.get()
        ),
    );
    report.owned = Some(at);
    Ok((crate::vocabulary::finite::checked("schedule", report)?, priced))
}
