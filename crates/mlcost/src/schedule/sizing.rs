//! How many accelerators to own for a set of jobs: schedule them on each candidate size and keep the
//! cheapest size that meets every deadline.
//!
//! A size's cost is its cluster billed for its makespan (accelerators × makespan × price): the jobs
//! are the cluster's whole workload over that horizon. A size that misses a deadline, or is too small
//! for a job, is infeasible however cheap; renting the overflow is not priced in, since whether
//! late work may go elsewhere is the user's call (each schedule reports that overflow's on-demand
//! cost for them to weigh).

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::input::ScheduleInput;
use super::report::ScheduleReport;
use super::run::{run, validate};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::units::{Fraction, Hours, Usd};

/// At most this many sizes are scheduled. A range wider than the sizes it may weigh is swept
/// geometrically (which keeps the relative step even), then swept again, finer, around the
/// cheapest size that meets every deadline, until its neighbours are one accelerator away.
pub const MAX_SIZES_EVALUATED: usize = 256;

/// Job placements sizing may spend (sizes weighed × jobs), so a long queue weighs fewer sizes:
/// about a second natively for 10,000 backlogged jobs, 10 to 20 for 100,000. Why not always 256 sizes?
/// Each is a whole schedule: 100,000 jobs took minutes.
const PLACEMENT_BUDGET: usize = 2_000_000;

/// However long the queue, at least this many sizes are weighed.
const FEWEST_SIZES: usize = 16;

/// Sizes in the first, coarse sweep of a wide range, and added around the cheapest in each finer one.
const COARSE_SIZES: usize = 24;
const FINER_SIZES: usize = 8;

/// Every size weighed, and the pick.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterSizing {
    /// In ascending size.
    pub sizes: Vec<SizeOutcome>,
    /// The feasible size with the lowest cluster cost (the smaller on a tie); absent if none is
    /// feasible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub best: Option<u32>,
    /// Why that size, or why none, in words.
    pub why: String,
}

/// One cluster size's schedule, in brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SizeOutcome {
    /// The cluster size, in accelerators.
    pub accelerators: u32,
    /// When the last placed job ends, hours from the horizon's start.
    pub makespan_hours: Hours,
    /// Busy accelerator-hours over the cluster's accelerator-hours in the makespan, a fraction
    /// 0–1.
    pub utilization: Fraction,
    /// Jobs that run but finish after their deadline.
    pub deadline_misses: u32,
    /// Jobs needing more accelerators than this size has: not run.
    pub unschedulable: u32,
    /// The cluster billed for the makespan.
    pub cluster_cost_usd: Usd,
    /// Every job runs and meets its deadline.
    pub feasible: bool,
}

impl SizeOutcome {
    fn of(report: &ScheduleReport) -> Self {
        let count = |names: &[String]| u32::try_from(names.len()).unwrap_or(u32::MAX);
        let deadline_misses = count(&report.deadline_misses);
        let unschedulable = count(&report.unschedulable);
        Self {
            accelerators: report.accelerators,
            makespan_hours: report.makespan_hours,
            utilization: report.utilization,
            deadline_misses,
            unschedulable,
            cluster_cost_usd: report.cluster_cost_usd,
            feasible: deadline_misses == 0 && unschedulable == 0,
        }
    }
}

