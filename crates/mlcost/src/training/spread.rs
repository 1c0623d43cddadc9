//! How far published training runs land from the default MFU: the spread a training estimate's
//! range takes for its defaulted MFU.
//!
//! Each published run (the engine's list and the validation table's) is estimated with the
//! defaults a user would get, and its published hours set against the estimate's: the efficiency
//! it reached over the default's, failures included for a whole run. The default is fitted on
//! these same runs, so each is set against the fit without it (`calibration::leave_one_out_factor`):
//! the spread is of out-of-sample errors, not of the fit's residuals, which are narrower. The
//! validation table scores each run with a spread that leaves it out too, so no run vouches for
//! itself.

use std::sync::LazyLock;

use crate::catalogue::hardware::{Accelerator, Generation};
use crate::catalogue::pricing::PriceBook;
use crate::catalogue::published::{Figure, published_cases};
use crate::scenario::Scenario;
use crate::scenario::resolve::training::resolve_training;
use crate::training::calibration::leave_one_out_factor;
use crate::training::estimate;
use crate::training::mfu::{PUBLISHED_RUNS, run_id};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::uncertainty::{PublishedSpan, published_span, span_ends};

/// The default MFU times `low` and `high` is the input's low and high.
#[derive(Debug, Clone, PartialEq)]
pub struct MfuSpread {
    pub low: f64,
    pub high: f64,
    pub runs: usize,
    pub source: String,
}

/// One published run: its id in the validation table, its generation, and the efficiency it
/// reached over the default's (the estimate's hours over the published hours).
struct Landing {
    id: String,
    generation: Generation,
    ratio: f64,
}

static LANDINGS: LazyLock<Result<Vec<Landing>, Error>> = LazyLock::new(landings);

fn landings() -> Result<Vec<Landing>, Error> {
    let book = PriceBook::bundled()?;
    let mut landed = Vec::new();
    for run in PUBLISHED_RUNS {
        // Written to price ideal hours (MFU and goodput 1): both left to the defaults here.
        let (hours, generation) = default_hours(&Scenario::from_json(run.scenario)?, book, true)?;
        let id = run_id(run.name);
        let ratio = hours / leave_one_out_factor(&id)? / run.accelerator_hours;
        landed.push(Landing { id, generation, ratio });
    }
    for case in published_cases()?.iter().filter(|c| c.figure == Figure::AcceleratorHours) {
        let scenario = Scenario::from_json(&case.scenario.to_string())?;
        let (hours, generation) = default_hours(&scenario, book, false)?;
        let ratio = hours / leave_one_out_factor(&case.id)? / case.published;
        landed.push(Landing { id: case.id.clone(), generation, ratio });
    }
    Ok(landed)
}

/// The accelerator-hours the default MFU (and, when `default_goodput`, the default goodput) gives
/// a published run, and its accelerator's generation.
fn default_hours(
    scenario: &Scenario,
    book: &PriceBook,
    default_goodput: bool,
) -> Result<(f64, Generation), Error> {
    let mut training =
        scenario.training.clone().ok_or_else(|| Error::new("training", Problem::Missing))?;
    training.mfu = None;
    if default_goodput {
        training.goodput = None;
    }
    let resolved = resolve_training(scenario.model.resolve()?, &training, book)?;
    let generation = Generation::of(resolved.accelerator);
    Ok((estimate(resolved)?.accelerator_hours.get(), generation))
}

/// How far published runs on the accelerator's generation land from the default MFU, leaving out
/// the validation case `leave_out` (the one being scored).
pub fn mfu_spread(accelerator: &Accelerator, leave_out: Option<&str>) -> Result<MfuSpread, Error> {
    let landings = LANDINGS.as_ref().map_err(Clone::clone)?;
    let generation = Generation::of(accelerator);
    let ratios = landings
        .iter()
        .filter(|l| Some(l.id.as_str()) != leave_out)
        .map(|l| (l.generation == generation, l.ratio));
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
