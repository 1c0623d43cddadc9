//! The one palette every chart draws with, in both modules. Why fixed colours and not the theme's?
//! Charts are drawn on a white canvas in either theme (and exported as PNG), and these eight are
//! told apart from each other and read against white (the end-to-end contrast check covers them).

use plotters::style::RGBColor;

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
