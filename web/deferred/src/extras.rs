//! What this module adds to the Training and Serving pages beyond their first-render estimate
//! (`mlcost_web::handoff::PageExtras`): the ranges beside the key numbers, what moves the cost,
//! and training's Pareto front, deadline pick and the note when nothing meets the deadline. They
//! come from the estimate the page's charts draw, made once per change.

use mlcost::format;
use mlcost::units::Usd;
use mlcost::vocabulary::uncertainty::Range;
use mlcost::vocabulary::uncertainty::Sensitivity;
use mlcost::{Scenario, ServingReport, TrainingReport};
use mlcost_web::handoff::{FrontPoint, KeyRange, PageExtras, Pick};

use crate::charts::estimate_once;

/// The extras of the page `section` (`training` or `serving`) for the scenario in `scenario_json`,
/// priced with the user's sheet; empty when there are none (or the scenario does not estimate).
pub fn page_extras(scenario_json: &str, section: &str) -> PageExtras {
    mlcost_web::header::price_sheet::with_book_now(|book, sheet| {
        let estimated = estimate_once((scenario_json, sheet), book).ok()?;
        let (scenario, report) = &*estimated;
        let report = report.as_ref().ok()?;
        match section {
            "training" => Some(training_extras(scenario, report.training.as_ref()?)),
            "serving" => Some(serving_extras(report.serving.as_ref()?)),
            _ => None,
        }
    })
    .unwrap_or_default()
}

/// Key number `id`'s range, its two ends shown by `show`; none when the two ends
/// read the same (a latency the SLO pins, a replica count that rounds alike), which says nothing a
/// reader could use.
fn key_range<T: Copy>(id: &str, range: Range<T>, show: impl Fn(T) -> String) -> Option<KeyRange> {
    let (low, high) = (show(range.low), show(range.high));
    (low != high).then(|| KeyRange {
        id: id.into(),
        shown: format!("{low} – {high}"),
        bounds: None,
    })
}

fn training_extras(scenario: &Scenario, training: &TrainingReport) -> PageExtras {
    let mut extras = PageExtras::default();
    if let Some(r) = &training.ranges {
        let hours = r.accelerator_hours;
        let compute = r.compute_cost_usd;
        // The two figures a published run states carry their bounds too, to place it.
        let bounded = |range: Option<KeyRange>, (low, high): (f64, f64)| {
            range.map(|shown| KeyRange { bounds: Some((low, high)), ..shown })
        };
        extras.ranges = [
            key_range("training-total-cost", r.total_cost_usd, format::usd),
            bounded(
                key_range("training-compute-cost", compute, format::usd),
                (compute.low.get(), compute.high.get()),
            ),
            bounded(
                key_range("training-accelerator-hours", hours, |h| format::count(h.get())),
                (hours.low.get(), hours.high.get()),
            ),
            key_range("training-wall-clock", r.wall_clock_hours, format::duration),
            r.energy_kwh.and_then(|energy| key_range("training-energy", energy, format::energy)),
            r.carbon_kg_co2e.and_then(|kg| key_range("training-carbon", kg, format::carbon)),
        ]
        .into_iter()
        .flatten()
        .collect();
    }
    extras.swings = swings(&training.sensitivity);
    if let Some(sizing) = &training.rightsizing {
        extras.front = sizing
            .pareto_front
            .iter()
            .map(|c| FrontPoint {
                layout: format!(
                    "{}× {} ({})",
                    format::whole(f64::from(c.accelerator_count)),
                    c.accelerator,
                    c.offer
                ),
                plan: c.plan.as_str().to_owned(),
                wall_clock: format::duration(c.wall_clock_hours),
                compute: format::usd(c.compute_cost_usd),
            })
            .collect();
    }
    extras.pick = training.recommendation.as_ref().map(|c| Pick {
        choice: format!(
            "{}× {} on {} ({}, {})",
            c.accelerator_count,
            c.accelerator,
            c.offer,
            c.plan.as_str(),
            c.region
        ),
        detail: format!(
            " — {} in {}{}",
            format::usd(c.compute_cost_usd),
            format::duration(c.wall_clock_hours),
            if c.mfu_calibrated {
                ""
            } else {
                " (no published run calibrates this accelerator's MFU)"
            }
        ),
    });
    // The engine notes a missed deadline in the estimate the first render does not make.
    let deadline = scenario.training.as_ref().and_then(|t| t.deadline_hours);
    extras.notes = deadline
        .map(mlcost::training::rightsizing::missed_deadline_note)
        .filter(|note| training.notes.contains(note))
        .into_iter()
        .collect();
    extras
}

fn serving_extras(serving: &ServingReport) -> PageExtras {
    let mut extras = PageExtras::default();
    if let Some(r) = &serving.ranges {
        let usd = |id: &str, range: Option<Range<Usd>>| key_range(id, range?, format::usd);
        let ms = |id: &str, range: Option<Range<mlcost::units::Milliseconds>>| {
            key_range(id, range?, |ms| format::milliseconds(ms.get()))
        };
        extras.ranges = [
            usd("serving-monthly-cost", r.monthly_cost_usd),
            usd("serving-cost-per-million-output", r.cost_per_million_output_tokens_usd),
            usd("serving-cost-per-million-input", r.cost_per_million_input_tokens_usd),
            r.replicas_peak
                .and_then(|range| key_range("serving-replicas-peak", range, format::whole)),
            ms("serving-ttft", r.ttft_ms),
            ms("serving-tpot", r.tpot_ms),
        ]
        .into_iter()
        .flatten()
        .collect();
    }
    extras.swings = swings(&serving.sensitivity);
    extras.sizing = serving.percentile_sizing.clone();
    // The first render does not price the split: its note comes from here.
    extras.notes = serving.split.as_ref().map(mlcost::serving::split::note).into_iter().collect();
    extras
}

/// What moves the figure, a sentence per input, largest swing first: its label, its low and high,
/// the figure at each and where the two come from.
fn swings(list: &[Sensitivity]) -> Vec<String> {
    list.iter()
        .map(|s| {
            let label = mlcost_web::forms::input_label(&s.input);
            let why = if s.defaulted {
                s.source.to_string()
            } else {
                "your value, 20% lower and higher".into()
            };
            // A cost in dollars; a rate (serving without a load) as a count.
            let figure = |v: f64| {
                if s.figure.ends_with("_usd") { format::usd(Usd::new(v)) } else { format::count(v) }
            };
            format!(
                "{label} {} – {}: {} – {} ({why})",
                format::value(s.low_value),
                format::value(s.high_value),
                figure(s.figure_at_low),
                figure(s.figure_at_high),
            )
        })
        .collect()
}
