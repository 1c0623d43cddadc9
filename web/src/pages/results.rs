//! The pieces of an estimate both pages show: key numbers, tables, the defaults the engine used and
//! its notes. Both pages build them from plain strings, so the browser downloads one copy of each.

use leptos::prelude::*;
use mlcost::Assumption;

use crate::deferred::DeferredPages;
use crate::forms::{Form, Published};
use crate::handoff::PageExtras;
use crate::pages::Page;

use mlcost::format;
use mlcost::units::Bytes;

/// One figure in the list of key numbers, with the source of the default behind it if there is one.
#[derive(Debug)]
pub struct KeyNumber {
    pub id: &'static str,
    pub label: &'static str,
    pub value: String,
    pub default_source: Option<String>,
    /// What the example's source published for this figure, while the page shows the example,
    /// and the estimate's own figure as a number in the same unit.
    pub published: Option<(&'static Published, f64)>,
    /// A word on what the figure leaves out ("a part is not priced").
    pub note: Option<&'static str>,
}

impl KeyNumber {
    pub fn new(id: &'static str, label: &'static str, value: String) -> Self {
        Self { id, label, value, default_source: None, published: None, note: None }
    }
}

pub fn key_numbers(rows: Vec<KeyNumber>, extras: Option<Signal<PageExtras>>) -> impl IntoView {
    // A range opens the page that scores every published case. A button, as the tabs are: a
    // link's handler would add its own code to the first render.
    let pages = use_context::<DeferredPages>();
    let open_accuracy = move |_| {
        if let Some(pages) = pages {
            pages.open_page(Page::Accuracy);
        }
    };
    view! {
        <dl>
            {rows.into_iter().map(|row| view! {
                <dt>{row.label}</dt>
                <dd>
                    <span id=row.id>{row.value}</span>
                    {extras.map(|u| move || u.with(|u| u.range(row.id)).map(|range| view! {
                        " "
                        <button type="button" class="range" id=format!("{}-range", row.id)
                            on:click=open_accuracy
                            title="Each default at the low and high end of its published cases: about four published cases in five lie in such a range. Click for every case, scored">
                            {format!("likely {range}")}
                        </button>
                    }))}
                    {row.default_source.map(|source| view! { <span class="default" title=source>" default"</span> })}
                    {row.note.map(|note| view! { <span class="published" id=format!("{}-note", row.id)>{note}</span> })}
                    {row.published.map(|(published, estimate)| {
                        let gap = (estimate / published.amount - 1.0) * 100.0;
                        let side = if gap >= 0.0 { "above" } else { "below" };
                        view! {
                            <span class="published" id=format!("{}-published", row.id)>
                                {format!(
                                    "published: {} ({}); the estimate is {:.0}% {side} it, with defaults fitted to published runs, this one among them (How accurate is this? scores each without it)",
                                    published.value, published.source, gap.abs()
                                )}
                            </span>
                        }
                    })}
                    {row.published.zip(extras).map(|((published, _), u)| move || {
                        let (low, high) = u.with(|u| u.bounds(row.id))?;
                        let place = if published.amount < low {
                            "lies below the estimate's range: that run was more efficient than the defaults' published spread"
                        } else if published.amount > high {
                            "lies above the estimate's range: that run was less efficient than the defaults' published spread"
                        } else {
                            "lies inside the estimate's range"
                        };
                        Some(view! {
                            <span class="published" id=format!("{}-published-range", row.id)>
                                {format!("The published figure {place}.")}
                            </span>
                        })
                    })}
                    {how(row.id).map(|text| view! {
                        <details class="how"><summary>"how?"</summary>{text}</details>
                    })}
                </dd>
            }).collect_view()}
        </dl>
    }
}

/// What the deferred module adds to the page `section` (`training` or `serving`) for the scenario
/// in `scenario_json`: asked whenever the scenario or the prices change, or the module arrives
/// (it estimates each scenario once for the page's charts and these). Empty while it loads.
pub fn page_extras(
    section: &'static str,
    scenario_json: Memo<Option<String>>,
    book: Memo<mlcost::PriceBook>,
) -> Signal<PageExtras> {
    let read = RwSignal::new(PageExtras::default());
    fill_page_extras(section, scenario_json, book, read);
    read.into()
}

/// [`page_extras`] into a signal made earlier: the serving page's estimate reads the sizing the
/// module simulated for the scenario that estimate's own charts are drawn from.
pub fn fill_page_extras(
    section: &'static str,
    scenario_json: Memo<Option<String>>,
    book: Memo<mlcost::PriceBook>,
    read: RwSignal<PageExtras>,
) {
    let pages = use_context::<DeferredPages>();
    Effect::new(move |_| {
        // The module prices with the sheet in storage, which the app's book follows.
        book.track();
        let extras = scenario_json.with(|json| {
            let pages = pages.filter(|pages| pages.is_ready())?;
            let json = json.as_deref()?;
            let extras = PageExtras::decode(&pages.extras(json, section)?);
            Some(PageExtras { scenario: Some(json.to_owned()), ..extras })
        });
        read.set(extras.unwrap_or_default());
    });
}

/// The scenario's `owned` section as the second module resolves it, when one of its sections is on
/// the owned plan (tracked: none until the module is loaded; the estimate then says it is coming).
/// An error is the section's own, named by its field.
pub fn owned_handed(
    scenario: &mlcost::Scenario,
) -> Result<Option<mlcost::scenario::resolve::owned::ResolvedOwned>, Vec<mlcost::Error>> {
    let on_owned = |plan: Option<mlcost::Plan>| plan == Some(mlcost::Plan::Owned);
    let any = scenario.training.as_ref().is_some_and(|t| on_owned(t.plan))
        || scenario.serving.as_ref().is_some_and(|s| on_owned(s.plan));
    let Some(pages) = use_context::<DeferredPages>().filter(|_| any) else { return Ok(None) };
    pages.owned_terms(&scenario.to_value().to_string()).transpose().map_err(|e| vec![e])
}

/// How each key number is computed, in a line, shown on demand. One table, so the pages cannot
/// describe the same figure two ways.
fn how(id: &str) -> Option<&'static str> {
    Some(match id {
        "training-total-cost" => "Compute + storage + egress.",
        "training-compute-cost" => "Accelerator-hours × the price per accelerator-hour.",
        "training-storage-cost" => {
            "The dataset and the checkpoints kept, at the storage tier's $/GB-month, for the run's wall-clock time."
        }
        "training-egress-cost" => {
            "The dataset moved to the compute's region when it lives elsewhere, and the trained model downloaded, at the provider's transfer prices."
        }
        "training-accelerator-hours" => {
            "Hardware FLOPs ÷ (dense peak at the precision × MFU), then ÷ goodput: time lost to failures, restarts and checkpoints is billed too."
        }
        "training-wall-clock" => "Accelerator-hours ÷ the accelerator count.",
        "training-flops" => {
            "6 × active parameters × tokens plus attention (PaLM's count); recomputed activations count as hardware FLOPs, not here."
        }
        "training-mfu" => {
            "The scenario's, or the fit of published runs on this accelerator generation at this model size and number of accelerators. It is measured against the dense peak at the chosen precision: FP8's peak is twice BF16's, so the same speed reads as half the MFU (FP8 runs about 1.3× faster, not 2×)."
        }
        "training-goodput" => {
            "Checkpoints every Young/Daly interval (from write time and failure rate); the time failures, restarts and spot preemptions cost, as a share of the run."
        }
        "training-memory" => {
            "Weights, gradients and optimizer states split by ZeRO, tensor, pipeline and expert parallelism, activations by sequence and micro-batch (Korthikanti et al.), and framework overhead, on the busiest accelerator."
        }
        "training-energy" => "Accelerator-hours × board power × PUE.",
        "training-carbon" => {
            "The energy × the grid's grams CO2e per kWh: the offer's region's (EPA eGRID, Google, Ember), or the world's average where no region is known."
        }
        "serving-energy" => {
            "The day's billed replica-hours × accelerators per replica × board power × PUE, over a 730-hour month: an upper bound, as serving rarely draws full board power."
        }
        "serving-carbon" => {
            "The month's energy × the grid's grams CO2e per kWh: the offer's region's (EPA eGRID, Google, Ember), or the world's average where no region is known."
        }
        "serving-monthly-cost" => {
            "Each hour's replicas in whole instances, plus those starting early for a rise and lingering after a fall, × the price, over a 730-hour month; a committed plan pays for the peak every hour."
        }
        "serving-static-cost" => "The peak's replicas every hour of the month, at the same price.",
        "serving-cost-per-million-output" => {
            "The monthly cost's share spent generating (decode time per request) ÷ the output tokens served in a month."
        }
        "serving-cost-per-million-input" => {
            "The monthly cost's share spent on prompts (prefill time per request) ÷ the prompt tokens served in a month."
        }
        "serving-cost-per-thousand-requests" => {
            "The monthly cost ÷ requests served in a month × 1,000."
        }
        "serving-replicas-peak" => {
            "The busiest hour's requests/s ÷ (one replica's requests/s at the targets × the target utilisation), rounded up, within the minimum and maximum."
        }
        "serving-replica-hours" => {
            "Replicas each hour, plus replicas starting early for the next hour's rise and lingering after a fall."
        }
        "serving-utilization" => {
            "Requests served ÷ what the billed replica-hours could serve at the targets."
        }
        "serving-ttft" => {
            "A typical request, without queueing, at the load of the hour that loads each replica most: the batch it keeps in flight (arrival rate × time in the system); without a load, the largest batch meeting the targets. One prompt's prefill (its FLOPs at the efficiency-scaled peak, or one read of the weights, whichever is longer) plus one decode step at that batch. The latency panel below simulates that hour request by request, queueing included: its median and 99th percentile."
        }
        "serving-tpot" => {
            "One decode step at the same batch (the longer of reading the weights and KV cache at the scaled bandwidth and its FLOPs at the scaled peak, plus tensor-parallel all-reduces), stretched by the share of the replica other requests' prompts take."
        }
        "serving-throughput" => {
            "At the largest batch meeting the targets (with percentile targets, the largest load at which the simulation meets them): each request costs its prefill compute plus its share of the decode steps. At this load requests queue; the autoscaler's target utilisation keeps each replica below it."
        }
        "serving-fits" => {
            "The weights at their format and the KV cache within 90% of memory (vLLM's default); the rest holds this many full-length sequences."
        }
        "serving-price" => {
            "The offer's price under the plan in the cheapest region selling it (or the typed price), per accelerator."
        }
        _ => return None,
    })
}

