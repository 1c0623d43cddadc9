//! What the app asks of the browser outside the reactive graph: performance marks, the clipboard,
//! downloads made from in-memory blobs (nothing is sent anywhere), picked files, local storage and
//! the window events the two wasm modules talk through.

pub mod events;
pub mod storage;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A Performance API mark, for the budgets `cargo xtask test` reports.
pub fn mark(name: &str) {
    if let Some(performance) = window().performance() {
        let _ = performance.mark(name);
    }
}

/// Best effort: browsers may refuse the clipboard (no permission, no focus); the text is on screen
/// to copy by hand either way.
pub fn copy_to_clipboard(text: &str) {
    let _ = window().navigator().clipboard().write_text(text);
}

pub fn download_text(file: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    download_url(file, &url);
    let _ = web_sys::Url::revoke_object_url(&url);
}

pub fn download_url(file: &str, url: &str) {
    let Ok(anchor) = document().create_element("a") else { return };
    let Ok(anchor) = anchor.dyn_into::<web_sys::HtmlAnchorElement>() else { return };
    anchor.set_href(url);
    anchor.set_download(file);
    anchor.click();
}

/// Reads the file picked in the `<input type="file">` an event came from, then calls `then` with
/// its name and text (`None` when it is not text). The input is cleared, so picking the same file
/// again reads it again.
pub fn read_picked_file(
    ev: &leptos::ev::Event,
    then: impl FnOnce(String, Option<String>) + 'static,
) {
    let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
    input.set_value("");
    wasm_bindgen_futures::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
        then(file.name(), text.ok().and_then(|t| t.as_string()));
    });
}

/// Sets one `key=value` parameter of the address's query in place (no history entry), keeping the
/// other parameters and the fragment: so a link copied from the address bar keeps what it names.
pub fn set_query_parameter(key: &str, value: &str) {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    let prefix = format!("{key}=");
    let mut parameters: Vec<String> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with(&prefix))
        .map(str::to_owned)
        .collect();
    parameters.push(format!("{key}={value}"));
    let query = format!("?{}", parameters.join("&"));
    if query == search {
        return;
    }
    let hash = location.hash().unwrap_or_default();
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{query}{hash}")),
        );
    }
}
