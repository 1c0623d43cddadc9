//! How far published training runs land from the default MFU: the spread a training estimate's
//! range takes for its defaulted MFU.
//!
//! Each published run (the engine's list and the validation table's) lands at some efficiency
//! over the default's: the MFU it reached (failures taken out as the default goodput models them)
//! over the MFU the default predicts for it. The default is fitted on these same runs, so each is
//! set against the fit without it (`calibration::LeftOut::landing`): the spread is of
//! out-of-sample errors, not of the fit's residuals, which are narrower. The validation table
//! scores each run with a spread that leaves it out too, so no run vouches for itself.

use crate::catalogue::hardware::{Accelerator, Generation};
use crate::training::calibration::leave_one_out_factors;
use crate::vocabulary::error::Error;
use crate::vocabulary::uncertainty::{PublishedSpan, published_span, span_ends};

/// The default MFU times `low` and `high` is the input's low and high.
#[derive(Debug, Clone, PartialEq)]
pub struct MfuSpread {
    /// The low multiplier, at most 1.
    pub low: f64,
    /// The high multiplier, at least 1.
    pub high: f64,
    /// Published runs the span is drawn from (the generation's own, or every generation's).
    pub runs: usize,
    /// Where the span comes from, as the report says it.
    pub source: String,
}

/// How far published runs on the accelerator's generation land from the default MFU, leaving out
/// the validation case `leave_out` (the one being scored).
pub fn mfu_spread(accelerator: &Accelerator, leave_out: Option<&str>) -> Result<MfuSpread, Error> {
    let generation = Generation::of(accelerator);
    let ratios = leave_one_out_factors()?
        .iter()
        .filter(|run| Some(run.id.as_str()) != leave_out)
        .map(|run| (run.generation == generation, run.landing));
    let PublishedSpan { low, high, cases, pooled } = published_span(ratios);
    let name = match generation {
        Generation::Ampere => "Ampere",
        Generation::Hopper => "Hopper and later",
    };
    let group = if pooled {
        format!("{} published runs on every generation (too few on {name} alone)", cases)
    } else {
        format!("{} published runs and benchmarks on {name}", cases)
    };
    Ok(MfuSpread {
        low,
        high,
        runs: cases,
        source: format!(
            "{} of {group} (a span that holds four new runs in five): they reached {low:.2} to {high:.2} times the default's efficiency (see mlcost validate)",
            span_ends(cases)
        ),
    })
}
