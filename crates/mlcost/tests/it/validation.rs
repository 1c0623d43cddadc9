//! The validation table: every published case estimates, is scored against its source, and the
//! scores stay at least as good as the figures ARCHITECTURE.md and the closing notes report.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mlcost::PriceBook;
use mlcost::validation::{Validation, validate};

fn validation() -> Validation {
    validate(PriceBook::bundled().unwrap()).unwrap()
}

/// Per group: the median and worst |error| it may not exceed and the share of cases its range
/// must hold, as last reported (rounded against the scores: a change that worsens one fails
/// here, and one that improves it should tighten the figure).
const HELD: &[(&str, f64, f64, f64)] = &[
    ("training", 0.12, 0.69, 0.83),
    ("training, whole run", 0.14, 0.69, 0.78),
    ("training, steady state", 0.11, 0.44, 0.90),
    ("training on ampere", 0.14, 0.69, 0.78),
    ("training on hopper", 0.11, 0.45, 0.90),
    ("serving", 0.191, 0.90, 0.80),
    ("serving, prefill-heavy", 0.21, 0.33, 0.77),
    ("serving, decode-heavy", 0.36, 0.90, 0.58),
    ("serving, balanced", 0.17, 0.53, 0.93),
    ("serving on hopper", 0.11, 0.45, 0.81),
    ("serving on cdna3", 0.21, 0.53, 0.80),
    ("serving on blackwell", 0.21, 0.48, 0.80),
];

#[test]
fn every_group_scores_at_least_as_well_as_reported() {
    let v = validation();
    for (group, median, worst, coverage) in HELD {
        let score =
            v.scores.iter().find(|s| s.group == *group).unwrap_or_else(|| panic!("{group}"));
        assert!(score.median_error <= *median, "{group}: median {}", score.median_error);
        assert!(score.worst_error <= *worst, "{group}: worst {}", score.worst_error);
        let held = score.coverage().unwrap_or(0.0);
        assert!(held >= *coverage, "{group}: coverage {held}");
    }
}

#[test]
fn the_table_spans_both_sections_and_four_generations() {
    let v = validation();
    let training = v.cases.iter().filter(|c| c.regime.is_training()).count();
    let serving = v.cases.len() - training;
    assert!(training >= 25 && serving >= 25, "{training} training, {serving} serving cases");
    let mut generations: Vec<&str> = v.cases.iter().map(|c| c.generation.as_str()).collect();
    generations.sort_unstable();
    generations.dedup();
    assert!(generations.len() >= 4, "{generations:?}");
}

#[test]
fn every_case_names_its_source_and_scores_finitely() {
    for case in validation().cases {
        assert!(case.source.len() > 20, "{}: {}", case.id, case.source);
        assert!(case.published > 0.0 && case.estimate > 0.0, "{}", case.id);
        assert!(case.error.is_finite(), "{}", case.id);
        if let (Some(low), Some(high)) = (case.low, case.high) {
            // Rounding aside: a side the published runs do not reach ends at the estimate.
            let slack = case.estimate * 1e-9;
            assert!(low <= case.estimate + slack && case.estimate <= high + slack, "{}", case.id);
            assert_eq!(case.covered, Some(low <= case.published && case.published <= high));
        }
    }
}

#[test]
fn every_case_is_scored_with_the_defaults_fitted_without_it() {
    let v = validation();
    let fitted: Vec<_> = v.cases.iter().filter(|c| c.left_out_of_fit).collect();
    // The MFU is fitted on every training case, the serving speed factors on every serving case
    // at the default efficiencies (all of today's).
    assert_eq!(fitted.len(), v.cases.len(), "a case no default is fitted on");
    // Left out, a run is no longer reproduced exactly: the fit without it predicts it apart.
    assert!(fitted.iter().all(|c| c.error.abs() > 1e-6), "a fitted run scored on itself");
    let ids: std::collections::HashSet<&str> = v.cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), v.cases.len(), "case ids are unique");
}

/// The default MFU's coefficients (`src/training/mfu_fitted.rs`) are the fit of every published
/// run: a changed run, case or engine formula fails here until `MLCOST_BLESS=1` writes them anew
/// (then review the diff, and the scores above).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_default_mfu_is_the_fit_of_every_published_run() {
    use mlcost::training::calibration::{fit, fitted_source, run_points};
    let points = run_points().unwrap();
    let written = fitted_source(&fit(points).unwrap(), points);
    is_written_in("src/training/mfu_fitted.rs", &written, "the_default_mfu_is_the_fit");
}

/// The serving efficiencies' factors per architecture (`src/serving/speed_fitted.rs`) are the fit
/// of every published serving measurement: a changed case or roofline fails here until
/// `MLCOST_BLESS=1` writes them anew (then review the diff, and the scores above).
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_serving_speed_factors_are_the_fit() {
    use mlcost::serving::calibration::{fit, fitted_source, speed_points};
    let written = fitted_source(&fit(speed_points().unwrap()));
    is_written_in("src/serving/speed_fitted.rs", &written, "the_serving_speed_factors");
}

/// Whether the engine's file at `path` holds `written` (a fit's coefficients); with
/// `MLCOST_BLESS=1` it is written anew instead. `test` names the test to run to do so.
#[cfg(not(target_arch = "wasm32"))]
fn is_written_in(path: &str, written: &str, test: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    if std::env::var_os("MLCOST_BLESS").is_some() {
        std::fs::write(&path, written).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap();
    assert!(
        current == written,
        "{} is not the fit of the published cases: run `MLCOST_BLESS=1 cargo test -p mlcost --test it \
         {test}` and review the diff.\nExpected:\n{written}",
        path.display()
    );
}
