//! Helpers shared by the tests: the `mlcost` binary and the example scenario.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// DeepSeek-V3 pre-training as published (arXiv 2412.19437, Table 1), with the MFU it implies.
pub const DEEPSEEK_V3: &str = r#"{
  "model": {"parameters": 37e9},
  "training": {"tokens": 14.8e12, "accelerator": "h800-sxm", "accelerator_count": 2048,
               "precision": "bf16", "mfu": 0.346, "goodput": 1.0,
               "price_per_accelerator_hour": 2.0}
}"#;

/// Builds the CLI once per test run (this crate cannot depend on a binary) and returns its path.
fn mlcost_binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "-p", "mlcost-cli", "--bin", "mlcost"])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building mlcost failed");
        // Test binaries live in target/<profile>/deps; the CLI in target/<profile>.
        let exe = std::env::current_exe().expect("test binary path");
        let profile_dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>");
        profile_dir.join(format!("mlcost{}", std::env::consts::EXE_SUFFIX))
    })
}

/// Runs `mlcost` with these arguments and `stdin` on its standard input.
pub fn mlcost(args: &[&str], stdin: &str) -> Output {
    mlcost_bytes(args, stdin.as_bytes())
}

/// `mlcost` with `stdin` as raw bytes (which need not be UTF-8).
pub fn mlcost_bytes(args: &[&str], stdin: &[u8]) -> Output {
    run_mlcost(Command::new(mlcost_binary()).args(args), stdin)
}

/// `mlcost` run from `dir`, as a user types a command with relative paths there.
pub fn mlcost_in(dir: &std::path::Path, args: &[&str]) -> Output {
    run_mlcost(Command::new(mlcost_binary()).current_dir(dir).args(args), b"")
}

fn run_mlcost(command: &mut Command, stdin: &[u8]) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mlcost starts");
    child.stdin.take().expect("piped stdin").write_all(stdin).expect("write stdin");
    child.wait_with_output().expect("mlcost finishes")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
