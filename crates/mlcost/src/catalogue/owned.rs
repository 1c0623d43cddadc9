//! Owned hardware: the servers a team can buy (`pricing-data/servers.json`), and what owning them
//! costs an hour, term by term: the capital recovered over the depreciation years at the cost of
//! capital (a capital recovery factor, less the residual value's present worth), the network and
//! storage equipment bought with them, the energy at the utilisation (each accelerator's board
//! power between idle and busy, the rest of the server, times the facility's PUE), the facility
//! per kilowatt provisioned, support subscriptions, and the staff who run them.
//!
//! Why per accelerator-hour owned, then per used hour? Owning is paid every hour whether the
//! accelerators work or not; a rented on-demand or spot accelerator is paid only while it works.
//! The effective price of a used accelerator-hour is the owned hour's cost over the utilisation:
//! the figure to set against a rented plan's price.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::units::{
    HOURS_PER_MONTH, HOURS_PER_YEAR, Usd, UsdPerHour, UsdPerKilowattHour, UsdPerKilowattMonth,
    Watts,
};

const SERVERS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/servers.json"));

/// A server one can buy, from `pricing-data/servers.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// Stable lowercase id used in scenarios (`owned.server`: `hgx-h100`).
    pub id: String,
    /// Display name (`HGX H100 8-GPU server`).
    pub name: String,
    /// Accelerator id from the hardware table.
    pub accelerator: String,
    /// Accelerators in one server.
    pub accelerator_count: u32,
    /// Purchase price of one server with its accelerators.
    pub price_usd: Usd,
    /// The server's power at full load (accelerators included).
    pub max_power_watts: Watts,
    /// Where the price and power figures come from.
    pub source: String,
    /// The source's date, or the day it was read when it gives none (ISO 8601).
    pub as_of: String,
    /// True when a figure is derived rather than read off a price list (see `note`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
    /// How the figures were read or derived, and caveats, in words; absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
struct ServerFile {
    servers: Vec<Server>,
}

static SERVERS: LazyLock<Result<Vec<Server>, Error>> = LazyLock::new(|| {
    serde_json::from_str::<ServerFile>(SERVERS_JSON).map(|file| file.servers).map_err(|e| {
        Error::new("pricing-data/servers.json", Problem::BadEmbeddedData(e.to_string()))
    })
});

/// The bundled servers.
pub fn servers() -> Result<&'static [Server], Error> {
    SERVERS.as_deref().map_err(Clone::clone)
}

/// The bundled server `id`, or an error at `field` listing the known ones.
pub fn server(id: &str, field: &str) -> Result<&'static Server, Error> {
    let all = servers()?;
    all.iter().find(|s| s.id == id).ok_or_else(|| {
        Error::new(
            field,
            Problem::Unknown {
                kind: "server",
                id: id.to_owned(),
                known: all.iter().map(|s| s.id.clone()).collect(),
            },
        )
    })
}

/// What owning a cluster costs, every term resolved to a number.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Ownership {
    /// Accelerators in each server.
    pub accelerators_per_server: u32,
    /// Servers in the cluster.
    pub servers: u32,
    /// Purchase price of one server with its accelerators, in USD.
    pub server_price_usd: Usd,
    /// Network and storage equipment bought with the servers, as a share of their price.
    pub equipment_share: f64,
    /// Years the purchase is recovered over.
    pub depreciation_years: f64,
    /// What the servers sell for at the end, as a share of their price.
    pub residual_share: f64,
    /// Annual cost of capital (the rate the money could earn or costs to borrow).
    pub cost_of_capital: f64,
    /// Each accelerator's power when busy (its board power), in watts.
    pub accelerator_busy_watts: Watts,
    /// Each accelerator's power when idle, in watts.
    pub accelerator_idle_watts: Watts,
    /// The server's power besides its accelerators (CPUs, memory, fans, NICs), at any load.
    pub rest_of_server_watts: Watts,
    /// Power usage effectiveness: the facility's total power over its IT load (at least 1).
    pub pue: f64,
    /// Price of electricity, in USD per kilowatt-hour.
    pub usd_per_kwh: UsdPerKilowattHour,
    /// The facility's price per kilowatt of IT load provisioned, a month (colocation, or an owned
    /// hall's own costs).
    pub facility_usd_per_kw_month: UsdPerKilowattMonth,
    /// Support and software subscriptions a year, per accelerator.
    pub support_usd_per_accelerator_year: Usd,
    /// What one operations engineer costs a year, fully loaded, and how many servers one runs.
    pub staff_usd_per_year: Usd,
    /// Servers one operations engineer runs.
    pub servers_per_staff: f64,
}

