// The phone's own storage and files, for the app's Rust code.
// Values are JSON strings. IndexedDB where it opens; localStorage where it
// does not (some embedded browsers refuse it), so nothing breaks.

const DB_NAME = "anju";
const DB_VERSION = 1;
const STORES = ["outbox", "state"];

let opening;

function openDb() {
  if (!opening) {
    opening = new Promise((resolve) => {
      let req;
      try {
        req = indexedDB.open(DB_NAME, DB_VERSION);
      } catch (_) {
        resolve(null);
        return;
      }
      req.onupgradeneeded = () => {
        for (const name of STORES) {
          if (!req.result.objectStoreNames.contains(name)) req.result.createObjectStore(name);
        }
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
      req.onblocked = () => resolve(null);
    });
  }
  return opening;
}

// Resolves when the transaction is on disk, not merely queued.
function finished(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error("aborted"));
  });
}

function answer(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

const fallbackKey = (store, key) => `anju:${store}:${key}`;

export async function kv_put(store, key, value) {
  const db = await openDb();
  if (!db) {
    localStorage.setItem(fallbackKey(store, key), value);
    return;
  }
  const tx = db.transaction(store, "readwrite", { durability: "strict" });
  tx.objectStore(store).put(value, key);
  await finished(tx);
}

export async function kv_get(store, key) {
  const db = await openDb();
  if (!db) return localStorage.getItem(fallbackKey(store, key)) ?? undefined;
  return answer(db.transaction(store).objectStore(store).get(key));
}

export async function kv_delete(store, key) {
  const db = await openDb();
  if (!db) {
    localStorage.removeItem(fallbackKey(store, key));
    return;
  }
  const tx = db.transaction(store, "readwrite", { durability: "strict" });
  tx.objectStore(store).delete(key);
  await finished(tx);
}

// The localStorage keys standing in for `store`.
function fallbackKeys(store) {
  const prefix = fallbackKey(store, "");
  const keys = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key.startsWith(prefix)) keys.push(key);
  }
  return keys;
}

export async function kv_clear(store) {
  const db = await openDb();
  if (!db) {
    for (const key of fallbackKeys(store)) localStorage.removeItem(key);
    return;
  }
  const tx = db.transaction(store, "readwrite", { durability: "strict" });
  tx.objectStore(store).clear();
  await finished(tx);
}

export async function kv_all(store) {
  const db = await openDb();
  if (!db) return fallbackKeys(store).map((key) => localStorage.getItem(key));
  return answer(db.transaction(store).objectStore(store).getAll());
}

// Asks the browser not to evict the app's data; false where it cannot say.
export async function ask_persist() {
  try {
    if (await navigator.storage.persisted()) return true;
    return await navigator.storage.persist();
  } catch (_) {
    return false;
  }
}

export function is_online() {
  return navigator.onLine !== false;
}

export function on_online(callback) {
  window.addEventListener("online", () => callback());
}

// Saves `text` as a download; true if it could. WeChat's own browser drops
// downloads, so there the text goes to the clipboard instead, to be kept in
// a chat and pasted back.
export async function save_file(name, text) {
  if (/MicroMessenger/i.test(navigator.userAgent)) {
    await copy_text(text);
    return false;
  }
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return true;
}

async function copy_text(text) {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch (_) {
    // Older embedded browsers: the selection and execCommand.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

// The text of the first file chosen in an <input type=file>, or undefined.
export async function chosen_file_text(input) {
  const file = input.files && input.files[0];
  if (!file) return undefined;
  const text = await file.text();
  input.value = "";
  return text;
}

// Resolves once what the page holds now has been painted (or after a
// moment, where a hidden page paints nothing).
export function after_paint() {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 200);
  });
}
