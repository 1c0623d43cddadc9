//! Unit newtypes: every quantity the engine takes or returns says what it measures.
//!
//! Why newtypes and not bare `f64`? Mixing up FLOPs and FLOP/s, or hours and seconds, is the most
//! common bug in cost models; with a type per unit, the compiler catches it. Each type is a transparent
//! `f64` on the wire (JSON numbers in base units), so the output format stays plain.
//!
//! Invariant: no constructor checks finiteness; the engine validates inputs at its boundary
//! (`scenario`) and results before returning them (`Report`), so values inside are always finite.

use std::iter::Sum;
use std::ops::{Add, Div, Mul, Sub};

use serde::{Deserialize, Serialize};

macro_rules! unit {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
        #[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(transparent)]
        pub struct $name(f64);

        impl $name {
            /// Wraps a number in base units; finiteness is not checked (see the module notes).
            pub const fn new(value: f64) -> Self {
                Self(value)
            }

            /// The bare number, in base units.
            pub const fn get(self) -> f64 {
                self.0
            }

            /// Whether the value is neither infinite nor NaN.
            pub fn is_finite(self) -> bool {
                self.0.is_finite()
            }

            /// IEEE 754's total order, for sorting.
            pub fn total_cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.0.total_cmp(&other.0)
            }
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }

        impl Sub for $name {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                Self(self.0 - rhs.0)
            }
        }

        /// The ratio of two quantities of one unit: a plain number.
        impl Div for $name {
            type Output = f64;
            fn div(self, rhs: Self) -> f64 {
                self.0 / rhs.0
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|x| x.0).sum())
            }
        }

        impl Mul<f64> for $name {
            type Output = Self;
            fn mul(self, rhs: f64) -> Self {
                Self(self.0 * rhs)
            }
        }

        impl Div<f64> for $name {
            type Output = Self;
            fn div(self, rhs: f64) -> Self {
                Self(self.0 / rhs)
            }
        }
    };
}

unit!(
    /// A count of floating-point operations.
    Flops
);
unit!(
    /// Floating-point operations per second.
    FlopsPerSecond
);
unit!(
    /// A size in bytes (decimal multiples: 1 GB = 1e9 bytes, as datasheets and price lists use).
    Bytes
);
unit!(
    /// A transfer rate in bytes per second.
    BytesPerSecond
);
unit!(
    /// A duration in hours: the unit of cloud billing.
    Hours
);
unit!(
    /// Money in US dollars.
    Usd
);
unit!(
    /// A price per hour, in US dollars.
    UsdPerHour
);
unit!(
    /// Power in watts.
    Watts
);
unit!(
    /// A price of energy, in US dollars per kilowatt-hour.
    UsdPerKilowattHour
);
unit!(
    /// A facility's price per kilowatt of IT load provisioned, in US dollars a month.
    UsdPerKilowattMonth
);
unit!(
    /// A duration in minutes: how checkpoint stalls, intervals and restarts are stated.
    Minutes
);
unit!(
    /// Energy in kilowatt-hours, as electricity is billed.
    KilowattHours
);
unit!(
    /// Emissions in kilograms of CO2 equivalent.
    KilogramsCo2e
);
unit!(
    /// A grid's carbon intensity: grams of CO2 equivalent a kilowatt-hour drawn emits.
    GramsCo2ePerKilowattHour
);
unit!(
    /// A latency in milliseconds: how serving targets (TTFT, TPOT) are stated.
    Milliseconds
);
unit!(
    /// A duration in days: how long a one-off cost takes to pay back.
    Days
);
unit!(
    /// A count of tokens.
    Tokens
);
unit!(
    /// A share of a whole, between 0 and 1: utilisation, MFU, goodput, an engine's efficiency,
    /// a cache's hit rate.
    Fraction
);
unit!(
    /// A count of model parameters.
    Parameters
);

/// A share of a quantity is that quantity; a quantity over a share, what it is a share of.
macro_rules! shares {
    ($($name:ident),*) => {$(
        impl Mul<Fraction> for $name {
            type Output = Self;
            fn mul(self, share: Fraction) -> Self {
                Self(self.0 * share.0)
            }
        }

        impl Div<Fraction> for $name {
            type Output = Self;
            fn div(self, share: Fraction) -> Self {
                Self(self.0 / share.0)
            }
        }
    )*};
}

