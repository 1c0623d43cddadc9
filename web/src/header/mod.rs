//! The header: sharing and export, saved scenarios, the user's price sheet, the theme, and the
//! banners for problems worth interrupting for.

pub mod price_sheet;
pub mod saved;
pub mod share;

use leptos::prelude::*;

use crate::dom::storage;

/// Light or dark: the system's preference until the user picks, then the pick, kept in local
/// storage. The switch sets `data-theme` on `<html>`, which the stylesheet reads.
/// Whether the app shows its dark theme: the charts, drawn on canvases, redraw when it changes.
#[derive(Debug, Clone, Copy)]
pub struct DarkTheme(pub RwSignal<bool>);

const THEME_KEY: &str = "mlcost.theme";

/// The window event that says the theme changed (its detail: "dark" or "light").
pub const THEME_EVENT: &str = "mlcost-theme";

impl DarkTheme {
    /// The user's pick kept in storage, else the system's preference.
    pub fn chosen() -> Self {
        let stored = storage::local().and_then(|s| s.get_item(THEME_KEY).ok().flatten());
        let prefers_dark = window()
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|m| m.matches());
        Self(RwSignal::new(stored.map_or(prefers_dark, |theme| theme == "dark")))
    }
}

impl DarkTheme {
    /// Puts the theme on `<html>` (`data-theme`, which the stylesheet and the charts read) and
    /// returns its name (tracked): effects call it, as the page is outside the reactive graph.
    pub fn apply(self) -> &'static str {
        let theme = if self.0.get() { "dark" } else { "light" };
        if let Some(root) = document().document_element()
            && root.get_attribute("data-theme").as_deref() != Some(theme)
        {
            let _ = root.set_attribute("data-theme", theme);
            // The deferred module's charts redraw in it (the app's own follow this signal).
            crate::dom::events::send(THEME_EVENT, theme);
        }
        theme
    }
}

#[component]
pub fn ThemeSwitch(theme: DarkTheme) -> impl IntoView {
    let storage = storage::local();
    let dark = theme.0;
    // The theme lives on <html>, outside the reactive graph.
    Effect::new(move |previous: Option<()>| {
        let theme = DarkTheme(dark).apply();
        if previous.is_some()
            && let Some(storage) = &storage
        {
            let _ = storage.set_item(THEME_KEY, theme);
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
