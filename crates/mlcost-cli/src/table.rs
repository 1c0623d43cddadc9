//! The human-readable report: one aligned line per figure, with its unit, then the defaults used.

use std::borrow::Cow;
use std::fmt::Write;

use mlcost::Report;
use mlcost::format::{self, MISSING, or_missing};
use mlcost::units::{Bytes, Usd};
use mlcost::vocabulary::uncertainty::Range;

pub fn report(report: &Report) -> String {
    let mut out = String::new();
    if let Some(t) = &report.training {
        let memory = &t.memory_breakdown;
        let gb = |bytes: Bytes| format!("{:.1} GB", bytes.get() / 1e9);
        let layout = &t.layout;
        let ranges = t.ranges.as_ref();
        let sections: [(&str, Vec<(&str, String)>); 4] = [
            (
                "Work",
                vec![
                    ("model", t.model.clone()),
                    ("tokens", or_missing(t.tokens, |tokens| format::scientific(tokens.get()))),
                    ("model FLOPs", format!("{:.3e}", t.flops.get())),
                    ("hardware FLOPs", format!("{:.3e}", t.hardware_flops.get())),
                    ("trained parameters", format::scientific(t.trainable_parameters.get())),
                ],
            ),
            (
                "Memory per accelerator",
                vec![
                    (
                        "layout",
                        format!(
                            "data {} x tensor {} x pipeline {} (expert {}, ZeRO {})",
                            layout.data,
                            layout.tensor,
                            layout.pipeline,
                            layout.expert,
                            layout.zero_stage
                        ),
                    ),
                    ("weights", gb(memory.weights)),
                    ("gradients", gb(memory.gradients)),
                    ("optimizer states", gb(memory.optimizer_states)),
                    ("activations", memory.activations.map_or("not estimated".into(), gb)),
                    ("framework overhead", gb(memory.framework_overhead)),
                    ("total", gb(t.memory_per_accelerator_bytes)),
                    ("fits", if t.fits_in_memory { "yes".into() } else { "no".into() }),
                    (
                        "fewest that fit",
                        t.min_accelerators_to_fit
                            .map_or("none up to 2^20".into(), |n| n.to_string()),
                    ),
                ],
            ),
            (
                "Time",
                vec![
                    (
                        "dense peak / accelerator",
                        format!("{:.1} TFLOP/s", t.peak_flops_per_accelerator.get() / 1e12),
                    ),
                    ("MFU used", format::percent(t.mfu)),
                    ("goodput used", format::percent(t.goodput)),
                    (
                        "checkpoint every",
                        format!(
                            "{:.0} min ({:.1} interruptions/day)",
                            t.reliability.checkpoint_interval_minutes.get(),
                            t.reliability.interruptions_per_hour * 24.0
                        ),
                    ),
                    (
                        "accelerator-hours",
                        format::within(
                            t.accelerator_hours,
                            ranges.map(|r| r.accelerator_hours),
                            |h| format::grouped(h.get()),
                        ),
                    ),
                    (
                        "wall-clock",
                        format!(
                            "{} h, {:.1} days",
                            format::within(
                                t.wall_clock_hours,
                                ranges.map(|r| r.wall_clock_hours),
                                |h| format::grouped(h.get()),
                            ),
                            t.wall_clock_hours.get() / 24.0
                        ),
                    ),
                    (
                        "energy",
                        or_missing(t.energy_kwh, |kwh| {
                            let range = ranges.and_then(|r| r.energy_kwh);
                            let shown = format::within(kwh, range, |k| format::grouped(k.get()));
                            format!("{shown} kWh")
                        }),
                    ),
                    (
                        "carbon",
                        or_missing(t.carbon_kg_co2e, |kg| {
                            let range = ranges.and_then(|r| r.carbon_kg_co2e);
                            format::within(kg, range, format::carbon)
                        }),
                    ),
                ],
            ),
            (
                "Cost",
                vec![
                    (
                        "price / accelerator-hour",
                        format!("${:.4}", t.price_per_accelerator_hour.get()),
                    ),
                    (
                        "compute",
                        format::within(
                            t.compute_cost_usd,
                            ranges.map(|r| r.compute_cost_usd),
                            format::usd_whole,
                        ),
                    ),
                    ("storage", format::usd_whole(t.storage_cost_usd)),
                    ("egress", format::usd_whole(t.egress_cost_usd)),
                    (
                        "total",
                        format::within(
                            t.total_cost_usd,
                            ranges.map(|r| r.total_cost_usd),
                            format::usd_whole,
                        ),
                    ),
                ],
            ),
        ];
        let width = sections
            .iter()
            .flat_map(|(_, rows)| rows.iter().map(|(label, _)| label.len()))
            .max()
            .unwrap_or(0);
        for (title, rows) in sections {
            let _ = writeln!(out, "{title}");
            for (label, value) in rows {
                let _ = writeln!(out, "  {label:<width$}  {value}");
            }
        }
        if t.by_plan.len() > 1 {
            let rows: Vec<Vec<String>> = t
                .by_plan
                .iter()
                .map(|(plan, cost)| {
                    vec![
                        plan.clone(),
                        cost.region.clone().unwrap_or_default(),
                        format!("{:.3}", cost.price_per_accelerator_hour.get()),
                        format::percent(cost.goodput),
                        format!("{:.1}", cost.wall_clock_hours.get() / 24.0),
                        format::grouped(cost.compute_cost_usd.get()),
                    ]
                })
                .collect();
            let _ = writeln!(out, "By plan");
            let table =
                columns(&["  plan", "region", "$/acc-h", "goodput", "days", "compute $"], &rows);
            for line in table.lines() {
                let _ = writeln!(out, "  {}", line.trim_start());
            }
        }
        if let Some(pick) = &t.recommendation {
            let _ = writeln!(
                out,
                "Cheapest within the deadline: {}x {} on {} ({}, {}): ${} compute in {:.1} days{}",
                pick.accelerator_count,
                pick.accelerator,
                pick.offer,
                pick.plan.as_str(),
                pick.region,
                format::grouped(pick.compute_cost_usd.get()),
                pick.wall_clock_hours.get() / 24.0,
                if pick.mfu_calibrated { "" } else { " (MFU not calibrated for this accelerator)" }
            );
        }
        if let Some(offer) = &t.offer {
            let _ = writeln!(
                out,
                "Priced with {} ({}, {}) at ${:.2}/instance-hour: {} (as of {})",
                offer.id,
                offer.plan.as_str(),
                offer.region,
                offer.usd_per_instance_hour.get(),
                offer.source,
                offer.as_of
            );
        }
        if !t.sensitivity.is_empty() {
            out.push_str(&sensitivity(&t.sensitivity, t.ranges.is_some()));
        }
        if !t.assumptions.is_empty() {
            out.push_str("Defaults used\n");
            for a in &t.assumptions {
                let _ = writeln!(out, "  {} = {:.4}: {}", a.field, a.value, a.citation());
            }
        }
        if !t.notes.is_empty() {
            out.push_str("Notes\n");
            for note in &t.notes {
                let _ = writeln!(out, "  {note}");
            }
        }
    }
    if let Some(serving) = &report.serving {
        out.push_str(&serving_section(serving));
    }
    out.trim_end().to_owned()
}

