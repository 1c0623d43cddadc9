//! Utilisation analysis: both monitoring formats import (the shipped samples without a bad row), bad
//! input is reported by line or named, and the analysis's figures add up and stay finite.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mlcost::units::{Bytes, UsdPerHour};
use mlcost::utilization::{
    Format, Monitoring, RecommendationKind, Settings, UtilizationReport, analyze, import,
};

const NVIDIA_SMI_DAY: &str = include_str!("../../../../docs/samples/nvidia-smi-8xh100-day.csv");
const DCGM_WEEK: &str = include_str!("../../../../docs/samples/dcgm-4xa100-week.csv");

fn settings(price: f64) -> Settings {
    Settings::new(UsdPerHour::new(price))
}

fn error(text: &str) -> String {
    import(text).map(|_| ()).unwrap_err().to_string()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Every hour is covered once, and the idle, underused and busy hours of each accelerator and of the
/// total add up.
fn assert_hours_add_up(report: &UtilizationReport) {
    let mut covered = 0.0;
    for usage in report.accelerators.iter().map(|a| &a.usage).chain([&report.total]) {
        assert!(usage.idle_hours <= usage.underused_hours, "{usage:?}");
        assert!(usage.underused_hours <= usage.covered_hours, "{usage:?}");
        let parts = usage.underused_hours.get() + usage.busy_hours.get();
        assert!(close(parts, usage.covered_hours.get()), "{usage:?}");
        let histogram: f64 = usage.histogram_hours.iter().map(|h| h.get()).sum();
        assert!(close(histogram, usage.covered_hours.get()), "{usage:?}");
        let price = report.settings.price_per_accelerator_hour.get();
        assert!(close(usage.idle_cost.get(), usage.idle_hours.get() * price));
        assert!(usage.unused_capacity_cost.get() <= usage.covered_hours.get() * price + 1e-6);
    }
    for a in &report.accelerators {
        covered += a.usage.covered_hours.get();
    }
    assert!(close(covered, report.total.covered_hours.get()));
    let idle: f64 = report.accelerators.iter().map(|a| a.usage.idle_hours.get()).sum();
    assert!(close(idle, report.total.idle_hours.get()));
}

/// Equal JSON, numbers to float rounding: serde_json (without `float_roundtrip`) may read a float
/// back one unit in the last place off.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => close(x.as_f64().unwrap(), y.as_f64().unwrap()),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Every number in the report is finite: serde_json writes NaN and infinity as `null`.
fn assert_finite(report: &UtilizationReport) {
    let json = serde_json::to_string(report).unwrap();
    assert!(!json.contains("null"), "{json}");
}

#[test]
fn the_nvidia_smi_sample_imports_without_a_bad_row() {
    let monitoring = import(NVIDIA_SMI_DAY).unwrap();
    assert_eq!(monitoring.format, Format::NvidiaSmi);
    assert_eq!(monitoring.bad_rows, vec![]);
    assert_eq!(monitoring.samples.len(), 2_304);
    assert_eq!(monitoring.names.len(), 8);
    assert_eq!(monitoring.names.get(&0).map(String::as_str), Some("NVIDIA H100 80GB HBM3"));
    let first = monitoring.samples[0];
    assert_eq!(first.memory_total, Some(Bytes::new(81_559.0 * 1_048_576.0)));
}

#[test]
fn the_dcgm_sample_imports_without_a_bad_row() {
    let monitoring = import(DCGM_WEEK).unwrap();
    assert_eq!(monitoring.format, Format::Dcgm);
    assert_eq!(monitoring.bad_rows, vec![]);
    assert_eq!(monitoring.samples.len(), 2_688);
    assert!(monitoring.names.is_empty());
    // FB_USED + FB_FREE is the total.
    assert!(
        monitoring
            .samples
            .iter()
            .all(|s| s.memory_total == Some(Bytes::new(81_920.0 * 1_048_576.0)))
    );
}

#[test]
fn nvidia_smi_parses_with_or_without_units_and_header() {
    let with_units = "timestamp, index, name, utilization.gpu [%], memory.used [MiB], memory.total [MiB]\n\
                      2024/05/01 12:00:00.000, 0, NVIDIA H100 80GB HBM3, 87 %, 61234 MiB, 81559 MiB\n";
    let no_units = "Timestamp,Index,Name,Utilization.GPU [%],Memory.Used [MiB],Memory.Total [MiB]\r\n\
                    2024/05/01 12:00:00.000,0,NVIDIA H100 80GB HBM3,87,61234,81559\r\n";
    let no_header = "2024/05/01 12:00:00.000, 0, NVIDIA H100 80GB HBM3, 87, 61234, 81559\n";
    let expected = import(with_units).unwrap().samples;
    assert_eq!(expected.len(), 1);
    assert_eq!(expected[0].gpu, 0);
    assert!(close(expected[0].utilization_percent, 87.0));
    assert_eq!(expected[0].memory_used, Bytes::new(61_234.0 * 1_048_576.0));
    assert!(close(expected[0].time_seconds, 1_714_564_800.0));
    assert_eq!(import(no_units).unwrap().samples, expected);
    assert_eq!(import(no_header).unwrap().samples, expected);
}

#[test]
fn dcgm_parses_rfc3339_and_unix_seconds_with_or_without_free_memory() {
    let rfc3339 = "timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED\n\
                   2024-05-01T12:00:00Z,1,40,20000\n\
                   2024-05-01T14:01:00+02:00,1,50,20000\n";
    let unix = "\"timestamp\",\"gpu\",\"dcgm_fi_dev_gpu_util\",\"dcgm_fi_dev_fb_used\",\"dcgm_fi_dev_fb_free\"\n\
                \"1714564800\",\"1\",\"40\",\"20000\",\"61920\"\n\
                1714564860.0,1,50,20000,61920\n";
    let a = import(rfc3339).unwrap();
    let b = import(unix).unwrap();
    assert_eq!(a.format, Format::Dcgm);
    assert_eq!(a.samples.len(), 2);
    for (x, y) in a.samples.iter().zip(&b.samples) {
        assert_eq!(
            (x.gpu, x.time_seconds, x.utilization_percent),
            (y.gpu, y.time_seconds, y.utilization_percent)
        );
    }
    assert_eq!(a.samples[0].memory_total, None);
    assert_eq!(b.samples[0].memory_total, Some(Bytes::new(81_920.0 * 1_048_576.0)));
}

#[test]
fn bad_rows_are_reported_by_line_and_skipped() {
    let text = "timestamp, index, name, utilization.gpu [%], memory.used [MiB], memory.total [MiB]\n\
                2024/05/01 12:00:00.000, 0, NVIDIA H100 80GB HBM3, 87 %, 61234 MiB, 81559 MiB\n\
                2024/05/01 12:01:00.000, 0, NVIDIA H100 80GB HBM3, abc %, 61234 MiB, 81559 MiB\n\
                \n\
                2024/05/01 12:02:00.000, 0, NVIDIA H100 80GB HBM3, 150 %, 61234 MiB, 81559 MiB\n\
                2024/13/01 12:03:00.000, 0, NVIDIA H100 80GB HBM3, 10 %, 61234 MiB, 81559 MiB\n\
                2024/05/01 12:04:00.000, x, NVIDIA H100 80GB HBM3, 10 %, 61234 MiB, 81559 MiB\n\
                2024/05/01 12:05:00.000, 0, NVIDIA H100 80GB HBM3, [N/A], 61234 MiB, 81559 MiB\n\
                2024/05/01 12:06:00.000, 0, NVIDIA H100 80GB HBM3, 10 %, 91234 MiB, 81559 MiB\n\
                2024/05/01 12:07:00.000, 0, NVIDIA H100 80GB HBM3, 10 %\n\
                2024/05/01 12:08:00.000, 0, NVIDIA H100 80GB HBM3, 12 %, 61234 MiB, 81559 MiB\n";
    let monitoring = import(text).unwrap();
    assert_eq!(monitoring.samples.len(), 2);
    let lines: Vec<usize> = monitoring.bad_rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![3, 5, 6, 7, 8, 9, 10]);
    let messages: Vec<String> = monitoring.bad_rows.iter().map(ToString::to_string).collect();
    assert_eq!(messages[0], "line 3: utilization.gpu: \"abc %\" is not a number");
    assert_eq!(messages[1], "line 5: utilization.gpu: 150 is not between 0 and 100");
    assert!(
        messages[2]
            .starts_with("line 6: timestamp: \"2024/13/01 12:03:00.000\" is not a timestamp"),
        "{}",
        messages[2]
    );
    assert!(messages[3].starts_with("line 7: index: \"x\" is not a GPU index"), "{}", messages[3]);
    assert!(messages[4].contains("\"[N/A]\" is not a number"), "{}", messages[4]);
    assert!(messages[5].contains("exceeds the total"), "{}", messages[5]);
    assert_eq!(messages[6], "line 10: has 4 cells; the header has 6");
}

