//! Written by `training::calibration::fitted_source`: the default MFU's fit over 68 published
//! runs. The test `the_default_mfu_is_the_fit_of_every_published_run` checks it and, with
//! `MLCOST_BLESS=1`, writes it anew. Do not edit by hand.

use crate::training::mfu_model::MfuModel;

/// The fitted model.
pub const FITTED: MfuModel = MfuModel {
    intercepts: [-3.1710886344847933, -3.4630281932314473],
    per_decade_of_parameters: 0.29845422149581874,
    per_decade_of_accelerators: -0.23698794608468107,
    log10_parameters: (9.005180512503781, 11.60836917659608),
    log10_accelerators: (0.9030899869919435, 4.214419939295737),
    mfu_bounds: (0.18300909393428702, 0.7371333898765129),
    runs: [
        (33, 0.2116069115891925, 0.7371333898765129),
        (35, 0.18300909393428702, 0.6436061222091846),
    ],
};

/// The chips the runs were measured on.
pub const CHIPS: &[&str] = &["ga100", "gb100", "gh100"];
