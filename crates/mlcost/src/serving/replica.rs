//! One replica's latency and throughput against batch size, from a roofline.
//!
//! Prefill is compute-bound: every prompt token passes through every weight. Decode reads all the
//! weights and every sequence's KV cache once per step, and is bandwidth-bound at small batch and
//! compute-bound at large. Each phase takes the longer of its compute time and its memory time at
//! the engine's efficiency, so no estimate can beat the physical roofline. Tensor parallelism adds
//! two all-reduces per layer over the accelerators' link; pipeline parallelism adds throughput (one
//! micro-batch per stage in flight) but no speed to a single request. A replica wider than one
//! instance crosses the instances' network (`Crossing`): each pipeline boundary between instances
//! passes its micro-batch's activations over it, and a tensor-parallel group wider than an instance
//! all-reduces over it. Counted in full: NCCL's sends overlap other stages' work only in part.

use serde::{Deserialize, Serialize};

use crate::catalogue::shape::Shape;
use crate::vocabulary::units::Milliseconds;

/// Seconds one all-reduce takes however small: NCCL's small-message latency within an NVLink domain
/// is on the order of ten microseconds. Estimate.
pub const ALL_REDUCE_LATENCY_SECONDS: f64 = 10e-6;

/// Seconds a collective or a send between instances takes however small. Estimate, from published
/// nccl-tests runs: all-reduces of 8 B to 1 KB across InfiniBand nodes took 40–50 µs
/// (NVIDIA/nccl-tests issue #182), and of 8 KB between two GB10 nodes over 200 Gb/s 30–35 µs
/// (NVIDIA/dgx-spark-playbooks pull request #103).
pub const NETWORK_LATENCY_SECONDS: f64 = 40e-6;

/// How a replica that spans instances uses the network between them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Crossing {
    /// Instances one replica spans.
    pub instances: u32,
    /// Pipeline-stage boundaries between instances: activations cross each once per micro-batch.
    pub pipeline_hops: u32,
    /// Whether the tensor-parallel group itself spans instances, so its all-reduces cross too.
    pub tensor_across: bool,
    /// The instance's network, one direction, bytes/s.
    pub bytes_per_second: f64,
}

impl Crossing {
    /// Where a replica of `tensor` × `pipeline` accelerators sits on instances of `per_instance`:
    /// its tensor-parallel group within one instance where it fits (on the fast link), whole
    /// pipeline stages per instance. `None` when the replica fits in one instance.
    pub fn of(
        tensor: u32,
        pipeline: u32,
        per_instance: u32,
        bytes_per_second: f64,
    ) -> Option<Self> {
        let (tensor, pipeline, per_instance) =
            (tensor.max(1), pipeline.max(1), per_instance.max(1));
        let accelerators = u64::from(tensor) * u64::from(pipeline);
        if accelerators <= u64::from(per_instance) {
            return None;
        }
        let instances =
            u32::try_from(accelerators.div_ceil(u64::from(per_instance))).unwrap_or(u32::MAX);
        let (pipeline_hops, tensor_across) = if tensor <= per_instance {
            let stages_per_instance = per_instance / tensor;
            (pipeline.div_ceil(stages_per_instance) - 1, false)
        } else {
            (pipeline - 1, true)
        };
        Some(Crossing { instances, pipeline_hops, tensor_across, bytes_per_second })
    }
}

/// Latency and throughput of one replica at one batch size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct BatchPoint {
    /// Requests in flight at once.
    pub batch: u32,
    /// Time to first token (for a model without tokens: the request's latency).
    pub ttft_ms: Milliseconds,
    /// Time per output token after the first (0 for a model without tokens).
    pub tpot_ms: Milliseconds,
    /// 0 for a model without tokens.
    pub output_tokens_per_second: f64,
    /// Requests a second the replica completes at this batch.
    pub requests_per_second: f64,
}

/// What a request asks of the replica.
pub(super) enum Work<'a> {
    /// A decoder: a prompt prefilled, then tokens generated one step at a time.
    Tokens {
        shape: &'a Shape,
        active_parameters: f64,
        kv_bytes_per_token: f64,
        input: f64,
        /// Prompt tokens not served from the prefix cache.
        uncached_input: f64,
        output: f64,
    },
    /// One forward pass per request (a CNN, an encoder used as a classifier).
    Forward { flops_per_request: f64 },
}