/// Weighs cluster sizes for the input's jobs at the input's prices (its own cluster size is ignored).
/// `sizes` defaults to the largest job's accelerators up to the most the jobs ever ask for at once
/// when each starts at its earliest (on that many, none waits: more accelerators only sit idle).
/// At most [`MAX_SIZES_EVALUATED`] sizes are scheduled, fewer for a long queue.
pub fn best_cluster_size(
    input: &ScheduleInput,
    sizes: Option<RangeInclusive<u32>>,
) -> Result<ClusterSizing, Error> {
    let checked = validate(input)?;
    let (first, last) = match sizes {
        Some(range) => {
            let (first, last) = range.into_inner();
            if first == 0 {
                return Err(Error::new("sizes", Problem::AtLeast(1.0)));
            }
            if first > last {
                let why = format!("the range {first}..={last} is empty");
                return Err(Error::new("sizes", Problem::Malformed(why)));
            }
            (first, last)
        }
        None => {
            let largest = input.jobs.iter().map(|j| j.accelerators).max().unwrap_or(1);
            (largest, peak_demand(input).max(largest))
        }
    };
    let budget =
        (PLACEMENT_BUDGET / input.jobs.len().max(1)).clamp(FEWEST_SIZES, MAX_SIZES_EVALUATED);
    let mut outcomes: Vec<SizeOutcome> = Vec::new();
    let weigh = |sizes: Vec<u32>, outcomes: &mut Vec<SizeOutcome>| -> Result<(), Error> {
        for size in sizes {
            outcomes.push(SizeOutcome::of(&run(input, size, &checked)?));
        }
        outcomes.sort_by_key(|o| o.accelerators);
        Ok(())
    };
    let span = u64::from(last) - u64::from(first) + 1;
    let every_size = span <= budget as u64;
    if every_size {
        weigh((first..=last).collect(), &mut outcomes)?;
    } else {
        weigh(geometric(first, last, COARSE_SIZES.min(budget - budget / 3)), &mut outcomes)?;
        while outcomes.len() < budget {
            let Some(at) = cheapest(&outcomes) else { break };
            let below = at.checked_sub(1).and_then(|i| outcomes.get(i));
            let low = below.map_or(first, |o| o.accelerators);
            let high = outcomes.get(at + 1).map_or(last, |o| o.accelerators);
            let room = FINER_SIZES.min(budget - outcomes.len());
            let finer: Vec<u32> = geometric(low, high, room + 2)
                .into_iter()
                .filter(|size| outcomes.binary_search_by_key(size, |o| o.accelerators).is_err())
                .take(room)
                .collect();
            if finer.is_empty() {
                break;
            }
            weigh(finer, &mut outcomes)?;
        }
    }
    let best = cheapest(&outcomes).and_then(|at| outcomes.get(at)).map(|o| o.accelerators);
    let mut why = explain(&outcomes, best, first, last);
    if !every_size {
        why.push_str(&format!(
            " ({} of the {} sizes weighed: a coarse sweep, then finer ones around the cheapest)",
            crate::vocabulary::format::whole(outcomes.len() as f64),
            crate::vocabulary::format::whole(span as f64)
        ));
    }
    Ok(ClusterSizing { sizes: outcomes, best, why })
}

/// The position of the feasible size with the lowest cluster cost, the smaller on a tie.
fn cheapest(outcomes: &[SizeOutcome]) -> Option<usize> {
    outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| o.feasible)
        .min_by(|(_, a), (_, b)| {
            a.cluster_cost_usd
                .get()
                .total_cmp(&b.cluster_cost_usd.get())
                .then(a.accelerators.cmp(&b.accelerators))
        })
        .map(|(at, _)| at)
}

/// The most accelerators the jobs ask for at one time, each running from its earliest start (a
/// job's end frees its accelerators for one starting at that instant, as the scheduler counts it).
/// On that many every job starts at once: the schedule is the same on any larger cluster, which
/// only costs more.
fn peak_demand(input: &ScheduleInput) -> u32 {
    let mut changes: Vec<(f64, i64)> = Vec::with_capacity(input.jobs.len() * 2);
    for job in &input.jobs {
        let accelerators = i64::from(job.accelerators);
        changes.push((job.earliest_start_hours, accelerators));
        changes.push((job.earliest_start_hours + job.hours, -accelerators));
    }
    // Ends (negative) before starts at the same instant.
    changes.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let (mut running, mut peak) = (0_i64, 0_i64);
    for (_, change) in changes {
        running += change;
        peak = peak.max(running);
    }
    u32::try_from(peak).unwrap_or(u32::MAX)
}

/// `count` sizes from `first` to `last` (both kept) at an even ratio, without repeats; every size
/// when there are no more than `count`.
fn geometric(first: u32, last: u32, count: usize) -> Vec<u32> {
    let span = u64::from(last) - u64::from(first) + 1;
    if span <= count as u64 {
        return (first..=last).collect();
    }
    let ratio = f64::from(last) / f64::from(first);
    let steps = count.saturating_sub(1).max(1) as f64;
    let mut sizes: Vec<u32> = (0..count)
        .map(|k| {
            let size = (f64::from(first) * ratio.powf(k as f64 / steps)).round();
            // Saturating float-to-int cast, then back into the range against rounding.
            (size as u32).clamp(first, last)
        })
        .collect();
    sizes.dedup();
    sizes
}

