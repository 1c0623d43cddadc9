//! What the browser downloads: each file in dist/, raw and gzip-compressed (as a static host would
//! serve it), split into what the first render waits for and what the app fetches right after it
//! (the deferred pages' module in `deferred/`).

use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

/// The folder the app loads after its first render.
pub const AFTER_FIRST_RENDER: &str = "deferred";

/// Everything the browser downloads to first render, gzip-compressed, at most (issue 6's budget,
/// in decimal kilobytes). Sizes are deterministic for a given toolchain, so this is asserted.
pub const FIRST_RENDER_BUDGET_GZIP: u64 = 400_000;

#[derive(Debug, Default, Clone, Copy)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
}

/// Prints every file and returns the first render's total.
pub fn report(dist: &Path) -> Result<Sizes, String> {
    let mut files = Vec::new();
    walk(dist, &mut files)?;
    files.sort();
    let (mut first, mut later) = (Sizes::default(), Sizes::default());
    println!("\nxtask: bundle size ({})", dist.display());
    println!("  {:>10}  {:>10}  file", "raw", "gzip");
    for path in &files {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let gzip = gzip_len(&bytes)?;
        let name = path.strip_prefix(dist).unwrap_or(path).to_string_lossy().replace('\\', "/");
        println!("  {:>10}  {:>10}  {name}", bytes.len(), gzip);
        let total = if name.starts_with(&format!("{AFTER_FIRST_RENDER}/")) {
            &mut later
        } else {
            &mut first
        };
        total.raw += bytes.len() as u64;
        total.gzip += gzip;
    }
    println!("  {:>10}  {:>10}  total to first render (bytes)", first.raw, first.gzip);
    println!(
        "  {:>10}  {:>10}  total after first render ({AFTER_FIRST_RENDER}/)",
        later.raw, later.gzip
    );
    Ok(first)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e} (build the app first)", dir.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, files)?,
            Ok(t) if t.is_file() => files.push(path),
            _ => {}
        }
    }
    Ok(())
}

pub(crate) fn gzip_len(bytes: &[u8]) -> Result<u64, String> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    Ok(encoder.finish().map_err(|e| e.to_string())?.len() as u64)
}
