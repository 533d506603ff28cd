/* The wallet page: sign up / sign in, balance and notices, packs and checkout, gifts and the
 * person's vouchers (QR and code again, copy, share, print, revoke), claiming a voucher (code
 * or camera), history with receipts, connected apps and their caps.
 * Talks to the JSON API with the session cookie and X-CSRF-Token. No inline code (CSP). */
(function () {
  "use strict";
  var csrf = "";
  var state = { historyAfter: null, activityAfter: null, vouchersAfter: null, pollTimer: null,
    scan: null, lastFocus: null };
  var numberFmt = new Intl.NumberFormat("en-US");
  var $ = function (id) { return document.getElementById(id); };
  var PREFIX = "WV1:";

  function show(node, on) { node.hidden = !on; }
  function fmt(n) { return typeof n === "number" ? numberFmt.format(n) : "–"; }
  function credits(n) { return fmt(n) + (n === 1 ? " credit" : " credits"); }
  function when(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }
  function day(iso) {
    var d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleDateString(undefined, { dateStyle: "medium" });
  }
  function expiryText(iso) { return iso ? "Expires " + when(iso) : "No expiry"; }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function button(text, cls, onClick, label) {
    var b = el("button", cls, text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }
  function newKey(kind) { return kind + "-" + Date.now() + "-" + Math.random().toString(36).slice(2); }

  function api(method, path, body, extraHeaders) {
    var headers = { "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
    Object.keys(extraHeaders || {}).forEach(function (k) { headers[k] = extraHeaders[k]; });
    return fetch(path, {
      method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (!res.ok) {
          var err = (data && data.error) || {};
          var e = new Error(err.message || ("The request failed (" + res.status + ")."));
          e.status = res.status; e.code = err.code; e.param = err.param;
          throw e;
        }
        return data;
      });
    });
  }

  function setError(id, message) { var n = $(id); n.textContent = message || ""; show(n, !!message); }
  function notice(message) { var n = $("notice"); n.textContent = message || ""; show(n, !!message); }

  /** A confirmation in a modal <dialog>; resolves true when the person confirms. */
  function confirmAction(title, text, yes) {
    var dialog = $("confirm");
    $("confirm-title").textContent = title;
    $("confirm-text").textContent = text;
    $("confirm-yes").textContent = yes;
    var opener = document.activeElement;
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function done() {
        dialog.removeEventListener("close", done);
        if (opener && opener.focus) opener.focus();
        resolve(dialog.returnValue === "yes");
      });
      dialog.returnValue = "";
      dialog.showModal();
      $("confirm-no").focus();
    });
  }

  // ---------------------------------------------------------------- session
  function loadSession() {
    return api("GET", "/v1/session").then(function (data) {
      csrf = (data && data.csrf_token) || csrf;
      return data && data.user;
    });
  }

  function signedIn(user) {
    show($("auth"), false);
    show($("app"), true);
    var who = $("whoami"); who.textContent = user.email; show(who, true);
    show($("signout"), true);
    loadPrices();
    refresh();
    var params = new URLSearchParams(location.search);
    if (params.get("topup")) watchTopUp(params.get("topup"));
    if (params.get("cancelled")) notice("Checkout cancelled: nothing was charged.");
    if (params.get("card_setup")) finishCardSetup(params.get("card_setup"));
    if (params.get("card_setup_cancelled")) {
      history.replaceState(null, "", "/");
      notice("No card was saved.");
    }
    route();
  }

  function signedOut() {
    show($("app"), false);
    show($("receipt"), false);
    show($("auth"), true);
    show($("whoami"), false);
    show($("signout"), false);
  }

  function authSubmit(form, path, errorId) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      setError(errorId, "");
      var email = form.elements.email.value.trim();
      var password = form.elements.password.value;
      if (!email || !password) { setError(errorId, "Enter your email and password."); return; }
      var submit = form.querySelector("button");
      submit.disabled = true;
      api("POST", path, { email: email, password: password }).then(function (data) {
        csrf = data.csrf_token || csrf;
        form.reset();
        signedIn(data.user);
        $("main").focus();
      }).catch(function (e) { setError(errorId, e.message); })
        .then(function () { submit.disabled = false; });
    });
  }

  // ---------------------------------------------------------------- balance and notices
  function loadWallet() {
    return api("GET", "/v1/wallet").then(function (w) {
      var c = (w && w.credits) || {};
      $("balance-total").textContent = fmt(c.total);
      $("balance-unit").textContent = c.total === 1 ? "credit" : "credits";
      $("balance-paid").textContent = fmt(c.paid);
      $("balance-promo").textContent = fmt(c.promotional);
      var exp = w.next_expiry;
      $("balance-expiry").textContent = exp ? fmt(exp.credits) + " on " + day(exp.expires_at) : "None";
      show($("frozen"), !!w.frozen);
      show($("low-balance"), !!w.low_balance && !w.frozen);
      var soon = w.expiring_soon || { credits: 0 };
      var expiring = $("expiring");
      expiring.textContent = soon.credits > 0
        ? credits(soon.credits) + " of promotional credit expire within " + soon.days +
          " days" + (exp ? " (the first on " + day(exp.expires_at) + ")" : "") +
          ". They are spent before your paid credits."
        : "";
      show(expiring, soon.credits > 0);
    }).catch(function (e) {
      $("balance-total").textContent = "–";
      setError("error", "Your balance could not be loaded: " + e.message);
    });
  }

  // ---------------------------------------------------------------- packs
  function loadPrices() {
    var select = $("currency");
    var saved = localStorage.getItem("wallet.currency");
    if (saved && !select.dataset.ready) {
      for (var i = 0; i < select.options.length; i++) if (select.options[i].value === saved) select.value = saved;
    }
    select.dataset.ready = "1";
    return api("GET", "/v1/prices?currency=" + encodeURIComponent(select.value)).then(function (data) {
      var list = $("packs");
      list.textContent = "";
      data.data.forEach(function (pack, index) {
        var label = el("label", "pack");
        var input = document.createElement("input");
        input.type = "radio"; input.name = "pack"; input.value = pack.id; input.id = "pack-" + pack.id;
        if (index === 0) input.checked = true;
        var text = el("span");
        text.appendChild(el("span", "credits", fmt(pack.total_credits) + " credits"));
        if (pack.bonus_credits) text.appendChild(el("span", "bonus", "includes " + fmt(pack.bonus_credits) + " bonus"));
        label.appendChild(input);
        label.appendChild(text);
        label.appendChild(el("span", "price", pack.price_display));
        list.appendChild(label);
      });
    }).catch(function (e) { setError("buy-error", e.message); });
  }

  // The sandbox's checkout lives on this server: stay on this origin even when
  // WALLET_BASE_URL names another host or port.
  function checkoutHref(url) {
    try {
      var u = new URL(url, location.href);
      if (u.pathname.indexOf("/sandbox/checkout/") === 0) return u.pathname + u.search;
    } catch (e) { /* fall through */ }
    return url;
  }

  function buy(ev) {
    ev.preventDefault();
    setError("buy-error", "");
    var chosen = document.querySelector('input[name="pack"]:checked');
    if (!chosen) { setError("buy-error", "Choose a credit pack."); return; }
    var submit = $("buy-button");
    submit.disabled = true;
    api("POST", "/v1/topups/checkout", { pack_id: chosen.value, currency: $("currency").value },
        { "Idempotency-Key": newKey("checkout") })
      .then(function (topup) { location.assign(checkoutHref(topup.checkout_url)); })
      .catch(function (e) { setError("buy-error", e.message); submit.disabled = false; });
  }

  // ---------------------------------------------------------------- vouchers: gift, list, share
  function qrUrl(id) { return "/v1/vouchers/" + encodeURIComponent(id) + "/qr.svg"; }

  function gift(ev) {
    ev.preventDefault();
    setError("gift-error", "");
    var raw = $("gift-value").value.trim();
    if (!/^[1-9][0-9]{0,14}$/.test(raw)) {
      setError("gift-error", "Enter a whole number of credits, 1 or more.");
      return;
    }
    var submit = $("gift-button");
    submit.disabled = true;
    api("POST", "/v1/vouchers", { value: Number(raw) }, { "Idempotency-Key": newKey("gift") })
      .then(function (v) {
        $("gift-qr").src = qrUrl(v.id);
        $("gift-amount").textContent = fmt(v.value);
        $("gift-code").textContent = v.code;
        var actions = $("gift-actions");
        actions.textContent = "";
        shareButtons(v, v.code).forEach(function (b) { actions.appendChild(b); });
        show($("gift-result"), true);
        $("gift-value").value = "";
        loadWallet(); loadActivity(false); loadVouchers(false);
      })
      .catch(function (e) { setError("gift-error", e.message); })
      .then(function () { submit.disabled = false; });
  }

  function shareText(v, code) {
    return "A gift of " + credits(v.value) + " in Wallet. Code: " + code +
      ". Claim it at " + location.origin + "/ (Claim a voucher) or spend it at a counter.";
  }

  /** Copy, share (Web Share API where present) and print for a voucher and its code. */
  function shareButtons(v, code) {
    var buttons = [];
    buttons.push(button("Copy code", "secondary small", function () {
      copyText(code).then(function () { notice("The code of the " + credits(v.value) + " voucher was copied."); },
        function () { notice("Copy failed: select the code and copy it."); });
    }, "Copy code of the " + credits(v.value) + " voucher"));
    if (navigator.share) {
      buttons.push(button("Share", "secondary small", function () {
        var data = { title: "Wallet voucher", text: shareText(v, code) };
        navigator.share(data).catch(function () { /* cancelled */ });
      }, "Share the " + credits(v.value) + " voucher"));
    }
    buttons.push(button("Print", "secondary small", function () { printVoucher(v, code); },
      "Print the " + credits(v.value) + " voucher"));
    return buttons;
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) return navigator.clipboard.writeText(text);
    return Promise.reject(new Error("no clipboard"));
  }

  function printVoucher(v, code) {
    $("print-voucher-qr").src = qrUrl(v.id);
    $("print-voucher-value").textContent = credits(v.value);
    $("print-voucher-code").textContent = code;
    $("print-voucher-expiry").textContent = expiryText(v.expires_at);
    var img = $("print-voucher-qr");
    var go = function () { printAs("voucher"); };
    if (img.complete && img.naturalWidth) go(); else img.addEventListener("load", go, { once: true });
  }

  function printAs(what) {
    document.body.dataset.print = what;
    window.addEventListener("afterprint", function () { delete document.body.dataset.print; },
                            { once: true });
    window.print();
  }

  var STATUS_WORDS = { active: "Active", redeemed: "Spent", claimed: "Claimed",
    revoked: "Revoked", expired: "Expired" };

  function voucherItem(v) {
    var li = el("li", "voucher");
    li.id = "voucher-" + v.id;
    li.tabIndex = -1;
    li.appendChild(el("span", "main", credits(v.value) + " voucher"));
    li.appendChild(el("span", "status " + v.status, STATUS_WORDS[v.status] || v.status));
    var left = v.status === "active"
      ? (v.remaining === v.value ? "Nothing used yet" : credits(v.remaining) + " of " + fmt(v.value) + " left")
      : ({ redeemed: "Fully spent", claimed: "Claimed into a wallet", revoked: "What was left is back in your wallet",
        expired: "What was left returns to your wallet" })[v.status] || "";
    li.appendChild(el("span", "sub", left + " · " + expiryText(v.expires_at) + " · made " + when(v.created_at)));
    if (v.status === "active") {
      var details = el("details");
      var summary = el("summary", "", "Show QR and code");
      details.appendChild(summary);
      details.addEventListener("toggle", function () {
        if (details.open && !details.dataset.loaded) revealVoucher(v, details);
      });
      li.appendChild(details);
      li.appendChild(button("Revoke", "danger small", function () { revoke(v); },
        "Revoke the " + credits(v.value) + " voucher made " + when(v.created_at)));
    }
    return li;
  }

  function revealVoucher(v, details) {
    details.dataset.loaded = "1";
    var img = el("img", "qr");
    img.alt = "QR code of the " + credits(v.value) + " voucher";
    img.width = 220; img.height = 220;
    img.src = qrUrl(v.id);
    details.appendChild(img);
    var line = el("p", "", "Code: ");
    var code = el("code", "code", "…");
    line.appendChild(code);
    details.appendChild(line);
    var actions = el("div", "actions");
    details.appendChild(actions);
    if (!v.code_available) {
      code.textContent = "shown once when it was made";
      return;
    }
    api("GET", "/v1/vouchers/" + encodeURIComponent(v.id) + "/code").then(function (found) {
      code.textContent = found.code;
      shareButtons(v, found.code).forEach(function (b) { actions.appendChild(b); });
    }).catch(function (e) { code.textContent = e.message; });
  }

  function revoke(v) {
    confirmAction("Revoke this voucher?",
      "The " + credits(v.value) + " voucher stops working at once and what is left on it (" +
      credits(v.remaining) + ") comes back to your wallet.", "Revoke voucher")
      .then(function (yes) {
        if (!yes) return;
        api("POST", "/v1/vouchers/" + encodeURIComponent(v.id) + "/revoke", undefined,
            { "Idempotency-Key": newKey("revoke") })
          .then(function () {
            notice("The voucher was revoked; " + credits(v.remaining) + " came back to your wallet.");
            loadWallet(); loadVouchers(false); loadActivity(false);
          })
          .catch(function (e) { setError("error", e.message); });
      });
  }

  function loadVouchers(more) {
    var q = "/v1/vouchers?limit=20" + (more && state.vouchersAfter ? "&starting_after=" + encodeURIComponent(state.vouchersAfter) : "");
    return api("GET", q).then(function (page) {
      var list = $("vouchers");
      if (!more) list.textContent = "";
      page.data.forEach(function (v) {
        list.appendChild(voucherItem(v));
        state.vouchersAfter = v.id;
      });
      show($("vouchers-empty"), !list.children.length);
      show($("vouchers-more"), page.has_more);
    }).catch(function (e) { setError("error", "Your vouchers could not be loaded: " + e.message); });
  }

  /** Bring one voucher of the list into view (loading it when it is on a later page). */
  function showVoucher(id) {
    var found = $("voucher-" + id);
    var ready = found ? Promise.resolve(found) :
      api("GET", "/v1/vouchers/" + encodeURIComponent(id)).then(function (v) {
        var item = voucherItem(v);
        $("vouchers").insertBefore(item, $("vouchers").firstChild);
        show($("vouchers-empty"), false);
        return item;
      });
    ready.then(function (item) {
      item.scrollIntoView({ block: "center" });
      item.focus();
    }).catch(function (e) { setError("error", e.message); });
  }

  // ---------------------------------------------------------------- claim a voucher
  function claim(text) {
    setError("claim-error", "");
    show($("claim-result"), false);
    var raw = (text || "").trim();
    if (!raw) { setError("claim-error", "Paste or type the voucher's code first."); return; }
    var body = raw.toUpperCase().indexOf(PREFIX) === 0 ? { payload: raw.toUpperCase() } : { code: raw };
    var submit = $("claim-button");
    submit.disabled = true;
    api("POST", "/v1/vouchers/claim", body, { "Idempotency-Key": newKey("claim") })
      .then(function (r) {
        $("claim-input").value = "";
        var result = $("claim-result");
        result.textContent = credits(r.amount) + " were added to your wallet" +
          (r.credited_to === "promotional" ? " as promotional credits (they expire with the voucher)." : ".");
        show(result, true);
        loadWallet(); loadActivity(false);
      })
      .catch(function (e) { setError("claim-error", claimError(e)); })
      .then(function () { submit.disabled = false; });
  }

  function claimError(e) {
    var words = {
      voucher_redeemed: "This voucher was already spent.", voucher_claimed: "This voucher was already claimed.",
      voucher_revoked: "This voucher was revoked by whoever made it.", voucher_expired: "This voucher has expired.",
      voucher_code_unknown: "No voucher has this code. Check it and try again.",
      manual_code_locked: e.message
    };
    return words[e.code] || e.message;
  }

  function startClaimCamera() {
    var status = $("claim-camera-status");
    status.textContent = "Starting the camera…";
    window.WalletQrScan.start({
      video: $("claim-camera"), canvas: $("claim-frame"),
      accept: function (t) { return t.trim().toUpperCase().indexOf(PREFIX) === 0; },
      onText: function (t) {
        state.scan = null;
        show($("claim-camera-stop"), false);
        show($("claim-camera-start"), true);
        status.textContent = "Voucher found.";
        claim(t);
      }
    }).then(function (scan) {
      state.scan = scan;
      document.body.dataset.scanner = scan.decoder;
      status.textContent = "Point the camera at the voucher's QR code.";
      show($("claim-camera-start"), false);
      show($("claim-camera-stop"), true);
    }).catch(function (e) { status.textContent = e.message; });
  }

  function stopClaimCamera() {
    if (state.scan) state.scan.stop();
    state.scan = null;
    show($("claim-camera-stop"), false);
    show($("claim-camera-start"), true);
    $("claim-camera-status").textContent = "";
  }

  // ---------------------------------------------------------------- return page
  var FINAL = { succeeded: 1, failed: 1, held: 1, refunded: 1, charged_back: 1 };

  function describe(t) {
    var amount = fmt(t.credits) + " credits";
    switch (t.status) {
      case "succeeded": return "Payment received: " + amount + " were added to your wallet.";
      case "failed": return (t.failure_message || "The payment failed.") + " No credits were added.";
      case "held": return "Payment received, but it is over a top-up limit; it is being reviewed and no credits were added yet.";
      case "refunded": return "This top-up was refunded.";
      case "charged_back": return "This payment was disputed; its credits were taken back.";
      default: return "Waiting for the payment provider to confirm your payment…";
    }
  }

  function watchTopUp(id) {
    var box = $("result");
    show(box, true);
    var status = $("result-status");
    var tries = 0;
    clearTimeout(state.pollTimer);
    function poll() {
      api("GET", "/v1/topups/" + encodeURIComponent(id)).then(function (t) {
        status.textContent = describe(t);
        box.className = "card result wide" + (t.status === "succeeded" ? " good" :
          (t.status === "failed" || t.status === "charged_back" ? " bad" : ""));
        var retry = $("result-retry");
        if (t.status === "failed" && t.checkout_url) { retry.href = checkoutHref(t.checkout_url); show(retry, true); }
        else show(retry, false);
        if (FINAL[t.status]) { refresh(); return; }
        if (++tries < 60) state.pollTimer = setTimeout(poll, tries < 10 ? 1000 : 3000);
        else status.textContent = "Your payment is still being confirmed. This page will show it once it lands; you can reload later.";
      }).catch(function (e) { status.textContent = e.message; });
    }
    poll();
  }

  // ---------------------------------------------------------------- history and activity
  var TOPUP_WORDS = { succeeded: "succeeded", failed: "failed", pending: "waiting for payment",
    held: "under review", refunded: "refunded", charged_back: "disputed" };

  function receiptLink(id, what) {
    var link = el("a", "link-out", "Receipt");
    link.href = "#receipt/" + encodeURIComponent(id);
    link.setAttribute("aria-label", "Receipt of " + what);
    return link;
  }

  function loadHistory(more) {
    var q = "/v1/topups?limit=10" + (more && state.historyAfter ? "&starting_after=" + encodeURIComponent(state.historyAfter) : "");
    return api("GET", q).then(function (page) {
      var list = $("history");
      if (!more) list.textContent = "";
      page.data.forEach(function (t) {
        var li = el("li");
        li.appendChild(el("span", "main", fmt(t.credits) + " credits · " + t.price_display));
        li.appendChild(el("span", "status " + t.status, TOPUP_WORDS[t.status] || t.status));
        li.appendChild(el("span", "sub", when(t.created_at) + (t.failure_message ? " · " + t.failure_message : "")));
        if ((t.status === "pending" || t.status === "failed") && t.checkout_url) {
          var link = el("a", "", t.status === "failed" ? "Try another card" : "Continue payment");
          link.href = checkoutHref(t.checkout_url);
          link.setAttribute("aria-label", link.textContent + " for " + fmt(t.credits) + " credits");
          li.appendChild(link);
        }
        if (t.paid_at) li.appendChild(receiptLink(t.id, "the top-up of " + fmt(t.credits) + " credits on " + when(t.created_at)));
        list.appendChild(li);
        state.historyAfter = t.id;
      });
      show($("history-empty"), !list.children.length);
      show($("history-more"), page.has_more);
    }).catch(function (e) { setError("error", "Top-up history could not be loaded: " + e.message); });
  }

  var KINDS = {
    topup: "Top-up", topup_refund: "Top-up refunded", topup_chargeback: "Top-up disputed",
    topup_shortfall: "Shortfall collected", purchase: "Purchase", refund: "Purchase refunded",
    promo_grant: "Promotional credits", promo_expiry: "Promotional credits expired",
    demo_topup: "Demo credits", test_topup: "Credits added",
    voucher_issue: "Voucher gifted", voucher_claim: "Voucher claimed",
    voucher_revoke: "Voucher revoked: credits back", voucher_expire: "Voucher expired: credits back",
    dispute_recovery: "Disputed top-up: voucher revoked", dispute_restore: "Dispute won: credits back"
  };

  function entryLink(t) {
    var what = (KINDS[t.kind] || "entry").toLowerCase() + " of " + when(t.created_at);
    if (t.object_type === "topup" || t.object_type === "purchase") return receiptLink(t.object_id, "the " + what);
    if (t.object_type === "voucher" && t.kind !== "voucher_claim") {
      var link = el("a", "link-out", "See voucher");
      link.href = "#voucher-" + t.object_id;
      link.setAttribute("aria-label", "See voucher of the " + what);
      link.addEventListener("click", function (ev) { ev.preventDefault(); showVoucher(t.object_id); });
      return link;
    }
    return null;
  }

  function loadActivity(more) {
    var q = "/v1/wallet/transactions?limit=10" + (more && state.activityAfter ? "&starting_after=" + encodeURIComponent(state.activityAfter) : "");
    return api("GET", q).then(function (page) {
      var list = $("activity");
      if (!more) list.textContent = "";
      (page.data || []).forEach(function (t) {
        var li = el("li");
        li.appendChild(el("span", "main", KINDS[t.kind] || "Wallet entry"));
        li.appendChild(el("span", "amount", (t.amount > 0 ? "+" : "") + fmt(t.amount)));
        var link = entryLink(t);
        if (link) li.appendChild(link);
        var detail = t.description && t.kind !== "topup" ? t.description + " · " : "";
        li.appendChild(el("span", "sub", detail + when(t.created_at)));
        list.appendChild(li);
        state.activityAfter = t.id;
      });
      show($("activity-empty"), !list.children.length);
      show($("activity-more"), !!page.has_more);
    }).catch(function () {
      $("activity").textContent = "";
      var empty = $("activity-empty"); empty.textContent = "Activity is not available right now."; show(empty, true);
      show($("activity-more"), false);
    });
  }

  // ---------------------------------------------------------------- receipts
  function route() {
    var match = /^#receipt\/([A-Za-z0-9_-]{1,64})$/.exec(location.hash);
    if (match && !$("app").hidden) openReceipt(match[1]);
    else if (!$("receipt").hidden) closeReceipt(false);
  }

  function fact(list, name, value, cls) {
    var dt = el("dt", "", name);
    var dd = el("dd", cls || "", value);
    list.appendChild(dt);
    list.appendChild(dd);
    return dd;
  }

  function openReceipt(id) {
    var facts = $("receipt-facts");
    facts.textContent = "";
    setError("receipt-error", "");
    $("receipt-kind").textContent = "";
    show($("app"), false);
    show($("receipt"), true);
    $("receipt").focus();
    var isTopup = id.indexOf("top_") === 0;
    var path = (isTopup ? "/v1/topups/" : "/v1/purchases/") + encodeURIComponent(id);
    api("GET", path).then(function (r) {
      if (isTopup) topupReceipt(facts, r); else purchaseReceipt(facts, r);
    }).catch(function (e) { setError("receipt-error", "This receipt cannot be shown: " + e.message); });
  }

  function topupReceipt(facts, t) {
    $("receipt-kind").textContent = "Top-up · " + (TOPUP_WORDS[t.status] || t.status);
    fact(facts, "Date", when(t.paid_at || t.created_at));
    fact(facts, "Credits", credits(t.credits));
    fact(facts, "Paid", t.price_display + " (" + t.currency + ")", "amount");
    if (t.refunded_minor) fact(facts, "Refunded", t.refunded_display, "amount");
    fact(facts, "In your wallet now", credits(t.credited));
    fact(facts, "Payment", t.provider === "sandbox" ? "Sandbox test card" : "Card (" + t.provider + ")");
    fact(facts, "Top-up", t.id, "id");
  }

  function purchaseReceipt(facts, p) {
    $("receipt-kind").textContent = "Purchase";
    fact(facts, "Date", when(p.created_at));
    fact(facts, "Seller", p.merchant_name || p.merchant_id);
    fact(facts, "App", p.app_name || p.app_id);
    fact(facts, "Item", p.description);
    fact(facts, "Price", credits(p.amount), "amount");
    if (p.refunded) fact(facts, "Refunded", credits(p.refunded), "amount");
    fact(facts, "Balance after", credits(p.balance_after), "amount");
    fact(facts, "Fee", "None");
    fact(facts, "Purchase", p.id, "id");
  }

  function closeReceipt(updateUrl) {
    show($("receipt"), false);
    show($("app"), true);
    if (updateUrl) history.replaceState(null, "", location.pathname + location.search);
    var back = state.lastFocus;
    if (back && document.body.contains(back)) back.focus();
  }

  // ---------------------------------------------------------------- connected apps
  function capsText(c) {
    var caps = [];
    if (c.per_purchase_cap != null) caps.push("up to " + fmt(c.per_purchase_cap) + " per purchase");
    if (c.daily_cap != null) caps.push(fmt(c.daily_cap) + " per day");
    return caps.join(", ") || "no limits";
  }

  function capsForm(c, li) {
    var name = c.app_name || c.app_id;
    var form = el("form", "caps");
    form.noValidate = true;
    var grid = el("div", "grid2 tight");
    [["per_purchase_cap", "Most per purchase"], ["daily_cap", "Most per day"]].forEach(function (pair) {
      var box = el("div");
      var id = "cap-" + pair[0] + "-" + c.id;
      var label = el("label", "", pair[1]);
      label.htmlFor = id;
      var input = el("input");
      input.id = id; input.name = pair[0]; input.inputMode = "numeric"; input.autocomplete = "off";
      input.value = c[pair[0]] == null ? "" : String(c[pair[0]]);
      input.placeholder = "no limit";
      box.appendChild(label); box.appendChild(input); grid.appendChild(box);
    });
    form.appendChild(grid);
    var error = el("p", "field-error");
    error.setAttribute("role", "alert");
    error.hidden = true;
    form.appendChild(error);
    var actions = el("div", "actions");
    var save = el("button", "small", "Save limits");
    save.type = "submit";
    save.setAttribute("aria-label", "Save limits of " + name);
    actions.appendChild(save);
    actions.appendChild(button("Cancel", "secondary small", function () { loadApps(); }));
    form.appendChild(actions);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = {};
      var bad = false;
      ["per_purchase_cap", "daily_cap"].forEach(function (k) {
        var raw = form.elements[k].value.trim();
        if (raw === "") body[k] = null;
        else if (/^[1-9][0-9]{0,14}$/.test(raw)) body[k] = Number(raw);
        else bad = true;
      });
      if (bad) { error.textContent = "Enter a whole number of credits, or leave it empty for no limit."; error.hidden = false; return; }
      save.disabled = true;
      api("PATCH", "/v1/connections/" + encodeURIComponent(c.id), body).then(function () {
        notice("The limits of " + name + " were saved.");
        loadApps();
      }).catch(function (e) { error.textContent = e.message; error.hidden = false; save.disabled = false; });
    });
    li.appendChild(form);
    form.elements.per_purchase_cap.focus();
  }

  function disconnect(c, trigger) {
    var name = c.app_name || c.app_id;
    confirmAction("Disconnect " + name + "?",
      name + " will no longer see your balance or spend your credits. You can connect it again later from the app.",
      "Disconnect").then(function (yes) {
      if (!yes) return;
      trigger.disabled = true;
      api("DELETE", "/v1/connections/" + encodeURIComponent(c.id)).then(function () {
        notice(name + " was disconnected.");
        loadApps();
      }).catch(function (e) { setError("error", e.message); trigger.disabled = false; });
    });
  }

  function loadApps() {
    return api("GET", "/v1/connections?limit=100").then(function (page) {
      var list = $("apps");
      list.textContent = "";
      page.data.forEach(function (c) {
        var name = c.app_name || c.app_id;
        var li = el("li");
        li.appendChild(el("span", "main", name));
        var edit = button("Edit limits", "secondary small", function () {
          edit.hidden = true;
          capsForm(c, li);
        }, "Edit limits of " + name);
        li.appendChild(edit);
        var drop = button("Disconnect", "danger small", function () { disconnect(c, drop); }, "Disconnect " + name);
        li.appendChild(drop);
        li.appendChild(el("span", "sub", (c.merchant_name ? c.merchant_name + " · " : "") + capsText(c)));
        list.appendChild(li);
      });
      show($("apps-empty"), !list.children.length);
    }).catch(function () {
      var empty = $("apps-empty"); empty.textContent = "Connected apps are not available."; show(empty, true);
    });
  }

  // ---------------------------------------------------------------- subscriptions
  var STATUS_TEXT = { trialing: "Free trial", active: "Active", past_due: "Payment due", canceled: "Canceled" };

  function subLine(s) {
    var price = credits(s.amount) + " every " + s.interval;
    if (s.status === "canceled") return price + " · ended " + day(s.canceled_at);
    if (s.cancel_at_period_end) return price + " · ends " + day(s.current_period_end) + ", no further charge";
    if (s.status === "past_due") return price + " · not enough credits: top up to keep it (retried for a few days)";
    return price + " · next charge " + day(s.current_period_end);
  }

  function changeSub(s, path, body, done, trigger) {
    trigger.disabled = true;
    api("POST", "/v1/subscriptions/" + encodeURIComponent(s.id) + "/" + path, body).then(function () {
      notice(done);
      loadSubs();
    }).catch(function (e) { setError("error", e.message); trigger.disabled = false; });
  }

  function loadSubs() {
    return api("GET", "/v1/subscriptions?limit=100").then(function (page) {
      var list = $("subs");
      list.textContent = "";
      page.data.forEach(function (s) {
        var li = el("li");
        li.appendChild(el("span", "main", s.plan_name));
        li.appendChild(el("span", "amount", STATUS_TEXT[s.status] || s.status));
        if (s.status !== "canceled" && !s.cancel_at_period_end) {
          var stop = button("Cancel", "danger small", function () {
            confirmAction("Cancel " + s.plan_name + "?",
              "No further charge. You keep it until " + day(s.current_period_end) + ".",
              "Cancel subscription").then(function (yes) {
              if (yes) changeSub(s, "cancel", { at_period_end: true }, s.plan_name + " ends on " + day(s.current_period_end) + ".", stop);
            });
          }, "Cancel " + s.plan_name);
          li.appendChild(stop);
        } else if (s.status !== "canceled") {
          var keep = button("Resume", "secondary small", function () {
            changeSub(s, "resume", undefined, s.plan_name + " continues.", keep);
          }, "Resume " + s.plan_name);
          li.appendChild(keep);
        }
        li.appendChild(el("span", "sub", subLine(s)));
        list.appendChild(li);
      });
      show($("subs-empty"), !list.children.length);
    }).catch(function () {
      var empty = $("subs-empty"); empty.textContent = "Subscriptions are not available."; show(empty, true);
    });
  }

  // ---------------------------------------------------------------- auto-reload
  var AR_STATE = { off: "Off", armed: "On", in_flight: "On: a top-up is on its way",
    waiting: "On: waits for the balance to be back above the threshold" };

  function showReload(r) {
    var card = r.card ? "card ending " + r.card.last4 : "no card saved";
    var text = AR_STATE[r.state] || r.state;
    if (r.pack_id) text += " · below " + credits(r.threshold) + ", buy pack " + r.pack_id + " · " + card;
    else text += " · " + card;
    if (r.disabled_reason === "too_many_failures") text = "Off after repeated failures · " + card;
    $("ar-status").textContent = "Auto-reload: " + text;
    var failure = $("ar-failure");
    failure.textContent = r.last_failure_message ? "Last automatic top-up failed (" + when(r.last_failure_at) + "): " + r.last_failure_message : "";
    show(failure, !!r.last_failure_message);
    if (r.threshold) $("ar-threshold").value = String(r.threshold);
    $("ar-enabled").checked = r.enabled || !r.pack_id;  // never set up yet: on by default
    $("ar-form").dataset.pack = r.pack_id || "";
    var checkout = r.card_setup === "checkout";
    $("ar-card-form").dataset.setup = r.card_setup;
    show($("ar-card-fields"), !checkout);
    show($("ar-card-checkout"), checkout);
    $("ar-card-button").textContent = checkout ? (r.card ? "Replace card" : "Add a card") : "Save card";
  }

  function loadReloadPacks() {
    var currency = $("currency").value;
    return api("GET", "/v1/prices?currency=" + encodeURIComponent(currency)).then(function (data) {
      var select = $("ar-pack");
      select.textContent = "";
      data.data.forEach(function (pack) {
        var option = el("option", "", fmt(pack.total_credits) + " credits for " + pack.price_display);
        option.value = pack.id;
        select.appendChild(option);
      });
      if ($("ar-form").dataset.pack) select.value = $("ar-form").dataset.pack;
    });
  }

  // A write's answer is the newest state; a read asked for before it answered (the page's
  // refresh while the card setup is confirmed on return from Stripe) must not put back
  // what it replaced.
  var reloadWrites = 0;

  function loadReload() {
    var asked = reloadWrites;
    return api("GET", "/v1/autoreload").then(function (r) {
      if (asked === reloadWrites) showReload(r);
      return loadReloadPacks();
    }).catch(function (e) { $("ar-status").textContent = "Auto-reload is not available: " + e.message; });
  }

  function reloadWritten(r) { reloadWrites += 1; showReload(r); }

  function cardSaved(r) {
    reloadWritten(r);
    notice(r.card && r.card.last4 ? "Card ending " + r.card.last4 + " saved for auto-reload."
      : "Card saved for auto-reload.");
  }

  function saveCardAtProvider() {
    // Stripe: its hosted page saves the card and comes back with ?card_setup=<session id>
    var submit = $("ar-card-button");
    submit.disabled = true;
    api("POST", "/v1/autoreload/card/checkout", { currency: $("currency").value },
        { "Idempotency-Key": newKey("card-checkout") }).then(function (r) {
      location.assign(r.checkout_url);
    }).catch(function (e) { setError("ar-card-error", e.message); submit.disabled = false; });
  }

  function finishCardSetup(sessionId) {
    history.replaceState(null, "", "/");
    reloadWrites += 1;  // from now on, only answers asked for after this one count
    api("POST", "/v1/autoreload/card/checkout/confirm", { checkout_session_id: sessionId },
        { "Idempotency-Key": newKey("card-confirm") }).then(cardSaved)
      .catch(function (e) { setError("ar-card-error", "The card was not saved: " + e.message); });
  }

  function saveCard(ev) {
    ev.preventDefault();
    setError("ar-card-error", "");
    if ($("ar-card-form").dataset.setup === "checkout") { saveCardAtProvider(); return; }
    var body = { card_number: $("ar-card-number").value, exp_month: Number($("ar-exp-month").value) || 0,
      exp_year: Number($("ar-exp-year").value) || 0, cvc: $("ar-cvc").value };
    var submit = $("ar-card-button");
    submit.disabled = true;
    api("POST", "/v1/autoreload/card", body, { "Idempotency-Key": newKey("card") }).then(function (r) {
      ["ar-card-number", "ar-exp-month", "ar-exp-year", "ar-cvc"].forEach(function (id) { $(id).value = ""; });
      cardSaved(r);
    }).catch(function (e) { setError("ar-card-error", e.message); })
      .then(function () { submit.disabled = false; });
  }

  function saveReload(ev) {
    ev.preventDefault();
    setError("ar-error", "");
    var threshold = Number($("ar-threshold").value);
    if (!/^[0-9]+$/.test($("ar-threshold").value) || threshold < 1) {
      setError("ar-error", "Enter a whole number of credits, 1 or more."); return;
    }
    var submit = $("ar-button");
    submit.disabled = true;
    api("POST", "/v1/autoreload", { threshold: threshold, pack_id: $("ar-pack").value,
      currency: $("currency").value, enabled: $("ar-enabled").checked },
        { "Idempotency-Key": newKey("autoreload") }).then(function (r) {
      reloadWritten(r);
      notice(r.enabled ? "Auto-reload is on." : "Auto-reload is off.");
    }).catch(function (e) { setError("ar-error", e.message); })
      .then(function () { submit.disabled = false; });
  }

  function refresh() {
    setError("error", "");
    loadWallet(); loadHistory(false); loadActivity(false); loadVouchers(false); loadApps(); loadSubs(); loadReload();
  }

  // ---------------------------------------------------------------- wiring
  document.addEventListener("DOMContentLoaded", function () {
    authSubmit($("signin-form"), "/v1/session", "signin-error");
    authSubmit($("signup-form"), "/v1/signup", "signup-error");
    $("buy-form").addEventListener("submit", buy);
    $("gift-form").addEventListener("submit", gift);
    $("ar-card-form").addEventListener("submit", saveCard);
    // back from Stripe's page with the browser's Back button: the page comes from the cache
    window.addEventListener("pageshow", function () { $("ar-card-button").disabled = false; });
    $("ar-form").addEventListener("submit", saveReload);
    $("claim-form").addEventListener("submit", function (ev) { ev.preventDefault(); claim($("claim-input").value); });
    $("claim-camera-start").addEventListener("click", startClaimCamera);
    $("claim-camera-stop").addEventListener("click", stopClaimCamera);
    $("currency").addEventListener("change", function () {
      localStorage.setItem("wallet.currency", $("currency").value);
      loadPrices(); loadReloadPacks();
    });
    $("history-more").addEventListener("click", function () { loadHistory(true); });
    $("activity-more").addEventListener("click", function () { loadActivity(true); });
    $("vouchers-more").addEventListener("click", function () { loadVouchers(true); });
    $("receipt-print").addEventListener("click", function () { printAs("receipt"); });
    $("receipt-close").addEventListener("click", function () { closeReceipt(true); });
    document.addEventListener("click", function (ev) {
      var link = ev.target.closest && ev.target.closest("a[href^='#receipt/']");
      if (link) state.lastFocus = link;
    });
    window.addEventListener("hashchange", route);
    $("signout").addEventListener("click", function () {
      api("DELETE", "/v1/session").then(function (data) {
        csrf = (data && data.csrf_token) || "";
        history.replaceState(null, "", "/");
        show($("result"), false);
        stopClaimCamera();
        signedOut();
      }).catch(function (e) { setError("error", e.message); });
    });
    loadSession().then(function (user) { if (user) signedIn(user); else signedOut(); })
      .catch(function (e) { setError("error", "The wallet could not be reached: " + e.message); signedOut(); });
  });
})();