/// What moves the cost, largest swing first, and what the ranges above mean.
fn sensitivity(list: &[mlcost::vocabulary::uncertainty::Sensitivity], ranged: bool) -> String {
    let mut out = String::from("What moves the cost (the figure at each input's low and high)\n");
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| {
            vec![
                format!("  {}", s.input),
                format!("{} – {}", format::value(s.low_value), format::value(s.high_value)),
                {
                    // A cost in dollars; a rate (serving without a load) as a count.
                    let shown = |v: f64| {
                        if s.figure.ends_with("_usd") {
                            format::usd_whole(Usd::new(v))
                        } else {
                            format::grouped(v)
                        }
                    };
                    format!("{} – {}", shown(s.figure_at_low), shown(s.figure_at_high))
                },
                if s.defaulted { "default".to_owned() } else { "given, what-if".to_owned() },
            ]
        })
        .collect();
    for line in columns(&["  input", "low – high", "figure at low – high", "kind"], &rows).lines()
    {
        let _ = writeln!(out, "  {}", line.trim_start());
    }
    for s in list.iter().filter(|s| s.defaulted) {
        let _ = writeln!(out, "  {}: {}", s.input, s.source);
    }
    if ranged {
        out.push_str(
            "  Ranges in brackets: each default at its published low and high (about four published cases in five lie between), combined as a root sum of squares\n",
        );
    }
    out
}

