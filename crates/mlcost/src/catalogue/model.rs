//! Models: a preset, the user's own figures, or a pasted Hugging Face `config.json`, resolved into the
//! figures the cost models need (parameter counts, and the transformer's shape when known).

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::vocabulary::check::at_least_one;
use crate::vocabulary::error::{Error, Problem};

const MODELS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/models.json"));

/// Multi-head latent attention (DeepSeek-V2/V3): queries and keys carry a rotary part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
            Problem::Malformed(format!(
                "unknown preset \"{id}\" (known: {})",
                all.iter().map(|p| p.id.as_str()).collect::<Vec<_>>().join(", ")
            )),
        )
    })
}

/// A transformer's shape: what FLOPs beyond 6·N and activation memory depend on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shape {
    pub layers: u32,
    pub hidden_size: u32,
    pub intermediate_size: u32,
    pub attention_heads: u32,
    pub kv_heads: u32,
    /// Per-head width of queries and keys (MLA: nope + rope parts).
    pub qk_head_dim: u32,
    /// Per-head width of values.
    pub v_head_dim: u32,
    pub vocab_size: u32,
    pub sequence_length: u32,
    /// Attention looks back at most this many tokens (Mistral's sliding window).
    pub sliding_window: Option<u32>,
    /// SwiGLU-style MLP with three matrices (gate, up, down) instead of two.
    pub gated_mlp: bool,
    /// MoE: the width of one expert's MLP, and how many experts (routed and shared) each token uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experts_per_token: Option<(u32, u32)>,
    /// Multi-head latent attention caches one compressed vector per layer and token instead of keys
    /// and values per head: its width, kv_lora_rank + qk_rope_head_dim (DeepSeek-V2, arXiv
    /// 2405.04434, §2.1.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mla_cache_width: Option<u32>,
}

impl Shape {
    /// The MLP width a token's activations span: its experts' widths together (MoE), or the MLP's.
    pub fn mlp_activation_width(&self) -> f64 {
        match self.experts_per_token {
            Some((width, experts)) => f64::from(width) * f64::from(experts),
            None => f64::from(self.intermediate_size),
        }
    }

    /// Tokens each query attends to: the sequence, or the sliding window when shorter.
    pub fn attended_tokens(&self) -> f64 {
        f64::from(self.sliding_window.map_or(self.sequence_length, |w| w.min(self.sequence_length)))
    }
}

/// The model as the cost models see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolvedModel {
    /// The preset's name, or "custom".
    pub name: String,
    pub parameters: f64,
    /// Parameters used per token (MoE: shared + routed-to experts).
    pub active_parameters: f64,
    /// Parameters held by routed experts (0 for dense models): what expert parallelism shards.
    pub expert_parameters: f64,
    /// MoE: routed experts per layer, and how many of them each token uses.
    pub routed_experts: Option<(u32, u32)>,
    pub shape: Option<Shape>,
    pub training_flops_per_sample: Option<f64>,
    /// Forward FLOPs per sample, for serving a model without a transformer shape.
    pub inference_flops_per_sample: Option<f64>,
    pub source: Option<String>,
}

/// The model section of a scenario: a preset, a Hugging Face config, and/or explicit figures, which
/// win over both.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// A pasted Hugging Face `config.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hf_config: Option<Value>,
    /// Total parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<f64>,
    /// Parameters per token (MoE); defaults to `parameters`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_parameters: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediate_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention_heads: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_heads: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vocab_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_length: Option<u32>,
    /// For models a transformer shape does not describe (CNNs): FLOPs to train on one sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_flops_per_sample: Option<f64>,
}

impl Model {
    /// Dense model with only a parameter count, the shortest way to state one.
    pub fn with_parameters(parameters: f64) -> Self {
        Self { parameters: Some(parameters), ..Self::default() }
    }

