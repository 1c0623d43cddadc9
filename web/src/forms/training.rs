//! The training page's form: its scenario fields, basic then advanced, with the choices that pick which
//! of them are written.

use super::{
    Alternative, Example, FieldSpec, FormSpec, Kind, PLANS, PRICING, Published, Supersede,
};

const PRECISIONS: &[(&str, &str)] =
    &[("bf16", "bf16"), ("fp16", "fp16"), ("fp8", "fp8"), ("fp32", "fp32")];
const METHODS: &[(&str, &str)] = &[("full", "full"), ("lora", "LoRA"), ("qlora", "QLoRA")];
const OPTIMIZERS: &[(&str, &str)] = &[
    ("adamw", "AdamW"),
    ("adamw-8bit", "AdamW 8-bit"),
    ("sgd", "SGD"),
    ("adafactor", "Adafactor"),
];
const YES_NO: &[(&str, &str)] = &[("", "no"), ("true", "yes")];
const TIERS: &[(&str, &str)] = &[
    ("", "object, standard (default)"),
    ("object-infrequent", "object, infrequent"),
    ("object-archive", "object, archive"),
    ("block", "block"),
];

/// Opens on DeepSeek-V3's pre-training as its report describes it (arXiv 2412.19437): 14.8T tokens
/// on 2,048 H800 (Table 1, priced by the report at $2 per GPU-hour), FP8 mixed precision (§3.3),
/// 16-way pipeline and 64-way expert parallelism with ZeRO-1 (§3.2), recomputing the cheap parts
/// of each layer (§3.2.3): a published run to compare the estimate with.
const BASIC: &[FieldSpec] = &[
    FieldSpec {
        path: "model.preset",
        label: "Model",
        hint: "",
        kind: Kind::Preset { custom: "custom (parameters below)" },
        initial: "deepseek-v3",
    },
    FieldSpec {
        path: "model.parameters",
        label: "Parameters (a custom model instead of a preset)",
        hint: "e.g. 7B",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.tokens",
        label: "Training tokens",
        hint: "e.g. 1.4T",
        kind: Kind::Number,
        initial: "14.8T",
    },
    FieldSpec {
        path: "training.accelerator",
        label: "Accelerator",
        hint: "",
        kind: Kind::Accelerator,
        initial: "h800-sxm",
    },
    FieldSpec {
        path: "training.accelerator_count",
        label: "Accelerator count",
        hint: "",
        kind: Kind::Number,
        initial: "2048",
    },
    FieldSpec {
        path: "training.precision",
        label: "Precision",
        hint: "",
        kind: Kind::Choice(PRECISIONS),
        initial: "fp8",
    },
    FieldSpec {
        path: "pricing",
        label: "Priced with",
        hint: "",
        kind: Kind::Choice(PRICING),
        initial: "price",
    },
    FieldSpec {
        path: "training.price_per_accelerator_hour",
        label: "Price per accelerator-hour (USD)",
        hint: "",
        kind: Kind::Number,
        initial: "2.00",
    },
    FieldSpec {
        path: "training.offer",
        label: "Offer",
        hint: "",
        kind: Kind::Offer { accelerator: "training.accelerator" },
        initial: "",
    },
    FieldSpec {
        path: "training.plan",
        label: "Plan",
        hint: "",
        kind: Kind::Choice(PLANS),
        initial: "on-demand",
    },
    FieldSpec {
        path: "training.deadline_hours",
        label: "Deadline (hours, optional)",
        hint: "e.g. 720",
        kind: Kind::Number,
        initial: "",
    },
];

