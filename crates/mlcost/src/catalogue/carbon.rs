//! Grid carbon intensity per cloud region (`pricing-data/carbon.json`): what a kilowatt-hour drawn
//! there emits, location-based and averaged over a year, each region with its source and the grid
//! it is mapped to (in its note).
//!
//! Why location-based? It is the figure a region's grid emits whatever a provider buys: the
//! provider's market-based figures, net of the renewable energy it contracts, differ by provider
//! and are mostly unpublished per region. Why the world's average where no region is known (a
//! typed price, owned servers without a figure)? It is sourced and says plainly that the place is
//! unknown, where any one country would be a guess.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::provenance::Sourced;
use crate::vocabulary::units::GramsCo2ePerKilowattHour;

const CARBON_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/carbon.json"));

/// One region's grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct GridIntensity {
    /// Lowercase provider name, as the price book's offers spell it (`aws`, `gcp`).
    pub provider: String,
    /// The provider's region id (`us-east-1`), as its offers' regions name it.
    pub region: String,
    /// Grams of CO2 equivalent a kilowatt-hour drawn from the region's grid emits: a
    /// location-based average over `year`.
    pub grams_co2e_per_kwh: GramsCo2ePerKilowattHour,
    /// The year the figure averages.
    pub year: u32,
    /// Where the figure comes from, as the report cites it.
    pub source: String,
    /// When the source was published, or read when it gives no date (ISO 8601).
    pub as_of: String,
    /// The grid the region is mapped to, with caveats and cross-checks; absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
struct CarbonFile {
    regions: Vec<GridIntensity>,
}

static GRIDS: LazyLock<Result<Vec<GridIntensity>, Error>> = LazyLock::new(|| {
    serde_json::from_str::<CarbonFile>(CARBON_JSON).map(|file| file.regions).map_err(|e| {
        Error::new("pricing-data/carbon.json", Problem::BadEmbeddedData(e.to_string()))
    })
});

/// Every region's grid.
pub fn grids() -> Result<&'static [GridIntensity], Error> {
    GRIDS.as_deref().map_err(Clone::clone)
}

/// The grid of a provider's region, when the table has it.
pub fn grid(provider: &str, region: &str) -> Option<&'static GridIntensity> {
    grids().ok()?.iter().find(|g| g.provider == provider && g.region == region)
}

/// The world's average grid, where no region is known: Ember's 2024 figure for the world, as Our
/// World in Data carries it (owid/energy-data at e7897ae, `carbon_intensity_elec`).
pub const WORLD_AVERAGE: Sourced<f64> = Sourced {
    value: 471.08,
    source: "the world's average grid, where no figure for the place is known: Ember yearly electricity data 2024 via Our World in Data (owid/energy-data @ e7897ae)",
    as_of: "2026-12-07",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_table_reads_and_the_world_average_is_its_own() {
        let all = grids().unwrap();
        assert!(all.len() >= 40);
        let world = grid("lambda", "global").unwrap();
        assert!((world.grams_co2e_per_kwh.get() - WORLD_AVERAGE.value).abs() < 1e-9);
        assert!(
            all.iter()
                .all(|g| g.grams_co2e_per_kwh.get() > 0.0 && g.grams_co2e_per_kwh.get() < 1500.0)
        );
    }
}