fn explain(outcomes: &[SizeOutcome], best: Option<u32>, first: u32, last: u32) -> String {
    let Some(position) = best.and_then(|b| outcomes.iter().position(|o| o.accelerators == b))
    else {
        let fewest = outcomes.iter().min_by_key(|o| (o.unschedulable, o.deadline_misses));
        let closest = fewest.map_or(String::new(), |o| {
            format!("; the closest, {} accelerators, {}", whole(o.accelerators), shortfall(o))
        });
        return format!(
            "no size from {} to {} accelerators runs every job by its deadline{closest}",
            whole(first),
            whole(last)
        );
    };
    let Some(pick) = outcomes.get(position) else { return String::new() };
    let mut why = format!(
        "{} accelerators is the cheapest size that runs every job by its deadline: {} for the cluster over a {} h makespan, {:.0}% busy",
        whole(pick.accelerators),
        dollars(pick.cluster_cost_usd),
        hours(pick.makespan_hours),
        pick.utilization.get() * 100.0
    );
    if let Some(smaller) = position.checked_sub(1).and_then(|i| outcomes.get(i)) {
        why.push_str(&if smaller.feasible {
            format!(
                "; {} costs {}: its {} h makespan outweighs the fewer accelerators",
                whole(smaller.accelerators),
                dollars(smaller.cluster_cost_usd),
                hours(smaller.makespan_hours)
            )
        } else {
            format!("; {} {}", whole(smaller.accelerators), shortfall(smaller))
        });
    }
    if let Some(larger) = outcomes.get(position + 1) {
        why.push_str(&format!(
            "; {} finishes in {} h but costs {}, paying for more idle accelerator-hours",
            whole(larger.accelerators),
            hours(larger.makespan_hours),
            dollars(larger.cluster_cost_usd)
        ));
    }
    why
}

/// What an infeasible size fails at: "misses 2 deadlines and cannot run 1 job".
fn shortfall(outcome: &SizeOutcome) -> String {
    let plural =
        |n: u32, one: &str, many: &str| format!("{} {}", whole(n), if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if outcome.deadline_misses > 0 {
        parts.push(format!("misses {}", plural(outcome.deadline_misses, "deadline", "deadlines")));
    }
    if outcome.unschedulable > 0 {
        parts.push(format!("cannot run {}", plural(outcome.unschedulable, "job", "jobs")));
    }
    parts.join(" and ")
}

/// A count grouped in thousands ("93,923").
fn whole(count: u32) -> String {
    crate::vocabulary::format::whole(f64::from(count))
}

fn dollars(usd: Usd) -> String {
    crate::vocabulary::format::usd_whole(usd)
}

/// Hours to a tenth below a hundred, whole and grouped above ("136", "1,024").
fn hours(hours: Hours) -> String {
    let hours = hours.get();
    if hours < 100.0 { format!("{hours:.1}") } else { crate::vocabulary::format::whole(hours) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_wide_range_is_sampled_with_both_ends_and_no_repeats() {
        let sizes = geometric(1, u32::MAX, MAX_SIZES_EVALUATED);
        assert!(sizes.len() <= MAX_SIZES_EVALUATED);
        assert_eq!(sizes.first(), Some(&1));
        assert_eq!(sizes.last(), Some(&u32::MAX));
        assert!(sizes.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(geometric(7, 9, 5), vec![7, 8, 9]);
    }

    #[test]
    fn the_default_range_ends_where_no_job_waits() {
        use crate::schedule::{Cluster, Job, QueueOrder};
        use crate::units::UsdPerHour;
        let job = |name: &str, accelerators, earliest_start_hours, hours| Job {
            name: name.into(),
            accelerators,
            hours,
            earliest_start_hours,
            deadline_hours: None,
            priority: None,
        };
        // 4 and 2 overlap (6 at once); 3 starts the instant 4 ends, so never runs beside it.
        let jobs = vec![job("a", 4, 0.0, 10.0), job("b", 2, 5.0, 10.0), job("c", 3, 10.0, 1.0)];
        let input = ScheduleInput {
            cluster: Cluster { accelerators: 1, price_per_accelerator_hour: UsdPerHour::new(2.0) },
            on_demand_price_per_accelerator_hour: UsdPerHour::new(4.0),
            spot_price_per_accelerator_hour: None,
            spot_overhead: None,
            order: QueueOrder::Edf,
            jobs,
        };
        assert_eq!(peak_demand(&input), 6);
        let sizing = best_cluster_size(&input, None).unwrap_or_else(|e| panic!("{e}"));
        let weighed: Vec<u32> = sizing.sizes.iter().map(|s| s.accelerators).collect();
        assert_eq!(weighed, vec![4, 5, 6]);
        // On 4, `b` waits for `a`: the cheapest, since no deadline asks for more.
        assert_eq!(sizing.best, Some(4));
    }
}
