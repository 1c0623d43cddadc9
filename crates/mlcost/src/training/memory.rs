//! Memory per accelerator while training: weights, gradients and optimizer states (sharded by
//! tensor, pipeline and expert parallelism and by ZeRO), activations, and framework overhead.

use serde::{Deserialize, Serialize};

use crate::catalogue::shape::{ResolvedModel, Shape};
use crate::scenario::resolve::training::{Layout, Setup};
use crate::vocabulary::terms::{Method, Optimizer, Precision};
use crate::vocabulary::units::{Bytes, Parameters};

/// Bytes per accelerator, by what they hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct MemoryBreakdown {
    /// Weights: the trained ones at the working precision, or with LoRA and QLoRA the frozen base
    /// (4-bit NF4 under QLoRA) and the adapters; sharded by ZeRO from stage 3.
    pub weights: Bytes,
    /// Gradients of the trained parameters at the working precision; sharded by ZeRO from stage 2.
    pub gradients: Bytes,
    /// The FP32 master copy (below 32-bit precision) and the optimizer's states for the trained
    /// parameters; sharded by ZeRO from stage 1.
    pub optimizer_states: Bytes,
    /// Absent when the model's shape is unknown (a bare parameter count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activations: Option<Bytes>,
    /// The CUDA context and allocator fragmentation: [`FRAMEWORK_OVERHEAD_BYTES`].
    pub framework_overhead: Bytes,
}

impl MemoryBreakdown {
    /// Every part added up; absent activations count as none.
    pub fn total(&self) -> Bytes {
        self.weights
            + self.gradients
            + self.optimizer_states
            + self.activations.unwrap_or_default()
            + self.framework_overhead
    }
}

/// Estimate: the CUDA context (a few hundred MB on recent NVIDIA GPUs) and the caching allocator's
/// fragmentation, which training frameworks commonly leave at around a gigabyte per process.
pub const FRAMEWORK_OVERHEAD_BYTES: f64 = 1e9;

/// NF4 weights with double-quantized constants: 4 bits plus 0.127 bits per parameter (QLoRA,
/// Dettmers et al. 2023, arXiv 2305.14314, §3 "Double Quantization").
const QLORA_BYTES_PER_PARAMETER: f64 = (4.0 + 0.127) / 8.0;

/// Bytes of the weights and gradients as the matrix multiplications read them. FP8 training
/// (Transformer Engine, DeepSeek-V3) keeps 16-bit weights and casts to FP8 per operation.
fn working_bytes(precision: Precision) -> f64 {
    match precision {
        Precision::Fp32 => 4.0,
        Precision::Bf16 | Precision::Fp16 | Precision::Fp8 => 2.0,
    }
}

/// Optimizer bytes per trained parameter: an FP32 master copy when training in lower precision,
/// plus the optimizer's own states. Mixed-precision Adam is the ZeRO paper's 12 (K = 12, §3.1):
/// with 2 + 2 bytes of 16-bit weights and gradients, the 16 bytes per parameter before sharding.
fn optimizer_bytes(optimizer: Optimizer, precision: Precision) -> f64 {
    let master = if working_bytes(precision) < 4.0 { 4.0 } else { 0.0 };
    let states = match optimizer {
        // Two FP32 moments.
        Optimizer::Adamw => 8.0,
        // Two 8-bit moments (Dettmers et al. 2021, arXiv 2110.02861).
        Optimizer::Adamw8bit => 2.0,
        // One FP32 momentum buffer.
        Optimizer::Sgd => 4.0,
        // Factored second moments: a row and a column vector per matrix, negligible next to N.
        Optimizer::Adafactor => 0.0,
    };
    master + states
}

/// Bytes of one checkpoint: the trained parameters' 16-bit (or FP32) weights and optimizer states
/// (FP32 master copy and moments). Gradients are not saved; LoRA saves only its adapters.
pub fn checkpoint_bytes(setup: &Setup, trainable_parameters: Parameters) -> Bytes {
    Bytes::new(
        trainable_parameters.get()
            * (working_bytes(setup.precision) + optimizer_bytes(setup.optimizer, setup.precision)),
    )
}

/// Memory per accelerator for `model` trained under `layout` and `setup`; activations are sized
/// only when the model's shape is known.
pub fn training_memory(model: &ResolvedModel, layout: Layout, setup: &Setup) -> MemoryBreakdown {
    let activations =
        model.shape.as_ref().map(|shape| Bytes::new(activation_bytes(shape, layout, setup)));
    training_memory_with(model, layout, setup, activations)
}

