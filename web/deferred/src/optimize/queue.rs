//! The scheduling panel: a queue of jobs on a cluster the user owns or has committed to, through the
//! engine's scheduler. It shows when each job runs and on which accelerators (a Gantt chart), the
//! makespan, utilisation and deadline misses, what owning costs against renting the same work on
//! demand or on spot, and the cluster size that costs least while meeting every deadline.

use leptos::prelude::*;
use mlcost::schedule::{
    self, Cluster, ClusterSizing, DEFAULT_SPOT_OVERHEAD, Job, QueueOrder, ScheduleInput,
    ScheduleReport,
};
use mlcost::units::UsdPerHour;
use mlcost::{Error, Plan, PriceBook, Problem};
use plotters::prelude::*;

use super::fields::{
    Fallback, PALETTE, accelerator_select, chart, cheapest, error_for, errors_of, last_good,
    number_field, number_or, owned_check,
};
use crate::charts::canvas::ChartCanvas;
use crate::charts::legend::{LegendItem, Swatch, legend_beside_or_above};
use crate::charts::palette;
use mlcost::format;

/// The example queue: a week of a small lab's work on 64 H100s (name, accelerators, hours,
/// earliest start, deadline; hours from the start of the week). An example to edit, not data.
const EXAMPLE: [(&str, &str, &str, &str, &str); 8] = [
    ("pretrain-8b", "32", "96", "0", "144"),
    ("sft-chat", "16", "18", "0", "48"),
    ("dpo", "16", "12", "24", "72"),
    ("eval-suite", "8", "4", "12", ""),
    ("ablation-lr", "16", "30", "0", ""),
    ("ablation-data", "16", "30", "0", ""),
    ("batch-embed", "8", "20", "48", "96"),
    ("distill-1b", "32", "40", "72", "168"),
];
const EXAMPLE_ACCELERATOR: &str = "h100-sxm";
const EXAMPLE_CLUSTER: &str = "64";

/// The job table's columns: the field's name in the engine's input, and its header.
const COLUMNS: [(&str, &str); 5] = [
    ("name", "Name"),
    ("accelerators", "Accelerators"),
    ("hours", "Hours"),
    ("earliest_start_hours", "Earliest start (h)"),
    ("deadline_hours", "Deadline (h, optional)"),
];

/// One row of the job table, as typed.
type JobRow = [RwSignal<String>; 5];

fn row(values: [&str; 5]) -> JobRow {
    values.map(|v| RwSignal::new(v.to_owned()))
}

/// A count: a whole number from 0 up (the engine says where 0 is not allowed).
fn whole(field: &str, text: &str) -> Result<u32, Error> {
    let value = number_or(field, text, None)?.unwrap_or(0.0);
    if value.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&value) {
        Ok(value as u32)
    } else {
        Err(Error::new(field, Problem::Malformed(format!("\"{text}\" is not a whole number"))))
    }
}

/// What the user gave the panel: it lives as long as the app, so switching pages loses nothing.
#[derive(Debug, Clone, Copy)]
pub struct QueueInputs {
    accelerator: RwSignal<String>,
    count: RwSignal<String>,
    /// Owned, on-demand and spot prices, and the spot overhead.
    prices: [RwSignal<String>; 4],
    order: RwSignal<String>,
    rows: RwSignal<Vec<JobRow>>,
    /// The cluster priced as the scenario's owned servers (its `owned` section).
    on_owned: RwSignal<bool>,
}

impl QueueInputs {
    pub fn new() -> Self {
        Self {
            accelerator: RwSignal::new(EXAMPLE_ACCELERATOR.to_owned()),
            count: RwSignal::new(EXAMPLE_CLUSTER.to_owned()),
            prices: [(); 4].map(|_| RwSignal::new(String::new())),
            order: RwSignal::new("edf".to_owned()),
            rows: RwSignal::new(EXAMPLE.map(|(a, b, c, d, e)| row([a, b, c, d, e])).to_vec()),
            on_owned: RwSignal::new(false),
        }
    }
}

