//! How sure a figure is. Each input the scenario left to a default has a published low and high
//! (a span of the published cases it comes from that holds about four new cases in five); the
//! figure is computed
//! again with each such input at its low and at its high, one at a time, and the swings combine
//! into the figure's range. A figure whose inputs are all given has no range.
//!
//! Why one at a time, combined as a root sum of squares? Each input's low-high span alone covers
//! about four published cases in five. For independent inputs the swings add in quadrature, and
//! doing so keeps the combined span at about that coverage, where adding the swings outright
//! would claim more doubt than the evidence shows. The swings combine on a log scale (costs and
//! times are products of their inputs), each side apart, since a default at the efficient end of
//! the published runs has more room to be worse than better. Deterministic: nothing is sampled.
//!
//! The same runs give the sensitivity list (a tornado chart): each input's figure at its low and
//! high, largest swing first. Given inputs appear there too, moved by a stated what-if step, to
//! show what matters; they never widen a range.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// The low and high of a figure, in its own unit.
///
/// Fields of this type name it to tsify (`tsify(type = "Range<Hours>")`): a bare `Range` reads
/// to it as `std::ops::Range`, `{start, end}`, which is not what the JSON holds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Range<T> {
    /// The low end.
    pub low: T,
    /// The high end.
    pub high: T,
}

/// How one input, at its low and at its high, moves one figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Sensitivity {
    /// The scenario field (`training.mfu`).
    pub input: Cow<'static, str>,
    /// The input's low value, in its own unit.
    pub low_value: f64,
    /// The input's high value, in its own unit.
    pub high_value: f64,
    /// The report field it moves (`training.total_cost_usd`).
    pub figure: Cow<'static, str>,
    /// The figure with the input at its low value, in the figure's unit.
    pub figure_at_low: f64,
    /// The figure with the input at its high value, in the figure's unit.
    pub figure_at_high: f64,
    /// Where the low and high come from: the published spread of a default, or the what-if step
    /// applied to a value the scenario gave.
    pub source: Cow<'static, str>,
    /// Whether the input was defaulted, so its spread is part of the figures' ranges.
    pub defaulted: bool,
}

impl Sensitivity {
    /// How far apart the figure's two values are: the tornado's bar length.
    pub fn swing(&self) -> f64 {
        (self.figure_at_high - self.figure_at_low).abs()
    }
}

/// The share of new cases each side of a published spread may leave out: a tenth, so an input's
/// span alone holds about four cases in five.
pub const SPREAD_QUANTILE: f64 = 0.1;

/// Cases a group needs before its own spread is used rather than every group's pooled.
pub const CASES_FOR_OWN_SPREAD: usize = 8;

/// How far published cases land from a default, as multipliers of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PublishedSpan {
    /// The low end, at most 1: the default always lies in its own span.
    pub low: f64,
    /// The high end, at least 1.
    pub high: f64,
    /// How many valid cases the span was drawn from (the group's own, or every group's when
    /// pooled).
    pub cases: usize,
    /// Whether the group had too few cases of its own, so every group's were used.
    pub pooled: bool,
}

/// The span of `ratios` (each case's ratio to the default, and whether it is of the group asked
/// about): the group's own when it has `CASES_FOR_OWN_SPREAD`, else every case's. Ratios that are
/// not finite and positive are left out.
///
/// Why the k-th lowest and k-th highest case, not the 10th and 90th percentiles? The span is to
/// hold the next case, one not among those it is drawn from (the validation table scores every
/// case that way). Of n cases, the k-th lowest and k-th highest hold a new case from the same
/// spread with probability (n + 1 − 2k)/(n + 1), whatever that spread's shape: with k the largest
/// keeping that at 1 − 2·`SPREAD_QUANTILE` or more, four in five. The 10th and 90th percentiles of
/// ten cases hold the next one only about two times in three.
pub fn published_span(ratios: impl Iterator<Item = (bool, f64)> + Clone) -> PublishedSpan {
    let valid = |r: &f64| r.is_finite() && *r > 0.0;
    let mut own: Vec<f64> =
        ratios.clone().filter(|(ours, _)| *ours).map(|(_, r)| r).filter(valid).collect();
    let pooled = own.len() < CASES_FOR_OWN_SPREAD;
    if pooled {
        own = ratios.map(|(_, r)| r).filter(valid).collect();
    }
    own.sort_by(f64::total_cmp);
    let n = own.len();
    let k = prediction_rank(n);
    let (low, high) = match n {
        0 => (1.0, 1.0),
        _ => (own[k - 1], own[n - k]),
    };
    PublishedSpan { low: low.min(1.0), high: high.max(1.0), cases: n, pooled }
}

/// A span's ends among `n` cases in words: "the lowest and highest", "the 3rd lowest and 3rd
/// highest".
pub fn span_ends(n: usize) -> String {
    let k = prediction_rank(n);
    let ordinal = match k {
        1 => String::new(),
        2 => "2nd ".into(),
        3 => "3rd ".into(),
        k => format!("{k}th "),
    };
    format!("the {ordinal}lowest and {ordinal}highest")
}