/// [`training_memory`] with the activations already sized: they depend on the tensor degree
/// alone, so a search over pipeline and data degrees sizes them once per tensor degree.
pub fn training_memory_with(
    model: &ResolvedModel,
    layout: Layout,
    setup: &Setup,
    activations: Option<Bytes>,
) -> MemoryBreakdown {
    let model_split = f64::from(layout.tensor) * f64::from(layout.pipeline);
    let expert = f64::from(layout.expert);
    let data = f64::from(layout.data);
    // Dense parameters are split by TP x PP and replicated over data parallelism; ZeRO shards their
    // state over all `data` ranks. Routed experts are also split over `expert` ranks (a part of data
    // parallelism), so each expert's state is replicated, and ZeRO-sharded, over data / expert ranks.
    let dense = (model.parameters - model.expert_parameters).get() / model_split;
    let experts = model.expert_parameters.get() / (model_split * expert);
    let zero = |stage: u8, replicas: f64| if layout.zero_stage >= stage { replicas } else { 1.0 };
    let sharded = |per_parameter: f64, stage: u8| {
        dense * per_parameter / zero(stage, data)
            + experts * per_parameter / zero(stage, data / expert)
    };
    let working = working_bytes(setup.precision);
    let optimizer = optimizer_bytes(setup.optimizer, setup.precision);

    let (weights, gradients, optimizer_states) = match setup.method {
        Method::Full => (sharded(working, 3), sharded(working, 2), sharded(optimizer, 1)),
        Method::Lora | Method::Qlora => {
            // QLoRA quantizes the transformer blocks' linear layers; embeddings and the output
            // layer stay 16-bit (QLoRA §3).
            let base = if setup.method == Method::Qlora {
                let embeddings = model.shape.as_ref().map_or(0.0, |s| {
                    2.0 * f64::from(s.vocab_size) * f64::from(s.hidden_size)
                        / model.parameters.get()
                });
                let embeddings = embeddings.min(1.0);
                (1.0 - embeddings) * QLORA_BYTES_PER_PARAMETER + embeddings * working
            } else {
                working
            };
            // Adapters are spread like the weights they adapt; a small share, sharded with the rest.
            let adapter_share = setup.adapter_parameters / model.parameters.get();
            (
                sharded(base + adapter_share * working, 3),
                sharded(adapter_share * working, 2),
                sharded(adapter_share * optimizer, 1),
            )
        }
    };
    MemoryBreakdown {
        weights: Bytes::new(weights),
        gradients: Bytes::new(gradients),
        optimizer_states: Bytes::new(optimizer_states),
        activations,
        framework_overhead: Bytes::new(FRAMEWORK_OVERHEAD_BYTES),
    }
}

