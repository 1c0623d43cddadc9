//! How accurate the engine is: every published measurement it is checked against, estimated with
//! the defaults a user would get, scored against the published figure, with whether the
//! estimate's range holds it; and per regime and accelerator generation, the median and worst
//! error and the range's coverage.
//!
//! The cases are data (`pricing-data/validation.json`: a scenario, the published figure, its
//! document and table), plus the engine's own list of published runs (`training::mfu`).
//!
//! Why leave one out? A default fitted to a case reproduces it by construction: scored on it, it
//! would vouch for itself. The default MFU is fitted on every training case, so each is estimated
//! with the fit without it (hours go as one over MFU, so its estimate and range are scaled by the
//! ratio of the two fits' predictions). Every case's range takes each default's published spread
//! without that case. The serving efficiencies' defaults are calibrated on two measurements kept out of the
//! table (see `serving`), so their serving estimates are out of sample.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::catalogue::pricing::PriceBook;
pub use crate::catalogue::published::{Figure, PublishedCase, Regime, published_cases};
use crate::scenario::Scenario;
use crate::serving::calibration::case_figure;
use crate::serving::calibration::leave_one_out_factor as serving_factor;
use crate::serving::spread::speed_spread;
use crate::training::calibration::leave_one_out_factor;
use crate::training::mfu::{PUBLISHED_RUNS, run_id};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::uncertainty::quantile;
use crate::{Report, estimate_leaving_out};

/// One published measurement and the engine's estimate of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// The case's id: the data file's, or a published run's name as an id (`llama-1-7b`).
    pub id: String,
    /// The case's name in words (`LLaMA-1 7B`).
    pub name: String,
    /// What kind of measurement the case is.
    pub regime: Regime,
    /// The accelerator's architecture (the hardware table's `architecture`: ampere, hopper, …).
    pub generation: String,
    /// The accelerator's id in the hardware table: the training section's, else the serving
    /// section's.
    pub accelerator: String,
    /// The figure compared.
    pub figure: Figure,
    /// The figure's unit, as its source publishes it (`accelerator-hours`, `ms`).
    pub unit: String,
    /// The published figure, in `unit`.
    pub published: f64,
    /// The engine's estimate of the figure, in `unit`: with the fit that leaves this case out when
    /// a default was fitted on it.
    pub estimate: f64,
    /// The estimate's range, when a default it used has a published spread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// The high end of that range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// Estimate over published, minus one: +0.10 is 10% high.
    pub error: f64,
    /// Whether the range holds the published figure (absent without a range).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covered: Option<bool>,
    /// Whether a default was fitted on this case, so that it is scored leave-one-out.
    pub left_out_of_fit: bool,
    /// Where the published figure comes from.
    pub source: String,
    /// What the table says of the case: the data's note and, for a case in a default's fit, how it
    /// is scored (empty when there is none).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// How a group of cases scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// "training", "serving, decode-heavy", "serving on hopper", …
    pub group: String,
    /// Cases in the group.
    pub cases: usize,
    /// Of |error|.
    pub median_error: f64,
    /// The largest |error| in the group.
    pub worst_error: f64,
    /// The case with the worst error.
    pub worst_case: String,
    /// Cases with a range, and how many of those it holds.
    pub ranged: usize,
    /// Of those ranged cases, how many the range holds.
    pub covered: usize,
}

impl Score {
    /// The share of ranged cases the range holds (absent when none has a range).
    pub fn coverage(&self) -> Option<f64> {
        (self.ranged > 0).then(|| self.covered as f64 / self.ranged as f64)
    }
}

/// Every case and the scores per group, training first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// Every case: the engine's published runs first, then the data file's in its order.
    pub cases: Vec<Case>,
    /// The scores per group: training, then serving, each whole, then by regime, then by
    /// accelerator generation.
    pub scores: Vec<Score>,
}

/// Estimates every case with `book` and scores them.
pub fn validate(book: &PriceBook) -> Result<Validation, Error> {
    let mut cases = published_runs(book)?;
    for record in published_cases()? {
        cases.push(score_record(record, book)?);
    }
    let scores = scores(&cases);
    Ok(Validation { cases, scores })
}

