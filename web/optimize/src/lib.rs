//! The Optimize page as a second wasm module: the app loads it after its own first render, so the
//! advisor, the utilisation importer and the scheduler (and their charts) do not weigh on the
//! bundle every page waits for. Why a module and not a page of the app? See ARCHITECTURE.md.
//!
//! The two modules share no memory; they talk through the page. The app's scenario is in the
//! address bar (`#s=…`, kept up to date by the app), so [`refresh`] reads it from there; "open
//! this scenario" writes a link there and tells the app with a window event, which loads it into
//! its forms and shows the page.

mod advisor;
mod page;
mod queue;
mod waste;

use std::cell::Cell;

use leptos::prelude::*;
use mlcost::Scenario;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The scenario the advisor works on, set from the address bar by `refresh`.
    static SCENARIO: Cell<Option<RwSignal<Option<Scenario>>>> = const { Cell::new(None) };
}

/// Mounts the page into `root` (once; later showings call [`refresh`]).
#[wasm_bindgen]
pub fn mount(root: web_sys::HtmlElement) {
    mlcost_web::show_panics_in_the_page();
    let handle = leptos::mount::mount_to(root, || {
        let sheet = mlcost_web::price_sheet::UserSheet::load();
        let scenario = RwSignal::new(from_address_bar());
        SCENARIO.with(|cell| cell.set(Some(scenario)));
        let state = page::OptimizeState::new();
        view! { <page::OptimizePage book=sheet.book() state=state scenario=scenario /> }
    });
    // The page lives as long as the app; its host element is hidden, not removed, between visits.
    handle.forget();
}

/// Re-reads the scenario from the address bar: the app calls this each time the page is shown.
#[wasm_bindgen]
pub fn refresh() {
    if let Some(signal) = SCENARIO.with(Cell::get) {
        let now = from_address_bar();
        if signal.with_untracked(|s| *s != now) {
            signal.set(now);
        }
    }
}

fn from_address_bar() -> Option<Scenario> {
    let hash = window().location().hash().ok()?;
    mlcost::share::decode(hash.strip_prefix("#s=")?).ok()
}

/// Puts `scenario` in the address bar and asks the app to load it and show `page`.
pub(crate) fn open_in_app(scenario: &Scenario, page: &str) {
    mlcost_web::state::write_url(scenario);
    let init = web_sys::CustomEventInit::new();
    init.set_detail(&JsValue::from_str(page));
    if let Ok(event) =
        web_sys::CustomEvent::new_with_event_init_dict(mlcost_web::state::OPEN_LINK_EVENT, &init)
    {
        let _ = window().dispatch_event(&event);
    }
}
