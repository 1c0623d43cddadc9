//! A request-level simulation of one replica under continuous batching: requests arrive one by
//! one, wait, are prefilled in chunks alongside the running batch's decode steps, generate their
//! tokens a step at a time, and leave; each step is timed by the replica's roofline. It gives what
//! the operating point cannot: percentiles, queueing, and the KV cache running out.
//!
//! Deterministic: arrivals and lengths come from a seeded generator (SplitMix64, the same numbers
//! on every platform), and nothing reads a clock.
//!
//! The scheduler is vLLM's in outline: each step has a token budget; every running sequence takes
//! one token of it for its decode, and what is left goes to waiting prompts, first come first
//! served, in chunks. A prompt is admitted only while the KV cache has room for it; when decoding
//! outgrows the cache, the most recently admitted sequence is preempted, its cache freed, and it
//! waits again at the head of the queue to be recomputed (its prompt and what it had generated).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::serving::replica::Replica;

/// How a length (of prompts, of outputs) varies from request to request.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Lengths {
    /// The mean length, in tokens.
    pub mean: f64,
    /// Standard deviation over the mean; 0 for a fixed length. Drawn lognormal otherwise, as
    /// published LLM traces' lengths are long-tailed.
    pub spread: f64,
}

/// What one simulation runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Seed of the random arrivals and lengths: the same seed gives the same run.
    pub seed: u64,
    /// Requests a second arriving at the replica.
    pub rate: f64,
    /// Seconds over which requests arrive; those still in the system then finish.
    pub seconds: f64,
    /// Squared coefficient of variation of the time between arrivals: 1 is Poisson, above 1
    /// burstier (gamma-distributed gaps), below 1 more regular.
    pub burstiness: f64,
    /// Prompt lengths, in tokens.
    pub input: Lengths,
    /// Output lengths, in tokens.
    pub output: Lengths,
    /// Tokens one step may compute (decodes and prompt chunks together).
    pub token_budget: u32,
    /// Sequences running at once, at most.
    pub max_batch: u32,
    /// Tokens the KV cache holds.
    pub kv_capacity_tokens: f64,
    /// Steps after which no more requests arrive (those in the system still finish): bounds the
    /// work of a run whose requests each take many steps.
    pub max_steps: u64,
}

/// The 50th, 90th and 99th percentiles of a latency and its mean: in milliseconds in a
/// simulation's results (queue waits inside the engine count in service times).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Percentiles {
    /// The median.
    pub p50: f64,
    /// The 90th percentile.
    pub p90: f64,
    /// The 99th percentile.
    pub p99: f64,
    /// What benchmarks most often publish.
    pub mean: f64,
}

/// One sample of the replica's state over time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Sample {
    /// When the sample was taken, in seconds from the start of the run.
    pub seconds: f64,
    /// Requests waiting for their prompt to be computed, preempted ones included.
    pub waiting: u32,
    /// Sequences running in the batch.
    pub running: u32,
    /// Share of the KV cache in use.
    pub kv_use: f64,
}

/// What a simulation measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Simulation {
    /// Time to first token, from arrival.
    pub ttft_ms: Percentiles,
    /// Time per output token after the first, over requests of more than one output token.
    pub tpot_ms: Percentiles,
    /// Time from arrival to the last token.
    pub e2e_ms: Percentiles,
    /// Requests that arrived.
    pub requests_arrived: u64,
    /// Requests that finished.
    pub requests_completed: u64,
    /// Requests refused unserved: a prompt (with what it had generated before a preemption)
    /// longer than the replica's whole KV cache, which vLLM refuses too, or the head of a queue
    /// nothing can move.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub requests_refused: u64,
    /// Seconds over which requests arrived: `seconds`, or less when `max_steps` cut the run.
    pub arrivals_seconds: f64,
    /// Output tokens generated a second, over the whole run, its drain included.
    pub output_tokens_per_second: f64,
    /// Requests in the system (waiting or running), averaged over time.
    pub mean_in_system: f64,
    /// Completed requests' mean time in the system, in seconds.
    pub mean_seconds_in_system: f64,
    /// Completed requests a second.
    pub completion_rate: f64,
    /// Times a sequence was preempted for lack of KV cache.
    pub preemptions: u64,
    /// The state about every `seconds / SAMPLES` seconds.
    pub samples: Vec<Sample>,
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

