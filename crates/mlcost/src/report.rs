//! Layer 4, the report: what an estimate returns: plain data, numbers in base units (FLOPs, hours, USD), serialised with
//! the same dotted keys the scenario uses (`training.compute_cost_usd`).

use serde::{Deserialize, Serialize};

use crate::serving::report::ServingReport;
use crate::training::report::TrainingReport;
use crate::vocabulary::csv::csv_cell;

/// What an estimate returns: a report for each section the scenario has, training and serving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Report {
    /// The training estimate; absent when the scenario has no `training` section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainingReport>,
    /// The serving estimate; absent when the scenario has no `serving` section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving: Option<ServingReport>,
}

impl Report {
    /// The report as CSV rows `key,value`: every number, flag and text under its dotted path
    /// (`serving.by_plan.spot.monthly_cost_usd`, `serving.hourly[3].replicas`), in base units. What
    /// a spreadsheet needs to recompute or chart any figure, in the same keys as the JSON.
    pub fn to_csv(&self) -> String {
        let mut rows = String::from("key,value\n");
        for (key, value) in self.leaves() {
            match value {
                serde_json::Value::String(text) => push_row(&mut rows, &key, &text),
                other => push_row(&mut rows, &key, &other.to_string()),
            }
        }
        rows
    }

    /// Every figure, flag and text of the report as serde writes it, under its dotted path, in
    /// order: what the CSV and `crate::diff` read.
    pub fn leaves(&self) -> Vec<(String, serde_json::Value)> {
        let mut out = Vec::new();
        if let Ok(value) = serde_json::to_value(self) {
            flatten(&value, &mut String::new(), &mut out);
        }
        out
    }
}

fn flatten(
    value: &serde_json::Value,
    path: &mut String,
    out: &mut Vec<(String, serde_json::Value)>,
) {
    use serde_json::Value;
    let length = path.len();
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                flatten(item, path, out);
                path.truncate(length);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                flatten(item, path, out);
                path.truncate(length);
            }
        }
        Value::Null => {}
        leaf => out.push((path.clone(), leaf.clone())),
    }
}

fn push_row(rows: &mut String, key: &str, value: &str) {
    rows.push_str(&csv_cell(key));
    rows.push(',');
    rows.push_str(&csv_cell(value));
    rows.push('\n');
}
