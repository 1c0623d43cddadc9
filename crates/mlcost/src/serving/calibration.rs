//! The serving efficiencies' recentring per architecture: how fast the published serving
//! measurements of the validation table ran against this roofline at the calibrated efficiencies
//! (`DEFAULT_COMPUTE_EFFICIENCY`, `DEFAULT_BANDWIDTH_EFFICIENCY`), and the median of those speeds
//! on each architecture, which the defaults are multiplied by.
//!
//! Why per architecture? The two calibration measurements are TensorRT-LLM on an H100 and an A100.
//! Published runs on other silicon and engines sit consistently off them: vLLM on MI300X at about
//! half the speed, TensorRT-LLM on L40S and B200 at three quarters. One factor per architecture,
//! fitted on the table and scored leave-one-out, takes that bias out and leaves the scatter to
//! the range. An architecture with fewer than `CASES_FOR_OWN_SPREAD` measurements takes the median
//! of every measurement, as its spread does.
//!
//! Native tools and the deferred module run this; the estimate reads the factors from
//! `speed_fitted.rs`, which a test keeps equal to `fit(points)`.

use std::sync::LazyLock;

use crate::catalogue::pricing::PriceBook;
use crate::catalogue::published::{Figure, PublishedCase, published_cases};
use crate::scenario::Scenario;
use crate::scenario::resolve::serving::resolve_serving;
use crate::serving::report::ServingReport;
use crate::serving::{DEFAULT_BANDWIDTH_EFFICIENCY, calibrated_compute_efficiency, estimate};
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::uncertainty::{CASES_FOR_OWN_SPREAD, quantile};

/// A published serving measurement against the roofline at the calibrated efficiencies.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeedPoint {
    /// Its id in the validation table.
    pub id: String,
    /// The hardware table's `architecture`.
    pub architecture: String,
    /// How much faster the published system ran than the roofline at the calibrated efficiencies
    /// (published throughput over the estimate's; the estimate's latency over the published).
    pub speed: f64,
}

/// The fitted factors: per architecture with enough measurements, the median speed and the
/// count; for every other, the median of all measurements.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeedFit {
    /// Each architecture with at least `CASES_FOR_OWN_SPREAD` measurements, in name order: its
    /// name, median speed and count.
    pub architectures: Vec<(String, f64, usize)>,
    /// The median speed over every measurement and their count: every other architecture's factor.
    pub pooled: (f64, usize),
}

impl SpeedFit {
    /// The factor for an architecture.
    pub fn factor(&self, architecture: &str) -> f64 {
        self.architectures
            .iter()
            .find(|(name, _, _)| name == architecture)
            .map_or(self.pooled.0, |(_, factor, _)| *factor)
    }
}

static POINTS: LazyLock<Result<Vec<SpeedPoint>, Error>> = LazyLock::new(compute_points);

/// Every published serving measurement's point, computed once per program.
pub fn speed_points() -> Result<&'static [SpeedPoint], Error> {
    POINTS.as_ref().map(Vec::as_slice).map_err(Clone::clone)
}

fn compute_points() -> Result<Vec<SpeedPoint>, Error> {
    let book = PriceBook::bundled()?;
    let mut points = Vec::new();
    for case in published_cases()?.iter().filter(|c| c.figure != Figure::AcceleratorHours) {
        let scenario = Scenario::from_json(&case.scenario.to_string())?;
        let mut serving =
            scenario.serving.clone().ok_or_else(|| Error::new("serving", Problem::Missing))?;
        // A case that gives an efficiency measured its own engine: the defaults do not apply.
        if serving.engine_efficiency.compute.is_some()
            || serving.engine_efficiency.bandwidth.is_some()
        {
            continue;
        }
        let accelerator = book.accelerator(&serving.accelerator, "serving.accelerator")?;
        // Measured against the calibrated efficiencies themselves: given, they take no factor.
        let efficiency = &mut serving.engine_efficiency;
        efficiency.compute.get_or_insert(calibrated_compute_efficiency(accelerator).value);
        efficiency.bandwidth.get_or_insert(DEFAULT_BANDWIDTH_EFFICIENCY.value);
        let resolved = resolve_serving(scenario.model.resolve()?, &serving, book, None)?;
        let architecture = resolved.accelerator.architecture.clone();
        let report = estimate(resolved)?;
        if let Some(estimated) = case_figure(case, &scenario, &report) {
            let speed = if case.figure.is_latency() {
                estimated / case.published
            } else {
                case.published / estimated
            };
            if speed.is_finite() && speed > 0.0 {
                points.push(SpeedPoint { id: case.id.clone(), architecture, speed });
            }
        }
    }
    Ok(points)
}

