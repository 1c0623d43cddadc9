//! How sure a serving estimate is: its headline figures' ranges from the published spread of the
//! defaults it used (the engine efficiencies from the validation table's serving measurements, the
//! day's peak-to-mean from published traces), and what moves its cost most (see
//! `vocabulary::uncertainty` for the method).

use crate::catalogue::pricing::PriceBook;
use crate::catalogue::shape::ResolvedModel;
use crate::scenario::resolve::owned::ResolvedOwned;
use crate::scenario::resolve::serving::resolve_serving;
use crate::scenario::serving::Serving;
use crate::serving::estimate_with_speedup;
use crate::serving::report::{ServingRanges, ServingReport};
use crate::serving::spread::speed_spread;
use crate::vocabulary::error::Error;
use crate::vocabulary::terms::Plan;
use crate::vocabulary::uncertainty::{Range, Sensitivity, WHAT_IF_SOURCE, WHAT_IF_STEP, combine};
use crate::vocabulary::units::{Milliseconds, Usd};

/// The day's peak-to-mean in published LLM serving traces: about 1.3 for chat-style traffic
/// (Azure's 2024 conversation trace, 1.26-1.40 a day; ServeGen's language models, median 1.35-1.49)
/// to about 2.3 for work-hours traffic (Azure's 2024 coding trace on weekdays, 2.10-2.29; BurstGPT's
/// web chat, about 2.2-2.3). Computed from the traces' rates or read from their published plots,
/// none stated in the papers' text: docs/research/traffic-peak-to-mean.json says how.
pub const PUBLISHED_PEAK_TO_MEAN: (f64, f64) = (1.3, 2.3);

const PEAK_TO_MEAN_SOURCE: &str = "published LLM serving days: about 1.3 for chat-style traffic (Azure's 2024 conversation trace, ServeGen) to 2.3 for work-hours traffic (Azure's 2024 coding trace on weekdays, BurstGPT's web chat)";

/// One input at its low and high: the figure sensitivity is reported for at each, and for a
/// defaulted input the estimate at each.
struct Moved {
    input: &'static str,
    values: (f64, f64),
    figures: (f64, f64),
    at: Option<(ServingReport, ServingReport)>,
    source: String,
}

