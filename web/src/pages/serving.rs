//! The serving page: a model on a replica of accelerators, a day of traffic and a price, and what
//! comes out — memory per accelerator, latency against batch, replicas hour by hour, the monthly
//! bill under every plan, and hosted APIs priced for the same tokens with their break-even volume.
//! The form is `form::Form`'s table of scenario fields, as on the training page.

use leptos::prelude::*;
use mlcost::ServingReport;
use mlcost::serving::Mix;
use mlcost::serving::percentile::NOT_SIMULATED;
use mlcost::{Error, PriceBook, Report};

use crate::charts::{self, PageChart};
use crate::forms::{Form, ScenarioForm};
use crate::handoff::PageExtras;
use crate::pages::example::example_label;
use crate::pages::results::{self, Cell, KeyNumber, MemoryPart, Row};
use mlcost::format;
use mlcost::units::{Bytes, Usd};

/// A scenario and its serving report.
type Estimate = (mlcost::Scenario, ServingReport);

#[component]
pub fn ServingPage(
    book: Memo<PriceBook>,
    form: Form,
    owned: RwSignal<Option<serde_json::Value>>,
) -> impl IntoView {
    // Filled once the page's charts are drawn (below); read first by the estimate, for the sizing
    // by percentile targets that the second module simulated for this very scenario.
    let extras = RwSignal::new(PageExtras::default());
    let outcome = Memo::new_with_compare(
        move |_| -> Result<Estimate, Vec<Error>> {
            let scenario = mlcost::Scenario { owned: owned.get(), ..form.scenario()? };
            let terms = results::owned_handed(&scenario)?;
            let sizing = has_percentile_targets(&scenario)
                .then(|| {
                    let json = scenario.to_value().to_string();
                    extras.with(|e| e.sizing.clone().filter(|_| e.scenario.as_ref() == Some(&json)))
                })
                .flatten();
            let options = mlcost::Options::FIGURES;
            let handed = mlcost::Handed { sizing: sizing.as_ref(), owned: terms.as_ref() };
            let report = book
                .with(|b| mlcost::estimate_handed(&scenario, b, options, handed))
                .map_err(|e| vec![e])?;
            match report {
                Report { serving: Some(serving), .. } => Ok((scenario, serving)),
                _ => Err(vec![Error::new("serving.accelerator", mlcost::Problem::Missing)]),
            }
        },
        results::always_changed,
    );
    // The last estimate that worked stays on screen while the user fixes a field.
    let last_good = Memo::new_with_compare(
        move |previous: Option<&Option<Estimate>>| match outcome.get() {
            Ok(good) => Some(good),
            Err(_) => previous.cloned().flatten(),
        },
        results::always_changed,
    );
    let errors = Signal::derive(move || outcome.get().err().unwrap_or_default());
    let defaults = Signal::derive(move || {
        last_good.with(|good| good.as_ref().map(|(_, r)| r.assumptions.clone()).unwrap_or_default())
    });
    // What the charts draw: the last valid scenario as JSON, written once per change for all of
    // them, which redraw when it or the prices change (not on every stale-state flip).
    let drawn = Memo::new(move |_| {
        last_good.with(|g| g.as_ref().map(|(scenario, _)| scenario.to_value().to_string()))
    });
    let report = Signal::derive(move || last_good.get().map(|(_, r)| r));
    // Whether the form holds its example, read once per change for the label and the fields.
    let on_example = Memo::new(move |_| form.is_example());
    results::fill_page_extras("serving", drawn, book, extras);
    let extras = Signal::from(extras);
    // The simulation takes up to a few hundred milliseconds: it follows the scenario once typing
    // pauses, not every keystroke.
    let settled = results::settled(drawn);

    view! {
        <main class="estimate">
            <ScenarioForm form=form book=book errors=errors defaults=defaults
                heading="Serving scenario" on_example=on_example
                uses="This page prices the scenario's model and its serving part. The model is the one on the Training page too; the training part is not used here."
                advanced_summary="Advanced: parallelism, KV cache, percentile targets, speculative decoding, split prefill and decode, efficiency, autoscaling, commitments, hourly traffic">
                {example_label(form, on_example)}
            </ScenarioForm>
            <div class="outputs">
                <section class="results" aria-label="Serving estimate" aria-live="polite">
                    <h2>"Estimate"</h2>
                    {results::advice_hint("serving", drawn)}
                    {move || match last_good.get() {
                        Some((_, r)) => view! {
                            {serving_results(r, outcome.with(Result::is_err), form, extras)}
                        }.into_any(),
                        None => view! { <p>"Fill in the scenario to see what serving it costs."</p> }.into_any(),
                    }}
                </section>
                <section class="chart" aria-label="Latency against batch size">
                    <h2>"Latency against batch size (one replica)"</h2>
                    {charts::page_chart(PageChart::Latency, drawn, book)}
                    <p class="hint">"Faint lines: the targets. The grey line marks the largest batch meeting both."</p>
                </section>
                <section class="chart" aria-label="Latency at the load">
                    <h2>"Latency at the load (one replica, simulated)"</h2>
                    {charts::page_chart(PageChart::LoadLatency, settled, book)}
                    {results::latency_panel(settled)}
                </section>
                <section class="chart" aria-label="Replicas over the day">
                    <h2>"Replicas hour by hour"</h2>
                    {charts::page_chart(PageChart::Day, drawn, book)}
                </section>
                <section class="chart" aria-label="Self-hosting against hosted APIs">
                    <h2>"Self-hosted against hosted APIs"</h2>
                    {move || report.with(|r| r.as_ref().map(api_table))}
                    {charts::page_chart(PageChart::Apis, drawn, book)}
                    <p class="hint">"Both axes logarithmic. The ring is today's volume; dots mark where self-hosting becomes cheaper."</p>
                </section>
                <section class="chart" aria-label="What moves the cost">
                    <h2>"What moves the cost"</h2>
                    {charts::page_chart(PageChart::ServingSensitivity, drawn, book)}
                    <p class="hint">"Each bar: the monthly cost (without a load, a replica's throughput) with one input at its low and high, a default at the ends of its published cases, a value you gave ±20%. Shaded: the estimate's range."</p>
                    <ol id="serving-sensitivity">
                        {move || extras.with(|u| u.swings.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view())}
                    </ol>
                </section>
            </div>
        </main>
    }
}

