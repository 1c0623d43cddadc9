//! The serving page's form: its scenario fields, basic then advanced, with the choices that pick which
//! of them are written.

use super::{Alternative, Example, FieldSpec, FormSpec, Kind, PLANS, PRICING, Supersede, Switch};

const WEIGHT_FORMATS: &[(&str, &str)] = &[
    ("bf16", "bf16"),
    ("fp16", "fp16"),
    ("fp8", "fp8"),
    ("int8", "int8"),
    ("int4", "int4"),
    ("fp4", "fp4"),
    ("fp32", "fp32"),
];
const KV_FORMATS: &[(&str, &str)] = &[
    ("", "the weights' (bf16 below 8-bit)"),
    ("bf16", "bf16"),
    ("fp16", "fp16"),
    ("fp8", "fp8"),
    ("int8", "int8"),
    ("int4", "int4"),
    ("fp4", "fp4"),
    ("fp32", "fp32"),
];
const LOADS: &[(&str, &str)] =
    &[("daily", "requests per day, with a shape"), ("rate", "a steady rate (requests/s)")];
const SHAPES: &[(&str, &str)] = &[
    ("flat", "flat"),
    ("diurnal", "diurnal (peak at 14:00)"),
    ("business-hours", "business hours (09:00–17:00)"),
];
const COMMITTED_PLANS: &[(&str, &str)] = &[("", "1-year"), ("3y", "3-year")];
const YES_NO: &[(&str, &str)] = &[("", "no"), ("true", "yes")];
const SPLIT: &[(&str, &str)] = &[("", "no"), ("yes", "yes, beside the combined replicas")];

const fn number(
    path: &'static str,
    label: &'static str,
    hint: &'static str,
    initial: &'static str,
) -> FieldSpec {
    FieldSpec { path, label, hint, kind: Kind::Number, initial }
}

/// Opens on an example workload for the app's model (DeepSeek-V3, the training page's published
/// run): a chat assistant in FP8 on one 8×H200 replica set, 2M requests a day of 1,000 prompt and
/// 300 generated tokens, priced on Azure's ND H200 v5 on demand, against DeepSeek's own API and
/// the frontier API (`PriceBook::suggested_apis`).
const BASIC: &[FieldSpec] = &[
    FieldSpec {
        path: "model.preset",
        label: "Model",
        hint: "",
        kind: Kind::Preset { custom: "custom (paste its config.json under Advanced)" },
        initial: "deepseek-v3",
    },
    FieldSpec {
        path: "serving.accelerator",
        label: "Accelerator",
        hint: "",
        kind: Kind::Accelerator,
        initial: "h200-sxm",
    },
    number("serving.parallelism.tensor", "Accelerators per replica (tensor parallel)", "1", "8"),
    FieldSpec {
        path: "serving.weight_precision",
        label: "Weight format",
        hint: "",
        kind: Kind::Choice(WEIGHT_FORMATS),
        initial: "fp8",
    },
    number("serving.input_tokens", "Prompt tokens per request (mean)", "e.g. 1000", "1000"),
    number("serving.output_tokens", "Generated tokens per request (mean)", "e.g. 300", "300"),
    FieldSpec {
        path: "load",
        label: "Load given as",
        hint: "",
        kind: Kind::Choice(LOADS),
        initial: "daily",
    },
    number("serving.daily_requests", "Requests per day", "e.g. 2M", "2M"),
    FieldSpec {
        path: "serving.shape",
        label: "Shape of the day",
        hint: "",
        kind: Kind::Choice(SHAPES),
        initial: "diurnal",
    },
    number("serving.peak_to_mean", "Peak-to-mean ratio (busiest hour over the mean)", "2", "2"),
    number("serving.requests_per_second", "Requests per second", "e.g. 25", ""),
    number("serving.slo.ttft_ms", "Time to first token target (ms)", "none", "1000"),
    number("serving.slo.tpot_ms", "Time per output token target (ms)", "none", "50"),
    FieldSpec {
        path: "pricing",
        label: "Priced with",
        hint: "",
        kind: Kind::Choice(PRICING),
        initial: "offer",
    },
    number(
        "serving.price_per_accelerator_hour",
        "Price per accelerator-hour (USD)",
        "e.g. 2.50",
        "",
    ),
    FieldSpec {
        path: "serving.offer",
        label: "Offer",
        hint: "",
        kind: Kind::Offer { accelerator: "serving.accelerator" },
        initial: "azure:standard_nd96isr_h200_v5",
    },
    FieldSpec {
        path: "serving.plan",
        label: "Plan",
        hint: "",
        kind: Kind::Choice(PLANS),
        initial: "on-demand",
    },
    FieldSpec {
        path: "serving.compare_apis",
        label: "Compare with hosted APIs",
        hint: "",
        kind: Kind::Apis,
        initial: "deepseek:deepseek-chat,openai:gpt-5",
    },
];

