//! The Catalog, Compare and Optimize pages live in a second wasm module (`web/deferred`), so that
//! what they need (the offers table, the comparison, the advisor's searches, the utilisation
//! importer, the scheduler and their charts) is not part of what every first render waits for.
//! Right after the first render the app fetches and compiles that module in the background, so
//! the pages open at once and work offline like the rest; opening a tab mounts its page (once)
//! into a host element that outlives tab switches. The module draws the Training and Serving
//! pages' charts too, and plotters with them (`crate::charts`).

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::pages::Page;
use crate::state::{AddressBar, AppScenario, OPEN_LINK_EVENT};

/// Where Trunk's post-build hook puts the module (`cargo xtask deferred-module`), relative to the
/// page.
const MODULE_PATH: &str = "deferred/mlcost_web_deferred.js";

#[wasm_bindgen(inline_js = r#"
let loading = null;
let module = null;
const mounted = new Set();
export function deferred_load(url) {
  if (!loading) {
    loading = import(url).then(async (m) => { await m.default(); module = m; });
  }
  return loading;
}
export function deferred_results_csv(link) {
  if (!module) throw new Error("the export is still loading; try again in a moment");
  return module.results_csv(link);
}
export function deferred_draw(canvas, chart, scenario) {
  if (!module) return false;
  module.draw_chart(canvas, chart, scenario);
  return true;
}
export function deferred_advice(scenario, section) {
  if (!module) return null;
  return module.advice_hint(scenario, section);
}
export function deferred_extras(scenario, section) {
  if (!module) return null;
  return module.page_extras(scenario, section);
}
export function deferred_latency_panel(host, scenario) {
  if (!module) return false;
  module.latency_panel(host, scenario);
  return true;
}
export function deferred_owned_terms(scenario) {
  if (!module) return null;
  return module.owned_terms(scenario);
}
export function deferred_encode_link(scenario) {
  if (!module) return null;
  return module.encode_link(scenario);
}
export function deferred_read_sheet(stored) {
  if (!module) return null;
  return module.read_price_sheet(stored);
}
export function deferred_show(root, page) {
  if (!module) return false;
  if (mounted.has(page)) { module.refresh(); } else { module.mount(root, page); mounted.add(page); }
  return true;
}
"#)]
extern "C" {
    fn deferred_load(url: &str) -> js_sys::Promise;
    #[wasm_bindgen(catch)]
    fn deferred_results_csv(link: &str) -> Result<String, JsValue>;
    #[wasm_bindgen(catch)]
    fn deferred_draw(
        canvas: &web_sys::HtmlCanvasElement,
        chart: &str,
        scenario: &str,
    ) -> Result<bool, JsValue>;
    #[wasm_bindgen(catch)]
    fn deferred_advice(scenario: &str, section: &str) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(catch)]
    fn deferred_extras(scenario: &str, section: &str) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(catch)]
    fn deferred_latency_panel(host: &web_sys::HtmlElement, scenario: &str)
    -> Result<bool, JsValue>;
    #[wasm_bindgen(catch)]
    fn deferred_read_sheet(stored: &str) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(catch)]
    fn deferred_encode_link(scenario: &str) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(catch)]
    fn deferred_owned_terms(scenario: &str) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(catch)]
    fn deferred_show(root: &web_sys::HtmlElement, page: &str) -> Result<bool, JsValue>;
}

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Ready,
    Failed(String),
}

/// What replaced the user's scenario, and the way back to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Replaced {
    notice: &'static str,
    /// The count of entries the user's changes had added (`AddressBar::entries_added`) at the
    /// entry holding the user's scenario: Undo steps back to it.
    back_to: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct DeferredPages {
    load: RwSignal<Load>,
    /// One host element per page of `Page::DEFERRED`, in its order.
    roots: [NodeRef<Div>; Page::DEFERRED.len()],
    page: RwSignal<Page>,
    /// A scenario that replaced the user's (one opened from the module, or the example), until
    /// undone or dismissed.
    replaced: RwSignal<Option<Replaced>>,
    address_bar: AddressBar,
}

