//! A training section resolved: every field checked, the model, accelerator, layout, set-up and
//! price looked up once, and the plain defaults filled in.

use serde::{Deserialize, Serialize};

use crate::catalogue::hardware::Accelerator;
use crate::catalogue::pricing::{Offer, OfferUsed, PriceBook, PriceChoice};
use crate::catalogue::shape::{ResolvedModel, Shape, adapter_parameters};
use crate::scenario::resolve::carbon::{Place, grid_intensity, pue};
use crate::scenario::resolve::machines::Machines;
use crate::scenario::resolve::owned::{OwnedPlan, PlanFields, ResolvedOwned};
use crate::scenario::training::Training;
use crate::vocabulary::check::{
    MAX_ACCELERATORS, MAX_TRAINING_TOKENS, at_least_one, at_most, fraction, positive_count,
};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::provenance::Assumption;
use crate::vocabulary::terms::{Method, Optimizer, Plan, Precision};
use crate::vocabulary::units::{
    FlopsPerSecond, Fraction, GramsCo2ePerKilowattHour, Hours, UsdPerHour,
};

/// LoRA rank when the scenario gives none: a common setting (the QLoRA paper's Guanaco runs use 64;
/// Hugging Face PEFT's default is 8); 16 is between, and the cost barely depends on it.
pub const DEFAULT_LORA_RANK: u32 = 16;

pub use super::carbon::DEFAULT_PUE;
pub use super::reliability::CheckedReliability;
use super::storage::storage;
pub use super::storage::{
    DEFAULT_BYTES_PER_TOKEN, DEFAULT_CHECKPOINTS_KEPT, DatasetSize, ResolvedStorage,
};

/// How the run is split across accelerators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Layout {
    /// Copies of the model, each fed its own share of the batch: the accelerator count over
    /// tensor × pipeline.
    pub data: u32,
    /// Accelerators each layer is split across.
    pub tensor: u32,
    /// Stages the layers are cut into.
    pub pipeline: u32,
    /// Groups the experts are split across, within the data-parallel ranks; 1 for a model
    /// without experts.
    pub expert: u32,
    /// ZeRO stage (Rajbhandari et al. 2020, arXiv 1910.02054): 1 shards optimizer states across
    /// data-parallel ranks, 2 also gradients, 3 (FSDP) also weights.
    pub zero_stage: u8,
}

/// What memory depends on besides the model and the layout.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setup {
    /// The format the matrix multiplications run in.
    pub precision: Precision,
    /// The optimizer, whose state is kept per trained parameter.
    pub optimizer: Optimizer,
    /// How the weights are trained: full, LoRA or QLoRA.
    pub method: Method,
    /// Adapter rank: the one given, else 16; read only for LoRA and QLoRA.
    pub lora_rank: u32,
    /// Sequences per accelerator per forward pass; 1 when not given.
    pub micro_batch: u32,
    /// Recompute all activations in the backward pass instead of storing them.
    pub activation_checkpointing: bool,
    /// Recompute the cheap parts of each layer (see `Training::selective_recomputation`).
    pub selective_recomputation: bool,
    /// Adapter parameters (LoRA, QLoRA); 0 for full training.
    pub adapter_parameters: f64,
}

/// How much data the run processes, in the unit its model is costed in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    /// Sequence models: tokens over the whole run, and over one epoch (what the dataset stores).
    Tokens {
        /// Tokens over the whole run, every epoch.
        total: f64,
        /// Tokens in one epoch.
        per_epoch: f64,
    },
    /// Models a transformer shape does not describe (CNNs): samples over the whole run.
    Samples {
        /// Samples over the whole run: the dataset's times the epochs.
        total: f64,
        /// FLOPs to train on one sample, the model's figure.
        flops_per_sample: f64,
    },
}

impl Amount {
    /// Tokens over the whole run, for sequence models.
    pub fn tokens(self) -> Option<f64> {
        match self {
            Self::Tokens { total, .. } => Some(total),
            Self::Samples { .. } => None,
        }
    }
}

