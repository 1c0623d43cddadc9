//! The cluster's free accelerators over time, as a step function: what the scheduler searches for a
//! gap and reserves each job in.

/// From `time` until the next step's time (forever, for the last step), `free` accelerators are idle.
#[derive(Debug, Clone, Copy)]
struct Step {
    time: f64,
    free: u32,
}

/// Steps sorted by time, the first at 0, in blocks. Every reservation ends, so the last step
/// always holds the whole cluster: a job that fits the cluster at all fits there.
///
/// Why blocks? One sorted list of steps was read step by step for every job: every step of a
/// busy stretch, and every step inside the gap it fits (thousands, where many small jobs start
/// and end). A block knows its least and most free accelerators, so a search passes a block too
/// busy for the job, or free enough all through, in one look; a reservation covering a whole block
/// owes it the accelerators instead of writing each step; and an insertion moves one block's
/// steps, not every later one.
#[derive(Debug, Clone)]
pub(super) struct CapacityProfile {
    /// None empty; each block's steps all come after the previous block's.
    blocks: Vec<Block>,
}

#[derive(Debug, Clone)]
struct Block {
    /// Free counts here are before `owed` is taken off.
    steps: Vec<Step>,
    /// Taken off every step of the block, not yet written to them.
    owed: u32,
    /// The least and most free of the block's steps, `owed` taken off.
    least: u32,
    most: u32,
}

impl Block {
    fn new(steps: Vec<Step>) -> Self {
        let mut block = Self { steps, owed: 0, least: 0, most: 0 };
        block.measure();
        block
    }

    /// Writes what the block owes into its steps.
    fn settle(&mut self) {
        let owed = std::mem::take(&mut self.owed);
        if owed > 0 {
            self.steps.iter_mut().for_each(|step| step.free = step.free.saturating_sub(owed));
        }
    }

    /// The least and most free, from the steps (settled).
    fn measure(&mut self) {
        let frees = self.steps.iter().map(|step| step.free);
        self.least = frees.clone().min().unwrap_or(0);
        self.most = frees.max().unwrap_or(0);
    }

    fn first_time(&self) -> f64 {
        self.steps.first().map_or(f64::INFINITY, |step| step.time)
    }
}

/// A block past this many steps is split in two.
const MAX_BLOCK: usize = 256;

impl CapacityProfile {
    pub(super) fn new(accelerators: u32) -> Self {
        Self { blocks: vec![Block::new(vec![Step { time: 0.0, free: accelerators }])] }
    }

    /// The earliest start at or after `not_before` from which `need` accelerators stay free for
    /// `hours`; `None` only when the cluster never has that many free (the job is too large).
    pub(super) fn earliest_fit(&self, need: u32, hours: f64, not_before: f64) -> Option<f64> {
        let (first_block, first_step) = self.in_force(not_before);
        // Where the job would start, if the steps since stay free enough for long enough.
        let mut start: Option<f64> = None;
        for (at, block) in self.blocks.iter().enumerate().skip(first_block) {
            let next_block = self.blocks.get(at + 1).map_or(f64::INFINITY, Block::first_time);
            let whole = at > first_block || first_step == 0;
            if whole && start.is_none() && block.most < need {
                continue;
            }
            if whole && let Some(from) = start.filter(|_| block.least >= need) {
                // Free enough all through: the run reaches the next block at least. The same sum
                // the caller computes for the job's end, so the check and the reservation agree
                // to the last bit.
                if from + hours <= next_block {
                    return Some(from);
                }
                continue;
            }
            let skip = if at == first_block { first_step } else { 0 };
            let mut steps = block.steps.iter().skip(skip).peekable();
            while let Some(step) = steps.next() {
                if step.free.saturating_sub(block.owed) < need {
                    start = None;
                    continue;
                }
                let from = *start.get_or_insert(step.time.max(not_before));
                let until = steps.peek().map_or(next_block, |next| next.time);
                if from + hours <= until {
                    return Some(from);
                }
            }
        }
        // Past the last step the cluster is whole and free for ever.
        start
    }

