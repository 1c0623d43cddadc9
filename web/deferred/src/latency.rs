//! The serving page's latency panel: the peak hour on one replica, simulated request by request
//! (the study the latency chart draws, `charts::load`), and each hour's operating point. The app
//! asks once typing pauses.

use std::cell::RefCell;

use leptos::prelude::*;
use mlcost::format;
use mlcost::serving::HourPlan;
use mlcost::serving::operating::OperatingPoint;
use mlcost::serving::report::{Pool, SplitServing};
use mlcost::serving::simulate::Percentiles;
use mlcost::units::Hours;
use mlcost_web::pages::results::{Cell, Row, table};

use crate::charts::estimate_once;
use crate::charts::load::{Study, study_once};

thread_local! {
    /// The panel shown, unmounted when the next replaces it.
    static SHOWN: RefCell<Option<Box<dyn std::any::Any>>> = const { RefCell::new(None) };
}

/// Fills `host` with the latency panel of the scenario in `json`: the peak hour's percentiles
/// (or why there are none) and each hour's operating point.
pub fn show_panel(host: web_sys::HtmlElement, json: &str) {
    let study = study_once(json);
    let (hourly, has_load, split) =
        mlcost_web::header::price_sheet::with_book_now(|book, sheet| {
            let estimated = estimate_once((json, sheet), book).ok()?;
            let section = estimated.0.serving.as_ref()?;
            let has_load = section.requests_per_second.is_some()
                || section.traffic.is_some()
                || section.daily_requests.is_some();
            let serving = estimated.1.as_ref().ok()?.serving.as_ref()?;
            let split = section.disaggregation.is_some().then(|| serving.split.clone());
            Some((serving.hourly.clone(), has_load, split))
        })
        .unwrap_or_default();
    // The one shown before goes first: dropping its handle takes it out of the page.
    SHOWN.with_borrow_mut(|shown| *shown = None);
    host.set_text_content(None);
    let handle = leptos::mount::mount_to(host, move || {
        view! {
            <p class="hint">"Above, each point: 2,000 requests simulated one by one (Poisson arrivals, the scenario's lengths, continuous batching with chunked prefill and the KV cache's limits), from a trickle to the replica's capacity. Solid: the median (half the requests are faster); faint: the 99th percentile (99 in 100 are faster); dashed: the targets; grey: the peak hour's load per replica."</p>
            {peak_hour_table(&study, has_load)}
            {hourly_table(&hourly)}
            {split.map(|split| split_panel(split.as_ref()))}
        }
    });
    SHOWN.with_borrow_mut(|shown| *shown = Some(Box::new(handle)));
}

/// The peak hour on one replica, simulated: each latency's percentiles, or why there are none.
fn peak_hour_table(study: &Result<Study, String>, has_load: bool) -> AnyView {
    let peak = match study {
        Ok(Study { peak: Some(peak), peak_ms, .. }) => (*peak, *peak_ms),
        Ok(_) if has_load => {
            let why = "The peak hour is not simulated: no replica serves this load within the targets (the notes under the estimate say why).";
            return view! { <p class="hint" id="serving-latency-peak-status">{why}</p> }.into_any();
        }
        Ok(_) => {
            let why = "Give a load (requests per day or a rate) to simulate its peak hour.";
            return view! { <p class="hint" id="serving-latency-peak-status">{why}</p> }.into_any();
        }
        Err(why) => {
            let why = format!("The peak hour is not simulated: {why}.");
            return view! { <p class="hint" id="serving-latency-peak-status">{why}</p> }.into_any();
        }
    };
    let (peak, simulated_in) = peak;
    let row = |name: &str, p: Percentiles| Row {
        header: name.to_owned(),
        title: None,
        cells: [p.p50, p.p90, p.p99, p.mean]
            .map(|ms| Cell::number(format::milliseconds(ms)))
            .into(),
    };
    let rows = vec![
        row("Time to first token", peak.ttft_ms),
        row("Time per output token", peak.tpot_ms),
        row("Request, end to end", peak.e2e_ms),
    ];
    view! {
        <p class="hint" id="serving-latency-peak-about">{format!(
            "The peak hour on one replica: {} requests/s for {} ({} requests, {} preempted for lack of KV cache), seed {}; simulated here in {} ms.",
            format::trimmed(peak.requests_per_second),
            format::duration(Hours::new(peak.seconds / 3600.0)),
            format::count(peak.requests as f64),
            format::count(peak.preemptions as f64),
            peak.seed,
            format::whole(simulated_in),
        )}</p>
        {table("serving-latency-peak", "Latency at the peak hour, simulated",
            &["", "p50", "p90", "p99", "mean"], rows)}
    }
    .into_any()
}

