//! Moves: each changes one thing in a scenario (right-size, FP8 or quantize, plan, commitment), is
//! re-derived on whatever scenario it meets so moves compose into the waterfall, and is priced by
//! the engine's own estimate of the scenario it leads to.

use crate::catalogue::pricing::PriceBook;
use crate::optimize::advice::{Changed, Move, Recommendation, Section};
use crate::optimize::estimates::{
    NO_SAVING, Searched, cost_of, estimate, only, request_latency_ms,
};
use crate::optimize::quality;
use crate::report::Report;
use crate::scenario::Scenario;
use crate::scenario::serving::Serving;
use crate::scenario::training::Training;
use crate::serving::report::ServingReport;
use crate::serving::search::{self as serving_search, Billed};
use crate::training::report::{Candidate, TrainingReport};
use crate::vocabulary::error::Error;
use crate::vocabulary::format;
use crate::vocabulary::terms::Plan;
use crate::vocabulary::terms::Precision;
use crate::vocabulary::units::Usd;

/// A move applied: the changed scenario, the estimate of its changed section, and how to
/// describe it.
#[derive(Clone)]
pub(super) struct Applied {
    pub scenario: Scenario,
    pub report: Report,
    pub cost: Usd,
    pub title: String,
    pub tradeoff: String,
    pub why: String,
}

