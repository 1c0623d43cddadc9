//! The `owned` section resolved: the server looked up, every term checked, and the absent ones
//! filled with their sourced defaults (each listed in the report's assumptions).

use crate::catalogue::owned::{Ownership, server};
use crate::catalogue::pricing::{OfferUsed, PriceBook};
use crate::scenario::owned::Owned;
use crate::vocabulary::check::{
    Ceiling, MAX_DEPRECIATION_YEARS, MAX_PUE, MAX_SERVER_PRICE_USD, MAX_SERVER_WATTS, MAX_SERVERS,
    MAX_USD_PER_KW_MONTH, MAX_USD_PER_KWH, MAX_USD_PER_YEAR, at_most, fraction, non_negative,
    positive, positive_count, share,
};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::json;
use crate::vocabulary::provenance::{Assumption, Sourced};
use crate::vocabulary::terms::Plan;
use crate::vocabulary::units::{Usd, UsdPerHour, UsdPerKilowattHour, UsdPerKilowattMonth, Watts};

/// Years the servers are depreciated over: Amazon shortened a subset of its servers' useful life
/// from six years to five from 1 January 2025, for "the increased pace of technology development,
/// particularly in the area of artificial intelligence" (10-K for 2024); Meta uses 5.5 years,
/// Microsoft and Alphabet six. The shortest suits accelerators.
pub const DEPRECIATION_YEARS: Sourced<f64> = Sourced {
    value: 5.0,
    source: "Amazon's five-year server life from 2025, shortened from six for AI's pace (10-K for 2024); Meta 5.5, Microsoft and Alphabet 6",
    as_of: "2026-12-07",
};

/// The servers' value at the end. Estimate: none. Resale prices are anecdotal (a used H100 PCIe
/// sold for about $20,000 of a $30,000 new price after some three years, spotwire.ai's eBay
/// comparables, 2026) and fall with each generation; counting none keeps a guess from making
/// owning look cheaper.
pub const RESIDUAL_VALUE: Sourced<f64> = Sourced {
    value: 0.0,
    source: "estimate: no resale value counted (published used-GPU prices are anecdotal: an H100 PCIe at about $20,000 of $30,000 new, spotwire.ai 2026)",
    as_of: "2026-12-07",
};

/// The cost of capital: CoreWeave, which borrows against GPUs, paid 7–15% on its loans and 12.3% on
/// average on its short-term debt (10-Q for the quarter to June 2025).
pub const COST_OF_CAPITAL: Sourced<f64> = Sourced {
    value: 0.123,
    source: "CoreWeave's weighted average interest on short-term debt, 12.3% (7-15% across its GPU-backed loans; 10-Q, June 2025)",
    as_of: "2026-12-07",
};

/// Network and storage equipment bought with the servers, as a share of their price: Epoch AI
/// counts the cluster interconnect as 19% of a cluster's total cost
/// (epoch-research/training-cost-trends, `cost_analysis_standalone.py`), so 0.19 / 0.81 of the
/// servers' own.
pub const EQUIPMENT_SHARE: Sourced<f64> = Sourced {
    value: 0.19 / 0.81,
    source: "Epoch AI's cluster interconnect at 19% of a cluster's cost (training-cost-trends, cost_analysis_standalone.py): 0.19/0.81 of the servers'",
    as_of: "2026-04-01",
};

/// An idle accelerator's power as a share of its board power. Estimate: about 70 W of an H100
/// SXM's 700 W in one published nvidia-smi log (ten minutes idle on RunPod, 2026); NVIDIA
/// publishes no idle figure.
pub const IDLE_POWER_SHARE: Sourced<f64> = Sourced {
    value: 0.1,
    source: "estimate: an idle H100 SXM drew about 70 W of its 700 W in one published nvidia-smi log (2026); NVIDIA publishes none",
    as_of: "2026-05-08",
};

/// The facility's power usage effectiveness: the Uptime Institute's survey found an industry
/// average of 1.58 in 2023 (1.55 to 1.59 since about 2020). Owned servers sit in enterprise or
/// colocation halls, not hyperscale ones (whose 1.1 is `training`'s default for cloud capacity).
pub const PUE: Sourced<f64> = Sourced {
    value: 1.58,
    source: "Uptime Institute's industry average PUE, 1.58 in 2023 (UII Update 221)",
    as_of: "2023-11-23",
};

