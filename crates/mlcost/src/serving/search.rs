//! The optimizer's serving search: every offer × tensor/pipeline layout × weight format × batch cap
//! × plan (and committed baseline with burst above it) that serves the scenario's load within its
//! SLO.
//!
//! Why not run [`estimate`](super::estimate) per candidate? A replica's roofline depends on the
//! accelerator, the format and the layout, not on the offer or the plan; the day's schedule depends
//! on the batch cap, not on the price. So each (accelerator, format, layout) is sized once, each
//! batch cap scheduled once, and a candidate costs one bill: about a microsecond, where an estimate
//! takes tens.

use crate::catalogue::pricing::PriceBook;
use crate::scenario::model::Model;
use crate::vocabulary::error::Error;
use crate::vocabulary::terms::Plan;

use super::default_efficiencies;
use super::memory::{ReplicaSpec, largest_batch_meeting, size};
use super::money::{BaselineSearch, Billing};
use super::replica::Crossing;
use super::traffic::{Policy, Schedule};
use crate::scenario::resolve::owned::ResolvedOwned;
use crate::scenario::resolve::serving::{Requests, resolve_serving};
use crate::scenario::serving::{CommittedBaseline, EngineEfficiency, ReplicaParallelism, Serving};
use crate::vocabulary::terms::StoragePrecision;
use crate::vocabulary::units::{Fraction, Usd, UsdPerHour};

/// The weight formats searched, widest first.
pub const FORMATS: [StoragePrecision; 5] = [
    StoragePrecision::Bf16,
    StoragePrecision::Fp8,
    StoragePrecision::Int8,
    StoragePrecision::Int4,
    StoragePrecision::Fp4,
];

/// Pipeline depths searched once a replica spans a whole instance.
const PIPELINE_DEPTHS: [u32; 3] = [1, 2, 4];

/// How a candidate is billed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Billed {
    /// Every replica on one plan (`None`: the scenario's typed price).
    Plan(Option<Plan>),
    /// `replicas` committed on `committed` around the clock, the rest on `burst`.
    Mix {
        /// The committed replicas' plan.
        committed: Plan,
        /// Replicas committed around the clock.
        replicas: u32,
        /// The plan of the replicas above them, which follow traffic.
        burst: Plan,
    },
}

/// One feasible way to serve the load. Compact (no strings) so a search keeps them all.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Index into the price book's offers; `None` for the scenario's own accelerator at its typed
    /// price.
    pub offer: Option<usize>,
    /// Index into the price book's accelerators.
    pub accelerator: usize,
    /// Accelerators one replica's tensor-parallel group spans.
    pub tensor_parallel: u32,
    /// Pipeline stages in one replica.
    pub pipeline_parallel: u32,
    /// The weights' storage format.
    pub weight_precision: StoragePrecision,
    /// The batch the replica runs at; `batch_capped` when it is below what the SLO and memory allow
    /// (the scenario then needs `max_batch`).
    pub batch: u32,
    /// Whether `batch` is a cap below what the SLO and memory allow.
    pub batch_capped: bool,
    /// How the replicas are billed.
    pub billed: Billed,
    /// The day's replicas billed a month, USD.
    pub monthly_cost_usd: Usd,
    /// A request's latency at the batch: first token plus the rest of the output.
    pub request_latency_ms: f64,
    /// Time to first token at the batch, in milliseconds.
    pub ttft_ms: f64,
    /// Time per output token at the batch, in milliseconds.
    pub tpot_ms: f64,
    /// Replicas serving the busiest hour.
    pub replicas_peak: u32,
}

/// What the serving search found: every feasible candidate, and how many configurations it weighed.
#[derive(Debug)]
pub struct Search {
    /// Every candidate that fits, meets the SLO and serves the whole load.
    pub feasible: Vec<Candidate>,
    /// Configurations evaluated, feasible or not.
    pub considered: usize,
}

