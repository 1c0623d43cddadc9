//! The header: sharing and export, saved scenarios, the user's price sheet, the theme, and the
//! banners for problems worth interrupting for.

pub mod price_sheet;
pub mod saved;
pub mod share;

use leptos::prelude::*;

use crate::dom::storage;

/// Light or dark: the system's preference until the user picks, then the pick, kept in local
/// storage. The switch sets `data-theme` on `<html>`, which the stylesheet reads.
#[component]
pub fn ThemeSwitch() -> impl IntoView {
    const KEY: &str = "mlcost.theme";
    let storage = storage::local();
    let stored = storage.as_ref().and_then(|s| s.get_item(KEY).ok().flatten());
    let prefers_dark = window()
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
        .is_some_and(|m| m.matches());
    let dark = RwSignal::new(stored.map_or(prefers_dark, |theme| theme == "dark"));
    // The theme lives on <html>, outside the reactive graph.
    Effect::new(move |previous: Option<()>| {
        let theme = if dark.get() { "dark" } else { "light" };
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-theme", theme);
        }
        if previous.is_some()
            && let Some(storage) = &storage
        {
            let _ = storage.set_item(KEY, theme);
        }
    });
    view! {
        <button type="button" class="theme" aria-pressed=move || dark.get().to_string()
            on:click=move |_| dark.update(|d| *d = !*d)>
            {move || if dark.get() { "Light theme" } else { "Dark theme" }}
        </button>
    }
}

/// A problem worth interrupting for, shown until dismissed (as text, never markup).
pub fn dismissible_alert(message: RwSignal<Option<String>>, id: &'static str) -> impl IntoView {
    move || {
        message.get().map(|text| {
            view! {
                <div class="banner" role="alert">
                    <p id=id>{text}</p>
                    <button type="button" on:click=move |_| message.set(None)>"Dismiss"</button>
                </div>
            }
        })
    }
}
