//! Concrete accelerator indices ("lanes") for each placed job, so a Gantt chart can give every
//! accelerator a row and draw no two jobs on one row at once.

use serde::{Deserialize, Serialize};

use crate::vocabulary::error::{Error, Problem};

/// Accelerators `first` to `first + count - 1` of the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaneRange {
    /// Index of the first accelerator in the range, from 0.
    pub first: u32,
    /// Accelerators in the range, consecutive from `first`.
    pub count: u32,
}

impl LaneRange {
    fn end(self) -> u64 {
        u64::from(self.first) + u64::from(self.count)
    }
}

/// Idle lanes as sorted, disjoint, non-touching ranges: a cluster of millions costs one range, not
/// millions of flags.
struct FreeLanes {
    ranges: Vec<LaneRange>,
}

impl FreeLanes {
    /// One block of `need` lanes where a range holds it (first fit, so most jobs draw as one bar),
    /// else the lowest idle lanes; `None` if fewer than `need` are idle.
    fn take(&mut self, need: u32) -> Option<Vec<LaneRange>> {
        if let Some(at) = self.ranges.iter().position(|r| r.count >= need) {
            let range = &mut self.ranges[at];
            let taken = LaneRange { first: range.first, count: need };
            range.first += need;
            range.count -= need;
            if range.count == 0 {
                self.ranges.remove(at);
            }
            return Some(vec![taken]);
        }
        let idle: u64 = self.ranges.iter().map(|r| u64::from(r.count)).sum();
        if idle < u64::from(need) {
            return None;
        }
        let mut taken = Vec::new();
        let mut still = need;
        for range in &mut self.ranges {
            let count = range.count.min(still);
            taken.push(LaneRange { first: range.first, count });
            range.first += count;
            range.count -= count;
            still -= count;
            if still == 0 {
                break;
            }
        }
        // The ranges emptied are the first ones taken from.
        let emptied = self.ranges.iter().take_while(|r| r.count == 0).count();
        self.ranges.drain(..emptied);
        Some(taken)
    }

    /// Returns `lanes` to the idle ranges, each put in its place and joined to the ranges it
    /// touches. Why not append and sort? That sorted every idle range at every job's end: with a
    /// fragmented cluster of thousands of accelerators and 100,000 jobs, most of the schedule's time.
    fn give_back(&mut self, lanes: &[LaneRange]) {
        for &range in lanes {
            let at = self.ranges.partition_point(|r| r.first < range.first);
            let joins_before = at
                .checked_sub(1)
                .and_then(|i| self.ranges.get(i))
                .is_some_and(|before| before.end() == u64::from(range.first));
            let joins_after =
                self.ranges.get(at).is_some_and(|after| range.end() == u64::from(after.first));
            match (joins_before, joins_after) {
                (true, true) => {
                    let after = self.ranges.remove(at);
                    self.ranges[at - 1].count += range.count + after.count;
                }
                (true, false) => self.ranges[at - 1].count += range.count,
                (false, true) => {
                    self.ranges[at].first = range.first;
                    self.ranges[at].count += range.count;
                }
                (false, false) => self.ranges.insert(at, range),
            }
        }
    }
}

/// A placed job: when it runs, how many accelerators, and its place in the queue (which breaks ties
/// between jobs starting at the same instant, so lanes are the same on every run).
pub(super) struct Placed {
    pub job: usize,
    pub rank: usize,
    pub accelerators: u32,
    pub start: f64,
    pub end: f64,
}

/// Lanes for every placed job, indexed like `jobs` (empty for jobs not placed). Sweeps the jobs'
/// starts and ends in time order, freeing lanes at an instant before taking any, as the capacity
/// profile counts a job's end as free.
pub(super) fn assign(
    accelerators: u32,
    jobs: usize,
    placed: &[Placed],
) -> Result<Vec<Vec<LaneRange>>, Error> {
    // (time, starts after ends, queue rank, index into `placed`)
    let mut events: Vec<(f64, bool, usize, usize)> = Vec::with_capacity(placed.len() * 2);
    for (index, p) in placed.iter().enumerate() {
        events.push((p.end, false, p.rank, index));
        events.push((p.start, true, p.rank, index));
    }
    events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut free = FreeLanes { ranges: vec![LaneRange { first: 0, count: accelerators }] };
    let mut lanes = vec![Vec::new(); jobs];
    for (_, is_start, _, index) in events {
        let Some(p) = placed.get(index) else { continue };
        let Some(job_lanes) = lanes.get_mut(p.job) else { continue };
        if is_start {
            // The capacity profile never over-commits, so idle lanes always suffice; should that
            // ever break, an error beats a chart with two jobs on one accelerator.
            *job_lanes = free
                .take(p.accelerators)
                .ok_or_else(|| Error::new(format!("jobs[{}]", p.job), Problem::ResultOutOfRange))?;
        } else {
            free.give_back(job_lanes);
        }
    }
    Ok(lanes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn freed_lanes_merge_and_a_job_spans_gaps_when_no_block_is_large_enough() {
        let mut free = FreeLanes { ranges: vec![LaneRange { first: 0, count: 8 }] };
        let a = free.take(3).unwrap_or_default();
        let b = free.take(2).unwrap_or_default();
        let c = free.take(3).unwrap_or_default();
        assert_eq!(b, vec![LaneRange { first: 3, count: 2 }]);
        assert!(free.take(1).is_none());
        free.give_back(&a);
        free.give_back(&c);
        assert_eq!(
            free.take(5),
            Some(vec![LaneRange { first: 0, count: 3 }, LaneRange { first: 5, count: 2 }])
        );
        free.give_back(&b);
        assert_eq!(
            free.ranges,
            vec![LaneRange { first: 3, count: 2 }, LaneRange { first: 7, count: 1 }]
        );
    }
}
