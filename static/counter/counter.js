// The counter page: pair with a counter key, scan (camera, USB keyboard-wedge scanner or a
// typed manual code), check the signature offline with WebCrypto Ed25519 from the cached
// public keys (docs/vouchers.md), then ask the server and redeem. No third-party code.
"use strict";

(() => {
  const KEY_STORE = "wallet.counter.key";
  const INFO_STORE = "wallet.counter.info";
  const KEYS_STORE = "wallet.counter.voucher_keys";
  const KEYS_MAX_AGE_MS = 60 * 60 * 1000;
  const PREFIX = "WV1:";
  const B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
  const BODY_BYTES = 34;
  const PAYLOAD_BYTES = 98;
  const SERVER_DECODE_INTERVAL_MS = 700;

  const $ = (id) => document.getElementById(id);
  const show = (el, visible = true) => { el.hidden = !visible; };
  const state = {
    key: null, info: null, voucherKeys: null, presented: null, idempotencyKey: null,
    pendingBody: null, stream: null, scanTimer: null, scanning: false, busy: false,
  };

  // --- API ---------------------------------------------------------------------------------

  async function api(method, path, { body, headers = {}, key = state.key } = {}) {
    const init = { method, headers: { Accept: "application/json", ...headers } };
    if (key) init.headers.Authorization = `Bearer ${key}`;
    if (body instanceof Blob) {
      init.body = body;
      init.headers["Content-Type"] = body.type;
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers["Content-Type"] = "application/json";
    }
    const response = await fetch(path, init);
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    return { status: response.status, ok: response.ok, data };
  }

  const errorText = (data, fallback) =>
    (data && data.error && data.error.message) || fallback;

  // --- pairing -----------------------------------------------------------------------------

  async function pair(key) {
    const res = await api("GET", "/v1/vouchers/counter", { key });
    if (!res.ok) {
      const error = new Error(errorText(res.data, "This key was not accepted."));
      error.status = res.status;
      throw error;
    }
    state.key = key;
    state.info = res.data;
    localStorage.setItem(KEY_STORE, key);
    localStorage.setItem(INFO_STORE, JSON.stringify(res.data));
    showPaired();
  }

  function unpair() {
    localStorage.removeItem(KEY_STORE);
    localStorage.removeItem(INFO_STORE);
    state.key = null;
    state.info = null;
    stopCamera();
    resetResult();
    show($("pair"));
    show($("scan"), false);
    show($("paired-as"), false);
    show($("unpair"), false);
    document.body.dataset.state = "unpaired";
    $("pair-key").focus();
  }

  function showPaired() {
    const info = state.info || {};
    $("paired-as").textContent = `${info.merchant_name || "?"} · ${info.counter_name || "?"}`;
    show($("paired-as"));
    show($("unpair"));
    show($("pair"), false);
    show($("scan"));
    document.body.dataset.state = "ready";
    focusScan();
  }

  // --- public keys and offline verification -----------------------------------------------

  async function loadVoucherKeys(force = false) {
    const cached = JSON.parse(localStorage.getItem(KEYS_STORE) || "null");
    if (!force && cached && Date.now() - cached.fetched_at < KEYS_MAX_AGE_MS) {
      state.voucherKeys = cached.keys;
      return;
    }
    try {
      const res = await api("GET", "/v1/voucher_keys", { key: null });
      if (res.ok && res.data && Array.isArray(res.data.keys)) {
        state.voucherKeys = res.data.keys;
        localStorage.setItem(KEYS_STORE,
          JSON.stringify({ fetched_at: Date.now(), keys: res.data.keys }));
        return;
      }
    } catch (_) { /* offline: keep the cached set */ }
    state.voucherKeys = cached ? cached.keys : [];
  }

  function b45decode(text) {
    const values = [];
    for (const ch of text) {
      const v = B45.indexOf(ch);
      if (v < 0) throw new Error("not Base45");
      values.push(v);
    }
    if (values.length % 3 === 1) throw new Error("not Base45");
    const out = [];
    for (let i = 0; i + 2 < values.length; i += 3) {
      const n = values[i] + values[i + 1] * 45 + values[i + 2] * 2025;
      if (n > 0xffff) throw new Error("not Base45");
      out.push(n >> 8, n & 0xff);
    }
    if (values.length % 3 === 2) {
      const n = values[values.length - 2] + values[values.length - 1] * 45;
      if (n > 0xff) throw new Error("not Base45");
      out.push(n);
    }
    return new Uint8Array(out);
  }

  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

  function b64urlDecode(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  }

  function parsePayload(text) {
    if (!text.startsWith(PREFIX)) throw new Error("malformed");
    const raw = b45decode(text.slice(PREFIX.length));
    if (raw.length === 0) throw new Error("malformed");
    if (raw[0] !== 1) throw new Error("unsupported_version");
    if (raw.length !== PAYLOAD_BYTES) throw new Error("malformed");
    const view = new DataView(raw.buffer);
    const value = view.getBigUint64(21);
    const flags = raw[33];
    if (value === 0n || value > 0x7fffffffffffffffn || (flags & ~0x03)) {
      throw new Error("malformed");
    }
    return {
      kid: hex(raw.slice(1, 5)), voucherId: hex(raw.slice(5, 21)), value,
      expiry: view.getUint32(29), flags,
      body: raw.slice(0, BODY_BYTES), signature: raw.slice(BODY_BYTES),
    };
  }

  async function verifyOffline(text) {
    let parsed;
    try {
      parsed = parsePayload(text);
    } catch (error) {
      return { ok: false, reason: error.message === "unsupported_version"
        ? "unsupported_version" : "malformed" };
    }
    let jwk = (state.voucherKeys || []).find((k) => k.kid === parsed.kid);
    if (!jwk) {
      await loadVoucherKeys(true); // an unknown kid: refresh once before rejecting
      jwk = (state.voucherKeys || []).find((k) => k.kid === parsed.kid);
    }
    if (!jwk) return { ok: false, reason: "unknown_kid", parsed };
    if (jwk.status === "revoked") return { ok: false, reason: "revoked_key", parsed };
    if (!window.crypto || !crypto.subtle) return { ok: null, reason: "no_webcrypto", parsed };
    let key;
    try {
      key = await crypto.subtle.importKey("raw", b64urlDecode(jwk.x), { name: "Ed25519" },
        false, ["verify"]);
    } catch (_) {
      return { ok: null, reason: "no_ed25519", parsed };
    }
    const good = await crypto.subtle.verify({ name: "Ed25519" }, key, parsed.signature,
      parsed.body);
    if (!good) return { ok: false, reason: "bad_signature", parsed };
    if (parsed.expiry !== 0 && Date.now() / 1000 >= parsed.expiry) {
      return { ok: false, reason: "expired", parsed };
    }
    return { ok: true, parsed, kid: parsed.kid };
  }

  const REASONS = {
    malformed: "Not a voucher (malformed)",
    unsupported_version: "Unknown voucher version",
    unknown_kid: "NOT authentic: unknown signing key",
    revoked_key: "NOT authentic: signing key revoked",
    bad_signature: "NOT authentic: bad signature",
    expired: "Authentic, but EXPIRED",
    no_webcrypto: "Cannot check offline here (no WebCrypto); asking the server",
    no_ed25519: "Cannot check offline here (no Ed25519 in this browser); asking the server",
  };

  // --- handling a scan ---------------------------------------------------------------------

  function classify(raw) {
    const text = raw.trim().toUpperCase();
    if (text.startsWith(PREFIX)) return { payload: text };
    return { code: text };
  }

  async function handleScan(raw) {
    if (!raw || !raw.trim() || state.busy) return;
    stopCamera();
    resetResult();
    const presented = classify(raw);
    state.presented = presented;
    state.idempotencyKey = null;
    show($("result"));
    show($("receipt"), false);
    const badge = $("authenticity");
    document.body.dataset.state = "checking";
    if (presented.payload) {
      const offline = await verifyOffline(presented.payload);
      if (offline.parsed) {
        $("value").textContent = `${offline.parsed.value} credits`;
        $("expiry").textContent = offline.parsed.expiry
          ? new Date(offline.parsed.expiry * 1000).toLocaleString() : "never";
      }
      if (offline.ok === true) {
        badge.textContent = `Authentic signature ✓ (key ${offline.kid})`;
        badge.className = "badge ok";
        document.body.dataset.offline = "authentic";
      } else if (offline.ok === null) {
        badge.textContent = REASONS[offline.reason];
        badge.className = "badge warn";
        document.body.dataset.offline = "unchecked";
      } else {
        badge.textContent = REASONS[offline.reason] || "NOT authentic";
        badge.className = "badge bad";
        document.body.dataset.offline = offline.reason;
        if (offline.reason !== "expired") {
          $("server-status").textContent = "not sent (not authentic)";
          document.body.dataset.state = "rejected";
          return;
        }
      }
    } else {
      badge.textContent = "Manual code: checked by the server only";
      badge.className = "badge warn";
      document.body.dataset.offline = "manual";
    }
    await checkOnline();
  }

  async function checkOnline() {
    $("server-status").textContent = "checking…";
    let res;
    try {
      res = await api("POST", "/v1/vouchers/verify", { body: state.presented });
    } catch (_) {
      $("server-status").textContent = "server unreachable";
      showError("The server cannot be reached; try again.", true, checkOnline);
      return;
    }
    if (!res.ok) {
      $("server-status").textContent = (res.data && res.data.error && res.data.error.code) ||
        `error ${res.status}`;
      showError(errorText(res.data, "The server refused this voucher."));
      document.body.dataset.state = "rejected";
      return;
    }
    const v = res.data;
    $("value").textContent = `${v.value} credits`;
    $("server-status").textContent = v.status;
    $("remaining").textContent = `${v.remaining} credits`;
    if (v.expires_at) $("expiry").textContent = new Date(v.expires_at).toLocaleString();
    if (v.status === "active" && v.remaining > 0) {
      $("redeem-amount").max = String(v.remaining);
      show($("redeem-form"));
      document.body.dataset.state = "verified";
      $("redeem-all").focus();
    } else {
      document.body.dataset.state = "unavailable";
    }
  }

  async function redeem(amount) {
    if (state.busy || !state.presented) return;
    const body = { ...state.presented };
    if (amount !== undefined) body.amount = amount;
    // One Idempotency-Key per redemption attempt: a retry after a network error reuses it,
    // so the voucher is never redeemed twice by one tap.
    const same = state.pendingBody && JSON.stringify(state.pendingBody) === JSON.stringify(body);
    if (!same || !state.idempotencyKey) {
      state.idempotencyKey = crypto.randomUUID ? crypto.randomUUID()
        : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
      state.pendingBody = body;
    }
    setBusy(true);
    show($("result-error"), false);
    show($("retry"), false);
    let res;
    try {
      res = await api("POST", "/v1/vouchers/redeem",
        { body, headers: { "Idempotency-Key": state.idempotencyKey } });
    } catch (_) {
      setBusy(false);
      showError("No answer from the server. Retry: it will not redeem twice.", true,
        () => redeem(amount));
      return;
    }
    setBusy(false);
    if (res.status === 409 && res.data && res.data.error &&
        res.data.error.code === "idempotency_request_in_progress") {
      showError("Still in progress; retry in a moment.", true, () => redeem(amount));
      return;
    }
    state.idempotencyKey = null;
    state.pendingBody = null;
    if (!res.ok) {
      showError(errorText(res.data, "The voucher could not be redeemed."));
      await checkOnline();
      return;
    }
    showReceipt(res.data);
  }

  function showReceipt(r) {
    $("receipt-amount").textContent = String(r.amount);
    $("receipt-remaining").textContent = `${r.remaining} credits`;
    $("receipt-voucher").textContent = r.voucher_id;
    $("receipt-id").textContent = r.redemption_id;
    const info = state.info || {};
    $("receipt-merchant").textContent = `${info.merchant_name || ""} · ${info.counter_name || ""}`;
    $("receipt-time").textContent = new Date(r.created_at).toLocaleString();
    show($("result"), false);
    show($("receipt"));
    document.body.dataset.state = "redeemed";
    $("next").focus();
  }

  function showError(message, retryable = false, retry = null) {
    const el = $("result-error");
    el.textContent = message;
    show(el);
    show($("retry"), retryable);
    $("retry").onclick = retry;
  }

  function setBusy(busy) {
    state.busy = busy;
    for (const id of ["redeem-all", "redeem-part"]) $(id).disabled = busy;
  }

  function resetResult() {
    for (const id of ["value", "expiry", "remaining"]) $(id).textContent = "–";
    $("server-status").textContent = "checking…";
    $("authenticity").textContent = "";
    $("authenticity").className = "badge";
    $("redeem-amount").value = "";
    show($("redeem-form"), false);
    show($("result-error"), false);
    show($("retry"), false);
    delete document.body.dataset.offline;
  }

  function nextVoucher() {
    state.presented = null;
    resetResult();
    show($("result"), false);
    show($("receipt"), false);
    document.body.dataset.state = "ready";
    focusScan();
  }

  function focusScan() {
    const input = $("scan-input");
    input.value = "";
    input.focus();
  }

  // --- camera ------------------------------------------------------------------------------

  async function startCamera() {
    if (state.stream) return;
    const status = $("camera-status");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status.textContent = "No camera access in this browser.";
      return;
    }
    try {
      state.stream = await navigator.mediaDevices.getUserMedia(
        { video: { facingMode: "environment", width: { ideal: 1280 } }, audio: false });
    } catch (error) {
      status.textContent = `Camera unavailable: ${error.name || error}`;
      return;
    }
    const video = $("camera");
    video.srcObject = state.stream;
    show(video);
    await video.play().catch(() => {});
    show($("camera-start"), false);
    show($("camera-stop"));
    state.scanning = true;
    const detector = await barcodeDetector();
    status.textContent = detector ? "Scanning (on this device)…" : "Scanning (server decode)…";
    document.body.dataset.scanner = detector ? "barcode-detector" : "server";
    scanLoop(detector);
  }

  async function barcodeDetector() {
    if (!("BarcodeDetector" in window)) return null;
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (!formats.includes("qr_code")) return null;
      return new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (_) {
      return null;
    }
  }

  function scanLoop(detector) {
    const video = $("camera");
    const tick = async () => {
      if (!state.scanning) return;
      let text = null;
      try {
        if (video.readyState >= 2) {
          text = detector ? await detectLocally(detector, video) : await detectOnServer(video);
        }
      } catch (_) {
        text = null;
      }
      if (!state.scanning) return;
      if (text) {
        handleScan(text);
        return;
      }
      state.scanTimer = setTimeout(tick, detector ? 150 : SERVER_DECODE_INTERVAL_MS);
    };
    tick();
  }

  async function detectLocally(detector, video) {
    const codes = await detector.detect(video);
    const hit = codes.find((c) => (c.rawValue || "").trim().toUpperCase().startsWith(PREFIX));
    return hit ? hit.rawValue : null;
  }

  async function detectOnServer(video) {
    const canvas = $("frame");
    const scale = Math.min(1, 960 / Math.max(video.videoWidth, video.videoHeight));
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    if (!blob) return null;
    const res = await api("POST", "/v1/vouchers/decode", { body: blob });
    return res.ok && res.data ? res.data.payload : null;
  }

  function stopCamera() {
    state.scanning = false;
    clearTimeout(state.scanTimer);
    if (state.stream) {
      for (const track of state.stream.getTracks()) track.stop();
      state.stream = null;
    }
    const video = $("camera");
    video.srcObject = null;
    show(video, false);
    show($("camera-start"));
    show($("camera-stop"), false);
    $("camera-status").textContent = "";
  }

  // --- wiring ------------------------------------------------------------------------------

  function wire() {
    $("pair-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const key = $("pair-key").value.trim();
      show($("pair-error"), false);
      try {
        await pair(key);
        $("pair-key").value = "";
      } catch (error) {
        $("pair-error").textContent = error.message;
        show($("pair-error"));
      }
    });
    $("unpair").addEventListener("click", unpair);
    $("scan-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const value = $("scan-input").value;
      $("scan-input").value = "";
      handleScan(value);
    });
    $("camera-start").addEventListener("click", startCamera);
    $("camera-stop").addEventListener("click", stopCamera);
    $("redeem-all").addEventListener("click", () => redeem(undefined));
    $("redeem-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const amount = Number($("redeem-amount").value);
      if (!Number.isSafeInteger(amount) || amount < 1) {
        showError("Enter a whole number of credits.");
        return;
      }
      redeem(amount);
    });
    $("cancel").addEventListener("click", nextVoucher);
    $("next").addEventListener("click", nextVoucher);
    $("print").addEventListener("click", () => window.print());
    // A keyboard-wedge scanner types wherever the focus is: send stray keystrokes to the field.
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
      if (!typing && state.key && event.key.length === 1 && !event.ctrlKey && !event.metaKey &&
          !event.altKey && !$("scan").hidden) {
        $("scan-input").focus();
      }
    });
  }

  async function boot() {
    wire();
    loadVoucherKeys().catch(() => {});
    setInterval(() => loadVoucherKeys(true).catch(() => {}), KEYS_MAX_AGE_MS);
    const key = localStorage.getItem(KEY_STORE);
    if (!key) {
      unpair();
      return;
    }
    state.key = key;
    state.info = JSON.parse(localStorage.getItem(INFO_STORE) || "null");
    showPaired();
    try {
      await pair(key); // refresh the names; a revoked key unpairs
    } catch (error) {
      if (error.status === 401) unpair(); // the key was revoked; offline keeps the pairing
    }
  }

  document.addEventListener("DOMContentLoaded", boot);
})();
