//! The scheduler itself: the input checked once, then list scheduling with conservative
//! backfilling on a cluster of a given size.

use crate::schedule::input::{DEFAULT_SPOT_OVERHEAD, QueueOrder, ScheduleInput};
use crate::schedule::lanes;
use crate::schedule::lanes::Placed;
use crate::schedule::profile::CapacityProfile;
use crate::schedule::report::{JobOutcome, Placement, ScheduleReport};
use crate::vocabulary::check::{non_negative, positive};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::provenance::Assumption;
use crate::vocabulary::units::{Fraction, Hours, Usd};

/// What validation resolves once, for any number of cluster sizes.
pub(super) struct Checked {
    spot_overhead: f64,
    assumptions: Vec<Assumption>,
    /// Indices into `jobs`, in queue order.
    queue: Vec<usize>,
}

pub(super) fn validate(input: &ScheduleInput) -> Result<Checked, Error> {
    if input.cluster.accelerators == 0 {
        return Err(Error::new("cluster.accelerators", Problem::MustBePositive));
    }
    // Absent reads as 0: say what to give as well as that 0 is too small.
    if input.cluster.price_per_accelerator_hour.get() == 0.0 {
        return Err(Error::new(
            "cluster.price_per_accelerator_hour",
            Problem::Malformed(
                "must be greater than 0: the cluster's committed or amortised price per accelerator-hour; or price an owned cluster by its owned section (mlcost schedule --owned)".into(),
            ),
        ));
    }
    positive("cluster.price_per_accelerator_hour", input.cluster.price_per_accelerator_hour.get())?;
    positive(
        "on_demand_price_per_accelerator_hour",
        input.on_demand_price_per_accelerator_hour.get(),
    )?;
    if let Some(price) = input.spot_price_per_accelerator_hour {
        positive("spot_price_per_accelerator_hour", price.get())?;
    }
    if let Some(overhead) = input.spot_overhead {
        non_negative("spot_overhead", overhead)?;
    }
    if input.jobs.is_empty() {
        return Err(Error::new("jobs", Problem::Missing));
    }
    let mut names: Vec<(&str, usize)> = Vec::with_capacity(input.jobs.len());
    for (index, job) in input.jobs.iter().enumerate() {
        let field = |name: &str| format!("jobs[{index}].{name}");
        if job.name.trim().is_empty() {
            return Err(Error::new(field("name"), Problem::Missing));
        }
        names.push((&job.name, index));
        if job.accelerators == 0 {
            return Err(Error::new(field("accelerators"), Problem::MustBePositive));
        }
        positive(&field("hours"), job.hours)?;
        non_negative(&field("earliest_start_hours"), job.earliest_start_hours)?;
        if let Some(deadline) = job.deadline_hours {
            if !deadline.is_finite() {
                return Err(Error::new(field("deadline_hours"), Problem::NotFinite));
            }
            if deadline <= job.earliest_start_hours {
                return Err(Error::new(
                    field("deadline_hours"),
                    Problem::Malformed("must be after earliest_start_hours".into()),
                ));
            }
        }
    }
    // Sorted by name then index, a repeat sits right after its first use: one pass finds it.
    names.sort_unstable();
    if let Some(pair) = names.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(Error::new(
            format!("jobs[{}].name", pair[1].1),
            Problem::Malformed(format!(
                "repeats jobs[{}].name \"{}\"; names tell jobs apart",
                pair[0].1,
                crate::vocabulary::error::clip(pair[0].0)
            )),
        ));
    }
    let mut assumptions = Vec::new();
    let spot_overhead = input.spot_overhead.unwrap_or(DEFAULT_SPOT_OVERHEAD.value);
    if input.spot_overhead.is_none() && input.spot_price_per_accelerator_hour.is_some() {
        assumptions.push(DEFAULT_SPOT_OVERHEAD.assumed("spot_overhead"));
    }
    Ok(Checked { spot_overhead, assumptions, queue: queue(input) })
}

