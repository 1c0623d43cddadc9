//! The scenario: everything a user states about a model and a workload. One schema, shared by the
//! engine, the CLI, the JavaScript API and the web app (and its URLs); field names are a contract.

use serde::{Deserialize, Serialize};

use crate::costs::StorageSettings;
use crate::error::Error;
use crate::model::Model;
use crate::pricing::Plan;
use crate::reliability::Reliability;
use crate::serving::Serving;
use crate::units::UsdPerHour;

/// A model and what to do with it. Sections a user leaves out are `None`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub model: Model,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<Training>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving: Option<Serving>,
}

/// The numeric format the matrix multiplications run in; it selects the accelerator's dense peak.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Fp32,
    Bf16,
    Fp16,
    Fp8,
}

impl Precision {
    pub const ALL: [Precision; 4] = [Self::Fp32, Self::Bf16, Self::Fp16, Self::Fp8];

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

/// The optimizer: what it keeps per trained parameter sets most of training's memory.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Optimizer {
    #[default]
    #[serde(rename = "adamw")]
    Adamw,
    #[serde(rename = "adamw-8bit")]
    Adamw8bit,
    #[serde(rename = "sgd")]
    Sgd,
    #[serde(rename = "adafactor")]
    Adafactor,
}

/// How the accelerators split the work. Absent degrees are 1, except `data`, which is whatever
/// the accelerator count leaves.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parallelism {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tensor: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expert: Option<u32>,
    /// ZeRO stage 0–3 (3 is what FSDP does); 0 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zero_stage: Option<u8>,
}

#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    #[serde(default, skip_serializing_if = "is_default")]
    pub method: Method,
    /// Adapter rank for LoRA and QLoRA; 16 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lora_rank: Option<u32>,
    /// Recompute activations in the backward pass instead of storing them.
    #[serde(default, skip_serializing_if = "is_default")]
    pub activation_checkpointing: bool,
    #[serde(default, skip_serializing_if = "is_default")]
    pub optimizer: Optimizer,
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
    /// An id from the hardware table (`h100-sxm`).
    pub accelerator: String,
    pub accelerator_count: u32,
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
            optimizer: Optimizer::Adamw,
            parallelism: Parallelism::default(),
            micro_batch: None,
            global_batch: None,
            reliability: Reliability::default(),
            storage: StorageSettings::default(),
            pue: None,
            deadline_hours: None,
            accelerator: accelerator.into(),
            accelerator_count,
            precision,
            mfu: None,
            goodput: None,
            price_per_accelerator_hour: None,
            offer: None,
            plan: None,
            region: None,
        }
    }
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

impl Scenario {
    /// Parses a scenario from JSON. Errors name the field (`training.accelerator_count: invalid
    /// type ...`), never just a line and column.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        crate::json::from_json(text)
    }

    /// Parses a scenario written in TOML (the same fields as the JSON form). Errors name the field.
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        let deserializer = toml::Deserializer::new(text);
        serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let path = err.path().to_string();
            let path = if path == "." || path == "?" { String::new() } else { path };
            let message = err.inner().message().to_owned();
            if let Some(name) = crate::json::missing_field_name(&message) {
                let field =
                    if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
                return Error::new(field, crate::error::Problem::Missing);
            }
            // TOML syntax errors carry their own position; keep the whole text for them.
            let text =
                if path.is_empty() { err.inner().to_string().trim().to_owned() } else { message };
            Error::new(path, crate::error::Problem::Malformed(text))
        })
    }

    /// The scenario as pretty JSON, the format `from_json` reads.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).unwrap_or_else(|_| String::from("{}"))
    }

    /// The scenario as a JSON value. Why through a value, even for text? Every front end then
    /// serialises a scenario with one serializer, which keeps the web bundle small.
    pub fn to_value(&self) -> serde_json::Value {
        // Serialising plain structs of numbers and strings cannot fail; an empty object is still
        // a scenario's shape should a future field break that.
        serde_json::to_value(self).unwrap_or_else(|_| serde_json::Value::Object(Default::default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const VALID: &str = r#"{
        "model": {"parameters": 7e9},
        "training": {"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 8,
                     "precision": "bf16", "price_per_accelerator_hour": 2.5}
    }"#;

    #[test]
    fn errors_name_the_path_of_the_value_key_or_object_at_fault() {
        let field = |json: &str| Scenario::from_json(json).unwrap_err().field;
        assert_eq!(field(r#"{"model": {"parameters": "many"}}"#), "model.parameters");
        assert_eq!(
            field(r#"{"model": {}, "serving": {"accelerator": "h100-sxm", "traffic": [1, "x"]}}"#),
            "serving.traffic[1]"
        );
        assert_eq!(
            field(r#"{"model": {}, "serving": {"tensor_parallel": 2}}"#),
            "serving.accelerator"
        );
        assert_eq!(field("{\n  \"model\": {\n    \"bogus\": 3}}"), "model.bogus");
        assert_eq!(field(r#"{"model": {}, "training": 5}"#), "training");
        assert_eq!(field(r#"{"training": {"tokens": 1}}"#), "training.accelerator");
        assert_eq!(field("{}"), "model");
        assert_eq!(
            field(r#"{"model": {"preset": "a\"b"}, "serving": {"weight_precision": "fp2"}}"#),
            "serving.weight_precision"
        );
    }

    #[test]
    fn parses_and_round_trips() {
        let scenario = Scenario::from_json(VALID).unwrap();
        assert_eq!(Scenario::from_json(&scenario.to_json()).unwrap(), scenario);
    }

    #[test]
    fn missing_field_is_named_by_its_full_path() {
        let err =
            Scenario::from_json(&VALID.replace(r#""accelerator": "h100-sxm","#, "")).unwrap_err();
        assert_eq!(err.to_string(), "training.accelerator: is required");
    }

    #[test]
    fn wrong_type_is_named_by_its_path() {
        let err = Scenario::from_json(
            &VALID.replace("\"accelerator_count\": 8", "\"accelerator_count\": -3"),
        )
        .unwrap_err();
        assert_eq!(err.field, "training.accelerator_count");
    }

    #[test]
    fn unknown_field_is_rejected_not_ignored() {
        let err = Scenario::from_json(&VALID.replace("\"tokens\"", "\"tokenz\"")).unwrap_err();
        assert_eq!(err.field, "training.tokenz");
        assert!(err.to_string().contains("unknown field"), "{err}");
    }

    #[cfg(feature = "toml")]
    #[test]
    fn toml_reads_the_same_scenario_and_names_bad_fields() {
        let toml = r#"
            [model]
            parameters = 7e9
            [training]
            tokens = 1e12
            accelerator = "h100-sxm"
            accelerator_count = 8
            precision = "bf16"
            price_per_accelerator_hour = 2.5
        "#;
        assert_eq!(Scenario::from_toml(toml).unwrap(), Scenario::from_json(VALID).unwrap());
        let err = Scenario::from_toml(
            &toml.replace("accelerator_count = 8", "accelerator_count = \"eight\""),
        )
        .unwrap_err();
        assert_eq!(err.field, "training.accelerator_count");
    }

    #[test]
    fn not_json_at_all_is_a_scenario_error() {
        let err = Scenario::from_json("{ not json").unwrap_err();
        assert_eq!(err.to_string(), "scenario: key must be a string at line 1 column 3");
    }
}
