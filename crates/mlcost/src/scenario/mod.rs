//! Layer 2, the scenario: everything a user states about a model and a workload. One schema, shared by the
//! engine, the CLI, the JavaScript API and the web app (and its URLs); field names are a contract.

use serde::{Deserialize, Serialize};

use crate::vocabulary::error::Error;
use crate::vocabulary::json;
use model::Model;

pub mod model;
mod model_sources;
pub mod owned;
mod renamed;
pub mod resolve;
pub mod serving;
pub mod share;
pub mod training;

use serving::Serving;

use training::Training;

/// A model and what to do with it. Sections a user leaves out are `None`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Absent only in a file that owns servers and estimates nothing (`mlcost own`).
    #[serde(default)]
    pub model: Model,
    /// A training run of the model to estimate; absent, no training is estimated. A scenario
    /// that estimates anything needs this section or `serving`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<Training>,
    /// The model served to a load of requests; absent, no serving is estimated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving: Option<Serving>,
    /// Servers bought rather than rented, and the terms of owning them (`mlcost own`, the
    /// `owned` plan): an `owned::Owned`, read when it is resolved.
    ///
    /// Why JSON until then? The app's first render reads every scenario and resolves no owned
    /// section (its second module does, and hands it over); a reader for the section's twenty
    /// fields would take 2 KB of its download budget. Its fields are checked, and named in errors
    /// (`owned.pue`), when the section is resolved.
    #[cfg_attr(feature = "schema", schemars(with = "Option<owned::Owned>"))]
    #[cfg_attr(feature = "typescript", tsify(type = "Owned"))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned: Option<serde_json::Value>,
}

impl Scenario {
    /// Parses a scenario from JSON. Errors name the field (`training.accelerator_count: invalid
    /// type ...`), never just a line and column.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let mut scenario = json::from_json(text).map_err(|e: Error| e.within("scenario"))?;
        renamed::move_old_names(&mut scenario)?;
        Ok(scenario)
    }

    /// Parses a scenario written in TOML (the same fields as the JSON form). Errors name the field.
    #[cfg(feature = "toml")]
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        let mut scenario = Self::from_toml_as_written(text)?;
        renamed::move_old_names(&mut scenario)?;
        Ok(scenario)
    }

    #[cfg(feature = "toml")]
    fn from_toml_as_written(text: &str) -> Result<Self, Error> {
        let deserializer = toml::Deserializer::new(text);
        serde_path_to_error::deserialize(deserializer).map_err(|err| {
            let path = err.path().to_string();
            let path = if path == "." || path == "?" { String::new() } else { path };
            let message = err.inner().message().to_owned();
            if let Some(name) = crate::vocabulary::json::missing_field_name(&message) {
                let field =
                    if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
                return Error::new(field, crate::vocabulary::error::Problem::Missing);
            }
            // TOML syntax errors carry their own position and quote the line: keep them, with
            // each line cut short so a long value is not echoed back whole.
            let text = if path.is_empty() {
                let text = err.inner().to_string();
                let lines: Vec<String> = text
                    .trim()
                    .lines()
                    .map(|line| crate::vocabulary::error::clip(line).into_owned())
                    .collect();
                lines.join("\n")
            } else {
                crate::vocabulary::plain::plain_words(&message)
            };
            Error::new(path, crate::vocabulary::error::Problem::Malformed(text)).within("scenario")
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
        // A file without a model reads (it may own servers and estimate nothing); estimating
        // a section without one asks for the model's size, as an empty model section does.
        let no_model = r#"{"training": {"tokens": 1e12, "accelerator": "h100-sxm",
            "accelerator_count": 8, "precision": "bf16", "price_per_accelerator_hour": 2.5}}"#;
        let book = crate::PriceBook::bundled().unwrap();
        let scenario = Scenario::from_json(no_model).unwrap();
        assert_eq!(scenario.resolve(book).unwrap_err().field, "model.parameters");
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
        assert_eq!(
            err.to_string(),
            "scenario: is not JSON: names need double quotes, at line 1, column 3"
        );
    }
}
