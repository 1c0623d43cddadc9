//! Layer 3, training cost: model FLOPs over achieved throughput, stretched by goodput, priced per
//! accelerator-hour.

use crate::vocabulary::check::fraction;

pub mod costs;
pub mod memory;
pub mod mfu;
pub mod reliability;
pub mod report;
pub mod rightsizing;
pub mod work;

use crate::catalogue::model::Model;
use crate::catalogue::model::ResolvedModel;
use crate::catalogue::pricing::OfferUsed;
use crate::catalogue::pricing::{PriceBook, PriceChoice};
use crate::scenario::training::Training;
use crate::training::costs::ComputeSite;
use crate::training::memory::{Layout, MemoryBreakdown, Setup, checkpoint_bytes, training_memory};
use crate::training::reliability::DEFAULT_ACCELERATORS_PER_NODE;
use crate::training::report::PlanCost;
use crate::training::report::TrainingReport;
use crate::training::work::{DEFAULT_LORA_RANK, Work, training_work};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::provenance::Assumption;
use crate::vocabulary::terms::Method;
use crate::vocabulary::terms::Plan;
use crate::vocabulary::terms::Precision;
use crate::vocabulary::units::Bytes;
use crate::vocabulary::units::Hours;
use crate::vocabulary::units::Usd;

