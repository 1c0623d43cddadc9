//! Defaults the engine uses when a scenario leaves a figure out, each derived from published runs.
//! Every constant names its source; a default is reported back as an [`Assumption`] so front ends can
//! show it as a default, with that source.
//!
//! [`Assumption`]: crate::report::Assumption

/// Unexpected interruptions per accelerator-hour.
///
/// The Llama 3 Herd of Models (arXiv 2407.21783) §3.3.4: 419 unexpected interruptions during a 54-day
/// snapshot of pre-training on 16,384 H100 GPUs, i.e. 419 / (16,384 × 54 × 24) per GPU-hour. Failures
/// scale with the number of components, so a job's rate is this times its accelerator count.
pub const FAILURES_PER_ACCELERATOR_HOUR: f64 = 419.0 / (16_384.0 * 54.0 * 24.0);

/// Hours training stalls to write one checkpoint.
///
/// Estimate, with [`RESTART_HOURS`] calibrated so that a 16,384-GPU run reproduces the >90% effective
/// training time Llama 3 reports (arXiv 2407.21783 §3.3.4): sharded, asynchronous checkpointing blocks
/// training only while each rank copies its shard to host memory, tens of seconds.
pub const CHECKPOINT_STALL_HOURS: f64 = 0.5 / 60.0;

/// Hours from a failure to training again (detect, replace or exclude the node, reload the last
/// checkpoint). Estimate, calibrated with [`CHECKPOINT_STALL_HOURS`] as described there.
pub const RESTART_HOURS: f64 = 3.0 / 60.0;

pub const GOODPUT_SOURCE: &str = "model: Young/Daly optimal checkpoint interval with failure rate \
    419 per 16,384 GPUs per 54 days (Llama 3, arXiv 2407.21783 §3.3.4), estimated 30 s checkpoint \
    stall and 3 min restart";

/// Expected fraction of wall-clock time that advances training, for a job on `accelerator_count`
/// accelerators that checkpoints at the Young/Daly optimum.
///
/// With failure rate λ (per hour, whole job), checkpoint stall δ and restart time R, checkpointing every
/// τ = √(2δ/λ) hours wastes δ/τ of the time writing checkpoints and, per failure, τ/2 of recomputed work
/// plus R: waste ≈ √(2δλ) + Rλ to first order (Young 1974; Daly 2006). Clamped so goodput stays positive
/// even for absurd cluster sizes, where the first-order formula no longer holds.
pub fn modelled_goodput(accelerator_count: u32) -> f64 {
    let failures_per_hour = FAILURES_PER_ACCELERATOR_HOUR * f64::from(accelerator_count);
    let waste = (2.0 * CHECKPOINT_STALL_HOURS * failures_per_hour).sqrt()
        + RESTART_HOURS * failures_per_hour;
    (1.0 - waste).clamp(MIN_MODELLED_GOODPUT, 1.0)
}

/// Below this the first-order model is meaningless (failures arrive faster than checkpoints).
const MIN_MODELLED_GOODPUT: f64 = 0.05;

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn llama3_scale_run_keeps_over_ninety_percent() {
        // Llama 3 §3.3.4: "higher than 90% effective training time" on 16,384 H100.
        let goodput = modelled_goodput(16_384);
        assert!((0.90..0.93).contains(&goodput), "goodput {goodput}");
    }

    #[test]
    fn one_node_loses_almost_nothing() {
        assert!(modelled_goodput(8) > 0.995);
    }

    #[test]
    fn goodput_falls_as_the_cluster_grows_and_stays_positive() {
        let mut previous = 1.0;
        for count in [1, 8, 64, 512, 4096, 32_768, 262_144, u32::MAX] {
            let goodput = modelled_goodput(count);
            assert!(goodput <= previous && goodput > 0.0, "{count}: {goodput}");
            previous = goodput;
        }
    }
}
