//! Where a figure comes from: every default the engine supplies is reported with its source.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// A default the engine used in place of a figure the scenario did not give.
///
/// Why `Cow`? Most fields and sources are constants: borrowing them spares an estimate a dozen
/// allocations (a tenth of its time), and a report read back from JSON owns them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Assumption {
    /// The scenario field it stands for (`training.mfu`).
    pub field: Cow<'static, str>,
    /// The value used, in the field's own unit.
    pub value: f64,
    /// Where the value comes from: a publication, or the model that derives it.
    pub source: Cow<'static, str>,
    /// When a constant's source was read; absent for a value a model derives per estimate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Cow<'static, str>>,
}

impl Assumption {
    /// Its source as a reader sees it, with the date the source was read when there is one.
    pub fn citation(&self) -> String {
        match &self.as_of {
            Some(as_of) => format!("{} (as of {as_of})", self.source),
            None => self.source.to_string(),
        }
    }
}

/// A constant next to where it comes from and when that was read: one fact, so the number the
/// engine applies and the source its report names cannot drift apart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sourced<T> {
    /// The constant the engine applies.
    pub value: T,
    /// Where it comes from, as the report says it: a publication, a vendor's default, or
    /// "estimate: " and the reasoning.
    pub source: &'static str,
    /// When the source was read (ISO 8601 date).
    pub as_of: &'static str,
}

impl<T: Copy + Into<f64>> Sourced<T> {
    /// The assumption a report lists when this default stands in for `field`.
    pub fn assumed(&self, field: &'static str) -> Assumption {
        Assumption {
            field: Cow::Borrowed(field),
            value: self.value.into(),
            source: Cow::Borrowed(self.source),
            as_of: Some(Cow::Borrowed(self.as_of)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_constant_is_cited_with_the_date_its_source_was_read() {
        const KEPT: Sourced<u32> =
            Sourced { value: 2, source: "estimate: two", as_of: "2026-11-29" };
        let assumed = KEPT.assumed("training.storage.checkpoints_kept");
        assert_eq!(assumed.value.to_bits(), 2.0f64.to_bits());
        assert_eq!(assumed.citation(), "estimate: two (as of 2026-11-29)");
        let modelled = Assumption { as_of: None, ..assumed };
        assert_eq!(modelled.citation(), "estimate: two");
    }
}
