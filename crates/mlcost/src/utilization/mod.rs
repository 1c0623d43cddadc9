//! Utilisation analysis: where paid-for GPU capacity goes unused, from monitoring data.
//!
//! [`import`] reads an `nvidia-smi` or DCGM CSV into [`Monitoring`] (bad rows listed by line and
//! skipped); [`analyze`] turns it into a [`UtilizationReport`]: per accelerator and in total, the hours
//! covered, mean utilisation, idle and underused hours and what they cost, memory headroom, a
//! utilisation histogram and a chart-sized time series; then recommendations (consolidate, shut down
//! off-hours, MIG slices, a smaller accelerator), each with its monthly saving where a price allows.
//!
//! Time: each sample stands for the interval to that accelerator's next sample, capped at
//! [`GAP_CAP_MEDIAN_SPACINGS`] × its median spacing, so a gap in monitoring (a reboot, an exporter
//! down) counts as no time rather than as hours at the last reading. The last sample stands for one
//! median spacing. Utilisation is what both tools report: the percent of time a kernel was running
//! (not how much of the GPU the kernel used), so these figures bound waste from below.
//!
//! Thresholds are estimates, not sourced figures; each `pub const` says why its value. MIG profiles
//! come from NVIDIA's MIG user guide; smaller cards' memory from the bundled hardware table.

mod advice;
mod import;
mod timestamp;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use advice::{
    Load, MIG_MEMORY_HEADROOM, MIG_PROFILES_80GB, MIG_PROFILES_A100_40GB, MIG_PROFILES_H200,
    MigProfile, SMALLER_ACCELERATOR_MEMORY_HEADROOM, SMALLER_ACCELERATORS,
};
pub use import::{BadRow, FIELD, Format, Monitoring, Sample, import};
pub use timestamp::civil_from_days;

use crate::catalogue::pricing::PriceBook;
use crate::vocabulary::check;
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::units::{Bytes, Hours, Usd, UsdPerHour};

/// Below this utilisation an accelerator counts as idle. Estimate: an accelerator holding a loaded
/// model but serving nothing still shows a few percent (health checks, the exporter's own queries).
pub const IDLE_THRESHOLD_PERCENT: f64 = 5.0;
/// Below this it counts as underused. Estimate: under 30% the same work fits on a third of the
/// hardware, which is where consolidation starts paying for its effort.
pub const UNDERUSE_THRESHOLD_PERCENT: f64 = 30.0;
/// The utilisation consolidation packs the load to. Estimate: 70% leaves headroom for bursts and
/// queueing, as capacity planning commonly targets.
pub const TARGET_UTILIZATION_PERCENT: f64 = 70.0;
/// A sample stands for at most this many median spacings. Estimate: 2 tolerates jitter and one
/// missed scrape while a longer silence is a gap, not time.
pub const GAP_CAP_MEDIAN_SPACINGS: f64 = 2.0;
/// Buckets of the utilisation histogram (10% each; 100% falls in the last).
pub const HISTOGRAM_BUCKETS: usize = 10;
/// At most this many points per accelerator in the time series: about one per pixel of a chart.
pub const SERIES_MAX_POINTS: usize = 500;
/// The percentile used for "typical peak" utilisation and memory. Estimate: the 95th ignores the
/// brief spikes a single sample catches, yet still covers every sustained peak.
pub const PERCENTILE: f64 = 95.0;
pub use crate::serving::HOURS_PER_MONTH;

/// What the analysis needs beyond the data: a price and, optionally, other thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// What one accelerator costs per hour (the instance price divided by its accelerators).
    pub price_per_accelerator_hour: UsdPerHour,
    /// What a smaller accelerator (see [`RecommendationKind::SmallerAccelerator`]) would cost per
    /// hour; without it that recommendation has no dollar figure, since the engine invents no price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alternative_price_per_accelerator_hour: Option<UsdPerHour>,
    /// Default [`IDLE_THRESHOLD_PERCENT`].
    #[serde(default = "default_idle")]
    pub idle_threshold_percent: f64,
    /// Default [`UNDERUSE_THRESHOLD_PERCENT`].
    #[serde(default = "default_underuse")]
    pub underuse_threshold_percent: f64,
    /// Default [`TARGET_UTILIZATION_PERCENT`].
    #[serde(default = "default_target")]
    pub target_utilization_percent: f64,
    /// Each accelerator's memory, for files that do not say (DCGM without `DCGM_FI_DEV_FB_FREE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_total: Option<Bytes>,
    /// The accelerators' model (`NVIDIA A100-SXM4-80GB`), for files that do not name it (DCGM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accelerator_name: Option<String>,
}