/// A training section ready to estimate: everything an estimate of it reads, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedTraining<'a> {
    /// The price book the section was resolved against.
    pub book: &'a PriceBook,
    /// The model trained.
    pub model: ResolvedModel,
    /// The accelerator the run uses.
    pub accelerator: &'a Accelerator,
    /// Accelerators the run uses.
    pub accelerator_count: u32,
    /// How much data the run processes.
    pub amount: Amount,
    /// How the run is split across the accelerators.
    pub layout: Layout,
    /// What memory depends on besides the model and the layout.
    pub setup: Setup,
    /// Sequences per optimizer step, when given: a multiple of micro-batch × data parallelism.
    pub global_batch: Option<u32>,
    /// The accelerator's dense peak at the run's precision.
    pub peak: FlopsPerSecond,
    /// USD per accelerator-hour: the typed price, the offer's instance price over its
    /// accelerators, or the owned servers' used hour.
    pub price: UsdPerHour,
    /// The offer priced, as the report names it, and as the price book sells it.
    pub offer: Option<OfferUsed>,
    /// The offer's record in the price book; none for a typed price or the owned plan.
    pub sold: Option<&'a Offer>,
    /// The machines the accelerators sit in: the offer's instances or the scenario's nodes;
    /// absent for a typed price without nodes.
    pub machines: Option<Machines>,
    /// The region the section names (`training.region`), when it does.
    pub region: Option<&'a str>,
    /// Given fractions; absent, the estimator's calibrated models supply them.
    pub mfu: Option<Fraction>,
    /// The given share of wall-clock time that advances training; absent, the estimator's
    /// goodput model supplies it.
    pub goodput: Option<Fraction>,
    /// Wall-clock hours to finish within, when given.
    pub deadline: Option<Hours>,
    /// The facility's power usage effectiveness: given, the owned servers', or the cloud
    /// default.
    pub pue: f64,
    /// The grid the energy is drawn from.
    pub grid: GramsCo2ePerKilowattHour,
    /// The reliability settings, checked; absent ones take the goodput model's defaults.
    pub reliability: CheckedReliability,
    /// The storage settings, checked, with their defaults.
    pub storage: ResolvedStorage<'a>,
    /// The plain defaults filled in here, in the order the report lists them.
    pub assumptions: Vec<Assumption>,
    /// What the resolve set aside, for the report's notes.
    pub notes: Vec<String>,
    /// On the owned plan: the owned servers, and their price's terms.
    pub owned: Option<OwnedPlan>,
}

impl ResolvedTraining<'_> {
    /// On spot: an offer bought on the spot plan (a plan needs an offer, so a typed price never
    /// is).
    pub fn on_spot(&self) -> bool {
        self.offer.as_ref().is_some_and(|offer| offer.plan == Plan::Spot)
    }
}

