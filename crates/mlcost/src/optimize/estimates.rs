//! The estimates every part of the advisor runs: one section alone, without the right-sizing
//! sweep, and the figures it compares (cost, a request's latency).

use crate::catalogue::pricing::PriceBook;
use crate::optimize::advice::Section;
use crate::report::Report;
use crate::scenario::Scenario;
use crate::scenario::serving::Serving;
use crate::serving::report::ServingReport;
use crate::serving::search::{self as serving_search};
use crate::training::report::Candidate;
use crate::vocabulary::error::Error;
use crate::vocabulary::units::{Milliseconds, Usd};
use crate::{Options, estimate_with_options};

/// The scenario with only `section`: a move changes one section, and estimating the other again
/// would be work thrown away.
pub(super) fn only(section: Section, scenario: &Scenario) -> Scenario {
    let (training, serving) = match section {
        Section::Training => (scenario.training.clone(), None),
        Section::Serving => (None, scenario.serving.clone()),
    };
    // The owned section stays: a section on the owned plan is priced by it.
    Scenario { model: scenario.model.clone(), training, serving, owned: scenario.owned.clone() }
}

/// Estimates without the right-sizing sweep: the advisor does its own.
pub(super) fn estimate(scenario: &Scenario, book: &PriceBook) -> Result<Report, Error> {
    estimate_with_options(scenario, book, Options::FIGURES)
}

/// The searches' results, computed once per call and shared by every move.
pub(super) struct Searched {
    pub training: Vec<Candidate>,
    pub serving: Option<serving_search::Search>,
}

pub(super) fn cost_of(report: &Report, section: Section) -> Option<Usd> {
    match section {
        Section::Training => report.training.as_ref().map(|t| t.total_cost_usd),
        Section::Serving => report.serving.as_ref().and_then(|s| s.monthly_cost_usd),
    }
}

/// Less than this is no saving: half a cent, what rounding to cents shows as nothing.
pub(super) const NO_SAVING: Usd = Usd::new(0.005);

pub(super) fn request_latency_ms(report: &ServingReport, serving: &Serving) -> Milliseconds {
    report.ttft_ms + report.tpot_ms * (serving.output_tokens.unwrap_or(1.0) - 1.0).max(0.0)
}