/// The ranges (absent when every input was given) and the sensitivity list, largest swing first,
/// of `report`, the estimate of `serving` with `model`; the efficiencies' spread leaves out the
/// validation case `leave_out` (the one being scored).
pub fn uncertainty(
    model: &ResolvedModel,
    serving: &Serving,
    book: &PriceBook,
    report: &ServingReport,
    leave_out: Option<&str>,
    owned: Option<&ResolvedOwned>,
) -> Result<(Option<ServingRanges>, Vec<Sensitivity>), Error> {
    let at = |change: &dyn Fn(&mut Serving), speed: f64| -> Result<ServingReport, Error> {
        let mut moved = serving.clone();
        change(&mut moved);
        estimate_with_speedup(resolve_serving(model.clone(), &moved, book, owned)?, speed)
    };
    // Sensitivity is of what the replicas cost a month, or without a load, of how fast one runs.
    let priced = report.monthly_cost_usd.is_some();
    let (figure, figure_of): (&'static str, fn(&ServingReport) -> f64) = if priced {
        ("serving.monthly_cost_usd", |r| r.monthly_cost_usd.map_or(0.0, Usd::get))
    } else {
        ("serving.max_output_tokens_per_second_per_replica", |r| {
            r.max_output_tokens_per_second_per_replica
        })
    };
    let defaulted = |field: &str| report.assumptions.iter().any(|a| a.field == field);
    let mut moved = Vec::new();
    let efficiency = &serving.engine_efficiency;
    if efficiency.compute.is_none() && efficiency.bandwidth.is_none() {
        let accelerator = book.accelerator(&serving.accelerator, "serving.accelerator")?;
        let spread = speed_spread(accelerator, leave_out)?;
        let (slow, fast) = (at(&|_| {}, spread.low)?, at(&|_| {}, spread.high)?);
        moved.push(Moved {
            input: "serving.engine_efficiency",
            // As a speed over the default efficiencies': the published cases beyond the roofline
            // at the defaults would read as efficiencies above 100%.
            values: (spread.low, spread.high),
            figures: (figure_of(&slow), figure_of(&fast)),
            at: Some((slow, fast)),
            source: format!(
                "times the default compute and bandwidth efficiencies: {}",
                spread.source
            ),
        });
    }
    if serving.peak_to_mean.is_none() && defaulted("serving.peak_to_mean") {
        let (calm, peaky) = PUBLISHED_PEAK_TO_MEAN;
        let set = |ratio: f64| move |s: &mut Serving| s.peak_to_mean = Some(ratio);
        let (low, high) = (at(&set(calm), 1.0)?, at(&set(peaky), 1.0)?);
        moved.push(Moved {
            input: "serving.peak_to_mean",
            values: (calm, peaky),
            figures: (figure_of(&low), figure_of(&high)),
            at: Some((low, high)),
            source: PEAK_TO_MEAN_SOURCE.to_owned(),
        });
    }
    let estimated: Vec<&(ServingReport, ServingReport)> =
        moved.iter().filter_map(|m| m.at.as_ref()).collect();
    let range_of = |figure: &dyn Fn(&ServingReport) -> f64| {
        let swings: Vec<(f64, f64)> =
            estimated.iter().map(|(low, high)| (figure(low), figure(high))).collect();
        combine(figure(report), &swings)
    };
    let optional = |figure: fn(&ServingReport) -> Option<f64>| {
        figure(report).and_then(|_| range_of(&|r| figure(r).unwrap_or(0.0)))
    };
    let usd = |r: Range<f64>| Range { low: Usd::new(r.low), high: Usd::new(r.high) };
    let ms =
        |r: Range<f64>| Range { low: Milliseconds::new(r.low), high: Milliseconds::new(r.high) };
    let ranges =
        range_of(&|r| r.max_output_tokens_per_second_per_replica).map(|throughput| ServingRanges {
            max_output_tokens_per_second_per_replica: throughput,
            ttft_ms: range_of(&|r| r.ttft_ms.get()).map(ms),
            tpot_ms: range_of(&|r| r.tpot_ms.get()).map(ms),
            replicas_peak: optional(|r| r.replicas_peak.map(f64::from)),
            monthly_cost_usd: optional(|r| r.monthly_cost_usd.map(Usd::get)).map(usd),
            cost_per_million_output_tokens_usd: optional(|r| {
                r.cost_per_million_output_tokens_usd.map(Usd::get)
            })
            .map(usd),
            cost_per_million_input_tokens_usd: optional(|r| {
                r.cost_per_million_input_tokens_usd.map(Usd::get)
            })
            .map(usd),
        });
    let what_if = |value: f64| (value * (1.0 - WHAT_IF_STEP), value * (1.0 + WHAT_IF_STEP));
    if let Some(daily) = serving.daily_requests {
        let values = what_if(daily);
        let set = |requests: f64| move |s: &mut Serving| s.daily_requests = Some(requests);
        let (low, high) = (at(&set(values.0), 1.0)?, at(&set(values.1), 1.0)?);
        moved.push(given("serving.daily_requests", values, (figure_of(&low), figure_of(&high))));
    }
    if let (true, Some(price)) = (priced, report.price_per_accelerator_hour) {
        // The monthly cost goes as the price: no estimate needed. On the owned servers the price
        // is theirs at the owned section's utilisation, which moves it.
        let cost = figure_of(report);
        match owned.filter(|_| serving.plan == Some(Plan::Owned)) {
            Some(owned) => {
                let (values, factors) = owned.utilization_what_if();
                let figures = (cost * factors.0, cost * factors.1);
                moved.push(given("owned.utilization", values, figures));
            }
            None => {
                let values = what_if(price.get());
                let figures = (cost * (1.0 - WHAT_IF_STEP), cost * (1.0 + WHAT_IF_STEP));
                moved.push(given("serving.price_per_accelerator_hour", values, figures));
            }
        }
    }

    let mut sensitivity: Vec<Sensitivity> = moved
        .into_iter()
        .map(|m| Sensitivity {
            input: m.input.into(),
            low_value: m.values.0,
            high_value: m.values.1,
            figure: figure.into(),
            figure_at_low: m.figures.0,
            figure_at_high: m.figures.1,
            defaulted: m.at.is_some(),
            source: m.source.into(),
        })
        .collect();
    sensitivity.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
    Ok((ranges, sensitivity))
}

fn given(input: &'static str, values: (f64, f64), figures: (f64, f64)) -> Moved {
    Moved { input, values, figures, at: None, source: WHAT_IF_SOURCE.to_owned() }
}
