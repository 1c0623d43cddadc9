//! Everything a training run costs beside compute time: storage of the dataset and checkpoints over
//! the run, data transfer in and the trained model out, and the energy drawn.

use serde::{Deserialize, Serialize};

use crate::catalogue::pricing::{EgressTier, PriceBook, StorageTerms};
use crate::scenario::training::StorageSettings;
use crate::vocabulary::check::non_negative;
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::provenance::Assumption;
use crate::vocabulary::units::HOURS_PER_MONTH;

/// Raw English text is about 4 bytes per token: OpenAI's tokenizer guide says one token is roughly
/// four characters of common English text.
pub const DEFAULT_BYTES_PER_TOKEN: f64 = 4.0;

/// Checkpoints kept: the latest, and the one before it in case the latest was being written when a
/// failure struck. Estimate.
pub const DEFAULT_CHECKPOINTS_KEPT: u32 = 2;

/// Power usage effectiveness: Google reports a fleet-wide trailing-twelve-month PUE of 1.10 for its
/// data centres (Google Environmental Report 2024); the Uptime Institute's industry survey average
/// is about 1.56. The hyperscale figure suits cloud GPU capacity.
pub const DEFAULT_PUE: f64 = 1.10;

/// Where compute runs, as far as the scenario says.
#[derive(Debug, Clone, Copy)]
pub struct ComputeSite<'a> {
    pub provider: Option<&'a str>,
    pub region: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideCosts {
    pub dataset_bytes: f64,
    pub checkpoint_storage_bytes: f64,
    pub storage_cost_usd: f64,
    pub egress_cost_usd: f64,
}