/// Electricity: the US average industrial price in 2025, 8.26 cents a kilowatt-hour (EIA, as Epoch
/// AI's training-cost-trends uses it).
pub const USD_PER_KWH: Sourced<f64> = Sourced {
    value: 0.0826,
    source: "US average industrial electricity, $0.0826/kWh in 2025 (EIA Electric Power Monthly, via Epoch AI's training-cost-trends)",
    as_of: "2026-04-01",
};

/// The facility per kilowatt of IT load: CBRE's average North American asking rate for 250–500 kW
/// of colocation, $184.06 per kW a month in the second half of 2024.
pub const FACILITY_USD_PER_KW_MONTH: Sourced<f64> = Sourced {
    value: 184.06,
    source: "CBRE North America Data Center Trends H2 2024: $184.06 per kW a month for 250-500 kW",
    as_of: "2025-02-26",
};

/// Support and software a year per accelerator: NVIDIA AI Enterprise, whose subscription
/// includes production support, "is $4,500 per GPU per year" (Jensen Huang, NVIDIA's earnings call
/// for the third quarter of fiscal 2024, November 2023). H100 PCIe and H200 NVL cards come with five
/// years of it; other vendors' terms differ.
pub const SUPPORT_USD_PER_ACCELERATOR_YEAR: Sourced<f64> = Sourced {
    value: 4_500.0,
    source: "NVIDIA AI Enterprise, software with production support, $4,500 per GPU a year (Jensen Huang, Q3 FY2024 earnings call)",
    as_of: "2023-11-21",
};

/// An operations engineer a year, fully loaded. Estimate: no published figure was found; about
/// $200,000 with salary, benefits and overhead for a US infrastructure engineer.
pub const STAFF_USD_PER_YEAR: Sourced<f64> = Sourced {
    value: 200_000.0,
    source: "estimate: a US infrastructure engineer with salary, benefits and overhead; no published figure found",
    as_of: "2026-12-07",
};

/// Servers one operations engineer runs. Estimate: no published ratio was found (the Uptime
/// Institute counts the industry's staff, not staff per server); a hundred GPU servers each.
pub const SERVERS_PER_STAFF: Sourced<f64> = Sourced {
    value: 100.0,
    source: "estimate: one engineer per hundred GPU servers; no published ratio found",
    as_of: "2026-12-07",
};

/// Why a build without the `owned` feature refuses the owned plan.
pub const NOT_IN_THIS_BUILD: &str = "owned: the owned servers are priced by the rest of the app, which loads in a moment (the Own or rent panel on the Optimize page sets their terms)";

/// An `owned` section ready to price.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedOwned {
    /// The bundled server's id, when one is named.
    pub server: Option<String>,
    /// The id of the accelerator the servers hold, from the hardware table.
    pub accelerator: String,
    /// The terms of owning the servers, each given or its default.
    pub ownership: Ownership,
    /// Share of the accelerator-hours in use, above 0 and at most 1.
    pub utilization: f64,
    /// The year and month the servers were bought, when given.
    pub purchased: Option<(i32, u32)>,
    /// Where the server's price and power come from, and their date (empty when given).
    pub source: String,
    /// The date of that source (empty when given).
    pub as_of: String,
    /// The defaults filled in, in the order of the section's fields.
    pub assumptions: Vec<Assumption>,
}

/// The scenario's `owned` section as written, read into its fields: errors name the field
/// (`owned.pue`).
pub fn read_owned(section: &serde_json::Value) -> Result<Owned, Error> {
    #[derive(serde::Deserialize)]
    struct Section {
        owned: Owned,
    }
    let text = serde_json::json!({ "owned": section }).to_string();
    json::from_json::<Section>(&text).map(|s| s.owned).map_err(|e| e.within("owned"))
}

