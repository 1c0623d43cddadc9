//! Prefill and decode on separate pools (DistServe, arXiv 2401.09670; Splitwise, arXiv
//! 2311.18677), priced beside the combined replicas: each pool on its own accelerator, layout and
//! price, the ratio of the pools set by the latency targets.
//!
//! A prefill instance computes prompts one after another: its service time is one prompt's
//! compute, and its queue is M/D/1 (Poisson arrivals, fixed service), whose mean wait is
//! ρ / (2μ(1 − ρ)) (Pollaczek–Khinchine) and whose percentiles are simulated (Lindley's
//! recursion). The time to first token is that wait, the prompt, and its KV cache sent to a decode
//! instance over the link; the load a prefill instance takes is the largest that keeps the first
//! token within every target, mean and percentiles. A decode instance runs the largest batch whose
//! step meets every per-token target, with no prompt interleaved to slow it: every step then
//! meets them, so every percentile does. That is the split's gain, against moving every prompt's
//! cache. Each hour the autoscaler sizes each pool by its own capacity, as it sizes the combined
//! replicas.
//!
//! Why accelerator-hours for both? The split and the combined replicas are compared like for
//! like: every accelerator of every hour at its pool's price, without the whole-instance rounding
//! and scale-up lead the combined estimate's bill adds.

use crate::catalogue::pricing::PriceBook;
use crate::catalogue::shape::ResolvedModel;
use crate::scenario::resolve::owned::ResolvedOwned;
use crate::scenario::resolve::serving::{Requests, ResolvedServing, resolve_serving};
use crate::scenario::resolve::split::{PoolHardware, Section, Split, link};
use crate::scenario::serving::{Disaggregation, Serving, Slo};
use crate::serving::default_efficiencies;
use crate::serving::memory::{ReplicaSpec, largest_batch_meeting, size};
use crate::serving::percentile::SEED;
use crate::serving::replica::NETWORK_LATENCY_SECONDS;
use crate::serving::report::{Pool, ServingReport, SplitServing};
use crate::serving::simulate::{Percentiles, queue_waits};
use crate::serving::traffic::{Policy, replica_count};
use crate::vocabulary::error::Error;
use crate::vocabulary::units::{DAYS_PER_MONTH, Fraction, Milliseconds, Usd};

/// Prompts the prefill queue's simulation runs: a 99th percentile from its 200 longest waits.
const QUEUE_REQUESTS: u32 = 20_000;

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
    owned: Option<&ResolvedOwned>,
) -> Result<(), Error> {
    if section.disaggregation.is_none() || report.requests_per_second_per_replica_at_slo <= 0.0 {
        return Ok(());
    }
    let run = resolve_serving(model, section, book, owned)?;
    let Some(split) = &run.split else { return Ok(()) };
    // The estimate's policy again; its defaults are in the report's assumptions already.
    let policy = Policy::new(&run.autoscaler, report.weights_bytes.get(), &mut Vec::new());
    let (prefill, decode) = (instance(&run, &split.prefill)?, instance(&run, &split.decode)?);
    let pools = Pools { split, prefill: &prefill, decode: &decode };
    let combined = report.requests_per_second_per_replica_at_slo;
    let priced = price_split(&run, &pools, combined, &policy, &mut Waits::new());
    report.notes.extend(priced.as_ref().map(note));
    report.split = priced;
    Ok(())
}

