//! The own-or-rent panel: servers bought instead of rented, priced a used accelerator-hour term by
//! term, against the cheapest rented offer of the same accelerator under each plan and the hosted
//! APIs the scenario compares with, and the cumulative cost month by month (`mlcost::own`). What
//! the user sets is the scenario's `owned` section: sent to the app as it changes, so links and
//! saved scenarios keep it. An empty term shows the sourced default it falls back to.

use leptos::prelude::*;
use mlcost::catalogue::owned::servers;
use mlcost::own::{OwnReport, own};
use mlcost::scenario::resolve::owned as terms;
use mlcost::vocabulary::provenance::Sourced;
use mlcost::{Error, PriceBook, Scenario, format};
use plotters::prelude::*;

use super::fields::{Fallback, PALETTE, chart, errors_of, last_good, number_field, number_or};
use crate::charts::canvas::ChartCanvas;
use crate::charts::legend::{LegendItem, Swatch, legend_beside_or_above};
use crate::charts::palette;

/// The terms of owning a user may set: the `owned` section's field, its label, its default.
const TERMS: [(&str, &str, Sourced<f64>); 11] = [
    ("owned.depreciation_years", "Depreciation (years)", terms::DEPRECIATION_YEARS),
    ("owned.residual_value", "Resale value at the end (share of the price)", terms::RESIDUAL_VALUE),
    ("owned.cost_of_capital", "Cost of capital (a year, e.g. 0.08)", terms::COST_OF_CAPITAL),
    (
        "owned.equipment_share",
        "Network and storage bought with them (share of the servers' price)",
        terms::EQUIPMENT_SHARE,
    ),
    (
        "owned.idle_power_share",
        "An idle accelerator's power (share of its board power)",
        terms::IDLE_POWER_SHARE,
    ),
    ("owned.pue", "Facility PUE", terms::PUE),
    ("owned.usd_per_kwh", "Electricity (USD per kWh)", terms::USD_PER_KWH),
    (
        "owned.facility_usd_per_kw_month",
        "Facility or colocation (USD per kW a month)",
        terms::FACILITY_USD_PER_KW_MONTH,
    ),
    (
        "owned.support_usd_per_accelerator_year",
        "Support and software (USD per accelerator a year)",
        terms::SUPPORT_USD_PER_ACCELERATOR_YEAR,
    ),
    ("owned.staff_usd_per_year", "An operations engineer (USD a year)", terms::STAFF_USD_PER_YEAR),
    ("owned.servers_per_staff", "Servers one engineer runs", terms::SERVERS_PER_STAFF),
];

/// The window event carrying the `owned` section (JSON) to the app, which keeps it with the
/// scenario (`mlcost_web::state::OWNED_EVENT`).
use mlcost_web::state::OWNED_EVENT;

/// What the user gave the panel: it lives as long as the app, so switching pages loses nothing.
#[derive(Debug, Clone, Copy)]
pub struct OwnInputs {
    server: RwSignal<String>,
    servers: RwSignal<String>,
    utilization: RwSignal<String>,
    purchase_date: RwSignal<String>,
    price: RwSignal<String>,
    power: RwSignal<String>,
    terms: [RwSignal<String>; TERMS.len()],
    /// Filled from the scenario once, when the panel first shows.
    seeded: StoredValue<bool>,
    /// The section last sent to the app, so an unchanged one is not sent again.
    sent: StoredValue<String>,
}

impl OwnInputs {
    pub fn new() -> Self {
        let text = |s: &str| RwSignal::new(s.to_owned());
        Self {
            server: text("hgx-h100"),
            servers: text("4"),
            utilization: text("0.6"),
            purchase_date: text(""),
            price: text(""),
            power: text(""),
            terms: TERMS.map(|_| text("")),
            seeded: StoredValue::new(false),
            sent: StoredValue::new(String::new()),
        }
    }

    /// The inputs from the scenario's `owned` section, or, without one, the bundled server of the
    /// accelerator its serving or training section runs on.
    fn seed(self, scenario: Option<&Scenario>) {
        if self.seeded.get_value() {
            return;
        }
        self.seeded.set_value(true);
        let Some(scenario) = scenario else { return };
        let Some(section) = &scenario.owned else {
            let accelerator = scenario
                .serving
                .as_ref()
                .map(|s| s.accelerator.as_str())
                .or(scenario.training.as_ref().map(|t| t.accelerator.as_str()));
            let bundled = servers().ok().and_then(|all| {
                all.iter()
                    .find(|s| Some(s.accelerator.as_str()) == accelerator)
                    .map(|s| s.id.clone())
            });
            if let Some(id) = bundled {
                self.server.set(id);
            }
            return;
        };
        let text = |key: &str| match section.get(key) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        self.server.set(text("server"));
        self.servers.set(text("servers"));
        self.utilization.set(text("utilization"));
        self.purchase_date.set(text("purchase_date"));
        self.price.set(text("server_price_usd"));
        self.power.set(text("server_power_watts"));
        for ((field, _, _), value) in TERMS.iter().zip(self.terms) {
            value.set(text(field.trim_start_matches("owned.")));
        }
    }

