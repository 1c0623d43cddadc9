//! The one integration-test binary: the CLI as a user runs it, and the built web app in headless
//! Chromium. End-to-end tests need the release build of the app and chromedriver; `cargo xtask test`
//! provides both and runs them with `--ignored`.

mod cli;
mod e2e;
mod snapshots;
mod support;
mod tidy;
