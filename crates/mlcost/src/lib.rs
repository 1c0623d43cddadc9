//! mlcost: what it costs to train and serve an ML model.
//!
//! Plain data in, plain data out: a [`Scenario`] goes into [`estimate`], a [`Report`] or an [`Error`]
//! naming the offending field comes out. The crate does no I/O, reads no clock and never panics on
//! any input; results are always finite. Hardware figures come from `pricing-data/`, embedded at
//! compile time.

#![deny(clippy::unwrap_used, clippy::expect_used)]
// Every public item says what it is: the API other tools build on, its rustdoc pages, and the
// JavaScript package's TypeScript declarations (tsify carries the comments over).
#![warn(missing_docs)]

// The layers, bottom up: each imports only the layers below it (ARCHITECTURE.md, "Layers").
pub mod catalogue;
pub mod diff;
pub mod optimize;
pub mod own;
mod report;
pub mod scenario;
pub mod schedule;
pub mod serving;
pub mod summary;
pub mod training;
pub mod utilization;
pub mod validation;
pub mod vocabulary;

pub use catalogue::pricing::{OfferUsed, PriceBook};
pub use report::Report;
pub use scenario::Scenario;
pub use scenario::model::Model;
pub use scenario::serving::Serving;
pub use scenario::training::{Parallelism, Training};
pub use serving::report::ServingReport;
pub use training::report::{PlanCost, TrainingReport};
pub use vocabulary::error::{Error, Problem};
pub use vocabulary::provenance::Assumption;
pub use vocabulary::terms::{Method, Optimizer, Plan, Precision, StoragePrecision};
pub use vocabulary::{format, units};

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The JSON Schema of a scenario: the one input format of the CLI, the JS API and the web app.
#[cfg(feature = "schema")]
pub fn scenario_schema() -> String {
    let schema = schemars::schema_for!(Scenario);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

/// Estimates every section the scenario has, with the bundled price book.
pub fn estimate(scenario: &Scenario) -> Result<Report, Error> {
    estimate_with(scenario, PriceBook::bundled()?)
}

/// Estimates with a given price book (the bundled one with a user's sheet laid over it, say):
/// everything, ranges and sensitivity included. Why not an option of [`estimate_with_options`]?
/// So that the web app's first render, which calls only that (its second module adds the ranges),
/// does not carry their code.
pub fn estimate_with(scenario: &Scenario, book: &PriceBook) -> Result<Report, Error> {
    estimate_with_ranges(scenario, book, Options::ALL)
}

#[cfg(feature = "simulation")]
/// The seed of the peak hour's simulation in [`estimate_with_latency`]: fixed, so a scenario's
/// percentiles are the same on every run and platform.
pub const LATENCY_SEED: u64 = serving::percentile::SEED;

/// [`estimate_with`], and the peak hour simulated request by request on one replica
/// (`serving.latency`: percentiles of TTFT, TPOT and end-to-end latency at the per-replica rate
/// of the day's peak hour, Poisson arrivals, the scenario's lengths). The CLI's estimate; about
/// 70 ms for an hour at 50 requests a second, so the app leaves it for when typing pauses.
#[cfg(feature = "simulation")]
pub fn estimate_with_latency(scenario: &Scenario, book: &PriceBook) -> Result<Report, Error> {
    let mut report = estimate_with(scenario, book)?;
    if let Some(serving) = report.serving.as_mut() {
        let latency = serving::latency::peak_hour(scenario, book, serving)?;
        serving.latency =
            latency.map(|l| vocabulary::finite::checked("serving.latency", l)).transpose()?;
    }
    Ok(report)
}

/// [`estimate_with_options`] with ranges and sensitivity: a chart sweeping a scenario's variants
/// shows each one's range without paying for right-sizing each time.
pub fn estimate_with_ranges(
    scenario: &Scenario,
    book: &PriceBook,
    options: Options,
) -> Result<Report, Error> {
    ranged(scenario, book, options, None)
}

/// [`estimate_with_ranges`] with each default's published spread taken without the validation
/// case `case_id`: how the validation table scores a case's range without the case vouching for
/// itself.
pub fn estimate_leaving_out(
    scenario: &Scenario,
    book: &PriceBook,
    case_id: &str,
) -> Result<Report, Error> {
    ranged(scenario, book, Options::FIGURES, Some(case_id))
}

fn ranged(
    scenario: &Scenario,
    book: &PriceBook,
    options: Options,
    leave_out: Option<&str>,
) -> Result<Report, Error> {
    let resolved = scenario.resolve(book)?;
    let owned = resolved.owned.clone();
    let unmoved = resolved.training.clone();
    let serving_model = resolved.serving.as_ref().map(|s| s.model.clone());
    let split_model = serving_model.clone();
    let mut report = estimate_resolved(scenario, book, resolved, options, None)?;
    if let (Some(run), Some(training)) = (unmoved, report.training.as_mut()) {
        let (ranges, sensitivity) = training::ranges::uncertainty(&run, training, leave_out)?;
        // Only the new figures need the walk for a non-finite one; the rest had it.
        training.ranges = vocabulary::finite::checked("training.ranges", ranges)?;
        training.sensitivity = vocabulary::finite::checked("training.sensitivity", sensitivity)?;
    }
    if let (Some(model), Some(section), Some(serving)) =
        (serving_model, &scenario.serving, report.serving.as_mut())
    {
        let (ranges, sensitivity) = serving::ranges::uncertainty(
            &model,
            section,
            book,
            serving,
            leave_out,
            owned.as_ref(),
        )?;
        serving.ranges = vocabulary::finite::checked("serving.ranges", ranges)?;
        serving.sensitivity = vocabulary::finite::checked("serving.sensitivity", sensitivity)?;
    }
    if let (Some(model), Some(section), Some(serving)) =
        (split_model, &scenario.serving, report.serving.as_mut())
    {
        serving::split::add_to(model, section, book, serving, owned.as_ref())?;
        serving.split = vocabulary::finite::checked("serving.split", serving.split.take())?;
    }
    Ok(report)
}

/// What to compute beyond the scenario itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Search every offer, count and plan for the Pareto front and a deadline's recommendation
    /// (about a millisecond; sweeps that estimate many variants leave it out).
    pub right_sizing: bool,
}

