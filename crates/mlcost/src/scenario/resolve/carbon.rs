//! The grid a section's energy is drawn from, resolved once: the figure the scenario gives, the
//! offer's region's from the carbon table, or the world's average where no region is known (a
//! typed price, the owned servers); the last two listed among the section's defaults.

use crate::catalogue::carbon::{WORLD_AVERAGE, grid};
use crate::vocabulary::check::{MAX_GRAMS_CO2E_PER_KWH, at_most, non_negative};
use crate::vocabulary::error::Error;
use crate::vocabulary::provenance::Assumption;
use crate::vocabulary::units::GramsCo2ePerKilowattHour;

/// Where a section's accelerators draw their power.
pub(super) enum Place<'a> {
    /// A provider's region (the offer's, as priced).
    Region { provider: &'a str, region: &'a str },
    /// Somewhere no table places: a typed price, the owned servers.
    Unknown,
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