/// Storage over the run's wall-clock time, and egress: the dataset moved to compute when it lives
/// elsewhere, and the trained weights out to the internet once.
#[allow(clippy::too_many_arguments, reason = "each input is a separate fact the caller has")]
pub fn side_costs(
    settings: &StorageSettings,
    book: &PriceBook,
    site: ComputeSite<'_>,
    tokens_per_epoch: Option<f64>,
    checkpoint_bytes: f64,
    model_bytes: f64,
    wall_clock_hours: f64,
    assumptions: &mut Vec<Assumption>,
    notes: &mut Vec<String>,
) -> Result<SideCosts, Error> {
    let dataset_bytes = match (settings.dataset_bytes, settings.bytes_per_token) {
        (Some(_), Some(_)) => {
            return Err(Error::new(
                "training.storage.dataset_bytes",
                Problem::Conflicts { other: "bytes_per_token".into() },
            ));
        }
        (Some(bytes), None) => non_negative("training.storage.dataset_bytes", bytes)?,
        (None, per_token) => {
            let per_token = match per_token {
                Some(value) => non_negative("training.storage.bytes_per_token", value)?,
                None => {
                    assumptions.push(Assumption {
                        field: "training.storage.bytes_per_token".into(),
                        value: DEFAULT_BYTES_PER_TOKEN,
                        source: "estimate: raw English text, ~4 characters per token (OpenAI tokenizer guide)".into(),
                    });
                    DEFAULT_BYTES_PER_TOKEN
                }
            };
            tokens_per_epoch.unwrap_or(0.0) * per_token
        }
    };
    let kept = settings.checkpoints_kept.unwrap_or(DEFAULT_CHECKPOINTS_KEPT);
    if settings.checkpoints_kept.is_none() {
        assumptions.push(Assumption {
            field: "training.storage.checkpoints_kept".into(),
            value: f64::from(kept),
            source: "estimate: the latest checkpoint and the one before it".into(),
        });
    }
    let checkpoint_storage_bytes = f64::from(kept) * checkpoint_bytes;
    let tier = settings.tier.unwrap_or_default();
    let compute_provider = site.provider;
    let data_provider = settings.provider.as_deref().or(compute_provider);
    let data_region = settings.region.as_deref().or(site.region);

    let terms = |provider: Option<&str>, region: Option<&str>| -> Option<&StorageTerms> {
        let provider = provider?;
        let of_provider = || book.storage.iter().filter(move |t| t.provider == provider);
        region.and_then(|r| of_provider().find(|t| t.region == r)).or_else(|| of_provider().next())
    };

    if let (Some(provider), Some(region)) = (data_provider, data_region)
        && book.storage.iter().any(|t| t.provider == provider)
        && !book.storage.iter().any(|t| t.provider == provider && t.region == region)
    {
        notes.push(format!(
            "no {provider} storage prices for {region}: priced with another of its regions"
        ));
    }
    let gigabytes = (dataset_bytes + checkpoint_storage_bytes) / 1e9;
    let months = wall_clock_hours / HOURS_PER_MONTH;
    let storage_cost_usd = match terms(data_provider, data_region)
        .and_then(|t| tier.price(t).map(|p| (t, p)))
    {
        Some((_, per_gb_month)) => gigabytes * per_gb_month * months,
        None => {
            notes.push(format!(
                "storage is not priced: no {} price for {} (name an offer, or training.storage.provider)",
                tier.as_str(),
                data_provider.unwrap_or("an unnamed provider")
            ));
            0.0
        }
    };

    let mut egress_cost_usd = 0.0;
    let dataset_gb = dataset_bytes / 1e9;
    let same_provider = data_provider == compute_provider;
    let same_region = data_region == site.region;
    if dataset_gb > 0.0 && !(same_provider && same_region) {
        let source = terms(data_provider, data_region);
        let cost = if same_provider {
            source.and_then(|t| t.inter_region_usd_per_gb).map(|per_gb| per_gb * dataset_gb)
        } else {
            source.and_then(|t| tiered(&t.egress_internet, dataset_gb))
        };
        match cost {
            Some(cost) => egress_cost_usd += cost,
            None => notes.push(
                "moving the dataset to compute is not priced: no transfer price for its source"
                    .into(),
            ),
        }
    }
    match terms(compute_provider, site.region)
        .and_then(|t| tiered(&t.egress_internet, model_bytes / 1e9))
    {
        Some(cost) => egress_cost_usd += cost,
        None => notes.push(
            "downloading the trained model is not priced: no egress price for the compute provider"
                .into(),
        ),
    }
    Ok(SideCosts { dataset_bytes, checkpoint_storage_bytes, storage_cost_usd, egress_cost_usd })
}

/// The cost of `gb` gigabytes through tiered egress prices (each tier up to its monthly volume).
pub fn tiered(tiers: &[EgressTier], gb: f64) -> Option<f64> {
    if tiers.is_empty() {
        return None;
    }
    let mut cost = 0.0;
    let mut covered = 0.0;
    for tier in tiers {
        let top = tier.up_to_gb_per_month.unwrap_or(f64::INFINITY);
        let in_tier = (gb.min(top) - covered).max(0.0);
        cost += in_tier * tier.usd_per_gb;
        covered = covered.max(top.min(gb));
        if covered >= gb {
            break;
        }
    }
    // Volume beyond the last bounded tier pays the last tier's price.
    if covered < gb
        && let Some(last) = tiers.last()
    {
        cost += (gb - covered) * last.usd_per_gb;
    }
    Some(cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn egress_tiers_add_up() {
        let tiers = [
            EgressTier { up_to_gb_per_month: Some(100.0), usd_per_gb: 0.0 },
            EgressTier { up_to_gb_per_month: Some(10_100.0), usd_per_gb: 0.09 },
            EgressTier { up_to_gb_per_month: None, usd_per_gb: 0.05 },
        ];
        assert_eq!(tiered(&tiers, 50.0), Some(0.0));
        let cost = tiered(&tiers, 20_100.0).unwrap();
        assert!((cost - (10_000.0 * 0.09 + 10_000.0 * 0.05)).abs() < 1e-9, "{cost}");
        assert_eq!(tiered(&[], 1.0), None);
    }
}
