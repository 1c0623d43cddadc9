//! The charts' drawing backend: plotters' canvas backend, except that text is measured with the
//! canvas's own `measureText`.
//!
//! Why? plotters measures text in the browser by inserting a `<span style="…">` into the page,
//! and the app's strict Content-Security-Policy refuses style attributes: every chart reported a
//! violation and laid its labels out with the wrong font size. The canvas measures exactly the
//! font it then draws with.

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;

/// plotters-canvas does not export its error type; name it through its backend.
type CanvasError = <CanvasBackend as DrawingBackend>::ErrorType;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

pub struct ChartCanvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
}

impl std::fmt::Debug for ChartCanvas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChartCanvas")
    }
}

/// The widest a chart is drawn, in pixels: its size on a desktop.
const WIDEST: u32 = 720;
/// The lowest a chart is drawn: below this its axes leave no room for the data.
const LOWEST: u32 = 240;

/// Sizes the canvas to the width the page shows it at, so a phone gets a chart drawn for its
/// width (full-size text, fewer ticks) instead of a desktop one scaled down to unreadable; half as
/// tall as wide, at least `lowest`. A canvas not shown (width 0) keeps its size.
fn fit_to_shown_width(canvas: &HtmlCanvasElement, lowest: u32) {
    let Ok(shown) = u32::try_from(canvas.client_width()) else { return };
    if shown == 0 {
        return;
    }
    let width = shown.min(WIDEST);
    let height = (width / 2).max(lowest);
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != height {
        canvas.set_height(height);
    }
}

impl ChartCanvas {
    pub fn new(canvas: HtmlCanvasElement) -> Result<Self, String> {
        Self::at_least(canvas, LOWEST)
    }

    /// A chart at least `lowest` pixels tall: one whose legend wraps to several rows above it on
    /// a phone and would leave the data a sliver of the usual height.
    pub fn at_least(canvas: HtmlCanvasElement, lowest: u32) -> Result<Self, String> {
        fit_to_shown_width(&canvas, lowest);
        let context = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
            .ok_or("canvas has no 2D context")?;
        let inner = CanvasBackend::with_canvas_object(canvas).ok_or("canvas has no 2D context")?;
        Ok(Self { inner, context })
    }
}

impl DrawingBackend for ChartCanvas {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        // The same font string plotters-canvas draws with.
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        ));
        let width = self.context.measure_text(text).map_or(0.0, |m| m.width());
        // Canvas text metrics have no line height everywhere; the font size is the usual stand-in.
        Ok((width.ceil().max(0.0) as u32, style.size().ceil().max(0.0) as u32))
    }
}
