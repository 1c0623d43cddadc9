//! Layer 4, the report: what an estimate returns: plain data, numbers in base units (FLOPs, hours, USD), serialised with
//! the same dotted keys the scenario uses (`training.compute_cost_usd`).

use serde::{Deserialize, Serialize};

use crate::serving::report::ServingReport;
use crate::training::report::TrainingReport;
use crate::vocabulary::csv::csv_cell;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainingReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serving: Option<ServingReport>,
}

impl Report {
    /// The report as CSV rows `key,value`: every number, flag and text under its dotted path
    /// (`serving.by_plan.spot.monthly_cost_usd`, `serving.hourly[3].replicas`), in base units. What
    /// a spreadsheet needs to recompute or chart any figure, in the same keys as the JSON.
    pub fn to_csv(&self) -> String {
        let mut rows = String::from("key,value\n");
        if let Ok(value) = serde_json::to_value(self) {
            flatten(&value, &mut String::new(), &mut rows);
        }
        rows
    }
}

fn flatten(value: &serde_json::Value, path: &mut String, rows: &mut String) {
    use serde_json::Value;
    let length = path.len();
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                flatten(item, path, rows);
                path.truncate(length);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push_str(&format!("[{i}]"));
                flatten(item, path, rows);
                path.truncate(length);
            }
        }
        Value::Null => {}
        Value::String(text) => push_row(rows, path, text),
        other => push_row(rows, path, &other.to_string()),
    }
}

fn push_row(rows: &mut String, key: &str, value: &str) {
    rows.push_str(&csv_cell(key));
    rows.push(',');
    rows.push_str(&csv_cell(value));
    rows.push('\n');
}
