//! Every chart of the app, drawn with plotters on a canvas: the one way a chart follows its data
//! ([`canvas_chart`], for this module's pages), the Training and Serving pages' charts the app asks
//! for by name ([`draw_page_chart`]), the canvas backend, legends and the palette.
//!
//! Why are the app's own charts drawn here? Plotters and the charts' code were an eighth of the
//! first render's download; here they cost the first render nothing, and the module is loaded
//! right after it (see ARCHITECTURE.md).

pub mod canvas;
pub mod legend;
pub mod load;
pub mod palette;
pub mod sensitivity;
pub mod serving;
pub mod ticks;
pub mod training;

use std::cell::RefCell;
use std::rc::Rc;

use leptos::html::Canvas;
use leptos::prelude::*;
use mlcost::{PriceBook, Report, Scenario};
use mlcost_web::charts::{PageChart, chart_png};

pub type Draw<T> = fn(web_sys::HtmlCanvasElement, &T) -> Result<(), String>;

/// A chart: a canvas kept in step with `data` (the canvas is outside the reactive graph, so an
/// effect redraws it), its "Save chart as PNG" button, and why it could not be drawn, if so. Every
/// chart of this module's pages is one of these.
pub fn canvas_chart<T>(
    id: &'static str,
    label: &'static str,
    data: Memo<T>,
    draw: Draw<T>,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let canvas = NodeRef::<Canvas>::new();
    let failure = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let data = data.get();
        theme_changes().track();
        resizes().track();
        if let Some(canvas) = canvas.get() {
            failure.set(draw(canvas, &data).err());
        }
    });
    view! {
        <canvas id=id node_ref=canvas width="720" height="360" role="img" aria-label=label></canvas>
        {chart_png(id)}
        {move || failure.get().map(|why| view! { <p class="field-error">"Chart unavailable: "{why}</p> })}
    }
}

fn theme_changes() -> ArcRwSignal<u32> {
    THEME_CHANGES.with(Clone::clone)
}

fn resizes() -> ArcRwSignal<u32> {
    RESIZES.with(Clone::clone)
}

/// How long the window's size must hold still before the charts redraw at their new width: a
/// drag that resizes sixty times a second redraws once.
const RESIZE_SETTLE: std::time::Duration = std::time::Duration::from_millis(150);

/// Redraws the app's page charts whose canvas is shown at another width than it was drawn at
/// (the app asks for them only when their scenario changes).
fn redraw_resized_page_charts() {
    let drawn = PAGE_CHARTS.with_borrow(Clone::clone);
    for (canvas, chart, json) in drawn {
        let shown = u32::try_from(canvas.client_width()).unwrap_or(0);
        if canvas.is_connected() && shown > 0 && shown != canvas.width() {
            let _ = draw_page_chart(canvas, chart, &json);
        }
    }
}

/// A scenario read from its JSON and its report (or why there is none).
type Estimate = Rc<(Scenario, Result<Report, String>)>;

/// A scenario's JSON and the price sheet's text, and the estimate they make.
type Estimated = ((String, String), Estimate);

