//! The app's one scenario: the training and serving forms share the model, and together they are
//! what a link, a saved scenario or an exported file holds.
//!
//! The URL keeps up: a quarter of a second after the last valid change the fragment holds the
//! scenario's link (`#s=2.…`, see `mlcost::scenario::share`; `#s=1.…` until the second module,
//! which deflates, has loaded: `crate::links`), so the address bar can be copied at any moment.
//! Each settled change is a new history entry, so Back and Forward walk the user's own scenarios
//! (and undo "open this scenario"); the first write, and the one after a walk, replace the entry
//! they describe. Opening a link fills the forms; a link that cannot be read says why
//! and the app opens its defaults.

use std::time::Duration;

use leptos::prelude::*;
use mlcost::Scenario;
use mlcost::scenario::share::{self, LinkError};

use crate::forms::Form;
use crate::forms::{serving, training};

/// The fragment's key: `#s=<link payload>`.
const FRAGMENT: &str = "#s=";

/// The window event asking the app to load the link in the address bar and show the page its
/// `detail` names (sent by the Optimize page's module, which shares no memory with the app).
pub const OPEN_LINK_EVENT: &str = "mlcost-open-link";

/// The window event carrying the scenario's `owned` section (JSON in its `detail`) from the Own or
/// rent panel, in the deferred module, to the app, which keeps it with the scenario.
pub const OWNED_EVENT: &str = "mlcost-owned";

#[derive(Debug, Clone, Copy)]
pub struct AppScenario {
    pub training: Form,
    pub serving: Form,
    /// The `owned` section, kept as it came (a link, a file, the Own or rent panel): no form of
    /// the first render edits it, and none may drop it.
    pub owned: RwSignal<Option<serde_json::Value>>,
}

impl AppScenario {
    pub fn new() -> Self {
        let training = Form::new(&training::FORM);
        let serving = Form::sharing_model(&serving::FORM, &training);
        let owned = RwSignal::new(None);
        Self { training, serving, owned }
    }

    /// Keeps the `owned` section the Own or rent panel sends.
    pub fn follow_the_owned_panel(self) {
        crate::dom::events::listen(OWNED_EVENT, move |json| {
            if let Ok(section) = serde_json::from_str::<serde_json::Value>(&json) {
                self.owned.set(Some(section));
            }
        });
    }

    /// The model with every section whose fields read (tracked); `None` while neither does.
    pub fn scenario(&self) -> Option<Scenario> {
        let scenario = match (self.training.scenario().ok(), self.serving.scenario().ok()) {
            (Some(training), Some(serving)) => {
                Some(Scenario { serving: serving.serving, ..training })
            }
            (training, serving) => training.or(serving),
        };
        scenario.map(|scenario| Scenario { owned: self.owned.get(), ..scenario })
    }

    /// Fills both forms from a scenario; a section it lacks keeps what its page had.
    pub fn load(&self, scenario: &Scenario) {
        let json = scenario.to_value();
        let has = |section: &str| json.get(section).is_some_and(|v| !v.is_null());
        self.training.load(&json, &["model"]);
        if has("training") {
            self.training.load(&json, &["training"]);
        }
        if has("serving") {
            self.serving.load(&json, &["serving"]);
        }
        if has("owned") {
            self.owned.set(json.get("owned").cloned());
        }
    }

    /// Loads the scenario in the page's URL, if it has one; `Err` says why it could not be read.
    pub fn load_from_url(&self) -> Result<(), LinkError> {
        let Some(payload) = current_fragment() else { return Ok(()) };
        self.load(&share::decode(&payload)?);
        Ok(())
    }
}

impl Default for AppScenario {
    fn default() -> Self {
        Self::new()
    }
}

/// The link payload in the address bar, if any.
fn current_fragment() -> Option<String> {
    let hash = window().location().hash().ok()?;
    hash.strip_prefix(FRAGMENT).map(str::to_owned)
}

/// How long the address bar waits for typing to pause. Deflating the link takes a few
/// milliseconds, a sizeable part of a keystroke's frame, and browsers throttle history updates
/// made many times a second; a quarter of a second is shorter than anyone takes to reach for the
/// address bar.
const ADDRESS_BAR_DELAY: Duration = Duration::from_millis(250);