fn default_idle() -> f64 {
    IDLE_THRESHOLD_PERCENT
}
fn default_underuse() -> f64 {
    UNDERUSE_THRESHOLD_PERCENT
}
fn default_target() -> f64 {
    TARGET_UTILIZATION_PERCENT
}

impl Settings {
    /// The defaults, at a price.
    pub fn new(price_per_accelerator_hour: UsdPerHour) -> Self {
        Self {
            price_per_accelerator_hour,
            alternative_price_per_accelerator_hour: None,
            idle_threshold_percent: IDLE_THRESHOLD_PERCENT,
            underuse_threshold_percent: UNDERUSE_THRESHOLD_PERCENT,
            target_utilization_percent: TARGET_UTILIZATION_PERCENT,
            memory_total: None,
            accelerator_name: None,
        }
    }

    fn check(&self) -> Result<(), Error> {
        check::positive(
            "settings.price_per_accelerator_hour",
            self.price_per_accelerator_hour.get(),
        )?;
        if let Some(price) = self.alternative_price_per_accelerator_hour {
            check::positive("settings.alternative_price_per_accelerator_hour", price.get())?;
        }
        percent("settings.idle_threshold_percent", self.idle_threshold_percent)?;
        percent("settings.underuse_threshold_percent", self.underuse_threshold_percent)?;
        percent("settings.target_utilization_percent", self.target_utilization_percent)?;
        if self.idle_threshold_percent > self.underuse_threshold_percent {
            return Err(Error::new(
                "settings.idle_threshold_percent",
                Problem::Malformed("must not exceed settings.underuse_threshold_percent".into()),
            ));
        }
        if let Some(total) = self.memory_total {
            check::positive("settings.memory_total", total.get())?;
        }
        if self.accelerator_name.as_ref().is_some_and(|n| n.trim().is_empty()) {
            return Err(Error::new("settings.accelerator_name", Problem::Missing));
        }
        Ok(())
    }
}

/// A percentage in (0, 100].
fn percent(field: &str, value: f64) -> Result<(), Error> {
    check::fraction(field, value / 100.0)
        .map(|_| ())
        .map_err(|_| Error::new(field, Problem::OutOfRange { min: 0.0, max: 100.0 }))
}

/// Where the time went, for one accelerator or all of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub samples: usize,
    /// Accelerator-hours the samples stand for (gaps excluded).
    pub covered_hours: Hours,
    /// Time-weighted mean.
    pub mean_utilization_percent: f64,
    /// Hours below the idle threshold (a part of the underused hours).
    pub idle_hours: Hours,
    /// Hours below the underuse threshold, idle ones included.
    pub underused_hours: Hours,
    /// Hours at or above the underuse threshold: `covered = underused + busy`.
    pub busy_hours: Hours,
    pub idle_cost: Usd,
    pub underused_cost: Usd,
    /// What the unused share of every hour cost: Σ hours × (1 − utilisation) × price.
    pub unused_capacity_cost: Usd,
    /// Hours with utilisation in [0, 10%), [10, 20%), … [90, 100%].
    pub histogram_hours: [Hours; HISTOGRAM_BUCKETS],
}

/// Memory used against what the accelerator has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryUse {
    pub peak_used: Bytes,
    /// The [`PERCENTILE`]th percentile of samples.
    pub p95_used: Bytes,
    /// From the file, or from [`Settings::memory_total`]; absent when neither says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Bytes>,
    /// `total − peak_used`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_headroom: Option<Bytes>,
    /// `total − p95_used`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p95_headroom: Option<Bytes>,
}

/// One point of a chart: the mean of the samples in its time bin.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    /// Seconds since 1970-01-01T00:00 on the file's clock (see [`Sample::time_seconds`]).
    pub time_seconds: f64,
    pub utilization_percent: f64,
    pub memory_used: Bytes,
}

