//! The app and the deferred pages' module share no memory; they talk with window events that
//! carry one string (`CustomEvent.detail`). One way to send them, one to hear them.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Sends `name` with `detail` to every listener on the page, in either module.
pub fn send(name: &str, detail: &str) {
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&wasm_bindgen::JsValue::from_str(detail));
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = window().dispatch_event(&event);
    }
}

/// Calls `hear` with the detail of each `name` event, for as long as the page lives.
pub fn listen(name: &str, hear: impl Fn(String) + 'static) {
    let listener = window_event_listener_untyped(name, move |event| {
        let detail = event.dyn_ref::<web_sys::CustomEvent>().and_then(|e| e.detail().as_string());
        if let Some(detail) = detail {
            hear(detail);
        }
    });
    // Both modules live as long as the page: so do their listeners.
    std::mem::forget(listener);
}
