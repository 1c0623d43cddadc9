//! The pieces of an estimate both pages show: key numbers, tables, the defaults the engine used and
//! its notes. Both pages build them from plain strings, so the browser downloads one copy of each.

use leptos::prelude::*;
use mlcost::Assumption;

use crate::format;

/// One figure in the list of key numbers, with the source of the default behind it if there is one.
#[derive(Debug)]
pub struct KeyNumber {
    pub id: &'static str,
    pub label: &'static str,
    pub value: String,
    pub default_source: Option<String>,
}

impl KeyNumber {
    pub fn new(id: &'static str, label: &'static str, value: String) -> Self {
        Self { id, label, value, default_source: None }
    }
}

pub fn key_numbers(rows: Vec<KeyNumber>) -> impl IntoView {
    view! {
        <dl>
            {rows.into_iter().map(|row| view! {
                <dt>{row.label}</dt>
                <dd id=row.id>
                    {row.value}
                    {row.default_source.map(|source| view! { <span class="default" title=source>" default"</span> })}
                </dd>
            }).collect_view()}
        </dl>
    }
}

pub fn stale_notice(stale: bool) -> impl IntoView {
    stale.then(|| view! { <p class="stale">"Showing the last valid estimate; fix the marked field to update it."</p> })
}

/// A table row: its header (with a tooltip, say a source) and its cells.
#[derive(Debug)]
pub struct Row {
    pub header: String,
    pub title: Option<String>,
    pub cells: Vec<Cell>,
}

#[derive(Debug)]
pub struct Cell {
    pub text: String,
    pub numeric: bool,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Self { text: text.into(), numeric: false }
    }

    pub fn number(text: impl Into<String>) -> Self {
        Self { text: text.into(), numeric: true }
    }
}

/// A table that scrolls sideways on its own when the screen is narrower than it.
pub fn table(
    id: &'static str,
    caption: &'static str,
    headers: &'static [&'static str],
    rows: Vec<Row>,
) -> impl IntoView {
    view! {
        <div class="scroll">
            <table id=id class="plans">
                <caption>{caption}</caption>
                <thead><tr>{headers.iter().map(|h| view! { <th scope="col">{*h}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <th scope="row" title=row.title>{row.header}</th>
                            {row.cells.into_iter().map(|cell| view! {
                                <td class:num=cell.numeric>{cell.text}</td>
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

pub fn assumptions(list: &[Assumption]) -> impl IntoView + use<> {
    (!list.is_empty()).then(|| {
        view! {
            <details class="assumptions" open>
                <summary>"Defaults used and their sources"</summary>
                <ul>
                    {list.iter().map(|a| view! {
                        <li><code>{a.field.clone()}</code>" = "{format!("{:.3}", a.value)}": "{a.source.clone()}</li>
                    }).collect_view()}
                </ul>
            </details>
        }
    })
}

pub fn notes(list: &[String]) -> impl IntoView + use<> {
    (!list.is_empty()).then(|| {
        view! {
            <ul class="notes">{list.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
        }
    })
}

/// What one accelerator's memory holds, as a bar with a legend (`class` picks each part's colour).
#[derive(Debug)]
pub struct MemoryPart {
    pub class: &'static str,
    pub name: &'static str,
    pub bytes: f64,
}

/// Drawn in SVG: its parts' widths are attributes, which the strict CSP allows (a `style`
/// attribute it refuses).
pub fn memory_bar(id: &'static str, caption: String, parts: Vec<MemoryPart>) -> impl IntoView {
    let total = parts.iter().map(|p| p.bytes).sum::<f64>().max(1.0);
    let parts: Vec<MemoryPart> = parts.into_iter().filter(|p| p.bytes > 0.0).collect();
    let mut x = 0.0;
    let rects: Vec<(String, String, String, String)> = parts
        .iter()
        .map(|part| {
            let width = part.bytes / total * 100.0;
            let rect = (
                format!("part {}", part.class),
                format!("{x:.3}"),
                format!("{width:.3}"),
                format!("{}: {}", part.name, format::bytes(part.bytes)),
            );
            x += width;
            rect
        })
        .collect();
    view! {
        <p class="bar-caption">{caption}</p>
        <svg class="memory-bar" id=id role="img" aria-label="Memory per accelerator by what it holds"
            viewBox="0 0 100 10" preserveAspectRatio="none">
            {rects.into_iter().map(|(class, x, width, title)| view! {
                <rect class=class x=x y="0" width=width height="10"><title>{title}</title></rect>
            }).collect_view()}
        </svg>
        <ul class="legend">
            {parts.into_iter().map(|part| view! {
                <li><span class=format!("swatch {}", part.class)></span>{format!("{} {}", part.name, format::bytes(part.bytes))}</li>
            }).collect_view()}
        </ul>
    }
}