/// The median speed per architecture with at least `CASES_FOR_OWN_SPREAD` points, and over all.
pub fn fit(points: &[SpeedPoint]) -> SpeedFit {
    let median = |speeds: &mut Vec<f64>| {
        speeds.sort_by(f64::total_cmp);
        quantile(speeds, 0.5).unwrap_or(1.0)
    };
    let mut names: Vec<&str> = points.iter().map(|p| p.architecture.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let architectures = names
        .into_iter()
        .filter_map(|name| {
            let mut speeds: Vec<f64> =
                points.iter().filter(|p| p.architecture == name).map(|p| p.speed).collect();
            let count = speeds.len();
            (count >= CASES_FOR_OWN_SPREAD).then(|| (name.to_owned(), median(&mut speeds), count))
        })
        .collect();
    let mut all: Vec<f64> = points.iter().map(|p| p.speed).collect();
    SpeedFit { architectures, pooled: (median(&mut all), points.len()) }
}

/// For a published serving measurement, by id: the factor a fit without it gives its
/// architecture over the factor of the fit of all (`None` for a case not in the fit). Throughput
/// goes as the factor and latency as its inverse, so its estimate scored leave-one-out is the
/// default estimate times (or, for a latency, over) this.
pub fn leave_one_out_factor(id: &str) -> Result<Option<f64>, Error> {
    static FACTORS: LazyLock<Result<Vec<(String, f64)>, Error>> = LazyLock::new(|| {
        let points = speed_points()?;
        let all = fit(points);
        Ok(points
            .iter()
            .enumerate()
            .map(|(index, point)| {
                let others: Vec<SpeedPoint> = points
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != index)
                    .map(|(_, p)| p.clone())
                    .collect();
                let without = fit(&others).factor(&point.architecture);
                (point.id.clone(), without / all.factor(&point.architecture))
            })
            .collect())
    });
    let factors = FACTORS.as_ref().map_err(Clone::clone)?;
    Ok(factors.iter().find(|(case, _)| case == id).map(|(_, f)| *f))
}

/// The source of `speed_fitted.rs` for a fit.
pub fn fitted_source(fit: &SpeedFit) -> String {
    let rows: String = fit
        .architectures
        .iter()
        .map(|(name, factor, count)| format!("    ({name:?}, {factor:?}, {count}),\n"))
        .collect();
    format!(
        "//! Written by `serving::calibration::fitted_source`: the serving efficiencies' factor per\n\
//! architecture over {} published measurements. The test `the_serving_speed_factors_are_the_fit`\n\
//! checks it and, with `MLCOST_BLESS=1`, writes it anew. Do not edit by hand.\n\
\n\
/// Per architecture: the median speed of its published measurements against the calibrated\n\
/// efficiencies, and how many there are.\n\
pub const ARCHITECTURES: &[(&str, f64, usize)] = &[\n{rows}];\n\
\n\
/// Every other architecture's: the median over all measurements, and how many.\n\
pub const POOLED: (f64, usize) = ({:?}, {});\n",
        fit.pooled.1, fit.pooled.0, fit.pooled.1,
    )
}

/// A serving case's figure in the estimate of its scenario, in the unit its source publishes.
pub fn case_figure(
    case: &PublishedCase,
    scenario: &Scenario,
    report: &ServingReport,
) -> Option<f64> {
    let section = scenario.serving.as_ref()?;
    let (input, output) = (section.input_tokens?, section.output_tokens?);
    let replicas = case.replicas.unwrap_or(1.0);
    let at_batch = || report.latency_vs_batch.iter().find(|p| Some(p.batch) == case.batch);
    Some(match case.figure {
        Figure::AcceleratorHours => return None,
        Figure::MaxOutputTokensPerSecond => {
            report.max_output_tokens_per_second_per_replica * replicas
        }
        Figure::MaxTotalTokensPerSecond => {
            report.max_requests_per_second_per_replica * (input + output) * replicas
        }
        Figure::E2eMsAtBatch => {
            let point = at_batch()?;
            point.ttft_ms.get() + (output - 1.0).max(0.0) * point.tpot_ms.get()
        }
        Figure::TtftMsAtBatch => at_batch()?.ttft_ms.get(),
        Figure::TpotMsAtBatch => at_batch()?.tpot_ms.get(),
    })
}