/// The address bar, following the app's scenario after a pause in typing.
#[derive(Debug, Clone, Copy)]
pub struct AddressBar {
    pending: StoredValue<Option<(TimeoutHandle, Scenario)>>,
    /// Whether the next write is a change of the user's (a new history entry) rather than the
    /// entry's own scenario coming back into the forms (at start, after Back or Forward).
    adds_entry: StoredValue<bool>,
    /// How many history entries the user's changes have added.
    entries_added: StoredValue<u32>,
}

impl AddressBar {
    pub fn new() -> Self {
        Self {
            pending: StoredValue::new(None),
            adds_entry: StoredValue::new(false),
            entries_added: StoredValue::new(0),
        }
    }

    /// The scenario the app is about to load is the current history entry's own (after Back or
    /// Forward, or an opened link that pushed its entry), so writing it adds nothing.
    pub fn loads_entry(self) {
        if let Some((handle, _)) = self.pending.try_update_value(Option::take).flatten() {
            handle.clear();
        }
        self.adds_entry.set_value(false);
    }

    /// How many history entries the user's changes have added: the entries since some moment
    /// are the difference.
    pub fn entries_added(self) -> u32 {
        self.entries_added.get_value()
    }

    fn write(self, scenario: &Scenario) {
        let adds_entry = self.adds_entry.get_value();
        if set_url(scenario, adds_entry) && adds_entry {
            self.entries_added.update_value(|count| *count += 1);
        }
        self.adds_entry.set_value(true);
    }

    /// Writes `scenario`'s link once typing pauses (a later call replaces it).
    pub fn follow(self, scenario: Scenario) {
        let pending = self.pending;
        let write = scenario.clone();
        let Ok(handle) = set_timeout_with_handle(
            move || {
                pending.set_value(None);
                self.write(&write);
            },
            ADDRESS_BAR_DELAY,
        ) else {
            // No timers: write it now.
            return self.write(&scenario);
        };
        if let Some((earlier, _)) =
            pending.try_update_value(|p| p.replace((handle, scenario))).flatten()
        {
            earlier.clear();
        }
    }

    /// Writes a pending link now: before the deferred pages' module reads the address bar.
    pub fn flush(self) {
        if let Some((handle, scenario)) = self.pending.try_update_value(Option::take).flatten() {
            handle.clear();
            self.write(&scenario);
        }
    }
}

impl Default for AddressBar {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes a scenario's link into the address bar as a new history entry (Back returns to the
/// scenario before it): how "open this scenario" can be undone.
pub fn push_url(scenario: &Scenario) {
    set_url(scenario, true);
}

/// Writes a scenario's link into the address bar, as a new history entry or in place; nothing when
/// the address already holds it. Whether it wrote.
fn set_url(scenario: &Scenario, new_entry: bool) -> bool {
    let payload = crate::links::payload(scenario);
    // The same scenario, whichever version its link was written in, is not a change.
    let held = current_fragment().and_then(|held| share::decode(&held).ok());
    if held.is_some_and(|held| held.to_value() == scenario.to_value()) {
        return false;
    }
    let Ok(history) = window().history() else { return false };
    let url = format!("{FRAGMENT}{payload}");
    let state = &wasm_bindgen::JsValue::NULL;
    let written = if new_entry {
        history.push_state_with_url(state, "", Some(&url))
    } else {
        history.replace_state_with_url(state, "", Some(&url))
    };
    written.is_ok()
}

/// Rewrites the address bar's version-1 link as the current version, in place (no new history
/// entry): once the second module has lent its deflate, the link written before it loaded is
/// brought up to date.
pub fn upgrade_link() {
    let Some(held) = current_fragment() else { return };
    let Ok(scenario) = share::decode(&held) else { return };
    let payload = crate::links::payload(&scenario);
    if payload == held {
        return;
    }
    if let Ok(history) = window().history() {
        let url = format!("{FRAGMENT}{payload}");
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The full link to the app showing `scenario`, from the page's own address.
pub fn link_to(scenario: &Scenario) -> String {
    let location = window().location();
    let base = location.href().unwrap_or_default();
    let base = base.split('#').next().unwrap_or_default();
    format!("{base}{FRAGMENT}{}", crate::links::payload(scenario))
}