/// Speculative decoding on a replica: each step drafts `draft_tokens` tokens one pass at a time,
/// then the model computes all of them and one more for every sequence in one pass, which reads
/// its weights and KV cache once; a step yields `tokens_per_step` tokens a sequence on average.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Speculation {
    pub draft_tokens: f64,
    pub tokens_per_step: f64,
    /// Bytes of the draft's weights each of its passes reads (its active parameters').
    pub draft_weights: f64,
    pub draft_flops_per_token: f64,
    pub draft_kv_bytes_per_token: f64,
}

pub(super) struct Replica<'a> {
    pub work: Work<'a>,
    /// FLOP/s and bytes/s of one pipeline stage (the tensor-parallel group) at the engine's
    /// efficiency.
    pub stage_flops: f64,
    pub stage_bandwidth: f64,
    pub pipeline: f64,
    pub tensor_parallel: f64,
    pub weights: f64,
    /// MoE: the bytes of routed experts' weights, and the share of one layer's routed experts a
    /// single token uses (k of E). A step reads only the experts its tokens were routed to.
    pub experts: Option<(f64, f64)>,
    /// One direction of the accelerator-to-accelerator link, bytes/s (absent: no link known).
    pub link_bytes_per_second: Option<f64>,
    /// The network between instances, when the replica spans more than one.
    pub crossing: Option<Crossing>,
    pub speculation: Option<Speculation>,
}

