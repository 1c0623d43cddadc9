//! Serving cost: what one replica holds and how fast it serves (memory, prefill/decode roofline,
//! latency targets), how many replicas a day of traffic needs under an autoscaling policy, and what
//! that costs a month — per plan, as a committed baseline plus burst, and against hosted APIs.
//!
//! The parts, in the order an estimate uses them: `replica` (roofline), `traffic` (the day and
//! the autoscaler), `money` (plans, mix, APIs).

use crate::catalogue::hardware::{Accelerator, Generation};
use crate::scenario::resolve::serving::ResolvedServing;
use crate::vocabulary::error::Error;
use crate::vocabulary::provenance::{Assumption, Sourced};
use crate::vocabulary::units::{Bytes, Fraction, HOURS_PER_DAY, KilowattHours};
use report::{ServingMemory, ServingReport};

pub mod calibration;
mod day;
#[cfg(feature = "simulation")]
pub mod latency;
mod memory;
mod money;
pub mod operating;
// Without the simulation, what sizes by it is unused (and left out of the build).
#[cfg_attr(not(feature = "simulation"), allow(dead_code))]
pub mod percentile;
pub mod ranges;
mod replica;
pub mod report;
pub mod search;
#[cfg_attr(not(feature = "simulation"), allow(dead_code))]
pub mod simulate;
pub mod speed_fitted;
pub mod split;
pub mod spread;
mod traffic;

pub use crate::scenario::resolve::serving::{DEFAULT_PEAK_TO_MEAN, DEFAULT_TARGET_UTILIZATION};
pub use crate::vocabulary::units::HOURS_PER_MONTH;
pub use money::{ApiComparison, Mix, ServingPlanCost, VolumeCost};
pub use replica::{ALL_REDUCE_LATENCY_SECONDS, BatchPoint, NETWORK_LATENCY_SECONDS};
pub use traffic::{
    HourPlan, REPLICA_START_SECONDS, SCALE_DOWN_MINUTES, WEIGHT_LOAD_BYTES_PER_SECOND,
};

pub use day::COST_CURVE_POINTS;
pub use memory::{MAX_BATCH_WITHOUT_KV_CACHE, MEMORY_UTILIZATION};

use crate::scenario::resolve::serving::Requests;
use day::{Day, PricedDay, price_the_day};
use memory::{ReplicaSpec, Sized, largest_batch_meeting, size};
use operating::operating_point;
use percentile::PercentileSizing;
use replica::{Crossing, Work};
use traffic::Policy;

/// Default fraction of peak FLOP/s reached on Hopper and every accelerator without serving
/// measurements of its own. Calibrated: TensorRT-LLM serves Llama-3.1-8B in FP8 on one H100 at 28,312
/// output tokens/s for 128/128-token requests (NVIDIA TensorRT-LLM docs, performance/perf-overview.md,
/// throughput table), which this roofline reaches at 46% of the FP8 peak.
pub const DEFAULT_COMPUTE_EFFICIENCY: Sourced<f64> = Sourced {
    value: 0.46,
    source: "calibrated on TensorRT-LLM's Llama-3.1-8B FP8 max throughput on one H100 (NVIDIA perf overview)",
    as_of: "2026-11-29",
};

/// Default fraction of peak FLOP/s reached on Ampere (A100, A10, A10G). Calibrated: TensorRT-LLM
/// v0.14 serves Llama-3.1-8B in FP16 on one A100-SXM4-80GB at 6,701.8 output tokens/s for 128/128
/// (the same perf-overview page, v0.14.0 table), which this roofline reaches at 69% of the 16-bit
/// peak. Why higher than Hopper's? Ampere's smaller peak is easier to feed: the same pattern as
/// training, where A100 runs reach a larger share of peak than H100 runs (see `mfu`).
pub const DEFAULT_COMPUTE_EFFICIENCY_AMPERE: Sourced<f64> = Sourced {
    value: 0.69,
    source: "calibrated on TensorRT-LLM v0.14's Llama-3.1-8B FP16 max throughput on one A100 (NVIDIA perf overview)",
    as_of: "2026-11-29",
};

/// The calibrated compute efficiency for an accelerator's generation, before its architecture's
/// factor (`default_efficiencies`).
pub fn calibrated_compute_efficiency(accelerator: &Accelerator) -> Sourced<f64> {
    match Generation::of(accelerator) {
        Generation::Ampere => DEFAULT_COMPUTE_EFFICIENCY_AMPERE,
        Generation::Hopper => DEFAULT_COMPUTE_EFFICIENCY,
    }
}

