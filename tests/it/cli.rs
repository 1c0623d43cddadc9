//! `mlcost estimate` as a process: output formats, exit codes, errors on stderr.

use serde_json::Value;

use crate::support::{DEEPSEEK_V3, mlcost, mlcost_bytes, text};

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

/// Issue 5's output contract: dotted paths into the JSON, numbers in base units.
#[test]
fn serving_json_has_the_contract_keys() {
    let scenario = r#"{"model": {"preset": "llama-3.3-70b"},
        "serving": {"accelerator": "h100-sxm", "tensor_parallel": 2, "weight_precision": "fp8",
                    "input_tokens": 1000, "output_tokens": 300, "slo": {"ttft_ms": 1000, "tpot_ms": 50},
                    "daily_requests": 2e6, "shape": "diurnal", "peak_to_mean": 2,
                    "offer": "aws:p5.48xlarge", "compare_apis": ["openai:gpt-4o"]}}"#;
    let out = mlcost(&["estimate", "-", "--format", "json"], scenario);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let serving = &report["serving"];
    for key in [
        "weights_bytes",
        "kv_cache_bytes_per_token",
        "memory_per_accelerator_bytes",
        "max_concurrent_sequences",
        "ttft_ms",
        "tpot_ms",
        "max_output_tokens_per_second_per_replica",
        "output_tokens_per_second_per_replica_at_slo",
        "replicas_peak",
        "replica_hours_per_day",
        "accelerators_per_replica",
        "utilization",
        "monthly_cost_usd",
        "static_peak_monthly_cost_usd",
        "cost_per_million_output_tokens_usd",
        "cost_per_million_input_tokens_usd",
    ] {
        assert!(serving[key].is_number(), "serving.{key} missing in {serving}");
    }
    assert!(serving["fits_in_memory"].is_boolean());
    assert!(serving["by_plan"]["on-demand"]["monthly_cost_usd"].is_number(), "{serving}");
    let api = &serving["api_comparison"][0];
    assert!(api["monthly_cost_usd"].is_number() && api["break_even_requests_per_day"].is_number());
    // Issue 16's contract: each hour's operating point, and the peak hour simulated.
    let hour = &serving["hourly"][12];
    for key in ["batch", "ttft_ms", "tpot_ms", "e2e_ms"] {
        assert!(hour[key].is_number(), "serving.hourly[].{key} missing in {hour}");
    }
    for figure in ["ttft_ms", "tpot_ms", "e2e_ms"] {
        let p = &serving["latency"][figure];
        let at = |q: &str| p[q].as_f64().unwrap_or(f64::NAN);
        assert!(at("p50") > 0.0 && at("p50") <= at("p90") && at("p90") <= at("p99"), "{p}");
    }
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
    assert!(table.contains("Cost\n") && table.contains("  compute "), "{table}");
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
    assert!(text(&out.stderr).contains("is not complete JSON"), "{}", text(&out.stderr));
}

