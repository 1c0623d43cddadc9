//! The price book: accelerators, instance offers, storage and transfer terms, and hosted-API token
//! prices, built once from `pricing-data/` (embedded at compile time) and optionally overlaid with a
//! user's own price sheet.
//!
//! Why one type for all of it? Every estimate needs several of these at once (an offer, its
//! accelerator, the provider's storage), and a user's sheet must override them consistently; one
//! value, passed around, keeps the bundled data and the overlay from disagreeing.
//!
//! Invariant: a price that is not sold is absent (`None`), never zero.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::catalogue::hardware::Accelerator;
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::terms::Plan;
use crate::vocabulary::units::UsdPerHour;

const ACCELERATORS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/accelerators.json"));
const OFFERS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/offers.json"));
const STORAGE_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/storage.json"));
const APIS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/apis.json"));

/// The price-book offer an estimate was priced with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct OfferUsed {
    /// The offer's id (`aws:p5.48xlarge`); on the owned plan, `owned:` and the server's id (or the
    /// accelerator's when no bundled server is named).
    pub id: String,
    /// The plan the price is under.
    pub plan: Plan,
    /// The region whose price was used: the one named, or the cheapest selling the plan. On the
    /// owned plan, the servers and utilisation in words.
    pub region: String,
    /// Price of one instance for an hour, in USD; on the owned plan, one server's used hour.
    pub usd_per_instance_hour: UsdPerHour,
    /// Where the price comes from.
    pub source: String,
    /// The price's date: the region's, or the offer's (ISO 8601); empty for owned servers whose
    /// figures the scenario gives.
    pub as_of: String,
}

/// An offer's price under one plan in one region, borrowed from the price book.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanPrice<'a> {
    /// The region the price is for.
    pub region: &'a str,
    /// Price of one instance for an hour, in USD.
    pub usd_per_instance_hour: UsdPerHour,
    /// The price's date: the region's, or the offer's.
    pub as_of: &'a str,
}

/// An offer's prices in one region, USD per instance-hour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct RegionPrices {
    /// The provider's region id (`us-east-1`).
    pub region: String,
    /// On-demand price; absent where not sold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_demand: Option<UsdPerHour>,
    /// Spot (preemptible) price; absent where not sold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot: Option<UsdPerHour>,
    /// One-year reservation or committed-use discount, as an effective hourly price; absent where
    /// not sold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_1y: Option<UsdPerHour>,
    /// Three-year reservation or committed-use discount, as an effective hourly price; absent
    /// where not sold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reserved_3y: Option<UsdPerHour>,
    /// When these prices come from elsewhere than the offer's `source` (a user's sheet), their
    /// date; absent, the offer's `as_of`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

impl RegionPrices {
    pub(crate) fn empty(region: &str) -> Self {
        Self {
            region: region.to_owned(),
            on_demand: None,
            spot: None,
            reserved_1y: None,
            reserved_3y: None,
            as_of: None,
        }
    }

    /// The price under `plan`; `None` where not sold, and always for the owned plan.
    pub fn price(&self, plan: Plan) -> Option<UsdPerHour> {
        match plan {
            Plan::OnDemand => self.on_demand,
            Plan::Spot => self.spot,
            Plan::Reserved1y => self.reserved_1y,
            Plan::Reserved3y => self.reserved_3y,
            Plan::Owned => None,
        }
    }

    /// The price slot of a rented plan (none for owning: no provider sells it).
    pub(crate) fn price_mut(&mut self, plan: Plan) -> Option<&mut Option<UsdPerHour>> {
        match plan {
            Plan::OnDemand => Some(&mut self.on_demand),
            Plan::Spot => Some(&mut self.spot),
            Plan::Reserved1y => Some(&mut self.reserved_1y),
            Plan::Reserved3y => Some(&mut self.reserved_3y),
            Plan::Owned => None,
        }
    }
}

/// A machine a provider rents out: `provider:instance_type` is its id (`aws:p5.48xlarge`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Offer {
    /// Lowercase provider name (`aws`, `gcp`, `azure`, `oracle`, `lambda`, ...).
    pub provider: String,
    /// The provider's name for the machine (`p5.48xlarge`).
    pub instance_type: String,
    /// Accelerator id from the hardware table.
    pub accelerator: String,
    /// Accelerators in one instance.
    pub accelerator_count: u32,
    /// Virtual CPUs per instance; absent when no source gives them (and in the app's first
    /// render, which shows none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpus: Option<u32>,
    /// Host memory per instance, in GiB (2^30 bytes); absent when no source gives it (and in the
    /// app's first render).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_gib: Option<f64>,
    /// Its prices, region by region.
    pub regions: Vec<RegionPrices>,
    /// Where the prices come from.
    pub source: String,
    /// The prices' date (ISO 8601), for every region without its own.
    pub as_of: String,
    /// True when a figure is derived rather than read off a price page (see `note`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
    /// How the prices were read or derived, and caveats, in words; absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The link between instances of this offer, when a source gives it: what a layout spanning
    /// several instances pays for its pipeline and data-parallel traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<Network>,
}

