//! The words every layer shares: numeric formats, training methods and optimizers, and the plans
//! capacity is bought under. Plain enums with their JSON spellings, which are a contract.

use serde::{Deserialize, Serialize};

/// The numeric format the matrix multiplications run in; it selects the accelerator's dense peak.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// 32-bit floats, at the accelerator's FP32 peak: 4-byte weights and gradients, and no
    /// separate master copy.
    Fp32,
    /// BF16 mixed precision, at the BF16 peak: 16-bit weights and gradients with an FP32 master
    /// copy in the optimizer.
    Bf16,
    /// FP16 mixed precision, at the FP16 peak: 16-bit weights and gradients with an FP32 master
    /// copy in the optimizer.
    Fp16,
    /// FP8 matrix multiplications at the FP8 peak, on 16-bit weights cast per operation; the
    /// default MFU assumes BF16's FLOP/s times the median published FP8 speed-up.
    Fp8,
}

impl Precision {
    /// Every precision, widest first.
    pub const ALL: [Precision; 4] = [Self::Fp32, Self::Bf16, Self::Fp16, Self::Fp8];

    /// The JSON spelling: "fp32", "bf16", "fp16", "fp8".
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fp32 => "fp32",
            Self::Bf16 => "bf16",
            Self::Fp16 => "fp16",
            Self::Fp8 => "fp8",
        }
    }
}

/// How the weights are trained.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// Every weight is trained.
    #[default]
    Full,
    /// Low-rank adapters on a frozen 16-bit base (Hu et al. 2021, arXiv 2106.09685).
    Lora,
    /// Low-rank adapters on a frozen 4-bit NF4 base (Dettmers et al. 2023, arXiv 2305.14314).
    Qlora,
}

impl Method {
    /// As people write it: "full", "LoRA", "QLoRA".
    pub fn label(self) -> &'static str {
        match self {
            Method::Full => "full",
            Method::Lora => "LoRA",
            Method::Qlora => "QLoRA",
        }
    }
}

/// The optimizer: what it keeps per trained parameter sets most of training's memory.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Optimizer {
    /// AdamW, the default: two FP32 moments, 8 bytes per trained parameter (plus the FP32 master
    /// copy below 32-bit precision).
    #[default]
    #[serde(rename = "adamw")]
    Adamw,
    /// AdamW with 8-bit moments (Dettmers et al. 2021, arXiv 2110.02861): 2 bytes per trained
    /// parameter (plus the FP32 master copy below 32-bit precision).
    #[serde(rename = "adamw-8bit")]
    Adamw8bit,
    /// SGD with momentum: one FP32 buffer, 4 bytes per trained parameter (plus the FP32 master
    /// copy below 32-bit precision).
    #[serde(rename = "sgd")]
    Sgd,
    /// Adafactor: factored second moments, counted as no bytes per trained parameter (only the
    /// FP32 master copy below 32-bit precision).
    #[serde(rename = "adafactor")]
    Adafactor,
}

/// How compute is bought.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub enum Plan {
    /// On-demand: billed by the hour, with no commitment; what an offer is bought under when
    /// `plan` is absent.
    #[serde(rename = "on-demand")]
    OnDemand,
    /// Spot or preemptible: cheaper, and can be taken back at any time.
    #[serde(rename = "spot")]
    Spot,
    /// One-year reservation or committed-use discount, as an effective hourly price.
    #[serde(rename = "1y")]
    Reserved1y,
    /// Three-year reservation or committed-use discount, as an effective hourly price.
    #[serde(rename = "3y")]
    Reserved3y,
    /// The scenario's `owned` servers, at what owning them costs a used accelerator-hour.
    #[serde(rename = "owned")]
    Owned,
}

impl Plan {
    /// The plans a provider sells an offer under: every plan but owning.
    pub const RENTED: [Plan; 4] = [Self::OnDemand, Self::Spot, Self::Reserved1y, Self::Reserved3y];

    /// Paid every hour of its term, used or not (a reservation or savings plan).
    pub fn is_committed(self) -> bool {
        matches!(self, Self::Reserved1y | Self::Reserved3y)
    }

    /// The JSON spelling: "on-demand", "spot", "1y", "3y", "owned".
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnDemand => "on-demand",
            Self::Spot => "spot",
            Self::Reserved1y => "1y",
            Self::Reserved3y => "3y",
            Self::Owned => "owned",
        }
    }

    /// A rented plan by its name (price sheets and catalogue filters name only those).
    pub fn parse(text: &str) -> Option<Plan> {
        Self::RENTED.into_iter().find(|plan| plan.as_str() == text)
    }
}

/// Number formats weights and KV caches are stored in.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum StoragePrecision {
    /// 32-bit floats: 4 bytes per value; FP32 weights compute at the TF32 peak (FP32 without one).
    Fp32,
    /// BF16: 2 bytes per value; the weights' format when none is given.
    #[default]
    Bf16,
    /// FP16: 2 bytes per value.
    Fp16,
    /// FP8: 1 byte per value; FP8 weights compute at the FP8 peak where the accelerator has one,
    /// else in 16-bit.
    Fp8,
    /// INT8: 1 byte per value; weight-only, computed in 16-bit.
    Int8,
    /// INT4: half a byte per value; weight-only, computed in 16-bit.
    Int4,
    /// FP4: half a byte per value; FP4 weights compute at the FP4 peak where the accelerator has
    /// one (Blackwell's NVFP4), else in 16-bit.
    Fp4,
}

impl StoragePrecision {
    /// Bytes one stored value takes (0.5 for the 4-bit formats).
    pub fn bytes(self) -> f64 {
        match self {
            Self::Fp32 => 4.0,
            Self::Bf16 | Self::Fp16 => 2.0,
            Self::Fp8 | Self::Int8 => 1.0,
            Self::Int4 | Self::Fp4 => 0.5,
        }
    }
}

/// What a cost is for: the whole training run, or a month of serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// The whole training run.
    Run,
    /// A month of serving.
    Month,
}
