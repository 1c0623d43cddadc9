//! The default MFU's form (see `mfu` for why): ln MFU linear in the generation, log10 active
//! parameters and log10 accelerators, held within what was fitted. Its own file, below both the
//! fitted coefficients (`mfu_fitted`) and the default (`mfu`), so neither imports the other's.

use crate::catalogue::hardware::Generation;

/// The fitted default: ln MFU = intercept of the generation + per-decade terms in active parameters
/// and accelerators, each input held within the fitted range, the result within the range of
/// published runs' MFU.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MfuModel {
    /// ln MFU at one active parameter on one accelerator, per generation (Ampere, Hopper and later).
    pub intercepts: [f64; 2],
    /// Change in ln MFU per tenfold active parameters.
    pub per_decade_of_parameters: f64,
    /// Change in ln MFU per tenfold accelerators.
    pub per_decade_of_accelerators: f64,
    /// log10 of the fitted runs' smallest and largest active parameters.
    pub log10_parameters: (f64, f64),
    /// log10 of the fitted runs' smallest and largest cluster.
    pub log10_accelerators: (f64, f64),
    /// The lowest and highest steady-state MFU (BF16 terms) of published runs: the default's bounds.
    pub mfu_bounds: (f64, f64),
    /// Per generation: how many runs were fitted, and the lowest and highest MFU they reached.
    pub runs: [(usize, f64, f64); 2],
}

impl MfuModel {
    /// The steady-state MFU in BF16 terms for a run of this size on this many accelerators.
    pub fn at(&self, generation: Generation, active_parameters: f64, accelerators: f64) -> f64 {
        let clamp = |value: f64, (low, high): (f64, f64)| value.log10().clamp(low, high);
        let ln_mfu = self.intercepts[generation_index(generation)]
            + self.per_decade_of_parameters * clamp(active_parameters, self.log10_parameters)
            + self.per_decade_of_accelerators * clamp(accelerators, self.log10_accelerators);
        ln_mfu.exp().clamp(self.mfu_bounds.0, self.mfu_bounds.1)
    }
}

/// The index of a generation in the model's per-generation arrays.
pub fn generation_index(generation: Generation) -> usize {
    match generation {
        Generation::Ampere => 0,
        Generation::Hopper => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_model_holds_its_inputs_and_its_result_within_what_was_fitted() {
        let model = MfuModel {
            intercepts: [-3.0, -3.5],
            per_decade_of_parameters: 0.3,
            per_decade_of_accelerators: -0.2,
            log10_parameters: (9.0, 11.0),
            log10_accelerators: (1.0, 4.0),
            mfu_bounds: (0.1, 0.7),
            runs: [(1, 0.1, 0.7); 2],
        };
        let at = |p: f64, n: f64| model.at(Generation::Hopper, p, n);
        assert!((at(1e10, 100.0) - (-3.5f64 + 3.0 - 0.4).exp()).abs() < 1e-12);
        // Ten times more accelerators: e^-0.2 of the MFU.
        assert!((at(1e10, 1000.0) / at(1e10, 100.0) - (-0.2f64).exp()).abs() < 1e-12);
        // Held at the fitted edges, in both inputs.
        assert!((at(1e12, 100.0) - at(1e11, 100.0)).abs() < 1e-15);
        assert!((at(1e10, 1.0) - at(1e10, 10.0)).abs() < 1e-15);
        // Never outside the published runs' MFU.
        assert!((model.at(Generation::Ampere, 1e11, 10.0) - 0.7).abs() < 1e-15);
    }
}