/// Samples kept of the state over the run.
pub const SAMPLES: usize = 120;

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and the same sequence everywhere.
struct Random(u64);

impl Random {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 1.0) / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        // Box–Muller.
        let (u, v) = (self.unit(), self.unit());
        libm::sqrt(-2.0 * libm::log(u)) * libm::cos(std::f64::consts::TAU * v)
    }

    /// Gamma with this shape and mean 1 (Marsaglia and Tsang 2000).
    fn gamma(&mut self, shape: f64) -> f64 {
        if shape < 1.0 {
            let boost = libm::pow(self.unit(), 1.0 / shape);
            return self.gamma(shape + 1.0) * boost;
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / libm::sqrt(9.0 * d);
        loop {
            let x = self.normal();
            let cube = 1.0 + c * x;
            let v = cube * cube * cube;
            if v > 0.0 && libm::log(self.unit()) < 0.5 * x * x + d - d * v + d * libm::log(v) {
                return d * v / shape;
            }
        }
    }

    /// A gap between arrivals with mean `mean` and squared coefficient of variation `cv2`.
    fn gap(&mut self, mean: f64, cv2: f64) -> f64 {
        if (cv2 - 1.0).abs() < 1e-12 {
            -libm::log(self.unit()) * mean
        } else {
            self.gamma(1.0 / cv2.max(1e-6)) * mean
        }
    }

    /// A length drawn lognormal around `lengths`, at least one token.
    fn length(&mut self, lengths: Lengths) -> u32 {
        let value = if lengths.spread <= 0.0 {
            lengths.mean
        } else {
            let sigma2 = libm::log(1.0 + lengths.spread * lengths.spread);
            libm::exp(libm::log(lengths.mean) - sigma2 / 2.0 + libm::sqrt(sigma2) * self.normal())
        };
        value.round().clamp(1.0, f64::from(u32::MAX)) as u32
    }
}

/// Where a request is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Waiting,
    Running,
    Done,
}

struct Request {
    arrival: f64,
    input: u32,
    output: u32,
    /// Tokens of the prompt (and, after a preemption, of what it had generated) still to compute.
    to_prefill: u32,
    /// Tokens generated before it last joined the running batch.
    generated_before: u32,
    /// The decode step it last joined the running batch at.
    joined_step: u64,
    first_token: Option<f64>,
    state: State,
    /// Bumped on each preemption, so its earlier finish in the heap is ignored.
    epoch: u32,
}

impl Request {
    /// Tokens generated by `decode_steps` at `per_step` tokens a step (whole ones).
    fn generated(&self, decode_steps: u64, per_step: f64) -> u32 {
        let since = decode_steps.saturating_sub(self.joined_step) as f64 * per_step;
        let since = since.floor().min(f64::from(u32::MAX)) as u32;
        self.generated_before.saturating_add(since).min(self.output)
    }

    /// KV-cache tokens it holds by `decode_steps`: its prompt, what it had generated before it
    /// joined, and `per_step` a step since (what the steps added, fractions included).
    fn cached(&self, decode_steps: u64, per_step: f64) -> f64 {
        let since = decode_steps.saturating_sub(self.joined_step) as f64;
        f64::from(self.input + self.generated_before) + since * per_step
    }
}

