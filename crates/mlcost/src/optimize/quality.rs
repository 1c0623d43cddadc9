//! What each cost-cutting technique is published to cost in quality. Only figures read off their
//! source; each note names it. These are notes for a person to weigh, never inputs to a cost.

use crate::vocabulary::terms::Precision;
use crate::vocabulary::terms::StoragePrecision;

/// The published quality cost of serving weights in `format`, from the published model nearest a
/// model of `parameters` (a mixture of experts when `moe`): what was measured, on what.
pub fn weights(format: StoragePrecision, parameters: f64, moe: bool) -> &'static str {
    let large = parameters >= 30e9;
    match format {
        StoragePrecision::Fp8 if moe => {
            "FP8 keeps ~99.1% of 16-bit accuracy on a mixture of experts: Mixtral-8x22B-Instruct OpenLLM v1 79.15 → 78.47 (Neural Magic model card Mixtral-8x22B-Instruct-v0.1-FP8)"
        }
        StoragePrecision::Fp32 | StoragePrecision::Bf16 | StoragePrecision::Fp16 => {
            "16-bit or wider: the reference quality"
        }
        StoragePrecision::Fp8 if large => {
            "FP8 keeps ~99.5% of 16-bit accuracy, measured at 70B: Llama-3-70B-Instruct OpenLLM v1 79.51 → 79.16, with an FP8 KV cache 79.00 (Neural Magic model card Meta-Llama-3-70B-Instruct-FP8-KV)"
        }
        StoragePrecision::Fp8 => {
            "FP8 keeps ~99.3% of 16-bit accuracy: Llama-3-8B-Instruct OpenLLM v1 68.71 → 68.22, GSM8K the largest drop 75.96 → 73.99 (Neural Magic model card Meta-Llama-3-8B-Instruct-FP8)"
        }
        StoragePrecision::Int8 => {
            "INT8 W8A8 loses 1–3% on Llama-3.1 (Kurtic et al. 2024, \"Give Me BF16 or Give Me Death?\", arXiv 2411.02355); SmoothQuant's LLaMA-65B WikiText-2 perplexity 6.17 → 6.20 (SmoothQuant, Table 6)"
        }
        StoragePrecision::Int4 if large => {
            "INT4 weight-only, measured at 70B: Llama-2-70B WikiText-2 perplexity 3.32 → 3.41 with AWQ (AWQ paper, Table 4); Llama-3.1-70B-Instruct keeps 99.8% of its OpenLLM score with GPTQ W4A16 (Neural Magic model card)"
        }
        StoragePrecision::Int4 => {
            "INT4 weight-only, measured at 7–8B: Llama-2-7B WikiText-2 perplexity 5.47 → 5.60 with AWQ, 5.73 with plain rounding (AWQ paper, Table 4); Llama-3.1-8B-Instruct keeps 97.5% of its OpenLLM score with GPTQ W4A16 (Neural Magic model card)"
        }
        StoragePrecision::Fp4 => {
            "FP4 (NVFP4): DeepSeek-R1 FP8 → FP4 MMLU 90.8 → 90.7, MATH-500 95.4 → 94.2 (nvidia/DeepSeek-R1-FP4 model card); runs natively only on Blackwell, elsewhere as weight-only"
        }
    }
}

/// The published quality cost of training in `precision`.
pub fn training(precision: Precision) -> &'static str {
    match precision {
        Precision::Fp8 => {
            "FP8 training: DeepSeek-V3's loss stays within 0.25% of BF16 with fine-grained scaling (DeepSeek-V3 technical report, §3.3); FP8 matches 16-bit results up to 175B with unchanged hyperparameters (Micikevicius et al. 2022, \"FP8 Formats for Deep Learning\")"
        }
        Precision::Bf16 | Precision::Fp16 | Precision::Fp32 => "16-bit or wider: the reference",
    }
}

/// Published cost of 2:4 structured pruning in quality, and its measured speed.
pub const TWO_FOUR_SPARSITY: &str = "2:4 pruning without retraining: Llama-2-7B WikiText-2 perplexity 5.12 → 10.17 (SparseGPT) / 11.02 (Wanda), Llama-2-70B 3.12 → 5.40 / 5.16 (locuslab/wanda README); measured end to end, Llama-3-8B on vLLM ran 1.27× faster (HPC-AI Tech blog, 2:4 semi-structured sparsity)";

/// Unstructured pruning on GPUs.
pub const UNSTRUCTURED_SPARSITY: &str = "unstructured sparsity cannot use the dense matrix instructions, and sparse formats pay off only at very high sparsity (NVIDIA, \"Accelerating Inference with Sparsity Using the NVIDIA Ampere Architecture and TensorRT\"): no speed-up on GPUs; 50% unstructured costs Llama-2-7B WikiText-2 perplexity 5.12 → 6.42 with Wanda (locuslab/wanda README)";

/// Published distillation budgets and quality.
pub const DISTILLATION: &str = "Llama-3.1-Minitron-4B was distilled from Llama-3.1-8B with 94B tokens (vs 15T to train the teacher) and scores MMLU 60.5 against the teacher's 65.3 (Sreenivas et al. 2024, \"LLM Pruning and Distillation in Practice: The Minitron Approach\", Table 1); DistilBERT keeps 97% of BERT's language understanding at 40% fewer parameters (Sanh et al. 2019)";

/// Tokens a distillation run reads when the scenario does not say: Minitron's budget above.
pub const DEFAULT_DISTILLATION_TOKENS: f64 = 94e9;

/// Published cost of LoRA and QLoRA against full fine-tuning.
pub const LORA: &str = "LoRA trains 10,000× fewer parameters than full fine-tuning of GPT-3 175B with 3× less memory (Hu et al. 2021); it learns less than full fine-tuning on code and maths, and forgets less (Biderman et al. 2024, \"LoRA Learns Less and Forgets Less\"); QLoRA fine-tunes a 65B model on one 48 GB GPU (Dettmers et al. 2023)";

/// Published throughput gains of batching and prefix caching.
pub const BATCHING: &str = "continuous batching with paged attention serves 2–4× the throughput of static batching at the same latency (Kwon et al. 2023, vLLM); a prefix cache skips the shared prompt's prefill (SGLang's RadixAttention: up to 5× throughput on prefix-sharing workloads, Zheng et al. 2023)";