#[component]
pub fn QueuePanel(
    book: Memo<PriceBook>,
    inputs: QueueInputs,
    scenario: RwSignal<Option<mlcost::Scenario>>,
) -> impl IntoView {
    let QueueInputs { accelerator, count, prices, order, rows, on_owned } = inputs;
    // The scenario's owned section, when it has one: the servers the queue may run on.
    let owned_section = Memo::new(move |_| scenario.with(|s| s.as_ref()?.owned.clone()));
    let on_the_owned = move || on_owned.get() && owned_section.with(Option::is_some);
    let [owned, on_demand, spot, overhead] = prices;

    let fallback = move |plans: &'static [Plan]| {
        Signal::derive(move || {
            accelerator
                .with(|id| book.with(|b| plans.iter().find_map(|plan| cheapest(b, id, *plan))))
        })
    };
    // Owning: a 3-year commitment's effective hourly price (1-year where there is none).
    let owned_default = fallback(&[Plan::Reserved3y, Plan::Reserved1y]);
    let on_demand_default = fallback(&[Plan::OnDemand]);
    let spot_default = fallback(&[Plan::Spot]);
    let overhead_default = Signal::derive(|| {
        Some(Fallback {
            value: DEFAULT_SPOT_OVERHEAD.value * 100.0,
            note: format!(
                "default: {}%, the engine's estimate of time lost to preemptions (redone work, restarts, waiting for capacity)",
                DEFAULT_SPOT_OVERHEAD.value * 100.0
            ),
            source: DEFAULT_SPOT_OVERHEAD.source.to_owned(),
        })
    });

    let input = Memo::new(move |_| -> Result<ScheduleInput, Vec<Error>> {
        let mut errors = Vec::new();
        let mut keep = |result: Result<Option<f64>, Error>| {
            result.unwrap_or_else(|e| {
                errors.push(e);
                None
            })
        };
        let price = |field: &str, text: RwSignal<String>, fallback: Signal<Option<Fallback>>| {
            number_or(field, &text.get(), fallback.get().as_ref())
        };
        // On the owned servers the price is theirs at the schedule's utilisation (any
        // placeholder here is replaced).
        let owned = match on_the_owned() {
            true => Some(1.0),
            false => keep(price("cluster.price_per_accelerator_hour", owned, owned_default)),
        };
        let on_demand =
            keep(price("on_demand_price_per_accelerator_hour", on_demand, on_demand_default));
        let spot = keep(price("spot_price_per_accelerator_hour", spot, spot_default));
        let overhead = keep(number_or("spot_overhead", &overhead.get(), None)).map(|p| p / 100.0);
        let accelerators = whole("cluster.accelerators", &count.get());
        let jobs: Vec<Result<Job, Error>> = rows.with(|rows| {
            rows.iter()
                .enumerate()
                .map(|(i, [name, accelerators, hours, start, deadline])| {
                    let field = |column: &str| format!("jobs[{i}].{column}");
                    Ok(Job {
                        name: name.get(),
                        accelerators: whole(&field("accelerators"), &accelerators.get())?,
                        hours: number_or(&field("hours"), &hours.get(), None)?.unwrap_or(0.0),
                        earliest_start_hours: number_or(
                            &field("earliest_start_hours"),
                            &start.get(),
                            None,
                        )?
                        .unwrap_or(0.0),
                        deadline_hours: number_or(&field("deadline_hours"), &deadline.get(), None)?,
                        priority: None,
                    })
                })
                .collect()
        });
        let jobs: Vec<Job> =
            jobs.into_iter().filter_map(|j| j.map_err(|e| errors.push(e)).ok()).collect();
        let accelerators = accelerators.map_err(|e| errors.push(e)).ok();
        let missing = |field: &str| {
            Error::new(
                field,
                Problem::Malformed(
                    "type a price: the price book has none for this accelerator".into(),
                ),
            )
        };
        match (accelerators, owned, on_demand) {
            (Some(accelerators), Some(owned), Some(on_demand)) if errors.is_empty() => {
                Ok(ScheduleInput {
                    cluster: Cluster {
                        accelerators,
                        price_per_accelerator_hour: UsdPerHour::new(owned),
                    },
                    on_demand_price_per_accelerator_hour: UsdPerHour::new(on_demand),
                    spot_price_per_accelerator_hour: spot.map(UsdPerHour::new),
                    spot_overhead: overhead,
                    order: if order.get() == "fifo" { QueueOrder::Fifo } else { QueueOrder::Edf },
                    jobs,
                })
            }
            (_, owned, on_demand) => {
                if errors.is_empty() && owned.is_none() {
                    errors.push(missing("cluster.price_per_accelerator_hour"));
                }
                if errors.is_empty() && on_demand.is_none() {
                    errors.push(missing("on_demand_price_per_accelerator_hour"));
                }
                Err(errors)
            }
        }
    });
    let result = Memo::new(move |_| {
        Some(input.get().and_then(|input| {
            let (report, input) = match owned_section.get().filter(|_| on_the_owned()) {
                Some(section) => book
                    .with(|b| schedule::schedule_owned(&input, &section, b))
                    .map_err(|e| vec![e])?,
                None => (schedule::schedule(&input).map_err(|e| vec![e])?, input),
            };
            let sizing = schedule::best_cluster_size(&input, None).map_err(|e| vec![e])?;
            Ok((report, sizing))
        }))
    });
    let shown = last_good(result);
    let errors = errors_of(result);

    let job_rows = move || {
        rows.get()
            .into_iter()
            .enumerate()
            .map(|(i, signals)| {
                let cells = COLUMNS
                    .iter()
                    .zip(signals)
                    .map(|(&(column, header), value)| {
                        let id = format!("jobs[{i}].{column}");
                        let label = format!("Job {} {}", i + 1, header.to_lowercase());
                        view! {
                            <td>
                                <label for=id.clone() class="sr-only">{label}</label>
                                <input id=id type="text" autocomplete="off" prop:value=move || value.get()
                                    on:input=move |ev| value.set(event_target_value(&ev)) />
                            </td>
                        }
                    })
                    .collect_view();
                let problem = move || {
                    errors.with(|errors| {
                        let prefix = format!("jobs[{i}].");
                        errors.iter().find(|e| e.field.starts_with(&prefix)).map(ToString::to_string)
                    })
                };
                view! {
                    <tr>
                        {cells}
                        <td>
                            <button type="button" class="remove" on:click=move |_| rows.update(|r| { if i < r.len() { r.remove(i); } })>
                                "Remove"<span class="sr-only">{format!(" job {}", i + 1)}</span>
                            </button>
                            {move || problem().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let add = move |_| {
        rows.update(|r| {
            let n = r.len() + 1;
            r.push(row([&format!("job-{n}"), "8", "10", "0", ""]));
        })
    };
    let orders = [("edf", "Earliest deadline first"), ("fifo", "First come, first served")]
        .map(|(v, l)| view! { <option value=v selected=v == order.get_untracked()>{l}</option> });
    view! {
        <div class="panel-body">
            <div class="panel-inputs">
                <p class="hint">"An example: a week of a small lab's jobs on 64 H100s. Edit the cluster and the queue."</p>
                {accelerator_select("queue.accelerator", "Accelerator (prices the empty price fields)", "none: type the prices", accelerator, book)}
                <label for="cluster.accelerators">"Accelerators in the cluster"</label>
                <input id="cluster.accelerators" type="text" inputmode="numeric" autocomplete="off"
                    prop:value=move || count.get() on:input=move |ev| count.set(event_target_value(&ev)) />
                {move || errors.with(|e| error_for(e, "cluster.accelerators")).map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                {owned_check("queue.owned", "The cluster is the owned servers (Own or rent above): price it as owning them costs at the schedule's utilisation", on_owned, owned_section)}
                <div class:hidden=on_the_owned>
                    {number_field("cluster.price_per_accelerator_hour", "Owned or committed price per accelerator-hour (USD)", owned, owned_default, errors)}
                </div>
                {number_field("on_demand_price_per_accelerator_hour", "On-demand price per accelerator-hour (USD)", on_demand, on_demand_default, errors)}
                {number_field("spot_price_per_accelerator_hour", "Spot price per accelerator-hour (USD)", spot, spot_default, errors)}
                {number_field("spot_overhead", "Spot run-time overhead (%)", overhead, overhead_default, errors)}
                <label for="queue.order">"Queue order"</label>
                <select id="queue.order" prop:value=move || order.get() on:change=move |ev| order.set(event_target_value(&ev))>{orders}</select>
            </div>
            <div class="outputs">
                <div class="scroll">
                    <table id="queue-jobs" class="jobs">
                        <caption>"The job queue (hours from the start of the schedule). An example until you edit it."</caption>
                        <thead><tr>{COLUMNS.map(|(_, h)| view! { <th scope="col">{h}</th> })}<th scope="col">""</th></tr></thead>
                        <tbody>{job_rows}</tbody>
                    </table>
                </div>
                <button type="button" id="queue-add" class="add" on:click=add>"Add a job"</button>
                {move || errors.with(|e| error_for(e, "jobs")).map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                {move || result.with(|r| matches!(r, Some(Err(_)))).then(|| view! {
                    <p class="stale">"Fix the highlighted fields: the results shown are from the last valid queue."</p>
                })}
                {move || shown.get().map(|(report, sizing)| results(&report, &sizing))}
                {chart("queue-gantt", "Gantt chart: each job as a bar on the accelerators it runs on, over time", Memo::new(move |_| shown.with(|s| s.as_ref().map(|(r, _)| gantt(r)))), draw_gantt)}
            </div>
        </div>
    }
}

fn names(list: &[String]) -> String {
    if list.is_empty() {
        "none".to_owned()
    } else {
        format!("{} ({})", list.len(), list.join(", "))
    }
}

fn results(r: &ScheduleReport, sizing: &ClusterSizing) -> impl IntoView + use<> {
    let best = sizing.best.and_then(|best| sizing.sizes.iter().find(|s| s.accelerators == best));
    let best = best.map_or_else(
        || format!("none: {}", sizing.why),
        |s| {
            format!(
                "{} accelerators: {} over {} — {}",
                s.accelerators,
                format::usd(s.cluster_cost_usd),
                format::duration(s.makespan_hours),
                sizing.why
            )
        },
    );
    let mut figures = vec![
        ("queue-makespan", "Makespan (last job ends)", format::duration(r.makespan_hours)),
        ("queue-utilization", "Cluster utilisation", format::percent(r.utilization)),
        ("queue-misses", "Deadline misses", names(&r.deadline_misses)),
        ("queue-unschedulable", "Too large for the cluster", names(&r.unschedulable)),
        (
            "queue-cluster-cost",
            "Owning: the cluster for the makespan",
            format::usd(r.cluster_cost_usd),
        ),
        ("queue-on-demand-cost", "Every job on demand", format::usd(r.on_demand_cost_usd)),
        (
            "queue-spot-cost",
            "Every job on spot",
            r.spot_cost_usd.map_or("no spot price".to_owned(), |c| {
                format!("{} ({:.0}% longer runs)", format::usd(c), r.spot_overhead * 100.0)
            }),
        ),
        ("queue-best-size", "Cheapest cluster meeting every deadline", best),
    ];
    if r.unschedulable_on_demand_cost_usd.get() > 0.0 {
        figures.insert(
            5,
            (
                "queue-overflow-cost",
                "…plus the jobs too large for it, on demand",
                format::usd(r.unschedulable_on_demand_cost_usd),
            ),
        );
    }
    let jobs = r
        .jobs
        .iter()
        .map(|job| {
            let (start, end, wait) = job.placement.as_ref().map_or(
                ("not run".into(), format::MISSING.into(), format::MISSING.into()),
                |p| {
                    let h = |v: f64| format!("{v:.1}");
                    (h(p.start_hours.get()), h(p.end_hours.get()), h(p.wait_hours.get()))
                },
            );
            let deadline = format::or_missing(job.deadline_hours, |d| format!("{:.1}", d.get()));
            let met = match job.met_deadline {
                Some(true) => "met",
                Some(false) => "missed",
                None => format::MISSING,
            };
            view! {
                <tr class:missed=job.met_deadline == Some(false)>
                    <th scope="row">{job.name.clone()}</th>
                    {[job.accelerators.to_string(), start, end, wait, deadline, met.to_owned()]
                        .map(|c| view! { <td class="num">{c}</td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table id="queue-figures" class="figures">
            <tbody>
                {figures.into_iter().map(|(id, label, value)| view! {
                    <tr><th scope="row">{label}</th><td id=id>{value}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
        <div class="scroll">
            <table id="queue-placements" class="plans">
                <caption>"Where the scheduler put each job (hours from the start)."</caption>
                <thead><tr>{["Job", "Accelerators", "Start", "End", "Waited", "Deadline", "Deadline met"].map(|h| view! { <th scope="col">{h}</th> })}</tr></thead>
                <tbody>{jobs}</tbody>
            </table>
        </div>
        {mlcost_web::pages::results::assumptions(&r.assumptions, None)}
        {mlcost_web::pages::results::notes(&r.notes)}
    }
}

/// A placed job's bar: its name, start, end and lane ranges (first, count).
type Bar = (String, f64, f64, Vec<(u32, u32)>);

/// The chart's data: the cluster, the makespan and the bars.
#[derive(Debug, Clone, PartialEq)]
struct Gantt {
    accelerators: u32,
    makespan: f64,
    bars: Vec<Bar>,
}

fn gantt(r: &ScheduleReport) -> Gantt {
    Gantt {
        accelerators: r.accelerators,
        makespan: r.makespan_hours.get(),
        bars: r
            .jobs
            .iter()
            .filter_map(|job| {
                let p = job.placement.as_ref()?;
                let lanes = p.lanes.iter().map(|l| (l.first, l.count)).collect();
                Some((job.name.clone(), p.start_hours.get(), p.end_hours.get(), lanes))
            })
            .collect(),
    }
}

fn draw_gantt(canvas: web_sys::HtmlCanvasElement, data: &Option<Gantt>) -> Result<(), String> {
    let root = ChartCanvas::new(canvas)?.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    let Some(data) = data.as_ref().filter(|d| d.makespan > 0.0) else {
        return root.present().map_err(|e| e.to_string());
    };
    // As many names as a legend holds (about 20): beside the chart on a wide screen, above it on
    // a narrow one, where a side panel would leave no room for either.
    let legend: Vec<LegendItem> = data
        .bars
        .iter()
        .take(20)
        .enumerate()
        .map(|(i, (name, ..))| (name.clone(), PALETTE[i % PALETTE.len()], Swatch::Block))
        .collect();
    let plot = legend_beside_or_above(&root, &legend, (4, 5))?;
    let lanes = f64::from(data.accelerators.max(1));
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0.0..data.makespan * 1.02, 0.0..lanes)
        .map_err(|e| e.to_string())?;
    palette::themed(&mut chart.configure_mesh())
        .disable_y_mesh()
        .x_desc("hours from the start")
        .y_desc("accelerator")
        .y_label_formatter(&|y| format::whole(*y))
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, (_, start, end, ranges)) in data.bars.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let bars = ranges.iter().map(|&(first, count)| {
            let (low, high) = (f64::from(first), f64::from(first) + f64::from(count));
            Rectangle::new([(*start, low), (*end, high)], color.filled())
        });
        chart.draw_series(bars).map_err(|e| e.to_string())?;
        // White edges keep neighbouring bars of one colour apart.
        let edges = ranges.iter().map(|&(first, count)| {
            let (low, high) = (f64::from(first), f64::from(first) + f64::from(count));
            Rectangle::new([(*start, low), (*end, high)], palette::paper().stroke_width(1))
        });
        chart.draw_series(edges).map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}
