//! Hostile input, generated: every reader (scenario JSON and TOML, links, price sheets in JSON and
//! CSV, monitoring files, schedules) and the engine on what they accept, fed inputs mutated from
//! valid ones by a seeded generator. Each case must end in a result whose numbers are all finite or
//! in an error that names a field (or, for text that is not JSON at all, says where it breaks), with
//! a message that does not echo the input back. A panic fails the test with the input that caused it.
//!
//! A quick run (a few hundred cases per reader) is part of `cargo xtask test`, natively and on
//! wasm32 in Chromium; `cargo xtask fuzz --cases N` runs N per reader in release mode, printing what
//! each reader met. Why a generator of our own and not proptest? The cases must run on wasm32 too,
//! and what is generated (JSON mutations at the level of tokens, such as `1e999`, which no JSON
//! value holds) is simpler to write than to teach a strategy library.

use mlcost::catalogue::sheet::{PriceSheet, offers_to_csv};
use mlcost::schedule::ScheduleInput;
use mlcost::units::UsdPerHour;
use mlcost::{PriceBook, Scenario};
use serde_json::Value;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Cases per reader: `MLCOST_FUZZ_CASES` (set by `cargo xtask fuzz`), else a quick run.
fn cases() -> u64 {
    std::env::var("MLCOST_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
}

/// SplitMix64: small, fast, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values the generator puts anywhere, as JSON text: numbers at and past every edge, every kind of
/// value where another is expected, and text a spreadsheet or a terminal would act on.
fn tokens() -> Vec<String> {
    let mut tokens: Vec<String> = [
        "0",
        "-1",
        "1",
        "0.5",
        "-0",
        "1.5",
        "2",
        "8",
        "65536",
        "4294967295",
        "4294967296",
        "18446744073709551616",
        "9007199254740993",
        "1e15",
        "1e16",
        "1e17",
        "1e300",
        "1e308",
        "-1e308",
        "1e999",
        "-1e999",
        "5e-324",
        "1e-300",
        "null",
        "true",
        "false",
        "[]",
        "{}",
        "[1]",
        "\"\"",
        "\"h100-sxm\"",
        "\"bf16\"",
        "\"fp8\"",
        "\"llama-3.1-8b\"",
        "\"=cmd|' /C calc'!A0\"",
        "\"@SUM(1)\"",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"💥\"",
        "{\"a\": 1}",
    ]
    .iter()
    .map(|t| (*t).to_owned())
    .collect();
    tokens.push(format!("\"{}\"", "x".repeat(70_000)));
    tokens.push(format!("{}1{}", "[".repeat(300), "]".repeat(300)));
    tokens
}

/// Paths to every value in `value` (object keys and array indices).
fn paths(value: &Value, at: &mut Vec<Vec<Step>>, prefix: &mut Vec<Step>) {
    at.push(prefix.clone());
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                prefix.push(Step::Key(key.clone()));
                paths(item, at, prefix);
                prefix.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                prefix.push(Step::Index(i));
                paths(item, at, prefix);
                prefix.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn at_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |value, step| match step {
        Step::Key(key) => value.get_mut(key.as_str()),
        Step::Index(i) => value.get_mut(*i),
    })
}

/// Where a raw token goes: a string no generated input holds otherwise.
const MARK: &str = "\u{1}mark\u{1}";