fn queue(input: &ScheduleInput) -> Vec<usize> {
    let jobs = &input.jobs;
    let mut queue: Vec<usize> = (0..jobs.len()).collect();
    let key = |index: usize| {
        jobs.get(index).map_or((f64::INFINITY, 0, f64::INFINITY, ""), |job| {
            (
                job.deadline_hours.unwrap_or(f64::INFINITY),
                job.priority.unwrap_or(0),
                job.earliest_start_hours,
                job.name.as_str(),
            )
        })
    };
    // Stable sorts with total orders: the same queue on every run and platform.
    match input.order {
        QueueOrder::Edf => queue.sort_by(|&a, &b| {
            let (a, b) = (key(a), key(b));
            a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.total_cmp(&b.2)).then(a.3.cmp(b.3))
        }),
        QueueOrder::Fifo => queue.sort_by(|&a, &b| key(a).2.total_cmp(&key(b).2)),
    }
    queue
}

/// The last jobs placed, each with where it fitted: a bound below which a later job need not look.
///
/// Why? The profile only ever loses free accelerators, and a job asking for no more accelerators,
/// no longer and no earlier than another cannot fit earlier than that one did. On a backlogged
/// queue each job would otherwise scan the whole backlog from its earliest start, step by step,
/// to find the gap at its end: quadratic in the number of jobs (100,000 backlogged jobs took 5 to
/// 7 seconds; 0.6 with this bound). The bound changes no start: it is at most the earliest fit,
/// and searching from it finds that same fit.
#[derive(Default)]
struct RecentFits {
    /// (accelerators, hours, earliest start, start found), a ring of the last [`Self::KEPT`].
    /// Why the last? Later placements sit further along the backlog; keeping the latest starts
    /// instead kept the big, long jobs, which bound few others (twice as slow, measured).
    fits: Vec<(u32, f64, f64, f64)>,
    next: usize,
}

impl RecentFits {
    const KEPT: usize = 256;

    fn no_earlier_than(&self, accelerators: u32, hours: f64, earliest_start: f64) -> f64 {
        self.fits
            .iter()
            .filter(|f| f.0 <= accelerators && f.1 <= hours && f.2 <= earliest_start)
            .fold(earliest_start, |bound, f| bound.max(f.3))
    }

    fn remember(&mut self, accelerators: u32, hours: f64, earliest_start: f64, start: f64) {
        let fit = (accelerators, hours, earliest_start, start);
        match self.fits.get_mut(self.next) {
            Some(slot) => *slot = fit,
            None => self.fits.push(fit),
        }
        self.next = (self.next + 1) % Self::KEPT;
    }
}