    /// The `owned` section as typed, or every field that is not a number, named.
    fn section(self) -> Result<serde_json::Value, Vec<Error>> {
        let mut section = serde_json::Map::new();
        let mut errors = Vec::new();
        let server = self.server.get();
        if !server.is_empty() {
            section.insert("server".into(), server.into());
        }
        let date = self.purchase_date.get();
        if !date.trim().is_empty() {
            section.insert("purchase_date".into(), date.trim().into());
        }
        let numbers = [
            ("owned.servers", self.servers),
            ("owned.utilization", self.utilization),
            ("owned.server_price_usd", self.price),
            ("owned.server_power_watts", self.power),
        ]
        .into_iter()
        .chain(TERMS.iter().map(|(field, _, _)| *field).zip(self.terms));
        for (field, value) in numbers {
            match number_or(field, &value.get(), None) {
                Ok(Some(number)) => {
                    let key = field.trim_start_matches("owned.");
                    // Counts are whole numbers in the section; the engine names a fraction.
                    let json = if key == "servers" && number.fract() == 0.0 && number >= 0.0 {
                        serde_json::Value::from(number as u64)
                    } else {
                        serde_json::Value::from(number)
                    };
                    section.insert(key.into(), json);
                }
                Ok(None) => {}
                Err(error) => errors.push(error),
            }
        }
        if errors.is_empty() { Ok(section.into()) } else { Err(errors) }
    }
}

impl Default for OwnInputs {
    fn default() -> Self {
        Self::new()
    }
}

