//! The optimization advisor: what to change in a scenario, and how much it saves.
//!
//! Three steps. A *search* weighs every discrete choice the section has (training: accelerator ×
//! precision × offer × count × plan; serving: offer × layout × weight format × batch cap × plan or
//! committed baseline) under the scenario's constraints and keeps the cost-vs-time or
//! cost-vs-latency Pareto front. *Moves* each change one thing (right-size the hardware, quantize,
//! change the plan, commit a baseline) and are re-derived on whatever scenario they are applied
//! to, so they compose into the savings *waterfall*. Every figure the advisor shows comes from
//! [`estimate`](crate::estimate) run on the scenario it recommends: a saving the engine would not
//! reproduce cannot be shown.

mod advice;
mod estimates;
mod front;
mod moves;
mod owned_move;
pub mod quality;
mod settings;
mod what_if;

pub use crate::vocabulary::terms::Period;
pub use advice::{
    Advice, Current, MAX_FRONT_POINTS, Move, ParetoPoint, Recommendation, Section, Waterfall,
    WaterfallStep,
};
pub use settings::Settings;

pub use what_if::{
    BatchWhatIf, CacheWhatIf, DistillationWhatIf, FineTuneWhatIf, PruningWhatIf,
    QuantizationWhatIf, SpeculationWhatIf, WhatIfs,
};

use crate::catalogue::pricing::PriceBook;
use crate::report::Report;
use crate::scenario::Scenario;
use crate::scenario::training::Training;
use crate::serving::search as serving_search;
use crate::training::rightsizing;
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::terms::{Plan, Precision};
use crate::vocabulary::units::Usd;
use estimates::{NO_SAVING, Searched, cost_of, request_latency_ms};
use front::front;
use moves::{Applied, apply, recommendation};

/// What to change in the scenario and what each change saves: recommendations (each re-estimated
/// on the scenario it recommends), the savings waterfall of the accepted ones, the Pareto fronts
/// and the what-ifs.
pub fn optimize(
    scenario: &Scenario,
    book: &PriceBook,
    settings: &Settings,
) -> Result<Advice, Error> {
    if let Some(tokens) = settings.distillation_tokens
        && !(tokens.is_finite() && tokens > 0.0)
    {
        return Err(Error::new("optimize.distillation_tokens", Problem::MustBePositive));
    }
    if let Some(tokens) = settings.distillation_tokens {
        crate::vocabulary::check::at_most(
            "optimize.distillation_tokens",
            tokens,
            crate::vocabulary::check::MAX_TRAINING_TOKENS,
        )?;
    }
    if let Some(id) = &settings.student {
        crate::catalogue::presets::preset(id, "optimize.student")?;
    }
    // The moves the waterfall combines, every one when the settings name none.
    let accepted: Vec<Move> = match &settings.accepted {
        None => Move::ALL.to_vec(),
        Some(ids) => ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                Move::parse(id).ok_or_else(|| {
                    Error::new(
                        format!("optimize.accepted[{i}]"),
                        Problem::Unknown {
                            kind: "recommendation",
                            id: id.clone(),
                            known: Move::ALL.iter().map(|m| m.as_str().to_owned()).collect(),
                        },
                    )
                })
            })
            .collect::<Result<_, _>>()?,
    };
    // With its ranges: a saving is weighed against how far the estimate may stray.
    let base = crate::estimate_with_ranges(scenario, book, crate::Options::FIGURES)?;
    let mut considered = 0;
    let training = match &scenario.training {
        Some(training) => {
            let recompute: &[bool] =
                if training.activation_checkpointing { &[true] } else { &[false, true] };
            let (candidates, n) = rightsizing::candidates(
                &scenario.model,
                training,
                book,
                &precisions(training),
                recompute,
            )?;
            considered += n;
            candidates
        }
        None => Vec::new(),
    };
    let serving = match &scenario.serving {
        Some(serving) if base.serving.as_ref().is_some_and(|r| r.monthly_cost_usd.is_some()) => {
            let owned = scenario.owned_for_plans(book)?;
            let found = serving_search::search(&scenario.model, serving, book, owned.as_ref())?;
            considered += found.considered;
            Some(found)
        }
        _ => None,
    };
    let searched = Searched { training, serving };

    let mut advice = Advice {
        current: Vec::new(),
        pareto_front: Vec::new(),
        recommendations: Vec::new(),
        waterfall: Vec::new(),
        what_ifs: WhatIfs::default(),
        candidates_considered: considered,
        combined: None,
        notes: Vec::new(),
    };
    let mut combined = scenario.clone();
    let mut any_step = false;
    for section in [Section::Training, Section::Serving] {
        let moves = Move::ALL.into_iter().filter(|m| m.section() == section);
        let Some(start) = cost_of(&base, section) else { continue };
        advice.current.push(current(&base, scenario, section, start));
        advice.pareto_front.extend(front(scenario, book, &searched, section));
        // Each move on the scenario as it stands: the recommendations.
        let mut on_base: Vec<(Move, Applied)> = Vec::new();
        for id in moves.clone() {
            if let Some(found) = apply(id, scenario, &base, book, &searched)? {
                advice.recommendations.push(recommendation(id, section, start, found.clone()));
                on_base.push((id, found));
            }
        }
        // The waterfall: the accepted moves, each re-derived on the scenario the ones before left.
        // Sections are priced apart, so until a step changes this section a move finds what it
        // found on the scenario as it stands.
        let mut steps = Vec::new();
        let mut cost = start;
        let mut report = base.clone();
        for id in moves {
            if !accepted.contains(&id) {
                continue;
            }
            let found = if steps.is_empty() {
                on_base.iter().find(|(done, _)| *done == id).map(|(_, found)| found.clone())
            } else {
                apply(id, &combined, &report, book, &searched)?
            };
            if let Some(found) = found
                && found.cost < cost - NO_SAVING
            {
                steps.push(WaterfallStep {
                    id,
                    title: found.title.clone(),
                    saving_usd: cost - found.cost,
                    cost_after_usd: found.cost,
                });
                cost = found.cost;
                match section {
                    Section::Training => combined.training = found.scenario.training,
                    Section::Serving => combined.serving = found.scenario.serving,
                }
                report = found.report;
                any_step = true;
            }
        }
        advice.waterfall.push(Waterfall {
            section,
            per: section.period(),
            start_usd: start,
            steps,
            end_usd: cost,
        });
    }
    let spreads =
        [(Section::Training, training_spread(&base)), (Section::Serving, serving_spread(&base))];
    for rec in advice.recommendations.iter_mut() {
        let spread = spreads.iter().find(|(section, _)| *section == rec.section);
        let Some(&(section, Some(spread))) = spread else { continue };
        // The wider side: a saving smaller than how far the cost may stray either way.
        if rec.saving_percent / 100.0 < spread.0.max(spread.1) {
            rec.why.push_str(&smaller_than_uncertainty(section, rec.saving_percent, spread));
        }
    }
    advice.recommendations.sort_by(|a, b| {
        b.saving_percent.total_cmp(&a.saving_percent).then_with(|| a.id.as_str().cmp(b.id.as_str()))
    });
    if any_step {
        advice.combined = Some(combined);
    }
    advice.what_ifs = what_if::what_ifs(scenario, &base, book, settings, &mut advice.notes)?;
    for (name, plan) in [
        ("training", scenario.training.as_ref().and_then(|t| t.plan)),
        ("serving", scenario.serving.as_ref().and_then(|s| s.plan)),
    ] {
        if plan == Some(Plan::Owned) {
            advice.notes.push(format!(
                "the {name} section runs on the owned servers: rented hardware is not weighed against them here (they are paid for whether used or not; Own or rent compares buying with renting), and the what-ifs price the owned accelerator-hours each change would use"
            ));
        }
    }
    if advice.recommendations.is_empty() {
        advice.notes.push(
            "no change the advisor searches makes this scenario cheaper within its constraints"
                .into(),
        );
    }
    crate::vocabulary::finite::checked("optimize", advice)
}

