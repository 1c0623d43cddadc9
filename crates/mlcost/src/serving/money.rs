//! What a day's schedule costs a month: under the scenario's plan, under every plan the offer sells,
//! as the cheapest committed baseline plus burst, and against hosted APIs for the same tokens.
//!
//! Why are committed plans billed for the peak every hour? A reservation or committed-use discount
//! is paid whether or not the replica is busy, so autoscaling saves nothing on it: committing to
//! the whole peak costs 24 peak-hours a day. The mix commits only the replicas that are busy most
//! of the day and bursts the rest on demand.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::traffic::{Policy, Schedule, lead, replica_count, transitions};
use crate::catalogue::pricing::ApiModel;
use crate::vocabulary::units::{DAYS_PER_MONTH, HOURS_PER_DAY, Usd, UsdPerHour, ceil_count};

/// How replicas are paid for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Billing {
    /// USD per accelerator-hour of the replicas that follow traffic.
    pub burst: UsdPerHour,
    /// Whether the scenario's own plan is a commitment (every replica billed every hour).
    pub burst_is_committed: bool,
    /// Replicas committed around the clock and their USD per accelerator-hour.
    pub baseline: Option<(f64, UsdPerHour)>,
    pub accelerators_per_replica: f64,
    /// Accelerators in the instance rented (an offer's machine): replicas are packed into whole
    /// instances. 1 for a typed price, billed per accelerator.
    pub accelerators_per_instance: f64,
}

impl Billing {
    /// Accelerators billed for `replicas`, in whole instances.
    fn accelerators(&self, replicas: f64) -> f64 {
        let per_instance = self.accelerators_per_instance.max(1.0);
        ceil_count(replicas * self.accelerators_per_replica / per_instance) * per_instance
    }

    /// USD a month for the schedule.
    pub fn monthly(&self, schedule: &Schedule) -> Usd {
        self.monthly_for(&schedule.replica_counts(), schedule.peak_replicas, schedule.lead)
    }

    /// The accelerators the schedule bills each hour: what every price for it multiplies, the
    /// same for every billing with this one's replica and instance sizes.
    pub fn hourly(&self, schedule: &Schedule) -> [f64; HOURS_PER_DAY] {
        self.hourly_accelerators(&schedule.replica_counts(), schedule.lead)
    }

    /// [`Billing::monthly`] with the schedule's [`Billing::hourly`] accelerators worked out once
    /// for several prices (the day under every plan); the same bill, bit for bit.
    pub fn monthly_given(&self, schedule: &Schedule, hourly: &[f64; HOURS_PER_DAY]) -> Usd {
        if self.burst_is_committed {
            return Usd::new(
                self.accelerators(schedule.peak_replicas)
                    * 24.0
                    * self.burst.get()
                    * DAYS_PER_MONTH,
            );
        }
        let committed = self.baseline.map_or(0.0, |(replicas, _)| self.accelerators(replicas));
        let price = self.baseline.map_or(UsdPerHour::new(0.0), |(_, price)| price);
        self.monthly_over(hourly, committed, price)
    }

    /// USD a month for a day of `replicas` (whole replicas each hour) with a peak of `peak` and
    /// the scale-up `lead`: [`Billing::monthly`] without the schedule's rows.
    fn monthly_for(&self, replicas: &[f64; HOURS_PER_DAY], peak: f64, lead: f64) -> Usd {
        if self.burst_is_committed {
            // Committed capacity is sized for the peak and paid every hour.
            return Usd::new(self.accelerators(peak) * 24.0 * self.burst.get() * DAYS_PER_MONTH);
        }
        let committed = self.baseline.map_or(0.0, |(replicas, _)| self.accelerators(replicas));
        let price = self.baseline.map_or(UsdPerHour::new(0.0), |(_, price)| price);
        self.monthly_over(&self.hourly_accelerators(replicas, lead), committed, price)
    }

