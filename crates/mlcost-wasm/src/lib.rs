//! The mlcost engine for JavaScript: the npm package `cargo xtask package` builds (`target/npm`),
//! and what its `<mlcost-estimate>` widget (`js/widget.js`) runs.
//!
//! Every function takes and returns the objects the CLI reads and prints as JSON, typed in the
//! package's `mlcost.d.ts` by the engine's own types (tsify): a misspelt scenario field is a
//! compile error in an editor. Bad input throws an `Error` whose message names the field
//! (`training.tokens: must be > 0`) and whose `field` property holds that path (`MlcostError`'s
//! declaration below).
//!
//! Why JSON text between the page and the engine? One parser, with its field-named errors and its
//! refusal of unknown fields, for every front end; a scenario is a few hundred bytes.

use mlcost::Scenario;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const ERROR_DECLARATION: &'static str = r#"
/**
 * What every function of the package throws for input it cannot use: an `Error` whose message
 * says what is wrong and what is allowed, and whose `field` is the scenario's path to the value
 * at fault (`training.tokens`), empty when no one field is.
 */
export interface MlcostError extends Error {
    field: string;
}

/** Whether `error` is one the package threw (an `Error` with a `field`). */
export function isMlcostError(error: unknown): error is MlcostError;
"#;

/// Estimates a scenario, given as an object or its JSON text: the report `mlcost estimate
/// --format json` prints.
#[wasm_bindgen(unchecked_return_type = "Report")]
pub fn estimate(
    #[wasm_bindgen(unchecked_param_type = "Scenario | string")] scenario: JsValue,
) -> Result<JsValue, JsValue> {
    let scenario = read(&scenario, "")?;
    let report = mlcost::estimate(&scenario).map_err(engine_error)?;
    to_js(&report)
}

/// The advisor: where each section stands, the recommendations (each with the scenario it
/// recommends), the Pareto front, the waterfall and what-ifs: what `mlcost optimize --format json`
/// prints. `settings` (optional) names accepted moves, a student model for distillation and its
/// tokens.
#[wasm_bindgen(unchecked_return_type = "Advice")]
pub fn optimize(
    #[wasm_bindgen(unchecked_param_type = "Scenario | string")] scenario: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "Settings")] settings: Option<JsValue>,
) -> Result<JsValue, JsValue> {
    let scenario = read(&scenario, "")?;
    let settings: mlcost::optimize::Settings = match settings {
        Some(settings) if !settings.is_null() && !settings.is_undefined() => {
            from_json(&settings, "settings")?
        }
        _ => Default::default(),
    };
    let book = mlcost::PriceBook::bundled().map_err(engine_error)?;
    let advice = mlcost::optimize::optimize(&scenario, book, &settings).map_err(engine_error)?;
    to_js(&advice)
}

/// What changed between two scenarios' estimates: every figure that differs, by section, the
/// headline figures first (what `mlcost diff --format json` prints). An error in either scenario
/// names its field under `before.` or `after.`.
#[wasm_bindgen(unchecked_return_type = "ReportDiff")]
pub fn diff(
    #[wasm_bindgen(unchecked_param_type = "Scenario | string")] before: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Scenario | string")] after: JsValue,
) -> Result<JsValue, JsValue> {
    let estimate_one = |scenario: &JsValue, side: &str| -> Result<mlcost::Report, JsValue> {
        let scenario = read(scenario, side)?;
        mlcost::estimate(&scenario).map_err(|err| sided_error(err, side))
    };
    let before = estimate_one(&before, "before")?;
    let after = estimate_one(&after, "after")?;
    to_js(&mlcost::diff::diff(&before, &after))
}

/// A report's key figures, labelled and formatted as the app shows them, and each section's cost
/// under every plan its offer sells, cheapest first: what the widget draws.
#[wasm_bindgen(unchecked_return_type = "Summary")]
pub fn summarize(
    #[wasm_bindgen(unchecked_param_type = "Report")] report: JsValue,
) -> Result<JsValue, JsValue> {
    let report: mlcost::Report = from_json(&report, "report")?;
    to_js(&mlcost::summary::summarize(&report))
}

