//! The bundled price book: coverage the catalogue promises, integrity of every record, and user
//! price sheets (CSV and JSON) merged over it or rejected with the line and column.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::collections::BTreeSet;

use mlcost::catalogue::quotes::QuoteFilter;
use mlcost::catalogue::sheet::{PriceSheet, offers_to_csv};
use mlcost::{Plan, PriceBook, Problem, Scenario, estimate_with};

fn book() -> &'static PriceBook {
    PriceBook::bundled().unwrap()
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[test]
fn every_promised_accelerator_is_there() {
    let ids: BTreeSet<&str> = book().accelerators.iter().map(|a| a.id.as_str()).collect();
    for id in [
        "a100-sxm-40gb",
        "a100-sxm-80gb",
        "a100-pcie-80gb",
        "h100-sxm",
        "h100-pcie",
        "h100-nvl",
        "h800-sxm",
        "h200-sxm",
        "b200",
        "gh200",
        "l4",
        "l40s",
        "a10g",
        "a10",
        "t4",
        "v100-16gb",
        "v100-32gb",
        "rtx-4090",
        "mi250x",
        "mi300x",
        "gaudi2",
        "tpu-v5e",
        "tpu-v5p",
        "trainium1",
        "inferentia2",
    ] {
        assert!(ids.contains(id), "accelerator {id} missing");
    }
    assert_eq!(ids.len(), book().accelerators.len(), "accelerator ids are unique");
}

#[test]
fn accelerators_are_plausible_and_dense_never_exceeds_sparse() {
    for a in &book().accelerators {
        assert!(!a.source.trim().is_empty() && is_iso_date(&a.as_of), "{}: source/as_of", a.id);
        let gb = a.memory_bytes.get() / 1e9;
        assert!((8.0..=300.0).contains(&gb), "{}: {gb} GB", a.id);
        let tbps = a.memory_bandwidth_bytes_per_second.get() / 1e12;
        assert!((0.1..=10.0).contains(&tbps), "{}: {tbps} TB/s", a.id);
        if let Some(watts) = a.board_power_watts {
            assert!((40.0..=1500.0).contains(&watts.get()), "{}: power", a.id);
        }
        let sixteen = a.dense.sixteen_bit().map_or(0.0, |f| f.get());
        assert!(
            sixteen >= 20e12,
            "{}: 16-bit dense {sixteen} looks like a non-tensor figure",
            a.id
        );
        let pairs = [
            (a.dense.tf32, a.sparse.tf32),
            (a.dense.bf16, a.sparse.bf16),
            (a.dense.fp16, a.sparse.fp16),
            (a.dense.fp8, a.sparse.fp8),
            (a.dense.int8, a.sparse.int8),
            (a.dense.fp4, a.sparse.fp4),
        ];
        for (dense, sparse) in pairs {
            if let (Some(dense), Some(sparse)) = (dense, sparse) {
                assert!(dense.get() <= sparse.get(), "{}: dense above sparse", a.id);
            }
        }
    }
}

#[test]
fn offers_meet_the_promised_coverage() {
    let offers = &book().offers;
    assert!(offers.len() >= 80, "{} offers", offers.len());
    let providers: BTreeSet<&str> = offers.iter().map(|o| o.provider.as_str()).collect();
    for provider in ["aws", "gcp", "azure", "oracle"] {
        assert!(providers.contains(provider), "no {provider} offers");
    }
    let gpu_clouds = ["lambda", "coreweave", "runpod", "nebius"]
        .iter()
        .filter(|p| providers.contains(*p))
        .count();
    assert!(gpu_clouds >= 3, "only {gpu_clouds} GPU clouds: {providers:?}");
    let ids: BTreeSet<String> = offers.iter().map(|o| o.id()).collect();
    assert_eq!(ids.len(), offers.len(), "offer ids are unique");
    for id in ["aws:p5.48xlarge", "gcp:a3-highgpu-8g", "azure:standard_nd96isr_h100_v5"] {
        assert!(ids.contains(id), "{id} missing");
    }
    for plan in Plan::RENTED {
        let filter = QuoteFilter { plan: Some(plan), ..QuoteFilter::default() };
        assert!(book().quotes(&filter).len() >= 10, "few {} prices", plan.as_str());
    }
}

