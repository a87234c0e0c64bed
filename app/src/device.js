// The phone's own storage and files, for the app's Rust code.
// Values are JSON strings. IndexedDB where it opens; localStorage where it
// never has (some embedded browsers refuse it), so nothing breaks. Once it
// has opened on this phone, a failure to open it again (its disk full, say)
// is an error, not a reason to write where nothing else would look.

const DB_NAME = "anju";
const DB_VERSION = 1;
const STORES = ["outbox", "state"];
const OPENED_HERE = "anju:indexeddb";

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
      req.onsuccess = () => {
        try {
          localStorage.setItem(OPENED_HERE, "1");
        } catch (_) {
          // Nothing to remember it by; the fallback stays allowed.
        }
        // Closed by the browser (its disk full, say): open it again next time.
        req.result.onclose = () => {
          opening = undefined;
        };
        resolve(req.result);
      };
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

// Where IndexedDB does not open: localStorage, unless it opened here before.
function fallback() {
  let opened = null;
  try {
    opened = localStorage.getItem(OPENED_HERE);
  } catch (_) {
    // No localStorage either: the call below fails as it should.
  }
  if (opened === "1") throw new Error("the phone's storage cannot be opened");
  return localStorage;
}

export async function kv_put(store, key, value) {
  const db = await openDb();
  if (!db) {
    fallback().setItem(fallbackKey(store, key), value);
    return;
  }
  const tx = db.transaction(store, "readwrite", { durability: "strict" });
  tx.objectStore(store).put(value, key);
  await finished(tx);
}

export async function kv_get(store, key) {
  const db = await openDb();
  if (!db) return fallback().getItem(fallbackKey(store, key)) ?? undefined;
  return answer(db.transaction(store).objectStore(store).get(key));
}

export async function kv_delete(store, key) {
  const db = await openDb();
  if (!db) {
    fallback().removeItem(fallbackKey(store, key));
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
    const storage = fallback();
    for (const key of fallbackKeys(store)) storage.removeItem(key);
    return;
  }
  const tx = db.transaction(store, "readwrite", { durability: "strict" });
  tx.objectStore(store).clear();
  await finished(tx);
}

export async function kv_all(store) {
  const db = await openDb();
  if (!db) {
    const storage = fallback();
    return fallbackKeys(store).map((key) => storage.getItem(key));
  }
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

// Whether the browser has little room left for the app: under 2 MB or a
// twentieth of what it allows, as far as it says, or too little to write
// 16 KB (a few surveys) now, which is what counts: recent Chromium reports
// its usage plus a fixed 10 GiB whatever the room, so only older browsers'
// estimates tell.
export async function storage_low() {
  try {
    const { usage, quota } = await navigator.storage.estimate();
    const left = quota - usage;
    if (left < 2 * 1024 * 1024 || left < quota / 20) return true;
  } catch (_) {
    // No estimate: the write below still tells.
  }
  try {
    await kv_put("state", "room-check", "x".repeat(16 * 1024));
    await kv_delete("state", "room-check");
    return false;
  } catch (_) {
    return true;
  }
}

// Takes the lock `name` if no other tab of the app holds it: resolves to a
// function that releases it, or to null if another tab has it. Where the
// browser has no Web Locks, every tab may go ahead.
export function try_lock(name) {
  if (!navigator.locks) return Promise.resolve(() => {});
  return new Promise((resolve) => {
    navigator.locks.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(null);
        return undefined;
      }
      return new Promise((release) => resolve(release));
    });
  });
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
