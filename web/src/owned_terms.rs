//! The scenario's `owned` section as the second module resolves it and the first render reads it
//! back: the first render prices a section on the owned plan with it
//! (`mlcost::estimate_handed`) without the section's reader and checks, 12 KB gzip of its
//! budget.
//!
//! Why a text codec of its own, like `handoff`? The two modules share only strings, and serde's
//! derived reader for these types is the code the first render leaves out. A line per item, its
//! kind first, fields apart by tabs; numbers in Rust's shortest form that reads back the same. A
//! test round-trips it.

use std::borrow::Cow;

use mlcost::catalogue::owned::Ownership;
use mlcost::scenario::resolve::owned::ResolvedOwned;
use mlcost::units::{Usd, UsdPerKilowattHour, UsdPerKilowattMonth, Watts};
use mlcost::vocabulary::provenance::Assumption;

/// `owned` as text.
pub fn encode(owned: &ResolvedOwned) -> String {
    let t = &owned.ownership;
    let purchased = owned.purchased.map_or(String::new(), |(y, m)| format!("{y}-{m:02}"));
    let numbers = [
        f64::from(t.accelerators_per_server),
        f64::from(t.servers),
        t.server_price_usd.get(),
        t.equipment_share,
        t.depreciation_years,
        t.residual_share,
        t.cost_of_capital,
        t.accelerator_busy_watts.get(),
        t.accelerator_idle_watts.get(),
        t.rest_of_server_watts.get(),
        t.pue,
        t.usd_per_kwh.get(),
        t.facility_usd_per_kw_month.get(),
        t.support_usd_per_accelerator_year.get(),
        t.staff_usd_per_year.get(),
        t.servers_per_staff,
        owned.utilization,
    ];
    let mut lines = vec![
        vec![
            "owned".to_owned(),
            owned.server.clone().unwrap_or_default(),
            owned.accelerator.clone(),
            purchased,
            owned.source.clone(),
            owned.as_of.clone(),
        ],
        std::iter::once("terms".to_owned()).chain(numbers.map(|n| n.to_string())).collect(),
    ];
    lines.extend(owned.assumptions.iter().map(|a| {
        vec![
            "assumption".to_owned(),
            a.field.to_string(),
            a.value.to_string(),
            a.source.to_string(),
            a.as_of.as_deref().unwrap_or_default().to_owned(),
        ]
    }));
    crate::handoff::tab_separated(&lines)
}

/// [`encode`]'s text read back; none when a line is missing or a number does not read (a module
/// of another version, say): the section is then not priced rather than priced wrong.
pub fn decode(text: &str) -> Option<ResolvedOwned> {
    let mut head = None;
    let mut terms = None;
    let mut assumptions = Vec::new();
    for line in text.lines() {
        match line.split('\t').collect::<Vec<_>>().as_slice() {
            ["owned", server, accelerator, purchased, source, as_of] => {
                let purchased = match purchased.split_once('-') {
                    Some((y, m)) => Some((y.parse().ok()?, m.parse().ok()?)),
                    None => None,
                };
                let server = (!server.is_empty()).then(|| (*server).to_owned());
                head = Some((server, (*accelerator).to_owned(), purchased, *source, *as_of));
            }
            ["terms", numbers @ ..] => {
                let numbers: Vec<f64> =
                    numbers.iter().map(|n| n.parse()).collect::<Result<_, _>>().ok()?;
                terms = Some(numbers);
            }
            ["assumption", field, value, source, as_of] => assumptions.push(Assumption {
                field: Cow::Owned((*field).to_owned()),
                value: value.parse().ok()?,
                source: Cow::Owned((*source).to_owned()),
                as_of: (!as_of.is_empty()).then(|| Cow::Owned((*as_of).to_owned())),
            }),
            _ => return None,
        }
    }
    let (server, accelerator, purchased, source, as_of) = head?;
    let &[
        per_server,
        servers,
        price,
        equipment,
        years,
        residual,
        rate,
        busy,
        idle,
        rest,
        pue,
        kwh,
        facility,
        support,
        staff,
        per_staff,
        utilization,
    ] = terms?.as_slice()
    else {
        return None;
    };
    let ownership = Ownership {
        accelerators_per_server: per_server as u32,
        servers: servers as u32,
        server_price_usd: Usd::new(price),
        equipment_share: equipment,
        depreciation_years: years,
        residual_share: residual,
        cost_of_capital: rate,
        accelerator_busy_watts: Watts::new(busy),
        accelerator_idle_watts: Watts::new(idle),
        rest_of_server_watts: Watts::new(rest),
        pue,
        usd_per_kwh: UsdPerKilowattHour::new(kwh),
        facility_usd_per_kw_month: UsdPerKilowattMonth::new(facility),
        support_usd_per_accelerator_year: Usd::new(support),
        staff_usd_per_year: Usd::new(staff),
        servers_per_staff: per_staff,
    };
    Some(ResolvedOwned {
        server,
        accelerator,
        ownership,
        utilization,
        purchased,
        source: source.to_owned(),
        as_of: as_of.to_owned(),
        assumptions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owned_section_round_trips_exactly() {
        let scenario =
            mlcost::Scenario::from_json(include_str!("../../examples/own-or-rent-h100.json"))
                .unwrap();
        let book = mlcost::PriceBook::bundled().unwrap();
        let section = scenario.owned.as_ref().unwrap();
        let read = mlcost::scenario::resolve::owned::read_owned(section).unwrap();
        let resolved = mlcost::scenario::resolve::owned::resolve_owned(&read, book).unwrap();
        assert!(!resolved.assumptions.is_empty() && resolved.purchased.is_some());
        assert_eq!(decode(&encode(&resolved)), Some(resolved));
        assert_eq!(decode("owned\tx"), None);
    }
}
