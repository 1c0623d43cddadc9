//! The pages that need not be in the app's first render, as a second wasm module: the Catalog
//! (every offer, normalised, and the user's price sheet), Compare (the saved scenarios side by
//! side) and Optimize (the advisor, the utilisation importer, the scheduler). The app loads it
//! after its own first render, so they do not weigh on the bundle every page waits for. Why a
//! module and not pages of the app? See ARCHITECTURE.md.
//!
//! The two modules share no memory; they talk through the page. The app's scenario is in the
//! address bar (`#s=…`, kept up to date by the app), so [`refresh`] reads it from there; "open
//! this scenario" (from the advisor or a saved scenario) writes a link there and tells the app
//! with a window event, which loads it into its forms and shows the page. Saved scenarios and the
//! price sheet are in local storage, which both modules read and write (`mlcost_web::dom::storage`).

mod accuracy;
mod catalog;
mod charts;
mod compare;
mod extras;
mod latency;
mod open;
mod optimize;

use std::cell::Cell;

use leptos::prelude::*;
use mlcost::Scenario;
use mlcost_web::charts::PageChart;
use mlcost_web::pages::Page;
use wasm_bindgen::prelude::*;

thread_local! {
    /// The scenario the advisor works on, set from the address bar by `refresh`.
    static SCENARIO: Cell<Option<RwSignal<Option<Scenario>>>> = const { Cell::new(None) };
}

