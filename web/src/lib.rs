//! The mlcost web app: a training page (scenario form, estimate, chart of cost and time against
//! accelerator count), a serving page (memory, latency against batch, replicas over a day, monthly
//! cost against hosted APIs) and a catalogue page (every offer, normalised, with the user's own price
//! sheet laid over the bundled one). Everything runs in the browser; there is no server.
//!
//! State: forms keep exactly what the user typed (one string per field), so a typo never loses
//! input. Every result derives from those strings through memos; effects only sync with the world
//! outside the reactive graph (the chart's canvas, the browser's storage).

mod catalog;
mod chart;
mod form;
mod format;
mod input;
mod price_sheet;
mod results;
mod serving;
mod serving_charts;
mod training;

use leptos::prelude::*;

pub use input::parse_quantity;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Page {
    Training,
    Serving,
    Catalog,
}

#[component]
pub fn App() -> impl IntoView {
    let page = RwSignal::new(Page::Training);
    let sheet = price_sheet::UserSheet::load();
    let book = sheet.book();
    // The forms live as long as the app, so switching tabs never loses what the user typed.
    let training_form = form::Form::new(&training::FORM);
    let serving_form = form::Form::new(&serving::FORM);
    let tab = move |target: Page, label: &'static str| {
        view! {
            <button type="button" class="tab" aria-current=move || (page.get() == target).then_some("page")
                on:click=move |_| page.set(target)>{label}</button>
        }
    };
    view! {
        <header>
            <h1>"mlcost"</h1>
            <p class="tagline">"What training and serving a model cost, from a stated model and sourced figures."</p>
            <nav aria-label="Pages">
                {tab(Page::Training, "Training")}{tab(Page::Serving, "Serving")}{tab(Page::Catalog, "Catalog")}
            </nav>
        </header>
        {move || match page.get() {
            Page::Training => view! { <training::TrainingPage book=book form=training_form /> }.into_any(),
            Page::Serving => view! { <serving::ServingPage book=book form=serving_form /> }.into_any(),
            Page::Catalog => view! { <catalog::CatalogPage book=book sheet=sheet /> }.into_any(),
        }}
        <footer>{move || book.with(|b| format!(
            "Prices and hardware figures as of {} at the oldest; every figure's source is in its tooltip.",
            b.oldest_as_of()
        ))}</footer>
    }
}