/// Simulates `settings` on `replica`.
///
/// Why a heap of finishing steps? Every running sequence gains a token each step, so a sequence's
/// last step is known when it joins; the run never walks the batch, and an hour of 180,000
/// requests takes tens of milliseconds.
pub(super) fn simulate(replica: &Replica<'_>, settings: &Settings) -> Simulation {
    let mut random = Random(settings.seed);
    let rate = if settings.rate.is_finite() { settings.rate.max(0.0) } else { 0.0 };
    let mut end = if settings.seconds.is_finite() { settings.seconds.max(0.0) } else { 0.0 };
    let mean_gap = if rate > 0.0 { 1.0 / rate } else { f64::INFINITY };
    let mut next_arrival = random.gap(mean_gap, settings.burstiness);
    let budget = f64::from(settings.token_budget.max(1));
    let max_batch = settings.max_batch.max(1) as usize;
    let capacity = settings.kv_capacity_tokens.max(1.0);

    let mut requests: Vec<Request> = Vec::new();
    let mut waiting: VecDeque<usize> = VecDeque::new();
    let mut admitted: Vec<usize> = Vec::new();
    let mut finishing: BinaryHeap<Reverse<(u64, usize, u32)>> = BinaryHeap::new();
    let (mut running, mut decode_steps) = (0usize, 0u64);
    let (mut ttft, mut tpot, mut e2e) = (Vec::new(), Vec::new(), Vec::new());
    let (mut completed, mut preemptions, mut tokens) = (0u64, 0u64, 0.0f64);
    let mut refused = 0u64;
    // Tokens a decode step yields each sequence: one, or speculative decoding's average run (each
    // sequence is taken to gain the average every step, so the run stays without per-token draws).
    let per_step = replica.tokens_per_step();
    let (mut now, mut area, mut time_in_system) = (0.0f64, 0.0f64, 0.0f64);
    let (mut kv_used, mut context) = (0.0f64, 0.0f64);
    let mut samples = Vec::with_capacity(SAMPLES + 1);
    let sample_every = (end / SAMPLES as f64).max(f64::MIN_POSITIVE);
    let mut next_sample = 0.0;
    let mut finished_prefill = Vec::new();
    let mut steps = 0u64;

    loop {
        // Past the step bound, arrivals stop here.
        if steps >= settings.max_steps {
            end = end.min(now);
        }
        // Arrivals up to now join the queue (none after the end: the run drains).
        while next_arrival <= now && next_arrival < end {
            let input = random.length(settings.input);
            let output = random.length(settings.output);
            requests.push(Request {
                arrival: next_arrival,
                input,
                output,
                to_prefill: input,
                generated_before: 0,
                joined_step: 0,
                first_token: None,
                state: State::Waiting,
                epoch: 0,
            });
            waiting.push_back(requests.len() - 1);
            // It arrived during the last step: its time in the system so far counts too.
            area += now - next_arrival;
            next_arrival += random.gap(mean_gap, settings.burstiness);
        }
        while next_sample <= now && samples.len() <= SAMPLES {
            samples.push(Sample {
                seconds: next_sample,
                waiting: u32::try_from(waiting.len()).unwrap_or(u32::MAX),
                running: u32::try_from(running).unwrap_or(u32::MAX),
                kv_use: (kv_used / capacity).min(1.0),
            });
            next_sample += sample_every;
        }
        if running == 0 && waiting.is_empty() {
            if next_arrival >= end {
                break;
            }
            now = next_arrival;
            continue;
        }
        // This step: every running sequence decodes a token; the rest of the budget prefills
        // waiting prompts in arrival order, each admitted while the cache has room for it.
        let decode = running as f64;
        let mut left = (budget - decode).max(0.0);
        let mut prefill = 0.0;
        finished_prefill.clear();
        let mut index = 0;
        while left > 0.0 && index < waiting.len() && running + index < max_batch {
            let request = &mut requests[waiting[index]];
            let whole = request.input + request.generated_before;
            if request.to_prefill == whole {
                // Longer than the whole cache: it could never be admitted, and would block the
                // queue behind it for ever. It leaves unserved.
                if f64::from(whole) > capacity {
                    request.state = State::Done;
                    refused += 1;
                    waiting.remove(index);
                    continue;
                }
                if kv_used + f64::from(whole) > capacity {
                    break;
                }
                kv_used += f64::from(whole);
            }
            let chunk = f64::from(request.to_prefill).min(left);
            request.to_prefill -= chunk as u32;
            prefill += chunk;
            left -= chunk;
            if request.to_prefill == 0 {
                finished_prefill.push(index);
            }
            index += 1;
        }
        // Nothing runs and the head cannot start (the cache's count drifted by rounding): no step
        // would change that, so the head leaves unserved rather than the run spinning for ever.
        if running == 0 && prefill == 0.0 {
            if let Some(id) = waiting.pop_front() {
                requests[id].state = State::Done;
                refused += 1;
            }
            continue;
        }
        let step = replica.step_seconds(decode, context, prefill).max(1e-9);
        steps += 1;
        area += step * (running + waiting.len()) as f64;
        now += step;
        if running > 0 {
            decode_steps += 1;
            tokens += decode * per_step;
            context += decode * per_step;
            kv_used += decode * per_step;
        }
        // Sequences whose last token this step was.
        while let Some(&Reverse((last, id, epoch))) = finishing.peek() {
            if last > decode_steps {
                break;
            }
            finishing.pop();
            let request = &mut requests[id];
            if request.state != State::Running || request.epoch != epoch {
                continue;
            }
            let output = request.output;
            let cached = request.cached(decode_steps, per_step);
            request.state = State::Done;
            let first = request.first_token.unwrap_or(now);
            e2e.push((now - request.arrival) * 1e3);
            if output > 1 {
                tpot.push((now - first) * 1e3 / f64::from(output - 1));
            }
            time_in_system += now - request.arrival;
            completed += 1;
            running -= 1;
            kv_used -= cached;
            context -= cached;
        }
        // Prompts whose prefill finished emit their first token with this step and run.
        for (taken, &index) in finished_prefill.iter().enumerate() {
            let Some(id) = waiting.remove(index - taken) else { continue };
            let request = &mut requests[id];
            if request.first_token.is_none() {
                request.first_token = Some(now);
                ttft.push((now - request.arrival) * 1e3);
                request.generated_before = 1;
                tokens += 1.0;
                kv_used += 1.0;
            }
            if request.generated_before >= request.output {
                request.state = State::Done;
                e2e.push((now - request.arrival) * 1e3);
                time_in_system += now - request.arrival;
                completed += 1;
                kv_used -= f64::from(request.input + request.generated_before);
                continue;
            }
            request.state = State::Running;
            request.joined_step = decode_steps;
            let left = f64::from(request.output - request.generated_before);
            let last = decode_steps + (left / per_step).ceil().max(1.0) as u64;
            finishing.push(Reverse((last, id, request.epoch)));
            admitted.push(id);
            running += 1;
            context += f64::from(request.input + request.generated_before);
        }
        // Out of cache: preempt the latest admitted until the rest fit; they wait to recompute.
        while kv_used > capacity {
            let Some(id) = admitted.pop() else { break };
            let request = &mut requests[id];
            if request.state != State::Running {
                continue;
            }
            let generated = request.generated(decode_steps, per_step);
            let cached = request.cached(decode_steps, per_step);
            kv_used -= cached;
            context -= cached;
            request.generated_before = generated;
            request.to_prefill = request.input + generated;
            request.state = State::Waiting;
            request.epoch = request.epoch.wrapping_add(1);
            waiting.push_front(id);
            running -= 1;
            preemptions += 1;
        }
    }
    let span = now.max(f64::MIN_POSITIVE);
    Simulation {
        ttft_ms: percentiles(&mut ttft),
        tpot_ms: percentiles(&mut tpot),
        e2e_ms: percentiles(&mut e2e),
        requests_arrived: requests.len() as u64,
        requests_completed: completed,
        requests_refused: refused,
        arrivals_seconds: end,
        output_tokens_per_second: tokens / span,
        mean_in_system: area / span,
        mean_seconds_in_system: if completed > 0 { time_in_system / completed as f64 } else { 0.0 },
        completion_rate: completed as f64 / span,
        preemptions,
        samples,
    }
}

