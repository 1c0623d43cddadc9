//! The scenario's `owned` section: servers a team buys instead of renting, and the terms of
//! owning them. The server (or its accelerator, count and price), how many and the share of hours
//! in use are the team's to give; every other term has a sourced default
//! (`scenario/resolve/owned.rs`).

use serde::{Deserialize, Serialize};

/// Servers bought and run: a bundled server (`server`), or any server by its accelerator, count
/// and price; how many; and the terms of owning them. Absent terms take their sourced defaults.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Owned {
    /// A bundled server's id (`mlcost catalog servers`), e.g. `hgx-h100`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// Without `server`: the accelerator id the servers hold...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accelerator: Option<String>,
    /// ... how many each ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accelerators_per_server: Option<u32>,
    /// ... and one server's price with its accelerators, USD (or the bundled server's, replaced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_price_usd: Option<f64>,
    /// Servers bought; 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servers: Option<u32>,
    /// When they were bought, `YYYY-MM` (the cumulative chart's first month).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_date: Option<String>,
    /// Share of the accelerator-hours in use, 0–1: what a used hour's price divides by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utilization: Option<f64>,
    /// Years the servers' price is recovered over, at the cost of capital; 5 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depreciation_years: Option<f64>,
    /// What the servers sell for at the end, as a share of their price, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual_value: Option<f64>,
    /// Annual cost of capital, 0–1 (0.08 for 8%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_of_capital: Option<f64>,
    /// Network and storage equipment bought with the servers, as a share of their price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equipment_share: Option<f64>,
    /// A server's power at full load, watts (the bundled server's when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_power_watts: Option<f64>,
    /// Each accelerator's power while idle, as a share of its board power.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_power_share: Option<f64>,
    /// The facility's power usage effectiveness, at least 1 (its power over the IT load's);
    /// 1.58, an industry average, when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pue: Option<f64>,
    /// Electricity, USD per kilowatt-hour; 0.0826, the US average industrial price in 2025, when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd_per_kwh: Option<f64>,
    /// The facility's price per kilowatt of IT load provisioned, a month: colocation, or an owned
    /// hall's costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility_usd_per_kw_month: Option<f64>,
    /// Support and software subscriptions a year, per accelerator, USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub support_usd_per_accelerator_year: Option<f64>,
    /// One operations engineer a year, fully loaded, USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_usd_per_year: Option<f64>,
    /// Servers one operations engineer runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub servers_per_staff: Option<f64>,
}