/// Resolves a training section against a resolved model and a price book.
pub fn resolve_training<'a>(
    model: ResolvedModel,
    training: &'a Training,
    book: &'a PriceBook,
    owned: Option<&ResolvedOwned>,
) -> Result<ResolvedTraining<'a>, Error> {
    if model.shape.as_ref().is_some_and(|s| s.sequence_length.is_none()) {
        return Err(Error::new(
            "model.sequence_length",
            Problem::Malformed(format!(
                "is required to train {}: its publisher states no training length (a config.json's max_position_embeddings is the longest context, not the length it was trained at)",
                model.name
            )),
        ));
    }
    let (amount, lora_rank) = amount(&model, training)?;
    if training.accelerator_count == 0 {
        return Err(Error::new("training.accelerator_count", Problem::MustBePositive));
    }
    at_most("training.accelerator_count", f64::from(training.accelerator_count), MAX_ACCELERATORS)?;
    let accelerator = book.accelerator(&training.accelerator, "training.accelerator")?;
    let deadline = match training.deadline_hours {
        Some(deadline) if !(deadline.is_finite() && deadline > 0.0) => {
            return Err(Error::new("training.deadline_hours", Problem::MustBePositive));
        }
        deadline => deadline.map(Hours::new),
    };
    let has_experts = model.routed_experts.is_some();
    let layout = resolve_layout(training, has_experts)?;
    let mut notes = Vec::new();
    if let Some(unused) = training.parallelism.expert.filter(|degree| *degree > 1 && !has_experts) {
        notes.push(format!(
            "expert parallelism ({unused}) is not used: the model has no experts to split"
        ));
    }
    let micro_batch = positive_count("training.micro_batch", training.micro_batch.unwrap_or(1))?;
    let setup = setup(&model, training, lora_rank, micro_batch);
    let global_batch = match training.global_batch {
        None => None,
        Some(global) => Some(global_batch(global, micro_batch, layout)?),
    };
    let owned = match training.plan {
        Some(Plan::Owned) => Some(
            PlanFields {
                section: "training",
                accelerator: &training.accelerator,
                typed_price: training.price_per_accelerator_hour.is_some(),
                offer: training.offer.is_some(),
                region: training.region.is_some(),
            }
            .owned(owned)?,
        ),
        _ => None,
    };
    let (price, chosen) = match &owned {
        Some(owned) => (owned.price, None),
        None => PriceChoice {
            section: "training",
            accelerator: &training.accelerator,
            price_per_accelerator_hour: training.price_per_accelerator_hour,
            offer: training.offer.as_deref(),
            plan: training.plan,
            region: training.region.as_deref(),
        }
        .resolve(book)?,
    };
    let (offer, sold) = chosen.unzip();
    let offer = offer.or_else(|| owned.as_ref().map(|o| o.used.clone()));
    let machines = match (&training.nodes, sold, &owned) {
        (Some(nodes), sold, owned) => {
            Some(Machines::of_nodes(nodes, sold.is_some(), owned.as_ref())?)
        }
        (None, Some(offer), _) => Some(Machines::of_offer(offer)),
        (None, None, Some(owned)) => Some(Machines::of_owned(owned, None)),
        (None, None, None) => None,
    };
    let peak = dense_peak(accelerator, training.precision)?;
    let mfu =
        training.mfu.map(|mfu| fraction("training.mfu", mfu).map(Fraction::new)).transpose()?;
    let reliability = CheckedReliability::check(&training.reliability)?;
    let goodput =
        training.goodput.map(|g| fraction("training.goodput", g).map(Fraction::new)).transpose()?;
    let mut assumptions = Vec::new();
    let counts_samples = matches!(amount, Amount::Samples { .. });
    let storage = storage(&training.storage, counts_samples, &mut assumptions)?;
    let pue = pue("training.pue", training.pue, owned.as_ref(), &mut assumptions)?;
    let place = Place::priced(sold, offer.as_ref());
    let grid = grid_intensity(
        "training.grams_co2e_per_kwh",
        training.grams_co2e_per_kwh,
        place,
        &mut assumptions,
    )?;
    if let Some(owned) = &owned {
        assumptions.extend(owned.section.assumptions.iter().cloned());
    }
    Ok(ResolvedTraining {
        book,
        model,
        accelerator,
        accelerator_count: training.accelerator_count,
        amount,
        layout,
        setup,
        global_batch,
        peak,
        price,
        offer,
        sold,
        machines,
        region: training.region.as_deref(),
        mfu,
        goodput,
        deadline,
        pue,
        grid,
        reliability,
        storage,
        assumptions,
        notes,
        owned,
    })
}

