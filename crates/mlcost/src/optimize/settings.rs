//! The choices the advisor leaves to the user.

use serde::{Deserialize, Serialize};

/// Choices the advisor leaves to the user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Recommendation ids to combine in the waterfall, in any order; every recommendation when
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "typescript", tsify(type = "Move[]"))]
    pub accepted: Option<Vec<String>>,
    /// The student a distillation what-if serves: a model preset id; the largest preset at most a
    /// quarter of the model's active parameters when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student: Option<String>,
    /// Tokens the teacher generates and the student trains on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distillation_tokens: Option<f64>,
}
