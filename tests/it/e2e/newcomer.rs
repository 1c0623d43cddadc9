//! The traps a newcomer fell into (issue 13), each walked through as they met it: hidden settings
//! outliving the example, a placeholder that froze the estimate, Back leaving the app, an Offer box
//! out of step with the priced offer, and messages in Rust's words.

use fantoccini::{Client, Locator};
use serde_json::json;

use super::{Browser, choose, open_tab, poll, retype, text_of, wait_for_change, wait_for_text};

/// Words only a Rust program would say: a visible message containing one was written for the
/// programmer, not the user.
const RUST_WORDS: [&str; 9] =
    ["u32", "u64", "f64", "i64", "usize", "invalid type", "Some(", "None", "expected value at"];

/// Every problem shown: the marked fields' messages, banners and the stale-estimate notice.
async fn shown_problems(page: &Client) -> Vec<String> {
    let script = "return [...document.querySelectorAll('.field-error, .stale, .banner p')]\
                  .filter(e => e.offsetParent !== null).map(e => e.textContent);";
    let texts = page.execute(script, vec![]).await.expect("read the messages");
    serde_json::from_value(texts).unwrap_or_default()
}

/// A figure as the page prints it ("3.29M", "2,048") as a number.
fn figure(text: &str) -> f64 {
    let text = text.replace(',', "");
    let (digits, scale) = match text.chars().last() {
        Some('k') => (&text[..text.len() - 1], 1e3),
        Some('M') => (&text[..text.len() - 1], 1e6),
        Some('B') => (&text[..text.len() - 1], 1e9),
        _ => (text.as_str(), 1.0),
    };
    digits.parse::<f64>().map(|n| n * scale).unwrap_or_else(|_| panic!("not a figure: {text}"))
}

