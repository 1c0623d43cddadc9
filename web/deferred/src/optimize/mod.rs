//! The Optimize page: what to change in the app's scenario (the advisor), whether to own the
//! servers or rent them, where paid-for accelerator time goes unused (from monitoring data) and
//! how a queue of jobs fits a cluster. The panels run the engine on what the user typed; `fields`
//! holds what they share.

mod advisor;
mod fields;
mod own;
mod queue;
mod waste;

use leptos::prelude::*;
use mlcost::PriceBook;

/// The page's inputs, made once by the app so that they outlive the page.
#[derive(Debug, Clone, Copy)]
pub struct OptimizeState {
    pub own: own::OwnInputs,
    pub waste: waste::WasteInputs,
    pub queue: queue::QueueInputs,
}

impl OptimizeState {
    pub fn new() -> Self {
        Self {
            own: own::OwnInputs::new(),
            waste: waste::WasteInputs::new(),
            queue: queue::QueueInputs::new(),
        }
    }
}

#[component]
pub fn OptimizePage(
    book: Memo<PriceBook>,
    state: OptimizeState,
    scenario: RwSignal<Option<mlcost::Scenario>>,
) -> impl IntoView {
    view! {
        <main class="optimize">
            <section aria-labelledby="advisor-heading">
                <h2 id="advisor-heading">"What to change, and what it saves"</h2>
                <advisor::Advisor scenario=scenario book=book />
            </section>
            <section aria-labelledby="own-heading">
                <h2 id="own-heading">"Own or rent"</h2>
                <own::OwnPanel book=book inputs=state.own scenario=scenario />
            </section>
            <section aria-labelledby="waste-heading">
                <h2 id="waste-heading">"Unused accelerator time, from monitoring data"</h2>
                <waste::WastePanel book=book inputs=state.waste scenario=scenario />
            </section>
            <section aria-labelledby="queue-heading">
                <h2 id="queue-heading">"A job queue on a fixed cluster"</h2>
                <queue::QueuePanel book=book inputs=state.queue scenario=scenario />
            </section>
        </main>
    }
}
