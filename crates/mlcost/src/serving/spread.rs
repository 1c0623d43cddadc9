//! How far published serving measurements land from the default engine efficiencies: the spread a
//! serving estimate's range takes for them, from the validation table's serving cases.
//!
//! Why one factor for compute and bandwidth together? A published throughput or latency is one
//! number: it says how much faster or slower the engine ran than the roofline at the defaults, not
//! which of the two roofs it was nearer. So each case gives one speed ratio (published throughput
//! over the estimate's, or the estimate's latency over the published one), and the range moves
//! both efficiencies by it, as the advisor's measured speed-ups do (`estimate_with_speedup`).
//!
//! The defaults are recentred on these same measurements (`calibration`), so each is set against
//! the recentring without it: the spread is of out-of-sample speeds.

use std::sync::LazyLock;

use crate::catalogue::hardware::Accelerator;
use crate::catalogue::pricing::PriceBook;
use crate::catalogue::published::{Figure, published_cases};
use crate::scenario::Scenario;
use crate::scenario::resolve::serving::resolve_serving;
use crate::serving::calibration::{case_figure, leave_one_out_factor};
use crate::serving::estimate;
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::uncertainty::{PublishedSpan, published_span, span_ends};

/// The default efficiencies times `low` and `high` are the inputs' low and high.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeedSpread {
    /// The low end, a multiplier of at most 1.
    pub low: f64,
    /// The high end, a multiplier of at least 1.
    pub high: f64,
    /// Measurements the spread is drawn from: the architecture's own, or every one when it has too
    /// few.
    pub cases: usize,
    /// Where the spread comes from, in a sentence.
    pub source: String,
}

struct Landing {
    id: String,
    /// The hardware table's `architecture` (hopper, ampere, cdna3, …).
    architecture: String,
    /// How much faster the published system ran than the estimate at the defaults.
    speed: f64,
}

static LANDINGS: LazyLock<Result<Vec<Landing>, Error>> = LazyLock::new(landings);

fn landings() -> Result<Vec<Landing>, Error> {
    let book = PriceBook::bundled()?;
    let mut landed = Vec::new();
    for case in published_cases()?.iter().filter(|c| c.figure != Figure::AcceleratorHours) {
        let scenario = Scenario::from_json(&case.scenario.to_string())?;
        let serving =
            scenario.serving.as_ref().ok_or_else(|| Error::new("serving", Problem::Missing))?;
        let resolved = resolve_serving(scenario.model.resolve()?, serving, book, None)?;
        let architecture = resolved.accelerator.architecture.clone();
        let report = estimate(resolved)?;
        if let Some(estimated) = case_figure(case, &scenario, &report) {
            let speed = if case.figure.is_latency() {
                estimated / case.published
            } else {
                case.published / estimated
            };
            let speed = speed / leave_one_out_factor(&case.id)?.unwrap_or(1.0);
            landed.push(Landing { id: case.id.clone(), architecture, speed });
        }
    }
    Ok(landed)
}

/// How far published measurements on the accelerator's generation land from the default
/// efficiencies, leaving out the validation case `leave_out` (the one being scored).
pub fn speed_spread(
    accelerator: &Accelerator,
    leave_out: Option<&str>,
) -> Result<SpeedSpread, Error> {
    let landings = LANDINGS.as_ref().map_err(Clone::clone)?;
    let architecture = accelerator.architecture.as_str();
    let speeds = landings
        .iter()
        .filter(|l| Some(l.id.as_str()) != leave_out)
        .map(|l| (l.architecture == architecture, l.speed));
    let PublishedSpan { low, high, cases, pooled } = published_span(speeds);
    let name = architecture;
    let group = if pooled {
        format!("{} published serving measurements on every generation (too few on {name})", cases)
    } else {
        format!("{} published serving measurements on {name}", cases)
    };
    Ok(SpeedSpread {
        low,
        high,
        cases,
        source: format!(
            "{} of {group} (TensorRT-LLM, vLLM, NIM, MLPerf; a span that holds four new measurements in five): they ran {low:.2} to {high:.2} times as fast as the default efficiencies predict (see mlcost validate)",
            span_ends(cases)
        ),
    })
}
