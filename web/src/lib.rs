//! The mlcost web app: a training page (scenario form, estimate, chart of cost and time against
//! accelerator count) and a catalogue page (every offer, normalised, with the user's own price
//! sheet laid over the bundled one). Everything runs in the browser; there is no server.
//!
//! State: forms keep exactly what the user typed (one string per field), so a typo never loses
//! input. Every result derives from those strings through memos; effects only sync with the world
//! outside the reactive graph (the chart's canvas, the browser's storage).

mod catalog;
mod chart;
mod format;
mod input;
mod price_sheet;

use leptos::prelude::*;
use mlcost::units::UsdPerHour;
use mlcost::{
    Error, Model, Precision, PriceBook, Problem, Report, Scenario, Training, TrainingReport,
};

pub use input::parse_quantity;

/// What the user typed, field by field. Optional fields are empty when the engine's default applies.
#[derive(Debug, Clone, Copy)]
struct Form {
    parameters: RwSignal<String>,
    tokens: RwSignal<String>,
    accelerator: RwSignal<String>,
    accelerator_count: RwSignal<String>,
    precision: RwSignal<String>,
    mfu: RwSignal<String>,
    goodput: RwSignal<String>,
    price_per_accelerator_hour: RwSignal<String>,
}

impl Form {
    /// Opens on DeepSeek-V3's pre-training (arXiv 2412.19437, Table 1: 37B active parameters, 14.8T
    /// tokens, 2,048 H800, priced by the report at $2 per GPU-hour): a published run to compare with.
    fn new() -> Self {
        Self {
            parameters: RwSignal::new("37B".into()),
            tokens: RwSignal::new("14.8T".into()),
            accelerator: RwSignal::new("h800-sxm".into()),
            accelerator_count: RwSignal::new("2048".into()),
            precision: RwSignal::new("bf16".into()),
            mfu: RwSignal::new(String::new()),
            goodput: RwSignal::new(String::new()),
            price_per_accelerator_hour: RwSignal::new("2.00".into()),
        }
    }

    /// The scenario these strings describe, or every field that cannot be read as its type.
    fn scenario(&self) -> Result<Scenario, Vec<Error>> {
        let mut read = Reader::default();
        let parameters = read.number("model.parameters", &self.parameters.get());
        let tokens = read.number("training.tokens", &self.tokens.get());
        let accelerator_count =
            read.count("training.accelerator_count", &self.accelerator_count.get());
        let precision = read.precision("training.precision", &self.precision.get());
        let mfu = read.optional("training.mfu", &self.mfu.get());
        let goodput = read.optional("training.goodput", &self.goodput.get());
        let price = read
            .number("training.price_per_accelerator_hour", &self.price_per_accelerator_hour.get());
        if !read.errors.is_empty() {
            return Err(read.errors);
        }
        let mut training = Training::new(self.accelerator.get(), accelerator_count, precision);
        training.tokens = Some(tokens);
        training.mfu = mfu;
        training.goodput = goodput;
        training.price_per_accelerator_hour = Some(UsdPerHour::new(price));
        Ok(Scenario { model: Model::with_parameters(parameters), training: Some(training) })
    }
}

/// Reads typed values out of form text, collecting an error per unreadable field. A field that fails
/// reads as a placeholder; callers use the values only when `errors` is empty.
#[derive(Default)]
struct Reader {
    errors: Vec<Error>,
}

impl Reader {
    fn number(&mut self, field: &str, text: &str) -> f64 {
        parse_quantity(text).unwrap_or_else(|| {
            self.fail(field, format!("\"{text}\" is not a number (e.g. 7B, 1.4T, 2048)"));
            0.0
        })
    }

    fn optional(&mut self, field: &str, text: &str) -> Option<f64> {
        (!text.trim().is_empty()).then(|| self.number(field, text))
    }