fn serving_section(s: &mlcost::ServingReport) -> String {
    let mut out = String::new();
    let ranges = s.ranges;
    let gb = |bytes: f64| format!("{:.1} GB", bytes / 1e9);
    // A model without tokens (a CNN) answers requests: show its latency and request rates.
    let tokens = s.max_output_tokens_per_second_per_replica > 0.0 || !s.fits_in_memory;
    let mut rows = vec![
        ("model", s.model.clone()),
        ("accelerators per replica", s.accelerators_per_replica.to_string()),
        ("weights", gb(s.weights_bytes.get())),
    ];
    if tokens {
        rows.extend([
            ("KV cache per token", format!("{:.1} KB", s.kv_cache_bytes_per_token.get() / 1e3)),
            ("fits", if s.fits_in_memory { "yes".into() } else { "no".into() }),
            ("max concurrent sequences", s.max_concurrent_sequences.to_string()),
            ("batch meeting the SLO", s.batch_at_slo.to_string()),
        ]);
        // With a load, the latencies are the peak hour's: at the batch its load keeps in flight.
        let (ttft, tpot) = match &s.at_peak {
            Some(peak) => {
                rows.push(("batch at the peak hour's load", operating_batch(peak.batch)));
                ("TTFT at the peak hour", "TPOT at the peak hour")
            }
            None => ("TTFT at that batch", "TPOT at that batch"),
        };
        rows.extend([
            (
                ttft,
                format::within(s.ttft_ms, ranges.and_then(|r| r.ttft_ms), |ms| {
                    format!("{:.1} ms", ms.get())
                }),
            ),
            (
                tpot,
                format::within(s.tpot_ms, ranges.and_then(|r| r.tpot_ms), |ms| {
                    format!("{:.2} ms", ms.get())
                }),
            ),
        ]);
        // The peak hour simulated request by request: what an SLO percentile is checked against.
        if let Some(latency) = &s.latency {
            let three = |p: &mlcost::serving::simulate::Percentiles, digits: usize| {
                format!("{:.digits$} / {:.digits$} / {:.digits$} ms", p.p50, p.p90, p.p99)
            };
            rows.extend([
                ("TTFT p50/p90/p99, simulated", three(&latency.ttft_ms, 1)),
                ("TPOT p50/p90/p99, simulated", three(&latency.tpot_ms, 2)),
                ("request p50/p90/p99, simulated", three(&latency.e2e_ms, 0)),
            ]);
        }
        rows.extend([
            (
                "output tokens/s at the SLO",
                format::grouped(s.output_tokens_per_second_per_replica_at_slo),
            ),
            (
                "max output tokens/s",
                format::within(
                    s.max_output_tokens_per_second_per_replica,
                    ranges.map(|r| r.max_output_tokens_per_second_per_replica),
                    format::grouped,
                ),
            ),
        ]);
    } else {
        rows.extend([
            ("fits", if s.fits_in_memory { "yes".into() } else { "no".into() }),
            ("batch meeting the SLO", s.batch_at_slo.to_string()),
            ("latency", format!("{:.1} ms", s.ttft_ms.get())),
            ("requests/s at the SLO", format::grouped(s.requests_per_second_per_replica_at_slo)),
            ("max requests/s", format::grouped(s.max_requests_per_second_per_replica)),
        ]);
    }
    let width = rows.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
    out.push_str("Serving (per replica)\n");
    for (label, value) in rows {
        let _ = writeln!(out, "  {label:<width$}  {value}");
    }
    if let Some(monthly) = s.monthly_cost_usd {
        let dollars = |usd: f64| format::usd_whole(Usd::new(usd));
        let per_million = |usd: Option<Usd>, range: Option<Range<Usd>>| {
            usd.map_or(MISSING.into(), |usd| format::within(usd, range, format::usd_precise))
        };
        let mut day = vec![
            ("requests per day", or_missing(s.requests_per_day, format::grouped)),
            (
                "peak replicas",
                or_missing(s.replicas_peak, |peak| {
                    let range = ranges.and_then(|r| r.replicas_peak);
                    format::within(f64::from(peak), range, |r| format!("{r:.0}"))
                }),
            ),
            (
                "replica-hours per day",
                or_missing(s.replica_hours_per_day, |h| format!("{:.1}", h.get())),
            ),
            ("utilization", or_missing(s.utilization, format::percent)),
            (
                "monthly cost (autoscaled)",
                format::within(monthly, ranges.and_then(|r| r.monthly_cost_usd), format::usd_whole),
            ),
            (
                "monthly cost (static peak)",
                or_missing(s.static_peak_monthly_cost_usd, format::usd_whole),
            ),
            ("energy a month", or_missing(s.energy_kwh_per_month, format::energy)),
            ("carbon a month", or_missing(s.carbon_kg_co2e_per_month, format::carbon)),
        ];
        if tokens {
            day.push((
                "per 1M input tokens",
                per_million(
                    s.cost_per_million_input_tokens_usd,
                    ranges.and_then(|r| r.cost_per_million_input_tokens_usd),
                ),
            ));
            day.push((
                "per 1M output tokens",
                per_million(
                    s.cost_per_million_output_tokens_usd,
                    ranges.and_then(|r| r.cost_per_million_output_tokens_usd),
                ),
            ));
        }
        day.push(("per 1,000 requests", per_million(s.cost_per_thousand_requests_usd, None)));
        if let Some(mix) = &s.best_mix {
            day.push((
                "best committed mix",
                format!(
                    "{} replica(s) on {} + {} burst: {}",
                    mix.committed_replicas,
                    mix.committed_plan,
                    mix.burst_plan,
                    dollars(mix.monthly_cost_usd.get())
                ),
            ));
        }
        let width = day.iter().map(|(label, _)| label.len()).max().unwrap_or(0);
        out.push_str("Serving (the day and the month)\n");
        for (label, value) in day {
            let _ = writeln!(out, "  {label:<width$}  {value}");
        }
        if !s.by_plan.is_empty() {
            let rows: Vec<Vec<String>> = s
                .by_plan
                .iter()
                .map(|(plan, cost)| {
                    vec![
                        plan.clone(),
                        format!("{:.3}", cost.price_per_accelerator_hour.get()),
                        dollars(cost.monthly_cost_usd.get()),
                        if cost.committed {
                            "peak, every hour".into()
                        } else {
                            "autoscaled".into()
                        },
                    ]
                })
                .collect();
            out.push_str("By plan\n");
            out.push_str(&columns(&["plan", "$/accel-h", "monthly", "billed"], &rows));
            out.push('\n');
        }
        if !s.api_comparison.is_empty() {
            let rows: Vec<Vec<String>> = s
                .api_comparison
                .iter()
                .map(|api| {
                    vec![
                        api.id.clone(),
                        dollars(api.monthly_cost_usd.get()),
                        api.break_even_requests_per_day.map_or("never".into(), format::grouped),
                    ]
                })
                .collect();
            out.push_str("Hosted APIs for the same tokens\n");
            out.push_str(&columns(
                &["api", "monthly", "self-hosting cheaper above (requests/day)"],
                &rows,
            ));
            out.push('\n');
        }
    }
    for note in &s.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    if !s.sensitivity.is_empty() {
        out.push_str(&sensitivity(&s.sensitivity, s.ranges.is_some()));
    }
    // As training's: a figure the scenario left out is never used silently.
    if !s.assumptions.is_empty() {
        out.push_str("Defaults used\n");
        for a in &s.assumptions {
            let _ = writeln!(out, "  {} = {:.4}: {}", a.field, a.value, a.citation());
        }
    }
    out
}