/// One accelerator's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceleratorUsage {
    pub gpu: u32,
    /// From the file, or from [`Settings::accelerator_name`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub first_time_seconds: f64,
    pub last_time_seconds: f64,
    /// The typical interval between its samples; 0 with fewer than two distinct times.
    pub median_spacing_seconds: f64,
    pub usage: Usage,
    pub peak_utilization_percent: f64,
    pub p95_utilization_percent: f64,
    pub memory: MemoryUse,
    /// At most [`SERIES_MAX_POINTS`] points, in time order, empty bins (gaps) left out.
    pub series: Vec<SeriesPoint>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecommendationKind {
    /// Run the load on fewer accelerators.
    Consolidate,
    /// Stop every accelerator during hours of the day when all of them idle.
    OffHoursShutdown,
    /// Run a lightly used accelerator's work as a MIG slice, packing several onto one accelerator.
    MigSlices,
    /// Move to a card with less memory (and compute) that still holds the work.
    SmallerAccelerator,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub kind: RecommendationKind,
    pub title: String,
    /// Per month of [`HOURS_PER_MONTH`] hours; absent when it needs a price nobody gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_saving_usd: Option<Usd>,
    pub reasoning: String,
    /// The accelerators it concerns.
    pub gpus: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UtilizationReport {
    pub format: Format,
    /// The settings used, defaults filled in.
    pub settings: Settings,
    /// The month monthly savings are per.
    pub hours_per_month: Hours,
    /// Rows of the file that were skipped (listed in [`Monitoring::bad_rows`]).
    pub skipped_rows: usize,
    pub first_time_seconds: f64,
    pub last_time_seconds: f64,
    /// All accelerators together.
    pub total: Usage,
    /// In `gpu` order.
    pub accelerators: Vec<AcceleratorUsage>,
    /// How many accelerators the work needs.
    pub load: Load,
    /// Hours of the day (0–23, on the file's clock) in which every accelerator's mean utilisation
    /// was below the idle threshold on every day observed; empty unless all 24 were observed.
    pub idle_hours_of_day: Vec<u8>,
    /// Largest saving first; savings overlap, so they do not add up.
    pub recommendations: Vec<Recommendation>,
    pub notes: Vec<String>,
}

/// Analyses imported monitoring data. Errors name a [`Settings`] field, or [`FIELD`] when there is
/// nothing to analyse; results are always finite.
pub fn analyze(monitoring: &Monitoring, settings: &Settings) -> Result<UtilizationReport, Error> {
    settings.check()?;
    if monitoring.samples.is_empty() {
        return Err(Error::new(
            FIELD,
            Problem::Malformed("there are no samples to analyse".into()),
        ));
    }
    let price = settings.price_per_accelerator_hour;
    let mut sorted: Vec<&Sample> = monitoring.samples.iter().collect();
    sorted.sort_by(|a, b| a.gpu.cmp(&b.gpu).then(a.time_seconds.total_cmp(&b.time_seconds)));

    let mut total = UsageSum::default();
    let mut accelerators = Vec::new();
    let mut hours = HourGrid::new();
    for samples in sorted.chunk_by(|a, b| a.gpu == b.gpu) {
        let name = samples
            .first()
            .and_then(|s| monitoring.names.get(&s.gpu))
            .or(settings.accelerator_name.as_ref())
            .cloned();
        accelerators.push(accelerator(samples, name, settings, &mut total, &mut hours));
    }

    let mut notes = vec![format!(
        "monthly savings are per {HOURS_PER_MONTH} h month (8,760 h / 12) at ${}/accelerator-hour; they overlap (an accelerator consolidated away cannot also be shut down at night), so do not add them up",
        price.get()
    )];
    if accelerators.iter().any(|a| a.memory.total.is_none()) {
        notes.push(
            "the file does not give every accelerator's memory total; set settings.memory_total for memory headroom and the MIG and smaller-accelerator checks".into(),
        );
    }
    let advice = advice::advise(&accelerators, &hours, settings, PriceBook::bundled()?);
    notes.extend(advice.notes);

    let report = UtilizationReport {
        format: monitoring.format,
        settings: settings.clone(),
        hours_per_month: Hours::new(HOURS_PER_MONTH),
        skipped_rows: monitoring.bad_rows.len(),
        first_time_seconds: accelerators
            .iter()
            .map(|a| a.first_time_seconds)
            .fold(f64::INFINITY, f64::min),
        last_time_seconds: accelerators.iter().map(|a| a.last_time_seconds).fold(0.0, f64::max),
        total: total.finish(settings),
        accelerators,
        load: advice.load,
        idle_hours_of_day: advice.idle_hours_of_day,
        recommendations: advice.recommendations,
        notes,
    };
    if report.is_finite() {
        Ok(report)
    } else {
        Err(Error::new("utilization.report", Problem::ResultOutOfRange))
    }
}

/// One accelerator's samples (sorted by time) into its figures, adding them to the total and to the
/// hour grid.
fn accelerator(
    samples: &[&Sample],
    name: Option<String>,
    settings: &Settings,
    total: &mut UsageSum,
    hours: &mut HourGrid,
) -> AcceleratorUsage {
    let gpu = samples.first().map_or(0, |s| s.gpu);
    let first_time_seconds = samples.first().map_or(0.0, |s| s.time_seconds);
    let last_time_seconds = samples.last().map_or(0.0, |s| s.time_seconds);
    let mut spacings: Vec<f64> = samples
        .windows(2)
        .filter_map(|pair| match pair {
            [a, b] => Some(b.time_seconds - a.time_seconds),
            _ => None,
        })
        .filter(|d| *d > 0.0)
        .collect();
    let median_spacing_seconds = percentile(&mut spacings, 50.0);
    let cap = GAP_CAP_MEDIAN_SPACINGS * median_spacing_seconds;

    let mut usage = UsageSum::default();
    let mut series = SeriesBins::new(first_time_seconds, last_time_seconds, samples.len());
    for (i, sample) in samples.iter().enumerate() {
        let seconds = samples.get(i + 1).map_or(median_spacing_seconds, |next| {
            (next.time_seconds - sample.time_seconds).min(cap)
        });
        let hours_covered = seconds / 3600.0;
        usage.add(sample.utilization_percent, hours_covered, settings);
        total.add(sample.utilization_percent, hours_covered, settings);
        hours.add(gpu, sample.time_seconds, sample.utilization_percent, hours_covered);
        series.add(sample);
    }

    let mut utilization: Vec<f64> = samples.iter().map(|s| s.utilization_percent).collect();
    let mut memory: Vec<f64> = samples.iter().map(|s| s.memory_used.get()).collect();
    let peak_used = Bytes::new(memory.iter().copied().fold(0.0, f64::max));
    let p95_used = Bytes::new(percentile(&mut memory, PERCENTILE));
    let total_memory = samples
        .iter()
        .filter_map(|s| s.memory_total)
        .map(Bytes::get)
        .reduce(f64::max)
        .map(Bytes::new)
        .or(settings.memory_total);
    let headroom = |used: Bytes| total_memory.map(|t| Bytes::new((t.get() - used.get()).max(0.0)));
    AcceleratorUsage {
        gpu,
        name,
        first_time_seconds,
        last_time_seconds,
        median_spacing_seconds,
        usage: usage.finish(settings),
        peak_utilization_percent: utilization.iter().copied().fold(0.0, f64::max),
        p95_utilization_percent: percentile(&mut utilization, PERCENTILE),
        memory: MemoryUse {
            peak_used,
            p95_used,
            total: total_memory,
            peak_headroom: headroom(peak_used),
            p95_headroom: headroom(p95_used),
        },
        series: series.finish(),
    }
}

/// Nearest-rank percentile (0 for no values); sorts `values`.
fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let rank = (p / 100.0 * values.len() as f64).ceil() as usize;
    values.get(rank.clamp(1, values.len().max(1)) - 1).copied().unwrap_or(0.0)
}

