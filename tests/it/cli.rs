//! `mlcost estimate` as a process: output formats, exit codes, errors on stderr.

use serde_json::Value;

use crate::support::{DEEPSEEK_V3, mlcost, text};

#[test]
fn json_output_has_the_contract_keys_in_base_units() {
    let out = mlcost(&["estimate", "-", "--format", "json"], DEEPSEEK_V3);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let training = &report["training"];
    for key in
        ["flops", "accelerator_hours", "wall_clock_hours", "compute_cost_usd", "mfu", "goodput"]
    {
        assert!(training[key].is_number(), "training.{key} missing in {report}");
    }
    let gpu_hours = training["accelerator_hours"].as_f64().unwrap_or_default();
    // DeepSeek-V3 Technical Report, Table 1: 2,664K H800 GPU-hours for pre-training.
    assert!((gpu_hours / 2.664e6 - 1.0).abs() < 0.01, "{gpu_hours}");
}

#[test]
fn table_output_reads_from_a_file() {
    let dir = std::env::temp_dir().join(format!("mlcost-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("deepseek-v3.json");
    std::fs::write(&file, DEEPSEEK_V3).expect("write scenario");
    let out = mlcost(&["estimate", file.to_str().expect("utf-8 path")], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.contains("compute cost"), "{table}");
    assert!(
        table.contains("$5,33"),
        "DeepSeek-V3 pre-training at $2/GPU-hour is about $5.33M: {table}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn invalid_input_exits_2_with_the_field_on_stderr() {
    let bad = DEEPSEEK_V3.replace("14.8e12", "0");
    let out = mlcost(&["estimate", "-"], &bad);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr).trim(), "training.tokens: must be > 0");
    assert!(out.stdout.is_empty());
}

#[test]
fn malformed_json_exits_2() {
    let out = mlcost(&["estimate", "-"], "{\"model\": ");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("EOF while parsing"), "{}", text(&out.stderr));
}

#[test]
fn missing_file_is_not_an_input_error() {
    let out = mlcost(&["estimate", "/nonexistent/scenario.json"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read"), "{}", text(&out.stderr));
}
