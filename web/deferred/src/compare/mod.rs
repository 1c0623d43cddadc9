//! The compare page: the saved scenarios, and two to four of them side by side — their key figures,
//! each one's difference from the first, and their costs as grouped bars.

use crate::charts::canvas::ChartCanvas;
use crate::charts::legend::Swatch;
use crate::charts::{canvas_chart, palette};
use leptos::prelude::*;
use mlcost::format;
use mlcost::units::{Fraction, Hours, Usd};
use mlcost::{PriceBook, Report};
use mlcost_web::header::saved::SavedScenarios;
use plotters::prelude::*;

mod saved_list;

use saved_list::SavedPanel;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Usd,
    Count,
    Hours,
    Share,
}

impl Unit {
    fn show(self, value: f64) -> String {
        match self {
            Unit::Usd => format::usd(Usd::new(value)),
            Unit::Count => format::count(value),
            Unit::Hours => format::duration(Hours::new(value)),
            Unit::Share => format::percent(Fraction::new(value)),
        }
    }

    /// A difference, signed: "+$1.20M", "−3.0 h", "+4.1 pp".
    fn difference(self, delta: f64) -> String {
        let size = match self {
            Unit::Share => format!("{:.1} pp", delta.abs() * 100.0),
            _ => self.show(delta.abs()),
        };
        format!("{}{size}", sign(delta))
    }
}

fn sign(value: f64) -> &'static str {
    if value > 0.0 {
        "+"
    } else if value < 0.0 {
        "−"
    } else {
        "±"
    }
}

#[derive(Debug)]
struct Figure {
    key: &'static str,
    label: &'static str,
    unit: Unit,
    read: fn(&Report) -> Option<f64>,
}

const FIGURES: [Figure; 8] = [
    Figure {
        key: "training-total-cost",
        label: "Training: total cost",
        unit: Unit::Usd,
        read: |r| r.training.as_ref().map(|t| t.total_cost_usd.get()),
    },
    Figure {
        key: "training-compute-cost",
        label: "Training: compute cost",
        unit: Unit::Usd,
        read: |r| r.training.as_ref().map(|t| t.compute_cost_usd.get()),
    },
    Figure {
        key: "training-accelerator-hours",
        label: "Training: accelerator-hours",
        unit: Unit::Count,
        read: |r| r.training.as_ref().map(|t| t.accelerator_hours.get()),
    },
    Figure {
        key: "training-wall-clock",
        label: "Training: wall-clock",
        unit: Unit::Hours,
        read: |r| r.training.as_ref().map(|t| t.wall_clock_hours.get()),
    },
    Figure {
        key: "serving-monthly-cost",
        label: "Serving: monthly cost",
        unit: Unit::Usd,
        read: |r| r.serving.as_ref()?.monthly_cost_usd.map(|u| u.get()),
    },
    Figure {
        key: "serving-cost-per-million-output",
        label: "Serving: per million output tokens",
        unit: Unit::Usd,
        read: |r| r.serving.as_ref()?.cost_per_million_output_tokens_usd.map(|u| u.get()),
    },
    Figure {
        key: "serving-replicas-peak",
        label: "Serving: replicas at the peak",
        unit: Unit::Count,
        read: |r| r.serving.as_ref()?.replicas_peak.map(f64::from),
    },
    Figure {
        key: "serving-utilization",
        label: "Serving: utilisation",
        unit: Unit::Share,
        read: |r| r.serving.as_ref()?.utilization.map(|u| u.get()),
    },
];

/// The chart's groups: what each bar of a scenario costs.
const GROUPS: [&str; 4] = ["training compute", "storage", "egress", "serving, monthly"];

fn bars(report: &Report) -> [f64; 4] {
    let training = report.training.as_ref();
    let part = |read: fn(&mlcost::TrainingReport) -> f64| training.map_or(0.0, read);
    [
        part(|t| t.compute_cost_usd.get()),
        part(|t| t.storage_cost_usd.get()),
        part(|t| t.egress_cost_usd.get()),
        report.serving.as_ref().and_then(|s| s.monthly_cost_usd).map_or(0.0, |u| u.get()),
    ]
}

/// One compared scenario: its name and its figures (in `FIGURES` order) and bars, or why it
/// could not be estimated.
#[derive(Debug, Clone, PartialEq)]
struct Column {
    name: String,
    estimate: Result<(Vec<Option<f64>>, [f64; 4]), String>,
}

