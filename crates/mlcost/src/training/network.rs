//! The network between instances: what a run spanning several instances of its offer pays for the
//! traffic that crosses them.
//!
//! Why only the time the backward pass cannot hide? Frameworks all-reduce gradients in buckets
//! while the backward pass still runs (PyTorch DDP, Megatron-LM's overlapped gradient reduction),
//! and the default MFU is calibrated on runs that did, over fabrics fast enough to hide it. So the
//! data-parallel all-reduce costs only what it takes beyond the backward pass; tensor-parallel
//! all-reduces (which sit between one layer and the next) and pipeline sends that cross instances
//! are paid in full. A fast fabric adds nothing; an Ethernet link under a small batch can double a
//! run.
//!
//! The all-reduce is hierarchical, as NCCL's is across nodes: each instance first reduces inside
//! its own link domain, then the instances exchange what they hold, 2(n−1)/n of it over their
//! network (the ring's traffic; Patarasuk and Yuan 2009).

use crate::scenario::resolve::training::{Layout, ResolvedTraining};
use crate::training::work::Work;
use crate::vocabulary::units::Hours;

/// The fewest tokens an optimizer step takes when the scenario gives no global batch: Llama 3's
/// first stage, 4M tokens (The Llama 3 Herd of Models, arXiv 2407.21783, §3.4.1); a cluster with
/// more data-parallel ranks takes a sequence each, up to the 16M Llama 3 ended with. Estimate.
pub const DEFAULT_BATCH_TOKENS: f64 = 4e6;

/// The largest global batch, in tokens, a cluster is sized for when the scenario gives none:
/// Llama 3 405B's final batch of 16M tokens (Llama 3 paper, §3.4.1, "Initial Pre-Training").
/// Beyond one sequence per data-parallel rank at that batch, more accelerators cannot help.
pub const MAX_GLOBAL_BATCH_TOKENS: f64 = 16e6;

/// Bytes per gradient or activation value crossing the network: 16-bit, as mixed-precision
/// training reduces them.
const BYTES_PER_VALUE: f64 = 2.0;

/// The backward pass's share of a step's compute: twice the forward's.
const BACKWARD_SHARE: f64 = 2.0 / 3.0;

/// The tokens of an optimizer step when the scenario gives no global batch: a sequence per
/// data-parallel rank, within Llama 3's 4M to 16M.
pub fn default_batch_tokens(data: u32, sequence: f64) -> f64 {
    (f64::from(data) * sequence).clamp(DEFAULT_BATCH_TOKENS, MAX_GLOBAL_BATCH_TOKENS)
}

/// One optimizer step's traffic between instances, and the link it crosses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Traffic {
    /// Accelerators per instance.
    pub per_instance: u32,
    /// Instances the run spans.
    pub instances: u32,
    /// The run's parallel layout.
    pub layout: Layout,
    /// Parameters whose gradients are all-reduced.
    pub trainable_parameters: f64,
    /// The model's layers.
    pub layers: u32,
    /// The model's hidden size.
    pub hidden_size: u32,
    /// Tokens in one optimizer step (the global batch).
    pub batch_tokens: f64,
    /// The step's compute, at the run's MFU.
    pub step_seconds: f64,
    /// One instance's network bandwidth to the others, bytes per second.
    pub instance_bytes_per_second: f64,
}

/// One step's parts, in seconds (and the bytes an instance all-reduces).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    /// The data-parallel all-reduce between instances; 0 with one instance or no data parallelism.
    pub all_reduce: f64,
    /// The backward pass the all-reduce overlaps: two-thirds of the step's compute.
    pub backward: f64,
    /// The all-reduce's time beyond the backward pass; 0 when it is hidden.
    pub beyond_backward: f64,
    /// Tensor-parallel all-reduces crossing the network; 0 when tensor parallelism fits in an
    /// instance.
    pub tensor_seconds: f64,
    /// Pipeline sends crossing the network; 0 when no stage boundary crosses instances.
    pub pipeline_seconds: f64,
    /// Bytes of gradients an instance all-reduces with the others (half again under ZeRO-3).
    pub held: f64,
}

impl Traffic {
    /// The step's parts: the all-reduce against the backward pass it overlaps, and the tensor- and
    /// pipeline-parallel traffic that crosses instances.
    pub fn step(&self) -> Step {
        let layout = self.layout;
        let (tensor, pipeline, data) =
            (f64::from(layout.tensor), f64::from(layout.pipeline), f64::from(layout.data));
        let backward = self.step_seconds * BACKWARD_SHARE;
        let per_accelerator_bandwidth =
            self.instance_bytes_per_second / f64::from(self.per_instance.max(1));
        let n = f64::from(self.instances.max(1));
        // Data parallelism: after the reduce inside the instance, it holds one copy of the slice
        // of the model its accelerators train (the whole model when a replica fits in it, a
        // stage's share when not), exchanged between instances. ZeRO-3 gathers the weights
        // twice besides: half again the traffic.
        let gradients = self.trainable_parameters * BYTES_PER_VALUE / (tensor * pipeline);
        let zero = if layout.zero_stage >= 3 { 1.5 } else { 1.0 };
        let held = gradients * f64::from(self.per_instance).min(tensor * pipeline) * zero;
        let all_reduce = if data > 1.0 && n > 1.0 {
            2.0 * (n - 1.0) / n * held / self.instance_bytes_per_second
        } else {
            0.0
        };
        // Tensor parallelism wider than an instance: two all-reduces of the layer's activations
        // forward and two backward, per layer of the stage, in full.
        let activations = self.batch_tokens / data * f64::from(self.hidden_size) * BYTES_PER_VALUE;
        let tensor_seconds = if layout.tensor > self.per_instance {
            4.0 * f64::from(self.layers) / pipeline * activations * 2.0 * (tensor - 1.0)
                / tensor
                / per_accelerator_bandwidth
        } else {
            0.0
        };
        // Pipeline stages on different instances: activations forward and their gradients back
        // across each boundary, the boundaries working side by side.
        let pipeline_crosses =
            layout.pipeline > 1 && layout.tensor * layout.pipeline > self.per_instance;
        let pipeline_seconds =
            if pipeline_crosses { 2.0 * activations / per_accelerator_bandwidth } else { 0.0 };
        Step {
            all_reduce,
            backward,
            beyond_backward: (all_reduce - backward).max(0.0),
            tensor_seconds,
            pipeline_seconds,
            held,
        }
    }

