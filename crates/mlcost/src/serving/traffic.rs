//! Traffic over a day and the replicas an autoscaler runs for it, hour by hour.
//!
//! Why hourly? Cloud bills by the hour or finer, and a day's shape (night trough, afternoon peak)
//! is what autoscaling saves on; finer steps would need per-minute traffic that nobody has before
//! launch. Within an hour the rate is taken as steady; the policy's headroom (target utilisation)
//! absorbs the variation inside it.

use serde::{Deserialize, Serialize};

use crate::scenario::resolve::serving::Autoscaler;
use crate::serving::operating::OperatingPoint;
use crate::vocabulary::provenance::Assumption;
use crate::vocabulary::units::{HOURS_PER_DAY as HOURS, Hours, SECONDS_PER_HOUR, ceil_count};

/// Minutes a replica no longer needed keeps running: Kubernetes' HorizontalPodAutoscaler waits out a
/// 5-minute downscale stabilisation window by default (Kubernetes docs, Horizontal Pod Autoscaling,
/// `--horizontal-pod-autoscaler-downscale-stabilization`).
pub const SCALE_DOWN_MINUTES: f64 = 5.0;

/// Seconds to start a serving replica on a node that already has its image, before the weights
/// load: BentoML measured about 2 minutes of container and engine start for Llama 3.1 8B ("Cold-
/// Starting LLMs on Kubernetes in Under 30 Seconds", 2025). A node that must first pull the image
/// takes about 10 minutes in the same measurement: set `scale_up_minutes` for that case.
pub const REPLICA_START_SECONDS: f64 = 120.0;

/// Bytes per second a starting replica reads its weights at, from object storage or local disk.
/// Estimate: 1 GB/s, the order of one cloud VM's network throughput to object storage.
pub const WEIGHT_LOAD_BYTES_PER_SECOND: f64 = 1e9;

/// The policy with its defaults filled in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Policy {
    pub min_replicas: f64,
    pub max_replicas: Option<f64>,
    pub target_utilization: f64,
    pub scale_up_minutes: f64,
}

impl Policy {
    /// The resolved policy, with the scale-up time modelled when the scenario gives none: a
    /// replica's start plus its weights' load.
    pub fn new(
        autoscaler: &Autoscaler,
        weights_bytes: f64,
        assumptions: &mut Vec<Assumption>,
    ) -> Self {
        let scale_up_minutes = match autoscaler.scale_up_minutes {
            Some(minutes) => minutes,
            None => {
                let minutes =
                    (REPLICA_START_SECONDS + weights_bytes / WEIGHT_LOAD_BYTES_PER_SECOND) / 60.0;
                assumptions.push(Assumption {
                    field: "serving.autoscaling.scale_up_minutes".into(),
                    value: minutes,
                    source:
                        "estimate: 2 minutes to start a replica plus its weights read at 1 GB/s"
                            .into(),
                    // Derived from the weights per estimate: its constants' sources are above.
                    as_of: None,
                });
                minutes
            }
        };
        Self {
            min_replicas: f64::from(autoscaler.min_replicas),
            max_replicas: autoscaler.max_replicas.map(f64::from),
            target_utilization: autoscaler.target_utilization.get(),
            scale_up_minutes,
        }
    }
}

/// Extra units (replicas, or accelerators in whole instances) billed in an hour besides the `now`
/// serving: the next hour's rise starts `lead` of an hour early, and a fall from the hour before
/// lingers for the downscale window.
pub(super) fn transitions(now: f64, next: f64, before: f64, lead: f64) -> f64 {
    (next - now).max(0.0) * lead + (before - now).max(0.0) * SCALE_DOWN_MINUTES / 60.0
}

/// One hour of the autoscaled schedule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct HourPlan {
    /// The hour of the day, from 0 (midnight) to 23.
    pub hour: u32,
    /// Mean requests a second arriving this hour, across the replicas.
    pub requests_per_second: f64,
    /// Replicas serving this hour.
    pub replicas: u32,
    /// Replica-hours billed this hour: the serving replicas, plus ones starting early for the next
    /// hour's rise (scale-up lag) and ones lingering after a fall (downscale window).
    pub replica_hours: Hours,
    /// Requests served over what the serving replicas could serve at the SLO.
    pub utilization: f64,
    /// Each replica's operating point at this hour's load: its batch and latencies (`batch`,
    /// `ttft_ms`, `tpot_ms`, `e2e_ms`). Filled by the estimate, not by the search's schedules.
    #[serde(flatten)]
    pub load: Option<OperatingPoint>,
}

impl HourPlan {
    /// Requests a second each of its replicas receives (0 without replicas).
    pub fn per_replica(&self) -> f64 {
        if self.replicas > 0 { self.requests_per_second / f64::from(self.replicas) } else { 0.0 }
    }
}

/// The hour that loads each replica most, the earliest of equals: the peak hour for latency.
/// Why not the busiest hour? The autoscaler adds a replica there, so an hour before it can load
/// each replica more, and its requests wait longest.
pub fn busiest_per_replica(hours: &[HourPlan]) -> Option<&HourPlan> {
    let busiest = hours.iter().fold(None::<&HourPlan>, |best, h| match best {
        Some(b) if b.per_replica() >= h.per_replica() => Some(b),
        _ => Some(h),
    });
    busiest.filter(|h| h.per_replica() > 0.0)
}