/// Resolves an `owned` section against the price book's hardware table.
pub fn resolve_owned(owned: &Owned, book: &PriceBook) -> Result<ResolvedOwned, Error> {
    let bundled = owned.server.as_deref().map(|id| server(id, "owned.server")).transpose()?;
    let accelerator_id = match (bundled, &owned.accelerator) {
        (Some(s), Some(given)) if *given != s.accelerator => {
            return Err(Error::new(
                "owned.accelerator",
                Problem::Conflicts {
                    other: format!("owned.server ({} holds {})", s.id, s.accelerator),
                },
            ));
        }
        (Some(s), _) => s.accelerator.clone(),
        (None, Some(given)) => given.clone(),
        (None, None) => return Err(Error::new("owned.server", Problem::Missing)),
    };
    let accelerator = book.accelerator(&accelerator_id, "owned.accelerator")?;
    let per_server = match (owned.accelerators_per_server, bundled) {
        (Some(count), _) => positive_count("owned.accelerators_per_server", count)?,
        (None, Some(s)) => s.accelerator_count,
        (None, None) => return Err(Error::new("owned.accelerators_per_server", Problem::Missing)),
    };
    let price = given_or_bundled(
        "owned.server_price_usd",
        owned.server_price_usd,
        bundled.map(|s| s.price_usd.get()),
        MAX_SERVER_PRICE_USD,
    )?;
    let servers = positive_count("owned.servers", owned.servers.unwrap_or(1))?;
    at_most("owned.servers", f64::from(servers), MAX_SERVERS)?;
    let utilization = owned
        .utilization
        .ok_or_else(|| {
            Error::new(
                "owned.utilization",
                Problem::Malformed("is required: the share of the accelerator-hours in use, 0–1 (no published figure fits every cluster)".into()),
            )
        })
        .and_then(|u| fraction("owned.utilization", u))?;
    if utilization <= 0.0 {
        return Err(Error::new("owned.utilization", Problem::MustBePositive));
    }
    let purchased = owned.purchase_date.as_deref().map(year_month).transpose()?;
    let mut assumptions = Vec::new();
    let mut or_default = |field: &'static str, given: Option<f64>, default: Sourced<f64>| {
        given.unwrap_or_else(|| {
            assumptions.push(Assumption {
                field: field.into(),
                value: default.value,
                source: default.source.into(),
                as_of: Some(default.as_of.into()),
            });
            default.value
        })
    };
    let years =
        or_default("owned.depreciation_years", owned.depreciation_years, DEPRECIATION_YEARS);
    let residual = or_default("owned.residual_value", owned.residual_value, RESIDUAL_VALUE);
    let rate = or_default("owned.cost_of_capital", owned.cost_of_capital, COST_OF_CAPITAL);
    let equipment = or_default("owned.equipment_share", owned.equipment_share, EQUIPMENT_SHARE);
    let idle = or_default("owned.idle_power_share", owned.idle_power_share, IDLE_POWER_SHARE);
    let pue = or_default("owned.pue", owned.pue, PUE);
    let usd_per_kwh = or_default("owned.usd_per_kwh", owned.usd_per_kwh, USD_PER_KWH);
    let facility = or_default(
        "owned.facility_usd_per_kw_month",
        owned.facility_usd_per_kw_month,
        FACILITY_USD_PER_KW_MONTH,
    );
    let support = or_default(
        "owned.support_usd_per_accelerator_year",
        owned.support_usd_per_accelerator_year,
        SUPPORT_USD_PER_ACCELERATOR_YEAR,
    );
    let staff =
        or_default("owned.staff_usd_per_year", owned.staff_usd_per_year, STAFF_USD_PER_YEAR);
    let per_staff =
        or_default("owned.servers_per_staff", owned.servers_per_staff, SERVERS_PER_STAFF);
    at_most(
        "owned.depreciation_years",
        positive("owned.depreciation_years", years)?,
        MAX_DEPRECIATION_YEARS,
    )?;
    share("owned.residual_value", residual)?;
    share("owned.cost_of_capital", rate)?;
    share("owned.equipment_share", equipment)?;
    share("owned.idle_power_share", idle)?;
    if pue < 1.0 {
        return Err(Error::new(
            "owned.pue",
            Problem::Malformed(
                "must be at least 1 (all the facility's power over its IT load)".into(),
            ),
        ));
    }
    at_most("owned.pue", pue, MAX_PUE)?;
    at_most("owned.usd_per_kwh", non_negative("owned.usd_per_kwh", usd_per_kwh)?, MAX_USD_PER_KWH)?;
    at_most(
        "owned.facility_usd_per_kw_month",
        non_negative("owned.facility_usd_per_kw_month", facility)?,
        MAX_USD_PER_KW_MONTH,
    )?;
    at_most(
        "owned.support_usd_per_accelerator_year",
        non_negative("owned.support_usd_per_accelerator_year", support)?,
        MAX_USD_PER_YEAR,
    )?;
    at_most(
        "owned.staff_usd_per_year",
        non_negative("owned.staff_usd_per_year", staff)?,
        MAX_USD_PER_YEAR,
    )?;
    at_most(
        "owned.servers_per_staff",
        positive("owned.servers_per_staff", per_staff)?,
        MAX_SERVERS,
    )?;
    // The server's power: given, or the bundled server's; at least its accelerators' own.
    let board = accelerator.board_power_watts.map(|w| w.get()).ok_or_else(|| {
        Error::new(
            "owned.accelerator",
            Problem::Malformed(format!(
                "{} has no board power in the hardware table",
                accelerator.id
            )),
        )
    })?;
    let server_watts = given_or_bundled(
        "owned.server_power_watts",
        owned.server_power_watts,
        bundled.map(|s| s.max_power_watts.get()),
        MAX_SERVER_WATTS,
    )?;
    let accelerators_watts = board * f64::from(per_server);
    if server_watts < accelerators_watts {
        return Err(Error::new(
            "owned.server_power_watts",
            Problem::Malformed(format!(
                "must be at least its accelerators' board power ({accelerators_watts:.0} W)"
            )),
        ));
    }
    Ok(ResolvedOwned {
        server: bundled.map(|s| s.id.clone()),
        accelerator: accelerator.id.clone(),
        ownership: Ownership {
            accelerators_per_server: per_server,
            servers,
            server_price_usd: Usd::new(price),
            equipment_share: equipment,
            depreciation_years: years,
            residual_share: residual,
            cost_of_capital: rate,
            accelerator_busy_watts: Watts::new(board),
            accelerator_idle_watts: Watts::new(board * idle),
            rest_of_server_watts: Watts::new(server_watts - accelerators_watts),
            pue,
            usd_per_kwh: UsdPerKilowattHour::new(usd_per_kwh),
            facility_usd_per_kw_month: UsdPerKilowattMonth::new(facility),
            support_usd_per_accelerator_year: Usd::new(support),
            staff_usd_per_year: Usd::new(staff),
            servers_per_staff: per_staff,
        },
        utilization,
        purchased,
        source: bundled.map_or_else(
            || "given (owned.server_price_usd, owned.server_power_watts)".to_owned(),
            |s| s.source.clone(),
        ),
        as_of: bundled.map(|s| s.as_of.clone()).unwrap_or_default(),
        assumptions,
    })
}