/// `seed` with one to three mutations, as JSON text: a value replaced by a token, a key removed or
/// added; then, now and again, the text cut short or given a byte-order mark.
fn mutated_json(seed: &Value, rng: &mut Rng, tokens: &[String]) -> String {
    let mut value = seed.clone();
    let mut raw = Vec::new();
    for _ in 0..=rng.below(3) {
        let mut all = Vec::new();
        paths(&value, &mut all, &mut Vec::new());
        let path = rng.pick(&all).clone();
        match rng.below(10) {
            0 => {
                if let (Some(Step::Key(key)), Some(parent)) =
                    (path.last(), at_mut(&mut value, &path[..path.len().saturating_sub(1)]))
                    && let Some(map) = parent.as_object_mut()
                {
                    map.remove(key);
                }
            }
            1 => {
                if let Some(Value::Object(map)) = at_mut(&mut value, &path) {
                    map.insert("unexpected_field".into(), Value::Bool(true));
                }
            }
            _ => {
                if let Some(slot) = at_mut(&mut value, &path) {
                    *slot = Value::String(format!("{MARK}{}", raw.len()));
                    raw.push(rng.pick(tokens).clone());
                }
            }
        }
    }
    let mut text = value.to_string();
    for (i, token) in raw.iter().enumerate() {
        let marked = Value::String(format!("{MARK}{i}")).to_string();
        text = text.replacen(&marked, token, 1);
    }
    match rng.below(20) {
        0 => cut(&text, rng),
        1 => format!("\u{feff}{text}"),
        _ => text,
    }
}

/// `text` cut at a random character.
fn cut(text: &str, rng: &mut Rng) -> String {
    let at = rng.below(text.len() + 1);
    let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    text[..at].to_owned()
}

/// What one reader met over a run.
#[derive(Debug, Default)]
struct Tally {
    accepted: u64,
    refused: u64,
}

/// An error message as a user meets it: it names a field (or a place in the text), and does not
/// echo a long value back.
fn assert_named(message: &str, field: &str, input: &str) {
    assert!(
        !field.is_empty() || message.contains("line"),
        "an error names no field: {message}\ninput: {}",
        clip(input)
    );
    assert!(message.len() < 4_000, "a message of {} bytes echoes its input", message.len());
}

fn clip(text: &str) -> String {
    text.chars().take(600).collect()
}

/// Runs `check` on `cases()` inputs from `generate`, each under `catch_unwind` natively so a panic
/// names its input; returns what was accepted and refused.
fn run(
    name: &str,
    seed: u64,
    mut generate: impl FnMut(&mut Rng) -> String,
    check: impl Fn(&str) -> bool,
) {
    let mut rng = Rng(seed);
    let mut tally = Tally::default();
    for _ in 0..cases() {
        let input = generate(&mut rng);
        #[cfg(not(target_arch = "wasm32"))]
        let accepted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&input)))
            .unwrap_or_else(|_| panic!("{name} panicked on: {}", clip(&input)));
        #[cfg(target_arch = "wasm32")]
        let accepted = check(&input);
        if accepted {
            tally.accepted += 1;
        } else {
            tally.refused += 1;
        }
    }
    println!(
        "fuzz {name}: {} cases, {} accepted, {} refused",
        cases(),
        tally.accepted,
        tally.refused
    );
}

fn examples() -> Vec<Value> {
    [
        include_str!("../../../../examples/fine-tune-and-serve-llama-3.1-8b.json"),
        include_str!("../../../../examples/serve-llama-3.1-70b.json"),
        include_str!("../../../../examples/serve-llama-3.1-8b-chat.json"),
        include_str!("../../../../examples/serve-llama-3.3-70b-fp8.json"),
        include_str!("../../../../examples/train-llama-3.1-70b.json"),
        include_str!("../../../../examples/train-llama-3.1-8b.json"),
    ]
    .iter()
    .map(|text| serde_json::from_str(text).expect("an example is JSON"))
    .collect()
}

/// What a reader (and whatever ran on what it accepted) made of one input: accepted, with no
/// figure that is not a number, or refused with an error that names a field. Returns whether it
/// was accepted.
fn judged<T: serde::Serialize>(result: Result<T, mlcost::Error>, input: &str) -> bool {
    match result {
        Ok(output) => {
            let json = serde_json::to_value(&output).expect("a result serialises");
            assert!(!has_null(&json), "a figure is not a number for: {}", clip(input));
            true
        }
        Err(e) => {
            assert_named(&e.to_string(), &e.field, input);
            false
        }
    }
}

