//! The JavaScript package (`cargo xtask package`) as another site would use it: the packed
//! tarball unpacked and served from loopback under the app's strict Content-Security-Policy, a
//! plain page running the README's JavaScript example and its `<mlcost-estimate>` element; and
//! the package's TypeScript declarations checked by `tsc --noEmit` (the README's example, a file
//! that uses every function, and the example with a misspelt field, which must fail); and the
//! example in Node, loading the wasm's bytes as the package's README says.
//!
//! `cargo xtask test` sets `MLCOST_NPM_PACKAGE` (the tarball) and `MLCOST_TSC`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;

use super::{Browser, poll};

const IGNORED: &str = "needs the packed package: run by `cargo xtask test`";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).expect("README.md")
}

/// The README's first fenced block in `language`.
fn readme_block(language: &str) -> String {
    let readme = readme();
    let fence = format!("```{language}\n");
    let start = readme.find(&fence).unwrap_or_else(|| panic!("the README has no {language} block"))
        + fence.len();
    let length = readme[start..].find("```").expect("the block ends");
    readme[start..start + length].to_owned()
}

/// The tarball unpacked into a fresh folder under `target/` (as `package/`, npm's layout).
fn unpacked(name: &str) -> PathBuf {
    let tarball = PathBuf::from(std::env::var_os("MLCOST_NPM_PACKAGE").expect(IGNORED));
    let dir = root().join("target/e2e-package").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder for the package");
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&dir)
        .status()
        .expect("tar runs");
    assert!(status.success(), "cannot unpack {}", tarball.display());
    dir
}

/// The app's policy, as the built app's page states it.
fn app_policy() -> String {
    let dist = PathBuf::from(std::env::var_os("MLCOST_DIST").expect(IGNORED));
    let html = std::fs::read_to_string(dist.join("index.html")).expect("the app's index.html");
    let start = html.find("Content-Security-Policy\" content=\"").expect("the app states a policy")
        + "Content-Security-Policy\" content=\"".len();
    html[start..].split('"').next().expect("the policy").to_owned()
}

/// Text of the first element matching `selector` inside the shadow root of `#host`.
async fn shadow_text(page: &fantoccini::Client, host: &str, selector: &str) -> String {
    page.execute(
        "const root = document.querySelector(arguments[0])?.shadowRoot; \
         return root?.querySelector(arguments[1])?.textContent ?? '';",
        vec![json!(host), json!(selector)],
    )
    .await
    .ok()
    .and_then(|v| v.as_str().map(str::to_owned))
    .unwrap_or_default()
}

async fn wait_for_shadow_text(page: &fantoccini::Client, host: &str, selector: &str) -> String {
    poll(
        || async { Some(shadow_text(page, host, selector).await).filter(|t| !t.is_empty()) },
        &format!("{selector} in {host}"),
    )
    .await
}

