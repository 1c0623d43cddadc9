//! Reading GPU monitoring exports: `nvidia-smi --query-gpu=... --format=csv` and a DCGM CSV (as
//! exported from Prometheus or Grafana). The header says which; a bad row is reported by line and
//! skipped, so one glitch in a week of samples does not lose the week.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::timestamp;
use crate::vocabulary::error::{Error, Problem};
use crate::vocabulary::units::Bytes;

/// The error path of every import problem: the file is the field to fix.
pub const FIELD: &str = "utilization";

/// nvidia-smi and DCGM report memory in MiB.
const BYTES_PER_MIB: f64 = 1_048_576.0;
/// 1 PiB, far beyond any accelerator: a larger figure is a corrupt cell, and the bound keeps byte
/// totals far from overflow.
const MAX_MEMORY_MIB: f64 = 1_073_741_824.0;

const NVIDIA_SMI_HEADER: &str =
    "timestamp, index, name, utilization.gpu [%], memory.used [MiB], memory.total [MiB]";
const DCGM_HEADER: &str =
    "timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED (optionally DCGM_FI_DEV_FB_FREE)";

/// Which tool wrote the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// `nvidia-smi --query-gpu=timestamp,index,name,utilization.gpu,memory.used,memory.total
    /// --format=csv` (units and the header line may be left out).
    NvidiaSmi,
    /// `timestamp,gpu,DCGM_FI_DEV_GPU_UTIL,DCGM_FI_DEV_FB_USED[,DCGM_FI_DEV_FB_FREE]`.
    Dcgm,
}

/// One reading of one accelerator.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// The accelerator's index on its host (nvidia-smi's `index`, DCGM's `gpu`).
    pub gpu: u32,
    /// Seconds since 1970-01-01T00:00 on the file's clock: UTC for RFC 3339 and Unix times; the
    /// host's local time for nvidia-smi, which writes no zone.
    pub time_seconds: f64,
    /// Percent of the sample period in which a kernel was running (0–100).
    pub utilization_percent: f64,
    /// Memory in use, bytes (the file's MiB × 1,048,576).
    pub memory_used: Bytes,
    /// Absent when the file does not say (DCGM without `DCGM_FI_DEV_FB_FREE`).
    pub memory_total: Option<Bytes>,
}

/// A row that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRow {
    /// 1-based line in the file.
    pub line: usize,
    /// Why it was skipped, in words.
    pub reason: String,
}

impl fmt::Display for BadRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Everything read from one monitoring file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Monitoring {
    /// Which tool wrote the file.
    pub format: Format,
    /// In file order.
    pub samples: Vec<Sample>,
    /// Each accelerator's model name as the file first gives it (nvidia-smi's `name`, DCGM's
    /// `modelName` label when the export has it).
    pub names: BTreeMap<u32, String>,
    /// Rows skipped, in file order.
    pub bad_rows: Vec<BadRow>,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Time,
    Gpu,
    Name,
    Utilization,
    MemoryUsed,
    MemoryTotal,
    MemoryFree,
}

/// A column a format knows: its normalised header text, its name in messages, and whether a file
/// must have it.
struct Column {
    key: &'static str,
    label: &'static str,
    role: Role,
    required: bool,
}

const NVIDIA_SMI_COLUMNS: [Column; 6] = [
    Column { key: "timestamp", label: "timestamp", role: Role::Time, required: true },
    Column { key: "index", label: "index", role: Role::Gpu, required: true },
    Column { key: "name", label: "name", role: Role::Name, required: false },
    Column {
        key: "utilization.gpu",
        label: "utilization.gpu",
        role: Role::Utilization,
        required: true,
    },
    Column { key: "memory.used", label: "memory.used", role: Role::MemoryUsed, required: true },
    Column { key: "memory.total", label: "memory.total", role: Role::MemoryTotal, required: false },
];

const DCGM_COLUMNS: [Column; 6] = [
    Column { key: "timestamp", label: "timestamp", role: Role::Time, required: true },
    Column { key: "gpu", label: "gpu", role: Role::Gpu, required: true },
    Column {
        key: "dcgm_fi_dev_gpu_util",
        label: "DCGM_FI_DEV_GPU_UTIL",
        role: Role::Utilization,
        required: true,
    },
    Column {
        key: "dcgm_fi_dev_fb_used",
        label: "DCGM_FI_DEV_FB_USED",
        role: Role::MemoryUsed,
        required: true,
    },
    Column {
        key: "dcgm_fi_dev_fb_free",
        label: "DCGM_FI_DEV_FB_FREE",
        role: Role::MemoryFree,
        required: false,
    },
    Column { key: "modelname", label: "modelName", role: Role::Name, required: false },
];

