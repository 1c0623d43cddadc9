//! Embeds `pricing-data/` compactly: each file minified, and for the browser (wasm32) without the
//! records' `note` fields — reviewers' provenance remarks the CLI shows and the web app does not,
//! which would otherwise be a tenth of the page's download — nor the files' `description`s, written
//! for people reading the files. Sources and dates always stay.

use std::path::Path;

const FILES: [&str; 6] = [
    "accelerators.json",
    "offers.json",
    "storage.json",
    "apis.json",
    "models.json",
    "validation.json",
];

fn main() {
    // Read at run time: a build script binary may be reused from another checkout of the crate.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let data = Path::new(&manifest).join("../../pricing-data");
    let out = std::env::var("OUT_DIR").unwrap_or_default();
    let browser = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    for file in FILES {
        let path = data.join(file);
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        // A file that does not parse is embedded as it is: the engine reports it at run time,
        // naming the file, as it always has.
        let compact = match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(mut value) => {
                if browser {
                    drop_notes(&mut value);
                    if let Some(file) = value.as_object_mut() {
                        file.remove("description");
                    }
                }
                value.to_string()
            }
            Err(_) => text,
        };
        let target = Path::new(&out).join(file);
        std::fs::write(&target, compact)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", target.display()));
    }
}

fn drop_notes(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("note");
            map.values_mut().for_each(drop_notes);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_notes),
        _ => {}
    }
}
