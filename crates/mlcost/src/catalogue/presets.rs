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
    /// Width of the compressed key-value vector; with `qk_rope_head_dim`, what is cached per layer
    /// and token.
    pub kv_lora_rank: u32,
    /// Per-head width of the rotary (RoPE) part of queries and keys.
    pub qk_rope_head_dim: u32,
    /// Width of the compressed query vector; absent when queries are not compressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q_lora_rank: Option<u32>,
    /// Per-head width of the non-rotary part of queries and keys.
    pub qk_nope_head_dim: u32,
    /// Per-head width of values.
    pub v_head_dim: u32,
}

/// A published architecture, from `pricing-data/models.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct ModelPreset {
    /// Stable lowercase id used in scenarios (`model.preset`: `llama-3.1-8b`).
    pub id: String,
    /// Display name (`Llama 2 7B`).
    pub name: String,
    /// A language model that generates text token by token (not an encoder, an image or a
    /// speech model): what a distillation can take as the student of a served LLM.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub decoder: bool,
    /// Total parameter count (every expert's, for a mixture of experts).
    pub parameters: f64,
    /// Parameters used per token, for a mixture of experts; absent for dense models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_parameters: Option<f64>,
    /// Layer count; it makes a transformer shape only together with `hidden_size` (a CNN's is kept
    /// for reference).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<u32>,
    /// Hidden (model) width.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_size: Option<u32>,
    /// MLP width (of the dense layers, in a mixture of experts that has them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediate_size: Option<u32>,
    /// Width of one expert's MLP; absent, `intermediate_size` stands for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moe_intermediate_size: Option<u32>,
    /// Query heads per layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention_heads: Option<u32>,
    /// Key-value heads per layer (fewer than the query heads with grouped-query attention);
    /// absent, as many as the query heads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_heads: Option<u32>,
    /// Per-head width of queries, keys and values; absent, `hidden_size` over `attention_heads`.
    /// With `mla`, its widths are used instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_dim: Option<u32>,
    /// Tokens in the vocabulary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vocab_size: Option<u32>,
    /// The length the model was pre-trained at, in tokens; absent when no source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_length: Option<u32>,
    /// The longest context the model is published to accept, in tokens; kept for reference (no
    /// estimate reads it; the browser's copy leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_context_length: Option<u32>,
    /// The attention kind in words (`mha`, `gqa`, `mla`, `sliding-window`); kept for reference,
    /// the other fields carry what estimates use (the browser's copy leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention: Option<String>,
    /// Attention looks back at most this many tokens (sliding-window attention); absent for full
    /// attention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sliding_window: Option<u32>,
    /// The MLP kind: `gated` (SwiGLU-style, three matrices) or `plain` (two); absent, gated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mlp: Option<String>,
    /// Routed experts per mixture-of-experts layer; absent for dense models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experts: Option<u32>,
    /// Routed experts each token is sent to; absent for dense models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experts_per_token: Option<u32>,
    /// Experts every token uses besides its routed ones; absent, none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared_experts: Option<u32>,
    /// Leading layers with a dense MLP instead of experts; kept for reference (no estimate reads
    /// it; the browser's copy leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_dense_layers: Option<u32>,
    /// Multi-head latent attention's widths, for models that use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mla: Option<Mla>,
    /// FLOPs to train on one sample, for models a transformer shape does not describe (CNNs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_flops_per_sample: Option<f64>,
    /// Forward FLOPs per sample, for serving models a transformer shape does not describe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference_flops_per_sample: Option<f64>,
    /// Tokens the model was pre-trained on, when a source gives it; kept for reference (no
    /// estimate reads it; the browser's copy leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_tokens: Option<f64>,
    /// Where the figures come from (configs, model cards, papers).
    pub source: String,
    /// Release date where a source gives it, else the day the sources were read (ISO 8601).
    pub as_of: String,
    /// How the figures were read or derived, and caveats, in words; absent when none.
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

/// The bundled preset `id`, or an error at `field` listing the known ones.
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
