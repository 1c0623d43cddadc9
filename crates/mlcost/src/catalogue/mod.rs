//! Layer 1, the catalogue: what exists to be bought and trained. The hardware table, the price
//! book with users' sheets laid over it, the servers one can buy and what owning them costs, and
//! the model presets, all loaded from `pricing-data/`.

pub mod carbon;
pub mod hardware;
pub mod owned;
pub mod presets;
pub mod pricing;
pub mod published;
pub mod quotes;
pub mod shape;
pub mod sheet;
