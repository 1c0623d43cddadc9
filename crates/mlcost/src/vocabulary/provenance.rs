//! Where a figure comes from: every default the engine supplies is reported with its source.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A default the engine used in place of a figure the scenario did not give.
///
/// Why `Cow`? Most fields and sources are constants: borrowing them spares an estimate a dozen
/// allocations (a tenth of its time), and a report read back from JSON owns them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumption {
    /// The scenario field it stands for (`training.mfu`).
    pub field: Cow<'static, str>,
    pub value: f64,
    /// Where the value comes from: a publication, or the model that derives it.
    pub source: Cow<'static, str>,
}