/// An instance's network to other instances: the dedicated GPU fabric where the provider has one
/// (InfiniBand, EFA, RoCE), else its Ethernet. Vendors' figures are ceilings, not measurements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Gigabits per second per instance (decimal), all its NICs together.
    pub gbps: f64,
    /// The fabric in words (`InfiniBand NDR`, `Ethernet (ENA)`); absent when no source names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technology: Option<String>,
    /// Whether the fabric does RDMA (GPUDirect): absent when no source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rdma: Option<bool>,
    /// Empty in the browser's copy, which keeps only the figures (see the crate's build script).
    #[serde(default)]
    pub source: String,
    /// The source's date (ISO 8601); empty in the browser's copy.
    #[serde(default)]
    pub as_of: String,
    /// True when the figure is inferred (an older or secondary source, a family's figure).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
    /// Caveats about the figure, in words; absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Network {
    /// The instance's bandwidth in bytes per second.
    pub fn bytes_per_second(&self) -> f64 {
        self.gbps * 1e9 / 8.0
    }
}

impl Offer {
    /// The id scenarios and sheets name it by: `provider:instance_type` (`aws:p5.48xlarge`).
    pub fn id(&self) -> String {
        format!("{}:{}", self.provider, self.instance_type)
    }
}

/// One internet-egress price band: GB per month up to `up_to_gb_per_month` (open-ended when absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct EgressTier {
    /// The band's upper bound, in GB a month; absent for the last, open-ended band.
    #[serde(default)]
    pub up_to_gb_per_month: Option<f64>,
    /// Price per GB within the band, in USD.
    pub usd_per_gb: f64,
}

/// Object storage classes, USD per GB-month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct ObjectStorage {
    /// The standard class; absent where none is priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<f64>,
    /// The infrequent-access class; absent where none is priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub infrequent: Option<f64>,
    /// The archive class; absent where none is priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<f64>,
}

/// Object storage request prices, USD per 1,000 requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct RequestPrices {
    /// Writes (PUT and the like); absent where none is priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub put_per_1000: Option<f64>,
    /// Reads (GET and the like); absent where none is priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub get_per_1000: Option<f64>,
}

/// A provider's storage and data-transfer prices in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct StorageTerms {
    /// Lowercase provider name, as offers spell it (`aws`).
    pub provider: String,
    /// The region the prices are for (`us-east-1`), or where they apply, in words, when the
    /// provider prices several regions alike.
    pub region: String,
    /// Object storage prices by class; absent where none is priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_storage: Option<ObjectStorage>,
    /// Block storage (network disks), USD per GB-month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_storage: Option<f64>,
    /// Object storage request prices; absent where none is priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests: Option<RequestPrices>,
    /// Internet egress bands, cheapest last; empty when no source gave them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress_internet: Vec<EgressTier>,
    /// Moving data to another of the provider's regions, USD per GB; absent where none is priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inter_region_usd_per_gb: Option<f64>,
    /// Where the prices come from.
    pub source: String,
    /// The source's date, or the day it was read when it gives none (ISO 8601).
    pub as_of: String,
    /// True when a figure is derived rather than read off a price page (see `note`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
    /// How the prices were read or derived, and caveats, in words; absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A hosted model API's token prices, USD per million tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct ApiModel {
    /// `provider:model`, lowercase (`openai:gpt-4o`).
    pub id: String,
    /// Lowercase provider name (`openai`).
    pub provider: String,
    /// The provider's name for the model (`gpt-4o`).
    pub model: String,
    /// Display name (`GPT-4o`).
    pub name: String,
    /// The model preset whose published weights the API serves (`llama-3.1-8b`), if any: how the
    /// app finds the APIs serving the scenario's own model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_weights: Option<String>,
    /// Prompt tokens, USD per million.
    pub input_per_million: f64,
    /// Output tokens, USD per million.
    pub output_per_million: f64,
    /// Cached prompt tokens, USD per million; absent, they cost what other prompt tokens do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input_per_million: Option<f64>,
    /// Where the prices come from.
    pub source: String,
    /// The source's date, or the day it was read when it gives none (ISO 8601).
    pub as_of: String,
    /// True when a figure is derived rather than read off a price page (see `note`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub estimate: bool,
    /// How the prices were read, and caveats, in words; absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Everything the engine knows about hardware and prices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriceBook {
    /// The hardware table.
    pub accelerators: Vec<Accelerator>,
    /// Every machine for rent, with its prices.
    pub offers: Vec<Offer>,
    /// Storage and data-transfer prices, by provider and region.
    pub storage: Vec<StorageTerms>,
    /// Hosted model APIs' token prices.
    pub apis: Vec<ApiModel>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