    fn count(&mut self, field: &str, text: &str) -> u32 {
        let Some(value) = parse_quantity(text) else {
            self.number(field, text);
            return 0;
        };
        // Range checks (a count of 0, say) are the engine's, so its message is the one shown.
        if value.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&value) {
            value as u32
        } else {
            self.fail(field, format!("\"{text}\" is not a whole number"));
            0
        }
    }

    fn precision(&mut self, field: &str, text: &str) -> Precision {
        Precision::ALL.into_iter().find(|p| p.as_str() == text).unwrap_or_else(|| {
            self.fail(field, format!("\"{text}\" is not one of fp32, bf16, fp16, fp8"));
            Precision::Bf16
        })
    }

    fn fail(&mut self, field: &str, why: String) {
        self.errors.push(Error::new(field, Problem::Malformed(why)));
    }
}

/// Either a report or the errors that stopped it, each naming its field.
type Outcome = Result<(Scenario, Report), Vec<Error>>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Page {
    Training,
    Catalog,
}

#[component]
pub fn App() -> impl IntoView {
    let page = RwSignal::new(Page::Training);
    let sheet = price_sheet::UserSheet::load();
    let book = sheet.book();
    let tab = move |target: Page, label: &'static str| {
        view! {
            <button type="button" class="tab" aria-current=move || (page.get() == target).then_some("page")
                on:click=move |_| page.set(target)>{label}</button>
        }
    };
    view! {
        <header>
            <h1>"mlcost"</h1>
            <p class="tagline">"What training a model costs, from a stated model and sourced figures."</p>
            <nav aria-label="Pages">{tab(Page::Training, "Training")}{tab(Page::Catalog, "Catalog")}</nav>
        </header>
        {move || match page.get() {
            Page::Training => view! { <TrainingPage book=book /> }.into_any(),
            Page::Catalog => view! { <catalog::CatalogPage book=book sheet=sheet /> }.into_any(),
        }}
        <footer>{move || book.with(|b| format!(
            "Prices and hardware figures as of {} at the oldest; every figure's source is in its tooltip.",
            b.oldest_as_of()
        ))}</footer>
    }
}

#[component]
fn TrainingPage(book: Memo<PriceBook>) -> impl IntoView {
    let form = Form::new();
    let outcome = Memo::new(move |_| -> Outcome {
        let scenario = form.scenario()?;
        let report = book.with(|b| mlcost::estimate_with(&scenario, b)).map_err(|e| vec![e])?;
        Ok((scenario, report))
    });
    // The last estimate that worked stays on screen while the user fixes a field.
    let last_good =
        Memo::new(move |previous: Option<&Option<(Scenario, Report)>>| match outcome.get() {
            Ok(good) => Some(good),
            Err(_) => previous.cloned().flatten(),
        });
    let errors = move || outcome.get().err().unwrap_or_default();
    let error_for = move |field: &'static str| {
        move || {
            errors()
                .into_iter()
                .find(|e| e.field == field)
                .map(|e| view! { <p class="field-error" role="alert">{e.to_string()}</p> })
        }
    };

    view! {
        <main>
            <section class="inputs" aria-label="Scenario">
                <h2>"Training scenario"</h2>
                <TextField id="model.parameters" label="Parameters (active per token)" value=form.parameters
                    hint="e.g. 7B, 70B; for MoE the active count" />
                {error_for("model.parameters")}
                <TextField id="training.tokens" label="Training tokens" value=form.tokens hint="e.g. 1.4T" />
                {error_for("training.tokens")}
                <AcceleratorSelect value=form.accelerator book=book />
                {error_for("training.accelerator")}
                <TextField id="training.accelerator_count" label="Accelerator count" value=form.accelerator_count
                    hint="" />
                {error_for("training.accelerator_count")}
                <label for="training.precision">"Precision"</label>
                <select id="training.precision" prop:value=move || form.precision.get()
                    on:change=move |ev| form.precision.set(event_target_value(&ev))>
                    {Precision::ALL.map(|p| view! { <option value=p.as_str()>{p.as_str()}</option> }).to_vec()}
                </select>
                {error_for("training.precision")}
                <TextField id="training.mfu" label="MFU (model FLOPs utilisation)" value=form.mfu
                    hint="empty: calibrated default" />
                {error_for("training.mfu")}
                <TextField id="training.goodput" label="Goodput" value=form.goodput
                    hint="empty: modelled from failures" />
                {error_for("training.goodput")}
                <TextField id="training.price_per_accelerator_hour" label="Price per accelerator-hour (USD)"
                    value=form.price_per_accelerator_hour hint="" />
                {error_for("training.price_per_accelerator_hour")}
                {move || {
                    let unplaced: Vec<_> = errors().into_iter().filter(|e| !is_form_field(&e.field)).collect();
                    (!unplaced.is_empty()).then(|| view! {
                        <div class="field-error" role="alert">
                            {unplaced.into_iter().map(|e| view! { <p>{e.to_string()}</p> }).collect_view()}
                        </div>
                    })
                }}
            </section>
            <div class="outputs">
            <section class="results" aria-label="Estimate" aria-live="polite">
                <h2>"Estimate"</h2>
                {move || match last_good.get() {
                    Some((_, Report { training: Some(t) })) => view! {
                        <TrainingResults report=t stale=outcome.with(Result::is_err) />
                    }.into_any(),
                    _ => view! { <p>"Fill in the scenario to see its cost."</p> }.into_any(),
                }}
            </section>
            <section class="chart" aria-label="Cost and time against accelerator count">
                <h2>"Cost and wall-clock time against accelerator count"</h2>
                <chart::CostTimeChart book=book
                    scenario=Signal::derive(move || last_good.get().map(|(s, _)| s)) />
            </section>
            </div>
        </main>
    }
}