/// The comparison of the estimate pages' memos: never equal. Why? Comparing two reports field by
/// field would cost the first render 3 KB of code for what never happens: a new estimate follows
/// a change of its inputs.
pub fn always_changed<T>(_: Option<&T>, _: Option<&T>) -> bool {
    true
}

pub fn stale_notice(stale: bool) -> impl IntoView {
    stale.then(|| view! { <p class="stale">"Showing the last valid estimate; fix the marked field to update it."</p> })
}

/// A table row: its header (with a tooltip, say a source) and its cells.
#[derive(Debug)]
pub struct Row {
    pub header: String,
    pub title: Option<String>,
    pub cells: Vec<Cell>,
}

#[derive(Debug)]
pub struct Cell {
    pub text: String,
    pub numeric: bool,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Self { text: text.into(), numeric: false }
    }

    pub fn number(text: impl Into<String>) -> Self {
        Self { text: text.into(), numeric: true }
    }
}

/// A table that scrolls sideways on its own when the screen is narrower than it.
///
/// Why is its caption a paragraph above, not a `<caption>`? A caption scrolls with its table, so
/// a phone showed only its first words; the table keeps it as its accessible name.
pub fn table(
    id: &'static str,
    caption: &'static str,
    headers: &'static [&'static str],
    rows: Vec<Row>,
) -> impl IntoView {
    view! {
        <p class="caption">{caption}</p>
        <div class="scroll">
            <table id=id class="plans" aria-label=caption>
                <thead><tr>{headers.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <th scope="row" title=row.title>{row.header}</th>
                            {row.cells.into_iter().map(|cell| view! {
                                <td class:num=cell.numeric>{cell.text}</td>
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// How long typing must pause before a page runs what takes longer than a keystroke allows (the
/// advisor's searches, the latency simulation).
pub const PAUSE: std::time::Duration = std::time::Duration::from_millis(400);

/// `scenario_json` once it has held still for [`PAUSE`]: what the slow work of a page follows.
pub fn settled(scenario_json: Memo<Option<String>>) -> Memo<Option<String>> {
    let held = RwSignal::new(None::<String>);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    // The timer is outside the reactive graph: an effect starts it on each change.
    Effect::new(move |_| {
        let json = scenario_json.get();
        if let Some(earlier) = pending.try_update_value(Option::take).flatten() {
            earlier.clear();
        }
        if let Ok(handle) = set_timeout_with_handle(move || held.set(json), PAUSE) {
            pending.set_value(Some(handle));
        }
    });
    Memo::new(move |_| held.get())
}

/// The serving page's latency panel for the settled scenario (see [`settled`]): the deferred
/// module simulates the peak hour and fills the panel itself (its tables would add 5 KB to the
/// first render). Until it has, a line says what is coming.
pub fn latency_panel(settled_json: Memo<Option<String>>) -> impl IntoView {
    let host = NodeRef::<leptos::html::Div>::new();
    let pages = use_context::<DeferredPages>();
    // The module is outside the reactive graph: an effect hands it the host on each change.
    Effect::new(move |_| {
        let (Some(host), Some(pages)) = (host.get(), pages) else { return };
        settled_json.with(|json| {
            if let Some(json) = json {
                pages.fill_latency_panel(&host, json);
            }
        });
    });
    view! {
        <div id="serving-latency-panel" node_ref=host>
            <p class="hint">"The peak hour is simulated request by request once typing pauses…"</p>
        </div>
    }
}

/// When Optimize knows a cheaper way to do what the page prices (its `section`, `training` or
/// `serving`, of the scenario in `scenario_json`): a sentence saying so, with a way to the advice.
/// Asked of the deferred module once typing pauses; nothing while it loads.
pub fn advice_hint(section: &'static str, scenario_json: Memo<Option<String>>) -> impl IntoView {
    let pages = use_context::<DeferredPages>();
    let hint = RwSignal::new(None::<String>);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    // The module is outside the reactive graph: ask it, after a pause, whenever the scenario
    // changes (or the module arrives).
    Effect::new(move |_| {
        let json = scenario_json.get();
        let Some(pages) = pages.filter(|pages| pages.is_ready()) else { return };
        if let Some(earlier) = pending.try_update_value(Option::take).flatten() {
            earlier.clear();
        }
        // A hint about the scenario before this change would be stale.
        hint.set(None);
        let Some(json) = json else { return };
        let ask = move || hint.set(pages.advice(&json, section));
        if let Ok(handle) = set_timeout_with_handle(ask, PAUSE) {
            pending.set_value(Some(handle));
        }
    });
    move || {
        let (text, pages) = (hint.get()?, pages?);
        Some(view! {
            <p class="recommendation" id=format!("{section}-optimize-hint")>
                {text}" "
                <button type="button" class="link" on:click=move |_| pages.open_page(Page::Optimize)>
                    "See the advice"
                </button>
            </p>
        })
    }
}

/// The defaults the engine used, each under the name of the field of `form` that would set it (its
/// path, which the JSON and CLI use, in the tooltip).
pub fn assumptions(list: &[Assumption], form: Option<Form>) -> impl IntoView + use<> {
    (!list.is_empty()).then(|| {
        view! {
            <details class="assumptions" open>
                <summary>"Defaults used and their sources"</summary>
                <ul>
                    {list.iter().map(|a| {
                        let path = a.field.to_string();
                        let label = form.and_then(|form| form.label(&path));
                        let name = label.map_or_else(|| spoken(&path), str::to_owned);
                        view! {
                            <li><strong title=path>{name}</strong>" = "{format::trimmed(a.value)}": "{a.citation()}</li>
                        }
                    }).collect_view()}
                </ul>
            </details>
        }
    })
}

/// A field no form shows, named in words: `training.storage.checkpoints_kept` is "Checkpoints kept".
fn spoken(path: &str) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    match last {
        "pue" => "PUE (data-centre power overhead)".to_owned(),
        _ => {
            let words = last.replace('_', " ");
            let mut chars = words.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        }
    }
}

pub fn notes(list: &[String]) -> impl IntoView + use<> {
    (!list.is_empty()).then(|| {
        view! {
            <ul class="notes">{list.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
        }
    })
}

/// What one accelerator's memory holds, as a bar with a legend (`class` picks each part's colour).
#[derive(Debug)]
pub struct MemoryPart {
    pub class: &'static str,
    pub name: &'static str,
    pub bytes: Bytes,
}

/// Drawn in SVG: its parts' widths are attributes, which the strict CSP allows (a `style`
/// attribute it refuses).
pub fn memory_bar(id: &'static str, caption: String, parts: Vec<MemoryPart>) -> impl IntoView {
    let total = parts.iter().map(|p| p.bytes.get()).sum::<f64>().max(1.0);
    let parts: Vec<MemoryPart> = parts.into_iter().filter(|p| p.bytes.get() > 0.0).collect();
    let mut x = 0.0;
    let rects: Vec<(String, String, String, String)> = parts
        .iter()
        .map(|part| {
            let width = part.bytes.get() / total * 100.0;
            let rect = (
                format!("part {}", part.class),
                format!("{x:.3}"),
                format!("{width:.3}"),
                format!("{}: {}", part.name, format::bytes(part.bytes)),
            );
            x += width;
            rect
        })
        .collect();
    view! {
        <p class="bar-caption">{caption}</p>
        <svg class="memory-bar" id=id role="img" aria-label="Memory per accelerator by what it holds"
            viewBox="0 0 100 10" preserveAspectRatio="none">
            {rects.into_iter().map(|(class, x, width, title)| view! {
                <rect class=class x=x y="0" width=width height="10"><title>{title}</title></rect>
            }).collect_view()}
        </svg>
        <ul class="legend">
            {parts.into_iter().map(|part| view! {
                <li><span class=format!("swatch {}", part.class)></span>{format!("{} {}", part.name, format::bytes(part.bytes))}</li>
            }).collect_view()}
        </ul>
    }
}