#[test]
fn missing_file_is_not_an_input_error() {
    let out = mlcost(&["estimate", "/nonexistent/scenario.json"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("cannot read"), "{}", text(&out.stderr));
}

#[test]
fn catalog_offers_filter_sort_and_csv() {
    let out = mlcost(
        &[
            "catalog",
            "offers",
            "--accelerator",
            "h100-sxm",
            "--plan",
            "spot",
            "--sort",
            "accelerator-hour",
            "--format",
            "csv",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let mut lines = csv.lines();
    assert!(
        lines.next().is_some_and(|h| h.starts_with("offer,accelerators,region,plan,$/h,$/acc-h"))
    );
    let per_gpu: Vec<f64> = lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert!(cells[1].ends_with("h100-sxm") && cells[3] == "spot", "{line}");
            cells[5].parse().expect("a number")
        })
        .collect();
    assert!(per_gpu.len() >= 5, "{csv}");
    assert!(per_gpu.windows(2).all(|w| w[0] <= w[1]), "not sorted: {per_gpu:?}");
}

#[test]
fn catalog_json_lists_accelerators_with_sources() {
    let out = mlcost(&["catalog", "accelerators", "--format", "json"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let list = list.as_array().expect("array");
    assert!(list.len() >= 25);
    assert!(list.iter().all(|a| a["source"].is_string() && a["as_of"].is_string()));
}

#[test]
fn a_price_sheet_overrides_prices_and_a_bad_one_exits_2() {
    let dir = std::env::temp_dir().join(format!("mlcost-cli-prices-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let header =
        "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,Price,SpotPrice";
    let good = dir.join("ours.csv");
    std::fs::write(&good, format!("{header}\np5.48xlarge,H100,8,192,2048,us-east-1,40,\n"))
        .expect("write");
    let scenario = r#"{"model": {"parameters": 7e9},
        "training": {"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 8,
                     "precision": "bf16", "mfu": 0.4, "goodput": 1.0,
                     "offer": "aws:p5.48xlarge", "region": "us-east-1"}}"#;
    let prices = good.to_str().expect("utf-8 path");
    let out = mlcost(&["estimate", "-", "--format", "json", "--prices", prices], scenario);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["training"]["price_per_accelerator_hour"].as_f64(), Some(5.0), "40 / 8 GPUs");

    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("{header}\np5.48xlarge,H100,8,192,2048,us-east-1,-40,\n"))
        .expect("write");
    let out = mlcost(&["catalog", "offers", "--prices", bad.to_str().expect("utf-8 path")], "");
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("prices: line 2, column 39: Price: \"-40\" is not a positive number"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_committed_schema_is_the_one_the_cli_prints() {
    let out = mlcost(&["schema"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let committed = include_str!("../../docs/scenario.schema.json");
    let committed: Value = serde_json::from_str(committed).expect("committed schema is JSON");
    assert_eq!(
        printed, committed,
        "regenerate with: cargo run -p mlcost-cli -- schema > docs/scenario.schema.json"
    );
    assert!(printed["properties"]["training"].is_object(), "{printed}");
}

#[test]
fn a_toml_scenario_reads_like_its_json() {
    let dir = std::env::temp_dir().join(format!("mlcost-cli-toml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("deepseek-v3.toml");
    std::fs::write(
        &file,
        "[model]\nparameters = 37e9\n[training]\ntokens = 14.8e12\naccelerator = \"h800-sxm\"\n\
         accelerator_count = 2048\nprecision = \"bf16\"\nmfu = 0.346\ngoodput = 1.0\n\
         price_per_accelerator_hour = 2.0\n",
    )
    .expect("write scenario");
    let from_toml =
        mlcost(&["estimate", file.to_str().expect("utf-8 path"), "--format", "json"], "");
    let from_json = mlcost(&["estimate", "-", "--format", "json"], DEEPSEEK_V3);
    assert!(from_toml.status.success(), "{}", text(&from_toml.stderr));
    assert_eq!(text(&from_toml.stdout), text(&from_json.stdout));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_serving_scenario_prints_its_replica() {
    let scenario = r#"{"model": {"preset": "llama-3.1-8b"},
        "serving": {"accelerator": "h100-sxm", "weight_precision": "fp8", "input_tokens": 128,
                    "output_tokens": 128, "slo": {"tpot_ms": 30}}}"#;
    let out = mlcost(&["estimate", "-"], scenario);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(
        table.contains("Serving (per replica)") && table.contains("max output tokens/s"),
        "{table}"
    );
    let json = mlcost(&["estimate", "-", "--format", "json"], scenario);
    let report: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert!(report["serving"]["batch_at_slo"].as_u64().is_some_and(|b| b > 1), "{report}");
}

#[test]
fn a_link_opens_the_same_estimate_and_a_damaged_one_is_refused() {
    let link = mlcost(&["link", "-", "--base", "https://wiki.example/mlcost/"], DEEPSEEK_V3);
    assert!(link.status.success(), "{}", text(&link.stderr));
    let link = text(&link.stdout).trim().to_owned();
    assert!(link.starts_with("https://wiki.example/mlcost/#s=2."), "{link}");
    let from_link = mlcost(&["estimate", &link, "--format", "json"], "");
    let from_file = mlcost(&["estimate", "-", "--format", "json"], DEEPSEEK_V3);
    assert!(from_link.status.success(), "{}", text(&from_link.stderr));
    assert_eq!(from_link.stdout, from_file.stdout);

    let damaged = &link[..link.len() - 9];
    let out = mlcost(&["estimate", damaged], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("link: the link's data"), "{}", text(&out.stderr));
}

#[test]
fn csv_output_has_every_figure_under_its_json_key() {
    let out = mlcost(&["estimate", "-", "--format", "csv"], DEEPSEEK_V3);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    assert!(csv.starts_with("key,value\n"), "{csv}");
    let json = mlcost(&["estimate", "-", "--format", "json"], DEEPSEEK_V3);
    let report: Value = serde_json::from_slice(&json.stdout).expect("stdout is JSON");
    let cost = report["training"]["compute_cost_usd"].to_string();
    assert!(csv.contains(&format!("\ntraining.compute_cost_usd,{cost}\n")), "{csv}");
    assert!(csv.contains("\ntraining.by_plan.custom.accelerator_hours,"), "{csv}");
}

#[test]
fn utilization_finds_the_idle_accelerators_in_a_monitoring_export() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/samples/nvidia-smi-8xh100-day.csv");
    let out = mlcost(&["utilization", sample, "--price", "6.88", "--format", "json"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(report["accelerators"].as_array().map(Vec::len), Some(8));
    let titles: Vec<&str> = report["recommendations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["title"].as_str())
        .collect();
    assert!(titles.iter().any(|t| t.starts_with("Consolidate")), "{titles:?}");

    let out = mlcost(&["utilization", "-", "--price", "2"], "time,gpu\n1,2\n");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(text(&out.stderr).starts_with("-: "), "{}", text(&out.stderr));
}

#[test]
fn schedule_places_a_queue_and_sizes_the_cluster() {
    let queue = r#"{"cluster": {"accelerators": 64, "price_per_accelerator_hour": 2.5},
        "on_demand_price_per_accelerator_hour": 6.88,
        "jobs": [{"name": "pretrain", "accelerators": 48, "hours": 100, "deadline_hours": 150},
                 {"name": "finetune", "accelerators": 16, "hours": 20, "deadline_hours": 40},
                 {"name": "eval", "accelerators": 8, "hours": 4}]}"#;
    let out = mlcost(&["schedule", "-", "--format", "json"], queue);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert!(report["schedule"]["makespan_hours"].as_f64().is_some_and(|h| h >= 100.0));
    assert!(report["cluster_sizing"]["best"].as_u64().is_some_and(|n| (48..=64).contains(&n)));
    let bad = queue.replace("\"hours\": 100", "\"hours\": -1");
    let out = mlcost(&["schedule", "-"], &bad);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("jobs[0].hours"), "{}", text(&out.stderr));
}

/// Issue 7's contract: `mlcost optimize FILE --format json` prints `pareto_front` and
/// `recommendations` (best first, each with its whole scenario), and `mlcost estimate` accepts
/// each recommended scenario and prices it as claimed.
#[test]
fn optimize_prints_the_front_and_recommendations_that_estimate_reproduces() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/serve-llama-3.1-70b.json");
    let out = mlcost(&["optimize", example, "--format", "json"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let advice: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let front = advice["pareto_front"].as_array().expect("pareto_front");
    assert!(!front.is_empty());
    for point in front {
        assert!(point["cost_usd"].is_number() && point["latency_ms"].is_number(), "{point}");
        assert!(point["scenario"]["serving"].is_object(), "{point}");
    }
    let recommendations = advice["recommendations"].as_array().expect("recommendations");
    assert!(!recommendations.is_empty());
    let mut previous = f64::INFINITY;
    for r in recommendations {
        for key in ["title", "tradeoff"] {
            assert!(r[key].as_str().is_some_and(|s| !s.is_empty()), "{key} in {r}");
        }
        let percent = r["saving_percent"].as_f64().expect("saving_percent");
        assert!(percent > 0.0 && percent <= previous, "best first: {r}");
        previous = percent;
        let scenario = serde_json::to_string(&r["scenario"]).expect("scenario");
        let estimated = mlcost(&["estimate", "-", "--format", "json"], &scenario);
        assert!(estimated.status.success(), "{}", text(&estimated.stderr));
        let report: Value = serde_json::from_slice(&estimated.stdout).expect("JSON");
        let cost = report["serving"]["monthly_cost_usd"].as_f64().expect("a monthly cost");
        let claimed = r["cost_usd"].as_f64().expect("cost_usd");
        assert!((cost - claimed).abs() <= 1e-6 * claimed, "{cost} vs {claimed}");
    }
    // CSV: one row per recommendation under a header.
    let csv = mlcost(&["optimize", example, "--format", "csv"], "");
    assert!(csv.status.success());
    let csv = text(&csv.stdout);
    assert!(csv.starts_with("id,section,per,title,saving_usd,saving_percent,cost_usd,tradeoff"));
    assert_eq!(csv.lines().count(), recommendations.len() + 1);
}

#[test]
fn optimize_settings_errors_exit_2_naming_the_field() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/serve-llama-3.1-70b.json");
    let out = mlcost(&["optimize", example, "--distillation-tokens=-5"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("optimize.distillation_tokens"), "{}", text(&out.stderr));
}

/// Issue 14's classes, each as the CLI meets it: every input error exits 2 naming its field, and
/// nothing panics, wraps or prints a figure that is not a number.
#[test]
fn hostile_input_exits_2_naming_the_field_never_a_panic() {
    let input_error = |args: &[&str], stdin: &[u8], field: &str| {
        let out = mlcost_bytes(args, stdin);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{field}: {stderr}");
        assert!(stderr.starts_with(field), "expected {field}: {stderr}");
        assert!(stderr.len() < 2_000, "the message echoes the input: {} bytes", stderr.len());
    };
    // Not UTF-8: the input's fault, not the environment's.
    input_error(&["estimate", "-"], b"{\"model\": \"\xff\xfe\"}", "-: is not UTF-8");
    // A word's field given a number; a number beyond f64; a degree product past 32 bits.
    let scenario = |training: &str| {
        format!(
            r#"{{"model": {{"preset": "llama-3.1-8b"}}, "training": {{"tokens": 1e12,
                "accelerator": "h100-sxm", "accelerator_count": 8, "price_per_accelerator_hour": 2,
                {training}}}}}"#
        )
    };
    input_error(
        &["estimate", "-"],
        scenario(r#""precision": 5"#).as_bytes(),
        "training.precision: must be one of",
    );
    let huge = scenario(r#""precision": "bf16", "tokens": 1e999"#).replace("\"tokens\": 1e12,", "");
    input_error(&["estimate", "-"], huge.as_bytes(), "training.tokens");
    input_error(
        &["estimate", "-"],
        scenario(r#""precision": "bf16", "pue": 1e300"#).as_bytes(),
        "training.pue",
    );
    let serving = r#"{"model": {"preset": "llama-3.1-8b"}, "serving": {"accelerator": "h100-sxm",
        "input_tokens": 100, "output_tokens": 100, "requests_per_second": 1,
        "parallelism": {"tensor": 65536, "pipeline": 65536}}}"#;
    input_error(&["estimate", "-"], serving.as_bytes(), "serving.parallelism.pipeline");
    // A megabyte of unknown accelerator is named, not echoed.
    let long = scenario(r#""precision": "bf16""#).replace("h100-sxm", &"x".repeat(1_000_000));
    input_error(&["estimate", "-"], long.as_bytes(), "training.accelerator");
    // A byte-order mark is not part of the JSON.
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend(scenario(r#""precision": "bf16""#).as_bytes());
    assert!(mlcost_bytes(&["estimate", "-"], &bom).status.success());
}

#[test]
fn a_table_cell_of_any_length_and_a_formula_in_a_csv_cell_are_harmless() {
    let name = "j".repeat(70_000);
    let queue = format!(
        r#"{{"cluster": {{"accelerators": 8, "price_per_accelerator_hour": 2.5}},
            "on_demand_price_per_accelerator_hour": 6.88,
            "jobs": [{{"name": "{name}", "accelerators": 8, "hours": 1}}]}}"#
    );
    let out = mlcost(&["schedule", "-"], &queue);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).lines().all(|l| l.chars().count() < 400), "a cell is cut");
    // A model name from a pasted config that a spreadsheet would run as a formula.
    let config = r#"{"_name_or_path": "=HYPERLINK(\"http://x\")", "architectures": ["LlamaForCausalLM"],
        "hidden_act": "silu", "hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32,
        "num_hidden_layers": 32, "num_key_value_heads": 8, "vocab_size": 128256}"#;
    let scenario = format!(
        r#"{{"model": {{"hf_config": {config}, "sequence_length": 8192}}, "training": {{"tokens": 1e12,
            "accelerator": "h100-sxm", "accelerator_count": 8, "precision": "bf16",
            "price_per_accelerator_hour": 2}}}}"#
    );
    let out = mlcost(&["estimate", "-", "--format", "csv"], &scenario);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let csv = text(&out.stdout);
    let model = csv.lines().find(|l| l.starts_with("training.model,")).expect("the model's row");
    assert!(model.starts_with("training.model,\"'=HYPERLINK"), "{model}");
}

