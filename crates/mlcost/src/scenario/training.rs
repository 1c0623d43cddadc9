//! The training section of a scenario: the run's data, method, layout, hardware, price, and the
//! reliability and storage settings around it.

use serde::{Deserialize, Serialize};

use crate::catalogue::pricing::StorageTerms;
use crate::vocabulary::terms::{Method, Optimizer, Plan, Precision};
use crate::vocabulary::units::UsdPerHour;

/// How the accelerators split the work. Absent degrees are 1, except `data`, which is whatever
/// the accelerator count leaves.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Parallelism {
    /// Copies of the model, each fed its own share of the batch (data parallelism); absent, the
    /// accelerator count over `tensor` × `pipeline`, which a given value must equal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<u32>,
    /// Accelerators each layer is split across (tensor parallelism); 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tensor: Option<u32>,
    /// Stages the layers are cut into (pipeline parallelism); 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<u32>,
    /// Groups a mixture of experts' experts are split across (expert parallelism), within the
    /// data-parallel ranks, whose count it must divide; 1 when absent, and set aside (with a note)
    /// for a model without experts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expert: Option<u32>,
    /// ZeRO stage 0–3 (3 is what FSDP does); 0 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zero_stage: Option<u8>,
}

/// The machines a typed price runs on, where no offer names them (an owned cluster, a quote):
/// how many accelerators share one machine (its failures, its fast link) and the network between
/// machines, over which the run's traffic across them is priced as an offer's would be.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Nodes {
    /// Accelerators per machine; 8 (an HGX-class server) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accelerators: Option<u32>,
    /// Gigabits per second per machine (decimal), all its NICs together; absent, the traffic
    /// between machines is not priced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_gbps: Option<f64>,
}

/// The training section of a scenario: what the run processes and how, on which accelerators,
/// and at what price.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Training {
    /// Tokens processed over the whole run (all epochs). Give this, or `samples` (and `epochs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<f64>,
    /// Training examples in the dataset: sequences of the model's length, or images for models
    /// described by FLOPs per sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<f64>,
    /// Passes over the samples; 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epochs: Option<f64>,
    /// How the weights are trained: `full` (when absent), `lora` or `qlora`. LoRA and QLoRA need
    /// the model's transformer shape.
    #[serde(default, skip_serializing_if = "is_default")]
    pub method: Method,
    /// Adapter rank for LoRA and QLoRA; 16 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lora_rank: Option<u32>,
    /// Recompute activations in the backward pass instead of storing them.
    #[serde(default, skip_serializing_if = "is_default")]
    pub activation_checkpointing: bool,
    /// Recompute only each layer's cheap parts in the backward pass (normalisations, the gated
    /// MLP's product, MLA's key and value up-projections), as DeepSeek-V3 does (arXiv 2412.19437
    /// §3.2.3) and Megatron-Core's selective recomputation offers: most of the memory saved for
    /// under 1% more FLOPs. Has no effect under `activation_checkpointing`, which recomputes all.
    #[serde(default, skip_serializing_if = "is_default")]
    pub selective_recomputation: bool,
    /// The optimizer, whose state sets most of training's memory: `adamw` (when absent),
    /// `adamw-8bit`, `sgd` or `adafactor`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub optimizer: Optimizer,
    /// How the accelerators split the work; absent degrees are 1, except `data`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub parallelism: Parallelism,
    /// Sequences per accelerator per forward pass; 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub micro_batch: Option<u32>,
    /// Sequences per optimizer step across all data-parallel ranks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_batch: Option<u32>,
    /// Failures, restarts, checkpoints and spot preemptions; defaults documented in `reliability`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub reliability: Reliability,
    /// Dataset and checkpoint storage, and where the data lives.
    #[serde(default, skip_serializing_if = "is_default")]
    pub storage: StorageSettings,
    /// Finish within this many wall-clock hours: asks for the cheapest offer, count and plan that do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_hours: Option<f64>,
    /// Data-centre power usage effectiveness, for energy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pue: Option<f64>,
    /// The grid's carbon intensity, grams CO2e per kWh; the offer's region's when absent (the
    /// world's average when no region is known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grams_co2e_per_kwh: Option<f64>,
    /// An id from the hardware table (`h100-sxm`).
    pub accelerator: String,
    /// Accelerators the run uses, at least 1: a multiple of `parallelism.tensor` ×
    /// `parallelism.pipeline`.
    pub accelerator_count: u32,
    /// The format the matrix multiplications run in, `fp32`, `bf16`, `fp16` or `fp8`: it picks
    /// the accelerator's dense peak, which must be known for it.
    pub precision: Precision,
    /// Model FLOPs utilisation: achieved model FLOP/s over the dense peak, while training runs.
    /// Absent: the calibrated default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfu: Option<f64>,
    /// Fraction of wall-clock time that advances training (the rest is lost to failures, restarts and
    /// checkpoints). Absent: modelled from the accelerator count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goodput: Option<f64>,
    /// USD per accelerator-hour. Give this, or an `offer` from the price book.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_per_accelerator_hour: Option<UsdPerHour>,
    /// The machines a typed price runs on; only with `price_per_accelerator_hour` (an offer's
    /// instances are the offer's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Nodes>,
    /// A price-book offer id (`aws:p5.48xlarge`); the price is its instance price over its count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// How the offer is bought; on-demand when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
    /// The offer's region; absent, the cheapest region that sells the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl Training {
    /// A run on `accelerator_count` of `accelerator` with every optional setting absent (defaults).
    pub fn new(
        accelerator: impl Into<String>,
        accelerator_count: u32,
        precision: Precision,
    ) -> Self {
        Self {
            tokens: None,
            samples: None,
            epochs: None,
            method: Method::Full,
            lora_rank: None,
            activation_checkpointing: false,
            selective_recomputation: false,
            optimizer: Optimizer::Adamw,
            parallelism: Parallelism::default(),
            micro_batch: None,
            global_batch: None,
            reliability: Reliability::default(),
            storage: StorageSettings::default(),
            pue: None,
            grams_co2e_per_kwh: None,
            deadline_hours: None,
            accelerator: accelerator.into(),
            accelerator_count,
            precision,
            mfu: None,
            goodput: None,
            price_per_accelerator_hour: None,
            nodes: None,
            offer: None,
            plan: None,
            region: None,
        }
    }
}