struct AcceleratorFile {
    accelerators: Vec<Accelerator>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
struct OfferFile {
    offers: Vec<Offer>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
struct StorageFile {
    providers: Vec<StorageTerms>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
struct ApiFile {
    models: Vec<ApiModel>,
}

static BUNDLED: LazyLock<Result<PriceBook, Error>> = LazyLock::new(|| {
    Ok(PriceBook {
        accelerators: embedded::<AcceleratorFile>("accelerators.json", ACCELERATORS_JSON)?
            .accelerators,
        offers: embedded::<OfferFile>("offers.json", OFFERS_JSON)?.offers,
        storage: embedded::<StorageFile>("storage.json", STORAGE_JSON)?.providers,
        apis: embedded::<ApiFile>("apis.json", APIS_JSON)?.models,
    })
});

fn embedded<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| {
        Error::new(format!("pricing-data/{name}"), Problem::BadEmbeddedData(e.to_string()))
    })
}

/// An offer a section's price came from: as the report names it, and as the book sells it.
pub(crate) type Chosen<'b> = (OfferUsed, &'b Offer);

/// How a scenario section says what compute costs: a typed price per accelerator-hour, or an offer
/// bought under a plan (on demand when absent), in a region (the cheapest selling it when absent).
pub(crate) struct PriceChoice<'a> {
    /// The scenario section the fields live in (`training`, `serving`), for error paths.
    pub section: &'a str,
    pub accelerator: &'a str,
    pub price_per_accelerator_hour: Option<UsdPerHour>,
    pub offer: Option<&'a str>,
    pub plan: Option<Plan>,
    pub region: Option<&'a str>,
}

impl PriceChoice<'_> {
    fn field(&self, name: &str) -> String {
        format!("{}.{name}", self.section)
    }

    /// The price per accelerator-hour, and the offer it came from when one was named: as the
    /// report names it, and as the book sells it.
    pub fn resolve<'b>(
        &self,
        book: &'b PriceBook,
    ) -> Result<(UsdPerHour, Option<Chosen<'b>>), Error> {
        let Some(offer_id) = self.offer else {
            // Without an offer, the offer's settings mean nothing: refuse them rather than ignore them.
            for (name, given) in [("plan", self.plan.is_some()), ("region", self.region.is_some())]
            {
                if given {
                    let other =
                        "price_per_accelerator_hour (plan and region choose an offer's price)"
                            .into();
                    return Err(Error::new(self.field(name), Problem::Conflicts { other }));
                }
            }
            let field = self.field("price_per_accelerator_hour");
            let price = self.price_per_accelerator_hour.ok_or_else(|| {
                let why = "is required without an offer (e.g. aws:p5.48xlarge)";
                Error::new(&field, Problem::Malformed(why.to_owned()))
            })?;
            crate::vocabulary::check::positive(&field, price.get())?;
            let ceiling = crate::vocabulary::check::MAX_PRICE_PER_ACCELERATOR_HOUR;
            crate::vocabulary::check::at_most(&field, price.get(), ceiling)?;
            return Ok((price, None));
        };
        if self.price_per_accelerator_hour.is_some() {
            return Err(Error::new(
                self.field("offer"),
                Problem::Conflicts { other: "price_per_accelerator_hour".into() },
            ));
        }
        let offer = book.offer(offer_id, &self.field("offer"))?;
        if offer.accelerator != self.accelerator {
            return Err(Error::new(
                self.field("accelerator"),
                Problem::OfferMismatch {
                    offer: offer.id(),
                    offer_has: format!(
                        "{} accelerators, not {}",
                        offer.accelerator, self.accelerator
                    ),
                },
            ));
        }
        let plan = self.plan.unwrap_or(Plan::OnDemand);
        if let Some(region) = self.region
            && offer.regions.iter().all(|r| r.region != region)
        {
            let regions: Vec<&str> = offer.regions.iter().map(|r| r.region.as_str()).collect();
            return Err(Error::new(
                self.field("region"),
                Problem::OfferMismatch {
                    offer: offer.id(),
                    offer_has: format!("sold only in the regions {}", regions.join(", ")),
                },
            ));
        }
        let price = book.price(offer, plan, self.region).ok_or_else(|| {
            Error::new(
                self.field("plan"),
                Problem::NotSold {
                    offer: offer.id(),
                    plan: plan.as_str().to_owned(),
                    region: self.region.map(str::to_owned),
                },
            )
        })?;
        let used = OfferUsed {
            id: offer.id(),
            plan,
            region: price.region.to_owned(),
            usd_per_instance_hour: price.usd_per_instance_hour,
            source: offer.source.clone(),
            as_of: price.as_of.to_owned(),
        };
        Ok((price.usd_per_instance_hour / f64::from(offer.accelerator_count), Some((used, offer))))
    }
}

