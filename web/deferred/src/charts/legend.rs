//! Chart legends drawn on the canvas. Why not plotters' series labels? They measure their text
//! through a styled `<span>`, which the strict CSP refuses (see canvas.rs); this measures on the
//! canvas.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::charts::canvas::ChartCanvas;
use crate::charts::palette;

/// How a legend entry's mark looks: as the chart draws that series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swatch {
    Line,
    Block,
    Ring,
    Square,
}

/// A legend entry: its text, its colour and its mark.
pub type LegendItem = (String, RGBColor, Swatch);

/// Draws `swatch` in `color` in the 16 px box whose left middle is (x, y).
fn draw_swatch(
    area: &DrawingArea<ChartCanvas, Shift>,
    swatch: Swatch,
    color: RGBColor,
    (x, y): (i32, i32),
) -> Result<(), String> {
    let error = |e: DrawingAreaErrorKind<_>| e.to_string();
    match swatch {
        Swatch::Line => area.draw(&PathElement::new([(x, y), (x + 16, y)], color.stroke_width(2))),
        Swatch::Block => {
            area.draw(&Rectangle::new([(x + 2, y - 5), (x + 14, y + 5)], color.filled()))
        }
        Swatch::Ring => area.draw(&Circle::new((x + 8, y), 5, color.stroke_width(2))),
        Swatch::Square => {
            area.draw(&Rectangle::new([(x + 3, y - 5), (x + 13, y + 5)], color.stroke_width(2)))
        }
    }
    .map_err(error)
}

/// `label` cut with "…" to at most `width` pixels in `font`.
fn fitted(
    area: &DrawingArea<ChartCanvas, Shift>,
    label: &str,
    font: &TextStyle,
    width: i32,
) -> String {
    let fits =
        |text: &str| area.estimate_text_size(text, font).map_or(true, |(w, _)| w as i32 <= width);
    if fits(label) {
        return label.to_owned();
    }
    let chars: Vec<char> = label.chars().collect();
    let mut keep = chars.len();
    while keep > 1 {
        keep -= 1;
        let cut: String = chars[..keep].iter().collect::<String>() + "…";
        if fits(&cut) {
            return cut;
        }
    }
    "…".to_owned()
}

/// The legend's text.
fn font() -> TextStyle<'static> {
    ("sans-serif", 12).into_font().into()
}

/// Height of a legend row, in pixels.
const ROW: i32 = 18;

/// Draws the legend in a band across the top of `area`, its entries in as many rows as the width
/// needs, and returns the area below it for the chart: there the legend never covers the data.
pub fn legend_above(
    area: &DrawingArea<ChartCanvas, Shift>,
    items: &[LegendItem],
) -> Result<DrawingArea<ChartCanvas, Shift>, String> {
    if items.is_empty() {
        return Ok(area.clone());
    }
    let font = font();
    let (width, _) = area.dim_in_pixel();
    let width = width as i32;
    // Each entry: a 16 px swatch, a gap, its text, then space before the next.
    let mut placed = Vec::with_capacity(items.len());
    let (mut x, mut row) = (12, 0);
    for (label, color, swatch) in items {
        // A label wider than the chart (a long API name on a phone) is cut, not clipped.
        let label = fitted(area, label, &font, width - 12 - 22 - 8);
        let text = area.estimate_text_size(&label, &font).map_or(0, |(w, _)| w as i32);
        let entry = 22 + text + 16;
        if x > 12 && x + entry > width - 8 {
            (x, row) = (12, row + 1);
        }
        placed.push((x, row, label, *color, *swatch));
        x += entry;
    }
    let height = (row + 1) * ROW + 6;
    let (band, rest) = area.split_vertically(height);
    let error = |e: DrawingAreaErrorKind<_>| e.to_string();
    let ink = palette::ink();
    let style = font.color(&ink).pos(Pos::new(HPos::Left, VPos::Center));
    for (x, row, label, color, swatch) in placed {
        let y = 4 + row * ROW + ROW / 2;
        draw_swatch(&band, swatch, color, (x, y))?;
        band.draw(&Text::new(label, (x + 22, y), style.clone())).map_err(error)?;
    }
    Ok(rest)
}

/// The narrowest chart that keeps a legend panel beside it; below this the legend goes above.
const WIDE_ENOUGH_FOR_A_SIDE_LEGEND: u32 = 500;

/// Draws the legend of a chart with many series and returns the area for its plot: beside the
/// plot, in the width the plot leaves (`plot_share` of it is the plot's: `(2, 3)`), on a chart at
/// least [`WIDE_ENOUGH_FOR_A_SIDE_LEGEND`] wide; above it ([`legend_above`]) on a narrower one.
/// Why both? Beside, twenty names leave the plot its whole height (a Gantt chart's rows, a day of
/// lines); on a phone a side panel would leave room for neither.
pub fn legend_beside_or_above(
    area: &DrawingArea<ChartCanvas, Shift>,
    items: &[LegendItem],
    plot_share: (u32, u32),
) -> Result<DrawingArea<ChartCanvas, Shift>, String> {
    let (width, _) = area.dim_in_pixel();
    if width < WIDE_ENOUGH_FOR_A_SIDE_LEGEND {
        return legend_above(area, items);
    }
    let (plot, side) = area.split_horizontally(width * plot_share.0 / plot_share.1.max(1));
    draw_legend(&side, items)?;
    Ok(plot)
}

/// Draws a legend box at the top left of `panel`, an area of its own beside the chart.
fn draw_legend(
    panel: &DrawingArea<ChartCanvas, Shift>,
    items: &[LegendItem],
) -> Result<(), String> {
    if items.is_empty() {
        return Ok(());
    }
    let font = font();
    let widest = items
        .iter()
        .map(|(label, ..)| panel.estimate_text_size(label, &font).map_or(0, |(w, _)| w))
        .max()
        .unwrap_or(0) as i32;
    let (width, height) = (widest + 40, items.len() as i32 * 16 + 8);
    let left = 8;
    let top = 8;
    let error = |e: DrawingAreaErrorKind<_>| e.to_string();
    panel
        .draw(&Rectangle::new(
            [(left, top), (left + width, top + height)],
            palette::paper().mix(0.85).filled(),
        ))
        .map_err(error)?;
    panel
        .draw(&Rectangle::new([(left, top), (left + width, top + height)], palette::ink().mix(0.3)))
        .map_err(error)?;
    for (i, (label, color, swatch)) in items.iter().enumerate() {
        let y = top + 12 + i as i32 * 16;
        draw_swatch(panel, *swatch, *color, (left + 6, y))?;
        let ink = palette::ink();
        let style = font.clone().color(&ink).pos(Pos::new(HPos::Left, VPos::Center));
        panel.draw(&Text::new(label.clone(), (left + 28, y), style)).map_err(error)?;
    }
    Ok(())
}
