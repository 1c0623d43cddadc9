//! Right-sizing: the same training run on every offer, instance count and plan the price book has,
//! as a cost-vs-time Pareto front, and the cheapest candidate that fits in memory and meets the
//! deadline.
//!
//! Why not re-run the whole estimate per candidate? Work, MFU and memory depend on the accelerator,
//! not on the offer or the count; only goodput changes with the cluster's size and the plan. So
//! each accelerator is estimated once and each candidate costs a few multiplications.

use crate::catalogue::pricing::{Offer, PriceBook};
use crate::catalogue::shape::Shape;
use crate::scenario::model::Model;
use crate::scenario::resolve::training::Layout;
use crate::scenario::resolve::training::{CheckedReliability, resolve_training};
use crate::scenario::training::Training;
use crate::training::network::{MAX_GLOBAL_BATCH_TOKENS, Traffic, default_batch_tokens};
use crate::training::reliability::Cluster;
use crate::training::reliability::plan_goodput;
use crate::training::report::TrainingReport;
use crate::training::report::{Candidate, RightSizing};
use crate::training::{mfu, reliability};
use crate::vocabulary::error::Error;
use crate::vocabulary::terms::Plan;
use crate::vocabulary::terms::Precision;
use crate::vocabulary::units::{Fraction, Hours, Usd, UsdPerHour};

/// Largest cluster considered, in accelerators.
pub const MAX_ACCELERATORS: u32 = 65_536;

/// The report's note when no candidate meets the scenario's deadline.
pub fn missed_deadline_note(deadline_hours: f64) -> String {
    format!(
        "no offer, count and plan in the price book finishes within the {deadline_hours} h deadline"
    )
}

/// The run on every offer, instance count and rented plan in `book`, at the scenario's precision
/// and activation checkpointing: the Pareto front, the cheapest candidate within
/// `deadline_hours`, and how many were weighed.
pub fn search(model: &Model, training: &Training, book: &PriceBook) -> Result<RightSizing, Error> {
    let (candidates, considered) =
        weigh(model, training, book, &[training.precision], &[training.activation_checkpointing])?;
    let recommendation = training.deadline_hours.and_then(|deadline| {
        candidates
            .iter()
            .filter(|c| c.wall_clock_hours.get() <= deadline)
            .min_by(|a, b| a.compute_cost_usd.get().total_cmp(&b.compute_cost_usd.get()))
            .map(Weighed::to_candidate)
    });
    Ok(RightSizing {
        pareto_front: pareto_front(candidates).iter().map(Weighed::to_candidate).collect(),
        recommendation,
        candidates_considered: considered,
    })
}

/// Every (accelerator, precision, offer, count, plan) the run fits on, and how many were weighed.
pub fn candidates(
    model: &Model,
    training: &Training,
    book: &PriceBook,
    precisions: &[Precision],
    recompute: &[bool],
) -> Result<(Vec<Candidate>, usize), Error> {
    let (weighed, considered) = weigh(model, training, book, precisions, recompute)?;
    Ok((weighed.iter().map(Weighed::to_candidate).collect(), considered))
}

/// A [`Candidate`] while the search weighs it: names borrowed from the price book, so the
/// thousands weighed cost no allocation; only the chosen become `Candidate`s.
#[derive(Debug, Clone, Copy)]
pub struct Weighed<'a> {
    offer: &'a Offer,
    plan: Plan,
    region: &'a str,
    accelerator: &'a str,
    accelerator_count: u32,
    precision: Precision,
    activation_checkpointing: bool,
    wall_clock_hours: Hours,
    compute_cost_usd: Usd,
    price_per_accelerator_hour: UsdPerHour,
    goodput: Fraction,
    mfu_calibrated: bool,
}

impl Weighed<'_> {
    /// The candidate with its names copied out of the price book.
    pub fn to_candidate(&self) -> Candidate {
        Candidate {
            offer: self.offer.id(),
            plan: self.plan,
            region: self.region.to_owned(),
            accelerator: self.accelerator.to_owned(),
            accelerator_count: self.accelerator_count,
            precision: self.precision,
            activation_checkpointing: self.activation_checkpointing,
            wall_clock_hours: self.wall_clock_hours,
            compute_cost_usd: self.compute_cost_usd,
            price_per_accelerator_hour: self.price_per_accelerator_hour,
            goodput: self.goodput,
            mfu_calibrated: self.mfu_calibrated,
        }
    }
}

/// The count each accelerator's run is estimated at before it is scaled to every other.
const ESTIMATED_AT: u32 = 8;

