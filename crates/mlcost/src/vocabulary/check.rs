//! Input checks shared by every part of the engine: each names the field it rejects.

use crate::vocabulary::error::{Error, Problem};

/// A finite number > 0.
pub(crate) fn positive(field: &str, value: f64) -> Result<f64, Error> {
    if !value.is_finite() {
        Err(Error::new(field, Problem::NotFinite))
    } else if value <= 0.0 {
        Err(Error::new(field, Problem::MustBePositive))
    } else {
        Ok(value)
    }
}

/// A finite number ≥ 0.
pub(crate) fn non_negative(field: &str, value: f64) -> Result<f64, Error> {
    if !value.is_finite() {
        Err(Error::new(field, Problem::NotFinite))
    } else if value < 0.0 {
        Err(Error::new(field, Problem::Negative))
    } else {
        Ok(value)
    }
}

/// A count (parameters, tokens, samples): at least one, since a fraction of one means nothing and
/// would let results underflow to zero.
pub(crate) fn at_least_one(field: &str, value: f64) -> Result<f64, Error> {
    let value = positive(field, value)?;
    if value < 1.0 { Err(Error::new(field, Problem::AtLeast(1.0))) } else { Ok(value) }
}

/// A fraction in (0, 1].
pub(crate) fn fraction(field: &str, value: f64) -> Result<f64, Error> {
    if !value.is_finite() {
        Err(Error::new(field, Problem::NotFinite))
    } else if value <= 0.0 || value > 1.0 {
        Err(Error::new(field, Problem::OutOfRange { min: 0.0, max: 1.0 }))
    } else {
        Ok(value)
    }
}
