//! The advisor on the Optimize page: what to change in the app's scenario and what each change
//! saves (the engine's `optimize`), the savings waterfall of the changes the user accepts, the
//! cost-vs-time or cost-vs-latency Pareto front, and the what-ifs with their published quality
//! cost.

use crate::charts::legend::Swatch;
use crate::charts::palette;
use crate::charts::ticks::{log_axis, room_for};
use leptos::prelude::*;
use mlcost::PriceBook;
use mlcost::optimize::{
    Advice, Current, Move, ParetoPoint, Period, Section, Settings, Waterfall, optimize,
};
use plotters::prelude::*;

use crate::charts::canvas::ChartCanvas;
use crate::charts::canvas_chart;
use mlcost::Scenario;
use mlcost::format;
use mlcost::units::Usd;

const SAVING_COLOR: RGBColor = palette::TEAL;
const TOTAL_COLOR: RGBColor = palette::BLUE;
const NOW_COLOR: RGBColor = palette::ORANGE;

fn per(period: Period) -> &'static str {
    match period {
        Period::Run => "the run",
        Period::Month => "a month",
    }
}

fn section_name(section: Section) -> &'static str {
    match section {
        Section::Training => "Training",
        Section::Serving => "Serving",
    }
}

#[component]
pub fn Advisor(scenario: RwSignal<Option<Scenario>>, book: Memo<PriceBook>) -> impl IntoView {
    // Recommendation ids the waterfall combines; every one until the user unticks some.
    let rejected = RwSignal::new(Vec::<Move>::new());
    let loaded = RwSignal::new(None::<String>);
    let advice = Memo::new(move |_| {
        let scenario = scenario.get()?;
        let rejected = rejected.get();
        let settings = Settings {
            accepted: (!rejected.is_empty()).then(|| {
                Move::ALL
                    .into_iter()
                    .filter(|id| !rejected.contains(id))
                    .map(|id| id.as_str().to_owned())
                    .collect()
            }),
            ..Settings::default()
        };
        mlcost_web::mark("mlcost-advisor-start");
        let advice = book.with(|b| optimize(&scenario, b, &settings)).map_err(|e| e.to_string());
        mlcost_web::mark("mlcost-advisor-end");
        // For the performance report: how long a whole search and its re-estimates take here.
        if let Some(performance) = window().performance() {
            let _ = performance.measure_with_start_mark_and_end_mark(
                "mlcost-advisor",
                "mlcost-advisor-start",
                "mlcost-advisor-end",
            );
        }
        Some(advice)
    });
    let body = move || {
        match advice.get() {
        None => view! {
            <p class="hint">"Fill in the Training or Serving page (or open a link): the advisor searches what to change in that scenario."</p>
        }
        .into_any(),
        Some(Err(why)) => view! { <p class="field-error" role="alert">{why}</p> }.into_any(),
        Some(Ok(a)) => advice_view(a, rejected, loaded).into_any(),
    }
    };
    let fronts = Memo::new(move |_| match advice.get() {
        Some(Ok(a)) => (a.pareto_front, a.current),
        _ => (Vec::new(), Vec::new()),
    });
    let falls = Memo::new(move |_| match advice.get() {
        Some(Ok(a)) => a.waterfall.into_iter().filter(|w| !w.steps.is_empty()).collect(),
        _ => Vec::<Waterfall>::new(),
    });
    view! {
        <div class="advisor">
            {body}
            <h3>"Savings waterfall"</h3>
            <p class="hint">"From the scenario as it stands to every recommendation ticked above, each step priced on top of the ones before it."</p>
            {canvas_chart("advisor-waterfall-chart", "Savings waterfall: the current cost, what each accepted change saves, and the cost after all of them", falls, draw_waterfall)}
            <h3>"Pareto front"</h3>
            <p class="hint">"Configurations no other beats on both cost and time (training) or request latency (serving); the orange point is the scenario as it stands."</p>
            {canvas_chart("advisor-pareto-chart", "Pareto front of cost against time or latency", fronts, draw_front)}
            {move || loaded.get().map(|what| view! { <p class="status" role="status">{what}</p> })}
        </div>
    }
}

