//! A scenario's link payload as the app writes it: deflated (version 2) where the deflate code is
//! at hand, else its JSON as it is (version 1, which every build reads).
//!
//! Why two versions? Deflating is 8.7 KB gzip of the first render's 400 KB budget. The second
//! module has the code (this crate's `deflated-links` feature, which it turns on), and once it is
//! loaded it lends the first render its encoder ([`use_deflate`]); until then, a moment after the
//! first render, the address bar and a copied link hold the longer version 1.

#[cfg(not(feature = "deflated-links"))]
use std::cell::Cell;

use mlcost::Scenario;
use mlcost::scenario::share;

/// A scenario's JSON as a deflated payload, or none when it cannot be.
#[cfg(not(feature = "deflated-links"))]
pub type Deflate = fn(&str) -> Option<String>;

#[cfg(not(feature = "deflated-links"))]
thread_local! {
    /// The second module's encoder, once it is loaded.
    static DEFLATE: Cell<Option<Deflate>> = const { Cell::new(None) };
}

/// From now on, links are deflated by `encoder` (the second module's, once loaded).
#[cfg(not(feature = "deflated-links"))]
pub fn use_deflate(encoder: Deflate) {
    DEFLATE.with(|slot| slot.set(Some(encoder)));
}

/// `scenario`'s link payload (without the `#s=` before it).
pub fn payload(scenario: &Scenario) -> String {
    #[cfg(feature = "deflated-links")]
    return share::encode(scenario);
    #[cfg(not(feature = "deflated-links"))]
    DEFLATE
        .with(Cell::get)
        .and_then(|deflate| deflate(&scenario.to_value().to_string()))
        .unwrap_or_else(|| share::encode_plain(scenario))
}
