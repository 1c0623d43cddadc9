//! A training section's storage settings, checked: the dataset's size, the checkpoints kept, the
//! storage class and where the data lives, with the defaults they take reported as assumptions.

use crate::scenario::training::{StorageSettings, StorageTier};
use crate::vocabulary::check::non_negative;
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::provenance::{Assumption, Sourced};
use crate::vocabulary::units::Bytes;

/// Raw English text is about 4 bytes per token: OpenAI's tokenizer guide says one token is roughly
/// four characters of common English text.
pub const DEFAULT_BYTES_PER_TOKEN: Sourced<f64> = Sourced {
    value: 4.0,
    source: "estimate: raw English text, ~4 characters per token (OpenAI tokenizer guide)",
    as_of: "2026-11-29",
};

/// Checkpoints kept: the latest, and the one before it in case the latest was being written when a
/// failure struck. Estimate.
pub const DEFAULT_CHECKPOINTS_KEPT: Sourced<u32> = Sourced {
    value: 2,
    source: "estimate: the latest checkpoint and the one before it",
    as_of: "2026-11-29",
};

/// How big the dataset is, as the scenario says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DatasetSize {
    /// The dataset's size in bytes (`training.storage.dataset_bytes`).
    Bytes(Bytes),
    /// Bytes per token of one epoch.
    PerToken(f64),
}

/// The storage settings, checked, with their defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ResolvedStorage<'a> {
    /// How big the dataset is: bytes given, or bytes per token (the default's when neither is
    /// given).
    pub dataset: DatasetSize,
    /// Checkpoints stored at once; the default's when not given.
    pub checkpoints_kept: u32,
    /// The storage class the data is priced at; object-standard when not given.
    pub tier: StorageTier,
    /// The provider and region storing the data; the compute offer's when absent.
    pub provider: Option<&'a str>,
    /// The data's region, when given; the compute offer's when absent.
    pub region: Option<&'a str>,
}

/// The storage settings checked, with the defaults they take reported as assumptions (a run
/// counted in samples has no tokens for the bytes per token to size: not one of them).
pub(super) fn storage<'a>(
    settings: &'a StorageSettings,
    counts_samples: bool,
    assumptions: &mut Vec<Assumption>,
) -> Result<ResolvedStorage<'a>, Error> {
    let dataset = match (settings.dataset_bytes, settings.bytes_per_token) {
        (Some(_), Some(_)) => {
            return Err(Error::new(
                "training.storage.dataset_bytes",
                Problem::Conflicts { other: "bytes_per_token".into() },
            ));
        }
        (Some(bytes), None) => {
            DatasetSize::Bytes(Bytes::new(non_negative("training.storage.dataset_bytes", bytes)?))
        }
        (None, Some(per_token)) => {
            DatasetSize::PerToken(non_negative("training.storage.bytes_per_token", per_token)?)
        }
        (None, None) => {
            if !counts_samples {
                assumptions
                    .push(DEFAULT_BYTES_PER_TOKEN.assumed("training.storage.bytes_per_token"));
            }
            DatasetSize::PerToken(DEFAULT_BYTES_PER_TOKEN.value)
        }
    };
    let checkpoints_kept = settings.checkpoints_kept.unwrap_or(DEFAULT_CHECKPOINTS_KEPT.value);
    if settings.checkpoints_kept.is_none() {
        assumptions.push(DEFAULT_CHECKPOINTS_KEPT.assumed("training.storage.checkpoints_kept"));
    }
    Ok(ResolvedStorage {
        dataset,
        checkpoints_kept,
        tier: settings.tier.unwrap_or_default(),
        provider: settings.provider.as_deref(),
        region: settings.region.as_deref(),
    })
}
