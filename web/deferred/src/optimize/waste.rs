//! The utilisation panel: GPU monitoring data (nvidia-smi or DCGM CSV) through the engine's importer
//! and analyser: idle and underused hours and what they cost, memory headroom, right-sizing
//! recommendations, and charts of utilisation over time and its distribution.
//!
//! A file that cannot be read is reported and the data already open stays; bad rows are listed by
//! line and the rest is kept. Two samples ship inside the app, so trying it needs no file.

use leptos::prelude::*;
use mlcost::units::{Bytes, Hours, UsdPerHour};
use mlcost::utilization::{
    self, HISTOGRAM_BUCKETS, IDLE_THRESHOLD_PERCENT, Monitoring, Settings,
    TARGET_UTILIZATION_PERCENT, UNDERUSE_THRESHOLD_PERCENT, Usage, UtilizationReport,
};
use mlcost::{Error, Plan, PriceBook, Problem};
use plotters::prelude::*;

use super::fields::{
    Fallback, PALETTE, accelerator_select, chart, cheapest, errors_of, last_good, number_field,
    number_or, owned_check,
};
use crate::charts::canvas::ChartCanvas;
use crate::charts::legend::{LegendItem, Swatch, legend_above, legend_beside_or_above};
use crate::charts::palette;
use mlcost::format;

/// The shipped samples (docs/samples, written by its generate.py): button id, label, file name,
/// text, and the accelerator when the file does not name it (the generator's stated hardware).
const SAMPLES: [(&str, &str, &str, &str, Option<&str>); 2] = [
    (
        "sample-nvidia-smi",
        "Sample: 8×H100, one day (nvidia-smi)",
        "nvidia-smi-8xh100-day.csv",
        include_str!("../../../../docs/samples/nvidia-smi-8xh100-day.csv"),
        None,
    ),
    (
        "sample-dcgm",
        "Sample: 4×A100 80GB, one week (DCGM)",
        "dcgm-4xa100-week.csv",
        include_str!("../../../../docs/samples/dcgm-4xa100-week.csv"),
        Some("a100-sxm-80gb"),
    ),
];

/// Thresholds the engine applies when a field is empty: field, label, value, why.
const THRESHOLDS: [(&str, &str, f64, &str); 3] = [
    (
        "settings.idle_threshold_percent",
        "Idle below (%)",
        IDLE_THRESHOLD_PERCENT,
        "an estimate: an accelerator holding a model but serving nothing still shows a few percent",
    ),
    (
        "settings.underuse_threshold_percent",
        "Underused below (%)",
        UNDERUSE_THRESHOLD_PERCENT,
        "an estimate: under 30% the same work fits on a third of the hardware",
    ),
    (
        "settings.target_utilization_percent",
        "Consolidate to (%)",
        TARGET_UTILIZATION_PERCENT,
        "an estimate: 70% leaves headroom for bursts and queueing",
    ),
];

/// The open file.
#[derive(Debug, Clone)]
struct Loaded {
    name: String,
    monitoring: Monitoring,
}

/// The book's accelerator whose name shares the file's model token ("H100", "A100") and the most
/// other words with the file's name; the first in the book on a tie. The engine has no such
/// lookup, and this only picks the select's initial choice, which the user can change.
fn guess_accelerator(book: &PriceBook, file_name: &str) -> Option<String> {
    let words = |name: &str| -> Vec<String> {
        name.split(|c: char| !c.is_ascii_alphanumeric())
            .map(str::to_ascii_uppercase)
            .filter(|w| {
                !w.is_empty() && !["NVIDIA", "TENSOR", "CORE", "GPU", "PER"].contains(&w.as_str())
            })
            .collect()
    };
    let model = |w: &String| w.chars().any(|c| c.is_ascii_digit()) && !w.ends_with("GB");
    let wanted = words(file_name);
    let mut best: Option<(usize, &str)> = None;
    for accelerator in &book.accelerators {
        let theirs = words(&accelerator.name);
        let shared: Vec<&String> = wanted.iter().filter(|w| theirs.contains(w)).collect();
        if shared.iter().any(|w| model(w)) && best.is_none_or(|(score, _)| shared.len() > score) {
            best = Some((shared.len(), &accelerator.id));
        }
    }
    best.map(|(_, id)| id.to_owned())
}