/// Schedules a validated input on `accelerators` (the input's cluster, or a size being weighed).
pub(super) fn run(
    input: &ScheduleInput,
    accelerators: u32,
    checked: &Checked,
) -> Result<ScheduleReport, Error> {
    let mut profile = CapacityProfile::new(accelerators);
    let mut placed: Vec<Placed> = Vec::with_capacity(input.jobs.len());
    let mut recent = RecentFits::default();
    for (rank, &index) in checked.queue.iter().enumerate() {
        let Some(job) = input.jobs.get(index) else { continue };
        if job.accelerators > accelerators {
            continue;
        }
        let not_before =
            recent.no_earlier_than(job.accelerators, job.hours, job.earliest_start_hours);
        let Some(start) = profile.earliest_fit(job.accelerators, job.hours, not_before) else {
            continue;
        };
        recent.remember(job.accelerators, job.hours, job.earliest_start_hours, start);
        let end = start + job.hours;
        // A run too short to register at this time of the horizon, or a horizon past f64, would
        // make the job take no time or end never.
        if !(end.is_finite() && end > start) {
            return Err(Error::new(format!("jobs[{index}].hours"), Problem::ResultOutOfRange));
        }
        profile.reserve(job.accelerators, start, end);
        placed.push(Placed { job: index, rank, accelerators: job.accelerators, start, end });
    }
    let mut lanes = lanes::assign(accelerators, input.jobs.len(), &placed)?;
    let mut slots: Vec<Option<(f64, f64)>> = vec![None; input.jobs.len()];
    for p in &placed {
        if let Some(slot) = slots.get_mut(p.job) {
            *slot = Some((p.start, p.end));
        }
    }

    let mut report = ScheduleReport {
        accelerators,
        order: input.order,
        jobs: Vec::with_capacity(input.jobs.len()),
        makespan_hours: Hours::new(0.0),
        busy_accelerator_hours: 0.0,
        utilization: Fraction::new(0.0),
        deadline_misses: Vec::new(),
        unschedulable: Vec::new(),
        cluster_cost_usd: Usd::new(0.0),
        unschedulable_on_demand_cost_usd: Usd::new(0.0),
        on_demand_cost_usd: Usd::new(0.0),
        spot_cost_usd: None,
        spot_overhead: checked.spot_overhead,
        assumptions: checked.assumptions.clone(),
        owned: None,
        notes: Vec::new(),
    };
    let on_demand = input.on_demand_price_per_accelerator_hour;
    let mut makespan = 0.0_f64;
    let mut accelerator_hours = 0.0;
    let mut unschedulable_accelerator_hours = 0.0;
    for ((job, slot), job_lanes) in input.jobs.iter().zip(slots).zip(lanes.iter_mut()) {
        let work = f64::from(job.accelerators) * job.hours;
        accelerator_hours += work;
        let placement = slot.map(|(start, end)| Placement {
            start_hours: Hours::new(start),
            end_hours: Hours::new(end),
            wait_hours: Hours::new(start - job.earliest_start_hours),
            lanes: std::mem::take(job_lanes),
        });
        let met_deadline =
            job.deadline_hours.map(|deadline| slot.is_some_and(|(_, end)| end <= deadline));
        match slot {
            Some((_, end)) => {
                makespan = makespan.max(end);
                report.busy_accelerator_hours += work;
                if met_deadline == Some(false) {
                    report.deadline_misses.push(job.name.clone());
                }
            }
            None => {
                unschedulable_accelerator_hours += work;
                report.unschedulable.push(job.name.clone());
                report.notes.push(format!(
                    "{} needs {} accelerators and the cluster has {accelerators}: it cannot run here",
                    job.name, job.accelerators
                ));
            }
        }
        if job
            .deadline_hours
            .is_some_and(|deadline| deadline - job.earliest_start_hours < job.hours)
        {
            report.notes.push(format!(
                "{}'s deadline comes less than its run time after its earliest start: no schedule meets it",
                job.name
            ));
        }
        report.jobs.push(JobOutcome {
            name: job.name.clone(),
            accelerators: job.accelerators,
            placement,
            deadline_hours: job.deadline_hours.map(Hours::new),
            met_deadline,
        });
    }
    let capacity_hours = f64::from(accelerators) * makespan;
    report.makespan_hours = Hours::new(makespan);
    report.utilization = Fraction::new(if capacity_hours > 0.0 {
        report.busy_accelerator_hours / capacity_hours
    } else {
        0.0
    });
    report.cluster_cost_usd = Hours::new(capacity_hours) * input.cluster.price_per_accelerator_hour;
    report.unschedulable_on_demand_cost_usd =
        Hours::new(unschedulable_accelerator_hours) * on_demand;
    report.on_demand_cost_usd = Hours::new(accelerator_hours) * on_demand;
    report.spot_cost_usd = input
        .spot_price_per_accelerator_hour
        .map(|spot| Hours::new(accelerator_hours * (1.0 + checked.spot_overhead)) * spot);
    check_finite(&report)?;
    Ok(report)
}

/// Results past `f64` (absurd inputs) become an error naming the result, never infinity.
fn check_finite(report: &ScheduleReport) -> Result<(), Error> {
    let results = [
        ("makespan_hours", report.makespan_hours.get()),
        ("busy_accelerator_hours", report.busy_accelerator_hours),
        ("utilization", report.utilization.get()),
        ("cluster_cost_usd", report.cluster_cost_usd.get()),
        ("unschedulable_on_demand_cost_usd", report.unschedulable_on_demand_cost_usd.get()),
        ("on_demand_cost_usd", report.on_demand_cost_usd.get()),
        ("spot_cost_usd", report.spot_cost_usd.map_or(0.0, Usd::get)),
    ];
    match results.into_iter().find(|(_, value)| !value.is_finite()) {
        Some((field, _)) => Err(Error::new(field, Problem::ResultOutOfRange)),
        None => Ok(()),
    }
}