/// serde_json writes NaN and infinity as null, and no result of the engine writes a null of its
/// own (absent figures are left out): a null is a figure that is not a number.
fn has_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().any(has_null),
        Value::Object(map) => map.values().any(has_null),
        _ => false,
    }
}

#[test]
fn scenario_json_never_panics_and_names_its_field() {
    let (seeds, tokens, book) = (examples(), tokens(), PriceBook::bundled().unwrap());
    run(
        "scenario JSON",
        1,
        |rng| {
            let seed = rng.pick(&seeds).clone();
            mutated_json(&seed, rng, &tokens)
        },
        |input| {
            judged(Scenario::from_json(input).and_then(|s| mlcost::estimate_with(&s, book)), input)
        },
    );
}

#[cfg(feature = "toml")]
#[test]
fn scenario_toml_never_panics_and_names_its_field() {
    let (seeds, tokens, book) = (examples(), tokens(), PriceBook::bundled().unwrap());
    run(
        "scenario TOML",
        2,
        |rng| {
            let seed = rng.pick(&seeds).clone();
            let json = mutated_json(&seed, rng, &tokens);
            // JSON that TOML can hold, written as TOML; anything else as it is (TOML's own errors).
            serde_json::from_str::<Value>(&json).ok().and_then(|v| toml_text(&v)).unwrap_or(json)
        },
        |input| {
            judged(Scenario::from_toml(input).and_then(|s| mlcost::estimate_with(&s, book)), input)
        },
    );
}

#[cfg(feature = "toml")]
fn toml_text(value: &Value) -> Option<String> {
    let table: std::collections::BTreeMap<String, Value> =
        serde_json::from_value(value.clone()).ok()?;
    // TOML has no null: a JSON null cannot be written, and is dropped by the writer's error.
    toml_writer(&table)
}

#[cfg(feature = "toml")]
fn toml_writer(table: &std::collections::BTreeMap<String, Value>) -> Option<String> {
    fn inline(value: &Value) -> Option<String> {
        Some(match value {
            Value::Null => return None,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => Value::String(s.clone()).to_string(),
            Value::Array(items) => {
                format!("[{}]", items.iter().map(inline).collect::<Option<Vec<_>>>()?.join(", "))
            }
            Value::Object(map) => format!(
                "{{{}}}",
                map.iter()
                    .map(|(k, v)| Some(format!("{} = {}", Value::String(k.clone()), inline(v)?)))
                    .collect::<Option<Vec<_>>>()?
                    .join(", ")
            ),
        })
    }
    let mut out = String::new();
    for (key, value) in table {
        out.push_str(&format!("{} = {}\n", Value::String(key.clone()), inline(value)?));
    }
    Some(out)
}

#[test]
fn links_never_panic_and_name_their_field() {
    let (seeds, tokens, book) = (examples(), tokens(), PriceBook::bundled().unwrap());
    let links: Vec<String> = seeds
        .iter()
        .map(|v| mlcost::scenario::share::encode(&Scenario::from_json(&v.to_string()).unwrap()))
        .collect();
    run(
        "links",
        3,
        |rng| match rng.below(3) {
            // A valid scenario mutated, then linked: the link's reader meets what JSON's does.
            0 => {
                let json = mutated_json(rng.pick(&seeds), rng, &tokens);
                match Scenario::from_json(&json) {
                    Ok(s) => mlcost::scenario::share::encode(&s),
                    Err(_) => rng.pick(&links).clone(),
                }
            }
            // A link damaged: cut, a character changed, a version changed.
            1 => {
                let link = rng.pick(&links).clone();
                cut(&link, rng)
            }
            _ => {
                let mut link: Vec<char> = rng.pick(&links).chars().collect();
                let at = rng.below(link.len());
                link[at] = *rng.pick(&['A', '_', '-', '.', '=', '%', '2', 'z', 'é']);
                link.into_iter().collect()
            }
        },
        |input| match mlcost::scenario::share::decode(input) {
            Ok(scenario) => judged(mlcost::estimate_with(&scenario, book), input),
            Err(e) => {
                let message = e.to_string();
                assert!(message.len() < 4_000, "a link error echoes its input");
                false
            }
        },
    );
}