/// One (accelerator, format, layout) sized: the batch caps worth trying and their schedules.
struct Rung {
    batch: u32,
    capped: bool,
    ttft_ms: f64,
    tpot_ms: f64,
    schedule: Schedule,
}

/// Every way to serve the scenario's load within its SLO on the price book's hardware: each
/// accelerator, weight format, tensor and pipeline layout and batch cap, under each plan and each
/// committed baseline with burst above it. Errors when the section does not resolve or gives no
/// load.
pub fn search(
    model: &Model,
    serving: &Serving,
    book: &PriceBook,
    owned: Option<&ResolvedOwned>,
) -> Result<Search, Error> {
    let run = resolve_serving(model.resolve()?, serving, book, owned)?;
    let Some(rates) = run.rates else {
        return Err(Error::new(
            "serving.requests_per_second",
            crate::vocabulary::error::Problem::Malformed(
                "a load is needed to optimise serving: requests_per_second, traffic, or daily_requests"
                    .into(),
            ),
        ));
    };
    let mut throwaway = Vec::new();
    let output = match run.requests {
        Requests::Tokens { output, .. } => output,
        Requests::Forward { .. } => 1.0,
    };
    let mut formats = FORMATS.to_vec();
    if !formats.contains(&serving.weight_precision) {
        formats.insert(0, serving.weight_precision);
    }
    let mut feasible = Vec::new();
    let mut considered = 0usize;

    for (accelerator_index, accelerator) in book.accelerators.iter().enumerate() {
        let offers: Vec<(usize, u32)> = book
            .offers
            .iter()
            .enumerate()
            .filter(|(_, o)| o.accelerator == accelerator.id)
            .map(|(i, o)| (i, o.accelerator_count))
            .collect();
        let typed_here =
            serving.price_per_accelerator_hour.is_some() && serving.accelerator == accelerator.id;
        if offers.is_empty() && !typed_here {
            continue;
        }
        // Prices per accelerator-hour for each offer and plan, looked up once.
        let prices: Vec<[Option<UsdPerHour>; 4]> = offers
            .iter()
            .map(|(i, count)| {
                Plan::RENTED.map(|plan| {
                    book.price(&book.offers[*i], plan, serving.region.as_deref())
                        .map(|price| price.usd_per_instance_hour / f64::from(*count))
                })
            })
            .collect();
        let widest_instance = offers.iter().map(|(_, c)| *c).max().unwrap_or(8).max(1);
        // The user's engine efficiencies describe their accelerator; others get the defaults.
        let efficiency = if accelerator.id == serving.accelerator {
            serving.engine_efficiency
        } else {
            EngineEfficiency::default()
        };
        let [(compute, _), (bandwidth, _)] = default_efficiencies(accelerator);
        let compute = efficiency.compute.unwrap_or(compute);
        let bandwidth = efficiency.bandwidth.unwrap_or(bandwidth);
        for &format in &formats {
            let kv = serving.kv_cache_precision.unwrap_or(if format.bytes() >= 1.0 {
                format
            } else {
                StoragePrecision::Bf16
            });
            let mut tp = 1u32;
            while tp <= widest_instance.max(if typed_here { 8 } else { 1 }) {
                for pp in PIPELINE_DEPTHS {
                    // Deeper pipelines only once the tensor-parallel group fills an instance.
                    if pp > 1 && tp < widest_instance {
                        continue;
                    }
                    considered += 1;
                    let spec = ReplicaSpec {
                        accelerator,
                        weight_format: format,
                        kv_format: kv,
                        tensor: tp,
                        pipeline: pp,
                        compute_efficiency: Fraction::new(compute),
                        bandwidth_efficiency: Fraction::new(bandwidth),
                        draft: run.draft,
                    };
                    let Ok(mut sized) =
                        size(&run.model, run.requests, run.prefix_cache_hit_rate, &spec)
                    else {
                        continue;
                    };
                    if !sized.fits {
                        continue;
                    }
                    let policy = Policy::new(&run.autoscaler, sized.weights, &mut throwaway);
                    throwaway.clear();
                    // The links a replica crosses: none within one instance; a deeper pipeline
                    // spans instances (a stage each), over each offer's sourced network. An offer
                    // whose network no source gives is not proposed across instances.
                    let mut links: Vec<Option<f64>> = Vec::new();
                    if pp == 1 {
                        links.push(None);
                    }
                    for (offer, count) in &offers {
                        let network = book.offers[*offer].network.as_ref();
                        let bytes_per_second = network.map(|n| n.bytes_per_second());
                        if pp > 1 && *count == tp && !links.contains(&bytes_per_second) {
                            links.extend(bytes_per_second.map(Some));
                        }
                    }
                    for link in links {
                        sized.replica.crossing = link.and_then(|bytes_per_second| {
                            Crossing::of(tp, pp, tp, bytes_per_second)
                        });
                        let ceiling =
                            run.max_batch.unwrap_or(u32::MAX).min(sized.max_concurrent.max(1));
                        let at_slo = largest_batch_meeting(&sized.replica, &run.slo, ceiling);
                        if at_slo == 0 {
                            continue;
                        }
                        // Batch caps: powers of two below what the SLO allows, and that batch itself.
                        let rungs: Vec<Rung> = (0..32)
                            .map(|p| 1u32 << p)
                            .take_while(|b| *b < at_slo)
                            .chain(std::iter::once(at_slo))
                            .map(|batch| {
                                let point = sized.replica.point(batch);
                                Rung {
                                    batch,
                                    capped: batch < at_slo,
                                    ttft_ms: point.ttft_ms.get(),
                                    tpot_ms: point.tpot_ms.get(),
                                    schedule: Schedule::new(
                                        &rates,
                                        point.requests_per_second,
                                        &policy,
                                    ),
                                }
                            })
                            .filter(|r| r.schedule.unserved_requests_per_day <= 0.0)
                            .collect();
                        let per_replica = f64::from(tp) * f64::from(pp);
                        let mut push = |offer: Option<usize>,
                                        billed: Billed,
                                        rung: &Rung,
                                        cost: Usd| {
                            feasible.push(Candidate {
                                offer,
                                accelerator: accelerator_index,
                                tensor_parallel: tp,
                                pipeline_parallel: pp,
                                weight_precision: format,
                                batch: rung.batch,
                                batch_capped: rung.capped,
                                billed,
                                monthly_cost_usd: cost,
                                request_latency_ms: rung.ttft_ms
                                    + rung.tpot_ms * (output - 1.0).max(0.0),
                                ttft_ms: rung.ttft_ms,
                                tpot_ms: rung.tpot_ms,
                                replicas_peak: rung.schedule.peak_replicas.min(f64::from(u32::MAX))
                                    as u32,
                            });
                        };
                        for rung in &rungs {
                            // The day against each instance size, shared by the offers of that size
                            // and every commitment.
                            let mut baselines: Vec<(u32, BaselineSearch)> = Vec::new();
                            if typed_here && tp <= 8 && link.is_none() {
                                let price = serving
                                    .price_per_accelerator_hour
                                    .unwrap_or(UsdPerHour::new(0.0));
                                let billing = Billing {
                                    burst: price,
                                    burst_is_committed: false,
                                    baseline: None,
                                    accelerators_per_replica: per_replica,
                                    accelerators_per_instance: 1.0,
                                };
                                considered += 1;
                                push(
                                    None,
                                    Billed::Plan(None),
                                    rung,
                                    billing.monthly(&rung.schedule),
                                );
                            }
                            for ((offer, count), price) in offers.iter().zip(&prices) {
                                // Tensor parallelism stays within an instance's link, and a
                                // pipeline across instances goes over this offer's network.
                                let network = book.offers[*offer].network.as_ref();
                                let crosses_over = network.map(|n| n.bytes_per_second());
                                if tp > *count || (pp > 1 && (tp != *count || crosses_over != link))
                                {
                                    continue;
                                }
                                let billing = |burst: UsdPerHour, committed: bool| Billing {
                                    burst,
                                    burst_is_committed: committed,
                                    baseline: None,
                                    accelerators_per_replica: per_replica,
                                    accelerators_per_instance: f64::from(*count),
                                };
                                for (plan, p) in Plan::RENTED.iter().zip(price) {
                                    let Some(p) = p else { continue };
                                    considered += 1;
                                    let cost =
                                        billing(*p, plan.is_committed()).monthly(&rung.schedule);
                                    push(Some(*offer), Billed::Plan(Some(*plan)), rung, cost);
                                }
                                let at = match baselines.iter().position(|(size, _)| size == count)
                                {
                                    Some(at) => at,
                                    None => {
                                        let search = BaselineSearch::new(
                                            &rung.schedule,
                                            &billing(UsdPerHour::new(0.0), false),
                                        );
                                        baselines.push((*count, search));
                                        baselines.len() - 1
                                    }
                                };
                                let baseline = &baselines[at].1;
                                for burst_plan in [Plan::OnDemand, Plan::Spot] {
                                    let Some(burst) = price[plan_index(burst_plan)] else {
                                        continue;
                                    };
                                    for committed_plan in [Plan::Reserved1y, Plan::Reserved3y] {
                                        let Some(committed) = price[plan_index(committed_plan)]
                                        else {
                                            continue;
                                        };
                                        considered += 1;
                                        let (replicas, cost) =
                                            baseline.best(&billing(burst, false), committed);
                                        if replicas >= 1.0 {
                                            push(
                                                Some(*offer),
                                                Billed::Mix {
                                                    committed: committed_plan,
                                                    replicas: replicas as u32,
                                                    burst: burst_plan,
                                                },
                                                rung,
                                                cost,
                                            );
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                // Checked: a sheet's offer of billions of accelerators ends the walk, not wraps it.
                let Some(wider) = tp.checked_mul(2) else { break };
                tp = wider;
            }
        }
    }
    feasible.retain(|c| c.monthly_cost_usd.is_finite() && c.request_latency_ms.is_finite());
    Ok(Search { feasible, considered })
}

fn plan_index(plan: Plan) -> usize {
    Plan::RENTED.iter().position(|p| *p == plan).unwrap_or(0)
}

impl Candidate {
    /// The scenario's serving section changed to this candidate: what `estimate` prices the same.
    pub fn apply(&self, serving: &Serving, book: &PriceBook) -> Serving {
        let accelerator = book
            .accelerators
            .get(self.accelerator)
            .map_or_else(|| serving.accelerator.clone(), |a| a.id.clone());
        let mut next = serving.clone();
        if accelerator != serving.accelerator {
            next.engine_efficiency = EngineEfficiency::default();
        }
        next.accelerator = accelerator;
        next.parallelism = ReplicaParallelism {
            tensor: Some(self.tensor_parallel),
            pipeline: (self.pipeline_parallel > 1).then_some(self.pipeline_parallel),
        };
        next.weight_precision = self.weight_precision;
        next.max_batch = if self.batch_capped { Some(self.batch) } else { serving.max_batch };
        match self.offer {
            None => {
                next.offer = None;
                next.plan = None;
                next.region = None;
                next.committed_baseline = None;
            }
            Some(index) => {
                let offer = &book.offers[index];
                let (plan, baseline) = match self.billed {
                    Billed::Plan(plan) => (plan.unwrap_or(Plan::OnDemand), None),
                    Billed::Mix { committed, replicas, burst } => (
                        burst,
                        Some(CommittedBaseline {
                            replicas,
                            plan: Some(committed),
                            price_per_accelerator_hour: None,
                        }),
                    ),
                };
                next.price_per_accelerator_hour = None;
                next.offer = Some(offer.id());
                next.plan = Some(plan);
                // The region stays the scenario's (the cheapest selling each plan when absent),
                // as the search priced it.
                next.committed_baseline = baseline;
            }
        }
        next
    }
}