/// The cheapest split of `section` the advisor finds, with the pools that give it: each pool on
/// the section's offer or another of its provider's whose network is known, sold under its plan,
/// at each power-of-two tensor degree an instance holds. None when the section is not priced by
/// an offer whose network is known, or no split serves.
pub fn cheapest(
    model: ResolvedModel,
    section: &Serving,
    book: &PriceBook,
    report: &ServingReport,
) -> Option<(Disaggregation, SplitServing)> {
    let combined = report.requests_per_second_per_replica_at_slo;
    let run = resolve_serving(model, section, book, None).ok()?;
    let pricing = run.pricing.as_ref()?;
    let own = pricing.sold.filter(|o| o.network.is_some())?;
    let plan = pricing.offer.as_ref()?.plan;
    let region = section.region.as_deref();
    let policy = Policy::new(&run.autoscaler, report.weights_bytes.get(), &mut Vec::new());
    let section = Section {
        serving: section,
        book,
        replicas: (run.accelerator, run.tensor),
        pricing: Some(pricing),
    };
    let fields = ["serving.disaggregation.prefill_offer", "serving.disaggregation.prefill_tensor"];
    // Each pool sized once; those the model does not fit left out.
    let mut pools = Vec::new();
    for offer in book.offers.iter().filter(|o| o.provider == own.provider && o.network.is_some()) {
        if book.price(offer, plan, region).is_none() {
            continue;
        }
        let id = offer.id();
        for tensor in (0..8).map(|p| 1u32 << p).take_while(|t| *t <= offer.accelerator_count) {
            let Ok(hardware) = section.pool(Some(&id), Some(tensor), fields) else { continue };
            match instance(&run, &hardware) {
                Ok(sized) if sized.fits => pools.push((hardware, sized)),
                _ => {}
            }
        }
    }
    let mut waits = Waits::new();
    let mut best: Option<(Disaggregation, SplitServing)> = None;
    for (prefill_hardware, prefill) in &pools {
        for (decode_hardware, decode) in &pools {
            let Ok(link) = link(prefill_hardware, decode_hardware, None) else { continue };
            let split = Split {
                prefill: prefill_hardware.clone(),
                decode: decode_hardware.clone(),
                link_bytes_per_second: link,
            };
            let pools = Pools { split: &split, prefill, decode };
            let Some(priced) = price_split(&run, &pools, combined, &policy, &mut waits) else {
                continue;
            };
            let cost = |s: &SplitServing| s.monthly_cost_usd.map_or(f64::INFINITY, Usd::get);
            if best.as_ref().is_none_or(|(_, b)| cost(&priced) < cost(b)) {
                let chosen = Disaggregation {
                    prefill_tensor: Some(split.prefill.tensor),
                    decode_tensor: Some(split.decode.tensor),
                    prefill_offer: split.prefill.offer.clone(),
                    decode_offer: split.decode.offer.clone(),
                    link_gbps: None,
                };
                best = Some((chosen, priced));
            }
        }
    }
    best
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
        "prefill and decode apart: {} at the busiest hour, a prompt's KV cache sent in {:.1} ms; {:.0} accelerator-hours a day{share}",
        pools(s),
        s.kv_transfer_ms.get(),
        s.accelerator_hours_per_day
    )
}

/// The two pools at the busiest hour, in words: "18 prefill instances of 4 h100-sxm on
/// aws:p5.48xlarge and 3 decode instances of 8 a100-40gb on aws:p4d.24xlarge".
pub fn pools(s: &SplitServing) -> String {
    let pool = |p: &Pool, phase: &str| {
        let on = p.offer.as_deref().map_or(String::new(), |o| format!(" on {o}"));
        format!(
            "{} {phase} instance{} of {} {}{on}",
            p.instances_peak,
            if p.instances_peak == 1 { "" } else { "s" },
            p.accelerators_per_instance,
            p.accelerator
        )
    };
    format!("{} and {}", pool(&s.prefill, "prefill"), pool(&s.decode, "decode"))
}

/// What an instance of a pool does, whichever phase it serves: worked out once per pool, as a
/// search pairs each pool with every other.
struct Instance {
    fits: bool,
    kv_per_token: f64,
    /// Seconds a prompt alone computes (or reads the weights), without the step emitting its
    /// first token: prompts queue one after another.
    service: f64,
    /// Seconds of a decode step with one sequence: a request's first token once its cache lands.
    first_step: f64,
    /// Seconds a token at the largest batch whose every step meets the tightest per-token target,
    /// with no prompt interleaved, and the requests a second that batch completes (0 when none
    /// meets it).
    tpot: f64,
    decode_capacity: f64,
}

/// One pool's instance sized: its hardware at `run`'s formats and efficiencies (the defaults of
/// its own accelerator where the scenario gives none).
fn instance(run: &ResolvedServing<'_>, pool: &PoolHardware<'_>) -> Result<Instance, Error> {
    let [(compute, _), (bandwidth, _)] = default_efficiencies(pool.accelerator);
    let spec = ReplicaSpec {
        accelerator: pool.accelerator,
        weight_format: run.weight_format,
        kv_format: run.kv_format,
        tensor: pool.tensor,
        pipeline: 1,
        compute_efficiency: run.compute_efficiency.unwrap_or(Fraction::new(compute)),
        bandwidth_efficiency: run.bandwidth_efficiency.unwrap_or(Fraction::new(bandwidth)),
        draft: run.draft,
    };
    let sized = size(&run.model, run.requests, run.prefix_cache_hit_rate, &spec)?;
    let replica = &sized.replica;
    let alone = replica.point(1);
    let first_step = alone.tpot_ms.get() / 1e3;
    let service = alone.ttft_ms.get() / 1e3 - first_step * replica.tokens_per_step();
    let largest = sized.max_concurrent.max(1);
    let ceiling = run.max_batch.map_or(largest, |cap| cap.min(largest));
    let [.., p50, p90, p99] = run.slo.percentiles();
    let tightest = [run.slo.tpot_ms, p50.1, p90.1, p99.1]
        .into_iter()
        .flatten()
        .min_by(|a, b| a.get().total_cmp(&b.get()));
    let per_token = Slo { tpot_ms: tightest, ..Slo::default() };
    let batch = largest_batch_meeting(replica, &per_token, ceiling);
    let tpot = replica.point(batch.max(1)).tpot_ms.get() / 1e3;
    let output = match run.requests {
        Requests::Tokens { output, .. } => output,
        Requests::Forward { .. } => 1.0,
    };
    Ok(Instance {
        fits: sized.fits,
        kv_per_token: sized.kv_per_token,
        service,
        first_step,
        tpot,
        decode_capacity: if batch > 0 { f64::from(batch) / (output * tpot) } else { 0.0 },
    })
}

