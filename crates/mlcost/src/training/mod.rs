//! Layer 3, training cost: model FLOPs over achieved throughput, stretched by goodput, priced per
//! accelerator-hour.

pub mod calibration;
pub mod costs;
mod fit;
pub mod memory;
pub mod mfu;
pub mod mfu_fitted;
pub mod mfu_model;
mod money;
pub mod network;
pub mod ranges;
pub mod reliability;
pub mod report;
pub mod rightsizing;
pub mod spread;
pub mod work;

pub(crate) use fit::fitting_parallelism;

use crate::scenario::resolve::training::{Amount, DatasetSize, ResolvedTraining};
use crate::training::fit::{activations_note, min_accelerators_to_fit};
use crate::training::memory::training_memory;
use crate::training::mfu::{RunShape, default_mfu};
use crate::training::money::by_plan;
use crate::training::reliability::{MIN_GOODPUT, goodput_source, modelled_goodput};
use crate::training::report::TrainingReport;
use crate::training::work::{optimizer_steps, training_work};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::provenance::Assumption;
use crate::vocabulary::terms::Precision;
use crate::vocabulary::units::{Bytes, Fraction, Hours, KilowattHours};

/// Estimates a resolved training run. Its fields are checked: it fails only on results out of
/// range. It takes the run to hand its model's name and offer to the report without copying them.
pub fn estimate(resolved: ResolvedTraining<'_>) -> Result<TrainingReport, Error> {
    let run = &resolved;
    let (model, layout, setup, peak) = (&run.model, run.layout, &run.setup, run.peak);
    let work = training_work(run);
    let steps = optimizer_steps(run, &work);
    let memory = training_memory(model, layout, setup);
    let capacity = run.accelerator.memory_bytes;
    let fits_in_memory = memory.total() <= capacity;
    let min_accelerators_to_fit = min_accelerators_to_fit(model, layout, setup, capacity);

    let mut assumptions = Vec::with_capacity(run.assumptions.len() + 2);
    let mfu = match run.mfu {
        Some(mfu) => mfu,
        None => {
            let bf16_peak = run.accelerator.dense.sixteen_bit().map_or(peak.get(), |p| p.get());
            let recompute = work.hardware_flops.get() / work.model_flops.get();
            let (mfu, source) = default_mfu(
                run.accelerator,
                RunShape {
                    precision: setup.precision,
                    active_parameters: model.active_parameters.get(),
                    accelerators: f64::from(run.accelerator_count),
                    recompute_ratio: recompute,
                    dense_bf16_peak: bf16_peak,
                    precision_peak: peak.get(),
                },
            );
            assumptions.push(Assumption {
                field: "training.mfu".into(),
                value: mfu,
                source: source.into(),
                as_of: None,
            });
            Fraction::new(mfu)
        }
    };
    let (reliability_inputs, reliability) = modelled_goodput(run, &work);
    let goodput = match run.goodput {
        Some(goodput) => goodput,
        None => {
            assumptions.push(Assumption {
                field: "training.goodput".into(),
                value: reliability.goodput.get(),
                source: goodput_source(&run.reliability),
                as_of: None,
            });
            reliability.goodput
        }
    };
    assumptions.extend(run.assumptions.iter().cloned());
    let flops = work.model_flops;
    let count = f64::from(run.accelerator_count);
    // Traffic between instances that the backward pass cannot hide stalls every accelerator.
    let crossing = network::crossing(run, &work, mfu.get());
    let productive_hours = flops / (peak * mfu.get())
        + crossing.as_ref().map_or(Hours::new(0.0), |c| c.added_accelerator_hours);
    let accelerator_hours = productive_hours / goodput;
    let wall_clock_hours: Hours = accelerator_hours / count;
    let compute_cost_usd = accelerator_hours * run.price;

    finite("training.flops", flops.get())?;
    finite("training.accelerator_hours", accelerator_hours.get())?;
    finite("training.compute_cost_usd", compute_cost_usd.get())?;

    let mut notes = run.notes.clone();
    if let Some(owned) = &run.owned {
        notes.push(owned.note.clone());
        if run.accelerator_count > owned.accelerators {
            notes.push(format!(
                "the run uses {} accelerators, more than the owned servers' {}: buy more servers (owned.servers) or train on fewer",
                run.accelerator_count, owned.accelerators
            ));
        }
    }
    notes.extend(crossing.map(|c| c.note));
    if matches!(
        (run.storage.dataset, run.amount),
        (DatasetSize::PerToken(_), Amount::Samples { .. })
    ) {
        notes.push("the dataset is not priced: a run counted in samples has no tokens to size it by; give training.storage.dataset_bytes".to_owned());
    }
    if run.goodput.is_none() && reliability.goodput.get() <= MIN_GOODPUT {
        notes.push(format!(
            "interruptions ({:.1} an hour) outpace checkpointing: the first-order goodput model breaks down, and goodput is held at its {:.0}% floor",
            reliability.interruptions_per_hour,
            MIN_GOODPUT * 100.0
        ));
    }
    if memory.activations.is_none() {
        notes.push("activations are not counted in memory: give the model's shape (a preset, or layers, hidden_size, attention_heads and sequence_length)".to_owned());
    }
    if let Some(note) = activations_note(model, layout, setup, &memory, capacity) {
        notes.push(note);
    }

    let bytes_per_parameter = if setup.precision == Precision::Fp32 { 4.0 } else { 2.0 };
    let model_bytes = Bytes::new(work.trainable_parameters.get() * bytes_per_parameter);
    let side = costs::side_costs(
        run,
        reliability.checkpoint_bytes,
        model_bytes,
        wall_clock_hours,
        &mut notes,
    );
    let energy_kwh = run
        .accelerator
        .board_power_watts
        .map(|watts| KilowattHours::new(watts.get() / 1000.0 * accelerator_hours.get() * run.pue));
    if energy_kwh.is_none() {
        notes.push(format!(
            "energy is not estimated: {} publishes no board power",
            run.accelerator.id
        ));
    }
    let by_plan = by_plan(run, productive_hours, &reliability_inputs, goodput);
    let total_cost_usd = compute_cost_usd + (side.storage_cost_usd + side.egress_cost_usd);
    finite("training.total_cost_usd", total_cost_usd.get())?;
    let price_per_accelerator_hour = run.price;
    let carbon_kg_co2e = energy_kwh.map(|kwh| kwh * run.grid);
    let ResolvedTraining { model, offer, .. } = resolved;
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
        storage_cost_usd: side.storage_cost_usd,
        egress_cost_usd: side.egress_cost_usd,
        dataset_bytes: side.dataset_bytes,
        checkpoint_storage_bytes: side.checkpoint_storage_bytes,
        energy_kwh,
        carbon_kg_co2e,
        total_cost_usd,
        by_plan,
        price_per_accelerator_hour,
        offer,
        assumptions,
        ranges: None,
        sensitivity: Vec::new(),
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
