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

/// At most this many sizes are scheduled. A wider range is sampled geometrically, which keeps the
/// relative step even: about 3% per step across 1 to 2,048 accelerators.
pub const MAX_SIZES_EVALUATED: usize = 256;

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
    pub accelerators: u32,
    pub makespan_hours: Hours,
    pub utilization: Fraction,
    pub deadline_misses: u32,
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
/// `sizes` defaults to the largest job's accelerators up to all jobs' accelerators at once (beyond
/// that, more accelerators only sit idle); at most [`MAX_SIZES_EVALUATED`] sizes are scheduled.
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
            let all: u64 = input.jobs.iter().map(|j| u64::from(j.accelerators)).sum();
            (largest, u32::try_from(all).unwrap_or(u32::MAX))
        }
    };
    let mut outcomes = Vec::new();
    for size in candidate_sizes(first, last) {
        outcomes.push(SizeOutcome::of(&run(input, size, &checked)?));
    }
    let best = outcomes
        .iter()
        .filter(|o| o.feasible)
        .min_by(|a, b| {
            a.cluster_cost_usd
                .get()
                .total_cmp(&b.cluster_cost_usd.get())
                .then(a.accelerators.cmp(&b.accelerators))
        })
        .map(|o| o.accelerators);
    let why = explain(&outcomes, best, first, last);
    Ok(ClusterSizing { sizes: outcomes, best, why })
}

/// Every size in `first..=last` when there are few enough, else a geometric sample with both ends.
fn candidate_sizes(first: u32, last: u32) -> Vec<u32> {
    let span = u64::from(last) - u64::from(first) + 1;
    if span <= MAX_SIZES_EVALUATED as u64 {
        return (first..=last).collect();
    }
    let ratio = f64::from(last) / f64::from(first);
    let steps = (MAX_SIZES_EVALUATED - 1) as f64;
    let mut sizes: Vec<u32> = (0..MAX_SIZES_EVALUATED)
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
            format!("; the closest, {} accelerators, {}", o.accelerators, shortfall(o))
        });
        return format!(
            "no size from {first} to {last} accelerators runs every job by its deadline{closest}"
        );
    };
    let Some(pick) = outcomes.get(position) else { return String::new() };
    let mut why = format!(
        "{} accelerators is the cheapest size that runs every job by its deadline: {} for the cluster over a {} h makespan, {:.0}% busy",
        pick.accelerators,
        dollars(pick.cluster_cost_usd),
        hours(pick.makespan_hours),
        pick.utilization.get() * 100.0
    );
    if let Some(smaller) = position.checked_sub(1).and_then(|i| outcomes.get(i)) {
        why.push_str(&if smaller.feasible {
            format!(
                "; {} costs {}: its {} h makespan outweighs the fewer accelerators",
                smaller.accelerators,
                dollars(smaller.cluster_cost_usd),
                hours(smaller.makespan_hours)
            )
        } else {
            format!("; {} {}", smaller.accelerators, shortfall(smaller))
        });
    }
    if let Some(larger) = outcomes.get(position + 1) {
        why.push_str(&format!(
            "; {} finishes in {} h but costs {}, paying for more idle accelerator-hours",
            larger.accelerators,
            hours(larger.makespan_hours),
            dollars(larger.cluster_cost_usd)
        ));
    }
    why
}

/// What an infeasible size fails at: "misses 2 deadlines and cannot run 1 job".
fn shortfall(outcome: &SizeOutcome) -> String {
    let plural = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if outcome.deadline_misses > 0 {
        parts.push(format!("misses {}", plural(outcome.deadline_misses, "deadline", "deadlines")));
    }
    if outcome.unschedulable > 0 {
        parts.push(format!("cannot run {}", plural(outcome.unschedulable, "job", "jobs")));
    }
    parts.join(" and ")
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
        let sizes = candidate_sizes(1, u32::MAX);
        assert!(sizes.len() <= MAX_SIZES_EVALUATED);
        assert_eq!(sizes.first(), Some(&1));
        assert_eq!(sizes.last(), Some(&u32::MAX));
        assert!(sizes.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(candidate_sizes(7, 9), vec![7, 8, 9]);
    }
}
