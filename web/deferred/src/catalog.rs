//! The catalogue page: every offer in every region, its price under each plan side by side, and the
//! normalised units that make offers comparable across clouds. Filter, sort, and lay your own price
//! sheet over the bundled one.

use leptos::prelude::*;
use mlcost::catalogue::quotes::{OfferRow, QuoteFilter};
use mlcost::format;
use mlcost::units::UsdPerHour;
use mlcost::{Plan, PriceBook};

use mlcost_web::header::price_sheet::{StoredSheet, UserSheet, today};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Offer,
    Region,
    Plan(usize),
    PerHour,
    PerMemoryGb,
    PerPflops,
    PerTbps,
}

impl Column {
    fn key(self, row: &OfferRow) -> Option<f64> {
        let basis = row.basis.as_ref();
        match self {
            Column::Offer | Column::Region => None,
            Column::Plan(i) => row.per_accelerator_hour[i].map(UsdPerHour::get),
            Column::PerHour => basis.map(|q| q.usd_per_hour.get()),
            Column::PerMemoryGb => basis.map(|q| q.usd_per_accelerator_memory_gb_hour),
            Column::PerPflops => basis.and_then(|q| q.usd_per_dense_bf16_pflops_hour),
            Column::PerTbps => basis.map(|q| q.usd_per_memory_tbps_hour),
        }
    }
}

fn rows(book: &PriceBook, accelerator: &str, provider: &str, basis: Plan) -> Vec<OfferRow> {
    let filter = QuoteFilter {
        accelerator: (!accelerator.is_empty()).then(|| accelerator.to_owned()),
        provider: (!provider.is_empty()).then(|| provider.to_owned()),
        ..QuoteFilter::default()
    };
    book.offer_rows(&filter, basis)
}

fn sort(rows: &mut [OfferRow], column: Column) {
    match column {
        Column::Offer => rows.sort_by(|a, b| a.offer.cmp(&b.offer)),
        Column::Region => rows.sort_by(|a, b| a.region.cmp(&b.region)),
        // Missing prices sort last.
        _ => rows.sort_by(|a, b| {
            let key = |r: &OfferRow| column.key(r).unwrap_or(f64::INFINITY);
            key(a).total_cmp(&key(b))
        }),
    }
}

