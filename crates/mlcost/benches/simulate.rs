//! The request-level simulation: one hour of one replica at 50 requests a second (about 180,000
//! requests), the issue's speed target (100 ms native, 300 ms in the browser).

use criterion::{Criterion, criterion_group, criterion_main};
use mlcost::scenario::resolve::serving::resolve_serving;
use mlcost::serving::{Traffic, simulate_replica};
use mlcost::{PriceBook, Scenario};

fn hour_at_50_requests_a_second(c: &mut Criterion) {
    let scenario = Scenario::from_json(
        r#"{"model": {"preset": "llama-3.1-8b"},
            "serving": {"accelerator": "h100-sxm", "weight_precision": "fp8",
                        "input_tokens": 128, "output_tokens": 128}}"#,
    )
    .expect("the scenario parses");
    let book = PriceBook::bundled().expect("bundled price book loads");
    let serving = scenario.serving.as_ref().expect("a serving section");
    let model = scenario.model.resolve().expect("the preset resolves");
    let resolved = resolve_serving(model, serving, book, None).expect("the section resolves");
    let traffic = Traffic {
        seed: 1,
        rate: 50.0,
        seconds: 3600.0,
        burstiness: 1.0,
        input_spread: 0.5,
        output_spread: 0.5,
    };
    c.bench_function("simulate/hour_at_50_requests_a_second", |b| {
        b.iter(|| simulate_replica(std::hint::black_box(&resolved), &traffic))
    });
}

criterion_group!(benches, hour_at_50_requests_a_second);
criterion_main!(benches);
