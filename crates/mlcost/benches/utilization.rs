//! How long a monitoring file takes to import and analyse: the web app does both when a user drops a
//! file, so a week of minute samples across a host (100,000 rows) should take well under a second.

use criterion::{Criterion, criterion_group, criterion_main};
use mlcost::units::{Bytes, UsdPerHour};
use mlcost::utilization::{Settings, analyze, import};

/// 100,000 DCGM rows: 8 GPUs, 12,500 one-minute samples each.
fn hundred_thousand_rows() -> String {
    let mut text = String::from("timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED\n");
    for row in 0..100_000u64 {
        let (minute, gpu) = (row / 8, row % 8);
        let utilization = (minute * 7 + gpu * 13) % 101;
        text.push_str(&format!(
            "{},{gpu},{utilization},{}\n",
            1_714_564_800 + minute * 60,
            1000 + gpu * 100
        ));
    }
    text
}

fn utilization(c: &mut Criterion) {
    let text = hundred_thousand_rows();
    c.bench_function("utilization/import_100k_rows", |b| {
        b.iter(|| import(std::hint::black_box(&text)))
    });
    let monitoring = import(&text).expect("generated rows import");
    let mut settings = Settings::new(UsdPerHour::new(2.0));
    settings.memory_total = Some(Bytes::new(80e9));
    c.bench_function("utilization/analyze_100k_rows", |b| {
        b.iter(|| analyze(std::hint::black_box(&monitoring), &settings))
    });
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
