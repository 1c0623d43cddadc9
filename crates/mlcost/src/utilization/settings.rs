//! The analysis's thresholds, each an estimate with its reason, and what a user may set.

use serde::{Deserialize, Serialize};

use crate::vocabulary::check;
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::units::{Bytes, UsdPerHour};

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

/// What the analysis needs beyond the data: a price and, optionally, other thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// What one accelerator costs per hour (the instance price divided by its accelerators).
    pub price_per_accelerator_hour: UsdPerHour,
    /// What a smaller accelerator (see [`RecommendationKind::SmallerAccelerator`](crate::utilization::RecommendationKind::SmallerAccelerator)) would cost per
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

    pub(super) fn check(&self) -> Result<(), Error> {
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