/// The default engine efficiencies on an accelerator: the calibrated ones times its
/// architecture's speed factor (`calibration`: the median speed of published measurements on it
/// against them), the bandwidth's at most 1. Each with the sentence saying where it comes from.
pub fn default_efficiencies(accelerator: &Accelerator) -> [(f64, String); 2] {
    let architecture = accelerator.architecture.as_str();
    let fitted = speed_fitted::ARCHITECTURES.iter().find(|(name, _, _)| *name == architecture);
    let (factor, measured) = match fitted {
        Some((_, factor, count)) => {
            (*factor, format!("{count} published measurements on {architecture}"))
        }
        None => (
            speed_fitted::POOLED.0,
            format!(
                "all {} published measurements (too few on {architecture})",
                speed_fitted::POOLED.1
            ),
        ),
    };
    let compute = calibrated_compute_efficiency(accelerator);
    let of = |calibrated: Sourced<f64>| {
        (
            (calibrated.value * factor).min(1.0),
            format!(
                "{} ({}), times {factor:.2}: the median speed of {measured} against it (mlcost validate)",
                calibrated.source, calibrated.as_of
            ),
        )
    };
    [of(compute), of(DEFAULT_BANDWIDTH_EFFICIENCY)]
}

/// Default fraction of memory bandwidth reached: llm-analysis's value, with which it reproduces a
/// measured Llama-2-70B on 2×A100-80GB at 25.6 tokens/s (cli99/llm-analysis, examples/llama2).
pub const DEFAULT_BANDWIDTH_EFFICIENCY: Sourced<f64> = Sourced {
    value: 0.9,
    source: "llm-analysis's HBM efficiency, reproducing a measured Llama-2-70B on 2×A100 (cli99/llm-analysis)",
    as_of: "2026-11-29",
};

/// What a note says of a replica that spans instances of `offer`: over which link, what crosses it,
/// and what it adds to each output token at `batch`; or that the link is not priced.
fn crossing_note(
    offer: &crate::catalogue::pricing::Offer,
    replica: &replica::Replica<'_>,
    batch: u32,
) -> String {
    let spans = format!(
        "a replica of {} accelerators spans instances of {} ({} each)",
        replica.tensor_parallel * replica.pipeline,
        offer.id(),
        offer.accelerator_count
    );
    let (Some(network), Some(crossing)) = (&offer.network, replica.crossing) else {
        return format!(
            "{spans}; the catalogue has no network figure for this offer, so the traffic between them is not priced"
        );
    };
    let technology = network.technology.as_deref().map_or(String::new(), |t| format!(" ({t})"));
    let mut crosses = Vec::new();
    if crossing.pipeline_hops > 0 {
        crosses.push(format!(
            "{} pipeline boundar{} between instances send{} activations across",
            crossing.pipeline_hops,
            if crossing.pipeline_hops == 1 { "y" } else { "ies" },
            if crossing.pipeline_hops == 1 { "s" } else { "" },
        ));
    }
    if crossing.tensor_across {
        crosses.push(format!(
            "tensor parallelism of {} is wider than an instance, so its all-reduces cross too (keep it within {})",
            replica.tensor_parallel, offer.accelerator_count
        ));
    }
    format!(
        "{spans}, {} in all, over their {:.0} Gbps network{technology}: {}, adding {:.2} ms to each output token at batch {batch} ({:.0} µs a crossing however small, an estimate)",
        crossing.instances,
        network.gbps,
        crosses.join("; "),
        replica.network_seconds_per_step(batch) * 1e3,
        NETWORK_LATENCY_SECONDS * 1e6,
    )
}

/// One replica of `run` sized at these efficiencies; priced on an offer, a replica wider than its
/// instances crosses their network.
fn replica_of<'r>(
    run: &'r ResolvedServing<'_>,
    compute_efficiency: Fraction,
    bandwidth_efficiency: Fraction,
) -> Result<Sized<'r>, Error> {
    let (tp, pp) = (run.tensor, run.pipeline);
    let spec = ReplicaSpec {
        accelerator: run.accelerator,
        weight_format: run.weight_format,
        kv_format: run.kv_format,
        tensor: tp,
        pipeline: pp,
        compute_efficiency,
        bandwidth_efficiency,
        draft: run.draft,
    };
    let mut sized = size(&run.model, run.requests, run.prefix_cache_hit_rate, &spec)?;
    let offer = run.pricing.as_ref().and_then(|p| p.sold);
    if let Some(offer) = offer.filter(|o| tp * pp > o.accelerator_count) {
        sized.replica.crossing = offer.network.as_ref().and_then(|network| {
            Crossing::of(tp, pp, offer.accelerator_count, network.bytes_per_second())
        });
    }
    Ok(sized)
}