/// Running sums behind a [`Usage`].
#[derive(Debug, Default)]
struct UsageSum {
    samples: usize,
    hours: f64,
    weighted_utilization: f64,
    plain_utilization: f64,
    idle: f64,
    underused: f64,
    unused: f64,
    histogram: [f64; HISTOGRAM_BUCKETS],
}

impl UsageSum {
    fn add(&mut self, utilization: f64, hours: f64, settings: &Settings) {
        self.samples += 1;
        self.hours += hours;
        self.weighted_utilization += utilization * hours;
        self.plain_utilization += utilization;
        if utilization < settings.idle_threshold_percent {
            self.idle += hours;
        }
        if utilization < settings.underuse_threshold_percent {
            self.underused += hours;
        }
        self.unused += hours * (1.0 - utilization / 100.0);
        let bucket = ((utilization / 10.0).floor().max(0.0) as usize).min(HISTOGRAM_BUCKETS - 1);
        if let Some(slot) = self.histogram.get_mut(bucket) {
            *slot += hours;
        }
    }

    fn finish(&self, settings: &Settings) -> Usage {
        let price = settings.price_per_accelerator_hour;
        // Samples that stand for no time (a lone sample) still say how busy the accelerator was.
        let mean = if self.hours > 0.0 {
            self.weighted_utilization / self.hours
        } else {
            self.plain_utilization / self.samples.max(1) as f64
        };
        Usage {
            samples: self.samples,
            covered_hours: Hours::new(self.hours),
            mean_utilization_percent: mean,
            idle_hours: Hours::new(self.idle),
            underused_hours: Hours::new(self.underused),
            busy_hours: Hours::new((self.hours - self.underused).max(0.0)),
            idle_cost: Hours::new(self.idle) * price,
            underused_cost: Hours::new(self.underused) * price,
            unused_capacity_cost: Hours::new(self.unused) * price,
            histogram_hours: self.histogram.map(Hours::new),
        }
    }
}

