//! The mlcost engine for JavaScript: `estimate(scenario)` takes the scenario object the CLI reads as
//! JSON and returns the report object the CLI prints, or throws an `Error` whose message names the
//! field (`training.tokens: must be > 0`) and whose `field` property holds that path.
//! `optimize(scenario, settings?)` returns the advisor's object `mlcost optimize --format json`
//! prints.

use mlcost::Scenario;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Estimates a scenario given as a plain JavaScript object (or its JSON text).
#[wasm_bindgen]
pub fn estimate(scenario: JsValue) -> Result<JsValue, JsValue> {
    // Going through JSON text keeps one parser, with its field-named errors, for every front end.
    let report = read(&scenario)?;
    let report = mlcost::estimate(&report).map_err(|err| js_error(&err.to_string(), &err.field))?;
    to_js(&report)
}

/// The advisor: Pareto front, recommendations (each with the scenario it recommends), waterfall
/// and what-ifs. `settings` (optional): `{accepted: [ids], student: "preset", distillation_tokens}`.
#[wasm_bindgen]
pub fn optimize(scenario: JsValue, settings: JsValue) -> Result<JsValue, JsValue> {
    let scenario = read(&scenario)?;
    let settings: mlcost::optimize::Settings = if settings.is_undefined() || settings.is_null() {
        Default::default()
    } else {
        serde_wasm_bindgen::from_value(settings)
            .map_err(|err| js_error(&format!("settings: {err}"), "settings"))?
    };
    let book =
        mlcost::PriceBook::bundled().map_err(|err| js_error(&err.to_string(), &err.field))?;
    let advice = mlcost::optimize::optimize(&scenario, book, &settings)
        .map_err(|err| js_error(&err.to_string(), &err.field))?;
    to_js(&advice)
}

/// A scenario from a plain object or its JSON text.
fn read(scenario: &JsValue) -> Result<Scenario, JsValue> {
    // Going through JSON text keeps one parser, with its field-named errors, for every front end.
    let json = match scenario.as_string() {
        Some(text) => text,
        None => js_sys::JSON::stringify(scenario)?
            .as_string()
            .ok_or_else(|| js_error("scenario: must be an object", ""))?,
    };
    Scenario::from_json(&json).map_err(|err| js_error(&err.to_string(), &err.field))
}

fn to_js(value: &impl Serialize) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|err| js_error(&err.to_string(), ""))
}

fn js_error(message: &str, field: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &"field".into(), &field.into());
    error.into()
}