pub(super) fn recommendation(
    id: Move,
    section: Section,
    start: Usd,
    found: Applied,
) -> Recommendation {
    let saving = start - found.cost;
    let fraction = if start.get() > 0.0 { saving / start } else { 0.0 };
    Recommendation {
        id,
        section,
        per: section.period(),
        title: format!("{}: {}", found.title, percent(-(saving / start))),
        saving_usd: saving,
        saving_percent: fraction * 100.0,
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
pub(super) fn apply(
    id: Move,
    scenario: &Scenario,
    report: &Report,
    book: &PriceBook,
    searched: &Searched,
) -> Result<Option<Applied>, Error> {
    let changed = match id {
        Move::TrainingRightSize | Move::TrainingFp8 | Move::TrainingPlan => {
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
            // A layout's cost as the estimate gives it, when it keeps the constraints there: at
            // the peak hour's operating point, and with percentile targets sized by simulation,
            // neither of which the search's roofline sizing sees.
            let estimated = |variant: Serving| {
                let next = only(
                    Section::Serving,
                    &Scenario { serving: Some(variant), ..scenario.clone() },
                );
                let report = estimate(&next, book).ok()?;
                keeps_constraints(Section::Serving, &next, &report).then_some(())?;
                report.serving?.monthly_cost_usd
            };
            serving_move(id, serving, now, book, found, moe, &estimated)
        }
    };
    let rented = match changed {
        Some(changed) => finish(id, scenario, report, book, changed)?,
        None => None,
    };
    // How the section is bought: the scenario's owned servers are a plan too.
    let owned = match super::owned_move::owned_plan_move(id, scenario, book) {
        Some(changed) => finish(id, scenario, report, book, changed)?,
        None => None,
    };
    Ok(match (rented, owned) {
        (Some(r), Some(o)) => Some(if o.cost < r.cost { o } else { r }),
        (r, o) => r.or(o),
    })
}

/// A move's changed section, estimated: kept when it keeps every constraint and costs less.
fn finish(
    id: Move,
    scenario: &Scenario,
    report: &Report,
    book: &PriceBook,
    changed: (Changed, String, String, String),
) -> Result<Option<Applied>, Error> {
    let (section, title, tradeoff, why) = changed;
    let mut next = scenario.clone();
    match section {
        Changed::Training(t) => next.training = Some(t),
        Changed::Serving(s) => next.serving = Some(s),
    }
    // Every figure shown is the engine's own estimate of the changed scenario.
    let which = id.section();
    let Ok(after) = estimate(&only(which, &next), book) else { return Ok(None) };
    let (Some(before), Some(cost)) = (cost_of(report, which), cost_of(&after, which)) else {
        return Ok(None);
    };
    if !keeps_constraints(which, &next, &after) || cost >= before - NO_SAVING {
        return Ok(None);
    }
    // A move to spot names the checkpoint interval the changed scenario's estimate picks.
    let on_spot = next.training.as_ref().is_some_and(|t| t.plan == Some(Plan::Spot));
    let title = match &after.training {
        Some(t) if id == Move::TrainingPlan && on_spot => format!(
            "{title} with a {:.0}-minute checkpoint interval",
            t.reliability.checkpoint_interval_minutes.get()
        ),
        _ => title,
    };
    let tradeoff = match (which, &after.training, &report.training, &after.serving, &report.serving)
    {
        (Section::Training, Some(a), Some(b), _, _) => {
            let time = a.wall_clock_hours.get() / b.wall_clock_hours.get() - 1.0;
            join(&[
                format!(
                    "{} wall-clock ({} h → {} h)",
                    percent(time),
                    format::whole(b.wall_clock_hours.get()),
                    format::whole(a.wall_clock_hours.get())
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
                format!(
                    "{} request latency ({} → {})",
                    percent(la / lb - 1.0),
                    format::milliseconds(lb.get()),
                    format::milliseconds(la.get())
                ),
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

/// The section's constraints, checked on the engine's estimate: it fits, meets the deadline or
/// the SLO, and serves every request. Only the section a move changes: a training run that does
/// not fit says nothing about how to serve.
pub(super) fn keeps_constraints(section: Section, scenario: &Scenario, report: &Report) -> bool {
    match section {
        Section::Training => match (&scenario.training, &report.training) {
            (Some(t), Some(r)) => {
                r.fits_in_memory && t.deadline_hours.is_none_or(|d| r.wall_clock_hours.get() <= d)
            }
            _ => false,
        },
        // The latencies at the peak hour's operating point meet the targets too: the search
        // sizes by the batch meeting them with no prompt interleaved, which the load can undo.
        Section::Serving => match (&scenario.serving, &report.serving) {
            (Some(s), Some(r)) => {
                r.fits_in_memory
                    && r.batch_at_slo > 0
                    && r.unserved_requests_per_day.unwrap_or(0.0) <= 0.0
                    && s.slo.ttft_ms.is_none_or(|t| r.ttft_ms <= t)
                    && s.slo.tpot_ms.is_none_or(|t| r.tpot_ms <= t)
            }
            _ => false,
        },
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
        Plan::Owned => "on the owned servers",
    }
}

pub(super) fn accelerator_name(book: &PriceBook, id: &str) -> String {
    book.accelerators.iter().find(|a| a.id == id).map_or_else(|| id.to_owned(), |a| a.name.clone())
}

/// What a move found: the change, and its title, trade-off and why.
type Found<T> = Option<(T, String, String, String)>;

fn training_move(
    id: Move,
    model: &crate::scenario::model::Model,
    training: &Training,
    now: &TrainingReport,
    book: &PriceBook,
    candidates: &[Candidate],
) -> Found<Changed> {
    match id {
        Move::TrainingFp8 => {
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
        Move::TrainingPlan => {
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
                        // `apply` adds the checkpoint interval the changed scenario's estimate picks.
                        format!("Train {}", plan_words(plan)),
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
        Move::TrainingRightSize => {
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
pub(super) fn training_scenario(
    model: &crate::scenario::model::Model,
    training: &Training,
    c: &Candidate,
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

/// Layouts the right-sizing and quantizing moves estimate in full: the search's cheapest by the
/// roofline, of which the estimate's cheapest keeping the constraints is taken. Why a few, not
/// all? Each estimate takes a millisecond or more (a few with percentile targets, which simulate);
/// the search's order is the estimate's but for the peak hour's interleaved prompts and the
/// percentile targets' queueing, which move a layout a few places.
const RERANKED: usize = 6;

fn serving_move(
    id: Move,
    serving: &Serving,
    now: &ServingReport,
    book: &PriceBook,
    found: &serving_search::Search,
    moe: bool,
    estimated: &dyn Fn(Serving) -> Option<Usd>,
) -> Found<Changed> {
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
        Move::ServingRightSize | Move::ServingQuantize => {
            let quantize = id == Move::ServingQuantize;
            let width = serving.weight_precision.bytes();
            let mut ranked: Vec<&serving_search::Candidate> = found
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
                .collect();
            ranked.sort_by(|a, b| {
                a.monthly_cost_usd
                    .total_cmp(&b.monthly_cost_usd)
                    .then(a.request_latency_ms.total_cmp(&b.request_latency_ms))
            });
            let now_cost = now.monthly_cost_usd?;
            // The search ranks by the roofline at each layout's batch; the estimate prices the
            // peak hour's operating point (prompts interleaved) and percentile targets (queueing),
            // which can move a layout or rule it out: the cheapest few by the search are
            // estimated in full, and the cheapest that keeps the constraints taken.
            let (best, cost) = ranked
                .iter()
                .take(RERANKED)
                .filter_map(|c| Some((*c, estimated(c.apply(serving, book))?)))
                .min_by(|a, b| a.1.get().total_cmp(&b.1.get()))?;
            if cost >= now_cost - NO_SAVING {
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
                format!(", batches of {}", format::whole(f64::from(best.batch)))
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
        Move::ServingCommitment => {
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
        Move::ServingPlan => {
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