fn advice_view(
    a: Advice,
    rejected: RwSignal<Vec<Move>>,
    loaded: RwSignal<Option<String>>,
) -> impl IntoView {
    let now = a
        .current
        .iter()
        .map(|c| {
            let time = match (c.wall_clock_hours, c.latency_ms) {
                (Some(h), _) => format!(", {} wall-clock", format::duration(h)),
                (_, Some(ms)) => format!(", {} a request", format::milliseconds(ms.get())),
                _ => String::new(),
            };
            view! { <li>{format!("{}: {} for {}{time}", section_name(c.section), format::usd(c.cost_usd), per(c.per))}</li> }
        })
        .collect_view();
    let recommendations = a
        .recommendations
        .into_iter()
        .map(|r| {
            let id = r.id;
            let checked = move || !rejected.with(|list| list.contains(&id));
            let toggle = {
                move |_| {
                    rejected.update(|list| {
                        if let Some(i) = list.iter().position(|x| *x == id) {
                            list.remove(i);
                        } else {
                            list.push(id);
                        }
                    })
                }
            };
            let scenario = r.scenario.clone();
            let title = r.title.clone();
            let page = if r.section == Section::Training { "training" } else { "serving" };
            let open = move |_| {
                crate::open::open_in_app(&scenario, page);
                loaded.set(Some(format!("Opened on the {page} page: {title}")));
            };
            view! {
                <li class="recommendation" id=format!("rec-{id}")>
                    <h4>{r.title}</h4>
                    <p class="saving">{format!("saves {} for {} ({:.0}%)", format::usd(r.saving_usd), per(r.per), r.saving_percent)}</p>
                    <p><strong>"Trade-off: "</strong>{r.tradeoff}</p>
                    <p><strong>"Why: "</strong>{r.why}</p>
                    <label><input type="checkbox" prop:checked=checked on:change=toggle />" combine in the waterfall"</label>
                    <button type="button" on:click=open>"Open this scenario"</button>
                </li>
            }
        })
        .collect_view();
    let none = a.notes.iter().map(|n| view! { <p class="hint">{n.clone()}</p> }).collect_view();
    view! {
        <ul class="current">{now}</ul>
        <p class="hint" id="advisor-considered" data-configurations=a.candidates_considered.to_string()>{format!("{} configurations weighed; every saving below is the engine's own estimate of the scenario it recommends.", format::whole(a.candidates_considered as f64))}</p>
        <ol class="recommendations">{recommendations}</ol>
        {none}
        {what_ifs(a.what_ifs)}
    }
}