impl Options {
    /// Everything but ranges (which are [`estimate_with`]'s).
    pub const ALL: Self = Self { right_sizing: true };
    /// The scenario's own figures alone: what sweeps over many variants need.
    pub const FIGURES: Self = Self { right_sizing: false };
}

/// [`estimate_with`], choosing what to compute beyond the scenario itself.
pub fn estimate_with_options(
    scenario: &Scenario,
    book: &PriceBook,
    options: Options,
) -> Result<Report, Error> {
    estimate_resolved(scenario, book, scenario.resolve(book)?, options, None)
}

/// [`estimate_with_options`] with the serving section's percentile sizing worked out already (its
/// report's `percentile_sizing`, by an engine with the `simulation` feature): how the app's first
/// render, built without the simulation, honours percentile targets. A sizing for another
/// scenario is not used.
pub fn estimate_with_sizing(
    scenario: &Scenario,
    book: &PriceBook,
    options: Options,
    sizing: Option<&serving::percentile::PercentileSizing>,
) -> Result<Report, Error> {
    estimate_handed(scenario, book, options, Handed { sizing, owned: None })
}

/// What a build with the engine's `simulation` and `owned` features hands one without them (the
/// app's second module to its first render): the serving section's sizing by percentile targets,
/// and the scenario's `owned` section resolved. The sizing is used only when it matches the
/// scenario's replica; the owned section as given.
#[derive(Debug, Clone, Copy, Default)]
pub struct Handed<'a> {
    /// The serving section's sizing by its percentile targets, as a report's `percentile_sizing`
    /// gives it: used only when its capacity without those targets matches this estimate's replica.
    pub sizing: Option<&'a serving::percentile::PercentileSizing>,
    /// The scenario's `owned` section resolved: used as given, in place of resolving the section
    /// here.
    pub owned: Option<&'a scenario::resolve::owned::ResolvedOwned>,
}

/// [`estimate_with_options`] with what another build worked out ([`Handed`]).
pub fn estimate_handed(
    scenario: &Scenario,
    book: &PriceBook,
    options: Options,
    handed: Handed<'_>,
) -> Result<Report, Error> {
    let resolved = scenario.resolve_handed(book, handed.owned)?;
    estimate_resolved(scenario, book, resolved, options, handed.sizing)
}

fn estimate_resolved(
    scenario: &Scenario,
    book: &PriceBook,
    resolved: scenario::resolve::ResolvedScenario<'_>,
    options: Options,
    sizing: Option<&serving::percentile::PercentileSizing>,
) -> Result<Report, Error> {
    let training = match resolved.training {
        Some(run) => {
            let mut report = training::estimate(run)?;
            if let (true, Some(section)) = (options.right_sizing, &scenario.training) {
                report.rightsizing =
                    Some(training::rightsizing::search(&scenario.model, section, book)?);
                report.recommendation =
                    report.rightsizing.as_ref().and_then(|r| r.recommendation.clone());
                if let (Some(deadline), None) = (section.deadline_hours, &report.recommendation) {
                    report.notes.push(training::rightsizing::missed_deadline_note(deadline));
                }
            }
            Some(report)
        }
        None => None,
    };
    let serving = match resolved.serving {
        Some(run) => Some(serving::estimate_with_sizing(run, sizing)?),
        None => None,
    };
    // No figure leaves the engine as NaN or infinity: the one that would is named instead.
    let training = training.map(|t| vocabulary::finite::checked("training", t)).transpose()?;
    let serving = serving.map(|s| vocabulary::finite::checked("serving", s)).transpose()?;
    Ok(Report { training, serving })
}
