//! Prefill and decode pools resolved (`serving.disaggregation`): each pool's accelerator, layout
//! and price, and the link its KV caches cross.

use crate::catalogue::hardware::Accelerator;
use crate::catalogue::pricing::{Offer, PriceBook};
use crate::scenario::resolve::pricing::Pricing;
use crate::scenario::serving::{Disaggregation, Serving};
use crate::vocabulary::check::{positive, positive_count};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::units::UsdPerHour;

/// Prefill and decode pools resolved: their hardware and the link between them.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    /// The pool that computes prompts.
    pub prefill: PoolHardware<'a>,
    /// The pool that generates tokens.
    pub decode: PoolHardware<'a>,
    /// The link the KV caches cross, bytes per second: the one given, else the slower of the two
    /// offers' networks.
    pub link_bytes_per_second: f64,
}

/// What one pool's instances run on.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolHardware<'a> {
    /// The accelerator the pool's instances hold: its offer's, else the replicas'.
    pub accelerator: &'a Accelerator,
    /// Accelerators an instance of the pool spans (tensor parallel).
    pub tensor: u32,
    /// Per accelerator-hour; none when the section is not priced (no load).
    pub price: Option<UsdPerHour>,
    /// The offer it runs on, `provider:instance`, when the price is an offer's.
    pub offer: Option<String>,
    /// That offer as the price book sells it.
    pub sold: Option<&'a Offer>,
}

/// The pools of `d` for a section whose replicas run `tensor`-wide on `accelerator` at `pricing`.
pub fn resolve_split<'a>(
    d: &'a Disaggregation,
    serving: &'a Serving,
    book: &'a PriceBook,
    replicas: (&'a Accelerator, u32),
    pricing: Option<&Pricing<'a>>,
) -> Result<Split<'a>, Error> {
    let on = Section { serving, book, replicas, pricing };
    let prefill = on.pool(
        d.prefill_offer.as_deref(),
        d.prefill_tensor,
        ["serving.disaggregation.prefill_offer", "serving.disaggregation.prefill_tensor"],
    )?;
    let decode = on.pool(
        d.decode_offer.as_deref(),
        d.decode_tensor,
        ["serving.disaggregation.decode_offer", "serving.disaggregation.decode_tensor"],
    )?;
    let link = link(&prefill, &decode, d.link_gbps)?;
    Ok(Split { prefill, decode, link_bytes_per_second: link })
}

/// What a pool is resolved against: the serving section, its replicas' accelerator and tensor
/// degree, and their price.
#[derive(Debug, Clone, Copy)]
pub struct Section<'s, 'a> {
    /// The serving section as written.
    pub serving: &'a Serving,
    /// The price book its offers are looked up in.
    pub book: &'a PriceBook,
    /// The replicas' accelerator and tensor-parallel degree.
    pub replicas: (&'a Accelerator, u32),
    /// The replicas' price; none when the section is not priced (no load).
    pub pricing: Option<&'s Pricing<'a>>,
}

impl<'a> Section<'_, 'a> {
    /// A pool on `offer` (the replicas' when absent), `degree` accelerators an instance (the
    /// replicas' when absent), checked to fit an instance; `fields` name the two for errors.
    pub fn pool(
        &self,
        offer: Option<&str>,
        degree: Option<u32>,
        [offer_field, tensor_field]: [&'static str; 2],
    ) -> Result<PoolHardware<'a>, Error> {
        let (accelerator, tensor) = self.replicas;
        let mut hardware = match offer {
            Some(id) => on_offer(id, offer_field, self, tensor)?,
            None => PoolHardware {
                accelerator,
                tensor,
                price: self.pricing.map(|p| p.price),
                offer: self.pricing.and_then(|p| p.offer.as_ref()).map(|o| o.id.clone()),
                sold: self.pricing.and_then(|p| p.sold),
            },
        };
        hardware.tensor = positive_count(tensor_field, degree.unwrap_or(hardware.tensor))?;
        if let Some(sold) = hardware.sold
            && hardware.tensor > sold.accelerator_count
        {
            return Err(Error::new(
                tensor_field,
                Problem::Malformed(format!(
                    "must fit one instance of {} ({} accelerators)",
                    sold.id(),
                    sold.accelerator_count
                )),
            ));
        }
        Ok(hardware)
    }
}

/// The link between two pools in bytes a second: `given` Gbps, else the slower of their offers'
/// networks. Why the slower? A cache leaves one NIC and enters another: the narrower sets the pace.
pub fn link(
    prefill: &PoolHardware<'_>,
    decode: &PoolHardware<'_>,
    given: Option<f64>,
) -> Result<f64, Error> {
    let field = "serving.disaggregation.link_gbps";
    let networks = [prefill, decode].map(|p| p.sold.and_then(|o| o.network.as_ref()));
    match (given, networks) {
        (Some(gbps), _) => Ok(positive(field, gbps)? * 1e9 / 8.0),
        (None, [Some(a), Some(b)]) => Ok(a.bytes_per_second().min(b.bytes_per_second())),
        (None, _) => {
            let which = if prefill.sold.is_none() || decode.sold.is_none() {
                "is required: the pools are not on offers whose network is known"
            } else {
                "is required: an offer's network is not known"
            };
            Err(Error::new(field, Problem::Malformed(which.into())))
        }
    }
}

/// A pool on the offer `id`, bought under the section's plan in its region (the cheapest region
/// selling it when none is given); its tensor degree the replicas' until the pool gives one.
fn on_offer<'a>(
    id: &str,
    field: &'static str,
    section: &Section<'_, 'a>,
    tensor: u32,
) -> Result<PoolHardware<'a>, Error> {
    let offer = section.book.offer(id, field)?;
    let accelerator = section.book.accelerator(&offer.accelerator, field)?;
    let Some(pricing) = section.pricing else {
        return Ok(PoolHardware {
            accelerator,
            tensor,
            price: None,
            offer: None,
            sold: Some(offer),
        });
    };
    let Some(plan) = pricing.offer.as_ref().map(|o| o.plan) else {
        return Err(Error::new(
            field,
            Problem::Conflicts {
                other: "serving.price_per_accelerator_hour (a pool's offer is bought under the section's offer's plan; name serving.offer)".into(),
            },
        ));
    };
    let region = section.serving.region.as_deref();
    let price = section.book.price(offer, plan, region).ok_or_else(|| {
        Error::new(
            field,
            Problem::NotSold {
                offer: offer.id(),
                plan: plan.as_str().to_owned(),
                region: region.map(str::to_owned),
            },
        )
    })?;
    Ok(PoolHardware {
        accelerator,
        tensor,
        price: Some(price.usd_per_instance_hour / f64::from(offer.accelerator_count)),
        offer: Some(offer.id()),
        sold: Some(offer),
    })
}