pub(crate) fn estimate(
    model: &Model,
    training: &Training,
    book: &PriceBook,
) -> Result<TrainingReport, Error> {
    let model = model.resolve()?;
    let work = training_work(&model, training)?;
    if training.accelerator_count == 0 {
        return Err(Error::new("training.accelerator_count", Problem::MustBePositive));
    }
    let accelerator = book.accelerator(&training.accelerator, "training.accelerator")?;
    if let Some(deadline) = training.deadline_hours
        && !(deadline.is_finite() && deadline > 0.0)
    {
        return Err(Error::new("training.deadline_hours", Problem::MustBePositive));
    }
    let layout = layout(training)?;
    let setup = Setup {
        precision: training.precision,
        optimizer: training.optimizer,
        method: training.method,
        lora_rank: training.lora_rank.unwrap_or(DEFAULT_LORA_RANK),
        micro_batch: positive_count("training.micro_batch", training.micro_batch.unwrap_or(1))?,
        activation_checkpointing: training.activation_checkpointing,
        adapter_parameters: if training.method == Method::Full {
            0.0
        } else {
            work.trainable_parameters
        },
    };
    let steps = optimizer_steps(training, &model, &work, layout, setup.micro_batch)?;
    let memory = training_memory(&model, layout, &setup);
    let capacity = accelerator.memory_bytes;
    let fits_in_memory = memory.total() <= capacity;
    let min_accelerators_to_fit = min_accelerators_to_fit(&model, layout, &setup, capacity);
    let (price, offer) = PriceChoice {
        section: "training",
        accelerator: &training.accelerator,
        price_per_accelerator_hour: training.price_per_accelerator_hour,
        offer: training.offer.as_deref(),
        plan: training.plan,
        region: training.region.as_deref(),
    }
    .resolve(book)?;
    let peak = accelerator.dense.for_precision(training.precision).ok_or_else(|| {
        Error::new(
            "training.precision",
            Problem::UnsupportedPrecision {
                accelerator: accelerator.id.clone(),
                precision: training.precision.as_str().to_owned(),
            },
        )
    })?;

    let mut assumptions = Vec::new();
    let mfu = match training.mfu {
        Some(mfu) => fraction("training.mfu", mfu)?,
        None => {
            let bf16_peak = accelerator.dense.sixteen_bit().map_or(peak.get(), |p| p.get());
            let recompute = work.hardware_flops.get() / work.model_flops.get();
            let (mfu, source) = crate::training::mfu::default_mfu(
                &accelerator.id,
                training.precision,
                model.active_parameters,
                recompute,
                bf16_peak,
                peak.get(),
            )?;
            assumptions.push(Assumption { field: "training.mfu".into(), value: mfu, source });
            mfu
        }
    };
    let per_node = offer_node_size(training, book).unwrap_or(DEFAULT_ACCELERATORS_PER_NODE);
    let nodes = training.accelerator_count.div_ceil(per_node);
    let on_spot = training.offer.is_some() && training.plan == Some(Plan::Spot);
    let reliability_inputs = ReliabilityInputs {
        nodes,
        checkpoint_bytes: checkpoint_bytes(&setup, work.trainable_parameters),
        per_node,
    };
    let reliability = reliability::goodput(
        &training.reliability,
        reliability_inputs.cluster(),
        reliability_inputs.checkpoint_bytes,
        on_spot,
    )?;
    let goodput = match training.goodput {
        Some(goodput) => fraction("training.goodput", goodput)?,
        None => {
            assumptions.push(Assumption {
                field: "training.goodput".into(),
                value: reliability.goodput,
                source: reliability::GOODPUT_SOURCE.into(),
            });
            reliability.goodput
        }
    };
    let flops = work.model_flops;
    let count = f64::from(training.accelerator_count);
    let productive_hours = flops / (peak * mfu);
    let accelerator_hours = productive_hours / goodput;
    let wall_clock_hours: Hours = accelerator_hours / count;
    let compute_cost_usd = accelerator_hours * price;

    finite("training.flops", flops.get())?;
    finite("training.accelerator_hours", accelerator_hours.get())?;
    finite("training.compute_cost_usd", compute_cost_usd.get())?;

    let mut notes = Vec::new();
    if training.goodput.is_none() && reliability.goodput <= reliability::MIN_GOODPUT {
        notes.push(format!(
            "interruptions ({:.1} an hour) outpace checkpointing: the first-order goodput model breaks down, and goodput is held at its {:.0}% floor",
            reliability.interruptions_per_hour,
            reliability::MIN_GOODPUT * 100.0
        ));
    }
    if memory.activations.is_none() {
        notes.push("activations are not counted in memory: give the model's shape (a preset, or layers, hidden_size, attention_heads and sequence_length)".to_owned());
    }
    if let Some(note) = activations_note(&model, layout, &setup, &memory, capacity) {
        notes.push(note);
    }

    let site = ComputeSite {
        provider: offer.as_ref().and_then(|o| o.id.split_once(':')).map(|(provider, _)| provider),
        region: offer.as_ref().map(|o| o.region.as_str()),
    };
    let epochs = training.epochs.unwrap_or(1.0);
    let model_bytes =
        work.trainable_parameters * if training.precision == Precision::Fp32 { 4.0 } else { 2.0 };
    let side = costs::side_costs(
        &training.storage,
        book,
        site,
        work.tokens.map(|t| t / epochs),
        reliability.checkpoint_bytes,
        model_bytes,
        wall_clock_hours.get(),
        &mut assumptions,
        &mut notes,
    )?;
    let pue = match training.pue {
        Some(pue) if !(pue.is_finite() && pue >= 1.0) => {
            return Err(Error::new(
                "training.pue",
                Problem::Malformed("must be a number ≥ 1".into()),
            ));
        }
        Some(pue) => pue,
        None => {
            assumptions.push(Assumption {
                field: "training.pue".into(),
                value: costs::DEFAULT_PUE,
                source: "Google's fleet-wide PUE of 1.10 (Google Environmental Report 2024); industry average ~1.56 (Uptime Institute)".into(),
            });
            costs::DEFAULT_PUE
        }
    };
    let energy_kwh = accelerator
        .board_power_watts
        .map(|watts| watts.get() / 1000.0 * accelerator_hours.get() * pue);
    if energy_kwh.is_none() {
        notes.push(format!("energy is not estimated: {} publishes no board power", accelerator.id));
    }
    let by_plan = by_plan(training, book, &offer, productive_hours, &reliability_inputs, goodput)?;
    let total_cost_usd = compute_cost_usd + Usd::new(side.storage_cost_usd + side.egress_cost_usd);
    finite("training.total_cost_usd", total_cost_usd.get())?;
    Ok(TrainingReport {
        model: model.name,
        layout,
        memory_per_accelerator_bytes: memory.total(),
        memory_breakdown: memory,
        fits_in_memory,
        min_accelerators_to_fit,
        steps,
        reliability,
        recommendation: None,
        rightsizing: None,
        notes,
        tokens: work.tokens,
        flops,
        hardware_flops: work.hardware_flops,
        trainable_parameters: work.trainable_parameters,
        mfu,
        goodput,
        peak_flops_per_accelerator: peak,
        accelerator_hours,
        wall_clock_hours,
        compute_cost_usd,
        storage_cost_usd: Usd::new(side.storage_cost_usd),
        egress_cost_usd: Usd::new(side.egress_cost_usd),
        dataset_bytes: Bytes::new(side.dataset_bytes),
        checkpoint_storage_bytes: Bytes::new(side.checkpoint_storage_bytes),
        energy_kwh,
        total_cost_usd,
        by_plan,
        price_per_accelerator_hour: price,
        offer,
        assumptions,
    })
}

