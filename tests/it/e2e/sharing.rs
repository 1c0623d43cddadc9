//! The app as people pass it around: links, files, embeds; and what keeps it safe to do so (a
//! strict CSP, nothing fetched after load, a visible error instead of a frozen page).

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;

use super::{
    Browser, SHOWN_PAGE, open_tab, poll, retype, serve, text_of, upload_to, wait_for_text,
    wait_for_value,
};

/// The page's address once the app has written the current scenario's link into it.
async fn link_in_address_bar(page: &fantoccini::Client, containing: &str) -> String {
    poll(
        || async {
            let url = page.current_url().await.ok()?.to_string();
            (url.contains("#s=2.") && url.contains(containing)).then_some(url)
        },
        "the scenario's link in the address bar",
    )
    .await
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn a_link_restores_the_whole_scenario() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    let before = link_in_address_bar(page, "").await;
    retype(page, "training.accelerator_count", "4096").await;
    let cost = poll(
        || async {
            let text = text_of(page, "#training-compute-cost").await;
            let url = page.current_url().await.ok()?.to_string();
            (url != before).then_some(text)
        },
        "the link to follow the change",
    )
    .await;
    open_tab(page, "Serving").await;
    let before = page.current_url().await.expect("the address").to_string();
    retype(page, "serving.daily_requests", "5M").await;
    // The address bar follows once typing pauses.
    let link = poll(
        || async {
            let url = page.current_url().await.ok()?.to_string();
            (url != before && url.contains("#s=2.")).then_some(url)
        },
        "the serving change in the link",
    )
    .await;

    // A fresh page from the link alone, on the page it was copied from.
    assert!(link.contains("page=serving"), "the link names its page: {link}");
    page.goto("about:blank").await.expect("leave");
    page.goto(&link).await.expect("open the link");
    wait_for_text(page, "#serving-monthly-cost").await;
    let daily = page.find(Locator::Id("serving.daily_requests")).await.expect("daily");
    assert_eq!(daily.prop("value").await.ok().flatten().as_deref(), Some("5M"));
    open_tab(page, "Training").await;
    wait_for_text(page, "#training-compute-cost").await;
    let count = page.find(Locator::Id("training.accelerator_count")).await.expect("count");
    assert_eq!(count.prop("value").await.ok().flatten().as_deref(), Some("4096"));
    assert_eq!(text_of(page, "#training-compute-cost").await, cost);
    assert!(text_of(page, ".banner").await.is_empty(), "a good link raises no banner");
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn a_damaged_link_says_why_and_opens_the_defaults() {
    let browser = Browser::start().await;
    let page = &browser.client;
    let default_cost = wait_for_text(page, "#training-compute-cost").await;
    let link = link_in_address_bar(page, "").await;
    let damaged = &link[..link.len() - 7];
    for (url, why) in [
        (damaged.to_owned(), "the link's data"),
        (format!("http://{}/#s=9.abc", browser.site), "version \"9\""),
    ] {
        page.goto("about:blank").await.expect("leave");
        page.goto(&url).await.expect("open the damaged link");
        let banner = wait_for_text(page, ".banner").await;
        assert!(banner.contains("could not be opened") && banner.contains(why), "{banner}");
        assert_eq!(wait_for_text(page, "#training-compute-cost").await, default_cost);
    }
    browser.screenshot("damaged-link-1280").await;
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn a_scenario_file_opens_and_a_bad_one_is_refused() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    let dir = std::env::temp_dir().join(format!("mlcost-e2e-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // The format `mlcost estimate` reads.
    let good = dir.join("llama.json");
    let scenario = json!({
        "model": {"preset": "llama-3.1-8b"},
        "training": {"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 64,
                     "precision": "bf16", "price_per_accelerator_hour": 2.5}
    });
    std::fs::write(&good, scenario.to_string()).expect("write scenario");
    upload_to(page, "import-scenario", &good).await;
    wait_for_value(page, "training.accelerator_count", "64").await;
    let preset = page.find(Locator::Id("model.preset")).await.expect("preset");
    assert_eq!(preset.prop("value").await.ok().flatten().as_deref(), Some("llama-3.1-8b"));

    let bad = dir.join("broken.json");
    std::fs::write(&bad, r#"{"model": {}, "training": {"tokens": "lots"}}"#).expect("write");
    upload_to(page, "import-scenario", &bad).await;
    let message = wait_for_text(page, "#import-error").await;
    assert!(message.starts_with("broken.json: training"), "{message}");
    assert!(message.contains("Nothing was changed"), "{message}");
    let count = page.find(Locator::Id("training.accelerator_count")).await.expect("count");
    assert_eq!(count.prop("value").await.ok().flatten().as_deref(), Some("64"));
    let _ = std::fs::remove_dir_all(dir);
    browser.close().await;
}

/// Waits for the deferred pages' module, which the app fetches right after its first render.
async fn wait_for_deferred_module(page: &fantoccini::Client) {
    poll(
        || async {
            let script = "return performance.getEntriesByName('mlcost-deferred-loaded').length;";
            let marks = page.execute(script, vec![]).await.ok()?;
            (marks.as_u64() == Some(1)).then(String::new)
        },
        "the deferred pages' module",
    )
    .await;
}

/// Keeps what the page downloads (scenario JSON, results CSV) in `window.mlcostDownloads` as
/// blobs, and stops the browser saving them: the test reads them back from the page.
const CAPTURE_DOWNLOADS: &str = "window.mlcostDownloads = [];
const create = URL.createObjectURL;
URL.createObjectURL = (blob) => { window.mlcostDownloads.push(blob); return create.call(URL, blob); };
HTMLAnchorElement.prototype.click = function () {};";

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn exported_json_and_csv_read_back_and_the_json_reopens_the_scenario() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    retype(page, "training.accelerator_count", "4096").await;
    open_tab(page, "Serving").await;
    retype(page, "serving.daily_requests", "3M").await;
    open_tab(page, "Training").await;
    let total = poll(
        || async {
            let url = page.current_url().await.ok()?.to_string();
            let total = text_of(page, "#training-total-cost").await;
            // The link follows the last edit once both sections read.
            (url.contains("#s=2.") && !total.is_empty()).then_some(total)
        },
        "the estimate",
    )
    .await;
    // The CSV is written by the deferred pages' module: wait for it like a user would.
    wait_for_deferred_module(page).await;
    page.execute(CAPTURE_DOWNLOADS, vec![]).await.expect("capture downloads");
    super::click(page, "#export-json").await;
    super::click(page, "#export-csv").await;
    let script = "const done = arguments[arguments.length - 1];
        Promise.all(window.mlcostDownloads.map(b => b.text())).then(done);";
    let files = page.execute_async(script, vec![]).await.expect("read the downloads");
    let files: Vec<String> = serde_json::from_value(files).expect("two texts");
    assert_eq!(files.len(), 2, "{files:?}");
    let (json_text, csv) = (&files[0], &files[1]);

    // The JSON is the CLI's format, with both sections as typed.
    let scenario = mlcost::Scenario::from_json(json_text).expect("the CLI reads the export");
    let training = scenario.training.as_ref().expect("training section");
    assert_eq!(training.accelerator_count, 4096, "{json_text}");
    assert!(scenario.serving.is_some(), "{json_text}");
    // The CSV has every figure under its JSON path; its total is the one on the page.
    assert!(csv.starts_with("key,value\n"), "{csv}");
    let row = |key: &str| {
        csv.lines()
            .find_map(|line| line.strip_prefix(&format!("{key},")))
            .and_then(|value| value.parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no {key} row in {csv}"))
    };
    let shown = super::usd_amount(&total);
    let exported = row("training.total_cost_usd");
    assert!((exported / shown - 1.0).abs() < 0.01, "CSV {exported} against page {total}");
    assert!(row("serving.monthly_cost_usd") > 0.0);

    // Importing the exported file restores what was exported.
    retype(page, "training.accelerator_count", "8192").await;
    let dir = std::env::temp_dir().join(format!("mlcost-e2e-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("mlcost-scenario.json");
    std::fs::write(&file, json_text).expect("write the export");
    upload_to(page, "import-scenario", &file).await;
    wait_for_value(page, "training.accelerator_count", "4096").await;
    assert_eq!(wait_for_text(page, "#training-total-cost").await, total);
    let _ = std::fs::remove_dir_all(dir);
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn embed_mode_renders_in_an_iframe_on_another_site() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    let link = link_in_address_bar(page, "").await;
    let fragment = link.split_once('#').map(|(_, f)| f).unwrap_or_default();
    let dir = std::env::temp_dir().join(format!("mlcost-e2e-wiki-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let src = format!("http://{}/?embed&page=serving#{fragment}", browser.site);
    std::fs::write(
        dir.join("index.html"),
        format!(
            "<!doctype html><title>Team wiki</title><h1>Our serving plan</h1>\
             <iframe src=\"{}\" width=\"100%\" height=\"700\" style=\"border:0\"></iframe>",
            src.replace('&', "&amp;")
        ),
    )
    .expect("write the wiki page");
    let wiki = serve(dir.clone());
    page.goto(&format!("http://{wiki}/")).await.expect("open the wiki page");
    let frame = page
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css("iframe"))
        .await
        .expect("the iframe");
    frame.enter_frame().await.expect("enter the iframe");
    let cost = wait_for_text(page, "#serving-monthly-cost").await;
    assert!(cost.starts_with('$'), "{cost}");
    assert!(text_of(page, "header").await.is_empty(), "embed mode drops the header");
    let full = page.find(Locator::LinkText("Open in full app")).await.expect("full app link");
    let href = full.attr("href").await.ok().flatten().unwrap_or_default();
    // Version 1 until the second module (which deflates) has loaded, then version 2: both open.
    assert!(
        !href.contains("embed") && (href.contains("#s=2.") || href.contains("#s=1.")),
        "{href}"
    );
    page.enter_parent_frame().await.expect("back to the wiki");
    browser.screenshot("embed-in-wiki-1280").await;
    let _ = std::fs::remove_dir_all(dir);
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn the_strict_csp_holds_and_nothing_is_fetched_after_load() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    // The app's own files include the deferred pages' module, fetched right after first render.
    wait_for_deferred_module(page).await;
    let loaded = resources(page).await;
    assert!(!loaded.is_empty());
    assert!(loaded.iter().all(|url| url.contains(&browser.site)), "{loaded:?}");
    retype(page, "training.accelerator_count", "512").await;
    for tab in ["Serving", "Catalog", "Compare", "Optimize", "Training"] {
        open_tab(page, tab).await;
        poll(|| async { Some(text_of(page, SHOWN_PAGE).await).filter(|t| !t.is_empty()) }, tab)
            .await;
        if tab == "Optimize" {
            // Its charts and tables appear once data is open.
            super::click(page, "#sample-dcgm").await;
            wait_for_text(page, "#waste-total").await;
            super::wait_for_ink(page, "waste-time-chart").await;
        }
    }
    retype(page, "training.accelerator_count", "1024").await;
    wait_for_text(page, "#training-compute-cost").await;
    assert_eq!(resources(page).await, loaded, "something was fetched after load");
    let violations = page.execute("return window.mlcostCspViolations;", vec![]).await;
    assert_eq!(violations.ok(), Some(json!([])), "CSP violations reported");
    browser.close().await;
}

/// Every resource the page has fetched, by URL.
async fn resources(page: &fantoccini::Client) -> Vec<String> {
    let script = "return performance.getEntriesByType('resource').map(e => e.name);";
    let value = page.execute(script, vec![]).await.expect("read resources");
    serde_json::from_value(value).unwrap_or_default()
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn a_panic_shows_a_banner_with_a_way_back() {
    let browser = Browser::start().await;
    let page = &browser.client;
    page.goto(&format!("http://{}/?simulate-panic", browser.site)).await.expect("open");
    let banner = wait_for_text(page, "#panic-banner").await;
    assert!(banner.contains("internal error"), "{banner}");
    let reset = page.find(Locator::LinkText("Reset")).await.expect("reset link");
    reset.click().await.expect("reset");
    wait_for_text(page, "#training-compute-cost").await;
    assert!(text_of(page, "#panic-banner").await.is_empty());
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn the_keyboard_reaches_every_input() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    for tab in ["Training", "Serving", "Optimize"] {
        open_tab(page, tab).await;
        // Unfold the advanced inputs, as a keyboard user does with Enter on the summary.
        let _ = page
            .execute("document.querySelectorAll('details').forEach(d => d.open = true);", vec![])
            .await;
        let wanted = page
            .execute(
                "return [...document.querySelectorAll('main input, main select, main textarea')]\
                 .filter(e => e.offsetParent !== null && e.id).map(e => e.id);",
                vec![],
            )
            .await
            .expect("list inputs");
        let wanted: Vec<String> = serde_json::from_value(wanted).unwrap_or_default();
        assert!(wanted.len() > 10, "{wanted:?}");
        page.execute("document.activeElement.blur(); window.scrollTo(0, 0);", vec![]).await.ok();
        let body = page.find(Locator::Css("body")).await.expect("body");
        let mut reached = std::collections::BTreeSet::new();
        for _ in 0..400 {
            body.send_keys("\u{E004}").await.ok();
            let id = page.execute("return document.activeElement.id;", vec![]).await;
            if let Some(id) = id.ok().and_then(|v| v.as_str().map(str::to_owned)) {
                reached.insert(id);
            }
            if wanted.iter().all(|id| reached.contains(id)) {
                break;
            }
        }
        let missed: Vec<&String> = wanted.iter().filter(|id| !reached.contains(*id)).collect();
        assert!(missed.is_empty(), "{tab}: Tab never reaches {missed:?}");
    }
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn the_dark_theme_is_chosen_and_kept() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    let theme = || async {
        let value = page.execute("return document.documentElement.dataset.theme;", vec![]).await;
        value.ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    };
    assert_eq!(theme().await, "light", "headless Chromium prefers light");
    page.find(Locator::Css("button.theme")).await.expect("switch").click().await.expect("click");
    poll(|| async { (theme().await == "dark").then_some(String::new()) }, "the dark theme").await;
    let background = page
        .execute("return getComputedStyle(document.documentElement).backgroundColor;", vec![])
        .await
        .expect("background");
    assert_eq!(background, json!("rgb(13, 17, 23)"));
    browser.screenshot("training-dark-1280").await;
    page.refresh().await.expect("reload");
    wait_for_text(page, "#training-compute-cost").await;
    assert_eq!(theme().await, "dark", "the choice survives a reload");
    browser.close().await;
}

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn every_key_number_says_how_it_was_computed_on_demand() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    for tab in ["Training", "Serving"] {
        open_tab(page, tab).await;
        wait_for_text(page, "main dl").await;
        let missing = page
            .execute(
                "return [...document.querySelectorAll('main dl dd')]\
                 .filter(dd => !dd.querySelector('details.how')).map(dd => dd.textContent);",
                vec![],
            )
            .await
            .expect("list key numbers");
        assert_eq!(missing, json!([]), "{tab}: key numbers without a how");
    }
    open_tab(page, "Training").await;
    let how = page.find(Locator::Css("dd details.how summary")).await.expect("a how");
    how.click().await.expect("open it");
    let text = wait_for_text(page, "dd details.how[open]").await;
    assert!(text.contains("Compute + storage + egress"), "{text}");
    browser.close().await;
}

/// WCAG 2.1 contrast of every visible text element against its effective background: at least
/// 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold). Returns the failures.
const CONTRAST: &str = r#"
const parse = (c) => (c.match(/[\d.]+/g) || []).map(Number);
const lum = ([r, g, b]) => {
  const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const background = (el) => {
  for (let e = el; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
  }
  return parse(getComputedStyle(document.documentElement).backgroundColor).slice(0, 3);
};
const failures = [];
for (const el of document.querySelectorAll('h1,h2,p,label,dt,dd,span,button,th,td,summary,a,legend,li,option,input,select')) {
  if (!el.offsetParent || !el.textContent.trim() && !el.value) continue;
  if (el.closest('canvas, svg, .swatch')) continue;
  const style = getComputedStyle(el);
  if (parseFloat(style.opacity) < 1) continue;
  const fg = parse(style.color).slice(0, 3), bg = background(el);
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  const ratio = (a + 0.05) / (b + 0.05);
  const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
  const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
  if (ratio < needed) failures.push(`${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
}
return [...new Set(failures)].slice(0, 20);
"#;

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn text_has_sufficient_contrast_in_both_themes() {
    let browser = Browser::start().await;
    let page = &browser.client;
    wait_for_text(page, "#training-compute-cost").await;
    for theme in ["light", "dark"] {
        page.execute("document.documentElement.dataset.theme = arguments[0];", vec![json!(theme)])
            .await
            .expect("set the theme");
        for tab in ["Training", "Serving", "Catalog", "Compare", "Optimize"] {
            open_tab(page, tab).await;
            wait_for_text(page, SHOWN_PAGE).await;
            if tab == "Optimize" {
                // Check the results too, not only the empty panel.
                super::click(page, "#sample-dcgm").await;
                wait_for_text(page, "#waste-total").await;
            }
            let failures = page.execute(CONTRAST, vec![]).await.expect("measure contrast");
            assert_eq!(failures, json!([]), "{theme} theme, {tab} page: low contrast");
        }
    }
    browser.close().await;
}
