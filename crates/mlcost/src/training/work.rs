//! How much computing a training run is: tokens (or samples) times FLOPs per token, counted the way
//! MFU is defined, and the FLOPs the hardware actually does when activations are recomputed.

use serde::{Deserialize, Serialize};

use crate::catalogue::shape::Shape;
use crate::scenario::resolve::training::{Amount, ResolvedTraining};
use crate::vocabulary::terms::Method;
use crate::vocabulary::units::{Flops, Parameters, Tokens};

/// How much computing a run is, and what it trains.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Work {
    /// Tokens processed over the run, for sequence models.
    pub tokens: Option<Tokens>,
    /// Model FLOPs: what MFU is measured against.
    pub model_flops: Flops,
    /// Model FLOPs plus the forward pass recomputed under activation checkpointing.
    pub hardware_flops: Flops,
    /// Parameters the run trains (all of them, or the adapters').
    pub trainable_parameters: Parameters,
}

/// The matrix FLOPs selective recomputation repeats per token: with MLA, the keys and values
/// up-projected again from the latent, 2 · latent · kv_heads · (qk + v) per layer. The latent's width
/// and the keys' widths include their rotary parts, which are not up-projected, so this errs high
/// (by about two fifths for DeepSeek-V3); norms and the MLP's product are elementwise, not matrix work.
pub fn selective_recompute_flops_per_token(shape: &Shape) -> f64 {
    shape.mla_cache_width.map_or(0.0, |latent| {
        2.0 * f64::from(latent)
            * f64::from(shape.kv_heads)
            * f64::from(shape.qk_head_dim + shape.v_head_dim)
            * f64::from(shape.layers)
    })
}

/// The run's FLOPs, counted the way MFU is defined, and the parameters it trains.
pub fn training_work(run: &ResolvedTraining<'_>) -> Work {
    let model = &run.model;
    let checkpointing = run.setup.activation_checkpointing;
    let tokens = match run.amount {
        Amount::Samples { total, flops_per_sample } => {
            let flops = Flops::new(flops_per_sample * total);
            let hardware = if checkpointing { flops * (4.0 / 3.0) } else { flops };
            return Work {
                tokens: None,
                model_flops: flops,
                hardware_flops: hardware,
                trainable_parameters: model.parameters,
            };
        }
        Amount::Tokens { total, .. } => total,
    };
    let attention = model.shape.as_ref().map_or(0.0, attention_flops_per_token);
    let n = model.active_parameters.get();
    let (per_token, recomputed, trainable) = match run.setup.method {
        // Forward 2N, backward 4N (gradients for activations and for weights).
        Method::Full => (6.0 * n + attention, 2.0 * n + attention / 3.0, model.parameters.get()),
        // Frozen base: forward 2N and activation gradients 2N, but no weight gradients; adapters
        // train in full (6 FLOPs per adapter parameter per token).
        Method::Lora | Method::Qlora => {
            let adapters = run.setup.adapter_parameters;
            (4.0 * n + 6.0 * adapters + attention, 2.0 * n + attention / 3.0, adapters)
        }
    };
    let model_flops = Flops::new(per_token * tokens);
    let hardware_flops = if checkpointing {
        Flops::new((per_token + recomputed) * tokens)
    } else if run.setup.selective_recomputation {
        let selective = model.shape.as_ref().map_or(0.0, selective_recompute_flops_per_token);
        Flops::new((per_token + selective) * tokens)
    } else {
        model_flops
    };
    Work {
        tokens: Some(Tokens::new(tokens)),
        model_flops,
        hardware_flops,
        trainable_parameters: Parameters::new(trainable),
    }
}

/// Optimizer steps over the run, when a global batch is given (the resolve step checked that it
/// splits evenly over the data-parallel ranks' micro-batches).
pub fn optimizer_steps(run: &ResolvedTraining<'_>, work: &Work) -> Option<f64> {
    let global = f64::from(run.global_batch?);
    let sequence = run.model.shape.as_ref().map_or(1.0, Shape::training_sequence);
    work.tokens.map(|tokens| tokens.get() / (global * sequence))
}