/// The scenario in an app link (`https://…/#s=2.…`, the fragment `#s=…`, or its payload), as
/// `mlcost link` writes and the app's address bar holds.
#[wasm_bindgen(js_name = scenarioFromLink, unchecked_return_type = "Scenario")]
pub fn scenario_from_link(link: &str) -> Result<JsValue, JsValue> {
    let payload = match link.split_once("#s=") {
        Some((_, payload)) => payload,
        // An address without a scenario: say so, not that a payload was cut short.
        None if link.contains("://") || link.starts_with('#') || link.starts_with('/') => {
            return Err(js_error(
                "link: it holds no scenario (an mlcost link ends in #s= and the scenario)",
                "link",
            ));
        }
        None => link,
    };
    let scenario = mlcost::scenario::share::decode(payload).map_err(|err| match err {
        mlcost::scenario::share::LinkError::Invalid(err) => engine_error(err),
        other => js_error(&format!("link: {other}"), "link"),
    })?;
    to_js(&scenario)
}

/// An app link's payload for a scenario (the part after `#s=`): the app opens `…/#s=` and it.
#[wasm_bindgen(js_name = linkPayload)]
pub fn link_payload(
    #[wasm_bindgen(unchecked_param_type = "Scenario | string")] scenario: JsValue,
) -> Result<String, JsValue> {
    let scenario = read(&scenario, "")?;
    Ok(mlcost::scenario::share::encode(&scenario))
}

/// Whether `error` is one this package threw: an `Error` with a `field` property.
#[wasm_bindgen(js_name = isMlcostError, skip_typescript)]
pub fn is_mlcost_error(error: &JsValue) -> bool {
    error.is_instance_of::<js_sys::Error>()
        && js_sys::Reflect::get(error, &"field".into()).is_ok_and(|field| field.is_string())
}

/// A scenario from an object or its JSON text; errors name the field under `side` when given.
fn read(scenario: &JsValue, side: &str) -> Result<Scenario, JsValue> {
    let json = json_text(scenario, if side.is_empty() { "scenario" } else { side })?;
    Scenario::from_json(&json).map_err(|err| sided_error(err, side))
}

/// The engine's error, its field under `side` (`before.training.tokens`) when there is one.
fn sided_error(err: mlcost::Error, side: &str) -> JsValue {
    if side.is_empty() {
        engine_error(err)
    } else {
        js_error(&format!("{side}: {err}"), &format!("{side}.{}", err.field))
    }
}

/// Any serde type from an object or its JSON text; errors name `what`.
fn from_json<T: serde::de::DeserializeOwned>(value: &JsValue, what: &str) -> Result<T, JsValue> {
    let json = json_text(value, what)?;
    serde_json::from_str(&json).map_err(|err| {
        // A line and column mean something in text the page wrote, nothing in an object.
        let message = if value.is_string() {
            err.to_string()
        } else {
            let text = err.to_string();
            text.rsplit_once(" at line ").map_or(text.clone(), |(message, _)| message.to_owned())
        };
        js_error(&format!("{what}: {message}"), what)
    })
}

fn json_text(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if !value.is_object() {
        return Err(js_error(&format!("{what}: must be an object or its JSON text"), what));
    }
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| js_error(&format!("{what}: cannot be written as JSON"), what))
}

/// Plain objects, as `JSON.parse` of the CLI's output would give, except that a figure the report
/// lacks is `undefined` rather than `null` (as the declarations say: `field?: T`).
fn to_js(value: &impl Serialize) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|err| js_error(&err.to_string(), ""))
}

fn engine_error(err: mlcost::Error) -> JsValue {
    js_error(&err.to_string(), &err.field)
}

fn js_error(message: &str, field: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&error, &"field".into(), &field.into());
    error.into()
}
