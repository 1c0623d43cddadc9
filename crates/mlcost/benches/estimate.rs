//! How long one training estimate takes: the web app re-estimates on every keystroke and sweeps
//! accelerator counts for its chart.

use criterion::{Criterion, criterion_group, criterion_main};
use mlcost::{Scenario, estimate};

fn training_estimate(c: &mut Criterion) {
    let scenario = Scenario::from_json(
        r#"{"model": {"parameters": 37e9},
            "training": {"tokens": 14.8e12, "accelerator": "h800-sxm", "accelerator_count": 2048,
                         "precision": "bf16", "price_per_accelerator_hour": 2.0}}"#,
    )
    .expect("benchmark scenario is valid");
    c.bench_function("estimate/training", |b| b.iter(|| estimate(std::hint::black_box(&scenario))));
    c.bench_function("scenario/from_json", |b| {
        let json = scenario.to_json();
        b.iter(|| Scenario::from_json(std::hint::black_box(&json)))
    });
}

criterion_group!(benches, training_estimate);
criterion_main!(benches);
