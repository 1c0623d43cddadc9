//! The hour grid the analysis fills and the advice reads: mean utilisation per accelerator per
//! clock hour; and the percentile both use.

use std::collections::BTreeMap;

use crate::vocabulary::units::SECONDS_PER_HOUR;

/// Nearest-rank percentile (0 for no values); sorts `values`.
pub(super) fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let rank = (p / 100.0 * values.len() as f64).ceil() as usize;
    values.get(rank.clamp(1, values.len().max(1)) - 1).copied().unwrap_or(0.0)
}

/// Mean utilisation per accelerator per clock hour (hours since the epoch), for the load across
/// accelerators at once and for the hours of the day in which all of them idle.
#[derive(Debug, Default)]
pub(super) struct HourGrid {
    pub cells: BTreeMap<i64, BTreeMap<u32, HourCell>>,
}

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct HourCell {
    weighted: f64,
    hours: f64,
    plain: f64,
    samples: usize,
}

impl HourCell {
    pub fn mean(&self) -> f64 {
        if self.hours > 0.0 {
            self.weighted / self.hours
        } else {
            self.plain / self.samples.max(1) as f64
        }
    }
}

impl HourGrid {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, gpu: u32, time_seconds: f64, utilization: f64, hours: f64) {
        // Times are within 1970–9999 (the importer's bound), so the hour fits an i64.
        let hour = (time_seconds / SECONDS_PER_HOUR).floor() as i64;
        let cell = self.cells.entry(hour).or_default().entry(gpu).or_default();
        cell.weighted += utilization * hours;
        cell.hours += hours;
        cell.plain += utilization;
        cell.samples += 1;
    }
}
