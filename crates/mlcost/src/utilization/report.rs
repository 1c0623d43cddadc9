//! What the analysis returns: per accelerator and in total, where the time went, memory headroom,
//! a chart-sized series, and the recommendations.

use serde::{Deserialize, Serialize};

use crate::utilization::import::Format;
use crate::utilization::settings::{HISTOGRAM_BUCKETS, Settings};
use crate::vocabulary::units::{Bytes, Hours, Usd};

/// Where the time went, for one accelerator or all of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    /// Samples behind these figures.
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
    /// What the idle hours cost at the settings' price, USD.
    pub idle_cost: Usd,
    /// What the underused hours cost at the settings' price, idle ones included, USD.
    pub underused_cost: Usd,
    /// What the unused share of every hour cost: Σ hours × (1 − utilisation) × price.
    pub unused_capacity_cost: Usd,
    /// Hours with utilisation in [0, 10%), [10, 20%), … [90, 100%].
    pub histogram_hours: [Hours; HISTOGRAM_BUCKETS],
}

/// Memory used against what the accelerator has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemoryUse {
    /// The most memory any sample shows in use, bytes.
    pub peak_used: Bytes,
    /// The [`PERCENTILE`](super::PERCENTILE)th percentile of samples.
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
    /// Seconds since 1970-01-01T00:00 on the file's clock (see [`Sample::time_seconds`](crate::utilization::Sample::time_seconds)).
    pub time_seconds: f64,
    /// Mean utilisation of the bin's samples, percent (0–100).
    pub utilization_percent: f64,
    /// Mean memory in use over the bin's samples, bytes.
    pub memory_used: Bytes,
}

/// One accelerator's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcceleratorUsage {
    /// The accelerator's index on its host, as the file gives it.
    pub gpu: u32,
    /// From the file, or from [`Settings::accelerator_name`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its first sample's time, seconds since 1970-01-01T00:00 on the file's clock.
    pub first_time_seconds: f64,
    /// Its last sample's time, seconds since 1970-01-01T00:00 on the file's clock.
    pub last_time_seconds: f64,
    /// The typical interval between its samples; 0 with fewer than two distinct times.
    pub median_spacing_seconds: f64,
    /// Where its time went.
    pub usage: Usage,
    /// The highest utilisation any of its samples shows, percent.
    pub peak_utilization_percent: f64,
    /// The [`PERCENTILE`](super::PERCENTILE)th percentile of its samples' utilisation, percent
    /// (each sample counted once, whatever time it stands for).
    pub p95_utilization_percent: f64,
    /// Memory used against what it has.
    pub memory: MemoryUse,
    /// At most [`SERIES_MAX_POINTS`](crate::utilization::settings::SERIES_MAX_POINTS) points, in time order, empty bins (gaps) left out.
    pub series: Vec<SeriesPoint>,
}

/// What a utilisation recommendation proposes.
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

/// A change that would cut what unused capacity costs, with the figures behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// What it proposes.
    pub kind: RecommendationKind,
    /// What to do, in a line.
    pub title: String,
    /// Per month of [`HOURS_PER_MONTH`](crate::units::HOURS_PER_MONTH) hours; absent when it needs a price nobody gave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_saving_usd: Option<Usd>,
    /// Why, from the figures, and what must hold for the saving to be real.
    pub reasoning: String,
    /// The accelerators it concerns.
    pub gpus: Vec<u32>,
}

/// What the analysis of monitoring data returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UtilizationReport {
    /// Which tool wrote the file.
    pub format: Format,
    /// The settings used, defaults filled in.
    pub settings: Settings,
    /// The month monthly savings are per.
    pub hours_per_month: Hours,
    /// Rows of the file that were skipped (listed in [`Monitoring::bad_rows`](crate::utilization::Monitoring::bad_rows)).
    pub skipped_rows: usize,
    /// The earliest sample's time, seconds since 1970-01-01T00:00 on the file's clock.
    pub first_time_seconds: f64,
    /// The latest sample's time, seconds since 1970-01-01T00:00 on the file's clock.
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
    /// Caveats in words: the month and price the savings assume, memory totals the file leaves
    /// out, and what the recommendations could not check.
    pub notes: Vec<String>,
    /// On owned servers ([`super::analyze_owned`]): what owning them cost at the utilisation the
    /// file measured, which priced every accelerator-hour above.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned: Option<crate::own::OwnedAt>,
}

/// How many accelerators the observed work needs, three ways; it needs the largest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// Accelerators in the data.
    pub accelerators: usize,
    /// Σ mean utilisation: accelerators kept busy on average.
    pub mean_busy_accelerators: f64,
    /// The [`PERCENTILE`](super::PERCENTILE)th percentile over clock hours of Σ that hour's mean utilisation: the
    /// accelerators busy at once in the busy hours, which averaging over the day hides.
    pub p95_hourly_busy_accelerators: f64,
    /// Σ [`PERCENTILE`](super::PERCENTILE)th-percentile memory used ÷ the smallest accelerator's memory; absent when a
    /// total is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_accelerators: Option<f64>,
    /// The most of: mean busy ÷ the target utilisation, the busy hours' load and the memory, rounded
    /// up; at least 1 and at most `accelerators`.
    pub accelerators_needed: usize,
}