const ADVANCED: &[FieldSpec] = &[
    number("serving.parallelism.pipeline", "Pipeline parallel (throughput, not speed)", "1", ""),
    number(
        "serving.max_batch",
        "Largest batch per replica (sequences)",
        "as many as the targets allow",
        "",
    ),
    FieldSpec {
        path: "serving.kv_cache_precision",
        label: "KV cache format",
        hint: "",
        kind: Kind::Choice(KV_FORMATS),
        initial: "",
    },
    number("serving.slo.ttft_p50_ms", "Time to first token, median target (ms)", "none", ""),
    number("serving.slo.ttft_p90_ms", "Time to first token, p90 target (ms)", "none", ""),
    number("serving.slo.ttft_p99_ms", "Time to first token, p99 target (ms)", "none", ""),
    number("serving.slo.tpot_p50_ms", "Time per output token, median target (ms)", "none", ""),
    number("serving.slo.tpot_p90_ms", "Time per output token, p90 target (ms)", "none", ""),
    number("serving.slo.tpot_p99_ms", "Time per output token, p99 target (ms)", "none", ""),
    FieldSpec {
        path: "serving.speculative_decoding.draft_model",
        label: "Speculative decoding: draft model (a preset id)",
        hint: "none; e.g. llama-3.1-8b",
        kind: Kind::Text,
        initial: "",
    },
    FieldSpec {
        path: "serving.speculative_decoding.heads",
        label: "Speculative decoding: prediction heads (as DeepSeek-V3's)",
        hint: "",
        kind: Kind::Choice(YES_NO),
        initial: "",
    },
    number(
        "serving.speculative_decoding.acceptance_rate",
        "Draft acceptance rate (0–1)",
        "0.875 with heads; needed with a draft model",
        "",
    ),
    number(
        "serving.speculative_decoding.draft_tokens",
        "Tokens drafted a step",
        "4 with a draft model, 1 with heads",
        "",
    ),
    FieldSpec {
        path: "split",
        label: "Price prefill and decode on separate pools too (DistServe, Splitwise)",
        hint: "",
        kind: Kind::Choice(SPLIT),
        initial: "",
    },
    number(
        "serving.disaggregation.prefill_tensor",
        "Prefill pool: accelerators an instance",
        "the replicas' (tensor parallel)",
        "",
    ),
    FieldSpec {
        path: "serving.disaggregation.prefill_offer",
        label: "Prefill pool: offer (provider:instance)",
        hint: "the replicas' offer; e.g. aws:p5.48xlarge",
        kind: Kind::Text,
        initial: "",
    },
    number(
        "serving.disaggregation.decode_tensor",
        "Decode pool: accelerators an instance",
        "the replicas' (tensor parallel)",
        "",
    ),
    FieldSpec {
        path: "serving.disaggregation.decode_offer",
        label: "Decode pool: offer (provider:instance)",
        hint: "the replicas' offer; e.g. aws:p4d.24xlarge",
        kind: Kind::Text,
        initial: "",
    },
    number(
        "serving.disaggregation.link_gbps",
        "Link the KV cache crosses (Gbps)",
        "the slower offer's network",
        "",
    ),
    number("serving.engine_efficiency.compute", "Engine compute efficiency", "calibrated", ""),
    number("serving.engine_efficiency.bandwidth", "Engine bandwidth efficiency", "calibrated", ""),
    number("serving.prefix_cache_hit_rate", "Prefix cache hit rate (0–1)", "0", ""),
    FieldSpec {
        path: "serving.traffic",
        label: "24 hourly rates, requests/s (replace the load above)",
        hint: "hour 0 first, comma-separated",
        kind: Kind::Numbers,
        initial: "",
    },
    number("serving.autoscaling.min_replicas", "Minimum replicas", "1", ""),
    number("serving.autoscaling.max_replicas", "Maximum replicas", "no limit", ""),
    number("serving.autoscaling.target_utilization", "Target utilisation (0–1)", "0.7", ""),
    number(
        "serving.autoscaling.scale_up_minutes",
        "Scale-up lead time (minutes)",
        "start + weight load",
        "",
    ),
    FieldSpec {
        path: "serving.autoscaling.scale_to_zero",
        label: "Scale to zero when idle",
        hint: "",
        kind: Kind::Choice(YES_NO),
        initial: "",
    },
    FieldSpec {
        path: "serving.region",
        label: "Region (with an offer)",
        hint: "cheapest",
        kind: Kind::Text,
        initial: "",
    },
    number("serving.committed_baseline.replicas", "Committed baseline replicas", "none", ""),
    FieldSpec {
        path: "serving.committed_baseline.plan",
        label: "Committed baseline plan",
        hint: "",
        kind: Kind::Choice(COMMITTED_PLANS),
        initial: "",
    },
    number(
        "serving.committed_baseline.price_per_accelerator_hour",
        "Committed price per accelerator-hour (USD)",
        "",
        "",
    ),
    FieldSpec {
        path: "model.hf_config",
        label: "Hugging Face config.json (instead of a preset)",
        hint: "paste the file's contents",
        kind: Kind::Json,
        initial: "",
    },
];

