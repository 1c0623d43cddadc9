//! Speculative decoding resolved: what one drafted token costs the replica (its weights read, its
//! FLOPs, its KV cache), how often the model accepts it, and how many are drafted a step.

use crate::catalogue::presets::preset;
use crate::catalogue::shape::ResolvedModel;
use crate::scenario::model::Model;
use crate::scenario::serving::SpeculativeDecoding;
use crate::vocabulary::check::{Ceiling, at_least_one, at_most, fraction, positive_count};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::provenance::{Assumption, Sourced};

/// What a draft costs and yields, per drafted token.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Draft {
    /// Parameters a drafted token's pass reads: a draft model's all; a head's one layer of the
    /// model and its output layer. Held in the replica's memory, in the weights' format.
    pub parameters: f64,
    /// Parameters it computes with (the same, but for a mixture of experts' head).
    pub active_parameters: f64,
    /// KV-cache elements a token of context holds in the draft (times the cache format's bytes).
    pub kv_elements_per_token: f64,
    /// The chance the model accepts a drafted token.
    pub acceptance_rate: f64,
    /// Tokens drafted a step (k).
    pub draft_tokens: u32,
}

impl Draft {
    /// Tokens a step yields on average: the accepted run of drafted tokens and the model's own,
    /// (1 − α^(k+1)) / (1 − α) (Leviathan et al. 2023, arXiv 2211.17192, equation 1).
    pub fn tokens_per_step(&self) -> f64 {
        let (alpha, k) = (self.acceptance_rate, f64::from(self.draft_tokens));
        if alpha >= 1.0 { k + 1.0 } else { (1.0 - libm::pow(alpha, k + 1.0)) / (1.0 - alpha) }
    }
}

/// DeepSeek-V3's multi-token prediction: "the acceptance rate of the second token prediction
/// ranges between 85% and 90% across various generation topics" (arXiv 2412.19437, §5.4.3), with
/// one head (one token drafted). The middle of that range.
pub const HEADS_ACCEPTANCE: Sourced<f64> = Sourced {
    value: 0.875,
    source: "DeepSeek-V3's multi-token prediction head: 85-90% of second tokens accepted (arXiv 2412.19437, section 5.4.3), the middle",
    as_of: "2026-12-07",
};

/// Tokens drafted a step by a draft model when the scenario gives none: vLLM's speculative
/// decoding examples draft 5 (`num_speculative_tokens`, "How Speculative Decoding Boosts vLLM
/// Performance by up to 2.8x", 2024-10-17); 4 is the middle of the 3-5 engines' guides use.
pub const DRAFT_MODEL_TOKENS: Sourced<f64> = Sourced {
    value: 4.0,
    source: "estimate: the middle of the 3-5 drafted tokens engines' guides use (vLLM's example drafts 5, SpecDecode-Bench 3)",
    as_of: "2026-12-07",
};

/// Drafted tokens a step, at most: engines' trees reach 60 (EAGLE-2's, arXiv 2503.01840,
/// Appendix A); a chain longer than that accepts nothing more at any published rate.
const MAX_DRAFT_TOKENS: Ceiling =
    Ceiling { max: 64.0, unit: "tokens", why: "the largest published draft trees hold about 60" };

const FIELD: &str = "serving.speculative_decoding";

/// The draft of `spec` for `model`, whose shape gives a head's layer and a KV cache to scale.
pub fn resolve_draft(
    model: &ResolvedModel,
    spec: &SpeculativeDecoding,
    assumptions: &mut Vec<Assumption>,
) -> Result<Draft, Error> {
    let field = |name: &str| format!("{FIELD}.{name}");
    let shape = model.shape.as_ref().ok_or_else(|| {
        Error::new(FIELD, Problem::Malformed("needs a model that generates tokens".into()))
    })?;
    let kv_of = |s: &crate::catalogue::shape::Shape| f64::from(s.layers) * s.kv_width_per_layer();
    let (parameters, active, kv, heads) =
        match (&spec.draft_model, spec.draft_parameters, spec.heads) {
            (Some(id), None, false) => {
                preset(id, &field("draft_model"))?;
                let draft = Model { preset: Some(id.clone()), ..Model::default() }.resolve()?;
                let kv = draft.shape.as_ref().map_or(0.0, kv_of);
                (draft.parameters.get(), draft.active_parameters.get(), kv, false)
            }
            (None, Some(parameters), false) => {
                let parameters = at_least_one(&field("draft_parameters"), parameters)?;
                if parameters >= model.parameters.get() {
                    return Err(Error::new(
                        field("draft_parameters"),
                        Problem::Malformed("must be fewer than the model's".into()),
                    ));
                }
                // Without its shape, the draft's cache scaled from the model's by the parameters.
                let kv = kv_of(shape) * parameters / model.parameters.get().max(1.0);
                (parameters, parameters, kv, false)
            }
            (None, None, true) => {
                let layers = f64::from(shape.layers.max(1));
                let output = f64::from(shape.vocab_size) * f64::from(shape.hidden_size);
                let layer = model.parameters.get() / layers;
                let active_layer = model.active_parameters.get() / layers;
                (layer + output, active_layer + output, kv_of(shape) / layers, true)
            }
            (None, None, false) => {
                return Err(Error::new(
                    field("draft_model"),
                    Problem::Malformed("is required: a preset, draft_parameters or heads".into()),
                ));
            }
            _ => {
                return Err(Error::new(
                    field("draft_model"),
                    Problem::Malformed("give one: a preset, draft_parameters or heads".into()),
                ));
            }
        };
    let acceptance_rate = match (spec.acceptance_rate, heads) {
        (Some(rate), _) => fraction(&field("acceptance_rate"), rate)?,
        (None, true) => {
            assumptions
                .push(HEADS_ACCEPTANCE.assumed("serving.speculative_decoding.acceptance_rate"));
            HEADS_ACCEPTANCE.value
        }
        (None, false) => {
            return Err(Error::new(
                field("acceptance_rate"),
                Problem::Malformed("is required with a draft model (published: 0.6-0.9)".into()),
            ));
        }
    };
    let draft_tokens = match (spec.draft_tokens, heads) {
        (Some(k), _) => {
            let k = positive_count(&field("draft_tokens"), k)?;
            at_most(&field("draft_tokens"), f64::from(k), MAX_DRAFT_TOKENS)?;
            k
        }
        (None, true) => 1,
        (None, false) => {
            assumptions
                .push(DRAFT_MODEL_TOKENS.assumed("serving.speculative_decoding.draft_tokens"));
            DRAFT_MODEL_TOKENS.value as u32
        }
    };
    Ok(Draft {
        parameters,
        active_parameters: active,
        kv_elements_per_token: kv,
        acceptance_rate,
        draft_tokens,
    })
}
