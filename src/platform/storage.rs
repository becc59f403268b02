//! localStorage as a [`KeyValueStore`].

use blocklab_core::persist::{
    KeyValueStore, StorageError, Usage, BACKUP_PREFIX, KEY_PREFIX, QUOTA_UNITS,
};
use gloo_storage::Storage as _;
use wasm_bindgen::{JsCast, JsValue};

/// The browser's localStorage (through `gloo-storage`), with errors mapped to [`StorageError`].
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalStore;

impl LocalStore {
    fn storage() -> Result<web_sys::Storage, StorageError> {
        // Checked first: gloo's `raw()` throws when storage is disabled.
        let available = web_sys::window()
            .map(|w| matches!(w.local_storage(), Ok(Some(_))))
            .unwrap_or(false);
        if available {
            Ok(gloo_storage::LocalStorage::raw())
        } else {
            Err(StorageError::Unavailable {
                detail: "localStorage is disabled or missing".into(),
            })
        }
    }

    /// What the app's `blocklab.*` keys and values take of the quota, in UTF-16 code units
    /// (read as JavaScript string lengths: no value is copied into wasm memory).
    pub fn usage() -> Usage {
        let used = Self::storage().map_or(0, |s| {
            let n = s.length().unwrap_or(0);
            (0..n)
                .filter_map(|i| s.key(i).ok().flatten())
                .filter(|k| k.starts_with(KEY_PREFIX))
                .map(|k| {
                    let value = js_sys::Reflect::get(&s, &JsValue::from_str(&k))
                        .ok()
                        .and_then(|v| v.dyn_into::<js_sys::JsString>().ok())
                        .map_or(0, |v| v.length() as usize);
                    k.encode_utf16().count() + value
                })
                .sum()
        });
        Usage {
            used,
            quota: QUOTA_UNITS,
        }
    }

    /// The keys of kept values (`blocklab.backup.*`: unreadable, or a complete snapshot that
    /// was not loaded), sorted.
    pub fn backup_keys() -> Vec<String> {
        Self.keys_starting_with(BACKUP_PREFIX).unwrap_or_default()
    }

    /// Every `blocklab.*` key and its value (for a backup of everything).
    ///
    /// # Errors
    /// [`StorageError`] when storage cannot be read.
    pub fn entries() -> Result<Vec<(String, String)>, StorageError> {
        let s = Self::storage()?;
        let n = s.length().map_err(|e| map_error(&e))?;
        let mut out = Vec::new();
        for i in 0..n {
            if let Some(k) = s.key(i).map_err(|e| map_error(&e))? {
                if k.starts_with(KEY_PREFIX) {
                    if let Some(v) = s.get_item(&k).map_err(|e| map_error(&e))? {
                        out.push((k, v));
                    }
                }
            }
        }
        Ok(out)
    }
}

fn map_error(e: &JsValue) -> StorageError {
    if let Some(dom) = e.dyn_ref::<web_sys::DomException>() {
        let name = dom.name();
        if name == "QuotaExceededError" || name == "NS_ERROR_DOM_QUOTA_REACHED" || dom.code() == 22
        {
            return StorageError::QuotaExceeded;
        }
        return StorageError::Other {
            detail: format!("{name}: {}", dom.message()),
        };
    }
    StorageError::Other {
        detail: format!("{e:?}"),
    }
}

impl KeyValueStore for LocalStore {
    fn get(&self, key: &str) -> Result<Option<String>, StorageError> {
        Self::storage()?.get_item(key).map_err(|e| map_error(&e))
    }

    fn set(&self, key: &str, value: &str) -> Result<(), StorageError> {
        Self::storage()?
            .set_item(key, value)
            .map_err(|e| map_error(&e))
    }

    fn remove(&self, key: &str) -> Result<(), StorageError> {
        Self::storage()?.remove_item(key).map_err(|e| map_error(&e))
    }

    fn keys_starting_with(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let s = Self::storage()?;
        let n = s.length().map_err(|e| map_error(&e))?;
        let mut keys = Vec::new();
        for i in 0..n {
            if let Some(k) = s.key(i).map_err(|e| map_error(&e))? {
                if k.starts_with(prefix) {
                    keys.push(k);
                }
            }
        }
        keys.sort();
        Ok(keys)
    }
}

/// Calls `f` each time another tab of this origin changes `key` (the `storage` event, which
/// the tab that wrote never receives). Lives as long as the page.
pub fn on_other_tab_change(key: &'static str, f: impl Fn() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::StorageEvent)>::new(
        move |e: web_sys::StorageEvent| {
            if e.key().as_deref() == Some(key) {
                f();
            }
        },
    );
    let _ = window.add_event_listener_with_callback("storage", listener.as_ref().unchecked_ref());
    listener.forget();
}