/// Results that overflow `f64`, or underflow to zero (absurd inputs), become an error naming the
/// result: never infinity, and never a cost of nothing.
fn finite(field: &str, value: f64) -> Result<(), Error> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(Error::new(field, Problem::ResultOutOfRange))
    }
}

/// A layout on which the run fits at its accelerator count, fewest model-parallel splits first
/// and, among those, the lowest ZeRO stage at least the scenario's: the layout the advisor writes
/// into a scenario it moves to other hardware. `None` when no layout fits.
pub(crate) fn fitting_parallelism(
    model: &Model,
    training: &Training,
    book: &PriceBook,
) -> Option<crate::scenario::training::Parallelism> {
    let resolved = model.resolve().ok()?;
    let work = training_work(&resolved, training).ok()?;
    let capacity =
        book.accelerator(&training.accelerator, "training.accelerator").ok()?.memory_bytes;
    let setup = Setup {
        precision: training.precision,
        optimizer: training.optimizer,
        method: training.method,
        lora_rank: training.lora_rank.unwrap_or(DEFAULT_LORA_RANK),
        micro_batch: training.micro_batch.unwrap_or(1).max(1),
        activation_checkpointing: training.activation_checkpointing,
        adapter_parameters: if training.method == Method::Full {
            0.0
        } else {
            work.trainable_parameters
        },
    };
    let heads = resolved.shape.as_ref().map_or(8, |s| s.attention_heads);
    let layers = resolved.shape.as_ref().map_or(1, |s| s.layers);
    let count = training.accelerator_count;
    let lowest_zero = training.parallelism.zero_stage.unwrap_or(0);
    let mut splits: Vec<(u32, u32)> = [1u32, 2, 4, 8]
        .into_iter()
        .filter(|t| heads.is_multiple_of(*t))
        .flat_map(|t| (0..8).map(move |p| (t, 1u32 << p)))
        .filter(|(t, p)| *p <= layers && count.is_multiple_of(t * p))
        .collect();
    splits.sort_by_key(|(t, p)| (t * p, *p));
    for (tensor, pipeline) in splits {
        for zero_stage in lowest_zero..=3 {
            let parallelism = crate::scenario::training::Parallelism {
                data: None,
                tensor: (tensor > 1).then_some(tensor),
                pipeline: (pipeline > 1).then_some(pipeline),
                expert: training.parallelism.expert,
                zero_stage: (zero_stage > 0).then_some(zero_stage),
            };
            let variant = Training { parallelism, ..training.clone() };
            let Ok(layout) = layout(&variant) else { continue };
            if training_memory(&resolved, layout, &setup).total() <= capacity {
                return Some(parallelism);
            }
        }
    }
    None
}