impl Replica<'_> {
    fn attention_flops_per_token(shape: &Shape, context: f64) -> f64 {
        let span = shape.sliding_window.map_or(context, |w| context.min(f64::from(w)));
        // Forward only: 2·s·(d_qk + d_v) per layer (PaLM's count, a third of training's).
        2.0 * f64::from(shape.layers)
            * span
            * f64::from(shape.attention_heads)
            * (f64::from(shape.qk_head_dim) + f64::from(shape.v_head_dim))
    }

    /// Tensor parallelism's cost for `tokens` tokens passing every layer: two all-reduces of their
    /// 16-bit activations per layer (after attention and after the MLP, Megatron-LM's layout), each a
    /// ring moving 2(t−1)/t of the data over one direction of the link, plus a fixed latency.
    /// A group wider than an instance moves its ring's data over the network, the slower of the
    /// two links, at the network's latency.
    fn tensor_parallel_seconds(&self, shape: &Shape, tokens: f64) -> f64 {
        let t = self.tensor_parallel;
        if t <= 1.0 {
            return 0.0;
        }
        let (link, latency) = match (self.crossing, self.link_bytes_per_second) {
            (Some(c), link) if c.tensor_across => (
                link.map_or(c.bytes_per_second, |l| l.min(c.bytes_per_second)),
                NETWORK_LATENCY_SECONDS,
            ),
            (_, Some(link)) => (link, ALL_REDUCE_LATENCY_SECONDS),
            (_, None) => return 0.0,
        };
        let bytes = tokens * f64::from(shape.hidden_size) * 2.0;
        2.0 * f64::from(shape.layers) * (latency + 2.0 * (t - 1.0) / t * bytes / link)
    }

    /// The pipeline boundaries between instances, for `tokens` tokens passing them: each sends
    /// their 16-bit activations over the network.
    fn pipeline_crossing_seconds(&self, shape: &Shape, tokens: f64) -> f64 {
        self.crossing.map_or(0.0, |c| {
            let bytes = tokens * f64::from(shape.hidden_size) * 2.0;
            f64::from(c.pipeline_hops) * (NETWORK_LATENCY_SECONDS + bytes / c.bytes_per_second)
        })
    }

    /// What the network between instances adds to one decode step at `batch` (0 within one
    /// instance): the pipeline's crossings, and a tensor-parallel group's all-reduces when the
    /// group spans instances.
    pub fn network_seconds_per_step(&self, batch: u32) -> f64 {
        let Work::Tokens { shape, .. } = &self.work else { return 0.0 };
        let micro_batch = f64::from(batch.max(1)) / self.pipeline;
        let tensor = match self.crossing {
            Some(c) if c.tensor_across => self.tensor_parallel_seconds(shape, micro_batch),
            _ => 0.0,
        };
        self.pipeline_crossing_seconds(shape, micro_batch) + tensor
    }

    /// Weight bytes a pass over `tokens` tokens reads: all of a dense model; for a mixture of
    /// experts, the shared weights and the routed experts at least one token picked, which with
    /// uniform routing is 1 − (1 − k/E)^tokens of them.
    fn weights_read(&self, tokens: f64) -> f64 {
        match self.experts {
            Some((expert_bytes, share)) => {
                // libm's: the same bits on every platform (see `simulate`).
                let hit = 1.0 - libm::pow(1.0 - share, tokens.max(1.0));
                self.weights - expert_bytes * (1.0 - hit)
            }
            None => self.weights,
        }
    }

    /// Seconds of the replica's time one request's prompt takes (its prefill's compute, overlapped
    /// across pipeline stages): at `rate` requests a second, prefills take `rate` times this share
    /// of every second, and decode steps the rest. 0 for a model without tokens.
    pub fn prefill_busy_seconds(&self) -> f64 {
        let Work::Tokens { shape, active_parameters, input, uncached_input, .. } = &self.work
        else {
            return 0.0;
        };
        let per_token =
            2.0 * active_parameters + Self::attention_flops_per_token(shape, input / 2.0);
        (uncached_input * per_token / self.stage_flops
            + self.tensor_parallel_seconds(shape, *uncached_input)
            + self.pipeline_crossing_seconds(shape, *uncached_input))
            / self.pipeline
    }

    /// One continuous-batching step: `decode` sequences each generating a token while reading
    /// `context` tokens of KV cache in all, and `prefill` prompt tokens computed alongside (a
    /// chunk). The decodes are timed as `point_at` times a step; the chunk's compute is added to
    /// them, as the roofline's capacity adds each prompt's compute to the decode steps, so a
    /// simulation saturates where the capacity says. (A chunk's compute can hide under a
    /// memory-bound decode; the engines that mix them gain some of that back.)
    pub fn step_seconds(&self, decode: f64, context: f64, prefill: f64) -> f64 {
        let Work::Tokens { shape, active_parameters, kv_bytes_per_token, input, .. } = &self.work
        else {
            return 0.0;
        };
        let per_token =
            |at: f64| 2.0 * active_parameters + Self::attention_flops_per_token(shape, at);
        let decoding = if decode > 0.0 {
            self.decode_step_seconds(
                shape,
                *active_parameters,
                *kv_bytes_per_token,
                decode,
                context / decode,
            )
        } else {
            0.0
        };
        let prefilling = if prefill > 0.0 {
            let compute = prefill * per_token(input / 2.0) / self.stage_flops
                + self.tensor_parallel_seconds(shape, prefill)
                + self.pipeline_crossing_seconds(shape, prefill);
            // Alone, a chunk still reads the weights it uses.
            if decode > 0.0 {
                compute
            } else {
                compute.max(self.weights_read(prefill) / self.stage_bandwidth)
            }
        } else {
            0.0
        };
        decoding + prefilling
    }

    /// Tokens a decode step yields each sequence: one, or speculation's average run.
    pub fn tokens_per_step(&self) -> f64 {
        self.speculation.map_or(1.0, |s| s.tokens_per_step)
    }

    /// One decode step of `b` sequences with `context` tokens of KV cache each: each stage reads
    /// its weights once per micro-batch (one per stage in flight) and its layers' KV cache once.
    /// With speculation, the draft's passes first (its weights and cache read each pass, on the
    /// first stage's accelerators), then the model computing every drafted token and one more.
    fn decode_step_seconds(
        &self,
        shape: &Shape,
        active_parameters: f64,
        kv_bytes_per_token: f64,
        b: f64,
        context: f64,
    ) -> f64 {
        let per_token = 2.0 * active_parameters + Self::attention_flops_per_token(shape, context);
        let (positions, drafting) = match self.speculation {
            Some(s) => {
                let bytes = s.draft_weights + b * s.draft_kv_bytes_per_token * context;
                let flops = b * s.draft_flops_per_token;
                let pass = (bytes / self.stage_bandwidth).max(flops / self.stage_flops);
                (s.draft_tokens + 1.0, s.draft_tokens * pass)
            }
            None => (1.0, 0.0),
        };
        let micro_batch = b / self.pipeline;
        let tokens = micro_batch * positions;
        let bytes = self.weights_read(tokens) + b * kv_bytes_per_token * context / self.pipeline;
        let flops = b * positions * per_token / self.pipeline;
        (bytes / self.stage_bandwidth).max(flops / self.stage_flops)
            + self.tensor_parallel_seconds(shape, tokens)
            + self.pipeline_crossing_seconds(shape, tokens)
            + drafting
    }

    /// Latency and throughput with `batch` requests in flight.
    pub fn point(&self, batch: u32) -> BatchPoint {
        self.point_at(batch, f64::from(batch.max(1)))
    }

    /// Latency and throughput with `b` requests in flight on average (at least one: a request
    /// alone runs as a batch of one), reported as `batch`.
    pub fn point_at(&self, batch: u32, b: f64) -> BatchPoint {
        let b = b.max(1.0);
        match &self.work {
            Work::Tokens {
                shape,
                active_parameters,
                kv_bytes_per_token,
                input,
                uncached_input,
                output,
            } => {
                let per_token = |context: f64| {
                    2.0 * active_parameters + Self::attention_flops_per_token(shape, context)
                };
                // One prompt passes the stages one after another: the whole model's FLOPs at one
                // stage's speed, and alone, a read of the weights its tokens use.
                let prefill_compute = uncached_input * per_token(input / 2.0) / self.stage_flops
                    + self.tensor_parallel_seconds(shape, *uncached_input)
                    + self.pipeline_crossing_seconds(shape, *uncached_input);
                let prefill_alone =
                    prefill_compute.max(self.weights_read(*uncached_input) / self.stage_bandwidth);
                // One decode step of every sequence: each stage reads its weights once per
                // micro-batch (one per stage in flight) and its layers' KV cache once.
                let context = input + output / 2.0;
                let step = self.decode_step_seconds(
                    shape,
                    *active_parameters,
                    *kv_bytes_per_token,
                    b,
                    context,
                );
                // Each sequence's tokens a step: one, or speculation's accepted run and one more.
                let per_step = self.tokens_per_step();
                // Continuous batching: prompts are prefilled in chunks alongside decode steps, which
                // read the weights anyway, so per request the replica spends its prefill's compute
                // (overlapped across stages) plus its share of the steps.
                let busy = prefill_compute / self.pipeline + output * step / (b * per_step);
                BatchPoint {
                    batch,
                    ttft_ms: Milliseconds::new((prefill_alone + step) * 1e3),
                    tpot_ms: Milliseconds::new(step / per_step * 1e3),
                    output_tokens_per_second: output / busy,
                    requests_per_second: 1.0 / busy,
                }
            }
            Work::Forward { flops_per_request } => {
                let latency = (b * flops_per_request / (self.stage_flops * self.pipeline))
                    .max(self.weights / self.stage_bandwidth);
                BatchPoint {
                    batch,
                    ttft_ms: Milliseconds::new(latency * 1e3),
                    tpot_ms: Milliseconds::new(0.0),
                    output_tokens_per_second: 0.0,
                    requests_per_second: b / latency,
                }
            }
        }
    }

    /// The share of a request's replica time spent on its prompt (prefill) at `batch`: how the cost
    /// splits between input and output tokens.
    pub fn prefill_share(&self, batch: u32) -> f64 {
        let point = self.point(batch);
        match &self.work {
            Work::Tokens { output, .. } => {
                let decode = output * point.tpot_ms.get() / 1e3 / f64::from(batch.max(1));
                let busy = 1.0 / point.requests_per_second;
                ((busy - decode) / busy).clamp(0.0, 1.0)
            }
            Work::Forward { .. } => 1.0,
        }
    }
}
