//! The catalogue's view of the price book: every offer's price normalised per accelerator-hour,
//! per GB of accelerator memory, per dense 16-bit PFLOP/s and per TB/s of memory bandwidth.

use serde::{Deserialize, Serialize};

use crate::catalogue::hardware::Accelerator;
use crate::catalogue::pricing::{Offer, PriceBook, RegionPrices};
use crate::vocabulary::terms::Plan;
use crate::vocabulary::units::UsdPerHour;

/// A quote: one offer, in one region, under one plan, with the price in normalised units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Quote {
    /// The offer's id, `provider:instance_type`.
    pub offer: String,
    /// Lowercase provider name (`aws`).
    pub provider: String,
    /// The provider's name for the machine (`p5.48xlarge`).
    pub instance_type: String,
    /// Accelerator id from the hardware table.
    pub accelerator: String,
    /// Accelerators in one instance.
    pub accelerator_count: u32,
    /// The region priced.
    pub region: String,
    /// The plan priced: always a rented one.
    pub plan: Plan,
    /// Per instance-hour.
    pub usd_per_hour: UsdPerHour,
    /// Per accelerator-hour: the instance's price over its accelerators.
    pub usd_per_accelerator_hour: UsdPerHour,
    /// Per GB of accelerator memory per hour.
    pub usd_per_accelerator_memory_gb_hour: f64,
    /// Per dense 16-bit (BF16, or FP16 where there is no BF16) PFLOP/s for an hour.
    pub usd_per_dense_bf16_pflops_hour: Option<f64>,
    /// Per TB/s of accelerator memory bandwidth for an hour.
    pub usd_per_memory_tbps_hour: f64,
    /// Where the offer's prices come from.
    pub source: String,
    /// The price's date: the region's, or the offer's (ISO 8601).
    pub as_of: String,
    /// True when the offer's figures are derived rather than read off a price page.
    pub estimate: bool,
}

/// One offer in one region, with its price under every plan: a catalogue row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct OfferRow {
    /// The offer's id, `provider:instance_type`.
    pub offer: String,
    /// Accelerator id from the hardware table.
    pub accelerator: String,
    /// Accelerators in one instance.
    pub accelerator_count: u32,
    /// The region priced.
    pub region: String,
    /// USD per accelerator-hour under each plan, in [`Plan::RENTED`] order; `None` where not sold.
    pub per_accelerator_hour: [Option<UsdPerHour>; 4],
    /// The quote under the basis plan, with its normalised units; `None` where not sold.
    pub basis: Option<Quote>,
    /// Where the offer's prices come from.
    pub source: String,
    /// The prices' date: the region's, or the offer's (ISO 8601).
    pub as_of: String,
    /// True when the offer's figures are derived rather than read off a price page.
    pub estimate: bool,
}

/// Which quotes to list; `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QuoteFilter {
    /// Only offers of this accelerator id.
    pub accelerator: Option<String>,
    /// Only this provider's offers.
    pub provider: Option<String>,
    /// Only this region's prices.
    pub region: Option<String>,
    /// Only this plan's prices.
    pub plan: Option<Plan>,
}

impl PriceBook {
    /// Every (offer, region, plan) price matching `filter`, in book order.
    pub fn quotes(&self, filter: &QuoteFilter) -> Vec<Quote> {
        let mut quotes = Vec::new();
        for offer in self.matching_offers(filter) {
            let Some(accelerator) = self.accelerators.iter().find(|a| a.id == offer.accelerator)
            else {
                continue;
            };
            for region in offer
                .regions
                .iter()
                .filter(|r| filter.region.as_ref().is_none_or(|w| *w == r.region))
            {
                for plan in Plan::RENTED
                    .into_iter()
                    .filter(|p| filter.plan.is_none_or(|wanted| wanted == *p))
                {
                    if let Some(price) = region.price(plan) {
                        quotes.push(quote(offer, accelerator, region, plan, price));
                    }
                }
            }
        }
        quotes
    }

    /// The catalogue's rows: each offer in each region with its price under every plan, and the
    /// normalised units under `basis`.
    pub fn offer_rows(&self, filter: &QuoteFilter, basis: Plan) -> Vec<OfferRow> {
        let mut rows = Vec::new();
        for offer in self.matching_offers(filter) {
            let Some(accelerator) = self.accelerators.iter().find(|a| a.id == offer.accelerator)
            else {
                continue;
            };
            for region in offer
                .regions
                .iter()
                .filter(|r| filter.region.as_ref().is_none_or(|w| *w == r.region))
            {
                let per_accelerator_hour = Plan::RENTED
                    .map(|plan| region.price(plan).map(|p| p / f64::from(offer.accelerator_count)));
                let basis = region
                    .price(basis)
                    .map(|price| quote(offer, accelerator, region, basis, price));
                rows.push(OfferRow {
                    offer: offer.id(),
                    accelerator: offer.accelerator.clone(),
                    accelerator_count: offer.accelerator_count,
                    region: region.region.clone(),
                    per_accelerator_hour,
                    basis,
                    source: offer.source.clone(),
                    as_of: region.as_of.clone().unwrap_or_else(|| offer.as_of.clone()),
                    estimate: offer.estimate,
                });
            }
        }
        rows
    }

    fn matching_offers<'a>(&'a self, filter: &'a QuoteFilter) -> impl Iterator<Item = &'a Offer> {
        self.offers.iter().filter(|offer| {
            filter.accelerator.as_ref().is_none_or(|a| *a == offer.accelerator)
                && filter.provider.as_ref().is_none_or(|p| *p == offer.provider)
        })
    }
}

fn quote(
    offer: &Offer,
    accelerator: &Accelerator,
    region: &RegionPrices,
    plan: Plan,
    price: UsdPerHour,
) -> Quote {
    // Counts are >= 1: the bundled book's tests and every sheet parser check it.
    let per_accelerator = price / f64::from(offer.accelerator_count);
    let usd = per_accelerator.get();
    Quote {
        offer: offer.id(),
        provider: offer.provider.clone(),
        instance_type: offer.instance_type.clone(),
        accelerator: offer.accelerator.clone(),
        accelerator_count: offer.accelerator_count,
        region: region.region.clone(),
        plan,
        usd_per_hour: price,
        usd_per_accelerator_hour: per_accelerator,
        usd_per_accelerator_memory_gb_hour: usd / (accelerator.memory_bytes.get() / 1e9),
        usd_per_dense_bf16_pflops_hour: accelerator
            .dense
            .sixteen_bit()
            .map(|f| usd / (f.get() / 1e15)),
        usd_per_memory_tbps_hour: usd
            / (accelerator.memory_bandwidth_bytes_per_second.get() / 1e12),
        source: offer.source.clone(),
        as_of: region.as_of.clone().unwrap_or_else(|| offer.as_of.clone()),
        estimate: offer.estimate,
    }
}
