//! How long one estimate takes: the web app re-estimates on every keystroke and sweeps accelerator
//! counts (training) and daily volumes (serving) for its charts.

use criterion::{Criterion, criterion_group, criterion_main};
use mlcost::catalogue::quotes::QuoteFilter;
use mlcost::catalogue::sheet::{PriceSheet, offers_to_csv};
use mlcost::{Options, PriceBook, Scenario, estimate, estimate_with, estimate_with_options};

fn training_estimate(c: &mut Criterion) {
    let scenario = Scenario::from_json(
        r#"{"model": {"parameters": 37e9},
            "training": {"tokens": 14.8e12, "accelerator": "h800-sxm", "accelerator_count": 2048,
                         "precision": "bf16", "price_per_accelerator_hour": 2.0}}"#,
    )
    .expect("benchmark scenario is valid");
    // With right-sizing: every offer, count and plan in the price book searched for the Pareto front.
    c.bench_function("estimate/training", |b| b.iter(|| estimate(std::hint::black_box(&scenario))));
    // The estimate alone, as the advisor's and the charts' sweeps run it.
    let book = PriceBook::bundled().expect("bundled price book loads");
    let alone = Options::FIGURES;
    c.bench_function("estimate/training_without_rightsizing", |b| {
        b.iter(|| estimate_with_options(std::hint::black_box(&scenario), book, alone))
    });
    c.bench_function("scenario/from_json", |b| {
        let json = scenario.to_json();
        b.iter(|| Scenario::from_json(std::hint::black_box(&json)))
    });
}

/// The README's two examples (a preset with its shape, an offer and a deadline; a preset served
/// in FP8 on an offer): what the pages estimate on every keystroke, and what the issue's speed
/// targets are measured on. The scenario is parsed once; the estimate alone is measured.
fn examples(c: &mut Criterion) {
    let example = |file: &str| {
        let path = format!("{}/../../examples/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Scenario::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let book = PriceBook::bundled().expect("bundled price book loads");
    let training = example("train-llama-3.1-70b.json");
    let serving = example("serve-llama-3.3-70b-fp8.json");
    // Everything the CLI shows: right-sizing, ranges and sensitivity.
    c.bench_function("example/training", |b| {
        b.iter(|| estimate_with(std::hint::black_box(&training), book))
    });
    // What the web app's first render computes: right-sizing without ranges (its second module
    // adds them), so the two differ by what ranges cost.
    c.bench_function("example/training_without_ranges", |b| {
        b.iter(|| estimate_with_options(std::hint::black_box(&training), book, Options::ALL))
    });
    let alone = Options::FIGURES;
    c.bench_function("example/training_without_rightsizing", |b| {
        b.iter(|| estimate_with_options(std::hint::black_box(&training), book, alone))
    });
    c.bench_function("example/serving", |b| {
        b.iter(|| estimate_with(std::hint::black_box(&serving), book))
    });
    // The serving page's first render: the figures without ranges and sensitivity.
    c.bench_function("example/serving_without_ranges", |b| {
        b.iter(|| estimate_with_options(std::hint::black_box(&serving), book, Options::ALL))
    });
}

/// The serving page re-estimates on every keystroke: roofline, the day's schedule, every plan, the
/// best committed mix and an API break-even search.
fn serving_estimate(c: &mut Criterion) {
    let scenario = Scenario::from_json(
        r#"{"model": {"preset": "llama-3.3-70b"},
            "serving": {"accelerator": "h100-sxm", "tensor_parallel": 2, "weight_precision": "fp8",
                        "input_tokens": 1000, "output_tokens": 300, "slo": {"ttft_ms": 1000, "tpot_ms": 50},
                        "daily_requests": 2e6, "shape": "diurnal", "peak_to_mean": 2,
                        "offer": "aws:p5.48xlarge",
                        "compare_apis": ["openai:gpt-4o-mini", "together:meta-llama/llama-3.3-70b-instruct-turbo"]}}"#,
    )
    .expect("benchmark scenario is valid");
    c.bench_function("estimate/serving", |b| b.iter(|| estimate(std::hint::black_box(&scenario))));
}

/// The catalogue page re-lists every quote when a filter changes; a user's sheet is parsed on upload.
fn price_book(c: &mut Criterion) {
    let book = PriceBook::bundled().expect("bundled price book loads");
    c.bench_function("pricing/quotes_all", |b| {
        b.iter(|| book.quotes(std::hint::black_box(&QuoteFilter::default())))
    });
    let csv = offers_to_csv(&book.offers);
    c.bench_function("pricing/csv_sheet_all_offers", |b| {
        b.iter(|| PriceSheet::from_csv(std::hint::black_box(&csv), book, "bench", "2026-11-29"))
    });
    // Issue 14: a sheet of 100,000 distinct offers, read and laid over the book (it once took
    // tens of seconds for 20,000: every row searched every offer before it).
    let mut big = String::from(
        "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,Price,SpotPrice",
    );
    for i in 0..100_000 {
        big.push_str(&format!("\nacme:box-{i},H100,8,96,1024,region-{},{}.5,", i % 7, 10 + i % 50));
    }
    let mut group = c.benchmark_group("pricing");
    group.sample_size(10);
    group.bench_function("csv_sheet_100k_offers_read_and_laid_over", |b| {
        b.iter(|| {
            let sheet =
                PriceSheet::from_csv(std::hint::black_box(&big), book, "bench", "2026-12-06")
                    .expect("the sheet reads");
            book.with_sheet(&sheet)
        })
    });
    group.finish();
}

criterion_group!(benches, training_estimate, examples, serving_estimate, price_book);
criterion_main!(benches);
