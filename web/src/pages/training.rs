//! The training page: every scenario input (advanced ones folded), the estimate with its memory
//! breakdown and plan comparison, cost and time against accelerator count, and the cost-vs-time
//! Pareto front across offers. The form is `form::Form`'s table of scenario fields.

use leptos::prelude::*;
use mlcost::{Error, PriceBook, Report, Scenario, TrainingReport};

use crate::charts::{self, PageChart};
use crate::forms::{Form, Published, ScenarioForm};
use crate::handoff::{FrontPoint, PageExtras};
use crate::pages::example::example_label;
use crate::pages::results::{self, Cell, KeyNumber, MemoryPart, Row};
use mlcost::format;

type Outcome = Result<(Scenario, Report), Vec<Error>>;

#[component]
pub fn TrainingPage(
    book: Memo<PriceBook>,
    form: Form,
    owned: RwSignal<Option<serde_json::Value>>,
) -> impl IntoView {
    let outcome = Memo::new_with_compare(
        move |_| -> Outcome {
            let scenario = Scenario { owned: owned.get(), ..form.scenario()? };
            let terms = results::owned_handed(&scenario)?;
            let handed = mlcost::Handed { sizing: None, owned: terms.as_ref() };
            let options = mlcost::Options::FIGURES;
            let report = book
                .with(|b| mlcost::estimate_handed(&scenario, b, options, handed))
                .map_err(|e| vec![e])?;
            Ok((scenario, report))
        },
        results::always_changed,
    );
    // The last estimate that worked stays on screen while the user fixes a field.
    let last_good = Memo::new_with_compare(
        move |previous: Option<&Option<(Scenario, Report)>>| match outcome.get() {
            Ok(good) => Some(good),
            Err(_) => previous.cloned().flatten(),
        },
        results::always_changed,
    );
    let errors = Signal::derive(move || outcome.get().err().unwrap_or_default());
    let defaults = Signal::derive(move || {
        last_good.with(|good| {
            good.as_ref()
                .and_then(|(_, r)| r.training.as_ref())
                .map(|t| t.assumptions.clone())
                .unwrap_or_default()
        })
    });

    // What the charts draw: the last valid scenario as JSON, written once per change for all of
    // them, which redraw when it or the prices change (not on every stale-state flip).
    // Whether the form holds its example: read once per change for the label, the fields that
    // still hold the example's values, and the published figures beside the estimate's.
    let on_example = Memo::new(move |_| form.is_example());
    let published = move || if on_example.get() { form.example().published } else { &[] };
    let drawn = Memo::new(move |_| {
        last_good.with(|g| g.as_ref().map(|(scenario, _)| scenario.to_value().to_string()))
    });
    let extras = results::page_extras("training", drawn, book);
    view! {
        <main class="estimate">
            <ScenarioForm form=form book=book errors=errors defaults=defaults
                heading="Training scenario" on_example=on_example
                uses="This page prices the scenario's model and its training part. The model is the one on the Serving page too; the serving part is not used here."
                advanced_summary="Advanced: efficiency, method, parallelism, reliability, storage">
                {example_label(form, on_example)}
            </ScenarioForm>
            <div class="outputs">
                <section class="results" aria-label="Estimate" aria-live="polite">
                    <h2>"Estimate"</h2>
                    {results::advice_hint("training", drawn)}
                    {move || match last_good.get() {
                        Some((_, Report { training: Some(t), .. })) => view! {
                            <TrainingResults report=t stale=outcome.with(Result::is_err) published=published() form=form extras=extras />
                        }.into_any(),
                        _ => view! { <p>"Fill in the scenario to see its cost."</p> }.into_any(),
                    }}
                </section>
                <section class="chart" aria-label="Cost and time against accelerator count">
                    <h2>"Cost and wall-clock time against accelerator count"</h2>
                    {charts::page_chart(PageChart::CostTime, drawn, book)}
                </section>
                <section class="chart" aria-label="Cheapest ways to buy the run">
                    <h2>"Cost against time across offers (Pareto front)"</h2>
                    {charts::page_chart(PageChart::Pareto, drawn, book)}
                    <p class="hint">"Each point is an offer, instance count and plan no other beats on both cost and time; the ring is this scenario, the square the deadline's pick."</p>
                    {move || extras.with(|e| (!e.front.is_empty()).then(|| front_table(&e.front)))}
                </section>
                <section class="chart" aria-label="What moves the cost">
                    <h2>"What moves the cost"</h2>
                    {charts::page_chart(PageChart::Sensitivity, drawn, book)}
                    <p class="hint">"Each bar: the total cost with one input at its low and high, a default at the ends of its published cases, a value you gave ±20%. Shaded: the estimate's range, the defaults' swings combined (a root sum of squares)."</p>
                    <ol id="training-sensitivity">
                        {move || extras.with(|u| u.swings.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view())}
                    </ol>
                </section>
            </div>
        </main>
    }
}

/// The Pareto front's points, numbered as the chart numbers them (cheapest first).
fn front_table(front: &[FrontPoint]) -> impl IntoView + use<> {
    let rows = front
        .iter()
        .enumerate()
        .map(|(i, p)| Row {
            header: (i + 1).to_string(),
            title: None,
            cells: vec![
                Cell::text(p.layout.clone()),
                Cell::text(p.plan.clone()),
                Cell::number(p.wall_clock.clone()),
                Cell::number(p.compute.clone()),
            ],
        })
        .collect();
    view! {
        <details class="front-points" open>
            <summary>"The front's points"</summary>
            {results::table(
                "training-front",
                "Each numbered point of the chart, cheapest first",
                &["#", "Accelerators (offer)", "Plan", "Wall-clock", "Compute"],
                rows,
            )}
        </details>
    }
}