    pub fn resolve(&self) -> Result<ResolvedModel, Error> {
        let mut base = match (&self.preset, &self.hf_config) {
            (Some(_), Some(_)) => {
                return Err(Error::new(
                    "model.hf_config",
                    Problem::Conflicts { other: "model.preset".into() },
                ));
            }
            (Some(id), None) => from_preset(preset(id, "model.preset")?),
            (None, Some(config)) => from_hf_config(config)?,
            (None, None) => Partial::default(),
        };
        if self.hf_config.is_some() && self.sequence_length.is_none() {
            return Err(Error::new(
                "model.sequence_length",
                Problem::Malformed("is required with a config.json (its max_position_embeddings is the longest context, not the training length)".into()),
            ));
        }
        // A mixture of experts' counts cannot be told apart from its shape alone (shared experts,
        // dense first layers): ask for them.
        if base.experts.is_some() {
            if base.parameters.is_none() && self.parameters.is_none() {
                return Err(Error::new(
                    "model.parameters",
                    Problem::Malformed("is required for a mixture-of-experts config.json".into()),
                ));
            }
            if self.parameters.is_some() && self.active_parameters.is_none() {
                return Err(Error::new(
                    "model.active_parameters",
                    Problem::Malformed(
                        "is required when giving a mixture of experts' parameters".into(),
                    ),
                ));
            }
        }
        if self.training_flops_per_sample.is_some()
            && (base.shape.layers.is_some() || self.layers.is_some())
        {
            return Err(Error::new(
                "model.training_flops_per_sample",
                Problem::Conflicts {
                    other: "a transformer shape (FLOPs are counted from it)".into(),
                },
            ));
        }
        // Explicit figures win over the preset's or the config's.
        let shape = &mut base.shape;
        override_u32(&mut shape.layers, self.layers);
        override_u32(&mut shape.hidden_size, self.hidden_size);
        override_u32(&mut shape.intermediate_size, self.intermediate_size);
        override_u32(&mut shape.attention_heads, self.attention_heads);
        override_u32(&mut shape.kv_heads, self.kv_heads);
        override_u32(&mut shape.vocab_size, self.vocab_size);
        override_u32(&mut shape.sequence_length, self.sequence_length);
        if self.training_flops_per_sample.is_some() {
            base.training_flops_per_sample = self.training_flops_per_sample;
        }
        for (field, value) in [
            ("model.parameters", self.parameters),
            ("model.active_parameters", self.active_parameters),
            ("model.training_flops_per_sample", self.training_flops_per_sample),
        ] {
            if let Some(value) = value {
                at_least_one(field, value)?;
            }
        }
        for (field, value) in [
            ("model.layers", self.layers),
            ("model.hidden_size", self.hidden_size),
            ("model.attention_heads", self.attention_heads),
            ("model.kv_heads", self.kv_heads),
            ("model.sequence_length", self.sequence_length),
        ] {
            if value == Some(0) {
                return Err(Error::new(field, Problem::MustBePositive));
            }
        }
        let shape = base.shape.complete()?;
        let derived = shape.as_ref().map(|shape| derived_parameters(shape, base.experts));
        let parameters = self
            .parameters
            .or(base.parameters)
            .or(derived.map(|d| d.0))
            .ok_or_else(|| Error::new("model.parameters", Problem::Missing))?;
        // A user's own total replaces the preset's, and with it the preset's active count.
        let active_parameters = self
            .active_parameters
            .or(if self.parameters.is_some() { None } else { base.active_parameters })
            .or(derived
                .filter(|_| self.parameters.is_none() && base.parameters.is_none())
                .map(|d| d.1))
            .unwrap_or(parameters);
        if active_parameters > parameters {
            return Err(Error::new(
                "model.active_parameters",
                Problem::Malformed(format!(
                    "{active_parameters:e} is more than parameters ({parameters:e})"
                )),
            ));
        }
        // Routed experts hold what is not active, scaled up by how many experts share that:
        // N = shared + E·e and N_active = shared + k·e, so E·e = (N − N_active)·E/(E − k).
        let expert_parameters = match base.experts {
            Some((experts, per_token)) if experts > per_token => {
                (parameters - active_parameters) * f64::from(experts)
                    / f64::from(experts - per_token)
            }
            _ => 0.0,
        }
        .min(parameters);
        Ok(ResolvedModel {
            name: base.name.unwrap_or_else(|| "custom".into()),
            parameters,
            active_parameters,
            expert_parameters,
            routed_experts: base.experts,
            shape,
            training_flops_per_sample: base.training_flops_per_sample,
            inference_flops_per_sample: base.inference_flops_per_sample,
            source: base.source,
        })
    }
}

fn override_u32(slot: &mut Option<u32>, value: Option<u32>) {
    if value.is_some() {
        *slot = value;
    }
}

/// What a preset or config gives before the user's figures are laid over it.
#[derive(Debug, Default)]
struct Partial {
    name: Option<String>,
    parameters: Option<f64>,
    active_parameters: Option<f64>,
    experts: Option<(u32, u32)>,
    shape: PartialShape,
    training_flops_per_sample: Option<f64>,
    inference_flops_per_sample: Option<f64>,
    source: Option<String>,
}