#[test]
fn empty_header_only_and_unknown_files_are_named() {
    let empty = error("");
    assert!(empty.contains("the file is empty") && empty.contains("utilization.gpu"), "{empty}");
    assert!(error("\n  \n").contains("the file is empty"));
    let header_only = error("timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED\n");
    assert_eq!(
        header_only,
        "utilization: line 1, column 1: the file has a header but no rows of samples"
    );
    let unknown = error("time,host,cpu\n1,2,3\n");
    assert!(
        unknown.contains("neither nvidia-smi's") && unknown.contains("DCGM_FI_DEV_GPU_UTIL"),
        "{unknown}"
    );
    let missing = error("timestamp, index, name, utilization.gpu [%], memory.total [MiB]\n");
    assert!(missing.contains("missing column memory.used"), "{missing}");
    assert!(
        missing.contains("nvidia-smi CSV needs timestamp, index, utilization.gpu, memory.used"),
        "{missing}"
    );
    let missing_dcgm = error("timestamp,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED\n");
    assert!(missing_dcgm.contains("missing column gpu"), "{missing_dcgm}");
    let all_bad = error("timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED\nnope,0,1,1\n");
    assert!(
        all_bad.contains("no row could be read") && all_bad.contains("line 2: timestamp"),
        "{all_bad}"
    );
}

