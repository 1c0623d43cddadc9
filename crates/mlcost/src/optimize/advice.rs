//! What the advisor returns: the scenario as it stands, recommendations, the savings waterfall, the
//! Pareto fronts and the what-ifs, and the choices it leaves to the user.

use serde::{Deserialize, Serialize};

use crate::optimize::what_if::WhatIfs;
use crate::scenario::Scenario;
use crate::vocabulary::terms::Period;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    Training,
    Serving,
}

impl Section {
    pub(super) fn period(self) -> Period {
        match self {
            Section::Training => Period::Run,
            Section::Serving => Period::Month,
        }
    }
}

/// The scenario as it stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Current {
    pub section: Section,
    pub per: Period,
    pub cost_usd: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_clock_hours: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
}

/// A configuration no other beats on both cost and time (training) or latency (serving).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParetoPoint {
    pub section: Section,
    pub label: String,
    pub cost_usd: f64,
    pub per: Period,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_clock_hours: Option<f64>,
    /// A request's latency: first token plus the rest of its output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    pub scenario: Scenario,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// Stable id (`serving-commitment`), for choosing what the waterfall combines.
    pub id: String,
    pub section: Section,
    pub per: Period,
    pub title: String,
    pub saving_usd: f64,
    pub saving_percent: f64,
    /// The cost once the change is made, as `estimate` prices `scenario`.
    pub cost_usd: f64,
    /// What it gives up: time, latency, risk or quality.
    pub tradeoff: String,
    pub why: String,
    /// The whole scenario with the change made.
    pub scenario: Scenario,
}

/// One section's costs from the scenario as it stands to every accepted change made together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waterfall {
    pub section: Section,
    pub per: Period,
    pub start_usd: f64,
    pub steps: Vec<WaterfallStep>,
    pub end_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaterfallStep {
    pub id: String,
    pub title: String,
    /// What this step saves on top of the steps before it.
    pub saving_usd: f64,
    pub cost_after_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Advice {
    pub current: Vec<Current>,
    /// Cheapest first within each section.
    pub pareto_front: Vec<ParetoPoint>,
    /// Largest saving first.
    pub recommendations: Vec<Recommendation>,
    pub waterfall: Vec<Waterfall>,
    pub what_ifs: WhatIfs,
    /// Configurations the searches weighed.
    pub candidates_considered: usize,
    /// The scenario with every accepted change made (absent when nothing saves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combined: Option<Scenario>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Recommendation ids, in the order moves compose: hardware, then precision, then how it is
/// bought.
pub const TRAINING_MOVES: [&str; 3] = ["training-right-size", "training-fp8", "training-plan"];
pub const SERVING_MOVES: [&str; 4] =
    ["serving-right-size", "serving-quantize", "serving-commitment", "serving-plan"];

/// Largest Pareto front re-estimated and returned per section (evenly thinned beyond).
pub const MAX_FRONT_POINTS: usize = 40;