    /// Accelerators billed each hour: whole instances, plus the instances starting early or
    /// lingering as the count changes. On the stack: the advisor's search bills hundreds of
    /// thousands of schedules.
    fn hourly_accelerators(
        &self,
        replicas: &[f64; HOURS_PER_DAY],
        lead: f64,
    ) -> [f64; HOURS_PER_DAY] {
        // The day wraps around: the last hour before the first and the first after the last, so
        // each hour's neighbours sit beside it and the hours are computed side by side.
        let mut day = [0.0; HOURS_PER_DAY + 2];
        for (slot, r) in day[1..=HOURS_PER_DAY].iter_mut().zip(replicas) {
            *slot = self.accelerators(*r);
        }
        (day[0], day[HOURS_PER_DAY + 1]) = (day[HOURS_PER_DAY], day[1]);
        let mut billed = [0.0; HOURS_PER_DAY];
        for (slot, around) in billed.iter_mut().zip(day.windows(3)) {
            let (before, now, next) = (around[0], around[1], around[2]);
            *slot = now + transitions(now, next, before, lead);
        }
        billed
    }

    /// USD a month with `committed` accelerators at `price` around the clock and the hours' rest
    /// at the burst price.
    fn monthly_over(
        &self,
        billed: &[f64; HOURS_PER_DAY],
        committed: f64,
        price: UsdPerHour,
    ) -> Usd {
        let burst: f64 = billed.iter().map(|b| (b - committed).max(0.0)).sum();
        Usd::new((burst * self.burst.get() + committed * 24.0 * price.get()) * DAYS_PER_MONTH)
    }
}

/// The serving bill under one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ServingPlanCost {
    /// The day's schedule billed a month under this plan, USD.
    pub monthly_cost_usd: Usd,
    /// The plan's price, USD per accelerator-hour.
    pub price_per_accelerator_hour: UsdPerHour,
    /// True for reservations and committed-use plans: billed for the peak every hour.
    pub committed: bool,
    /// The cheapest region selling the plan (or the scenario's region).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// A committed baseline with burst capacity above it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Mix {
    /// The committed replicas' plan (`1y`, `3y`).
    pub committed_plan: String,
    /// Replicas billed every hour of the day at the committed price.
    pub committed_replicas: u32,
    /// The committed plan's price, USD per accelerator-hour.
    pub committed_price_per_accelerator_hour: UsdPerHour,
    /// The plan of the replicas above the baseline, which follow traffic (`on-demand`, `spot`;
    /// `custom` for a typed price).
    pub burst_plan: String,
    /// The burst plan's price, USD per accelerator-hour.
    pub burst_price_per_accelerator_hour: UsdPerHour,
    /// The baseline around the clock and the burst above it, a month, USD.
    pub monthly_cost_usd: Usd,
}

/// The cheapest number of replicas to commit, with the rest bought at a burst price: what a
/// schedule and an instance size give, worked out once, since the estimate and the optimizer's
/// search weigh several commitments and burst prices against the same day. In accelerators the
/// cost is convex (a line plus a hinge at each hour's billed accelerators), so the best count sits
/// next to one of those hinges: try the replica counts on either side of each.
pub(super) struct BaselineSearch {
    hourly: [f64; HOURS_PER_DAY],
    /// Replica counts worth committing, ascending.
    counts: Vec<f64>,
}

impl BaselineSearch {
    /// `billing`'s prices do not matter here, only its replica and instance sizes.
    pub fn new(schedule: &Schedule, billing: &Billing) -> Self {
        let per_replica = billing.accelerators_per_replica.max(1.0);
        // The day's distinct replica counts, ascending: 24 at most, each put in its place (a
        // sort's code would cost the first render 3 KB).
        let mut replicas: Vec<u32> = Vec::with_capacity(schedule.hours.len());
        for count in schedule.hours.iter().map(|h| h.replicas) {
            if let Err(at) = replicas.binary_search(&count) {
                replicas.insert(at, count);
            }
        }
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
        Self {
            hourly: billing.hourly_accelerators(&schedule.replica_counts(), schedule.lead),
            counts,
        }
    }

