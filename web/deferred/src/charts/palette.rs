//! The one palette every chart draws with. The eight series colours are told apart from each other
//! and read against either theme's paper (the end-to-end contrast check covers the text); the
//! paper, ink and labels follow the page's theme (`data-theme` on `<html>`, set by the app's theme
//! switch), read when the chart is drawn, so a PNG exported in the dark theme is dark too.

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::prelude::DrawingBackend;
use plotters::style::{Color, IntoFont, RGBColor, TextStyle};

pub const BLUE: RGBColor = RGBColor(0x1f, 0x6f, 0xb4);
pub const ORANGE: RGBColor = RGBColor(0xd9, 0x5f, 0x02);
pub const TEAL: RGBColor = RGBColor(0x2a, 0x9d, 0x8f);
pub const PURPLE: RGBColor = RGBColor(0x7b, 0x5e, 0xa7);
pub const RED: RGBColor = RGBColor(0xb4, 0x23, 0x18);
pub const BROWN: RGBColor = RGBColor(0x8c, 0x6d, 0x1f);
pub const PINK: RGBColor = RGBColor(0xd1, 0x4b, 0x8f);
pub const GREY: RGBColor = RGBColor(0x57, 0x60, 0x6a);

/// Series told apart only by a legend (accelerators, jobs, saved scenarios, APIs), in order.
pub const SERIES: [RGBColor; 8] = [BLUE, ORANGE, TEAL, PURPLE, RED, BROWN, PINK, GREY];

/// Whether the page shows the dark theme.
fn dark() -> bool {
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element());
    root.and_then(|r| r.get_attribute("data-theme")).as_deref() == Some("dark")
}

/// The chart's background: the theme's panel colour (style.css's `--panel`).
pub fn paper() -> RGBColor {
    if dark() { RGBColor(0x16, 0x1b, 0x22) } else { RGBColor(0xff, 0xff, 0xff) }
}

/// Axes, text and (faded) gridlines: the theme's text colour (style.css's `--fg`).
pub fn ink() -> RGBColor {
    if dark() { RGBColor(0xe6, 0xed, 0xf3) } else { RGBColor(0x1b, 0x1f, 0x24) }
}

/// Axis labels and descriptions.
pub fn label() -> TextStyle<'static> {
    ("sans-serif", 13).into_font().color(&ink())
}

/// A chart's axes, labels and gridlines in the theme's ink: every chart's mesh starts here.
pub fn themed<'m, 'a, 'b, X, Y, XT, YT, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
    DB: DrawingBackend,
{
    let ink = ink();
    mesh.label_style(label())
        .axis_desc_style(label())
        .axis_style(ink)
        .bold_line_style(ink.mix(0.2))
        .light_line_style(ink.mix(0.06))
}