/// The run's data in its model's unit, and the LoRA rank (checked against the method).
fn amount(model: &ResolvedModel, training: &Training) -> Result<(Amount, u32), Error> {
    let epochs = match training.epochs {
        Some(epochs) if !epochs.is_finite() => {
            return Err(Error::new("training.epochs", Problem::NotFinite));
        }
        Some(epochs) if epochs <= 0.0 => {
            return Err(Error::new("training.epochs", Problem::MustBePositive));
        }
        Some(epochs) => epochs,
        None => 1.0,
    };
    if training.tokens.is_some() && (training.samples.is_some() || training.epochs.is_some()) {
        return Err(Error::new(
            "training.tokens",
            Problem::Conflicts {
                other: "samples and epochs (tokens already count every epoch)".into(),
            },
        ));
    }
    for (field, value) in
        [("training.tokens", training.tokens), ("training.samples", training.samples)]
    {
        if let Some(value) = value {
            at_least_one(field, value)?;
        }
    }
    if let Some(tokens) = training.tokens {
        at_most("training.tokens", tokens, MAX_TRAINING_TOKENS)?;
    }
    let rank = training.lora_rank.unwrap_or(DEFAULT_LORA_RANK);
    if training.lora_rank.is_some() && training.method == Method::Full {
        return Err(Error::new(
            "training.lora_rank",
            Problem::Conflicts { other: "method full".into() },
        ));
    }
    if rank == 0 {
        return Err(Error::new("training.lora_rank", Problem::MustBePositive));
    }

    // Models described by FLOPs per sample (CNNs) count samples, not tokens.
    if let (None, Some(flops_per_sample)) = (&model.shape, model.training_flops_per_sample) {
        if training.method != Method::Full {
            return Err(Error::new(
                "training.method",
                Problem::Malformed("LoRA and QLoRA need a transformer's shape (a preset or layers, hidden_size, ...)".into()),
            ));
        }
        let samples = training.samples.ok_or_else(|| {
            Error::new(
                "training.samples",
                Problem::Malformed("is required: this model counts samples, not tokens".into()),
            )
        })?;
        return Ok((Amount::Samples { total: samples * epochs, flops_per_sample }, rank));
    }

    let (total, per_epoch) = match (training.tokens, training.samples) {
        (Some(tokens), _) => (tokens, tokens),
        (None, Some(samples)) => {
            let sequence = model.shape.as_ref().map(Shape::training_sequence).ok_or_else(|| {
                Error::new(
                    "training.samples",
                    Problem::Malformed(
                        "needs model.sequence_length to count tokens; or give training.tokens"
                            .into(),
                    ),
                )
            })?;
            (samples * sequence * epochs, samples * sequence)
        }
        (None, None) => return Err(Error::new("training.tokens", Problem::Missing)),
    };
    if training.method != Method::Full && model.shape.is_none() {
        return Err(Error::new(
            "training.method",
            Problem::Malformed(
                "LoRA and QLoRA need the model's shape (a preset or layers, hidden_size, ...)"
                    .into(),
            ),
        ));
    }
    Ok((Amount::Tokens { total, per_epoch }, rank))
}

/// What memory depends on, at a micro-batch already checked.
pub(crate) fn setup(
    model: &ResolvedModel,
    training: &Training,
    lora_rank: u32,
    micro_batch: u32,
) -> Setup {
    let adapter_parameters = match (training.method, &model.shape) {
        (Method::Full, _) | (_, None) => 0.0,
        (Method::Lora | Method::Qlora, Some(shape)) => adapter_parameters(shape, lora_rank),
    };
    Setup {
        precision: training.precision,
        optimizer: training.optimizer,
        method: training.method,
        lora_rank,
        micro_batch,
        activation_checkpointing: training.activation_checkpointing,
        selective_recomputation: training.selective_recomputation,
        adapter_parameters,
    }
}

/// The parallel layout: the scenario's degrees, with data parallelism taking what the accelerator
/// count leaves.
///
/// A model without experts has nothing to split across experts: its expert degree is 1 whatever
/// the scenario says (the caller notes a degree it set aside), as a layout kept from an MoE model
/// is not a mistake worth stopping the estimate for.
pub fn resolve_layout(training: &Training, has_experts: bool) -> Result<Layout, Error> {
    let p = &training.parallelism;
    let tensor = positive_count("training.parallelism.tensor", p.tensor.unwrap_or(1))?;
    let pipeline = positive_count("training.parallelism.pipeline", p.pipeline.unwrap_or(1))?;
    let expert = positive_count("training.parallelism.expert", p.expert.unwrap_or(1))?;
    let expert = if has_experts { expert } else { 1 };
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

/// The global batch, which must split evenly over the data-parallel ranks' micro-batches.
fn global_batch(global: u32, micro_batch: u32, layout: Layout) -> Result<u32, Error> {
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
    Ok(global)
}

/// The accelerator's dense peak at the run's precision.
pub fn dense_peak(
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
