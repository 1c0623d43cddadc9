//! The "How accurate is this?" page: every published measurement the engine is checked against
//! (the validation table, `mlcost::validation`), each estimated as a user would write it, with its
//! error and whether the range holds it; the scores per regime and generation; and a chart of
//! estimated against published. Every range on the Training and Serving pages links here.

use leptos::prelude::*;
use mlcost::PriceBook;
use mlcost::format;
use mlcost::validation::{Case, Validation, validate};
use mlcost_web::pages::results::{self, Cell, Row};
use plotters::prelude::*;

use crate::charts::canvas::ChartCanvas;
use crate::charts::legend::{Swatch, legend_above};
use crate::charts::palette;
use crate::charts::ticks::{log_axis, room_for};

#[component]
pub fn AccuracyPage() -> impl IntoView {
    // The bundled prices: the cases price nothing, and the table is the product's, not a sheet's.
    let validation =
        Memo::new(move |_| PriceBook::bundled().and_then(validate).map_err(|e| e.to_string()));
    view! {
        <main class="accuracy">
            <h2>"How accurate is this?"</h2>
            <p>"Every published measurement mlcost is checked against, estimated as you would write it: the defaults a new scenario gets, nothing taken from the case itself. A default fitted on a case (the MFU, fitted on every training case, and the serving efficiencies, recentred per architecture on every serving case) is scored with the fit made without it, and each case's range takes each default's published spread without that case. No case is left out for scoring badly."</p>
            <p>"The error is the estimate over the published figure, minus one. A range is the estimate again with each default it used at the low and high end of the published cases it comes from (a span chosen to hold the next published case four times in five), combined as a root sum of squares: it is meant to hold about four published cases in five. The same table prints with "<code>"mlcost validate"</code>"."</p>
            {move || match validation.get() {
                Ok(v) => view! { <Scores validation=v.clone() /> <CasesChart validation=v.clone() /> <Cases validation=v /> }.into_any(),
                Err(why) => view! { <p class="field-error">"The validation table could not be read: "{why}</p> }.into_any(),
            }}
        </main>
    }
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

#[component]
fn Scores(validation: Validation) -> impl IntoView {
    let rows = validation
        .scores
        .iter()
        .map(|s| Row {
            header: s.group.clone(),
            title: Some(format!("worst: {}", s.worst_case)),
            cells: vec![
                Cell::number(s.cases.to_string()),
                Cell::number(percent(s.median_error)),
                Cell::number(percent(s.worst_error)),
                Cell::number(s.coverage().map_or(format::MISSING.to_owned(), |c| {
                    format!("{} ({} of {})", percent(c), s.covered, s.ranged)
                })),
            ],
        })
        .collect();
    results::table(
        "accuracy-scores",
        "Median and worst error, and how often the range holds the published figure",
        &["Group", "Cases", "Median |error|", "Worst |error|", "Range holds"],
        rows,
    )
}

#[component]
fn Cases(validation: Validation) -> impl IntoView {
    let rows = validation
        .cases
        .iter()
        .map(|c| Row {
            header: c.name.clone(),
            title: Some(if c.note.is_empty() {
                c.source.clone()
            } else {
                format!("{}\n{}", c.source, c.note)
            }),
            cells: vec![
                Cell::text(c.regime.as_str()),
                Cell::text(c.generation.clone()),
                Cell::text(c.unit.clone()),
                Cell::number(format::value(c.published)),
                Cell::number(format::value(c.estimate)),
                Cell::number(format!("{:+.0}%", c.error * 100.0)),
                Cell::number(match (c.low, c.high) {
                    (Some(low), Some(high)) => {
                        format!("{} – {}", format::value(low), format::value(high))
                    }
                    _ => format::MISSING.to_owned(),
                }),
                Cell::text(match c.covered {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "",
                }),
                Cell::text(c.source.clone()),
            ],
        })
        .collect();
    results::table(
        "accuracy-cases",
        "Every case: the published figure, the estimate, the error and the range (hover a case for its source and notes)",
        &[
            "Case",
            "Regime",
            "Generation",
            "Unit",
            "Published",
            "Estimate",
            "Error",
            "Range",
            "In range",
            "Source",
        ],
        rows,
    )
}

/// A log axis's tick: "100k", not "100.00k".
fn tick(value: f64) -> String {
    format::count(value).replace(".00", "")
}

const TRAINING_COLOR: RGBColor = palette::TEAL;
const SERVING_COLOR: RGBColor = palette::ORANGE;

#[component]
fn CasesChart(validation: Validation) -> impl IntoView {
    let data = Memo::new(move |_| validation.clone());
    view! {
        {crate::charts::canvas_chart(
            "accuracy-chart",
            "Each case's estimate against its published figure, both on log scales, with its range as a bar; on the diagonal the two agree",
            data,
            draw_cases,
        )}
        <p class="hint">"Each dot is a case (its unit is its own: GPU-hours, tokens/s or milliseconds); the diagonal is where the estimate equals the published figure, the faint lines 25% either side. A bar is the case's range."</p>
    }
}

fn draw_cases(canvas: web_sys::HtmlCanvasElement, validation: &Validation) -> Result<(), String> {
    let cases = &validation.cases;
    let error = |e: DrawingAreaErrorKind<_>| e.to_string();
    let backend = ChartCanvas::new(canvas)?;
    let root = backend.into_drawing_area();
    root.fill(&palette::paper()).map_err(error)?;
    let values = cases
        .iter()
        .flat_map(|c| [Some(c.published), Some(c.estimate), c.low, c.high])
        .flatten()
        .filter(|v| *v > 0.0 && v.is_finite());
    let (lowest, highest) =
        values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if !(lowest.is_finite() && highest > lowest) {
        return root.present().map_err(error);
    }
    let legend = [
        ("training".to_owned(), TRAINING_COLOR, Swatch::Block),
        ("serving".to_owned(), SERVING_COLOR, Swatch::Block),
        ("estimate = published".to_owned(), palette::ink(), Swatch::Line),
    ];
    let plot = legend_above(&root, &legend)?;
    let (low, high) = (lowest / 1.5, highest * 1.5);
    let (width, height) = plot.dim_in_pixel();
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .margin_top(4)
        .x_label_area_size(40)
        .y_label_area_size(72)
        .build_cartesian_2d(
            log_axis(low, high, room_for(width, 60)),
            log_axis(low, high, room_for(height, 40)),
        )
        .map_err(|e| e.to_string())?;
    palette::themed(&mut chart.configure_mesh())
        .x_desc("published")
        .y_desc("estimated")
        .x_label_formatter(&|v| tick(*v))
        .y_label_formatter(&|v| tick(*v))
        .draw()
        .map_err(|e| e.to_string())?;
    for (factor, color, width) in
        [(1.0, palette::ink(), 2), (1.25, palette::GREY, 1), (0.8, palette::GREY, 1)]
    {
        chart
            .draw_series(std::iter::once(PathElement::new(
                [(low, low * factor), (high, high * factor)],
                color.stroke_width(width),
            )))
            .map_err(|e| e.to_string())?;
    }
    let color = |c: &Case| if c.regime.is_training() { TRAINING_COLOR } else { SERVING_COLOR };
    chart
        .draw_series(cases.iter().filter_map(|c| {
            let (l, h) = (c.low?, c.high?);
            Some(PathElement::new(
                [(c.published, l), (c.published, h)],
                color(c).mix(0.5).stroke_width(2),
            ))
        }))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(
            cases.iter().map(|c| Circle::new((c.published, c.estimate), 3, color(c).filled())),
        )
        .map_err(|e| e.to_string())?;
    root.present().map_err(error)
}