/// A table: header cells, then rows of cells.
fn table(
    id: &'static str,
    caption: &'static str,
    header: &[&'static str],
    rows: Vec<Vec<String>>,
) -> impl IntoView {
    let header = header.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view();
    let rows = rows
        .into_iter()
        .map(|row| view! { <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr> })
        .collect_view();
    view! {
        <div class="scroll">
            <table id=id class="plans"><caption>{caption}</caption><thead><tr>{header}</tr></thead><tbody>{rows}</tbody></table>
        </div>
    }
}

fn change(percent: Option<f64>) -> String {
    percent.map_or(format::MISSING.into(), |p| {
        if p.abs() < 0.5 { "±0%".into() } else { format!("{p:+.0}%") }
    })
}

fn what_ifs(w: mlcost::optimize::WhatIfs) -> impl IntoView {
    let money = |v: Option<Usd>| format::or_missing(v, format::usd);
    let quantization = (!w.quantization.is_empty()).then(|| {
        let rows = w
            .quantization
            .iter()
            .map(|q| {
                vec![
                    format!("{:?}", q.weight_precision).to_uppercase(),
                    format::bytes(q.weights_per_accelerator_bytes),
                    if q.fits_in_memory { "yes".into() } else { "no".into() },
                    format::whole(q.output_tokens_per_second_per_replica),
                    money(q.monthly_cost_usd),
                    change(q.change_percent),
                    q.quality.clone(),
                ]
            })
            .collect();
        table(
            "whatif-quantization",
            "Quantization: the same hardware with weights in each format",
            &[
                "weights",
                "weights per accelerator",
                "fits",
                "tokens/s per replica",
                "a month",
                "change",
                "published quality cost",
            ],
            rows,
        )
    });
    let pruning = (!w.pruning.is_empty()).then(|| {
        let rows = w
            .pruning
            .iter()
            .map(|p| {
                vec![
                    p.kind.clone(),
                    format!("{:.2}×", p.speedup),
                    money(p.monthly_cost_usd),
                    change(p.change_percent),
                    p.note.clone(),
                ]
            })
            .collect();
        table(
            "whatif-pruning",
            "Pruning: speed only where the hardware has sparse tensor cores",
            &["sparsity", "speed-up", "a month", "change", "published figures"],
            rows,
        )
    });
    let distillation = w.distillation.as_ref().map(|d| {
        let payback = d.payback_days.map_or("never: the student saves nothing".into(), |days| format!("{} days", format::whole(days.get())));
        view! {
            <h4>"Distillation into "{d.student.clone()}</h4>
            <p id="whatif-distillation">{format!(
                "One-off {} (the teacher writing {} tokens: {}; training the student: {}); serving then costs {} instead of {} a month, saving {}. Payback: {payback}.",
                format::usd(d.one_off_usd), format::count(d.tokens.get()), format::usd(d.teacher_generation_usd),
                format::usd(d.student_training_usd), format::usd(d.student_monthly_usd),
                format::usd(d.teacher_monthly_usd), format::usd(d.monthly_saving_usd))}</p>
            <p class="hint">{d.quality.clone()}</p>
        }
    });
    let fine_tuning = (!w.fine_tuning.is_empty()).then(|| {
        let rows = w
            .fine_tuning
            .iter()
            .map(|f| {
                vec![
                    f.method.label().to_owned(),
                    format::count(f.trainable_parameters.get()),
                    format::bytes(f.memory_per_accelerator_bytes),
                    if f.fits_in_memory { "yes".into() } else { "no".into() },
                    format::duration(f.wall_clock_hours),
                    format::usd(f.total_cost_usd),
                ]
            })
            .collect();
        table(
            "whatif-finetuning",
            "Fine-tuning: full against LoRA and QLoRA on the training page's hardware",
            &[
                "method",
                "trained parameters",
                "memory per accelerator",
                "fits",
                "wall-clock",
                "cost",
            ],
            rows,
        )
    });
    let batching = (!w.batching.is_empty()).then(|| {
        let rows = w
            .batching
            .iter()
            .map(|b| {
                vec![
                    b.max_batch.to_string(),
                    format::milliseconds(b.ttft_ms.get()),
                    format::milliseconds(b.tpot_ms.get()),
                    format::whole(b.output_tokens_per_second_per_replica),
                    b.replicas_peak.to_string(),
                    format::usd(b.monthly_cost_usd),
                ]
            })
            .collect();
        table(
            "whatif-batching",
            "Continuous batching: the most requests batched at once",
            &[
                "batch",
                "first token",
                "per token",
                "tokens/s per replica",
                "peak replicas",
                "a month",
            ],
            rows,
        )
    });
    let caching = (!w.prefix_cache.is_empty()).then(|| {
        let rows = w
            .prefix_cache
            .iter()
            .map(|c| {
                vec![
                    format::percent(c.hit_rate),
                    format!("{:.2}", c.requests_per_second_per_replica),
                    format::usd(c.monthly_cost_usd),
                ]
            })
            .collect();
        table(
            "whatif-cache",
            "Prefix caching: share of prompt tokens served from the cache",
            &["hit rate", "requests/s per replica", "a month"],
            rows,
        )
    });
    let speculation = (!w.speculative_decoding.is_empty()).then(|| {
        let rows = w
            .speculative_decoding
            .iter()
            .map(|s| {
                vec![
                    format!("{} ({} drafted)", s.draft, s.draft_tokens),
                    format!("{:.2}", s.acceptance_rate.get()),
                    format::milliseconds(s.tpot_ms.get()),
                    format::count(s.output_tokens_per_second_per_replica),
                    format::or_missing(s.monthly_cost_usd, format::usd),
                    format::or_missing(s.change_percent, |c| format!("{c:+.0}%")),
                ]
            })
            .collect();
        table(
            "whatif-speculation",
            "Speculative decoding: prediction heads, or a smaller model of the same vocabulary as the draft, at published acceptance rates (0.65–0.9)",
            &["draft", "acceptance", "time per token", "tokens/s per replica", "a month", "change"],
            rows,
        )
    });
    let split = w.split.map(|s| {
        view! {
            <p id="whatif-split">{format!(
                "Prefill and decode on separate pools, the cheapest found among this provider's offers: {} at the busiest hour, {} accelerator-hours a day against the combined replicas' {} as the scenario runs them (for other hardware for those, see the recommendations): {} against {} a month (like for like, before whole-instance billing).",
                mlcost::serving::split::pools(&s),
                format::whole(s.accelerator_hours_per_day),
                format::whole(s.combined_accelerator_hours_per_day),
                format::or_missing(s.monthly_cost_usd, format::usd),
                format::or_missing(s.combined_monthly_cost_usd, format::usd),
            )}</p>
        }
    });
    let sources =
        w.sources.iter().map(|s| view! { <p class="hint">{s.clone()}</p> }).collect_view();
    view! {
        <h3>"What if…"</h3>
        {quantization}
        {pruning}
        {distillation}
        {fine_tuning}
        {batching}
        {caching}
        {speculation}
        {split}
        {sources}
    }
}

fn draw_waterfall(
    canvas: web_sys::HtmlCanvasElement,
    falls: &Vec<Waterfall>,
) -> Result<(), String> {
    let root = ChartCanvas::new(canvas)?.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    let legend = [
        ("cost".to_owned(), TOTAL_COLOR, Swatch::Block),
        ("saving".to_owned(), SAVING_COLOR, Swatch::Block),
    ];
    let plot = crate::charts::legend::legend_above(&root, &legend)?;
    // A panel per section: a run's dollars and a month's do not add up.
    if !falls.is_empty() {
        for (area, w) in plot.split_evenly((1, falls.len())).iter().zip(falls) {
            draw_one_waterfall(area, w)?;
        }
    }
    root.present().map_err(|e| e.to_string())
}

fn draw_one_waterfall(
    area: &DrawingArea<ChartCanvas, plotters::coord::Shift>,
    w: &Waterfall,
) -> Result<(), String> {
    let bars = w.steps.len() + 2;
    // Each bar's name under it: the cost now, each change, the cost after them.
    let names: Vec<&str> = std::iter::once("now")
        .chain(w.steps.iter().map(|s| s.id.short_name()))
        .chain(std::iter::once("after"))
        .collect();
    let label = |x: &f64| {
        let bar = x.floor();
        let middle = (x - bar - 0.5).abs() < 1e-6;
        names
            .get(bar as usize)
            .filter(|_| middle && bar >= 0.0)
            .map_or_else(String::new, |n| (*n).to_owned())
    };
    let ink = palette::ink();
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(24)
        .y_label_area_size(70)
        .caption(
            format!("{} cost for {}", section_name(w.section), per(w.per)),
            ("sans-serif", 14).into_font().color(&ink),
        )
        // Headroom for the amounts above the bars.
        .build_cartesian_2d(0.0..bars as f64, 0.0..w.start_usd.get() * 1.18)
        .map_err(|e| e.to_string())?;
    palette::themed(&mut chart.configure_mesh())
        .disable_x_mesh()
        .x_labels(2 * bars + 1)
        .x_label_formatter(&label)
        .y_desc("USD")
        .y_label_formatter(&|v| format::usd_short(Usd::new(*v)))
        .draw()
        .map_err(|e| e.to_string())?;
    // Floating bars: the start and end from zero, each saving hanging from the cost before it.
    let mut spans = vec![(0.0, w.start_usd.get(), TOTAL_COLOR)];
    let mut level = w.start_usd.get();
    for step in &w.steps {
        spans.push((level - step.saving_usd.get(), level, SAVING_COLOR));
        level -= step.saving_usd.get();
    }
    spans.push((0.0, w.end_usd.get(), TOTAL_COLOR));
    chart
        .draw_series(spans.iter().enumerate().map(|(i, (low, high, color))| {
            Rectangle::new([(i as f64 + 0.15, *low), (i as f64 + 0.85, *high)], color.filled())
        }))
        .map_err(|e| e.to_string())?;
    // Each bar's amount centred above it.
    let style =
        ("sans-serif", 11).into_font().color(&ink).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Bottom,
        ));
    let amounts = std::iter::once(format::usd(w.start_usd))
        .chain(w.steps.iter().map(|s| format!("−{}", format::usd(s.saving_usd))))
        .chain(std::iter::once(format::usd(w.end_usd)));
    chart
        .draw_series(amounts.zip(&spans).enumerate().map(|(i, (text, (_, high, _)))| {
            Text::new(text, (i as f64 + 0.5, high + w.start_usd.get() * 0.02), style.clone())
        }))
        .map_err(|e| e.to_string())?;
    Ok(())
}

