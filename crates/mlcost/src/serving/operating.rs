//! The operating point: the batch a replica really runs at a given arrival rate, and its latencies
//! there.
//!
//! Why not the latency at the largest batch the SLO allows? That is the replica's capacity, the
//! batch it reaches only at full load. Under continuous batching every request in the system is in
//! the batch, so by Little's law the mean batch is the arrival rate times the time a request
//! spends: B = λ · T(B), with T(B) its first token plus the rest of its output at batch B. A
//! replica at one request every 100 s runs each alone, at batch-one latency, however large a
//! batch it could hold. T grows with B, so the fixed point is unique and found by bisection.
//!
//! Other requests' prompts share the replica: at λ requests a second, prefills take λ times one
//! prompt's compute of every second (continuous batching runs them in chunks between decode
//! steps), and decode steps stretch into the rest, so the time per output token is the step's over
//! (1 − that share). At the replica's capacity this reproduces its maximum throughput exactly.
//!
//! Queueing is not in this point: a request that arrives while the batch is full waits, which the
//! request-level simulation adds; below the autoscaler's target utilisation the batch has room and
//! the wait is short.

use serde::{Deserialize, Serialize};

use crate::serving::replica::Replica;
use crate::vocabulary::units::Milliseconds;

/// A replica's operating point at an arrival rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct OperatingPoint {
    /// Requests in flight on average (below 1, the share of time a request is in service).
    pub batch: f64,
    /// Time to first token at this load: the prompt's prefill, then one output token's time.
    pub ttft_ms: Milliseconds,
    /// Time per output token after the first: the batch's decode step, stretched by the share of
    /// time other requests' prompts take.
    pub tpot_ms: Milliseconds,
    /// A request's time from arrival to its last token (for a model without tokens: its latency).
    pub e2e_ms: Milliseconds,
    /// Whether the rate needs more than the largest batch: the queue would grow without bound,
    /// and the latencies shown are the largest batch's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub saturated: bool,
}

/// The operating point of `replica` at `rate` requests a second, with at most `largest` requests in
/// flight, each generating `output` tokens (1 for a model without tokens).
pub(super) fn operating_point(
    replica: &Replica<'_>,
    rate: f64,
    largest: u32,
    output: f64,
) -> OperatingPoint {
    let rate = if rate.is_finite() { rate.max(0.0) } else { 0.0 };
    // The share of every second other requests' prompts take; decode steps get the rest.
    let decode_share = 1.0 - rate * replica.prefill_busy_seconds();
    let latencies = |b: f64| {
        let point = replica.point_at(0, b);
        let step = point.tpot_ms.get();
        let tpot = if decode_share > 0.0 { step / decode_share } else { f64::INFINITY };
        let ttft = point.ttft_ms.get() - step + tpot;
        (ttft, tpot, ttft + (output - 1.0).max(0.0) * tpot)
    };
    let time_in_system = |b: f64| latencies(b).2 / 1e3;
    let point_at = |b: f64, saturated: bool| {
        let (ttft, tpot, e2e) = latencies(b);
        OperatingPoint {
            batch: b,
            ttft_ms: Milliseconds::new(ttft),
            tpot_ms: Milliseconds::new(tpot),
            e2e_ms: Milliseconds::new(e2e),
            saturated,
        }
    };
    if decode_share <= 0.0 {
        // The prompts alone take the whole replica: nothing is left to decode with, and no
        // latency is finite; the largest batch's, without the prompts, are shown.
        let (ttft_ms, tpot_ms, e2e_ms) = latencies_at_capacity(replica, largest, output);
        let batch = f64::from(largest.max(1));
        return OperatingPoint { batch, ttft_ms, tpot_ms, e2e_ms, saturated: true };
    }
    // Alone: the batch is the share of time a request is in service.
    let alone = rate * time_in_system(1.0);
    if alone <= 1.0 {
        let mut point = point_at(1.0, false);
        point.batch = alone;
        return point;
    }
    let largest = f64::from(largest.max(1));
    if rate * time_in_system(largest) >= largest {
        return point_at(largest, true);
    }
    // λ·T(b) − b changes sign once between 1 and the largest batch. Why regula falsi (the Illinois
    // variant) rather than halving? The function is smooth, so it lands in a handful of steps
    // where halving takes fifty, and every estimate solves it for 24 hours (more with ranges).
    let gap = |b: f64| rate * time_in_system(b) - b;
    let (mut low, mut high) = (1.0, largest);
    let (mut at_low, mut at_high) = (gap(low), gap(high));
    let mut side = 0i8;
    let mut batch = low;
    for _ in 0..100 {
        batch = (low * at_high - high * at_low) / (at_high - at_low);
        if !batch.is_finite() || batch <= low || batch >= high {
            batch = (low + high) / 2.0;
        }
        let at = gap(batch);
        if at.abs() <= 1e-9 * batch || high - low <= 1e-9 * high {
            break;
        }
        if at > 0.0 {
            (low, at_low) = (batch, at);
            if side == 1 {
                at_high /= 2.0;
            }
            side = 1;
        } else {
            (high, at_high) = (batch, at);
            if side == -1 {
                at_low /= 2.0;
            }
            side = -1;
        }
    }
    point_at(batch, false)
}

/// The largest batch's latencies without other requests' prompts, for a load the replica cannot
/// serve at all (its latencies have no finite value to show).
fn latencies_at_capacity(
    replica: &Replica<'_>,
    largest: u32,
    output: f64,
) -> (Milliseconds, Milliseconds, Milliseconds) {
    let point = replica.point(largest.max(1));
    let e2e = point.ttft_ms.get() + (output - 1.0).max(0.0) * point.tpot_ms.get();
    (point.ttft_ms, point.tpot_ms, Milliseconds::new(e2e))
}
