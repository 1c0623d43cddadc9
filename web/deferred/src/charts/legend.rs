//! Chart legends drawn on the canvas. Why not plotters' series labels? They measure their text
//! through a styled `<span>`, which the strict CSP refuses (see canvas.rs); this measures on the
//! canvas.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::charts::canvas::ChartCanvas;
use crate::charts::palette;

/// Where along the top of the plotting area a legend sits.
#[derive(Debug, Clone, Copy)]
pub enum Corner {
    Left,
    Middle,
    Right,
}

/// A legend entry: its text, its colour, and whether it is a line (else a filled block).
pub type LegendItem = (String, RGBColor, bool);

/// Draws a legend box in a corner of the plotting area.
pub fn draw_legend(
    plot: &DrawingArea<ChartCanvas, Shift>,
    corner: Corner,
    items: &[LegendItem],
) -> Result<(), String> {
    if items.is_empty() {
        return Ok(());
    }
    let font: TextStyle = ("sans-serif", 12).into_font().into();
    let widest = items
        .iter()
        .map(|(label, ..)| plot.estimate_text_size(label, &font).map_or(0, |(w, _)| w))
        .max()
        .unwrap_or(0) as i32;
    let (plot_width, _) = plot.dim_in_pixel();
    let (width, height) = (widest + 40, items.len() as i32 * 16 + 8);
    let left = match corner {
        Corner::Left => 8,
        Corner::Middle => (plot_width as i32 - width) / 2,
        Corner::Right => plot_width as i32 - width - 8,
    };
    let top = 8;
    let error = |e: DrawingAreaErrorKind<_>| e.to_string();
    plot.draw(&Rectangle::new(
        [(left, top), (left + width, top + height)],
        palette::paper().mix(0.85).filled(),
    ))
    .map_err(error)?;
    plot.draw(&Rectangle::new(
        [(left, top), (left + width, top + height)],
        palette::ink().mix(0.3),
    ))
    .map_err(error)?;
    for (i, (label, color, line)) in items.iter().enumerate() {
        let y = top + 12 + i as i32 * 16;
        if *line {
            plot.draw(&PathElement::new([(left + 6, y), (left + 22, y)], color.stroke_width(2)))
                .map_err(error)?;
        } else {
            plot.draw(&Rectangle::new([(left + 8, y - 5), (left + 20, y + 5)], color.filled()))
                .map_err(error)?;
        }
        let ink = palette::ink();
        let style = font.clone().color(&ink).pos(Pos::new(HPos::Left, VPos::Center));
        plot.draw(&Text::new(label.clone(), (left + 28, y), style)).map_err(error)?;
    }
    Ok(())
}
