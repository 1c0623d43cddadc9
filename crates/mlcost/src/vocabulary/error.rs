//! Errors name the field the user has to fix, as a dotted path into the scenario
//! (`training.tokens: must be > 0`), so every front end can show the message next to that field.

use std::fmt;

/// Why an estimate could not be made. `field` is a dotted path into the scenario (or into the report,
/// for results that overflow); `problem` says what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// The dotted path of the field at fault (`training.tokens`); empty when the error is about
    /// the whole text.
    pub field: String,
    /// What is wrong with the field.
    pub problem: Problem,
}

/// What is wrong with an [`Error`]'s field; displayed, the message without the field's path.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The input is not a scenario at all (bad JSON, wrong type); the text comes from the parser.
    Malformed(String),
    /// A required value is absent.
    Missing,
    /// The value is infinite or NaN.
    NotFinite,
    /// The value must be above zero.
    MustBePositive,
    /// A value below zero where none may be (a time, a share, an overhead).
    Negative,
    /// A count below its minimum (a model has at least one parameter).
    AtLeast(f64),
    /// Beyond what any real scenario holds: `max` in the field's `unit`, and `why` it is the limit.
    AtMost {
        /// The largest value allowed.
        max: f64,
        /// The unit `max` is in; empty for a bare number.
        unit: &'static str,
        /// Why `max` is the limit.
        why: &'static str,
    },
    /// The field may not be combined with `other`.
    Conflicts {
        /// The other field, which the user should give instead or drop.
        other: String,
    },
    /// The value must lie in `(min, max]` (exclusive below, inclusive above).
    OutOfRange {
        /// The bound the value must be above.
        min: f64,
        /// The largest value allowed.
        max: f64,
    },
    /// An id that names nothing: `kind` says what it should name ("accelerator", "preset",
    /// "API model", "recommendation"), `known` what it may be.
    Unknown {
        /// What the id should name.
        kind: &'static str,
        /// The id as the user gave it.
        id: String,
        /// The ids it may be.
        known: Vec<String>,
    },
    /// An offer id the price book does not hold.
    UnknownOffer {
        /// The id as the user gave it.
        id: String,
    },
    /// The offer is not sold under this plan (in this region, when one is given).
    NotSold {
        /// The offer's id.
        offer: String,
        /// The plan asked for, as spelled in JSON (`spot`).
        plan: String,
        /// The region asked for; absent when none was given.
        region: Option<String>,
    },
    /// A scenario field disagrees with the offer it names.
    OfferMismatch {
        /// The offer's id, or what stands for it ("the owned servers").
        offer: String,
        /// What the offer has instead, as the message says it (its accelerator, its regions).
        offer_has: String,
    },
    /// The accelerator has no dense peak in the precision asked for.
    UnsupportedPrecision {
        /// The accelerator's id.
        accelerator: String,
        /// The precision, as the message names it (`fp8`, "16-bit").
        precision: String,
    },
    /// A price sheet cell (or JSON token) is wrong; `line` and `column` are 1-based.
    BadSheet {
        /// The line, counted from 1.
        line: usize,
        /// The column, counted from 1.
        column: usize,
        /// What is wrong with the cell.
        why: String,
    },
    /// A result overflows `f64` or underflows to zero: the inputs are too extreme to mean anything.
    ResultOutOfRange,
    /// The embedded pricing data failed to load; a build defect, never the user's fault.
    BadEmbeddedData(String),
}

impl Error {
    /// An error about `field` (a dotted path; empty for the whole text).
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        Self { field: field.into(), problem }
    }
}

impl Error {
    /// This error, naming `document` when it is about the whole text (not JSON at all, or not an
    /// object): every error names something the user can find.
    pub fn within(mut self, document: &str) -> Self {
        if self.field.is_empty() {
            self.field = document.to_owned();
        }
        self
    }
}

/// The field's path, then what is wrong with it: `training.accelerator_count: must be > 0`.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = if self.field.is_empty() { "scenario" } else { &self.field };
        write!(f, "{field}: {}", self.problem)
    }
}