/// Monitoring data's idle and underused time, per accelerator and in total, and the moves.
pub fn utilization(
    r: &mlcost::utilization::UtilizationReport,
    monitoring: &mlcost::utilization::Monitoring,
) -> String {
    let mut out = String::new();
    let hours = |h: mlcost::units::Hours| format!("{:.1}", h.get());
    let dollars = format::usd_whole;
    let mut rows: Vec<Vec<String>> = r
        .accelerators
        .iter()
        .map(|a| {
            vec![
                a.gpu.to_string(),
                hours(a.usage.covered_hours),
                format!("{:.1}%", a.usage.mean_utilization_percent),
                hours(a.usage.idle_hours),
                hours(a.usage.underused_hours),
                dollars(a.usage.unused_capacity_cost),
            ]
        })
        .collect();
    rows.push(vec![
        "total".into(),
        hours(r.total.covered_hours),
        format!("{:.1}%", r.total.mean_utilization_percent),
        hours(r.total.idle_hours),
        hours(r.total.underused_hours),
        dollars(r.total.unused_capacity_cost),
    ]);
    out.push_str(&columns(
        &["gpu", "hours", "mean util", "idle h", "underused h", "unused capacity"],
        &rows,
    ));
    out.push_str("\nRecommendations (savings overlap; per month)\n");
    if r.recommendations.is_empty() {
        out.push_str("  none: the accelerators are busy\n");
    }
    for rec in &r.recommendations {
        let saving = or_missing(rec.monthly_saving_usd, dollars);
        let _ = writeln!(out, "  {saving:>10}  {}\n              {}", rec.title, rec.reasoning);
    }
    for bad in &monitoring.bad_rows {
        let _ = writeln!(out, "  skipped line {}: {}", bad.line, bad.reason);
    }
    for note in &r.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    out.trim_end().to_owned()
}

