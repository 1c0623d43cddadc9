//! The serving page's charts: latency against batch, replicas over the day, and monthly cost
//! against daily volume for self-hosting and each hosted API.

use crate::charts::canvas::ChartCanvas;
use crate::charts::legend::Swatch;
use crate::charts::palette;
use crate::charts::ticks::{log_axis, room_for};
use mlcost::serving::{BatchPoint, HourPlan};
use mlcost::{Scenario, ServingReport};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use mlcost::format;
use mlcost::units::{Milliseconds, Usd};

const TTFT_COLOR: RGBColor = palette::BLUE;
const TPOT_COLOR: RGBColor = palette::ORANGE;
const MARK_COLOR: RGBColor = palette::GREY;
/// Self-hosting is blue; each API takes the next series colour.
const API_COLORS: [RGBColor; 5] =
    [palette::ORANGE, palette::TEAL, palette::PURPLE, palette::RED, palette::BROWN];

fn blank(root: &DrawingArea<ChartCanvas, plotters::coord::Shift>) -> Result<(), String> {
    root.present().map_err(|e| e.to_string())
}

/// The latency curve, the SLO's two targets and the largest batch meeting them.
#[derive(Debug, Clone, Default, PartialEq)]
struct Latency {
    curve: Vec<BatchPoint>,
    ttft_target: Option<f64>,
    tpot_target: Option<f64>,
    batch_at_slo: u32,
}

/// Latency against batch for one replica of the scenario, with its targets.
pub fn draw_latency_curve(
    canvas: web_sys::HtmlCanvasElement,
    scenario: &Scenario,
    report: &ServingReport,
) -> Result<(), String> {
    let slo = scenario.serving.as_ref().map(|s| s.slo).unwrap_or_default();
    let data = Latency {
        curve: report.latency_vs_batch.clone(),
        ttft_target: slo.ttft_ms.map(Milliseconds::get),
        tpot_target: slo.tpot_ms.map(Milliseconds::get),
        batch_at_slo: report.batch_at_slo,
    };
    draw_latency(canvas, &data)
}