/// The engine's own list of published runs, as whole-run cases.
fn published_runs(book: &PriceBook) -> Result<Vec<Case>, Error> {
    PUBLISHED_RUNS
        .iter()
        .map(|run| {
            let mut scenario = Scenario::from_json(run.scenario)?;
            if let Some(training) = scenario.training.as_mut() {
                // The run as a user would give it: MFU and goodput left to the defaults.
                training.mfu = None;
                training.goodput = None;
            }
            let id = run_id(run.name);
            let report = estimate_leaving_out(&scenario, book, &id)?;
            let training = report.training.as_ref().ok_or_else(|| missing(run.name))?;
            let factor = leave_one_out_factor(&id)?;
            let scale = 1.0 / factor;
            let range = training.ranges.as_ref().map(|r| r.accelerator_hours);
            Ok(case(
                Head {
                    id,
                    name: run.name.to_owned(),
                    regime: Regime::TrainingWholeRun,
                    figure: Figure::AcceleratorHours,
                    published: run.accelerator_hours,
                    source: run.source.to_owned(),
                    note: left_out_note(factor),
                },
                accelerator_of(&scenario, book)?,
                training.accelerator_hours.get() * scale,
                range.map(|r| (r.low.get() * scale, r.high.get() * scale)),
                true,
            ))
        })
        .collect()
}

fn score_record(record: &PublishedCase, book: &PriceBook) -> Result<Case, Error> {
    let field = |what: &str| format!("validation case {}: {what}", record.id);
    let scenario = Scenario::from_json(&record.scenario.to_string())
        .map_err(|e| e.within(&field("scenario")))?;
    let report =
        estimate_leaving_out(&scenario, book, &record.id).map_err(|e| e.within(&record.id))?;
    let (estimate, range) = figure_of(record, &scenario, &report, book)?
        .ok_or_else(|| Error::new(field("figure"), Problem::Missing))?;
    let accelerator = accelerator_of(&scenario, book)?;
    // Every case is in a default's fit (training: the MFU's; serving: its architecture's speed
    // factor, unless the scenario gives both efficiencies): scored with the fit without it.
    let (factor, note) = if record.figure == Figure::AcceleratorHours {
        let factor = leave_one_out_factor(&record.id)?;
        (Some(factor), left_out_note(factor))
    } else {
        match serving_factor(&record.id)? {
            // Throughput goes as the speed factor, latency as its inverse; the division below
            // undoes the fit's factor either way.
            Some(speed) => {
                let factor = if record.figure.is_latency() { speed } else { 1.0 / speed };
                (Some(factor), serving_left_out_note(speed))
            }
            None => (None, String::new()),
        }
    };
    let fitted = factor.is_some();
    let factor = factor.unwrap_or(1.0);
    let note = [record.note.as_str(), &note].join(" ").trim().to_owned();
    Ok(case(
        Head {
            id: record.id.clone(),
            name: record.name.clone(),
            regime: record.regime,
            figure: record.figure,
            published: record.published,
            source: record.source.clone(),
            note,
        },
        accelerator,
        estimate / factor,
        range.map(|(low, high)| (low / factor, high / factor)),
        fitted,
    ))
}

/// A case's figure as estimated, and its range (low, high) when it has one.
type Estimated = (f64, Option<(f64, f64)>);

/// The case's figure in the estimate, and its range when the estimate has one. A serving figure's
/// range is the estimate at the efficiencies' published spread without this case: a figure of the
/// roofline alone (throughput at the largest batch, latency at a fixed batch) goes exactly as the
/// engine's speed, which is all that spread moves.
fn figure_of(
    record: &PublishedCase,
    scenario: &Scenario,
    report: &Report,
    book: &PriceBook,
) -> Result<Option<Estimated>, Error> {
    if record.figure == Figure::AcceleratorHours {
        let Some(training) = report.training.as_ref() else { return Ok(None) };
        let range = training.ranges.as_ref().map(|r| r.accelerator_hours);
        return Ok(Some((
            training.accelerator_hours.get(),
            range.map(|r| (r.low.get(), r.high.get())),
        )));
    }
    let Some(serving) = report.serving.as_ref() else { return Ok(None) };
    let Some(estimate) = case_figure(record, scenario, serving) else { return Ok(None) };
    let section = scenario.serving.as_ref().ok_or_else(|| missing("serving"))?;
    let efficiency = &section.engine_efficiency;
    if efficiency.compute.is_some() || efficiency.bandwidth.is_some() {
        return Ok(Some((estimate, None)));
    }
    let accelerator = book.accelerator(&section.accelerator, "serving.accelerator")?;
    let spread = speed_spread(accelerator, Some(&record.id))?;
    let range = if record.figure.is_latency() {
        (estimate / spread.high, estimate / spread.low)
    } else {
        (estimate * spread.low, estimate * spread.high)
    };
    Ok(Some((estimate, Some(range))))
}