/// A queue scheduled on a fixed cluster, and the cluster size that costs least.
pub fn schedule(
    r: &mlcost::schedule::ScheduleReport,
    sizing: &mlcost::schedule::ClusterSizing,
) -> String {
    let mut out = String::new();
    let rows: Vec<Vec<String>> = r
        .jobs
        .iter()
        .map(|job| {
            let (start, end) =
                job.placement.as_ref().map_or((MISSING.into(), MISSING.into()), |p| {
                    (format!("{:.1}", p.start_hours.get()), format!("{:.1}", p.end_hours.get()))
                });
            let deadline = match job.met_deadline {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "",
            };
            vec![job.name.clone(), job.accelerators.to_string(), start, end, deadline.into()]
        })
        .collect();
    out.push_str(&columns(&["job", "accelerators", "start h", "end h", "deadline"], &rows));
    let dollars = format::usd_whole;
    let _ = write!(
        out,
        "\n\nOn {} accelerators: makespan {:.1} h, utilisation {}, cluster cost {}\n\
         The same jobs on demand: {}",
        r.accelerators,
        r.makespan_hours.get(),
        format::percent(r.utilization),
        dollars(r.cluster_cost_usd),
        dollars(r.on_demand_cost_usd),
    );
    if let Some(spot) = r.spot_cost_usd {
        let _ = write!(out, "; on spot: {}", dollars(spot));
    }
    let _ = write!(out, "\nCluster size: {}", sizing.why);
    for note in &r.notes {
        let _ = write!(out, "\n  note: {note}");
    }
    out
}

/// The validation table: every case, then the scores per group.
pub fn validation(v: &mlcost::validation::Validation) -> String {
    let figure = |value: f64| format::value(value);
    let rows: Vec<Vec<String>> = v
        .cases
        .iter()
        .map(|c| {
            let range = match (c.low, c.high) {
                (Some(low), Some(high)) => format!("{} – {}", figure(low), figure(high)),
                _ => MISSING.into(),
            };
            let covered = match c.covered {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "",
            };
            vec![
                c.name.clone(),
                c.regime.as_str().into(),
                c.generation.clone(),
                c.unit.clone(),
                figure(c.published),
                figure(c.estimate),
                format!("{:+.0}%", c.error * 100.0),
                range,
                covered.into(),
            ]
        })
        .collect();
    let mut out = columns(
        &[
            "case",
            "regime",
            "generation",
            "unit",
            "published",
            "estimate",
            "error",
            "range",
            "in range",
        ],
        &rows,
    );
    out.push_str("\n\n");
    let scores: Vec<Vec<String>> = v
        .scores
        .iter()
        .map(|s| {
            let coverage = s.coverage().map_or(MISSING.into(), |share| {
                format!(
                    "{} ({} of {})",
                    format::percent(mlcost::units::Fraction::new(share)),
                    s.covered,
                    s.ranged
                )
            });
            vec![
                s.group.clone(),
                s.cases.to_string(),
                format!("{:.0}%", s.median_error * 100.0),
                format!("{:.0}%", s.worst_error * 100.0),
                coverage,
                s.worst_case.clone(),
            ]
        })
        .collect();
    out.push_str(&columns(
        &["group", "cases", "median |error|", "worst |error|", "range holds", "worst case"],
        &scores,
    ));
    out.push_str(
        "\n\nError: the estimate over the published figure, minus one. A default fitted on a case is scored with the fit made without it (leave one out).",
    );
    out
}