/// `mlcost validate` prints every case and the scores per group, as a table, JSON or CSV.
#[test]
fn validate_prints_the_cases_and_their_scores() {
    let out = mlcost(&["validate"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    for heading in ["published", "estimate", "error", "median |error|", "range holds"] {
        assert!(table.contains(heading), "{heading} missing");
    }
    assert!(table.contains("LLaMA-1 65B") && table.contains("serving, decode-heavy"));

    let out = mlcost(&["validate", "--format", "json"], "");
    let v: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let cases = v["cases"].as_array().expect("cases");
    assert!(cases.iter().all(|c| c["source"].is_string() && c["error"].is_number()));
    assert!(v["scores"].as_array().is_some_and(|s| s.iter().any(|s| s["group"] == "training")));

    let out = mlcost(&["validate", "--format", "csv"], "");
    let csv = text(&out.stdout);
    assert_eq!(csv.lines().count(), cases.len() + 1, "a header and a row per case");
}

/// `mlcost diff` for a pull request: a hand-made pair (the 70B example at 2.5M requests a day
/// instead of 2M) as markdown, the month's cost among the headline rows with its rise; over a 10%
/// budget it exits 3 with the diff on stdout and why on stderr; within a $50,000 one it passes.
#[test]
fn diff_prints_a_pull_request_comment_and_holds_a_budget() {
    let dir = std::env::temp_dir().join(format!("mlcost-cli-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let before = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/serve-llama-3.1-70b.json");
    let text_before = std::fs::read_to_string(before).expect("the example");
    let after = dir.join("after.json");
    let changed =
        text_before.replace(r#""daily_requests": 2000000"#, r#""daily_requests": 2500000"#);
    assert_ne!(changed, text_before, "the example states its daily requests");
    std::fs::write(&after, changed).expect("write");
    let after = after.to_str().expect("a path");

    let out = mlcost(&["diff", before, after, "--format", "markdown", "--fail-above", "10%"], "");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let comment = text(&out.stdout);
    assert!(comment.starts_with("### mlcost:"), "{comment}");
    assert!(
        comment.contains("| serving a month (USD) | 91,186 | 111,537 | +20,351 (+22.3%) |"),
        "{comment}"
    );
    assert!(comment.contains("other figures changed</summary>"), "{comment}");
    assert!(text(&out.stderr).contains("serving a month (USD) rose by"), "{}", text(&out.stderr));

    let within = mlcost(&["diff", before, after, "--fail-above", "$50,000"], "");
    assert!(within.status.success(), "{}", text(&within.stderr));
    let same = mlcost(&["diff", before, before, "--format", "json"], "");
    let parsed: Value = serde_json::from_slice(&same.stdout).expect("JSON");
    assert_eq!(parsed["sections"], serde_json::json!([]));
    let bad = mlcost(&["diff", before, after, "--fail-above", "lots"], "");
    assert_eq!(bad.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(dir);
}

/// `--format markdown` for `estimate` and `optimize`: the headline figures in a table per
/// section, the recommendations numbered, ready for a pull request or a wiki.
#[test]
fn estimate_and_optimize_print_markdown() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/serve-llama-3.1-70b.json");
    let out = mlcost(&["estimate", example, "--format", "markdown"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.starts_with("### mlcost estimate"), "{page}");
    assert!(page.contains("| serving a month (USD) | 91,186 |"), "{page}");
    let out = mlcost(&["optimize", example, "--format", "markdown"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.contains("| # | recommendation | saves | trade-off |"), "{page}");
    assert!(page.contains("\n| 1 | "), "{page}");
    // Where markdown means nothing, said so.
    let owned = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/own-or-rent-h100.json");
    let out = mlcost(&["own", owned, "--format", "markdown"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr).trim(), "own prints table, json or csv");
}

/// The engine's crate carries the price data it embeds: `cargo package --list` names every file
/// of `pricing-data/` (the full package, built offline, is a step of `cargo xtask test`).
#[test]
fn the_engine_crate_packages_its_price_data() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["package", "-p", "mlcost", "--list", "--allow-dirty", "--offline"])
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listed = text(&out.stdout);
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../pricing-data");
    for entry in std::fs::read_dir(data).expect("pricing-data") {
        let name = entry.expect("an entry").file_name().to_string_lossy().into_owned();
        assert!(listed.contains(&format!("pricing-data/{name}")), "{name} is not packaged");
    }
}

/// The README's Rust example runs and prints what the README shows.
#[test]
fn the_readmes_rust_example_prints_what_it_shows() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the README");
    let command = "$ cargo run -q -p mlcost --example price_sheet\n";
    let (_, after) = readme.split_once(command).expect("the README shows the example");
    let shown: Vec<&str> = after.lines().take_while(|line| !line.starts_with("```")).collect();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["run", "-q", "-p", "mlcost", "--example", "price_sheet"])
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed = text(&out.stdout);
    assert_eq!(printed.lines().collect::<Vec<_>>(), shown);
}
