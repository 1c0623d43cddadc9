//! A day of traffic priced: the autoscaler's replicas hour by hour, billed in whole instances per
//! plan, a committed baseline with burst above it, the hosted APIs for the same tokens, and the
//! cost at other daily volumes.

use std::collections::BTreeMap;

use crate::catalogue::pricing::OfferUsed;
use crate::scenario::resolve::serving::{Pricing, ResolvedServing};
use crate::serving::money::{
    ApiComparison, BaselineSearch, Billing, Mix, Request, Scaled, ServingPlanCost, VolumeCost,
    monthly_requests,
};
use crate::serving::replica::{Replica, Work};
use crate::serving::traffic::{HourPlan, Policy, Schedule};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::terms::Plan;
use crate::vocabulary::units::{Fraction, HOURS_PER_DAY, Hours, SECONDS_PER_HOUR, Usd, UsdPerHour};

/// Volumes the cost-against-volume curve is evaluated at (log-spaced): enough for a smooth chart.
pub const COST_CURVE_POINTS: usize = 30;

/// What a day of traffic is priced from: the resolved section, its hourly rates, a replica that
/// serves them, the autoscaling policy and the price.
pub(super) struct Day<'a> {
    pub run: &'a ResolvedServing<'a>,
    pub rates: &'a [f64; HOURS_PER_DAY],
    pub replica: &'a Replica<'a>,
    /// Requests a second one replica serves at the SLO, at `batch_at_slo`.
    pub capacity: f64,
    pub batch_at_slo: u32,
    pub accelerators_per_replica: u32,
    pub policy: Policy,
    pub pricing: &'a Pricing<'a>,
}

/// The day's schedule and its money: the half of a serving report that needs a load and a price.
/// Without them every field is empty.
#[derive(Debug, Default)]
pub(super) struct PricedDay {
    pub hourly: Vec<HourPlan>,
    pub requests_per_day: Option<f64>,
    pub unserved_requests_per_day: Option<f64>,
    pub replicas_peak: Option<u32>,
    pub replica_hours_per_day: Option<Hours>,
    pub utilization: Option<Fraction>,
    pub monthly_cost_usd: Option<Usd>,
    pub static_peak_monthly_cost_usd: Option<Usd>,
    pub cost_per_million_output_tokens_usd: Option<Usd>,
    pub cost_per_million_input_tokens_usd: Option<Usd>,
    pub cost_per_thousand_requests_usd: Option<Usd>,
    pub by_plan: BTreeMap<String, ServingPlanCost>,
    pub mix: Option<Mix>,
    pub best_mix: Option<Mix>,
    pub api_comparison: Vec<ApiComparison>,
    pub cost_vs_volume: Vec<VolumeCost>,
    pub price_per_accelerator_hour: Option<UsdPerHour>,
    pub offer: Option<OfferUsed>,
    pub notes: Vec<String>,
}