impl Column {
    fn figure(&self, index: usize) -> Option<f64> {
        self.estimate.as_ref().ok().and_then(|(figures, _)| figures[index])
    }
}

#[component]
pub fn ComparePage(saved: SavedScenarios, book: Memo<PriceBook>) -> impl IntoView {
    let columns = Memo::new(move |_| {
        let chosen: Vec<_> = saved.selected.with(|ids| {
            saved.list.with(|list| {
                ids.iter().filter_map(|id| list.iter().find(|s| s.id == *id).cloned()).collect()
            })
        });
        book.with(|book| {
            chosen
                .into_iter()
                .map(|entry| Column {
                    name: entry.name,
                    estimate: mlcost::estimate_with(&entry.scenario, book)
                        .map(|r| (FIGURES.iter().map(|f| (f.read)(&r)).collect(), bars(&r)))
                        .map_err(|e| e.to_string()),
                })
                .collect::<Vec<_>>()
        })
    });
    let few = move || columns.with(|c| c.len() < 2);
    view! {
        <main class="compare">
            <section aria-labelledby="saved-heading">
                <h2 id="saved-heading">"Saved scenarios"</h2>
                <SavedPanel saved=saved />
            </section>
            <section aria-labelledby="compare-heading" class="comparison">
                <h2 id="compare-heading">"Side by side"</h2>
                {move || few().then(|| view! {
                    <p class="hint" id="compare-hint">"Tick two to four saved scenarios to compare them."</p>
                })}
                {move || columns.with(|c| (!c.is_empty()).then(|| table(c)))}
                <div class:hidden=few>
                    {canvas_chart(
                        "compare-chart",
                        "Training compute, storage and egress cost and monthly serving cost, one bar per compared scenario",
                        columns,
                        |canvas, columns| draw(canvas, columns),
                    )}
                </div>
            </section>
        </main>
    }
}