#[derive(Debug, Default)]
struct PartialShape {
    layers: Option<u32>,
    hidden_size: Option<u32>,
    intermediate_size: Option<u32>,
    attention_heads: Option<u32>,
    kv_heads: Option<u32>,
    qk_head_dim: Option<u32>,
    v_head_dim: Option<u32>,
    vocab_size: Option<u32>,
    sequence_length: Option<u32>,
    sliding_window: Option<u32>,
    gated_mlp: Option<bool>,
    /// MoE: one expert's MLP width and the experts (routed and shared) each token uses.
    experts_per_token: Option<(u32, u32)>,
    mla_cache_width: Option<u32>,
}

impl PartialShape {
    /// A full shape when layers, width, heads and sequence length are all known; `None` when none
    /// of them is (a parameter count is enough for 6·N·D); an error naming the first one missing
    /// when only some are.
    fn complete(self) -> Result<Option<Shape>, Error> {
        let essentials = [
            ("model.layers", self.layers),
            ("model.hidden_size", self.hidden_size),
            ("model.attention_heads", self.attention_heads),
            ("model.sequence_length", self.sequence_length),
        ];
        if essentials.iter().all(|(_, v)| v.is_none()) {
            return Ok(None);
        }
        if let Some((field, _)) = essentials.iter().find(|(_, v)| v.is_none()) {
            return Err(Error::new(
                *field,
                Problem::Malformed("is required once any of layers, hidden_size, attention_heads or sequence_length is given".into()),
            ));
        }
        if let Some(kv) = self.kv_heads
            && (kv == 0 || kv > self.attention_heads.unwrap_or(kv))
        {
            return Err(Error::new(
                "model.kv_heads",
                Problem::Malformed(format!("{kv} must be between 1 and attention_heads")),
            ));
        }
        let (layers, hidden, heads, sequence) = (
            self.layers.unwrap_or(1),
            self.hidden_size.unwrap_or(1),
            self.attention_heads.unwrap_or(1),
            self.sequence_length.unwrap_or(1),
        );
        let head_dim = (hidden / heads).max(1);
        let gated = self.gated_mlp.unwrap_or(true);
        Ok(Some(Shape {
            layers,
            hidden_size: hidden,
            // The usual widths when not given: 8/3·h rounded for gated MLPs (Llama), 4·h otherwise.
            intermediate_size: self.intermediate_size.unwrap_or(if gated {
                hidden * 8 / 3
            } else {
                hidden * 4
            }),
            attention_heads: heads,
            kv_heads: self.kv_heads.unwrap_or(heads),
            qk_head_dim: self.qk_head_dim.unwrap_or(head_dim),
            v_head_dim: self.v_head_dim.unwrap_or(head_dim),
            vocab_size: self.vocab_size.unwrap_or(0),
            sequence_length: sequence,
            sliding_window: self.sliding_window,
            gated_mlp: gated,
            experts_per_token: self.experts_per_token,
            mla_cache_width: self.mla_cache_width,
        }))
    }
}

fn from_preset(p: &ModelPreset) -> Partial {
    let (qk, v) = match &p.mla {
        Some(mla) => (Some(mla.qk_nope_head_dim + mla.qk_rope_head_dim), Some(mla.v_head_dim)),
        None => (p.head_dim, p.head_dim),
    };
    Partial {
        name: Some(p.name.clone()),
        parameters: Some(p.parameters),
        active_parameters: p.active_parameters,
        experts: p.experts.zip(p.experts_per_token),
        shape: PartialShape {
            layers: p.layers.filter(|_| p.hidden_size.is_some()),
            hidden_size: p.hidden_size,
            intermediate_size: p.intermediate_size,
            attention_heads: p.attention_heads,
            kv_heads: p.kv_heads,
            qk_head_dim: qk,
            v_head_dim: v,
            vocab_size: p.vocab_size,
            sequence_length: p.sequence_length.filter(|_| p.hidden_size.is_some()),
            sliding_window: p.sliding_window,
            gated_mlp: p.mlp.as_deref().map(|m| m == "gated"),
            mla_cache_width: p.mla.as_ref().map(|m| m.kv_lora_rank + m.qk_rope_head_dim),
            experts_per_token: p.experts_per_token.map(|k| {
                (
                    p.moe_intermediate_size.or(p.intermediate_size).unwrap_or(0),
                    k + p.shared_experts.unwrap_or(0),
                )
            }),
        },
        training_flops_per_sample: p.training_flops_per_sample,
        inference_flops_per_sample: p.inference_flops_per_sample,
        source: Some(format!("{} ({})", p.source, p.as_of)),
    }
}

