//! Every page at a phone's width (360 px) and a desktop's (1280 px), in both themes, kept as
//! screenshots for review (`target/e2e-artifacts/<page>-<width>-<theme>.png`), and where the first
//! key figure sits on a phone, written to `target/e2e-artifacts/layout.txt` (which `cargo xtask
//! test` prints). Measured, not asserted: the test asserts only that every page shows its content.

use std::path::Path;

use serde_json::json;

use super::{Browser, open_tab, wait_for_ink, wait_for_text};

/// Each page, the element that says it has rendered, and its key figure (if it has one).
const PAGES: [(&str, &str, Option<&str>); 5] = [
    ("Training", "#training-compute-cost", Some("#training-total-cost")),
    ("Serving", "#serving-monthly-cost", Some("#serving-monthly-cost")),
    ("Catalog", "#catalog-root main", None),
    ("Compare", "#compare-root main", None),
    ("Optimize", "#optimize-root main", None),
];

#[tokio::test]
#[ignore = "needs the built app and chromedriver: run by `cargo xtask test`"]
async fn every_page_at_a_phone_and_a_desktop_width_in_both_themes() {
    let browser = Browser::start().await;
    let page = &browser.client;
    let mut lines = Vec::new();
    for width in [360u32, 1280] {
        page.set_window_size(width, 800).await.expect("resize");
        for theme in ["light", "dark"] {
            page.execute("localStorage.setItem('mlcost.theme', arguments[0]);", vec![json!(theme)])
                .await
                .expect("choose the theme");
            page.refresh().await.expect("reload");
            for (tab, shown, key_figure) in PAGES {
                open_tab(page, tab).await;
                wait_for_text(page, shown).await;
                match tab {
                    "Training" => drop(wait_for_ink(page, "cost-time-chart").await),
                    "Serving" => drop(wait_for_ink(page, "serving-day-chart").await),
                    _ => {}
                }
                page.execute("window.scrollTo(0, 0);", vec![]).await.expect("scroll up");
                if let (360, "light", Some(figure)) = (width, theme, key_figure) {
                    let top = page
                        .execute(
                            "return Math.round(document.querySelector(arguments[0])\
                             .getBoundingClientRect().top + window.scrollY);",
                            vec![json!(figure)],
                        )
                        .await
                        .expect("the key figure's position");
                    lines.push(format!(
                        "{tab} page at 360 px: first key figure ({figure}) {top} px from the top"
                    ));
                }
                browser.screenshot(&format!("{}-{width}-{theme}", tab.to_lowercase())).await;
            }
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("artifact dir");
    std::fs::write(dir.join("layout.txt"), lines.join("\n") + "\n").expect("write");
    browser.close().await;
}
