//! The app's time budgets, measured in the browser with the Performance API: first render (the
//! app's `mlcost-first-render` mark, from navigation start, on loopback) and input change to every
//! number and chart updated (from the input event until the effects that redraw the charts have
//! run). Measured, not asserted: the figures go to `target/e2e-artifacts/performance.txt`, which
//! `cargo xtask test` prints.

use std::path::Path;

use super::{Browser, open_tab, wait_for_text};

const CHANGES: usize = 40;

/// Alternates a field between two values `CHANGES` times and returns each change's milliseconds:
/// from dispatching the input event until a macrotask after it (Leptos runs its effects, the
/// charts' redraws among them, as microtasks before that).
const MEASURE: &str = r#"
const [id, a, b, changes] = arguments;
const done = arguments[arguments.length - 1];
const input = document.getElementById(id);
const channel = new MessageChannel();
const times = [];
let start = 0;
channel.port1.onmessage = () => {
  times.push(performance.now() - start);
  if (times.length >= changes) { done(times); return; }
  requestAnimationFrame(() => setTimeout(change, 0));
};
function change() {
  start = performance.now();
  input.value = times.length % 2 ? a : b;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  channel.port2.postMessage(0);
}
change();
"#;

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn first_render_and_update_times_are_measured() {
    // A page of the same site that is not the app (the server's 404) first: Chromium's own
    // start-up (its renderer, the connection) is not the app's first render. The app's files are
    // still uncached when it opens.
    let browser = Browser::start_at("/not-the-app").await;
    let page = &browser.client;
    page.goto(&format!("http://{}/", browser.site)).await.expect("open the app");
    wait_for_text(page, "#training-compute-cost").await;
    let first = page
        .execute("return performance.getEntriesByName('mlcost-first-render')[0].startTime;", vec![])
        .await
        .expect("read the first-render mark");
    let first_render = first.as_f64().expect("the app marks its first render");
    let started = page
        .execute("return performance.getEntriesByName('mlcost-start')[0].startTime;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .expect("the app marks its start");
    let marks = page
        .execute(
            "return performance.getEntriesByType('mark').filter(m => m.name.startsWith('mlcost-'))\
             .map(m => `${m.name} ${m.startTime.toFixed(0)} ms`).join(', ');",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let mut lines = vec![
        format!("marks: {marks}"),
        format!(
            "first render: {first_render:.0} ms after navigation start (the wasm running at {started:.0} ms)"
        ),
    ];
    for (tab, id, a, b) in [
        ("Training", "training.accelerator_count", "2048", "4096"),
        ("Serving", "serving.daily_requests", "2M", "3M"),
    ] {
        open_tab(page, tab).await;
        wait_for_text(page, "main").await;
        let value = page
            .execute_async(MEASURE, vec![id.into(), a.into(), b.into(), CHANGES.into()])
            .await
            .expect("measure updates");
        let mut times: Vec<f64> = serde_json::from_value(value).expect("a list of times");
        assert_eq!(times.len(), CHANGES);
        assert!(times.iter().all(|t| t.is_finite() && *t >= 0.0), "{times:?}");
        times.sort_by(f64::total_cmp);
        lines.push(format!(
            "{tab} page, input change to numbers and charts updated: median {:.1} ms, p90 {:.1} ms, max {:.1} ms ({CHANGES} changes)",
            times[CHANGES / 2],
            times[CHANGES * 9 / 10],
            times[CHANGES - 1],
        ));
    }
    // The simulation in wasm on the scenario `benches/simulate.rs` times natively: an hour of one
    // replica at 50 requests a second (one replica at most, so the peak hour's is exactly that).
    let scenario = mlcost::Scenario::from_json(
        r#"{"model": {"preset": "llama-3.1-8b"},
            "serving": {"accelerator": "h100-sxm", "weight_precision": "fp8",
                        "input_tokens": 128, "output_tokens": 128, "requests_per_second": 50,
                        "price_per_accelerator_hour": 2.5,
                        "autoscaling": {"max_replicas": 1}}}"#,
    )
    .expect("the scenario reads");
    let link = format!(
        "http://{}/?page=serving#s={}",
        browser.site,
        mlcost::scenario::share::encode(&scenario)
    );
    page.goto(&link).await.expect("open the simulated scenario");
    let about = wait_for_text(page, "#serving-latency-peak-about").await;
    let study = page
        .execute(
            "return performance.getEntriesByName('mlcost-latency', 'measure').map(m => m.duration).pop();",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .expect("the module measures its latency study");
    lines.push(format!(
        "Serving page, the latency panel in wasm: {about} The whole study (that hour and ten loads of 2,000 requests each): {study:.0} ms (criterion's simulate/hour_at_50_requests_a_second is the native figure)"
    ));
    // The advisor in wasm on the scenario `benches/optimize.rs` times natively (fine-tuning and
    // serving Llama 3.1 8B), opened from its link: the searches, re-estimates and what-ifs.
    super::open_example_on_optimize(&browser).await;
    // The first run also parses the price book and presets: untick a recommendation and back to
    // time warm runs as well (each re-runs the whole advice).
    let measures = || async {
        let script = "return performance.getEntriesByName('mlcost-advisor', 'measure').map(m => m.duration);";
        let value = page.execute(script, vec![]).await.expect("read the advisor's measures");
        serde_json::from_value::<Vec<f64>>(value).unwrap_or_default()
    };
    for _ in 0..2 {
        let before = measures().await.len();
        super::click(page, "ol.recommendations li input[type=checkbox]").await;
        super::poll(|| async { (measures().await.len() > before).then(String::new) }, "a re-run")
            .await;
    }
    let times = measures().await;
    let configurations = page
        .execute(
            "return Number(document.getElementById('advisor-considered').dataset.configurations);",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or_default();
    assert!(
        configurations > 0.0 && times.len() >= 3 && times.iter().all(|t| t.is_finite()),
        "{times:?}"
    );
    lines.push(format!(
        "Optimize page, the advisor in wasm on examples/fine-tune-and-serve-llama-3.1-8b.json \
         ({configurations:.0} configurations weighed, re-estimates and what-ifs included): first run \
         {:.1} ms, then {:.1} ms and {:.1} ms (criterion's optimize/advice_8b is the native figure)",
        times[0],
        times[times.len() - 2],
        times[times.len() - 1],
    ));
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("artifact dir");
    std::fs::write(dir.join("performance.txt"), lines.join("\n") + "\n").expect("write");
    browser.close().await;
}
