//! Saved scenarios: named copies of the app's scenario, kept in the browser's local storage so they
//! survive reloads, to open again or compare side by side.
//!
//! Storage holds one key, `mlcost.saved.v1`: a JSON list of `{name, saved_at, scenario}`, the
//! scenario in the CLI's format. Whatever there cannot be read (not JSON, not a list, an entry
//! without a name or whose scenario no longer parses) is never dropped: the key's whole text is
//! first copied to `mlcost.saved.v1.set-aside.<time>`, the problem is shown, and the entries that
//! do read load as usual. Names are only ever shown as text.

use std::sync::atomic::{AtomicU64, Ordering};

use leptos::prelude::*;
use mlcost::Scenario;
use serde_json::{Value, json};

use crate::dom::storage;
use crate::state::AppScenario;

pub const KEY: &str = "mlcost.saved.v1";
/// How many scenarios the comparison shows side by side.
pub const MAX_COMPARED: usize = 4;

#[derive(Debug, Clone)]
pub struct Saved {
    /// Tells entries apart while their names change (in memory only, never stored).
    pub id: u64,
    pub name: String,
    /// When it was saved, ISO 8601 in UTC.
    pub saved_at: String,
    pub scenario: Scenario,
}

/// The saved scenarios, what went wrong reading or writing them, and which are being compared.
#[derive(Debug, Clone, Copy)]
pub struct SavedScenarios {
    pub list: RwSignal<Vec<Saved>>,
    pub problem: RwSignal<Option<String>>,
    /// The entries ticked for comparison, by id, in the order they were ticked.
    pub selected: RwSignal<Vec<u64>>,
}

/// The next entry's id (a plain counter: cheaper in the bundle than a reactive value).
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn fresh_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

impl SavedScenarios {
    /// Reads what local storage holds, sets aside what cannot be read, and keeps storage in step
    /// with later changes.
    pub fn load() -> Self {
        let text = storage::read(KEY);
        let (entries, problems) = text.as_deref().map(parse).unwrap_or_default();
        // Whether the list may be written back: not while unreadable content could not be kept.
        let mut writable = true;
        let problem = (!problems.is_empty()).then(|| {
            let aside = format!("{KEY}.set-aside.{}", now());
            let text = text.as_deref().unwrap_or_default();
            writable = storage::local().is_some_and(|s| s.set_item(&aside, text).is_ok());
            let what = problems.join("; ");
            if writable {
                format!(
                    "Some saved scenarios could not be read ({what}). What storage held was set aside under the key \u{201c}{aside}\u{201d}; the scenarios that could be read are listed."
                )
            } else {
                format!(
                    "Some saved scenarios could not be read ({what}), and storage had no room to set them aside: they are left as they were, and new saves are not kept until that is resolved."
                )
            }
        });
        let list = entries
            .into_iter()
            .map(|(name, saved_at, scenario)| Saved { id: fresh_id(), name, saved_at, scenario })
            .collect();
        let saved = Self {
            list: RwSignal::new(list),
            problem: RwSignal::new(problem),
            selected: RwSignal::new(Vec::new()),
        };
        let rewrite = writable && !problems.is_empty();
        // Local storage is outside the reactive graph: this effect keeps it in step. Its first run
        // writes only to replace content that was just set aside.
        Effect::new(move |previous: Option<()>| {
            let json = saved.list.with(|list| to_json(list));
            if writable
                && (previous.is_some() || rewrite)
                && storage::write(KEY, Some(&json)).is_err()
            {
                saved.problem.set(Some(
                    "Saved scenarios could not be written to this browser's storage (is it full or disabled?); they last until the page is closed.".to_owned(),
                ));
            }
        });
        storage::on_change(KEY, move || saved.reload());
        saved
    }