/// Attention's own FLOPs per token over forward and backward: for each layer, queries against keys
/// (2·s·d_qk) and weights against values (2·s·d_v) forward, twice that backward — PaLM's
/// 12·L·H·Q·T when d_qk = d_v (Chowdhery et al. 2022, arXiv 2204.02311, Appendix B). `s` is the
/// attended length: the sequence, or the sliding window. Full (not causal-halved) counting, as PaLM.
pub fn attention_flops_per_token(shape: &Shape) -> f64 {
    let heads = f64::from(shape.attention_heads);
    let widths = heads * (f64::from(shape.qk_head_dim) + f64::from(shape.v_head_dim));
    6.0 * f64::from(shape.layers) * shape.attended_tokens() * widths
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::pricing::PriceBook;
    use crate::scenario::model::Model;
    use crate::scenario::resolve::training::resolve_training;
    use crate::scenario::training::Training;
    use crate::vocabulary::error::Error;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn training(json: &str) -> Training {
        serde_json::from_str(json).unwrap()
    }

    /// The work of a run, through the resolve step that checks its fields.
    fn training_work(
        model: &crate::catalogue::shape::ResolvedModel,
        training: &Training,
    ) -> Result<Work, Error> {
        let book = PriceBook::bundled()?;
        Ok(super::training_work(&resolve_training(model.clone(), training, book, None)?))
    }

    const BASE: &str = r#""accelerator": "h100-sxm", "accelerator_count": 8, "precision": "bf16",
        "price_per_accelerator_hour": 2"#;

    #[test]
    fn a_bare_parameter_count_is_six_n_d() {
        let model = Model::with_parameters(7e9).resolve().unwrap();
        let work =
            training_work(&model, &training(&format!(r#"{{"tokens": 1e12, {BASE}}}"#))).unwrap();
        assert_eq!(work.model_flops, Flops::new(6.0 * 7e9 * 1e12));
        assert_eq!(work.hardware_flops, work.model_flops);
    }

    #[test]
    fn the_attention_term_follows_palm() {
        // GPT-3 175B: 96 layers, width 12288, 2048 tokens: 12·L·d·s = 2.9e10 FLOPs per token.
        let model =
            Model { preset: Some("gpt-3-175b".into()), ..Model::default() }.resolve().unwrap();
        let shape = model.shape.as_ref().unwrap();
        let expected = 12.0 * 96.0 * 12288.0 * 2048.0;
        assert!((attention_flops_per_token(shape) / expected - 1.0).abs() < 1e-12);
    }

    #[test]
    fn samples_times_sequence_length_are_tokens() {
        let model =
            Model { preset: Some("llama-2-7b".into()), ..Model::default() }.resolve().unwrap();
        let work = training_work(
            &model,
            &training(&format!(r#"{{"samples": 1000, "epochs": 3, {BASE}}}"#)),
        )
        .unwrap();
        assert_eq!(work.tokens, Some(Tokens::new(1000.0 * 4096.0 * 3.0)));
    }

    #[test]
    fn lora_skips_weight_gradients_and_trains_few_parameters() {
        let model =
            Model { preset: Some("llama-2-7b".into()), ..Model::default() }.resolve().unwrap();
        let full =
            training_work(&model, &training(&format!(r#"{{"tokens": 1e9, {BASE}}}"#))).unwrap();
        let lora = training_work(
            &model,
            &training(&format!(r#"{{"tokens": 1e9, "method": "lora", {BASE}}}"#)),
        )
        .unwrap();
        let ratio = lora.model_flops.get() / full.model_flops.get();
        assert!((0.66..0.75).contains(&ratio), "{ratio}");
        // Rank 16 on every projection of Llama 2 7B: about 40M adapter parameters (0.6%).
        assert!(
            (3.5e7..4.5e7).contains(&lora.trainable_parameters.get()),
            "{}",
            lora.trainable_parameters.get()
        );
    }

    #[test]
    fn checkpointing_recomputes_the_forward_pass() {
        let model = Model::with_parameters(7e9).resolve().unwrap();
        let work = training_work(
            &model,
            &training(&format!(r#"{{"tokens": 1e12, "activation_checkpointing": true, {BASE}}}"#)),
        )
        .unwrap();
        assert!((work.hardware_flops.get() / work.model_flops.get() - 8.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn a_cnn_counts_samples() {
        let model =
            Model { preset: Some("resnet-50".into()), ..Model::default() }.resolve().unwrap();
        let err =
            training_work(&model, &training(&format!(r#"{{"tokens": 1e9, {BASE}}}"#))).unwrap_err();
        assert_eq!(err.field, "training.samples");
        let work = training_work(
            &model,
            &training(&format!(r#"{{"samples": 1.28e6, "epochs": 90, {BASE}}}"#)),
        )
        .unwrap();
        assert!((work.model_flops.get() / (2.28e10 * 1.28e6 * 90.0) - 1.0).abs() < 1e-12);
    }
}
