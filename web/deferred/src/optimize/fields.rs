//! What the Optimize page's panels share: fields that fall back to a sourced default when left
//! empty, the cheapest price the book has for an accelerator, the last good result while inputs
//! are being fixed, and the charts' canvas and palette.

use leptos::prelude::*;
use mlcost::catalogue::quotes::QuoteFilter;
use mlcost::{Error, Plan, PriceBook, Problem};

use mlcost_web::forms::input::parse_quantity;

/// What an empty field stands for, and where that comes from (shown while the field is empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Fallback {
    pub value: f64,
    /// "default: $2.95/h, the cheapest on-demand price in the price book (…)".
    pub note: String,
    /// The full source, for the tooltip.
    pub source: String,
}

/// The cheapest price per accelerator-hour the book has for `accelerator` under `plan`, as a
/// fallback naming its offer, region and date.
pub fn cheapest(book: &PriceBook, accelerator: &str, plan: Plan) -> Option<Fallback> {
    let filter = QuoteFilter {
        accelerator: Some(accelerator.to_owned()),
        plan: Some(plan),
        ..QuoteFilter::default()
    };
    let price = |q: &mlcost::catalogue::quotes::Quote| q.usd_per_accelerator_hour.get();
    let quote = book.quotes(&filter).into_iter().min_by(|a, b| price(a).total_cmp(&price(b)))?;
    let plan = match plan {
        Plan::OnDemand => "on-demand",
        Plan::Spot => "spot",
        Plan::Reserved1y => "1-year committed",
        Plan::Reserved3y => "3-year committed",
        Plan::Owned => "owned",
    };
    Some(Fallback {
        value: price(&quote),
        note: format!(
            "default: ${:.2}/h, the cheapest {plan} price per accelerator in the price book ({} in {}, as of {}{})",
            price(&quote),
            quote.offer,
            quote.region,
            quote.as_of,
            if quote.estimate { ", an estimate" } else { "" }
        ),
        source: quote.source,
    })
}

/// A field's number: what was typed, else its fallback; `None` when both are missing.
pub fn number_or(
    field: &str,
    text: &str,
    fallback: Option<&Fallback>,
) -> Result<Option<f64>, Error> {
    if text.trim().is_empty() {
        return Ok(fallback.map(|f| f.value));
    }
    parse_quantity(text).map(Some).ok_or_else(|| {
        let why = format!("\"{}\" is not a number (e.g. 2.5, 64, 1.2k)", text.trim());
        Error::new(field, Problem::Malformed(why))
    })
}

/// The message for `id` among `errors`, if any.
pub fn error_for(errors: &[Error], id: &str) -> Option<String> {
    errors.iter().find(|e| e.field == id).map(ToString::to_string)
}

/// A labelled text input for a number. While it is empty, the default it falls back to is shown
/// under it with its source; an error for it (by `id`, the engine's field path) shows under that.
pub fn number_field(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    fallback: Signal<Option<Fallback>>,
    errors: Signal<Vec<Error>>,
) -> impl IntoView {
    let placeholder =
        move || fallback.with(|f| f.as_ref().map_or_else(String::new, |f| format!("{}", f.value)));
    let note = move || {
        let empty = value.with(|v| v.trim().is_empty());
        fallback.get().filter(|_| empty).map(|f| {
            view! { <p class="hint fallback" title=f.source>{f.note}</p> }
        })
    };
    view! {
        <label for=id>{label}</label>
        <input id=id type="text" inputmode="decimal" autocomplete="off" placeholder=placeholder
            prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        {note}
        {move || errors.with(|e| error_for(e, id)).map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
    }
}

/// A select of the book's accelerators (plus an empty choice labelled `none`).
pub fn accelerator_select(
    id: &'static str,
    label: &'static str,
    none: &'static str,
    value: RwSignal<String>,
    book: Memo<PriceBook>,
) -> impl IntoView {
    let options = move || {
        let mut list = vec![(String::new(), none.to_owned())];
        book.with(|b| list.extend(b.accelerators.iter().map(|a| (a.id.clone(), a.name.clone()))));
        list.into_iter()
            .map(|(v, l)| {
                let selected = v == value.get_untracked();
                view! { <option value=v selected=selected>{l}</option> }
            })
            .collect_view()
    };
    view! {
        <label for=id>{label}</label>
        <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
            {options}
        </select>
    }
}

/// A checkbox pricing a panel as the scenario's owned servers (the Own or rent panel's terms),
/// shown only while the scenario has an `owned` section.
pub fn owned_check(
    id: &'static str,
    label: &'static str,
    on: RwSignal<bool>,
    section: Memo<Option<serde_json::Value>>,
) -> impl IntoView {
    move || {
        section.with(Option::is_some).then(|| {
            view! {
                <label class="check">
                    <input id=id type="checkbox" prop:checked=move || on.get()
                        on:change=move |ev| on.set(event_target_checked(&ev)) />
                    {label}
                </label>
            }
        })
    }
}

/// The app's chart helper: a canvas kept in step with its data, with a PNG button.
pub use crate::charts::canvas_chart as chart;

/// Colours for series told apart by a legend (GPUs, jobs).
pub use crate::charts::palette::SERIES as PALETTE;

/// The last `Ok` of `result`: what to keep showing while the inputs are being fixed.
pub fn last_good<T>(result: Memo<Option<Result<T, Vec<Error>>>>) -> Memo<Option<T>>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Memo::new(move |previous: Option<&Option<T>>| match result.get() {
        Some(Ok(value)) => Some(value),
        Some(Err(_)) => previous.cloned().flatten(),
        None => None,
    })
}

/// The errors of `result`, for the fields to show.
pub fn errors_of<T>(result: Memo<Option<Result<T, Vec<Error>>>>) -> Signal<Vec<Error>>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(errors)) => errors.clone(),
            _ => Vec::new(),
        })
    })
}