/// The parallel layout: the scenario's degrees, with data parallelism taking what the accelerator
/// count leaves.
fn layout(training: &Training) -> Result<Layout, Error> {
    let p = &training.parallelism;
    let tensor = positive_count("training.parallelism.tensor", p.tensor.unwrap_or(1))?;
    let pipeline = positive_count("training.parallelism.pipeline", p.pipeline.unwrap_or(1))?;
    let expert = positive_count("training.parallelism.expert", p.expert.unwrap_or(1))?;
    let zero_stage = p.zero_stage.unwrap_or(0);
    if zero_stage > 3 {
        return Err(Error::new(
            "training.parallelism.zero_stage",
            Problem::Malformed("must be 0, 1, 2 or 3".into()),
        ));
    }
    let count = training.accelerator_count;
    let model_split = tensor.saturating_mul(pipeline);
    if !count.is_multiple_of(model_split) {
        return Err(Error::new(
            "training.accelerator_count",
            Problem::Malformed(format!(
                "{count} is not a multiple of tensor × pipeline = {model_split}"
            )),
        ));
    }
    let data = count / model_split;
    if let Some(given) = p.data
        && given != data
    {
        return Err(Error::new(
            "training.parallelism.data",
            Problem::Malformed(format!(
                "data × tensor × pipeline must equal the accelerator count ({count}); data would be {data}"
            )),
        ));
    }
    // Expert parallelism splits the experts across data-parallel ranks.
    if !data.is_multiple_of(expert) {
        return Err(Error::new(
            "training.parallelism.expert",
            Problem::Malformed(format!(
                "{expert} does not divide the data-parallel degree ({data})"
            )),
        ));
    }
    Ok(Layout { data, tensor, pipeline, expert, zero_stage })
}

/// Optimizer steps over the run, when a global batch is given: it must split evenly over the
/// data-parallel ranks' micro-batches.
fn optimizer_steps(
    training: &Training,
    model: &ResolvedModel,
    work: &Work,
    layout: Layout,
    micro_batch: u32,
) -> Result<Option<f64>, Error> {
    let Some(global) = training.global_batch else { return Ok(None) };
    let global = positive_count("training.global_batch", global)?;
    let per_step = u64::from(micro_batch) * u64::from(layout.data);
    if !u64::from(global).is_multiple_of(per_step) {
        return Err(Error::new(
            "training.global_batch",
            Problem::Malformed(format!(
                "{global} is not a multiple of micro_batch × data parallelism = {per_step}"
            )),
        ));
    }
    let sequence = model.shape.as_ref().map_or(1.0, |s| f64::from(s.sequence_length));
    Ok(work.tokens.map(|tokens| tokens / (f64::from(global) * sequence)))
}

/// The fewest accelerators on which some layout fits in memory: data parallelism a power of two,
/// tensor parallelism up to 8 (one NVLink domain) and dividing the heads, pipeline parallelism up to
/// the layer count (at most 128 stages), expert parallelism as the scenario's where it divides the
/// data degree — and the scenario's own layout — with its ZeRO stage, optimizer and micro-batch.
/// When the run does not fit and stored activations are why: what checkpointing them would leave,
/// and what the published runs that fit such layouts do instead.
fn activations_note(
    model: &ResolvedModel,
    layout: Layout,
    setup: &Setup,
    memory: &MemoryBreakdown,
    capacity: Bytes,
) -> Option<String> {
    let activations = memory.activations?;
    if memory.total() <= capacity || setup.activation_checkpointing {
        return None;
    }
    let checkpointed =
        training_memory(model, layout, &Setup { activation_checkpointing: true, ..*setup });
    let gb = |bytes: Bytes| bytes.get() / 1e9;
    Some(format!(
        "does not fit: {:.0} GB per accelerator against {:.0} GB, {:.0} GB of it activations (16-bit, every layer's kept for the backward pass). Checkpointing them (training.activation_checkpointing) would need {:.0} GB, at the cost of recomputing the forward pass; large runs that fit such layouts without it recompute selected operations and keep some activations in FP8 (DeepSeek-V3, arXiv 2412.19437 §3.2.3 and §3.3.2), which this estimate does not model",
        gb(memory.total()),
        gb(capacity),
        gb(activations),
        gb(checkpointed.total()),
    ))
}