/// A price sheet of a few bundled offers, as JSON.
fn sheet_seed(book: &PriceBook) -> Value {
    let offers: Vec<Value> =
        book.offers.iter().step_by(37).take(6).map(|o| serde_json::to_value(o).unwrap()).collect();
    serde_json::json!({ "offers": offers })
}

#[test]
fn price_sheets_in_json_never_panic_and_price_what_they_accept() {
    let (tokens, book) = (tokens(), PriceBook::bundled().unwrap());
    let seed = sheet_seed(book);
    let scenario = Scenario::from_json(&examples()[0].to_string()).unwrap();
    run(
        "price sheet JSON",
        4,
        |rng| mutated_json(&seed, rng, &tokens),
        // What a sheet lets in, an estimate must survive (right-sizing walks every offer).
        |input| {
            let sheet = PriceSheet::from_json(input, book);
            judged(
                sheet.and_then(|s| mlcost::estimate_with(&scenario, &book.with_sheet(&s))),
                input,
            )
        },
    );
}

#[test]
fn price_sheets_in_csv_never_panic_and_price_what_they_accept() {
    let book = PriceBook::bundled().unwrap();
    let offers: Vec<_> = book.offers.iter().step_by(37).take(6).cloned().collect();
    let seed = offers_to_csv(&offers);
    let cells = [
        "",
        "0",
        "-1",
        "1e999",
        "4294967296",
        "1048577",
        "8",
        "H100",
        "h100-sxm",
        "nonsense",
        "\"",
        "\"a,b\"",
        "=cmd",
        "2,50",
        "1e308",
        "NaN",
        "inf",
        "1e6",
    ];
    let scenario = Scenario::from_json(&examples()[0].to_string()).unwrap();
    run(
        "price sheet CSV",
        5,
        |rng| {
            let mut lines: Vec<Vec<String>> =
                seed.lines().map(|l| l.split(',').map(str::to_owned).collect()).collect();
            for _ in 0..=rng.below(3) {
                let row = rng.below(lines.len());
                let column = rng.below(lines[row].len().max(1));
                let cell = rng.pick(&cells).to_string();
                if let Some(slot) = lines[row].get_mut(column) {
                    *slot = cell;
                }
            }
            if rng.below(10) == 0 {
                // The same row twice: a region priced twice.
                let row = 1 + rng.below(lines.len().saturating_sub(1).max(1));
                if let Some(line) = lines.get(row).cloned() {
                    lines.push(line);
                }
            }
            let text = lines.iter().map(|l| l.join(",")).collect::<Vec<_>>().join("\n");
            if rng.below(15) == 0 { cut(&text, rng) } else { text }
        },
        |input| {
            let sheet = PriceSheet::from_csv(input, book, "a fuzz case", "2026-12-06");
            judged(
                sheet.and_then(|s| mlcost::estimate_with(&scenario, &book.with_sheet(&s))),
                input,
            )
        },
    );
}

#[test]
fn monitoring_files_never_panic_and_name_their_line() {
    let seeds = [
        include_str!("../../../../docs/samples/nvidia-smi-8xh100-day.csv"),
        include_str!("../../../../docs/samples/dcgm-4xa100-week.csv"),
    ];
    let cells =
        ["", "0", "-1", "101", "1e999", "NaN", "x", "2026-13-45 25:61:61", "\"", "=cmd", "100 %"];
    run(
        "monitoring CSV",
        6,
        |rng| {
            // A slice of a sample, a few cells replaced.
            let seed = rng.pick(&seeds);
            let lines: Vec<&str> = seed.lines().collect();
            let take = 2 + rng.below(60);
            let mut rows: Vec<Vec<String>> = lines
                .iter()
                .take(take)
                .map(|l| l.split(',').map(str::to_owned).collect())
                .collect();
            for _ in 0..=rng.below(3) {
                let row = rng.below(rows.len());
                let column = rng.below(rows[row].len().max(1));
                let cell = rng.pick(&cells).to_string();
                if let Some(slot) = rows[row].get_mut(column) {
                    *slot = cell;
                }
            }
            rows.iter().map(|r| r.join(",")).collect::<Vec<_>>().join("\n")
        },
        |input| {
            let settings = mlcost::utilization::Settings::new(UsdPerHour::new(2.5));
            let report = mlcost::utilization::import(input)
                .and_then(|monitoring| mlcost::utilization::analyze(&monitoring, &settings));
            judged(report, input)
        },
    );
}

