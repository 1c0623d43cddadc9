//! "Open this scenario" in the app, which shares no memory with this module: the link goes in the
//! address bar, and a window event asks the app to load it.

use mlcost::Scenario;

/// Puts `scenario` in the address bar, as a new history entry (Back undoes it), and asks the app to
/// load it and show `page`.
pub(crate) fn open_in_app(scenario: &Scenario, page: &str) {
    mlcost_web::state::push_url(scenario);
    mlcost_web::dom::events::send(mlcost_web::state::OPEN_LINK_EVENT, page);
}