/// Tokens one continuous-batching step computes, by vLLM's OpenAI server's defaults
/// (`EngineArgs.get_batch_defaults`): 8,192 on accelerators of 70 GiB or more other than the A100
/// (for which a larger budget lowered throughput, vLLM pull request #17885), 2,048 on the rest.
pub fn default_token_budget(accelerator: &Accelerator) -> u32 {
    let large = accelerator.memory_bytes.get() >= 70.0 * 1_073_741_824.0;
    if large && accelerator.chip != "ga100" { 8192 } else { 2048 }
}

/// The traffic a simulation of one replica runs: arrivals, lengths' spread, the seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traffic {
    /// Seed of the random arrivals and lengths: the same seed gives the same run.
    pub seed: u64,
    /// Requests a second at the replica.
    pub rate: f64,
    /// Seconds of arrivals to simulate, cut short at `MAX_SIMULATED_REQUESTS` arrivals.
    pub seconds: f64,
    /// Squared coefficient of variation of the gaps between arrivals (1: Poisson).
    pub burstiness: f64,
    /// The prompts' and outputs' standard deviation over their mean (0: the scenario's lengths).
    pub input_spread: f64,
    /// The outputs' standard deviation over their mean (0: every output the scenario's length).
    pub output_spread: f64,
}

/// Requests a simulation over an hour or more runs at most; beyond, the window shortens to this
/// many arrivals (`Latency::seconds` says how long it was). Why? Memory grows with the requests.
pub const MAX_SIMULATED_REQUESTS: f64 = 400_000.0;
/// Steps a simulation runs at most before arrivals stop: a trickle of long outputs takes a step
/// per token of every request (about 0.2 µs a step natively).
pub const MAX_SIMULATED_STEPS: u64 = 2_000_000;

/// Simulates one replica of a resolved serving section under `traffic` (see `simulate`): the
/// scenario's request lengths as means, its efficiencies or the defaults, the largest batch and
/// KV cache memory allows (capped by `max_batch`), and vLLM's token budget a step.
pub fn simulate_replica(
    run: &ResolvedServing<'_>,
    traffic: &Traffic,
) -> Result<simulate::Simulation, Error> {
    let sized = sized_at_defaults(run)?;
    let rate = if traffic.rate.is_finite() { traffic.rate.max(0.0) } else { 0.0 };
    let seconds = if rate > 0.0 { traffic.seconds.min(MAX_SIMULATED_REQUESTS / rate) } else { 0.0 };
    let settings = simulate::Settings {
        seed: traffic.seed,
        rate,
        seconds,
        burstiness: traffic.burstiness,
        max_steps: MAX_SIMULATED_STEPS,
        ..simulation_base(run, &sized, traffic.input_spread, traffic.output_spread)
    };
    Ok(simulate::simulate(&sized.replica, &settings))
}

/// `run`'s replica at its efficiencies, the defaults where it gives none.
fn sized_at_defaults<'r>(run: &'r ResolvedServing<'_>) -> Result<Sized<'r>, Error> {
    let [(compute, _), (bandwidth, _)] = default_efficiencies(run.accelerator);
    let compute = run.compute_efficiency.unwrap_or(Fraction::new(compute));
    let bandwidth = run.bandwidth_efficiency.unwrap_or(Fraction::new(bandwidth));
    replica_of(run, compute, bandwidth)
}

/// What a simulation of `run`'s replica runs, but its arrivals: the scenario's lengths as means
/// with these spreads, vLLM's token budget, the batch cap and the KV cache's tokens.
fn simulation_base(
    run: &ResolvedServing<'_>,
    sized: &Sized<'_>,
    input_spread: f64,
    output_spread: f64,
) -> simulate::Settings {
    let (input, output) = match run.requests {
        Requests::Tokens { input, output } => (input, output),
        Requests::Forward { .. } => (1.0, 1.0),
    };
    let largest = sized.max_concurrent.max(1);
    let kv_tokens = if sized.kv_per_token > 0.0 {
        ((sized.usable - sized.weights) / sized.kv_per_token).max(0.0)
    } else {
        f64::from(largest) * (input + output)
    };
    simulate::Settings {
        seed: percentile::SEED,
        rate: 0.0,
        seconds: 0.0,
        burstiness: 1.0,
        input: simulate::Lengths { mean: input, spread: input_spread },
        output: simulate::Lengths { mean: output, spread: output_spread },
        token_budget: default_token_budget(run.accelerator),
        max_batch: run.max_batch.map_or(largest, |cap| cap.min(largest)),
        kv_capacity_tokens: kv_tokens,
        max_steps: MAX_SIMULATED_STEPS,
    }
}

