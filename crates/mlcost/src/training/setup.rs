//! The run as the estimate sees it: the parallel layout, what memory depends on, and the optimizer
//! steps, each checked against the scenario's fields.

use crate::catalogue::hardware::Accelerator;
use crate::catalogue::shape::ResolvedModel;
use crate::scenario::training::Training;
use crate::training::memory::{Layout, Setup};
use crate::training::work::{DEFAULT_LORA_RANK, Work};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::terms::{Method, Precision};
use crate::vocabulary::units::FlopsPerSecond;

/// What memory depends on besides the model and the layout.
pub(crate) fn setup(training: &Training, work: &Work) -> Result<Setup, Error> {
    let micro_batch = positive_count("training.micro_batch", training.micro_batch.unwrap_or(1))?;
    Ok(setup_with_micro_batch(training, work, micro_batch))
}

/// [`setup`] at a micro-batch already checked.
pub(crate) fn setup_with_micro_batch(training: &Training, work: &Work, micro_batch: u32) -> Setup {
    Setup {
        precision: training.precision,
        optimizer: training.optimizer,
        method: training.method,
        lora_rank: training.lora_rank.unwrap_or(DEFAULT_LORA_RANK),
        micro_batch,
        activation_checkpointing: training.activation_checkpointing,
        adapter_parameters: if training.method == Method::Full {
            0.0
        } else {
            work.trainable_parameters
        },
    }
}

/// The parallel layout: the scenario's degrees, with data parallelism taking what the accelerator
/// count leaves.
pub(crate) fn layout(training: &Training) -> Result<Layout, Error> {
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
pub(crate) fn optimizer_steps(
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

fn positive_count(field: &str, value: u32) -> Result<u32, Error> {
    if value == 0 { Err(Error::new(field, Problem::MustBePositive)) } else { Ok(value) }
}

/// The accelerator's dense peak at the run's precision.
pub(crate) fn dense_peak(
    accelerator: &Accelerator,
    precision: Precision,
) -> Result<FlopsPerSecond, Error> {
    accelerator.dense.for_precision(precision).ok_or_else(|| {
        Error::new(
            "training.precision",
            Problem::UnsupportedPrecision {
                accelerator: accelerator.id.clone(),
                precision: precision.as_str().to_owned(),
            },
        )
    })
}