/// Weighs every candidate, borrowing from `book`.
fn weigh<'a>(
    model: &Model,
    training: &Training,
    book: &'a PriceBook,
    precisions: &[Precision],
    recompute: &[bool],
) -> Result<(Vec<Weighed<'a>>, usize), Error> {
    let mut candidates = Vec::new();
    let mut considered = 0usize;
    // Data-parallel ranks each need at least a micro-batch of the global batch.
    let micro_batch = training.micro_batch.unwrap_or(1).max(1);
    let resolved = model.resolve()?;
    let max_data_parallel = match (training.global_batch, &resolved.shape) {
        (Some(batch), _) => (batch / micro_batch).max(1),
        (None, Some(shape)) => (MAX_GLOBAL_BATCH_TOKENS
            / (shape.training_sequence().max(1.0) * f64::from(micro_batch)))
        .floor()
        .max(1.0) as u32,
        (None, None) => MAX_ACCELERATORS,
    };
    // The machines a user's MTBF describes: the scenario's offer's or nodes', or an
    // eight-accelerator node.
    let scenario_node = training
        .offer
        .as_deref()
        .and_then(|id| book.offer(id, "training.offer").ok())
        .map(|o| o.accelerator_count)
        .or(training.nodes.and_then(|n| n.accelerators))
        .unwrap_or(reliability::DEFAULT_ACCELERATORS_PER_NODE);
    let reliability_settings = CheckedReliability::check(&training.reliability)?;
    let choices = precisions.iter().flat_map(|p| recompute.iter().map(move |r| (*p, *r)));
    let choices: Vec<(Precision, bool)> = choices.collect();
    for (accelerator, &(precision, checkpointing)) in
        book.accelerators.iter().flat_map(|a| choices.iter().map(move |c| (a, c)))
    {
        if accelerator.inference_only || accelerator.dense.for_precision(precision).is_none() {
            continue;
        }
        let offers: Vec<_> =
            book.offers.iter().filter(|o| o.accelerator == accelerator.id).collect();
        if offers.is_empty() {
            continue;
        }
        // The run on this accelerator at unit price, with the layout left to data parallelism.
        let mut variant = training.clone();
        variant.accelerator = accelerator.id.clone();
        variant.accelerator_count = ESTIMATED_AT;
        variant.precision = precision;
        variant.activation_checkpointing = checkpointing;
        variant.offer = None;
        // Each offer's own instances and network are priced below, not the scenario's nodes.
        variant.nodes = None;
        variant.plan = None;
        variant.region = None;
        variant.price_per_accelerator_hour = Some(UsdPerHour::new(1.0));
        variant.parallelism = crate::scenario::training::Parallelism {
            zero_stage: training.parallelism.zero_stage,
            ..Default::default()
        };
        variant.global_batch = None;
        let Ok(report) = resolve_training(resolved.clone(), &variant, book, None)
            .and_then(crate::training::estimate)
        else {
            continue;
        };
        let Some(min_fit) = report.min_accelerators_to_fit else { continue };
        let productive = report.accelerator_hours * report.goodput;
        for offer in offers {
            let per_instance = offer.accelerator_count;
            // Prices do not depend on the count, nor goodput on the plan: each is found once.
            let prices: Vec<(Plan, &str, UsdPerHour)> = Plan::RENTED
                .into_iter()
                .filter_map(|plan| {
                    let price = book.price(offer, plan, training.region.as_deref())?;
                    Some((plan, price.region, price.usd_per_instance_hour))
                })
                .collect();
            // The model-parallel split the smallest fit needs, times the ranks the batch allows.
            let largest = min_fit.saturating_mul(max_data_parallel).min(MAX_ACCELERATORS);
            // Doubling instance counts, each multiplied out checked: an offer of billions of
            // accelerators (a user's sheet) ends the walk instead of wrapping it to zero.
            let counts = std::iter::successors(Some(1u32), |n| n.checked_mul(2))
                .map_while(|instances| Some((instances, instances.checked_mul(per_instance)?)))
                .take_while(|(_, count)| *count <= largest.max(per_instance));
            for (instances, count) in counts {
                // Across instances whose link no source gives, the run cannot be priced honestly:
                // not proposed (a scenario that names such an offer says so in a note).
                let unpriced_link = instances > 1 && offer.network.is_none();
                if count >= min_fit && !unpriced_link {
                    // One candidate for each plan the offer sells.
                    considered += prices.len();
                    if !prices.is_empty() {
                        // A defaulted MFU falls as the cluster grows (`mfu`); a given one holds.
                        let productive = match training.mfu {
                            Some(_) => productive,
                            None => {
                                productive
                                    / mfu::default_mfu_ratio(
                                        accelerator,
                                        resolved.active_parameters.get(),
                                        f64::from(count),
                                        f64::from(ESTIMATED_AT),
                                    )
                            }
                        };
                        let model = |on_spot: bool| {
                            reliability::goodput(
                                &reliability_settings,
                                Cluster {
                                    nodes: instances,
                                    accelerators_per_node: per_instance,
                                    mtbf_node_accelerators: scenario_node,
                                },
                                report.reliability.checkpoint_bytes,
                                on_spot,
                            )
                            .goodput
                        };
                        let (on_demand, spot) = (model(false), model(true));
                        // What the network between this offer's instances adds, as the
                        // estimate of the same run would (`network`).
                        let crossing = network_hours(
                            &report,
                            productive,
                            resolved.shape.as_ref(),
                            training,
                            (offer, instances),
                            count,
                        );
                        for (plan, region, price) in &prices {
                            let goodput = plan_goodput(
                                training.goodput.map(Fraction::new),
                                training.plan == Some(Plan::Spot),
                                on_demand,
                                spot,
                                *plan,
                            );
                            let hours = (productive + crossing) / goodput;
                            let per_accelerator = *price / f64::from(per_instance);
                            candidates.push(Weighed {
                                offer,
                                plan: *plan,
                                region,
                                accelerator: &accelerator.id,
                                accelerator_count: count,
                                precision,
                                activation_checkpointing: checkpointing,
                                wall_clock_hours: hours / f64::from(count),
                                compute_cost_usd: hours * per_accelerator,
                                price_per_accelerator_hour: per_accelerator,
                                goodput,
                                mfu_calibrated: training.mfu.is_some()
                                    || mfu::calibrates(accelerator),
                            });
                        }
                    }
                }
            }
        }
    }
    Ok((candidates, considered))
}