fn draw_latency(canvas: web_sys::HtmlCanvasElement, data: &Latency) -> Result<(), String> {
    let root = ChartCanvas::new(canvas)?.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    let Some(largest) = data.curve.last().map(|p| f64::from(p.batch)) else {
        return blank(&root);
    };
    // Models without tokens have no time per output token: nothing to put on a log axis.
    let latencies = data.curve.iter().flat_map(|p| [p.ttft_ms.get(), p.tpot_ms.get()]);
    let all = latencies.chain(data.ttft_target).chain(data.tpot_target).filter(|ms| *ms > 0.0);
    let (low, high) = all.fold((f64::INFINITY, 0.0f64), |(lo, hi), ms| (lo.min(ms), hi.max(ms)));
    if !(low > 0.0 && high.is_finite()) {
        return blank(&root);
    }
    let x_range = (0.8..largest.max(2.0) * 1.25).log_scale().base(2.0);
    let mut legend: Vec<crate::charts::legend::LegendItem> = vec![
        ("time to first token".to_owned(), TTFT_COLOR, Swatch::Line),
        ("time per output token".to_owned(), TPOT_COLOR, Swatch::Line),
    ];
    if data.batch_at_slo > 0 {
        legend.push((
            format!(
                "largest batch meeting the targets: {}",
                format::whole(f64::from(data.batch_at_slo))
            ),
            MARK_COLOR,
            Swatch::Line,
        ));
    }
    let plot = crate::charts::legend::legend_above(&root, &legend)?;
    let (ms_low, ms_high) = (low * 0.7, high * 1.4);
    let (width, height) = plot.dim_in_pixel();
    // Batches are powers of two: label every one, or every other, as the width allows.
    let powers: Vec<f64> = (0..32)
        .map(|p| f64::from(1u32 << p))
        .take_while(|b| *b <= largest.max(2.0) * 1.25)
        .collect();
    let every = powers.len().div_ceil(room_for(width, 50)).max(1);
    let batches: Vec<f64> = powers.into_iter().step_by(every).collect();
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .margin_top(4)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(
            x_range.with_key_points(batches),
            log_axis(ms_low, ms_high, room_for(height, 40)),
        )
        .map_err(|e| e.to_string())?;
    palette::themed(&mut chart.configure_mesh())
        .x_desc("batch (sequences in flight)")
        .y_desc("milliseconds")
        .x_label_formatter(&|b| format::whole(*b))
        .y_label_formatter(&|ms| format::trimmed(*ms))
        .draw()
        .map_err(|e| e.to_string())?;
    let series = [
        (
            "time to first token",
            TTFT_COLOR,
            data.ttft_target,
            (|p| p.ttft_ms.get()) as fn(&BatchPoint) -> f64,
        ),
        ("time per output token", TPOT_COLOR, data.tpot_target, |p| p.tpot_ms.get()),
    ];
    for (_, color, target, metric) in series {
        let points: Vec<(f64, f64)> = data
            .curve
            .iter()
            .map(|p| (f64::from(p.batch), metric(p)))
            .filter(|(_, ms)| *ms > 0.0)
            .collect();
        chart
            .draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(2)))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled())))
            .map_err(|e| e.to_string())?;
        if let Some(target) = target {
            let faint = color.mix(0.5).stroke_width(2);
            chart
                .draw_series(LineSeries::new(
                    [(0.8, target), (largest.max(2.0) * 1.25, target)],
                    faint,
                ))
                .map_err(|e| e.to_string())?;
        }
    }
    if data.batch_at_slo > 0 {
        let batch = f64::from(data.batch_at_slo);
        chart
            .draw_series(LineSeries::new(
                [(batch, ms_low), (batch, ms_high)],
                MARK_COLOR.stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}

/// The autoscaled day and the replicas a static fleet keeps for its peak.
#[derive(Debug, Clone, Default, PartialEq)]
struct Day {
    hours: Vec<HourPlan>,
    peak: u32,
    /// USD an hour of one replica costs at the scenario's price (before whole-instance rounding):
    /// the right-hand axis turns replica-hours into dollars per hour.
    usd_per_replica_hour: Option<f64>,
}

/// The replicas billed each hour of the scenario's day, against a static fleet for the peak.
/// A day with no load or no price has nothing to draw: `Err` says what it needs.
pub fn draw_replica_day(
    canvas: web_sys::HtmlCanvasElement,
    report: &ServingReport,
) -> Result<(), String> {
    if report.hourly.is_empty() {
        return Err("give a load and a price to see the day".to_owned());
    }
    let data = Day {
        hours: report.hourly.clone(),
        peak: report.replicas_peak.unwrap_or(0),
        usd_per_replica_hour: report
            .price_per_accelerator_hour
            .map(|p| p.get() * f64::from(report.accelerators_per_replica)),
    };
    draw_day(canvas, &data)
}

/// Drawn with plotters' elements in pixels rather than a `ChartBuilder`: a linear chart would be
/// the app's only linear-by-linear one, and its generic axis code alone would add about 5 KB
/// (gzip) to the download; bars on a grid need little of it.
fn draw_day(canvas: web_sys::HtmlCanvasElement, data: &Day) -> Result<(), String> {
    let root = ChartCanvas::new(canvas)?.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    if data.hours.is_empty() {
        return blank(&root);
    }
    let (width, height) = root.dim_in_pixel();
    let (left, right, top, bottom) = (60, width as i32 - 80, 70, height as i32 - 50);
    let most =
        data.hours.iter().map(|h| h.replica_hours.get()).fold(f64::from(data.peak), f64::max);
    // Whole replicas per gridline, about five lines up the axis.
    let step = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0]
        .into_iter()
        .find(|step| most / step <= 5.0)
        .unwrap_or((most / 5.0).ceil());
    let ceiling = ((most * 1.05) / step).ceil().max(1.0) * step;
    let x = |hour: f64| left + (f64::from(right - left) * hour / 24.0) as i32;
    let y = |replicas: f64| bottom - (f64::from(bottom - top) * replicas / ceiling) as i32;
    let ink = palette::ink();
    let font = FontDesc::new(FontFamily::SansSerif, 14.0, FontStyle::Normal).color(&ink);
    let anchored = |h, v| font.pos(Pos::new(h, v));
    let fail = |e: DrawingAreaErrorKind<_>| e.to_string();
    let grid = palette::ink().mix(0.12);
    let mut replicas = 0.0;
    while replicas <= ceiling {
        let at = y(replicas);
        root.draw(&PathElement::new([(left, at), (right, at)], grid)).map_err(fail)?;
        root.draw(&Text::new(
            format::trimmed(replicas),
            (left - 8, at),
            anchored(HPos::Right, VPos::Center),
        ))
        .map_err(fail)?;
        if let Some(usd) = data.usd_per_replica_hour {
            let cost = format::usd(Usd::new(replicas * usd));
            root.draw(&Text::new(cost, (right + 8, at), anchored(HPos::Left, VPos::Center)))
                .map_err(fail)?;
        }
        replicas += step;
    }
    // Every two hours on a desktop; every four or six where the chart is narrow.
    let hours_apart = match right - left {
        span if span >= 480 => 2,
        span if span >= 240 => 4,
        _ => 6,
    };
    for hour in (0..=24).step_by(hours_apart) {
        let at = x(f64::from(hour));
        root.draw(&PathElement::new([(at, top), (at, bottom)], grid)).map_err(fail)?;
        root.draw(&Text::new(
            hour.to_string(),
            (at, bottom + 6),
            anchored(HPos::Center, VPos::Top),
        ))
        .map_err(fail)?;
    }
    let bar = TTFT_COLOR.mix(0.6).filled();
    for h in &data.hours {
        let hour = f64::from(h.hour);
        root.draw(&Rectangle::new(
            [(x(hour + 0.1), y(h.replica_hours.get())), (x(hour + 0.9), bottom)],
            bar,
        ))
        .map_err(fail)?;
    }
    let peak = y(f64::from(data.peak));
    let dashed = MARK_COLOR.stroke_width(2);
    for dash in (left..right).step_by(10) {
        root.draw(&PathElement::new([(dash, peak), ((dash + 6).min(right), peak)], dashed))
            .map_err(fail)?;
    }
    root.draw(&PathElement::new([(left, top), (left, bottom), (right, bottom)], palette::ink()))
        .map_err(fail)?;
    root.draw(&Text::new(
        "hour of the day",
        ((left + right) / 2, bottom + 28),
        anchored(HPos::Center, VPos::Top),
    ))
    .map_err(fail)?;
    root.draw(&Text::new("replicas", (left, top - 10), anchored(HPos::Center, VPos::Bottom)))
        .map_err(fail)?;
    if data.usd_per_replica_hour.is_some() {
        root.draw(&Text::new(
            "USD / hour",
            (right, top - 10),
            anchored(HPos::Center, VPos::Bottom),
        ))
        .map_err(fail)?;
    }
    // The legend, above the plot.
    root.draw(&Rectangle::new([(left, 12), (left + 16, 24)], bar)).map_err(fail)?;
    root.draw(&Text::new(
        "replica-hours, autoscaled (billed in whole instances)",
        (left + 24, 18),
        anchored(HPos::Left, VPos::Center),
    ))
    .map_err(fail)?;
    root.draw(&PathElement::new([(left, 40), (left + 16, 40)], dashed)).map_err(fail)?;
    let label = format!("a static fleet for the peak: {} replicas", data.peak);
    root.draw(&Text::new(label, (left + 24, 40), anchored(HPos::Left, VPos::Center)))
        .map_err(fail)?;
    root.present().map_err(|e| e.to_string())
}

/// Self-hosting's monthly cost at one daily volume (same day shape), in chart units.
#[derive(Debug, Clone, Copy, PartialEq)]
struct VolumeCost {
    pub requests_per_day: f64,
    pub monthly_usd: f64,
}

/// A hosted API: its bill grows in proportion to the volume.
#[derive(Debug, Clone, PartialEq)]
struct ApiLine {
    name: String,
    monthly_usd_per_daily_request: f64,
    break_even: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Volumes {
    self_hosted: Vec<VolumeCost>,
    current: Option<VolumeCost>,
    apis: Vec<ApiLine>,
    /// The monthly cost's range as factors of the estimate, shaded around the self-hosted line
    /// (the same defaults at every volume).
    band: Option<(f64, f64)>,
}

/// The engine's cost-against-volume curve (`ServingReport::cost_vs_volume`) with a line per API.
pub fn draw_api_lines(
    canvas: web_sys::HtmlCanvasElement,
    report: &ServingReport,
) -> Result<(), String> {
    let current = report
        .requests_per_day
        .zip(report.monthly_cost_usd)
        .map(|(v, c)| VolumeCost { requests_per_day: v, monthly_usd: c.get() });
    let data = match current.filter(|c| c.requests_per_day > 0.0) {
        None => Volumes::default(),
        Some(now) => Volumes {
            self_hosted: report
                .cost_vs_volume
                .iter()
                .map(|p| VolumeCost {
                    requests_per_day: p.requests_per_day,
                    monthly_usd: p.monthly_cost_usd.get(),
                })
                .collect(),
            current: Some(now),
            band: report.ranges.and_then(|r| r.monthly_cost_usd).map(|range| {
                (range.low.get() / now.monthly_usd, range.high.get() / now.monthly_usd)
            }),
            apis: report
                .api_comparison
                .iter()
                .map(|a| ApiLine {
                    name: a.name.clone(),
                    monthly_usd_per_daily_request: a.monthly_cost_usd.get() / now.requests_per_day,
                    break_even: a.break_even_requests_per_day.filter(|v| *v > 0.0),
                })
                .collect(),
        },
    };
    draw_apis(canvas, &data)
}

fn draw_apis(canvas: web_sys::HtmlCanvasElement, data: &Volumes) -> Result<(), String> {
    let root = ChartCanvas::new(canvas)?.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    let (Some(first), Some(last)) = (data.self_hosted.first(), data.self_hosted.last()) else {
        return blank(&root);
    };
    let (low, high) = (first.requests_per_day, last.requests_per_day);
    let api_costs =
        data.apis.iter().flat_map(|a| [low, high].map(|v| v * a.monthly_usd_per_daily_request));
    let (below, above) = data.band.unwrap_or((1.0, 1.0));
    let costs = data
        .self_hosted
        .iter()
        .flat_map(|p| [p.monthly_usd * below, p.monthly_usd * above])
        .chain(api_costs);
    let (cheapest, dearest) = costs
        .filter(|c| *c > 0.0)
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), c| (lo.min(c), hi.max(c)));
    if !(cheapest > 0.0 && dearest.is_finite()) {
        return blank(&root);
    }
    let mut legend: Vec<crate::charts::legend::LegendItem> =
        vec![("self-hosted (autoscaled; ring: now)".into(), TTFT_COLOR, Swatch::Line)];
    if data.band.is_some() {
        legend.push(("its range".into(), TTFT_COLOR, Swatch::Square));
    }
    for (api, color) in data.apis.iter().zip(API_COLORS.iter().cycle()) {
        legend.push((
            match api.break_even {
                Some(v) => format!("{} (break-even {}/day)", api.name, format::count(v)),
                None => format!("{} (never cheaper to self-host)", api.name),
            },
            *color,
            Swatch::Line,
        ));
    }
    let plot = crate::charts::legend::legend_above(&root, &legend)?;
    let (cost_low, cost_high) = (cheapest * 0.7, dearest * 1.4);
    let (width, height) = plot.dim_in_pixel();
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .margin_top(4)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(
            log_axis(low, high, room_for(width, 80)),
            log_axis(cost_low, cost_high, room_for(height, 40)),
        )
        .map_err(|e| e.to_string())?;
    palette::themed(&mut chart.configure_mesh())
        .x_desc("requests per day")
        .y_desc("USD per month")
        .x_label_formatter(&|v| format::count_short(*v))
        .y_label_formatter(&|c| format::usd_short(Usd::new(*c)))
        .draw()
        .map_err(|e| e.to_string())?;
    if data.band.is_some() {
        // Along the line at its low, back at its high: one shape under it.
        let outline: Vec<(f64, f64)> = data
            .self_hosted
            .iter()
            .map(|p| (p.requests_per_day, p.monthly_usd * below))
            .chain(
                data.self_hosted.iter().rev().map(|p| (p.requests_per_day, p.monthly_usd * above)),
            )
            .collect();
        chart
            .draw_series(std::iter::once(Polygon::new(outline, TTFT_COLOR.mix(0.15).filled())))
            .map_err(|e| e.to_string())?;
    }
    chart
        .draw_series(LineSeries::new(
            data.self_hosted.iter().map(|p| (p.requests_per_day, p.monthly_usd)),
            TTFT_COLOR.stroke_width(3),
        ))
        .map_err(|e| e.to_string())?;
    if let Some(now) = data.current {
        chart
            .draw_series(std::iter::once(Circle::new(
                (now.requests_per_day, now.monthly_usd),
                7,
                TTFT_COLOR.stroke_width(2),
            )))
            .map_err(|e| e.to_string())?;
    }
    for (api, color) in data.apis.iter().zip(API_COLORS.iter().cycle()) {
        let cost = |v: f64| v * api.monthly_usd_per_daily_request;
        let color = *color;
        chart
            .draw_series(LineSeries::new(
                [(low, cost(low)), (high, cost(high))],
                color.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(api.break_even.map(|v| Circle::new((v, cost(v)), 6, color.filled())))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}
