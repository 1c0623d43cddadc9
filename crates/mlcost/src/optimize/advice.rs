//! What the advisor returns: the scenario as it stands, recommendations, the savings waterfall, the
//! Pareto fronts and the what-ifs, and the choices it leaves to the user.

use serde::{Deserialize, Serialize};

use crate::optimize::what_if::WhatIfs;
use crate::scenario::Scenario;
use crate::vocabulary::terms::Period;
use crate::vocabulary::units::{Hours, Milliseconds, Usd};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
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
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Current {
    pub section: Section,
    pub per: Period,
    pub cost_usd: Usd,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_clock_hours: Option<Hours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<Milliseconds>,
}

impl Current {
    /// Its time on a Pareto front's axis: a training run's hours, a request's milliseconds.
    pub fn time(&self) -> Option<f64> {
        self.wall_clock_hours.map(Hours::get).or(self.latency_ms.map(Milliseconds::get))
    }
}

/// A configuration no other beats on both cost and time (training) or latency (serving).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ParetoPoint {
    pub section: Section,
    pub label: String,
    pub cost_usd: Usd,
    pub per: Period,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_clock_hours: Option<Hours>,
    /// A request's latency: first token plus the rest of its output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<Milliseconds>,
    pub scenario: Scenario,
}

impl ParetoPoint {
    /// Its time on the front's axis: a training run's hours, a request's milliseconds (a front
    /// holds one section, so one kind).
    pub fn time(&self) -> Option<f64> {
        self.wall_clock_hours.map(Hours::get).or(self.latency_ms.map(Milliseconds::get))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Recommendation {
    /// The move, by its stable id (`serving-commitment`), for choosing what the waterfall
    /// combines.
    pub id: Move,
    pub section: Section,
    pub per: Period,
    pub title: String,
    pub saving_usd: Usd,
    pub saving_percent: f64,
    /// The cost once the change is made, as `estimate` prices `scenario`.
    pub cost_usd: Usd,
    /// What it gives up: time, latency, risk or quality.
    pub tradeoff: String,
    pub why: String,
    /// The whole scenario with the change made.
    pub scenario: Scenario,
}

/// One section's costs from the scenario as it stands to every accepted change made together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Waterfall {
    pub section: Section,
    pub per: Period,
    pub start_usd: Usd,
    pub steps: Vec<WaterfallStep>,
    pub end_usd: Usd,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct WaterfallStep {
    pub id: Move,
    pub title: String,
    /// What this step saves on top of the steps before it.
    pub saving_usd: Usd,
    pub cost_after_usd: Usd,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
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

/// A change the advisor can make. Its id (`serving-commitment`) is a contract: recommendations
/// carry it, and `Settings::accepted` names the moves the waterfall combines by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Move {
    /// The cheapest accelerator, count and offer that meet the deadline.
    TrainingRightSize,
    /// FP8 matrix multiplications where the hardware has them.
    TrainingFp8,
    /// The cheapest way the offer sells the run.
    TrainingPlan,
    /// The cheapest offer, layout and batch that meet the SLO.
    ServingRightSize,
    /// Narrower weights, with the cheapest layout for them.
    ServingQuantize,
    /// Replicas committed for a year or three, with burst above them.
    ServingCommitment,
    /// The cheapest plan for the day's schedule.
    ServingPlan,
}

impl Move {
    /// Every move, in the order moves compose within a section: hardware, then precision or
    /// format, then how it is bought.
    pub const ALL: [Move; 7] = [
        Move::TrainingRightSize,
        Move::TrainingFp8,
        Move::TrainingPlan,
        Move::ServingRightSize,
        Move::ServingQuantize,
        Move::ServingCommitment,
        Move::ServingPlan,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Move::TrainingRightSize => "training-right-size",
            Move::TrainingFp8 => "training-fp8",
            Move::TrainingPlan => "training-plan",
            Move::ServingRightSize => "serving-right-size",
            Move::ServingQuantize => "serving-quantize",
            Move::ServingCommitment => "serving-commitment",
            Move::ServingPlan => "serving-plan",
        }
    }

    /// A word or two for the move, as a chart's category label ("right-size", "FP8").
    pub fn short_name(self) -> &'static str {
        match self {
            Move::TrainingRightSize | Move::ServingRightSize => "right-size",
            Move::TrainingFp8 => "FP8",
            Move::TrainingPlan | Move::ServingPlan => "plan",
            Move::ServingQuantize => "quantize",
            Move::ServingCommitment => "commit",
        }
    }

    /// The move an id names.
    pub fn parse(id: &str) -> Option<Move> {
        Move::ALL.into_iter().find(|m| m.as_str() == id)
    }

    pub fn section(self) -> Section {
        match self {
            Move::TrainingRightSize | Move::TrainingFp8 | Move::TrainingPlan => Section::Training,
            _ => Section::Serving,
        }
    }
}

impl std::fmt::Display for Move {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Move {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Largest Pareto front re-estimated and returned per section (evenly thinned beyond).
pub const MAX_FRONT_POINTS: usize = 40;

/// The section a move changes, as the move leaves it.
// Why not box the larger? A handful are built per piece of advice and moved once: their size
// costs nothing, and the boxes would cost an allocation each.
#[allow(clippy::large_enum_variant)]
pub(super) enum Changed {
    Training(crate::scenario::training::Training),
    Serving(crate::scenario::serving::Serving),
}