/// 100,000 rows (8 GPUs, 12,500 minutes) import and analyse (benches/utilization.rs times them).
#[test]
fn a_hundred_thousand_rows_import_and_analyse() {
    let text = crate::common::hundred_thousand_dcgm_rows();
    let monitoring = import(&text).unwrap();
    assert_eq!(monitoring.samples.len(), 100_000);
    assert!(monitoring.bad_rows.is_empty());
    let mut with_total = settings(2.0);
    with_total.memory_total = Some(Bytes::new(80e9));
    let report = analyze(&monitoring, &with_total).unwrap();
    assert_eq!(report.accelerators.len(), 8);
    assert!(report.accelerators.iter().all(|a| a.series.len() <= 500 && !a.series.is_empty()));
    assert_hours_add_up(&report);
    assert_finite(&report);
}

#[test]
fn the_h100_day_finds_the_idle_night_and_the_idle_notebooks() {
    let report = analyze(&import(NVIDIA_SMI_DAY).unwrap(), &settings(3.0)).unwrap();
    assert_hours_add_up(&report);
    assert_finite(&report);
    // One minute apart: 24 h per GPU.
    assert!(close(report.total.covered_hours.get(), 8.0 * 24.0), "{:?}", report.total);
    assert!(report.idle_hours_of_day.contains(&2), "{:?}", report.idle_hours_of_day);
    assert!(!report.idle_hours_of_day.contains(&12));
    let kinds: Vec<RecommendationKind> = report.recommendations.iter().map(|r| r.kind).collect();
    for kind in [
        RecommendationKind::Consolidate,
        RecommendationKind::OffHoursShutdown,
        RecommendationKind::MigSlices,
        RecommendationKind::SmallerAccelerator,
    ] {
        assert!(kinds.contains(&kind), "{kind:?} missing: {:#?}", report.recommendations);
    }
    let mig =
        report.recommendations.iter().find(|r| r.kind == RecommendationKind::MigSlices).unwrap();
    assert_eq!(mig.gpus, vec![6, 7]);
    assert!(mig.reasoning.contains("1g.10gb"), "{}", mig.reasoning);
    // No price for the smaller card: no invented saving.
    let smaller = report
        .recommendations
        .iter()
        .find(|r| r.kind == RecommendationKind::SmallerAccelerator)
        .unwrap();
    assert_eq!(smaller.monthly_saving_usd, None);
    assert!(smaller.reasoning.contains("L4"), "{}", smaller.reasoning);
    // Savings are sorted, largest first.
    let savings: Vec<f64> = report
        .recommendations
        .iter()
        .map(|r| r.monthly_saving_usd.map_or(-1.0, |s| s.get()))
        .collect();
    assert!(savings.windows(2).all(|w| w[0] >= w[1]), "{savings:?}");
}

