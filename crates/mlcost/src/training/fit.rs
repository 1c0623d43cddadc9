//! Which layouts a run fits in: the fewest accelerators that hold it, a layout that fits at a
//! given count (for the advisor), and why a run that does not fit does not.

use crate::catalogue::pricing::PriceBook;
use crate::catalogue::shape::ResolvedModel;
use crate::scenario::model::Model;
use crate::scenario::resolve::training::{DEFAULT_LORA_RANK, Layout, Setup, resolve_layout, setup};
use crate::scenario::training::{Parallelism, Training};
use crate::training::memory::{
    MemoryBreakdown, activation_bytes, training_memory, training_memory_with,
};
use crate::vocabulary::units::Bytes;

/// A layout on which the run fits at its accelerator count, fewest model-parallel splits first
/// and, among those, the lowest ZeRO stage at least the scenario's: the layout the advisor writes
/// into a scenario it moves to other hardware. `None` when no layout fits.
pub(crate) fn fitting_parallelism(
    model: &Model,
    training: &Training,
    book: &PriceBook,
) -> Option<Parallelism> {
    let resolved = model.resolve().ok()?;
    let capacity =
        book.accelerator(&training.accelerator, "training.accelerator").ok()?.memory_bytes;
    let lora_rank = training.lora_rank.unwrap_or(DEFAULT_LORA_RANK);
    let setup = setup(&resolved, training, lora_rank, training.micro_batch.unwrap_or(1).max(1));
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
            let parallelism = Parallelism {
                data: None,
                tensor: (tensor > 1).then_some(tensor),
                pipeline: (pipeline > 1).then_some(pipeline),
                expert: training.parallelism.expert,
                zero_stage: (zero_stage > 0).then_some(zero_stage),
            };
            let variant = Training { parallelism, ..training.clone() };
            let Ok(layout) = resolve_layout(&variant, resolved.routed_experts.is_some()) else {
                continue;
            };
            if training_memory(&resolved, layout, &setup).total() <= capacity {
                return Some(parallelism);
            }
        }
    }
    None
}

/// When the run does not fit and stored activations are why: what checkpointing them would leave,
/// and what the published runs that fit such layouts do instead.
pub(crate) fn activations_note(
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
    // Selective recomputation saves less: worth saying only when it is enough.
    let selective = (!setup.selective_recomputation)
        .then(|| training_memory(model, layout, &Setup { selective_recomputation: true, ..*setup }))
        .filter(|selective| selective.total() <= capacity)
        .map(|selective| {
            format!(
                "; recomputing only the cheap parts (training.selective_recomputation, as DeepSeek-V3 does, arXiv 2412.19437 §3.2.3) would need {:.0} GB for under 1% more FLOPs",
                gb(selective.total())
            )
        });
    Some(format!(
        "does not fit: {:.0} GB per accelerator against {:.0} GB, {:.0} GB of it activations (16-bit, every layer's kept for the backward pass). Checkpointing them (training.activation_checkpointing) would need {:.0} GB, at the cost of recomputing the forward pass{}",
        gb(memory.total()),
        gb(capacity),
        gb(activations),
        gb(checkpointed.total()),
        selective.unwrap_or_default(),
    ))
}

/// The fewest accelerators on which some layout fits in memory: data parallelism a power of two,
/// tensor parallelism up to 8 (one NVLink domain) and dividing the heads, pipeline parallelism up to
/// the layer count (at most 128 stages), expert parallelism as the scenario's where it divides the
/// data degree — and the scenario's own layout — with its ZeRO stage, optimizer and micro-batch.
pub(crate) fn min_accelerators_to_fit(
    model: &ResolvedModel,
    scenario: Layout,
    setup: &Setup,
    capacity: Bytes,
) -> Option<u32> {
    const MAX_POWER: u32 = 20;
    let layers = model.shape.as_ref().map_or(1, |s| s.layers).min(128);
    let heads = model.shape.as_ref().map_or(8, |s| s.attention_heads);
    let count = |l: &Layout| u64::from(l.data) * u64::from(l.tensor) * u64::from(l.pipeline);
    let fits_scenario = training_memory(model, scenario, setup).total() <= capacity;
    let mut best = fits_scenario.then(|| count(&scenario));
    for tensor in [1u32, 2, 4, 8].into_iter().filter(|t| heads.is_multiple_of(*t)) {
        let activations = model
            .shape
            .as_ref()
            .map(|shape| Bytes::new(activation_bytes(shape, Layout { tensor, ..scenario }, setup)));
        let fits =
            |l: &Layout| training_memory_with(model, *l, setup, activations).total() <= capacity;
        for pipeline in 1..=layers {
            let split = u64::from(tensor) * u64::from(pipeline);
            if split > 1 << MAX_POWER {
                break;
            }
            // Nothing at this split, or the deeper pipelines after it, can beat a fit already
            // found with as few accelerators.
            if best.is_some_and(|b| split >= b) {
                break;
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

#[cfg(test)]
mod tests {
    use super::*;
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
                    selective_recomputation: false,
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
