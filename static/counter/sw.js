// The counter's service worker (scope /counter): keeps the page shell and the published
// voucher keys so that a till reloads and keeps checking signatures through a network outage.
// Network first (fresh when online), the cache when the network fails. It never caches or
// queues anything else: verify, redeem, void and every other API call go to the network or
// fail, so nothing that moves value happens later behind the staff's back.
"use strict";

const VERSION = "__SHELL_VERSION__";
const CACHE = `counter-shell-${VERSION}`;
const KEYS_URL = "/v1/voucher_keys";
const SHELL = [
  "/counter",
  "/counter/manifest.webmanifest",
  "/static/style.css",
  "/static/counter/counter.css",
  "/static/counter/counter.js",
  "/static/qrscan.js",
  "/static/vendor/jsQR.js",
  "/static/icons/wallet.svg",
  "/icons/wallet-192.png",
  KEYS_URL,
];
const NETWORK_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names
        .filter((name) => name.startsWith("counter-shell-") && name !== CACHE)
        .map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

function cacheable(request) {
  if (request.method !== "GET") return false;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return false;
  return SHELL.includes(url.pathname) || request.mode === "navigate";
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); });
  });
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  const key = request.mode === "navigate" ? "/counter" : new URL(request.url).pathname;
  try {
    const response = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (response.ok) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  if (cacheable(event.request)) event.respondWith(networkFirst(event.request));
  // everything else: not intercepted, straight to the network
});
