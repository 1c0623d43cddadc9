//! How long a monitoring file takes to import and analyse: the web app does both when a user drops a
//! file, so a week of minute samples across a host (100,000 rows) should take well under a second.

use criterion::{Criterion, criterion_group, criterion_main};
use mlcost::units::{Bytes, UsdPerHour};
use mlcost::utilization::{Settings, analyze, import};

#[path = "../tests/it/common.rs"]
mod common;

fn utilization(c: &mut Criterion) {
    let text = common::hundred_thousand_dcgm_rows();
    c.bench_function("utilization/import_100k_rows", |b| {
        b.iter(|| import(std::hint::black_box(&text)))
    });
    let monitoring = import(&text).expect("generated rows import");
    let mut settings = Settings::new(UsdPerHour::new(2.0));
    settings.memory_total = Some(Bytes::new(80e9));
    c.bench_function("utilization/analyze_100k_rows", |b| {
        b.iter(|| analyze(std::hint::black_box(&monitoring), &settings))
    });
    // Issue 14: two million rows (half a year of minute samples across a host), imported and
    // analysed in one go, as the CLI does.
    let big = common::dcgm_rows(2_000_000);
    let mut group = c.benchmark_group("utilization");
    group.sample_size(10);
    group.bench_function("import_and_analyze_2m_rows", |b| {
        b.iter(|| import(std::hint::black_box(&big)).and_then(|m| analyze(&m, &settings)))
    });
    group.finish();
    let sample = include_str!("../../../docs/samples/nvidia-smi-8xh100-day.csv");
    c.bench_function("utilization/import_and_analyze_nvidia_smi_day", |b| {
        b.iter(|| {
            import(std::hint::black_box(sample))
                .and_then(|m| analyze(&m, &Settings::new(UsdPerHour::new(3.0))))
        })
    });
}

criterion_group!(benches, utilization);
criterion_main!(benches);
