//! The training page: every scenario input (advanced ones folded), the estimate with its memory
//! breakdown and plan comparison, cost and time against accelerator count, and the cost-vs-time
//! Pareto front across offers. The form is `form::Form`'s table of scenario fields.

use leptos::prelude::*;
use mlcost::{Error, PriceBook, Report, Scenario, TrainingReport};

use crate::form::{
    Alternative, FieldSpec, Form, FormSpec, Kind, PLANS, PRICING, ScenarioForm, Supersede,
};
use crate::results::{self, Cell, KeyNumber, MemoryPart, Row};
use crate::{chart, format};

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

/// Opens on DeepSeek-V3's pre-training (arXiv 2412.19437, Table 1: 14.8T tokens on 2,048 H800,
/// priced by the report at $2 per GPU-hour; §3.2: 16-way pipeline and 64-way expert parallelism
/// with ZeRO-1 data parallelism): a published run to compare with.
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
        label: "Parameters (overrides the preset)",
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
        initial: "bf16",
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
        label: "Activation checkpointing",
        hint: "",
        kind: Kind::Choice(YES_NO),
        initial: "",
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
};

type Outcome = Result<(Scenario, Report), Vec<Error>>;

#[component]
pub fn TrainingPage(book: Memo<PriceBook>, form: Form) -> impl IntoView {
    let outcome = Memo::new(move |_| -> Outcome {
        let scenario = form.scenario()?;
        let report = book.with(|b| mlcost::estimate_with(&scenario, b)).map_err(|e| vec![e])?;
        Ok((scenario, report))
    });
    // The last estimate that worked stays on screen while the user fixes a field.
    let last_good =
        Memo::new(move |previous: Option<&Option<(Scenario, Report)>>| match outcome.get() {
            Ok(good) => Some(good),
            Err(_) => previous.cloned().flatten(),
        });
    let errors = Signal::derive(move || outcome.get().err().unwrap_or_default());
    let defaults = Signal::derive(move || {
        last_good.with(|good| {
            good.as_ref()
                .and_then(|(_, r)| r.training.as_ref())
                .map(|t| t.assumptions.clone())
                .unwrap_or_default()
        })
    });

    view! {
        <main>
            <ScenarioForm form=form book=book errors=errors defaults=defaults
                heading="Training scenario" intro=""
                advanced_summary="Advanced: efficiency, method, parallelism, reliability, storage" />
            <div class="outputs">
                <section class="results" aria-label="Estimate" aria-live="polite">
                    <h2>"Estimate"</h2>
                    {move || match last_good.get() {
                        Some((_, Report { training: Some(t), .. })) => view! {
                            <TrainingResults report=t stale=outcome.with(Result::is_err) />
                        }.into_any(),
                        _ => view! { <p>"Fill in the scenario to see its cost."</p> }.into_any(),
                    }}
                </section>
                <section class="chart" aria-label="Cost and time against accelerator count">
                    <h2>"Cost and wall-clock time against accelerator count"</h2>
                    <chart::CostTimeChart book=book
                        scenario=Signal::derive(move || last_good.get().map(|(s, _)| s)) />
                </section>
                <section class="chart" aria-label="Cheapest ways to buy the run">
                    <h2>"Cost against time across offers (Pareto front)"</h2>
                    <chart::ParetoChart report=Signal::derive(move || last_good.get().and_then(|(_, r)| r.training)) />
                </section>
            </div>
        </main>
    }
}

#[component]
fn TrainingResults(report: TrainingReport, stale: bool) -> impl IntoView {
    let defaulted = |field: &str| {
        report.assumptions.iter().find(|a| a.field == field).map(|a| a.source.clone())
    };
    let days = |hours: f64| format::duration(hours);
    let memory = report.memory_breakdown.clone();
    let capacity_note = format!(
        "{} per accelerator{}; fewest that fit (with a suitable layout): {}",
        format::bytes(report.memory_per_accelerator_bytes.get()),
        if report.fits_in_memory { "" } else { " — does not fit" },
        report.min_accelerators_to_fit.map_or("none up to 2^20".to_owned(), |n| n.to_string())
    );
    let rows = [
        ("training-total-cost", "Total cost", format::usd(report.total_cost_usd.get()), None),
        ("training-compute-cost", "Compute", format::usd(report.compute_cost_usd.get()), None),
        ("training-storage-cost", "Storage", format::usd(report.storage_cost_usd.get()), None),
        ("training-egress-cost", "Egress", format::usd(report.egress_cost_usd.get()), None),
        (
            "training-accelerator-hours",
            "Accelerator-hours",
            format::count(report.accelerator_hours.get()),
            None,
        ),
        ("training-wall-clock", "Wall-clock time", days(report.wall_clock_hours.get()), None),
        ("training-flops", "Model FLOPs", format::scientific(report.flops.get()), None),
        ("training-mfu", "MFU used", format::percent(report.mfu), defaulted("training.mfu")),
        (
            "training-goodput",
            "Goodput used",
            format::percent(report.goodput),
            defaulted("training.goodput"),
        ),
        ("training-memory", "Memory", capacity_note, None),
        (
            "training-energy",
            "Energy",
            report.energy_kwh.map_or("—".to_owned(), |kwh| format!("{} kWh", format::count(kwh))),
            defaulted("training.pue"),
        ),
    ];
    let part = |class, name, bytes| MemoryPart { class, name, bytes };
    let parts = vec![
        part("weights", "weights", memory.weights.get()),
        part("gradients", "gradients", memory.gradients.get()),
        part("optimizer", "optimizer", memory.optimizer_states.get()),
        part("activations", "activations", memory.activations.map_or(0.0, |a| a.get())),
        part("overhead", "overhead", memory.framework_overhead.get()),
    ];
    view! {
        {results::stale_notice(stale)}
        {results::key_numbers(rows.into_iter().map(|(id, label, value, default_source)| {
            KeyNumber { id, label, value, default_source }
        }).collect())}
        {results::memory_bar("training-memory-bar", "Memory per accelerator".to_owned(), parts)}
        {(report.by_plan.len() > 1).then(|| results::table(
            "training-plans",
            "The same run under each plan the offer sells",
            &["Plan", "Region", "$/acc-h", "Goodput", "Wall-clock", "Compute"],
            report.by_plan.iter().map(|(plan, cost)| Row {
                header: plan.clone(),
                title: None,
                cells: vec![
                    Cell::text(cost.region.clone().unwrap_or_default()),
                    Cell::number(format!("{:.3}", cost.price_per_accelerator_hour.get())),
                    Cell::number(format::percent(cost.goodput)),
                    Cell::number(format::duration(cost.wall_clock_hours.get())),
                    Cell::number(format::usd(cost.compute_cost_usd.get())),
                ],
            }).collect(),
        ))}
        {report.recommendation.clone().map(|c| view! {
            <p class="recommendation" id="training-recommendation">
                "Cheapest within the deadline (compute only): "<strong>{format!("{}× {} on {} ({}, {})", c.accelerator_count, c.accelerator, c.offer, c.plan.as_str(), c.region)}</strong>
                {format!(" — {} in {}", format::usd(c.compute_cost_usd.get()), format::duration(c.wall_clock_hours.get()))}
                {(!c.mfu_calibrated).then_some(" (no published run calibrates this accelerator's MFU)")}
            </p>
        })}
        {results::assumptions(&report.assumptions)}
        {results::notes(&report.notes)}
    }
}