thread_local! {
    /// Counts the app's theme switches: each chart tracks it and redraws in the new theme (the
    /// palette reads the theme when drawing). One listener for the module, made on first use.
    static THEME_CHANGES: ArcRwSignal<u32> = {
        let changes = ArcRwSignal::new(0);
        let bump = changes.clone();
        mlcost_web::dom::events::listen(mlcost_web::header::THEME_EVENT, move |_| {
            bump.update(|count| *count += 1);
        });
        changes
    };

    /// Counts the window's settled resizes: each chart tracks it and redraws at its new width
    /// (the canvas backend sizes a chart to the width it is shown at). One listener, made on
    /// first use.
    static RESIZES: ArcRwSignal<u32> = {
        let resizes = ArcRwSignal::new(0);
        let bump = resizes.clone();
        let pending = std::rc::Rc::new(std::cell::Cell::new(None::<TimeoutHandle>));
        let listener = window_event_listener(leptos::ev::resize, move |_| {
            if let Some(handle) = pending.take() {
                handle.clear();
            }
            let bump = bump.clone();
            let settled = move || {
                bump.update(|count| *count += 1);
                redraw_resized_page_charts();
            };
            pending.set(set_timeout_with_handle(settled, RESIZE_SETTLE).ok());
        });
        // The module lives as long as the page: so does its listener.
        std::mem::forget(listener);
        resizes
    };

    /// The app's page charts as last drawn, one per canvas, to redraw after a resize.
    static PAGE_CHARTS: RefCell<Vec<(web_sys::HtmlCanvasElement, PageChart, String)>> =
        const { RefCell::new(Vec::new()) };

    /// The last scenario read for a page chart and its report: a page's charts all draw the same
    /// scenario, so it is read and estimated once per change, not once per chart.
    static LAST_ESTIMATE: RefCell<Option<Estimated>> = const { RefCell::new(None) };
}

/// Draws one of the Training or Serving pages' charts of the scenario in `scenario_json` onto
/// `canvas`, priced with the user's sheet; `Err` says, in words, why there is nothing to draw.
pub fn draw_page_chart(
    canvas: web_sys::HtmlCanvasElement,
    chart: PageChart,
    scenario_json: &str,
) -> Result<(), String> {
    // Remembered (and the resize listener started) for a redraw at another width.
    resizes();
    PAGE_CHARTS.with_borrow_mut(|drawn| {
        drawn.retain(|(seen, ..)| *seen != canvas && seen.is_connected());
        drawn.push((canvas.clone(), chart, scenario_json.to_owned()));
    });
    if chart == PageChart::LoadLatency {
        let study = load::study_once(scenario_json);
        return study
            .as_ref()
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|s| load::draw_load_latency(canvas, s));
    }
    mlcost_web::header::price_sheet::with_book_now(|book, sheet| {
        let estimated = estimate_once((scenario_json, sheet), book)?;
        let (scenario, report) = &*estimated;
        if chart == PageChart::CostTime {
            return training::draw_cost_time(canvas, scenario, book);
        }
        let report = report.as_ref().map_err(Clone::clone)?;
        match (chart, &report.training, &report.serving) {
            (PageChart::Pareto, Some(training), _) => training::draw_pareto_front(canvas, training),
            (PageChart::Sensitivity, Some(training), _) => {
                sensitivity::draw_tornado(canvas, sensitivity::Tornado::of_training(training))
            }
            (PageChart::ServingSensitivity, _, Some(serving)) => {
                sensitivity::draw_tornado(canvas, sensitivity::Tornado::of_serving(serving))
            }
            (PageChart::Latency, _, Some(serving)) => {
                serving::draw_latency_curve(canvas, scenario, serving)
            }
            (PageChart::Day, _, Some(serving)) => serving::draw_replica_day(canvas, serving),
            (PageChart::Apis, _, Some(serving)) => serving::draw_api_lines(canvas, serving),
            _ => Err("the scenario has no section for this chart".to_owned()),
        }
    })
}

/// The scenario in `json` and its report at `book`'s prices (`sheet` names the book), from the
/// last call's when they are the same.
pub(crate) fn estimate_once(
    (json, sheet): (&str, &str),
    book: &PriceBook,
) -> Result<Estimate, String> {
    LAST_ESTIMATE.with_borrow_mut(|last| match last {
        Some(((seen, seen_sheet), estimated)) if seen == json && seen_sheet == sheet => {
            Ok(Rc::clone(estimated))
        }
        _ => {
            let scenario = Scenario::from_json(json).map_err(|e| e.to_string())?;
            let report = mlcost::estimate_with(&scenario, book).map_err(|e| e.to_string());
            let estimated = Rc::new((scenario, report));
            *last = Some(((json.to_owned(), sheet.to_owned()), Rc::clone(&estimated)));
            Ok(estimated)
        }
    })
}