#[test]
fn every_offer_resolves_and_its_prices_are_ordered() {
    let book = book();
    for offer in &book.offers {
        let id = offer.id();
        assert_eq!(
            offer.provider,
            offer.provider.to_ascii_lowercase(),
            "{id}: provider is lowercase"
        );
        book.accelerator(&offer.accelerator, "offer").unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(offer.accelerator_count >= 1, "{id}: count");
        assert!(!offer.source.trim().is_empty() && is_iso_date(&offer.as_of), "{id}: source/as_of");
        assert!(!offer.regions.is_empty(), "{id}: no regions");
        for region in &offer.regions {
            let prices: Vec<f64> =
                Plan::RENTED.iter().filter_map(|p| region.price(*p)).map(|p| p.get()).collect();
            assert!(!prices.is_empty(), "{id} {}: no price", region.region);
            assert!(prices.iter().all(|p| p.is_finite() && *p > 0.0), "{id}: a price is not > 0");
            if let Some(on_demand) = region.on_demand.map(|p| p.get()) {
                for plan in [Plan::Spot, Plan::Reserved1y, Plan::Reserved3y] {
                    if let Some(price) = region.price(plan) {
                        assert!(
                            price.get() <= on_demand * 1.0001,
                            "{id} {}: {} above on-demand",
                            region.region,
                            plan.as_str()
                        );
                    }
                }
            }
            if let (Some(one), Some(three)) = (region.reserved_1y, region.reserved_3y) {
                assert!(three.get() <= one.get() * 1.0001, "{id} {}: 3y above 1y", region.region);
            }
        }
    }
}

/// Most offers say how their instances link to each other, each figure with its source: what a
/// layout across instances is priced by. The multi-GPU training instances all do.
#[test]
fn offers_say_how_their_instances_link_with_a_source() {
    let book = book();
    let linked: Vec<_> = book.offers.iter().filter(|o| o.network.is_some()).collect();
    assert!(linked.len() >= 100, "{} offers with a network figure", linked.len());
    for offer in &linked {
        let network = offer.network.as_ref().unwrap();
        let id = offer.id();
        // The fastest sold: AWS p6-b300, 6,400 Gbps of EFA.
        assert!(network.gbps > 0.0 && network.gbps <= 6_400.0, "{id}: {} Gbps", network.gbps);
        // The browser's copy keeps only the figures (the build script): the citation is native.
        #[cfg(not(target_arch = "wasm32"))]
        assert!(!network.source.trim().is_empty() && is_iso_date(&network.as_of), "{id}");
    }
    // The fabrics training runs across: AWS p5 (EFA, 3,200 Gbps), Azure ND H100 v5 (InfiniBand,
    // 3,200 Gbps), against a single-GPU box's Ethernet.
    let gbps = |id: &str| {
        book.offers.iter().find(|o| o.id() == id).and_then(|o| o.network.as_ref()).map(|n| n.gbps)
    };
    assert_eq!(gbps("aws:p5.48xlarge"), Some(3_200.0));
    assert!(gbps("aws:g5.xlarge").is_some_and(|g| g <= 25.0), "{:?}", gbps("aws:g5.xlarge"));
}

#[test]
fn storage_and_apis_cover_the_providers_people_compare() {
    let book = book();
    let providers: BTreeSet<&str> = book.storage.iter().map(|s| s.provider.as_str()).collect();
    for provider in ["aws", "gcp", "azure", "oracle"] {
        assert!(providers.contains(provider), "no {provider} storage prices");
    }
    for terms in &book.storage {
        assert!(!terms.source.trim().is_empty() && is_iso_date(&terms.as_of), "{}", terms.provider);
        let big_cloud = ["aws", "gcp", "azure", "oracle"].contains(&terms.provider.as_str());
        assert!(
            !big_cloud || !terms.egress_internet.is_empty(),
            "{}: no egress tiers",
            terms.provider
        );
        assert!(
            terms.egress_internet.iter().all(|t| t.usd_per_gb >= 0.0 && t.usd_per_gb.is_finite())
        );
    }
    assert!(book.apis.len() >= 20, "{} API models", book.apis.len());
    let api_providers: BTreeSet<&str> = book.apis.iter().map(|m| m.provider.as_str()).collect();
    for provider in ["openai", "anthropic", "google", "mistral", "deepseek"] {
        assert!(api_providers.contains(provider), "no {provider} API prices");
    }
    let presets = mlcost::catalogue::presets::presets().unwrap();
    for model in &book.apis {
        if let Some(weights) = &model.open_weights {
            assert!(presets.iter().any(|p| p.id == *weights), "{}: no preset {weights}", model.id);
        }
        assert!(model.input_per_million > 0.0 && model.output_per_million > 0.0, "{}", model.id);
        assert!(!model.source.trim().is_empty() && is_iso_date(&model.as_of), "{}", model.id);
    }
}

