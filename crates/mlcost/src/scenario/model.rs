//! The model section of a scenario: a preset, the user's own figures, or a pasted Hugging Face
//! `config.json`, resolved into the figures the cost models need (parameter counts, and the
//! transformer's shape when known).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalogue::presets::preset;
use crate::catalogue::shape::ResolvedModel;
use crate::scenario::model_sources::{
    Partial, derived_parameters, from_hf_config, from_preset, override_u32,
};
use crate::vocabulary::check::{MAX_FLOPS_PER_SAMPLE, MAX_PARAMETERS, at_least_one, at_most};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::units::Parameters;

/// The model section of a scenario: a preset, a Hugging Face config, and/or explicit figures, which
/// win over both.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Model {
    /// A bundled model preset's id (`llama-3.1-8b`), whose published figures fill the fields left
    /// out. Not with `hf_config`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// A pasted Hugging Face `config.json`.
    #[cfg_attr(feature = "typescript", tsify(type = "Record<string, unknown>"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hf_config: Option<Value>,
    /// Total parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<f64>,
    /// Parameters per token (MoE); defaults to `parameters`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_parameters: Option<f64>,
    /// Transformer layers. A shape needs `layers`, `hidden_size` and `attention_heads` (given
    /// here or by the preset or config) once any of them or `sequence_length` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layers: Option<u32>,
    /// The model's width, the size of each token's hidden state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden_size: Option<u32>,
    /// Width of each layer's MLP; absent, the preset's or config's, else 8/3 × `hidden_size` for
    /// a gated MLP and 4 × `hidden_size` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intermediate_size: Option<u32>,
    /// Attention (query) heads per layer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attention_heads: Option<u32>,
    /// Key and value heads per layer, 1 to `attention_heads` (fewer for grouped-query attention);
    /// absent, the preset's or config's, else `attention_heads`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv_heads: Option<u32>,
    /// Tokens in the vocabulary, for the embedding and output layers; absent, the preset's or
    /// config's, else 0 (no embeddings counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vocab_size: Option<u32>,
    /// Tokens per training sequence, the length the model is trained at: required to train a
    /// model with a shape when its preset states none (a config.json's
    /// `max_position_embeddings` is not read as it). Serving does not read it.
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

    /// The figures the cost models read: the preset's or config's with the explicit ones laid
    /// over them, each checked, and parameter counts derived from the shape when none is given.
    /// Errors name the field (`model.kv_heads`).
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
        for (field, value, ceiling) in [
            ("model.parameters", self.parameters, MAX_PARAMETERS),
            ("model.active_parameters", self.active_parameters, MAX_PARAMETERS),
            (
                "model.training_flops_per_sample",
                self.training_flops_per_sample,
                MAX_FLOPS_PER_SAMPLE,
            ),
        ] {
            if let Some(value) = value {
                at_most(field, at_least_one(field, value)?, ceiling)?;
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
        let parameters =
            self.parameters.or(base.parameters).or(derived.map(|d| d.0)).ok_or_else(|| {
                let why = "is required without a preset or a config.json";
                Error::new("model.parameters", Problem::Malformed(why.to_owned()))
            })?;
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
            parameters: Parameters::new(parameters),
            active_parameters: Parameters::new(active_parameters),
            expert_parameters: Parameters::new(expert_parameters),
            routed_experts: base.experts,
            shape,
            training_flops_per_sample: base.training_flops_per_sample,
            inference_flops_per_sample: base.inference_flops_per_sample,
            source: base.source,
        })
    }
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
        assert!(
            (shape.parameters.get() / llama.parameters - 1.0).abs() < 0.01,
            "{}",
            shape.parameters.get()
        );
    }

    #[test]
    fn mixtral_experts_hold_most_of_the_weights() {
        let model =
            Model { preset: Some("mixtral-8x7b".into()), ..Model::default() }.resolve().unwrap();
        // 8 experts of which 2 are active: E·e = (46.7B − 12.9B)·8/6 = 45.1B.
        assert!(
            (model.expert_parameters.get() / 45.1e9 - 1.0).abs() < 0.01,
            "{}",
            model.expert_parameters.get()
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
        // Serving needs no training length; a training section asks for it (resolve/training.rs).
        let serving = Model { hf_config: Some(config.clone()), ..Model::default() }.resolve();
        assert_eq!(serving.unwrap().shape.unwrap().sequence_length, None);
        let with = |config: Value| Model {
            hf_config: Some(config),
            sequence_length: Some(4096),
            ..Model::default()
        };
        let model = with(config.clone()).resolve().unwrap();
        assert!((model.parameters.get() / 6.74e9 - 1.0).abs() < 0.01, "{}", model.parameters.get());
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
