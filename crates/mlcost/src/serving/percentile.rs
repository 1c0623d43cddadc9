//! SLOs as percentiles: the largest arrival rate at which one replica, simulated request by
//! request, keeps every percentile target (`slo.ttft_p99_ms`, …). The autoscaler sizes each hour
//! by that rate, as it does by the roofline's capacity for the mean targets.
//!
//! Why search the rate, not the batch? A tail latency is set by queueing: how often a request
//! arrives while the replica is busy with others' prompts, or finds the batch full. The operating
//! point gives the typical request at a load; only the simulation gives the slowest one in a
//! hundred. The trials share their seed, so arrivals differ from one trial to the next by the
//! rate's scale alone and the percentiles grow with the rate: bisection finds the largest rate.
//!
//! Each trial simulates `TRIAL_REQUESTS` requests (a p99 read from the 20 slowest) and at most
//! `TRIAL_STEPS` steps, about a millisecond natively near the capacity; a search is about ten
//! trials.

use serde::{Deserialize, Serialize};

use crate::scenario::resolve::serving::ResolvedServing;
use crate::scenario::serving::Slo;
use crate::serving::memory::largest_batch_meeting;
use crate::serving::replica::Replica;
use crate::serving::simulate::{self, Percentiles, Settings, Simulation};
use crate::serving::traffic::{Policy, replica_count};
use crate::vocabulary::units::Milliseconds;

/// The seed of every simulation the estimate runs: fixed, so a scenario's percentiles are the
/// same on every run and platform.
pub const SEED: u64 = 1;

/// The note of an estimate with percentile targets by an engine built without the simulation.
pub const NOT_SIMULATED: &str =
    "not sized for the percentile targets: this engine is built without the simulation";

/// Requests one trial simulates: a 99th percentile from its 20 slowest.
pub const TRIAL_REQUESTS: f64 = 2_000.0;
/// Steps one trial runs at most before arrivals stop (a trickle of long outputs would otherwise
/// take a step per token of every request).
pub const TRIAL_STEPS: u64 = 100_000;
/// Halvings of the rate from the capacity down before giving up: a thousandth of it.
const HALVINGS: u32 = 10;
/// Bisections between a rate that meets the targets and its double, on a log scale: the rate
/// found is within 0.6% of the largest that meets them.
const BISECTIONS: u32 = 7;

/// One target a simulation missed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Miss {
    /// The target's field, `serving.slo.ttft_p99_ms`.
    pub field: String,
    /// The target, in milliseconds.
    pub target_ms: f64,
    /// The simulated latency at the target's percentile, in milliseconds.
    pub simulated_ms: f64,
}

/// What the percentile targets did to the replicas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct PercentileSizing {
    /// Requests a second one replica serves keeping every percentile target, simulated.
    pub requests_per_second_per_replica: f64,
    /// The simulated latencies at that rate.
    pub ttft_ms: Percentiles,
    /// The simulated time per output token at that rate: percentiles and mean, in milliseconds.
    pub tpot_ms: Percentiles,
    /// The replica's capacity without the percentile targets (the roofline's at the batch the mean
    /// targets allow): above the rate found when a percentile target is what limits it.
    pub capacity_without_percentiles: f64,
    /// Sized by the roofline's latencies held to the same targets instead, the replicas at the
    /// hour that loads each most, that load, and the targets the simulation misses there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean_based: Option<MeanBased>,
    /// What the estimate's notes say of it (there, not here, in the JSON): worked out with the
    /// sizing, so an engine handed one needs no code to word them.
    #[serde(skip)]
    pub notes: Vec<String>,
}

/// The answer a mean-based sizing would have given, and how far it misses the percentiles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct MeanBased {
    /// Requests a second each replica takes in the hour that loads each most, sized by the
    /// roofline's capacity (that capacity itself without a load).
    pub requests_per_second_per_replica: f64,
    /// The replicas that sizing runs in that hour; absent without a load.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas_peak: Option<u32>,
    /// The percentile targets the simulation misses at that rate.
    pub misses: Vec<Miss>,
}

/// Which latency a target bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    FirstToken,
    PerOutputToken,
}

/// A percentile target, read from the SLO.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Target {
    field: &'static str,
    metric: Metric,
    quantile: u8,
    ms: f64,
}

