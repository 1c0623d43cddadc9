//! Finds or installs the tools the app and its tests need, pinned to the versions the project uses.
//!
//! Tools cargo and npm install go into `.tools/` in the project (ignored by git), so nothing outside
//! the checkout changes; a matching version already on `PATH` is used instead. Browser packages (and
//! npm, if missing) come from Debian's apt, which needs root: without it, the message says what to
//! install.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{output, project_root, run};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
const TRUNK_VERSION: &str = "0.21.14";
/// binaryen's wasm-opt, from the npm registry: Debian's binaryen 108 breaks wasm-bindgen's externref
/// table, 132 does not. Trunk.toml names the same version.
const BINARYEN_VERSION: &str = "132";
/// TypeScript from the npm registry: the tests type-check the JavaScript package's declarations
/// with its `tsc --noEmit` (7: the native compiler, a second to check).
const TYPESCRIPT_VERSION: &str = "7.0.2";

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Need {
    /// Build and serve the app.
    App,
    /// The app plus headless Chromium for tests.
    Everything,
}

/// Overrides `.cargo/config.toml`'s flags for wasm32 in the app's builds (Cargo takes the
/// environment's over the file's, not both).
const WASM_RUSTFLAGS: &str = "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS";

/// The app's wasm32 flags: `.cargo/config.toml`'s, and the registry's place on this machine
/// written as `registry/`. Why? Dependencies' panic locations carry their source paths into the
/// wasm, about fifty of them: under `/root/.cargo` here, elsewhere under a longer `CARGO_HOME`,
/// which would make the first render's size, checked to the byte against its budget, depend on
/// the machine that builds it.
fn wasm_rustflags() -> String {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_default();
    // Kept in step with `.cargo/config.toml` (a test reads both).
    format!(
        "--cfg erase_components --remap-path-prefix={}=registry",
        cargo_home.join("registry").join("src").display()
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_app_builds_with_the_config_files_wasm_flags() {
        let config = std::fs::read_to_string(super::project_root().join(".cargo/config.toml"))
            .expect("the cargo config");
        let flags = super::wasm_rustflags();
        assert!(config.contains(r#"rustflags = ["--cfg", "erase_components"]"#), "{config}");
        assert!(flags.starts_with("--cfg erase_components "), "{flags}");
    }
}

#[derive(Debug)]
pub struct Tools {
    trunk: PathBuf,
    wasm_bindgen_test_runner: PathBuf,
    chromedriver: Option<PathBuf>,
    chromium: Option<PathBuf>,
    /// TypeScript's compiler, for the package's type checks (tests only).
    tsc: Option<PathBuf>,
    /// `PATH` with the installed tools first, for Trunk to find wasm-bindgen and wasm-opt.
    path: OsString,
}

impl Tools {
    pub fn trunk(&self) -> Command {
        let mut command = Command::new(&self.trunk);
        command
            .current_dir(project_root())
            .env("PATH", &self.path)
            .env(WASM_RUSTFLAGS, wasm_rustflags());
        command
    }

    /// `command` with the installed tools first on its `PATH`.
    pub fn with_path<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        command.env("PATH", &self.path)
    }

    /// Runs wasm32 test binaries in headless Chromium through wasm-bindgen-test-runner.
    pub fn wasm_test_env<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        command
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", &self.wasm_bindgen_test_runner)
            .env("PATH", &self.path);
        if let Some(chromedriver) = &self.chromedriver {
            command.env("CHROMEDRIVER", chromedriver);
        }
        command
    }

    /// Where the end-to-end tests find the built app and the browser.
    pub fn e2e_env<'a>(&self, command: &'a mut Command, dist: &Path) -> &'a mut Command {
        command.env("MLCOST_DIST", dist);
        if let Some(chromedriver) = &self.chromedriver {
            command.env("CHROMEDRIVER", chromedriver);
        }
        if let Some(chromium) = &self.chromium {
            command.env("CHROMIUM", chromium);
        }
        if let Some(tsc) = &self.tsc {
            command.env("MLCOST_TSC", tsc);
        }
        command
    }
}

