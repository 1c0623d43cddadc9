//! What a day's schedule costs a month: under the scenario's plan, under every plan the offer sells,
//! as the cheapest committed baseline plus burst, and against hosted APIs for the same tokens.
//!
//! Why are committed plans billed for the peak every hour? A reservation or committed-use discount
//! is paid whether or not the replica is busy, so autoscaling saves nothing on it: committing to
//! the whole peak costs 24 peak-hours a day. The mix commits only the replicas that are busy most
//! of the day and bursts the rest on demand.

use serde::{Deserialize, Serialize};

use super::traffic::{Policy, Schedule, transitions};
use crate::catalogue::pricing::ApiModel;
use crate::vocabulary::terms::Plan;
use crate::vocabulary::units::{Usd, UsdPerHour};

/// Hours in a billing month: 730, the average (8,760 / 12) the AWS Pricing Calculator and cloud
/// price pages use for monthly figures.
pub const HOURS_PER_MONTH: f64 = 730.0;
const DAYS_PER_MONTH: f64 = HOURS_PER_MONTH / 24.0;

/// How replicas are paid for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Billing {
    /// USD per accelerator-hour of the replicas that follow traffic.
    pub burst: f64,
    /// Whether the scenario's own plan is a commitment (every replica billed every hour).
    pub burst_is_committed: bool,
    /// Replicas committed around the clock and their USD per accelerator-hour.
    pub baseline: Option<(f64, f64)>,
    pub accelerators_per_replica: f64,
    /// Accelerators in the instance rented (an offer's machine): replicas are packed into whole
    /// instances. 1 for a typed price, billed per accelerator.
    pub accelerators_per_instance: f64,
}

impl Billing {
    /// Accelerators billed for `replicas`, in whole instances.
    fn accelerators(&self, replicas: f64) -> f64 {
        let per_instance = self.accelerators_per_instance.max(1.0);
        (replicas * self.accelerators_per_replica / per_instance).ceil() * per_instance
    }

    /// USD a month for the schedule.
    pub fn monthly(&self, schedule: &Schedule) -> f64 {
        if self.burst_is_committed {
            // Committed capacity is sized for the peak and paid every hour.
            return self.accelerators(schedule.peak_replicas) * 24.0 * self.burst * DAYS_PER_MONTH;
        }
        let committed = self.baseline.map_or(0.0, |(replicas, _)| self.accelerators(replicas));
        let price = self.baseline.map_or(0.0, |(_, price)| price);
        self.monthly_over(&self.hourly_accelerators(schedule), committed, price)
    }

    /// Accelerators billed each hour: whole instances, plus the instances starting early or
    /// lingering as the count changes. On the stack: the advisor's search bills hundreds of
    /// thousands of schedules.
    fn hourly_accelerators(&self, schedule: &Schedule) -> ([f64; 24], usize) {
        let mut instances = [0.0; 24];
        let n = schedule.hours.len().min(instances.len());
        for (slot, h) in instances.iter_mut().zip(&schedule.hours) {
            *slot = self.accelerators(f64::from(h.replicas));
        }
        let mut billed = [0.0; 24];
        for (h, slot) in billed.iter_mut().enumerate().take(n) {
            let (now, next, before) =
                (instances[h], instances[(h + 1) % n], instances[(h + n - 1) % n]);
            *slot = now + transitions(now, next, before, schedule.lead);
        }
        (billed, n)
    }

    /// USD a month with `committed` accelerators at `price` around the clock and the hours' rest
    /// at the burst price.
    fn monthly_over(&self, (billed, n): &([f64; 24], usize), committed: f64, price: f64) -> f64 {
        let burst: f64 = billed[..*n].iter().map(|b| (b - committed).max(0.0)).sum();
        (burst * self.burst + committed * 24.0 * price) * DAYS_PER_MONTH
    }
}

