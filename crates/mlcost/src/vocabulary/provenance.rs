//! Where a figure comes from: every default the engine supplies is reported with its source.

use serde::{Deserialize, Serialize};

/// A default the engine used in place of a figure the scenario did not give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumption {
    /// The scenario field it stands for (`training.mfu`).
    pub field: String,
    pub value: f64,
    /// Where the value comes from: a publication, or the model that derives it.
    pub source: String,
}
