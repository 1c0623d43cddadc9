//! Where a section's energy is drawn, resolved once: the facility's PUE (given, the owned
//! servers', or the cloud default) and the grid (the figure the scenario gives, the offer's
//! region's from the carbon table, or the world's average where no region is known: a typed
//! price, the owned servers); the defaults listed among the section's.

use crate::catalogue::carbon::{WORLD_AVERAGE, grid};
use crate::catalogue::pricing::{Offer, OfferUsed};
use crate::scenario::resolve::owned::OwnedPlan;
use crate::vocabulary::check::{MAX_GRAMS_CO2E_PER_KWH, MAX_PUE, at_most, non_negative};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::provenance::{Assumption, Sourced};
use crate::vocabulary::units::GramsCo2ePerKilowattHour;

/// Power usage effectiveness: Google reports a fleet-wide trailing-twelve-month PUE of 1.10 for its
/// data centres (Google Environmental Report 2024); the Uptime Institute's industry survey average
/// is about 1.56. The hyperscale figure suits cloud GPU capacity.
pub const DEFAULT_PUE: Sourced<f64> = Sourced {
    value: 1.10,
    source: "Google's fleet-wide PUE of 1.10 (Google Environmental Report 2024); industry average ~1.56 (Uptime Institute)",
    as_of: "2026-11-29",
};

/// The facility's PUE for `field`: given (checked), the owned servers' hall's, or the cloud
/// default (listed).
pub(super) fn pue(
    field: &'static str,
    given: Option<f64>,
    owned: Option<&OwnedPlan>,
    assumptions: &mut Vec<Assumption>,
) -> Result<f64, Error> {
    match (given, owned) {
        (Some(pue), _) if !(pue.is_finite() && pue >= 1.0) => {
            Err(Error::new(field, Problem::AtLeast(1.0)))
        }
        (Some(pue), _) => at_most(field, pue, MAX_PUE),
        (None, Some(owned)) => Ok(owned.section.ownership.pue),
        (None, None) => {
            assumptions.push(DEFAULT_PUE.assumed(field));
            Ok(DEFAULT_PUE.value)
        }
    }
}

/// Where a section's accelerators draw their power.
pub(super) enum Place<'a> {
    /// A provider's region (the offer's, as priced).
    Region { provider: &'a str, region: &'a str },
    /// Somewhere no table places: a typed price, the owned servers.
    Unknown,
}

impl<'a> Place<'a> {
    /// The region of the offer a section is priced with, when it is.
    pub(super) fn priced(sold: Option<&'a Offer>, used: Option<&'a OfferUsed>) -> Self {
        match (sold, used) {
            (Some(sold), Some(used)) => {
                Place::Region { provider: &sold.provider, region: &used.region }
            }
            _ => Place::Unknown,
        }
    }
}

/// The grid's intensity for `field`: given (checked), or looked up, or the world's average.
pub(super) fn grid_intensity(
    field: &'static str,
    given: Option<f64>,
    place: Place<'_>,
    assumptions: &mut Vec<Assumption>,
) -> Result<GramsCo2ePerKilowattHour, Error> {
    if let Some(grams) = given {
        let grams = at_most(field, non_negative(field, grams)?, MAX_GRAMS_CO2E_PER_KWH)?;
        return Ok(GramsCo2ePerKilowattHour::new(grams));
    }
    let found = match place {
        Place::Region { provider, region } => grid(provider, region),
        Place::Unknown => None,
    };
    let assumption = match found {
        Some(g) => Assumption {
            field: field.into(),
            value: g.grams_co2e_per_kwh.get(),
            source: format!("{} {}'s grid in {}: {}", g.provider, g.region, g.year, g.source)
                .into(),
            as_of: Some(g.as_of.clone().into()),
        },
        None => WORLD_AVERAGE.assumed(field),
    };
    let grams = assumption.value;
    assumptions.push(assumption);
    Ok(GramsCo2ePerKilowattHour::new(grams))
}
