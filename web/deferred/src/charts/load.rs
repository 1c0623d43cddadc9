//! Latency against load on one replica, simulated: the median and 99th percentile of the time to
//! first token and per output token from a trickle to the replica's capacity, the targets, and
//! the peak hour's load. The study it draws, the peak hour and ten loads simulated once per
//! scenario and price sheet, is the latency panel's too (`crate::latency`).

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::window;
use mlcost::format;
use mlcost::serving::latency::{self, LoadPoint};
use mlcost::serving::report::Latency;
use mlcost::units::Milliseconds;
use plotters::prelude::*;

use crate::charts::canvas::ChartCanvas;
use crate::charts::estimate_once;
use crate::charts::legend::{LegendItem, Swatch, legend_above};
use crate::charts::palette;
use crate::charts::ticks::{log_axis, room_for};

const TTFT_COLOR: RGBColor = palette::BLUE;
const TPOT_COLOR: RGBColor = palette::ORANGE;
const MARK_COLOR: RGBColor = palette::GREY;

/// A latency target as the chart draws it: its words and milliseconds.
pub type Target = (&'static str, f64);

/// What the panel and its chart show of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    pub points: Vec<LoadPoint>,
    pub peak: Option<Latency>,
    /// The first token's targets and the output token's, each with its words.
    pub ttft_targets: Vec<Target>,
    pub tpot_targets: Vec<Target>,
    /// Milliseconds the peak hour's simulation took here.
    pub peak_ms: f64,
}

/// A scenario's JSON and the price sheet's text, and the study they make.
type Studied = ((String, String), Rc<Result<Study, String>>);

thread_local! {
    static LAST_STUDY: RefCell<Option<Studied>> = const { RefCell::new(None) };
}

/// The study of the scenario in `json` at the user's prices: from the last call's when they are
/// the same.
pub fn study_once(json: &str) -> Rc<Result<Study, String>> {
    mlcost_web::header::price_sheet::with_book_now(|book, sheet| {
        let seen = LAST_STUDY.with_borrow(|last| {
            last.as_ref()
                .filter(|((j, s), _)| j == json && s == sheet)
                .map(|(_, study)| Rc::clone(study))
        });
        if let Some(study) = seen {
            return study;
        }
        let study = Rc::new(study(json, sheet, book));
        LAST_STUDY.with_borrow_mut(|last| {
            *last = Some(((json.to_owned(), sheet.to_owned()), Rc::clone(&study)));
        });
        study
    })
}

fn now() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

