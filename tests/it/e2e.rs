//! The built app (`dist/`) served on loopback and driven in headless Chromium through chromedriver.
//! Ignored in a plain `cargo test`: `cargo xtask test` builds the app, sets `MLCOST_DIST`, and runs
//! these with `--ignored`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

mod newcomer;
mod optimize;
mod package;
mod performance;
mod screens;
mod sharing;

const IGNORED: &str = "needs the built app and chromedriver: run by `cargo xtask test`";

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn changing_the_accelerator_count_updates_cost_and_chart() {
    let browser = Browser::start().await;
    let page = &browser.client;
    let cost_before = wait_for_text(page, "#training-compute-cost").await;
    // The deferred module draws the charts once it has loaded, right after the first render.
    let chart_before = wait_for_ink(page, "cost-time-chart").await;
    assert!(chart_before.inked > 2_000, "chart looks blank: {} inked pixels", chart_before.inked);
    browser.screenshot("training-default-1280").await;

    // 4,096 GPUs lose more time to failures than 2,048, so the same run costs more.
    retype(page, "training.accelerator_count", "4096").await;
    let cost_after = wait_for_change(page, "#training-compute-cost", &cost_before).await;
    assert_ne!(cost_after, cost_before);
    // The chart redraws in an effect after the numbers update: wait for it.
    let redrawn = poll(
        || async {
            let chart = chart_pixels(page).await;
            (chart.data_url != chart_before.data_url).then(|| chart.inked.to_string())
        },
        "the chart to redraw",
    )
    .await;
    assert!(redrawn.parse::<u64>().unwrap_or(0) > 2_000, "chart blank after the change");
    browser.screenshot("training-1280").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn key_numbers_show_their_range_and_the_page_what_moves_the_cost() {
    let browser = Browser::start().await;
    let page = &browser.client;
    // The second module works the ranges out with the charts, right after the first render.
    let range = wait_for_text(page, "#training-total-cost-range").await;
    assert!(range.starts_with("likely $") && range.contains(" – $"), "{range}");
    let hours = wait_for_text(page, "#training-accelerator-hours-range").await;
    assert!(hours.starts_with("likely "), "{hours}");
    // The example's published GPU-hours, placed against the range: DeepSeek-V3 ran about a fifth
    // faster than the default MFU, inside the spread of published Hopper runs.
    let placed = wait_for_text(page, "#training-accelerator-hours-published-range").await;
    assert!(placed.contains("inside the estimate's range"), "{placed}");
    wait_for_ink(page, "sensitivity-chart").await;
    let swings = wait_for_text(page, "#training-sensitivity").await;
    assert!(swings.starts_with("MFU") && swings.contains("published runs"), "{swings}");
    assert!(swings.contains("your value, 20% lower and higher"), "{swings}");
    // With the MFU and goodput given, no default is left to make a range: none is shown, and the
    // list keeps only what-ifs.
    open_advanced(page).await;
    retype(page, "training.mfu", "0.4").await;
    retype(page, "training.goodput", "0.95").await;
    poll(
        || async {
            text_of(page, "#training-total-cost-range").await.is_empty().then_some(String::new())
        },
        "the range to go",
    )
    .await;
    let swings = wait_for_change(page, "#training-sensitivity", &swings).await;
    assert!(!swings.contains("published"), "{swings}");
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn serving_figures_show_their_range_and_what_moves_the_cost() {
    let browser = Browser::start().await;
    let page = &browser.client;
    open_tab(page, "Serving").await;
    let monthly = wait_for_text(page, "#serving-monthly-cost-range").await;
    assert!(monthly.starts_with("likely $") && monthly.contains(" – $"), "{monthly}");
    let ttft = wait_for_text(page, "#serving-ttft-range").await;
    assert!(ttft.starts_with("likely ") && ttft.contains("ms"), "{ttft}");
    wait_for_ink(page, "serving-sensitivity-chart").await;
    let swings = wait_for_text(page, "#serving-sensitivity").await;
    // The engine's speed is a default, from the published serving measurements, under words a
    // reader knows; the daily volume the example gives is a what-if.
    assert!(swings.contains("Engine speed") && swings.contains("published serving"), "{swings}");
    assert!(swings.contains("Requests per day") && swings.contains("your value"), "{swings}");
    browser.screenshot("serving-ranges-1280").await;
    // Given efficiencies leave the engine's speed out of the range and the list.
    open_advanced(page).await;
    retype(page, "serving.engine_efficiency.compute", "0.5").await;
    retype(page, "serving.engine_efficiency.bandwidth", "0.85").await;
    let swings = wait_for_change(page, "#serving-sensitivity", &swings).await;
    assert!(!swings.contains("Engine speed"), "{swings}");
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn a_range_opens_the_page_that_scores_every_published_case() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-total-cost-range").await;
    page.find(Locator::Id("training-total-cost-range"))
        .await
        .expect("the range")
        .click()
        .await
        .expect("click the range");
    let scores = wait_for_text(page, "#accuracy-scores").await;
    for group in ["training, whole run", "serving, decode-heavy", "Range holds"] {
        assert!(scores.contains(group), "{group} missing from {scores}");
    }
    let cases = wait_for_text(page, "#accuracy-cases").await;
    assert!(cases.contains("LLaMA-1 65B") && cases.contains("MLPerf"), "{cases}");
    wait_for_ink(page, "accuracy-chart").await;
    let address = page.current_url().await.expect("url");
    assert!(address.query().is_some_and(|q| q.contains("page=accuracy")), "{address}");
    browser.screenshot("accuracy-1280").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn bad_input_shows_a_message_by_the_field_and_keeps_the_last_result() {
    let browser = Browser::start().await;
    let page = &browser.client;
    let cost_before = wait_for_text(page, "#training-compute-cost").await;

    // A slip of the finger at the end of "14.8T".
    let tokens = page.find(Locator::Id("training.tokens")).await.expect("tokens input");
    tokens.send_keys("\u{E010}x").await.expect("type");
    // Next to the field in plain words (the engine's path is for JSON), and announced with it.
    let message = wait_for_text(page, "#training\\.tokens-error").await;
    assert_eq!(message, "\"14.8Tx\" is not a number (e.g. 7B, 1.4T, 2048)");
    let invalid = tokens.attr("aria-invalid").await.ok().flatten();
    assert_eq!(invalid.as_deref(), Some("true"));
    let described = tokens.attr("aria-describedby").await.ok().flatten();
    assert_eq!(described.as_deref(), Some("training.tokens-error"));
    let stale = wait_for_text(page, ".stale").await;
    assert!(stale.contains("last valid estimate"), "{stale}");
    assert_eq!(text_of(page, "#training-compute-cost").await, cost_before);
    // What the user typed is still there to fix.
    assert_eq!(tokens.prop("value").await.ok().flatten().as_deref(), Some("14.8Tx"));

    // The engine's own checks show the same way: a zero count is readable but not valid.
    retype(page, "training.tokens", "14.8T").await;
    retype(page, "training.accelerator_count", "0").await;
    let message = wait_for_text(page, ".field-error").await;
    assert_eq!(message, "Must be > 0.");
    browser.screenshot("training-error-1280").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn an_offer_prices_every_plan_and_a_deadline_picks_the_cheapest() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    choose(
        page,
        &[
            ("model.preset", "llama-3.1-8b"),
            ("training.accelerator", "h100-sxm"),
            ("pricing", "offer"),
            ("training.offer", "aws:p5.48xlarge"),
        ],
    )
    .await;
    retype(page, "training.tokens", "1T").await;
    retype(page, "training.accelerator_count", "64").await;
    open_advanced(page).await;
    retype(page, "training.parallelism.pipeline", "").await;
    retype(page, "training.parallelism.expert", "").await;
    let plans = wait_for_text(page, "#training-plans").await;
    for plan in ["on-demand", "spot", "1y", "3y"] {
        assert!(plans.contains(plan), "{plan} missing from {plans}");
    }
    retype(page, "training.deadline_hours", "720").await;
    let pick = wait_for_text(page, "#training-recommendation").await;
    assert!(pick.starts_with("Cheapest within the deadline"), "{pick}");
    // The front's table comes from the deferred module, as the pick does: numbered, with its plan.
    let front = wait_for_text(page, "#training-front").await;
    assert!(front.lines().any(|row| row.starts_with("1 ") && row.contains("× ")), "{front}");
    // A deadline nothing meets says so among the notes.
    retype(page, "training.deadline_hours", "1").await;
    let missed = "finishes within the 1 h deadline";
    let notes = || async { Some(text_of(page, ".notes").await).filter(|t| t.contains(missed)) };
    poll(notes, "the missed deadline's note").await;
    retype(page, "training.deadline_hours", "720").await;
    wait_for_text(page, "#training-recommendation").await;
    wait_for_ink(page, "pareto-chart").await;
    browser.screenshot("training-offer-1280").await;
    browser.close().await;
}

/// A chart drawn on a wide window is drawn again for a narrow one once the resize settles, at the
/// width it is then shown at, not a desktop chart squeezed.
#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn charts_redraw_when_the_window_changes_width() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_ink(page, "cost-time-chart").await;
    let width = || async {
        let width = page
            .execute("return document.getElementById('cost-time-chart').width;", vec![])
            .await
            .expect("the canvas's width");
        width.as_u64().unwrap_or(0)
    };
    let wide = width().await;
    assert!(wide > 500, "drawn {wide} pixels wide on a desktop");
    page.set_window_size(400, 900).await.expect("resize");
    let narrow = poll(
        || async { Some(width().await).filter(|w| *w < 400).map(|w| w.to_string()) },
        "a redraw at the narrow width",
    )
    .await;
    assert!(narrow.parse::<u64>().is_ok_and(|w| w >= 240), "{narrow}");
    wait_for_ink(page, "cost-time-chart").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn narrow_screen_renders_everything() {
    let browser = Browser::start().await;
    let page = &browser.client;
    page.set_window_size(360, 800).await.expect("resize");
    // Opened on the phone's width, as a phone opens it (a resized window is
    // `charts_redraw_when_the_window_changes_width`'s).
    page.refresh().await.expect("reload at the phone's width");
    wait_for_text(page, "#training-compute-cost").await;
    wait_for_ink(page, "cost-time-chart").await;
    assert_nothing_overflows(page).await;
    // The chart is drawn for the width it is shown at, not a desktop chart scaled down.
    let sizes = page
        .execute(
            "const c = document.getElementById('cost-time-chart'); return [c.width, c.clientWidth];",
            vec![],
        )
        .await
        .expect("the chart's size");
    let [drawn, shown]: [u32; 2] = serde_json::from_value(sizes).expect("two sizes");
    assert!(drawn == shown && drawn < 360, "drawn {drawn} px wide, shown {shown} px");
    browser.screenshot("training-360").await;

    open_tab(page, "Serving").await;
    wait_for_text(page, "#serving-monthly-cost").await;
    wait_for_ink(page, "serving-api-chart").await;
    assert_nothing_overflows(page).await;
    browser.screenshot("serving-360").await;

    // The catalogue's table scrolls inside its box; the page itself does not.
    open_tab(page, "Catalog").await;
    wait_for_text(page, "#catalog-table tbody tr").await;
    assert_nothing_overflows(page).await;
    browser.screenshot("catalog-360").await;
    open_tab(page, "Accuracy").await;
    wait_for_text(page, "#accuracy-scores").await;
    wait_for_ink(page, "accuracy-chart").await;
    browser.screenshot("accuracy-360").await;

    // The Optimize page with a sample open: its tables scroll in their boxes, its panels stack.
    open_tab(page, "Optimize").await;
    click(page, "#sample-nvidia-smi").await;
    wait_for_text(page, "#waste-total").await;
    wait_for_text(page, "#queue-makespan").await;
    wait_for_ink(page, "queue-gantt").await;
    assert_nothing_overflows(page).await;
    browser.screenshot("optimize-360").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn serving_page_prices_the_example_and_follows_the_daily_volume() {
    let browser = Browser::start().await;
    let page = &browser.client;
    open_tab(page, "Serving").await;
    let cost_before = wait_for_text(page, "#serving-monthly-cost").await;
    assert!(cost_before.starts_with('$'), "no monthly cost: {cost_before}");
    let fits = text_of(page, "#serving-fits").await;
    assert!(fits.starts_with("yes"), "{fits}");
    for part in ["weights", "kv-cache", "reserve"] {
        let selector = format!("#serving-memory-bar .part.{part}");
        page.find(Locator::Css(&selector)).await.unwrap_or_else(|e| panic!("{selector}: {e}"));
    }
    // Every default the engine filled in is listed with its source.
    let defaults = wait_for_text(page, ".assumptions").await;
    // Under the field's label, not the engine's path (which stays in the tooltip).
    assert!(defaults.contains("Engine compute efficiency = "), "{defaults}");
    assert!(!defaults.contains("serving.engine_efficiency.compute"), "{defaults}");
    for chart in ["serving-latency-chart", "serving-api-chart", "serving-load-chart"] {
        wait_for_ink(page, chart).await;
    }
    // Once typing pauses, the peak hour simulated request by request: each latency's percentiles.
    let peak = wait_for_text(page, "#serving-latency-peak").await;
    assert!(peak.contains("Time to first token") && peak.contains("p99"), "{peak}");
    let about = text_of(page, "#serving-latency-peak-about").await;
    assert!(about.starts_with("The peak hour on one replica: "), "{about}");
    let day_before = wait_for_ink(page, "serving-day-chart").await;
    browser.screenshot("serving-1280").await;

    // Ten times the requests need more replicas at the peak and more replica-hours.
    retype(page, "serving.daily_requests", "20M").await;
    let cost_after = wait_for_change(page, "#serving-monthly-cost", &cost_before).await;
    assert!(
        usd_amount(&cost_after) > usd_amount(&cost_before) * 2.0,
        "{cost_before} -> {cost_after}"
    );
    poll(
        || async {
            let day = pixels(page, "serving-day-chart").await;
            (day.data_url != day_before.data_url && day.inked > 2_000).then_some(String::new())
        },
        "the day chart to redraw",
    )
    .await;
    browser.screenshot("serving-20m-1280").await;
    browser.close().await;
}

/// The first render cannot simulate: a percentile target is met by the second module's sizing,
/// handed back, and the page's figures are the engine's with the simulation, to the dollar.
#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn percentile_targets_are_sized_by_the_second_modules_simulation() {
    let scenario = mlcost::Scenario::from_json(
        r#"{"model": {"preset": "deepseek-v3"},
        "serving": {"accelerator": "h200-sxm", "parallelism": {"tensor": 8},
        "weight_precision": "fp8", "input_tokens": 1000, "output_tokens": 300,
        "daily_requests": 2e6, "shape": "diurnal", "peak_to_mean": 2,
        "slo": {"ttft_ms": 1000, "tpot_ms": 50, "ttft_p99_ms": 300},
        "offer": "azure:standard_nd96isr_h200_v5", "plan": "on-demand"}}"#,
    )
    .expect("the scenario reads");
    let book = mlcost::PriceBook::bundled().expect("the bundled book");
    let engine = mlcost::estimate_with(&scenario, book).expect("it estimates").serving.unwrap();
    assert!(engine.percentile_sizing.is_some(), "the target binds");
    let browser = Browser::start_on_serving(&scenario).await;
    let page = &browser.client;
    let notes = poll(
        || async {
            let notes = serving_notes(page).await;
            let pending = text_of(page, "#serving-percentiles-pending").await;
            (pending.is_empty() && notes.contains("the percentile targets limit a replica"))
                .then_some(notes)
        },
        "the percentile sizing",
    )
    .await;
    assert!(notes.contains("first token p99"), "{notes}");
    let monthly = text_of(page, "#serving-monthly-cost").await;
    let expected = mlcost::format::usd(engine.monthly_cost_usd.expect("priced"));
    assert!(monthly.starts_with(&expected), "{monthly} against the engine's {expected}");
    open_advanced(page).await;
    wait_for_value(page, "serving.slo.ttft_p99_ms", "300").await;
    browser.screenshot("serving-percentiles-1280").await;
    browser.close().await;
}

/// Split pools are priced by the second module (the first render carries none of their code):
/// their note joins the estimate's, the same words as the engine's, and the latency panel shows
/// each pool with the engine's figures; the form's switch for them is on.
#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn split_pools_are_priced_beside_the_combined_replicas() {
    let mut scenario =
        mlcost::Scenario::from_json(include_str!("../../examples/serve-llama-3.3-70b-fp8.json"))
            .expect("the example reads");
    if let Some(serving) = scenario.serving.as_mut() {
        serving.disaggregation = Some(mlcost::scenario::serving::Disaggregation::default());
    }
    let book = mlcost::PriceBook::bundled().expect("the bundled book");
    let engine = mlcost::estimate_with(&scenario, book).expect("it estimates").serving.unwrap();
    let expected = mlcost::serving::split::note(engine.split.as_ref().expect("p5's network"));
    let browser = Browser::start_on_serving(&scenario).await;
    let page = &browser.client;
    let notes = poll(
        || async {
            let notes = serving_notes(page).await;
            notes.contains("prefill and decode apart").then_some(notes)
        },
        "the split's note",
    )
    .await;
    assert!(notes.contains(&expected), "{notes}\nagainst\n{expected}");
    // The latency panel's table: each pool's instances and cost, in the engine's figures.
    let table = wait_for_text(page, "#serving-split").await;
    let split = engine.split.as_ref().expect("priced");
    for (pool, name) in [(&split.prefill, "Prefill"), (&split.decode, "Decode")] {
        let cost = mlcost::format::usd(pool.monthly_cost_usd.expect("priced"));
        assert!(table.contains(name) && table.contains(&cost), "{table}\nwithout {name} {cost}");
    }
    // The form shows the switch on, its pools' settings beside it.
    open_advanced(page).await;
    wait_for_value(page, "split", "yes").await;
    browser.screenshot("serving-split-1280").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn serving_bad_input_shows_by_the_field_and_keeps_the_last_result() {
    let browser = Browser::start().await;
    let page = &browser.client;
    open_tab(page, "Serving").await;
    let cost_before = wait_for_text(page, "#serving-monthly-cost").await;

    let daily = page.find(Locator::Id("serving.daily_requests")).await.expect("daily requests");
    daily.send_keys("\u{E010}x").await.expect("type");
    let message = wait_for_text(page, ".field-error").await;
    assert_eq!(message, "\"2Mx\" is not a number (e.g. 7B, 1.4T, 2048)");
    let stale = wait_for_text(page, ".stale").await;
    assert!(stale.contains("last valid estimate"), "{stale}");
    assert_eq!(text_of(page, "#serving-monthly-cost").await, cost_before);
    assert_eq!(daily.prop("value").await.ok().flatten().as_deref(), Some("2Mx"));

    // The engine's own check: a diurnal day cannot peak at nine times its mean.
    retype(page, "serving.daily_requests", "2M").await;
    retype(page, "serving.peak_to_mean", "9").await;
    let message = wait_for_text(page, ".field-error").await;
    assert!(message.starts_with("Must be between 1 and"), "{message}");
    assert_eq!(text_of(page, "#serving-monthly-cost").await, cost_before);
    browser.screenshot("serving-error-1280").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn serving_compares_hosted_apis_with_their_break_even() {
    let browser = Browser::start().await;
    let page = &browser.client;
    open_tab(page, "Serving").await;
    wait_for_text(page, "#serving-apis tbody tr").await;
    // GPT-5 costs more than self-hosting the example: it breaks even at a volume below today's.
    // DeepSeek's own API is cheaper per request than a busy replica set: never.
    let gpt = api_row(page, "GPT-5").await;
    assert!(gpt[1].starts_with('−'), "self-hosting should be cheaper: {gpt:?}");
    let break_even = usd_amount(&format!("${}", gpt[2]));
    assert!(break_even > 1e5 && break_even < 2e6, "{gpt:?}");
    assert_eq!(api_row(page, "DeepSeek-V3 (deepseek-chat)").await[2], "never");

    // Ticking another API adds its row.
    page.find(Locator::Css("#serving\\.compare_apis input[value='openai:gpt-4o-mini']"))
        .await
        .expect("gpt-4o-mini checkbox")
        .click()
        .await
        .expect("tick gpt-4o-mini");
    poll(
        || async {
            let rows = page.find_all(Locator::Css("#serving-apis tbody tr")).await;
            rows.is_ok_and(|r| r.len() == 3).then_some(String::new())
        },
        "a third API row",
    )
    .await;
    wait_for_ink(page, "serving-api-chart").await;
    browser.screenshot("serving-apis-1280").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn catalog_filters_and_sorts_offers_with_normalised_prices() {
    let browser = Browser::start().await;
    let page = &browser.client;
    open_catalog(page).await;
    let all = row_count(page).await;
    assert!(all >= 100, "only {all} offer-regions listed");

    choose(page, &[("catalog.accelerator", "h100-sxm")]).await;
    let h100 = poll(
        || async {
            Some(row_count(page).await).filter(|n| *n < all && *n > 0).map(|n| n.to_string())
        },
        "the filter to apply",
    )
    .await;
    let accelerators = column_texts(page, 2).await;
    assert!(accelerators.iter().all(|a| a.ends_with("h100-sxm")), "{accelerators:?}");

    // Sorting by on-demand $/accelerator-hour puts the cheapest first; unpriced rows last.
    let on_demand = numbers(column_texts(page, 4).await);
    assert!(on_demand.windows(2).all(|w| w[0] <= w[1]), "not sorted: {on_demand:?}");
    page.find(Locator::Css("th button[title^='USD per accelerator-hour, spot']"))
        .await
        .expect("spot header")
        .click()
        .await
        .expect("sort by spot");
    let spot = numbers(column_texts(page, 5).await);
    assert!(
        spot.len() > 1 && spot.windows(2).all(|w| w[0] <= w[1]),
        "not sorted by spot: {spot:?}"
    );
    assert_eq!(row_count(page).await.to_string(), h100);
    browser.screenshot("catalog-1280").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn a_price_sheet_is_used_kept_across_reloads_and_a_bad_one_is_refused() {
    let browser = Browser::start().await;
    let page = &browser.client;
    open_catalog(page).await;
    let p5_bundled = p5_on_demand(page).await;

    let dir = std::env::temp_dir().join(format!("mlcost-e2e-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let good = dir.join("contract.csv");
    std::fs::write(
        &good,
        "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,Price,SpotPrice\n\
         p5.48xlarge,H100,8,192,2048,us-east-1,50.00,\n",
    )
    .expect("write sheet");
    upload(page, &good).await;
    let status = wait_for_text(page, ".sheet-status").await;
    assert!(status.contains("Using contract.csv (1 offers)"), "{status}");
    assert_eq!(p5_on_demand(page).await, "6.250", "50.00 / 8 GPUs");

    // The Training page (the app's own module, with its own copy of the sheet) prices with it
    // at once.
    open_tab(page, "Training").await;
    choose(
        page,
        &[
            ("training.accelerator", "h100-sxm"),
            ("pricing", "offer"),
            ("training.offer", "aws:p5.48xlarge"),
        ],
    )
    .await;
    // The region is among the advanced inputs.
    open_advanced(page).await;
    retype(page, "training.region", "us-east-1").await;
    poll(
        || async {
            let plans = text_of(page, "#training-plans").await;
            plans.contains("6.250").then_some(plans)
        },
        "the sheet's price on the Training page",
    )
    .await;
    open_catalog(page).await;

    page.refresh().await.expect("reload");
    // After a reload the first render has no sheet reader: the second module reads the stored
    // sheet for it, and the Training page prices with it once it has.
    open_tab(page, "Training").await;
    poll(
        || async {
            let plans = text_of(page, "#training-plans").await;
            plans.contains("6.250").then_some(plans)
        },
        "the stored sheet's price on the Training page after a reload",
    )
    .await;
    let pending = page.find(Locator::Id("sheet-pending")).await;
    assert!(pending.is_err(), "the notice stays once the sheet is read");
    open_catalog(page).await;
    let status = wait_for_text(page, ".sheet-status").await;
    assert!(status.contains("contract.csv"), "sheet lost on reload: {status}");
    assert_eq!(p5_on_demand(page).await, "6.250");

    let bad = dir.join("broken.csv");
    std::fs::write(
        &bad,
        "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,Price,SpotPrice\n\
         p5.48xlarge,H100,8,192,2048,us-east-1,fifty,\n",
    )
    .expect("write sheet");
    upload(page, &bad).await;
    let message = wait_for_text(page, ".sheet .field-error").await;
    assert!(message.contains("broken.csv: prices: line 2, column 39: Price"), "{message}");
    assert!(message.contains("bundled prices are in use"), "{message}");
    assert_eq!(p5_on_demand(page).await, p5_bundled);
    browser.screenshot("catalog-bad-sheet-1280").await;
    let _ = std::fs::remove_dir_all(dir);
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn saved_scenarios_survive_a_reload_and_can_be_renamed_duplicated_and_deleted() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    save_as(page, "Llama baseline").await;
    page.refresh().await.expect("reload");
    open_tab(page, "Compare").await;
    assert_eq!(wait_for_names(page, 1).await, ["Llama baseline"]);
    let stored = stored_list(page).await;
    assert_eq!(stored[0]["name"], "Llama baseline");
    assert!(stored[0]["scenario"]["training"]["accelerator_count"].is_number(), "{stored}");
    assert!(stored[0]["saved_at"].as_str().is_some_and(|t| t.starts_with("20")), "{stored}");

    // Duplicate, rename the copy from the keyboard, then delete it.
    click(page, "#saved-list button[aria-label='Duplicate Llama baseline']").await;
    assert_eq!(wait_for_names(page, 2).await, ["Llama baseline", "Llama baseline (2)"]);
    click(page, "#saved-list button[aria-label='Rename Llama baseline (2)']").await;
    let input = page
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(".rename-form input"))
        .await
        .expect("rename input");
    // End, Backspace over the old name, the new one, Enter.
    let keys = format!("\u{E010}{}More GPUs\u{E007}", "\u{E003}".repeat(20));
    input.send_keys(&keys).await.expect("type");
    poll(
        || async {
            let names = saved_names(page).await;
            (names == ["Llama baseline", "More GPUs"]).then(|| names.join(","))
        },
        "the rename",
    )
    .await;
    click(page, "#saved-list button[aria-label='Delete More GPUs']").await;
    assert_eq!(wait_for_names(page, 1).await, ["Llama baseline"]);
    poll(
        || async { (stored_list(page).await.as_array()?.len() == 1).then(String::new) },
        "storage to drop the deleted entry",
    )
    .await;

    // The header's "Save as…" belongs to the app's module, this list to the deferred one; each
    // has its own copy. The app's copy saw the delete: the name is free again and the deleted
    // entry is not written back. This list sees the new save.
    save_as(page, "More GPUs").await;
    assert_eq!(wait_for_names(page, 2).await, ["Llama baseline", "More GPUs"]);
    let stored = stored_list(page).await;
    let names: Vec<&str> =
        stored.as_array().expect("a list").iter().filter_map(|e| e["name"].as_str()).collect();
    assert_eq!(names, ["Llama baseline", "More GPUs"]);

    // Open loads the scenario into the forms and shows it.
    click(page, "#saved-list button[aria-label='Open Llama baseline']").await;
    wait_for_text(page, "#training-compute-cost").await;
    assert_eq!(text_of(page, "nav button[aria-current='page']").await, "Training");
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn unreadable_saved_scenarios_are_reported_and_set_aside_not_lost() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    page.execute("localStorage.setItem('mlcost.saved.v1', '{not json');", vec![])
        .await
        .expect("write storage");
    page.refresh().await.expect("reload");
    let problem = wait_for_text(page, "#saved-problem").await;
    assert!(problem.contains("could not be read"), "{problem}");
    assert!(problem.contains("set aside"), "{problem}");
    assert_eq!(set_aside(page).await, ["{not json"]);

    // Saving still works, and replaces the unreadable content.
    save_as(page, "after the mess").await;
    let stored = poll(
        || async {
            Some(stored_list(page).await.to_string()).filter(|s| s.contains("after the mess"))
        },
        "the save to reach storage",
    )
    .await;

    // One stale entry among good ones: the good ones load, the stale one is named and kept.
    let mut list: serde_json::Value = serde_json::from_str(&stored).expect("stored JSON");
    let entries = list.as_array_mut().expect("a list");
    entries.push(json!({"name": "stale", "scenario": {"model": {"parameters": "lots"}}}));
    let text = list.to_string();
    page.execute("localStorage.setItem('mlcost.saved.v1', arguments[0]);", vec![json!(text)])
        .await
        .expect("write storage");
    page.refresh().await.expect("reload");
    let problem = wait_for_text(page, "#saved-problem").await;
    assert!(problem.contains("entry 2: \u{201c}stale\u{201d} no longer reads"), "{problem}");
    assert!(set_aside(page).await.contains(&text), "the stale entry was not set aside");
    open_tab(page, "Compare").await;
    assert_eq!(wait_for_names(page, 1).await, ["after the mess"]);
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn compare_shows_two_saved_scenarios_side_by_side() {
    let browser = Browser::start().await;
    let page = &browser.client;
    let cost_before = wait_for_text(page, "#training-compute-cost").await;
    save_as(page, "2048 GPUs").await;
    retype(page, "training.accelerator_count", "4096").await;
    wait_for_change(page, "#training-compute-cost", &cost_before).await;
    save_as(page, "4096 GPUs").await;
    open_tab(page, "Compare").await;
    wait_for_names(page, 2).await;
    for checkbox in page.find_all(Locator::Css("#saved-list input[type=checkbox]")).await.unwrap() {
        checkbox.click().await.expect("tick");
    }
    let cell = "#compare-table td[data-key='training-total-cost'][data-col='1']";
    let percent = wait_for_text(page, &format!("{cell} .diff-pct")).await;
    let number = percent.trim_matches(['(', ')', '%']).trim_start_matches('+');
    assert!(percent.starts_with("(+"), "not more expensive: {percent}");
    assert!(number.parse::<f64>().is_ok_and(|p| p > 0.0), "{percent}");
    assert!(text_of(page, &format!("{cell} .diff")).await.starts_with("+$"));
    let header = text_of(page, "#compare-table thead").await;
    assert!(header.contains("2048 GPUs") && header.contains("4096 GPUs"), "{header}");
    wait_for_ink(page, "compare-chart").await;
    browser.screenshot("compare-1280").await;
    page.execute("document.getElementById('compare-chart').scrollIntoView();", vec![])
        .await
        .expect("scroll to the chart");
    browser.screenshot("compare-chart-1280").await;

    page.set_window_size(360, 800).await.expect("resize");
    wait_for_ink(page, "compare-chart").await;
    assert_nothing_overflows(page).await;
    browser.screenshot("compare-360").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn saved_names_are_shown_as_text_never_as_markup() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    let name = r#"<img src=x onerror="window.__xss=1">"#;
    save_as(page, name).await;
    save_as(page, "plain").await;
    open_tab(page, "Compare").await;
    assert_eq!(wait_for_names(page, 2).await, [name, "plain"]);
    for checkbox in page.find_all(Locator::Css("#saved-list input[type=checkbox]")).await.unwrap() {
        checkbox.click().await.expect("tick");
    }
    wait_for_text(page, "#compare-table thead").await;
    let script = "return [typeof window.__xss, document.querySelectorAll('main img, header img').length, \
        document.querySelector('#saved-list .saved-name').textContent, \
        document.querySelector('#compare-table thead').textContent];";
    let seen = page.execute(script, vec![]).await.expect("inspect the page");
    assert_eq!(seen[0], "undefined", "the name ran as markup");
    assert_eq!(seen[1], 0, "an img element was created");
    assert!(seen[2].as_str().is_some_and(|t| t.contains("<img")), "{seen}");
    assert!(seen[3].as_str().is_some_and(|t| t.contains("<img")), "{seen}");
    browser.close().await;
}

/// Saves the app's scenario under `name` from the header and waits for the confirmation.
async fn save_as(page: &Client, name: &str) {
    retype(page, "save-name", name).await;
    click(page, "#save-scenario").await;
    poll(
        || async { Some(text_of(page, "#save-status").await).filter(|t| t.contains(name)) },
        "the save to be confirmed",
    )
    .await;
}

async fn click(page: &Client, selector: &str) {
    page.find(Locator::Css(selector))
        .await
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {selector}: {e}"));
}

/// The names in the saved list, as text.
async fn saved_names(page: &Client) -> Vec<String> {
    let script =
        "return [...document.querySelectorAll('#saved-list .saved-name')].map(n => n.textContent);";
    let value = page.execute(script, vec![]).await.expect("read the saved list");
    serde_json::from_value(value).unwrap_or_default()
}

async fn wait_for_names(page: &Client, count: usize) -> Vec<String> {
    let names = poll(
        || async {
            let names = saved_names(page).await;
            (names.len() == count).then(|| serde_json::to_string(&names).unwrap_or_default())
        },
        &format!("{count} saved scenarios"),
    )
    .await;
    serde_json::from_str(&names).unwrap_or_default()
}

/// The saved scenarios as local storage holds them.
async fn stored_list(page: &Client) -> serde_json::Value {
    let value = page
        .execute("return localStorage.getItem('mlcost.saved.v1');", vec![])
        .await
        .expect("read storage");
    value.as_str().and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default()
}

/// What was set aside, oldest first.
async fn set_aside(page: &Client) -> Vec<String> {
    let script = "return Object.keys(localStorage).filter(k => k.startsWith('mlcost.saved.v1.set-aside.'))\
        .sort().map(k => localStorage.getItem(k));";
    let value = page.execute(script, vec![]).await.expect("read storage");
    serde_json::from_value(value).unwrap_or_default()
}

async fn open_catalog(page: &Client) {
    open_tab(page, "Catalog").await;
    wait_for_text(page, "#catalog-table tbody tr").await;
}

/// The page on show: the app's own pages are its `<main>`; each deferred page is the `<main>` in
/// its host element, which stays (hidden) after another tab opens.
const SHOWN_PAGE: &str = "body > main, body > div:not([hidden]) > main";

async fn open_tab(page: &Client, name: &str) {
    // After a reload the wasm may still be loading: wait for the app to mount its navigation.
    page.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&format!("//nav/button[text()='{name}']")))
        .await
        .unwrap_or_else(|e| panic!("{name} tab: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("open {name}: {e}"));
    if ["Catalog", "Compare", "Optimize", "Accuracy"].contains(&name) {
        // These pages are a module of their own, loaded after the app's first render: wait for it.
        page.wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(&format!("#{}-root main", name.to_lowercase())))
            .await
            .unwrap_or_else(|e| panic!("the {name} page's module: {e}"));
    }
}

/// The cells after the row header of the API comparison's row for `name`.
async fn api_row(page: &Client, name: &str) -> Vec<String> {
    let script = "const row = [...document.querySelectorAll('#serving-apis tbody tr')]\
        .find(r => r.children[0].textContent === arguments[0]);\
        return row ? [...row.children].slice(1).map(c => c.textContent) : [];";
    let value = page.execute(script, vec![json!(name)]).await.expect("read API row");
    let cells: Vec<String> = value
        .as_array()
        .map(|cells| cells.iter().filter_map(|c| c.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    assert_eq!(cells.len(), 3, "no row for {name}");
    cells
}

/// "$57.26k" as 57260: money as the app prints it.
fn usd_amount(text: &str) -> f64 {
    let digits = text.trim().trim_start_matches('$');
    let (number, scale) = match digits.chars().last() {
        Some('k') => (&digits[..digits.len() - 1], 1e3),
        Some('M') => (&digits[..digits.len() - 1], 1e6),
        Some('B') => (&digits[..digits.len() - 1], 1e9),
        Some('T') => (&digits[..digits.len() - 1], 1e12),
        _ => (digits, 1.0),
    };
    number.parse::<f64>().unwrap_or_else(|_| panic!("not money: {text}")) * scale
}

/// Waits for a chart's effect to draw it: returns it once it is no longer blank.
async fn wait_for_ink(page: &Client, canvas_id: &str) -> ChartPixels {
    poll(
        || async { (pixels(page, canvas_id).await.inked > 2_000).then_some(String::new()) },
        canvas_id,
    )
    .await;
    pixels(page, canvas_id).await
}

/// Fails if the page scrolls sideways: something is wider than the screen.
async fn assert_nothing_overflows(page: &Client) {
    let script = "const d = document.documentElement; return [d.scrollWidth, d.clientWidth];";
    let widths = page.execute(script, vec![]).await.expect("measure");
    let (scroll, client) = (widths[0].as_u64(), widths[1].as_u64());
    assert!(scroll <= client, "the page is {scroll:?} px wide on a {client:?} px screen");
}

async fn row_count(page: &Client) -> usize {
    page.find_all(Locator::Css("#catalog-table tbody tr")).await.map_or(0, |rows| rows.len())
}

/// The text of the n-th cell (1-based, the row header counting as 1) of every row.
async fn column_texts(page: &Client, n: usize) -> Vec<String> {
    let script = format!(
        "return [...document.querySelectorAll('#catalog-table tbody tr')]\
         .map(r => r.children[{}].textContent.trim());",
        n - 1
    );
    let value = page.execute(&script, vec![]).await.expect("read column");
    value
        .as_array()
        .map(|cells| cells.iter().filter_map(|c| c.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// The priced cells of a column as numbers, in table order (unpriced "—" cells dropped).
fn numbers(cells: Vec<String>) -> Vec<f64> {
    cells.iter().filter_map(|c| c.parse().ok()).collect()
}

async fn p5_on_demand(page: &Client) -> String {
    let script = "const row = [...document.querySelectorAll('#catalog-table tbody tr')]\
        .find(r => r.children[0].textContent.startsWith('aws:p5.48xlarge') && r.children[2].textContent === 'us-east-1');\
        return row ? row.children[3].textContent : '';";
    let value = page.execute(script, vec![]).await.expect("read p5 row");
    value.as_str().unwrap_or_default().to_owned()
}

async fn upload(page: &Client, file: &Path) {
    upload_to(page, "catalog.prices", file).await;
}

async fn upload_to(page: &Client, input_id: &str, file: &Path) {
    let input = page.find(Locator::Id(input_id)).await.expect("file input");
    input.send_keys(&file.display().to_string()).await.expect("choose file");
}

struct Browser {
    client: Client,
    /// `host:port` the app is served at.
    site: String,
    _driver: KillOnDrop,
}

impl Browser {
    async fn start() -> Self {
        Self::start_at("/").await
    }

    /// A browser on the Serving page of `scenario`, opened from its link.
    async fn start_on_serving(scenario: &mlcost::Scenario) -> Self {
        let link = mlcost::scenario::share::encode(scenario);
        Self::start_at(&format!("/?page=serving#s={link}")).await
    }

    /// A browser on `path` of a fresh server for the built app.
    async fn start_at(path: &str) -> Self {
        let dist = PathBuf::from(std::env::var_os("MLCOST_DIST").expect(IGNORED));
        assert!(
            dist.join("index.html").is_file(),
            "{} has no index.html: build the app",
            dist.display()
        );
        Self::serving(dist, path).await
    }

    /// A browser on `path` of a fresh server for the files in `dir`.
    async fn serving(dir: PathBuf, path: &str) -> Self {
        let site = serve(dir);
        let driver_port = free_port();
        let chromedriver =
            std::env::var_os("CHROMEDRIVER").unwrap_or_else(|| "chromedriver".into());
        let mut command = Command::new(&chromedriver);
        command.arg(format!("--port={driver_port}")).stdout(Stdio::null()).stderr(Stdio::null());
        // Its own process group, with the browser it starts: a test that panics before closing
        // the browser must not leave Chromium running (and slowing the tests after it).
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let driver =
            command.spawn().unwrap_or_else(|e| panic!("cannot start {chromedriver:?}: {e}"));
        let driver = KillOnDrop(driver);
        wait_until_listening(driver_port);

        let mut options = json!({"args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--window-size=1280,900",
        ]});
        if let Some(chromium) = std::env::var_os("CHROMIUM") {
            options["binary"] = json!(chromium.to_string_lossy());
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
            .expect("chromedriver session");
        client.goto(&format!("http://{site}{path}")).await.expect("open the site");
        Self { client, site, _driver: driver }
    }

    /// Saves a PNG for people to look at (a test artifact, not committed).
    async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-artifacts");
        std::fs::create_dir_all(&dir).expect("artifact dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    async fn close(self) {
        let _ = self.client.close().await;
    }
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // The whole group: chromedriver and the browser it started.
        #[cfg(unix)]
        let _ =
            Command::new("kill").args(["-s", "KILL", "--", &format!("-{}", self.0.id())]).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Polls until `selector` has non-empty text (the app renders after the wasm loads).
async fn wait_for_text(page: &Client, selector: &str) -> String {
    poll(|| async { Some(text_of(page, selector).await).filter(|t| !t.is_empty()) }, selector).await
}

/// Polls until `selector` shows text other than `before`. Why not empty text? While the app
/// re-renders (after Back, a reload) the element can be missing for a moment: that is no figure.
async fn wait_for_change(page: &Client, selector: &str, before: &str) -> String {
    poll(
        || async { Some(text_of(page, selector).await).filter(|t| t != before && !t.is_empty()) },
        selector,
    )
    .await
}

/// Opens the fine-tune-and-serve Llama 3.1 8B example on the Optimize page from its link and waits
/// for the advisor's recommendations.
async fn open_example_on_optimize(browser: &Browser) {
    let example = include_str!("../../examples/fine-tune-and-serve-llama-3.1-8b.json");
    let scenario = mlcost::Scenario::from_json(example).expect("the example reads");
    let link = format!(
        "http://{}/?page=optimize#s={}",
        browser.site,
        mlcost::scenario::share::encode(&scenario)
    );
    browser.client.goto(&link).await.expect("open the example on Optimize");
    wait_for_text(&browser.client, "#advisor-considered").await;
}

/// The notes under the Serving page's estimate.
async fn serving_notes(page: &Client) -> String {
    text_of(page, "section[aria-label='Serving estimate'] .notes").await
}

async fn text_of(page: &Client, selector: &str) -> String {
    match page.find(Locator::Css(selector)).await {
        Ok(element) => element.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Retries `probe` until it yields, for up to 20 s: a timeout means the page never got there.
async fn poll<F, Fut>(mut probe: F, what: &str) -> String
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<String>>,
{
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Picks `value` in each `<select>` named by `id`, in order.
async fn choose(page: &Client, choices: &[(&str, &str)]) {
    for (id, value) in choices {
        page.find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"))
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {id}: {e}"));
    }
}

/// Waits for the input `id` to hold `value` (after a file or link filled the form).
async fn wait_for_value(page: &Client, id: &str, value: &str) {
    poll(
        || async {
            let input = page.find(Locator::Id(id)).await.ok()?;
            let now = input.prop("value").await.ok().flatten()?;
            (now == value).then_some(now)
        },
        &format!("{id} to read {value}"),
    )
    .await;
}

/// Unfolds the page's Advanced section (it opens itself when it holds a setting; a click on its
/// summary would fold it then).
async fn open_advanced(page: &Client) {
    page.execute(
        "document.querySelectorAll('details.advanced').forEach(d => d.open = true);",
        vec![],
    )
    .await
    .expect("open the advanced section");
}

/// Replaces an input's text the way a person does: select it all, type over it.
async fn retype(page: &Client, id: &str, text: &str) {
    let input: Element = page.find(Locator::Id(id)).await.expect("input exists");
    input.click().await.unwrap_or_else(|e| panic!("focus {id}: {e}"));
    let length = input.prop("value").await.ok().flatten().map_or(0, |v| v.chars().count());
    // WebDriver key codes: End, then Backspace once per character.
    let keys = format!("\u{E010}{}{text}", "\u{E003}".repeat(length));
    input.send_keys(&keys).await.expect("type");
}

struct ChartPixels {
    data_url: String,
    inked: u64,
}

/// The chart canvas as an image, and how many of its pixels are not white.
async fn chart_pixels(page: &Client) -> ChartPixels {
    pixels(page, "cost-time-chart").await
}

async fn pixels(page: &Client, canvas_id: &str) -> ChartPixels {
    // The page may still be mounting its charts (a busy machine runs the tests in parallel).
    poll(
        || async { page.find(Locator::Id(canvas_id)).await.ok().map(|_| String::new()) },
        canvas_id,
    )
    .await;
    let script = r#"
        const canvas = document.getElementById(arguments[0]);
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 0; i < data.length; i += 4) {
            if (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240) inked++;
        }
        return [canvas.toDataURL(), inked];
    "#;
    let value = page.execute(script, vec![json!(canvas_id)]).await.expect("read canvas");
    let (Some(url), Some(inked)) = (value[0].as_str(), value[1].as_u64()) else {
        panic!("unexpected canvas reading {value}")
    };
    ChartPixels { data_url: url.to_owned(), inked }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start listening on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Serves `dir` over HTTP on a loopback port, one thread per connection; returns `host:port`.
fn serve(dir: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let address = listener.local_addr().expect("address").to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let dir = dir.clone();
            std::thread::spawn(move || respond(stream, &dir));
        }
    });
    address
}

fn respond(mut stream: TcpStream, dir: &Path) {
    let mut request_line = String::new();
    let mut reader = BufReader::new(&stream);
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    // Drain the headers; the request line is all this server needs.
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let relative = if path == "/" { "index.html" } else { path.trim_start_matches('/') };
    let file = dir.join(relative);
    let inside = !relative.split('/').any(|part| part == "..");
    let (status, body, kind) = match std::fs::read(&file) {
        Ok(body) if inside => ("200 OK", body, content_type(&file)),
        _ => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body));
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}
