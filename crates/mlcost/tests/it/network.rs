//! The network between instances: a run spanning several instances of its offer pays for the
//! gradient all-reduce the backward pass cannot hide (and for tensor or pipeline traffic that
//! crosses), and says so; a run inside one instance, or on a fast fabric, pays nothing. A serving
//! replica wider than an instance pays its pipeline hops and cross-instance all-reduces on every
//! token, and the advisor proposes one only over a sourced link.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mlcost::{Scenario, TrainingReport, estimate};

fn training(offer: Option<&str>, count: u32, batch: u32) -> TrainingReport {
    let pricing = match offer {
        Some(offer) => format!(r#""offer": "{offer}""#),
        None => r#""price_per_accelerator_hour": 4"#.to_owned(),
    };
    let json = format!(
        r#"{{"model": {{"preset": "llama-3.1-8b"}},
        "training": {{"tokens": 1e10, "accelerator": "a100-sxm-80gb", "accelerator_count": {count},
        "precision": "bf16", "mfu": 0.4, "goodput": 1, "global_batch": {batch},
        "activation_checkpointing": true, {pricing}}}}}"#
    );
    estimate(&Scenario::from_json(&json).unwrap()).unwrap().training.unwrap()
}

fn crossing_note(report: &TrainingReport) -> Option<&String> {
    report.notes.iter().find(|n| n.contains("instances of"))
}

/// Two single-GPU instances on GCP's 24 Gbps Ethernet, a small batch: the all-reduce of 16-bit
/// gradients, 2(n−1)/n × 2 bytes × parameters over 3 GB/s, less the backward pass's two thirds
/// of the step, stalls both GPUs every step. Checked by hand against the report's own parts.
#[test]
fn an_all_reduce_slower_than_the_backward_pass_costs_its_excess() {
    let (count, batch) = (2u32, 2u32);
    let crossed = training(Some("gcp:a2-ultragpu-1g"), count, batch);
    let typed = training(None, count, batch);
    let note = crossing_note(&crossed).expect("the run spans two instances");
    assert!(note.contains("24 Gbps") && note.contains("beyond the backward pass"), "{note}");
    assert!(crossing_note(&typed).is_none(), "a typed price names no instance");

    let tokens = crossed.tokens.unwrap().get();
    let steps = tokens / (f64::from(batch) * 8192.0);
    let step = crossed.hardware_flops.get()
        / steps
        / (f64::from(count) * crossed.peak_flops_per_accelerator.get() * 0.4);
    let all_reduce = 2.0 * 0.5 * 2.0 * crossed.trainable_parameters.get() / (24e9 / 8.0);
    let exposed = all_reduce - step * 2.0 / 3.0;
    assert!(exposed > 0.0, "the case is meant to expose the network: {all_reduce} {step}");
    let added = crossed.accelerator_hours.get() - typed.accelerator_hours.get();
    let expected = exposed * steps * f64::from(count) / 3600.0;
    assert!((added / expected - 1.0).abs() < 1e-6, "{added} against {expected}");
}

/// The same run inside one 8-GPU instance crosses nothing; across two of them, over 400 Gbps EFA
/// with a large batch, the backward pass hides the all-reduce: a note, no cost.
#[test]
fn one_instance_crosses_nothing_and_a_fast_fabric_costs_nothing() {
    let inside = training(Some("aws:p4de.24xlarge"), 8, 512);
    assert!(crossing_note(&inside).is_none(), "{:?}", inside.notes);
    let across = training(Some("aws:p4de.24xlarge"), 16, 512);
    let typed = training(None, 16, 512);
    let note = crossing_note(&across).expect("two instances");
    assert!(note.contains("hidden behind the backward pass"), "{note}");
    assert_eq!(across.accelerator_hours, typed.accelerator_hours);
}

/// An offer whose network no source gives: the run says the traffic is not priced, rather than
/// pricing it at nothing without a word.
#[test]
fn an_offer_without_a_network_figure_says_the_link_is_not_priced() {
    let report = training(Some("lambda:gpu_8x_a100_80gb_sxm4"), 16, 512);
    let note = crossing_note(&report).expect("two instances");
    assert!(note.contains("no network figure"), "{note}");
}