/// What is wrong, without the field: what a form shows next to the field itself.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Malformed(why) => write!(f, "{why}"),
            Problem::Missing => write!(f, "is required"),
            Problem::NotFinite => write!(f, "must be a finite number"),
            Problem::MustBePositive => write!(f, "must be > 0"),
            Problem::Negative => write!(f, "must be ≥ 0"),
            Problem::AtLeast(min) => write!(f, "must be at least {min}"),
            Problem::AtMost { max, unit, why } => {
                // Whole numbers as people type them (1048576); beyond that, as 1e16.
                let max = if max.fract() == 0.0 && *max < 1e15 {
                    format!("{max:.0}")
                } else {
                    format!("{max:e}")
                };
                let unit = if unit.is_empty() { String::new() } else { format!(" {unit}") };
                write!(f, "must be at most {max}{unit} ({why})")
            }
            Problem::Conflicts { other } => write!(f, "cannot be combined with {other}; give one"),
            Problem::OutOfRange { min, max } => {
                write!(f, "must be greater than {min} and at most {max}")
            }
            Problem::Unknown { kind, id, known } => {
                write!(f, "unknown {kind} \"{}\" (known: {})", clip(id), known.join(", "))
            }
            Problem::UnknownOffer { id } => {
                write!(
                    f,
                    "unknown offer \"{}\" (ids look like aws:p5.48xlarge; `mlcost catalog offers` lists them)",
                    clip(id)
                )
            }
            Problem::NotSold { offer, plan, region } => {
                write!(f, "{} has no {plan} price", clip(offer))?;
                region.as_ref().map_or(Ok(()), |r| write!(f, " in {}", clip(r)))
            }
            Problem::OfferMismatch { offer, offer_has } => {
                // What the offer has is the engine's own sentence, from the book's ids.
                write!(f, "{}: {offer_has}", clip(offer))
            }
            Problem::UnsupportedPrecision { accelerator, precision } => {
                write!(f, "{accelerator} has no dense {precision} peak; choose another precision")
            }
            Problem::BadSheet { line, column, why } => {
                write!(f, "line {line}, column {column}: {why}")
            }
            Problem::ResultOutOfRange => {
                write!(
                    f,
                    "result is out of range (too large or too small to mean anything); check the inputs' magnitudes"
                )
            }
            Problem::BadEmbeddedData(why) => write!(f, "embedded data is invalid: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// The most characters of a value the user gave that a message repeats.
const CLIPPED: usize = 60;

/// A value the user gave, as a message quotes it: at most `CLIPPED` characters, so a
/// multi-megabyte string is not echoed back whole.
pub fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(CLIPPED) {
        Some((cut, _)) => format!("{}…", &text[..cut]).into(),
        None => text.into(),
    }
}

/// serde_json appends " at line L column C" to its messages; drop it where a field path says where.
pub(crate) fn strip_position(message: &str) -> String {
    message.rfind(" at line ").map_or_else(|| message.to_owned(), |i| message[..i].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The typed problems say, in words, what is wrong and what is allowed.
    #[test]
    fn typed_problems_read_as_sentences() {
        let says = |field: &str, problem: Problem| Error::new(field, problem).to_string();
        assert_eq!(
            says(
                "serving.compare_apis[0]",
                Problem::Unknown {
                    kind: "API model",
                    id: "x".into(),
                    known: vec!["a".into(), "b".into()],
                }
            ),
            "serving.compare_apis[0]: unknown API model \"x\" (known: a, b)"
        );
        assert_eq!(says("spot_overhead", Problem::Negative), "spot_overhead: must be ≥ 0");
        let at_most = |max| Problem::AtMost { max, unit: "accelerators", why: "a reason" };
        assert_eq!(
            says("n", at_most(1_048_576.0)),
            "n: must be at most 1048576 accelerators (a reason)"
        );
        assert_eq!(says("n", at_most(1e16)), "n: must be at most 1e16 accelerators (a reason)");
    }
}
