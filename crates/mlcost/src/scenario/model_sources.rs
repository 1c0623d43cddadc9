//! What a model's sources give before the user's own figures are laid over them: a preset's
//! record, or a pasted Hugging Face `config.json`, each completed into a [`Shape`] where it can be.

use serde_json::Value;

use crate::catalogue::presets::ModelPreset;
use crate::catalogue::shape::Shape;
use crate::vocabulary::check::{Ceiling, at_most};
use crate::vocabulary::error::{Error, Problem};

pub(super) fn override_u32(slot: &mut Option<u32>, value: Option<u32>) {
    if value.is_some() {
        *slot = value;
    }
}

/// What a preset or config gives before the user's figures are laid over it.
#[derive(Debug, Default)]
pub(super) struct Partial {
    pub name: Option<String>,
    pub parameters: Option<f64>,
    pub active_parameters: Option<f64>,
    pub experts: Option<(u32, u32)>,
    pub shape: PartialShape,
    pub training_flops_per_sample: Option<f64>,
    pub inference_flops_per_sample: Option<f64>,
    pub source: Option<String>,
}

#[derive(Debug, Default)]
pub(super) struct PartialShape {
    pub layers: Option<u32>,
    pub hidden_size: Option<u32>,
    pub intermediate_size: Option<u32>,
    pub attention_heads: Option<u32>,
    pub kv_heads: Option<u32>,
    pub qk_head_dim: Option<u32>,
    pub v_head_dim: Option<u32>,
    pub vocab_size: Option<u32>,
    pub sequence_length: Option<u32>,
    pub sliding_window: Option<u32>,
    pub gated_mlp: Option<bool>,
    /// MoE: one expert's MLP width and the experts (routed and shared) each token uses.
    pub experts_per_token: Option<(u32, u32)>,
    pub mla_cache_width: Option<u32>,
}

impl PartialShape {
    /// A full shape when layers, width, heads and sequence length are all known; `None` when none
    /// of them is (a parameter count is enough for 6·N·D); an error naming the first one missing
    /// when only some are.
    pub fn complete(self) -> Result<Option<Shape>, Error> {
        // The training length completes no shape (serving reads none): it only asks for one.
        let essentials = [
            ("model.layers", self.layers),
            ("model.hidden_size", self.hidden_size),
            ("model.attention_heads", self.attention_heads),
        ];
        if essentials.iter().all(|(_, v)| v.is_none()) && self.sequence_length.is_none() {
            return Ok(None);
        }
        if let Some((field, _)) = essentials.iter().find(|(_, v)| v.is_none()) {
            return Err(Error::new(
                *field,
                Problem::Malformed("is required once any of layers, hidden_size, attention_heads or sequence_length is given".into()),
            ));
        }
        for (field, value, ceiling) in [
            ("model.layers", self.layers, MAX_LAYERS),
            ("model.hidden_size", self.hidden_size, MAX_WIDTH),
            ("model.intermediate_size", self.intermediate_size, MAX_WIDTH),
            ("model.attention_heads", self.attention_heads, MAX_WIDTH),
            ("model.vocab_size", self.vocab_size, MAX_CONFIG_DIMENSION),
            ("model.sequence_length", self.sequence_length, MAX_CONFIG_DIMENSION),
        ] {
            if let Some(value) = value {
                at_most(field, f64::from(value), ceiling)?;
            }
        }
        if let Some(kv) = self.kv_heads
            && (kv == 0 || kv > self.attention_heads.unwrap_or(kv))
        {
            return Err(Error::new(
                "model.kv_heads",
                Problem::Malformed(format!("{kv} must be between 1 and attention_heads")),
            ));
        }
        let (layers, hidden, heads) = (
            self.layers.unwrap_or(1),
            self.hidden_size.unwrap_or(1),
            self.attention_heads.unwrap_or(1),
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
            sequence_length: self.sequence_length,
            sliding_window: self.sliding_window,
            gated_mlp: gated,
            experts_per_token: self.experts_per_token,
            mla_cache_width: self.mla_cache_width,
        }))
    }
}

pub(super) fn from_preset(p: &ModelPreset) -> Partial {
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

/// Layers: 4,096, over 30 times the deepest published models (Llama 3.1 405B's 126, PaLM's 118).
const MAX_LAYERS: Ceiling = Ceiling {
    max: 4_096.0,
    unit: "layers",
    why: "over 30 times the deepest published models (126 layers)",
};

/// A hidden or MLP width, or a head count: 2^20, over 14 times the widest published MLP (PaLM
/// 540B's 73,728); the 8/3·h default width then stays within 32 bits.
const MAX_WIDTH: Ceiling = Ceiling {
    max: 1_048_576.0,
    unit: "",
    why: "over 14 times the widest published layer (73,728)",
};

/// Any size a config.json gives (layers, widths, heads, vocabulary, experts): 2^24, above the
/// largest vocabularies (262,144 for Gemma 3) and contexts (Llama 4 Scout's 10M tokens).
const MAX_CONFIG_DIMENSION: Ceiling = Ceiling {
    max: 16_777_216.0,
    unit: "",
    why: "no published model has a dimension anywhere near it",
};

/// A JSON value as a message quotes it: at most 40 characters, so a huge value is not echoed back.
fn clipped(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// Reads the fields Llama, Mistral, Mixtral, Qwen, GPT-2/OPT-style and Falcon configs use.
pub(super) fn from_hf_config(config: &Value) -> Result<Partial, Error> {
    let field = |names: &[&str]| -> Result<Option<u32>, Error> {
        for name in names {
            match config.get(*name) {
                None | Some(Value::Null) => continue,
                Some(value) => {
                    let field = format!("model.hf_config.{name}");
                    let whole = value.as_u64().ok_or_else(|| {
                        Error::new(
                            field.as_str(),
                            Problem::Malformed(format!("{} is not a whole number", clipped(value))),
                        )
                    })?;
                    // Bounded here, so the sums below (head widths, experts) cannot wrap.
                    at_most(&field, whole as f64, MAX_CONFIG_DIMENSION)?;
                    return Ok(u32::try_from(whole).ok());
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
pub(super) fn derived_parameters(shape: &Shape, experts: Option<(u32, u32)>) -> (f64, f64) {
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