/// The SLO's percentile targets (none: sizing is the roofline's alone).
fn targets(slo: &Slo) -> Vec<Target> {
    slo.percentiles()
        .into_iter()
        .zip([
            (Metric::FirstToken, 50),
            (Metric::FirstToken, 90),
            (Metric::FirstToken, 99),
            (Metric::PerOutputToken, 50),
            (Metric::PerOutputToken, 90),
            (Metric::PerOutputToken, 99),
        ])
        .filter_map(|((field, ms), (metric, quantile))| {
            Some(Target { field, metric, quantile, ms: ms?.get() })
        })
        .collect()
}

/// Sizes `run`'s replica by its SLO's percentile targets (none without them): the largest rate up
/// to `without` (its capacity at the batch the other targets allow, at most `ceiling` sequences)
/// at which the simulation meets them all, and what a sizing by the roofline's latencies held to
/// the same targets would have run in the hour that loads each replica most under `policy`,
/// simulated.
pub(super) fn size(
    replica: &Replica<'_>,
    base: &Settings,
    run: &ResolvedServing<'_>,
    without: f64,
    ceiling: u32,
    policy: &Policy,
) -> Option<PercentileSizing> {
    let targets = targets(&run.slo);
    if targets.is_empty() {
        return None;
    }
    let (rate, met) = largest_rate_meeting(replica, base, &targets, without);
    let mut sizing = PercentileSizing {
        requests_per_second_per_replica: rate,
        ttft_ms: met.ttft_ms,
        tpot_ms: met.tpot_ms,
        capacity_without_percentiles: without,
        mean_based: None,
        notes: Vec::new(),
    };
    let batch = largest_batch_meeting(replica, &as_means(&targets, &run.slo), ceiling);
    let assumed = if batch > 0 { replica.point(batch).requests_per_second } else { 0.0 };
    if rate > 0.0 && assumed > rate * 1.005 {
        // The hour that would load each replica most, and its replicas.
        let busiest = run.rates.map(|rates| {
            rates.iter().fold((0.0, 0.0), |(most, count), &rate| {
                let n = replica_count(rate, assumed, policy);
                let each = if n > 0.0 { rate / n } else { 0.0 };
                if each > most { (each, n) } else { (most, count) }
            })
        });
        let (per_replica, replicas) = match busiest {
            Some((each, n)) if n > 0.0 => (each, Some(n)),
            _ => (assumed, None),
        };
        let there = trial(replica, base, per_replica);
        sizing.mean_based = Some(MeanBased {
            requests_per_second_per_replica: per_replica,
            replicas_peak: replicas.map(|n| n.min(f64::from(u32::MAX)) as u32),
            misses: misses(&there, &targets),
        });
    }
    sizing.notes = sizing.worded();
    Some(sizing)
}

impl PercentileSizing {
    /// The rate found over the capacity without percentile targets: 1 when they do not limit it,
    /// 0 when not even a trickle meets them.
    pub fn share(&self) -> f64 {
        let without = self.capacity_without_percentiles;
        if without > 0.0 { (self.requests_per_second_per_replica / without).min(1.0) } else { 0.0 }
    }

    /// What to tell the reader: which target limits the replica, and what the mean-based sizing
    /// would have missed.
    fn worded(&self) -> Vec<String> {
        let at = |p: &Percentiles| format!("{:.1} ms", p.p99);
        let mut notes = Vec::new();
        let share = self.share();
        if share <= 0.0 {
            notes.push(format!(
                "no load meets the percentile targets, not even a trickle of requests each alone (simulated: first token p99 {}, output token p99 {}): not priced",
                at(&self.ttft_ms),
                at(&self.tpot_ms)
            ));
        } else if share < 1.0 {
            notes.push(format!(
                "the percentile targets limit a replica to {:.3} requests/s, {:.0}% of the {:.3} its batch meeting the other targets serves (simulated there: first token p99 {}, output token p99 {})",
                self.requests_per_second_per_replica,
                share * 100.0,
                self.capacity_without_percentiles,
                at(&self.ttft_ms),
                at(&self.tpot_ms)
            ));
        }
        if let Some(mean_based) = self.mean_based.as_ref().filter(|m| !m.misses.is_empty()) {
            let misses: Vec<String> = mean_based
                .misses
                .iter()
                .map(|m| {
                    format!(
                        "{} {:.1} ms against {:.1} ms ({:.1}×)",
                        spoken(&m.field),
                        m.simulated_ms,
                        m.target_ms,
                        m.simulated_ms / m.target_ms
                    )
                })
                .collect();
            let replicas = mean_based.replicas_peak.map_or_else(String::new, |n| {
                format!("{n} replicas in the hour that loads each most, ")
            });
            notes.push(format!(
                "sized by the roofline's latencies held to the same targets, the answer would be {replicas}each at {:.3} requests/s, where the simulation misses {}",
                mean_based.requests_per_second_per_replica,
                misses.join(", ")
            ));
        }
        notes
    }
}

