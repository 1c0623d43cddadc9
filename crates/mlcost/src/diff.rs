//! What changed between two estimates: every figure of the report whose value differs, by its
//! dotted key (the JSON's and the CSV's), grouped by section, the headline figures first (what a
//! pull request's reviewer asks first: the bill, the time, the latency), with how much each moved.
//!
//! Why every figure, and not only the headline ones? A change that moves the cost moves it
//! through something (the replicas, the MFU, a price): the reviewer can follow it. Figures that
//! did not move are left out, so a diff of a scenario against itself is empty.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::report::Report;

/// The headline figures of each section, in the order a reviewer reads them, with their labels.
pub const HEADLINE: [(&str, &str); 23] = [
    ("training.total_cost_usd", "training total cost (USD)"),
    ("training.compute_cost_usd", "training compute (USD)"),
    ("training.storage_cost_usd", "training storage (USD)"),
    ("training.egress_cost_usd", "training egress (USD)"),
    ("training.accelerator_hours", "accelerator-hours"),
    ("training.wall_clock_hours", "wall-clock hours"),
    ("training.price_per_accelerator_hour", "price per accelerator-hour (USD)"),
    ("training.mfu", "MFU"),
    ("training.energy_kwh", "training energy (kWh)"),
    ("training.carbon_kg_co2e", "training carbon (kg CO2e)"),
    ("serving.monthly_cost_usd", "serving a month (USD)"),
    ("serving.static_peak_monthly_cost_usd", "peak replicas all month (USD)"),
    ("serving.cost_per_million_output_tokens_usd", "per million output tokens (USD)"),
    ("serving.cost_per_million_input_tokens_usd", "per million input tokens (USD)"),
    ("serving.cost_per_thousand_requests_usd", "per thousand requests (USD)"),
    ("serving.replicas_peak", "replicas at the peak"),
    ("serving.replica_hours_per_day", "replica-hours a day"),
    ("serving.utilization", "utilisation"),
    ("serving.ttft_ms", "time to first token (ms)"),
    ("serving.tpot_ms", "time per output token (ms)"),
    ("serving.price_per_accelerator_hour", "price per accelerator-hour (USD)"),
    ("serving.energy_kwh_per_month", "serving energy a month (kWh)"),
    ("serving.carbon_kg_co2e_per_month", "serving carbon a month (kg CO2e)"),
];

/// One figure that differs. A figure only one report has is `None` on the other side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Change {
    /// Its dotted key (`serving.by_plan.spot.monthly_cost_usd`).
    pub key: String,
    /// A headline figure's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The figure in the first report: a number, text or flag (absent when only the other has it).
    #[cfg_attr(feature = "typescript", tsify(optional, type = "number | string | boolean"))]
    pub before: Option<Value>,
    /// The figure in the second report.
    #[cfg_attr(feature = "typescript", tsify(optional, type = "number | string | boolean"))]
    pub after: Option<Value>,
    /// For numbers on both sides: after − before, and that as a share of before (none from 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta: Option<f64>,
    /// `delta` as a percentage of `before` (of its absolute value); absent when `before` is 0 or
    /// either side is not a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
}

/// A section's changes: its headline figures in [`HEADLINE`]'s order, then the rest in the
/// report's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct SectionDiff {
    /// The section's name, the first part of its keys (`training`, `serving`).
    #[cfg_attr(feature = "typescript", tsify(type = "Section"))]
    pub section: String,
    /// The headline figures that changed, in [`HEADLINE`]'s order.
    pub headline: Vec<Change>,
    /// Every other figure that changed, in the order the reports list them.
    pub other: Vec<Change>,
}

/// Every figure that changed, by section (training, serving, then anything else).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct ReportDiff {
    /// The sections with a change: training, then serving, then any other.
    pub sections: Vec<SectionDiff>,
}

impl ReportDiff {
    /// No figure changed.
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// A headline figure's change, by key.
    pub fn headline(&self, key: &str) -> Option<&Change> {
        self.sections.iter().flat_map(|s| &s.headline).find(|c| c.key == key)
    }
}

/// Two numbers differ when they are apart by more than rounding in the last digits.
fn differ(a: f64, b: f64) -> bool {
    (a - b).abs() > 1e-9 * a.abs().max(b.abs()).max(1e-300)
}

/// What changed from `before` to `after`.
pub fn diff(before: &Report, after: &Report) -> ReportDiff {
    let (old, new) = (before.leaves(), after.leaves());
    let (old_at, new_at): (HashMap<&str, &Value>, HashMap<&str, &Value>) = (
        old.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        new.iter().map(|(k, v)| (k.as_str(), v)).collect(),
    );
    // Keys in the order the reports list them: the old report's, then the ones only the new has.
    let mut keys: Vec<&str> = old.iter().map(|(k, _)| k.as_str()).collect();
    keys.extend(new.iter().map(|(k, _)| k.as_str()).filter(|k| !old_at.contains_key(k)));
    let mut changes: Vec<Change> = Vec::new();
    for key in keys {
        let (b, a) = (old_at.get(key).map(|v| (*v).clone()), new_at.get(key).map(|v| (*v).clone()));
        let numbers = b.as_ref().and_then(Value::as_f64).zip(a.as_ref().and_then(Value::as_f64));
        let changed = match numbers {
            Some((x, y)) => differ(x, y),
            None => b != a,
        };
        if !changed {
            continue;
        }
        let delta = numbers.map(|(x, y)| y - x);
        let percent = numbers.filter(|(x, _)| *x != 0.0).map(|(x, y)| (y - x) / x.abs() * 100.0);
        let label = HEADLINE.iter().find(|(k, _)| *k == key).map(|(_, l)| (*l).to_owned());
        changes.push(Change { key: key.to_owned(), label, before: b, after: a, delta, percent });
    }
    let mut sections: Vec<SectionDiff> = Vec::new();
    for change in changes {
        let name = change.key.split(['.', '[']).next().unwrap_or_default().to_owned();
        let at = match sections.iter().position(|s| s.section == name) {
            Some(at) => at,
            None => {
                let section =
                    SectionDiff { section: name, headline: Vec::new(), other: Vec::new() };
                sections.push(section);
                sections.len() - 1
            }
        };
        let section = &mut sections[at];
        if change.label.is_some() {
            section.headline.push(change)
        } else {
            section.other.push(change)
        }
    }
    let rank = |key: &str| HEADLINE.iter().position(|(k, _)| *k == key).unwrap_or(usize::MAX);
    for section in &mut sections {
        section.headline.sort_by_key(|c| rank(&c.key));
    }
    let order = |name: &str| match name {
        "training" => 0,
        "serving" => 1,
        _ => 2,
    };
    sections.sort_by_key(|s| order(&s.section));
    ReportDiff { sections }
}
