//! Prefill and decode on separate pools (DistServe, arXiv 2401.09670; Splitwise, arXiv
//! 2311.18677), priced beside the combined replicas on the same accelerator and price.
//!
//! A prefill instance computes prompts one after another: its service time is one prompt's
//! compute, and its queue is M/D/1 (Poisson arrivals, fixed service), whose mean wait is
//! ρ / (2μ(1 − ρ)) (Pollaczek–Khinchine). The time to first token is that wait, the prompt, and
//! its KV cache sent to a decode instance over the link; the load a prefill instance takes is the
//! largest that keeps the mean within the first-token target. A decode instance runs the largest
//! batch whose step meets the per-token target, with no prompt interleaved to slow it: that is
//! the split's gain, against moving every prompt's cache. Each hour the autoscaler sizes each
//! pool by its own capacity, as it sizes the combined replicas.
//!
//! Why accelerator-hours for both? The split and the combined replicas are compared like for
//! like: every accelerator of every hour at the same price, without the whole-instance rounding
//! and scale-up lead the combined estimate's bill adds.

use crate::catalogue::pricing::PriceBook;
use crate::catalogue::shape::ResolvedModel;
use crate::scenario::resolve::serving::{ResolvedServing, Split, resolve_serving};
use crate::scenario::serving::{Serving, Slo};
use crate::serving::memory::{ReplicaSpec, largest_batch_meeting, size};
use crate::serving::replica::NETWORK_LATENCY_SECONDS;
use crate::serving::report::{Pool, ServingReport, SplitServing};
use crate::serving::traffic::{Policy, replica_count};
use crate::vocabulary::error::Error;
use crate::vocabulary::units::{DAYS_PER_MONTH, Fraction, Usd};

/// The load a queue with fixed service time `service` seconds takes while its mean wait stays
/// within `wait` seconds, as a share of its capacity: ρ / (2μ(1 − ρ)) = wait solved for ρ.
pub fn mdl_utilization(service: f64, wait: f64) -> f64 {
    if wait <= 0.0 || service <= 0.0 {
        return 0.0;
    }
    let x = 2.0 * wait / service;
    x / (1.0 + x)
}

/// Prices the split of `section` beside `report`, its estimate (the combined replicas), with a
/// note: `estimate_with`'s, not every estimate's, so that the app's first render, which shows
/// none of it, does not carry its code (its second module hands the note over).
pub fn add_to(
    model: ResolvedModel,
    section: &Serving,
    book: &PriceBook,
    report: &mut ServingReport,
) -> Result<(), Error> {
    if section.disaggregation.is_none() || report.requests_per_second_per_replica_at_slo <= 0.0 {
        return Ok(());
    }
    let run = resolve_serving(model, section, book)?;
    let Some(split) = run.split else { return Ok(()) };
    // The estimate's policy again; its defaults are in the report's assumptions already.
    let policy = Policy::new(&run.autoscaler, report.weights_bytes.get(), &mut Vec::new());
    let efficiencies = (report.compute_efficiency, report.bandwidth_efficiency);
    let combined = report.requests_per_second_per_replica_at_slo;
    let priced = price_split(&run, &split, combined, efficiencies, &policy)?;
    report.notes.extend(priced.as_ref().map(note));
    report.split = priced;
    Ok(())
}

/// What the split of prefill and decode would run, against the combined replicas.
pub fn note(s: &SplitServing) -> String {
    let share = if s.combined_accelerator_hours_per_day > 0.0 {
        format!(
            ", {:.0}% of the combined replicas' {:.0}",
            s.accelerator_hours_per_day / s.combined_accelerator_hours_per_day * 100.0,
            s.combined_accelerator_hours_per_day
        )
    } else {
        String::new()
    };
    format!(
        "prefill and decode apart: {} prefill and {} decode instances of {} and {} at the busiest hour, a prompt's KV cache sent in {:.1} ms; {:.0} accelerator-hours a day{share}",
        s.prefill.instances_peak,
        s.decode.instances_peak,
        s.prefill.accelerators_per_instance,
        s.decode.accelerators_per_instance,
        s.kv_transfer_ms,
        s.accelerator_hours_per_day
    )
}