/// Reads the fields Llama, Mistral, Mixtral, Qwen, GPT-2/OPT-style and Falcon configs use.
fn from_hf_config(config: &Value) -> Result<Partial, Error> {
    let field = |names: &[&str]| -> Result<Option<u32>, Error> {
        for name in names {
            match config.get(*name) {
                None | Some(Value::Null) => continue,
                Some(value) => {
                    return value
                        .as_u64()
                        .and_then(|v| u32::try_from(v).ok())
                        .map(Some)
                        .ok_or_else(|| {
                            Error::new(
                                format!("model.hf_config.{name}"),
                                Problem::Malformed(format!("{value} is not a whole number")),
                            )
                        });
                }
            }
        }
        Ok(None)
    };
    let required = |names: &[&str]| -> Result<u32, Error> {
        field(names)?
            .ok_or_else(|| Error::new(format!("model.hf_config.{}", names[0]), Problem::Missing))
    };
    if !config.is_object() {
        return Err(Error::new(
            "model.hf_config",
            Problem::Malformed("must be the JSON object of a config.json".into()),
        ));
    }
    let layers = required(&["num_hidden_layers", "n_layer", "num_layers"])?;
    let hidden = required(&["hidden_size", "n_embd", "d_model"])?;
    let heads = required(&["num_attention_heads", "n_head"])?;
    let activation = config.get("hidden_act").and_then(Value::as_str).unwrap_or("");
    let architecture = config
        .get("architectures")
        .and_then(|a| a.get(0))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    let gated = activation == "silu"
        || ["llama", "mistral", "mixtral", "qwen", "gemma", "deepseek"]
            .iter()
            .any(|f| architecture.contains(f));
    let experts = field(&["num_local_experts", "n_routed_experts", "num_experts"])?
        .zip(field(&["num_experts_per_tok"])?);
    let (nope, rope, v_head) =
        (field(&["qk_nope_head_dim"])?, field(&["qk_rope_head_dim"])?, field(&["v_head_dim"])?);
    let qk_head_dim = match (nope, rope) {
        (Some(nope), Some(rope)) => Some(nope + rope),
        _ => field(&["head_dim"])?,
    };
    let moe_width = field(&["moe_intermediate_size"])?;
    let shared = field(&["n_shared_experts", "num_shared_experts"])?.unwrap_or(0);
    Ok(Partial {
        name: Some(
            config.get("_name_or_path").and_then(Value::as_str).unwrap_or("config.json").to_owned(),
        ),
        parameters: None,
        active_parameters: None,
        experts,
        shape: PartialShape {
            layers: Some(layers),
            hidden_size: Some(hidden),
            intermediate_size: field(&["intermediate_size", "ffn_dim", "n_inner"])?,
            attention_heads: Some(heads),
            kv_heads: field(&["num_key_value_heads", "num_kv_heads"])?,
            qk_head_dim,
            v_head_dim: v_head.or(field(&["head_dim"])?),
            vocab_size: field(&["vocab_size"])?,
            // max_position_embeddings is the longest context, not the training sequence: the
            // scenario states that itself (model.sequence_length).
            sequence_length: None,
            sliding_window: field(&["sliding_window"])?,
            gated_mlp: Some(gated),
            mla_cache_width: field(&["kv_lora_rank"])?.zip(rope).map(|(rank, rope)| rank + rope),
            experts_per_token: experts.map(|(_, k)| {
                (
                    moe_width.or(field(&["intermediate_size"]).ok().flatten()).unwrap_or(0),
                    k + shared,
                )
            }),
        },
        training_flops_per_sample: None,
        inference_flops_per_sample: None,
        source: Some("the pasted config.json".into()),
    })
}