/// What the user gave the panel: it lives as long as the app, so switching pages loses nothing.
#[derive(Debug, Clone, Copy)]
pub struct WasteInputs {
    loaded: RwSignal<Option<Loaded>>,
    problem: RwSignal<Option<String>>,
    accelerator: RwSignal<String>,
    price: RwSignal<String>,
    alternative: RwSignal<String>,
    thresholds: [RwSignal<String>; 3],
    /// Priced as the scenario's owned servers (its `owned` section) instead of a price.
    on_owned: RwSignal<bool>,
}

impl WasteInputs {
    pub fn new() -> Self {
        let text = || RwSignal::new(String::new());
        Self {
            loaded: RwSignal::new(None),
            problem: RwSignal::new(None),
            accelerator: text(),
            price: text(),
            alternative: text(),
            thresholds: [text(), text(), text()],
            on_owned: RwSignal::new(false),
        }
    }
}

#[component]
pub fn WastePanel(
    book: Memo<PriceBook>,
    inputs: WasteInputs,
    scenario: RwSignal<Option<mlcost::Scenario>>,
) -> impl IntoView {
    let WasteInputs { loaded, problem, accelerator, price, alternative, thresholds, on_owned } =
        inputs;
    // The scenario's owned section, when it has one: the servers the monitoring data may be from.
    let owned_section = Memo::new(move |_| scenario.with(|s| s.as_ref()?.owned.clone()));

    let open = move |name: String, text: &str, stated: Option<&str>| match utilization::import(text)
    {
        Ok(monitoring) => {
            let named = monitoring.names.values().next().cloned();
            let guess = stated
                .map(str::to_owned)
                .or_else(|| named.and_then(|n| book.with_untracked(|b| guess_accelerator(b, &n))));
            if let Some(id) = guess {
                accelerator.set(id);
            }
            loaded.set(Some(Loaded { name, monitoring }));
            problem.set(None);
        }
        Err(error) => {
            let kept = loaded.with_untracked(|l| {
                l.as_ref().map_or_else(String::new, |l| format!(" {} is still open.", l.name))
            });
            problem.set(Some(format!("{name} was not opened: {error}.{kept}")));
        }
    };
    let pick_file = move |ev: leptos::ev::Event| {
        mlcost_web::dom::read_picked_file(&ev, move |name, text| match text {
            Some(text) => open(name, &text, None),
            None => problem.set(Some(format!("{name} could not be read as text."))),
        });
    };

    // What an empty price falls back to: the chosen accelerator's cheapest on-demand price.
    let price_default = Signal::derive(move || {
        accelerator.with(|id| book.with(|b| cheapest(b, id, Plan::OnDemand)))
    });
    let chosen = move || {
        accelerator.with(|id| book.with(|b| b.accelerators.iter().find(|a| a.id == *id).cloned()))
    };
    // Settings from the fields: `Ok(None)` while there is no price at all.
    let settings = Memo::new(move |_| -> Result<Option<Settings>, Vec<Error>> {
        let mut errors = Vec::new();
        let mut read = |field: &str, text: String, fallback: Option<&Fallback>| {
            number_or(field, &text, fallback).unwrap_or_else(|e| {
                errors.push(e);
                None
            })
        };
        let fallback = price_default.get();
        let price = read("settings.price_per_accelerator_hour", price.get(), fallback.as_ref());
        // On the owned servers the price is theirs at the measured utilisation (any placeholder
        // here is replaced).
        let price = price.or(on_owned.get().then_some(1.0));
        let alternative =
            read("settings.alternative_price_per_accelerator_hour", alternative.get(), None);
        let [idle, underuse, target] = [0, 1, 2].map(|i| {
            let (field, _, default, _) = THRESHOLDS[i];
            read(field, thresholds[i].get(), None).unwrap_or(default)
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        let card = chosen();
        Ok(price.map(|price| Settings {
            alternative_price_per_accelerator_hour: alternative.map(UsdPerHour::new),
            idle_threshold_percent: idle,
            underuse_threshold_percent: underuse,
            target_utilization_percent: target,
            // Used only where the file does not say (DCGM without names or free memory).
            memory_total: card.as_ref().map(|c| c.memory_bytes),
            accelerator_name: card.map(|c| c.name),
            ..Settings::new(UsdPerHour::new(price))
        }))
    });
    let result = Memo::new(move |_| {
        loaded.with(|l| {
            let l = l.as_ref()?;
            Some(match settings.get() {
                Ok(Some(settings)) => match owned_section.get().filter(|_| on_owned.get()) {
                    Some(section) => book
                        .with(|b| utilization::analyze_owned(&l.monitoring, &settings, &section, b))
                        .map_err(|e| vec![e]),
                    None => utilization::analyze(&l.monitoring, &settings).map_err(|e| vec![e]),
                },
                Ok(None) => Err(vec![Error::new(
                    "settings.price_per_accelerator_hour",
                    Problem::Malformed(
                        "type a price, or choose the accelerator to use its cheapest on-demand price".into(),
                    ),
                )]),
                Err(errors) => Err(errors),
            })
        })
    });
    let shown = last_good(result);
    let analysis_errors = errors_of(result);
    let errors = Signal::derive(move || match settings.get() {
        Err(errors) => errors,
        Ok(_) => analysis_errors.get(),
    });
    // Facts about the open file the report does not carry.
    let file_facts = Memo::new(move |_| {
        loaded.with(|l| {
            l.as_ref().map(|l| {
                let m = &l.monitoring;
                let unnamed = m.names.is_empty();
                let no_totals = m.samples.iter().any(|s| s.memory_total.is_none());
                let bad: Vec<String> =
                    m.bad_rows.iter().take(50).map(ToString::to_string).collect();
                (l.name.clone(), unnamed, no_totals, bad, m.bad_rows.len())
            })
        })
    });

    let samples = SAMPLES
        .iter()
        .map(|&(id, label, name, text, stated)| {
            view! { <button type="button" id=id on:click=move |_| open(name.to_owned(), text, stated)>{label}</button> }
        })
        .collect_view();
    let threshold_fields = THRESHOLDS
        .iter()
        .zip(thresholds)
        .map(|(&(id, label, value, why), text)| {
            let fallback = Signal::derive(move || {
                Some(Fallback {
                    value,
                    note: format!("default: {value}%, {why}"),
                    source: why.to_owned(),
                })
            });
            number_field(id, label, text, fallback, errors)
        })
        .collect_view();
    let defaults_used = move || {
        let (_, unnamed, no_totals, ..) = file_facts.get()?;
        let card = chosen()?;
        let mut used = Vec::new();
        if unnamed {
            used.push(format!(
                "the file does not name its accelerators: {} as chosen above",
                card.name
            ));
        }
        if no_totals {
            used.push(format!(
                "the file does not give memory totals: {} from the hardware table ({}, as of {})",
                format::bytes(card.memory_bytes),
                card.source,
                card.as_of
            ));
        }
        (!used.is_empty()).then(|| {
            view! { <ul class="notes">{used.into_iter().map(|u| view! { <li>{u}</li> }).collect_view()}</ul> }
        })
    };
    view! {
        <div class="panel-body">
            <div class="panel-inputs">
                <p class="hint">"An nvidia-smi CSV ("<code>"--query-gpu=timestamp,index,name,utilization.gpu,memory.used,memory.total --format=csv"</code>") or a DCGM export ("<code>"timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED"</code>"). It stays in the browser."</p>
                <label for="utilization.file">"Monitoring file (CSV)"</label>
                <input id="utilization.file" type="file" accept=".csv,text/csv,text/plain" on:change=pick_file />
                <div class="samples" role="group" aria-label="Sample files">{samples}</div>
                {move || problem.get().map(|p| view! { <p class="field-error" id="waste-problem" role="alert">{p}</p> })}
                {accelerator_select("utilization.accelerator", "Accelerator (prices an empty price field)", "not named: choose one", accelerator, book)}
                {owned_check("utilization.owned", "These are the owned servers (Own or rent above): price every hour as owning them costs at the measured utilisation", on_owned, owned_section)}
                <div class:hidden=move || on_owned.get() && owned_section.with(Option::is_some)>
                    {number_field("settings.price_per_accelerator_hour", "Price per accelerator-hour (USD)", price, price_default, errors)}
                </div>
                {number_field("settings.alternative_price_per_accelerator_hour", "Price of a smaller card per hour (USD, optional)", alternative, Signal::derive(|| None), errors)}
                <p class="hint">"Leave it empty and the smaller-card move has no dollar figure."</p>
                {threshold_fields}
            </div>
            <div class="outputs">
                {move || match (file_facts.get(), shown.get()) {
                    (None, _) => view! {
                        <p class="hint" id="waste-empty">"Open a monitoring file, or one of the samples, to see where its accelerator time went."</p>
                    }.into_any(),
                    (Some(_), None) => ().into_any(),
                    (Some((name, _, _, bad, skipped)), Some(report)) => results(name, bad, skipped, report).into_any(),
                }}
                {move || result.with(|r| matches!(r, Some(Err(_)))).then(|| {
                    let why = if shown.with(Option::is_some) { ": the figures shown are from the last valid settings" } else { " to see the figures" };
                    view! { <p class="stale">"Fix the fields on the left"{why}"."</p> }
                })}
                {defaults_used}
                <div class:hidden=move || shown.with(Option::is_none)>
                    {chart("waste-time-chart", "Utilisation over time, one line per accelerator", Memo::new(move |_| shown.with(|r| r.as_ref().map(series))), draw_series)}
                    {chart("waste-histogram", "Accelerator-hours by utilisation, in 10% buckets", Memo::new(move |_| shown.with(|r| r.as_ref().map(histogram))), draw_histogram)}
                </div>
            </div>
        </div>
    }
}

fn results(name: String, bad: Vec<String>, skipped: usize, r: UtilizationReport) -> impl IntoView {
    let price = r.settings.price_per_accelerator_hour.get();
    let memory = |m: &utilization::MemoryUse| {
        let total = format::or_missing(m.total, format::bytes);
        let headroom = format::or_missing(m.p95_headroom, format::bytes);
        [format!("{} / {total}", format::bytes(m.peak_used)), headroom]
    };
    let cells = |usage: &Usage, peak: String, memory: [String; 2]| {
        [
            format::grouped(usage.covered_hours.get()),
            format!("{:.1}%", usage.mean_utilization_percent),
            peak,
            format::grouped(usage.idle_hours.get()),
            format::usd(usage.idle_cost),
            format::grouped(usage.underused_hours.get()),
            format::usd(usage.underused_cost),
            format::usd(usage.unused_capacity_cost),
        ]
        .into_iter()
        .chain(memory)
        .map(|cell| view! { <td class="num">{cell}</td> })
        .collect_view()
    };
    let rows = r
        .accelerators
        .iter()
        .map(|a| {
            let label = format!("GPU {}", a.gpu);
            let peak = format!("{:.0}%", a.p95_utilization_percent);
            view! { <tr><th scope="row">{label}</th>{cells(&a.usage, peak, memory(&a.memory))}</tr> }
        })
        .collect_view();
    let total_memory = [
        format::bytes(Bytes::new(r.accelerators.iter().map(|a| a.memory.peak_used.get()).sum())),
        r.accelerators
            .iter()
            .map(|a| a.memory.p95_headroom.map(Bytes::get))
            .sum::<Option<f64>>()
            .map_or(format::MISSING.to_owned(), |b| format::bytes(Bytes::new(b))),
    ];
    let recommendations = r
        .recommendations
        .iter()
        .map(|rec| {
            let saving = rec.monthly_saving_usd.map_or_else(
                || {
                    "no dollar figure: it needs the smaller card's price (field on the left)"
                        .to_owned()
                },
                |s| format!("saves {} a month", format::usd(s)),
            );
            view! {
                <li><strong>{rec.title.clone()}</strong>" — "<span class="saving">{saving}</span>
                <p class="reasoning">{rec.reasoning.clone()}</p></li>
            }
        })
        .collect_view();
    let span = (r.last_time_seconds - r.first_time_seconds) / 3600.0;
    let mut models: Vec<&str> = r.accelerators.iter().filter_map(|a| a.name.as_deref()).collect();
    models.dedup();
    let models =
        if models.is_empty() { String::new() } else { format!(" ({})", models.join(", ")) };
    let summary = format!(
        "{name}: {} accelerators{models} over {} ({} samples) at ${price}/accelerator-hour. Idle {} h ({}); underused {} h ({}); the work needs {} of {} accelerators.",
        r.accelerators.len(),
        format::duration(Hours::new(span)),
        format::whole(r.total.samples as f64),
        format::whole(r.total.idle_hours.get()),
        format::usd(r.total.idle_cost),
        format::whole(r.total.underused_hours.get()),
        format::usd(r.total.underused_cost),
        r.load.accelerators_needed,
        r.load.accelerators,
    );
    let more = skipped.saturating_sub(bad.len());
    view! {
        <p id="waste-summary">{summary}</p>
        {(skipped > 0).then(|| view! {
            <details id="waste-bad-rows" class="notes" open>
                <summary>{format!("{skipped} rows skipped; the other rows were kept")}</summary>
                <ul>{bad.into_iter().map(|b| view! { <li>{b}</li> }).collect_view()}</ul>
                {(more > 0).then(|| view! { <p>{format!("… and {more} more")}</p> })}
            </details>
        })}
        <div class="scroll">
            <table id="waste-table" class="plans">
                <caption>"Per accelerator and in total. Idle and underused hours are below the thresholds on the left; unused capacity is every hour's unused share, priced."</caption>
                <thead><tr>
                    {["Accelerator", "Hours", "Mean use", "p95 use", "Idle h", "Idle cost", "Underused h", "Underused cost", "Unused capacity", "Peak memory / total", "p95 memory headroom"]
                        .map(|h| view! { <th scope="col">{h}</th> })}
                </tr></thead>
                <tbody>{rows}</tbody>
                <tfoot><tr id="waste-total"><th scope="row">"Total"</th>{cells(&r.total, format::MISSING.to_owned(), total_memory)}</tr></tfoot>
            </table>
        </div>
        <h3>"Recommendations"</h3>
        {if r.recommendations.is_empty() {
            view! { <p id="waste-no-recommendations" class="hint">"Nothing to right-size at these thresholds."</p> }.into_any()
        } else {
            view! { <ol id="waste-recommendations">{recommendations}</ol> }.into_any()
        }}
        {mlcost_web::pages::results::notes(&r.notes)}
    }
}

/// Utilisation over time: hours since the first sample, one line per accelerator.
#[derive(Debug, Clone, PartialEq)]
struct Series {
    start: String,
    lines: Vec<(u32, Vec<(f64, f64)>)>,
    hours: f64,
}

fn series(r: &UtilizationReport) -> Series {
    let start = r.first_time_seconds;
    Series {
        start: clock(start),
        lines: r
            .accelerators
            .iter()
            .map(|a| {
                let points = a
                    .series
                    .iter()
                    .map(|p| ((p.time_seconds - start) / 3600.0, p.utilization_percent));
                (a.gpu, points.collect())
            })
            .collect(),
        hours: ((r.last_time_seconds - start) / 3600.0).max(1.0),
    }
}

/// Seconds since 1970 on the file's clock as `YYYY-MM-DD HH:MM` (the engine's civil calendar).
fn clock(seconds: f64) -> String {
    let minutes = (seconds / 60.0).floor() as i64;
    let (year, month, day) = mlcost::utilization::civil_from_days(minutes.div_euclid(1440));
    let minute = minutes.rem_euclid(1440);
    format!("{year}-{month:02}-{day:02} {:02}:{:02}", minute / 60, minute % 60)
}

fn draw_series(canvas: web_sys::HtmlCanvasElement, data: &Option<Series>) -> Result<(), String> {
    let root = ChartCanvas::new(canvas)?.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    let Some(data) = data else { return root.present().map_err(|e| e.to_string()) };
    let legend: Vec<LegendItem> = data
        .lines
        .iter()
        .enumerate()
        .map(|(i, (gpu, _))| (format!("GPU {gpu}"), PALETTE[i % PALETTE.len()], Swatch::Line))
        .collect();
    let plot = legend_beside_or_above(&root, &legend, (5, 6))?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0.0..data.hours, 0.0..100.0)
        .map_err(|e| e.to_string())?;
    palette::themed(&mut chart.configure_mesh())
        .x_desc(format!("hours since {}", data.start))
        .y_desc("utilisation, %")
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, (_, points)) in data.lines.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(1)))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}