    /// Re-reads storage after a write by either module. Entries that did not change keep their
    /// ids, and with them their ticks in the comparison.
    fn reload(&self) {
        let text = storage::read(KEY);
        // This copy's own write comes back too: nothing to parse then.
        if text.as_deref() == Some(self.list.with_untracked(|list| to_json(list)).as_str()) {
            return;
        }
        let (entries, _) = text.as_deref().map(parse).unwrap_or_default();
        // Scenarios compared as JSON values: a derived comparison of scenarios would add 4.7 KB
        // of code to the first render, for a comparison made when another tab saves.
        let fresh: Vec<Saved> = self.list.with_untracked(|old| {
            let mut unclaimed: Vec<(&Saved, Value)> =
                old.iter().map(|s| (s, s.scenario.to_value())).collect();
            entries
                .into_iter()
                .map(|(name, saved_at, scenario)| {
                    let value = scenario.to_value();
                    let same = unclaimed.iter().position(|(s, held)| {
                        s.name == name && s.saved_at == saved_at && *held == value
                    });
                    let id = same.map_or_else(fresh_id, |at| unclaimed.swap_remove(at).0.id);
                    Saved { id, name, saved_at, scenario }
                })
                .collect()
        });
        let ids = |list: &[Saved]| list.iter().map(|s| s.id).collect::<Vec<_>>();
        let changed = self.list.with_untracked(|old| ids(old) != ids(&fresh));
        if changed {
            self.selected.update(|ids| ids.retain(|id| fresh.iter().any(|s| s.id == *id)));
            self.list.set(fresh);
        }
    }

    fn names_except(&self, except: Option<u64>) -> Vec<String> {
        self.list.with_untracked(|list| {
            list.iter().filter(|s| Some(s.id) != except).map(|s| s.name.clone()).collect()
        })
    }

    /// Saves a scenario under `name` (or a numbered variant of it if taken); returns the name used.
    pub fn save(&self, name: &str, scenario: Scenario) -> String {
        let name = unique_name(&self.names_except(None), name);
        let entry = Saved { id: fresh_id(), name: name.clone(), saved_at: now(), scenario };
        self.list.update(|list| list.push(entry));
        name
    }

    pub fn rename(&self, id: u64, name: &str) {
        let name = unique_name(&self.names_except(Some(id)), name);
        self.list.update(|list| {
            if let Some(entry) = list.iter_mut().find(|s| s.id == id) {
                entry.name = name;
            }
        });
    }

    /// A copy of the entry right after it, under a numbered name.
    pub fn duplicate(&self, id: u64) {
        let Some(at) = self.list.with_untracked(|list| list.iter().position(|s| s.id == id)) else {
            return;
        };
        let mut copy = self.list.with_untracked(|list| list[at].clone());
        copy.name = unique_name(&self.names_except(None), &copy.name);
        copy.id = fresh_id();
        copy.saved_at = now();
        self.list.update(|list| list.insert(at + 1, copy));
    }

    /// Removes the entry; returns it and where it was, to put it back.
    pub fn delete(&self, id: u64) -> Option<(usize, Saved)> {
        let at = self.list.with_untracked(|list| list.iter().position(|s| s.id == id))?;
        let mut removed = None;
        self.list.update(|list| removed = Some((at, list.remove(at))));
        self.selected.update(|ids| ids.retain(|other| *other != id));
        removed
    }

    pub fn restore(&self, (at, entry): (usize, Saved)) {
        self.list.update(|list| list.insert(at.min(list.len()), entry));
    }

    pub fn toggle(&self, id: u64, ticked: bool) {
        self.selected.update(|ids| {
            ids.retain(|other| *other != id);
            if ticked && ids.len() < MAX_COMPARED {
                ids.push(id);
            }
        });
    }
}

/// A stored entry as read: name, when it was saved, scenario.
type Entry = (String, String, Scenario);

/// Reads storage's text: the entries that read, and what is wrong with the rest.
fn parse(text: &str) -> (Vec<Entry>, Vec<String>) {
    let items = match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(items)) => items,
        Ok(_) => return (Vec::new(), vec!["it is not a list".to_owned()]),
        Err(e) => return (Vec::new(), vec![format!("it is not JSON: {e}")]),
    };
    let mut problems = Vec::new();
    let entries = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            read_entry(item).map_err(|why| problems.push(format!("entry {}: {why}", i + 1))).ok()
        })
        .collect();
    (entries, problems)
}