fn table(columns: &[Column]) -> impl IntoView + use<> {
    let first = columns[0].clone();
    let header = columns
        .iter()
        .map(|column| {
            let problem = column.estimate.as_ref().err().cloned();
            view! {
                <th scope="col">
                    <span class="compare-name">{column.name.clone()}</span>
                    {problem.map(|p| view! { <span class="field-error compare-error">{p}</span> })}
                </th>
            }
            .into_any()
        })
        .collect_view();
    let rows = FIGURES
        .iter()
        .enumerate()
        .map(|(index, figure)| {
            let base = first.figure(index);
            let cells = columns
                .iter()
                .enumerate()
                .map(|(col, column)| {
                    let value = column.figure(index);
                    let shown = format::or_missing(value, |v| figure.unit.show(v));
                    let change = (col > 0).then(|| {
                        let (by, percent) = match (base, value) {
                            (Some(base), Some(value)) => {
                                let delta = value - base;
                                let percent = (base.abs() > 0.0).then(|| {
                                    format!("{}{:.1}%", sign(delta), (delta / base * 100.0).abs())
                                });
                                (figure.unit.difference(delta), percent)
                            }
                            _ => (format::MISSING.to_owned(), None),
                        };
                        let percent = percent.unwrap_or_else(|| format::MISSING.to_owned());
                        view! {
                            <span class="change">
                                <span class="diff">{by}</span>" "
                                <span class="diff-pct">"("{percent}")"</span>
                            </span>
                        }
                    });
                    view! {
                        <td class="num" data-key=figure.key data-col=col.to_string()>
                            <span class="value">{shown}</span>{change}
                        </td>
                    }
                    .into_any()
                })
                .collect_view();
            view! { <tr><th scope="row">{figure.label}</th>{cells}</tr> }.into_any()
        })
        .collect_view();
    view! {
        <div class="scroll">
            <table id="compare-table" class="plans">
                <caption>"Key figures; after the first scenario, each one's difference from the first."</caption>
                <thead><tr><th scope="col">"Figure"</th>{header}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// One colour per compared scenario (at most four).
const COLORS: [RGBColor; 4] = [palette::BLUE, palette::ORANGE, palette::TEAL, palette::PURPLE];

/// The group a label position names among `names`: groups span [g, g + 1), labelled at their
/// middle.
fn group_label(x: f64, names: &[&str]) -> String {
    let group = x.floor();
    let middle = (x - group - 0.5).abs() < 1e-6;
    let name = names.get(group as usize).filter(|_| middle && group >= 0.0);
    name.map_or_else(String::new, |n| (*n).to_owned())
}

/// The two kinds of money a scenario costs, each on its own axis: a run's dollars and a month's do
/// not add up, and a $13M run beside $7k a month on one axis hides the month.
const PANELS: [(&str, std::ops::Range<usize>); 2] =
    [("Training, USD per run", 0..3), ("Serving, USD per month", 3..4)];

fn draw(canvas: web_sys::HtmlCanvasElement, columns: &[Column]) -> Result<(), String> {
    let backend = ChartCanvas::new(canvas)?;
    let root = backend.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    let series: Vec<(&str, [f64; 4])> = columns
        .iter()
        .filter_map(|c| c.estimate.as_ref().ok().map(|(_, bars)| (c.name.as_str(), *bars)))
        .collect();
    if columns.len() < 2 || series.is_empty() {
        return root.present().map_err(|e| e.to_string());
    }
    let legend: Vec<crate::charts::legend::LegendItem> = series
        .iter()
        .enumerate()
        .map(|(i, (name, _))| ((*name).to_owned(), COLORS[i % COLORS.len()], Swatch::Block))
        .collect();
    let plot = crate::charts::legend::legend_above(&root, &legend)?;
    // Only the panels some scenario has money in.
    let panels: Vec<_> = PANELS
        .into_iter()
        .filter(|(_, groups)| {
            series.iter().any(|(_, bars)| bars[groups.clone()].iter().any(|v| *v > 0.0))
        })
        .collect();
    if !panels.is_empty() {
        // Side by side on a wide screen; one above the other on a phone.
        let (width, _) = plot.dim_in_pixel();
        let grid = if width >= 500 { (1, panels.len()) } else { (panels.len(), 1) };
        for (area, (title, groups)) in plot.split_evenly(grid).iter().zip(panels) {
            draw_panel(area, title, groups, &series)?;
        }
    }
    root.present().map_err(|e| e.to_string())
}

/// One panel of grouped bars: a bar per scenario in each of `groups`, on the panel's own axis.
fn draw_panel(
    area: &DrawingArea<ChartCanvas, plotters::coord::Shift>,
    title: &str,
    groups: std::ops::Range<usize>,
    series: &[(&str, [f64; 4])],
) -> Result<(), String> {
    let names = &GROUPS[groups.clone()];
    let top = series
        .iter()
        .flat_map(|(_, bars)| bars[groups.clone()].iter().copied())
        .fold(0.0, f64::max)
        * 1.15;
    let width = 0.8 / series.len() as f64;
    let ink = palette::ink();
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .caption(title, ("sans-serif", 14).into_font().color(&ink))
        .x_label_area_size(30)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..names.len() as f64, 0.0..top.max(1.0))
        .map_err(|e| e.to_string())?;
    palette::themed(&mut chart.configure_mesh())
        .disable_x_mesh()
        .light_line_style(palette::paper())
        .x_labels(2 * names.len() + 1)
        .x_label_formatter(&|x| group_label(*x, names))
        .y_label_formatter(&|y| format::usd_short(Usd::new(*y)))
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, (_, bars)) in series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let left = 0.1 + i as f64 * width;
        chart
            .draw_series(bars[groups.clone()].iter().enumerate().map(|(group, cost)| {
                let x = group as f64 + left;
                Rectangle::new([(x, 0.0), (x + width * 0.9, *cost)], color.filled())
            }))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_carry_their_sign_and_unit() {
        assert_eq!(Unit::Usd.difference(1_200_000.0), "+$1.20M");
        assert_eq!(Unit::Hours.difference(-3.0), "−3.0 h");
        assert_eq!(Unit::Share.difference(0.041), "+4.1 pp");
        assert_eq!(Unit::Count.difference(0.0), "±0");
    }

    #[test]
    fn groups_are_labelled_at_their_middle_only() {
        assert_eq!(group_label(0.5, &GROUPS), "training compute");
        assert_eq!(group_label(3.5, &GROUPS), "serving, monthly");
        assert_eq!(group_label(0.5, &GROUPS[3..]), "serving, monthly");
        assert_eq!(group_label(1.0, &GROUPS), "");
        assert_eq!(group_label(4.5, &GROUPS), "");
    }
}