#[test]
fn an_alternative_price_prices_the_smaller_card() {
    let mut with_alternative = settings(3.0);
    with_alternative.alternative_price_per_accelerator_hour = Some(UsdPerHour::new(0.8));
    let report = analyze(&import(NVIDIA_SMI_DAY).unwrap(), &with_alternative).unwrap();
    let smaller = report
        .recommendations
        .iter()
        .find(|r| r.kind == RecommendationKind::SmallerAccelerator)
        .unwrap();
    let moved = smaller.gpus.len() as f64;
    assert!(close(smaller.monthly_saving_usd.unwrap().get(), (3.0 - 0.8) * moved * 730.0));
}

#[test]
fn the_a100_week_recommends_off_hours_and_needs_a_name_for_mig() {
    let monitoring = import(DCGM_WEEK).unwrap();
    let unnamed = analyze(&monitoring, &settings(2.5)).unwrap();
    assert!(unnamed.recommendations.iter().all(|r| r.kind != RecommendationKind::MigSlices));
    assert!(unnamed.notes.iter().any(|n| n.contains("settings.accelerator_name")));
    let mut named = settings(2.5);
    named.accelerator_name = Some("NVIDIA A100-SXM4-80GB".into());
    let report = analyze(&monitoring, &named).unwrap();
    assert_hours_add_up(&report);
    assert_finite(&report);
    // 15-minute samples for a week: 168 h per GPU.
    assert!(close(report.total.covered_hours.get(), 4.0 * 168.0), "{:?}", report.total);
    assert!(report.idle_hours_of_day.contains(&22) && !report.idle_hours_of_day.contains(&12));
    let off = report
        .recommendations
        .iter()
        .find(|r| r.kind == RecommendationKind::OffHoursShutdown)
        .unwrap();
    let hours = report.idle_hours_of_day.len() as f64;
    assert!(close(off.monthly_saving_usd.unwrap().get(), hours * 4.0 * 2.5 * 730.0 / 24.0));
    let mig =
        report.recommendations.iter().find(|r| r.kind == RecommendationKind::MigSlices).unwrap();
    assert!(mig.gpus.contains(&3), "{mig:?}");
}

#[test]
fn consolidation_never_goes_below_the_busy_load() {
    for text in [NVIDIA_SMI_DAY, DCGM_WEEK] {
        for target in [10.0, 50.0, 70.0, 100.0] {
            let mut at_target = settings(2.0);
            at_target.target_utilization_percent = target;
            let report = analyze(&import(text).unwrap(), &at_target).unwrap();
            let load = &report.load;
            assert!(
                load.accelerators_needed as f64 >= load.mean_busy_accelerators - 1e-9,
                "{load:?}"
            );
            assert!(
                load.accelerators_needed as f64
                    >= (load.mean_busy_accelerators / (target / 100.0))
                        .min(load.accelerators as f64)
                        - 1e-9,
                "{load:?}"
            );
            assert!(
                load.accelerators_needed as f64 >= load.p95_hourly_busy_accelerators - 1e-9,
                "{load:?}"
            );
            assert!(load.accelerators_needed <= load.accelerators && load.accelerators_needed >= 1);
            match report.recommendations.iter().find(|r| r.kind == RecommendationKind::Consolidate)
            {
                Some(r) => {
                    let freed = load.accelerators - load.accelerators_needed;
                    assert_eq!(r.gpus.len(), freed);
                    assert!(close(r.monthly_saving_usd.unwrap().get(), freed as f64 * 2.0 * 730.0));
                }
                None => assert_eq!(load.accelerators_needed, load.accelerators),
            }
        }
    }
}

