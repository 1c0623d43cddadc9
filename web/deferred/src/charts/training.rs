//! Cost and wall-clock time against accelerator count, for the scenario on screen.

use crate::charts::canvas::ChartCanvas;
use crate::charts::legend::Swatch;
use crate::charts::palette;
use crate::charts::ticks::{log_axis, room_for};
use mlcost::format;
use mlcost::units::{Hours, Usd};
use mlcost::{PriceBook, Scenario, TrainingReport};
use plotters::prelude::*;

/// One accelerator count and what the run costs and takes with it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub count: u32,
    pub cost_usd: f64,
    /// The compute cost's range, when a default makes one.
    pub cost_range: Option<(f64, f64)>,
    pub wall_clock_days: f64,
}

/// Powers of two from 1/32 to 32 times the scenario's count (and the count itself), estimated.
pub fn sweep(scenario: &Scenario, book: &PriceBook) -> Vec<Point> {
    let Some(training) = &scenario.training else {
        return Vec::new();
    };
    let current = training.accelerator_count;
    let mut counts: Vec<u32> = (0..32)
        .map(|shift| 1u32 << shift)
        .filter(|&c| {
            u64::from(c) * 32 >= u64::from(current) && u64::from(c) <= u64::from(current) * 32
        })
        .collect();
    counts.push(current);
    counts.sort_unstable();
    counts.dedup();
    counts
        .into_iter()
        .filter_map(|count| {
            let mut variant = scenario.clone();
            variant.training.as_mut()?.accelerator_count = count;
            let options = mlcost::Options::FIGURES;
            let report = mlcost::estimate_with_ranges(&variant, book, options).ok()?.training?;
            let range = report.ranges.as_ref().map(|r| r.compute_cost_usd);
            Some(Point {
                count,
                cost_usd: report.compute_cost_usd.get(),
                cost_range: range.map(|r| (r.low.get(), r.high.get())),
                wall_clock_days: report.wall_clock_hours.get() / 24.0,
            })
        })
        .collect()
}

/// The chart of `scenario`'s compute cost and wall-clock time against its accelerator count.
pub fn draw_cost_time(
    canvas: web_sys::HtmlCanvasElement,
    scenario: &Scenario,
    book: &PriceBook,
) -> Result<(), String> {
    draw(canvas, &sweep(scenario, book), current_count(scenario))
}

fn current_count(scenario: &Scenario) -> u32 {
    scenario.training.as_ref().map_or(0, |t| t.accelerator_count)
}

const COST_COLOR: RGBColor = palette::BLUE;
const TIME_COLOR: RGBColor = palette::ORANGE;

fn draw(canvas: web_sys::HtmlCanvasElement, points: &[Point], current: u32) -> Result<(), String> {
    let backend = ChartCanvas::new(canvas)?;
    let root = backend.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return root.present().map_err(|e| e.to_string());
    };
    // The band may climb far above the line where goodput collapses (tens of thousands of
    // accelerators at a high failure rate): the axis follows the line, up to twice its top, and
    // the band is cut there.
    let top = points.iter().map(|p| p.cost_usd).fold(0.0, f64::max);
    let highest = |p: &Point| p.cost_range.map_or(p.cost_usd, |(_, high)| high.max(p.cost_usd));
    let max_cost = points.iter().map(highest).fold(0.0, f64::max).min(top * 2.0) * 1.1;
    let ranged = points.iter().all(|p| p.cost_range.is_some());
    let (min_days, max_days) = points.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), p| {
        (lo.min(p.wall_clock_days), hi.max(p.wall_clock_days))
    });
    let (x_low, x_high) = (f64::from(first.count) * 0.8, f64::from(last.count) * 1.25);
    // The counts swept are powers of two: label those.
    let counts: Vec<f64> = points.iter().map(|p| f64::from(p.count)).collect();
    let x_range = (x_low..x_high).log_scale();
    let (days_low, days_high) = (min_days * 0.8, max_days * 1.25);
    let mut legend = vec![
        ("compute cost (left axis)".to_owned(), COST_COLOR, Swatch::Line),
        ("wall-clock days (right axis)".to_owned(), TIME_COLOR, Swatch::Line),
    ];
    if ranged {
        legend.insert(1, ("its range".to_owned(), COST_COLOR, Swatch::Block));
    }
    let plot = crate::charts::legend::legend_above(&root, &legend)?;
    let (width, height) = plot.dim_in_pixel();
    // The counts swept are powers of two: every one, or every other, as the width allows.
    let every = counts.len().div_ceil(room_for(width, 70)).max(1);
    let counts: Vec<f64> = counts.into_iter().step_by(every).collect();
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .margin_top(4)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .right_y_label_area_size(70)
        .build_cartesian_2d(x_range.clone().with_key_points(counts.clone()), 0.0..max_cost)
        .map_err(|e| e.to_string())?
        .set_secondary_coord(
            x_range.with_key_points(counts),
            log_axis(days_low, days_high, room_for(height, 40)),
        );
    palette::themed(&mut chart.configure_mesh())
        .x_desc("accelerators")
        .y_desc("compute cost (USD)")
        .x_label_formatter(&|x| format::whole(*x))
        .y_label_formatter(&|y| format::usd_short(Usd::new(*y)))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .configure_secondary_axes()
        .label_style(palette::label())
        .axis_desc_style(palette::label())
        .axis_style(palette::ink())
        .y_desc("wall-clock (days)")
        .y_label_formatter(&|days| format::trimmed(*days))
        .draw()
        .map_err(|e| e.to_string())?;
    if ranged {
        // The band from each count's low to its high: along the highs, back along the lows.
        let highs =
            points.iter().filter_map(|p| Some((f64::from(p.count), p.cost_range?.1.min(max_cost))));
        let lows = points.iter().rev().filter_map(|p| Some((f64::from(p.count), p.cost_range?.0)));
        chart
            .draw_series(std::iter::once(Polygon::new(
                highs.chain(lows).collect::<Vec<_>>(),
                COST_COLOR.mix(0.18).filled(),
            )))
            .map_err(|e| e.to_string())?;
    }
    chart
        .draw_series(LineSeries::new(
            points.iter().map(|p| (f64::from(p.count), p.cost_usd)),
            COST_COLOR.stroke_width(2),
        ))
        .map_err(|e| e.to_string())?;
    chart
        .draw_secondary_series(LineSeries::new(
            points.iter().map(|p| (f64::from(p.count), p.wall_clock_days)),
            TIME_COLOR.stroke_width(2),
        ))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(
            points
                .iter()
                .filter(|p| p.count == current)
                .map(|p| Circle::new((f64::from(p.count), p.cost_usd), 6, COST_COLOR.filled())),
        )
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