#[tokio::test]
#[ignore = "needs the packed package: run by `cargo xtask test`"]
async fn a_plain_page_estimates_with_the_packed_package_and_shows_the_widget() {
    let site = unpacked("site");
    std::fs::rename(site.join("package"), site.join("mlcost")).expect("serve it at /mlcost/");
    let fixtures = root().join("tests/it/e2e/package");
    for file in ["record.js", "page.css"] {
        std::fs::copy(fixtures.join(file), site.join(file)).expect("copy the page's files");
    }
    // The README's example as a page without a bundler runs it: from where the package is served.
    let example = readme_block("js").replace("from \"mlcost\"", "from \"/mlcost/mlcost.js\"");
    std::fs::write(site.join("readme-example.js"), example).expect("the example");
    // The README's element, verbatim; its link holds the chat example's scenario.
    let widget = readme_block("html");
    let chat = include_str!("../../../examples/serve-llama-3.1-8b-chat.json");
    let link = widget.split("link=\"").nth(1).and_then(|rest| rest.split('"').next());
    let linked = mlcost::scenario::share::decode(
        link.expect("the README's link").split("#s=").nth(1).expect("#s="),
    )
    .expect("the README's link reads");
    assert_eq!(linked, mlcost::Scenario::from_json(chat).expect("the example"), "README's link");
    let training = include_str!("../../../examples/train-llama-3.1-8b.json");
    let page = std::fs::read_to_string(fixtures.join("index.html"))
        .expect("the page")
        .replace("{POLICY}", &app_policy())
        .replace("{README_WIDGET}", &widget)
        .replace("{TRAINING_JSON}", training);
    std::fs::write(site.join("index.html"), page).expect("the page");

    let browser = Browser::serving(site, "/").await;
    let page = &browser.client;

    // The README's example prints the run's cost, as the engine natively computes it.
    let logged = poll(
        || async {
            let log = page.execute("return window.mlcostLog;", vec![]).await.ok()?;
            log.as_array()?.first()?.as_str().map(str::to_owned)
        },
        "the README example's output",
    )
    .await;
    assert!(logged.starts_with("301023.9"), "README example printed {logged}");

    // The README's element: the chat example's key figures, formatted as the engine formats them.
    let report = mlcost::estimate(&linked).expect("the chat example estimates");
    let summary = mlcost::summary::summarize(&report);
    let serving = &summary.sections[0];
    for figure in &serving.figures {
        let selector = format!("[data-key='{}'] dd", figure.key);
        let shown = wait_for_shadow_text(page, "mlcost-estimate", &selector).await;
        assert_eq!(shown, figure.text, "{} in the README's widget", figure.key);
    }
    let first_figure = page
        .execute("return window.mlcostFirstFigure;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .expect("the widget's first figure is timed");

    // The JSON child: a training section, its plans as bars, the chosen one marked.
    wait_for_shadow_text(page, "#from-json", "[data-key='training.total_cost_usd'] dd").await;
    let bars = page
        .execute(
            "const root = document.querySelector('#from-json').shadowRoot; \
             return [root.querySelectorAll('rect.bar').length, root.querySelectorAll('rect.chosen').length];",
            vec![],
        )
        .await
        .expect("the chart");
    let training_report =
        mlcost::estimate(&mlcost::Scenario::from_json(training).expect("example"))
            .expect("the training example estimates");
    let plans = training_report.training.as_ref().map_or(0, |t| t.by_plan.len());
    assert!(plans >= 2, "the training example's offer sells several plans");
    assert_eq!(bars, json!([plans, 1]), "a bar per plan, the priced one marked");
    // Its look comes from the page's custom properties.
    let color = page
        .execute(
            "const dd = document.querySelector('#from-json').shadowRoot.querySelector('dd'); \
             return getComputedStyle(dd).color;",
            vec![],
        )
        .await
        .expect("the figure's colour");
    assert_eq!(color, json!("rgb(230, 234, 240)"), "--mlcost-text from the page");

    // An estimate that cannot run says so above its figures; a section asked for that the
    // scenario lacks is named, with what it has.
    let warning = wait_for_shadow_text(page, "#no-fit", ".warning").await;
    assert!(warning.starts_with("Does not fit in memory"), "{warning}");
    let missing = wait_for_shadow_text(page, "#no-section", "[role='alert']").await;
    assert!(
        missing.contains("section=\"serving\"") && missing.contains("has training"),
        "{missing}"
    );

    // A mistake shows where it is, in words.
    let error = wait_for_shadow_text(page, "#mistaken", "[role='alert']").await;
    assert!(error.contains("serving.input_tokens") && error.contains("> 0"), "{error}");
    // Mended from a script through the `scenario` property, and cut to one section.
    let mended = mlcost::Scenario::from_json(chat).expect("example").to_value();
    page.execute(
        "const widget = document.querySelector('#mistaken'); \
         widget.setAttribute('section', 'serving'); widget.scenario = arguments[0];",
        vec![mended],
    )
    .await
    .expect("set the scenario");
    let month =
        wait_for_shadow_text(page, "#mistaken", "[data-key='serving.monthly_cost_usd'] dd").await;
    assert_eq!(month, serving.figures[0].text, "the mended scenario's month");
    assert_eq!(shadow_text(page, "#mistaken", "[role='alert']").await, "", "the error is gone");

    // Nothing the policy forbids was tried.
    let violations =
        page.execute("return window.mlcostCspViolations;", vec![]).await.expect("list");
    assert_eq!(violations, json!([]), "the package breaks the app's policy");

    for width in [360u32, 1280] {
        page.set_window_size(width, 1400).await.expect("resize");
        browser.screenshot(&format!("package-widget-{width}")).await;
    }
    let figures = format!(
        "widget: first figure on the page {first_figure:.0} ms after navigation start \
         (the wasm fetched, compiled and run, the README's link estimated)\n"
    );
    let dir = root().join("target/e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("artifact dir");
    std::fs::write(dir.join("package.txt"), figures).expect("write");
    browser.close().await;
}

/// `tsc --noEmit` on `file` in a project where the package is installed as `mlcost`.
fn type_check(name: &str, file: &str) -> std::process::Output {
    let tsc = std::env::var_os("MLCOST_TSC").expect(IGNORED);
    let project = unpacked(name);
    let modules = project.join("node_modules");
    std::fs::create_dir_all(&modules).expect("node_modules");
    std::fs::rename(project.join("package"), modules.join("mlcost")).expect("install");
    std::fs::write(project.join("check.ts"), file).expect("the file");
    let config = json!({
        "compilerOptions": {
            "strict": true, "noEmit": true, "target": "es2022", "module": "esnext",
            "moduleResolution": "bundler", "lib": ["es2022", "dom"]
        },
        "files": ["check.ts"]
    });
    std::fs::write(project.join("tsconfig.json"), config.to_string()).expect("tsconfig");
    Command::new(tsc).arg("-p").arg(&project).output().expect("tsc runs")
}

#[test]
#[ignore = "needs the packed package and tsc: run by `cargo xtask test`"]
fn the_declarations_type_check_uses_and_catch_a_misspelt_field() {
    let output = |out: &std::process::Output| String::from_utf8_lossy(&out.stdout).into_owned();
    let example = readme_block("js");
    let checked = type_check("tsc-readme", &example);
    assert!(checked.status.success(), "the README's example: {}", output(&checked));
    let uses = include_str!("package/typed.ts");
    let checked = type_check("tsc-uses", uses);
    assert!(checked.status.success(), "every function's use: {}", output(&checked));

    assert!(example.contains("accelerator_count"), "the example names the field it misspells");
    let misspelt =
        type_check("tsc-misspelt", &example.replace("accelerator_count", "acelerator_count"));
    let said = output(&misspelt);
    assert!(!misspelt.status.success(), "a misspelt field type-checks");
    assert!(said.contains("'acelerator_count' does not exist in type 'Training'"), "{said}");
}

/// The package README's line for Node (which cannot `fetch` a file) loads the engine from the
/// wasm's bytes, and the README's example then estimates as in the browser.
#[test]
#[ignore = "needs the packed package and node: run by `cargo xtask test`"]
fn the_readmes_node_line_loads_the_engine_from_its_bytes() {
    let project = unpacked("node");
    let modules = project.join("node_modules");
    std::fs::create_dir_all(&modules).expect("node_modules");
    std::fs::rename(project.join("package"), modules.join("mlcost")).expect("install");
    let readme = std::fs::read_to_string(modules.join("mlcost/README.md")).expect("its README");
    let line = readme
        .split("give `init` the wasm's bytes:\n`")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .expect("the README's Node line");
    // The README's example, its browser `init` line replaced by the Node one.
    let example: String = readme_block("js")
        .lines()
        .map(|l| if l.trim_start().starts_with("await init(") { line } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    let script = format!("import {{ readFile }} from \"node:fs/promises\";\n{example}\n");
    std::fs::write(project.join("example.mjs"), script).expect("the script");
    let out =
        Command::new("node").arg("example.mjs").current_dir(&project).output().expect("node runs");
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "node: {}", String::from_utf8_lossy(&out.stderr));
    assert!(printed.starts_with("301023.9"), "printed {printed}");
}
