/* The wallet top-up page: sign up / sign in, balance, packs, checkout, return, history, apps.
 * Plain JS, no dependencies. Talks to the JSON API with the session cookie and X-CSRF-Token. */
(function () {
  "use strict";
  var csrf = "";
  var state = { historyAfter: null, activityAfter: null, pollTimer: null };
  var numberFmt = new Intl.NumberFormat("en-US");
  var $ = function (id) { return document.getElementById(id); };

  function show(el, on) { el.hidden = !on; }
  function fmt(n) { return typeof n === "number" ? numberFmt.format(n) : "–"; }
  function when(iso) {
    if (!iso) return "";
    var d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

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
  }

  function signedOut() {
    show($("app"), false);
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
      var button = form.querySelector("button");
      button.disabled = true;
      api("POST", path, { email: email, password: password }).then(function (data) {
        csrf = data.csrf_token || csrf;
        form.reset();
        signedIn(data.user);
        $("main").focus();
      }).catch(function (e) { setError(errorId, e.message); })
        .then(function () { button.disabled = false; });
    });
  }

  // ---------------------------------------------------------------- balance
  function loadWallet() {
    return api("GET", "/v1/wallet").then(function (w) {
      var c = (w && w.credits) || {};
      $("balance-total").textContent = fmt(c.total);
      $("balance-paid").textContent = fmt(c.paid);
      $("balance-promo").textContent = fmt(c.promotional);
      var exp = w.next_expiry;
      var text = "None";
      if (exp && typeof exp === "object") {
        var at = exp.expires_at || exp.at;
        text = (typeof exp.credits === "number" ? fmt(exp.credits) + " on " : "") + when(at);
      } else if (exp) { text = when(exp); }
      $("balance-expiry").textContent = text;
      show($("frozen"), !!w.frozen);
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
    var button = $("buy-button");
    button.disabled = true;
    var key = "checkout-" + Date.now() + "-" + Math.random().toString(36).slice(2);
    api("POST", "/v1/topups/checkout", { pack_id: chosen.value, currency: $("currency").value },
        { "Idempotency-Key": key })
      .then(function (topup) { location.assign(checkoutHref(topup.checkout_url)); })
      .catch(function (e) { setError("buy-error", e.message); button.disabled = false; });
  }

  // ---------------------------------------------------------------- gift voucher
  function gift(ev) {
    ev.preventDefault();
    setError("gift-error", "");
    var raw = $("gift-value").value.trim();
    if (!/^[1-9][0-9]{0,14}$/.test(raw)) {
      setError("gift-error", "Enter a whole number of credits, 1 or more.");
      return;
    }
    var button = $("gift-button");
    button.disabled = true;
    var key = "gift-" + Date.now() + "-" + Math.random().toString(36).slice(2);
    api("POST", "/v1/vouchers", { value: Number(raw) }, { "Idempotency-Key": key })
      .then(function (v) {
        $("gift-qr").src = "/v1/vouchers/" + encodeURIComponent(v.id) + "/qr.svg";
        $("gift-amount").textContent = fmt(v.value);
        $("gift-code").textContent = v.code;
        show($("gift-result"), true);
        $("gift-value").value = "";
        loadWallet(); loadActivity(false);
      })
      .catch(function (e) { setError("gift-error", e.message); })
      .then(function () { button.disabled = false; });
  }

  // ---------------------------------------------------------------- return page
  var FINAL = { succeeded: 1, failed: 1, held: 1, refunded: 1, charged_back: 1 };

  function describe(t) {
    var credits = fmt(t.credits) + " credits";
    switch (t.status) {
      case "succeeded": return "Payment received: " + credits + " were added to your wallet.";
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
        box.className = "card result" + (t.status === "succeeded" ? " good" :
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

  // ---------------------------------------------------------------- history
  function loadHistory(more) {
    var q = "/v1/topups?limit=10" + (more && state.historyAfter ? "&starting_after=" + encodeURIComponent(state.historyAfter) : "");
    return api("GET", q).then(function (page) {
      var list = $("history");
      if (!more) list.textContent = "";
      page.data.forEach(function (t) {
        var li = el("li");
        li.appendChild(el("span", "main", fmt(t.credits) + " credits · " + t.price_display));
        li.appendChild(el("span", "status " + t.status, t.status.replace("_", " ")));
        li.appendChild(el("span", "sub", when(t.created_at) + (t.failure_message ? " · " + t.failure_message : "")));
        if ((t.status === "pending" || t.status === "failed") && t.checkout_url) {
          var link = el("a", "", t.status === "failed" ? "Try another card" : "Continue payment");
          link.href = checkoutHref(t.checkout_url);
          link.setAttribute("aria-label", link.textContent + " for " + fmt(t.credits) + " credits");
          li.appendChild(link);
        }
        list.appendChild(li);
        state.historyAfter = t.id;
      });
      show($("history-empty"), !list.children.length);
      show($("history-more"), page.has_more);
    }).catch(function (e) { setError("error", "Top-up history could not be loaded: " + e.message); });
  }

  var KINDS = {
    topup: "Top-up", topup_refund: "Top-up refunded", topup_chargeback: "Top-up disputed",
    topup_shortfall: "Shortfall collected", purchase: "Purchase",
    refund: "Purchase refund", promo_grant: "Promotional credits", promo_expiry: "Credits expired",
    demo_topup: "Demo credits"
  };

  function loadActivity(more) {
    var q = "/v1/wallet/transactions?limit=10" + (more && state.activityAfter ? "&starting_after=" + encodeURIComponent(state.activityAfter) : "");
    return api("GET", q).then(function (page) {
      var list = $("activity");
      if (!more) list.textContent = "";
      (page.data || []).forEach(function (t) {
        var li = el("li");
        var amount = typeof t.amount === "number" ? t.amount : (typeof t.credits === "number" ? t.credits : null);
        li.appendChild(el("span", "main", t.description || KINDS[t.kind] || t.kind || "Transaction"));
        if (amount !== null) li.appendChild(el("span", "", (amount > 0 ? "+" : "") + fmt(amount)));
        li.appendChild(el("span", "sub", when(t.created_at)));
        list.appendChild(li);
        state.activityAfter = t.id;
      });
      show($("activity-empty"), !list.children.length);
      show($("activity-more"), !!page.has_more);
    }).catch(function () {
      $("activity").textContent = "";
      var empty = $("activity-empty"); empty.textContent = "Activity is not available yet."; show(empty, true);
      show($("activity-more"), false);
    });
  }

  // ---------------------------------------------------------------- connected apps
  function loadApps() {
    return api("GET", "/v1/connections?limit=100").then(function (page) {
      var list = $("apps");
      list.textContent = "";
      page.data.forEach(function (c) {
        var li = el("li");
        li.appendChild(el("span", "main", c.app_name || c.app_id));
        var button = el("button", "danger", "Disconnect");
        button.type = "button";
        button.setAttribute("aria-label", "Disconnect " + (c.app_name || c.app_id));
        button.addEventListener("click", function () {
          button.disabled = true;
          api("DELETE", "/v1/connections/" + encodeURIComponent(c.id)).then(function () {
            notice((c.app_name || "The app") + " was disconnected.");
            loadApps();
          }).catch(function (e) { setError("error", e.message); button.disabled = false; });
        });
        li.appendChild(button);
        var caps = [];
        if (c.per_purchase_cap != null) caps.push("up to " + fmt(c.per_purchase_cap) + " per purchase");
        if (c.daily_cap != null) caps.push(fmt(c.daily_cap) + " per day");
        li.appendChild(el("span", "sub", (c.merchant_name ? c.merchant_name + " · " : "") + (caps.join(", ") || "no caps")));
        list.appendChild(li);
      });
      show($("apps-empty"), !list.children.length);
    }).catch(function () {
      var empty = $("apps-empty"); empty.textContent = "Connected apps are not available."; show(empty, true);
    });
  }

  function refresh() {
    setError("error", "");
    loadWallet(); loadHistory(false); loadActivity(false); loadApps();
  }

  // ---------------------------------------------------------------- wiring
  document.addEventListener("DOMContentLoaded", function () {
    authSubmit($("signin-form"), "/v1/session", "signin-error");
    authSubmit($("signup-form"), "/v1/signup", "signup-error");
    $("buy-form").addEventListener("submit", buy);
    $("gift-form").addEventListener("submit", gift);
    $("currency").addEventListener("change", function () {
      localStorage.setItem("wallet.currency", $("currency").value);
      loadPrices();
    });
    $("history-more").addEventListener("click", function () { loadHistory(true); });
    $("activity-more").addEventListener("click", function () { loadActivity(true); });
    $("signout").addEventListener("click", function () {
      api("DELETE", "/v1/session").then(function (data) {
        csrf = (data && data.csrf_token) || "";
        history.replaceState(null, "", "/");
        show($("result"), false);
        signedOut();
      }).catch(function (e) { setError("error", e.message); });
    });
    loadSession().then(function (user) { if (user) signedIn(user); else signedOut(); })
      .catch(function (e) { setError("error", "The wallet could not be reached: " + e.message); signedOut(); });
  });
})();
