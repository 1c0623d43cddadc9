//! The mlcost web app: a training page (scenario form, estimate, chart of cost and time against
//! accelerator count) and a serving page (memory, latency against batch, replicas over a day,
//! monthly cost against hosted APIs), with sharing, saving and export in the header. The
//! Optimize, Catalog and Compare pages are a second wasm module (`web/deferred`) the app loads
//! after its first render ([`deferred`]). Everything runs in the browser; there is no server.
//!
//! State: forms keep exactly what the user typed (one string per field), so a typo never loses
//! input. Every result derives from those strings through memos; effects only sync with the world
//! outside the reactive graph (the chart's canvas, the browser's storage).

// Public: the deferred pages' module (web/deferred) builds on them.
pub mod charts;
mod deferred;
pub mod dom;
pub mod forms;
pub mod handoff;
pub mod header;
pub mod links;
pub mod owned_terms;
pub mod pages;
pub mod state;

use leptos::prelude::*;

pub use dom::mark;
pub use forms::input::parse_quantity;

use header::{ThemeSwitch, dismissible_alert, price_sheet, saved, share};
use pages::{Page, serving, training};

/// How the page was opened: `?embed` shows one page compactly for an iframe, `page=serving`
/// chooses it.
#[derive(Debug, Clone, Copy)]
struct Opening {
    embed: bool,
    page: Page,
}

impl Opening {
    fn from_url() -> Self {
        let query = window().location().search().unwrap_or_default();
        let params: Vec<(&str, &str)> = query
            .trim_start_matches('?')
            .split('&')
            .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
            .collect();
        let page = params
            .iter()
            .find(|(key, _)| *key == "page")
            .and_then(|(_, value)| Page::parse(value))
            .unwrap_or(Page::Training);
        Self { embed: params.iter().any(|(key, _)| *key == "embed"), page }
    }
}

/// A panic stops the app (the wasm traps): say so on the page, with a way back, instead of leaving
/// a page that silently stopped updating. Built with plain DOM calls, since the reactive system
/// may be what failed. The reset link drops the scenario from the URL; saved scenarios stay.
pub fn show_panics_in_the_page() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let document = document();
        if document.get_element_by_id("panic-banner").is_some() {
            return;
        }
        let (Ok(banner), Ok(text), Ok(reset), Some(body)) = (
            document.create_element("div"),
            document.create_element("p"),
            document.create_element("a"),
            document.body(),
        ) else {
            return;
        };
        banner.set_id("panic-banner");
        banner.set_class_name("banner");
        let _ = banner.set_attribute("role", "alert");
        text.set_text_content(Some(
            "mlcost hit an internal error and stopped updating. Reset reopens it with the defaults; your saved scenarios are kept.",
        ));
        let location = window().location();
        let here = location.pathname().unwrap_or_default() + &location.search().unwrap_or_default();
        let _ = reset.set_attribute("href", &here.replace("simulate-panic", ""));
        reset.set_text_content(Some("Reset"));
        let _ = banner.append_child(&text);
        let _ = banner.append_child(&reset);
        let _ = body.prepend_with_node_1(&banner);
    }));
}

/// Whether the window is wider than a phone (the stylesheet's 700 px breakpoint), when the app
/// opens.
fn wide_screen() -> bool {
    window().match_media("(min-width: 701px)").ok().flatten().is_none_or(|query| query.matches())
}