/// Accelerator-hours per 10% bucket, the underuse threshold that colours them, and the idle
/// threshold and hours the legend states (idle time is within the first bucket).
#[derive(Debug, Clone, PartialEq)]
struct Histogram {
    hours: [f64; HISTOGRAM_BUCKETS],
    idle: f64,
    idle_hours: f64,
    underuse: f64,
}

fn histogram(r: &UtilizationReport) -> Histogram {
    Histogram {
        hours: r.total.histogram_hours.map(|h| h.get()),
        idle: r.settings.idle_threshold_percent,
        idle_hours: r.total.idle_hours.get(),
        underuse: r.settings.underuse_threshold_percent,
    }
}

fn draw_histogram(
    canvas: web_sys::HtmlCanvasElement,
    data: &Option<Histogram>,
) -> Result<(), String> {
    let root = ChartCanvas::new(canvas)?.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    let Some(data) = data else { return root.present().map_err(|e| e.to_string()) };
    let top = data.hours.iter().copied().fold(1.0, f64::max) * 1.1;
    let legend: Vec<LegendItem> = vec![
        (
            format!(
                "below {}% (of which idle, below {}%: {} h)",
                data.underuse,
                data.idle,
                format::whole(data.idle_hours)
            ),
            PALETTE[1],
            Swatch::Block,
        ),
        ("the rest".to_owned(), PALETTE[0], Swatch::Block),
    ];
    let plot = legend_above(&root, &legend)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..100.0, 0.0..top)
        .map_err(|e| e.to_string())?;
    palette::themed(&mut chart.configure_mesh())
        .disable_x_mesh()
        .x_labels(11)
        .x_desc("utilisation, %")
        .y_desc("accelerator-hours")
        .draw()
        .map_err(|e| e.to_string())?;
    let width = 100.0 / HISTOGRAM_BUCKETS as f64;
    let bars = data.hours.iter().enumerate().map(|(i, hours)| {
        let left = i as f64 * width;
        // Buckets wholly below the underuse threshold are underused time.
        let color = if left + width <= data.underuse { PALETTE[1] } else { PALETTE[0] };
        Rectangle::new([(left + 0.5, 0.0), (left + width - 0.5, *hours)], color.filled())
    });
    chart.draw_series(bars).map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_reads_the_civil_date() {
        assert_eq!(clock(0.0), "1970-01-01 00:00");
        assert_eq!(clock(1_714_521_600.0 + 3_660.0), "2024-05-01 01:01");
    }

    #[test]
    fn file_names_pick_the_book_accelerator() {
        let book = PriceBook::bundled().expect("bundled book");
        let guess = |name: &str| guess_accelerator(book, name);
        assert_eq!(guess("NVIDIA H100 80GB HBM3").as_deref(), Some("h100-sxm"));
        assert_eq!(guess("NVIDIA A100-SXM4-80GB").as_deref(), Some("a100-sxm-80gb"));
        assert_eq!(guess("NVIDIA L4").as_deref(), Some("l4"));
        assert_eq!(guess("Some 80GB card"), None);
    }

    #[test]
    fn the_samples_import_without_bad_rows() {
        for (.., text, _) in SAMPLES {
            let monitoring = utilization::import(text).expect("sample imports");
            assert!(monitoring.bad_rows.is_empty());
        }
    }
}