/// The replicas each hour's rate needs under the policy: enough to serve it at the target
/// utilisation, within the policy's bounds.
pub(super) fn replicas_needed(
    rates: &[f64; HOURS],
    capacity: f64,
    policy: &Policy,
) -> [f64; HOURS] {
    rates.map(|rate| replica_count(rate, capacity, policy))
}

/// The replicas one hour's rate needs under the policy.
#[inline]
pub(super) fn replica_count(rate: f64, capacity: f64, policy: &Policy) -> f64 {
    let needed = ceil_count(rate / (capacity * policy.target_utilization));
    let floor = if rate > 0.0 { policy.min_replicas.max(1.0) } else { policy.min_replicas };
    let wanted = needed.max(floor);
    policy.max_replicas.map_or(wanted, |max| wanted.min(max))
}

/// Fraction of the hour before a rise that the new replicas run. A lead beyond what the
/// downscale window leaves of the hour bills the whole hour anyway; capping it there also keeps
/// more traffic from ever billing fewer replica-hours.
pub(super) fn lead(policy: &Policy) -> f64 {
    policy.scale_up_minutes.min(60.0 - SCALE_DOWN_MINUTES) / 60.0
}

/// The day's schedule under the policy.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Schedule {
    pub hours: Vec<HourPlan>,
    /// Fraction of the hour before a rise that the new replicas run (the scale-up lead).
    pub lead: f64,
    pub peak_replicas: f64,
    pub replica_hours: f64,
    pub requests_per_day: f64,
    pub unserved_requests_per_day: f64,
}

impl Schedule {
    /// Each hour's serving replicas, as whole numbers.
    pub fn replica_counts(&self) -> [f64; HOURS] {
        std::array::from_fn(|h| self.hours.get(h).map_or(0.0, |plan| f64::from(plan.replicas)))
    }

    /// `capacity` is one replica's requests per second at the SLO.
    pub fn new(rates: &[f64; HOURS], capacity: f64, policy: &Policy) -> Self {
        let replicas = replicas_needed(rates, capacity, policy);
        let lead = lead(policy);
        let mut hours = Vec::with_capacity(HOURS);
        let (mut replica_hours, mut served, mut unserved) = (0.0, 0.0, 0.0);
        for hour in 0..HOURS {
            let (now, next, before) = (
                replicas[hour],
                replicas[(hour + 1) % HOURS],
                replicas[(hour + HOURS - 1) % HOURS],
            );
            // The day repeats: hour 23's successor is hour 0.
            let billed = now + transitions(now, next, before, lead);
            let rate = rates[hour];
            let can_serve = now * capacity;
            served += rate.min(can_serve) * SECONDS_PER_HOUR;
            unserved += (rate - can_serve).max(0.0) * SECONDS_PER_HOUR;
            replica_hours += billed;
            hours.push(HourPlan {
                hour: hour as u32,
                requests_per_second: rate,
                replicas: now.min(f64::from(u32::MAX)) as u32,
                replica_hours: Hours::new(billed),
                utilization: if can_serve > 0.0 { (rate / can_serve).min(1.0) } else { 0.0 },
                load: None,
            });
        }
        Self {
            hours,
            lead,
            peak_replicas: replicas.iter().copied().fold(0.0, f64::max),
            replica_hours,
            requests_per_day: served,
            unserved_requests_per_day: unserved,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn replicas_follow_the_traffic_between_the_minimum_and_maximum() {
        let policy = Policy {
            min_replicas: 1.0,
            max_replicas: Some(5.0),
            target_utilization: 0.5,
            scale_up_minutes: 0.0,
        };
        let mut rates = [1.0; HOURS];
        rates[12] = 100.0;
        rates[3] = 0.0;
        let schedule = Schedule::new(&rates, 1.0, &policy);
        assert_eq!(schedule.hours[0].replicas, 2, "1 request/s at half of 1 request/s each");
        assert_eq!(schedule.hours[3].replicas, 1, "the minimum holds without traffic");
        assert_eq!(schedule.hours[12].replicas, 5, "capped at the maximum");
        assert!((schedule.unserved_requests_per_day - 95.0 * 3600.0).abs() < 1e-6);
    }

    #[test]
    fn a_rise_is_paid_for_from_the_hour_before() {
        let policy = Policy {
            min_replicas: 0.0,
            max_replicas: None,
            target_utilization: 1.0,
            scale_up_minutes: 30.0,
        };
        let mut rates = [0.0; HOURS];
        rates[10] = 4.0;
        let schedule = Schedule::new(&rates, 1.0, &policy);
        assert!(
            (schedule.hours[9].replica_hours.get() - 2.0).abs() < 1e-12,
            "4 start 30 minutes early"
        );
        assert!((schedule.hours[10].replica_hours.get() - 4.0).abs() < 1e-12);
        let lingering = 4.0 * SCALE_DOWN_MINUTES / 60.0;
        assert!((schedule.hours[11].replica_hours.get() - lingering).abs() < 1e-12);
    }
}