pub fn ensure(need: Need) -> Result<Tools, String> {
    let root = project_root();
    let local_bin = root.join(".tools").join("bin");
    let npm_prefix = root.join(".tools").join("npm");
    let npm_bin = npm_prefix.join("node_modules").join(".bin");
    let path = prepend_path(&[&local_bin, &npm_bin]);

    ensure_wasm_target()?;
    let mut apt_packages = Vec::new();
    let wasm_opt_ready = has_version(&find("wasm-opt", &npm_bin, &path), BINARYEN_VERSION);
    // npm installs wasm-opt and TypeScript, and packs the JavaScript package.
    if (!wasm_opt_ready || need == Need::Everything) && which("npm", &path).is_none() {
        apt_packages.push("npm");
    }
    if need == Need::Everything {
        if which("chromium", &path).is_none() {
            apt_packages.push("chromium");
        }
        if which("chromedriver", &path).is_none() {
            apt_packages.push("chromium-driver");
        }
    }
    apt_install(&apt_packages)?;
    let npm = NpmPrefix { prefix: &npm_prefix, bin: &npm_bin, path: &path };
    if !wasm_opt_ready {
        npm.install("wasm-opt", "binaryen", BINARYEN_VERSION)?;
    }
    let tsc = match find("tsc", &npm_bin, &path) {
        found if has_version(&found, TYPESCRIPT_VERSION) => found,
        _ if need == Need::Everything => {
            Some(npm.install("tsc", "typescript", TYPESCRIPT_VERSION)?)
        }
        _ => None,
    };

    let trunk = find_or_install(
        "trunk",
        TRUNK_VERSION,
        &["install", "trunk", "--version", &format!("={TRUNK_VERSION}"), "--locked"],
        &local_bin,
        &path,
    )?;
    let bindgen_version = locked_version("wasm-bindgen")?;
    // Without --locked: one of the CLI's locked dependencies is missing from the registry mirror.
    let wasm_bindgen = find_or_install(
        "wasm-bindgen",
        &bindgen_version,
        &["install", "wasm-bindgen-cli", "--version", &format!("={bindgen_version}")],
        &local_bin,
        &path,
    )?;
    let wasm_bindgen_test_runner = wasm_bindgen.with_file_name("wasm-bindgen-test-runner");
    if !wasm_bindgen_test_runner.is_file() {
        return Err(format!(
            "{} is missing; reinstall wasm-bindgen-cli",
            wasm_bindgen_test_runner.display()
        ));
    }
    Ok(Tools {
        trunk,
        wasm_bindgen_test_runner,
        chromedriver: which("chromedriver", &path),
        chromium: which("chromium", &path),
        tsc,
        path,
    })
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"]))
        .ok_or("rustup is required to add the wasm32 target (https://rustup.rs)")?;
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    println!("xtask: installing the {WASM_TARGET} target with rustup");
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

/// Where npm installs the project's tools (`.tools/npm`), and the `PATH` that finds them.
struct NpmPrefix<'a> {
    prefix: &'a Path,
    bin: &'a Path,
    path: &'a OsString,
}

impl NpmPrefix<'_> {
    /// Installs `package@version` and returns its `tool`, checked to be that version.
    fn install(&self, tool: &str, package: &str, version: &str) -> Result<PathBuf, String> {
        println!(
            "xtask: installing {package} {version} ({tool}) from npm into {}",
            self.prefix.display()
        );
        run(Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(self.prefix)
            .arg(format!("{package}@{version}")))?;
        let installed = find(tool, self.bin, self.path);
        match installed {
            Some(found) if has_version(&Some(found.clone()), version) => Ok(found),
            _ => Err(format!("{tool} {version} is not in {} after installing", self.bin.display())),
        }
    }
}

/// The tool at the pinned version: `.tools/bin` first, then `PATH`, else `cargo install` into `.tools`.
fn find_or_install(
    name: &str,
    version: &str,
    install_args: &[&str],
    local_bin: &Path,
    path: &OsString,
) -> Result<PathBuf, String> {
    let candidate = find(name, local_bin, path);
    if has_version(&candidate, version) {
        return Ok(candidate.unwrap_or_default());
    }
    let root = local_bin.parent().unwrap_or(local_bin);
    println!(
        "xtask: installing {name} {version} into {} (cargo install; a few minutes)",
        root.display()
    );
    let started = std::time::Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run(Command::new(cargo).args(install_args).arg("--root").arg(root))?;
    println!("xtask: installed {name} {version} in {:.0?}", started.elapsed());
    let installed = local_bin.join(name);
    if has_version(&Some(installed.clone()), version) {
        Ok(installed)
    } else {
        Err(format!("{} does not report version {version} after installing", installed.display()))
    }
}

fn find(name: &str, local_bin: &Path, path: &OsString) -> Option<PathBuf> {
    let local = local_bin.join(name);
    if local.is_file() { Some(local) } else { which(name, path) }
}

fn has_version(tool: &Option<PathBuf>, version: &str) -> bool {
    let Some(tool) = tool else { return false };
    output(Command::new(tool).arg("--version")).is_some_and(|text| {
        text.split_whitespace().any(|word| word.trim_start_matches('v') == version)
    })
}

fn which(name: &str, path: &OsString) -> Option<PathBuf> {
    std::env::split_paths(path).map(|dir| dir.join(name)).find(|candidate| candidate.is_file())
}

fn prepend_path(dirs: &[&Path]) -> OsString {
    let existing = std::env::var_os("PATH").unwrap_or_default();
    let dirs = dirs.iter().map(|d| d.to_path_buf()).chain(std::env::split_paths(&existing));
    std::env::join_paths(dirs).unwrap_or(existing)
}

fn apt_install(packages: &[&str]) -> Result<(), String> {
    if packages.is_empty() {
        return Ok(());
    }
    let list = packages.join(" ");
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        return Err(format!(
            "missing Debian packages: {list}. Install them with `sudo apt-get install -y {list}` and run again."
        ));
    }
    println!("xtask: installing {list} with apt-get");
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "--no-install-recommends"])
        .args(packages))
}

/// The version of `package` in Cargo.lock: the wasm-bindgen CLI must match the crate exactly.
fn locked_version(package: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(project_root().join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == name_line
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    Err(format!("{package} is not in Cargo.lock"))
}
