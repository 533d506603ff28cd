// The counter page: pair with a counter key, scan (camera, USB keyboard-wedge scanner or a
// typed manual code), check the signature offline with WebCrypto Ed25519 from the cached
// public keys (docs/vouchers.md), then ask the server and redeem; a void of a mistaken
// redemption within the window; the end-of-shift summary.
//
// What the page shows is always rebuilt from the last answer (`render(view)`), never patched
// on top of an earlier one. Offline (service worker sw.js), the page and the public keys
// still load and signatures are still checked; nothing that moves value is ever queued.
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
  const DEFAULT_VOID_WINDOW_S = 600;

  const $ = (id) => document.getElementById(id);
  const show = (el, visible = true) => { el.hidden = !visible; };
  const number = new Intl.NumberFormat("en-US");
  const credits = (n) => `${number.format(n)} ${Number(n) === 1 ? "credit" : "credits"}`;
  const when = (date) => date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
  const clock = (date) => date.toLocaleTimeString(undefined, { timeStyle: "short" });
  const expiryWords = (date) => (date ? when(date) : "No expiry");

  const state = {
    key: null, info: null, voucherKeys: null, presented: null, idempotencyKey: null,
    pendingBody: null, scan: null, busy: false, receipt: null, voidWindowS: DEFAULT_VOID_WINDOW_S,
    shiftAfter: null,
  };

  // --- words for staff: never a developer code on screen ------------------------------------

  const ERROR_WORDS = {
    voucher_malformed: "This is not a voucher. Check it and scan again.",
    voucher_malformed_code: "This is not a valid voucher code. Check it and type it again.",
    voucher_check_failed: "This code has a typo. Check it and type it again.",
    voucher_unsupported_version: "This voucher is of a kind this till does not know.",
    payload_or_code: "Scan a voucher or type its code.",
    voucher_code_unknown: "No voucher has this code.",
    manual_code_locked: "Too many wrong codes: typing codes is paused at this till for a while.",
    voucher_not_found: "This voucher is genuine but not known here.",
    voucher_rejected: "NOT authentic: do not accept it.",
    voucher_bad_signature: "NOT authentic: do not accept it.",
    voucher_unknown_kid: "NOT authentic: do not accept it.",
    voucher_revoked_key: "NOT authentic: do not accept it.",
    voucher_redeemed: "This voucher has already been spent.",
    voucher_claimed: "This voucher was claimed into a wallet; it cannot be spent here.",
    voucher_revoked: "This voucher was cancelled by whoever made it.",
    voucher_expired: "This voucher has expired.",
    voucher_single_redemption: "This voucher must be redeemed in full, in one go.",
    voucher_unavailable: "The voucher changed since (cancelled, claimed or expired): this cannot be voided.",
    void_window_passed: "Too late to void: the time to undo has passed.",
    earnings_insufficient: "This cannot be voided any more: ask the merchant.",
    redemption_not_found: "This redemption is not one of this till's.",
    unauthenticated: "This till's key is no longer valid. Ask the merchant for a new one.",
    rate_limited: "Too many requests: wait a moment and try again.",
    idempotency_request_in_progress: "Still in progress: retry in a moment.",
  };
  const STATUS_WORDS = {
    active: "Valid", redeemed: "Already spent", claimed: "Claimed into a wallet",
    revoked: "Cancelled", expired: "Expired",
  };
  const OFFLINE_WORDS = {
    malformed: "Not a voucher (unreadable)",
    unsupported_version: "Unknown kind of voucher",
    unknown_kid: "NOT authentic: unknown signature",
    revoked_key: "NOT authentic: its signing key was revoked",
    bad_signature: "NOT authentic: bad signature",
    expired: "Genuine, but EXPIRED",
    no_webcrypto: "Signature not checked here (this browser cannot); asking the server",
    no_ed25519: "Signature not checked here (this browser cannot); asking the server",
  };

  function errorWords(data, fallback) {
    const error = data && data.error;
    if (!error) return fallback;
    if (error.code === "voucher_insufficient_remaining") return error.message;
    return ERROR_WORDS[error.code] || fallback;
  }

  // --- the view: everything on screen comes from here ---------------------------------------

  /** A fresh view for the voucher being handled: nothing carried over from older answers. */
  function blankView(phase) {
    return { phase, badge: null, value: null, expiry: undefined, status: "checking…",
      remaining: null, canRedeem: false, error: null, retry: null };
  }

  function render(view) {
    state.view = view;
    const badge = $("authenticity");
    badge.textContent = view.badge ? view.badge.text : "";
    badge.className = `badge ${view.badge ? view.badge.tone : ""}`;
    show(badge, !!view.badge);
    $("value").textContent = view.value === null ? "–" : credits(view.value);
    $("expiry").textContent = view.expiry === undefined ? "–" : expiryWords(view.expiry);
    $("server-status").textContent = view.status;
    $("remaining").textContent = view.remaining === null ? "–" : credits(view.remaining);
    show($("redeem-form"), view.canRedeem);
    if (view.canRedeem) $("redeem-amount").max = String(view.remaining);
    const error = $("result-error");
    error.textContent = view.error || "";
    show(error, !!view.error);
    show($("retry"), !!view.retry);
    show($("result"), true);
    show($("receipt"), false);
    document.body.dataset.state = view.phase;
    setBusy(false);
  }

  function connection(online) {
    const el = $("connection");
    el.textContent = online ? "Online" : "Offline: signatures only";
    el.className = `connection${online ? "" : " offline"}`;
    show(el, true);
    document.body.dataset.connection = online ? "online" : "offline";
  }

  // --- API -----------------------------------------------------------------------------------

  class Unreachable extends Error {}

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
    let response;
    try {
      response = await fetch(path, init);
    } catch (_) {
      connection(false);
      throw new Unreachable("unreachable");
    }
    connection(true);
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    return { status: response.status, ok: response.ok, data };
  }

  // --- pairing -------------------------------------------------------------------------------

  async function pair(key) {
    const res = await api("GET", "/v1/vouchers/counter", { key });
    if (!res.ok) {
      const error = new Error(res.status === 401 ? "This key was not accepted."
        : errorWords(res.data, "This key was not accepted."));
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
    for (const id of ["scan", "result", "receipt", "shift", "paired-as", "unpair", "shift-open"]) {
      show($(id), false);
    }
    show($("pair"));
    document.body.dataset.state = "unpaired";
    $("pair-key").focus();
  }

  function showPaired() {
    const info = state.info || {};
    $("paired-as").textContent = `${info.merchant_name || "?"} · ${info.counter_name || "?"}`;
    for (const id of ["paired-as", "unpair", "shift-open", "scan"]) show($(id));
    show($("pair"), false);
    document.body.dataset.state = "ready";
    focusScan();
  }

  // --- public keys and offline verification -------------------------------------------------

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
    state.voucherKeys = cached ? cached.keys : (state.voucherKeys || []);
  }

  function b45decode(text) {
    const values = [];
    for (const ch of text) {
      const v = B45.indexOf(ch);
      if (v < 0) throw new Error("malformed");
      values.push(v);
    }
    if (values.length % 3 === 1) throw new Error("malformed");
    const out = [];
    for (let i = 0; i + 2 < values.length; i += 3) {
      const n = values[i] + values[i + 1] * 45 + values[i + 2] * 2025;
      if (n > 0xffff) throw new Error("malformed");
      out.push(n >> 8, n & 0xff);
    }
    if (values.length % 3 === 2) {
      const n = values[values.length - 2] + values[values.length - 1] * 45;
      if (n > 0xff) throw new Error("malformed");
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

  // --- handling a scan -----------------------------------------------------------------------

  function classify(raw) {
    const text = raw.trim().toUpperCase();
    if (text.startsWith(PREFIX)) return { payload: text };
    return { code: text };
  }

  /** What the offline check says, as the start of a view (or a final one when rejected). */
  async function offlineView(presented) {
    const view = blankView("checking");
    if (!presented.payload) {
      view.badge = { text: "Manual code: checked by the server only", tone: "warn" };
      document.body.dataset.offline = "manual";
      return view;
    }
    const offline = await verifyOffline(presented.payload);
    if (offline.parsed) {
      view.value = Number(offline.parsed.value);
      view.expiry = offline.parsed.expiry ? new Date(offline.parsed.expiry * 1000) : null;
    }
    if (offline.ok === true) {
      view.badge = { text: "Authentic signature ✓", tone: "ok" };
      document.body.dataset.offline = "authentic";
    } else if (offline.ok === null) {
      view.badge = { text: OFFLINE_WORDS[offline.reason], tone: "warn" };
      document.body.dataset.offline = "unchecked";
    } else {
      view.badge = { text: OFFLINE_WORDS[offline.reason] || "NOT authentic", tone: "bad" };
      document.body.dataset.offline = offline.reason;
      if (offline.reason !== "expired") {
        view.phase = "rejected";
        view.status = "Not sent to the server (not authentic)";
        view.error = "Do not accept this voucher.";
        view.final = true;
      }
    }
    return view;
  }

  async function handleScan(raw) {
    if (!raw || !raw.trim() || state.busy) return;
    stopCamera();
    state.presented = classify(raw);
    state.idempotencyKey = null;
    state.pendingBody = null;
    delete document.body.dataset.offline;
    show($("shift"), false);
    const view = await offlineView(state.presented);
    state.offlineView = view;
    render(view);
    if (!view.final) await checkOnline();
  }

  /** Ask the server what is left; the view becomes this answer's, whatever was shown before. */
  async function checkOnline(note = null) {
    const base = { ...state.offlineView, error: null, retry: null, canRedeem: false };
    render({ ...base, status: "checking…", phase: "checking" });
    let res;
    try {
      res = await api("POST", "/v1/vouchers/verify", { body: state.presented });
    } catch (_) {
      render({ ...base, phase: "offline", status: "Unknown: the server cannot be reached",
        error: "No connection. " + (base.badge && base.badge.tone === "ok"
          ? "The signature is genuine, but whether it was already spent is unknown: "
          : "") + "redeeming needs the connection. Nothing was redeemed.",
        retry: () => checkOnline() });
      return;
    }
    if (!res.ok) {
      render({ ...base, phase: "rejected", status: "Refused by the server",
        error: errorWords(res.data, "The server refused this voucher.") });
      return;
    }
    const v = res.data;
    const active = v.status === "active" && v.remaining > 0;
    render({ ...base, phase: active ? "verified" : "unavailable",
      value: v.value, expiry: v.expires_at ? new Date(v.expires_at) : null,
      status: STATUS_WORDS[v.status] || v.status, remaining: v.remaining, canRedeem: active,
      error: note || (active ? null : ERROR_WORDS[`voucher_${v.status}`] || null) });
    if (active) $("redeem-all").focus();
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
    let res;
    try {
      res = await api("POST", "/v1/vouchers/redeem",
        { body, headers: { "Idempotency-Key": state.idempotencyKey } });
    } catch (_) {
      render({ ...state.view, phase: "offline", canRedeem: false,
        error: "No answer from the server: it is not known whether this went through. " +
          "Retry when the connection is back: it will not redeem twice.",
        retry: () => redeem(amount) });
      return;
    }
    if (res.status === 409 && res.data && res.data.error &&
        res.data.error.code === "idempotency_request_in_progress") {
      render({ ...state.view, canRedeem: false, error: ERROR_WORDS.idempotency_request_in_progress,
        retry: () => redeem(amount) });
      return;
    }
    state.idempotencyKey = null;
    state.pendingBody = null;
    if (!res.ok) {
      // Another till may have been faster: show what the voucher is now, with the reason.
      await checkOnline(errorWords(res.data, "The voucher could not be redeemed."));
      return;
    }
    showReceipt(res.data);
  }

  // --- receipt and void ----------------------------------------------------------------------

  function withinWindow(createdAt) {
    return Date.now() - new Date(createdAt).getTime() < state.voidWindowS * 1000;
  }

  function showReceipt(r) {
    setBusy(false);
    state.receipt = r;
    const voided = !!r.voided_at;
    $("receipt-amount").textContent = number.format(r.amount);
    $("receipt-unit").textContent = r.amount === 1 ? "credit" : "credits";
    $("receipt-remaining").textContent = credits(voided ? r.remaining + r.amount : r.remaining);
    $("receipt-voucher").textContent = r.voucher_id;
    $("receipt-id").textContent = r.redemption_id;
    const info = state.info || {};
    $("receipt-merchant").textContent = info.merchant_name || "";
    $("receipt-till").textContent = info.counter_name || "";
    $("receipt-time").textContent = when(new Date(r.created_at));
    show($("receipt-voided"), voided);
    $("receipt").classList.toggle("voided", voided);
    show($("void"), !voided && withinWindow(r.created_at));
    show($("receipt-error"), false);
    show($("result"), false);
    show($("receipt"));
    document.body.dataset.state = voided ? "voided" : "redeemed";
    $("next").focus();
  }

  function confirmVoid(r) {
    const dialog = $("confirm");
    $("confirm-text").textContent = `${credits(r.amount)} go back onto voucher ${r.voucher_id}; ` +
      "the customer keeps them. Only void a redemption made by mistake.";
    const opener = document.activeElement;
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => {
        if (opener && opener.focus) opener.focus();
        resolve(dialog.returnValue === "yes");
      }, { once: true });
      dialog.returnValue = "";
      dialog.showModal();
      $("confirm-no").focus();
    });
  }

  /** Void a redemption (after a confirmation); returns the voided redemption or null. */
  async function voidRedemption(r, errorBox) {
    if (!(await confirmVoid(r))) return null;
    show(errorBox, false);
    let res;
    try {
      res = await api("POST", `/v1/vouchers/redemptions/${encodeURIComponent(r.redemption_id)}/void`,
        { headers: { "Idempotency-Key": `void-${r.redemption_id}` } });
    } catch (_) {
      errorBox.textContent = "No connection: nothing was voided. Try again when the connection is back.";
      show(errorBox);
      return null;
    }
    if (!res.ok) {
      errorBox.textContent = errorWords(res.data, "This redemption could not be voided.");
      show(errorBox);
      return null;
    }
    return res.data;
  }

  // --- end of shift --------------------------------------------------------------------------

  function shiftStart() {
    const start = new Date();
    start.setHours(0, 0, 0, 0);
    return start;
  }

  async function openShift() {
    stopCamera();
    show($("result"), false);
    show($("receipt"), false);
    show($("shift"));
    document.body.dataset.state = "shift";
    $("shift").focus();
    await loadShift(false);
  }

  async function loadShift(more) {
    const since = shiftStart();
    const query = `since=${encodeURIComponent(since.toISOString())}`;
    show($("shift-error"), false);
    let summary;
    let list;
    try {
      const after = more && state.shiftAfter ? `&starting_after=${encodeURIComponent(state.shiftAfter)}` : "";
      [summary, list] = await Promise.all([
        api("GET", `/v1/vouchers/redemptions/summary?${query}`),
        api("GET", `/v1/vouchers/redemptions?${query}&limit=50${after}`),
      ]);
    } catch (_) {
      $("shift-error").textContent = "No connection: the summary needs the server.";
      show($("shift-error"));
      return;
    }
    if (!summary.ok || !list.ok) {
      $("shift-error").textContent = errorWords(summary.ok ? list.data : summary.data,
        "The summary could not be loaded.");
      show($("shift-error"));
      return;
    }
    const s = summary.data;
    state.voidWindowS = s.void_window_seconds || DEFAULT_VOID_WINDOW_S;
    $("shift-range").textContent = `Today at ${(state.info || {}).counter_name || "this till"}, ` +
      `since ${when(since)}`;
    $("shift-count").textContent = number.format(s.count);
    $("shift-total").textContent = credits(s.total);
    $("shift-voided").textContent = `${number.format(s.voided_count)} (${credits(s.voided_total)})`;
    $("shift-net").textContent = credits(s.net_total);
    const rows = $("shift-list");
    if (!more) rows.textContent = "";
    for (const r of list.data.data) {
      rows.appendChild(shiftRow(r));
      state.shiftAfter = r.redemption_id;
    }
    show($("shift-empty"), !rows.children.length);
    show($("shift-more"), list.data.has_more);
  }

  function shiftRow(r) {
    const li = document.createElement("li");
    const main = document.createElement("span");
    main.className = "main";
    main.textContent = `${clock(new Date(r.created_at))} · ${credits(r.amount)}`;
    li.appendChild(main);
    if (r.voided_at) {
      const badge = document.createElement("span");
      badge.className = "status voided";
      badge.textContent = "Voided";
      li.appendChild(badge);
    } else if (withinWindow(r.created_at)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "danger small";
      button.textContent = "Void";
      button.setAttribute("aria-label", `Void the redemption of ${credits(r.amount)} at ${clock(new Date(r.created_at))}`);
      button.addEventListener("click", async () => {
        const voided = await voidRedemption(r, $("shift-error"));
        if (voided) await loadShift(false);
      });
      li.appendChild(button);
    }
    const sub = document.createElement("span");
    sub.className = "sub id";
    sub.textContent = `Voucher ${r.voucher_id}`;
    li.appendChild(sub);
    return li;
  }

  function closeShift() {
    show($("shift"), false);
    nextVoucher();
  }

  // --- small things --------------------------------------------------------------------------

  function setBusy(busy) {
    state.busy = busy;
    for (const id of ["redeem-all", "redeem-part"]) $(id).disabled = busy;
  }

  function nextVoucher() {
    state.presented = null;
    state.receipt = null;
    show($("result"), false);
    show($("receipt"), false);
    delete document.body.dataset.offline;
    document.body.dataset.state = "ready";
    focusScan();
  }

  function focusScan() {
    const input = $("scan-input");
    input.value = "";
    input.focus();
  }

  // --- camera --------------------------------------------------------------------------------

  async function serverDecode(blob) {
    try {
      const res = await api("POST", "/v1/vouchers/decode", { body: blob });
      return res.ok && res.data && res.data.found ? res.data.payload : null;
    } catch (_) {
      return null;
    }
  }

  async function startCamera() {
    if (state.scan) return;
    const status = $("camera-status");
    status.textContent = "Starting the camera…";
    try {
      state.scan = await window.WalletQrScan.start({
        video: $("camera"), canvas: $("frame"),
        accept: (text) => text.trim().toUpperCase().startsWith(PREFIX),
        onText: (text) => { state.scan = null; cameraButtons(false); handleScan(text); },
        fallback: serverDecode,
      });
    } catch (error) {
      status.textContent = error.message;
      return;
    }
    cameraButtons(true);
    document.body.dataset.scanner = state.scan.decoder;
    status.textContent = state.scan.decoder === "server"
      ? "Scanning (decoded by the server)…" : "Scanning (on this device)…";
  }

  function cameraButtons(running) {
    show($("camera-start"), !running);
    show($("camera-stop"), running);
    if (!running) $("camera-status").textContent = "";
  }

  function stopCamera() {
    if (state.scan) state.scan.stop();
    state.scan = null;
    cameraButtons(false);
  }

  // --- wiring --------------------------------------------------------------------------------

  function wire() {
    $("pair-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const key = $("pair-key").value.trim();
      show($("pair-error"), false);
      try {
        await pair(key);
        $("pair-key").value = "";
      } catch (error) {
        $("pair-error").textContent = error instanceof Unreachable
          ? "No connection: pairing needs the server." : error.message;
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
        render({ ...state.view, error: "Enter a whole number of credits." });
        return;
      }
      redeem(amount);
    });
    $("retry").addEventListener("click", () => { if (state.view && state.view.retry) state.view.retry(); });
    $("cancel").addEventListener("click", nextVoucher);
    $("next").addEventListener("click", nextVoucher);
    $("print").addEventListener("click", () => window.print());
    $("void").addEventListener("click", async () => {
      const voided = await voidRedemption(state.receipt, $("receipt-error"));
      if (voided) showReceipt(voided);
    });
    $("shift-open").addEventListener("click", openShift);
    $("shift-close").addEventListener("click", closeShift);
    $("shift-refresh").addEventListener("click", () => loadShift(false));
    $("shift-more").addEventListener("click", () => loadShift(true));
    $("shift-print").addEventListener("click", () => window.print());
    // A keyboard-wedge scanner types wherever the focus is: send stray keystrokes to the field.
    document.addEventListener("keydown", (event) => {
      const target = event.target;
      const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
      if (!typing && state.key && event.key.length === 1 && !event.ctrlKey && !event.metaKey &&
          !event.altKey && !$("scan").hidden && !$("confirm").open) {
        $("scan-input").focus();
      }
    });
    window.addEventListener("online", () => loadVoucherKeys(true));
  }

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register("/counter/sw.js", { scope: "/counter" })
      .then(() => { document.body.dataset.worker = "registered"; })
      .catch(() => { document.body.dataset.worker = "unavailable"; });
  }

  async function boot() {
    wire();
    registerServiceWorker();
    await loadVoucherKeys().catch(() => {});
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
