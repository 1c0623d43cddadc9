//! How a serving section's replicas are bought: a typed price or an offer under a plan, and a
//! committed baseline with the burst above it.

use crate::catalogue::pricing::{Offer, OfferUsed, PriceBook, PriceChoice};
use crate::scenario::resolve::owned::{OwnedPlan, PlanFields, ResolvedOwned};
use crate::scenario::serving::Serving;
use crate::vocabulary::check::positive;
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::terms::Plan;
use crate::vocabulary::units::UsdPerHour;

/// The price the replicas are bought at, and the offer it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Pricing<'a> {
    /// USD per accelerator-hour: the typed price, the offer's instance price over its
    /// accelerators, or the owned servers' used hour.
    pub price: UsdPerHour,
    /// The offer as the report names it, and as the price book sells it.
    pub offer: Option<OfferUsed>,
    /// The offer's record in the price book; none for a typed price or the owned plan.
    pub sold: Option<&'a Offer>,
    /// Replicas committed around the clock, with the burst above them on the offer's plan.
    pub baseline: Option<Baseline>,
    /// On the owned plan: the owned servers, and their price's terms.
    pub owned: Option<OwnedPlan>,
}

/// A committed baseline, priced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    /// Replicas committed, running every hour.
    pub replicas: u32,
    /// The commitment, `1y` or `3y` (1y when the scenario names none).
    pub plan: Plan,
    /// USD per committed accelerator-hour: the typed one, or the offer's under the commitment.
    pub price: UsdPerHour,
}

/// The price per accelerator-hour, the offer, and a committed baseline's price.
pub(super) fn pricing<'a>(
    serving: &'a Serving,
    book: &'a PriceBook,
    owned: Option<&ResolvedOwned>,
) -> Result<Pricing<'a>, Error> {
    if serving.plan == Some(Plan::Owned) {
        if serving.committed_baseline.is_some() {
            return Err(Error::new(
                "serving.committed_baseline",
                Problem::Conflicts { other: "plan owned (the owned servers are paid for)".into() },
            ));
        }
        let owned = PlanFields {
            section: "serving",
            accelerator: &serving.accelerator,
            typed_price: serving.price_per_accelerator_hour.is_some(),
            offer: serving.offer.is_some(),
            region: serving.region.is_some(),
        }
        .owned(owned)?;
        let (price, offer) = (owned.price, Some(owned.used.clone()));
        return Ok(Pricing { price, offer, sold: None, baseline: None, owned: Some(owned) });
    }
    let (price, chosen) = PriceChoice {
        section: "serving",
        accelerator: &serving.accelerator,
        price_per_accelerator_hour: serving.price_per_accelerator_hour,
        offer: serving.offer.as_deref(),
        plan: serving.plan,
        region: serving.region.as_deref(),
    }
    .resolve(book)?;
    let (offer, sold) = chosen.unzip();
    let Some(baseline) = &serving.committed_baseline else {
        return Ok(Pricing { price, offer, sold, baseline: None, owned: None });
    };
    if offer.as_ref().is_some_and(|o| o.plan.is_committed()) {
        return Err(Error::new(
            "serving.plan",
            Problem::Malformed(
                "replicas above a committed baseline are bought on-demand or spot".into(),
            ),
        ));
    }
    let plan = baseline.plan.unwrap_or(Plan::Reserved1y);
    if !plan.is_committed() {
        return Err(Error::new(
            "serving.committed_baseline.plan",
            Problem::Malformed("must be 1y or 3y".into()),
        ));
    }
    let committed = match (sold, baseline.price_per_accelerator_hour) {
        (_, Some(typed)) => UsdPerHour::new(positive(
            "serving.committed_baseline.price_per_accelerator_hour",
            typed.get(),
        )?),
        (Some(sold), None) => {
            let instance = book
                .price(sold, plan, serving.region.as_deref())
                .map(|price| price.usd_per_instance_hour)
                .ok_or_else(|| {
                    Error::new(
                        "serving.committed_baseline.plan",
                        Problem::NotSold {
                            offer: sold.id(),
                            plan: plan.as_str().into(),
                            region: serving.region.clone(),
                        },
                    )
                })?;
            instance / f64::from(sold.accelerator_count)
        }
        (None, None) => {
            return Err(Error::new(
                "serving.committed_baseline.price_per_accelerator_hour",
                Problem::Missing,
            ));
        }
    };
    let baseline = Baseline { replicas: baseline.replicas, plan, price: committed };
    Ok(Pricing { price, offer, sold, baseline: Some(baseline), owned: None })
}