impl DeferredPages {
    pub fn start(app: AppScenario, page: RwSignal<Page>, address_bar: AddressBar) -> Self {
        let load = RwSignal::new(Load::Loading);
        let roots = Page::DEFERRED.map(|_| NodeRef::<Div>::new());
        // Effects run after the first render: the module's download does not delay it.
        Effect::new(move |started: Option<()>| {
            if started.is_none() {
                wasm_bindgen_futures::spawn_local(async move {
                    let result = match module_url() {
                        Some(url) => wasm_bindgen_futures::JsFuture::from(deferred_load(&url))
                            .await
                            .map(|_| Load::Ready)
                            .unwrap_or_else(|e| Load::Failed(describe(&e))),
                        None => Load::Failed("the page's address cannot be read".into()),
                    };
                    if result == Load::Ready {
                        #[cfg(not(feature = "deflated-links"))]
                        {
                            crate::links::use_deflate(encode_link);
                            crate::state::upgrade_link();
                        }
                        // For the tests: from here on the app fetches nothing.
                        crate::dom::mark("mlcost-deferred-loaded");
                    }
                    load.set(result);
                });
            }
        });
        // The module is a separate program: show its page by calling into it (outside the graph).
        Effect::new(move |_| {
            let shown = page.get();
            let at = Page::DEFERRED.iter().position(|p| *p == shown);
            // The page reads the scenario from the address bar: a change still waiting for typing
            // to pause (or the app's first link, on a page opened directly) is written first.
            if load.get() == Load::Ready {
                address_bar.flush();
            }
            if load.get() == Load::Ready
                && let Some(host) = at.and_then(|at| roots[at].get())
                && let Err(e) = deferred_show(&host, shown.name())
            {
                load.set(Load::Failed(describe(&e)));
            }
        });
        // "Open this scenario" in the module: load the link it wrote (a new history entry) and
        // show its page, with a way back.
        let replaced = RwSignal::new(None);
        crate::dom::events::listen(OPEN_LINK_EVENT, move |name| {
            let target = Page::ALL.into_iter().find(|p| p.name() == name);
            // The entry holds the opened scenario: loading it adds no other.
            address_bar.loads_entry();
            if app.load_from_url().is_ok()
                && let Some(target) = target
            {
                page.set(target);
                replaced.set(Some(Replaced {
                    notice: "The scenario you opened replaced yours; Undo brings yours back.",
                    // The module pushed the opened entry itself, uncounted: one more step back.
                    back_to: i64::from(address_bar.entries_added()) - 1,
                }));
            }
        });
        Self { load, roots, page, replaced, address_bar }
    }

    /// The elements the module mounts its pages into (`#catalog-root`, …): always in the page,
    /// each hidden while another page is shown.
    pub fn hosts(self) -> impl IntoView {
        let page = self.page;
        Page::DEFERRED
            .into_iter()
            .zip(self.roots)
            .map(|(target, root)| {
                view! {
                    <div id=format!("{}-root", target.name()) node_ref=root
                        hidden=move || page.get() != target></div>
                }
            })
            .collect_view()
    }

    /// Has the module draw the page chart named `chart` (`PageChart::name`) of the scenario in
    /// `scenario_json` (tracked): `None` while it is still loading, else whether it drew it or why
    /// not.
    pub fn draw(
        self,
        canvas: web_sys::HtmlCanvasElement,
        chart: &str,
        scenario_json: &str,
    ) -> Option<Result<(), String>> {
        match self.load.get() {
            Load::Loading => None,
            Load::Failed(why) => Some(Err(format!("the charts could not be loaded ({why})"))),
            Load::Ready => match deferred_draw(&canvas, chart, scenario_json) {
                Ok(true) => Some(Ok(())),
                Ok(false) => None,
                Err(e) => Some(Err(describe(&e))),
            },
        }
    }

    /// What Optimize would change first in `section` (`training` or `serving`) of the scenario in
    /// `scenario_json`, when that saves enough to mention, as a sentence (`None` until the module
    /// has loaded, and when it has nothing to say).
    pub fn advice(self, scenario_json: &str, section: &str) -> Option<String> {
        self.is_ready()
            .then(|| deferred_advice(scenario_json, section).ok().flatten())
            .flatten()
            .filter(|hint| !hint.is_empty())
    }

    /// What the module adds to the page `section` (`training` or `serving`) for the scenario in
    /// `scenario_json`, encoded (`crate::handoff::PageExtras`); `None` while it loads.
    pub fn extras(self, scenario_json: &str, section: &str) -> Option<String> {
        self.is_ready().then(|| deferred_extras(scenario_json, section).ok().flatten()).flatten()
    }

    /// Has the module fill `host` with the serving page's latency panel for the scenario in
    /// `scenario_json` (it simulates the peak hour, so the page asks once typing pauses); nothing
    /// while it loads (tracked: this runs again once it has).
    pub fn fill_latency_panel(self, host: &web_sys::HtmlElement, scenario_json: &str) {
        if self.is_ready() {
            let _ = deferred_latency_panel(host, scenario_json);
        }
    }