/// Whether the scenario's SLO has a percentile target, which the second module's simulation sizes.
fn has_percentile_targets(scenario: &mlcost::Scenario) -> bool {
    scenario.serving.as_ref().is_some_and(|s| s.slo.has_percentiles())
}

fn money(value: Option<Usd>) -> String {
    format::or_missing(value, format::usd)
}

fn plural(count: u32, noun: &str) -> String {
    let plural = if count == 1 { "" } else { "s" };
    format!("{} {noun}{plural}", format::whole(f64::from(count)))
}

fn serving_results(
    report: ServingReport,
    stale: bool,
    form: Form,
    extras: Signal<PageExtras>,
) -> impl IntoView {
    let priced = report.price_per_accelerator_hour.map_or_else(
        || format::MISSING.to_owned(),
        |price| {
            let offer = report.offer.as_ref().map_or_else(
                || " (typed)".to_owned(),
                |o| format!(" ({}, {}, {})", o.id, o.plan.as_str(), o.region),
            );
            format!("${:.3}{offer}", price.get())
        },
    );
    let fits = if report.fits_in_memory {
        format!(
            "yes: {} full-length sequences at once",
            format::whole(f64::from(report.max_concurrent_sequences))
        )
    } else {
        "no".to_owned()
    };
    let rows = vec![
        KeyNumber::new(
            "serving-monthly-cost",
            "Monthly cost (autoscaled)",
            money(report.monthly_cost_usd),
        ),
        KeyNumber::new(
            "serving-static-cost",
            "Monthly cost, peak replicas all day",
            money(report.static_peak_monthly_cost_usd),
        ),
        KeyNumber::new(
            "serving-cost-per-million-output",
            "Per million generated tokens",
            money(report.cost_per_million_output_tokens_usd),
        ),
        KeyNumber::new(
            "serving-cost-per-million-input",
            "Per million prompt tokens",
            money(report.cost_per_million_input_tokens_usd),
        ),
        KeyNumber::new(
            "serving-cost-per-thousand-requests",
            "Per thousand requests",
            money(report.cost_per_thousand_requests_usd),
        ),
        KeyNumber::new(
            "serving-replicas-peak",
            "Replicas at the peak",
            format::or_missing(report.replicas_peak, |n| {
                format!("{n} × {}", plural(report.accelerators_per_replica, "accelerator"))
            }),
        ),
        KeyNumber::new(
            "serving-replica-hours",
            "Replica-hours a day",
            format::or_missing(report.replica_hours_per_day, |h| format!("{:.1}", h.get())),
        ),
        KeyNumber::new(
            "serving-utilization",
            "Utilisation",
            format::or_missing(report.utilization, format::percent),
        ),
        KeyNumber::new(
            "serving-energy",
            "Energy a month",
            format::or_missing(report.energy_kwh_per_month, format::energy),
        ),
        KeyNumber::new(
            "serving-carbon",
            "Carbon a month",
            format::or_missing(report.carbon_kg_co2e_per_month, format::carbon),
        ),
        KeyNumber::new(
            "serving-ttft",
            "Time to first token",
            match &report.at_peak {
                Some(peak) if peak.batch < 1.0 => format!(
                    "{} at the peak hour (each request alone, typical)",
                    format::milliseconds(report.ttft_ms.get())
                ),
                Some(peak) => format!(
                    "{} at the peak hour (batch {}, typical, no queueing)",
                    format::milliseconds(report.ttft_ms.get()),
                    format::whole(peak.batch)
                ),
                None => format!(
                    "{} at batch {}",
                    format::milliseconds(report.ttft_ms.get()),
                    format::whole(f64::from(report.batch_at_slo.max(1)))
                ),
            },
        ),
        KeyNumber::new(
            "serving-tpot",
            "Time per output token",
            format::milliseconds(report.tpot_ms.get()),
        ),
        KeyNumber::new(
            "serving-throughput",
            "Per replica at the target",
            format!(
                "{:.2} requests/s, {} tokens/s",
                report.requests_per_second_per_replica_at_slo,
                format::count(report.output_tokens_per_second_per_replica_at_slo)
            ),
        ),
        KeyNumber::new("serving-fits", "Fits in memory", fits),
        KeyNumber::new("serving-price", "Price per accelerator-hour", priced),
    ];
    // The first render cannot simulate: its estimate says so until the second module's sizing
    // arrives, which the page shows as a wait, not as a fault of the scenario.
    let unsized_by_percentiles = report.notes.iter().any(|n| n == NOT_SIMULATED);
    let notes: Vec<String> = report.notes.iter().filter(|n| *n != NOT_SIMULATED).cloned().collect();
    let memory = report.memory;
    let held = [
        memory.weights_bytes.get(),
        memory.kv_cache_bytes.get(),
        memory.runtime_reserve_bytes.get(),
    ];
    let capacity = memory.capacity_bytes.get();
    let part = |class, name, bytes| MemoryPart { class, name, bytes };
    let parts = vec![
        part("weights", "weights", Bytes::new(held[0])),
        part("kv-cache", "KV cache", Bytes::new(held[1])),
        part("reserve", "runtime reserve", Bytes::new(held[2])),
        // Weights that do not fit leave nothing free: the bar then spans what was asked for.
        part("free", "free", Bytes::new((capacity - held.iter().sum::<f64>()).max(0.0))),
    ];
    let plans = report
        .by_plan
        .iter()
        .map(|(plan, cost)| Row {
            header: plan.clone(),
            title: None,
            cells: vec![
                Cell::text(cost.region.clone().unwrap_or_default()),
                Cell::number(format!("{:.3}", cost.price_per_accelerator_hour.get())),
                Cell::text(if cost.committed { "peak, all day" } else { "as scaled" }),
                Cell::number(format::usd(cost.monthly_cost_usd)),
            ],
        })
        .collect();
    let mix = |m: &Mix| {
        format!(
            "{} on {} with {} above: {} a month",
            plural(m.committed_replicas, "replica"),
            m.committed_plan,
            m.burst_plan,
            format::usd(m.monthly_cost_usd)
        )
    };
    view! {
        {results::stale_notice(stale)}
        {unsized_by_percentiles.then(|| view! {
            <p class="stale" id="serving-percentiles-pending">"Checking the percentile targets by simulation… Until it finishes, the replicas are sized by the other targets."</p>
        })}
        {results::key_numbers(rows, Some(extras))}
        {results::memory_bar("serving-memory-bar",
            format!("Memory per accelerator, of {}", format::bytes(memory.capacity_bytes)), parts)}
        {(!report.by_plan.is_empty()).then(|| results::table(
            "serving-plans",
            "The same day under each plan; committed plans pay for the peak every hour",
            &["Plan", "Region", "$/acc-h", "Billed", "Monthly"],
            plans,
        ))}
        {report.mix.as_ref().map(|m| view! { <p id="serving-mix">"Your committed baseline: "{mix(m)}</p> })}
        {report.best_mix.as_ref().map(|m| view! {
            <p class="recommendation" id="serving-best-mix">"Cheapest commitment: "{mix(m)}</p>
        })}
        {results::assumptions(&report.assumptions, Some(form))}
        {move || {
            // The engine's notes, then the split's the module adds.
            let mut all = notes.clone();
            extras.with(|e| all.extend(e.notes.iter().cloned()));
            results::notes(&all)
        }}
    }
}

