//! The advisor's searches: how long a search over every configuration takes, and how many it
//! weighs (printed once, so the per-configuration figure can be read off). The target:
//! 100,000 configurations in under 50 ms on one core (`serving_search_70b_and_8b` weighs over
//! 100,000).

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
    let chat = scenario("serve-llama-3.1-8b-chat.json");
    let (Some(big), Some(small)) = (&serving.serving, &chat.serving) else {
        panic!("the examples serve")
    };
    let search = |s: &Scenario, section| {
        mlcost::serving::search::search(&s.model, section, book, None).expect("searches")
    };
    let (a, b) = (search(&serving, big), search(&chat, small));
    // Both searches together weigh over 100,000 configurations: the speed target.
    println!(
        "serving searches: {} + {} = {} configurations weighed ({} + {} feasible)",
        a.considered,
        b.considered,
        a.considered + b.considered,
        a.feasible.len(),
        b.feasible.len()
    );
    c.bench_function("optimize/serving_search_70b", |bench| bench.iter(|| search(&serving, big)));
    c.bench_function("optimize/serving_search_70b_and_8b", |bench| {
        bench.iter(|| (search(&serving, big), search(&chat, small)))
    });
    c.bench_function("optimize/serving_advice", |b| {
        b.iter(|| optimize(&serving, book, &Settings::default()))
    });
    // The scenario the end-to-end performance run times in the browser (wasm against native).
    let both = scenario("fine-tune-and-serve-llama-3.1-8b.json");
    c.bench_function("optimize/advice_8b", |b| {
        b.iter(|| optimize(&both, book, &Settings::default()))
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
