// Keeps the app shell on the phone so that Anju opens with no network.
// scripts/build-app fills in the version and the shell's files; a new
// build is a new worker, which caches the new shell and drops the old.
const VERSION = "@VERSION@";
const SHELL = @FILES@;
const CACHE = `anju-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith("anju-shell-") && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // The API is never cached here: the app keeps its own data in IndexedDB.
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (request.mode === "navigate") {
    // Every route of the app is the same page; the cached one opens at once.
    event.respondWith(
      caches.match("/", { cacheName: CACHE }).then((cached) => cached ?? fetch(request)),
    );
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((cached) => cached ?? fetch(request)));
});
