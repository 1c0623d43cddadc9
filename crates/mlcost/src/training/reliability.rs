//! Goodput: the share of wall-clock time that advances training, after checkpoint stalls, work lost
//! to failures and spot preemptions, and restarts — with the checkpoint interval at the Young/Daly
//! optimum unless the scenario sets it.
//!
//! With λ interruptions per hour across the job, a checkpoint stall of δ hours every τ hours and R
//! hours to restart, the first-order expected waste is δ/τ + λ·(τ/2 + R) (Young 1974, "A first order
//! approximation to the optimum checkpoint interval"; Daly 2006), minimised at τ = √(2δ/λ).

use serde::{Deserialize, Serialize};

use crate::scenario::resolve::training::{CheckedReliability, ResolvedTraining};
use crate::training::memory::checkpoint_bytes;
use crate::training::work::Work;
use crate::vocabulary::terms::Plan;
use crate::vocabulary::units::{Bytes, Fraction, Minutes, SECONDS_PER_HOUR};

/// Unexpected interruptions per accelerator-hour: The Llama 3 Herd of Models (arXiv 2407.21783)
/// §3.3.4 counts 419 unexpected interruptions in a 54-day snapshot on 16,384 H100 GPUs.
pub const FAILURES_PER_ACCELERATOR_HOUR: f64 = 419.0 / (16_384.0 * 54.0 * 24.0);

/// Unexpected interruptions per accelerator-hour published for large training runs and clusters,
/// one per run or cluster (docs/research/training-interruption-rates.json has each count, period
/// and the arithmetic): the spread behind a defaulted failure rate's low and high.
pub const PUBLISHED_INTERRUPTION_RATES: &[(&str, f64)] = &[
    (
        "Meta RSC-2, 2.34 node failures per 1,000 node-days (Kokolis et al. 2024, arXiv 2410.21680)",
        1.22e-5,
    ),
    ("Lablup B200, 10 failures in 55 days on 504 GPUs (arXiv 2605.09370)", 1.50e-5),
    (
        "Llama 3, 419 in 54 days on 16,384 H100 (arXiv 2407.21783 §3.3.4)",
        FAILURES_PER_ACCELERATOR_HOUR,
    ),
    ("BLOOM, 1-2 GPU failures a week on 384 A100 (BigScience)", 2.33e-5),
    ("Meta RSC-1, 6.50 node failures per 1,000 node-days (Kokolis et al. 2024)", 3.39e-5),
    ("Crusoe H200, about 205 failures in four months (GTC 2025)", 4.38e-5),
    (
        "OPT-175B, 35 manual and 70+ automatic restarts in 2 months on 992 A100 (arXiv 2205.01068 §2.5)",
        7.35e-5,
    ),
    ("Meta RSC, 1,024-GPU jobs fail every 7.9 hours (Kokolis et al. 2024, Fig. 7)", 1.24e-4),
];

/// When the failure-rate spread above was read.
pub const INTERRUPTION_RATES_AS_OF: &str = "2026-12-06";

/// Accelerators per node when the scenario names no offer: HGX/DGX-class servers hold eight.
pub const DEFAULT_ACCELERATORS_PER_NODE: u32 = 8;

/// Minutes from an interruption to training again: detect it, replace or exclude the node, reload the
/// last checkpoint. Estimate, calibrated so that a Llama-3-405B-sized run on 16,384 H100 keeps the
/// ">90% effective training time" Llama 3 reports (§3.3.4): 15 minutes gives 90.9%.
pub const DEFAULT_RESTART_MINUTES: f64 = 15.0;

/// Checkpoint write rate per node, GB/s. Estimate: a node's share of a parallel file system or local
/// NVMe, several GB/s; asynchronous checkpointing (only the copy to host memory stalls training)
/// is faster still, so this errs on the side of longer stalls.
pub const DEFAULT_CHECKPOINT_WRITE_GBPS: f64 = 5.0;

/// Spot preemptions per node-hour. Estimate: AWS's Spot Instance Advisor puts GPU instances mostly in
/// its 5–10% to 15–20% monthly interruption bands; 12.5% a month (730 hours) per node is the middle.
pub const DEFAULT_SPOT_PREEMPTIONS_PER_HOUR: f64 = 0.125 / 730.0;

/// Below this the first-order model is meaningless (interruptions outpace checkpoints).
pub const MIN_GOODPUT: f64 = 0.05;

/// What the goodput model concluded, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct GoodputModel {
    /// The modelled goodput: one less the expected waste, held between [`MIN_GOODPUT`] and 1.
    pub goodput: Fraction,
    /// Nodes the job runs on.
    pub nodes: u32,
    /// Interruptions per hour across the job: failures on every accelerator, plus spot
    /// preemptions per node on spot.
    pub interruptions_per_hour: f64,
    /// Bytes of one checkpoint.
    pub checkpoint_bytes: Bytes,
    /// How long writing a checkpoint stalls training, the nodes writing their shards in parallel.
    pub checkpoint_stall_minutes: Minutes,
    /// Time between checkpoints: the scenario's, or the Young/Daly optimum (an hour when there is
    /// nothing to lose or nothing to write).
    pub checkpoint_interval_minutes: Minutes,
    /// Time from an interruption to training again.
    pub restart_minutes: Minutes,
}