/// How far the training cost may be from its estimate, below and above, as fractions of it (from
/// its range): `None` when every input was given.
fn training_spread(base: &Report) -> Option<(f64, f64)> {
    let training = base.training.as_ref()?;
    let total = training.total_cost_usd.get();
    let range = training.ranges.as_ref()?.total_cost_usd;
    (total > 0.0).then(|| (1.0 - range.low.get() / total, range.high.get() / total - 1.0))
}

/// How far the serving monthly cost may be from its estimate, below and above, as fractions of it:
/// `None` when every input was given or nothing is priced.
fn serving_spread(base: &Report) -> Option<(f64, f64)> {
    let serving = base.serving.as_ref()?;
    let monthly = serving.monthly_cost_usd?.get();
    let range = serving.ranges.as_ref()?.monthly_cost_usd?;
    (monthly > 0.0).then(|| (1.0 - range.low.get() / monthly, range.high.get() / monthly - 1.0))
}

/// Why a saving smaller than the estimate's own uncertainty may still hold, and when it may not.
fn smaller_than_uncertainty(
    section: Section,
    saving_percent: f64,
    (below, above): (f64, f64),
) -> String {
    let side = |fraction: f64, way: &str| {
        (fraction >= 0.005).then(|| format!("{:.0}% {way}", fraction * 100.0))
    };
    let sides: Vec<String> =
        [side(below, "lower"), side(above, "higher")].into_iter().flatten().collect();
    let (shared, moved) = match section {
        Section::Training => {
            ("the MFU and failure rate", "other hardware, precision or cluster size")
        }
        Section::Serving => {
            ("the engine's efficiency and the traffic's peaks", "other hardware, format or batch")
        }
    };
    format!(
        "; the saving ({saving_percent:.0}%) is smaller than the uncertainty of the estimate it is taken from (the cost may be up to {}): it holds where that uncertainty is shared, as {shared} are when only the plan, region or offer changes, less surely when the change moves them ({moved})",
        sides.join(" or ")
    )
}

/// Training precisions searched: the scenario's, BF16 and FP8.
fn precisions(training: &Training) -> Vec<Precision> {
    let mut list = vec![training.precision];
    for p in [Precision::Bf16, Precision::Fp8] {
        if !list.contains(&p) {
            list.push(p);
        }
    }
    list
}

fn current(report: &Report, scenario: &Scenario, section: Section, cost: Usd) -> Current {
    Current {
        section,
        per: section.period(),
        cost_usd: cost,
        wall_clock_hours: report
            .training
            .as_ref()
            .filter(|_| section == Section::Training)
            .map(|t| t.wall_clock_hours),
        latency_ms: match (section, &report.serving, &scenario.serving) {
            (Section::Serving, Some(r), Some(s)) => Some(request_latency_ms(r, s)),
            _ => None,
        },
    }
}
