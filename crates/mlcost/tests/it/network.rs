//! The network between instances: a run spanning several instances of its offer pays for the
//! gradient all-reduce the backward pass cannot hide (and for tensor or pipeline traffic that
//! crosses), and says so; a run inside one instance, or on a fast fabric, pays nothing.

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
