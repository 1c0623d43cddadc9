//! The Pareto fronts: configurations no other beats on both cost and time (training) or latency
//! (serving), each re-estimated on its own scenario.

use crate::catalogue::pricing::PriceBook;
use crate::optimize::advice::{MAX_FRONT_POINTS, ParetoPoint, Section};
use crate::optimize::estimates::{Searched, estimate, only, request_latency_ms};
use crate::optimize::moves::{accelerator_name, keeps_constraints, training_scenario};
use crate::scenario::Scenario;
use crate::serving::search::{self as serving_search, Billed};
use crate::training::rightsizing;
use crate::vocabulary::terms::Period;
use crate::vocabulary::terms::Plan;

/// The section's Pareto front, each point re-estimated on its own.
pub(super) fn front(
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
                    cost_usd: t.total_cost_usd,
                    per: Period::Run,
                    wall_clock_hours: Some(t.wall_clock_hours),
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
                    cost_usd: cost,
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
    p.time().unwrap_or(0.0)
}

/// At most [`MAX_FRONT_POINTS`], evenly spaced, keeping both ends.
fn thin<T: Clone>(front: Vec<T>) -> Vec<T> {
    if front.len() <= MAX_FRONT_POINTS {
        return front;
    }
    let last = front.len() - 1;
    (0..MAX_FRONT_POINTS).map(|i| front[i * last / (MAX_FRONT_POINTS - 1)].clone()).collect()
}
