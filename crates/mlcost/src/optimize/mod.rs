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

use serde::{Deserialize, Serialize};

use crate::catalogue::pricing::PriceBook;
use crate::report::Report;
use crate::scenario::Scenario;
use crate::scenario::serving::Serving;
use crate::scenario::training::Training;
use crate::serving::report::ServingReport;
use crate::serving::search::{self as serving_search, Billed};
use crate::training::report::TrainingReport;
use crate::training::rightsizing;
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::terms::Plan;
use crate::vocabulary::terms::Precision;
use crate::{Options, estimate_with_options};

pub mod quality;
mod what_if;

pub use what_if::{
    BatchWhatIf, CacheWhatIf, DistillationWhatIf, FineTuneWhatIf, PruningWhatIf,
    QuantizationWhatIf, WhatIfs,
};

/// Choices the advisor leaves to the user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Recommendation ids to combine in the waterfall, in any order; every recommendation when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<Vec<String>>,
    /// The student a distillation what-if serves: a model preset id; the largest preset at most a
    /// quarter of the model's active parameters when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student: Option<String>,
    /// Tokens the teacher generates and the student trains on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distillation_tokens: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    Training,
    Serving,
}

/// What a cost is for: the whole training run, or a month of serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Run,
    Month,
}

impl Section {
    fn period(self) -> Period {
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

/// Stands in a title for the checkpoint interval the changed scenario's estimate picks.
const CHECKPOINT_INTERVAL: &str = "{checkpoint-interval}";

/// Largest Pareto front re-estimated and returned per section (evenly thinned beyond).
pub const MAX_FRONT_POINTS: usize = 40;

/// The scenario with only `section`: a move changes one section, and estimating the other again
/// would be work thrown away.
fn only(section: Section, scenario: &Scenario) -> Scenario {
    let (training, serving) = match section {
        Section::Training => (scenario.training.clone(), None),
        Section::Serving => (None, scenario.serving.clone()),
    };
    Scenario { model: scenario.model.clone(), training, serving }
}

/// Estimates without the right-sizing sweep: the advisor does its own.
fn estimate(scenario: &Scenario, book: &PriceBook) -> Result<Report, Error> {
    estimate_with_options(scenario, book, Options { right_sizing: false })
}

/// The searches' results, computed once per call and shared by every move.
struct Searched {
    training: Vec<rightsizing::Candidate>,
    serving: Option<serving_search::Search>,
}

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
    if let Some(id) = &settings.student {
        crate::catalogue::model::preset(id, "optimize.student")?;
    }
    for (i, id) in settings.accepted.iter().flatten().enumerate() {
        if !TRAINING_MOVES.contains(&id.as_str()) && !SERVING_MOVES.contains(&id.as_str()) {
            let known = [&TRAINING_MOVES[..], &SERVING_MOVES[..]].concat().join(", ");
            return Err(Error::new(
                format!("optimize.accepted[{i}]"),
                Problem::Malformed(format!("unknown recommendation \"{id}\" (known: {known})")),
            ));
        }
    }
    let base = estimate(scenario, book)?;
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
            let found = serving_search::search(&scenario.model, serving, book)?;
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
    for (section, moves) in
        [(Section::Training, &TRAINING_MOVES[..]), (Section::Serving, &SERVING_MOVES[..])]
    {
        let Some(start) = cost_of(&base, section) else { continue };
        advice.current.push(current(&base, scenario, section, start));
        advice.pareto_front.extend(front(scenario, book, &searched, section));
        // Each move on the scenario as it stands: the recommendations.
        let mut on_base: Vec<(&str, Applied)> = Vec::new();
        for id in moves {
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
            let accepted = settings.accepted.as_ref().is_none_or(|a| a.iter().any(|x| x == id));
            if !accepted {
                continue;
            }
            let found = if steps.is_empty() {
                on_base.iter().find(|(done, _)| done == id).map(|(_, found)| found.clone())
            } else {
                apply(id, &combined, &report, book, &searched)?
            };
            if let Some(found) = found
                && found.cost < cost - 0.005
            {
                steps.push(WaterfallStep {
                    id: (*id).into(),
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
    advice.recommendations.sort_by(|a, b| {
        b.saving_percent.total_cmp(&a.saving_percent).then_with(|| a.id.cmp(&b.id))
    });
    if any_step {
        advice.combined = Some(combined);
    }
    advice.what_ifs = what_if::what_ifs(scenario, &base, book, settings, &mut advice.notes)?;
    if advice.recommendations.is_empty() {
        advice.notes.push(
            "no change the advisor searches makes this scenario cheaper within its constraints"
                .into(),
        );
    }
    Ok(advice)
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

fn cost_of(report: &Report, section: Section) -> Option<f64> {
    match section {
        Section::Training => report.training.as_ref().map(|t| t.total_cost_usd.get()),
        Section::Serving => {
            report.serving.as_ref().and_then(|s| s.monthly_cost_usd).map(|c| c.get())
        }
    }
}

fn request_latency_ms(report: &ServingReport, serving: &Serving) -> f64 {
    report.ttft_ms + report.tpot_ms * (serving.output_tokens.unwrap_or(1.0) - 1.0).max(0.0)
}

fn current(report: &Report, scenario: &Scenario, section: Section, cost: f64) -> Current {
    Current {
        section,
        per: section.period(),
        cost_usd: cost,
        wall_clock_hours: report
            .training
            .as_ref()
            .filter(|_| section == Section::Training)
            .map(|t| t.wall_clock_hours.get()),
        latency_ms: match (section, &report.serving, &scenario.serving) {
            (Section::Serving, Some(r), Some(s)) => Some(request_latency_ms(r, s)),
            _ => None,
        },
    }
}

/// A move applied: the changed scenario, the estimate of its changed section, and how to
/// describe it.
#[derive(Clone)]
struct Applied {
    scenario: Scenario,
    report: Report,
    cost: f64,
    title: String,
    tradeoff: String,
    why: String,
}

fn recommendation(id: &str, section: Section, start: f64, found: Applied) -> Recommendation {
    let saving = start - found.cost;
    Recommendation {
        id: id.into(),
        section,
        per: section.period(),
        title: format!("{}: {}", found.title, percent(-saving / start)),
        saving_usd: saving,
        saving_percent: if start > 0.0 { saving / start * 100.0 } else { 0.0 },
        cost_usd: found.cost,
        tradeoff: found.tradeoff,
        why: found.why,
        scenario: found.scenario,
    }
}

/// A signed whole percentage; changes that round to nothing read "±0%", not "−0%".
fn percent(fraction: f64) -> String {
    if (fraction * 100.0).abs() < 0.5 {
        return "±0%".into();
    }
    format!("{:+.0}%", fraction * 100.0).replace('-', "−")
}

/// Applies move `id` to `scenario` (whose estimate is `report`): the changed scenario, when it
/// exists, keeps every constraint and costs less.
fn apply(
    id: &str,
    scenario: &Scenario,
    report: &Report,
    book: &PriceBook,
    searched: &Searched,
) -> Result<Option<Applied>, Error> {
    let changed = match id {
        "training-right-size" | "training-fp8" | "training-plan" => {
            let (Some(training), Some(now)) = (&scenario.training, &report.training) else {
                return Ok(None);
            };
            training_move(id, &scenario.model, training, now, book, &searched.training)
        }
        _ => {
            let (Some(serving), Some(now), Some(found)) =
                (&scenario.serving, &report.serving, &searched.serving)
            else {
                return Ok(None);
            };
            let moe = scenario.model.resolve().is_ok_and(|m| m.routed_experts.is_some());
            serving_move(id, serving, now, book, found, moe)
        }
    };
    let Some((section, title, tradeoff, why)) = changed else { return Ok(None) };
    let mut next = scenario.clone();
    match section {
        Changed::Training(t) => next.training = Some(t),
        Changed::Serving(s) => next.serving = Some(s),
    }
    // Every figure shown is the engine's own estimate of the changed scenario.
    let which = if id.starts_with("training") { Section::Training } else { Section::Serving };
    let Ok(after) = estimate(&only(which, &next), book) else { return Ok(None) };
    let (Some(before), Some(cost)) = (cost_of(report, which), cost_of(&after, which)) else {
        return Ok(None);
    };
    if !keeps_constraints(which, &next, &after) || cost >= before - 0.005 {
        return Ok(None);
    }
    let title = match &after.training {
        Some(t) => title.replace(
            CHECKPOINT_INTERVAL,
            &format!("{:.0}-minute", t.reliability.checkpoint_interval_minutes),
        ),
        None => title,
    };
    let tradeoff = match (which, &after.training, &report.training, &after.serving, &report.serving)
    {
        (Section::Training, Some(a), Some(b), _, _) => {
            let time = a.wall_clock_hours.get() / b.wall_clock_hours.get() - 1.0;
            join(&[
                format!(
                    "{} wall-clock ({:.0} h → {:.0} h)",
                    percent(time),
                    b.wall_clock_hours.get(),
                    a.wall_clock_hours.get()
                ),
                tradeoff,
            ])
        }
        (Section::Serving, _, _, Some(a), Some(b)) => {
            let (Some(s_after), Some(s_before)) = (&next.serving, &scenario.serving) else {
                return Ok(None);
            };
            let (la, lb) = (request_latency_ms(a, s_after), request_latency_ms(b, s_before));
            join(&[
                format!("{} request latency ({:.0} ms → {:.0} ms)", percent(la / lb - 1.0), lb, la),
                tradeoff,
            ])
        }
        _ => tradeoff,
    };
    Ok(Some(Applied { scenario: next, report: after, cost, title, tradeoff, why }))
}

fn join(parts: &[String]) -> String {
    parts.iter().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>().join("; ")
}

enum Changed {
    Training(Training),
    Serving(Serving),
}

/// The section's constraints, checked on the engine's estimate: it fits, meets the deadline or
/// the SLO, and serves every request. Only the section a move changes: a training run that does
/// not fit says nothing about how to serve.
fn keeps_constraints(section: Section, scenario: &Scenario, report: &Report) -> bool {
    match section {
        Section::Training => match (&scenario.training, &report.training) {
            (Some(t), Some(r)) => {
                r.fits_in_memory && t.deadline_hours.is_none_or(|d| r.wall_clock_hours.get() <= d)
            }
            _ => false,
        },
        Section::Serving => report.serving.as_ref().is_some_and(|r| {
            r.fits_in_memory
                && r.batch_at_slo > 0
                && r.unserved_requests_per_day.unwrap_or(0.0) <= 0.0
        }),
    }
}

/// The cheapest plan other than `current` in a report's by-plan costs that `allowed` keeps, when
/// it costs less than `now`.
fn cheaper_plan<T>(
    by_plan: &std::collections::BTreeMap<String, T>,
    current: Plan,
    now: f64,
    cost: impl Fn(&T) -> f64,
    allowed: impl Fn(&T) -> bool,
) -> Option<Plan> {
    by_plan
        .iter()
        .filter_map(|(name, c)| Plan::parse(name).map(|p| (p, c)))
        .filter(|(p, c)| *p != current && allowed(c))
        .min_by(|a, b| cost(a.1).total_cmp(&cost(b.1)))
        .filter(|(_, c)| cost(c) < now)
        .map(|(plan, _)| plan)
}

fn plan_words(plan: Plan) -> &'static str {
    match plan {
        Plan::OnDemand => "on demand",
        Plan::Spot => "on spot",
        Plan::Reserved1y => "on a 1-year commitment",
        Plan::Reserved3y => "on a 3-year commitment",
    }
}

fn accelerator_name(book: &PriceBook, id: &str) -> String {
    book.accelerators.iter().find(|a| a.id == id).map_or_else(|| id.to_owned(), |a| a.name.clone())
}

type Move<T> = Option<(T, String, String, String)>;

fn training_move(
    id: &str,
    model: &crate::catalogue::model::Model,
    training: &Training,
    now: &TrainingReport,
    book: &PriceBook,
    candidates: &[rightsizing::Candidate],
) -> Move<Changed> {
    match id {
        "training-fp8" => {
            if training.precision == Precision::Fp8 {
                return None;
            }
            let accelerator = book.accelerators.iter().find(|a| a.id == training.accelerator)?;
            accelerator.dense.fp8?;
            let next = Training { precision: Precision::Fp8, ..training.clone() };
            Some((
                Changed::Training(next),
                format!("Train in FP8 on the same {}", accelerator.name),
                format!("quality: {}", quality::training(Precision::Fp8)),
                format!("{} has FP8 tensor cores at twice its 16-bit peak", accelerator.name),
            ))
        }
        "training-plan" => {
            let offer = now.offer.as_ref()?;
            let plan = cheaper_plan(
                &now.by_plan,
                offer.plan,
                now.compute_cost_usd.get(),
                |c| c.compute_cost_usd.get(),
                |c| training.deadline_hours.is_none_or(|d| c.wall_clock_hours.get() <= d),
            )?;
            let next = Training { plan: Some(plan), region: None, ..training.clone() };
            let (title, risk, why) = match plan {
                Plan::Spot => {
                    (
                        // The interval comes from the changed scenario's estimate (see `apply`).
                        format!("Train {} with a {CHECKPOINT_INTERVAL} checkpoint interval", plan_words(plan)),
                        "risk: preemptions cost the work since the last checkpoint and a restart".to_owned(),
                        "spot capacity is sold at a deep discount; checkpointing at the Young/Daly interval keeps the work lost to preemptions small".to_owned(),
                    )
                }
                _ => (
                    format!("Train {}", plan_words(plan)),
                    "risk: a commitment is paid whether or not the capacity is used".to_owned(),
                    format!(
                        "{} is the cheapest way {} sells this machine",
                        plan_words(plan),
                        offer.id
                    ),
                ),
            };
            Some((Changed::Training(next), title, risk, why))
        }
        "training-right-size" => {
            let plan = now.offer.as_ref().map_or(Plan::OnDemand, |o| o.plan);
            let limit = training.deadline_hours.unwrap_or(now.wall_clock_hours.get());
            let best = candidates
                .iter()
                .filter(|c| c.precision == training.precision && c.plan == plan)
                // A run that does not fit may start recomputing activations; one that fits keeps
                // its choice.
                .filter(|c| {
                    !now.fits_in_memory
                        || c.activation_checkpointing == training.activation_checkpointing
                })
                .filter(|c| c.wall_clock_hours.get() <= limit)
                .min_by(|a, b| {
                    a.compute_cost_usd
                        .get()
                        .total_cmp(&b.compute_cost_usd.get())
                        .then(a.wall_clock_hours.get().total_cmp(&b.wall_clock_hours.get()))
                })?;
            let same = now.offer.as_ref().is_some_and(|o| o.id == best.offer)
                && training.accelerator_count == best.accelerator_count;
            if same || best.compute_cost_usd.get() >= now.compute_cost_usd.get() {
                return None;
            }
            let next = training_scenario(model, training, best, book);
            let why = match training.deadline_hours {
                Some(d) => format!("the cheapest offer and count in the price book that fits in memory and finishes within the {d} h deadline"),
                None => "the cheapest offer and count in the price book that fits in memory and finishes no later than now".into(),
            };
            Some((
                Changed::Training(next),
                format!(
                    "Train on {}× {} ({}) {}",
                    best.accelerator_count,
                    accelerator_name(book, &best.accelerator),
                    best.offer,
                    plan_words(best.plan)
                ),
                String::new(),
                why,
            ))
        }
        _ => None,
    }
}

/// The training section changed to a searched candidate (its layout left to data parallelism, as
/// the search sized it).
fn training_scenario(
    model: &crate::catalogue::model::Model,
    training: &Training,
    c: &rightsizing::Candidate,
    book: &PriceBook,
) -> Training {
    let mut next = training.clone();
    next.accelerator = c.accelerator.clone();
    next.accelerator_count = c.accelerator_count;
    next.precision = c.precision;
    next.activation_checkpointing = c.activation_checkpointing;
    next.offer = Some(c.offer.clone());
    next.plan = Some(c.plan);
    next.region = training.region.clone();
    next.price_per_accelerator_hour = None;
    next.parallelism = crate::scenario::training::Parallelism {
        zero_stage: training.parallelism.zero_stage,
        ..Default::default()
    };
    next.global_batch = None;
    if let Some(fits) = crate::training::fitting_parallelism(model, &next, book) {
        next.parallelism = fits;
    }
    next
}

fn serving_move(
    id: &str,
    serving: &Serving,
    now: &ServingReport,
    book: &PriceBook,
    found: &serving_search::Search,
    moe: bool,
) -> Move<Changed> {
    let billed_now = match (&now.offer, &serving.committed_baseline) {
        (None, _) => None,
        (Some(o), Some(b)) => Some(Billed::Mix {
            committed: b.plan.unwrap_or(Plan::Reserved1y),
            replicas: b.replicas,
            burst: o.plan,
        }),
        (Some(o), None) => Some(Billed::Plan(Some(o.plan))),
    };
    let same_billing = |b: &Billed| match (billed_now, b) {
        (None, Billed::Plan(None) | Billed::Plan(Some(Plan::OnDemand))) => true,
        (Some(Billed::Plan(p)), Billed::Plan(q)) => p == *q,
        (
            Some(Billed::Mix { committed, burst, .. }),
            Billed::Mix { committed: c, burst: b, .. },
        ) => committed == *c && burst == *b,
        _ => false,
    };
    match id {
        "serving-right-size" | "serving-quantize" => {
            let quantize = id == "serving-quantize";
            let width = serving.weight_precision.bytes();
            let best = found
                .feasible
                .iter()
                .filter(|c| same_billing(&c.billed))
                .filter(|c| {
                    if quantize {
                        c.weight_precision.bytes() < width
                    } else {
                        c.weight_precision == serving.weight_precision
                    }
                })
                .min_by(|a, b| {
                    a.monthly_cost_usd
                        .total_cmp(&b.monthly_cost_usd)
                        .then(a.request_latency_ms.total_cmp(&b.request_latency_ms))
                })?;
            let now_cost = now.monthly_cost_usd?.get();
            if best.monthly_cost_usd >= now_cost - 0.005 {
                return None;
            }
            let next = best.apply(serving, book);
            let name = book.accelerators.get(best.accelerator).map_or("?", |a| a.name.as_str());
            let offer = best
                .offer
                .and_then(|i| book.offers.get(i))
                .map_or("your price".to_owned(), |o| o.id());
            let layout = match (best.tensor_parallel, best.pipeline_parallel) {
                (1, 1) => format!("1× {name}"),
                (tp, 1) => format!("{tp}× {name} (TP{tp})"),
                (tp, pp) => format!("{}× {name} (TP{tp} × PP{pp})", tp * pp),
            };
            let batch = if best.batch_capped {
                format!(", batches of {}", best.batch)
            } else {
                String::new()
            };
            if quantize {
                let format = format!("{:?}", best.weight_precision).to_uppercase();
                let parameters = now.weights_bytes.get() / serving.weight_precision.bytes();
                Some((
                    Changed::Serving(next),
                    format!(
                        "Quantize weights to {format} and serve on {layout} per replica ({offer}){batch}"
                    ),
                    format!(
                        "quality: {}",
                        quality::weights(best.weight_precision, parameters, moe)
                    ),
                    format!(
                        "narrower weights free memory for the KV cache and cut the bytes each decode step reads; the cheapest {format} layout meeting the SLO"
                    ),
                ))
            } else {
                Some((
                    Changed::Serving(next),
                    format!("Serve on {layout} per replica ({offer}){batch}"),
                    String::new(),
                    "the cheapest offer, layout and batch in the price book that fits, meets the SLO and serves the whole load, at the same weight format and plan".into(),
                ))
            }
        }
        "serving-commitment" => {
            let mix = now.best_mix.as_ref()?;
            if mix.committed_replicas == 0 {
                return None;
            }
            let committed = Plan::parse(&mix.committed_plan)?;
            let burst = Plan::parse(&mix.burst_plan)?;
            let mut next = serving.clone();
            next.plan = Some(burst);
            next.committed_baseline = Some(crate::scenario::serving::CommittedBaseline {
                replicas: mix.committed_replicas,
                plan: Some(committed),
                price_per_accelerator_hour: serving
                    .committed_baseline
                    .and_then(|b| b.price_per_accelerator_hour),
            });
            let years = if committed == Plan::Reserved3y { "three years" } else { "a year" };
            Some((
                Changed::Serving(next),
                format!(
                    "Commit {} replica{} for {years}, burst {}",
                    mix.committed_replicas,
                    if mix.committed_replicas == 1 { "" } else { "s" },
                    plan_words(burst)
                ),
                format!("risk: the {} committed replicas are paid every hour for {years}, used or not", mix.committed_replicas),
                "the replicas busy around the clock cost less committed; the day's peaks stay on the flexible plan".into(),
            ))
        }
        "serving-plan" => {
            let offer = now.offer.as_ref()?;
            let plan = cheaper_plan(
                &now.by_plan,
                offer.plan,
                now.monthly_cost_usd?.get(),
                |c| c.monthly_cost_usd.get(),
                |_| true,
            )?;
            let mut next = serving.clone();
            next.plan = Some(plan);
            next.committed_baseline = None;
            let risk = match plan {
                Plan::Spot => {
                    "risk: spot replicas can be reclaimed at short notice; keep headroom for the SLO"
                }
                Plan::OnDemand => "",
                _ => "risk: a commitment bills the peak's replicas every hour, used or not",
            };
            Some((
                Changed::Serving(next),
                format!("Serve {}", plan_words(plan)),
                risk.into(),
                format!(
                    "{} is the cheapest way {} sells this machine for this day's schedule",
                    plan_words(plan),
                    offer.id
                ),
            ))
        }
        _ => None,
    }
}

/// The section's Pareto front, each point re-estimated on its own.
fn front(
    scenario: &Scenario,
    book: &PriceBook,
    searched: &Searched,
    section: Section,
) -> Vec<ParetoPoint> {
    let mut points = Vec::new();
    match section {
        Section::Training => {
            let Some(training) = &scenario.training else { return points };
            let candidates = thin(rightsizing::pareto_front(searched.training.clone()));
            for c in candidates {
                let next = Scenario {
                    training: Some(training_scenario(&scenario.model, training, &c, book)),
                    ..scenario.clone()
                };
                let Ok(report) = estimate(&only(section, &next), book) else { continue };
                let Some(t) = &report.training else { continue };
                if !keeps_constraints(section, &next, &report) {
                    continue;
                }
                points.push(ParetoPoint {
                    section,
                    label: format!(
                        "{}× {} {} ({} {})",
                        c.accelerator_count,
                        accelerator_name(book, &c.accelerator),
                        c.precision.as_str().to_uppercase(),
                        c.offer,
                        c.plan.as_str()
                    ),
                    cost_usd: t.total_cost_usd.get(),
                    per: Period::Run,
                    wall_clock_hours: Some(t.wall_clock_hours.get()),
                    latency_ms: None,
                    scenario: next,
                });
            }
        }
        Section::Serving => {
            let (Some(serving), Some(found)) = (&scenario.serving, &searched.serving) else {
                return points;
            };
            let mut front: Vec<&serving_search::Candidate> = Vec::new();
            let mut sorted: Vec<&serving_search::Candidate> = found.feasible.iter().collect();
            sorted.sort_by(|a, b| {
                a.monthly_cost_usd
                    .total_cmp(&b.monthly_cost_usd)
                    .then(a.request_latency_ms.total_cmp(&b.request_latency_ms))
            });
            for c in sorted {
                if front.last().is_none_or(|last| c.request_latency_ms < last.request_latency_ms) {
                    front.push(c);
                }
            }
            for c in thin(front) {
                let next_serving = c.apply(serving, book);
                let next = Scenario { serving: Some(next_serving.clone()), ..scenario.clone() };
                let Ok(report) = estimate(&only(section, &next), book) else { continue };
                let Some(s) = &report.serving else { continue };
                let Some(cost) = s.monthly_cost_usd else { continue };
                if !keeps_constraints(section, &next, &report) {
                    continue;
                }
                let name = book.accelerators.get(c.accelerator).map_or("?", |a| a.name.as_str());
                let billed = match c.billed {
                    Billed::Plan(p) => p.map_or("your price", Plan::as_str).to_owned(),
                    Billed::Mix { committed, replicas, burst } => {
                        format!("{replicas} {} + {}", committed.as_str(), burst.as_str())
                    }
                };
                points.push(ParetoPoint {
                    section,
                    label: format!(
                        "{}× {name} {} batch {} {billed}",
                        c.tensor_parallel * c.pipeline_parallel,
                        format!("{:?}", c.weight_precision).to_uppercase(),
                        c.batch
                    ),
                    cost_usd: cost.get(),
                    per: Period::Month,
                    wall_clock_hours: None,
                    latency_ms: Some(request_latency_ms(s, &next_serving)),
                    scenario: next,
                });
            }
        }
    }
    // Re-estimated points can tie or reorder: keep only the undominated, cheapest first.
    points.sort_by(|a, b| a.cost_usd.total_cmp(&b.cost_usd).then(time(a).total_cmp(&time(b))));
    let mut kept: Vec<ParetoPoint> = Vec::new();
    for p in points {
        if kept.last().is_none_or(|last| time(&p) < time(last)) {
            kept.push(p);
        }
    }
    kept
}

fn time(p: &ParetoPoint) -> f64 {
    p.wall_clock_hours.or(p.latency_ms).unwrap_or(0.0)
}

/// At most [`MAX_FRONT_POINTS`], evenly spaced, keeping both ends.
fn thin<T: Clone>(front: Vec<T>) -> Vec<T> {
    if front.len() <= MAX_FRONT_POINTS {
        return front;
    }
    let last = front.len() - 1;
    (0..MAX_FRONT_POINTS).map(|i| front[i * last / (MAX_FRONT_POINTS - 1)].clone()).collect()
}