const FORM_FIELDS: [&str; 8] = [
    "model.parameters",
    "training.tokens",
    "training.accelerator",
    "training.accelerator_count",
    "training.precision",
    "training.mfu",
    "training.goodput",
    "training.price_per_accelerator_hour",
];

fn is_form_field(field: &str) -> bool {
    FORM_FIELDS.contains(&field)
}

#[component]
fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    hint: &'static str,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <input id=id type="text" inputmode="decimal" autocomplete="off" placeholder=hint
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev)) />
    }
}

#[component]
fn AcceleratorSelect(value: RwSignal<String>, book: Memo<PriceBook>) -> impl IntoView {
    let options = move || {
        book.with(|b| {
            b.accelerators
                .iter()
                .map(|a| view! { <option value=a.id.clone() title=a.source.clone()>{a.name.clone()}</option> })
                .collect_view()
        })
    };
    view! {
        <label for="training.accelerator">"Accelerator"</label>
        <select id="training.accelerator" prop:value=move || value.get()
            on:change=move |ev| value.set(event_target_value(&ev))>
            {options}
        </select>
    }
}

#[component]
fn TrainingResults(report: TrainingReport, stale: bool) -> impl IntoView {
    let defaulted = |field: &str| {
        report.assumptions.iter().find(|a| a.field == field).map(|a| a.source.clone())
    };
    let rows = [
        ("training-flops", "Training FLOPs (6·N·D)", format::scientific(report.flops.get()), None),
        ("training-mfu", "MFU used", format::percent(report.mfu), defaulted("training.mfu")),
        (
            "training-goodput",
            "Goodput used",
            format::percent(report.goodput),
            defaulted("training.goodput"),
        ),
        (
            "training-accelerator-hours",
            "Accelerator-hours",
            format::count(report.accelerator_hours.get()),
            None,
        ),
        (
            "training-wall-clock",
            "Wall-clock time",
            format::duration(report.wall_clock_hours.get()),
            None,
        ),
        ("training-compute-cost", "Compute cost", format::usd(report.compute_cost_usd.get()), None),
    ];
    view! {
        {stale.then(|| view! { <p class="stale">"Showing the last valid estimate; fix the marked field to update it."</p> })}
        <dl>
            {rows.into_iter().map(|(id, label, value, default_source)| view! {
                <dt>{label}</dt>
                <dd id=id>
                    {value}
                    {default_source.map(|source| view! { <span class="default" title=source.clone()>" default"</span> })}
                </dd>
            }).collect_view()}
        </dl>
        {(!report.assumptions.is_empty()).then(|| view! {
            <details class="assumptions">
                <summary>"Defaults used and their sources"</summary>
                <ul>
                    {report.assumptions.iter().map(|a| view! {
                        <li><code>{a.field.clone()}</code>" = "{format!("{:.3}", a.value)}": "{a.source.clone()}</li>
                    }).collect_view()}
                </ul>
            </details>
        })}
    }
}