/// Where each known column sits in the file; other columns are ignored.
#[derive(Debug, Default)]
struct Layout {
    cells: usize,
    time: usize,
    gpu: usize,
    utilization: usize,
    memory_used: usize,
    name: Option<usize>,
    memory_total: Option<usize>,
    memory_free: Option<usize>,
    labels: Labels,
}

/// Column names for row messages, as the format spells them.
#[derive(Debug, Default)]
struct Labels {
    time: &'static str,
    gpu: &'static str,
    utilization: &'static str,
    memory_used: &'static str,
    memory_total: &'static str,
}

/// Reads an nvidia-smi or DCGM CSV, telling them apart by the header line (case and spaces do not
/// matter; a headerless nvidia-smi file is read in the documented query order). Rows that cannot be
/// read are listed in [`Monitoring::bad_rows`] and skipped; a file with no header, no rows, or no
/// readable row is an error.
pub fn import(text: &str) -> Result<Monitoring, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix('\r').unwrap_or(line)))
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'));
    let Some((header_line, header)) = lines.next() else {
        return Err(whole_file(format!(
            "the file is empty; expected nvidia-smi CSV ({NVIDIA_SMI_HEADER}) or DCGM CSV ({DCGM_HEADER})"
        )));
    };
    let header_cells: Vec<&str> = split(header).collect();
    let (format, layout, header_is_data) = detect(&header_cells, header_line)?;

    let mut monitoring =
        Monitoring { format, samples: Vec::new(), names: BTreeMap::new(), bad_rows: Vec::new() };
    let rows = header_is_data.then_some((header_line, header)).into_iter().chain(lines);
    let mut rows_seen = 0usize;
    let mut cells: Vec<&str> = Vec::with_capacity(layout.cells);
    for (line, row) in rows {
        rows_seen += 1;
        cells.clear();
        cells.extend(split(row));
        match read_row(&cells, &layout) {
            Ok((sample, name)) => {
                if let Some(name) = name.filter(|n| !n.is_empty()) {
                    monitoring.names.entry(sample.gpu).or_insert_with(|| name.to_owned());
                }
                monitoring.samples.push(sample);
            }
            Err(reason) => monitoring.bad_rows.push(BadRow { line, reason }),
        }
    }
    if rows_seen == 0 {
        return Err(at_line(header_line, "the file has a header but no rows of samples".into()));
    }
    if monitoring.samples.is_empty() {
        let first: Vec<String> =
            monitoring.bad_rows.iter().take(3).map(ToString::to_string).collect();
        return Err(whole_file(format!(
            "no row could be read ({} bad; first: {})",
            monitoring.bad_rows.len(),
            first.join("; ")
        )));
    }
    Ok(monitoring)
}

/// Cells of one line: comma-separated, trimmed, surrounding double quotes dropped (exports quote
/// cells; neither tool writes a comma inside one).
fn split(line: &str) -> impl Iterator<Item = &str> {
    line.split(',').map(|cell| {
        let cell = cell.trim();
        cell.strip_prefix('"').and_then(|c| c.strip_suffix('"')).unwrap_or(cell).trim()
    })
}

/// Header text without case, spaces or a `[unit]` suffix: `Utilization.GPU [%]` → `utilization.gpu`.
fn normalise(cell: &str) -> String {
    let without_unit = cell.split('[').next().unwrap_or(cell);
    without_unit.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase()
}

/// The format, where its columns are, and whether the first line was already data (nvidia-smi's
/// `noheader`).
fn detect(cells: &[&str], line: usize) -> Result<(Format, Layout, bool), Error> {
    let keys: Vec<String> = cells.iter().map(|c| normalise(c)).collect();
    if keys.iter().any(|k| k == "utilization.gpu") {
        return Ok((
            Format::NvidiaSmi,
            layout(&keys, &NVIDIA_SMI_COLUMNS, "nvidia-smi", line)?,
            false,
        ));
    }
    if keys.iter().any(|k| k.starts_with("dcgm_")) {
        return Ok((Format::Dcgm, layout(&keys, &DCGM_COLUMNS, "DCGM", line)?, false));
    }
    // `--format=csv,noheader`: six cells starting with a timestamp are the documented query order.
    if cells.len() == NVIDIA_SMI_COLUMNS.len()
        && cells.first().is_some_and(|c| timestamp::parse(c).is_ok())
    {
        let keys: Vec<String> = NVIDIA_SMI_COLUMNS.iter().map(|c| c.key.to_owned()).collect();
        return Ok((
            Format::NvidiaSmi,
            layout(&keys, &NVIDIA_SMI_COLUMNS, "nvidia-smi", line)?,
            true,
        ));
    }
    Err(at_line(
        line,
        format!(
            "the header \"{}\" is neither nvidia-smi's ({NVIDIA_SMI_HEADER}) nor DCGM's ({DCGM_HEADER})",
            cells.join(",")
        ),
    ))
}