/// The serving bill under one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServingPlanCost {
    pub monthly_cost_usd: Usd,
    pub price_per_accelerator_hour: UsdPerHour,
    /// True for reservations and committed-use plans: billed for the peak every hour.
    pub committed: bool,
    /// The cheapest region selling the plan (or the scenario's region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// A committed baseline with burst capacity above it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mix {
    pub committed_plan: String,
    pub committed_replicas: u32,
    pub committed_price_per_accelerator_hour: UsdPerHour,
    pub burst_plan: String,
    pub burst_price_per_accelerator_hour: UsdPerHour,
    pub monthly_cost_usd: Usd,
}

/// The cheapest number of replicas to commit at `committed` USD per accelerator-hour with the rest
/// bought at the billing's burst price. In accelerators the cost is convex (a line plus a hinge at
/// each hour's billed accelerators), so the best count sits next to one of those hinges: try the
/// replica counts on either side of each.
pub(super) fn best_baseline(schedule: &Schedule, billing: Billing, committed: f64) -> (f64, f64) {
    BaselineSearch::new(schedule, &billing).best(&billing, committed)
}

/// What [`best_baseline`] needs from a schedule and an instance size, worked out once: the
/// optimizer's search weighs several commitments and burst prices against the same day.
pub(super) struct BaselineSearch {
    hourly: ([f64; 24], usize),
    /// Replica counts worth committing, ascending.
    counts: Vec<f64>,
}

impl BaselineSearch {
    /// `billing`'s prices do not matter here, only its replica and instance sizes.
    pub fn new(schedule: &Schedule, billing: &Billing) -> Self {
        let per_replica = billing.accelerators_per_replica.max(1.0);
        // The day's distinct replica counts, ascending (integers: a cheap sort).
        let mut replicas: Vec<u32> = schedule.hours.iter().map(|h| h.replicas).collect();
        replicas.sort_unstable();
        replicas.dedup();
        // Around each, the replicas whole instances hold: floors and ceilings each ascend, since
        // packing into instances never decreases; merged, they are the counts worth trying.
        let held = |r: &u32| billing.accelerators(f64::from(*r)) / per_replica;
        let floors: Vec<f64> = replicas.iter().map(|r| held(r).floor()).collect();
        let ceilings: Vec<f64> = replicas.iter().map(|r| held(r).ceil()).collect();
        let mut counts = Vec::with_capacity(1 + 2 * replicas.len());
        counts.push(0.0);
        let (mut f, mut c) = (0, 0);
        while f < floors.len() || c < ceilings.len() {
            let next = match (floors.get(f), ceilings.get(c)) {
                (Some(a), Some(b)) if a <= b => {
                    f += 1;
                    *a
                }
                (Some(a), None) => {
                    f += 1;
                    *a
                }
                (_, Some(b)) => {
                    c += 1;
                    *b
                }
                (None, None) => break,
            };
            if counts.last().is_none_or(|last| *last < next) {
                counts.push(next);
            }
        }
        Self { hourly: billing.hourly_accelerators(schedule), counts }
    }

    /// The replicas to commit at `committed` USD per accelerator-hour, with the rest at `billing`'s
    /// burst price, and the monthly cost.
    pub fn best(&self, billing: &Billing, committed: f64) -> (f64, f64) {
        let cost = |k: f64| billing.monthly_over(&self.hourly, billing.accelerators(k), committed);
        let counts = &self.counts;
        // Convex along the sorted counts: binary-search the first whose successor costs no less
        // (the smallest count among equal costs, as a person would commit).
        let (mut low, mut high) = (0, counts.len().saturating_sub(1));
        while low < high {
            let middle = (low + high) / 2;
            if cost(counts[middle]) <= cost(counts[middle + 1]) + 1e-9 {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        let replicas = counts.get(low).copied().unwrap_or(0.0);
        let per_replica = billing.accelerators_per_replica.max(1.0);
        // Whole instances are committed: count every replica they hold.
        ((billing.accelerators(replicas) / per_replica).floor(), cost(replicas))
    }
}

/// A hosted API priced for the scenario's tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiComparison {
    pub id: String,
    pub name: String,
    pub monthly_cost_usd: Usd,
    /// Self-hosted monthly cost minus the API's: negative when self-hosting is cheaper.
    pub self_hosted_minus_api_usd: Usd,
    /// Requests per day (same day shape) above which self-hosting costs less; absent when it never
    /// does, because the API is cheaper per request than a fully busy replica.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_even_requests_per_day: Option<f64>,
    pub source: String,
    pub as_of: String,
}

/// The self-hosted monthly cost at one daily volume.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct VolumeCost {
    pub requests_per_day: f64,
    pub monthly_cost_usd: Usd,
}

