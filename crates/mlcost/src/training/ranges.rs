//! How sure a training estimate is: its headline figures' ranges from the published spread of
//! the defaults it used, and what moves its cost most (see `vocabulary::uncertainty` for the
//! method).

use crate::scenario::resolve::training::{Amount, ResolvedTraining};
use crate::training::estimate;
use crate::training::mfu::{FP8_SPEEDUPS, fp8_speedup, published_bounds_ratio};
use crate::training::reliability::{
    FAILURES_PER_ACCELERATOR_HOUR, INTERRUPTION_RATES_AS_OF, PUBLISHED_INTERRUPTION_RATES,
    accelerators_per_node,
};
use crate::training::report::{TrainingRanges, TrainingReport};
use crate::training::spread::mfu_spread;
use crate::vocabulary::error::Error;
use crate::vocabulary::terms::Precision;
use crate::vocabulary::uncertainty::{
    Range, SPREAD_QUANTILE, Sensitivity, WHAT_IF_SOURCE, WHAT_IF_STEP, combine, quantile,
};
use crate::vocabulary::units::{Fraction, Hours, KilowattHours, Usd};

/// One input at its low and high: the total cost at each, where the two come from, and for a
/// defaulted input (whose swings make the ranges) the run estimated at each.
struct Moved {
    input: &'static str,
    values: (f64, f64),
    costs: (f64, f64),
    at: Option<(TrainingReport, TrainingReport)>,
    source: String,
    defaulted: bool,
}

/// The figure sensitivity is reported for: what the run costs.
const FIGURE: &str = "training.total_cost_usd";

/// The ranges (absent when every input was given) and the sensitivity list, largest swing first,
/// of `report`, the estimate of `run`; the MFU's spread leaves out the published run `leave_out`
/// (the validation table's, scoring that run).
pub fn uncertainty(
    run: &ResolvedTraining<'_>,
    report: &TrainingReport,
    leave_out: Option<&str>,
) -> Result<(Option<TrainingRanges>, Vec<Sensitivity>), Error> {
    let at = |change: &dyn Fn(&mut ResolvedTraining<'_>)| {
        let mut moved = run.clone();
        change(&mut moved);
        estimate(moved)
    };
    let both = |change: &dyn Fn(&mut ResolvedTraining<'_>, f64), (low, high): (f64, f64)| {
        Ok::<_, Error>((at(&|r| change(r, low))?, at(&|r| change(r, high))?))
    };
    let set_mfu = |r: &mut ResolvedTraining<'_>, mfu: f64| r.mfu = Some(Fraction::new(mfu));
    let set_goodput =
        |r: &mut ResolvedTraining<'_>, goodput: f64| r.goodput = Some(Fraction::new(goodput));
    let what_if = |value: f64| (value * (1.0 - WHAT_IF_STEP), value * (1.0 + WHAT_IF_STEP));
    // A fraction moved up stays a fraction.
    let fraction_what_if = |value: f64| {
        let (low, high) = what_if(value);
        (low, high.min(1.0))
    };

    let mut moved = Vec::new();
    let mfu = report.mfu.get();
    if run.mfu.is_none() {
        let spread = mfu_spread(run.accelerator, leave_out)?;
        let (mut low, mut high, mut source) = (spread.low, spread.high, spread.source.clone());
        if run.setup.precision == Precision::Fp8 {
            // FP8's gain over BF16 is a default too, from its own published spread: independent
            // of how efficient the run is, so the two combine as the inputs do.
            let (slow, fast, why) = fp8_spread();
            if let Some(both) = combine(1.0, &[(low, high), (slow, fast)]) {
                (low, high) = (both.low, both.high);
            }
            source = format!("{source}; and {why}");
        }
        // Never beyond the MFU published runs reached (at this run's precision and recompute).
        let (floor, ceiling) = published_bounds_ratio(
            run.accelerator,
            run.model.active_parameters.get(),
            f64::from(run.accelerator_count),
        );
        let (low, high) = (low.max(floor.min(1.0)), high.min(ceiling.max(1.0)));
        let values = (mfu * low, (mfu * high).min(1.0));
        moved.push(defaulted("training.mfu", values, both(&set_mfu, values)?, source));
    } else {
        let values = fraction_what_if(mfu);
        let at = both(&set_mfu, values)?;
        moved.push(given("training.mfu", values, at));
    }
    if run.goodput.is_none() && !run.reliability.mtbf_given() {
        let (values, source) = mtbf_spread(accelerators_per_node(run));
        let set_mtbf = |r: &mut ResolvedTraining<'_>, hours: f64| {
            r.reliability = r.reliability.with_mtbf_hours_per_node(hours);
        };
        let at = both(&set_mtbf, values)?;
        moved.push(defaulted("training.reliability.mtbf_hours_per_node", values, at, source));
    }
    if run.goodput.is_some() {
        let values = fraction_what_if(report.goodput.get());
        let at = both(&set_goodput, values)?;
        moved.push(given("training.goodput", values, at));
    }
    // Compute cost is the only part the price moves, in proportion: no estimate needed. On the
    // owned servers the price is theirs at the owned section's utilisation, which moves it.
    let at_price =
        |factor: f64| report.total_cost_usd.get() + report.compute_cost_usd.get() * (factor - 1.0);
    let (input, values, factors) = match run.owned.as_ref().map(|o| &o.section) {
        Some(owned) => {
            let (values, factors) = owned.utilization_what_if();
            ("owned.utilization", values, factors)
        }
        None => (
            "training.price_per_accelerator_hour",
            what_if(run.price.get()),
            (1.0 - WHAT_IF_STEP, 1.0 + WHAT_IF_STEP),
        ),
    };
    moved.push(Moved {
        input,
        values,
        costs: (at_price(factors.0), at_price(factors.1)),
        at: None,
        source: WHAT_IF_SOURCE.to_owned(),
        defaulted: false,
    });
    if let Amount::Tokens { total, .. } = run.amount {
        let values = what_if(total);
        let set_tokens = |r: &mut ResolvedTraining<'_>, tokens: f64| {
            if let Amount::Tokens { total, per_epoch } = &mut r.amount {
                // The same number of epochs over a dataset scaled alike.
                *per_epoch *= tokens / *total;
                *total = tokens;
            }
        };
        let at_tokens = both(&set_tokens, values)?;
        moved.push(given("training.tokens", values, at_tokens));
    }

    let estimated: Vec<&(TrainingReport, TrainingReport)> =
        moved.iter().filter(|m| m.defaulted).filter_map(|m| m.at.as_ref()).collect();
    let range_of = |figure: fn(&TrainingReport) -> f64| {
        let swings: Vec<(f64, f64)> =
            estimated.iter().map(|(low, high)| (figure(low), figure(high))).collect();
        combine(figure(report), &swings)
    };
    let hours = |figure: fn(&TrainingReport) -> f64| {
        range_of(figure).map(|r| Range { low: Hours::new(r.low), high: Hours::new(r.high) })
    };
    let usd = |figure: fn(&TrainingReport) -> f64| {
        range_of(figure).map(|r| Range { low: Usd::new(r.low), high: Usd::new(r.high) })
    };
    let ranges = match (
        hours(|r| r.accelerator_hours.get()),
        hours(|r| r.wall_clock_hours.get()),
        usd(|r| r.compute_cost_usd.get()),
        usd(|r| r.total_cost_usd.get()),
    ) {
        (Some(accelerator_hours), Some(wall_clock_hours), Some(compute), Some(total)) => {
            let energy = report.energy_kwh.and_then(|_| {
                range_of(|r| r.energy_kwh.map_or(0.0, KilowattHours::get)).map(|r| Range {
                    low: KilowattHours::new(r.low),
                    high: KilowattHours::new(r.high),
                })
            });
            // The grid is the same at every swing: emissions go as the energy.
            let carbon = energy.map(|e| Range { low: e.low * run.grid, high: e.high * run.grid });
            Some(TrainingRanges {
                accelerator_hours,
                wall_clock_hours,
                compute_cost_usd: compute,
                total_cost_usd: total,
                energy_kwh: energy,
                carbon_kg_co2e: carbon,
            })
        }
        _ => None,
    };

    let mut sensitivity: Vec<Sensitivity> = moved
        .into_iter()
        .map(|m| Sensitivity {
            input: m.input.into(),
            low_value: m.values.0,
            high_value: m.values.1,
            figure: FIGURE.into(),
            figure_at_low: m.costs.0,
            figure_at_high: m.costs.1,
            source: m.source.into(),
            defaulted: m.defaulted,
        })
        .collect();
    sensitivity.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
    Ok((ranges, sensitivity))
}