/// Each hour's operating point: the batch its load keeps in flight on a replica and the latencies
/// there (typical requests, no queueing).
fn hourly_table(hourly: &[HourPlan]) -> Option<impl IntoView + use<>> {
    let missing = || format::MISSING.to_owned();
    let rows: Vec<Row> = hourly
        .iter()
        .map(|h| {
            let load = h.load;
            let ms = |pick: fn(&OperatingPoint) -> f64| {
                Cell::number(load.as_ref().map_or_else(missing, |p| format::milliseconds(pick(p))))
            };
            Row {
                header: format!("{:02}:00", h.hour),
                title: None,
                cells: vec![
                    Cell::number(format::trimmed(h.requests_per_second)),
                    Cell::number(format::whole(f64::from(h.replicas))),
                    Cell::number(load.map_or_else(missing, |p| format!("{:.1}", p.batch))),
                    ms(|p| p.ttft_ms.get()),
                    ms(|p| p.tpot_ms.get()),
                    ms(|p| p.e2e_ms.get()),
                ],
            }
        })
        .collect();
    (!rows.is_empty()).then(|| {
        view! {
            <details class="hourly">
                <summary>"Hour by hour: the requests each hour keeps in flight on a replica, and its typical latencies"</summary>
                {table("serving-hourly", "Each hour's operating point on one replica (no queueing: the simulation above adds it)",
                    &["Hour", "Requests/s", "Replicas", "In flight", "First token", "Per token", "Request"], rows)}
            </details>
        }
    })
}

/// Prefill and decode on separate pools, against the combined replicas: each pool's hardware,
/// instances and cost, and the latencies the split keeps; or why it is not priced.
fn split_panel(split: Option<&SplitServing>) -> AnyView {
    let Some(s) = split else {
        let why = "Prefill and decode apart are not priced: give a load and a price, and check that the model fits each pool's instance (the notes say what is missing).";
        return view! { <h3>"Prefill and decode apart"</h3><p class="hint" id="serving-split-status">{why}</p> }.into_any();
    };
    let row = |name: &str, p: &Pool| Row {
        header: name.to_owned(),
        title: None,
        cells: vec![
            Cell::text(match &p.offer {
                Some(offer) => {
                    format!("{} × {} ({offer})", p.accelerators_per_instance, p.accelerator)
                }
                None => format!("{} × {}", p.accelerators_per_instance, p.accelerator),
            }),
            Cell::number(format::trimmed(p.requests_per_second_per_instance)),
            Cell::number(format::whole(f64::from(p.instances_peak))),
            Cell::number(format::or_missing(p.monthly_cost_usd, format::usd)),
        ],
    };
    let rows = vec![row("Prefill", &s.prefill), row("Decode", &s.decode)];
    let limited = s.prefill_limited_by.as_deref().map_or_else(
        || "no first-token target, so the autoscaler's target utilisation alone".to_owned(),
        |field| {
            let label = mlcost_web::forms::input_label(field);
            format!("the {}", label.trim_end_matches(" (ms)").to_ascii_lowercase())
        },
    );
    let against = format!(
        "Together {} accelerator-hours a day, {} a month, against the combined replicas' {} and {} on the same terms (every accelerator-hour at its pool's price, before whole-instance billing).",
        format::whole(s.accelerator_hours_per_day),
        format::or_missing(s.monthly_cost_usd, format::usd),
        format::whole(s.combined_accelerator_hours_per_day),
        format::or_missing(s.combined_monthly_cost_usd, format::usd),
    );
    let latency = format!(
        "A prompt's KV cache crosses the link in {}. First token at the load the autoscaler holds a prefill instance to: median {}, p99 {}, mean {} (its queue simulated; what limits its load: {limited}). Every decode step of the largest batch meeting the per-token targets: {}.",
        format::milliseconds(s.kv_transfer_ms.get()),
        format::milliseconds(s.ttft_ms.p50),
        format::milliseconds(s.ttft_ms.p99),
        format::milliseconds(s.ttft_ms.mean),
        format::milliseconds(s.tpot_ms.get()),
    );
    view! {
        <h3>"Prefill and decode apart"</h3>
        {table("serving-split", "Each pool: an instance, the requests a second it serves, the instances at the busiest hour and the pool's cost",
            &["Pool", "An instance", "Requests/s each", "Instances", "A month"], rows)}
        <p class="hint" id="serving-split-against">{against}</p>
        <p class="hint">{latency}</p>
    }
    .into_any()
}
