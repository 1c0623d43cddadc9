//! A training section's reliability settings, checked: each given one positive (or not negative)
//! and under its ceiling; absent ones take the goodput model's defaults (`training::reliability`).

use std::ops::Deref;

use crate::scenario::training::Reliability;
use crate::vocabulary::check::{
    Ceiling, MAX_HOURS, MAX_MINUTES, MAX_PREEMPTIONS_PER_HOUR, MAX_WRITE_GBPS, at_most,
    non_negative, positive,
};
use crate::vocabulary::error::Error;

/// One of `vocabulary::check`'s checks.
type Check = fn(&str, f64) -> Result<f64, Error>;

/// Reliability settings whose given values are checked; absent ones take the goodput model's
/// calibrated defaults (`training::reliability`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CheckedReliability(Reliability);

impl CheckedReliability {
    /// The same settings with a node's MTBF set: how a failure rate other than the default is
    /// tried (for a range).
    pub(crate) fn with_mtbf_hours_per_node(&self, hours: f64) -> Self {
        Self(Reliability { mtbf_hours_per_node: Some(hours), ..self.0 })
    }

    /// Whether the scenario gave a node's MTBF (else the published default rate applies).
    pub fn mtbf_given(&self) -> bool {
        self.0.mtbf_hours_per_node.is_some()
    }

    /// The settings with each given one checked (positive or not negative, and under its
    /// ceiling); an error names the first field out of range.
    pub fn check(settings: &Reliability) -> Result<Self, Error> {
        let checks: [(&str, Option<f64>, Check, Ceiling); 5] = [
            (
                "training.reliability.mtbf_hours_per_node",
                settings.mtbf_hours_per_node,
                positive,
                MAX_HOURS,
            ),
            (
                "training.reliability.restart_minutes",
                settings.restart_minutes,
                non_negative,
                MAX_MINUTES,
            ),
            (
                "training.reliability.checkpoint_write_gbps",
                settings.checkpoint_write_gbps,
                positive,
                MAX_WRITE_GBPS,
            ),
            (
                "training.reliability.spot_preemptions_per_hour",
                settings.spot_preemptions_per_hour,
                non_negative,
                MAX_PREEMPTIONS_PER_HOUR,
            ),
            (
                "training.reliability.checkpoint_interval_minutes",
                settings.checkpoint_interval_minutes,
                positive,
                MAX_MINUTES,
            ),
        ];
        for (field, value, check, ceiling) in checks {
            if let Some(value) = value {
                at_most(field, check(field, value)?, ceiling)?;
            }
        }
        Ok(Self(*settings))
    }
}

impl Deref for CheckedReliability {
    type Target = Reliability;

    fn deref(&self) -> &Reliability {
        &self.0
    }
}
