//! Training cost: model FLOPs over achieved throughput, stretched by goodput, priced per
//! accelerator-hour.

use crate::calibration;
use crate::error::{Error, Problem};
use crate::hardware;
use crate::report::{Assumption, TrainingReport};
use crate::scenario::{Model, Training};
use crate::units::{Flops, Hours, UsdPerHour};

/// Forward and backward pass of a dense transformer: 2 FLOPs per parameter per token forward, 4
/// backward (Kaplan et al. 2020, arXiv 2001.08361, §2.1).
const FLOPS_PER_PARAMETER_PER_TOKEN: f64 = 6.0;

pub(crate) fn estimate(model: &Model, training: &Training) -> Result<TrainingReport, Error> {
    positive("model.parameters", model.parameters)?;
    positive("training.tokens", training.tokens)?;
    if training.accelerator_count == 0 {
        return Err(Error::new(
            "training.accelerator_count",
            Problem::MustBePositive,
        ));
    }
    positive(
        "training.price_per_accelerator_hour",
        training.price_per_accelerator_hour,
    )?;
    let accelerator = hardware::accelerator(&training.accelerator, "training.accelerator")?;
    let peak = accelerator
        .dense
        .for_precision(training.precision)
        .ok_or_else(|| {
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
    let compute_cost_usd = accelerator_hours * UsdPerHour::new(training.price_per_accelerator_hour);

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
        assumptions,
    })
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
        return Err(Error::new(
            field,
            Problem::OutOfRange { min: 0.0, max: 1.0 },
        ));
    }
    Ok(value)
}

/// Results that overflow `f64` (absurd inputs) become an error naming the result, never infinity.
/// Underflow to zero cannot happen: every input is > 0 and at most ~1e308.
fn finite(field: &str, value: f64) -> Result<(), Error> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(Error::new(field, Problem::ResultOutOfRange))
    }
}
