//! The user's own price sheet: uploaded as CSV or JSON, kept in the browser's local storage so it
//! survives reloads, and laid over the bundled price book. A sheet that does not parse is reported
//! (line and column) and the bundled book stays in use; the sheet's text is kept, not dropped.

use leptos::prelude::*;
use mlcost::PriceBook;
use mlcost::catalogue::sheet::PriceSheet;
use serde::{Deserialize, Serialize};

use crate::dom::storage;

const STORAGE_KEY: &str = "mlcost.price-sheet.v1";

/// A sheet as the user gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSheet {
    pub name: String,
    pub text: String,
    /// The day it was loaded: the `as_of` of a CSV sheet's prices (CSV has no date column).
    pub loaded_on: String,
}

impl StoredSheet {
    /// The sheet's prices, checked against the bundled book's accelerators. The readers of CSV and
    /// JSON sheets this calls are the second module's: the app's first render asks it
    /// ([`crate::deferred::DeferredPages::read_sheet`]) rather than carry them (8 KB gzip).
    pub fn read(&self) -> Result<PriceSheet, String> {
        PriceBook::bundled().map_err(|e| e.to_string()).and_then(|bundled| self.parse(bundled))
    }

    fn parse(&self, bundled: &PriceBook) -> Result<PriceSheet, String> {
        let is_csv = self.name.to_ascii_lowercase().ends_with(".csv");
        let sheet = if is_csv {
            PriceSheet::from_csv(
                &self.text,
                bundled,
                &format!("your sheet {}", self.name),
                &self.loaded_on,
            )
        } else {
            PriceSheet::from_json(&self.text, bundled)
        };
        sheet.map_err(|e| format!("{}: {e}", self.name))
    }
}

/// A stored sheet (`StoredSheet` as JSON) read into its offers, as JSON: what the second module
/// does for the first render (`DeferredPages::read_sheet`).
pub fn read_stored_json(stored_json: &str) -> Result<String, String> {
    let stored: StoredSheet = serde_json::from_str(stored_json).map_err(|e| e.to_string())?;
    serde_json::to_string(&stored.read()?).map_err(|e| e.to_string())
}

/// The sheet in use (if any) and what became of it.
#[derive(Debug, Clone, Copy)]
pub struct UserSheet {
    pub stored: RwSignal<Option<StoredSheet>>,
    /// A problem with what local storage held, found at start-up.
    pub storage_problem: RwSignal<Option<String>>,
    /// The parsed sheet, or why it could not be parsed; none without a sheet, or while the
    /// reader has not read it yet (`pending`).
    pub parsed: Memo<Option<Result<PriceSheet, String>>>,
    /// A sheet is stored but not read yet: the figures use the bundled prices meanwhile, and the
    /// app says so.
    pub pending: Memo<bool>,
}

impl UserSheet {
    /// Reads the sheet kept in local storage with the sheet readers at hand (the second module's
    /// pages), and keeps storage in step with later changes.
    pub fn load() -> Self {
        Self::load_with(|sheet| Some(sheet.read()))
    }

    /// [`UserSheet::load`] with `read` reading a sheet, or `None` while it cannot yet (tracked:
    /// the app's first render reads through the second module, which is on its way).
    pub fn load_with(
        read: impl Fn(&StoredSheet) -> Option<Result<PriceSheet, String>> + Send + Sync + 'static,
    ) -> Self {
        let (initial, problem) = match read_storage() {
            Ok(sheet) => (sheet, None),
            Err(why) => (None, Some(why)),
        };
        let stored = RwSignal::new(initial);
        let parsed = Memo::new(move |_| stored.with(|sheet| sheet.as_ref().and_then(&read)));
        let pending =
            Memo::new(move |_| stored.with(Option::is_some) && parsed.with(Option::is_none));
        // Local storage is outside the reactive graph: this effect keeps it in step.
        Effect::new(move |previous: Option<()>| {
            let sheet = stored.get();
            // The first run only reads what was loaded; writing it back would be a no-op.
            if previous.is_some() {
                write_storage(sheet.as_ref());
            }
        });
        // The other module's catalogue may change the sheet: take it up here too.
        storage::on_change(STORAGE_KEY, move || {
            let now = read_storage().ok().flatten();
            if stored.with_untracked(|sheet| *sheet != now) {
                stored.set(now);
            }
        });
        Self { stored, storage_problem: RwSignal::new(problem), parsed, pending }
    }

    /// The bundled book with the sheet laid over it, or the bundled book alone.
    pub fn book(&self) -> Memo<PriceBook> {
        let parsed = self.parsed;
        Memo::new(move |_| parsed.with(|sheet| laid_over_bundled(sheet.as_ref())))
    }
}

thread_local! {
    /// The book `with_book_now` last built, and the stored sheet's text it was built from.
    static BOOK_NOW: std::cell::RefCell<Option<(String, PriceBook)>> =
        const { std::cell::RefCell::new(None) };
}

/// Lends the book as the sheet in storage makes it now, and the stored sheet's text (empty when
/// there is none), which names that book: for uses outside the reactive graph, which may come many
/// times a second (the page charts), so the book is built again only when the stored sheet changed.
pub fn with_book_now<R>(use_book: impl FnOnce(&PriceBook, &str) -> R) -> R {
    let text = storage::read(STORAGE_KEY).unwrap_or_default();
    BOOK_NOW.with_borrow_mut(|cached| {
        let book = match cached.take() {
            Some((seen, book)) if seen == text => book,
            _ => {
                let sheet = read_storage().ok().flatten().map(|sheet| sheet.read());
                laid_over_bundled(sheet.as_ref())
            }
        };
        let result = use_book(&book, &text);
        *cached = Some((text, book));
        result
    })
}

fn laid_over_bundled(sheet: Option<&Result<PriceSheet, String>>) -> PriceBook {
    let bundled = PriceBook::bundled().cloned().unwrap_or_default();
    match sheet {
        Some(Ok(sheet)) => bundled.with_sheet(sheet),
        _ => bundled,
    }
}

fn read_storage() -> Result<Option<StoredSheet>, String> {
    let Some(text) = storage::read(STORAGE_KEY) else {
        return Ok(None);
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        // Set the unreadable entry aside under another key instead of losing it.
        if let Some(storage) = storage::local() {
            let _ = storage.set_item(&format!("{STORAGE_KEY}.unreadable"), &text);
            let _ = storage.remove_item(STORAGE_KEY);
        }
        format!("The saved price sheet could not be read ({e}); it was set aside and the bundled prices are in use.")
    })
}

fn write_storage(sheet: Option<&StoredSheet>) {
    let json = sheet.and_then(|sheet| serde_json::to_string(sheet).ok());
    // A sheet the browser will not keep still applies until the page closes.
    let _ = storage::write(STORAGE_KEY, json.as_deref());
}

/// Today's date in the browser, `YYYY-MM-DD`.
pub fn today() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    iso.chars().take(10).collect()
}
