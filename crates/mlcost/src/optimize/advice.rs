//! What the advisor returns: the scenario as it stands, recommendations, the savings waterfall, the
//! Pareto fronts and the what-ifs, and the choices it leaves to the user.

use serde::{Deserialize, Serialize};

use crate::optimize::what_if::WhatIfs;
use crate::scenario::Scenario;
use crate::vocabulary::terms::Period;
use crate::vocabulary::units::{Hours, Milliseconds, Usd};

/// Which part of the scenario a figure or a change belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Section {
    /// The training run, costed per run.
    Training,
    /// Serving, costed per month.
    Serving,
}

impl Section {
    /// The section's name as a heading or a sentence starts it: "Training", "Serving".
    pub fn title(self) -> &'static str {
        match self {
            Section::Training => "Training",
            Section::Serving => "Serving",
        }
    }

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
    /// The section these figures are for.
    pub section: Section,
    /// What `cost_usd` covers: the whole run (training) or a month (serving).
    pub per: Period,
    /// The section's cost, USD per `per`: training's total cost, serving's monthly cost.
    pub cost_usd: Usd,
    /// The training run's wall-clock hours; absent for serving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_clock_hours: Option<Hours>,
    /// A request's latency in milliseconds, first token plus the rest of its output; absent for
    /// training.
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
    /// The section whose front this point is on.
    pub section: Section,
    /// The configuration in a few words: accelerator count and name, precision or weight format,
    /// batch (serving) and how it is bought.
    pub label: String,
    /// Its cost, USD per `per`, from the engine's estimate of `scenario`.
    pub cost_usd: Usd,
    /// What `cost_usd` covers: the whole run (training) or a month (serving).
    pub per: Period,
    /// The training run's wall-clock hours; absent on the serving front.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_clock_hours: Option<Hours>,
    /// A request's latency: first token plus the rest of its output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<Milliseconds>,
    /// The whole scenario with this configuration.
    pub scenario: Scenario,
}

impl ParetoPoint {
    /// Its time on the front's axis: a training run's hours, a request's milliseconds (a front
    /// holds one section, so one kind).
    pub fn time(&self) -> Option<f64> {
        self.wall_clock_hours.map(Hours::get).or(self.latency_ms.map(Milliseconds::get))
    }
}

/// One change to the scenario, made alone on the scenario as it stands and re-estimated there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Recommendation {
    /// The move, by its stable id (`serving-commitment`), for choosing what the waterfall
    /// combines.
    pub id: Move,
    /// The section the change makes cheaper.
    pub section: Section,
    /// What the costs cover: the whole run (training) or a month (serving).
    pub per: Period,
    /// What to do, followed by the change in cost as a signed whole percentage.
    pub title: String,
    /// What the change saves against the scenario as it stands, USD per `per`.
    pub saving_usd: Usd,
    /// `saving_usd` as a percentage of the cost as it stands (0 when that cost is 0).
    pub saving_percent: f64,
    /// The cost once the change is made, as `estimate` prices `scenario`.
    pub cost_usd: Usd,
    /// What it gives up: time, latency, risk or quality.
    pub tradeoff: String,
    /// Why it saves; adds a caution when the saving is smaller than the estimate's own
    /// uncertainty.
    pub why: String,
    /// The whole scenario with the change made.
    pub scenario: Scenario,
}

/// One section's costs from the scenario as it stands to every accepted change made together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Waterfall {
    /// The section this waterfall is for.
    pub section: Section,
    /// What the costs cover: the whole run (training) or a month (serving).
    pub per: Period,
    /// The section's cost as the scenario stands, USD per `per`.
    pub start_usd: Usd,
    /// The accepted moves that save, each re-derived on the scenario the steps before it left, in
    /// the order moves compose (see [`Move::ALL`]).
    pub steps: Vec<WaterfallStep>,
    /// The cost with every step made, USD per `per`.
    pub end_usd: Usd,
}

/// One step of a [`Waterfall`]: an accepted move made on top of the steps before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct WaterfallStep {
    /// The move, by its stable id.
    pub id: Move,
    /// What the step does.
    pub title: String,
    /// What this step saves on top of the steps before it.
    pub saving_usd: Usd,
    /// The section's cost once this step and the ones before it are made, USD per the
    /// waterfall's `per`.
    pub cost_after_usd: Usd,
}

/// What the advisor returns: the scenario as it stands, recommendations, the savings waterfalls,
/// the Pareto fronts and the what-ifs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Advice {
    /// Each priced section as the scenario stands, training first.
    pub current: Vec<Current>,
    /// Cheapest first within each section.
    pub pareto_front: Vec<ParetoPoint>,
    /// Largest saving first.
    pub recommendations: Vec<Recommendation>,
    /// One savings waterfall per priced section, training first.
    pub waterfall: Vec<Waterfall>,
    /// The cost-cutting techniques, each priced on the scenario as it stands.
    pub what_ifs: WhatIfs,
    /// Configurations the searches weighed.
    pub candidates_considered: usize,
    /// The scenario with every accepted change made (absent when nothing saves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub combined: Option<Scenario>,
    /// Remarks on the advice: a section on owned servers, a what-if that could not be priced,
    /// or that no change saves.
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

    /// The move's stable id (`serving-commitment`).
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

    /// The section the move changes.
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