/// (total, active) parameters of a shape: embeddings (input and output, untied), attention
/// projections, MLP (one per expert, `k` of `E` active) and norms per layer. Used only when no
/// count is given.
fn derived_parameters(shape: &Shape, experts: Option<(u32, u32)>) -> (f64, f64) {
    let h = f64::from(shape.hidden_size);
    let heads = f64::from(shape.attention_heads);
    let kv = f64::from(shape.kv_heads);
    let attention = h * heads * f64::from(shape.qk_head_dim)
        + h * kv * (f64::from(shape.qk_head_dim) + f64::from(shape.v_head_dim))
        + heads * f64::from(shape.v_head_dim) * h;
    let matrices = if shape.gated_mlp { 3.0 } else { 2.0 };
    let mlp = matrices * h * f64::from(shape.intermediate_size);
    let (all, active) = experts.map_or((1.0, 1.0), |(e, k)| (f64::from(e), f64::from(k)));
    let layers = f64::from(shape.layers);
    let fixed = 2.0 * f64::from(shape.vocab_size) * h + layers * (attention + 2.0 * h);
    (fixed + layers * mlp * all, fixed + layers * mlp * active)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_promised_preset_resolves_with_a_source() {
        for id in [
            "llama-2-7b",
            "llama-2-13b",
            "llama-2-70b",
            "llama-3.1-8b",
            "llama-3.1-70b",
            "llama-3.1-405b",
            "llama-3.3-70b",
            "mistral-7b",
            "mixtral-8x7b",
            "qwen2.5-7b",
            "qwen2.5-72b",
            "deepseek-v3",
            "gpt-3-175b",
            "falcon-180b",
            "bloom-176b",
            "opt-175b",
            "bert-base",
            "bert-large",
            "resnet-50",
            "vit-b-16",
        ] {
            let model = Model { preset: Some(id.into()), ..Model::default() }.resolve().unwrap();
            assert!(model.source.as_deref().is_some_and(|s| !s.is_empty()), "{id}");
            assert!(model.active_parameters <= model.parameters, "{id}");
            assert!(
                model.shape.is_some() || model.training_flops_per_sample.is_some(),
                "{id}: no way to count FLOPs"
            );
        }
    }

    #[test]
    fn derived_counts_match_published_ones() {
        // Llama 2 7B's shape (its config.json) gives its published 6.74B parameters.
        let llama = preset("llama-2-7b", "t").unwrap();
        let shape = Model {
            layers: llama.layers,
            hidden_size: llama.hidden_size,
            intermediate_size: llama.intermediate_size,
            attention_heads: llama.attention_heads,
            kv_heads: llama.kv_heads,
            vocab_size: llama.vocab_size,
            sequence_length: llama.sequence_length,
            ..Model::default()
        }
        .resolve()
        .unwrap();
        assert!((shape.parameters / llama.parameters - 1.0).abs() < 0.01, "{}", shape.parameters);
    }

    #[test]
    fn mixtral_experts_hold_most_of_the_weights() {
        let model =
            Model { preset: Some("mixtral-8x7b".into()), ..Model::default() }.resolve().unwrap();
        // 8 experts of which 2 are active: E·e = (46.7B − 12.9B)·8/6 = 45.1B.
        assert!(
            (model.expert_parameters / 45.1e9 - 1.0).abs() < 0.01,
            "{}",
            model.expert_parameters
        );
    }

    #[test]
    fn a_pasted_config_is_read_and_its_gaps_named() {
        let config: Value = serde_json::from_str(
            r#"{"architectures": ["LlamaForCausalLM"], "hidden_act": "silu", "hidden_size": 4096,
                "intermediate_size": 11008, "num_attention_heads": 32, "num_hidden_layers": 32,
                "num_key_value_heads": 32, "vocab_size": 32000, "max_position_embeddings": 4096}"#,
        )
        .unwrap();
        let err =
            Model { hf_config: Some(config.clone()), ..Model::default() }.resolve().unwrap_err();
        assert_eq!(err.field, "model.sequence_length");
        let with = |config: Value| Model {
            hf_config: Some(config),
            sequence_length: Some(4096),
            ..Model::default()
        };
        let model = with(config.clone()).resolve().unwrap();
        assert!((model.parameters / 6.74e9 - 1.0).abs() < 0.01, "{}", model.parameters);
        let mut broken = config;
        broken.as_object_mut().unwrap().remove("num_hidden_layers");
        let err = with(broken).resolve().unwrap_err();
        assert_eq!(err.to_string(), "model.hf_config.num_hidden_layers: is required");
    }

    #[test]
    fn a_moe_preset_overridden_needs_its_active_count() {
        let err = Model {
            preset: Some("mixtral-8x7b".into()),
            parameters: Some(50e9),
            ..Model::default()
        }
        .resolve()
        .unwrap_err();
        assert_eq!(err.field, "model.active_parameters");
        let both = Model {
            preset: Some("llama-2-7b".into()),
            hf_config: Some(Value::Null),
            ..Model::default()
        };
        assert_eq!(both.resolve().unwrap_err().field, "model.hf_config");
    }

    #[test]
    fn partial_shapes_name_what_is_missing() {
        let err = Model { parameters: Some(7e9), layers: Some(32), ..Model::default() }
            .resolve()
            .unwrap_err();
        assert_eq!(err.field, "model.hidden_size");
    }
}