/// The machines a job runs on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cluster {
    /// Nodes the job runs on.
    pub nodes: u32,
    /// Accelerators in each node.
    pub accelerators_per_node: u32,
    /// Accelerators in the nodes `mtbf_hours_per_node` describes (the scenario's own machines),
    /// so a user's MTBF carries over to machines of other sizes as a per-accelerator failure rate.
    pub mtbf_node_accelerators: u32,
}

/// Expected goodput for a job on `cluster` whose checkpoints are `checkpoint_bytes`.
pub fn goodput(
    settings: &CheckedReliability,
    cluster: Cluster,
    checkpoint_bytes: Bytes,
    on_spot: bool,
) -> GoodputModel {
    let Cluster { nodes, accelerators_per_node, mtbf_node_accelerators } = cluster;
    let failures_per_accelerator_hour = match settings.mtbf_hours_per_node {
        Some(mtbf) => 1.0 / (mtbf * f64::from(mtbf_node_accelerators.max(1))),
        None => FAILURES_PER_ACCELERATOR_HOUR,
    };
    let restart = settings.restart_minutes.unwrap_or(DEFAULT_RESTART_MINUTES);
    let write = settings.checkpoint_write_gbps.unwrap_or(DEFAULT_CHECKPOINT_WRITE_GBPS);
    let spot = settings.spot_preemptions_per_hour.unwrap_or(DEFAULT_SPOT_PREEMPTIONS_PER_HOUR);
    let nodes_f = f64::from(nodes.max(1));
    let accelerators = nodes_f * f64::from(accelerators_per_node.max(1));
    let interruptions =
        accelerators * failures_per_accelerator_hour + if on_spot { nodes_f * spot } else { 0.0 };
    // Nodes write their shards in parallel.
    let stall_hours = checkpoint_bytes.get() / nodes_f / (write * 1e9) / SECONDS_PER_HOUR;
    let restart_hours = restart / 60.0;
    let interval_hours = match settings.checkpoint_interval_minutes {
        Some(minutes) => minutes / 60.0,
        None if interruptions > 0.0 && stall_hours > 0.0 => {
            (2.0 * stall_hours / interruptions).sqrt()
        }
        // Nothing to lose or nothing to write: checkpoint once an hour, for the record.
        None => 1.0,
    };
    let waste =
        stall_hours / interval_hours + interruptions * (interval_hours / 2.0 + restart_hours);
    GoodputModel {
        goodput: Fraction::new((1.0 - waste).clamp(MIN_GOODPUT, 1.0)),
        nodes,
        interruptions_per_hour: interruptions,
        checkpoint_bytes,
        checkpoint_stall_minutes: Minutes::new(stall_hours * 60.0),
        checkpoint_interval_minutes: Minutes::new(interval_hours * 60.0),
        restart_minutes: Minutes::new(restart),
    }
}

/// The source the report gives for a goodput modelled on the defaults alone.
pub const GOODPUT_SOURCE: &str = "model: Young/Daly checkpoint interval; interruptions 419 per 16,384 \
    GPUs per 54 days (Llama 3, arXiv 2407.21783 §3.3.4); estimated 15 min restart (calibrated to Llama \
    3's >90% effective training time) and 5 GB/s per node checkpoint writes";

/// The source of a modelled goodput: [`GOODPUT_SOURCE`], and the inputs the scenario gave in
/// place of its defaults. Why not the constant alone? It cites the defaults, which a scenario's
/// own reliability figures replace.
pub fn goodput_source(settings: &CheckedReliability) -> std::borrow::Cow<'static, str> {
    let given: Vec<&str> = [
        ("mtbf_hours_per_node", settings.mtbf_hours_per_node),
        ("restart_minutes", settings.restart_minutes),
        ("checkpoint_write_gbps", settings.checkpoint_write_gbps),
        ("checkpoint_interval_minutes", settings.checkpoint_interval_minutes),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.map(|_| name))
    .collect();
    if given.is_empty() {
        return GOODPUT_SOURCE.into();
    }
    format!("{GOODPUT_SOURCE}; but the scenario's training.reliability gives {}", given.join(", "))
        .into()
}

/// What goodput depends on besides the plan.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Nodes {
    pub nodes: u32,
    pub checkpoint_bytes: Bytes,
    pub per_node: u32,
}

impl Nodes {
    pub fn cluster(&self) -> Cluster {
        Cluster {
            nodes: self.nodes,
            accelerators_per_node: self.per_node,
            mtbf_node_accelerators: self.per_node,
        }
    }
}

