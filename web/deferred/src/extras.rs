//! What this module adds to the Training and Serving pages beyond their first-render estimate
//! (`mlcost_web::handoff::PageExtras`): the ranges beside the key numbers, what moves the cost,
//! and training's Pareto front, deadline pick and the note when nothing meets the deadline. They
//! come from the estimate the page's charts draw, made once per change.

use mlcost::format;
use mlcost::units::Usd;
use mlcost::vocabulary::uncertainty::Range;
use mlcost::{Scenario, TrainingReport};
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
            _ => None,
        }
    })
    .unwrap_or_default()
}

fn training_extras(scenario: &Scenario, training: &TrainingReport) -> PageExtras {
    let mut extras = PageExtras::default();
    let usd =
        |range: Range<Usd>| format!("{} – {}", format::usd(range.low), format::usd(range.high));
    let shown = |id: &str, shown: String| KeyRange { id: id.into(), shown, bounds: None };
    if let Some(r) = &training.ranges {
        let hours = r.accelerator_hours;
        let compute = r.compute_cost_usd;
        extras.ranges = vec![
            shown("training-total-cost", usd(r.total_cost_usd)),
            // The two figures a published run states carry their bounds too, to place it.
            KeyRange {
                bounds: Some((compute.low.get(), compute.high.get())),
                ..shown("training-compute-cost", usd(compute))
            },
            KeyRange {
                bounds: Some((hours.low.get(), hours.high.get())),
                ..shown(
                    "training-accelerator-hours",
                    format!(
                        "{} – {}",
                        format::count(hours.low.get()),
                        format::count(hours.high.get())
                    ),
                )
            },
            shown(
                "training-wall-clock",
                format!(
                    "{} – {}",
                    format::duration(r.wall_clock_hours.low),
                    format::duration(r.wall_clock_hours.high)
                ),
            ),
        ];
        if let Some(energy) = r.energy_kwh {
            extras.ranges.push(shown(
                "training-energy",
                format!("{} – {}", format::energy(energy.low), format::energy(energy.high)),
            ));
        }
    }
    extras.swings = training
        .sensitivity
        .iter()
        .map(|s| {
            let label = mlcost_web::forms::training_label(&s.input).unwrap_or(&s.input);
            let why = if s.defaulted {
                s.source.to_string()
            } else {
                "your value, 20% lower and higher".into()
            };
            format!(
                "{label} {} – {}: {} – {} ({why})",
                format::value(s.low_value),
                format::value(s.high_value),
                format::usd(Usd::new(s.figure_at_low)),
                format::usd(Usd::new(s.figure_at_high)),
            )
        })
        .collect();
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
