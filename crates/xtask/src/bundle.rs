//! What the browser downloads: each file in dist/, raw and gzip-compressed (as a static host would
//! serve it), and the total.

use std::io::Write;
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;

pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
}

pub fn report(dist: &Path) -> Result<Sizes, String> {
    let mut entries: Vec<_> = std::fs::read_dir(dist)
        .map_err(|e| format!("cannot read {}: {e} (build the app first)", dist.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .collect();
    entries.sort_by_key(|entry| entry.file_name());
    let mut total = Sizes { raw: 0, gzip: 0 };
    println!("\nxtask: bundle size ({})", dist.display());
    println!("  {:>10}  {:>10}  file", "raw", "gzip");
    for entry in entries {
        let bytes =
            std::fs::read(entry.path()).map_err(|e| format!("{}: {e}", entry.path().display()))?;
        let gzip = gzip_len(&bytes)?;
        println!("  {:>10}  {:>10}  {}", bytes.len(), gzip, entry.file_name().to_string_lossy());
        total.raw += bytes.len() as u64;
        total.gzip += gzip;
    }
    println!("  {:>10}  {:>10}  total (bytes)", total.raw, total.gzip);
    Ok(total)
}

fn gzip_len(bytes: &[u8]) -> Result<u64, String> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    Ok(encoder.finish().map_err(|e| e.to_string())?.len() as u64)
}
