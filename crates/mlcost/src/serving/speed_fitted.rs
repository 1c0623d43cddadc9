//! Written by `serving::calibration::fitted_source`: the serving efficiencies' factor per
//! architecture over 66 published measurements. The test `the_serving_speed_factors_are_the_fit`
//! checks it and, with `MLCOST_BLESS=1`, writes it anew. Do not edit by hand.

/// Per architecture: the median speed of its published measurements against the calibrated
/// efficiencies, and how many there are.
pub const ARCHITECTURES: &[(&str, f64, usize)] = &[
    ("ada-lovelace", 0.75458188405556, 10),
    ("ampere", 0.8130423686907191, 13),
    ("blackwell", 0.7966255407988523, 10),
    ("cdna3", 0.5055824195444781, 10),
    ("hopper", 1.0390623991237735, 22),
];

/// Every other architecture's: the median over all measurements, and how many.
pub const POOLED: (f64, usize) = (0.7801768408042482, 66);