/// Right-sizing proposes a layout across instances only on an offer whose link a source gives,
/// and prices that link as the estimate does.
#[test]
fn right_sizing_crosses_instances_only_over_a_known_link() {
    let scenario =
        Scenario::from_json(include_str!("../../../../examples/train-llama-3.1-8b.json")).unwrap();
    let book = mlcost::PriceBook::bundled().unwrap();
    let sizing = mlcost::training::rightsizing::search(
        &scenario.model,
        scenario.training.as_ref().unwrap(),
        book,
    )
    .unwrap();
    assert!(!sizing.pareto_front.is_empty());
    for candidate in &sizing.pareto_front {
        let offer = book.offer(&candidate.offer, "offer").unwrap();
        if candidate.accelerator_count > offer.accelerator_count {
            assert!(
                offer.network.is_some(),
                "{} spans instances of {}",
                candidate.offer,
                offer.id()
            );
        }
    }
}

fn serving(offer: Option<&str>, tensor: u32, pipeline: u32) -> mlcost::ServingReport {
    let pricing = match offer {
        Some(offer) => format!(r#""offer": "{offer}", "plan": "on-demand""#),
        None => r#""price_per_accelerator_hour": 4"#.to_owned(),
    };
    let json = format!(
        r#"{{"model": {{"preset": "llama-3.1-8b"}},
        "serving": {{"accelerator": "a100-sxm-80gb", "weight_precision": "bf16",
        "parallelism": {{"tensor": {tensor}, "pipeline": {pipeline}}},
        "input_tokens": 512, "output_tokens": 256, "requests_per_second": 2, {pricing}}}}}"#
    );
    estimate(&Scenario::from_json(&json).unwrap()).unwrap().serving.unwrap()
}

fn serving_crossing_note(report: &mlcost::ServingReport) -> Option<&String> {
    report.notes.iter().find(|n| n.contains("spans instances"))
}

/// A two-stage pipeline on two single-GPU instances of GCP's 24 Gbps Ethernet: every decode step
/// sends its micro-batch's 16-bit activations (4,096 wide) across once, at the network's latency
/// and bandwidth. Checked by hand against the same replica priced without an instance.
#[test]
fn a_pipeline_across_instances_pays_its_hop_on_every_token() {
    let crossed = serving(Some("gcp:a2-ultragpu-1g"), 1, 2);
    let typed = serving(None, 1, 2);
    let note = serving_crossing_note(&crossed).expect("the replica spans two instances");
    assert!(note.contains("24 Gbps") && note.contains("1 pipeline boundary"), "{note}");
    assert!(serving_crossing_note(&typed).is_none(), "a typed price names no instance");
    // No SLO: the capacity is the largest batch memory allows, the same on both; compared there.
    assert_eq!(crossed.batch_at_slo, typed.batch_at_slo);
    let at_capacity = |report: &mlcost::ServingReport| {
        let point = *report.latency_vs_batch.last().unwrap();
        assert_eq!(point.batch, report.batch_at_slo);
        point.tpot_ms.get()
    };
    let micro_batch = f64::from(crossed.batch_at_slo) / 2.0;
    let hop = mlcost::serving::NETWORK_LATENCY_SECONDS + micro_batch * 4096.0 * 2.0 / (24e9 / 8.0);
    let added = (at_capacity(&crossed) - at_capacity(&typed)) / 1e3;
    assert!((added / hop - 1.0).abs() < 1e-9, "{added} s against {hop} s");
    assert!(note.contains(&format!("{:.2} ms", hop * 1e3)), "{note}");
}