/// The validation cases as CSV, one row each (the scores are the JSON's and the table's).
pub fn validation_csv(v: &mlcost::validation::Validation) -> String {
    let mut out = String::from(
        "id,name,regime,generation,accelerator,figure,unit,published,estimate,low,high,error,covered,left_out_of_fit,source\n",
    );
    let optional = |value: Option<f64>| value.map_or(String::new(), |v| v.to_string());
    for c in &v.cases {
        let cells = [
            c.id.clone(),
            c.name.clone(),
            c.regime.as_str().into(),
            c.generation.clone(),
            c.accelerator.clone(),
            serde_json::to_value(c.figure)
                .ok()
                .and_then(|f| f.as_str().map(str::to_owned))
                .unwrap_or_default(),
            c.unit.clone(),
            c.published.to_string(),
            c.estimate.to_string(),
            optional(c.low),
            optional(c.high),
            c.error.to_string(),
            c.covered.map_or(String::new(), |b| b.to_string()),
            c.left_out_of_fit.to_string(),
            c.source.clone(),
        ];
        let line: Vec<String> =
            cells.iter().map(|cell| mlcost::vocabulary::csv::csv_cell(cell)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    out.trim_end().to_owned()
}

/// The most characters a table cell prints: longer text (a job name, an instance type from a
/// user's sheet) is cut with "…", so one cell cannot push the other columns off the screen. The
/// JSON and CSV keep it whole.
const WIDEST_CELL: usize = 120;

/// A cell as the table prints it, and its width in characters.
fn fitted(cell: &str) -> (Cow<'_, str>, usize) {
    let count = cell.chars().count();
    if count <= WIDEST_CELL {
        return (Cow::Borrowed(cell), count);
    }
    let mut cut: String = cell.chars().take(WIDEST_CELL - 1).collect();
    cut.push('…');
    (Cow::Owned(cut), WIDEST_CELL)
}

/// Aligned columns under a header; the first column left-aligned, the rest right-aligned.
///
/// Why pad by hand rather than with `{:<width$}`? A format width must fit in 16 bits, and a cell
/// of 65,536 characters made the formatter panic; here widths are bounded by `WIDEST_CELL` anyway.
pub fn columns(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| fitted(h).1).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(fitted(cell).1);
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, (cell, width)) in cells.zip(&widths).enumerate() {
            let (cell, count) = fitted(cell);
            let padding = " ".repeat(width.saturating_sub(count));
            if i == 0 {
                text.push_str(&cell);
                text.push_str(&padding);
            } else {
                text.push_str("  ");
                text.push_str(&padding);
                text.push_str(&cell);
            }
        }
        text.trim_end().to_owned()
    };
    let mut out = line(&mut header.iter().copied());
    for row in rows {
        out.push('\n');
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

/// The advisor: recommendations best first, the waterfall, the Pareto front and the what-ifs.
pub fn advice(a: &mlcost::optimize::Advice) -> String {
    let mut out = String::new();
    for c in &a.current {
        let _ = writeln!(
            out,
            "Now ({}): {} a {}",
            c.section.title(),
            format::usd_grouped(c.cost_usd),
            format::period(c.per)
        );
    }
    let _ = writeln!(
        out,
        "\nRecommendations ({} configurations weighed)",
        format::whole(a.candidates_considered as f64)
    );
    for (i, r) in a.recommendations.iter().enumerate() {
        let _ = writeln!(
            out,
            "{}. {} — saves {} a {}\n   trade-off: {}\n   why: {}",
            i + 1,
            r.title,
            format::usd_grouped(r.saving_usd),
            format::period(r.per),
            r.tradeoff,
            r.why
        );
    }
    for w in &a.waterfall {
        if w.steps.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\nWaterfall ({:?}), per {}: {}",
            w.section,
            format::period(w.per),
            format::usd_grouped(w.start_usd)
        );
        for s in &w.steps {
            let _ = writeln!(
                out,
                "  − {}  {}  → {}",
                format::usd_grouped(s.saving_usd),
                s.title,
                format::usd_grouped(s.cost_after_usd)
            );
        }
    }
    let rows: Vec<Vec<String>> = a
        .pareto_front
        .iter()
        .map(|p| {
            vec![
                p.label.clone(),
                format::usd_whole(p.cost_usd),
                p.wall_clock_hours.map_or_else(
                    || format!("{:.0} ms", p.latency_ms.map_or(0.0, |ms| ms.get())),
                    |h| format!("{:.0} h", h.get()),
                ),
            ]
        })
        .collect();
    if !rows.is_empty() {
        let _ =
            writeln!(out, "\nPareto front\n{}", columns(&["configuration", "cost", "time"], &rows));
    }
    let w = &a.what_ifs;
    if !w.quantization.is_empty() {
        let rows: Vec<Vec<String>> = w
            .quantization
            .iter()
            .map(|q| {
                vec![
                    format!("{:?}", q.weight_precision).to_uppercase(),
                    if q.fits_in_memory { "yes".into() } else { "no".into() },
                    format!("{:.0}", q.output_tokens_per_second_per_replica),
                    or_missing(q.monthly_cost_usd, format::usd_whole),
                    or_missing(q.change_percent, |c| format!("{c:+.0}%")),
                ]
            })
            .collect();
        let _ = writeln!(
            out,
            "\nWhat if the weights were quantized?\n{}",
            columns(&["weights", "fits", "tokens/s/replica", "monthly", "change"], &rows)
        );
    }
    if !w.speculative_decoding.is_empty() {
        let rows: Vec<Vec<String>> = w
            .speculative_decoding
            .iter()
            .map(|s| {
                vec![
                    format!("{} ({} drafted)", s.draft, s.draft_tokens),
                    format!("{:.2}", s.acceptance_rate.get()),
                    format::milliseconds(s.tpot_ms.get()),
                    format!("{:.0}", s.output_tokens_per_second_per_replica),
                    or_missing(s.monthly_cost_usd, format::usd_whole),
                    or_missing(s.change_percent, |c| format!("{c:+.0}%")),
                ]
            })
            .collect();
        let _ = writeln!(
            out,
            "\nWhat if decoding were speculative? (acceptance: the span published, 0.65-0.9)\n{}",
            columns(
                &["draft", "acceptance", "TPOT", "tokens/s/replica", "monthly", "change"],
                &rows
            )
        );
    }
    if let Some(s) = &w.split {
        let _ = writeln!(
            out,
            "Prefill and decode apart, the cheapest pools found: {} at the busiest hour, {:.0} accelerator-hours a day against the combined replicas' {:.0} as the scenario runs them (other hardware for those: the recommendations above): {} against {} a month",
            mlcost::serving::split::pools(s),
            s.accelerator_hours_per_day,
            s.combined_accelerator_hours_per_day,
            or_missing(s.monthly_cost_usd, format::usd_whole),
            or_missing(s.combined_monthly_cost_usd, format::usd_whole),
        );
    }
    for p in &w.pruning {
        let _ = writeln!(
            out,
            "Pruning {}: {}",
            p.kind,
            or_missing(p.change_percent, |c| format!("{c:+.0}% a month")),
        );
    }
    if let Some(d) = &w.distillation {
        let _ = writeln!(
            out,
            "Distil into {}: one-off {} (teacher {} + training {}), saves {} a month, payback {}",
            d.student,
            format::usd_grouped(d.one_off_usd),
            format::usd_grouped(d.teacher_generation_usd),
            format::usd_grouped(d.student_training_usd),
            format::usd_grouped(d.monthly_saving_usd),
            d.payback_days.map_or("never".into(), |days| format!("{:.0} days", days.get())),
        );
    }
    for f in &w.fine_tuning {
        let _ = writeln!(
            out,
            "Fine-tune {}: {}, {:.1} GB per accelerator{}",
            f.method.label(),
            format::usd_grouped(f.total_cost_usd),
            f.memory_per_accelerator_bytes.get() / 1e9,
            if f.fits_in_memory { "" } else { " (does not fit)" }
        );
    }
    for note in &a.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out.trim_end().to_owned()
}

