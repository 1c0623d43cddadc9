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
        let mut extras = match section {
            "training" => training_extras(scenario, report.training.as_ref()?),
            "serving" => serving_extras(report.serving.as_ref()?),
            _ => return None,
        };
        // A range whose ends read the same (a latency the SLO pins, a replica count that rounds
        // alike) says nothing a reader could use: it is left out.
        extras
            .ranges
            .retain(|r| r.shown.split(" – ").collect::<Vec<_>>().windows(2).all(|w| w[0] != w[1]));
        Some(extras)
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
        let usd = |id: &str, range: Option<Range<Usd>>| {
            range.map(|range| KeyRange {
                id: id.into(),
                shown: format!("{} – {}", format::usd(range.low), format::usd(range.high)),
                bounds: None,
            })
        };
        let ms = |id: &str, range: Option<Range<mlcost::units::Milliseconds>>| {
            range.map(|range| KeyRange {
                id: id.into(),
                shown: format!(
                    "{} – {}",
                    format::milliseconds(range.low.get()),
                    format::milliseconds(range.high.get())
                ),
                bounds: None,
            })
        };
        let replicas = r.replicas_peak.map(|range| KeyRange {
            id: "serving-replicas-peak".into(),
            shown: format!("{} – {}", format::whole(range.low), format::whole(range.high)),
            bounds: None,
        });
        extras.ranges = [
            usd("serving-monthly-cost", r.monthly_cost_usd),
            usd("serving-cost-per-million-output", r.cost_per_million_output_tokens_usd),
            usd("serving-cost-per-million-input", r.cost_per_million_input_tokens_usd),
            replicas,
            ms("serving-ttft", r.ttft_ms),
            ms("serving-tpot", r.tpot_ms),
        ]
        .into_iter()
        .flatten()
        .collect();
    }
    extras.swings = swings(&serving.sensitivity);
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