/// Equal time bins across one accelerator's span, averaged.
struct SeriesBins {
    start: f64,
    span: f64,
    bins: Vec<(f64, f64, f64, usize)>,
}

impl SeriesBins {
    fn new(start: f64, end: f64, samples: usize) -> Self {
        let count = samples.clamp(1, SERIES_MAX_POINTS);
        Self { start, span: end - start, bins: vec![(0.0, 0.0, 0.0, 0); count] }
    }

    fn add(&mut self, sample: &Sample) {
        let last = self.bins.len().saturating_sub(1);
        let at = if self.span > 0.0 {
            (((sample.time_seconds - self.start) / self.span * self.bins.len() as f64) as usize)
                .min(last)
        } else {
            0
        };
        if let Some(bin) = self.bins.get_mut(at) {
            bin.0 += sample.time_seconds;
            bin.1 += sample.utilization_percent;
            bin.2 += sample.memory_used.get();
            bin.3 += 1;
        }
    }

    fn finish(self) -> Vec<SeriesPoint> {
        self.bins
            .into_iter()
            .filter(|bin| bin.3 > 0)
            .map(|(time, utilization, memory, count)| {
                let n = count as f64;
                SeriesPoint {
                    time_seconds: time / n,
                    utilization_percent: utilization / n,
                    memory_used: Bytes::new(memory / n),
                }
            })
            .collect()
    }
}

/// Mean utilisation per accelerator per clock hour (hours since the epoch), for the load across
/// accelerators at once and for the hours of the day in which all of them idle.
#[derive(Debug, Default)]
struct HourGrid {
    cells: BTreeMap<i64, BTreeMap<u32, HourCell>>,
}

#[derive(Debug, Default, Clone, Copy)]
struct HourCell {
    weighted: f64,
    hours: f64,
    plain: f64,
    samples: usize,
}

impl HourCell {
    fn mean(&self) -> f64 {
        if self.hours > 0.0 {
            self.weighted / self.hours
        } else {
            self.plain / self.samples.max(1) as f64
        }
    }
}

impl HourGrid {
    fn new() -> Self {
        Self::default()
    }

    fn add(&mut self, gpu: u32, time_seconds: f64, utilization: f64, hours: f64) {
        // Times are within 1970–9999 (the importer's bound), so the hour fits an i64.
        let hour = (time_seconds / 3600.0).floor() as i64;
        let cell = self.cells.entry(hour).or_default().entry(gpu).or_default();
        cell.weighted += utilization * hours;
        cell.hours += hours;
        cell.plain += utilization;
        cell.samples += 1;
    }
}

impl UtilizationReport {
    /// Every number is finite (the engine's promise; extreme prices could overflow a sum).
    fn is_finite(&self) -> bool {
        let usage_finite = |u: &Usage| {
            [
                u.covered_hours.get(),
                u.mean_utilization_percent,
                u.idle_hours.get(),
                u.underused_hours.get(),
                u.busy_hours.get(),
                u.idle_cost.get(),
                u.underused_cost.get(),
                u.unused_capacity_cost.get(),
            ]
            .into_iter()
            .chain(u.histogram_hours.iter().map(|h| h.get()))
            .all(f64::is_finite)
        };
        let accelerator_finite = |a: &AcceleratorUsage| {
            usage_finite(&a.usage)
                && [
                    a.first_time_seconds,
                    a.last_time_seconds,
                    a.median_spacing_seconds,
                    a.peak_utilization_percent,
                    a.p95_utilization_percent,
                    a.memory.peak_used.get(),
                    a.memory.p95_used.get(),
                ]
                .into_iter()
                .chain(
                    [a.memory.total, a.memory.peak_headroom, a.memory.p95_headroom]
                        .into_iter()
                        .flatten()
                        .map(Bytes::get),
                )
                .all(f64::is_finite)
                && a.series.iter().all(|p| {
                    p.time_seconds.is_finite()
                        && p.utilization_percent.is_finite()
                        && p.memory_used.is_finite()
                })
        };
        usage_finite(&self.total)
            && self.accelerators.iter().all(accelerator_finite)
            && self.first_time_seconds.is_finite()
            && self.last_time_seconds.is_finite()
            && self.load.is_finite()
            && self.recommendations.iter().all(|r| r.monthly_saving_usd.is_none_or(Usd::is_finite))
    }
}
