//! A report's key figures as a reader sees them, labelled and formatted, and what each pricing plan
//! would cost: what the JavaScript package's `<mlcost-estimate>` widget shows, and the section
//! headings the CLI's markdown uses.
//!
//! Why in the engine, not in the widget's JavaScript? One formatting module for money, counts and
//! durations ([`crate::format`]): a widget formatting on its own would write "$1.2M" where the app
//! and the CLI write "$1.20M".

use serde::{Deserialize, Serialize};

use crate::catalogue::pricing::OfferUsed;
use crate::format;
use crate::report::Report;
use crate::vocabulary::units::{Fraction, Hours, KilogramsCo2e, Usd, UsdPerHour};

/// Each section of a report at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct Summary {
    /// Training first, then serving; only the sections the report has.
    pub sections: Vec<SectionSummary>,
}

/// One section's key figures and its cost under each plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct SectionSummary {
    /// `training` or `serving`: the report's key.
    #[cfg_attr(feature = "typescript", tsify(type = "Section"))]
    pub section: String,
    /// What the section's money is for: "Training (per run)", "Serving (a month)".
    pub heading: String,
    /// The model's name.
    pub model: String,
    /// The figures a reader asks first, in that order; a figure the estimate lacks is left out.
    pub figures: Vec<KeyFigure>,
    /// What makes the figures unusable as they stand, in words: the section does not fit in
    /// memory, or is not priced. Empty when nothing does.
    pub warnings: Vec<String>,
    /// The report's notes on the section (what it assumed, what it could not price).
    pub notes: Vec<String>,
    /// Where the price came from, in a line: "$6.88 per accelerator-hour: aws:p5.48xlarge,
    /// on-demand, us-east-1, as of 2026-11-09" (empty when the section has no price).
    pub price: String,
    /// What the chart of plans shows: "Compute cost of the run under each plan (the estimate's
    /// in colour)".
    pub plans_caption: String,
    /// The same section's cost under every plan its offer sells, cheapest first (empty for a
    /// typed price with no offer behind it).
    pub plans: Vec<PlanBar>,
}

/// One figure: its report key, label, value in base units and the value as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct KeyFigure {
    /// The report's dotted key (`training.total_cost_usd`).
    pub key: String,
    /// A label in plain words ("Total cost").
    pub label: String,
    /// The figure in the report's base unit (USD, hours, milliseconds, kg CO2e).
    pub value: f64,
    /// The figure formatted as the app shows it ("$301.02k", "28.5 days").
    pub text: String,
}

/// One plan's cost, for a bar of the chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct PlanBar {
    /// The plan's key in the report (`on-demand`, `spot`, `1y`, `3y`, `owned`, `custom`).
    #[cfg_attr(feature = "typescript", tsify(type = "Plan | \"custom\""))]
    pub plan: String,
    /// The plan in words: "on-demand", "spot", "1-year", "3-year", "owned", "your price".
    pub label: String,
    /// The run's compute cost, or the month's serving cost, under it.
    pub cost_usd: Usd,
    /// That cost as shown.
    pub text: String,
    /// Whether the estimate is priced on this plan.
    pub chosen: bool,
}

/// What a section's money covers, as a heading.
pub fn heading(section: &str) -> &'static str {
    match section {
        "training" => "Training (per run)",
        "serving" => "Serving (a month)",
        _ => "",
    }
}

