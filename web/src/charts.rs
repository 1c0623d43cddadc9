//! The Training and Serving pages' charts, as the app shows them: a canvas, its "Save chart as
//! PNG" button and its status. The deferred module draws them (`draw_chart` in `web/deferred`),
//! so plotters is not part of the first render; until the module has loaded, each chart says it
//! is on its way.

use leptos::html::Canvas;
use leptos::prelude::*;
use mlcost::PriceBook;
use wasm_bindgen::JsCast;

use crate::deferred::DeferredPages;
use crate::dom::download_url;
use crate::header::DarkTheme;

/// A chart of the Training or Serving page, named the same way in both modules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageChart {
    CostTime,
    Pareto,
    Sensitivity,
    Latency,
    ServingSensitivity,
    Day,
    Apis,
    /// Latency against load on one replica, simulated (drawn once typing pauses).
    LoadLatency,
}

impl PageChart {
    pub const ALL: [Self; 8] = [
        Self::CostTime,
        Self::Pareto,
        Self::Sensitivity,
        Self::Latency,
        Self::Day,
        Self::Apis,
        Self::ServingSensitivity,
        Self::LoadLatency,
    ];

    /// The name the app passes to the deferred module.
    pub fn name(self) -> &'static str {
        match self {
            Self::CostTime => "cost-time",
            Self::Pareto => "pareto",
            Self::Sensitivity => "sensitivity",
            Self::Latency => "latency",
            Self::Day => "day",
            Self::Apis => "apis",
            Self::ServingSensitivity => "serving-sensitivity",
            Self::LoadLatency => "load-latency",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|chart| chart.name() == name)
    }

    /// The canvas's id (and the exported PNG's name).
    fn canvas_id(self) -> &'static str {
        match self {
            Self::CostTime => "cost-time-chart",
            Self::Pareto => "pareto-chart",
            Self::Sensitivity => "sensitivity-chart",
            Self::Latency => "serving-latency-chart",
            Self::Day => "serving-day-chart",
            Self::Apis => "serving-api-chart",
            Self::ServingSensitivity => "serving-sensitivity-chart",
            Self::LoadLatency => "serving-load-chart",
        }
    }

    /// What the chart shows, for screen readers.
    fn description(self) -> &'static str {
        match self {
            Self::CostTime => {
                "Compute cost (left axis, its range shaded) and wall-clock days (right axis) against accelerator count"
            }
            Self::Pareto => {
                "Compute cost against wall-clock days for the cheapest offers, counts and plans"
            }
            Self::Sensitivity => {
                "Total cost with each input at its low and at its high, largest swing first, around the estimate and its range"
            }
            Self::Latency => {
                "Time to first token and time per output token against batch size, with the targets"
            }
            Self::Day => {
                "Replica-hours billed each hour of the day (bars, with their cost per hour on the right axis) and the replicas a static fleet keeps for the peak (dashed)"
            }
            Self::Apis => {
                "Monthly cost against requests per day: self-hosted and each hosted API, break-even points marked"
            }
            Self::ServingSensitivity => {
                "Monthly cost (without a load: throughput) with each input at its low and at its high, largest swing first, around the estimate and its range"
            }
            Self::LoadLatency => {
                "Median and 99th percentile of the time to first token and per output token against the requests a second one replica receives, simulated, with the targets and the peak hour's load"
            }
        }
    }
}

/// A page chart of `scenario_json` (the page's last valid scenario, as JSON) at `book`'s prices,
/// drawn by the deferred module each time either changes: an effect, since the canvas and the
/// module are outside the reactive graph.
pub fn page_chart(
    chart: PageChart,
    scenario_json: Memo<Option<String>>,
    book: Memo<PriceBook>,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let status = RwSignal::new(Some("Drawing the chart…".to_owned()));
    let deferred = use_context::<DeferredPages>();
    let theme = use_context::<DarkTheme>();
    Effect::new(move |_| {
        // The module draws in the theme on <html>: put it there first, whichever effect runs
        // first.
        if let Some(theme) = theme {
            theme.apply();
        }
        // The module prices with the sheet in storage, which the app's book follows.
        book.track();
        let (Some(canvas), Some(deferred)) = (canvas.get(), deferred) else { return };
        // Nothing while the module is still on its way: this runs again once it has loaded.
        let drawn = scenario_json.with(|json| {
            json.as_deref().and_then(|json| deferred.draw(canvas, chart.name(), json))
        });
        if let Some(drawn) = drawn {
            status.set(drawn.err().map(|why| format!("Chart unavailable: {why}.")));
        }
    });
    let id = chart.canvas_id();
    view! {
        <canvas id=id node_ref=canvas width="720" height="360" role="img" aria-label=chart.description()></canvas>
        {chart_png(id)}
        {move || status.get().map(|text| view! { <p class="hint chart-status">{text}</p> })}
    }
}

/// A "PNG" button that downloads the canvas `canvas_id` as an image, `mlcost-<canvas_id>.png`.
pub fn chart_png(canvas_id: &'static str) -> impl IntoView {
    let save = move |_| {
        let canvas = document()
            .get_element_by_id(canvas_id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlCanvasElement>().ok());
        if let Some(url) = canvas.and_then(|c| c.to_data_url().ok()) {
            download_url(&format!("mlcost-{canvas_id}.png"), &url);
        }
    };
    view! { <button type="button" class="png" on:click=save>"Save chart as PNG"</button> }
}