/// The prefill queue's waits in units of the service time, simulated at loads 0.01 apart as they
/// are first asked for and kept: a search over many pools asks each load once.
///
/// Why a grid? The waits at a load do not depend on the pool (in units of its service time), so
/// one table serves every candidate; between two loads they are interpolated, a wait's error
/// under the gap between its neighbours.
struct Waits {
    simulated: Vec<Option<Percentiles>>,
}

/// Loads the grid holds below 1: 0, 0.01, …, 0.99.
const WAIT_LOADS: usize = 100;

impl Waits {
    fn new() -> Self {
        Self { simulated: vec![None; WAIT_LOADS] }
    }

    /// The waits at the `k`-th load of the grid (none at load 0).
    fn at_step(&mut self, k: usize) -> Percentiles {
        let k = k.min(WAIT_LOADS - 1);
        if k == 0 {
            return Percentiles::default();
        }
        *self.simulated[k]
            .get_or_insert_with(|| queue_waits(k as f64 / WAIT_LOADS as f64, QUEUE_REQUESTS, SEED))
    }

    /// The waits at `load`, interpolated between the grid's loads on either side.
    fn at(&mut self, load: f64) -> Percentiles {
        let scaled = (load * WAIT_LOADS as f64).clamp(0.0, (WAIT_LOADS - 1) as f64);
        let k = scaled.floor() as usize;
        let (low, high, t) = (self.at_step(k), self.at_step(k + 1), scaled - k as f64);
        let mix = |a: f64, b: f64| a + (b - a) * t;
        Percentiles {
            p50: mix(low.p50, high.p50),
            p90: mix(low.p90, high.p90),
            p99: mix(low.p99, high.p99),
            mean: mix(low.mean, high.mean),
        }
    }

    /// The largest load (at most the grid's last) whose wait at percentile `pick` stays within
    /// `room` service times: the waits grow with the load, so a binary search over the grid, then
    /// the interpolation between the two loads around it.
    fn largest_load(&mut self, pick: fn(&Percentiles) -> f64, room: f64) -> f64 {
        if room <= 0.0 {
            return 0.0;
        }
        let (mut low, mut high) = (0usize, WAIT_LOADS - 1);
        if pick(&self.at_step(high)) <= room {
            return high as f64 / WAIT_LOADS as f64;
        }
        while high - low > 1 {
            let middle = (low + high) / 2;
            if pick(&self.at_step(middle)) <= room { low = middle } else { high = middle }
        }
        let (below, above) = (pick(&self.at_step(low)), pick(&self.at_step(high)));
        let t = if above > below { (room - below) / (above - below) } else { 0.0 };
        (low as f64 + t.clamp(0.0, 1.0)) / WAIT_LOADS as f64
    }
}

/// The largest load of a prefill instance whose first tokens meet every target of `slo`, with
/// `service` seconds a prompt and `fixed` seconds besides the wait: the mean's by its formula,
/// each percentile's from the simulated waits; and the target that binds. 1 (and none) without
/// first-token targets: the autoscaler's target utilisation alone then bounds it.
fn prefill_load(
    slo: &Slo,
    service: f64,
    fixed: f64,
    waits: &mut Waits,
) -> (f64, Option<&'static str>) {
    let mut load: (f64, Option<&'static str>) = (1.0, None);
    if let Some(target) = slo.ttft_ms {
        let mean = mdl_utilization(service, target.get() / 1e3 - fixed);
        load = (mean, Some("serving.slo.ttft_ms"));
    }
    let [p50, p90, p99, ..] = slo.percentiles();
    let picks: [fn(&Percentiles) -> f64; 3] = [|w| w.p50, |w| w.p90, |w| w.p99];
    for ((field, target), pick) in [p50, p90, p99].into_iter().zip(picks) {
        let Some(target) = target else { continue };
        // Waits in units of the service time the target leaves room for.
        let room = (target.get() / 1e3 - fixed) / service;
        let most = waits.largest_load(pick, room);
        if most < load.0 {
            load = (most, Some(field));
        }
    }
    load
}

/// The two pools of a split, each instance sized.
struct Pools<'p> {
    split: &'p Split<'p>,
    prefill: &'p Instance,
    decode: &'p Instance,
}