    /// Takes `need` accelerators over `[start, end)`; the caller has checked they are free.
    pub(super) fn reserve(&mut self, need: u32, start: f64, end: f64) {
        self.split_at(start);
        self.split_at(end);
        let (first, last) = (self.in_force(start), self.in_force(end));
        for at in first.0..=last.0 {
            let Some(block) = self.blocks.get_mut(at) else { continue };
            let from = if at == first.0 { first.1 } else { 0 };
            let to = if at == last.0 { last.1 } else { block.steps.len() };
            if from == 0 && to == block.steps.len() {
                block.owed = block.owed.saturating_add(need);
                block.least = block.least.saturating_sub(need);
                block.most = block.most.saturating_sub(need);
                continue;
            }
            block.settle();
            for step in block.steps.iter_mut().take(to).skip(from) {
                step.free = step.free.saturating_sub(need);
            }
            // A step that changes nothing only lengthens every later search.
            let mut previous: Option<u32> = None;
            block.steps.retain(|step| {
                let repeats = previous == Some(step.free);
                previous = Some(step.free);
                !repeats
            });
            block.measure();
        }
    }

    /// The block and step in force at `time` (the last beginning at or before it).
    fn in_force(&self, time: f64) -> (usize, usize) {
        let block = self.blocks.partition_point(|b| b.first_time() <= time).saturating_sub(1);
        let step = self
            .blocks
            .get(block)
            .map_or(0, |b| b.steps.partition_point(|s| s.time <= time).saturating_sub(1));
        (block, step)
    }

    /// Makes a step begin at `time`, splitting the step in force then if none does, and a block
    /// grown too long.
    fn split_at(&mut self, time: f64) {
        let (at, index) = self.in_force(time);
        let Some(block) = self.blocks.get_mut(at) else { return };
        let Some(&in_force) = block.steps.get(index) else { return };
        // The step in force begins at or before `time`: at it, if not before.
        if in_force.time >= time {
            return;
        }
        block.steps.insert(index + 1, Step { time, free: in_force.free });
        if block.steps.len() > MAX_BLOCK {
            block.settle();
            let upper = block.steps.split_off(block.steps.len() / 2);
            block.measure();
            self.blocks.insert(at + 1, Block::new(upper));
        }
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

    /// One plain list of steps, scanned one by one: the reference it must match.
    struct Steps(Vec<(f64, u32)>);

    impl Steps {
        fn earliest_fit(&self, need: u32, hours: f64, not_before: f64) -> Option<f64> {
            let first = self.0.partition_point(|s| s.0 <= not_before).saturating_sub(1);
            let mut start: Option<f64> = None;
            for (index, &(time, free)) in self.0.iter().enumerate().skip(first) {
                if free < need {
                    start = None;
                    continue;
                }
                let from = *start.get_or_insert(time.max(not_before));
                let until = self.0.get(index + 1).map_or(f64::INFINITY, |next| next.0);
                if from + hours <= until {
                    return Some(from);
                }
            }
            None
        }

        fn reserve(&mut self, need: u32, start: f64, end: f64) {
            for time in [start, end] {
                let index = self.0.partition_point(|s| s.0 < time);
                if self.0.get(index).is_none_or(|s| s.0 > time) {
                    let free = self.0[index - 1].1;
                    self.0.insert(index, (time, free));
                }
            }
            for step in self.0.iter_mut().filter(|s| s.0 >= start && s.0 < end) {
                step.1 -= need;
            }
        }
    }

    #[test]
    fn the_blocks_find_the_same_gaps_as_a_scan_of_every_step() {
        let mut state = 7_u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) % n
        };
        for cluster in [1, 3, 16, 64] {
            let mut blocks = CapacityProfile::new(cluster);
            let mut steps = Steps(vec![(0.0, cluster)]);
            for _ in 0..1500 {
                let need = 1 + next(u64::from(cluster) + 1) as u32;
                let hours = (1 + next(40)) as f64 / 4.0;
                let not_before = next(200) as f64 / 2.0;
                let expected = steps.earliest_fit(need, hours, not_before);
                assert_eq!(blocks.earliest_fit(need, hours, not_before), expected);
                if let Some(start) = expected {
                    blocks.reserve(need, start, start + hours);
                    steps.reserve(need, start, start + hours);
                }
            }
            // Enough steps for many blocks: their skipping, owing and splitting all ran.
            // (One or three accelerators stay busy in one merged stretch.)
            if cluster >= 16 {
                assert!(blocks.blocks.len() > 4, "{} blocks on {cluster}", blocks.blocks.len());
            }
        }
    }
}
