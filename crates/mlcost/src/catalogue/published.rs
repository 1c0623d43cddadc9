//! The published measurements the engine is checked against (`pricing-data/validation.json`):
//! each a scenario as a user would write it, the figure compared and its published value, with
//! the document and table it comes from. The validation table scores the engine on them; the
//! ranges take each default's published spread from them.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::vocabulary::error::{Error, Problem};

const VALIDATION_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/validation.json"));

/// What kind of measurement a case is: how a run or a replica was loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Regime {
    /// A whole pre-training run's accelerator-hours, failures and restarts included.
    TrainingWholeRun,
    /// A benchmark's steady throughput, as accelerator-hours for a set number of tokens.
    TrainingSteadyState,
    /// Serving with prompts at least four times the output.
    ServingPrefillHeavy,
    /// Serving with outputs at least four times the prompt.
    ServingDecodeHeavy,
    /// Serving with prompts and outputs of similar length: neither at least four times the other.
    ServingBalanced,
}

impl Regime {
    /// The regime in words (`training, whole run`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TrainingWholeRun => "training, whole run",
            Self::TrainingSteadyState => "training, steady state",
            Self::ServingPrefillHeavy => "serving, prefill-heavy",
            Self::ServingDecodeHeavy => "serving, decode-heavy",
            Self::ServingBalanced => "serving, balanced",
        }
    }

    /// Whether the case measures training (a whole run or a steady state).
    pub fn is_training(self) -> bool {
        matches!(self, Self::TrainingWholeRun | Self::TrainingSteadyState)
    }
}

/// The figure a case compares, in the unit its source publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Figure {
    /// A training run's accelerator-hours.
    #[serde(rename = "training.accelerator_hours")]
    AcceleratorHours,
    /// The whole system's: a replica's times the replicas the source ran.
    #[serde(rename = "serving.max_output_tokens_per_second")]
    MaxOutputTokensPerSecond,
    /// Prompt and output tokens together, the whole system's.
    #[serde(rename = "serving.max_total_tokens_per_second")]
    MaxTotalTokensPerSecond,
    /// A fixed batch's end-to-end latency: the first token, then every other.
    #[serde(rename = "serving.e2e_ms_at_batch")]
    E2eMsAtBatch,
    /// A fixed batch's time to first token, in milliseconds.
    #[serde(rename = "serving.ttft_ms_at_batch")]
    TtftMsAtBatch,
    /// A fixed batch's time per output token after the first, in milliseconds.
    #[serde(rename = "serving.tpot_ms_at_batch")]
    TpotMsAtBatch,
}

impl Figure {
    /// Whether the figure is a time (a faster engine makes it smaller).
    pub fn is_latency(self) -> bool {
        matches!(self, Self::E2eMsAtBatch | Self::TtftMsAtBatch | Self::TpotMsAtBatch)
    }

    /// The figure's unit, in words (`accelerator-hours`, `ms`).
    pub fn unit(self) -> &'static str {
        match self {
            Self::AcceleratorHours => "accelerator-hours",
            Self::MaxOutputTokensPerSecond => "output tokens/s",
            Self::MaxTotalTokensPerSecond => "tokens/s",
            Self::E2eMsAtBatch | Self::TtftMsAtBatch | Self::TpotMsAtBatch => "ms",
        }
    }
}

/// A case as the data file holds it.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct PublishedCase {
    /// Stable id of the case (`llama-2-34b`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// What kind of measurement it is.
    pub regime: Regime,
    /// The figure compared.
    pub figure: Figure,
    /// The published value, in the figure's unit.
    pub published: f64,
    /// The measured setup as a scenario, in JSON as a user would write it.
    #[cfg_attr(feature = "typescript", tsify(type = "Scenario"))]
    pub scenario: serde_json::Value,
    /// The document and table the value comes from.
    pub source: String,
    /// How the scenario was set up from the source, and caveats, in words; empty when none.
    #[serde(default)]
    pub note: String,
    /// Replicas the source ran side by side (a system's throughput over one replica's).
    #[serde(default)]
    pub replicas: Option<f64>,
    /// The fixed batch a latency figure (`serving.e2e_ms_at_batch` and the like) is measured at;
    /// absent for other figures.
    #[serde(default)]
    pub batch: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct File {
    cases: Vec<PublishedCase>,
}

static CASES: LazyLock<Result<Vec<PublishedCase>, Error>> = LazyLock::new(|| {
    serde_json::from_str::<File>(VALIDATION_JSON).map(|file| file.cases).map_err(|e| {
        Error::new("pricing-data/validation.json", Problem::BadEmbeddedData(e.to_string()))
    })
});

/// Every case of the file, in its order.
pub fn published_cases() -> Result<&'static [PublishedCase], Error> {
    CASES.as_deref().map_err(Clone::clone)
}