/// Tensor parallelism wider than an instance all-reduces over the network, and an offer whose
/// network no source gives prices nothing and says so.
#[test]
fn a_tensor_group_across_instances_crosses_and_an_unknown_link_is_named() {
    let crossed = serving(Some("gcp:a2-ultragpu-1g"), 2, 1);
    let note = serving_crossing_note(&crossed).expect("the replica spans two instances");
    assert!(note.contains("tensor parallelism of 2 is wider than an instance"), "{note}");
    let inside = serving(Some("aws:p4de.24xlarge"), 2, 1);
    assert!(serving_crossing_note(&inside).is_none(), "{:?}", inside.notes);
    assert!(crossed.tpot_ms.get() > inside.tpot_ms.get() * 1.01);

    let unknown = serving(Some("lambda:gpu_8x_a100_80gb_sxm4"), 8, 2);
    let note = serving_crossing_note(&unknown).expect("the replica spans two instances");
    assert!(note.contains("not priced"), "{note}");
}

/// The advisor's search proposes a pipeline across instances only over a sourced network: never
/// across two 1×GH200 boxes whose link no source gives (the advisor once proposed exactly that).
#[test]
fn the_serving_search_crosses_instances_only_over_a_known_link() {
    let json = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/serve-llama-3.1-70b.json"
    ));
    let scenario = Scenario::from_json(json).unwrap();
    let book = mlcost::PriceBook::bundled().unwrap();
    let serving = scenario.serving.as_ref().unwrap();
    let search = mlcost::serving::search::search(&scenario.model, serving, book, None).unwrap();
    let mut across = 0;
    for candidate in &search.feasible {
        let Some(index) = candidate.offer else { continue };
        let offer = &book.offers[index];
        if candidate.tensor_parallel * candidate.pipeline_parallel > offer.accelerator_count {
            across += 1;
            assert!(
                offer.network.is_some(),
                "{} crosses an unknown link: {candidate:?}",
                offer.id()
            );
            assert_eq!(candidate.tensor_parallel, offer.accelerator_count, "{}", offer.id());
        }
    }
    assert!(across > 0, "some candidates span instances over a known link");
}

/// A typed price's own nodes are priced as an offer's instances are: two single-GPU nodes at
/// 24 Gbps add what two of GCP's 24 Gbps single-A100 instances add. With an offer, nodes are
/// refused, naming the field.
#[test]
fn nodes_given_with_a_typed_price_cross_as_an_offer_would() {
    let (count, batch) = (2u32, 2u32);
    let offer = training(Some("gcp:a2-ultragpu-1g"), count, batch);
    let typed = training(None, count, batch);
    let json = |extra: &str| {
        format!(
            r#"{{"model": {{"preset": "llama-3.1-8b"}},
            "training": {{"tokens": 1e10, "accelerator": "a100-sxm-80gb", "accelerator_count": {count},
            "precision": "bf16", "mfu": 0.4, "goodput": 1, "global_batch": {batch},
            "activation_checkpointing": true, {extra}}}}}"#
        )
    };
    let nodes = json(
        r#""price_per_accelerator_hour": 4, "nodes": {"accelerators": 1, "network_gbps": 24}"#,
    );
    let given = estimate(&Scenario::from_json(&nodes).unwrap()).unwrap().training.unwrap();
    let added =
        |report: &TrainingReport| report.accelerator_hours.get() - typed.accelerator_hours.get();
    assert!(added(&offer) > 0.0);
    assert!((added(&given) / added(&offer) - 1.0).abs() < 1e-9);
    let note = crossing_note(&given).expect("the run spans the given nodes");
    assert!(note.contains("the given nodes") && note.contains("24 Gbps"), "{note}");

    let both = json(r#""offer": "gcp:a2-ultragpu-1g", "nodes": {"accelerators": 1}"#);
    let error = estimate(&Scenario::from_json(&both).unwrap()).unwrap_err();
    assert_eq!(error.field, "training.nodes");
    let unpriced = json(r#""price_per_accelerator_hour": 4, "nodes": {"accelerators": 1}"#);
    let report = estimate(&Scenario::from_json(&unpriced).unwrap()).unwrap().training.unwrap();
    let note = crossing_note(&report).expect("the run spans the given nodes");
    assert!(note.contains("no network_gbps is given"), "{note}");
}