#[component]
pub fn CatalogPage(book: Memo<PriceBook>, sheet: UserSheet) -> impl IntoView {
    let accelerator = RwSignal::new(String::new());
    let provider = RwSignal::new(String::new());
    let basis = RwSignal::new(Plan::OnDemand);
    let sort_by = RwSignal::new(Column::Plan(0));
    let table = Memo::new(move |_| {
        let mut rows = book.with(|b| rows(b, &accelerator.get(), &provider.get(), basis.get()));
        sort(&mut rows, sort_by.get());
        rows
    });
    let providers = Memo::new(move |_| {
        let mut names: Vec<String> =
            book.with(|b| b.offers.iter().map(|o| o.provider.clone()).collect());
        names.sort();
        names.dedup();
        names
    });
    let header = move |label: &'static str, column: Column, title: &'static str| {
        view! {
            <th scope="col" aria-sort=move || if sort_by.get() == column { "ascending" } else { "none" }>
                <button type="button" class="sort" title=title on:click=move |_| sort_by.set(column)>{label}</button>
            </th>
        }
    };
    view! {
        <main class="catalog">
            <section aria-label="Filters and your prices" class="catalog-controls">
                <h2>"Offers"</h2>
                <div class="filters">
                    <label>"Accelerator"
                        <select id="catalog.accelerator" on:change=move |ev| accelerator.set(event_target_value(&ev))>
                            <option value="">"all"</option>
                            {move || book.with(|b| b.accelerators.iter().map(|a| {
                                view! { <option value=a.id.clone()>{a.id.clone()}</option> }
                            }).collect_view())}
                        </select>
                    </label>
                    <label>"Provider"
                        <select id="catalog.provider" on:change=move |ev| provider.set(event_target_value(&ev))>
                            <option value="">"all"</option>
                            {move || providers.get().into_iter().map(|p| view! { <option value=p.clone()>{p.clone()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"Normalise under"
                        <select id="catalog.basis" on:change=move |ev| {
                            basis.set(Plan::parse(&event_target_value(&ev)).unwrap_or(Plan::OnDemand))
                        }>
                            {Plan::RENTED.into_iter().map(|p| view! { <option value=p.as_str()>{p.as_str()}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
                <SheetUpload sheet=sheet />
            </section>
            <section aria-label="Offers table" class="catalog-table">
                <p class="count">{move || format!("{} offer-regions", table.with(Vec::len))}</p>
                <div class="scroll">
                <table id="catalog-table">
                    <caption>"Plan columns: USD per accelerator-hour. $/h and the per-unit columns: under the plan chosen above. Hover an offer for its source; open its date for the full citation."</caption>
                    <thead>
                        <tr>
                            {header("Offer", Column::Offer, "sort by offer id")}
                            <th scope="col">"Accelerators"</th>
                            {header("Region", Column::Region, "sort by region")}
                            {header("On-demand", Column::Plan(0), "USD per accelerator-hour, on demand")}
                            {header("Spot", Column::Plan(1), "USD per accelerator-hour, spot/preemptible")}
                            {header("1-year", Column::Plan(2), "USD per accelerator-hour, 1-year commitment")}
                            {header("3-year", Column::Plan(3), "USD per accelerator-hour, 3-year commitment")}
                            {header("$/h", Column::PerHour, "USD per instance-hour under the chosen plan")}
                            {header("$/GB-h", Column::PerMemoryGb, "USD per GB of accelerator memory per hour")}
                            {header("$/PFLOP-h", Column::PerPflops, "USD per dense 16-bit PFLOP/s for an hour")}
                            {header("$/TBps-h", Column::PerTbps, "USD per TB/s of memory bandwidth per hour")}
                            <th scope="col">"As of"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || table.get().into_iter().map(|row| {
                            let cells = row.per_accelerator_hour.map(|p| money(p.map(UsdPerHour::get), 3));
                            let [per_hour, per_memory_gb, per_pflops, per_tbps] =
                                [Column::PerHour, Column::PerMemoryGb, Column::PerPflops, Column::PerTbps]
                                    .map(|column| column.key(&row));
                            view! {
                                <tr>
                                    <th scope="row" title=row.source.clone()>
                                        {row.offer.clone()}{row.estimate.then_some(" (est.)")}
                                    </th>
                                    <td>{format!("{}× {}", row.accelerator_count, row.accelerator)}</td>
                                    <td>{row.region.clone()}</td>
                                    {cells.into_iter().map(|c| view! { <td class="num">{c}</td> }).collect_view()}
                                    <td class="num">{money(per_hour, 2)}</td>
                                    <td class="num">{money(per_memory_gb, 4)}</td>
                                    <td class="num">{money(per_pflops, 3)}</td>
                                    <td class="num">{money(per_tbps, 3)}</td>
                                    <td><details><summary>{row.as_of.clone()}</summary><p class="source">{row.source.clone()}</p></details></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                </div>
            </section>
        </main>
    }
}

fn money(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| format::MISSING.to_owned(), |v| format!("{v:.decimals$}"))
}

/// Loads a CSV or JSON price sheet from a file the user picks; shows what became of it.
#[component]
fn SheetUpload(sheet: UserSheet) -> impl IntoView {
    let on_file = move |ev: leptos::ev::Event| {
        mlcost_web::dom::read_picked_file(&ev, move |name, text| {
            let text = text.unwrap_or_default();
            sheet.stored.set(Some(StoredSheet { name, text, loaded_on: today() }));
        });
    };
    view! {
        <div class="sheet">
            <label for="catalog.prices">"Your prices (CSV or JSON)"</label>
            <input id="catalog.prices" type="file" accept=".csv,.json,text/csv,application/json" on:change=on_file />
            <p class="hint">"CSV columns: InstanceType, AcceleratorName, AcceleratorCount, vCPUs, MemoryGiB, Region, Price, SpotPrice. Kept in this browser only."</p>
            {move || sheet.storage_problem.get().map(|why| view! { <p class="field-error" role="alert">{why}</p> })}
            {move || match (sheet.stored.get(), sheet.parsed.get()) {
                (Some(stored), Some(Ok(parsed))) => view! {
                    <p class="sheet-status">{format!("Using {} ({} offers) over the bundled prices.", stored.name, parsed.offers.len())}
                        " "<button type="button" on:click=move |_| sheet.stored.set(None)>"Remove"</button></p>
                }.into_any(),
                (Some(_), Some(Err(why))) => view! {
                    <p class="field-error" role="alert">{why}" — the bundled prices are in use."
                        " "<button type="button" on:click=move |_| sheet.stored.set(None)>"Remove"</button></p>
                }.into_any(),
                _ => ().into_any(),
            }}
        </div>
    }
}
