//! What the run's compute costs under every plan the offer sells.

use std::collections::BTreeMap;

use crate::scenario::resolve::training::ResolvedTraining;
use crate::training::reliability::{self, Nodes, plan_goodput};
use crate::training::report::PlanCost;
use crate::vocabulary::terms::Plan;
use crate::vocabulary::units::{Fraction, Hours};

/// The same run under every plan the offer sells (cheapest region, or the scenario's), with spot's
/// extra preemption loss; with a typed price, the one "custom" plan.
pub(crate) fn by_plan(
    run: &ResolvedTraining<'_>,
    productive_hours: Hours,
    inputs: &Nodes,
    goodput: Fraction,
) -> BTreeMap<String, PlanCost> {
    let mut plans = BTreeMap::new();
    let count = f64::from(run.accelerator_count);
    let Some(offer) = run.sold else {
        // A typed price: the resolved price is it.
        let price = run.price;
        let hours = productive_hours / goodput;
        // A typed price is "custom"; the owned servers are their own plan.
        plans.insert(
            run.offer.as_ref().map_or("custom", |o| o.plan.as_str()).to_owned(),
            PlanCost {
                accelerator_hours: hours,
                wall_clock_hours: hours / count,
                compute_cost_usd: hours * price,
                price_per_accelerator_hour: price,
                goodput,
                region: None,
            },
        );
        return plans;
    };
    let modelled = |on_spot: bool| {
        reliability::goodput(&run.reliability, inputs.cluster(), inputs.checkpoint_bytes, on_spot)
            .goodput
    };
    let (on_demand_model, spot_model) = (modelled(false), modelled(true));
    let scenario_on_spot = run.on_spot();
    for plan in Plan::RENTED {
        let Some(price) = run.book.price(offer, plan, run.region) else { continue };
        let (region, instance_price) = (price.region.to_owned(), price.usd_per_instance_hour);
        let plan_goodput =
            plan_goodput(run.goodput, scenario_on_spot, on_demand_model, spot_model, plan);
        let price = instance_price / f64::from(offer.accelerator_count);
        let hours = productive_hours / plan_goodput;
        plans.insert(
            plan.as_str().to_owned(),
            PlanCost {
                accelerator_hours: hours,
                wall_clock_hours: hours / count,
                compute_cost_usd: hours * price,
                price_per_accelerator_hour: price,
                goodput: plan_goodput,
                region: Some(region),
            },
        );
    }
    plans
}