/// The closed frontier API the app suggests comparing any model with, besides the APIs serving the
/// model's own weights. Why one? A self-hosted bill is judged against what the same weights cost
/// hosted and against what the best general model costs; OpenAI's flagship is the usual yardstick.
pub const FRONTIER_API: &str = "openai:gpt-5";

impl PriceBook {
    /// The hosted APIs worth comparing a self-hosted `preset` with: those serving its weights, then
    /// [`FRONTIER_API`] (ids of this book's APIs, in its order).
    pub fn suggested_apis(&self, preset: Option<&str>) -> Vec<&str> {
        let serving_it = self
            .apis
            .iter()
            .filter(|api| preset.is_some_and(|preset| api.open_weights.as_deref() == Some(preset)));
        let frontier = self.apis.iter().filter(|api| api.id == FRONTIER_API);
        serving_it.chain(frontier).map(|api| api.id.as_str()).collect()
    }

    /// The bundled book, parsed once.
    pub fn bundled() -> Result<&'static PriceBook, Error> {
        BUNDLED.as_ref().map_err(Clone::clone)
    }

    /// The accelerator `id`, or an error at `field` listing the known ones.
    pub fn accelerator(&self, id: &str, field: &str) -> Result<&Accelerator, Error> {
        self.accelerators.iter().find(|a| a.id == id).ok_or_else(|| {
            Error::new(
                field,
                Problem::Unknown {
                    kind: "accelerator",
                    id: id.to_owned(),
                    known: self.accelerators.iter().map(|a| a.id.clone()).collect(),
                },
            )
        })
    }

    /// The offer `provider:instance_type`, or an error at `field` when the book has none.
    pub fn offer(&self, id: &str, field: &str) -> Result<&Offer, Error> {
        let unknown = || Error::new(field, Problem::UnknownOffer { id: id.to_owned() });
        let (provider, instance) = id.split_once(':').ok_or_else(unknown)?;
        // The instance type first: it tells offers apart, often by length alone.
        self.offers
            .iter()
            .find(|o| o.instance_type == instance && o.provider == provider)
            .ok_or_else(unknown)
    }

    /// The cheapest region for an offer under a plan (or the given region), with its price per
    /// instance-hour and that price's date.
    pub fn price<'a>(
        &self,
        offer: &'a Offer,
        plan: Plan,
        region: Option<&str>,
    ) -> Option<PlanPrice<'a>> {
        offer
            .regions
            .iter()
            .filter(|r| region.is_none_or(|wanted| wanted == r.region))
            .filter_map(|r| r.price(plan).map(|p| (r, p)))
            .min_by(|a, b| a.1.get().total_cmp(&b.1.get()))
            .map(|(r, usd_per_instance_hour)| PlanPrice {
                region: &r.region,
                usd_per_instance_hour,
                as_of: r.as_of.as_deref().unwrap_or(&offer.as_of),
            })
    }

    /// The oldest `as_of` date of any record: how fresh the book is at worst.
    pub fn oldest_as_of(&self) -> &str {
        let dates = self
            .accelerators
            .iter()
            .map(|a| a.as_of.as_str())
            .chain(self.offers.iter().map(|o| o.as_of.as_str()))
            .chain(self.storage.iter().map(|s| s.as_of.as_str()))
            .chain(self.apis.iter().map(|m| m.as_of.as_str()));
        dates.min().unwrap_or("")
    }
}