/// Each hosted API's monthly bill for the same tokens, against self-hosting.
fn api_table(report: &ServingReport) -> impl IntoView + use<> {
    if report.api_comparison.is_empty() {
        return view! { <p class="hint">"Tick hosted APIs in the scenario to compare them."</p> }
            .into_any();
    }
    let rows = report
        .api_comparison
        .iter()
        .map(|api| Row {
            header: api.name.clone(),
            title: Some(format!("{} (as of {})", api.source, api.as_of)),
            cells: vec![
                Cell::number(format::usd(api.monthly_cost_usd)),
                Cell::number(format::usd(api.self_hosted_minus_api_usd)),
                Cell::number(match api.break_even_requests_per_day {
                    None => "never".to_owned(),
                    Some(v) if v <= 0.0 => "any volume".to_owned(),
                    Some(v) => format::count(v),
                }),
            ],
        })
        .collect();
    view! {
        <p class="hint">{format!(
            "Self-hosted: {} a month. Break-even: the requests a day (same shape) above which self-hosting costs less.",
            money(report.monthly_cost_usd)
        )}</p>
        {results::table("serving-apis", "Hosted APIs for the same tokens; hover a name for its price's source",
            &["API", "Monthly", "Self-hosted − API", "Break-even req/day"], rows)}
    }
    .into_any()
}