fn min_accelerators_to_fit(
    model: &ResolvedModel,
    scenario: Layout,
    setup: &Setup,
    capacity: Bytes,
) -> Option<u32> {
    const MAX_POWER: u32 = 20;
    let layers = model.shape.as_ref().map_or(1, |s| s.layers).min(128);
    let heads = model.shape.as_ref().map_or(8, |s| s.attention_heads);
    let fits = |l: &Layout| training_memory(model, *l, setup).total() <= capacity;
    let count = |l: &Layout| u64::from(l.data) * u64::from(l.tensor) * u64::from(l.pipeline);
    let mut best = fits(&scenario).then(|| count(&scenario));
    for tensor in [1u32, 2, 4, 8].into_iter().filter(|t| heads.is_multiple_of(*t)) {
        for pipeline in 1..=layers {
            let split = u64::from(tensor) * u64::from(pipeline);
            if split > 1 << MAX_POWER {
                break;
            }
            // Nothing at this split can beat a fit already found with as few accelerators.
            if best.is_some_and(|b| split >= b) {
                continue;
            }
            let at = |power: u32| Layout {
                data: 1 << power,
                tensor,
                pipeline,
                expert: gcd(scenario.expert, 1 << power),
                zero_stage: scenario.zero_stage,
            };
            // Memory never grows with the data degree (ZeRO and experts shard over it): search
            // the smallest power of two that fits.
            // Only counts below the best so far can improve on it.
            let Some(highest) = (0..=MAX_POWER)
                .rev()
                .find(|p| split << p <= 1 << MAX_POWER && best.is_none_or(|b| split << p < b))
            else {
                continue;
            };
            if !fits(&at(highest)) {
                continue;
            }
            let (mut low, mut high) = (0, highest);
            while low < high {
                let middle = (low + high) / 2;
                if fits(&at(middle)) { high = middle } else { low = middle + 1 }
            }
            let found = count(&at(low));
            best = Some(best.map_or(found, |b| b.min(found)));
        }
    }
    best.and_then(|c| u32::try_from(c).ok())
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a.max(1) } else { gcd(b, a % b) }
}

fn positive_count(field: &str, value: u32) -> Result<u32, Error> {
    if value == 0 { Err(Error::new(field, Problem::MustBePositive)) } else { Ok(value) }
}

/// Accelerators per node: the named offer's machine, when there is one.
fn offer_node_size(training: &Training, book: &PriceBook) -> Option<u32> {
    let offer = book.offer(training.offer.as_deref()?, "training.offer").ok()?;
    Some(offer.accelerator_count.max(1))
}

/// What goodput depends on besides the plan.
#[derive(Debug, Clone, Copy)]
struct ReliabilityInputs {
    nodes: u32,
    checkpoint_bytes: f64,
    per_node: u32,
}

impl ReliabilityInputs {
    fn cluster(&self) -> reliability::Cluster {
        reliability::Cluster {
            nodes: self.nodes,
            accelerators_per_node: self.per_node,
            mtbf_node_accelerators: self.per_node,
        }
    }
}

/// The goodput of the run under `plan`: a given goodput stands for the non-spot plans (and spot
/// loses what the model says spot adds); otherwise the model's, with spot's preemptions on spot.
pub(crate) fn plan_goodput(
    given: Option<f64>,
    scenario_on_spot: bool,
    model_on_demand: f64,
    model_spot: f64,
    plan: Plan,
) -> f64 {
    let on_spot = plan == Plan::Spot;
    match given {
        None => {
            if on_spot {
                model_spot
            } else {
                model_on_demand
            }
        }
        Some(given) => {
            let base = if scenario_on_spot { given * model_on_demand / model_spot } else { given };
            (if on_spot { base * model_spot / model_on_demand } else { base }).min(1.0)
        }
    }
}