/// Token counts per request, for pricing an API.
#[derive(Debug, Clone, Copy)]
pub(super) struct Request {
    pub input: f64,
    pub output: f64,
    pub prefix_cache_hit_rate: f64,
}

impl Request {
    /// USD one request costs on the API; prompt tokens the prefix cache would hit are billed at the
    /// API's cached-input price where it has one.
    pub fn api_price(&self, api: &ApiModel) -> f64 {
        let cached = api.cached_input_per_million.unwrap_or(api.input_per_million);
        let hit = self.prefix_cache_hit_rate;
        (self.input * ((1.0 - hit) * api.input_per_million + hit * cached)
            + self.output * api.output_per_million)
            / 1e6
    }
}

/// The self-hosted monthly cost at another daily volume with the same day shape.
pub(super) struct Scaled<'a> {
    pub rates: &'a [f64; 24],
    pub requests_per_day: f64,
    pub capacity: f64,
    pub policy: Policy,
    pub billing: Billing,
}

impl Scaled<'_> {
    fn monthly_at(&self, requests_per_day: f64) -> f64 {
        let factor = requests_per_day / self.requests_per_day;
        let rates = self.rates.map(|r| r * factor);
        self.billing.monthly(&Schedule::new(&rates, self.capacity, &self.policy))
    }

    /// The monthly cost at `points` daily volumes from `low` to `high`, evenly spaced on a log scale.
    pub fn curve(&self, low: f64, high: f64, points: usize) -> Vec<VolumeCost> {
        if !(low > 0.0 && high > low && points > 1) {
            return Vec::new();
        }
        (0..points)
            .map(|i| {
                let requests_per_day = low * (high / low).powf(i as f64 / (points - 1) as f64);
                let monthly_cost_usd = Usd::new(self.monthly_at(requests_per_day));
                VolumeCost { requests_per_day, monthly_cost_usd }
            })
            .collect()
    }

    /// The daily volume above which self-hosting costs less than `api_per_request` USD a request.
    /// Self-hosting's cost rises in steps (whole replicas), so a fine log grid finds the last volume
    /// where it is still dearer, and bisection pins the crossing after it.
    pub fn break_even(&self, api_per_request: f64) -> Option<f64> {
        const STEPS_PER_DECADE: i32 = 8;
        const DECADES: i32 = 13;
        let dearer = |v: f64| self.monthly_at(v) > api_per_request * v * DAYS_PER_MONTH;
        let volume = |k: i32| 10f64.powf(f64::from(k) / f64::from(STEPS_PER_DECADE));
        let last = (0..=STEPS_PER_DECADE * DECADES).rev().find(|k| dearer(volume(*k)));
        let Some(last) = last else {
            return Some(0.0);
        };
        if last == STEPS_PER_DECADE * DECADES {
            return None;
        }
        let (mut low, mut high) = (volume(last), volume(last + 1));
        for _ in 0..60 {
            let middle = (low + high) / 2.0;
            if dearer(middle) { low = middle } else { high = middle }
        }
        Some(high)
    }
}

pub(super) fn monthly_requests(requests_per_day: f64) -> f64 {
    requests_per_day * DAYS_PER_MONTH
}

pub(super) fn plan_is_committed(plan: Plan) -> bool {
    matches!(plan, Plan::Reserved1y | Plan::Reserved3y)
}