/// A target's field in words: `serving.slo.ttft_p99_ms` is "first token p99".
fn spoken(field: &str) -> String {
    let name = field.rsplit('.').next().unwrap_or(field);
    let what = if name.starts_with("ttft") { "first token" } else { "output token" };
    let quantile = name.split('_').nth(1).unwrap_or("");
    format!("{what} {quantile}")
}

/// The tightest target on each latency, as a mean-based sizing would read it.
fn as_means(targets: &[Target], slo: &Slo) -> Slo {
    let tightest = |metric: Metric, mean: Option<Milliseconds>| {
        targets
            .iter()
            .filter(|t| t.metric == metric)
            .map(|t| t.ms)
            .chain(mean.map(|m| m.get()))
            .reduce(f64::min)
            .map(Milliseconds::new)
    };
    Slo {
        ttft_ms: tightest(Metric::FirstToken, slo.ttft_ms),
        tpot_ms: tightest(Metric::PerOutputToken, slo.tpot_ms),
        ..Slo::default()
    }
}

/// The simulated value of each target, and whether it is met.
fn misses(simulation: &Simulation, targets: &[Target]) -> Vec<Miss> {
    targets
        .iter()
        .filter_map(|t| {
            let latency = match t.metric {
                Metric::FirstToken => simulation.ttft_ms,
                Metric::PerOutputToken => simulation.tpot_ms,
            };
            let simulated = match t.quantile {
                50 => latency.p50,
                90 => latency.p90,
                _ => latency.p99,
            };
            (simulated > t.ms).then(|| Miss {
                field: t.field.to_owned(),
                target_ms: t.ms,
                simulated_ms: simulated,
            })
        })
        .collect()
}

/// One trial at `rate`: `TRIAL_REQUESTS` requests of `base`'s traffic.
pub(super) fn trial(replica: &Replica<'_>, base: &Settings, rate: f64) -> Simulation {
    let seconds = if rate > 0.0 { TRIAL_REQUESTS / rate } else { 0.0 };
    simulate::simulate(replica, &Settings { rate, seconds, max_steps: TRIAL_STEPS, ..*base })
}

/// The largest rate up to `upper` at which `replica` meets every target, and its trial; a rate of
/// zero when not even a thousandth of `upper` does.
///
/// Why down from the capacity by halvings, not a bisection over the whole range? A trial costs a
/// step per token of every request it runs alone: at a trickle, hundreds of thousands, near the
/// capacity a few thousand. Targets bind near the capacity, so the search mostly stays there.
fn largest_rate_meeting(
    replica: &Replica<'_>,
    base: &Settings,
    targets: &[Target],
    upper: f64,
) -> (f64, Simulation) {
    let (mut high, mut run) = (upper, trial(replica, base, upper));
    if misses(&run, targets).is_empty() {
        return (upper, run);
    }
    let mut low = upper;
    for _ in 0..HALVINGS {
        (high, low) = (low, low / 2.0);
        run = trial(replica, base, low);
        if misses(&run, targets).is_empty() {
            break;
        }
    }
    if !misses(&run, targets).is_empty() {
        return (0.0, run);
    }
    for _ in 0..BISECTIONS {
        let middle = libm::sqrt(low * high);
        let there = trial(replica, base, middle);
        if misses(&there, targets).is_empty() {
            (low, run) = (middle, there);
        } else {
            high = middle;
        }
    }
    (low, run)
}