/// The split of `run`, whose combined replicas serve `combined` requests a second each at the
/// targets; none when the run has no load, no tokens to generate, or a pool that cannot serve.
fn price_split(
    run: &ResolvedServing<'_>,
    pools: &Pools<'_>,
    combined: f64,
    policy: &Policy,
    waits: &mut Waits,
) -> Option<SplitServing> {
    let Pools { split, prefill, decode } = pools;
    let Requests::Tokens { input, .. } = run.requests else { return None };
    if !(prefill.fits && decode.fits) {
        return None;
    }
    let service = prefill.service;
    let transfer =
        input * prefill.kv_per_token / split.link_bytes_per_second + NETWORK_LATENCY_SECONDS;
    let fixed = service + transfer + decode.first_step;
    let (load, limited_by) = prefill_load(&run.slo, service, fixed, waits);
    let prefill_capacity = load / service;
    let (tpot, decode_capacity) = (decode.tpot, decode.decode_capacity);
    let rates = run.rates.as_ref().filter(|_| prefill_capacity > 0.0 && decode_capacity > 0.0)?;
    let per_replica = f64::from(run.tensor * run.pipeline);
    let (mut hours, mut combined_hours, mut peak) = ([0.0f64; 2], 0.0, [0.0f64; 2]);
    for &rate in rates {
        let counts = [
            replica_count(rate, prefill_capacity, policy),
            replica_count(rate, decode_capacity, policy),
        ];
        for (pool, count) in counts.into_iter().enumerate() {
            peak[pool] = peak[pool].max(count);
        }
        hours[0] += counts[0] * f64::from(split.prefill.tensor);
        hours[1] += counts[1] * f64::from(split.decode.tensor);
        if combined > 0.0 {
            combined_hours += replica_count(rate, combined, policy) * per_replica;
        }
    }
    let monthly = |h: f64, hardware: &PoolHardware<'_>| {
        hardware.price.map(|price| Usd::new(h * price.get() * DAYS_PER_MONTH))
    };
    let count = |n: f64| n.min(f64::from(u32::MAX)) as u32;
    let pool = |hardware: &PoolHardware<'_>, capacity: f64, peak: f64, hours: f64| Pool {
        accelerator: hardware.accelerator.id.clone(),
        offer: hardware.offer.clone(),
        accelerators_per_instance: hardware.tensor,
        requests_per_second_per_instance: capacity,
        instances_peak: count(peak),
        accelerator_hours_per_day: hours,
        price_per_accelerator_hour: hardware.price,
        monthly_cost_usd: monthly(hours, hardware),
    };
    let prefill_pool = pool(&split.prefill, prefill_capacity, peak[0], hours[0]);
    let decode_pool = pool(&split.decode, decode_capacity, peak[1], hours[1]);
    let monthly_cost_usd = match (prefill_pool.monthly_cost_usd, decode_pool.monthly_cost_usd) {
        (Some(a), Some(b)) => Some(a + b),
        _ => None,
    };
    let combined_price = run.pricing.as_ref().map(|p| p.price.get());
    let combined_monthly = combined_price.map(|p| Usd::new(combined_hours * p * DAYS_PER_MONTH));
    // The first token's latencies at the load the autoscaler holds a prefill instance to: the
    // mean wait by its formula, the percentiles simulated; in milliseconds, the fixed part added.
    let held = (load * policy.target_utilization).min(1.0 - 1e-9);
    let mean_wait = held / (2.0 * (1.0 - held));
    let at = waits.at(held);
    let ms = |wait: f64| (wait * service + fixed) * 1e3;
    Some(SplitServing {
        prefill: prefill_pool,
        decode: decode_pool,
        kv_transfer_ms: Milliseconds::new(transfer * 1e3),
        ttft_ms: Percentiles {
            p50: ms(at.p50),
            p90: ms(at.p90),
            p99: ms(at.p99),
            mean: ms(mean_wait),
        },
        tpot_ms: Milliseconds::new(tpot * 1e3),
        prefill_limited_by: limited_by.map(str::to_owned),
        accelerator_hours_per_day: hours[0] + hours[1],
        combined_accelerator_hours_per_day: combined_hours,
        monthly_cost_usd,
        combined_monthly_cost_usd: (combined > 0.0).then_some(combined_monthly).flatten(),
    })
}