/// Each term of the cost of one accelerator-hour owned, in USD. Every term the effective price
/// has is a field here: a test lists them, so none can be left out silently.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct HourlyTerms {
    /// The servers' price recovered over the depreciation years at the cost of capital, less the
    /// residual value's present worth.
    pub servers: UsdPerHour,
    /// The network and storage equipment, recovered the same way.
    pub equipment: UsdPerHour,
    /// Power at the utilisation, the facility's overhead (PUE) included.
    pub energy: UsdPerHour,
    /// The facility per kilowatt provisioned (the server at full load).
    pub facility: UsdPerHour,
    /// Support and software subscriptions, spread over the year's hours.
    pub support: UsdPerHour,
    /// Operations staff: an engineer's yearly cost shared over the servers they run and each
    /// server's accelerators, spread over the year's hours.
    pub staff: UsdPerHour,
}

impl HourlyTerms {
    /// The terms by name, in the order they are listed.
    pub fn named(&self) -> [(&'static str, UsdPerHour); 6] {
        [
            ("servers", self.servers),
            ("equipment", self.equipment),
            ("energy", self.energy),
            ("facility", self.facility),
            ("support", self.support),
            ("staff", self.staff),
        ]
    }

    /// The cost of one accelerator-hour owned: every term added up, in USD.
    pub fn total(&self) -> UsdPerHour {
        UsdPerHour::new(self.named().iter().map(|(_, usd)| usd.get()).sum())
    }
}

/// The share of a sum paid back each year over `years` at `rate` a year, so that the payments'
/// present worth is the sum: r(1 + r)^n / ((1 + r)^n − 1), or 1/n without interest.
pub fn capital_recovery_factor(rate: f64, years: f64) -> f64 {
    if rate.abs() < 1e-12 {
        return 1.0 / years;
    }
    let growth = (1.0 + rate).powf(years);
    rate * growth / (growth - 1.0)
}

impl Ownership {
    /// Accelerators in the whole cluster: per server times servers.
    pub fn accelerators(&self) -> f64 {
        f64::from(self.accelerators_per_server) * f64::from(self.servers)
    }

    /// A sum spent on each accelerator's share of a server at purchase, as a cost per
    /// accelerator-hour: recovered over the years at the cost of capital, less the residual's
    /// present worth.
    fn recovered(&self, spent_per_accelerator: f64) -> f64 {
        let (rate, years) = (self.cost_of_capital, self.depreciation_years);
        let residual = self.residual_share * spent_per_accelerator / (1.0 + rate).powf(years);
        (spent_per_accelerator - residual) * capital_recovery_factor(rate, years) / HOURS_PER_YEAR
    }

    /// Each term of an owned accelerator-hour's cost with the accelerators busy `utilization` of
    /// the time.
    pub fn per_accelerator_hour(&self, utilization: f64) -> HourlyTerms {
        let per_server = f64::from(self.accelerators_per_server.max(1));
        let price = self.server_price_usd.get() / per_server;
        let (busy, idle) = (self.accelerator_busy_watts.get(), self.accelerator_idle_watts.get());
        let rest = self.rest_of_server_watts.get() / per_server;
        let watts = idle + utilization * (busy - idle) + rest;
        let provisioned_kw = (busy + rest) / 1e3;
        let staff = self.staff_usd_per_year.get() / self.servers_per_staff / per_server;
        HourlyTerms {
            servers: UsdPerHour::new(self.recovered(price)),
            equipment: UsdPerHour::new(self.recovered(price * self.equipment_share)),
            energy: UsdPerHour::new(watts / 1e3 * self.pue * self.usd_per_kwh.get()),
            facility: UsdPerHour::new(
                provisioned_kw * self.facility_usd_per_kw_month.get() / HOURS_PER_MONTH,
            ),
            support: UsdPerHour::new(self.support_usd_per_accelerator_year.get() / HOURS_PER_YEAR),
            staff: UsdPerHour::new(staff / HOURS_PER_YEAR),
        }
    }

    /// What one used accelerator-hour costs: the owned hour over the utilisation.
    pub fn per_used_accelerator_hour(&self, utilization: f64) -> UsdPerHour {
        let owned = self.per_accelerator_hour(utilization).total().get();
        UsdPerHour::new(if utilization > 0.0 { owned / utilization } else { f64::INFINITY })
    }

    /// Paid at purchase for the whole cluster: servers and equipment.
    pub fn upfront(&self) -> Usd {
        self.server_price_usd * (1.0 + self.equipment_share) * f64::from(self.servers)
    }

    /// Paid each month of running the whole cluster at `utilization`: energy, facility, support
    /// and staff (the cash view: the purchase is paid up front, not recovered).
    pub fn running_per_month(&self, utilization: f64) -> Usd {
        let t = self.per_accelerator_hour(utilization);
        let hourly = t.energy.get() + t.facility.get() + t.support.get() + t.staff.get();
        Usd::new(hourly * self.accelerators() * HOURS_PER_MONTH)
    }
}