/// The form: "Load given as" and "Priced with" pick which fields are written; hourly rates replace
/// the load above them, a pasted config the preset.
pub static FORM: FormSpec = FormSpec {
    example: Example {
        title: "serving DeepSeek-V3",
        about: "An illustrative chat workload, not a published deployment: 2M requests a day of 1,000 prompt and 300 generated tokens with targets of 1 s to the first token and 50 ms per token after it, in FP8 on Azure's 8×H200 (ND H200 v5) on demand, against DeepSeek's own API and GPT-5.",
        published: &[],
    },
    basic: BASIC,
    advanced: ADVANCED,
    alternatives: &[
        Alternative {
            choice: "load",
            value: "daily",
            paths: &["serving.daily_requests", "serving.shape", "serving.peak_to_mean"],
        },
        Alternative { choice: "load", value: "rate", paths: &["serving.requests_per_second"] },
        Alternative {
            choice: "pricing",
            value: "offer",
            paths: &["serving.offer", "serving.plan", "serving.region"],
        },
        Alternative {
            choice: "split",
            value: "yes",
            paths: &[
                "serving.disaggregation.prefill_tensor",
                "serving.disaggregation.prefill_offer",
                "serving.disaggregation.decode_tensor",
                "serving.disaggregation.decode_offer",
                "serving.disaggregation.link_gbps",
            ],
        },
        Alternative {
            choice: "pricing",
            value: "price",
            paths: &[
                "serving.price_per_accelerator_hour",
                "serving.committed_baseline.price_per_accelerator_hour",
            ],
        },
    ],
    supersedes: &[
        Supersede {
            filled: "serving.traffic",
            replaces: &[
                "serving.daily_requests",
                "serving.shape",
                "serving.peak_to_mean",
                "serving.requests_per_second",
            ],
        },
        Supersede { filled: "model.hf_config", replaces: &["model.preset"] },
    ],
    switches: &[Switch { choice: "split", object: "serving.disaggregation" }],
    follows_model: &[
        "serving.parallelism.tensor",
        "serving.parallelism.pipeline",
        "serving.compare_apis",
    ],
};