/// Estimates a resolved serving section. Its fields are checked: it fails only on results out of
/// range.
pub fn estimate(resolved: ResolvedServing<'_>) -> Result<ServingReport, Error> {
    estimate_sized(resolved, 1.0, None)
}

/// [`estimate`] with the percentile sizing given, as an engine with the simulation worked it out
/// for the same section (the app's second module, for its first render): used when its capacity
/// without the percentile targets is this replica's, else worked out here, or, in a build without
/// the simulation, left out with a note.
pub fn estimate_with_sizing(
    resolved: ResolvedServing<'_>,
    sizing: Option<&PercentileSizing>,
) -> Result<ServingReport, Error> {
    estimate_sized(resolved, 1.0, sizing)
}

/// [`estimate`] with the replica's compute and memory both `speedup` times faster: how the
/// advisor prices a technique whose measured end-to-end gain is published (2:4 sparsity) but
/// which the roofline does not model.
pub(crate) fn estimate_with_speedup(
    resolved: ResolvedServing<'_>,
    speedup: f64,
) -> Result<ServingReport, Error> {
    estimate_sized(resolved, speedup, None)
}

fn estimate_sized(
    resolved: ResolvedServing<'_>,
    speedup: f64,
    given: Option<&PercentileSizing>,
) -> Result<ServingReport, Error> {
    let run = &resolved;
    let accelerator = run.accelerator;
    let mut assumptions = Vec::with_capacity(run.assumptions.len() + 3);
    let [compute_default, bandwidth_default] =
        match (run.compute_efficiency, run.bandwidth_efficiency) {
            (Some(_), Some(_)) => [(0.0, String::new()), (0.0, String::new())],
            _ => default_efficiencies(accelerator),
        };
    let mut defaulted =
        |given: Option<Fraction>, field: &'static str, (value, source): (f64, String)| {
            given.unwrap_or_else(|| {
                assumptions.push(Assumption {
                    field: field.into(),
                    value,
                    source: source.into(),
                    as_of: None,
                });
                Fraction::new(value)
            })
        };
    let compute_efficiency =
        defaulted(run.compute_efficiency, "serving.engine_efficiency.compute", compute_default);
    let bandwidth_efficiency = defaulted(
        run.bandwidth_efficiency,
        "serving.engine_efficiency.bandwidth",
        bandwidth_default,
    );
    let (tp, pp) = (run.tensor, run.pipeline);
    let sized = replica_of(run, compute_efficiency, bandwidth_efficiency)?;
    #[cfg(feature = "simulation")]
    let simulation = simulation_base(run, &sized, 0.0, 0.0);
    let Sized {
        mut replica,
        fits,
        max_concurrent,
        weights,
        kv_per_token,
        per_sequence,
        capacity,
        usable,
    } = sized;
    replica.stage_flops *= speedup;
    replica.stage_bandwidth *= speedup;
    let count = f64::from(tp * pp);
    let per_replica = tp * pp;
    let mut notes = Vec::new();
    let spans =
        run.pricing.as_ref().and_then(|p| p.sold).filter(|o| per_replica > o.accelerator_count);
    let largest = max_concurrent.max(1);
    // Powers of two up to the largest batch, then the largest itself: ascending, each once.
    let mut batches: Vec<u32> = (0..32).map(|p| 1u32 << p).take_while(|b| *b <= largest).collect();
    if batches.last() != Some(&largest) {
        batches.push(largest);
    }
    let curve: Vec<BatchPoint> = batches.iter().map(|b| replica.point(*b)).collect();
    let batch_at_slo = largest_batch_meeting(
        &replica,
        &run.slo,
        run.max_batch.map_or(largest, |cap| cap.min(largest)),
    );
    let shown = replica.point(batch_at_slo.max(1));
    let best = |metric: fn(&BatchPoint) -> f64| {
        if fits { curve.iter().map(metric).fold(0.0, f64::max) } else { 0.0 }
    };
    let ceiling = run.max_batch.map_or(largest, |cap| cap.min(largest));
    let servable = fits && batch_at_slo > 0;
    notes.extend(spans.map(|offer| crossing_note(offer, &replica, batch_at_slo.max(1))));
    if batch_at_slo == 0 {
        notes.push("no batch meets the SLO, not even one request at a time: latencies shown are for batch 1".to_owned());
    }
    if !fits {
        notes.push("the weights and one full-length sequence's KV cache do not fit: add tensor parallelism or a smaller format".to_owned());
    }
    if matches!(replica.work, Work::Forward { .. }) {
        notes.push(format!("batches of at most {MAX_BATCH_WITHOUT_KV_CACHE} requests (estimate; activation memory is not sized)"));
    }
    if let Some(draft) = &run.draft {
        notes.push(format!(
            "speculative decoding: {:.2} tokens a step ({} drafted, each accepted at {:.2}; Leviathan et al. 2023), for the draft's passes and memory",
            draft.tokens_per_step(),
            draft.draft_tokens,
            draft.acceptance_rate
        ));
    }
    let kv_total = f64::from(max_concurrent) * per_sequence;
    assumptions.extend(run.assumptions.iter().cloned());
    let policy = Policy::new(&run.autoscaler, weights, &mut assumptions);
    // Percentile targets: the rate a replica keeps them at, simulated, sizes the replicas.
    let without = shown.requests_per_second;
    let given =
        given.filter(|s| (s.capacity_without_percentiles - without).abs() <= 1e-9 * without);
    let sizing = match given {
        Some(sizing) => Some(sizing.clone()),
        #[cfg(feature = "simulation")]
        None if servable => percentile::size(&replica, &simulation, run, without, ceiling, &policy),
        #[cfg(not(feature = "simulation"))]
        None if run.slo.has_percentiles() => {
            notes.push(percentile::NOT_SIMULATED.into());
            None
        }
        None => None,
    };
    let share = sizing.as_ref().map_or(1.0, PercentileSizing::share);
    let servable = servable && share > 0.0;
    notes.extend(sizing.iter().flat_map(|s| s.notes.iter().cloned()));
    // A replica's requests and tokens a second at the targets.
    let at_slo =
        |metric: fn(&BatchPoint) -> f64| if servable { metric(&shown) * share } else { 0.0 };
    let mut day = match (&run.rates, &run.pricing) {
        (Some(rates), Some(pricing)) if servable => price_the_day(Day {
            run,
            rates,
            replica: &replica,
            capacity: at_slo(|p| p.requests_per_second),
            batch_at_slo,
            accelerators_per_replica: per_replica,
            policy,
            pricing,
        })?,
        (Some(_), _) => {
            notes.push("not priced: the replica cannot serve these requests (see above)".into());
            PricedDay::default()
        }
        (None, _) => PricedDay::default(),
    };
    notes.extend(std::mem::take(&mut day.notes));
    // Each hour's operating point at its load per replica; the peak hour's is the report's.
    let output = match run.requests {
        Requests::Tokens { output, .. } => output,
        Requests::Forward { .. } => 1.0,
    };
    for hour in &mut day.hourly {
        hour.load = Some(operating_point(&replica, hour.per_replica(), ceiling, output));
    }
    let peak = traffic::busiest_per_replica(&day.hourly).and_then(|h| h.load);
    // The replicas are sized by the batch meeting the SLO with prompts aside; at the peak hour's
    // load the prompts interleaved with decoding can push the latencies past it.
    if let Some(p) = peak.filter(|p| !p.saturated) {
        let missed: Vec<String> = [
            ("first token", p.ttft_ms, run.slo.ttft_ms),
            ("output token", p.tpot_ms, run.slo.tpot_ms),
        ]
        .into_iter()
        .filter_map(|(what, at, target)| {
            let target = target?;
            (at > target)
                .then(|| format!("{what} {:.1} ms against {:.1} ms", at.get(), target.get()))
        })
        .collect();
        if !missed.is_empty() {
            notes.push(format!(
                "at the peak hour's load the latencies miss the SLO ({}): the replicas are sized by the batch meeting it, and other requests' prompts, interleaved with decoding, slow every step; lower the autoscaler's target utilisation",
                missed.join(", ")
            ));
        }
    }
    if let Some(owned) = run.pricing.as_ref().and_then(|p| p.owned.as_ref()) {
        notes.push(owned.note.clone());
        let busiest = day.replicas_peak.unwrap_or(0).saturating_mul(per_replica);
        if busiest > owned.accelerators {
            notes.push(format!(
                "the busiest hour needs {busiest} accelerators, more than the owned servers' {}: buy more servers (owned.servers), or rent the rest",
                owned.accelerators
            ));
        }
        // The owned price spreads the idle hours over the used ones at the owned section's
        // utilisation: when this day alone uses less, the rest is assumed to be other work's.
        let replica_hours: f64 = day.hourly.iter().map(|h| h.replica_hours.get()).sum();
        let used = replica_hours * f64::from(per_replica)
            / (f64::from(owned.accelerators.max(1)) * HOURS_PER_DAY as f64);
        let assumed = owned.section.utilization;
        if used + 0.05 < assumed {
            notes.push(format!(
                "this day uses {:.0}% of the owned accelerator-hours; the owned price assumes {:.0}% (owned.utilization): other work must use the rest, or each used hour costs more",
                used * 100.0,
                assumed * 100.0
            ));
        }
    }
    if peak.is_some_and(|p| p.saturated) {
        notes.push("at the peak hour's load a replica needs more than its largest batch: requests queue without bound (latencies shown are the largest batch's)".into());
    }
    let (ttft_ms, tpot_ms) =
        peak.map_or((shown.ttft_ms, shown.tpot_ms), |p| (p.ttft_ms, p.tpot_ms));
    // The month's energy at board power over every replica-hour the day bills (an upper bound:
    // a serving accelerator rarely draws its full board power), and what its grid emits.
    let energy_kwh_per_month = match (run.power, accelerator.board_power_watts) {
        (Some((pue, _)), Some(watts)) => day.replica_hours_per_day.map(|hours| {
            let per_day = hours.get() * f64::from(per_replica) * watts.get() / 1e3 * pue;
            KilowattHours::new(per_day * HOURS_PER_MONTH / HOURS_PER_DAY as f64)
        }),
        _ => None,
    };
    let carbon_kg_co2e_per_month =
        energy_kwh_per_month.zip(run.power).map(|(kwh, (_, grid))| kwh * grid);
    let ResolvedServing { model, .. } = resolved;
    Ok(ServingReport {
        model: model.name,
        accelerators_per_replica: per_replica,
        weights_bytes: Bytes::new(weights),
        kv_cache_bytes_per_token: Bytes::new(kv_per_token),
        memory_per_accelerator_bytes: Bytes::new((weights + kv_total) / count),
        memory: ServingMemory {
            weights_bytes: Bytes::new(weights / count),
            kv_cache_bytes: Bytes::new(kv_total / count),
            runtime_reserve_bytes: Bytes::new((capacity - usable) / count),
            capacity_bytes: accelerator.memory_bytes,
        },
        fits_in_memory: fits,
        max_concurrent_sequences: max_concurrent,
        ttft_ms,
        tpot_ms,
        at_peak: peak,
        latency: None,
        percentile_sizing: sizing,
        split: None,
        batch_at_slo,
        max_output_tokens_per_second_per_replica: best(|p| p.output_tokens_per_second),
        output_tokens_per_second_per_replica_at_slo: at_slo(|p| p.output_tokens_per_second),
        max_requests_per_second_per_replica: best(|p| p.requests_per_second),
        requests_per_second_per_replica_at_slo: at_slo(|p| p.requests_per_second),
        latency_vs_batch: curve,
        compute_efficiency,
        bandwidth_efficiency,
        hourly: day.hourly,
        requests_per_day: day.requests_per_day,
        unserved_requests_per_day: day.unserved_requests_per_day,
        replicas_peak: day.replicas_peak,
        replica_hours_per_day: day.replica_hours_per_day,
        utilization: day.utilization,
        monthly_cost_usd: day.monthly_cost_usd,
        energy_kwh_per_month,
        carbon_kg_co2e_per_month,
        static_peak_monthly_cost_usd: day.static_peak_monthly_cost_usd,
        cost_per_million_output_tokens_usd: day.cost_per_million_output_tokens_usd,
        cost_per_million_input_tokens_usd: day.cost_per_million_input_tokens_usd,
        cost_per_thousand_requests_usd: day.cost_per_thousand_requests_usd,
        by_plan: day.by_plan,
        mix: day.mix,
        best_mix: day.best_mix,
        api_comparison: day.api_comparison,
        cost_vs_volume: day.cost_vs_volume,
        price_per_accelerator_hour: day.price_per_accelerator_hour,
        offer: day.offer,
        assumptions,
        notes,
        ranges: None,
        sensitivity: Vec::new(),
    })
}