/// How far FP8's published gains over BF16 stray from the median the default uses: the 10th and
/// 90th percentiles over that median, and where they come from.
fn fp8_spread() -> (f64, f64, String) {
    let mut gains: Vec<f64> = FP8_SPEEDUPS.iter().map(|(_, gain)| *gain).collect();
    gains.sort_by(f64::total_cmp);
    let median = fp8_speedup();
    let at = |q: f64| quantile(&gains, q).unwrap_or(median) / median;
    let (slow, fast) = (at(SPREAD_QUANTILE), at(1.0 - SPREAD_QUANTILE));
    let why = format!(
        "FP8's gain over BF16 {:.2} to {:.2} times the {median:.2}× used (10th to 90th percentile of {} published comparisons)",
        slow,
        fast,
        gains.len()
    );
    (slow, fast, why)
}

/// A node's MTBF at the published failure rates' 90th and 10th percentiles (the low MTBF first),
/// and where they come from.
fn mtbf_spread(per_node: u32) -> ((f64, f64), String) {
    let mut rates: Vec<f64> = PUBLISHED_INTERRUPTION_RATES.iter().map(|(_, rate)| *rate).collect();
    rates.sort_by(f64::total_cmp);
    let rate = |q: f64| quantile(&rates, q).unwrap_or(FAILURES_PER_ACCELERATOR_HOUR);
    let (often, seldom) = (rate(1.0 - SPREAD_QUANTILE), rate(SPREAD_QUANTILE));
    let mtbf = |rate: f64| 1.0 / (rate * f64::from(per_node.max(1)));
    let source = format!(
        "10th to 90th percentile of {} published clusters' interruption rates, {:.1e} to {:.1e} per accelerator-hour (Llama 3, OPT-175B, BLOOM, Meta's RSC clusters and others; as of {INTERRUPTION_RATES_AS_OF}), for {per_node}-accelerator nodes",
        rates.len(),
        seldom,
        often
    );
    ((mtbf(often), mtbf(seldom)), source)
}

fn defaulted(
    input: &'static str,
    values: (f64, f64),
    at: (TrainingReport, TrainingReport),
    source: String,
) -> Moved {
    let costs = (at.0.total_cost_usd.get(), at.1.total_cost_usd.get());
    Moved { input, values, costs, at: Some(at), source, defaulted: true }
}

fn given(input: &'static str, values: (f64, f64), at: (TrainingReport, TrainingReport)) -> Moved {
    let costs = (at.0.total_cost_usd.get(), at.1.total_cost_usd.get());
    Moved { input, values, costs, at: None, source: WHAT_IF_SOURCE.to_owned(), defaulted: false }
}
