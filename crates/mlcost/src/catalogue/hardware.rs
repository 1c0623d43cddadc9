//! The hardware table: one record per accelerator, from `pricing-data/accelerators.json` (part of the
//! bundled [`PriceBook`](crate::catalogue::pricing::PriceBook)).
//!
//! Dense and sparse peaks are stored apart and the engine only ever uses dense ones: NVIDIA datasheets
//! headline the 2:4-sparsity figure (twice the dense one), and mixing the two up doubles every speed.

use serde::{Deserialize, Serialize};

use crate::vocabulary::terms::Precision;
use crate::vocabulary::units::{Bytes, BytesPerSecond, FlopsPerSecond, Watts};

/// Peak throughput per numeric format, in operations per second. A format the hardware does not
/// support is absent, never zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct PeakThroughput {
    /// 32-bit floating point (FP32), in FLOP/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fp32: Option<FlopsPerSecond>,
    /// TensorFloat-32 (TF32), in FLOP/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tf32: Option<FlopsPerSecond>,
    /// bfloat16 (BF16), in FLOP/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bf16: Option<FlopsPerSecond>,
    /// 16-bit IEEE floating point (FP16), in FLOP/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fp16: Option<FlopsPerSecond>,
    /// 8-bit floating point (FP8), in FLOP/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fp8: Option<FlopsPerSecond>,
    /// 8-bit integers (INT8), in operations per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub int8: Option<FlopsPerSecond>,
    /// 4-bit integers (INT4), in operations per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub int4: Option<FlopsPerSecond>,
    /// 4-bit floating point (FP4), in FLOP/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fp4: Option<FlopsPerSecond>,
}

impl PeakThroughput {
    /// The 16-bit tensor rate used to compare prices: BF16, or FP16 where the hardware has no BF16
    /// (V100, T4).
    pub fn sixteen_bit(&self) -> Option<FlopsPerSecond> {
        self.bf16.or(self.fp16)
    }

    /// The peak for `precision`, with no fallback: `None` where the hardware lacks that format.
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
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
#[serde(deny_unknown_fields)]
pub struct Accelerator {
    /// Stable lowercase id used in scenarios (`h100-sxm`).
    pub id: String,
    /// Full product name (`NVIDIA A100 Tensor Core GPU 40GB SXM4`).
    pub name: String,
    /// Lowercase maker name (`nvidia`, `amd`, `google`).
    pub vendor: String,
    /// The maker's name for the design generation (`ampere`, `hopper`, `cdna3`): what the
    /// calibrated defaults are grouped by.
    pub architecture: String,
    /// The silicon it is built on (`gh100` for the H100, H800 and H200): accelerators on one chip
    /// share the published runs measured on any of them.
    pub chip: String,
    /// Memory in bytes as the device reports it where a source gives that (nvidia-smi's MiB ×
    /// 2^20: the H100 SXM's "80GB" is 85,520,809,984 bytes), else the datasheet's capacity.
    pub memory_bytes: Bytes,
    /// Memory technology, as the source names it (`HBM3`, `GDDR6`).
    pub memory_kind: String,
    /// Peak memory bandwidth, in bytes per second.
    pub memory_bandwidth_bytes_per_second: BytesPerSecond,
    /// Dense peaks (tensor cores where the format uses them; fp32 is the non-tensor rate).
    pub dense: PeakThroughput,
    /// Peaks with 2:4 structured sparsity, where the datasheet gives them. Never used for estimates
    /// unless a scenario asks for sparsity.
    #[serde(default)]
    pub sparse: PeakThroughput,
    /// Accelerator-to-accelerator bandwidth (NVLink, Infinity Fabric, ICI, NeuronLink), total of both
    /// directions. For cards without one, the PCIe figure (see `note`); absent when no source gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interconnect_bytes_per_second: Option<BytesPerSecond>,
    /// Host link (PCIe), total of both directions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pcie_bytes_per_second: Option<BytesPerSecond>,
    /// Maximum board (or module) power; absent when the vendor publishes none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub board_power_watts: Option<Watts>,
    /// Sold for serving only (AWS Inferentia): the right-sizing search never trains on it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inference_only: bool,
    /// The documents the figures are read from.
    pub source: String,
    /// The source's date, or the day it was read when it gives none (ISO 8601).
    pub as_of: String,
    /// How the figures were read or converted, and caveats, in words; absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Accelerators grouped by the published runs that calibrate them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generation {
    /// NVIDIA Ampere: A100, A10, A10G.
    Ampere,
    /// NVIDIA Hopper and later: H100, H800, H200, GH200, B200; and every accelerator without runs
    /// of its own (the most recent generation's fit is the nearest evidence).
    Hopper,
}

impl Generation {
    /// The group an accelerator's architecture falls in (the table's `architecture`).
    pub fn of(accelerator: &Accelerator) -> Generation {
        if accelerator.architecture == "ampere" { Generation::Ampere } else { Generation::Hopper }
    }
}

#[cfg(test)]
mod tests {
    use super::Generation;
    use crate::catalogue::pricing::PriceBook;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    // Coverage and plausibility of every record: tests/catalog.rs.

    #[test]
    fn unknown_id_names_the_field_and_the_choices() {
        let err =
            PriceBook::bundled().unwrap().accelerator("h9000", "training.accelerator").unwrap_err();
        assert_eq!(err.field, "training.accelerator");
        assert!(err.to_string().contains("h100-sxm"), "{err}");
    }

    #[test]
    fn the_generation_is_the_tables_architecture() {
        let book = PriceBook::bundled().unwrap();
        let of = |id: &str| Generation::of(book.accelerator(id, "test").unwrap());
        assert_eq!(of("a10g"), Generation::Ampere);
        assert_eq!(of("a100-pcie-80gb"), Generation::Ampere);
        assert_eq!(of("h200-sxm"), Generation::Hopper);
        // No runs of its own: the most recent generation's.
        assert_eq!(of("mi300x"), Generation::Hopper);
        let chip = |id: &str| book.accelerator(id, "test").unwrap().chip.clone();
        assert_eq!(chip("h800-sxm"), chip("h100-sxm"));
        assert_ne!(chip("a10"), chip("a100-sxm-80gb"));
    }

    #[test]
    fn sixteen_bit_falls_back_to_fp16_where_there_is_no_bf16() {
        let v100 = PriceBook::bundled().unwrap().accelerator("v100-16gb", "test").unwrap();
        assert_eq!(v100.dense.bf16, None);
        assert_eq!(v100.dense.sixteen_bit(), v100.dense.fp16);
    }
}
