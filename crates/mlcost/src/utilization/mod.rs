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
mod hours;
mod import;
mod report;
mod settings;
mod timestamp;

pub use crate::vocabulary::units::HOURS_PER_MONTH;
pub use advice::{
    MIG_MEMORY_HEADROOM, MIG_PROFILES_80GB, MIG_PROFILES_A100_40GB, MIG_PROFILES_H200, MigProfile,
    SMALLER_ACCELERATOR_MEMORY_HEADROOM, SMALLER_ACCELERATORS,
};
pub use import::{BadRow, FIELD, Format, Monitoring, Sample, import};
pub use report::{
    AcceleratorUsage, Load, MemoryUse, Recommendation, RecommendationKind, SeriesPoint, Usage,
    UtilizationReport,
};
pub use settings::{
    GAP_CAP_MEDIAN_SPACINGS, HISTOGRAM_BUCKETS, IDLE_THRESHOLD_PERCENT, PERCENTILE,
    SERIES_MAX_POINTS, Settings, TARGET_UTILIZATION_PERCENT, UNDERUSE_THRESHOLD_PERCENT,
};
pub use timestamp::civil_from_days;

use crate::catalogue::pricing::PriceBook;
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::units::{Bytes, Hours, SECONDS_PER_HOUR, UsdPerHour};
use hours::{HourGrid, percentile};

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
        crate::vocabulary::format::trimmed(price.get())
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
        owned: None,
    };
    // Extreme prices could overflow a sum: no figure leaves as NaN or infinity.
    crate::vocabulary::finite::checked("utilization", report)
}

/// Monitoring data from servers the team owns: `owned` (a scenario's `owned` section) at the
/// utilisation the file measured prices every accelerator-hour, busy or idle (an idle one costs
/// the servers' recovery, the facility, support, staff and idle power), and the report says what
/// each used hour cost. The section's own `utilization` is replaced by the measured one; the
/// settings' price is not used.
pub fn analyze_owned(
    monitoring: &Monitoring,
    settings: &Settings,
    owned: &serde_json::Value,
    book: &PriceBook,
) -> Result<UtilizationReport, Error> {
    // Every dollar figure goes as the price: a first pass (at any price, the settings' being
    // neither needed nor used) finds the utilisation to price at.
    let unpriced =
        Settings { price_per_accelerator_hour: UsdPerHour::new(1.0), ..settings.clone() };
    let measured = analyze(monitoring, &unpriced)?.total.mean_utilization_percent / 100.0;
    // A fleet idle throughout still costs its hours: priced at the smallest share the section
    // accepts rather than refused.
    let at = crate::own::owned_at(owned, measured.max(1e-6), book)?;
    let priced = Settings {
        price_per_accelerator_hour: at.per_accelerator_hour.total(),
        ..settings.clone()
    };
    let mut report = analyze(monitoring, &priced)?;
    let seen = report.accelerators.len();
    if u32::try_from(seen).unwrap_or(u32::MAX) != at.accelerators {
        report.notes.push(format!(
            "the file has {seen} accelerators; the owned section holds {}: its terms per accelerator-hour apply either way",
            at.accelerators
        ));
    }
    report.notes.insert(
        0,
        format!(
            "owned: at the measured {} of the hours in use, an owned accelerator-hour costs ${:.3} and a used one ${:.3} (the owned section's terms; its own utilisation is replaced by the measured one)",
            crate::vocabulary::format::percent(at.utilization),
            at.per_accelerator_hour.total().get(),
            at.per_used_accelerator_hour.get()
        ),
    );
    // An owned accelerator switched off still costs its recovery, facility, support and staff:
    // only its power is saved. Said beside savings priced at the whole owned hour.
    let idle = at.idle_power_per_hour.get();
    report.notes.insert(
        1,
        format!(
            "on owned servers the savings above are the owned hours freed (${:.3} each): worth that only if other work uses them or fewer servers are bought; switching an accelerator off saves only its power, ${:.3} an hour at idle",
            at.per_accelerator_hour.total().get(),
            idle
        ),
    );
    report.owned = Some(at);
    crate::vocabulary::finite::checked("utilization", report)
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
        let hours_covered = seconds / SECONDS_PER_HOUR;
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
