//! The browser's local storage, shared by the app and the deferred pages' module (`web/deferred`).
//!
//! The two modules are separate programs, each with its own copy of the saved scenarios and the
//! price sheet in memory. A browser's `storage` event only reaches *other* pages, so each write
//! here also sends [`CHANGED_EVENT`] on this page, naming the key; [`on_change`] is how a copy
//! hears it and re-reads storage. A write of what storage already holds is skipped, so the copy
//! that re-reads (and whose sync effect then runs) does not start an echo.

use crate::dom::events;

/// The window event sent after a key is written here; its `detail` is the key.
pub const CHANGED_EVENT: &str = "mlcost-storage-changed";

/// Why a write did not reach storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotWritten;

pub fn local() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn read(key: &str) -> Option<String> {
    local()?.get_item(key).ok().flatten()
}

/// Writes `text` under `key` (removes the key for `None`), unless storage holds it already, and
/// tells both modules.
pub fn write(key: &str, text: Option<&str>) -> Result<(), NotWritten> {
    let storage = local().ok_or(NotWritten)?;
    if storage.get_item(key).ok().flatten().as_deref() == text {
        return Ok(());
    }
    match text {
        Some(text) => storage.set_item(key, text),
        None => storage.remove_item(key),
    }
    .map_err(|_| NotWritten)?;
    events::send(CHANGED_EVENT, key);
    Ok(())
}

/// Calls `reload` each time either module writes `key`, for as long as the page lives.
pub fn on_change(key: &'static str, reload: impl Fn() + 'static) {
    events::listen(CHANGED_EVENT, move |named| {
        if named == key {
            reload();
        }
    });
}