/// One point of the Pareto chart: days and dollars.
type DaysCost = (f64, f64);

/// The Pareto front of the run's right-sizing: each point an offer, instance count and plan no
/// other beats on both cost and time, with the scenario and the deadline's pick.
pub fn draw_pareto_front(
    canvas: web_sys::HtmlCanvasElement,
    report: &TrainingReport,
) -> Result<(), String> {
    let days_cost = |hours: Hours, cost: Usd| (hours.get() / 24.0, cost.get());
    let front: Vec<DaysCost> = report
        .rightsizing
        .as_ref()
        .map(|s| {
            s.pareto_front
                .iter()
                .map(|c| days_cost(c.wall_clock_hours, c.compute_cost_usd))
                .collect()
        })
        .unwrap_or_default();
    let current = days_cost(report.wall_clock_hours, report.compute_cost_usd);
    let pick =
        report.recommendation.as_ref().map(|c| days_cost(c.wall_clock_hours, c.compute_cost_usd));
    draw_pareto(canvas, &front, current, pick)
}

const FRONT_COLOR: RGBColor = palette::TEAL;

fn draw_pareto(
    canvas: web_sys::HtmlCanvasElement,
    front: &[DaysCost],
    current: DaysCost,
    pick: Option<DaysCost>,
) -> Result<(), String> {
    let backend = ChartCanvas::new(canvas)?;
    let root = backend.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    let all = front.iter().chain(std::iter::once(&current)).chain(pick.iter());
    let (min_days, max_days, min_cost, max_cost) = all
        .fold((f64::INFINITY, 0.0f64, f64::INFINITY, 0.0f64), |(d0, d1, c0, c1), (d, c)| {
            (d0.min(*d), d1.max(*d), c0.min(*c), c1.max(*c))
        });
    if !(min_days > 0.0 && min_cost > 0.0) {
        return root.present().map_err(|e| e.to_string());
    }
    let mut legend = vec![
        ("Pareto front (numbered as in the table)".to_owned(), FRONT_COLOR, Swatch::Line),
        ("this scenario".to_owned(), COST_COLOR, Swatch::Ring),
    ];
    if pick.is_some() {
        legend.push(("the deadline's pick".to_owned(), TIME_COLOR, Swatch::Square));
    }
    let plot = crate::charts::legend::legend_above(&root, &legend)?;
    let (days_low, days_high) = (min_days * 0.7, max_days * 1.4);
    let (width, height) = plot.dim_in_pixel();
    let (cost_low, cost_high) = (min_cost * 0.7, max_cost * 1.4);
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .margin_top(4)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(
            log_axis(days_low, days_high, room_for(width, 60)),
            log_axis(cost_low, cost_high, room_for(height, 40)),
        )
        .map_err(|e| e.to_string())?;
    palette::themed(&mut chart.configure_mesh())
        .x_desc("wall-clock (days)")
        .y_desc("compute cost (USD)")
        .x_label_formatter(&|d| format::trimmed(*d))
        .y_label_formatter(&|c| format::usd_short(Usd::new(*c)))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(LineSeries::new(front.iter().copied(), FRONT_COLOR.stroke_width(1)))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(front.iter().map(|p| Circle::new(*p, 4, FRONT_COLOR.filled())))
        .map_err(|e| e.to_string())?;
    // Each point's number, as the table beside the chart lists them (cheapest first).
    let ink = palette::ink();
    let number_style = ("sans-serif", 11).into_font().color(&ink);
    chart
        .draw_series(front.iter().enumerate().map(|(i, p)| {
            Text::new((i + 1).to_string(), (p.0 * 1.04, p.1 * 1.04), number_style.clone())
        }))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(std::iter::once(Circle::new(current, 7, COST_COLOR.stroke_width(2))))
        .map_err(|e| e.to_string())?;
    if let Some(pick) = pick {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(pick.0 * 0.93, pick.1 * 0.93), (pick.0 * 1.07, pick.1 * 1.07)],
                TIME_COLOR.stroke_width(2),
            )))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_brackets_the_current_count() {
        let scenario = Scenario::from_json(
            r#"{"model": {"parameters": 7e9},
                "training": {"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 96,
                             "precision": "bf16", "price_per_accelerator_hour": 2.0}}"#,
        )
        .unwrap();
        let counts: Vec<u32> =
            sweep(&scenario, PriceBook::bundled().unwrap()).iter().map(|p| p.count).collect();
        assert_eq!(counts, [4, 8, 16, 32, 64, 96, 128, 256, 512, 1024, 2048]);
    }
}
