//! Tick values for log axes. Why not plotters' own? Over less than a decade it labels only the
//! powers of ten and a few multiples (a $7M–$28M axis read "$10M" and "$20M"); over many decades it
//! crowds. These step through 1-2-5 (or every digit, over a short range) so an axis always carries
//! three to eight labels a reader can interpolate between.

use plotters::coord::combinators::{BindKeyPoints, IntoLogRange, LogCoord, WithKeyPoints};

/// A log axis over `low..high`, ticked as [`log_ticks`] chooses for `room` labels: what every log
/// axis of the charts is built from.
pub fn log_axis(low: f64, high: f64, room: usize) -> WithKeyPoints<LogCoord<f64>> {
    (low..high).log_scale().with_key_points(log_ticks(low, high, room))
}

/// How many labels an axis `pixels` long has room for, at `per_label` pixels each: two to eight.
pub fn room_for(pixels: u32, per_label: u32) -> usize {
    (pixels / per_label.max(1)).clamp(2, 8) as usize
}

/// Ticks between `low` and `high` (both positive): the sequence with the most ticks, at most
/// `most`, among every digit, 1-2-5, 1-and-3, and whole decades (every one, then every other or
/// third).
pub fn log_ticks(low: f64, high: f64, most: usize) -> Vec<f64> {
    if !(low > 0.0 && high > low && high.is_finite()) {
        return Vec::new();
    }
    const STEPS: [&[f64]; 4] =
        [&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0], &[1.0, 2.0, 5.0], &[1.0, 3.0], &[1.0]];
    let first = low.log10().floor() as i32;
    let last = high.log10().ceil() as i32;
    let within = |mantissas: &[f64], every: i32| -> Vec<f64> {
        (first..=last)
            .filter(|decade| (decade - first) % every == 0)
            .flat_map(|decade| mantissas.iter().map(move |m| m * 10f64.powi(decade)))
            .filter(|v| *v >= low && *v <= high)
            .collect()
    };
    let candidates =
        STEPS.iter().map(|m| within(m, 1)).chain((2..=6).map(|every| within(&[1.0], every)));
    let least = most.min(3);
    let mut fewest = Vec::new();
    for ticks in candidates {
        if ticks.len() <= most && ticks.len() >= least {
            return ticks;
        }
        if ticks.len() <= most && ticks.len() > fewest.len() {
            fewest = ticks;
        }
    }
    // A range too short for two round ticks: its ends and middle.
    if fewest.len() < 2 {
        let middle = (low * high).sqrt();
        return vec![low, middle, high];
    }
    fewest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn less_than_a_decade_gets_every_digit() {
        // The Pareto axis that read only "$10M" and "$20M".
        assert_eq!(log_ticks(7e6, 28e6, 8), [7e6, 8e6, 9e6, 1e7, 2e7]);
    }

    #[test]
    fn a_few_decades_step_by_one_two_five() {
        assert_eq!(log_ticks(3.0, 900.0, 8), [5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0]);
    }

    #[test]
    fn many_decades_keep_to_whole_decades_and_at_most_eight() {
        let ticks = log_ticks(1.0, 1e12, 8);
        assert!(ticks.len() <= 8 && ticks.len() >= 3, "{ticks:?}");
        assert!(ticks.iter().all(|t| (t.log10() - t.log10().round()).abs() < 1e-9));
    }

    #[test]
    fn a_sliver_of_a_range_still_gets_three_ticks() {
        let ticks = log_ticks(101.0, 104.0, 8);
        assert_eq!(ticks.len(), 3, "{ticks:?}");
        assert!(log_ticks(0.0, 10.0, 8).is_empty() && log_ticks(5.0, f64::INFINITY, 8).is_empty());
    }

    #[test]
    fn a_narrow_axis_gets_fewer_ticks() {
        assert_eq!(log_ticks(3.0, 900.0, 3), [10.0, 100.0]);
        assert_eq!(room_for(296, 80), 3);
        assert_eq!(room_for(2000, 80), 8);
    }
}