#[test]
fn schedules_never_panic_and_name_their_field() {
    let seed: Value = serde_json::from_str(
        r#"{"cluster": {"accelerators": 64, "price_per_accelerator_hour": 2.5},
            "on_demand_price_per_accelerator_hour": 6.88, "spot_price_per_accelerator_hour": 2.0,
            "jobs": [{"name": "pretrain", "accelerators": 48, "hours": 100, "deadline_hours": 150},
                     {"name": "finetune", "accelerators": 16, "hours": 20, "deadline_hours": 40,
                      "earliest_start_hours": 5, "priority": 2},
                     {"name": "eval", "accelerators": 8, "hours": 4}]}"#,
    )
    .unwrap();
    let tokens = tokens();
    run(
        "schedule",
        7,
        |rng| mutated_json(&seed, rng, &tokens),
        |input| {
            judged(
                ScheduleInput::from_json(input).and_then(|q| mlcost::schedule::schedule(&q)),
                input,
            )
        },
    );
}

/// A number spread over decades: 10^x for x uniform in [low, high].
fn decades(rng: &mut Rng, low: f64, high: f64) -> f64 {
    let x = low + (high - low) * (rng.below(1_000_001) as f64 / 1_000_000.0);
    10f64.powf(x)
}

/// The engine on scenarios its readers accept: every preset, accelerator and precision, counts and
/// magnitudes across their whole allowed ranges (up to each ceiling), training and serving.
#[test]
fn the_engine_on_valid_extreme_scenarios_is_finite_or_names_a_field() {
    let book = PriceBook::bundled().unwrap();
    let presets: Vec<String> =
        mlcost::catalogue::presets::presets().unwrap().iter().map(|p| p.id.clone()).collect();
    let accelerators: Vec<String> = book.accelerators.iter().map(|a| a.id.clone()).collect();
    let precisions = ["bf16", "fp16", "fp8", "fp32"];
    run(
        "valid scenarios",
        8,
        |rng| {
            let preset = rng.pick(&presets).clone();
            let accelerator = rng.pick(&accelerators).clone();
            let precision = *rng.pick(&precisions);
            let count = 1u32 << rng.below(21);
            let training = serde_json::json!({
                "tokens": decades(rng, 0.0, 16.0).round().max(1.0),
                "accelerator": accelerator,
                "accelerator_count": count,
                "precision": precision,
                "price_per_accelerator_hour": decades(rng, -4.0, 3.0),
                "pue": 1.0 + 3.0 * (rng.below(1001) as f64 / 1000.0),
                "activation_checkpointing": rng.below(2) == 0,
                "selective_recomputation": rng.below(2) == 0,
                "micro_batch": 1 + rng.below(64),
                "reliability": {
                    "mtbf_hours_per_node": decades(rng, -2.0, 5.9),
                    "restart_minutes": decades(rng, -3.0, 5.7),
                    "checkpoint_write_gbps": decades(rng, -3.0, 4.0),
                },
            });
            let serving = serde_json::json!({
                "accelerator": rng.pick(&accelerators).clone(),
                "weight_precision": *rng.pick(&["bf16", "fp8", "int8", "int4"]),
                "parallelism": {"tensor": 1u32 << rng.below(7), "pipeline": 1u32 << rng.below(3)},
                "input_tokens": decades(rng, 0.0, 8.0).round().max(1.0),
                "output_tokens": decades(rng, 0.0, 8.0).round().max(1.0),
                "daily_requests": decades(rng, 0.0, 12.9),
                "price_per_accelerator_hour": decades(rng, -4.0, 3.0),
                "slo": {"ttft_ms": decades(rng, -1.0, 6.0), "tpot_ms": decades(rng, -1.0, 4.0)},
            });
            let mut scenario = serde_json::json!({"model": {"preset": preset}});
            match rng.below(3) {
                0 => scenario["training"] = training,
                1 => scenario["serving"] = serving,
                _ => {
                    scenario["training"] = training;
                    scenario["serving"] = serving;
                }
            }
            scenario.to_string()
        },
        |input| {
            judged(Scenario::from_json(input).and_then(|s| mlcost::estimate_with(&s, book)), input)
        },
    );
}