/// Mounts the page the app names (`catalog`, `compare` or `optimize`, see
/// [`Page::name`](mlcost_web::pages::Page::name)) into `root`, once per page; later showings call
/// [`refresh`]. A name that is not one of this module's pages mounts nothing and says so.
#[wasm_bindgen]
pub fn mount(root: web_sys::HtmlElement, page: &str) -> Result<(), String> {
    mlcost_web::show_panics_in_the_page();
    let page = match Page::parse(page) {
        Some(page) if Page::DEFERRED.contains(&page) => page,
        _ => return Err(format!("\"{page}\" is not a page of the deferred module")),
    };
    let handle = leptos::mount::mount_to(root, move || {
        // Each page keeps its own copy of the price sheet and saved scenarios; storage keeps the
        // copies in step.
        let sheet = mlcost_web::header::price_sheet::UserSheet::load();
        let book = sheet.book();
        match page {
            Page::Catalog => view! { <catalog::CatalogPage book=book sheet=sheet /> }.into_any(),
            Page::Accuracy => view! { <accuracy::AccuracyPage /> }.into_any(),
            Page::Compare => {
                let saved = mlcost_web::header::saved::SavedScenarios::load();
                view! { <compare::ComparePage saved=saved book=book /> }.into_any()
            }
            Page::Optimize => {
                let scenario = RwSignal::new(from_address_bar());
                SCENARIO.with(|cell| cell.set(Some(scenario)));
                let state = optimize::OptimizeState::new();
                view! { <optimize::OptimizePage book=book state=state scenario=scenario /> }
                    .into_any()
            }
            // Refused above: the app's own pages are not this module's to mount.
            Page::Training | Page::Serving => ().into_any(),
        }
    });
    // The page lives as long as the app; its host element is hidden, not removed, between visits.
    handle.forget();
    Ok(())
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

/// The app's "Results CSV": the report of the scenario in `link` (a link's payload), priced with
/// the user's sheet, as CSV; `Err` says why there is none.
#[wasm_bindgen]
pub fn results_csv(link: &str) -> Result<String, String> {
    let scenario = mlcost::scenario::share::decode(link).map_err(|e| e.to_string())?;
    mlcost_web::header::price_sheet::with_book_now(|book, _| {
        mlcost::estimate_with(&scenario, book).map(|report| report.to_csv())
    })
    .map_err(|e| e.to_string())
}

/// Reads the user's stored price sheet (`StoredSheet` as JSON) for the app's first render, which
/// leaves the CSV and JSON sheet readers to this module: the sheet's offers as JSON, or why it
/// cannot be read.
/// A scenario (as JSON) as a deflated link payload: the first render has no deflate code (see
/// `mlcost_web::state::payload`). Empty for JSON that is not a scenario, which the first render
/// never sends.
#[wasm_bindgen]
pub fn encode_link(scenario_json: &str) -> Option<String> {
    Scenario::from_json(scenario_json).ok().map(|s| mlcost::scenario::share::encode(&s))
}

/// The scenario's (JSON) `owned` section resolved, for a section on the owned plan, as
/// `mlcost_web::owned_terms` text; `error\t<field>\t<message>` when the section is wrong; empty
/// when no section is on the owned plan. The first render prices with it.
#[wasm_bindgen]
pub fn owned_terms(scenario_json: &str) -> String {
    let Ok(scenario) = Scenario::from_json(scenario_json) else { return String::new() };
    let resolved =
        mlcost_web::header::price_sheet::with_book_now(|book, _| scenario.owned_for_plans(book));
    match resolved {
        Ok(Some(owned)) => mlcost_web::owned_terms::encode(&owned),
        Ok(None) => String::new(),
        Err(e) => format!("error\t{}\t{}", e.field, e.problem).replace('\n', " "),
    }
}

#[wasm_bindgen]
pub fn read_price_sheet(stored_json: &str) -> Result<String, String> {
    mlcost_web::header::price_sheet::read_stored_json(stored_json)
}

/// Draws the Training or Serving page's chart `chart` (a [`PageChart`] name) of the scenario in
/// `scenario_json` onto `canvas`: the app calls this each time the scenario changes.
#[wasm_bindgen]
pub fn draw_chart(
    canvas: web_sys::HtmlCanvasElement,
    chart: &str,
    scenario_json: &str,
) -> Result<(), String> {
    let chart = PageChart::parse(chart).ok_or_else(|| format!("there is no chart \"{chart}\""))?;
    charts::draw_page_chart(canvas, chart, scenario_json)
}

/// What this module adds to the app's page `section` (`training` or `serving`) for the scenario
/// in `scenario_json` (ranges, what moves the cost, training's Pareto front and deadline pick),
/// encoded as `mlcost_web::handoff::PageExtras`: computed with the page's charts, from the same
/// estimate.
#[wasm_bindgen]
pub fn page_extras(scenario_json: &str, section: &str) -> String {
    extras::page_extras(scenario_json, section).encode()
}

/// Fills `host` with the serving page's latency panel for the scenario in `scenario_json`: the
/// peak hour on one replica, simulated request by request, and each hour's operating point. The
/// app calls this once typing pauses (an hour at 50 requests a second is 180,000 requests); the
/// latency chart draws from the same study.
#[wasm_bindgen]
pub fn latency_panel(host: web_sys::HtmlElement, scenario_json: &str) {
    latency::show_panel(host, scenario_json);
}

/// What the advisor would change first in `section` (`training` or `serving`) of the scenario in
/// `scenario_json`, when that saves at least `HINT_SHARE` of its cost, as a sentence for the
/// page; empty when it would change nothing worth a mention. The app calls this once typing
/// pauses, not on every keystroke: the advisor's searches take tens of milliseconds.
#[wasm_bindgen]
pub fn advice_hint(scenario_json: &str, section: &str) -> String {
    let Ok(mut scenario) = Scenario::from_json(scenario_json) else { return String::new() };
    // Only the page's section: the other one's searches would be wasted.
    let section = match section {
        "training" => {
            scenario.serving = None;
            mlcost::optimize::Section::Training
        }
        "serving" => {
            scenario.training = None;
            mlcost::optimize::Section::Serving
        }
        _ => return String::new(),
    };
    let advice = mlcost_web::header::price_sheet::with_book_now(|book, _| {
        mlcost::optimize::optimize(&scenario, book, &mlcost::optimize::Settings::default())
    });
    let Ok(advice) = advice else { return String::new() };
    advice
        .recommendations
        .iter()
        .filter(|r| r.section == section && r.saving_percent >= HINT_SHARE * 100.0)
        .max_by(|a, b| a.saving_usd.get().total_cmp(&b.saving_usd.get()))
        .map(|r| {
            format!(
                "Optimize knows a cheaper way: {} saves {} a {} ({:.0}%).",
                r.title,
                mlcost::format::usd(r.saving_usd),
                mlcost::format::period(r.per),
                r.saving_percent
            )
        })
        .unwrap_or_default()
}

/// The least saving, as a share of the cost, a page mentions: smaller ones sit within the
/// estimate's own uncertainty.
const HINT_SHARE: f64 = 0.05;

fn from_address_bar() -> Option<Scenario> {
    let hash = window().location().hash().ok()?;
    mlcost::scenario::share::decode(hash.strip_prefix("#s=")?).ok()
}
