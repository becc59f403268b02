//! localStorage as a [`KeyValueStore`].

use blocklab_core::persist::{KeyValueStore, StorageError};
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

    /// Total characters of keys and values this origin stores (what counts toward the quota).
    pub fn used_chars() -> usize {
        let Ok(s) = Self::storage() else { return 0 };
        let n = s.length().unwrap_or(0);
        (0..n)
            .filter_map(|i| s.key(i).ok().flatten())
            .map(|k| k.len() + s.get_item(&k).ok().flatten().map_or(0, |v| v.len()))
            .sum()
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
}