/// Activation bytes on the busiest accelerator (the first pipeline stage, which holds `pipeline`
/// micro-batches in flight under 1F1B: `layers` layers' worth in all).
///
/// Per layer, Korthikanti et al. 2022 (arXiv 2205.05198, §4.1) count s·b·h·(34 + 5·a·s/h) bytes with
/// 16-bit activations: attention 11·sbh + 5·as²b, MLP 19·sbh, norms 4·sbh. Here: FlashAttention
/// stores no s² scores (the 5·as²b term goes); with GQA the keys and values shrink to kv/heads of
/// their size (4·sbh → 4·sbh·kv/heads); the MLP's 16·sbh (two 4h-wide tensors) becomes 4·sbi, or
/// 6·sbi for a gated MLP (gate, up, product), for every expert a token is routed to; Q, K and V are
/// sized from their heads (MLA's are wider than the hidden size). Sequence parallelism with tensor parallelism divides
/// it all by t (§4.2.2). Full checkpointing keeps only each layer's 2·sbh input, plus one layer's
/// activations while it is recomputed. The loss adds FP32 logits, s·b·vocab·4 bytes, split by t.
///
/// Selective recomputation (DeepSeek-V3, arXiv 2412.19437 §3.2.3) stores each norm's input instead
/// of its output and recomputes the norm (the 4·sbh of norms goes), keeps a gated MLP's gate and up
/// outputs and recomputes their product (6·sbi becomes 4·sbi), and with MLA keeps the compressed
/// key-value latent and recomputes the keys and values from it (2·kv·(qk + v) becomes twice the
/// latent's width). DeepSeek-V3 also recomputes the query up-projection and keeps some activations
/// in FP8; neither is modelled, so this errs high.
pub fn activation_bytes(shape: &Shape, layout: Layout, setup: &Setup) -> f64 {
    let s = shape.training_sequence();
    let b = f64::from(setup.micro_batch);
    let h = f64::from(shape.hidden_size);
    let heads = f64::from(shape.attention_heads);
    let kv = f64::from(shape.kv_heads);
    let (qk, v) = (f64::from(shape.qk_head_dim), f64::from(shape.v_head_dim));
    // Attention: its input, Q, K, V and the output projection's input (2 bytes per element each)
    // and the dropout mask (1 byte): 11·h for multi-head attention with h = heads·d.
    let selective = setup.selective_recomputation;
    let keys_values = match shape.mla_cache_width {
        Some(latent) if selective => 2.0 * f64::from(latent),
        _ => 2.0 * kv * (qk + v),
    };
    let attention = 2.0 * h + 2.0 * heads * qk + keys_values + 2.0 * heads * v + h;
    // MLP: input and dropout mask (3·h), then 4 (or 6 gated) bytes per element of each routed-to
    // expert's width.
    let width = shape.mlp_activation_width();
    let per_width = match (shape.gated_mlp, selective) {
        (true, false) => 6.0,
        (true, true) | (false, _) => 4.0,
    };
    let mlp = 3.0 * h + per_width * width;
    let norms = if selective { 0.0 } else { 4.0 * h };
    let t = f64::from(layout.tensor);
    let per_layer = s * b * (attention + mlp + norms) / t;
    let layers = f64::from(shape.layers);
    let stored = if setup.activation_checkpointing {
        layers * 2.0 * s * b * h / t + per_layer
    } else {
        layers * per_layer
    };
    stored + s * b * f64::from(shape.vocab_size) * 4.0 / t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::Model;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn setup() -> Setup {
        Setup {
            precision: Precision::Bf16,
            optimizer: Optimizer::Adamw,
            method: Method::Full,
            lora_rank: 16,
            micro_batch: 1,
            activation_checkpointing: false,
            selective_recomputation: false,
            adapter_parameters: 0.0,
        }
    }

    const ONE: Layout = Layout { data: 1, tensor: 1, pipeline: 1, expert: 1, zero_stage: 0 };

    #[test]
    fn mixed_precision_adam_is_sixteen_bytes_per_parameter() {
        // ZeRO (arXiv 1910.02054) §3.1: 2Ψ + 2Ψ + 12Ψ = 16Ψ bytes for Ψ parameters.
        let model = Model::with_parameters(7.5e9).resolve().unwrap();
        let memory = training_memory(&model, ONE, &setup());
        let states = memory.weights + memory.gradients + memory.optimizer_states;
        assert_eq!(states, Bytes::new(16.0 * 7.5e9));
    }

    #[test]
    fn zero_stages_match_the_zero_paper() {
        // ZeRO Figure 1: 7.5B parameters on 64 GPUs: 120 GB baseline, 31.4 GB (stage 1, Pos),
        // 16.6 GB (stage 2, Pos+g), 1.9 GB (stage 3, Pos+g+p).
        let model = Model::with_parameters(7.5e9).resolve().unwrap();
        for (stage, gigabytes) in [(0, 120.0), (1, 31.4), (2, 16.6), (3, 1.9)] {
            let layout = Layout { data: 64, zero_stage: stage, ..ONE };
            let memory = training_memory(&model, layout, &setup());
            let states = (memory.weights + memory.gradients + memory.optimizer_states).get() / 1e9;
            assert!((states / gigabytes - 1.0).abs() < 0.02, "stage {stage}: {states} GB");
        }
    }

    #[test]
    fn korthikanti_activations_for_an_mha_gelu_model() {
        // 34·sbh per layer without the s² term for a plain 4h MLP and full multi-head attention.
        let model =
            Model { preset: Some("gpt-3-175b".into()), ..Model::default() }.resolve().unwrap();
        let shape = model.shape.unwrap();
        let per_layer = 34.0 * 2048.0 * 12288.0;
        let logits = 2048.0 * 50257.0 * 4.0;
        let expected = 96.0 * per_layer + logits;
        assert!((activation_bytes(&shape, ONE, &setup()) / expected - 1.0).abs() < 1e-12);
    }

    #[test]
    fn qlora_fits_a_65b_model_on_one_48gb_gpu() {
        // QLoRA (arXiv 2305.14314) abstract: finetunes a 65B model on a single 48GB GPU.
        let model =
            Model { preset: Some("llama-2-70b".into()), ..Model::default() }.resolve().unwrap();
        let scaled = crate::catalogue::shape::ResolvedModel {
            parameters: Parameters::new(65.2e9),
            active_parameters: Parameters::new(65.2e9),
            ..model
        };
        let shape = scaled.shape.clone().unwrap();
        let adapters = crate::catalogue::shape::adapter_parameters(&shape, 16);
        let memory = training_memory(
            &scaled,
            ONE,
            &Setup {
                method: Method::Qlora,
                adapter_parameters: adapters,
                activation_checkpointing: true,
                micro_batch: 1,
                ..setup()
            },
        );
        assert!(memory.total().get() < 48e9, "{:?}", memory);
    }
}
