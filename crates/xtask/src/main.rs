//! Project automation. `cargo xtask serve` builds and serves the web app; `cargo xtask test` runs every
//! check CI runs. Both first install what a fresh machine lacks (the wasm32 target, Trunk, the
//! wasm-bindgen CLI, wasm-opt, Chromium, chromedriver; for the tests TypeScript) and say what they
//! install.
//!
//! Why a Rust xtask and not shell scripts? It runs wherever cargo does, needs nothing else installed,
//! and its steps are code that clippy checks.

mod bundle;
mod compact;
mod csp;
mod module;
mod package;
mod prices;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  serve [--port N]   build the web app and serve it at http://127.0.0.1:N (default 8080)
  test               run every check CI runs: fmt, clippy (native and wasm32), native tests,
                     engine tests on wasm32 in headless Chromium, a release build of the app,
                     the JavaScript package, end-to-end tests in headless Chromium (the app,
                     the package and its types), and the bundle size report
  prices [--max-age-days N]
                     list price-book records older than N days (default 180) and offers
                     naming unknown accelerators
  fuzz [--cases N]   feed every reader (scenario JSON and TOML, links, price sheets, monitoring
                     files, schedules) N generated hostile inputs each (default 1000000), in
                     release mode; `cargo xtask test` runs 300 of each
  package            build the engine's npm package (ES module, wasm, TypeScript declarations,
                     the <mlcost-estimate> element) into target/npm/mlcost and pack it
                     (npm pack) as target/npm/mlcost-<version>.tgz; print its sizes
  bundle-size        print the size of dist/ (raw and gzip, per file)
  csp [DIR]          (Trunk's post-build hook) move the app's start-up script into a file,
                     add the Content-Security-Policy to index.html, and compact the glue and
                     style sheet (integrity hashes recomputed)
  deferred-module [DIR]
                     (Trunk's post-build hook) build the deferred pages' wasm module
                     (Optimize, Catalog, Compare) into DIR/deferred";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("test") => test(),
        Some("prices") => prices::report(&args[1..]),
        Some("fuzz") => fuzz(&args[1..]),
        Some("bundle-size") => bundle::report(&project_root().join("dist")).map(|_| ()),
        Some("csp") => csp::apply(&args[1..]),
        Some("deferred-module") => module::build(&args[1..]),
        Some("package") => {
            tools::ensure(tools::Need::App).and_then(|tools| package::build(&tools)).map(|_| ())
        }
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The long fuzz run: `cases` generated inputs per reader, in release mode, printing what each
/// reader accepted and refused (the quick run is part of the engine's tests).
fn fuzz(args: &[String]) -> Result<(), String> {
    let cases = match args {
        [] => "1000000".to_owned(),
        [flag, n] if flag == "--cases" && n.parse::<u64>().is_ok_and(|n| n > 0) => n.clone(),
        _ => return Err(format!("fuzz: expected `--cases N` (N > 0), got {args:?}\n\n{USAGE}")),
    };
    let started = Instant::now();
    run(cargo().env("MLCOST_FUZZ_CASES", &cases).args([
        "test",
        "--locked",
        "--release",
        "-p",
        "mlcost",
        "--features",
        "toml",
        "--test",
        "it",
        "fuzz",
        "--",
        "--nocapture",
        "--test-threads",
        "2",
    ]))?;
    println!("xtask: {cases} cases per reader in {:.0} s", started.elapsed().as_secs_f64());
    Ok(())
}

fn serve(args: &[String]) -> Result<(), String> {
    let port = match args {
        [] => "8080".to_owned(),
        [flag, port] if flag == "--port" && port.parse::<u16>().is_ok() => port.clone(),
        _ => {
            return Err(format!("serve: expected `--port N`, got {args:?}\n\n{USAGE}"));
        }
    };
    let tools = tools::ensure(tools::Need::App)?;
    println!("xtask: serving http://127.0.0.1:{port}/ (Ctrl-C stops)");
    run(tools.trunk().args(["serve", "--port", &port]))
}

/// The end-to-end test that measures the app's time budgets (run on its own).
const PERFORMANCE_TEST: &str = "e2e::performance::first_render_and_update_times_are_measured";

fn test() -> Result<(), String> {
    let started = Instant::now();
    let tools = tools::ensure(tools::Need::Everything)?;
    let root = project_root();
    let mut steps = Steps::default();

    steps.run("cargo fmt --check", cargo().args(["fmt", "--all", "--check"]))?;
    steps.run(
        "clippy (native)",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    steps.run(
        "clippy (wasm32)",
        cargo().args([
            "clippy",
            "--locked",
            "--target",
            tools::WASM_TARGET,
            "-p",
            "mlcost",
            "-p",
            "mlcost-wasm",
            "-p",
            "mlcost-web",
            "-p",
            "mlcost-web-deferred",
            "--lib",
            "--bins",
            "--tests",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    steps.run("native tests", cargo().args(["test", "--workspace", "--locked"]))?;
    // Another Rust tool can depend on the engine: it packages, price data inside, and the
    // packaged crate builds offline (`--allow-dirty`: a working tree may hold uncommitted edits).
    // The crate's documentation builds without a warning (links that resolve, URLs that link).
    steps.run(
        "the engine's documentation (cargo doc)",
        cargo().env("RUSTDOCFLAGS", "-D warnings").args([
            "doc",
            "-p",
            "mlcost",
            "--no-deps",
            "--locked",
        ]),
    )?;
    steps.run(
        "the engine as a crate (cargo package, offline)",
        cargo().args(["package", "-p", "mlcost", "--locked", "--offline", "--allow-dirty"]),
    )?;
    steps.run(
        "engine tests on wasm32 in headless Chromium",
        tools.wasm_test_env(&mut cargo()).args([
            "test",
            "--locked",
            "--target",
            tools::WASM_TARGET,
            "-p",
            "mlcost",
        ]),
    )?;
    steps.run("release build of the app (trunk)", tools.trunk().args(["build", "--release"]))?;
    let started_package = Instant::now();
    println!("\nxtask: ── the JavaScript package (cargo xtask package) ──");
    let package = package::build(&tools).map_err(|e| format!("the JavaScript package: {e}"))?;
    steps.record("the JavaScript package (cargo xtask package)", started_package.elapsed());
    // The built app's and package's end-to-end tests, selected by `filter` (arguments to the test
    // harness).
    let e2e = |filter: [&str; 2]| {
        let mut command = cargo();
        tools.e2e_env(&mut command, &root.join("dist"));
        command.env("MLCOST_NPM_PACKAGE", &package);
        command.args(["test", "--locked", "-p", "mlcost-tests", "--test", "it", "--", "--ignored"]);
        command.args(filter);
        command
    };
    steps.run("end-to-end tests in headless Chromium", &mut e2e(["--skip", PERFORMANCE_TEST]))?;
    // Alone, so the other browsers' load does not skew the times.
    steps.run("performance in headless Chromium", &mut e2e(["--exact", PERFORMANCE_TEST]))?;
    let first_render = bundle::report(&root.join("dist"))?;
    if first_render.gzip > bundle::FIRST_RENDER_BUDGET_GZIP {
        return Err(format!(
            "the first render downloads {} bytes gzip, over the budget of {}",
            first_render.gzip,
            bundle::FIRST_RENDER_BUDGET_GZIP
        ));
    }
    // Measured by the end-to-end run (tests/it/e2e/performance.rs): reported, not asserted.
    let performance = root.join("target/e2e-artifacts/performance.txt");
    if let Ok(figures) = std::fs::read_to_string(&performance) {
        println!("\nxtask: performance in headless Chromium (loopback)\n{figures}");
    }
    // Measured by `package::build` and tests/it/e2e/package.rs.
    if let Ok(sizes) = std::fs::read_to_string(root.join("target/npm/sizes.txt")) {
        println!("xtask: the JavaScript package (raw and gzip bytes)\n{sizes}");
    }
    if let Ok(figures) = std::fs::read_to_string(root.join("target/e2e-artifacts/package.txt")) {
        println!("xtask: the package in headless Chromium (loopback)\n{figures}");
    }
    // Measured by tests/it/e2e/screens.rs, with the screenshots beside it.
    let layout = root.join("target/e2e-artifacts/layout.txt");
    if let Ok(figures) = std::fs::read_to_string(&layout) {
        println!("xtask: layout at 360 px (screenshots in target/e2e-artifacts)\n{figures}");
    }
    steps.summary();
    println!("xtask: all checks passed in {:.0?}", started.elapsed());
    Ok(())
}

/// Runs steps in order and remembers how long each took, for the summary CI prints.
#[derive(Default)]
struct Steps(Vec<(&'static str, std::time::Duration)>);

impl Steps {
    fn run(&mut self, name: &'static str, command: &mut Command) -> Result<(), String> {
        println!("\nxtask: ── {name} ──");
        let started = Instant::now();
        run(command).map_err(|e| format!("{name} failed: {e}"))?;
        self.0.push((name, started.elapsed()));
        Ok(())
    }

    /// A step run by xtask itself, not as a command.
    fn record(&mut self, name: &'static str, took: std::time::Duration) {
        self.0.push((name, took));
    }

    fn summary(&self) {
        println!("\nxtask: step times");
        for (name, took) in &self.0 {
            println!("  {:>7.1}s  {name}", took.as_secs_f64());
        }
    }
}

fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(project_root());
    command
}

fn run(command: &mut Command) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("cannot start {command:?}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{command:?} exited with {status}")) }
}

/// Output of a command that must succeed, as text.
fn output(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_default()
}