fn read_entry(item: &Value) -> Result<Entry, String> {
    let text = |key: &str| item.get(key).and_then(Value::as_str);
    let name = text("name").ok_or("it has no name")?;
    let scenario = item.get("scenario").filter(|s| s.is_object()).ok_or("it has no scenario")?;
    let scenario = Scenario::from_json(&scenario.to_string())
        .map_err(|e| format!("\u{201c}{name}\u{201d} no longer reads: {e}"))?;
    Ok((name.to_owned(), text("saved_at").unwrap_or_default().to_owned(), scenario))
}

fn to_json(list: &[Saved]) -> String {
    let items = list.iter().map(
        |s| json!({"name": s.name, "saved_at": s.saved_at, "scenario": s.scenario.to_value()}),
    );
    Value::Array(items.collect()).to_string()
}

/// `wanted` (trimmed; a placeholder if empty) if no entry has that name, else the first free
/// "name (n)", counting on from a number the name already ends with.
fn unique_name(taken: &[String], wanted: &str) -> String {
    let wanted = match wanted.trim() {
        "" => "Untitled scenario",
        name => name,
    };
    if !taken.iter().any(|t| t == wanted) {
        return wanted.to_owned();
    }
    let numbered = wanted
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once(" ("))
        .and_then(|(base, n)| Some((base, n.parse::<u32>().ok()?)));
    let (base, from) = numbered.unwrap_or((wanted, 1));
    (from + 1..)
        .map(|n| format!("{base} ({n})"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| wanted.to_owned())
}

fn now() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// The header's "Save as…" control, and any problem with what storage held.
#[component]
pub fn SaveAs(app: AppScenario, saved: SavedScenarios) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let status = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let message = match app.scenario() {
            Some(scenario) => {
                let used = saved.save(&name.get_untracked(), scenario);
                name.set(String::new());
                format!("Saved as \u{201c}{used}\u{201d}; see Compare.")
            }
            None => "Nothing to save: fix the marked fields first.".to_owned(),
        };
        status.set(Some(message));
    };
    view! {
        <form class="save-as" on:submit=save>
            <label for="save-name">"Save as…"</label>
            <input id="save-name" type="text" autocomplete="off" placeholder="name this scenario"
                prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
            <button type="submit" id="save-scenario">"Save"</button>
            <span class="hint" id="save-status" role="status">{move || status.get()}</span>
        </form>
        {crate::header::dismissible_alert(saved.problem, "saved-problem")}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = r#"{"model": {"parameters": 7e9},
        "training": {"tokens": 1e12, "accelerator": "h100-sxm", "accelerator_count": 96,
                     "precision": "bf16", "price_per_accelerator_hour": 2.0}}"#;

    #[test]
    fn taken_names_get_the_next_number() {
        let taken: Vec<String> = ["run", "run (2)", "other"].map(str::to_owned).to_vec();
        assert_eq!(unique_name(&taken, " new "), "new");
        assert_eq!(unique_name(&taken, "run"), "run (3)");
        assert_eq!(unique_name(&taken, "run (2)"), "run (3)");
        assert_eq!(unique_name(&taken, ""), "Untitled scenario");
    }

    #[test]
    fn readable_entries_load_and_the_rest_are_named() {
        let scenario = Scenario::from_json(SCENARIO).unwrap();
        let good = json!({"name": "a", "saved_at": "2025-01-01T00:00:00.000Z", "scenario": scenario.to_value()});
        let stale = json!({"name": "b", "scenario": {"model": {"parameters": 7e9}, "training": {"tokens": "x"}}});
        let text = Value::Array(vec![good, json!(3), stale]).to_string();
        let (entries, problems) = parse(&text);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].2, scenario);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("entry 2: it has no name"), "{problems:?}");
        assert!(
            problems[1].starts_with("entry 3: \u{201c}b\u{201d} no longer reads"),
            "{problems:?}"
        );
        assert!(parse("{not json").1[0].starts_with("it is not JSON"));
        assert_eq!(parse("{}").1, ["it is not a list"]);
    }

    #[test]
    fn what_is_written_reads_back() {
        let scenario = Scenario::from_json(SCENARIO).unwrap();
        let entry = Saved { id: 7, name: "<b>x</b>".into(), saved_at: "t".into(), scenario };
        let (entries, problems) = parse(&to_json(std::slice::from_ref(&entry)));
        assert!(problems.is_empty());
        assert_eq!(entries, [(entry.name, entry.saved_at, entry.scenario)]);
    }
}