/// The split of `run`, whose combined replicas serve `combined` requests a second each at the
/// targets; none when the run has no split, no load, or tokens to generate.
fn price_split(
    run: &ResolvedServing<'_>,
    split: &Split,
    combined: f64,
    efficiencies: (Fraction, Fraction),
    policy: &Policy,
) -> Result<Option<SplitServing>, Error> {
    let spec = |tensor: u32| ReplicaSpec {
        accelerator: run.accelerator,
        weight_format: run.weight_format,
        kv_format: run.kv_format,
        tensor,
        pipeline: 1,
        compute_efficiency: efficiencies.0,
        bandwidth_efficiency: efficiencies.1,
        draft: run.draft,
    };
    let model = &run.model;
    let prefill =
        size(model, run.requests, run.prefix_cache_hit_rate, &spec(split.prefill_tensor))?;
    let decode = size(model, run.requests, run.prefix_cache_hit_rate, &spec(split.decode_tensor))?;
    let crate::scenario::resolve::serving::Requests::Tokens { input, output } = run.requests else {
        return Ok(None);
    };
    if !(prefill.fits && decode.fits) {
        return Ok(None);
    }
    // A prompt alone: its compute (or one read of the weights), then the step emitting its
    // first token; prompts queue one after another.
    let alone = prefill.replica.point(1);
    let step = alone.tpot_ms.get() / 1e3 * prefill.replica.tokens_per_step();
    let service = alone.ttft_ms.get() / 1e3 - step;
    let transfer =
        input * prefill.kv_per_token / split.link_bytes_per_second + NETWORK_LATENCY_SECONDS;
    let first_step = decode.replica.point(1).tpot_ms.get() / 1e3;
    let ttft_target = run.slo.ttft_ms.map(|t| t.get() / 1e3);
    let utilization = match ttft_target {
        Some(target) => mdl_utilization(service, target - service - transfer - first_step),
        None => 1.0,
    };
    let prefill_capacity = utilization / service;
    // Decode: the largest batch whose step meets the per-token target, no prompt in between.
    let largest = decode.max_concurrent.max(1);
    let ceiling = run.max_batch.map_or(largest, |cap| cap.min(largest));
    let per_token = Slo { tpot_ms: run.slo.tpot_ms, ..Slo::default() };
    let batch = largest_batch_meeting(&decode.replica, &per_token, ceiling);
    let at = decode.replica.point(batch.max(1));
    let tpot = at.tpot_ms.get() / 1e3;
    let decode_capacity = if batch > 0 { f64::from(batch) / (output * tpot) } else { 0.0 };
    let Some(rates) =
        run.rates.as_ref().filter(|_| prefill_capacity > 0.0 && decode_capacity > 0.0)
    else {
        return Ok(None);
    };
    let accelerators = |tensor: u32| f64::from(tensor);
    let (mut hours, mut combined_hours, mut peak) = (0.0, 0.0, (0.0f64, 0.0f64));
    let per_replica = f64::from(run.tensor * run.pipeline);
    for &rate in rates {
        let p = replica_count(rate, prefill_capacity, policy);
        let d = replica_count(rate, decode_capacity, policy);
        peak = (peak.0.max(p), peak.1.max(d));
        hours += p * accelerators(split.prefill_tensor) + d * accelerators(split.decode_tensor);
        if combined > 0.0 {
            combined_hours += replica_count(rate, combined, policy) * per_replica;
        }
    }
    let price = run.pricing.as_ref().map(|p| p.price.get());
    let monthly = |h: f64| price.map(|price| Usd::new(h * price * DAYS_PER_MONTH));
    let wait =
        if utilization < 1.0 { service * utilization / (2.0 * (1.0 - utilization)) } else { 0.0 };
    let count = |n: f64| n.min(f64::from(u32::MAX)) as u32;
    Ok(Some(SplitServing {
        prefill: Pool {
            accelerators_per_instance: split.prefill_tensor,
            requests_per_second_per_instance: prefill_capacity,
            instances_peak: count(peak.0),
        },
        decode: Pool {
            accelerators_per_instance: split.decode_tensor,
            requests_per_second_per_instance: decode_capacity,
            instances_peak: count(peak.1),
        },
        kv_transfer_ms: transfer * 1e3,
        ttft_ms: (wait + service + transfer + first_step) * 1e3,
        tpot_ms: tpot * 1e3,
        accelerator_hours_per_day: hours,
        combined_accelerator_hours_per_day: combined_hours,
        monthly_cost_usd: monthly(hours),
        combined_monthly_cost_usd: (combined > 0.0).then(|| monthly(combined_hours)).flatten(),
    }))
}