/// Waits in a queue of one server with Poisson arrivals and a fixed service time (M/D/1) loaded to
/// `utilization`, over `requests` arrivals from `seed`, in units of the service time: Lindley's
/// recursion, W(n+1) = max(0, W(n) + 1 − gap), the gaps exponential with mean 1/`utilization`.
///
/// Why simulate what has a formula? The mean wait has one (Pollaczek–Khinchine); its percentiles
/// do not in closed form, and a percentile target bounds them. The same seed gives each load the
/// same arrivals scaled, so the waits grow with the load and a bisection finds the largest.
pub(super) fn queue_waits(utilization: f64, requests: u32, seed: u64) -> Percentiles {
    let mut random = Random(seed);
    let mean_gap = 1.0 / utilization.clamp(1e-9, 1.0);
    let mut waits = Vec::with_capacity(requests as usize);
    let mut wait = 0.0f64;
    for _ in 0..requests {
        waits.push(wait);
        wait = (wait + 1.0 - random.gap(mean_gap, 1.0)).max(0.0);
    }
    percentiles(&mut waits)
}

/// Nearest-rank percentiles of `values` (reordered here); zeros when there are none.
fn percentiles(values: &mut [f64]) -> Percentiles {
    if values.is_empty() {
        return Percentiles::default();
    }
    let rank =
        |q: f64| (q * values.len() as f64).ceil().clamp(1.0, values.len() as f64) as usize - 1;
    // Selecting the median leaves every value above it after it: the 90th percentile is selected
    // among those, and the 99th among the values above that.
    let (k50, k90, k99) = (rank(0.5), rank(0.9), rank(0.99));
    let p50 = select(values, k50);
    let p90 = select(&mut values[k50..], k90 - k50);
    let p99 = select(&mut values[k90..], k99 - k90);
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    Percentiles { p50, p90, p99, mean }
}

