//! The default MFU's fit: every published training run the engine knows (its own list and the
//! validation table's accelerator-hours cases) as a point, the least-squares fit through them, and
//! each run's leave-one-out factor. Native tools and the deferred module run it; the first render
//! reads the fit's coefficients from `mfu_fitted.rs`, which a test keeps equal to `fit(points)`.

use std::sync::LazyLock;

use crate::catalogue::hardware::Generation;
use crate::catalogue::pricing::PriceBook;
use crate::catalogue::published::{Figure, published_cases};
use crate::scenario::Scenario;
use crate::scenario::resolve::training::resolve_training;
use crate::training::estimate;
use crate::training::mfu::{PUBLISHED_RUNS, precision_scale, run_id};
use crate::training::mfu_model::{MfuModel, generation_index};
use crate::training::work::training_work;
use crate::vocabulary::error::{Error, Problem};

/// A published run reduced to what the fit needs.
#[derive(Debug, Clone, PartialEq)]
pub struct RunPoint {
    /// Its id in the validation table.
    pub id: String,
    /// The generation its accelerator is calibrated with.
    pub generation: Generation,
    /// The run's accelerator's chip (the hardware table's `chip`).
    pub chip: String,
    /// log10 of the model's active parameters.
    pub log10_active_parameters: f64,
    /// log10 of the run's accelerator count.
    pub log10_accelerators: f64,
    /// Steady-state MFU in BF16 terms: see `mfu`'s module notes.
    pub mfu: f64,
}

static POINTS: LazyLock<Result<Vec<RunPoint>, Error>> = LazyLock::new(compute_points);

/// Every published run's point, computed with this engine (once per program).
pub fn run_points() -> Result<&'static [RunPoint], Error> {
    POINTS.as_ref().map(Vec::as_slice).map_err(Clone::clone)
}

fn compute_points() -> Result<Vec<RunPoint>, Error> {
    let book = PriceBook::bundled()?;
    let mut points = Vec::new();
    for run in PUBLISHED_RUNS {
        // Written with MFU and goodput 1: the goodput is the engine's, as a user would get it.
        let mut scenario = Scenario::from_json(run.scenario)?;
        if let Some(training) = scenario.training.as_mut() {
            training.goodput = None;
        }
        points.push(point(run_id(run.name), &scenario, run.accelerator_hours, book)?);
    }
    for case in published_cases()?.iter().filter(|c| c.figure == Figure::AcceleratorHours) {
        let scenario = Scenario::from_json(&case.scenario.to_string())
            .map_err(|e| e.within(&format!("validation case {}", case.id)))?;
        points.push(point(case.id.clone(), &scenario, case.published, book)?);
    }
    Ok(points)
}

/// A run's point: the hours it would take at 100% MFU (with the goodput it states, or the engine's)
/// over its published hours is the MFU it reached; its recomputation and precision are taken back
/// out, as the default puts them in.
fn point(
    id: String,
    scenario: &Scenario,
    published_hours: f64,
    book: &PriceBook,
) -> Result<RunPoint, Error> {
    let mut training =
        scenario.training.clone().ok_or_else(|| Error::new("training", Problem::Missing))?;
    let model = scenario.model.resolve()?;
    let mut hours_at = |mfu: f64| -> Result<f64, Error> {
        training.mfu = Some(mfu);
        let resolved = resolve_training(model.clone(), &training, book, None)?;
        Ok(estimate(resolved)?.accelerator_hours.get())
    };
    // Hours go as one over MFU, so the MFU that reproduces the published hours is the ideal
    // hours' share of them; unless the run crosses a network, whose exposed time depends on the
    // step's length: then the MFU is found by bisection (the hours fall as it rises).
    let mut mfu = hours_at(1.0)? / published_hours;
    if (hours_at(mfu)? / published_hours - 1.0).abs() > 1e-9 {
        let (mut low, mut high) = (1e-3, 1.0);
        for _ in 0..60 {
            let middle = (low + high) / 2.0;
            if hours_at(middle)? > published_hours { low = middle } else { high = middle }
        }
        mfu = (low + high) / 2.0;
    }
    training.mfu = Some(1.0);
    let resolved = resolve_training(model.clone(), &training, book, None)?;
    let work = training_work(&resolved);
    let recompute = work.hardware_flops.get() / work.model_flops.get();
    let accelerator = resolved.accelerator;
    let bf16_peak = accelerator.dense.sixteen_bit().map_or(resolved.peak.get(), |p| p.get());
    let scale = precision_scale(resolved.setup.precision, bf16_peak, resolved.peak.get());
    let active_parameters = resolved.model.active_parameters.get();
    let accelerators = f64::from(resolved.accelerator_count);
    Ok(RunPoint {
        id,
        generation: Generation::of(accelerator),
        chip: accelerator.chip.clone(),
        log10_active_parameters: active_parameters.log10(),
        log10_accelerators: accelerators.log10(),
        mfu: mfu * recompute / scale,
    })
}