type Front = (Vec<ParetoPoint>, Vec<Current>);

fn draw_front(canvas: web_sys::HtmlCanvasElement, (front, current): &Front) -> Result<(), String> {
    let root = ChartCanvas::new(canvas)?.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    // Serving's front when there is one (the page's usual question), else training's.
    let section = if front.iter().any(|p| p.section == Section::Serving) {
        Section::Serving
    } else {
        Section::Training
    };
    let points: Vec<(f64, f64)> = front
        .iter()
        .filter(|p| p.section == section)
        .filter_map(|p| p.time().map(|t| (t, p.cost_usd.get())))
        .filter(|(t, c)| *t > 0.0 && *c > 0.0)
        .collect();
    if points.is_empty() {
        return root.present().map_err(|e| e.to_string());
    }
    let now = current
        .iter()
        .find(|c| c.section == section)
        .and_then(|c| c.time().map(|t| (t, c.cost_usd.get())))
        .filter(|(t, c)| *t > 0.0 && *c > 0.0);
    let all = || points.iter().chain(now.iter());
    let (t_low, t_high) =
        all().fold((f64::INFINITY, 0.0f64), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
    let (c_low, c_high) =
        all().fold((f64::INFINITY, 0.0f64), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    let x_desc =
        if section == Section::Serving { "request latency, ms" } else { "wall-clock, hours" };
    let legend = [
        ("Pareto front".to_owned(), TOTAL_COLOR, Swatch::Line),
        ("now".to_owned(), NOW_COLOR, Swatch::Block),
    ];
    let plot = crate::charts::legend::legend_above(&root, &legend)?;
    let (t_low, t_high, c_low, c_high) = (t_low * 0.8, t_high * 1.25, c_low * 0.8, c_high * 1.25);
    let (width, height) = plot.dim_in_pixel();
    let (across, up) = (room_for(width, 90), room_for(height, 40));
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .margin_top(4)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(log_axis(t_low, t_high, across), log_axis(c_low, c_high, up))
        .map_err(|e| e.to_string())?;
    palette::themed(&mut chart.configure_mesh())
        .x_desc(x_desc)
        .x_label_formatter(&|v| format::trimmed(*v))
        .y_desc(if section == Section::Serving { "USD a month" } else { "USD for the run" })
        .y_label_formatter(&|v| format::usd_short(Usd::new(*v)))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(LineSeries::new(points.iter().copied(), TOTAL_COLOR.stroke_width(2)))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(points.iter().map(|p| Circle::new(*p, 4, TOTAL_COLOR.filled())))
        .map_err(|e| e.to_string())?;
    if let Some(now) = now {
        chart
            .draw_series(std::iter::once(Circle::new(now, 6, NOW_COLOR.filled())))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}