/// The `k`-th smallest of `values` (from 0), by quickselect with a three-way partition around
/// the middle of three; the values before it end up no larger, those after no smaller.
///
/// Why not sort, or `select_nth_unstable_by`? Either is several kilobytes of code in the first
/// render's download (whose budget this module's arrival used up) for what these 20 lines do, in
/// linear time.
fn select(values: &mut [f64], k: usize) -> f64 {
    let (mut low, mut high) = (0, values.len() - 1);
    loop {
        let (a, b, c) = (values[low], values[low + (high - low) / 2], values[high]);
        let pivot = a.max(b).min(a.min(b).max(c));
        // [low, less) below the pivot, [less, at) equal to it, [more, high] above it.
        let (mut less, mut at, mut more) = (low, low, high + 1);
        while at < more {
            if values[at] < pivot {
                values.swap(less, at);
                less += 1;
                at += 1;
            } else if values[at] > pivot {
                more -= 1;
                values.swap(at, more);
            } else {
                at += 1;
            }
        }
        if k < less {
            high = less - 1;
        } else if k >= more {
            low = more;
        } else {
            return pivot;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The selection agrees with sorting, on ties, runs and scrambled values alike.
    #[test]
    fn selection_finds_what_sorting_would() {
        let mut random = Random(3);
        let scrambled: Vec<f64> = (0..1001).map(|_| (random.unit() * 50.0).floor()).collect();
        let ascending: Vec<f64> = (0..500).map(f64::from).collect();
        let descending: Vec<f64> = ascending.iter().rev().copied().collect();
        for values in [scrambled, ascending, descending, vec![7.0], vec![2.0; 64]] {
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            for k in [0, values.len() / 2, values.len() * 9 / 10, values.len() - 1] {
                assert_eq!(
                    select(&mut values.clone(), k).to_bits(),
                    sorted[k].to_bits(),
                    "{k} of {}",
                    values.len()
                );
            }
        }
    }

    /// The M/D/1 queue's waits: their mean is Pollaczek–Khinchine's ρ / (2(1 − ρ)) service times
    /// (within 3% over 200,000 arrivals), and a share 1 − ρ of arrivals find the server idle, so
    /// below half load the median wait is none.
    #[test]
    fn queue_waits_are_those_of_an_m_d_1_queue() {
        for rho in [0.3, 0.6, 0.8] {
            let waits = queue_waits(rho, 200_000, 7);
            let formula = rho / (2.0 * (1.0 - rho));
            assert!(
                (waits.mean / formula - 1.0).abs() < 0.03,
                "{rho}: {waits:?} against {formula}"
            );
            assert!(waits.p99 >= waits.p90 && waits.p90 >= waits.p50);
        }
        assert!(queue_waits(0.3, 20_000, 7).p50.abs() < f64::MIN_POSITIVE);
        assert!(queue_waits(0.6, 20_000, 7).p50 > 0.0);
    }
}
