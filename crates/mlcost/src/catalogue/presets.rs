//! Published architectures, from `pricing-data/models.json`: what a scenario's `model.preset`
//! names.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::vocabulary::error::{Error, Problem};

const MODELS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/models.json"));

/// Multi-head latent attention (DeepSeek-V2/V3): queries and keys carry a rotary part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Mla {
    pub kv_lora_rank: u32,
    pub qk_rope_head_dim: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q_lora_rank: Option<u32>,
    pub qk_nope_head_dim: u32,
    pub v_head_dim: u32,
}

/// A published architecture, from `pricing-data/models.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct ModelPreset {
    pub id: String,
    pub name: String,
    pub parameters: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_parameters: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediate_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moe_intermediate_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention_heads: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_heads: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_dim: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vocab_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_context_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sliding_window: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mlp: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experts: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experts_per_token: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_experts: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_dense_layers: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mla: Option<Mla>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_flops_per_sample: Option<f64>,
    /// Forward FLOPs per sample, for serving models a transformer shape does not describe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference_flops_per_sample: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_tokens: Option<f64>,
    pub source: String,
    pub as_of: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
struct ModelFile {
    models: Vec<ModelPreset>,
}

static PRESETS: LazyLock<Result<Vec<ModelPreset>, Error>> = LazyLock::new(|| {
    serde_json::from_str::<ModelFile>(MODELS_JSON).map(|file| file.models).map_err(|e| {
        Error::new("pricing-data/models.json", Problem::BadEmbeddedData(e.to_string()))
    })
});

/// Every bundled preset, in file order.
pub fn presets() -> Result<&'static [ModelPreset], Error> {
    PRESETS.as_deref().map_err(Clone::clone)
}

pub fn preset(id: &str, field: &str) -> Result<&'static ModelPreset, Error> {
    let all = presets()?;
    all.iter().find(|p| p.id == id).ok_or_else(|| {
        Error::new(
            field,
            Problem::Unknown {
                kind: "preset",
                id: id.to_owned(),
                known: all.iter().map(|p| p.id.clone()).collect(),
            },
        )
    })
}