/// The panel: the servers and their terms, then what owning costs against renting.
#[component]
pub fn OwnPanel(
    book: Memo<PriceBook>,
    inputs: OwnInputs,
    scenario: RwSignal<Option<Scenario>>,
) -> impl IntoView {
    scenario.with_untracked(|s| inputs.seed(s.as_ref()));
    let result: Memo<Option<Result<OwnReport, Vec<Error>>>> = Memo::new(move |_| {
        let section = match inputs.section() {
            Ok(section) => section,
            Err(errors) => return Some(Err(errors)),
        };
        let base = scenario.get().unwrap_or_else(|| Scenario {
            model: mlcost::scenario::model::Model::default(),
            training: None,
            serving: None,
            owned: None,
        });
        let with_owned = Scenario { owned: Some(section), ..base };
        Some(book.with(|b| own(&with_owned, b)).map_err(|e| vec![e]))
    });
    // A section the engine accepts is the scenario's: the app keeps it (links, saved scenarios).
    Effect::new(move |_| {
        if let (Some(Ok(_)), Ok(section)) = (result.get(), inputs.section()) {
            let text = section.to_string();
            if inputs.sent.with_value(|sent| *sent != text) {
                inputs.sent.set_value(text.clone());
                mlcost_web::dom::events::send(OWNED_EVENT, &text);
            }
        }
    });
    let shown = last_good(result);
    let errors = errors_of(result);
    let server_fallback = move |pick: fn(&mlcost::catalogue::owned::Server) -> (f64, String)| {
        Signal::derive(move || {
            let id = inputs.server.get();
            servers().ok()?.iter().find(|s| s.id == id).map(|s| {
                let (value, what) = pick(s);
                Fallback {
                    value,
                    note: format!("default: {what}, the bundled {}'s (as of {})", s.name, s.as_of),
                    source: s.source.clone(),
                }
            })
        })
    };
    let price_fallback = server_fallback(|s| {
        (s.price_usd.get(), format!("${}", format::grouped(s.price_usd.get())))
    });
    let power_fallback =
        server_fallback(|s| (s.max_power_watts.get(), format!("{} W", s.max_power_watts.get())));
    let server_options = move || {
        let mut list =
            vec![(String::new(), "none: give the accelerator's server below".to_owned())];
        if let Ok(all) = servers() {
            list.extend(all.iter().map(|s| {
                let estimate = if s.estimate { " (estimated price)" } else { "" };
                (s.id.clone(), format!("{}{estimate}", s.name))
            }));
        }
        list.into_iter()
            .map(|(value, label)| {
                let selected = value == inputs.server.get_untracked();
                view! { <option value=value selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let none = Signal::derive(|| None);
    let term_fields = TERMS
        .iter()
        .zip(inputs.terms)
        .map(|((id, label, default), value)| {
            let fallback = Signal::derive(move || {
                Some(Fallback {
                    value: default.value,
                    note: format!("default: {}, {}", format::value(default.value), default.source),
                    source: format!("{} (as of {})", default.source, default.as_of),
                })
            });
            number_field(id, label, value, fallback, errors)
        })
        .collect_view();
    view! {
        <div class="panel-body own">
            <div class="panel-inputs">
            <p class="hint">
                "What a server you buy costs a used accelerator-hour, term by term, against renting the same accelerator and the hosted APIs; the months until buying has paid for itself. These terms are kept with the scenario."
            </p>
                <label for="owned.server">"Server"</label>
                <select id="owned.server" prop:value=move || inputs.server.get()
                    on:change=move |ev| inputs.server.set(event_target_value(&ev))>
                    {server_options}
                </select>
                {number_field("owned.servers", "How many servers", inputs.servers, none, errors)}
                {number_field("owned.utilization", "Share of the hours in use (0–1)", inputs.utilization, none, errors)}
                <label for="owned.purchase_date">"Bought in (YYYY-MM, optional)"</label>
                <input id="owned.purchase_date" type="text" autocomplete="off" placeholder="2025-03"
                    prop:value=move || inputs.purchase_date.get()
                    on:input=move |ev| inputs.purchase_date.set(event_target_value(&ev)) />
                {move || error_at(errors, "owned.purchase_date")}
                {move || error_at(errors, "owned.server")}
                {move || error_at(errors, "owned.accelerator")}
                <details class="advanced">
                    <summary>"The terms of owning (each empty one takes its sourced default)"</summary>
                    {number_field("owned.server_price_usd", "Server price with its accelerators (USD)", inputs.price, price_fallback, errors)}
                    {number_field("owned.server_power_watts", "Server power at full load (W)", inputs.power, power_fallback, errors)}
                    {term_fields}
                </details>
            </div>
            <div class="outputs">
                {move || (!errors.with(Vec::is_empty) && shown.with(Option::is_some)).then(|| view! { <p class="stale">"Fix the fields on the left: these figures are for the last terms that priced."</p> })}
                {move || shown.get().map(|r| view! { {summary(&r)} {against(&r)} {apis(&r)} })}
                <div class:hidden=move || shown.with(Option::is_none)>
                    {chart("own-cumulative-chart", "Cumulative cost by month: owned against each rented plan and hosted API (cash: the purchase up front)", Memo::new(move |_| shown.with(|r| r.as_ref().map(Cumulative::of))), draw_cumulative)}
                </div>
            </div>
        </div>
    }
}

/// An error the engine gave for `field` that no number field shows.
fn error_at(errors: Signal<Vec<Error>>, field: &'static str) -> Option<impl IntoView> {
    errors.with(|e| super::fields::error_for(e, field)).map(|e| {
        view! { <p class="field-error" role="alert">{e}</p> }
    })
}

fn summary(r: &OwnReport) -> impl IntoView + use<> {
    let terms: Vec<_> = r
        .per_accelerator_hour
        .named()
        .into_iter()
        .map(|(name, cost)| {
            view! { <tr><td>{name}</td><td class="num">{format!("${:.3}", cost.get())}</td></tr> }
        })
        .collect();
    let server = r.server.clone().unwrap_or_else(|| "servers".to_owned());
    view! {
        <p class="own-headline">
            <strong id="own-used-hour">{format!("${:.2}", r.per_used_accelerator_hour.get())}</strong>
            {format!(
                " a used accelerator-hour: {} × {server} ({} {} accelerators), an owned hour of ${:.3} over {} of the hours in use. Up front {}, then {} a month running; {} a month all in.",
                r.servers,
                r.accelerators,
                r.accelerator,
                r.per_accelerator_hour.total().get(),
                format::percent(r.utilization),
                format::usd_whole(r.upfront_usd),
                format::usd_whole(r.running_per_month_usd),
                format::usd_whole(r.monthly_cost_usd),
            )}
        </p>
        <div class="scroll"><table class="own-terms">
            <caption>"An owned accelerator-hour, term by term"</caption>
            <thead><tr><th>"term"</th><th class="num">"USD"</th></tr></thead>
            <tbody>{terms}</tbody>
        </table></div>
        {(!r.notes.is_empty()).then(|| view! {
            <ul class="notes">{r.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
        })}
    }
}

fn against(r: &OwnReport) -> impl IntoView + use<> {
    let rows: Vec<_> = r
        .against
        .iter()
        .map(|a| {
            let wins = match (a.plan.is_committed(), a.break_even_utilization) {
                (true, _) => "any (paid every hour)".to_owned(),
                (false, Some(u)) => format::percent(u),
                (false, None) => "never".to_owned(),
            };
            let months = a.break_even_months.map_or("never".to_owned(), |m| format!("{m:.1}"));
            view! {
                <tr>
                    <td>{a.plan.as_str()}</td>
                    <td>{format!("{} ({})", a.offer, a.region)}</td>
                    <td class="num">{format!("${:.3}", a.price_per_accelerator_hour.get())}</td>
                    <td class="num">{format::usd_whole(a.monthly_cost_usd)}</td>
                    <td>{if a.owning_cheaper { "owning" } else { "renting" }}</td>
                    <td class="num">{wins}</td>
                    <td class="num">{months}</td>
                </tr>
            }
        })
        .collect();
    view! {
        <div class="scroll"><table class="own-against">
            <caption>"Against renting the same accelerator (the cheapest offer under each plan)"</caption>
            <thead><tr>
                <th>"plan"</th><th>"offer"</th><th class="num">"$/acc-h"</th>
                <th class="num">"rent a month"</th><th>"cheaper"</th>
                <th class="num">"owning wins above"</th><th class="num">"months to break even (cash)"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
    }
}

fn apis(r: &OwnReport) -> Option<impl IntoView + use<>> {
    if r.against_apis.is_empty() {
        return None;
    }
    let rows: Vec<_> = r
        .against_apis
        .iter()
        .map(|a| {
            let volume = a
                .break_even_requests_per_day
                .map_or("beyond the cluster".to_owned(), format::count);
            let months = a.break_even_months.map_or("never".to_owned(), |m| format!("{m:.1}"));
            view! {
                <tr>
                    <td>{a.name.clone()}</td>
                    <td class="num">{format::usd_whole(a.monthly_cost_usd)}</td>
                    <td class="num">{volume}</td>
                    <td class="num">{months}</td>
                </tr>
            }
        })
        .collect();
    Some(view! {
        <div class="scroll"><table class="own-apis">
            <caption>"Against the hosted APIs, for the serving section's requests"</caption>
            <thead><tr>
                <th>"API"</th><th class="num">"a month"</th>
                <th class="num">"owning wins above (requests a day)"</th>
                <th class="num">"months to break even (cash)"</th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table></div>
    })
}

/// The chart's data: each month's cumulative cost, owned and under each rented plan.
#[derive(Debug, Clone, PartialEq)]
struct Cumulative {
    names: Vec<String>,
    /// Per line (owned first), the cumulative dollars at the end of each month.
    lines: Vec<Vec<(f64, f64)>>,
    months: f64,
    top: f64,
    /// The first month's date, when the purchase date is given.
    start: Option<String>,
}

impl Cumulative {
    fn of(r: &OwnReport) -> Self {
        let mut names = vec!["owned".to_owned()];
        // The plan and its provider: the offer's full id does not fit a legend.
        names.extend(r.against.iter().map(|a| {
            let provider = a.offer.split(':').next().unwrap_or(&a.offer);
            format!("{}, {provider}", a.plan.as_str())
        }));
        names.extend(r.against_apis.iter().map(|a| format!("{} (API)", a.name)));
        let mut lines = vec![Vec::new(); names.len()];
        for m in &r.months {
            let x = f64::from(m.month);
            lines[0].push((x, m.owned_usd.get()));
            for (line, usd) in lines.iter_mut().skip(1).zip(m.rented_usd.iter().chain(&m.api_usd)) {
                line.push((x, usd.get()));
            }
        }
        let top = lines.iter().flatten().map(|p| p.1).fold(1.0, f64::max);
        let months = r.months.last().map_or(1.0, |m| f64::from(m.month).max(1.0));
        let start = r.months.first().and_then(|m| m.date.clone());
        Cumulative { names, lines, months, top, start }
    }
}

fn draw_cumulative(
    canvas: web_sys::HtmlCanvasElement,
    data: &Option<Cumulative>,
) -> Result<(), String> {
    let root = ChartCanvas::new(canvas)?.into_drawing_area();
    root.fill(&palette::paper()).map_err(|e| e.to_string())?;
    let Some(data) = data else { return root.present().map_err(|e| e.to_string()) };
    let legend: Vec<LegendItem> = data
        .names
        .iter()
        .enumerate()
        .map(|(i, name)| (name.clone(), PALETTE[i % PALETTE.len()], Swatch::Line))
        .collect();
    let plot = legend_beside_or_above(&root, &legend, (2, 3))?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..data.months, 0.0..data.top * 1.05)
        .map_err(|e| e.to_string())?;
    let since = data.start.as_deref().map_or("the purchase".to_owned(), str::to_owned);
    palette::themed(&mut chart.configure_mesh())
        .x_desc(format!("months since {since}"))
        .x_label_formatter(&|month| format!("{month:.0}"))
        .y_desc("cumulative cost")
        .y_label_formatter(&|usd| format::usd_short(mlcost::units::Usd::new(*usd)))
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, points) in data.lines.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let width = if i == 0 { 3 } else { 1 };
        chart
            .draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(width)))
            .map_err(|e| e.to_string())?;
    }
    root.present().map_err(|e| e.to_string())
}
