// The blocklab service worker: keeps the built site in a versioned cache so that after the
// first visit the app loads and works with the network off.
//
// scripts/finish-site.mjs fills VERSION (a hash of every built file) and FILES (the built
// file names, hashed by Trunk) at build time. A new build is a new sw.js: the browser installs
// it on the next visit, it precaches the new files, takes over and deletes older caches. Only
// the cached site files are touched: the stored chain and wallet live in localStorage, which
// this worker never reads or writes.
//
// Strategy: files whose names Trunk hashes (app-<hash>.js/.wasm, main-<hash>.css) are served
// from the cache, else fetched (by the browser itself through static routes where it has
// them, so this worker need not start for them); everything else (index.html, the miner
// worker, the manifest) goes to the network first, so an online visit always gets the latest build, and falls back
// to the cached copy when the network is off. Requests to
// other origins (the JSON-RPC URL the user entered on the Network screen) and non-GET requests
// are not handled here at all.
const VERSION = '__BLOCKLAB_VERSION__';
// (Unfinished, as `trunk serve` leaves it: nothing is precached and every request goes through.)
const FILES = [] /* __BLOCKLAB_FILES__ */;
const PREFIX = 'blocklab-site-';
const CACHE = PREFIX + VERSION;
/** Trunk's content-hashed names (app-<16 hex>.js, app-<16 hex>_bg.wasm, main-<16 hex>.css). */
const HASHED = /-[0-9a-f]{16}(_bg)?\.[a-z]+$/;

self.addEventListener('install', (event) => {
  event.waitUntil(Promise.all([
    caches.open(CACHE)
      // A hashed file may come from the HTTP cache (the page just loaded it: no second
      // download); any other file is revalidated, so an update never caches a stale copy.
      .then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: HASHED.test(f) ? 'default' : 'no-cache' }))))
      .then(() => self.skipWaiting()),
    staticRoutes(event),
  ]));
});

/**
 * Where the browser supports static routes (Chromium 123 and later), the hashed files are
 * answered from this version's cache by the browser itself, without starting this worker or
 * running its fetch handler: on a returning visit the app's files no longer wait for the
 * worker (issue 19's cold start). A file missing from the cache goes to the network. A browser
 * without them, or one that refuses these rules, uses the fetch handler below as before.
 */
function staticRoutes(event) {
  const hashed = FILES.filter((f) => HASHED.test(f));
  if (typeof event.addRoutes !== 'function' || !hashed.length) return Promise.resolve();
  const rules = hashed.map((f) => ({
    condition: { urlPattern: { pathname: new URL(f, self.registration.scope).pathname }, requestMethod: 'GET' },
    source: { cacheName: CACHE },
  }));
  let added;
  try {
    added = event.addRoutes(rules); // while the install event is being dispatched
  } catch (e) {
    added = Promise.reject(e);
  }
  return Promise.resolve(added).catch((e) => console.warn('blocklab: the offline cache answers through the worker:', e));
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  const fromCache = () => caches.open(CACHE)
    .then((cache) => cache.match(request.mode === 'navigate' ? './index.html' : request, { ignoreSearch: true }))
    .then((cached) => cached || Response.error());
  if (HASHED.test(url.pathname)) {
    // The name changes with the content: the cached copy is always the right one.
    event.respondWith(fromCache().then((r) => (r.type === 'error' ? fetch(request) : r)));
  } else {
    event.respondWith(fetch(request).catch(fromCache));
  }
});
