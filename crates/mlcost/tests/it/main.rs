//! The engine's integration tests, one binary (one link, one run): each module tests one promise of
//! the public API, on native targets and, under `cargo xtask test`, in headless Chromium.

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod catalog;
mod common;
mod diff;
mod fuzz;
mod golden;
mod invariants;
mod network;
mod optimize;
mod own;
mod ranges;
mod schedule;
mod serving;
mod simulate;
mod summary;
mod utilization;
mod validation;