/// Schedules the day's replicas and prices them under every plan, a committed baseline and the
/// hosted APIs.
pub(super) fn price_the_day(day: Day<'_>) -> Result<PricedDay, Error> {
    let Day {
        run,
        rates,
        replica,
        capacity,
        batch_at_slo,
        accelerators_per_replica,
        policy,
        pricing,
    } = day;
    let (book, region) = (run.book, run.region);
    let Pricing { price, offer, sold, baseline, owned: _ } = pricing;
    let (price, sold) = (*price, *sold);
    let mut priced = PricedDay::default();
    let accelerators = f64::from(accelerators_per_replica);
    let schedule = Schedule::new(rates, capacity, &policy);
    let plan = offer.as_ref().map(|o| o.plan);
    let burst_is_committed = plan.is_some_and(Plan::is_committed);
    let baseline = baseline.map(|baseline| {
        priced.mix = Some(Mix {
            committed_plan: baseline.plan.as_str().into(),
            committed_replicas: baseline.replicas,
            committed_price_per_accelerator_hour: baseline.price,
            burst_plan: plan.map_or("custom", Plan::as_str).into(),
            burst_price_per_accelerator_hour: price,
            monthly_cost_usd: Usd::new(0.0),
        });
        (f64::from(baseline.replicas), baseline.price)
    });
    let accelerators_per_instance = match sold {
        Some(sold) => f64::from(sold.accelerator_count),
        None => 1.0,
    };
    let billing = Billing {
        burst: price,
        burst_is_committed,
        baseline,
        accelerators_per_replica: accelerators,
        accelerators_per_instance,
    };
    // The accelerators billed each hour, and where a commitment would pay off: the same for
    // every price below, worked out once.
    let hourly = billing.hourly(&schedule);
    let baselines = BaselineSearch::new(&schedule, &billing);
    let monthly = billing.monthly_given(&schedule, &hourly);
    if let Some(mix) = &mut priced.mix {
        mix.monthly_cost_usd = monthly;
    }
    let static_billing = Billing { burst_is_committed: true, baseline: None, ..billing };
    let served_per_month = monthly_requests(schedule.requests_per_day);

    // Plans the offer sells, and the cheapest commitment with burst above it.
    let mut best_mix: Option<Mix> = None;
    if let (Some(used), Some(sold)) = (&offer, sold) {
        let per_accelerator = |plan: Plan| {
            book.price(sold, plan, region).map(|price| {
                let per_accelerator =
                    price.usd_per_instance_hour / f64::from(sold.accelerator_count);
                (price.region.to_owned(), per_accelerator)
            })
        };
        for each in Plan::RENTED {
            let Some((region, p)) = per_accelerator(each) else { continue };
            let committed = each.is_committed();
            let cost =
                Billing { burst: p, burst_is_committed: committed, baseline: None, ..billing }
                    .monthly_given(&schedule, &hourly);
            priced.by_plan.insert(
                each.as_str().into(),
                ServingPlanCost {
                    monthly_cost_usd: cost,
                    price_per_accelerator_hour: p,
                    committed,
                    region: Some(region),
                },
            );
        }
        let burst_plan = if burst_is_committed { Plan::OnDemand } else { used.plan };
        if let Some((_, burst)) = per_accelerator(burst_plan) {
            for committed_plan in [Plan::Reserved1y, Plan::Reserved3y] {
                let Some((_, committed)) = per_accelerator(committed_plan) else { continue };
                let (replicas, cost) = baselines.best(&Billing { burst, ..billing }, committed);
                if best_mix.as_ref().is_none_or(|m| cost < m.monthly_cost_usd) {
                    best_mix = Some(Mix {
                        committed_plan: committed_plan.as_str().into(),
                        committed_replicas: replicas as u32,
                        committed_price_per_accelerator_hour: committed,
                        burst_plan: burst_plan.as_str().into(),
                        burst_price_per_accelerator_hour: burst,
                        monthly_cost_usd: cost,
                    });
                }
            }
        }
    } else {
        // A typed price is "custom"; the owned servers are their own plan.
        priced.by_plan.insert(
            offer.as_ref().map_or("custom", |o| o.plan.as_str()).into(),
            ServingPlanCost {
                monthly_cost_usd: Billing { burst_is_committed: false, baseline: None, ..billing }
                    .monthly_given(&schedule, &hourly),
                price_per_accelerator_hour: price,
                committed: false,
                region: None,
            },
        );
        if let Some(((_, committed), mix)) = baseline.zip(priced.mix.as_ref()) {
            let (replicas, cost) = baselines.best(&billing, committed);
            best_mix = Some(Mix {
                committed_replicas: replicas as u32,
                monthly_cost_usd: cost,
                ..mix.clone()
            });
        }
    }
    priced.best_mix = best_mix;

    // The same day at other volumes: for break-evens and the cost-against-volume curve.
    let scaled = Scaled {
        rates,
        requests_per_day: rates.iter().sum::<f64>() * SECONDS_PER_HOUR,
        capacity,
        // Not capped: beyond max_replicas, requests would go unserved rather than cost more.
        policy: Policy { max_replicas: None, ..policy },
        billing,
    };
    if let Work::Tokens { input, output, .. } = replica.work {
        let share = replica.prefill_share(batch_at_slo);
        if served_per_month > 0.0 {
            priced.cost_per_million_input_tokens_usd =
                Some(Usd::new(monthly.get() * share / (served_per_month * input / 1e6)));
            priced.cost_per_million_output_tokens_usd =
                Some(Usd::new(monthly.get() * (1.0 - share) / (served_per_month * output / 1e6)));
        }
        let request =
            Request { input, output, prefix_cache_hit_rate: run.prefix_cache_hit_rate.get() };
        for api in &run.apis {
            let per_request = request.api_price(api);
            let api_monthly = per_request * served_per_month;
            priced.api_comparison.push(ApiComparison {
                id: api.id.clone(),
                name: api.name.clone(),
                monthly_cost_usd: Usd::new(api_monthly),
                self_hosted_minus_api_usd: Usd::new(monthly.get() - api_monthly),
                break_even_requests_per_day: scaled.break_even(per_request),
                source: api.source.clone(),
                as_of: api.as_of.clone(),
            });
        }
    }
    // From 1/30 of the smallest to 30 times the largest of today's volume and the break-evens.
    let marks = priced.api_comparison.iter().filter_map(|a| a.break_even_requests_per_day);
    let today = scaled.requests_per_day;
    let (low, high) =
        marks.filter(|v| *v > 0.0).fold((today, today), |(lo, hi), v| (lo.min(v), hi.max(v)));
    priced.cost_vs_volume = scaled.curve(low / 30.0, high * 30.0, COST_CURVE_POINTS);
    if served_per_month > 0.0 {
        priced.cost_per_thousand_requests_usd =
            Some(Usd::new(monthly.get() / served_per_month * 1e3));
    }
    if schedule.unserved_requests_per_day > 0.0 {
        priced.notes.push(format!(
            "max_replicas leaves {} requests a day unserved at the SLO",
            crate::vocabulary::format::whole(schedule.unserved_requests_per_day)
        ));
    }
    if plan == Some(Plan::Spot) {
        priced.notes.push("spot replicas can be reclaimed at short notice: keep on-demand capacity for the SLO, or accept failed requests".into());
    }
    if burst_is_committed {
        priced.notes.push(
            "a committed plan is paid every hour: the peak's replicas are billed around the clock"
                .into(),
        );
    }
    let replica_hours = schedule.replica_hours;
    priced.utilization = Some(Fraction::new(if replica_hours > 0.0 {
        schedule.requests_per_day / (replica_hours * SECONDS_PER_HOUR * capacity)
    } else {
        0.0
    }));
    priced.requests_per_day = Some(schedule.requests_per_day);
    priced.unserved_requests_per_day = Some(schedule.unserved_requests_per_day);
    priced.replicas_peak = Some(schedule.peak_replicas.min(f64::from(u32::MAX)) as u32);
    priced.replica_hours_per_day = Some(Hours::new(replica_hours));
    priced.monthly_cost_usd = Some(monthly);
    priced.static_peak_monthly_cost_usd = Some(static_billing.monthly_given(&schedule, &hourly));
    priced.price_per_accelerator_hour = Some(price);
    priced.offer = offer.clone();
    priced.hourly = schedule.hours;
    for (field, value) in [
        ("serving.monthly_cost_usd", monthly.get()),
        ("serving.replica_hours_per_day", replica_hours),
    ] {
        if !value.is_finite() {
            return Err(Error::new(field, Problem::ResultOutOfRange));
        }
    }
    Ok(priced)
}
