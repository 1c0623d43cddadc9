//! Latency at a load, simulated on one replica request by request: the peak hour
//! (`serving.latency`, the CLI's estimate) and latency against load (the app's latency panel).
//! Only with the engine's `simulation` feature.

use serde::{Deserialize, Serialize};

use crate::catalogue::pricing::PriceBook;
use crate::scenario::Scenario;
use crate::scenario::resolve::serving::resolve_serving;
use crate::serving::percentile::{self, SEED};
use crate::serving::report::{Latency, ServingReport};
use crate::serving::simulate::Percentiles;
use crate::serving::traffic::busiest_per_replica;
use crate::serving::{Traffic, simulate_replica};
use crate::vocabulary::error::Error;
use crate::vocabulary::units::SECONDS_PER_HOUR;

/// One load's latencies: a trial of percentile sizing's (2,000 requests) at a rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct LoadPoint {
    /// Requests a second at the replica.
    pub requests_per_second: f64,
    /// Time to first token, from arrival: percentiles and mean, in milliseconds.
    pub ttft_ms: Percentiles,
    /// Time per output token after the first: percentiles and mean, in milliseconds.
    pub tpot_ms: Percentiles,
    /// Time from arrival to the last token: percentiles and mean, in milliseconds.
    pub e2e_ms: Percentiles,
}

/// The loads latency against load is simulated at, as shares of the replica's capacity at the
/// targets: from a trickle to the capacity, denser toward it, where the tail rises.
pub const LOAD_SHARES: [f64; 10] = [0.05, 0.2, 0.35, 0.5, 0.6, 0.7, 0.8, 0.875, 0.95, 1.0];

/// The peak hour of `report` (the estimate of `scenario` at `book`'s prices: the hour that loads
/// each replica most) on one replica,
/// simulated request by request: Poisson arrivals at its per-replica rate for an hour, the
/// scenario's lengths, a fixed seed. None without a load.
pub fn peak_hour(
    scenario: &Scenario,
    book: &PriceBook,
    report: &ServingReport,
) -> Result<Option<Latency>, Error> {
    let peak = busiest_per_replica(&report.hourly);
    let (Some(peak), Some(section)) = (peak, &scenario.serving) else { return Ok(None) };
    let rate = peak.per_replica();
    let traffic = Traffic {
        seed: SEED,
        rate,
        seconds: SECONDS_PER_HOUR,
        burstiness: 1.0,
        input_spread: 0.0,
        output_spread: 0.0,
    };
    let run = resolve_serving(
        scenario.model.resolve()?,
        section,
        book,
        scenario.owned_for_plans(book)?.as_ref(),
    )?;
    let simulation = simulate_replica(&run, &traffic)?;
    Ok(Some(Latency {
        ttft_ms: simulation.ttft_ms,
        tpot_ms: simulation.tpot_ms,
        e2e_ms: simulation.e2e_ms,
        requests_per_second: rate,
        seconds: simulation.arrivals_seconds,
        seed: traffic.seed,
        requests: simulation.requests_completed,
        preemptions: simulation.preemptions,
    }))
}

/// Latency against load on one replica of `report`'s scenario: at each of `LOAD_SHARES` of its
/// capacity at the targets (its largest batch's when no batch meets them), a trial of percentile
/// sizing's (2,000 requests, fewer at a trickle of long outputs). Empty when the replica serves
/// nothing.
pub fn against_load(
    scenario: &Scenario,
    book: &PriceBook,
    report: &ServingReport,
) -> Result<Vec<LoadPoint>, Error> {
    let capacity = match report.requests_per_second_per_replica_at_slo {
        at_slo if at_slo > 0.0 => at_slo,
        _ => report.max_requests_per_second_per_replica,
    };
    let Some(section) =
        scenario.serving.as_ref().filter(|_| capacity > 0.0 && capacity.is_finite())
    else {
        return Ok(Vec::new());
    };
    let run = resolve_serving(
        scenario.model.resolve()?,
        section,
        book,
        scenario.owned_for_plans(book)?.as_ref(),
    )?;
    let sized = super::sized_at_defaults(&run)?;
    let base = super::simulation_base(&run, &sized, 0.0, 0.0);
    let points = LOAD_SHARES.iter().map(|share| {
        let rate = capacity * share;
        let simulation = percentile::trial(&sized.replica, &base, rate);
        LoadPoint {
            requests_per_second: rate,
            ttft_ms: simulation.ttft_ms,
            tpot_ms: simulation.tpot_ms,
            e2e_ms: simulation.e2e_ms,
        }
    });
    Ok(points.collect())
}
