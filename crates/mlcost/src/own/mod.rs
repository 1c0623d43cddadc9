//! Own or rent: what the scenario's owned servers cost per used accelerator-hour, term by term,
//! against the cheapest rented offer of the same accelerator under each plan; the utilisation at
//! which owning wins and the months until it has paid for itself; and each month's cumulative
//! cost, owned and rented, for the chart.
//!
//! Why two views? The hourly price recovers the purchase over the depreciation years at the cost
//! of capital (the economist's view: what a used hour really costs). The months to break even
//! are the cash view (the purchase paid up front, then each month's running costs against each
//! month's rent), which is the question a budget asks.

use serde::{Deserialize, Serialize};

use crate::catalogue::owned::HourlyTerms;
use crate::catalogue::pricing::PriceBook;
use crate::scenario::Scenario;
use crate::scenario::resolve::owned::{ResolvedOwned, read_owned, resolve_owned};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::provenance::Assumption;
use crate::vocabulary::terms::Plan;
use crate::vocabulary::units::{
    DAYS_PER_MONTH, Fraction, HOURS_PER_MONTH, SECONDS_PER_DAY, Usd, UsdPerHour,
};

/// What owning costs against renting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnReport {
    /// The bundled server, when one is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The accelerator id the servers hold.
    pub accelerator: String,
    /// Servers bought.
    pub servers: u32,
    /// Accelerators across all the servers.
    pub accelerators: u32,
    /// Share of the accelerator-hours in use, a fraction 0–1 (`owned.utilization`).
    pub utilization: Fraction,
    /// The years the purchase is recovered over: the servers' life here.
    pub depreciation_years: f64,
    /// Each term of an owned accelerator-hour at the utilisation.
    pub per_accelerator_hour: HourlyTerms,
    /// An owned accelerator-hour's cost over the utilisation: what a used hour costs.
    pub per_used_accelerator_hour: UsdPerHour,
    /// The whole cluster: paid at purchase, then each month (cash), and each month all in
    /// (the purchase recovered at the cost of capital).
    pub upfront_usd: Usd,
    /// Paid each month of running the whole cluster at the utilisation, USD: energy, facility,
    /// support and staff.
    pub running_per_month_usd: Usd,
    /// The whole cluster for a month all in, USD: every owned accelerator-hour, the purchase
    /// recovered at the cost of capital.
    pub monthly_cost_usd: Usd,
    /// The cheapest rented offer of the accelerator under each plan, against owning.
    pub against: Vec<Rented>,
    /// Cumulative cost at the end of each month from the purchase, owned and under each plan.
    pub months: Vec<CumulativeMonth>,
    /// With a serving section on the owned accelerator: the requests a day the owned cluster
    /// serves at its targets, and each hosted API compared against owning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving_capacity_requests_per_day: Option<f64>,
    /// Each hosted API the serving section compares with, against owning; empty without a
    /// serving section with a load on the owned accelerator.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub against_apis: Vec<HostedApi>,
    /// The owned section's defaults used.
    pub assumptions: Vec<Assumption>,
    /// Remarks: no rented offer to compare with, a serving section on another accelerator, or a
    /// cluster too small for the busiest hour.
    pub notes: Vec<String>,
}

/// A rented plan against owning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rented {
    /// The offer's id (`provider:instance_type`).
    pub offer: String,
    /// The rented plan.
    pub plan: Plan,
    /// The region where the offer is cheapest under the plan.
    pub region: String,
    /// The offer's price under the plan, USD per accelerator-hour: its instance price over its
    /// accelerator count.
    pub price_per_accelerator_hour: UsdPerHour,
    /// Renting the cluster's used accelerator-hours (on-demand, spot) or all of them
    /// (committed plans, paid every hour) for a month.
    pub monthly_cost_usd: Usd,
    /// Whether owning costs less at the utilisation.
    pub owning_cheaper: bool,
    /// On-demand and spot: the utilisation above which owning costs less (none when it never
    /// does). Committed plans are paid every hour either way, so no utilisation decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_even_utilization: Option<Fraction>,
    /// Months until owning's cumulative cash falls below renting's at the utilisation; none when
    /// a month's rent does not exceed a month's running costs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_even_months: Option<f64>,
}

/// A hosted API against the owned cluster serving the scenario's requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HostedApi {
    /// The API's id.
    pub id: String,
    /// The API's name, for display.
    pub name: String,
    /// The scenario's requests on the API for a month.
    pub monthly_cost_usd: Usd,
    /// Requests a day above which owning costs less all in (its monthly cost is the same at any
    /// volume the cluster serves); none when that volume is beyond the cluster's capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_even_requests_per_day: Option<f64>,
    /// Months until owning's cash falls below the API's bills at the scenario's volume; none when
    /// the API costs no more a month than running the cluster, or the cluster cannot serve it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_even_months: Option<f64>,
}