fn accelerator_of(scenario: &Scenario, book: &PriceBook) -> Result<(String, String), Error> {
    let id = match (&scenario.training, &scenario.serving) {
        (Some(training), _) => &training.accelerator,
        (None, Some(serving)) => &serving.accelerator,
        (None, None) => return Err(missing("scenario")),
    };
    let accelerator = book.accelerator(id, "accelerator")?;
    Ok((accelerator.id.clone(), accelerator.architecture.clone()))
}

/// What a case is, before it is estimated.
struct Head {
    id: String,
    name: String,
    regime: Regime,
    figure: Figure,
    published: f64,
    source: String,
    note: String,
}

fn case(
    head: Head,
    (accelerator, generation): (String, String),
    estimate: f64,
    range: Option<(f64, f64)>,
    left_out_of_fit: bool,
) -> Case {
    let covered = range.map(|(low, high)| low <= head.published && head.published <= high);
    Case {
        id: head.id,
        name: head.name,
        regime: head.regime,
        generation,
        accelerator,
        figure: head.figure,
        unit: head.figure.unit().to_owned(),
        published: head.published,
        estimate,
        low: range.map(|r| r.0),
        high: range.map(|r| r.1),
        error: estimate / head.published - 1.0,
        covered,
        left_out_of_fit,
        source: head.source,
        note: head.note,
    }
}

/// Scores per group: training and serving, each regime, then each generation within each.
fn scores(cases: &[Case]) -> Vec<Score> {
    let mut groups: Vec<(String, Vec<&Case>)> = Vec::new();
    for (section, training) in [("training", true), ("serving", false)] {
        let of_section: Vec<&Case> =
            cases.iter().filter(|c| c.regime.is_training() == training).collect();
        groups.push((section.to_owned(), of_section.clone()));
        let mut regimes: Vec<Regime> = of_section.iter().map(|c| c.regime).collect();
        regimes.sort();
        regimes.dedup();
        for regime in regimes {
            groups.push((
                regime.as_str().to_owned(),
                of_section.iter().copied().filter(|c| c.regime == regime).collect(),
            ));
        }
        let mut generations: BTreeMap<&str, Vec<&Case>> = BTreeMap::new();
        for c in &of_section {
            generations.entry(c.generation.as_str()).or_default().push(c);
        }
        for (generation, members) in generations {
            groups.push((format!("{section} on {generation}"), members));
        }
    }
    groups
        .into_iter()
        .filter(|(_, members)| !members.is_empty())
        .map(|(group, members)| score(group, &members))
        .collect()
}

fn score(group: String, members: &[&Case]) -> Score {
    let mut errors: Vec<f64> = members.iter().map(|c| c.error.abs()).collect();
    errors.sort_by(f64::total_cmp);
    let worst = members.iter().max_by(|a, b| a.error.abs().total_cmp(&b.error.abs()));
    Score {
        group,
        cases: members.len(),
        median_error: quantile(&errors, 0.5).unwrap_or(0.0),
        worst_error: errors.last().copied().unwrap_or(0.0),
        worst_case: worst.map(|c| c.name.clone()).unwrap_or_default(),
        ranged: members.iter().filter(|c| c.covered.is_some()).count(),
        covered: members.iter().filter(|c| c.covered == Some(true)).count(),
    }
}

/// What a case in the MFU's fit says of how it is scored.
fn left_out_note(factor: f64) -> String {
    format!(
        "The default MFU is fitted on this run with the others: scored with the fit without it, whose MFU here is {factor:.2}× the default's."
    )
}

/// What a serving case in the speed factors' fit says of how it is scored.
fn serving_left_out_note(speed: f64) -> String {
    format!(
        "The default efficiencies are recentred on this measurement with the others: scored with the recentring without it, {speed:.2}× as fast as the default's."
    )
}

fn missing(what: &str) -> Error {
    Error::new(what, Problem::Missing)
}
