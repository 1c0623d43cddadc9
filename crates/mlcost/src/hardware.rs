//! The hardware table: one record per accelerator, from `pricing-data/accelerators.json`, embedded at
//! compile time and parsed once.
//!
//! Dense and sparse peaks are stored apart and the engine only ever uses dense ones: NVIDIA datasheets
//! headline the 2:4-sparsity figure (twice the dense one), and mixing the two up doubles every speed.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem};
use crate::scenario::Precision;
use crate::units::{Bytes, BytesPerSecond, FlopsPerSecond, Watts};

const ACCELERATORS_JSON: &str = include_str!("../../../pricing-data/accelerators.json");

/// Peak throughput per numeric format, in operations per second. A format the hardware does not
/// support is absent, never zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeakThroughput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fp64: Option<FlopsPerSecond>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fp32: Option<FlopsPerSecond>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tf32: Option<FlopsPerSecond>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bf16: Option<FlopsPerSecond>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fp16: Option<FlopsPerSecond>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fp8: Option<FlopsPerSecond>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub int8: Option<FlopsPerSecond>,
}

impl PeakThroughput {
    pub fn for_precision(&self, precision: Precision) -> Option<FlopsPerSecond> {
        match precision {
            Precision::Fp32 => self.fp32,
            Precision::Bf16 => self.bf16,
            Precision::Fp16 => self.fp16,
            Precision::Fp8 => self.fp8,
        }
    }
}

/// One accelerator as its datasheet describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accelerator {
    /// Stable lowercase id used in scenarios (`h100-sxm`).
    pub id: String,
    pub name: String,
    pub vendor: String,
    /// Datasheet capacity in decimal bytes (the datasheet's "80GB" is stored as 80e9).
    pub memory_bytes: Bytes,
    pub memory_kind: String,
    pub memory_bandwidth_bytes_per_second: BytesPerSecond,
    /// Dense peaks (tensor cores where the format uses them; fp32 is the non-tensor rate).
    pub dense: PeakThroughput,
    /// Peaks with 2:4 structured sparsity, where the datasheet gives them. Never used for estimates
    /// unless a scenario asks for sparsity.
    #[serde(default)]
    pub sparse: PeakThroughput,
    /// Accelerator-to-accelerator bandwidth within a node (NVLink), total bidirectional.
    pub interconnect_bytes_per_second: BytesPerSecond,
    pub board_power_watts: Watts,
    pub source: String,
    pub as_of: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AcceleratorFile {
    #[allow(
        dead_code,
        reason = "documents the file; read by people, checked by serde"
    )]
    description: String,
    accelerators: Vec<Accelerator>,
}

static ACCELERATORS: LazyLock<Result<Vec<Accelerator>, Error>> = LazyLock::new(|| {
    serde_json::from_str::<AcceleratorFile>(ACCELERATORS_JSON)
        .map(|file| file.accelerators)
        .map_err(|e| {
            Error::new(
                "pricing-data/accelerators.json",
                Problem::BadEmbeddedData(e.to_string()),
            )
        })
});

/// Every accelerator in the embedded table, in file order.
pub fn accelerators() -> Result<&'static [Accelerator], Error> {
    ACCELERATORS.as_deref().map_err(Clone::clone)
}

/// The accelerator with this id; `field` names the scenario field the id came from, for the error.
pub fn accelerator(id: &str, field: &str) -> Result<&'static Accelerator, Error> {
    let all = accelerators()?;
    all.iter().find(|a| a.id == id).ok_or_else(|| {
        Error::new(
            field,
            Problem::UnknownAccelerator {
                id: id.to_owned(),
                known: all.iter().map(|a| a.id.clone()).collect(),
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn embedded_table_loads_with_the_first_four_accelerators() {
        let ids: Vec<&str> = accelerators()
            .unwrap()
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        for id in ["a100-sxm-80gb", "h100-sxm", "h800-sxm", "h200-sxm"] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
    }

    #[test]
    fn every_record_is_plausible_and_sourced() {
        for a in accelerators().unwrap() {
            assert!(!a.source.trim().is_empty(), "{}: no source", a.id);
            assert!(
                is_iso_date(&a.as_of),
                "{}: as_of {:?} is not YYYY-MM-DD",
                a.id,
                a.as_of
            );
            let gb = a.memory_bytes.get() / 1e9;
            assert!((8.0..=300.0).contains(&gb), "{}: memory {gb} GB", a.id);
            let tbps = a.memory_bandwidth_bytes_per_second.get() / 1e12;
            assert!(
                (0.1..=10.0).contains(&tbps),
                "{}: bandwidth {tbps} TB/s",
                a.id
            );
            let watts = a.board_power_watts.get();
            assert!(
                (50.0..=1500.0).contains(&watts),
                "{}: power {watts} W",
                a.id
            );
            let bf16 = a.dense.bf16.map(FlopsPerSecond::get).unwrap_or_default();
            // Catches the peer-tool trap of storing the fp32 non-tensor rate (A100: 19.5) as compute.
            assert!(bf16 >= 100e12, "{}: dense bf16 {bf16}", a.id);
            for (dense, sparse) in [(a.dense.bf16, a.sparse.bf16), (a.dense.fp8, a.sparse.fp8)] {
                if let (Some(dense), Some(sparse)) = (dense, sparse) {
                    assert!(
                        dense < sparse,
                        "{}: dense {dense:?} not below sparse {sparse:?}",
                        a.id
                    );
                }
            }
        }
    }

    #[test]
    fn unknown_id_names_the_field_and_the_choices() {
        let err = accelerator("h9000", "training.accelerator").unwrap_err();
        assert_eq!(err.field, "training.accelerator");
        assert!(err.to_string().contains("h100-sxm"), "{err}");
    }

    fn is_iso_date(s: &str) -> bool {
        let b = s.as_bytes();
        b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    }
}