/// The least-squares fit of ln MFU on the generation, log10 active parameters and log10
/// accelerators; `None` with fewer points than coefficients or none on a generation.
pub fn fit(points: &[RunPoint]) -> Option<MfuModel> {
    let row = |p: &RunPoint| {
        let mut row = [0.0; 4];
        row[generation_index(p.generation)] = 1.0;
        row[2] = p.log10_active_parameters;
        row[3] = p.log10_accelerators;
        row
    };
    // The normal equations, solved by Gaussian elimination with partial pivoting.
    let mut system = [[0.0f64; 5]; 4];
    for p in points {
        let (x, y) = (row(p), p.mfu.ln());
        for i in 0..4 {
            for j in 0..4 {
                system[i][j] += x[i] * x[j];
            }
            system[i][4] += x[i] * y;
        }
    }
    for column in 0..4 {
        let pivot = (column..4)
            .max_by(|&a, &b| system[a][column].abs().total_cmp(&system[b][column].abs()))?;
        system.swap(column, pivot);
        if system[column][column].abs() < 1e-9 {
            return None;
        }
        for other in 0..4 {
            if other != column {
                let factor = system[other][column] / system[column][column];
                let pivot_row = system[column];
                for (value, pivot_value) in system[other].iter_mut().zip(pivot_row) {
                    *value -= factor * pivot_value;
                }
            }
        }
    }
    let coefficient = |i: usize| system[i][4] / system[i][i];
    let span = |values: &mut dyn Iterator<Item = f64>| {
        values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let of = |generation: Generation| {
        let mut group = points.iter().filter(|p| p.generation == generation).map(|p| p.mfu);
        let (count, (lowest, highest)) =
            (points.iter().filter(|p| p.generation == generation).count(), span(&mut group));
        (count, lowest, highest)
    };
    Some(MfuModel {
        intercepts: [coefficient(0), coefficient(1)],
        per_decade_of_parameters: coefficient(2),
        per_decade_of_accelerators: coefficient(3),
        log10_parameters: span(&mut points.iter().map(|p| p.log10_active_parameters)),
        log10_accelerators: span(&mut points.iter().map(|p| p.log10_accelerators)),
        mfu_bounds: span(&mut points.iter().map(|p| p.mfu)),
        runs: [of(Generation::Ampere), of(Generation::Hopper)],
    })
}

/// A published run against the fit made without it.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    /// The run's id in the validation table.
    pub id: String,
    /// The generation its accelerator is calibrated with.
    pub generation: Generation,
    /// The MFU the fit without it predicts for it over what the fit of every run predicts. Hours
    /// go as one over MFU, so its estimate scored leave-one-out is its default estimate over this.
    pub factor: f64,
    /// The MFU it reached over what the fit without it predicts: how far it lands from a default
    /// that never saw it (the MFU's published spread is made of these).
    pub landing: f64,
}

/// Every published run against the fit without it, computed once per program.
pub fn leave_one_out_factors() -> Result<&'static [LeftOut], Error> {
    static FACTORS: LazyLock<Result<Vec<LeftOut>, Error>> = LazyLock::new(|| {
        let points = run_points()?;
        // Only degenerate bundled data fails a fit: say so, not that the user left out an MFU.
        let unfit = || {
            Error::new(
                "training.mfu",
                Problem::BadEmbeddedData(
                    "the published training runs do not fit an MFU curve".into(),
                ),
            )
        };
        let all = fit(points).ok_or_else(unfit)?;
        points
            .iter()
            .enumerate()
            .map(|(index, point)| {
                let others: Vec<RunPoint> = points
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != index)
                    .map(|(_, p)| p.clone())
                    .collect();
                let without = fit(&others).ok_or_else(unfit)?;
                let size = 10f64.powf(point.log10_active_parameters);
                let count = 10f64.powf(point.log10_accelerators);
                let predicted = without.at(point.generation, size, count);
                Ok(LeftOut {
                    id: point.id.clone(),
                    generation: point.generation,
                    factor: predicted / all.at(point.generation, size, count),
                    landing: point.mfu / predicted,
                })
            })
            .collect()
    });
    FACTORS.as_ref().map(Vec::as_slice).map_err(Clone::clone)
}

/// A run's leave-one-out factor (1 for a case the fit does not use).
pub fn leave_one_out_factor(id: &str) -> Result<f64, Error> {
    Ok(leave_one_out_factors()?.iter().find(|run| run.id == id).map_or(1.0, |run| run.factor))
}

/// The source of `mfu_fitted.rs` for a fit and the chips its runs were measured on.
pub fn fitted_source(model: &MfuModel, points: &[RunPoint]) -> String {
    let mut chips: Vec<&str> = points.iter().map(|p| p.chip.as_str()).collect();
    chips.sort_unstable();
    chips.dedup();
    let pair = |(a, b): (f64, f64)| format!("({a:?}, {b:?})");
    let runs = |(n, lo, hi): (usize, f64, f64)| format!("({n}, {lo:?}, {hi:?})");
    format!(
        "//! Written by `training::calibration::fitted_source`: the default MFU's fit over {} published\n\
//! runs. The test `the_default_mfu_is_the_fit_of_every_published_run` checks it and, with\n\
//! `MLCOST_BLESS=1`, writes it anew. Do not edit by hand.\n\
\n\
use crate::training::mfu_model::MfuModel;\n\
\n\
/// The fitted model.\n\
pub const FITTED: MfuModel = MfuModel {{\n    \
intercepts: [{:?}, {:?}],\n    \
per_decade_of_parameters: {:?},\n    \
per_decade_of_accelerators: {:?},\n    \
log10_parameters: {},\n    \
log10_accelerators: {},\n    \
mfu_bounds: {},\n    \
runs: [\n        {},\n        {},\n    ],\n\
}};\n\
\n\
/// The chips the runs were measured on.\n\
pub const CHIPS: &[&str] = &[{}];\n",
        points.len(),
        model.intercepts[0],
        model.intercepts[1],
        model.per_decade_of_parameters,
        model.per_decade_of_accelerators,
        pair(model.log10_parameters),
        pair(model.log10_accelerators),
        pair(model.mfu_bounds),
        runs(model.runs[0]),
        runs(model.runs[1]),
        chips.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", "),
    )
}
