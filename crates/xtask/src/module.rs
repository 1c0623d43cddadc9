//! Builds the deferred pages' wasm module (`web/deferred`) into Trunk's staging directory, as
//! `deferred/mlcost_web_deferred.js` and its `_bg.wasm`, which the app loads after its first
//! render (`web/src/deferred.rs`). A Trunk post-build hook, so `trunk serve` and `trunk
//! build` both get it, with the same wasm-bindgen and wasm-opt Trunk uses (found on `PATH`, where
//! `cargo xtask` puts the installed ones).

use std::path::Path;
use std::process::Command;

use crate::{project_root, run};

const PACKAGE: &str = "mlcost-web-deferred";
const ARTIFACT: &str = "mlcost_web_deferred";

pub fn build(args: &[String]) -> Result<(), String> {
    let dir = match args {
        [dir] => dir.clone(),
        [] => std::env::var("TRUNK_STAGING_DIR").map_err(|_| {
            "deferred-module: run as a Trunk hook, or give the directory".to_owned()
        })?,
        _ => return Err(format!("deferred-module: expected at most one directory, got {args:?}")),
    };
    // Trunk's profile: a release build gets the module's profile (speed over size: it runs the
    // advisor's searches and loads after the first render) and wasm-opt.
    let release = std::env::var("TRUNK_PROFILE").map_or(true, |p| p != "debug");
    let root = project_root();
    let (profile, folder) = if release { ("web-module", "web-module") } else { ("dev", "debug") };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run(Command::new(cargo).current_dir(&root).args([
        "build",
        "--quiet",
        "-p",
        PACKAGE,
        "--lib",
        "--target",
        crate::tools::WASM_TARGET,
        "--profile",
        profile,
    ]))?;
    let wasm = root.join(format!("target/{}/{folder}/{ARTIFACT}.wasm", crate::tools::WASM_TARGET));
    let out = Path::new(&dir).join(crate::bundle::AFTER_FIRST_RENDER);
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&out)
        .arg(&wasm))?;
    crate::compact::compact_folder(&out)?;
    if release {
        let optimized = out.join(format!("{ARTIFACT}_bg.wasm"));
        run(Command::new("wasm-opt")
            .arg("-O3")
            .args(wasm_opt_features(&root)?)
            .arg(&optimized)
            .arg("-o")
            .arg(&optimized))?;
    }
    Ok(())
}

/// The wasm features the app's own wasm-opt run enables (the `--enable-…` flags of
/// `data-wasm-opt-params` in `web/index.html`): one list for both modules. The app's other
/// passes there are for size, which this module does not trade speed for.
pub(crate) fn wasm_opt_features(root: &Path) -> Result<Vec<String>, String> {
    const ATTRIBUTE: &str = "data-wasm-opt-params=\"";
    let html = std::fs::read_to_string(root.join("web/index.html"))
        .map_err(|e| format!("deferred-module: cannot read web/index.html: {e}"))?;
    let start = html.find(ATTRIBUTE).ok_or("deferred-module: index.html has no wasm-opt params")?
        + ATTRIBUTE.len();
    let length = html[start..].find('"').ok_or("deferred-module: unterminated wasm-opt params")?;
    Ok(html[start..start + length]
        .split_whitespace()
        .filter(|flag| flag.starts_with("--enable-"))
        .map(str::to_owned)
        .collect())
}
