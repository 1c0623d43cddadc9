//! The Optimize page lives in a second wasm module (`web/optimize`), so that what it needs (the
//! advisor's searches, the utilisation importer, the scheduler and their charts) is not part of
//! what every first render waits for. Right after the first render the app fetches and compiles
//! that module in the background, so the page opens at once and works offline like the rest;
//! opening the tab mounts it (once) into a host element that outlives tab switches.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::Page;
use crate::state::{AppScenario, OPEN_LINK_EVENT};

/// Where Trunk's post-build hook puts the module (`cargo xtask optimize-module`), relative to the
/// page.
const MODULE_PATH: &str = "optimize/mlcost_web_optimize.js";

#[wasm_bindgen(inline_js = r#"
let loading = null;
let module = null;
let mounted = false;
export function optimize_load(url) {
  if (!loading) {
    loading = import(url).then(async (m) => { await m.default(); module = m; });
  }
  return loading;
}
export function optimize_show(root) {
  if (!module) return false;
  if (mounted) { module.refresh(); } else { module.mount(root); mounted = true; }
  return true;
}
"#)]
extern "C" {
    fn optimize_load(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(catch)]
    fn optimize_show(root: &web_sys::HtmlElement) -> Result<bool, JsValue>;
}

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Ready,
    Failed(String),
}

#[derive(Debug, Clone, Copy)]
pub struct OptimizeHost {
    load: RwSignal<Load>,
    root: NodeRef<Div>,
    page: RwSignal<Page>,
}

impl OptimizeHost {
    pub fn start(app: AppScenario, page: RwSignal<Page>) -> Self {
        let load = RwSignal::new(Load::Loading);
        let root = NodeRef::<Div>::new();
        // Effects run after the first render: the module's download does not delay it.
        Effect::new(move |started: Option<()>| {
            if started.is_none() {
                wasm_bindgen_futures::spawn_local(async move {
                    let result = match module_url() {
                        Some(url) => wasm_bindgen_futures::JsFuture::from(optimize_load(&url))
                            .await
                            .map(|_| Load::Ready)
                            .unwrap_or_else(|e| Load::Failed(describe(&e))),
                        None => Load::Failed("the page's address cannot be read".into()),
                    };
                    if result == Load::Ready {
                        // For the tests: from here on the app fetches nothing.
                        crate::mark("mlcost-optimize-loaded");
                    }
                    load.set(result);
                });
            }
        });
        // The module is a separate program: show it by calling into it (outside the graph).
        Effect::new(move |_| {
            if page.get() == Page::Optimize
                && load.get() == Load::Ready
                && let Some(host) = root.get()
                && let Err(e) = optimize_show(&host)
            {
                load.set(Load::Failed(describe(&e)));
            }
        });
        // "Open this scenario" in the module: load the link it wrote and show its page.
        let listener = window_event_listener_untyped(OPEN_LINK_EVENT, move |event| {
            let target = event
                .dyn_ref::<web_sys::CustomEvent>()
                .and_then(|e| e.detail().as_string())
                .and_then(|name| Page::ALL.into_iter().find(|p| p.name() == name));
            if app.load_from_url().is_ok()
                && let Some(target) = target
            {
                page.set(target);
            }
        });
        // The app lives as long as the page: the listener too.
        std::mem::forget(listener);
        Self { load, root, page }
    }

    /// The element the module mounts into: always in the page, hidden on the other tabs.
    pub fn host(self) -> impl IntoView {
        let page = self.page;
        view! { <div id="optimize-root" node_ref=self.root hidden=move || page.get() != Page::Optimize></div> }
    }

    /// What the Optimize tab shows above the module: its loading state or why it failed.
    pub fn status(self) -> impl IntoView {
        let load = self.load;
        move || {
            match load.get() {
            Load::Loading => Some(view! { <p class="hint" role="status">"Loading the Optimize page…"</p> }.into_any()),
            Load::Failed(why) => Some(
                view! { <p class="field-error" role="alert">{format!("The Optimize page could not be loaded: {why}")}</p> }
                    .into_any(),
            ),
            Load::Ready => None,
        }
        }
    }
}

fn module_url() -> Option<String> {
    let base = document().base_uri().ok().flatten()?;
    web_sys::Url::new_with_base(MODULE_PATH, &base).ok().map(|u| u.href())
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
