//! The advisor's searches: how long a search over every configuration takes, and how many it
//! weighs (printed once, so the per-configuration figure can be read off). The target:
//! 100,000 configurations in under 50 ms on one core.

use criterion::{Criterion, criterion_group, criterion_main};
use mlcost::optimize::{Settings, optimize};
use mlcost::{PriceBook, Scenario};

fn scenario(file: &str) -> Scenario {
    let path = format!("{}/../../examples/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    Scenario::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn searches(c: &mut Criterion) {
    let book = PriceBook::bundled().expect("the bundled price book loads");
    let serving = scenario("serve-llama-3.1-70b.json");
    let Some(section) = &serving.serving else { panic!("the example serves") };
    let found = mlcost::serving::search::search(&serving.model, section, book).expect("searches");
    println!(
        "serving search: {} configurations weighed, {} feasible",
        found.considered,
        found.feasible.len()
    );
    c.bench_function("optimize/serving_search", |b| {
        b.iter(|| mlcost::serving::search::search(&serving.model, section, book))
    });
    c.bench_function("optimize/serving_advice", |b| {
        b.iter(|| optimize(&serving, book, &Settings::default()))
    });
    let training = scenario("train-llama-3.1-8b.json");
    let advice = optimize(&training, book, &Settings::default()).expect("optimizes");
    println!("training advice: {} configurations weighed", advice.candidates_considered);
    c.bench_function("optimize/training_advice", |b| {
        b.iter(|| optimize(&training, book, &Settings::default()))
    });
}

criterion_group!(benches, searches);
criterion_main!(benches);