/// The cumulative cost at the end of one month from the purchase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CumulativeMonth {
    /// Months since the purchase: 0 is the purchase itself.
    pub month: u32,
    /// That month, `YYYY-MM`, when the purchase date is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Owning's cumulative cash, USD: the purchase plus each month's running costs.
    pub owned_usd: Usd,
    /// Under each rented plan, in the order of `against`.
    pub rented_usd: Vec<Usd>,
    /// On each hosted API at the scenario's volume, in the order of `against_apis`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_usd: Vec<Usd>,
}

/// Owning the scenario's `owned` servers against renting them.
pub fn own(scenario: &Scenario, book: &PriceBook) -> Result<OwnReport, Error> {
    let section = scenario.owned.as_ref().ok_or_else(|| Error::new("owned", Problem::Missing))?;
    let resolved = resolve_owned(&read_owned(section)?, book)?;
    let mut report = compare(&resolved, book);
    against_apis(scenario, book, &resolved, &mut report)?;
    // Every figure finite, or an error naming the first that is not.
    crate::vocabulary::finite::checked("own", report)
}

/// The scenario's serving section on the owned cluster against the hosted APIs it compares with:
/// the cluster's capacity (its accelerators as replicas of the section's layout, each at its
/// capacity at the targets, with no autoscaler's headroom: the cluster is all there is), and for
/// each API the volume and months at which owning wins.
fn against_apis(
    scenario: &Scenario,
    book: &PriceBook,
    resolved: &ResolvedOwned,
    report: &mut OwnReport,
) -> Result<(), Error> {
    let Some(serving) = &scenario.serving else { return Ok(()) };
    if serving.accelerator != resolved.accelerator {
        report.notes.push(format!(
            "the serving section runs on {}, not the owned {}: no hosted API is compared",
            serving.accelerator, resolved.accelerator
        ));
        return Ok(());
    }
    let section = Scenario { training: None, ..scenario.clone() };
    let estimated = crate::estimate_with_options(&section, book, crate::Options::FIGURES)?;
    let Some(s) = estimated.serving else { return Ok(()) };
    let replicas =
        (f64::from(report.accelerators) / f64::from(s.accelerators_per_replica.max(1))).floor();
    let capacity = replicas * s.requests_per_second_per_replica_at_slo * SECONDS_PER_DAY;
    report.serving_capacity_requests_per_day = Some(capacity);
    let Some(daily) = s.requests_per_day.filter(|d| *d > 0.0) else { return Ok(()) };
    // The day's busiest hour must fit the cluster, not only its mean.
    let peak =
        s.hourly.iter().map(|h| h.requests_per_second).fold(daily / SECONDS_PER_DAY, f64::max);
    let serves = peak <= replicas * s.requests_per_second_per_replica_at_slo;
    let owned_monthly = report.monthly_cost_usd.get();
    let running = report.running_per_month_usd.get();
    for api in &s.api_comparison {
        let per_request = api.monthly_cost_usd.get() / (daily * DAYS_PER_MONTH);
        let volume = owned_monthly / (per_request * DAYS_PER_MONTH);
        let margin = api.monthly_cost_usd.get() - running;
        report.against_apis.push(HostedApi {
            id: api.id.clone(),
            name: api.name.clone(),
            monthly_cost_usd: api.monthly_cost_usd,
            break_even_requests_per_day: (per_request > 0.0 && volume <= capacity)
                .then_some(volume),
            break_even_months: (margin > 0.0 && serves).then(|| report.upfront_usd.get() / margin),
        });
    }
    // The chart's lines for the APIs: their bills month by month.
    for month in &mut report.months {
        let m = f64::from(month.month);
        month.api_usd = report.against_apis.iter().map(|a| a.monthly_cost_usd * m).collect();
    }
    if !serves {
        report.notes.push(format!(
            "the owned cluster serves {:.1} requests a second at the targets, less than the scenario's busiest hour's {peak:.1}",
            capacity / SECONDS_PER_DAY
        ));
    }
    Ok(())
}

/// The cheapest offer of the accelerator under each plan, any region, per accelerator-hour.
fn cheapest_rented(accelerator: &str, book: &PriceBook) -> Vec<(String, Plan, String, f64)> {
    Plan::RENTED
        .into_iter()
        .filter_map(|plan| {
            book.offers
                .iter()
                .filter(|o| o.accelerator == accelerator)
                .filter_map(|o| {
                    let price = book.price(o, plan, None)?;
                    let each = price.usd_per_instance_hour.get() / f64::from(o.accelerator_count);
                    Some((o.id(), plan, price.region.to_owned(), each))
                })
                .min_by(|a, b| a.3.total_cmp(&b.3))
        })
        .collect()
}