shares!(
    Flops,
    FlopsPerSecond,
    Bytes,
    BytesPerSecond,
    Hours,
    Usd,
    UsdPerHour,
    Watts,
    Minutes,
    KilowattHours,
    Milliseconds,
    Days,
    Tokens,
    Parameters
);

/// Time, in the units cloud bills use.
pub const SECONDS_PER_HOUR: f64 = 3600.0;
/// Hours in a day: the serving estimate plans a day hour by hour.
pub const HOURS_PER_DAY: usize = 24;
/// Seconds in a day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;
/// Hours in a billing month: 730, the average (8,760 / 12) the AWS Pricing Calculator and cloud
/// price pages use for monthly figures.
pub const HOURS_PER_MONTH: f64 = 730.0;
/// Hours in a billing year: twelve billing months, 8,760.
pub const HOURS_PER_YEAR: f64 = 12.0 * HOURS_PER_MONTH;
/// Days in that billing month.
pub const DAYS_PER_MONTH: f64 = HOURS_PER_MONTH / 24.0;

/// `x.ceil()` for a count that is never negative (replicas, accelerators), exactly, with no call
/// and no branch. Why? On x86-64 without SSE4.1 `f64::ceil` is a call into libm, and serving's
/// schedule rounds up 24 hours' replicas for each of the hundreds of volumes the break-even search
/// and the cost curve price (an eighth of the serving estimate, profiled); without a call or a
/// branch the hour-by-hour loops can run on several hours at once. Below 2^52, adding and taking
/// away 2^52 rounds x to the nearest integer exactly (the ulp there is 1), and one step up from it
/// is the ceiling; at and above 2^52 every float is whole already, as infinity and NaN stay
/// themselves. A negative x is outside its domain (a test holds the callers to it).
#[inline]
pub fn ceil_count(x: f64) -> f64 {
    if cfg!(target_arch = "wasm32") {
        // WebAssembly has the instruction.
        return x.ceil();
    }
    const TWO_TO_THE_52: f64 = 4_503_599_627_370_496.0;
    let nearest = (x + TWO_TO_THE_52) - TWO_TO_THE_52;
    let ceiling = nearest + if nearest < x { 1.0 } else { 0.0 };
    if x < TWO_TO_THE_52 { ceiling } else { x }
}

impl Div<FlopsPerSecond> for Flops {
    type Output = Hours;
    /// How long a given rate takes to do this much work.
    fn div(self, rate: FlopsPerSecond) -> Hours {
        Hours(self.0 / rate.0 / SECONDS_PER_HOUR)
    }
}

impl Mul<GramsCo2ePerKilowattHour> for KilowattHours {
    type Output = KilogramsCo2e;
    /// What drawing this much energy from a grid emits.
    fn mul(self, intensity: GramsCo2ePerKilowattHour) -> KilogramsCo2e {
        KilogramsCo2e(self.0 * intensity.0 / 1000.0)
    }
}

impl Mul<UsdPerHour> for Hours {
    type Output = Usd;
    fn mul(self, price: UsdPerHour) -> Usd {
        Usd(self.0 * price.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn work_over_rate_is_hours() {
        let hours = Flops::new(3.6e15) / FlopsPerSecond::new(1e12);
        assert_eq!(hours, Hours::new(1.0));
    }

    #[test]
    fn hours_times_price_is_dollars() {
        assert_eq!(Hours::new(10.0) * UsdPerHour::new(2.5), Usd::new(25.0));
    }

    #[test]
    fn ceil_count_is_exact_for_every_count() {
        let counts =
            [0.0, 0.2, 0.5, 1.0, 1.5, 2.5, 2.999_999_999, 7e14 + 0.5, 4.6e15, 9.007e15 + 1.0];
        for x in counts.into_iter().chain([f64::MAX, f64::INFINITY]) {
            assert_eq!(ceil_count(x).to_bits(), x.ceil().to_bits(), "{x}");
        }
        assert!(ceil_count(f64::NAN).is_nan());
    }

    #[test]
    fn units_serialize_as_plain_numbers() {
        assert_eq!(serde_json::to_string(&Usd::new(1.5)).ok().as_deref(), Some("1.5"));
    }
}