#[component]
pub fn App() -> impl IntoView {
    let opening = Opening::from_url();
    // A way to see the error banner on purpose (and for the end-to-end test to check it).
    if window().location().search().unwrap_or_default().contains("simulate-panic") {
        panic!("simulated by ?simulate-panic");
    }
    let page = RwSignal::new(opening.page);
    // The address names the page shown, so a link copied from it (or from "Copy link") opens
    // there: syncing with the address bar, outside the app.
    Effect::new(move |_| dom::set_query_parameter("page", page.get().name()));
    let saved = saved::SavedScenarios::load();
    // The forms live as long as the app, so switching tabs never loses what the user typed.
    let app = state::AppScenario::new();
    app.follow_the_owned_panel();
    let (training_form, serving_form) = (app.training, app.serving);
    let address_bar = state::AddressBar::new();
    let deferred = deferred::DeferredPages::start(app, page, address_bar);
    // The second module reads the user's price sheet: its readers are not in the first render.
    let sheet = price_sheet::UserSheet::load_with(move |stored| deferred.read_sheet(stored));
    let book = sheet.book();
    // The pages' charts ask the deferred module to draw them, in the theme shown.
    provide_context(deferred);
    let theme = header::DarkTheme::chosen();
    provide_context(theme);
    let link_problem = RwSignal::new(app.load_from_url().err().map(|problem| {
        format!("This link could not be opened: {problem}. The defaults are shown instead.")
    }));
    // Back and Forward walk the user's scenarios: load the entry's scenario and page.
    let history_walk = window_event_listener(leptos::ev::popstate, move |_| {
        address_bar.loads_entry();
        deferred.forget_replacement();
        match app.load_from_url() {
            Ok(()) => link_problem.set(None),
            Err(problem) => link_problem.set(Some(format!(
                "This page of your history could not be opened: {problem}. The scenario shown is unchanged."
            ))),
        }
        page.set(Opening::from_url().page);
    });
    // The app lives as long as the page.
    std::mem::forget(history_walk);
    // The address bar holds the current scenario's link (an effect: the URL is outside the
    // reactive graph), written once typing pauses.
    Effect::new(move |_| {
        if let Some(scenario) = app.scenario() {
            address_bar.follow(scenario);
        }
    });
    if opening.embed
        && let Some(body) = document().body()
    {
        let _ = body.class_list().add_1("embed");
    }
    let tab = move |target: Page| {
        view! {
            <button type="button" class="tab" aria-current=move || (page.get() == target).then_some("page")
                on:click=move |_| {
                    // The deferred pages read the scenario from the address bar.
                    address_bar.flush();
                    page.set(target);
                }>{target.label()}</button>
        }
    };
    let shown = move || match page.get() {
        Page::Training => {
            view! { <training::TrainingPage book=book form=training_form owned=app.owned /> }
                .into_any()
        }
        Page::Serving => {
            view! { <serving::ServingPage book=book form=serving_form owned=app.owned /> }
                .into_any()
        }
        deferred_page => deferred.status(deferred_page).into_any(),
    };
    let banner = move || dismissible_alert(link_problem, "link-problem");
    // Found when the app read storage at start-up, before the Catalog (which shows the sheet) loads.
    let sheet_problem = move || dismissible_alert(sheet.storage_problem, "sheet-problem");
    let sheet_pending = move || {
        sheet.pending.get().then(|| {
            view! { <p class="notice" role="status" id="sheet-pending">"Applying your price sheet… until it is read, the figures use the bundled prices."</p> }
        })
    };
    if opening.embed {
        let full_app = move || {
            app.scenario().map(|s| state::link_to(&s).replace("?embed&", "?").replace("?embed", ""))
        };
        return view! {
            {banner}
            <p class="embed-bar">
                <strong>"mlcost"</strong>
                <a href=full_app target="_blank" rel="noopener">"Open in full app"</a>
            </p>
            {shown}
            {deferred.hosts()}
        }
        .into_any();
    }
    view! {
        <header>
            <ThemeSwitch theme=theme />
            <h1>"mlcost"</h1>
            <p class="tagline">"What training and serving a model cost, from a stated model and sourced figures."</p>
            <nav aria-label="Pages">{Page::ALL.map(tab)}</nav>
            // On a phone, sharing and saving fold under one line, so the estimate is near the top.
            <details class="tools" open=wide_screen()>
                <summary>"Share, save and export"</summary>
                <share::SharePanel app=app page=page />
                <saved::SaveAs app=app saved=saved />
            </details>
        </header>
        {banner}
        {sheet_problem}
        {sheet_pending}
        {deferred.undo_replacement()}
        {shown}
        {deferred.hosts()}
        <footer>{move || book.with(|b| format!(
            "Prices and hardware figures as of {} at the oldest; every figure's source is in its tooltip.",
            b.oldest_as_of()
        ))}</footer>
    }
    .into_any()
}