#[test]
fn normalised_units_follow_from_the_datasheet() {
    let quote = book()
        .quotes(&QuoteFilter { plan: Some(Plan::OnDemand), ..QuoteFilter::default() })
        .into_iter()
        .find(|q| q.offer == "aws:p5.48xlarge")
        .unwrap();
    let per_gpu = quote.usd_per_hour.get() / 8.0;
    assert!((quote.usd_per_accelerator_hour.get() - per_gpu).abs() < 1e-9);
    // The H100's memory as the driver reports it: 81,559 MiB, not the datasheet's 80 GB.
    let gb = 81_559.0 * 1_048_576.0 / 1e9;
    assert!((quote.usd_per_accelerator_memory_gb_hour - per_gpu / gb).abs() < 1e-9);
    assert!((quote.usd_per_memory_tbps_hour - per_gpu / 3.35).abs() < 1e-9);
    let pflops = quote.usd_per_dense_bf16_pflops_hour.unwrap();
    assert!((pflops - per_gpu / 0.9895).abs() < 1e-9);
}

#[test]
fn csv_export_reads_back_to_the_same_prices() {
    let book = book();
    let csv = offers_to_csv(&book.offers);
    let sheet = PriceSheet::from_csv(&csv, book, "round trip", "2026-11-29").unwrap();
    let sold = |offer: &mlcost::catalogue::pricing::Offer| {
        offer.regions.iter().any(|r| r.on_demand.is_some() || r.spot.is_some())
    };
    assert_eq!(sheet.offers.len(), book.offers.iter().filter(|o| sold(o)).count());
    for read in &sheet.offers {
        let original = book.offer(&read.id(), "test").unwrap();
        assert_eq!(read.accelerator, original.accelerator);
        assert_eq!(read.accelerator_count, original.accelerator_count);
        for region in &read.regions {
            let before = original.regions.iter().find(|r| r.region == region.region).unwrap();
            assert_eq!(region.on_demand, before.on_demand, "{} {}", read.id(), region.region);
            assert_eq!(region.spot, before.spot, "{} {}", read.id(), region.region);
        }
    }
}

const HEADER: &str =
    "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,Price,SpotPrice";

#[test]
fn a_csv_sheet_overrides_a_bundled_offer_and_adds_its_own() {
    let book = book();
    let csv = format!(
        "{HEADER}\np5.48xlarge,H100,8,192,2048,us-east-1,50.00,\nmy-box,h100-sxm,8,,,dc-1,12.5,\n"
    );
    let merged =
        book.with_sheet(&PriceSheet::from_csv(&csv, book, "our contract", "2026-11-01").unwrap());
    let p5 = merged.offer("aws:p5.48xlarge", "test").unwrap();
    let east = p5.regions.iter().find(|r| r.region == "us-east-1").unwrap();
    assert_eq!(east.on_demand.map(|p| p.get()), Some(50.0));
    let bundled = book.offer("aws:p5.48xlarge", "test").unwrap();
    let bundled_east = bundled.regions.iter().find(|r| r.region == "us-east-1").unwrap();
    assert_eq!(east.spot, bundled_east.spot, "prices the sheet leaves out stay");
    assert!(merged.offer("custom:my-box", "test").is_ok());

    let scenario = Scenario::from_json(
        r#"{"model": {"parameters": 7e9},
            "training": {"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 8,
                         "precision": "bf16", "mfu": 0.4, "goodput": 1.0,
                         "offer": "custom:my-box"}}"#,
    )
    .unwrap();
    let report = estimate_with(&scenario, &merged).unwrap().training.unwrap();
    assert!((report.price_per_accelerator_hour.get() - 12.5 / 8.0).abs() < 1e-12);
}

