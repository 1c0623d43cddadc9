//! Errors name the field the user has to fix, as a dotted path into the scenario
//! (`training.tokens: must be > 0`), so every front end can show the message next to that field.

use std::fmt;

/// Why an estimate could not be made. `field` is a dotted path into the scenario (or into the report,
/// for results that overflow); `problem` says what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    pub field: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The input is not a scenario at all (bad JSON, wrong type); the text comes from the parser.
    Malformed(String),
    Missing,
    NotFinite,
    MustBePositive,
    /// The value must lie in `(min, max]` (exclusive below, inclusive above).
    OutOfRange {
        min: f64,
        max: f64,
    },
    UnknownAccelerator {
        id: String,
        known: Vec<String>,
    },
    UnsupportedPrecision {
        accelerator: String,
        precision: String,
    },
    /// A price sheet cell (or JSON token) is wrong; `line` and `column` are 1-based.
    BadSheet {
        line: usize,
        column: usize,
        why: String,
    },
    /// A result does not fit in an `f64`: the inputs are too large to mean anything.
    ResultOutOfRange,
    /// The embedded pricing data failed to load; a build defect, never the user's fault.
    BadEmbeddedData(String),
}

impl Error {
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        Self { field: field.into(), problem }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = if self.field.is_empty() { "scenario" } else { &self.field };
        write!(f, "{field}: ")?;
        match &self.problem {
            Problem::Malformed(why) => write!(f, "{why}"),
            Problem::Missing => write!(f, "is required"),
            Problem::NotFinite => write!(f, "must be a finite number"),
            Problem::MustBePositive => write!(f, "must be > 0"),
            Problem::OutOfRange { min, max } => {
                write!(f, "must be greater than {min} and at most {max}")
            }
            Problem::UnknownAccelerator { id, known } => {
                write!(f, "unknown accelerator \"{id}\" (known: {})", known.join(", "))
            }
            Problem::UnsupportedPrecision { accelerator, precision } => {
                write!(f, "{accelerator} has no dense {precision} peak; choose another precision")
            }
            Problem::BadSheet { line, column, why } => {
                write!(f, "line {line}, column {column}: {why}")
            }
            Problem::ResultOutOfRange => {
                write!(f, "result is too large to represent; check the inputs' magnitudes")
            }
            Problem::BadEmbeddedData(why) => write!(f, "embedded data is invalid: {why}"),
        }
    }
}

impl std::error::Error for Error {}
