//! Training cost: model FLOPs over achieved throughput, stretched by goodput, priced per
//! accelerator-hour.

use crate::calibration;
use crate::error::{Error, Problem};
use crate::model::Model;
use crate::pricing::{Plan, PriceBook};
use crate::report::{Assumption, OfferUsed, TrainingReport};
use crate::scenario::Training;
use crate::units::{Hours, UsdPerHour};
use crate::work::training_work;

pub(crate) fn estimate(
    model: &Model,
    training: &Training,
    book: &PriceBook,
) -> Result<TrainingReport, Error> {
    let model = model.resolve()?;
    let work = training_work(&model, training)?;
    if training.accelerator_count == 0 {
        return Err(Error::new("training.accelerator_count", Problem::MustBePositive));
    }
    let accelerator = book.accelerator(&training.accelerator, "training.accelerator")?;
    let (price, offer) = price(training, book)?;
    let peak = accelerator.dense.for_precision(training.precision).ok_or_else(|| {
        Error::new(
            "training.precision",
            Problem::UnsupportedPrecision {
                accelerator: accelerator.id.clone(),
                precision: training.precision.as_str().to_owned(),
            },
        )
    })?;

    let mut assumptions = Vec::new();
    let mfu = match training.mfu {
        Some(mfu) => fraction("training.mfu", mfu)?,
        None => {
            assumptions.push(Assumption {
                field: "training.mfu".into(),
                value: calibration::DEFAULT_MFU,
                source: calibration::DEFAULT_MFU_SOURCE.into(),
            });
            calibration::DEFAULT_MFU
        }
    };
    let goodput = match training.goodput {
        Some(goodput) => fraction("training.goodput", goodput)?,
        None => {
            let goodput = calibration::modelled_goodput(training.accelerator_count);
            assumptions.push(Assumption {
                field: "training.goodput".into(),
                value: goodput,
                source: calibration::GOODPUT_SOURCE.into(),
            });
            goodput
        }
    };

    let flops = work.model_flops;
    let count = f64::from(training.accelerator_count);
    let productive_hours = flops / (peak * mfu);
    let accelerator_hours = productive_hours / goodput;
    let wall_clock_hours: Hours = accelerator_hours / count;
    let compute_cost_usd = accelerator_hours * price;

    finite("training.flops", flops.get())?;
    finite("training.accelerator_hours", accelerator_hours.get())?;
    finite("training.compute_cost_usd", compute_cost_usd.get())?;

    Ok(TrainingReport {
        model: model.name,
        tokens: work.tokens,
        flops,
        hardware_flops: work.hardware_flops,
        trainable_parameters: work.trainable_parameters,
        mfu,
        goodput,
        peak_flops_per_accelerator: peak,
        accelerator_hours,
        wall_clock_hours,
        compute_cost_usd,
        price_per_accelerator_hour: price,
        offer,
        assumptions,
    })
}

/// The price per accelerator-hour: typed in, or looked up from an offer under a plan.
fn price(training: &Training, book: &PriceBook) -> Result<(UsdPerHour, Option<OfferUsed>), Error> {
    let Some(offer_id) = &training.offer else {
        // Without an offer, the offer's settings mean nothing: refuse them rather than ignore them.
        for (field, given) in [
            ("training.plan", training.plan.is_some()),
            ("training.region", training.region.is_some()),
        ] {
            if given {
                let other = "price_per_accelerator_hour (plan and region choose an offer's price)"
                    .to_owned();
                return Err(Error::new(field, Problem::Conflicts { other }));
            }
        }
        let price = training
            .price_per_accelerator_hour
            .ok_or_else(|| Error::new("training.price_per_accelerator_hour", Problem::Missing))?;
        positive("training.price_per_accelerator_hour", price.get())?;
        return Ok((price, None));
    };
    if training.price_per_accelerator_hour.is_some() {
        return Err(Error::new(
            "training.offer",
            Problem::Conflicts { other: "price_per_accelerator_hour".into() },
        ));
    }
    let offer = book.offer(offer_id, "training.offer")?;
    if offer.accelerator != training.accelerator {
        return Err(Error::new(
            "training.accelerator",
            Problem::OfferMismatch { offer: offer.id(), offer_has: offer.accelerator.clone() },
        ));
    }
    let plan = training.plan.unwrap_or(Plan::OnDemand);
    if let Some(region) = &training.region
        && offer.regions.iter().all(|r| r.region != *region)
    {
        let regions: Vec<&str> = offer.regions.iter().map(|r| r.region.as_str()).collect();
        return Err(Error::new(
            "training.region",
            Problem::OfferMismatch {
                offer: offer.id(),
                offer_has: format!("only the regions {}", regions.join(", ")),
            },
        ));
    }
    let (region, instance_price, as_of) =
        book.price(offer, plan, training.region.as_deref()).ok_or_else(|| {
            Error::new(
                "training.plan",
                Problem::NotSold {
                    offer: offer.id(),
                    plan: plan.as_str().to_owned(),
                    region: training.region.clone(),
                },
            )
        })?;
    let used = OfferUsed {
        id: offer.id(),
        plan,
        region,
        usd_per_instance_hour: instance_price,
        source: offer.source.clone(),
        as_of,
    };
    Ok((instance_price / f64::from(offer.accelerator_count), Some(used)))
}

fn positive(field: &str, value: f64) -> Result<f64, Error> {
    if !value.is_finite() {
        return Err(Error::new(field, Problem::NotFinite));
    }
    if value <= 0.0 {
        return Err(Error::new(field, Problem::MustBePositive));
    }
    Ok(value)
}

/// A fraction in (0, 1].
fn fraction(field: &str, value: f64) -> Result<f64, Error> {
    if !value.is_finite() {
        return Err(Error::new(field, Problem::NotFinite));
    }
    if value <= 0.0 || value > 1.0 {
        return Err(Error::new(field, Problem::OutOfRange { min: 0.0, max: 1.0 }));
    }
    Ok(value)
}

/// Results that overflow `f64`, or underflow to zero (absurd inputs), become an error naming the
/// result: never infinity, and never a cost of nothing.
fn finite(field: &str, value: f64) -> Result<(), Error> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::new(field, Problem::ResultOutOfRange))
    }
}