/// The request-level simulation on valid extreme traffic (any preset on any accelerator, lengths
/// over decades and spread out, rates from a trickle to an overload, bursty or smooth): it ends,
/// every request it admitted finishes or is refused, and every figure is finite. Why a tenth of
/// the cases? Each is a whole simulated run, not a parse.
#[test]
fn the_request_simulation_ends_and_accounts_for_every_request() {
    let book = PriceBook::bundled().unwrap();
    let presets: Vec<String> = mlcost::catalogue::presets::presets()
        .unwrap()
        .iter()
        .filter(|p| p.hidden_size.is_some())
        .map(|p| p.id.clone())
        .collect();
    let accelerators: Vec<String> = book.accelerators.iter().map(|a| a.id.clone()).collect();
    let mut rng = Rng(9);
    let (mut simulated, mut refused_sections) = (0, 0);
    for _ in 0..(cases() / 10).max(3) {
        let scenario = serde_json::json!({
            "model": {"preset": rng.pick(&presets).clone()},
            "serving": {
                "accelerator": rng.pick(&accelerators).clone(),
                "weight_precision": *rng.pick(&["bf16", "fp8", "int4"]),
                "input_tokens": decades(&mut rng, 0.0, 5.3).round().max(1.0),
                "output_tokens": decades(&mut rng, 0.0, 3.5).round().max(1.0),
                "daily_requests": 100000,
                "price_per_accelerator_hour": 2.0,
            },
        });
        let traffic = mlcost::serving::Traffic {
            seed: rng.next(),
            rate: decades(&mut rng, -2.0, 1.5),
            seconds: decades(&mut rng, 1.0, 2.5),
            burstiness: decades(&mut rng, -1.0, 1.0),
            input_spread: 2.0 * rng.below(1001) as f64 / 1000.0,
            output_spread: 2.0 * rng.below(1001) as f64 / 1000.0,
        };
        let input = format!("{scenario} {traffic:?}");
        let scenario = Scenario::from_json(&scenario.to_string()).unwrap();
        let serving = scenario.serving.as_ref().unwrap();
        let Ok(model) = scenario.model.resolve() else { continue };
        let resolved =
            mlcost::scenario::resolve::serving::resolve_serving(model, serving, book, None);
        // A section the engine refuses (the model does not fit, no peak in that format) is
        // named by the readers' tests; here only runs that start count.
        let Ok(simulation) =
            resolved.and_then(|run| mlcost::serving::simulate_replica(&run, &traffic))
        else {
            refused_sections += 1;
            continue;
        };
        simulated += 1;
        assert_eq!(
            simulation.requests_completed + simulation.requests_refused,
            simulation.requests_arrived,
            "a request neither finished nor was refused: {}",
            clip(&input)
        );
        let json = serde_json::to_value(&simulation).unwrap();
        assert!(!has_null(&json), "a figure that is not a number: {}", clip(&input));
    }
    println!("fuzz simulation: {simulated} runs, {refused_sections} sections refused");
    assert!(simulated > 0, "no case ran a simulation");
}