/// The rank k (1 for the lowest) of a span's ends among `n` sorted cases: the largest with
/// (n + 1 − 2k)/(n + 1) ≥ 1 − 2·`SPREAD_QUANTILE`, and at least 1 (the extremes).
pub fn prediction_rank(n: usize) -> usize {
    let k = ((n + 1) as f64 * SPREAD_QUANTILE).floor() as usize;
    k.clamp(1, n.div_ceil(2).max(1))
}

/// The step by which a given input is moved to show how much it matters (a what-if, not a claim
/// about how wrong it may be).
pub const WHAT_IF_STEP: f64 = 0.2;

/// What a given input's what-if says it is.
pub const WHAT_IF_SOURCE: &str = "what if the given value were 20% lower or higher";

/// A figure's range from its central value and its value with each defaulted input at its low and
/// high; `None` when nothing was defaulted.
pub fn combine(central: f64, swings: &[(f64, f64)]) -> Option<Range<f64>> {
    if swings.is_empty() {
        return None;
    }
    let positive = central > 0.0 && swings.iter().all(|&(low, high)| low > 0.0 && high > 0.0);
    // On a log scale for positive figures; plainly otherwise (a zero cost has no log).
    let scale = |x: f64| if positive { x.ln() } else { x };
    let unscale = |x: f64| if positive { x.exp() } else { x };
    let centre = scale(central);
    let (mut down, mut up) = (0.0_f64, 0.0_f64);
    for &(at_low, at_high) in swings {
        let (a, b) = (scale(at_low) - centre, scale(at_high) - centre);
        down += a.min(b).min(0.0).powi(2);
        up += a.max(b).max(0.0).powi(2);
    }
    Some(Range { low: unscale(centre - down.sqrt()), high: unscale(centre + up.sqrt()) })
}

/// The `quantile` (0 to 1) of `values` (sorted ascending), interpolating between neighbours (the
/// common "type 7" definition, so a spreadsheet's PERCENTILE gives the same number).
pub fn quantile(sorted: &[f64], quantile: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = quantile.clamp(0.0, 1.0) * last as f64;
    let below = position.floor() as usize;
    let (low, high) = (sorted.get(below)?, sorted.get((below + 1).min(last))?);
    Some(low + (high - low) * (position - below as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn swings_add_in_quadrature_on_each_side() {
        assert_eq!(combine(100.0, &[]), None);
        // One input: its own swing.
        let one = combine(100.0, &[(150.0, 99.0)]).unwrap_or(Range { low: 0.0, high: 0.0 });
        assert!((one.low - 99.0).abs() < 1e-9 && (one.high - 150.0).abs() < 1e-9, "{one:?}");
        // Two equal swings of ×2: ×2^√2 up, nothing down.
        let two = combine(100.0, &[(100.0, 200.0), (200.0, 100.0)]).unwrap_or(one);
        assert!((two.high - 100.0 * 2f64.powf(2f64.sqrt())).abs() < 1e-9, "{two:?}");
        assert!((two.low - 100.0).abs() < 1e-9);
        // A zero figure is combined plainly.
        let zero = combine(0.0, &[(0.0, 3.0), (-4.0, 0.0)]).unwrap_or(one);
        assert_eq!((zero.low, zero.high), (-4.0, 3.0));
    }

    #[test]
    fn a_span_is_the_prediction_interval_of_its_cases() {
        // Nine cases: the lowest and highest, which hold a tenth case 8 times in 10.
        let nine = (1..=9).map(|i| (true, f64::from(i) / 5.0));
        let span = published_span(nine);
        assert!((span.low - 0.2).abs() < 1e-15 && (span.high - 1.8).abs() < 1e-15, "{span:?}");
        assert_eq!(span.cases, 9);
        // Nineteen: the 2nd lowest and 2nd highest, (20 − 4)/20.
        assert_eq!(prediction_rank(19), 2);
        assert_eq!(prediction_rank(66), 6);
        // Never past the middle, never below the extremes.
        assert_eq!(prediction_rank(1), 1);
        assert_eq!(prediction_rank(0), 1);
        // The default always lies within its own span.
        let above = published_span([(true, 1.2), (true, 1.5)].into_iter().cycle().take(10));
        assert!((above.low - 1.0).abs() < 1e-15);
    }

    #[test]
    fn quantiles_interpolate_like_a_spreadsheet() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&values, 0.1), Some(1.4));
        assert_eq!(quantile(&values, 0.5), Some(3.0));
        assert_eq!(quantile(&values, 1.0), Some(5.0));
        assert_eq!(quantile(&[], 0.5), None);
        assert_eq!(quantile(&[7.0], 0.9), Some(7.0));
    }
}