/// The same run under every plan the offer sells (cheapest region, or the scenario's), with spot's
/// extra preemption loss; with a typed price, the one "custom" plan.
fn by_plan(
    training: &Training,
    book: &PriceBook,
    used: &Option<OfferUsed>,
    productive_hours: Hours,
    inputs: &ReliabilityInputs,
    goodput: f64,
) -> Result<std::collections::BTreeMap<String, PlanCost>, Error> {
    let mut plans = std::collections::BTreeMap::new();
    let count = f64::from(training.accelerator_count);
    let Some(used) = used else {
        let price = training.price_per_accelerator_hour.unwrap_or_default();
        let hours = productive_hours / goodput;
        plans.insert(
            "custom".to_owned(),
            PlanCost {
                accelerator_hours: hours,
                wall_clock_hours: hours / count,
                compute_cost_usd: hours * price,
                price_per_accelerator_hour: price,
                goodput,
                region: None,
            },
        );
        return Ok(plans);
    };
    let offer = book.offer(&used.id, "training.offer")?;
    let modelled = |on_spot: bool| {
        reliability::goodput(
            &training.reliability,
            inputs.cluster(),
            inputs.checkpoint_bytes,
            on_spot,
        )
        .map(|m| m.goodput)
    };
    let (on_demand_model, spot_model) = (modelled(false)?, modelled(true)?);
    let scenario_on_spot = training.plan == Some(Plan::Spot);
    for plan in Plan::ALL {
        let Some((region, instance_price, _)) = book.price(offer, plan, training.region.as_deref())
        else {
            continue;
        };
        let plan_goodput =
            plan_goodput(training.goodput, scenario_on_spot, on_demand_model, spot_model, plan);
        let price = instance_price / f64::from(offer.accelerator_count);
        let hours = productive_hours / plan_goodput;
        plans.insert(
            plan.as_str().to_owned(),
            PlanCost {
                accelerator_hours: hours,
                wall_clock_hours: hours / count,
                compute_cost_usd: hours * price,
                price_per_accelerator_hour: price,
                goodput: plan_goodput,
                region: Some(region),
            },
        );
    }
    Ok(plans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::model::Model;
    use crate::vocabulary::terms::{Method, Optimizer, Precision};

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Every layout the search may use, tried one by one: the count it must find.
    fn exhaustive(
        model: &ResolvedModel,
        scenario: Layout,
        setup: &Setup,
        capacity: Bytes,
    ) -> Option<u32> {
        let layers = model.shape.as_ref().map_or(1, |s| s.layers).min(128);
        let heads = model.shape.as_ref().map_or(8, |s| s.attention_heads);
        let fits = |l: Layout| training_memory(model, l, setup).total() <= capacity;
        let count = |l: Layout| u64::from(l.data) * u64::from(l.tensor) * u64::from(l.pipeline);
        let mut counts: Vec<u64> = fits(scenario).then(|| count(scenario)).into_iter().collect();
        for tensor in [1u32, 2, 4, 8].into_iter().filter(|t| heads.is_multiple_of(*t)) {
            for pipeline in 1..=layers {
                for power in 0..=20u32 {
                    let layout = Layout {
                        data: 1 << power,
                        tensor,
                        pipeline,
                        expert: gcd(scenario.expert, 1 << power),
                        zero_stage: scenario.zero_stage,
                    };
                    if count(layout) <= 1 << 20 && fits(layout) {
                        counts.push(count(layout));
                    }
                }
            }
        }
        counts.into_iter().min().and_then(|c| u32::try_from(c).ok())
    }

    #[test]
    fn the_fewest_accelerators_that_fit_are_the_exhaustive_searchs() {
        for (preset, expert) in [("llama-3.1-8b", 1), ("llama-3.1-70b", 1), ("deepseek-v3", 64)] {
            let model =
                Model { preset: Some(preset.into()), ..Model::default() }.resolve().unwrap();
            for (zero_stage, checkpointing, capacity) in
                [(0, false, 80e9), (1, false, 80e9), (3, true, 24e9), (1, false, 16e9)]
            {
                let setup = Setup {
                    precision: Precision::Bf16,
                    optimizer: Optimizer::Adamw,
                    method: Method::Full,
                    lora_rank: 16,
                    micro_batch: 1,
                    activation_checkpointing: checkpointing,
                    adapter_parameters: 0.0,
                };
                let scenario = Layout { data: 8, tensor: 1, pipeline: 1, expert, zero_stage };
                let capacity = Bytes::new(capacity);
                assert_eq!(
                    min_accelerators_to_fit(&model, scenario, &setup, capacity),
                    exhaustive(&model, scenario, &setup, capacity),
                    "{preset}, ZeRO {zero_stage}, checkpointing {checkpointing}, {capacity:?}"
                );
            }
        }
    }
}