#[test]
fn bad_csv_sheets_name_the_line_and_column() {
    let book = book();
    let cases = [
        ("InstanceType,Price\nx,1\n", 1, 1, "missing column AcceleratorName"),
        (
            &format!("{HEADER}\nbox,h100-sxm,8,,,r,abc,\n") as &str,
            2,
            20,
            "Price: \"abc\" is not a positive number",
        ),
        (
            &format!("{HEADER}\nbox,h100-sxm,8,,,r,0,\n"),
            2,
            20,
            "Price: \"0\" is not a positive number",
        ),
        (
            &format!("{HEADER}\nbox,h9000,8,,,r,1,\n"),
            2,
            5,
            "AcceleratorName: unknown accelerator \"h9000\"",
        ),
        (
            &format!("{HEADER}\nbox,h100-sxm,eight,,,r,1,\n"),
            2,
            14,
            "AcceleratorCount: \"eight\" is not a whole number",
        ),
        (&format!("{HEADER}\n\"box,h100-sxm,8,,,r,1,\n"), 2, 1, "a quoted cell is never closed"),
        (
            &format!("{HEADER}\nbox,h100-sxm,8,,,r,,\n"),
            2,
            20,
            "Price: a row needs Price or SpotPrice",
        ),
        ("", 1, 1, "the sheet is empty"),
    ];
    for (csv, line, column, why) in cases {
        let err = PriceSheet::from_csv(csv, book, "test", "2026-11-29").unwrap_err();
        assert_eq!(err.field, "prices");
        match &err.problem {
            Problem::BadSheet { line: l, column: c, why: w } => {
                assert_eq!((*l, *c), (line, column), "{csv:?}: {err}");
                assert!(w.starts_with(why), "{csv:?}: {err}");
            }
            other => panic!("{csv:?}: {other:?}"),
        }
    }
}

#[test]
fn bad_json_sheets_are_rejected_with_a_position_or_field() {
    let book = book();
    let err = PriceSheet::from_json("{\"offers\": [ {\"provider\": 1} ]}", book).unwrap_err();
    assert!(matches!(err.problem, Problem::BadSheet { line: 1, .. }), "{err}");
    assert!(err.to_string().contains("offers[0].provider"), "{err}");
    let zero_price = r#"{"offers": [{"provider": "me", "instance_type": "box", "accelerator": "h100-sxm",
        "accelerator_count": 8, "regions": [{"region": "r", "on_demand": 0}],
        "source": "mine", "as_of": "2026-11-29"}]}"#;
    let err = PriceSheet::from_json(zero_price, book).unwrap_err();
    assert_eq!(err.field, "prices.offers[0]");
    assert!(err.to_string().contains("price must be > 0"), "{err}");
}