/// The report's key figures and plans, section by section.
pub fn summarize(report: &Report) -> Summary {
    let mut sections = Vec::new();
    if let Some(training) = &report.training {
        let hours = |label: &str, key: &str, value: Hours| {
            figure(key, label, value.get(), format::duration(value))
        };
        let mut figures = vec![
            money("training.total_cost_usd", "Total cost", training.total_cost_usd),
            hours("Wall-clock time", "training.wall_clock_hours", training.wall_clock_hours),
            figure(
                "training.accelerator_hours",
                "Accelerator-hours",
                training.accelerator_hours.get(),
                format::count(training.accelerator_hours.get()),
            ),
            fraction("training.mfu", "MFU", training.mfu),
        ];
        figures.extend(training.carbon_kg_co2e.map(|kg| carbon("training.carbon_kg_co2e", kg)));
        let chosen = training.offer.as_ref().map_or("custom", |offer| offer.plan.as_str());
        let price = price_line(Some(training.price_per_accelerator_hour), training.offer.as_ref());
        let plans = training
            .by_plan
            .iter()
            .map(|(plan, cost)| bar(plan, cost.compute_cost_usd, chosen))
            .collect();
        let mut summary = section(
            "training",
            &training.model,
            figures,
            price,
            "Compute cost of the run under each plan (the estimate's in colour)",
            plans,
        );
        if !training.fits_in_memory {
            let fewest = training.min_accelerators_to_fit.map_or_else(
                || "no layout up to a million accelerators fits".to_owned(),
                |n| format!("a layout that fits needs {} or more", format::whole(f64::from(n))),
            );
            summary.warnings.push(format!(
                "Does not fit in memory as laid out: {} on each accelerator; {fewest} (see the notes)",
                format::bytes(training.memory_per_accelerator_bytes)
            ));
        }
        summary.notes.clone_from(&training.notes);
        sections.push(summary);
    }
    if let Some(serving) = &report.serving {
        let mut figures = Vec::new();
        figures.extend(
            serving.monthly_cost_usd.map(|usd| money("serving.monthly_cost_usd", "A month", usd)),
        );
        figures.extend(serving.cost_per_million_output_tokens_usd.map(|usd| {
            precise("serving.cost_per_million_output_tokens_usd", "Per million output tokens", usd)
        }));
        figures.extend(serving.cost_per_thousand_requests_usd.map(|usd| {
            precise("serving.cost_per_thousand_requests_usd", "Per thousand requests", usd)
        }));
        figures.extend(serving.replicas_peak.map(|n| {
            figure(
                "serving.replicas_peak",
                "Replicas at the peak",
                f64::from(n),
                format::whole(f64::from(n)),
            )
        }));
        figures.push(milliseconds("serving.ttft_ms", "Time to first token", serving.ttft_ms.get()));
        figures.push(milliseconds(
            "serving.tpot_ms",
            "Time per output token",
            serving.tpot_ms.get(),
        ));
        figures.extend(
            serving
                .carbon_kg_co2e_per_month
                .map(|kg| carbon("serving.carbon_kg_co2e_per_month", kg)),
        );
        let chosen = serving.offer.as_ref().map_or("custom", |offer| offer.plan.as_str());
        let price = price_line(serving.price_per_accelerator_hour, serving.offer.as_ref());
        let plans = serving
            .by_plan
            .iter()
            .map(|(plan, cost)| bar(plan, cost.monthly_cost_usd, chosen))
            .collect();
        let mut summary = section(
            "serving",
            &serving.model,
            figures,
            price,
            "Serving a month under each plan (the estimate's in colour)",
            plans,
        );
        if !serving.fits_in_memory {
            summary.warnings.push(format!(
                "Does not fit in memory: {} on each of a replica's {} accelerators (see the notes)",
                format::bytes(serving.memory_per_accelerator_bytes),
                serving.accelerators_per_replica
            ));
        }
        if serving.monthly_cost_usd.is_none() {
            summary.warnings.push("No monthly cost: the notes say what is missing".to_owned());
        }
        summary.notes.clone_from(&serving.notes);
        sections.push(summary);
    }
    Summary { sections }
}

fn section(
    name: &str,
    model: &str,
    figures: Vec<KeyFigure>,
    price: String,
    caption: &str,
    mut plans: Vec<PlanBar>,
) -> SectionSummary {
    plans.sort_by(|a, b| a.cost_usd.total_cmp(&b.cost_usd));
    SectionSummary {
        section: name.to_owned(),
        heading: heading(name).to_owned(),
        model: model.to_owned(),
        figures,
        warnings: Vec::new(),
        notes: Vec::new(),
        price,
        plans_caption: caption.to_owned(),
        plans,
    }
}

/// The price and, for an offer, what it is and its date.
fn price_line(price: Option<UsdPerHour>, offer: Option<&OfferUsed>) -> String {
    let Some(price) = price else { return String::new() };
    let price = format!("{} per accelerator-hour", format::usd_precise(Usd::new(price.get())));
    match offer {
        Some(offer) => format!(
            "{price}: {}, {}, {}, as of {}",
            offer.id,
            offer.plan.as_str(),
            offer.region,
            offer.as_of
        ),
        None => format!("{price} (given)"),
    }
}

fn figure(key: &str, label: &str, value: f64, text: String) -> KeyFigure {
    KeyFigure { key: key.to_owned(), label: label.to_owned(), value, text }
}

fn money(key: &str, label: &str, value: Usd) -> KeyFigure {
    figure(key, label, value.get(), format::usd(value))
}

/// Unit prices keep their small digits ("$0.000144").
fn precise(key: &str, label: &str, value: Usd) -> KeyFigure {
    figure(key, label, value.get(), format::usd_precise(value))
}

fn fraction(key: &str, label: &str, value: Fraction) -> KeyFigure {
    figure(key, label, value.get(), format::percent(value))
}

fn milliseconds(key: &str, label: &str, value: f64) -> KeyFigure {
    figure(key, label, value, format::milliseconds(value))
}

fn carbon(key: &str, value: KilogramsCo2e) -> KeyFigure {
    figure(key, "Carbon", value.get(), format::carbon(value))
}

fn bar(plan: &str, cost: Usd, chosen: &str) -> PlanBar {
    let label = match plan {
        "1y" => "1-year",
        "3y" => "3-year",
        "custom" => "your price",
        other => other,
    };
    PlanBar {
        plan: plan.to_owned(),
        label: label.to_owned(),
        cost_usd: cost,
        text: format::usd(cost),
        chosen: plan == chosen,
    }
}