/// Recommendations as CSV: one row each, best first.
pub fn advice_csv(a: &mlcost::optimize::Advice) -> String {
    let quote = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    let mut out =
        String::from("id,section,per,title,saving_usd,saving_percent,cost_usd,tradeoff\n");
    for r in &a.recommendations {
        let _ = writeln!(
            out,
            "{},{:?},{},{},{:.2},{:.2},{:.2},{}",
            r.id,
            r.section,
            format::period(r.per),
            quote(&r.title),
            r.saving_usd.get(),
            r.saving_percent,
            r.cost_usd.get(),
            quote(&r.tradeoff)
        );
    }
    out.trim_end().to_owned()
}

/// A replica's mean batch at a load: below one, the share of time a request is in service.
fn operating_batch(batch: f64) -> String {
    if batch < 1.0 { format!("{batch:.3} (each request alone)") } else { format!("{batch:.1}") }
}

/// Own or rent: an owned accelerator-hour term by term, the cluster's costs, then each rented
/// plan against it.
pub fn own(r: &mlcost::own::OwnReport) -> String {
    use mlcost::vocabulary::format;
    let mut out = String::new();
    let server = r.server.as_deref().map_or(String::new(), |s| format!("{s}, "));
    let _ = writeln!(
        out,
        "Owned: {} server{} ({server}{} {} accelerators in all), busy {} of the time",
        r.servers,
        if r.servers == 1 { "" } else { "s" },
        r.accelerators,
        r.accelerator,
        format::percent(r.utilization)
    );
    let terms: Vec<Vec<String>> = r
        .per_accelerator_hour
        .named()
        .iter()
        .map(|(name, usd)| vec![(*name).to_owned(), format!("${:.3}", usd.get())])
        .chain(std::iter::once(vec![
            "total".to_owned(),
            format!("${:.3}", r.per_accelerator_hour.total().get()),
        ]))
        .collect();
    let _ = writeln!(out, "\nAn owned accelerator-hour\n{}", columns(&["term", "USD"], &terms));
    let _ = writeln!(
        out,
        "A used accelerator-hour (the owned hour over the utilisation): ${:.3}",
        r.per_used_accelerator_hour.get()
    );
    let _ = writeln!(
        out,
        "Up front {}, then {} a month running (energy, facility, support, staff); {} a month all in",
        format::usd_grouped(r.upfront_usd),
        format::usd_grouped(r.running_per_month_usd),
        format::usd_grouped(r.monthly_cost_usd),
    );
    if !r.against.is_empty() {
        let life = r.depreciation_years * 12.0;
        let rows: Vec<Vec<String>> = r
            .against
            .iter()
            .map(|a| {
                vec![
                    a.plan.as_str().to_owned(),
                    format!("{} ({})", a.offer, a.region),
                    format!("${:.3}", a.price_per_accelerator_hour.get()),
                    format::usd_grouped(a.monthly_cost_usd),
                    if a.owning_cheaper { "owning".into() } else { "renting".into() },
                    a.break_even_utilization.map_or_else(
                        || {
                            if a.plan.is_committed() {
                                "any (paid every hour)".into()
                            } else {
                                "never".into()
                            }
                        },
                        format::percent,
                    ),
                    a.break_even_months.map_or("never".into(), |m| {
                        if m > life {
                            format!("{m:.1} (past the {life:.0}-month life)")
                        } else {
                            format!("{m:.1}")
                        }
                    }),
                ]
            })
            .collect();
        let _ = writeln!(
            out,
            "\nAgainst renting the same accelerator (the cheapest offer under each plan)\n{}",
            columns(
                &[
                    "plan",
                    "offer",
                    "$/acc-h",
                    "rent a month",
                    "cheaper",
                    "owning wins above",
                    "months to break even (cash)",
                ],
                &rows
            )
        );
    }
    if let Some(capacity) = r.serving_capacity_requests_per_day {
        let _ = writeln!(
            out,
            "\nServing the scenario on the owned cluster: up to {} requests a day at its targets",
            format::count(capacity)
        );
    }
    for api in &r.against_apis {
        let volume = api.break_even_requests_per_day.map_or_else(
            || "no volume the cluster serves".to_owned(),
            |v| format!("{} requests", format::count(v)),
        );
        let months = api.break_even_months.map_or_else(
            || "its cash never catches up at this volume".to_owned(),
            |m| format!("its cash catches up in {m:.1} months"),
        );
        let _ = writeln!(
            out,
            "Against {} ({}): {} a month for the scenario's requests; owning wins above {volume} a day; {months}",
            api.name,
            api.id,
            format::usd_grouped(api.monthly_cost_usd),
        );
    }
    for a in &r.assumptions {
        let _ =
            writeln!(out, "default {} = {}: {}", a.field, format::trimmed(a.value), a.citation());
    }
    for note in &r.notes {
        let _ = writeln!(out, "note: {note}");
    }
    out.trim_end().to_owned()
}