#[test]
fn an_offer_prices_a_training_run_in_its_cheapest_region() {
    let book = book();
    let scenario = |plan: &str, region: &str| {
        Scenario::from_json(&format!(
            r#"{{"model": {{"parameters": 7e9}},
                "training": {{"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 8,
                             "precision": "bf16", "mfu": 0.4, "goodput": 1.0,
                             "offer": "aws:p5.48xlarge", "plan": "{plan}"{region}}}}}"#
        ))
        .unwrap()
    };
    let report = estimate_with(&scenario("on-demand", ""), book).unwrap().training.unwrap();
    let used = report.offer.unwrap();
    let offer = book.offer("aws:p5.48xlarge", "test").unwrap();
    let cheapest = offer
        .regions
        .iter()
        .filter_map(|r| r.on_demand)
        .map(|p| p.get())
        .fold(f64::INFINITY, f64::min);
    assert_eq!(used.usd_per_instance_hour, mlcost::units::UsdPerHour::new(cheapest));
    assert_eq!(used.plan, Plan::OnDemand);

    let err = estimate_with(&scenario("on-demand", r#", "region": "mars-1""#), book).unwrap_err();
    assert_eq!(err.field, "training.region");
}

#[test]
fn skypilot_rows_import_as_they_are() {
    // SkyPilot writes whole vCPU counts as floats and lists CPU-only machines without an accelerator.
    let csv = format!(
        "{HEADER},GpuInfo\nm5.large,,,2.0,8.0,us-east-1,0.096,0.03,\np5.48xlarge,H100,8.0,192.0,2048.0,us-east-1,50.0,20.0,\"{{'Gpus': []}}\"\n"
    );
    let sheet = PriceSheet::from_csv(&csv, book(), "skypilot", "2026-11-29").unwrap();
    assert_eq!(sheet.offers.len(), 1, "the CPU-only row is skipped");
    assert_eq!(sheet.offers[0].id(), "aws:p5.48xlarge");
    assert_eq!(sheet.offers[0].vcpus, Some(192));
}

#[test]
fn a_sheet_row_that_contradicts_what_is_known_is_refused() {
    let book = book();
    let wrong_accelerator = format!("{HEADER}\np5.48xlarge,A100,8,192,2048,us-east-1,50,\n");
    let err = PriceSheet::from_csv(&wrong_accelerator, book, "t", "2026-11-29").unwrap_err();
    assert!(
        err.to_string()
            .contains("line 2, column 13: AcceleratorName: aws:p5.48xlarge has h100-sxm"),
        "{err}"
    );
    let twice = format!("{HEADER}\nbox,h100-sxm,8,,,r,1,\nbox,h100-sxm,8,,,r,2,\n");
    let err = PriceSheet::from_csv(&twice, book, "t", "2026-11-29").unwrap_err();
    assert!(
        err.to_string().contains("line 3, column 18: Region: custom:box in r is priced twice"),
        "{err}"
    );
}

#[test]
fn a_sheet_dates_only_the_prices_it_gives() {
    let book = book();
    let csv = format!("{HEADER}\np5.48xlarge,H100,8,192,2048,us-east-1,50,\n");
    let merged = book.with_sheet(&PriceSheet::from_csv(&csv, book, "ours", "2020-01-01").unwrap());
    let rows = merged.offer_rows(
        &QuoteFilter { provider: Some("aws".into()), ..QuoteFilter::default() },
        Plan::OnDemand,
    );
    for row in rows.iter().filter(|r| r.offer == "aws:p5.48xlarge") {
        let from_sheet = row.region == "us-east-1";
        assert_eq!(row.as_of == "2020-01-01", from_sheet, "{} {}", row.region, row.as_of);
    }
}

#[test]
fn offer_settings_without_an_offer_are_refused_and_unsold_plans_named() {
    let book = book();
    let with = |extra: &str| {
        Scenario::from_json(&format!(
            r#"{{"model": {{"parameters": 7e9}},
                "training": {{"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 8,
                             "precision": "bf16", "mfu": 0.4, "goodput": 1.0, {extra}}}}}"#
        ))
        .unwrap()
    };
    let err = estimate_with(&with(r#""price_per_accelerator_hour": 2, "plan": "spot""#), book)
        .unwrap_err();
    assert_eq!(err.field, "training.plan");
    let err = estimate_with(
        &with(r#""offer": "aws:p5.48xlarge", "price_per_accelerator_hour": 2"#),
        book,
    )
    .unwrap_err();
    assert_eq!(err.field, "training.offer");
    // RunPod sells no 3-year plan.
    let err =
        estimate_with(&with(r#""offer": "runpod:h100-sxm-1x", "plan": "3y""#), book).unwrap_err();
    assert_eq!(err.to_string(), "training.plan: runpod:h100-sxm-1x has no 3y price");
    let err = estimate_with(&with(r#""offer": "aws:p4d.24xlarge""#), book).unwrap_err();
    assert_eq!(
        err.to_string(),
        "training.accelerator: aws:p4d.24xlarge: a100-sxm-40gb accelerators, not h100-sxm"
    );
}

#[test]
fn the_apis_suggested_for_a_model_serve_its_weights_then_the_frontier() {
    let book = book();
    assert_eq!(
        book.suggested_apis(Some("llama-3.3-70b")),
        [
            "together:meta-llama/llama-3.3-70b-instruct-turbo",
            "groq:llama-3.3-70b-versatile",
            "fireworks:accounts/fireworks/models/llama-v3p3-70b-instruct",
            mlcost::catalogue::pricing::FRONTIER_API,
        ]
    );
    assert_eq!(book.suggested_apis(None), [mlcost::catalogue::pricing::FRONTIER_API]);
}

/// The model families people use today are presets, each with a source and a date; those whose
/// publishers state no training length serve as they are and ask for one to train.
#[test]
fn todays_model_families_are_presets() {
    let presets = mlcost::catalogue::presets::presets().unwrap();
    for id in [
        "llama-4-scout",
        "llama-4-maverick",
        "qwen3-8b",
        "qwen3-30b-a3b",
        "gpt-oss-120b",
        "deepseek-r1",
        "kimi-k2",
        "glm-4.5",
        "glm-4.5-air",
        "gemma-3-27b",
        "mistral-small-3.1",
        "phi-4",
        "bge-large-en-v1.5",
        "sdxl-base-1.0",
        "parakeet-ctc-1.1b",
    ] {
        let preset = presets.iter().find(|p| p.id == id).unwrap_or_else(|| panic!("{id} missing"));
        assert!(!preset.source.is_empty() && is_iso_date(&preset.as_of), "{id}");
    }
    let scenario = |preset: &str, section: &str| {
        let json = format!(r#"{{"model": {{"preset": "{preset}"}}, {section}}}"#);
        mlcost::estimate(&mlcost::Scenario::from_json(&json).unwrap())
    };
    let serving = r#""serving": {"accelerator": "h200-sxm", "parallelism": {"tensor": 8},
        "weight_precision": "fp8", "input_tokens": 1000, "output_tokens": 200,
        "requests_per_second": 1, "price_per_accelerator_hour": 3}"#;
    let training = r#""training": {"tokens": 1e9, "accelerator": "h100-sxm",
        "accelerator_count": 512, "precision": "bf16", "price_per_accelerator_hour": 2}"#;
    for unstated in
        presets.iter().filter(|p| p.hidden_size.is_some() && p.sequence_length.is_none())
    {
        assert!(scenario(&unstated.id, serving).is_ok(), "{} serves", unstated.id);
        let refused = scenario(&unstated.id, training).unwrap_err();
        assert_eq!(refused.field, "model.sequence_length", "{}", unstated.id);
    }
}

/// An image-generation preset priced per request against a published timing: SDXL at 1024×1024,
/// 30 steps, on one A100 80GB took 3.31 s in bf16 with fused attention and 2.43 s fully optimised
/// (PyTorch blog, "Accelerating Generative AI Part III: Diffusion, Fast", 3 January 2024, its
/// chart of steps). The estimate at the calibrated efficiency lies within 35% of both.
#[test]
fn an_sdxl_image_takes_about_the_published_time() {
    let json = r#"{"model": {"preset": "sdxl-base-1.0"}, "serving": {"accelerator": "a100-sxm-80gb",
        "requests_per_second": 0.1, "price_per_accelerator_hour": 2}}"#;
    let report = mlcost::estimate(&mlcost::Scenario::from_json(json).unwrap()).unwrap();
    let seconds = report.serving.unwrap().ttft_ms.get() / 1e3;
    for published in [3.31, 2.43] {
        assert!((seconds / published - 1.0).abs() < 0.35, "{seconds} s against {published} s");
    }
}

/// A speech model priced per request against its published throughput: Parakeet CTC 1.1B ran
/// 2,728.5 seconds of audio a second on an A100 SXM4 80GB in bf16, end to end (Open ASR
/// Leaderboard, huggingface/open_asr_leaderboard `scripts/data/en_shortform.csv`, 26 March 2026):
/// 91 clips of 30 s a second. The estimate, compute-bound at the efficiency calibrated on language
/// models, runs 2.2 times as many: the leaderboard's timing includes reading and featurising the
/// audio with one loader worker, which a forward pass's FLOPs leave out. Held between 0.8 and 3
/// times, so a change that made it slower than published, or faster still, is caught.
#[test]
fn a_speech_model_runs_about_its_published_throughput() {
    let json = r#"{"model": {"preset": "parakeet-ctc-1.1b"}, "serving": {"accelerator": "a100-sxm-80gb",
        "requests_per_second": 1, "price_per_accelerator_hour": 2}}"#;
    let report = mlcost::estimate(&mlcost::Scenario::from_json(json).unwrap()).unwrap();
    let clips = report.serving.unwrap().requests_per_second_per_replica_at_slo;
    let ratio = clips / (2_728.5 / 30.0);
    assert!((0.8..3.0).contains(&ratio), "{clips:.1} clips/s, {ratio:.2} times the published");
}

/// Carbon beside energy: the run's kilowatt-hours times its grid's grams a kilowatt-hour, the grid
/// the offer's region's from the table (EPA eGRID2023's SRVC subregion for us-east-1: 596.326 lb
/// CO2e/MWh, 270.5 g/kWh), the world's average where no region is known, or the scenario's own.
#[test]
fn carbon_is_the_energy_on_its_regions_grid() {
    let run = |pricing: &str| {
        let json = format!(
            r#"{{"model": {{"preset": "llama-3.1-8b"}}, "training": {{"tokens": 1e11,
                "accelerator": "h100-sxm", "accelerator_count": 8, "precision": "bf16", {pricing}}}}}"#
        );
        mlcost::estimate(&mlcost::Scenario::from_json(&json).unwrap())
    };
    let grams = |r: &mlcost::Report| {
        let t = r.training.as_ref().unwrap();
        t.carbon_kg_co2e.unwrap().get() * 1000.0 / t.energy_kwh.unwrap().get()
    };
    let listed = |r: &mlcost::Report| {
        let t = r.training.as_ref().unwrap();
        t.assumptions.iter().find(|a| a.field == "training.grams_co2e_per_kwh").map(|a| a.value)
    };
    let aws = run(r#""offer": "aws:p5.48xlarge", "region": "us-east-1""#).unwrap();
    // The table keeps a tenth of a gram.
    assert!((grams(&aws) - 596.326 * 0.453_592_37).abs() < 0.05, "{}", grams(&aws));
    assert_eq!(listed(&aws), Some(270.5));
    let typed = run(r#""price_per_accelerator_hour": 2"#).unwrap();
    assert!((grams(&typed) - mlcost::catalogue::carbon::WORLD_AVERAGE.value).abs() < 1e-9);
    let given = run(r#""price_per_accelerator_hour": 2, "grams_co2e_per_kwh": 35"#).unwrap();
    assert!((grams(&given) - 35.0).abs() < 1e-9);
    assert_eq!(listed(&given), None, "a given figure is not a default");
    for bad in ["-1", "5000"] {
        let field =
            run(&format!(r#""price_per_accelerator_hour": 2, "grams_co2e_per_kwh": {bad}"#))
                .unwrap_err()
                .field;
        assert_eq!(field, "training.grams_co2e_per_kwh");
    }
    // Every region an offer is sold in has its grid in the table, or is the world's average.
    let book = book();
    for offer in &book.offers {
        for region in &offer.regions {
            assert!(
                mlcost::catalogue::carbon::grid(&offer.provider, &region.region).is_some(),
                "{} {} has no grid",
                offer.provider,
                region.region
            );
        }
    }
    // Serving: a month of the day's accelerator-hours at board power times PUE, on its grid.
    let json = r#"{"model": {"preset": "llama-3.1-8b"}, "serving": {"accelerator": "h100-sxm",
        "input_tokens": 1000, "output_tokens": 200, "requests_per_second": 20,
        "offer": "gcp:a3-highgpu-8g", "region": "europe-west4", "pue": 1.2}}"#;
    let s = mlcost::estimate(&mlcost::Scenario::from_json(json).unwrap()).unwrap().serving.unwrap();
    let hours = s.replica_hours_per_day.unwrap().get() * f64::from(s.accelerators_per_replica);
    let kwh = hours * 0.7 * 1.2 * 730.0 / 24.0;
    assert!((s.energy_kwh_per_month.unwrap().get() / kwh - 1.0).abs() < 1e-9);
    assert!((s.carbon_kg_co2e_per_month.unwrap().get() - kwh * 208.81 / 1000.0).abs() < 1e-6);
}
