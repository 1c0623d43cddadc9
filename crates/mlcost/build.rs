//! Embeds `pricing-data/` compactly: each file minified, and for the browser (wasm32) with only
//! the figures of each offer's network (its citation is the CLI's), and without the records'
//! `note` fields — reviewers' provenance remarks the CLI shows and the web app does not,
//! which would otherwise be a tenth of the page's download — nor the files' `description`s, written
//! for people reading the files, nor the model presets' fields kept only for reference. Dates
//! always stay; so do the sources of storage and APIs, which
//! every page shows. Without the `citations` feature (the app's first render), the hardware
//! table's, the model presets' and the offers' sources go too, and the offers' host CPUs and
//! memory: the first render shows none of them (the Catalog page, in its second module, shows
//! the offers'), and the second module, which builds with the feature, has them all.

use std::path::Path;

const FILES: [&str; 8] = [
    "accelerators.json",
    "offers.json",
    "storage.json",
    "apis.json",
    "models.json",
    "validation.json",
    "servers.json",
    "carbon.json",
];

fn main() {
    // Read at run time: a build script binary may be reused from another checkout of the crate.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    // The crate's own `pricing-data` (a link to the workspace's in the repository, its files in a
    // packaged crate), so `cargo package -p mlcost` carries the data it embeds.
    let data = Path::new(&manifest).join("pricing-data");
    let out = std::env::var("OUT_DIR").unwrap_or_default();
    let browser = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    let citations = std::env::var_os("CARGO_FEATURE_CITATIONS").is_some();
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
                    keep_network_figures(&mut value);
                    if file == "models.json" {
                        drop_fields(&mut value, "models", &REFERENCE_FIELDS);
                    }
                    if !citations && UNSHOWN_CITATIONS.contains(&file) {
                        blank_sources(&mut value);
                    }
                    if !citations && file == "offers.json" {
                        drop_fields(&mut value, "offers", &UNSHOWN_OFFER_FIELDS);
                    }
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

/// The browser's offers keep of their network only what the engine computes and says with: its
/// bandwidth and technology. The app shows no network citation, and the citations and dates would
/// take 3 KB of the first render's budget; the CLI keeps them whole, and
/// `docs/research/instance-network-bandwidth.json` has each in full.
fn keep_network_figures(value: &mut serde_json::Value) {
    let offers = value.get_mut("offers").and_then(|o| o.as_array_mut());
    for offer in offers.into_iter().flatten() {
        if let Some(network) = offer.get_mut("network").and_then(|n| n.as_object_mut()) {
            network.retain(|key, _| key == "gbps" || key == "technology");
        }
    }
}

/// The presets' fields kept in the file for reference, which no estimate and no page reads
/// (`ModelPreset` says which): 2.2 KB of the browser's copy.
const REFERENCE_FIELDS: [&str; 4] =
    ["training_tokens", "max_context_length", "attention", "first_dense_layers"];

/// The offers' host CPUs and memory: the Catalog page (second module) and the CLI show them, the
/// first render does not (4 KB of its copy).
const UNSHOWN_OFFER_FIELDS: [&str; 2] = ["vcpus", "memory_gib"];

/// `fields` removed from each record of the file's `list`.
fn drop_fields(value: &mut serde_json::Value, list: &str, fields: &[&str]) {
    let records = value.get_mut(list).and_then(|m| m.as_array_mut());
    for record in records.into_iter().flatten().filter_map(|m| m.as_object_mut()) {
        record.retain(|key, _| !fields.contains(&key.as_str()));
    }
}

/// The files whose records' `source` the first render never shows. The offers' are 35 KB of the
/// 88 KB file (2.8 KB gzip of the first render's download).
const UNSHOWN_CITATIONS: [&str; 3] = ["accelerators.json", "models.json", "offers.json"];

/// Each record's `source` emptied (the field stays: the types require it).
fn blank_sources(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(source) = map.get_mut("source").filter(|s| s.is_string()) {
                *source = serde_json::Value::String(String::new());
            }
            map.values_mut().for_each(blank_sources);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(blank_sources),
        _ => {}
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
