//! Layer 0, the vocabulary: the words every other layer speaks. Units, errors and input checks,
//! the JSON reader, numeric formats, plans and methods, and provenance. It imports nothing else
//! from the crate.

pub(crate) mod check;
pub mod csv;
pub mod error;
pub(crate) mod finite;
pub mod format;
pub(crate) mod json;
pub(crate) mod plain;
pub mod provenance;
pub mod terms;
pub mod uncertainty;
pub mod units;