/// A training or serving section bought on the `owned` plan: what a used accelerator-hour of the
/// owned servers costs, as the offer the report names.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedPlan {
    /// USD per used accelerator-hour: the owned hour's cost over the utilisation.
    pub price: UsdPerHour,
    /// The owned servers as the offer the report names (`owned:<server>`, plan `owned`).
    pub used: OfferUsed,
    /// Accelerators in one owned server.
    pub accelerators_per_server: u32,
    /// All the owned servers' accelerators: what the section can use at once.
    pub accelerators: u32,
    /// The owned section: its terms, the utilisation the price assumes, its defaults.
    pub section: ResolvedOwned,
    /// The price's terms, in words.
    pub note: String,
}

impl ResolvedOwned {
    /// The utilisation 20% lower and higher (at most all the hours), and the price of a used
    /// hour there as a factor of the price now: what a section on the owned plan costs moves
    /// with, where a rented one moves with its price.
    pub fn utilization_what_if(&self) -> ((f64, f64), (f64, f64)) {
        let step = crate::vocabulary::uncertainty::WHAT_IF_STEP;
        let u = self.utilization;
        let (low, high) = (u * (1.0 - step), (u * (1.0 + step)).min(1.0));
        let now = self.ownership.per_used_accelerator_hour(u).get().max(f64::MIN_POSITIVE);
        let factor = |at: f64| self.ownership.per_used_accelerator_hour(at).get() / now;
        ((low, high), (factor(low), factor(high)))
    }
}

