//! What moves the cost: a tornado chart of a figure (training's total cost, serving's monthly cost
//! or, without a load, its throughput) with each input at its low and at its high, largest swing at
//! the top, numbered as the page's list under it, around the estimate and its range.

use crate::charts::canvas::ChartCanvas;
use crate::charts::legend::{Swatch, legend_above};
use crate::charts::palette;
use crate::charts::ticks::room_for;
use mlcost::format;
use mlcost::units::Usd;
use mlcost::vocabulary::uncertainty::Sensitivity;
use mlcost::{ServingReport, TrainingReport};
use plotters::prelude::*;

const DEFAULT_COLOR: RGBColor = palette::ORANGE;
const GIVEN_COLOR: RGBColor = palette::BLUE;

/// One tornado: the list, the figure it moves as estimated and its range, and the figure's axis.
pub struct Tornado<'a> {
    list: &'a [Sensitivity],
    central: f64,
    range: Option<(f64, f64)>,
    axis: &'static str,
    /// Dollars, or a count.
    usd: bool,
}

impl<'a> Tornado<'a> {
    pub fn of_training(report: &'a TrainingReport) -> Self {
        let range = report
            .ranges
            .as_ref()
            .map(|r| (r.total_cost_usd.low.get(), r.total_cost_usd.high.get()));
        let central = report.total_cost_usd.get();
        let axis = "total cost (USD)";
        Self { list: &report.sensitivity, central, range, axis, usd: true }
    }

    pub fn of_serving(report: &'a ServingReport) -> Self {
        let ranges = report.ranges;
        match report.monthly_cost_usd {
            Some(monthly) => Self {
                list: &report.sensitivity,
                central: monthly.get(),
                range: ranges.and_then(|r| r.monthly_cost_usd).map(|r| (r.low.get(), r.high.get())),
                axis: "monthly cost (USD)",
                usd: true,
            },
            None => Self {
                list: &report.sensitivity,
                central: report.max_output_tokens_per_second_per_replica,
                range: ranges.map(|r| {
                    let t = r.max_output_tokens_per_second_per_replica;
                    (t.low, t.high)
                }),
                axis: "max output tokens/s per replica",
                usd: false,
            },
        }
    }
}

pub fn draw_tornado(canvas: web_sys::HtmlCanvasElement, tornado: Tornado) -> Result<(), String> {
    let error = |e: DrawingAreaErrorKind<_>| e.to_string();
    let Tornado { list, central, range, axis, usd } = tornado;
    let backend = ChartCanvas::new(canvas)?;
    let root = backend.into_drawing_area();
    root.fill(&palette::paper()).map_err(error)?;
    let values = list
        .iter()
        .flat_map(|s| [s.figure_at_low, s.figure_at_high])
        .chain([central])
        .chain(range.into_iter().flat_map(|(low, high)| [low, high]));
    let (lowest, highest) =
        values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if list.is_empty() || !(lowest.is_finite() && highest > lowest) {
        return root.present().map_err(error);
    }
    let mut legend = vec![
        ("a default at its published low and high".to_owned(), DEFAULT_COLOR, Swatch::Block),
        ("a given input 20% lower and higher".to_owned(), GIVEN_COLOR, Swatch::Block),
        ("the estimate".to_owned(), palette::ink(), Swatch::Line),
    ];
    if range.is_some() {
        legend.push(("its range".to_owned(), palette::GREY, Swatch::Square));
    }
    let plot = legend_above(&root, &legend)?;
    let pad = (highest - lowest) * 0.08;
    let rows = list.len() as f64;
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .margin_top(4)
        .x_label_area_size(40)
        .y_label_area_size(8)
        .build_cartesian_2d((lowest - pad).max(0.0)..highest + pad, 0.0..rows)
        .map_err(|e| e.to_string())?;
    let (width, _) = plot.dim_in_pixel();
    palette::themed(&mut chart.configure_mesh())
        .disable_y_mesh()
        .disable_y_axis()
        .x_labels(room_for(width, 70))
        .x_desc(axis)
        .x_label_formatter(&|c| {
            if usd { format::usd_short(Usd::new(*c)) } else { format::count(*c) }
        })
        .draw()
        .map_err(|e| e.to_string())?;
    if let Some((low, high)) = range {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(low, 0.0), (high, rows)],
                palette::GREY.mix(0.15).filled(),
            )))
            .map_err(|e| e.to_string())?;
    }
    chart
        .draw_series(list.iter().enumerate().map(|(k, s)| {
            let top = rows - k as f64;
            let color = if s.defaulted { DEFAULT_COLOR } else { GIVEN_COLOR };
            let (left, right) =
                (s.figure_at_low.min(s.figure_at_high), s.figure_at_low.max(s.figure_at_high));
            Rectangle::new([(left, top - 0.92), (right, top - 0.52)], color.filled())
        }))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            [(central, 0.0), (central, rows)],
            palette::ink().stroke_width(2),
        )))
        .map_err(|e| e.to_string())?;
    // Each bar's input above it, numbered as the sentences under the chart.
    let ink = palette::ink();
    let style = ("sans-serif", 12).into_font().color(&ink);
    let left = (lowest - pad).max(0.0);
    chart
        .draw_series(list.iter().enumerate().map(|(k, s)| {
            let label = mlcost_web::forms::input_label(&s.input);
            Text::new(format!("{}. {label}", k + 1), (left, rows - k as f64 - 0.05), style.clone())
        }))
        .map_err(|e| e.to_string())?;
    root.present().map_err(error)
}