    /// The user's price sheet read by the module, which holds the CSV and JSON sheet readers:
    /// its offers, or why it cannot be read; `None` while the module loads (tracked).
    /// The scenario's (JSON) `owned` section as the module resolves it, for a section on the
    /// owned plan; none until the module is loaded (tracked), or when no section is on that plan.
    pub fn owned_terms(
        self,
        scenario_json: &str,
    ) -> Option<Result<mlcost::scenario::resolve::owned::ResolvedOwned, mlcost::Error>> {
        if self.load.get() != Load::Ready {
            return None;
        }
        let text = deferred_owned_terms(scenario_json).ok().flatten()?;
        if let Some(error) = text.strip_prefix("error\t") {
            let (field, message) = error.split_once('\t').unwrap_or(("owned", error));
            let problem = mlcost::Problem::Malformed(message.to_owned());
            return Some(Err(mlcost::Error::new(field, problem)));
        }
        crate::owned_terms::decode(&text).map(Ok)
    }

    pub fn read_sheet(
        self,
        sheet: &crate::header::price_sheet::StoredSheet,
    ) -> Option<Result<mlcost::catalogue::sheet::PriceSheet, String>> {
        match self.load.get() {
            Load::Loading => None,
            Load::Failed(why) => Some(Err(format!(
                "{}: not read, as the app's second part did not load ({why}); the bundled prices are in use",
                sheet.name
            ))),
            Load::Ready => {
                let stored = serde_json::to_string(sheet).map_err(|e| e.to_string());
                let read = stored.and_then(|json| match deferred_read_sheet(&json) {
                    Ok(Some(offers)) => serde_json::from_str(&offers).map_err(|e| e.to_string()),
                    Ok(None) => Err("the app's second part is not ready".into()),
                    Err(e) => Err(describe(&e)),
                });
                Some(read)
            }
        }
    }

    /// Whether the module has loaded (tracked).
    pub fn is_ready(self) -> bool {
        self.load.with(|load| *load == Load::Ready)
    }

    /// Shows `target`, as its tab would: the deferred pages read the scenario from the address
    /// bar, so a pending change is written first.
    pub fn open_page(self, target: Page) {
        self.address_bar.flush();
        self.page.set(target);
    }

    /// The user walked the history: a replacement's Undo no longer means Back.
    pub fn forget_replacement(self) {
        self.replaced.set(None);
    }

    /// The example is about to replace the user's scenario (which becomes a history entry first).
    pub fn replacing_with_example(self) {
        self.address_bar.flush();
        self.replaced.set(Some(Replaced {
            notice: "The example replaced your scenario; Undo brings yours back.",
            back_to: i64::from(self.address_bar.entries_added()),
        }));
    }

    /// After "open this scenario" or "reset to the example": a notice that the user's scenario was
    /// replaced, with Undo, until dismissed or undone. Undo goes back to the entry before the
    /// replacement, past any changes made since (one Back would undo only the last of them).
    pub fn undo_replacement(self) -> impl IntoView {
        let (replaced, address_bar) = (self.replaced, self.address_bar);
        move || {
            replaced.get().map(|Replaced { notice, back_to }| {
                let undo = move |_| {
                    replaced.set(None);
                    // A change still waiting for typing to pause is an entry to step back over.
                    address_bar.flush();
                    let steps = i64::from(address_bar.entries_added()) - back_to;
                    if let (Ok(steps), Ok(history)) = (i32::try_from(steps), window().history())
                        && steps > 0
                    {
                        let _ = history.go_with_delta(-steps);
                    }
                };
                view! {
                    <div class="banner" role="status">
                        <p id="replaced-notice">{notice}</p>
                        <button type="button" id="undo-replaced" on:click=undo>"Undo"</button>
                        <button type="button" on:click=move |_| replaced.set(None)>"Dismiss"</button>
                    </div>
                }
            })
        }
    }

    /// What a deferred page's tab shows above the module: its loading state or why it failed.
    pub fn status(self, page: Page) -> impl IntoView {
        let load = self.load;
        move || {
            match load.get() {
            Load::Loading => Some(
                view! { <p class="hint" role="status">{format!("Loading the {} page…", page.label())}</p> }
                    .into_any(),
            ),
            Load::Failed(why) => Some(
                view! {
                    <p class="field-error" role="alert">
                        {format!("The {} page could not be loaded: {why}", page.label())}
                    </p>
                }
                .into_any(),
            ),
            Load::Ready => None,
        }
        }
    }
}

/// The results of `scenario` as CSV (`Report::to_csv`, which writes every figure through the
/// report's serializer: code the first render has no use for, so the module runs it). `Err` says
/// why there are none, such as the module still loading.
pub fn results_csv(scenario: &mlcost::Scenario) -> Result<String, String> {
    deferred_results_csv(&crate::links::payload(scenario)).map_err(|e| describe(&e))
}

/// `scenario` (as JSON) as a deflated link payload, by the module (which deflates): lent to
/// `crate::links` once the module is loaded.
#[cfg(not(feature = "deflated-links"))]
fn encode_link(scenario_json: &str) -> Option<String> {
    deferred_encode_link(scenario_json).ok().flatten()
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