#[test]
fn gaps_count_as_no_time() {
    // Minute samples, then a three-hour silence, then more: the gap counts at most two minutes.
    let text = "timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED\n\
                1714564800,0,50,100\n1714564860,0,50,100\n1714564920,0,50,100\n\
                1714575720,0,50,100\n1714575780,0,50,100\n";
    let report = analyze(&import(text).unwrap(), &settings(1.0)).unwrap();
    let minutes = report.total.covered_hours.get() * 60.0;
    assert!(close(minutes, 1.0 + 1.0 + 2.0 + 1.0 + 1.0), "{minutes}");
}

#[test]
fn odd_data_stays_finite() {
    let single = "timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED\n1714564800,0,30,100\n";
    let same_time = "timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED\n1714564800,0,30,100\n1714564800,0,60,0\n1714564800,1,100,0\n";
    for text in [single, same_time] {
        let report = analyze(&import(text).unwrap(), &settings(1e300)).unwrap();
        assert_finite(&report);
        assert_hours_add_up(&report);
        assert!(close(report.total.covered_hours.get(), 0.0));
    }
    let report = analyze(&import(same_time).unwrap(), &settings(1.0)).unwrap();
    assert!(close(report.accelerators[0].usage.mean_utilization_percent, 45.0));
}

#[test]
fn bad_settings_name_their_field() {
    let monitoring = import(DCGM_WEEK).unwrap();
    let check = |change: fn(&mut Settings), field: &str| {
        let mut s = settings(2.0);
        change(&mut s);
        let err = analyze(&monitoring, &s).unwrap_err();
        assert_eq!(err.field, field, "{err}");
    };
    check(
        |s| s.price_per_accelerator_hour = UsdPerHour::new(0.0),
        "settings.price_per_accelerator_hour",
    );
    check(
        |s| s.price_per_accelerator_hour = UsdPerHour::new(f64::NAN),
        "settings.price_per_accelerator_hour",
    );
    check(
        |s| s.alternative_price_per_accelerator_hour = Some(UsdPerHour::new(-1.0)),
        "settings.alternative_price_per_accelerator_hour",
    );
    check(|s| s.idle_threshold_percent = 101.0, "settings.idle_threshold_percent");
    check(|s| s.idle_threshold_percent = 50.0, "settings.idle_threshold_percent");
    check(|s| s.target_utilization_percent = 0.0, "settings.target_utilization_percent");
    check(|s| s.memory_total = Some(Bytes::new(f64::INFINITY)), "settings.memory_total");
    let empty = Monitoring { samples: Vec::new(), ..monitoring.clone() };
    assert_eq!(analyze(&empty, &settings(2.0)).unwrap_err().field, "utilization");
    // A price that overflows a month's sum is refused, not returned as infinity.
    assert!(analyze(&monitoring, &settings(f64::MAX)).is_err());
}

#[test]
fn reports_and_settings_round_trip_through_json() {
    let report = analyze(&import(NVIDIA_SMI_DAY).unwrap(), &settings(3.0)).unwrap();
    let json = serde_json::to_string(&report).unwrap();
    let back: UtilizationReport = serde_json::from_str(&json).unwrap();
    let (before, after) =
        (serde_json::to_value(&report).unwrap(), serde_json::to_value(&back).unwrap());
    assert!(same(&before, &after), "{before}\n{after}");
    let partial: Settings = serde_json::from_str(r#"{"price_per_accelerator_hour": 2.5}"#).unwrap();
    assert_eq!(partial, settings(2.5));
    assert!(
        serde_json::from_str::<Settings>(r#"{"price_per_accelerator_hour": 2.5, "idle": 3}"#)
            .is_err()
    );
    let monitoring = import(DCGM_WEEK).unwrap();
    let back: Monitoring =
        serde_json::from_str(&serde_json::to_string(&monitoring).unwrap()).unwrap();
    assert_eq!(back, monitoring);
}