/// The estimate is current: no field marked, no stale notice.
async fn assert_valid(page: &Client, what: &str) {
    let problems = shown_problems(page).await;
    assert!(problems.is_empty(), "{what}: {problems:?}");
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn another_model_after_the_example_gives_a_valid_estimate() {
    let browser = Browser::start().await;
    let page = &browser.client;
    let before = wait_for_text(page, "#training-compute-cost").await;
    // The example's MoE layout (pipeline 16, expert 64) sits folded under Advanced, and says so.
    let summary = text_of(page, "details.advanced summary").await;
    assert!(summary.contains("set)"), "the folded section counts its settings: {summary}");
    retype(page, "training.accelerator_count", "8").await;
    choose(page, &[("model.preset", "llama-3.1-8b")]).await;
    let after = wait_for_change(page, "#training-compute-cost", &before).await;
    assert_valid(page, "Llama 3.1 8B on 8 GPUs after the DeepSeek-V3 example").await;
    for field in ["training.parallelism.pipeline", "training.parallelism.expert"] {
        let value = page.find(Locator::Id(field)).await.expect(field).prop("value").await;
        assert_eq!(value.ok().flatten().as_deref(), Some(""), "{field} kept from the example");
    }
    assert!(after.starts_with('$'), "{after}");

    // On Serving, the comparison follows the model: the APIs serving Llama 3.1 8B.
    open_tab(page, "Serving").await;
    wait_for_text(page, "#serving-apis tbody tr").await;
    let apis = text_of(page, "#serving-apis").await;
    assert!(apis.contains("Llama 3.1 8B"), "{apis}");
    assert!(!apis.contains("DeepSeek"), "the example's API stays ticked: {apis}");
    // And the list filters as the user types.
    retype(page, "api-filter", "groq").await;
    let listed = page
        .execute(
            "return [...document.querySelectorAll('.apis .check')].map(e => e.textContent);",
            vec![],
        )
        .await
        .expect("the listed APIs");
    let listed: Vec<String> = serde_json::from_value(listed).unwrap_or_default();
    assert!(
        listed.iter().all(|api| api.contains("groq")
            || api.contains("Llama 3.1 8B")
            || api.contains("GPT-5")),
        "{listed:?}"
    );
    browser.screenshot("serving-after-model-change-1280").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn the_parameters_placeholder_typed_on_the_default_page_is_a_valid_model() {
    let browser = Browser::start().await;
    let page = &browser.client;
    let before = wait_for_text(page, "#training-compute-cost").await;
    let placeholder = page
        .find(Locator::Id("model.parameters"))
        .await
        .expect("the parameters field")
        .attr("placeholder")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    let typed = placeholder.trim_start_matches("e.g. ");
    assert_eq!(typed, "7B");
    retype(page, "model.parameters", typed).await;
    wait_for_change(page, "#training-compute-cost", &before).await;
    assert_valid(page, "7B typed into Parameters").await;
    let preset = page.find(Locator::Id("model.preset")).await.expect("preset").prop("value").await;
    assert_eq!(preset.ok().flatten().as_deref(), Some(""), "a parameter count is a custom model");
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn the_example_says_what_it_is_fits_and_shows_its_published_figure() {
    let browser = Browser::start().await;
    let page = &browser.client;
    let hours = wait_for_text(page, "#training-accelerator-hours").await;
    let label = text_of(page, "#example-label").await;
    assert!(label.contains("Example: DeepSeek-V3 pre-training"), "{label}");
    assert!(label.contains("arXiv 2412.19437"), "the example names its source: {label}");
    let published = text_of(page, "#training-accelerator-hours-published").await;
    assert!(published.contains("2.664M") && published.contains("Table 1"), "{published}");
    let memory = text_of(page, "#training-memory").await;
    assert!(!memory.contains("does not fit"), "the published layout fits: {memory}");
    assert_valid(page, "the example").await;

    // FP8 gains over BF16 what published runs measured: the hours change.
    choose(page, &[("training.precision", "bf16")]).await;
    let bf16_hours = wait_for_change(page, "#training-accelerator-hours", &hours).await;
    let speedup = figure(&bf16_hours) / figure(&hours);
    assert!((1.1..1.7).contains(&speedup), "FP8 {hours}, BF16 {bf16_hours}");
    // Changed, it is the user's scenario: no published figure, and a way back to the example.
    let label = wait_for_change(page, "#example-label", &label).await;
    assert!(label.contains("changed from the example"), "{label}");
    assert!(text_of(page, "#training-accelerator-hours-published").await.is_empty());
    super::click(page, "#reset-example").await;
    assert_eq!(wait_for_change(page, "#training-accelerator-hours", &bf16_hours).await, hours);
    // And the reset can be undone.
    super::click(page, "#undo-replaced").await;
    assert_eq!(wait_for_change(page, "#training-accelerator-hours", &hours).await, bf16_hours);
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn serving_says_when_optimize_knows_a_cheaper_way_and_links_to_it() {
    let browser = Browser::start().await;
    let page = &browser.client;
    open_tab(page, "Serving").await;
    // The example prices one 8×H200 layout; the advisor finds a cheaper one, and the page says so.
    let hint = wait_for_text(page, "#serving-optimize-hint").await;
    assert!(hint.starts_with("Optimize knows a cheaper way"), "{hint}");
    assert!(hint.contains("a month"), "{hint}");
    super::click(page, "#serving-optimize-hint button").await;
    wait_for_text(page, "#advisor-considered").await;
    let tab = page
        .execute("return document.querySelector('nav [aria-current=page]').textContent;", vec![])
        .await
        .expect("current tab");
    assert_eq!(tab, json!("Optimize"));
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn back_returns_to_the_previous_scenario() {
    let browser = Browser::start().await;
    let page = &browser.client;
    let first = wait_for_text(page, "#training-compute-cost").await;
    let address = || async { page.current_url().await.map(|u| u.to_string()).unwrap_or_default() };
    // The first link replaces the entry the app opened on; the next change adds one.
    let first_link =
        poll(|| async { Some(address().await).filter(|u| u.contains("#s=")) }, "a link").await;
    retype(page, "training.accelerator_count", "4096").await;
    let second = wait_for_change(page, "#training-compute-cost", &first).await;
    poll(|| async { Some(address().await).filter(|u| *u != first_link) }, "a new entry").await;
    page.back().await.expect("Back");
    let back = wait_for_change(page, "#training-compute-cost", &second).await;
    assert_eq!(back, first, "Back shows the scenario before the change");
    let count = page.find(Locator::Id("training.accelerator_count")).await.expect("count");
    assert_eq!(count.prop("value").await.ok().flatten().as_deref(), Some("2048"));
    page.forward().await.expect("Forward");
    assert_eq!(wait_for_change(page, "#training-compute-cost", &first).await, second);
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn the_offer_box_shows_the_priced_offer_after_opening_a_recommendation() {
    let browser = Browser::start().await;
    let page = &browser.client;
    super::open_example_on_optimize(&browser).await;
    super::click(page, "ol.recommendations li button").await;
    poll(
        || async {
            let undo = text_of(page, "#replaced-notice").await;
            (!undo.is_empty()).then_some(undo)
        },
        "the opened scenario, with Undo",
    )
    .await;
    let tab = page
        .execute("return document.querySelector('nav [aria-current=page]').textContent;", vec![])
        .await
        .expect("current tab");
    let section = if tab == json!("Serving") { "serving" } else { "training" };
    let offer = page
        .execute(
            &format!(
                "const s = document.getElementById('{section}.offer'); \
                 return s && !s.closest('.hidden') ? [s.value, s.selectedOptions[0].value] : null;"
            ),
            vec![],
        )
        .await
        .expect("the offer box");
    if let Some([value, shown]) = serde_json::from_value::<Option<[String; 2]>>(offer).unwrap() {
        assert_eq!(value, shown, "the box shows the offer the field holds");
        let priced = text_of(page, &format!("#{section}-price")).await;
        assert!(priced.contains(&value), "priced {priced}, box {value}");
        // Another accelerator drops the offer and says so at the box.
        choose(page, &[(&format!("{section}.accelerator"), "a100-sxm-80gb")]).await;
        let message = wait_for_text(page, &format!("#{}\\.offer-error", section)).await;
        assert!(message.starts_with("Choose an offer"), "{message}");
    }
    // Undo brings the user's scenario back.
    super::click(page, "#undo-replaced").await;
    poll(
        || async {
            let url = page.current_url().await.ok()?.to_string();
            url.contains("page=optimize").then_some(url)
        },
        "the scenario before the opening",
    )
    .await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn no_visible_message_speaks_rust() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    super::open_advanced(page).await;
    let tries = [
        ("training.accelerator_count", "-5"),
        ("training.accelerator_count", "1e26"),
        ("training.accelerator_count", "2.5"),
        ("training.tokens", "1e40"),
        ("training.tokens", "abc"),
        ("training.parallelism.zero_stage", "7"),
        ("training.mfu", "2"),
        ("model.hf_config", "{\"hidden_size\": \"big\"}"),
        ("model.hf_config", "[1, 2]"),
    ];
    for (field, text) in tries {
        paste(page, field, text).await;
        let problems = poll(
            || async {
                let shown = shown_problems(page).await;
                (!shown.is_empty()).then(|| shown.join(" | "))
            },
            &format!("a message for {text} in {field}"),
        )
        .await;
        for word in RUST_WORDS {
            assert!(!problems.contains(word), "{text} in {field}: {problems}");
        }
        assert!(!problems.contains(field), "the path is for JSON, not the form: {problems}");
        paste(page, field, "").await;
    }
    browser.close().await;
}

/// Puts `text` in the field as a paste does: all at once, one input event.
async fn paste(page: &Client, id: &str, text: &str) {
    let script = "const field = document.getElementById(arguments[0]); field.value = arguments[1]; \
                  field.dispatchEvent(new Event('input', { bubbles: true }));";
    page.execute(script, vec![json!(id), json!(text)]).await.expect("paste");
}

/// Issue 14's classes of bad value, typed (or pasted) into the forms: each is refused with a
/// message at its own field, in words, short, with nothing a programmer would say, and what was
/// typed stays in the field to fix.
#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn every_class_of_bad_value_is_refused_at_its_field_and_kept() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    let long = "9".repeat(70_000);
    let training: &[(&str, &str, &str)] = &[
        ("training.accelerator_count", "-5", "whole number"),
        ("training.accelerator_count", "1.5", "whole number"),
        ("training.accelerator_count", "99999999999", "whole number"),
        ("training.accelerator_count", "4194304", "at most 1048576"),
        ("training.tokens", "1e40", "at most 1e16"),
        ("training.tokens", "1e999", "not a number"),
        ("training.tokens", "=cmd|' /C calc'!A0", "not a number"),
        ("training.tokens", "2,50", "decimals take a point"),
        ("training.tokens", &long, "not a number"),
        ("training.price_per_accelerator_hour", "1e9", "at most 1000"),
    ];
    let mut last = String::new();
    for (field, typed, says) in training {
        last = refused_at(page, field, typed, says, &last).await;
    }
    // Put right, the page estimates again.
    poll(|| async { shown_problems(page).await.is_empty().then_some(String::new()) }, "no problem")
        .await;

    open_tab(page, "Serving").await;
    wait_for_text(page, "#serving-monthly-cost").await;
    for (field, typed, says) in [
        ("serving.parallelism.tensor", "2000000", "at most 1048576"),
        ("serving.daily_requests", "1e20", "at most"),
        ("serving.input_tokens", "1e12", "at most 100000000"),
    ] {
        last = refused_at(page, field, typed, says, &last).await;
    }
    browser.close().await;
}

/// Pastes `typed` into `field` and waits for its message to say `says`; checks the message is short
/// and in words and the field still holds what was typed. Returns the message.
async fn refused_at(page: &Client, field: &str, typed: &str, says: &str, previous: &str) -> String {
    let input = page.find(Locator::Id(field)).await.expect(field);
    let before = input.prop("value").await.ok().flatten().unwrap_or_default();
    paste(page, field, typed).await;
    let selector = format!("#{}-error", field.replace('.', "\\."));
    let message = poll(
        || async {
            let text = text_of(page, &selector).await;
            (text.contains(says) && text != previous).then_some(text)
        },
        &format!("{field} refusing {} with \"{says}\"", typed.chars().take(20).collect::<String>()),
    )
    .await;
    assert!(message.len() < 400, "{field}: a message of {} bytes", message.len());
    for word in RUST_WORDS {
        assert!(!message.contains(word), "{field}: {message}");
    }
    let kept = page.find(Locator::Id(field)).await.expect(field).prop("value").await;
    assert_eq!(kept.ok().flatten().as_deref(), Some(typed), "{field} keeps what was typed");
    // Put back, so the next field's problem is the only one (a field that cannot be read stops
    // the engine from checking the others).
    paste(page, field, &before).await;
    message
}
