//! Training cost: model FLOPs over achieved throughput, stretched by goodput, priced per
//! accelerator-hour.

use crate::calibration;
use crate::error::{Error, Problem};
use crate::pricing::{Plan, PriceBook};
use crate::report::{Assumption, OfferUsed, TrainingReport};
use crate::scenario::{Model, Training};
use crate::units::{Flops, Hours, UsdPerHour};

/// Forward and backward pass of a dense transformer: 2 FLOPs per parameter per token forward, 4
/// backward (Kaplan et al. 2020, arXiv 2001.08361, §2.1).
const FLOPS_PER_PARAMETER_PER_TOKEN: f64 = 6.0;

pub(crate) fn estimate(
    model: &Model,
    training: &Training,
    book: &PriceBook,
) -> Result<TrainingReport, Error> {
    positive("model.parameters", model.parameters)?;
    positive("training.tokens", training.tokens)?;
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

    let flops = Flops::new(FLOPS_PER_PARAMETER_PER_TOKEN * model.parameters * training.tokens);
    let count = f64::from(training.accelerator_count);
    let productive_hours = flops / (peak * mfu);
    let accelerator_hours = productive_hours / goodput;
    let wall_clock_hours: Hours = accelerator_hours / count;
    let compute_cost_usd = accelerator_hours * price;

    finite("training.flops", flops.get())?;
    finite("training.accelerator_hours", accelerator_hours.get())?;
    finite("training.compute_cost_usd", compute_cost_usd.get())?;

    Ok(TrainingReport {
        flops,
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
    let offer_id = match (&training.offer, training.price_per_accelerator_hour) {
        (Some(_), Some(_)) => {
            return Err(Error::new(
                "training.offer",
                Problem::Malformed(
                    "give either an offer or price_per_accelerator_hour, not both".into(),
                ),
            ));
        }
        (None, Some(price)) => {
            positive("training.price_per_accelerator_hour", price)?;
            return Ok((UsdPerHour::new(price), None));
        }
        (None, None) => {
            return Err(Error::new("training.price_per_accelerator_hour", Problem::Missing));
        }
        (Some(id), None) => id,
    };
    let offer = book.offer(offer_id, "training.offer")?;
    if offer.accelerator != training.accelerator {
        return Err(Error::new(
            "training.accelerator",
            Problem::Malformed(format!(
                "{offer_id} has {}, not {}",
                offer.accelerator, training.accelerator
            )),
        ));
    }
    let plan = training.plan.unwrap_or(Plan::OnDemand);
    let (region, instance_price) =
        book.price(offer, plan, training.region.as_deref()).ok_or_else(|| {
            let field = if training.region.is_some() { "training.region" } else { "training.plan" };
            let place = training.region.as_deref().map_or(String::new(), |r| format!(" in {r}"));
            Error::new(
                field,
                Problem::Malformed(format!("{offer_id} sells no {} price{place}", plan.as_str())),
            )
        })?;
    let per_accelerator = instance_price / f64::from(offer.accelerator_count.max(1));
    let used = OfferUsed {
        id: offer.id(),
        plan,
        region,
        usd_per_instance_hour: instance_price,
        source: offer.source.clone(),
        as_of: offer.as_of.clone(),
    };
    Ok((per_accelerator, Some(used)))
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

/// Results that overflow `f64` (absurd inputs) become an error naming the result, never infinity.
/// Underflow to zero cannot happen: every input is > 0 and at most ~1e308.
fn finite(field: &str, value: f64) -> Result<(), Error> {
    if value.is_finite() { Ok(()) } else { Err(Error::new(field, Problem::ResultOutOfRange)) }
}
