//! The Optimize page: monitoring data through the utilisation analysis (samples, bad rows, files
//! that are not monitoring data) and a job queue through the scheduler (Gantt chart, edits).

use std::path::PathBuf;

use fantoccini::{Client, Locator};
use serde_json::json;

use super::{
    Browser, click, open_tab, pixels, poll, retype, text_of, upload_to, wait_for_change,
    wait_for_ink, wait_for_text,
};

async fn open_optimize(page: &Client) {
    wait_for_text(page, "nav").await;
    open_tab(page, "Optimize").await;
    wait_for_text(page, "#waste-heading").await;
}

/// How many elements match `selector`.
async fn count(page: &Client, selector: &str) -> usize {
    page.find_all(Locator::Css(selector)).await.map_or(0, |found| found.len())
}

/// A file for the file picker, in a directory of this test's own.
fn write_file(test: &str, name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mlcost-e2e-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write file");
    path
}

/// The defaults the utilisation panel shows for its empty fields.
const WASTE_DEFAULTS: &str = "section[aria-labelledby='waste-heading'] .fallback";

const SAMPLE: &str = include_str!("../../../docs/samples/nvidia-smi-8xh100-day.csv");

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn optimize_samples_open_with_one_click_and_give_totals_and_recommendations() {
    let browser = Browser::start().await;
    let page = &browser.client;
    open_optimize(page).await;
    assert!(text_of(page, "#waste-empty").await.contains("Open a monitoring file"));

    click(page, "#sample-nvidia-smi").await;
    let total = wait_for_text(page, "#waste-total").await;
    assert!(total.starts_with("Total"), "{total}");
    let summary = text_of(page, "#waste-summary").await;
    assert!(summary.starts_with("nvidia-smi-8xh100-day.csv: 8 accelerators"), "{summary}");
    // The file names H100s: the price is the book's cheapest on-demand H100, marked as a default.
    let selected = page
        .execute("return document.getElementById('utilization.accelerator').value;", vec![])
        .await
        .expect("accelerator");
    assert_eq!(selected, json!("h100-sxm"));
    let default = text_of(page, WASTE_DEFAULTS).await;
    assert!(default.starts_with("default: $"), "{default}");
    assert!(default.contains("cheapest on-demand"), "{default}");
    let first = wait_for_text(page, "#waste-recommendations li").await;
    assert!(first.contains("saves $"), "{first}");
    for chart in ["waste-time-chart", "waste-histogram"] {
        wait_for_ink(page, chart).await;
    }
    // Tall enough for the whole panel, charts included.
    page.set_window_size(1280, 3200).await.expect("resize");
    browser.screenshot("optimize-nvidia-smi-1280").await;

    click(page, "#sample-dcgm").await;
    let summary = poll(
        || async { Some(text_of(page, "#waste-summary").await).filter(|s| s.starts_with("dcgm")) },
        "the DCGM sample",
    )
    .await;
    assert!(summary.contains(": 4 accelerators"), "{summary}");
    assert!(count(page, "#waste-table tbody tr").await == 4);
    let recommendations = wait_for_text(page, "#waste-recommendations").await;
    assert!(recommendations.contains("saves $"), "{recommendations}");

    // A typed price replaces the default, and the costs follow it.
    let idle_before = text_of(page, "#waste-total td:nth-of-type(5)").await;
    retype(page, "settings.price_per_accelerator_hour", "10").await;
    let idle_after = wait_for_change(page, "#waste-total td:nth-of-type(5)", &idle_before).await;
    assert_ne!(idle_after, idle_before);
    assert_eq!(count(page, WASTE_DEFAULTS).await, 3, "only the thresholds still show defaults");
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn optimize_bad_rows_are_listed_by_line_and_the_rest_is_kept() {
    let browser = Browser::start().await;
    let page = &browser.client;
    open_optimize(page).await;
    // The sample's first 10 minutes (header and 80 rows), with two broken rows among them.
    let mut lines: Vec<&str> = SAMPLE.lines().take(81).collect();
    lines.insert(4, "not a sample at all");
    lines.insert(9, "2024/05/01 00:01:00.100, 0, NVIDIA H100 80GB HBM3, lots %, 3 MiB, 81559 MiB");
    let file = write_file("bad-rows", "bad-rows.csv", &lines.join("\n"));
    upload_to(page, "utilization.file", &file).await;

    let skipped = wait_for_text(page, "#waste-bad-rows summary").await;
    assert_eq!(skipped, "2 rows skipped; the other rows were kept");
    let listed = text_of(page, "#waste-bad-rows ul").await;
    assert!(listed.contains("line 5:"), "{listed}");
    assert!(listed.contains("line 10:"), "{listed}");
    let summary = text_of(page, "#waste-summary").await;
    assert!(summary.contains("8 accelerators"), "{summary}");
    assert!(summary.contains("(80 samples)"), "{summary}");
    wait_for_text(page, "#waste-total").await;
    browser.screenshot("optimize-bad-rows-1280").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn optimize_an_empty_or_foreign_file_says_why_and_keeps_what_was_open() {
    let browser = Browser::start().await;
    let page = &browser.client;
    open_optimize(page).await;

    let wrong = write_file("foreign", "prices.csv", "time,gpu,watts\n1,0,300\n");
    upload_to(page, "utilization.file", &wrong).await;
    let message = wait_for_text(page, "#waste-problem").await;
    assert!(message.starts_with("prices.csv was not opened:"), "{message}");
    assert!(message.contains("neither nvidia-smi's"), "{message}");
    assert!(text_of(page, "#waste-empty").await.contains("Open a monitoring file"));

    click(page, "#sample-nvidia-smi").await;
    let summary = wait_for_text(page, "#waste-summary").await;
    assert!(text_of(page, "#waste-problem").await.is_empty(), "the old message stays");

    let empty = write_file("foreign", "empty.csv", "");
    upload_to(page, "utilization.file", &empty).await;
    let message = wait_for_text(page, "#waste-problem").await;
    assert!(message.contains("the file is empty"), "{message}");
    assert!(message.contains("nvidia-smi-8xh100-day.csv is still open"), "{message}");
    assert_eq!(text_of(page, "#waste-summary").await, summary, "the open data was lost");
    browser.screenshot("optimize-foreign-file-1280").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn optimize_the_example_queue_draws_a_gantt_chart_and_follows_edits() {
    let browser = Browser::start().await;
    let page = &browser.client;
    open_optimize(page).await;
    let makespan = wait_for_text(page, "#queue-makespan").await;
    assert!(makespan.ends_with(" h") || makespan.ends_with(" days"), "{makespan}");
    let before = wait_for_ink(page, "queue-gantt").await;
    for id in ["queue-on-demand-cost", "queue-cluster-cost", "queue-spot-cost"] {
        let cost = text_of(page, &format!("#{id}")).await;
        assert!(cost.starts_with('$'), "{id}: {cost}");
    }
    let best = text_of(page, "#queue-best-size").await;
    assert!(best.contains("accelerators: $"), "{best}");
    assert_eq!(count(page, "#queue-placements tbody tr").await, 8);
    browser.screenshot("optimize-queue-1280").await;

    // A longer pre-training run ends later.
    retype(page, "jobs[0].hours", "160").await;
    let longer = wait_for_change(page, "#queue-makespan", &makespan).await;
    assert!(hours(&longer) > hours(&makespan), "{makespan} -> {longer}");
    poll(
        || async {
            (pixels(page, "queue-gantt").await.data_url != before.data_url).then_some(String::new())
        },
        "the Gantt chart to redraw",
    )
    .await;

    // A typo is reported by its row and keeps both what was typed and the last results.
    retype(page, "jobs[1].accelerators", "16x").await;
    let message = wait_for_text(page, "#queue-jobs .field-error").await;
    assert!(message.starts_with("jobs[1].accelerators:"), "{message}");
    assert_eq!(text_of(page, "#queue-makespan").await, longer);
    let typed = page.find(Locator::Id("jobs[1].accelerators")).await.expect("input");
    assert_eq!(typed.prop("value").await.ok().flatten().as_deref(), Some("16x"));
    retype(page, "jobs[1].accelerators", "16").await;

    // Rows come and go.
    click(page, "#queue-add").await;
    poll(
        || async {
            (count(page, "#queue-placements tbody tr").await == 9).then_some(String::new())
        },
        "the added job to be scheduled",
    )
    .await;
    click(page, "#queue-jobs tbody tr:first-child button").await;
    poll(
        || async {
            (count(page, "#queue-placements tbody tr").await == 8).then_some(String::new())
        },
        "the removed job to leave the schedule",
    )
    .await;
    let first = text_of(page, "#queue-placements tbody tr:first-child th").await;
    assert_eq!(first, "sft-chat");
    browser.close().await;
}

/// "5.0 h" or "4.7 days" in hours.
fn hours(text: &str) -> f64 {
    let (number, unit) = text.split_once(' ').unwrap_or((text, "h"));
    let value: f64 = number.parse().unwrap_or_else(|_| panic!("not a duration: {text}"));
    if unit == "days" { value * 24.0 } else { value }
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn optimize_the_advisor_ranks_savings_and_opens_what_it_recommends() {
    let browser = Browser::start().await;
    let page = &browser.client;
    // The serving page's example (DeepSeek-V3 on H200s, on demand) is the app's scenario.
    wait_for_text(page, "nav").await;
    open_tab(page, "Serving").await;
    wait_for_text(page, "#serving-monthly-cost").await;
    open_optimize(page).await;
    wait_for_text(page, "ol.recommendations li").await;
    let titles = page
        .execute(
            "return [...document.querySelectorAll('ol.recommendations li h4')].map(e => e.textContent);",
            vec![],
        )
        .await
        .expect("titles");
    let titles: Vec<String> = serde_json::from_value(titles).unwrap_or_default();
    assert!(!titles.is_empty());
    // Each says what it saves, largest first.
    let savings = page
        .execute(
            "return [...document.querySelectorAll('ol.recommendations li .saving')].map(e => e.textContent);",
            vec![],
        )
        .await
        .expect("savings");
    let savings: Vec<String> = serde_json::from_value(savings).unwrap_or_default();
    assert_eq!(savings.len(), titles.len());
    let percents: Vec<f64> = savings
        .iter()
        .map(|s| {
            let open = s.rfind('(').expect("a percentage");
            s[open + 1..].trim_end_matches(')').trim_end_matches('%').parse().expect("a number")
        })
        .collect();
    assert!(percents.windows(2).all(|w| w[0] >= w[1]), "{savings:?}");
    assert!(percents.iter().all(|p| *p > 0.0), "{savings:?}");
    wait_for_ink(page, "advisor-waterfall-chart").await;
    wait_for_ink(page, "advisor-pareto-chart").await;
    browser.screenshot("optimize-advisor-1280").await;
    assert!(count(page, "#whatif-quantization tbody tr").await >= 5);
    assert!(!text_of(page, "#whatif-pruning").await.is_empty());

    // Unticking a recommendation takes it out of the waterfall.
    let before = pixels(page, "advisor-waterfall-chart").await.data_url;
    click(page, "ol.recommendations li input[type=checkbox]").await;
    poll(
        || async {
            (pixels(page, "advisor-waterfall-chart").await.data_url != before).then(String::new)
        },
        "the waterfall redrawn",
    )
    .await;

    // "Open this scenario" loads it into the app and shows its page.
    let link_before = page.current_url().await.expect("url").to_string();
    click(page, "ol.recommendations li button").await;
    poll(
        || async {
            let url = page.current_url().await.ok()?.to_string();
            (url != link_before).then_some(url)
        },
        "the recommended scenario's link",
    )
    .await;
    let current = page
        .execute("return document.querySelector('nav [aria-current=page]').textContent;", vec![])
        .await
        .expect("current tab");
    assert!(current == json!("Serving") || current == json!("Training"), "{current}");
    browser.close().await;
}

/// Own or rent: a link's `owned` section opens in the panel, priced as the CLI prices it (the used
/// accelerator-hour, the plans, the cumulative chart); an edit re-prices it and is kept with the
/// scenario (the address bar's link holds it); a bad term is named at its field and the last
/// figures stay.
#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn optimize_own_or_rent_prices_the_owned_section_and_keeps_edits_with_the_scenario() {
    let text = include_str!("../../../examples/own-or-rent-h100.json");
    let scenario = mlcost::Scenario::from_json(text).expect("the example reads");
    let cli = mlcost::own::own(&scenario, mlcost::PriceBook::bundled().expect("book"))
        .expect("the example prices");
    let link = mlcost::scenario::share::encode(&scenario);
    let browser = Browser::start_at(&format!("/?page=optimize#s={link}")).await;
    let page = &browser.client;
    let used = wait_for_text(page, "#own-used-hour").await;
    assert_eq!(used, format!("${:.2}", cli.per_used_accelerator_hour.get()));
    assert_eq!(count(page, ".own-against tbody tr").await, cli.against.len());
    wait_for_ink(page, "own-cumulative-chart").await;
    browser.screenshot("optimize-own-1280").await;

    // Busier servers make a used hour cheaper, and the scenario keeps the new share.
    retype(page, "owned.utilization", "0.9").await;
    let busier = wait_for_change(page, "#own-used-hour", &used).await;
    assert!(usd(&busier) < usd(&used), "{used} -> {busier}");
    poll(
        || async {
            let url = page.current_url().await.ok()?.to_string();
            let (_, payload) = url.split_once("#s=")?;
            let kept = mlcost::scenario::share::decode(payload).ok()?;
            let share = kept.owned.as_ref()?.get("utilization")?.as_f64()?;
            ((share - 0.9).abs() < 1e-9).then_some(url)
        },
        "the address bar's scenario to keep the new utilisation",
    )
    .await;

    // A PUE below 1 is named at its field; the figures are the last that priced.
    click(page, "section[aria-labelledby='own-heading'] details.advanced summary").await;
    retype(page, "owned.pue", "0.5").await;
    let message = wait_for_text(page, "section[aria-labelledby='own-heading'] .field-error").await;
    assert!(message.starts_with("owned.pue:"), "{message}");
    assert_eq!(text_of(page, "#own-used-hour").await, busier);

    // Monitoring data from those servers: every hour priced as owning them costs at the
    // utilisation the file measured, and switching one off said to save only its power.
    click(page, "#sample-nvidia-smi").await;
    wait_for_text(page, "#waste-total").await;
    click(page, "#utilization\\.owned").await;
    let notes = poll(
        || async {
            let notes = text_of(page, "section[aria-labelledby='waste-heading'] .notes").await;
            notes.contains("at the measured").then_some(notes)
        },
        "the utilisation priced as the owned servers",
    )
    .await;
    assert!(notes.contains("saves only its power"), "{notes}");
    browser.close().await;
}

/// "$3.76" as 3.76.
fn usd(text: &str) -> f64 {
    text.trim_start_matches('$').replace(',', "").parse().expect("a dollar figure")
}

/// A link with a section on the owned plan: the Training page prices it as the CLI does, with the
/// owned section the second module resolves (the first render has no reader for it), and lists
/// the owned terms it defaulted; no offer is asked for.
#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn a_section_on_the_owned_plan_is_priced_as_the_cli_prices_it() {
    let scenario = mlcost::Scenario::from_json(
        r#"{"model": {"preset": "llama-3.1-8b"}, "training": {"tokens": 2e11,
            "accelerator": "h100-sxm", "accelerator_count": 16, "precision": "bf16",
            "plan": "owned"}, "owned": {"server": "hgx-h100", "servers": 2, "utilization": 0.9}}"#,
    )
    .expect("the scenario reads");
    let cli = mlcost::estimate(&scenario).expect("the CLI prices it").training.expect("training");
    let link = mlcost::scenario::share::encode(&scenario);
    let browser = Browser::start_at(&format!("/?page=training#s={link}")).await;
    let page = &browser.client;
    let compute = wait_for_text(page, "#training-compute-cost").await;
    assert_eq!(compute, mlcost::format::usd(cli.compute_cost_usd));
    let plan = page.find(Locator::Id("training.plan")).await.expect("the plan");
    assert_eq!(plan.prop("value").await.ok().flatten().as_deref(), Some("owned"));
    assert_eq!(count(page, "#training\\.offer-error").await, 0);
    let defaults = text_of(page, "details.assumptions").await;
    assert!(defaults.contains("Cost of capital = 0.123"), "{defaults}");
    browser.screenshot("training-owned-plan-1280").await;
    browser.close().await;
}