#[component]
fn TrainingResults(
    report: TrainingReport,
    stale: bool,
    published: &'static [Published],
    form: Form,
    extras: Signal<PageExtras>,
) -> impl IntoView {
    let defaulted = |field: &str| {
        report.assumptions.iter().find(|a| a.field == field).map(|a| a.source.to_string())
    };
    let memory = report.memory_breakdown.clone();
    let notes = report.notes.clone();
    let capacity_note = format!(
        "{} per accelerator{}; fewest that fit (with a suitable layout): {}",
        format::bytes(report.memory_per_accelerator_bytes),
        if report.fits_in_memory { "" } else { " — does not fit" },
        report.min_accelerators_to_fit.map_or("none up to 2^20".to_owned(), |n| n.to_string())
    );
    // A part the engine could not price is $0 in its sum; say so rather than show "$0.00".
    let unpriced = |prefixes: &[&str]| {
        report.notes.iter().any(|note| prefixes.iter().any(|p| note.starts_with(p)))
    };
    const STORAGE: &str = "storage is not priced";
    const EGRESS: [&str; 2] = [
        "moving the dataset to compute is not priced",
        "downloading the trained model is not priced",
    ];
    let (whole, part) =
        ("not priced: see the notes below", "a part is not priced: see the notes below");
    let unpriced_parts = [
        ("training-storage-cost", unpriced(&[STORAGE]).then_some(whole)),
        ("training-egress-cost", unpriced(&EGRESS).then_some(part)),
        ("training-total-cost", unpriced(&[STORAGE, EGRESS[0], EGRESS[1]]).then_some(part)),
    ];
    let rows = [
        ("training-total-cost", "Total cost", format::usd(report.total_cost_usd), None),
        ("training-compute-cost", "Compute", format::usd(report.compute_cost_usd), None),
        ("training-storage-cost", "Storage", format::usd(report.storage_cost_usd), None),
        ("training-egress-cost", "Egress", format::usd(report.egress_cost_usd), None),
        (
            "training-accelerator-hours",
            "Accelerator-hours",
            format::count(report.accelerator_hours.get()),
            None,
        ),
        ("training-wall-clock", "Wall-clock time", format::duration(report.wall_clock_hours), None),
        ("training-flops", "Model FLOPs", format::scientific(report.flops.get()), None),
        ("training-mfu", "MFU used", format::percent(report.mfu), defaulted("training.mfu")),
        (
            "training-goodput",
            "Goodput used",
            format::percent(report.goodput),
            defaulted("training.goodput"),
        ),
        ("training-memory", "Memory", capacity_note, None),
        (
            "training-energy",
            "Energy",
            format::or_missing(report.energy_kwh, format::energy),
            defaulted("training.pue"),
        ),
        (
            "training-carbon",
            "Carbon",
            format::or_missing(report.carbon_kg_co2e, format::carbon),
            defaulted("training.grams_co2e_per_kwh"),
        ),
    ];
    let part = |class, name, bytes| MemoryPart { class, name, bytes };
    let parts = vec![
        part("weights", "weights", memory.weights),
        part("gradients", "gradients", memory.gradients),
        part("optimizer", "optimizer", memory.optimizer_states),
        part("activations", "activations", memory.activations.unwrap_or_default()),
        part("overhead", "overhead", memory.framework_overhead),
    ];
    view! {
        {results::stale_notice(stale)}
        {results::key_numbers(rows.into_iter().map(|(id, label, value, default_source)| {
            let estimate = match id {
                "training-accelerator-hours" => report.accelerator_hours.get(),
                "training-compute-cost" => report.compute_cost_usd.get(),
                _ => f64::NAN,
            };
            let published = published
                .iter()
                .find(|p| p.figure == id)
                .filter(|_| estimate.is_finite())
                .map(|p| (p, estimate));
            let note = unpriced_parts.iter().find(|(part, _)| *part == id).and_then(|(_, n)| *n);
            KeyNumber { id, label, value, default_source, published, note }
        }).collect(), Some(extras))}
        {results::memory_bar("training-memory-bar", "Memory per accelerator".to_owned(), parts)}
        {(report.by_plan.len() > 1).then(|| results::table(
            "training-plans",
            "The same run under each plan the offer sells",
            &["Plan", "Region", "$/acc-h", "Goodput", "Wall-clock", "Compute"],
            report.by_plan.iter().map(|(plan, cost)| Row {
                header: plan.clone(),
                title: None,
                cells: vec![
                    Cell::text(cost.region.clone().unwrap_or_default()),
                    Cell::number(format!("{:.3}", cost.price_per_accelerator_hour.get())),
                    Cell::number(format::percent(cost.goodput)),
                    Cell::number(format::duration(cost.wall_clock_hours)),
                    Cell::number(format::usd(cost.compute_cost_usd)),
                ],
            }).collect(),
        ))}
        {move || extras.with(|e| e.pick.clone()).map(|pick| view! {
            <p class="recommendation" id="training-recommendation">
                "Cheapest within the deadline (compute only): "<strong>{pick.choice}</strong>{pick.detail}
            </p>
        })}
        {results::assumptions(&report.assumptions, Some(form))}
        {move || {
            // The engine's notes, then the searches' the module adds.
            let mut all = notes.clone();
            extras.with(|e| all.extend(e.notes.iter().cloned()));
            results::notes(&all)
        }}
    }
}