    /// The seconds of each step every accelerator waits on the network.
    pub fn exposed_seconds(&self) -> f64 {
        let step = self.step();
        step.beyond_backward + step.tensor_seconds + step.pipeline_seconds
    }
}

/// What crossing instances costs a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    /// Accelerator-hours the network adds (all accelerators wait for it).
    pub added_accelerator_hours: Hours,
    /// What the report says about it.
    pub note: String,
}

/// The traffic of `run` (with `work` at `mfu`) between its machines (its offer's instances, or the
/// scenario's nodes), when its accelerators span more than one; `None` when they fit in one, or
/// neither an offer nor the scenario says how many a machine holds.
pub fn crossing(run: &ResolvedTraining<'_>, work: &Work, mfu: f64) -> Option<Crossing> {
    let machines = run.machines.as_ref()?;
    let per_instance = machines.accelerators.max(1);
    if run.accelerator_count <= per_instance {
        return None;
    }
    let instances = run.accelerator_count.div_ceil(per_instance);
    let spans =
        format!("the run spans {instances} instances of {per_instance} ({})", machines.name);
    let Some(network) = &machines.network else {
        let missing = if run.sold.is_some() {
            "the catalogue has no network figure for this offer"
        } else {
            "no network_gbps is given for the nodes"
        };
        return Some(Crossing {
            added_accelerator_hours: Hours::new(0.0),
            note: format!("{spans}; {missing}, so the traffic between instances is not priced"),
        });
    };
    let (Some(tokens), Some(shape)) = (work.tokens, run.model.shape.as_ref()) else {
        return Some(Crossing {
            added_accelerator_hours: Hours::new(0.0),
            note: format!(
                "{spans}; without a token count and the model's shape, the traffic between instances is not priced"
            ),
        });
    };
    let layout = run.layout;
    let sequence = shape.training_sequence();
    let (batch_tokens, batch_assumed) = match run.global_batch {
        Some(batch) => (f64::from(batch) * sequence, false),
        None => (default_batch_tokens(layout.data, sequence), true),
    };
    let steps = (tokens.get() / batch_tokens).max(1.0);
    let count = f64::from(run.accelerator_count);
    let traffic = Traffic {
        per_instance,
        instances,
        layout,
        trainable_parameters: work.trainable_parameters.get(),
        layers: shape.layers,
        hidden_size: shape.hidden_size,
        batch_tokens,
        step_seconds: work.hardware_flops.get() / steps / (count * run.peak.get() * mfu),
        instance_bytes_per_second: network.bytes_per_second(),
    };
    let Step { all_reduce, backward, beyond_backward, tensor_seconds, pipeline_seconds, held } =
        traffic.step();
    let (tensor_crosses, pipeline_crosses) = (tensor_seconds > 0.0, pipeline_seconds > 0.0);
    let exposed = traffic.exposed_seconds();
    let step_seconds = traffic.step_seconds;
    let added = Hours::new(exposed * steps * count / 3600.0);
    // One sentence, its optional parts empty when they do not apply.
    let technology = network.technology.as_deref().map_or(String::new(), |t| format!(" ({t})"));
    let assumed = if batch_assumed {
        " (no global batch given: a sequence per data-parallel rank, 4M to 16M tokens as Llama 3 used; an estimate)"
    } else {
        ""
    };
    let overlap = if beyond_backward > 0.0 {
        format!("{beyond_backward:.2} s beyond the backward pass it overlaps ({backward:.2} s)")
    } else {
        format!("hidden behind the backward pass ({backward:.2} s)")
    };
    let tensor = if tensor_crosses {
        format!(
            "; tensor parallelism of {} is wider than an instance: its all-reduces cross the network, {tensor_seconds:.2} s a step (keep it within {per_instance})",
            layout.tensor
        )
    } else {
        String::new()
    };
    let pipeline = if pipeline_crosses {
        format!(
            "; pipeline stages on different instances send activations across, {pipeline_seconds:.3} s a step"
        )
    } else {
        String::new()
    };
    let share = exposed / step_seconds;
    let adds = if share > 0.0005 {
        format!("; the network adds {:.1}% to the run", share * 100.0)
    } else {
        String::new()
    };
    let note = format!(
        "{spans}, linked by {} Gbps{technology}: each optimizer step of {} tokens{assumed} all-reduces {} of gradients per instance in {all_reduce:.2} s, {overlap}{tensor}{pipeline}{adds}",
        network.gbps,
        crate::vocabulary::format::count(batch_tokens),
        crate::vocabulary::format::bytes(crate::vocabulary::units::Bytes::new(held)),
    );
    Some(Crossing { added_accelerator_hours: added, note })
}
