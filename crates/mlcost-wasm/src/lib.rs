//! The mlcost engine for JavaScript: `estimate(scenario)` takes the scenario object the CLI reads as
//! JSON and returns the report object the CLI prints, or throws an `Error` whose message names the
//! field (`training.tokens: must be > 0`) and whose `field` property holds that path.

use mlcost::Scenario;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Estimates a scenario given as a plain JavaScript object (or its JSON text).
#[wasm_bindgen]
pub fn estimate(scenario: JsValue) -> Result<JsValue, JsValue> {
    // Going through JSON text keeps one parser, with its field-named errors, for every front end.
    let json = match scenario.as_string() {
        Some(text) => text,
        None => js_sys::JSON::stringify(&scenario)?
            .as_string()
            .ok_or_else(|| js_error("scenario: must be an object", ""))?,
    };
    let report = Scenario::from_json(&json)
        .and_then(|s| mlcost::estimate(&s))
        .map_err(|err| js_error(&err.to_string(), &err.field))?;
    report
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|err| js_error(&err.to_string(), ""))
}

fn js_error(message: &str, field: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &"field".into(), &field.into());
    error.into()
}