/// The cumulative cost each month, owned and under each rented plan, as CSV.
pub fn own_csv(r: &mlcost::own::OwnReport) -> String {
    let mut header = vec!["month".to_owned(), "date".to_owned(), "owned_usd".to_owned()];
    header.extend(r.against.iter().map(|a| format!("{}_usd", a.plan.as_str())));
    header.extend(r.against_apis.iter().map(|a| format!("{}_usd", a.id)));
    let mut out = header.join(",");
    for m in &r.months {
        let date = m.date.clone().unwrap_or_default();
        let mut row = vec![m.month.to_string(), date, format!("{:.2}", m.owned_usd.get())];
        row.extend(m.rented_usd.iter().chain(&m.api_usd).map(|usd| format!("{:.2}", usd.get())));
        out.push('\n');
        out.push_str(&row.join(","));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_of_any_length_is_cut_not_a_panic() {
        // A format width must fit 16 bits: this length once aborted the CLI.
        let long = "x".repeat(70_000);
        let table =
            columns(&["name", "cost"], &[vec![long, "$1".into()], vec!["a".into(), "$2".into()]]);
        let widest = table.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= WIDEST_CELL + 2 + 4, "{widest}");
        assert!(table.lines().nth(1).unwrap().contains('…'));
        assert_eq!(
            table.lines().nth(2).unwrap(),
            format!("a{}    $2", " ".repeat(WIDEST_CELL - 1))
        );
    }
}