/// The scenario's reliability settings; each absent one takes its default.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Reliability {
    /// Mean time between failures of one machine (node), hours; absent, the interruption rate
    /// per accelerator-hour published for Llama 3's training (arXiv 2407.21783).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtbf_hours_per_node: Option<f64>,
    /// Minutes from an interruption to training again (the node replaced or left out, the last
    /// checkpoint reloaded); 15 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_minutes: Option<f64>,
    /// Minutes between checkpoints; absent, the interval that wastes least (Young/Daly) for the
    /// run's interruption rate and checkpoint write time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_interval_minutes: Option<f64>,
    /// Gigabytes per second one node writes checkpoints at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_write_gbps: Option<f64>,
    /// Spot preemptions per node-hour, for runs on the spot plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_preemptions_per_hour: Option<f64>,
}

/// Where the training data lives and what is kept.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    /// The dataset's size, bytes: stored over the run, and moved to compute when it lives
    /// elsewhere. Not with `bytes_per_token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset_bytes: Option<f64>,
    /// Used when `dataset_bytes` is absent: dataset bytes per token (per epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_token: Option<f64>,
    /// Checkpoints stored at once; 2 when absent (the latest and the one before it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoints_kept: Option<u32>,
    /// The storage class the dataset and checkpoints are priced at; `object-standard` when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<StorageTier>,
    /// The provider storing the data; the compute offer's provider when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The data's region; the compute region when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// A storage class, priced per GB-month at the storing provider's price in the price book.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum StorageTier {
    /// Object storage, standard class.
    #[default]
    #[serde(rename = "object-standard")]
    ObjectStandard,
    /// Object storage, infrequent-access class.
    #[serde(rename = "object-infrequent")]
    ObjectInfrequent,
    /// Object storage, archive class.
    #[serde(rename = "object-archive")]
    ObjectArchive,
    /// Block storage (network disks).
    #[serde(rename = "block")]
    Block,
}

impl StorageTier {
    pub(crate) fn price(self, terms: &StorageTerms) -> Option<f64> {
        let object = terms.object_storage.as_ref();
        match self {
            Self::ObjectStandard => object.and_then(|o| o.standard),
            Self::ObjectInfrequent => object.and_then(|o| o.infrequent),
            Self::ObjectArchive => object.and_then(|o| o.archive),
            Self::Block => terms.block_storage,
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::ObjectStandard => "object-standard",
            Self::ObjectInfrequent => "object-infrequent",
            Self::ObjectArchive => "object-archive",
            Self::Block => "block",
        }
    }
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}
