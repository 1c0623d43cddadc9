//! A model as the cost models see it: parameter counts and, when known, the transformer's shape.

use serde::{Deserialize, Serialize};

use crate::vocabulary::units::Parameters;

/// A transformer's shape: what FLOPs beyond 6·N and activation memory depend on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Shape {
    /// Transformer layers.
    pub layers: u32,
    /// Hidden (model) width.
    pub hidden_size: u32,
    /// MLP width of a dense layer (a mixture of experts' expert width is in `experts_per_token`).
    pub intermediate_size: u32,
    /// Query heads per layer.
    pub attention_heads: u32,
    /// Key-value heads per layer: the query heads' count, or fewer with grouped-query attention.
    pub kv_heads: u32,
    /// Per-head width of queries and keys (MLA: nope + rope parts).
    pub qk_head_dim: u32,
    /// Per-head width of values.
    pub v_head_dim: u32,
    /// Tokens in the vocabulary; 0 when not known.
    pub vocab_size: u32,
    /// The length it was trained at, when its publisher or the scenario states it: serving reads
    /// none (a request's own lengths are its context), and a training section is refused without
    /// it (`scenario/resolve/training.rs`), so the training estimators find it present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_length: Option<u32>,
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

    /// KV-cache elements one layer holds per token: keys and values of every KV head (GQA shrinks
    /// their count), or multi-head latent attention's one compressed vector.
    pub fn kv_width_per_layer(&self) -> f64 {
        match self.mla_cache_width {
            Some(width) => f64::from(width),
            None => {
                2.0 * f64::from(self.kv_heads) * f64::from(self.qk_head_dim.max(self.v_head_dim))
            }
        }
    }

    /// The training sequence length (present in every shape a training estimate reads).
    pub fn training_sequence(&self) -> f64 {
        self.sequence_length.map_or(0.0, f64::from)
    }

    /// Tokens each query attends to in training: the sequence, or the sliding window when shorter.
    pub fn attended_tokens(&self) -> f64 {
        let sequence = self.training_sequence();
        self.sliding_window.map_or(sequence, |w| sequence.min(f64::from(w)))
    }
}

/// LoRA adapter parameters: rank × (inputs + outputs) of every attention and MLP projection in every
/// layer, the QLoRA paper's choice of adapting all linear layers.
pub fn adapter_parameters(shape: &Shape, rank: u32) -> f64 {
    let h = f64::from(shape.hidden_size);
    let q = f64::from(shape.attention_heads) * f64::from(shape.qk_head_dim);
    let kv =
        f64::from(shape.kv_heads) * (f64::from(shape.qk_head_dim) + f64::from(shape.v_head_dim));
    let o = f64::from(shape.attention_heads) * f64::from(shape.v_head_dim);
    let i = f64::from(shape.intermediate_size);
    let attention = (h + q) + (2.0 * h + kv) + (o + h);
    let mlp = if shape.gated_mlp { 3.0 * (h + i) } else { 2.0 * (h + i) };
    f64::from(rank) * f64::from(shape.layers) * (attention + mlp)
}

/// The model as the cost models see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ResolvedModel {
    /// The preset's name, or "custom".
    pub name: String,
    /// Total parameters (every expert's, for a mixture of experts).
    pub parameters: Parameters,
    /// Parameters used per token (MoE: shared + routed-to experts).
    pub active_parameters: Parameters,
    /// Parameters held by routed experts (0 for dense models): what expert parallelism shards.
    pub expert_parameters: Parameters,
    /// MoE: routed experts per layer, and how many of them each token uses.
    pub routed_experts: Option<(u32, u32)>,
    /// The transformer's shape; absent when a parameter count or FLOPs per sample alone describe
    /// the model.
    pub shape: Option<Shape>,
    /// FLOPs to train on one sample, for models a transformer shape does not describe (CNNs);
    /// absent when not given.
    pub training_flops_per_sample: Option<f64>,
    /// Forward FLOPs per sample, for serving a model without a transformer shape.
    pub inference_flops_per_sample: Option<f64>,
    /// Where the model's figures come from: the preset's sources and date, or the pasted
    /// `config.json`; absent when the scenario gives them all.
    pub source: Option<String>,
}
