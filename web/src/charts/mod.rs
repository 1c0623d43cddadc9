//! The charts, drawn with plotters on a canvas: the one way a chart follows its data
//! ([`canvas_chart`]), the canvas backend, legends, the palette, and each page's charts.

pub mod canvas;
pub mod legend;
pub mod palette;
pub mod serving;
pub mod training;

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::dom::download_url;

pub type Draw<T> = fn(web_sys::HtmlCanvasElement, &T) -> Result<(), String>;

/// A chart: a canvas kept in step with `data` (the canvas is outside the reactive graph, so an
/// effect redraws it), its "Save chart as PNG" button, and why it could not be drawn, if so. Every
/// chart of both modules is one of these.
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

/// A "PNG" button that downloads the canvas `canvas_id` as an image, `mlcost-<canvas_id>.png`.
fn chart_png(canvas_id: &'static str) -> impl IntoView {
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
