//! Getting a scenario out of the app and back in: its link, an embed snippet for a wiki, the
//! scenario as JSON (the CLI's format), the results as CSV, each chart as PNG, and importing a
//! scenario file.
//!
//! Everything happens in the page: downloads are made from in-memory blobs, so nothing is sent
//! anywhere.

use leptos::prelude::*;
use mlcost::Scenario;

use crate::dom::{copy_to_clipboard, download_text, read_picked_file};
use crate::pages::Page;
use crate::state::{self, AppScenario};

/// What the panel shows below its buttons.
#[derive(Debug, Clone, PartialEq)]
enum Shown {
    Nothing,
    Link(String),
    Embed(String),
    Imported(String),
    Problem(String),
}

#[component]
pub fn SharePanel(app: AppScenario, page: RwSignal<Page>) -> impl IntoView {
    let shown = RwSignal::new(Shown::Nothing);
    let scenario = move || app.scenario();
    let copy_link = move |_| {
        let Some(scenario) = scenario() else { return };
        let link = state::link_to(&scenario);
        copy_to_clipboard(&link);
        shown.set(Shown::Link(link));
    };
    let embed = move |_| {
        let Some(scenario) = scenario() else { return };
        let link = state::link_to(&scenario);
        let (base, fragment) = link.split_once('#').unwrap_or((&link, ""));
        // The address already names the page (`?page=…`): embed mode adds only `embed`.
        let separator = if base.contains('?') { '&' } else { '?' };
        let page_name = page.get_untracked().name();
        let named =
            if base.contains("page=") { String::new() } else { format!("&page={page_name}") };
        let source = format!("{base}{separator}embed{named}#{fragment}");
        let snippet = format!(
            "<iframe src=\"{}\" title=\"mlcost: what this model costs\" width=\"100%\" height=\"720\" style=\"border:0\" loading=\"lazy\"></iframe>",
            source.replace('&', "&amp;").replace('"', "&quot;")
        );
        copy_to_clipboard(&snippet);
        shown.set(Shown::Embed(snippet));
    };
    let export_json = move |_| {
        if let Some(scenario) = scenario() {
            download_text("mlcost-scenario.json", "application/json", &scenario.to_json());
        }
    };
    let export_csv = move |_| {
        let Some(scenario) = scenario() else { return };
        match crate::deferred::results_csv(&scenario) {
            Ok(csv) => download_text("mlcost-results.csv", "text/csv", &csv),
            Err(error) => shown.set(Shown::Problem(format!("No results to export: {error}"))),
        }
    };
    let import = move |ev: leptos::ev::Event| {
        read_picked_file(&ev, move |name, text| {
            let outcome = match text {
                None => Err(format!("{name}: could not be read as text")),
                Some(text) => Scenario::from_json(&text).map_err(|e| format!("{name}: {e}")),
            };
            match outcome {
                Ok(scenario) => {
                    app.load(&scenario);
                    shown.set(Shown::Imported(format!("Opened {name}.")));
                }
                Err(problem) => shown.set(Shown::Problem(format!(
                    "{problem}. Nothing was changed; the file was not opened."
                ))),
            }
        });
    };
    view! {
        <div class="share" role="group" aria-label="Share and export">
            <button type="button" id="copy-link" on:click=copy_link>"Copy link"</button>
            <button type="button" id="copy-embed" on:click=embed>"Copy embed snippet"</button>
            <button type="button" id="export-json" on:click=export_json>"Scenario JSON"</button>
            <button type="button" id="export-csv" on:click=export_csv>"Results CSV"</button>
            <label class="import">"Open a scenario file"
                <input id="import-scenario" type="file" accept=".json,application/json" on:change=import />
            </label>
        </div>
        {move || match shown.get() {
            Shown::Nothing => None,
            Shown::Link(link) => Some(view! {
                <p class="share-out"><label for="share-link">"Link to this scenario (copied)"</label>
                <input id="share-link" type="text" readonly prop:value=link /></p>
            }.into_any()),
            Shown::Embed(snippet) => Some(view! {
                <p class="share-out"><label for="embed-snippet">"Embed in a wiki page (copied)"</label>
                <textarea id="embed-snippet" rows="3" readonly prop:value=snippet></textarea></p>
            }.into_any()),
            Shown::Imported(message) => Some(view! { <p class="share-out hint" role="status">{message}</p> }.into_any()),
            Shown::Problem(problem) => Some(view! {
                <p class="share-out field-error" id="import-error" role="alert">{problem}</p>
            }.into_any()),
        }}
    }
}
