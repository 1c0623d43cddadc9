//! The cluster's free accelerators over time, as a step function: what the scheduler searches for a
//! gap and reserves each job in.

/// From `time` until the next step's time (forever, for the last step), `free` accelerators are idle.
#[derive(Debug, Clone, Copy)]
struct Step {
    time: f64,
    free: u32,
}

/// Steps sorted by time, the first at 0. Every reservation ends, so the last step always holds the
/// whole cluster: a job that fits the cluster at all fits there.
#[derive(Debug, Clone)]
pub(super) struct CapacityProfile {
    steps: Vec<Step>,
}

impl CapacityProfile {
    pub(super) fn new(accelerators: u32) -> Self {
        Self { steps: vec![Step { time: 0.0, free: accelerators }] }
    }

    /// The earliest start at or after `not_before` from which `need` accelerators stay free for
    /// `hours`; `None` only when the cluster never has that many free (the job is too large).
    pub(super) fn earliest_fit(&self, need: u32, hours: f64, not_before: f64) -> Option<f64> {
        let first = self.steps.partition_point(|s| s.time <= not_before).saturating_sub(1);
        let mut start: Option<f64> = None;
        for (index, step) in self.steps.iter().enumerate().skip(first) {
            if step.free < need {
                start = None;
                continue;
            }
            let from = *start.get_or_insert(step.time.max(not_before));
            let until = self.steps.get(index + 1).map_or(f64::INFINITY, |next| next.time);
            // The same sum the caller computes for the job's end, so the check and the reservation
            // agree to the last bit.
            if from + hours <= until {
                return Some(from);
            }
        }
        None
    }

    /// Takes `need` accelerators over `[start, end)`; the caller has checked they are free.
    pub(super) fn reserve(&mut self, need: u32, start: f64, end: f64) {
        let from = self.step_at(start);
        let to = self.step_at(end);
        for step in self.steps.iter_mut().take(to).skip(from) {
            step.free = step.free.saturating_sub(need);
        }
        // A step that changes nothing only lengthens every later search. Only the steps from the
        // one before `start` to the one at `end` can have come to equal a neighbour: merging
        // there, not along the whole profile, keeps a reservation's cost local.
        let (low, high) = (from.saturating_sub(1), (to + 1).min(self.steps.len()));
        let mut write = low + 1;
        for read in low + 1..high {
            if self.steps[read].free != self.steps[write - 1].free {
                self.steps[write] = self.steps[read];
                write += 1;
            }
        }
        self.steps.drain(write.min(high)..high);
    }

    /// The index of the step beginning at `time`, splitting the step in force then if none does.
    fn step_at(&mut self, time: f64) -> usize {
        let index = self.steps.partition_point(|s| s.time < time);
        // partition_point leaves `time <= s.time`; the converse makes them equal.
        if self.steps.get(index).is_some_and(|s| s.time <= time) {
            return index;
        }
        let free = index.checked_sub(1).and_then(|i| self.steps.get(i)).map_or(0, |s| s.free);
        self.steps.insert(index, Step { time, free });
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_job_waits_for_its_accelerators_and_fits_a_gap_before_a_reservation() {
        let mut profile = CapacityProfile::new(4);
        profile.reserve(2, 0.0, 10.0);
        profile.reserve(4, 10.0, 15.0);
        assert_eq!(profile.earliest_fit(3, 1.0, 0.0), Some(15.0));
        assert_eq!(profile.earliest_fit(2, 10.0, 0.0), Some(0.0));
        assert_eq!(profile.earliest_fit(2, 10.5, 0.0), Some(15.0));
        assert_eq!(profile.earliest_fit(1, 1.0, 12.0), Some(15.0));
        assert_eq!(profile.earliest_fit(5, 1.0, 0.0), None);
    }
}