fn compare(resolved: &ResolvedOwned, book: &PriceBook) -> OwnReport {
    let terms = &resolved.ownership;
    let u = resolved.utilization;
    let hourly = terms.per_accelerator_hour(u);
    let accelerators = terms.accelerators();
    // Owning an hour: fixed terms, energy at idle, and energy rising with the utilisation.
    let idle = terms.per_accelerator_hour(0.0);
    let full = terms.per_accelerator_hour(1.0);
    let fixed = idle.total().get();
    let slope = full.energy.get() - idle.energy.get();
    let upfront = terms.upfront();
    let running = terms.running_per_month(u);
    let monthly = Usd::new(hourly.total().get() * accelerators * HOURS_PER_MONTH);
    let months_shown = (terms.depreciation_years * 12.0).ceil().clamp(1.0, 120.0) as u32;
    let mut against = Vec::new();
    for (offer, plan, region, price) in cheapest_rented(&resolved.accelerator, book) {
        let used = if plan.is_committed() { 1.0 } else { u };
        let rent = price * used * accelerators * HOURS_PER_MONTH;
        let owning_cheaper = hourly.total().get() < price * used;
        let break_even_utilization = (!plan.is_committed() && price > slope)
            .then(|| fixed / (price - slope))
            .filter(|share| *share <= 1.0)
            .map(Fraction::new);
        let margin = rent - running.get();
        let break_even_months = (margin > 0.0).then(|| upfront.get() / margin);
        against.push(Rented {
            offer,
            plan,
            region,
            price_per_accelerator_hour: UsdPerHour::new(price),
            monthly_cost_usd: Usd::new(rent),
            owning_cheaper,
            break_even_utilization,
            break_even_months,
        });
    }
    let months = (0..=months_shown)
        .map(|month| {
            let m = f64::from(month);
            CumulativeMonth {
                month,
                date: resolved.purchased.map(|(year, first)| {
                    let months = (first - 1) + month;
                    format!("{:04}-{:02}", year + (months / 12) as i32, months % 12 + 1)
                }),
                owned_usd: Usd::new(upfront.get() + running.get() * m),
                rented_usd: against
                    .iter()
                    .map(|r| Usd::new(r.monthly_cost_usd.get() * m))
                    .collect(),
                api_usd: Vec::new(),
            }
        })
        .collect();
    let mut notes = Vec::new();
    if against.is_empty() {
        notes.push(format!(
            "no offer in the price book rents {}: nothing to compare owning with",
            resolved.accelerator
        ));
    }
    OwnReport {
        server: resolved.server.clone(),
        accelerator: resolved.accelerator.clone(),
        servers: terms.servers,
        accelerators: terms.servers.saturating_mul(terms.accelerators_per_server),
        utilization: Fraction::new(u),
        depreciation_years: terms.depreciation_years,
        per_accelerator_hour: hourly,
        per_used_accelerator_hour: terms.per_used_accelerator_hour(u),
        upfront_usd: upfront,
        running_per_month_usd: running,
        monthly_cost_usd: monthly,
        against,
        months,
        serving_capacity_requests_per_day: None,
        against_apis: Vec::new(),
        assumptions: resolved.assumptions.clone(),
        notes,
    }
}

/// What owning costs at a utilisation that was measured (monitoring data) or scheduled (a job
/// queue), not assumed: the section's own `utilization` is replaced by it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnedAt {
    /// The bundled server, when one is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The accelerator id the servers hold.
    pub accelerator: String,
    /// The owned servers' accelerators.
    pub accelerators: u32,
    /// The utilisation the figures are at: the measured or scheduled one.
    pub utilization: Fraction,
    /// Each term of an owned accelerator-hour at it: what an hour costs, busy or idle.
    pub per_accelerator_hour: HourlyTerms,
    /// An owned hour over the utilisation: what each used hour cost.
    pub per_used_accelerator_hour: UsdPerHour,
    /// The power an idle accelerator draws with its share of the server, times PUE, an hour: all
    /// that switching it off saves (the rest is paid either way).
    pub idle_power_per_hour: UsdPerHour,
    /// The owned section's defaults used.
    pub assumptions: Vec<Assumption>,
}

/// The owned `section`'s terms at `utilization` (a share, 0–1, above 0).
pub fn owned_at(
    section: &serde_json::Value,
    utilization: f64,
    book: &PriceBook,
) -> Result<OwnedAt, Error> {
    let mut section = section.clone();
    if let Some(fields) = section.as_object_mut() {
        fields.insert("utilization".into(), utilization.into());
    }
    let resolved = resolve_owned(&read_owned(&section)?, book)?;
    let terms = &resolved.ownership;
    let at = OwnedAt {
        server: resolved.server.clone(),
        accelerator: resolved.accelerator.clone(),
        accelerators: terms.accelerators_per_server.saturating_mul(terms.servers).max(1),
        utilization: Fraction::new(resolved.utilization),
        per_accelerator_hour: terms.per_accelerator_hour(resolved.utilization),
        per_used_accelerator_hour: terms.per_used_accelerator_hour(resolved.utilization),
        idle_power_per_hour: terms.per_accelerator_hour(0.0).energy,
        assumptions: resolved.assumptions,
    };
    crate::vocabulary::finite::checked("owned", at)
}
