//! Everything a training run costs beside compute time: storage of the dataset and checkpoints over
//! the run, data transfer in and the trained model out, and the energy drawn.

use serde::{Deserialize, Serialize};

use crate::catalogue::pricing::{EgressTier, StorageTerms};
use crate::scenario::resolve::training::{Amount, DatasetSize, ResolvedTraining};
use crate::vocabulary::units::{Bytes, HOURS_PER_MONTH, Hours, Usd};

/// What a run costs beside compute, and the bytes stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct SideCosts {
    /// The dataset's size: as given, or one epoch's tokens times the bytes per token (0 for a run
    /// counted in samples).
    pub dataset_bytes: Bytes,
    /// Bytes of the checkpoints kept: one checkpoint times the number kept.
    pub checkpoint_storage_bytes: Bytes,
    /// Dataset and checkpoints stored over the run's wall-clock time, USD; 0 when no storage
    /// price is found (a note says so).
    pub storage_cost_usd: Usd,
    /// The dataset moved to compute when it lives elsewhere, and the trained model downloaded
    /// once, USD; a part with no transfer price adds 0 (a note says so).
    pub egress_cost_usd: Usd,
}

/// Storage over the run's wall-clock time, and egress: the dataset moved to compute when it lives
/// elsewhere, and the trained weights out to the internet once.
pub fn side_costs(
    run: &ResolvedTraining<'_>,
    checkpoint_bytes: Bytes,
    model_bytes: Bytes,
    wall_clock_hours: Hours,
    notes: &mut Vec<String>,
) -> SideCosts {
    let (storage, book) = (&run.storage, run.book);
    // Where compute runs, as far as the scenario says.
    let compute_provider = run.sold.map(|offer| offer.provider.as_str());
    let compute_region = run.offer.as_ref().map(|offer| offer.region.as_str());
    let dataset_bytes = match (storage.dataset, run.amount) {
        (DatasetSize::Bytes(bytes), _) => bytes,
        (DatasetSize::PerToken(per_token), Amount::Tokens { per_epoch, .. }) => {
            Bytes::new(per_epoch * per_token)
        }
        (DatasetSize::PerToken(_), Amount::Samples { .. }) => Bytes::new(0.0),
    };
    let checkpoint_storage_bytes = checkpoint_bytes * f64::from(storage.checkpoints_kept);
    let tier = storage.tier;
    let data_provider = storage.provider.or(compute_provider);
    let data_region = storage.region.or(compute_region);

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
    let gigabytes = (dataset_bytes + checkpoint_storage_bytes).get() / 1e9;
    let months = wall_clock_hours.get() / HOURS_PER_MONTH;
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
    let dataset_gb = dataset_bytes.get() / 1e9;
    let same_provider = data_provider == compute_provider;
    let same_region = data_region == compute_region;
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
    match terms(compute_provider, compute_region)
        .and_then(|t| tiered(&t.egress_internet, model_bytes.get() / 1e9))
    {
        Some(cost) => egress_cost_usd += cost,
        None => notes.push(
            "downloading the trained model is not priced: no egress price for the compute provider"
                .into(),
        ),
    }
    SideCosts {
        dataset_bytes,
        checkpoint_storage_bytes,
        storage_cost_usd: Usd::new(storage_cost_usd),
        egress_cost_usd: Usd::new(egress_cost_usd),
    }
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