    /// The replicas to commit at `committed` USD per accelerator-hour, with the rest at `billing`'s
    /// burst price, and the monthly cost.
    pub fn best(&self, billing: &Billing, committed: UsdPerHour) -> (f64, Usd) {
        let cost = |k: f64| billing.monthly_over(&self.hourly, billing.accelerators(k), committed);
        let counts = &self.counts;
        // Convex along the sorted counts: binary-search the first whose successor costs no less
        // (the smallest count among equal costs, as a person would commit).
        let (mut low, mut high) = (0, counts.len().saturating_sub(1));
        while low < high {
            let middle = (low + high) / 2;
            if cost(counts[middle]).get() <= cost(counts[middle + 1]).get() + 1e-9 {
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
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ApiComparison {
    /// The API's id in the price book, `provider:model` (`openai:gpt-4o`).
    pub id: String,
    /// The API's name in the price book.
    pub name: String,
    /// What the API would charge a month for the requests the replicas serve, USD; prompt tokens
    /// the prefix cache would hit at its cached-input price where it has one.
    pub monthly_cost_usd: Usd,
    /// Self-hosted monthly cost minus the API's: negative when self-hosting is cheaper.
    pub self_hosted_minus_api_usd: Usd,
    /// Requests per day (same day shape) above which self-hosting costs less; absent when it never
    /// does, because the API is cheaper per request than a fully busy replica.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_even_requests_per_day: Option<f64>,
    /// Where the API's prices come from.
    pub source: String,
    /// When the API's prices were read (ISO 8601 date).
    pub as_of: String,
}

/// The self-hosted monthly cost at one daily volume.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct VolumeCost {
    /// Requests a day, over the scenario's day shape.
    pub requests_per_day: f64,
    /// The self-hosted cost a month at that volume, USD.
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

/// The break-even search's grid: requests a day from 1 to 10^13, eight steps a decade.
const BREAK_EVEN_STEPS_PER_DECADE: i32 = 8;
const BREAK_EVEN_DECADES: i32 = 13;
const BREAK_EVEN_GRID_POINTS: usize =
    (BREAK_EVEN_STEPS_PER_DECADE * BREAK_EVEN_DECADES) as usize + 1;
static BREAK_EVEN_GRID: LazyLock<[f64; BREAK_EVEN_GRID_POINTS]> = LazyLock::new(|| {
    std::array::from_fn(|k| 10f64.powf(k as f64 / f64::from(BREAK_EVEN_STEPS_PER_DECADE)))
});

/// A volume's replicas each hour, as the autoscaler sizes them, and their monthly bill.
#[derive(Debug, Clone, Copy)]
struct Priced {
    replicas: [f64; HOURS_PER_DAY],
    monthly: Usd,
}

impl Priced {
    /// A slot not priced yet: its replicas match no volume's (not a number).
    const EMPTY: Priced = Priced { replicas: [f64::NAN; HOURS_PER_DAY], monthly: Usd::new(0.0) };
}

/// One slot of `slots` to price into, and the others to look through. Why slots? A priced
/// volume is two hundred bytes; the searches keep a few and price into the one free, rather
/// than copy each result (a tenth of the serving estimate, profiled).
fn slot_and_others<const N: usize>(
    slots: &mut [Priced; N],
    index: usize,
) -> (&mut Priced, impl Iterator<Item = &Priced>) {
    let (before, rest) = slots.split_at_mut(index.min(N.saturating_sub(1)));
    let (slot, after) = rest.split_at_mut(1);
    (&mut slot[0], before.iter().chain(after.iter()))
}

impl Scaled<'_> {
    /// The replicas [`Schedule::new`] would run each hour at this volume, without its rows.
    fn replicas_into(&self, requests_per_day: f64, replicas: &mut [f64; HOURS_PER_DAY]) {
        let factor = requests_per_day / self.requests_per_day;
        for (slot, rate) in replicas.iter_mut().zip(self.rates) {
            *slot = replica_count(rate * factor, self.capacity, &self.policy);
        }
    }

    /// The monthly bill of a day of these replicas.
    fn bill(&self, replicas: &[f64; HOURS_PER_DAY]) -> Usd {
        // The largest of the hours, found four lanes at a time: a maximum is the same in any
        // order.
        let mut lanes = [0.0f64; 4];
        for hours in replicas.chunks_exact(4) {
            for (lane, r) in lanes.iter_mut().zip(hours) {
                *lane = lane.max(*r);
            }
        }
        let peak = lanes[0].max(lanes[1]).max(lanes[2].max(lanes[3]));
        // Replica counts are whole, so capping them is all `as u32` did: the same numbers.
        let whole = replicas.map(|r| r.min(f64::from(u32::MAX)));
        self.billing.monthly_for(&whole, peak, lead(&self.policy))
    }

    /// Prices this volume into `slot`. Why look through `known` first? The bill is a function
    /// of the replicas alone, and near a break-even or along the curve's low end many volumes
    /// run the same replicas as one already priced: the same replicas bill the same, bit for bit.
    fn price_into<'k>(
        &self,
        requests_per_day: f64,
        slot: &mut Priced,
        mut known: impl Iterator<Item = &'k Priced>,
    ) {
        self.replicas_into(requests_per_day, &mut slot.replicas);
        slot.monthly = match known.find(|p| same_bits(&p.replicas, &slot.replicas)) {
            Some(same) => same.monthly,
            None => self.bill(&slot.replicas),
        };
    }

    /// The monthly cost at `points` daily volumes from `low` to `high`, evenly spaced on a log scale.
    pub fn curve(&self, low: f64, high: f64, points: usize) -> Vec<VolumeCost> {
        if !(low > 0.0 && high > low && points > 1) {
            return Vec::new();
        }
        // Each point priced into the slot the point before the last used.
        let mut slots = [Priced::EMPTY; 2];
        (0..points)
            .map(|i| {
                let requests_per_day = low * (high / low).powf(i as f64 / (points - 1) as f64);
                let (slot, previous) = slot_and_others(&mut slots, i % 2);
                self.price_into(requests_per_day, slot, previous);
                VolumeCost { requests_per_day, monthly_cost_usd: slot.monthly }
            })
            .collect()
    }

    /// The daily volume above which self-hosting costs less than `api_per_request` USD a request.
    /// Self-hosting's cost rises in steps (whole replicas), so a fine log grid finds the last volume
    /// where it is still dearer, and bisection pins the crossing after it.
    ///
    /// Why can most volumes go unpriced? The monthly cost never falls as volume grows (replicas
    /// only grow with traffic, and a replica more never bills less: see [`Billing::monthly`]), so
    /// a cost known at one volume bounds it below or above at the others, and a volume the bounds
    /// already decide is not priced. Each hour's replicas never fall as volume grows either, so
    /// two volumes that run the same replicas run them at every volume between: the bill there is
    /// theirs. The answer is the one pricing every volume would give: only comparisons the bounds
    /// settle by a clear margin, or the same replicas settle exactly, are skipped.
    pub fn break_even(&self, api_per_request: f64) -> Option<f64> {
        const STEPS_PER_DECADE: i32 = BREAK_EVEN_STEPS_PER_DECADE;
        const DECADES: i32 = BREAK_EVEN_DECADES;
        /// A bound decides a comparison only when it clears it by this much (relative): a
        /// thousand times the rounding of a day's bill (24 sums), far less than a replica.
        const MARGIN: f64 = 1e-12;
        let api = |v: f64| Usd::new(api_per_request * v * DAYS_PER_MONTH);
        // The grid's volumes, each computed once per program: every break-even walks the same grid.
        let volume = |k: i32| BREAK_EVEN_GRID[usize::try_from(k).unwrap_or(0)];
        // Three slots: the volumes below and above the crossing, and one to price into. A slot
        // not holding one of the two is free (`Priced::EMPTY` or a volume no longer needed).
        let mut slots = [Priced::EMPTY; 3];
        // From the top of the grid down: the first volume where self-hosting is dearer. A cost at
        // a higher volume bounds every lower one: below the API's cost there, no need to price it.
        // The last volume priced above: its grid step and slot.
        let mut above: Option<(i32, usize)> = None;
        let mut dearer = None;
        for k in (0..=STEPS_PER_DECADE * DECADES).rev() {
            let v = volume(k);
            if above.is_some_and(|(_, a)| slots[a].monthly * (1.0 + MARGIN) <= api(v)) {
                continue;
            }
            let free = above.map_or(0, |(_, a)| (a + 1) % 3);
            let (slot, others) = slot_and_others(&mut slots, free);
            self.price_into(v, slot, others);
            if slot.monthly > api(v) {
                dearer = Some((k, free));
                break;
            }
            above = Some((k, free));
        }
        let Some((last, mut at_low)) = dearer else {
            return Some(0.0);
        };
        if last == STEPS_PER_DECADE * DECADES {
            return None;
        }
        let (mut low, mut high) = (volume(last), volume(last + 1));
        // The costs at the ends bound the cost between them; the step above was likely priced.
        let mut at_high = match above {
            Some((k, slot)) if k == last + 1 => slot,
            _ => {
                let free = (at_low + 1) % 3;
                let (slot, others) = slot_and_others(&mut slots, free);
                self.price_into(high, slot, others);
                free
            }
        };
        for _ in 0..60 {
            let middle = (low + high) / 2.0;
            // Adjacent floats: every further step would leave both ends where they are.
            #[allow(clippy::float_cmp)]
            if middle == low || middle == high {
                break;
            }
            let (below, over) = (&slots[at_low], &slots[at_high]);
            let dearer = if over.monthly * (1.0 + MARGIN) <= api(middle) {
                false
            } else if below.monthly * (1.0 - MARGIN) > api(middle) {
                true
            } else if same_bits(&below.replicas, &over.replicas) {
                // The same replicas at both ends, so at the middle: the same bill.
                below.monthly > api(middle)
            } else {
                // The slot that is neither end.
                let free = 3 - at_low - at_high;
                let (slot, others) = slot_and_others(&mut slots, free);
                self.price_into(middle, slot, others);
                let dearer = slot.monthly > api(middle);
                if dearer {
                    at_low = free
                } else {
                    at_high = free
                }
                dearer
            };
            if dearer { low = middle } else { high = middle }
        }
        Some(high)
    }
}

/// The same numbers, bit for bit: what makes two bills computed from them the same.
fn same_bits(a: &[f64; HOURS_PER_DAY], b: &[f64; HOURS_PER_DAY]) -> bool {
    a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

pub(super) fn monthly_requests(requests_per_day: f64) -> f64 {
    requests_per_day * DAYS_PER_MONTH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The break-even as the search defines it, pricing every grid volume and every bisection
    /// step: what the bounds and the reused bills must reproduce exactly.
    fn pricing_every_volume(scaled: &Scaled<'_>, api_per_request: f64) -> Option<f64> {
        let api = |v: f64| Usd::new(api_per_request * v * DAYS_PER_MONTH);
        let volume = |k: i32| 10f64.powf(f64::from(k) / 8.0);
        let cost = |v: f64| {
            let mut slot = Priced::EMPTY;
            scaled.price_into(v, &mut slot, std::iter::empty());
            slot.monthly
        };
        let last = (0..=8 * 13).rev().find(|k| cost(volume(*k)) > api(volume(*k)));
        let last = last?;
        let last = (last < 8 * 13).then_some(last)?;
        let (mut low, mut high) = (volume(last), volume(last + 1));
        for _ in 0..60 {
            let middle = (low + high) / 2.0;
            #[allow(clippy::float_cmp)]
            if middle == low || middle == high {
                break;
            }
            if cost(middle) > api(middle) { low = middle } else { high = middle }
        }
        Some(high)
    }

    #[test]
    fn skipping_volumes_finds_the_break_even_that_pricing_every_volume_finds() {
        let diurnal: [f64; HOURS_PER_DAY] = std::array::from_fn(|h| {
            1.0 + 9.0 * ((std::f64::consts::TAU * (h as f64 - 14.0) / 24.0).cos() + 1.0) / 2.0
        });
        let flat = [3.0; HOURS_PER_DAY];
        let mut compared = 0;
        for rates in [&diurnal, &flat] {
            for (per_replica, per_instance, scale_up) in
                [(1.0, 1.0, 0.0), (2.0, 8.0, 12.0), (8.0, 8.0, 70.0), (3.0, 4.0, 5.0)]
            {
                for capacity in [0.37, 2.0, 11.5] {
                    let scaled = Scaled {
                        rates,
                        requests_per_day: rates.iter().sum::<f64>() * 3600.0,
                        capacity,
                        policy: Policy {
                            min_replicas: 1.0,
                            max_replicas: None,
                            target_utilization: 0.7,
                            scale_up_minutes: scale_up,
                        },
                        billing: Billing {
                            burst: UsdPerHour::new(4.1),
                            burst_is_committed: false,
                            baseline: None,
                            accelerators_per_replica: per_replica,
                            accelerators_per_instance: per_instance,
                        },
                    };
                    for api in [1e-6, 3.3e-5, 2e-4, 1e-3, 4e-3, 0.05, 0.3] {
                        let expected = pricing_every_volume(&scaled, api);
                        assert_eq!(
                            scaled.break_even(api).map(f64::to_bits),
                            expected.map(f64::to_bits),
                            "{per_replica}/{per_instance}, capacity {capacity}, API {api}"
                        );
                        compared += usize::from(expected.is_some());
                    }
                }
            }
        }
        assert!(compared > 40, "too few break-evens compared: {compared}");
    }
}