/// The fields of a section that choose its price, which the owned plan replaces.
pub(super) struct PlanFields<'a> {
    pub section: &'a str,
    pub accelerator: &'a str,
    pub typed_price: bool,
    pub offer: bool,
    pub region: bool,
}

impl PlanFields<'_> {
    /// The section on the owned servers: their accelerator, none of a rented offer's fields, and
    /// the price of a used accelerator-hour at the owned section's utilisation.
    pub(super) fn owned(&self, owned: Option<&ResolvedOwned>) -> Result<OwnedPlan, Error> {
        let field = |name: &str| format!("{}.{name}", self.section);
        let why = "plan owned (the owned section prices the servers)";
        for (name, given) in [
            ("offer", self.offer),
            ("price_per_accelerator_hour", self.typed_price),
            ("region", self.region),
        ] {
            if given {
                return Err(Error::new(field(name), Problem::Conflicts { other: why.into() }));
            }
        }
        let owned = owned.ok_or_else(|| {
            Error::new(
                field("plan"),
                Problem::Malformed(
                    "owned needs the scenario's owned section: the servers bought and the terms of owning them".into(),
                ),
            )
        })?;
        if owned.accelerator != self.accelerator {
            return Err(Error::new(
                field("accelerator"),
                Problem::OfferMismatch {
                    offer: "the owned servers".into(),
                    offer_has: format!(
                        "{} accelerators, not {}: give {} as the accelerator, or rent on another plan",
                        owned.accelerator, self.accelerator, owned.accelerator
                    ),
                },
            ));
        }
        let terms = &owned.ownership;
        let u = owned.utilization;
        let price = terms.per_used_accelerator_hour(u);
        let per_server = terms.accelerators_per_server;
        let name = owned.server.as_deref().unwrap_or(&owned.accelerator);
        let parts: Vec<String> = terms
            .per_accelerator_hour(u)
            .named()
            .iter()
            .map(|(term, cost)| format!("{term} ${:.2}", cost.get() / u))
            .collect();
        let note = format!(
            "owned: {} × {name} at {:.0}% utilisation, ${:.2} a used accelerator-hour ({}; `mlcost own` compares renting)",
            terms.servers,
            u * 100.0,
            price.get(),
            parts.join(", ")
        );
        Ok(OwnedPlan {
            price,
            used: OfferUsed {
                id: format!("owned:{name}"),
                plan: Plan::Owned,
                region: format!("{} servers at {:.0}% utilisation", terms.servers, u * 100.0),
                usd_per_instance_hour: price * f64::from(per_server),
                source: format!("the owned section's terms; server: {}", owned.source),
                as_of: owned.as_of.clone(),
            },
            accelerators_per_server: per_server,
            accelerators: per_server.saturating_mul(terms.servers),
            section: owned.clone(),
            note,
        })
    }
}

/// A server's figure: the one given (positive, at most `ceiling`), else the bundled server's.
fn given_or_bundled(
    field: &'static str,
    given: Option<f64>,
    bundled: Option<f64>,
    ceiling: Ceiling,
) -> Result<f64, Error> {
    match (given, bundled) {
        (Some(value), _) => at_most(field, positive(field, value)?, ceiling),
        (None, Some(value)) => Ok(value),
        (None, None) => Err(Error::new(field, Problem::Missing)),
    }
}

/// `YYYY-MM` (a day after it, `YYYY-MM-DD`, is allowed and ignored) as a year and month.
fn year_month(text: &str) -> Result<(i32, u32), Error> {
    let wrong = || {
        Error::new(
            "owned.purchase_date",
            Problem::Malformed(format!(
                "\"{}\" is not a year and month: write it as 2025-03",
                crate::vocabulary::error::clip(text)
            )),
        )
    };
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next().filter(|y| y.len() == 4).and_then(|y| y.parse::<i32>().ok());
    let month = parts.next().filter(|m| m.len() == 2).and_then(|m| m.parse::<u32>().ok());
    match (year, month) {
        (Some(year), Some(month)) if (1990..=2100).contains(&year) && (1..=12).contains(&month) => {
            Ok((year, month))
        }
        _ => Err(wrong()),
    }
}
