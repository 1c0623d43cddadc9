//! The plan moves' other plan: the scenario's owned servers, weighed against the rented plans
//! when they hold the section's accelerator and the section is bought otherwise.

use crate::catalogue::pricing::PriceBook;
use crate::optimize::advice::{Changed, Move};
use crate::scenario::Scenario;
use crate::scenario::serving::Serving;
use crate::scenario::training::Training;
use crate::vocabulary::terms::Plan;

/// The section on the scenario's owned servers, when it has them, they hold its accelerator, and
/// it is bought otherwise: the plan moves weigh owning against the rented plans.
pub(super) fn owned_plan_move(
    id: Move,
    scenario: &Scenario,
    book: &PriceBook,
) -> Option<(Changed, String, String, String)> {
    let section = scenario.owned.as_ref()?;
    let holds = |accelerator: &str| {
        let read = crate::scenario::resolve::owned::read_owned(section).ok()?;
        let resolved = crate::scenario::resolve::owned::resolve_owned(&read, book).ok()?;
        (resolved.accelerator == accelerator).then_some(resolved.utilization)
    };
    let title = "Run on the owned servers".to_owned();
    let tradeoff = |u: f64| {
        format!(
            "the owned servers must have the capacity free; their price assumes {:.0}% of their hours in use (owned.utilization)",
            u * 100.0
        )
    };
    let why = "a used accelerator-hour of the servers the scenario owns, all its costs recovered (see Own or rent), costs less than renting it".to_owned();
    match id {
        Move::TrainingPlan => {
            let training = scenario.training.as_ref().filter(|t| t.plan != Some(Plan::Owned))?;
            let u = holds(&training.accelerator)?;
            let next = Training {
                plan: Some(Plan::Owned),
                offer: None,
                region: None,
                price_per_accelerator_hour: None,
                nodes: None,
                ..training.clone()
            };
            Some((Changed::Training(next), title, tradeoff(u), why))
        }
        Move::ServingPlan => {
            let serving = scenario.serving.as_ref().filter(|s| s.plan != Some(Plan::Owned))?;
            let u = holds(&serving.accelerator)?;
            let next = Serving {
                plan: Some(Plan::Owned),
                offer: None,
                region: None,
                price_per_accelerator_hour: None,
                committed_baseline: None,
                ..serving.clone()
            };
            Some((Changed::Serving(next), title, tradeoff(u), why))
        }
        _ => None,
    }
}