fn layout(keys: &[String], columns: &[Column], tool: &str, line: usize) -> Result<Layout, Error> {
    let needs = || {
        let required: Vec<&str> = columns.iter().filter(|c| c.required).map(|c| c.label).collect();
        let optional: Vec<&str> = columns.iter().filter(|c| !c.required).map(|c| c.label).collect();
        format!("{tool} CSV needs {}; optional {}", required.join(", "), optional.join(", "))
    };
    let mut layout = Layout { cells: keys.len(), ..Layout::default() };
    let mut missing = Vec::new();
    for column in columns {
        let position = keys.iter().position(|k| k == column.key);
        if keys.iter().filter(|k| *k == column.key).count() > 1 {
            return Err(at_line(
                line,
                format!("column {} appears twice ({})", column.label, needs()),
            ));
        }
        match (position, column.role) {
            (None, _) if column.required => missing.push(column.label),
            (None, _) => {}
            (Some(at), Role::Time) => (layout.time, layout.labels.time) = (at, column.label),
            (Some(at), Role::Gpu) => (layout.gpu, layout.labels.gpu) = (at, column.label),
            (Some(at), Role::Utilization) => {
                (layout.utilization, layout.labels.utilization) = (at, column.label)
            }
            (Some(at), Role::MemoryUsed) => {
                (layout.memory_used, layout.labels.memory_used) = (at, column.label)
            }
            (Some(at), Role::MemoryTotal) => {
                (layout.memory_total, layout.labels.memory_total) = (Some(at), column.label)
            }
            (Some(at), Role::MemoryFree) => {
                (layout.memory_free, layout.labels.memory_total) = (Some(at), column.label)
            }
            (Some(at), Role::Name) => layout.name = Some(at),
        }
    }
    if missing.is_empty() {
        Ok(layout)
    } else {
        Err(at_line(line, format!("missing column {} ({})", missing.join(", "), needs())))
    }
}

fn read_row<'a>(cells: &[&'a str], layout: &Layout) -> Result<(Sample, Option<&'a str>), String> {
    if cells.len() != layout.cells {
        return Err(format!("has {} cells; the header has {}", cells.len(), layout.cells));
    }
    let cell = |at: usize| cells.get(at).copied().unwrap_or_default();
    let labels = &layout.labels;
    let time_seconds =
        timestamp::parse(cell(layout.time)).map_err(|why| format!("{}: {why}", labels.time))?;
    let gpu = gpu_index(cell(layout.gpu)).map_err(|why| format!("{}: {why}", labels.gpu))?;
    let utilization_percent = number(cell(layout.utilization), "%")
        .and_then(|value| {
            if (0.0..=100.0).contains(&value) {
                Ok(value)
            } else {
                Err(format!("{value} is not between 0 and 100"))
            }
        })
        .map_err(|why| format!("{}: {why}", labels.utilization))?;
    let used = mebibytes(cell(layout.memory_used))
        .map_err(|why| format!("{}: {why}", labels.memory_used))?;
    let total = match (layout.memory_total, layout.memory_free) {
        (Some(at), _) => Some(mebibytes(cell(at))),
        (None, Some(at)) => Some(mebibytes(cell(at)).map(|free| free + used)),
        (None, None) => None,
    }
    .transpose()
    .map_err(|why| format!("{}: {why}", labels.memory_total))?;
    if let Some(total) = total {
        if total <= 0.0 {
            return Err(format!("{}: must be > 0", labels.memory_total));
        }
        if used > total {
            return Err(format!(
                "{} ({used} MiB) exceeds the total ({total} MiB)",
                labels.memory_used
            ));
        }
    }
    let sample = Sample {
        gpu,
        time_seconds,
        utilization_percent,
        memory_used: Bytes::new(used * BYTES_PER_MIB),
        memory_total: total.map(|t| Bytes::new(t * BYTES_PER_MIB)),
    };
    Ok((sample, layout.name.map(cell)))
}

fn gpu_index(text: &str) -> Result<u32, String> {
    text.parse().map_err(|_| format!("\"{text}\" is not a GPU index (a whole number ≥ 0)"))
}

/// A finite number, with or without its unit (`87 %`, `87`).
fn number(text: &str, unit: &str) -> Result<f64, String> {
    let bare = text.strip_suffix(unit).unwrap_or(text).trim_end();
    match bare.parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(format!("\"{text}\" is not a number")),
    }
}

fn mebibytes(text: &str) -> Result<f64, String> {
    let value = number(text, "MiB")?;
    if (0.0..=MAX_MEMORY_MIB).contains(&value) {
        Ok(value)
    } else {
        Err(format!("{value} MiB is not between 0 and {MAX_MEMORY_MIB} MiB"))
    }
}

fn at_line(line: usize, why: String) -> Error {
    Error::new(FIELD, Problem::BadSheet { line, column: 1, why })
}

fn whole_file(why: String) -> Error {
    Error::new(FIELD, Problem::Malformed(why))
}