const ADVANCED: &[FieldSpec] = &[
    FieldSpec {
        path: "model.active_parameters",
        label: "Active parameters (MoE)",
        hint: "defaults to parameters",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "model.layers",
        label: "Layers",
        hint: "from the preset",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "model.hidden_size",
        label: "Hidden size",
        hint: "from the preset",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "model.intermediate_size",
        label: "MLP width",
        hint: "from the preset",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "model.attention_heads",
        label: "Attention heads",
        hint: "from the preset",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "model.kv_heads",
        label: "KV heads (GQA)",
        hint: "from the preset",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "model.vocab_size",
        label: "Vocabulary",
        hint: "from the preset",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "model.sequence_length",
        label: "Sequence length",
        hint: "from the preset",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "model.training_flops_per_sample",
        label: "Training FLOPs per sample (non-transformers)",
        hint: "",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.samples",
        label: "Samples (instead of tokens)",
        hint: "clear tokens to use",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.epochs",
        label: "Epochs (with samples)",
        hint: "1",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.region",
        label: "Region (with an offer)",
        hint: "cheapest",
        kind: Kind::Text,
        initial: "",
    },
    FieldSpec {
        path: "training.parallelism.data",
        label: "Data parallel",
        hint: "what the count leaves",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.storage.bytes_per_token",
        label: "Dataset bytes per token",
        hint: "4",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "model.hf_config",
        label: "Hugging Face config.json (instead of a preset)",
        hint: "paste the file's contents",
        kind: Kind::Json,
        initial: "",
    },
    FieldSpec {
        path: "training.mfu",
        label: "MFU",
        hint: "empty: calibrated default",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.goodput",
        label: "Goodput",
        hint: "empty: modelled",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.method",
        label: "Method",
        hint: "",
        kind: Kind::Choice(METHODS),
        initial: "full",
    },
    FieldSpec {
        path: "training.lora_rank",
        label: "LoRA rank",
        hint: "default 16",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.optimizer",
        label: "Optimizer",
        hint: "",
        kind: Kind::Choice(OPTIMIZERS),
        initial: "adamw",
    },
    FieldSpec {
        path: "training.parallelism.tensor",
        label: "Tensor parallel",
        hint: "1",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.parallelism.pipeline",
        label: "Pipeline parallel",
        hint: "1",
        kind: Kind::Number,
        initial: "16",
    },
    FieldSpec {
        path: "training.parallelism.expert",
        label: "Expert parallel",
        hint: "1",
        kind: Kind::Number,
        initial: "64",
    },
    FieldSpec {
        path: "training.parallelism.zero_stage",
        label: "ZeRO stage (3 = FSDP)",
        hint: "0",
        kind: Kind::Number,
        initial: "1",
    },
    FieldSpec {
        path: "training.micro_batch",
        label: "Micro-batch (sequences)",
        hint: "1",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.global_batch",
        label: "Global batch (sequences)",
        hint: "",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.activation_checkpointing",
        label: "Activation checkpointing (recompute every layer)",
        hint: "",
        kind: Kind::Choice(YES_NO),
        initial: "",
    },
    FieldSpec {
        path: "training.selective_recomputation",
        label: "Selective recomputation (norms, MLP product, MLA keys and values)",
        hint: "",
        kind: Kind::Choice(YES_NO),
        initial: "true",
    },
    FieldSpec {
        path: "training.reliability.mtbf_hours_per_node",
        label: "MTBF per node (hours)",
        hint: "from Llama 3's failure rate",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.reliability.restart_minutes",
        label: "Restart (minutes)",
        hint: "15",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.reliability.checkpoint_interval_minutes",
        label: "Checkpoint interval (minutes)",
        hint: "Young/Daly optimum",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.reliability.checkpoint_write_gbps",
        label: "Checkpoint write (GB/s per node)",
        hint: "5",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.reliability.spot_preemptions_per_hour",
        label: "Spot preemptions per node-hour",
        hint: "0.00017",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.storage.dataset_bytes",
        label: "Dataset size (bytes)",
        hint: "empty: 4 bytes per token",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.storage.checkpoints_kept",
        label: "Checkpoints kept",
        hint: "2",
        kind: Kind::Number,
        initial: "",
    },
    FieldSpec {
        path: "training.storage.tier",
        label: "Storage tier",
        hint: "",
        kind: Kind::Choice(TIERS),
        initial: "",
    },
    FieldSpec {
        path: "training.storage.provider",
        label: "Data's provider",
        hint: "the offer's",
        kind: Kind::Text,
        initial: "",
    },
    FieldSpec {
        path: "training.storage.region",
        label: "Data's region",
        hint: "the offer's",
        kind: Kind::Text,
        initial: "",
    },
    FieldSpec { path: "training.pue", label: "PUE", hint: "1.10", kind: Kind::Number, initial: "" },
];

/// The form: basic fields, then the advanced ones; "Priced with" picks which price fields are
/// written, and a pasted config stands in for the preset.
pub static FORM: FormSpec = FormSpec {
    example: Example {
        title: "DeepSeek-V3 pre-training",
        about: "14.8T tokens on 2,048 H800 GPUs in FP8, with the layout and price its technical report gives (arXiv 2412.19437). Its published figures stand beside the estimate's.",
        published: &[
            Published {
                figure: "training-accelerator-hours",
                value: "2.664M",
                source: "pre-training, arXiv 2412.19437 Table 1",
            },
            Published {
                figure: "training-compute-cost",
                value: "$5.328M",
                source: "at $2 per GPU-hour, arXiv 2412.19437 Table 1",
            },
        ],
    },
    basic: BASIC,
    advanced: ADVANCED,
    alternatives: &[
        Alternative {
            choice: "pricing",
            value: "offer",
            paths: &["training.offer", "training.plan", "training.region"],
        },
        Alternative {
            choice: "pricing",
            value: "price",
            paths: &["training.price_per_accelerator_hour"],
        },
    ],
    supersedes: &[Supersede { filled: "model.hf_config", replaces: &["model.preset"] }],
    follows_model: &[
        "model.active_parameters",
        "model.layers",
        "model.hidden_size",
        "model.intermediate_size",
        "model.attention_heads",
        "model.kv_heads",
        "model.vocab_size",
        "model.sequence_length",
        "model.training_flops_per_sample",
        "training.parallelism.data",
        "training.parallelism.tensor",
        "training.parallelism.pipeline",
        "training.parallelism.expert",
        "training.parallelism.zero_stage",
        "training.micro_batch",
        "training.global_batch",
        // DeepSeek-V3's own choice, as the example's layout is.
        "training.selective_recomputation",
    ],
};
