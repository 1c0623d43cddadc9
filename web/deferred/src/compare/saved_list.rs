//! The saved scenarios as a list: tick to compare, open in the app, rename, duplicate, delete
//! (with undo). The list itself, and its storage, is `mlcost_web::header::saved`, which the app's
//! "Save as…" shares.

use leptos::prelude::*;
use mlcost_web::header::saved::{MAX_COMPARED, Saved, SavedScenarios};

/// The list of saved scenarios: tick to compare, open, rename, duplicate, delete.
#[component]
pub fn SavedPanel(saved: SavedScenarios) -> impl IntoView {
    let editing = RwSignal::new(None::<u64>);
    let draft = RwSignal::new(String::new());
    let status = RwSignal::new(None::<String>);
    let undo = RwSignal::new(None::<(usize, Saved)>);
    let say = move |message: String| {
        undo.set(None);
        status.set(Some(message));
    };
    let row = move |entry: Saved| {
        let Saved { id, name, saved_at, scenario } = entry;
        let check = format!("compare-{id}");
        let ticked = move || saved.selected.with(|ids| ids.contains(&id));
        let full = move || !ticked() && saved.selected.with(|ids| ids.len() >= MAX_COMPARED);
        let open = {
            let name = name.clone();
            move |_| {
                say(format!("Opened \u{201c}{name}\u{201d}."));
                let page = if scenario.training.is_some() { "training" } else { "serving" };
                crate::open::open_in_app(&scenario, page);
            }
        };
        let start_rename = {
            let name = name.clone();
            move |_| {
                draft.set(name.clone());
                editing.set(Some(id));
                request_animation_frame(move || {
                    if let Some(input) = document().get_element_by_id(&format!("rename-{id}")) {
                        let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(input)
                            .focus();
                    }
                });
            }
        };
        let delete = {
            let name = name.clone();
            move |_| {
                let removed = saved.delete(id);
                say(format!("Deleted \u{201c}{name}\u{201d}."));
                undo.set(removed);
            }
        };
        let label = |verb: &str| format!("{verb} {name}");
        let (open_label, rename_label, copy_label, delete_label) =
            (label("Open"), label("Rename"), label("Duplicate"), label("Delete"));
        let new_name_label = format!("New name for {name}");
        let actions = move || {
            if editing.get() == Some(id) {
                let submit = move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    saved.rename(id, &draft.get_untracked());
                    editing.set(None);
                };
                let escape = move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        editing.set(None);
                    }
                };
                view! {
                    <form class="rename-form" on:submit=submit>
                        <label for=format!("rename-{id}") class="sr-only">{new_name_label.clone()}</label>
                        <input id=format!("rename-{id}") type="text" autocomplete="off" prop:value=draft
                            on:input=move |ev| draft.set(event_target_value(&ev)) on:keydown=escape />
                        <button type="submit">"Rename"</button>
                        <button type="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                    </form>
                }
                .into_any()
            } else {
                view! {
                    <span class="actions">
                        <button type="button" class="open" aria-label=open_label.clone() on:click=open.clone()>"Open"</button>
                        <button type="button" class="rename" aria-label=rename_label.clone() on:click=start_rename.clone()>"Rename"</button>
                        <button type="button" class="duplicate" aria-label=copy_label.clone() on:click=move |_| saved.duplicate(id)>"Duplicate"</button>
                        <button type="button" class="delete" aria-label=delete_label.clone() on:click=delete.clone()>"Delete"</button>
                    </span>
                }
                .into_any()
            }
        };
        view! {
            <li class="saved-item">
                <span class="pick">
                    <input type="checkbox" id=check.clone() prop:checked=ticked prop:disabled=full
                        on:change=move |ev| saved.toggle(id, event_target_checked(&ev)) />
                    <label for=check class="saved-name">{name}</label>
                    <span class="hint">{when(&saved_at)}</span>
                </span>
                {actions}
            </li>
        }
        .into_any()
    };
    view! {
        <p class="hint">"Tick two to four to compare them. Saved in this browser only."</p>
        {move || saved.list.with(Vec::is_empty).then(|| view! {
            <p class="hint" id="saved-empty">"Nothing saved yet: name the scenario under \u{201c}Save as…\u{201d} at the top."</p>
        })}
        <ul id="saved-list" class="saved-list">{move || saved.list.get().into_iter().map(row).collect_view()}</ul>
        <p class="hint" role="status">
            {move || status.get()}
            {move || undo.get().is_some().then(|| view! {
                " "<button type="button" id="undo-delete" on:click=move |_| {
                    if let Some(entry) = undo.get_untracked() {
                        saved.restore(entry);
                    }
                    undo.set(None);
                    status.set(None);
                }>"Undo"</button>
            })}
        </p>
    }
}

/// "2025-03-01 14:05 UTC" from an ISO timestamp.
fn when(iso: &str) -> String {
    match iso.get(..16) {
        Some(minutes) => format!("saved {} UTC", minutes.replace('T', " ")),
        None => String::new(),
    }
}