/// The accelerator-hours the network between `instances` instances of `offer` adds to the run
/// `report` (estimated at eight accelerators, unit price) at `count` accelerators, where its
/// productive hours are `productive`: the model split it needed, data parallelism across the rest.
fn network_hours(
    report: &TrainingReport,
    productive: Hours,
    shape: Option<&Shape>,
    training: &Training,
    (offer, instances): (&Offer, u32),
    count: u32,
) -> Hours {
    let (Some(network), Some(shape), Some(tokens)) = (&offer.network, shape, report.tokens) else {
        return Hours::new(0.0);
    };
    if instances <= 1 {
        return Hours::new(0.0);
    }
    let split = report.layout.tensor.saturating_mul(report.layout.pipeline).max(1);
    let layout = Layout { data: (count / split).max(1), expert: 1, ..report.layout };
    let sequence = shape.training_sequence();
    let batch_tokens = training
        .global_batch
        .map_or_else(|| default_batch_tokens(layout.data, sequence), |b| f64::from(b) * sequence);
    let steps = (tokens.get() / batch_tokens).max(1.0);
    let productive = productive.get();
    let traffic = Traffic {
        per_instance: offer.accelerator_count,
        instances,
        layout,
        trainable_parameters: report.trainable_parameters.get(),
        layers: shape.layers,
        hidden_size: shape.hidden_size,
        batch_tokens,
        step_seconds: productive * 3600.0 / steps / f64::from(count),
        instance_bytes_per_second: network.bytes_per_second(),
    };
    Hours::new(traffic.exposed_seconds() * steps * f64::from(count) / 3600.0)
}

/// The candidates no other is at least as good as on both axes (and better on one), cheapest first.
pub fn pareto_front<C: Costed>(candidates: Vec<C>) -> Vec<C> {
    // Sort small keys, not the candidates themselves: thousands of them on every keystroke.
    let mut order: Vec<(f64, f64, usize)> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (cost, hours) = c.cost_and_hours();
            (cost, hours, i)
        })
        .collect();
    order
        .sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut chosen = Vec::new();
    let mut fastest = f64::INFINITY;
    for (_, hours, i) in order {
        // Sorted by cost: a candidate joins only if it is faster than everything cheaper.
        if hours < fastest {
            fastest = hours;
            chosen.push(i);
        }
    }
    let mut candidates: Vec<Option<C>> = candidates.into_iter().map(Some).collect();
    chosen.into_iter().filter_map(|i| candidates[i].take()).collect()
}

/// What the Pareto front weighs a candidate by: its compute cost and its wall-clock hours.
pub trait Costed {
    /// The compute cost in USD and the wall-clock hours.
    fn cost_and_hours(&self) -> (f64, f64);
}

impl Costed for Candidate {
    fn cost_and_hours(&self) -> (f64, f64) {
        (self.compute_cost_usd.get(), self.wall_clock_hours.get())
    }
}

impl Costed for Weighed<'_> {
    fn cost_and_hours(&self) -> (f64, f64) {
        (self.compute_cost_usd.get(), self.wall_clock_hours.get())
    }
}
