//! The phone's storage, network state and files, through `device.js`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/device.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn kv_put(store: &str, key: &str, value: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    async fn kv_get(store: &str, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch)]
    async fn kv_delete(store: &str, key: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    async fn kv_clear(store: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch)]
    async fn kv_all(store: &str) -> Result<JsValue, JsValue>;
    async fn ask_persist() -> JsValue;
    /// Whether the browser has little room left for the app.
    pub async fn storage_low() -> JsValue;
    async fn try_lock(name: &str) -> JsValue;
    pub fn is_online() -> bool;
    pub fn on_online(callback: &Closure<dyn FnMut()>);
    #[wasm_bindgen(js_name = save_file)]
    async fn save_file_js(name: &str, text: &str) -> JsValue;
    async fn chosen_file_text(input: &web_sys::HtmlInputElement) -> JsValue;
    /// Resolves once what the page holds now has been painted.
    pub async fn after_paint();
}

/// A lock held across the app's tabs until dropped.
pub struct TabLock(js_sys::Function);

impl Drop for TabLock {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::NULL);
    }
}

/// The lock `name` if no other tab of the app holds it.
pub async fn lock_if_free(name: &str) -> Option<TabLock> {
    try_lock(name)
        .await
        .dyn_into::<js_sys::Function>()
        .ok()
        .map(TabLock)
}

/// The object stores of the app's database.
#[derive(Clone, Copy)]
pub enum Store {
    /// Captures not yet acknowledged by the server, by id.
    Outbox,
    /// Everything else kept between visits: session, roster, last sync.
    State,
}

impl Store {
    fn name(self) -> &'static str {
        match self {
            Store::Outbox => "outbox",
            Store::State => "state",
        }
    }
}

/// Storage refused a write: the phone is full or the browser forbids it.
#[derive(Debug)]
pub struct StorageError;

/// Writes `value` and returns once it is on disk.
pub async fn put<T: Serialize>(store: Store, key: &str, value: &T) -> Result<(), StorageError> {
    let json = serde_json::to_string(value).map_err(|_| StorageError)?;
    kv_put(store.name(), key, &json)
        .await
        .map_err(|_| StorageError)
}

/// The value under `key`, if there is one that still reads.
pub async fn get<T: DeserializeOwned>(store: Store, key: &str) -> Option<T> {
    let raw = kv_get(store.name(), key).await.ok()?.as_string()?;
    serde_json::from_str(&raw).ok()
}

pub async fn delete(store: Store, key: &str) -> Result<(), StorageError> {
    kv_delete(store.name(), key).await.map_err(|_| StorageError)
}

/// Removes everything in `store`.
pub async fn clear(store: Store) -> Result<(), StorageError> {
    kv_clear(store.name()).await.map_err(|_| StorageError)
}

/// Every value in `store` that reads as a `T`.
pub async fn all<T: DeserializeOwned>(store: Store) -> Vec<T> {
    let Ok(values) = kv_all(store.name()).await else {
        return Vec::new();
    };
    js_sys::Array::from(&values)
        .iter()
        .filter_map(|v| v.as_string())
        .filter_map(|raw| serde_json::from_str(&raw).ok())
        .collect()
}

/// Asks the browser to keep the app's data under storage pressure.
pub async fn persist() -> bool {
    ask_persist().await.as_bool().unwrap_or(false)
}

/// Saves `text` as the file `name`; false where the browser cannot
/// download (WeChat's), and the text went to the clipboard instead.
pub async fn save_file(name: &str, text: &str) -> bool {
    save_file_js(name, text).await.as_bool().unwrap_or(false)
}

/// The text of the file the user picked in `input`.
pub async fn picked_text(input: &web_sys::HtmlInputElement) -> Option<String> {
    chosen_file_text(input).await.as_string()
}