/// Accelerators in one of the run's machines: the offer's or the scenario's nodes', or an
/// HGX-class server's eight.
pub(crate) fn accelerators_per_node(run: &ResolvedTraining<'_>) -> u32 {
    run.machines.as_ref().map_or(DEFAULT_ACCELERATORS_PER_NODE, |m| m.accelerators.max(1))
}

/// The run's machines and the goodput the model gives them on the scenario's plan (spot only with
/// an offer bought on spot).
pub(crate) fn modelled_goodput(run: &ResolvedTraining<'_>, work: &Work) -> (Nodes, GoodputModel) {
    let per_node = accelerators_per_node(run);
    let nodes = Nodes {
        nodes: run.accelerator_count.div_ceil(per_node),
        checkpoint_bytes: checkpoint_bytes(&run.setup, work.trainable_parameters),
        per_node,
    };
    let model = goodput(&run.reliability, nodes.cluster(), nodes.checkpoint_bytes, run.on_spot());
    (nodes, model)
}

/// The goodput of the run under `plan`: a given goodput stands for the non-spot plans (and spot
/// loses what the model says spot adds); otherwise the model's, with spot's preemptions on spot.
pub(crate) fn plan_goodput(
    given: Option<Fraction>,
    scenario_on_spot: bool,
    model_on_demand: Fraction,
    model_spot: Fraction,
    plan: Plan,
) -> Fraction {
    let on_spot = plan == Plan::Spot;
    let (on_demand, spot) = (model_on_demand.get(), model_spot.get());
    match given {
        None => {
            if on_spot {
                model_spot
            } else {
                model_on_demand
            }
        }
        Some(given) => {
            let given = given.get();
            let base = if scenario_on_spot { given * on_demand / spot } else { given };
            Fraction::new((if on_spot { base * spot / on_demand } else { base }).min(1.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::training::Reliability;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn cluster(nodes: u32) -> Cluster {
        Cluster { nodes, accelerators_per_node: 8, mtbf_node_accelerators: 8 }
    }

    /// A goodput on the defaults cites them; one on a scenario's own restart time says which
    /// input the scenario gave in place of its default.
    #[test]
    fn the_goodput_source_names_the_inputs_the_run_used() {
        let defaults = CheckedReliability::check(&Reliability::default()).unwrap();
        assert_eq!(goodput_source(&defaults), GOODPUT_SOURCE);
        let given = Reliability { restart_minutes: Some(30.0), ..Reliability::default() };
        let source = goodput_source(&CheckedReliability::check(&given).unwrap());
        assert!(source.ends_with("but the scenario's training.reliability gives restart_minutes"));
        assert!(source.contains("arXiv 2407.21783"), "the default failure rate keeps its source");
    }

    /// Llama 3 405B checkpoint: BF16 weights and FP32 Adam states (master, two moments), 14 bytes a
    /// parameter.
    const LLAMA3_405B_CHECKPOINT: Bytes = Bytes::new(405e9 * 14.0);

    #[test]
    fn llama3_scale_run_keeps_over_ninety_percent() {
        // Llama 3 §3.3.4: "higher than 90% effective training time" on 16,384 H100 (2,048 nodes).
        let model =
            goodput(&CheckedReliability::default(), cluster(2048), LLAMA3_405B_CHECKPOINT, false);
        assert!((0.90..0.92).contains(&model.goodput.get()), "{model:?}");
    }

    #[test]
    fn one_node_loses_almost_nothing_and_spot_loses_more() {
        let on_demand =
            goodput(&CheckedReliability::default(), cluster(1), Bytes::new(7e9 * 14.0), false);
        assert!(on_demand.goodput.get() > 0.995, "{on_demand:?}");
        let spot =
            goodput(&CheckedReliability::default(), cluster(64), Bytes::new(70e9 * 14.0), true);
        let same =
            goodput(&CheckedReliability::default(), cluster(64), Bytes::new(70e9 * 14.0), false);
        assert!(spot.goodput < same.goodput);
    }

    #[test]
    fn goodput_falls_as_the_cluster_grows_and_stays_positive() {
        let mut previous = 1.0;
        for nodes in [1, 8, 64, 512, 4096, 32_768, u32::MAX] {
            let model =
                goodput(&CheckedReliability::default(), cluster(nodes), Bytes::new(1e12), true);
            let goodput = model.goodput.get();
            assert!(goodput <= previous && goodput > 0.0, "{nodes}: {model:?}");
            previous = goodput;
        }
    }

    #[test]
    fn a_given_interval_is_used_and_a_bad_one_named() {
        let settings =
            Reliability { checkpoint_interval_minutes: Some(240.0), ..Reliability::default() };
        let settings = CheckedReliability::check(&settings).unwrap();
        let model = goodput(&settings, cluster(2048), LLAMA3_405B_CHECKPOINT, false);
        assert!((model.checkpoint_interval_minutes.get() - 240.0).abs() < 1e-9);
        let bad = Reliability { restart_minutes: Some(-1.0), ..Reliability::default() };
        assert_eq!(
            CheckedReliability::check(&bad).unwrap_err().field,
            "training.reliability.restart_minutes"
        );
    }
}