fn study(json: &str, sheet: &str, book: &mlcost::PriceBook) -> Result<Study, String> {
    let estimated = estimate_once((json, sheet), book)?;
    let (scenario, report) = &*estimated;
    let report = report.as_ref().map_err(Clone::clone)?;
    let serving = report.serving.as_ref().ok_or("the scenario serves nothing")?;
    mlcost_web::mark("mlcost-latency-start");
    let started = now();
    let peak = latency::peak_hour(scenario, book, serving).map_err(|e| e.to_string())?;
    let peak_ms = now() - started;
    let points = latency::against_load(scenario, book, serving).map_err(|e| e.to_string())?;
    mlcost_web::mark("mlcost-latency-end");
    // For the performance report: the whole study's time here.
    if let Some(performance) = window().performance() {
        let _ = performance.measure_with_start_mark_and_end_mark(
            "mlcost-latency",
            "mlcost-latency-start",
            "mlcost-latency-end",
        );
    }
    let slo = scenario.serving.as_ref().map(|s| s.slo).unwrap_or_default();
    let given = |targets: [(&'static str, Option<Milliseconds>); 4]| -> Vec<Target> {
        targets.into_iter().filter_map(|(what, ms)| Some((what, ms?.get()))).collect()
    };
    Ok(Study {
        points,
        peak,
        ttft_targets: given([
            ("target", slo.ttft_ms),
            ("p50 target", slo.ttft_p50_ms),
            ("p90 target", slo.ttft_p90_ms),
            ("p99 target", slo.ttft_p99_ms),
        ]),
        tpot_targets: given([
            ("target", slo.tpot_ms),
            ("p50 target", slo.tpot_p50_ms),
            ("p90 target", slo.tpot_p90_ms),
            ("p99 target", slo.tpot_p99_ms),
        ]),
        peak_ms,
    })
}

type Metric = fn(&LoadPoint) -> f64;

/// The chart's least height in pixels: at a phone's width its legend takes about 100 of them.
const LEAST_HEIGHT: u32 = 360;

/// The four curves: each latency's median (solid) and 99th percentile (faint), in its colour.
const CURVES: [(&str, RGBColor, f64, Metric); 4] = [
    ("first token p50", TTFT_COLOR, 1.0, |p| p.ttft_ms.p50),
    ("first token p99", TTFT_COLOR, 0.45, |p| p.ttft_ms.p99),
    ("output token p50", TPOT_COLOR, 1.0, |p| p.tpot_ms.p50),
    ("output token p99", TPOT_COLOR, 0.45, |p| p.tpot_ms.p99),
];

pub fn draw_load_latency(canvas: web_sys::HtmlCanvasElement, study: &Study) -> Result<(), String> {
    // Up to nine legend entries, five rows on a phone: room for them and the curves below.
    let root = ChartCanvas::at_least(canvas, LEAST_HEIGHT)?.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    let Some(highest) = study.points.last().map(|p| p.requests_per_second) else {
        root.present().map_err(|e| e.to_string())?;
        return Err("the replica serves no load to simulate".into());
    };
    let targets = study.ttft_targets.iter().chain(&study.tpot_targets).map(|(_, ms)| *ms);
    let curves = study.points.iter().flat_map(|p| CURVES.map(|(.., metric)| metric(p)));
    let (low, high) = curves
        .chain(targets)
        .filter(|ms| *ms > 0.0 && ms.is_finite())
        .fold((f64::INFINITY, 0.0f64), |(lo, hi), ms| (lo.min(ms), hi.max(ms)));
    if !(low > 0.0 && high.is_finite()) {
        root.present().map_err(|e| e.to_string())?;
        return Err("the simulation measured no latency".into());
    }
    let peak = study.peak.map(|p| p.requests_per_second);
    let x_high = highest.max(peak.unwrap_or(0.0)) * 1.05;
    let mut legend: Vec<LegendItem> = CURVES
        .iter()
        .map(|(name, color, alpha, _)| ((*name).to_owned(), faded(*color, *alpha), Swatch::Line))
        .collect();
    for (targets, what, color) in [
        (&study.ttft_targets, "first token", TTFT_COLOR),
        (&study.tpot_targets, "output token", TPOT_COLOR),
    ] {
        for (name, ms) in targets.iter() {
            let words = format!("{what} {name}: {}", format::milliseconds(*ms));
            legend.push((words, faded(color, 0.7), Swatch::Line));
        }
    }
    if let Some(rate) = peak {
        let words = format!("the peak hour: {} requests/s per replica", format::trimmed(rate));
        legend.push((words, MARK_COLOR, Swatch::Line));
    }
    let plot = legend_above(&root, &legend)?;
    let (ms_low, ms_high) = (low * 0.7, high * 1.4);
    let (width, height) = plot.dim_in_pixel();
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .margin_top(4)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..x_high, log_axis(ms_low, ms_high, room_for(height, 40)))
        .map_err(|e| e.to_string())?;
    palette::themed(&mut chart.configure_mesh())
        .x_labels(room_for(width, 70))
        .x_desc("requests/s arriving at one replica")
        .y_desc("milliseconds")
        .x_label_formatter(&|r| format::trimmed(*r))
        .y_label_formatter(&|ms| format::trimmed(*ms))
        .draw()
        .map_err(|e| e.to_string())?;
    for (_, color, alpha, metric) in CURVES {
        let points: Vec<(f64, f64)> = study
            .points
            .iter()
            .map(|p| (p.requests_per_second, metric(p)))
            .filter(|(_, ms)| *ms > 0.0)
            .collect();
        let color = faded(color, alpha);
        chart
            .draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(2)))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, 3, color.filled())))
            .map_err(|e| e.to_string())?;
    }
    // Each target across the chart, dashed, in its latency's colour.
    let lines = [(&study.ttft_targets, TTFT_COLOR), (&study.tpot_targets, TPOT_COLOR)];
    for (targets, color) in lines {
        for (_, ms) in targets.iter() {
            let style = faded(color, 0.7).stroke_width(1);
            chart
                .draw_series(DashedLineSeries::new([(0.0, *ms), (x_high, *ms)], 6, 4, style))
                .map_err(|e| e.to_string())?;
        }
    }
    if let Some(rate) = peak {
        chart
            .draw_series(LineSeries::new(
                [(rate, ms_low), (rate, ms_high)],
                MARK_COLOR.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}

/// `color` toward the paper by `alpha` (1: as is), as a solid colour the legend can show.
fn faded(color: RGBColor, alpha: f64) -> RGBColor {
    let paper = palette::paper();
    let mix = |c: u8, p: u8| (f64::from(c) * alpha + f64::from(p) * (1.0 - alpha)).round() as u8;
    RGBColor(mix(color.0, paper.0), mix(color.1, paper.1), mix(color.2, paper.2))
}
