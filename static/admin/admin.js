// Operator console: signs in to a server-side console session (operator key, or an
// operator account with a TOTP code), then talks to the JSON API with the session cookie
// and X-CSRF-Token. No inline code (CSP); every value is set with textContent.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let csrf = "";
  let person = null;
  let refunding = null;
  // Every sign-in and sign-out starts a new turn. An answer asked for in an earlier turn
  // (a session read, or a 401 of the session that was replaced) must not undo the newer
  // state: a stale CSRF token would fail the next change, a stale 401 would sign out.
  let turn = 0;

  async function api(method, path, body, idempotent) {
    const asked = turn;
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = csrf;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (idempotent) headers["Idempotency-Key"] = crypto.randomUUID();
    const response = await fetch(path, { method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((data.error && data.error.message) || response.statusText);
      error.status = response.status;
      error.turn = asked;
      throw error;
    }
    return data;
  }

  function credits(n) { return n == null ? "–" : Number(n).toLocaleString("en") + " credits"; }
  function when(iso) { return iso ? new Date(iso).toLocaleString("en-GB") : ""; }

  function show(message, isError) {
    $("error").hidden = true;
    $("notice").hidden = true;
    if (!message) return;
    const box = isError ? $("error") : $("notice");
    box.textContent = message;
    box.hidden = false;
  }

  function guard(work) {
    return async (event) => {
      if (event) event.preventDefault();
      try {
        show("");
        await work(event);
      } catch (error) {
        if (error.status === 401 && error.turn !== turn) return;  // its session was replaced
        if (error.status === 401) await signedOut().catch(() => undefined);
        show(error.message, true);
      }
    };
  }

  function node(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text != null) el.textContent = String(text);
    return el;
  }

  function button(label, handler, className) {
    const b = node("button", "small " + (className || "secondary"), label);
    b.type = "button";
    b.addEventListener("click", guard(handler));
    return b;
  }

  function row(main, sub, extra) {
    const li = node("li");
    li.appendChild(node("span", "main", main));
    for (const item of extra || []) li.appendChild(item);
    if (sub) li.appendChild(node("span", "sub", sub));
    return li;
  }

  function fill(id, items, empty) {
    const list = $(id);
    list.replaceChildren(...items);
    if (!items.length) list.appendChild(node("li", "muted", empty));
  }

  // --- sign-in -----------------------------------------------------------------------------

  async function signedOut(known) {
    const mine = ++turn;
    $("console").hidden = true;
    $("signout").hidden = true;
    $("who").hidden = true;
    $("signin").hidden = false;
    const state = known || await api("GET", "/v1/console/session");
    if (mine === turn) csrf = state.csrf_token;
  }

  async function signedIn(state) {
    turn += 1;
    csrf = state.csrf_token;
    $("signin").hidden = true;
    $("console").hidden = false;
    $("signout").hidden = false;
    $("who").hidden = false;
    $("who").textContent = state.operator.label || state.operator.id;
    await Promise.all([search(), loadKyc(), loadRisk(), loadShortfalls(), loadBatches(), loadLiabilities(),
      loadAudit()]);
  }

  async function start() {
    const state = await api("GET", "/v1/console/session");
    if (state.operator) await signedIn(state); else await signedOut(state);
  }

  $("key-form").addEventListener("submit", guard(async () => {
    const state = await api("POST", "/v1/console/session", { key: $("key").value.trim() });
    $("key").value = "";
    await signedIn(state);
  }));

  $("account-form").addEventListener("submit", guard(async () => {
    const state = await api("POST", "/v1/console/session", { email: $("email").value,
      password: $("password").value, code: $("code").value.trim() });
    $("password").value = "";
    $("code").value = "";
    await signedIn(state);
  }));

  $("signout").addEventListener("click", guard(async () => {
    const state = await api("DELETE", "/v1/console/session");
    person = null;
    $("person").hidden = true;
    await signedOut(state);
  }));

  // --- search and a person -----------------------------------------------------------------

  async function search() {
    const q = encodeURIComponent($("q").value.trim());
    const [people, merchants] = await Promise.all([
      api("GET", "/v1/users?limit=20&q=" + q), api("GET", "/v1/merchants/search?limit=20&q=" + q)]);
    fill("people", people.data.map((u) => row(u.email, u.id + (u.frozen ? " · frozen" : ""),
      [button("Open", () => openPerson(u.id))])), "No one found.");
    fill("merchants", merchants.data.map((m) => row(m.name, m.id + " · KYC " + m.kyc_status)),
      "No merchant found.");
  }

  $("search-form").addEventListener("submit", guard(search));

  async function openPerson(userId) {
    const [wallet, history, purchases] = await Promise.all([
      api("GET", "/v1/users/" + encodeURIComponent(userId) + "/wallet"),
      api("GET", "/v1/users/" + encodeURIComponent(userId) + "/transactions?limit=20"),
      api("GET", "/v1/purchases?limit=20&user_id=" + encodeURIComponent(userId))]);
    person = wallet;
    $("person").hidden = false;
    $("p-email").textContent = wallet.email;
    $("p-id").textContent = wallet.user_id;
    $("p-total").textContent = credits(wallet.credits.total);
    $("p-paid").textContent = credits(wallet.credits.paid);
    $("p-promo").textContent = credits(wallet.credits.promotional);
    const state = $("p-state");
    state.textContent = wallet.frozen ? "Frozen" : "Active";
    state.className = "status " + (wallet.frozen ? "failed" : "active");
    const freeze = wallet.freeze;
    let why = "";
    if (freeze.reason) why = "“" + freeze.reason + "” by " + freeze.frozen_by + ", " + when(freeze.frozen_at);
    if (freeze.open_shortfalls) why += (why ? "; " : "") + freeze.open_shortfalls + " open top-up shortfall(s)";
    $("p-why").textContent = why;
    $("freeze-button").textContent = wallet.frozen ? "Unfreeze" : "Freeze";
    $("freeze-button").className = wallet.frozen ? "" : "danger";
    fill("history", history.data.map((e) => row(e.description || e.kind,
      when(e.created_at) + " · " + e.kind, [node("span", "amount" + (e.amount < 0 ? " negative" : ""),
        (e.amount > 0 ? "+" : "") + credits(e.amount))])), "No history yet.");
    fill("purchases", purchases.data.map((p) => {
      const left = p.amount - p.refunded;
      const extra = [node("span", "amount", credits(p.amount))];
      if (left > 0) extra.push(button("Refund", () => askRefund(p)));
      return row(p.description, p.id + " · " + when(p.created_at) +
        (p.refunded ? " · refunded " + credits(p.refunded) : ""), extra);
    }), "No purchases.");
  }

  $("freeze-form").addEventListener("submit", guard(async () => {
    const action = person.frozen ? "unfreeze" : "freeze";
    await api("POST", "/v1/users/" + encodeURIComponent(person.user_id) + "/" + action,
      { reason: $("freeze-reason").value.trim() });
    $("freeze-reason").value = "";
    await openPerson(person.user_id);
    await Promise.all([loadAudit(), search()]);
    show(action === "freeze" ? "The wallet is frozen." : "The wallet is active again.");
  }));

  function askRefund(purchase) {
    refunding = purchase;
    $("refund-what").textContent = purchase.description + " · " + credits(purchase.amount) +
      " (" + credits(purchase.amount - purchase.refunded) + " left)";
    $("refund-amount").value = "";
    $("refund-reason").value = "";
    $("refund-dialog").showModal();
  }

  $("refund-cancel").addEventListener("click", () => $("refund-dialog").close());
  $("refund-form").addEventListener("submit", guard(async () => {
    const body = { reason: $("refund-reason").value.trim() };
    const amount = $("refund-amount").value.trim();
    if (amount) body.amount = Number(amount);
    $("refund-dialog").close();
    const refund = await api("POST", "/v1/purchases/" + encodeURIComponent(refunding.id) +
      "/refunds", body, true);
    await openPerson(person.user_id);
    await Promise.all([loadLiabilities(), loadAudit()]);
    show("Refunded " + credits(refund.amount) + ".");
  }));

  // --- queues --------------------------------------------------------------------------------

  async function loadKyc() {
    const pending = await api("GET", "/v1/merchants/search?kyc_status=pending&limit=50");
    fill("kyc", pending.data.map((m) => {
      const reason = node("input", "inline");
      reason.setAttribute("aria-label", "Reason for " + m.name);
      reason.placeholder = "Reason (needed to reject)";
      reason.maxLength = 500;
      const decide = (decision) => async () => {
        await api("POST", "/v1/merchants/" + encodeURIComponent(m.id) + "/kyc_review",
          { decision, reason: reason.value.trim() });
        await Promise.all([loadKyc(), loadAudit()]);
        show(m.name + (decision === "approve" ? " is verified." : " is rejected."));
      };
      const actions = node("div", "actions row");
      actions.append(reason, button("Approve", decide("approve"), "primary"),
        button("Reject", decide("reject"), "danger"));
      return row(m.name, m.id + " · since " + when(m.created_at), [actions]);
    }), "No merchant is waiting.");
  }

  const RULE_REASONS = {
    few_wallets: "few wallets paid most of it",
    fresh_vouchers: "gifts bought with fresh card top-ups",
  };

  // The figures a review's rule gives (docs/risk.md), in words; unknown ones as they are.
  function reviewFigures(detail) {
    const parts = [];
    const known = new Set(["reasons", "earned", "window_days", "wallets", "top_wallets_percent",
      "fresh_voucher_percent"]);
    if (detail.earned != null) {
      parts.push("earned " + credits(detail.earned) +
        (detail.window_days != null ? " in " + detail.window_days + " days" : ""));
    }
    if (detail.wallets != null) parts.push(detail.wallets + " paying wallet(s)");
    if (detail.top_wallets_percent != null) parts.push("top wallets " + detail.top_wallets_percent + " %");
    if (detail.fresh_voucher_percent != null) parts.push("fresh-top-up gifts " + detail.fresh_voucher_percent + " %");
    for (const [key, value] of Object.entries(detail)) {
      if (!known.has(key)) parts.push(key.replace(/_/g, " ") + " " + JSON.stringify(value));
    }
    return parts.join(" · ");
  }

  async function merchantNames(ids) {
    const names = {};
    await Promise.all([...new Set(ids)].map(async (id) => {
      try {
        names[id] = (await api("GET", "/v1/merchants/" + encodeURIComponent(id))).name;
      } catch (error) {
        if (error.status === 401) throw error;
        names[id] = id;
      }
    }));
    return names;
  }

  async function loadRisk() {
    const open = await api("GET", "/v1/risk/reviews?status=open&limit=50");
    const names = await merchantNames(open.data.map((r) => r.merchant_id));
    fill("risk-reviews", open.data.map((r) => {
      const name = names[r.merchant_id] || r.merchant_id;
      const reasons = (r.detail.reasons || []).map((k) => RULE_REASONS[k] || k.replace(/_/g, " "));
      const reason = node("input", "inline");
      reason.setAttribute("aria-label", "Reason for the review of " + name);
      reason.placeholder = "Reason (required)";
      reason.maxLength = 500;
      reason.required = true;
      const decide = (decision) => async () => {
        const why = reason.value.trim();
        if (!why) {
          reason.focus();
          throw new Error("A reason is needed to " + decision + " the review of " + name + ".");
        }
        await api("POST", "/v1/risk/reviews/" + encodeURIComponent(r.id) + "/" + decision,
          { reason: why });
        await Promise.all([loadRisk(), loadAudit()]);
        show("Review of " + name + (decision === "approve" ? " approved: payouts go ahead."
          : " rejected: payouts stay held."));
      };
      const figures = node("span", "sub", reviewFigures(r.detail));
      const actions = node("div", "actions row");
      actions.append(reason, button("Approve", decide("approve"), "primary"),
        button("Reject", decide("reject"), "danger"));
      return row(name + " · " + r.rule + (reasons.length ? ": " + reasons.join(", ") : ""),
        r.merchant_id + " · " + r.id + " · opened " + when(r.created_at), [figures, actions]);
    }), "No open review.");
  }

  async function loadShortfalls() {
    const open = await api("GET", "/v1/topup_shortfalls?status=open&limit=50");
    fill("shortfalls", open.data.map((s) => {
      const resolve = (action) => async () => {
        await api("POST", "/v1/topup_shortfalls/" + encodeURIComponent(s.id) + "/resolve",
          { action, note: "from the console" }, true);
        await Promise.all([loadShortfalls(), loadLiabilities(), loadAudit()]);
        show("Shortfall " + (action === "collect" ? "collected." : "written off."));
      };
      return row(credits(s.credits) + " · " + s.reason, s.user_id + " · top-up " + s.topup_id,
        [button("Collect", resolve("collect")), button("Write off", resolve("write_off"), "danger")]);
    }), "No open shortfall.");
  }

  async function loadBatches() {
    const batches = await api("GET", "/v1/payout_batches?limit=20");
    fill("batches", batches.data.map((b) => {
      const extra = [];
      const csv = node("a", null, "CSV");
      csv.href = "/v1/payout_batches/" + encodeURIComponent(b.id) + "/csv";
      csv.setAttribute("aria-label", "CSV file of " + b.id);
      extra.push(csv);
      if (b.has_pain001) {
        const xml = node("a", null, "SEPA XML");
        xml.href = "/v1/payout_batches/" + encodeURIComponent(b.id) + "/pain001";
        xml.setAttribute("aria-label", "SEPA XML file of " + b.id);
        extra.push(xml);
      }
      if (!b.submitted_at) {
        extra.push(button("Mark submitted", async () => {
          await api("POST", "/v1/payout_batches/" + encodeURIComponent(b.id) + "/submit", {});
          await Promise.all([loadBatches(), loadAudit()]);
        }));
      }
      const total = (b.total / 100).toFixed(2) + " " + b.currency;
      return row(b.payout_count + " payouts · " + total, b.id + " · " + when(b.created_at) +
        (b.submitted_at ? " · submitted " + when(b.submitted_at) : " · not submitted"), extra);
    }), "No payout run yet.");
  }

  $("run-payouts").addEventListener("click", guard(async () => {
    const result = await api("POST", "/v1/payout_runs", {}, true);
    await Promise.all([loadBatches(), loadLiabilities(), loadAudit()]);
    const made = Array.isArray(result.payouts) ? result.payouts.length : (result.payouts || 0);
    show("Payout run: " + made + " payout(s)" + (result.batch_id ? " in " + result.batch_id : "") + ".");
  }));

  async function loadLiabilities() {
    const r = await api("GET", "/v1/reports/liabilities");
    $("l-paid").textContent = credits(r.credits_outstanding.credits_paid);
    $("l-promo").textContent = credits(r.credits_outstanding.credits_promotional);
    $("l-vouchers").textContent = credits(r.vouchers_outstanding);
    $("l-earnings").textContent = credits(r.merchant_earnings_payable.total);
    $("l-owed").textContent = credits(r.total_owed);
    $("l-breakage").textContent = credits(r.breakage);
    $("l-fees").textContent = credits(r.fees);
    $("l-losses").textContent = r.platform_losses == null ? "no losses account" : credits(r.platform_losses);
    $("l-sold").textContent = credits(r.funding.credits_sold);
    $("l-promotions").textContent = credits(r.funding.promotions_issued);
    $("l-giftcards").textContent = credits(r.funding.gift_cards_sold);
    $("l-paidout").textContent = credits(r.funding.paid_out);
    const ok = r.reconciliation.ok;
    const badge = node("span", "status " + (ok ? "ok" : "bad"),
      ok ? "Reconciled with the ledger" : "Does not reconcile");
    $("reconciled").replaceChildren(badge, document.createTextNode(" as of " + when(r.as_of)));
  }

  async function loadAudit() {
    const actions = await api("GET", "/v1/operator_actions?limit=20");
    fill("audit", actions.data.map((a) => row(a.action + (a.target_id ? " · " + a.target_id : ""),
      when(a.created_at) + " · " + (a.actor_label || a.actor_id) + (a.reason ? " · “" + a.reason + "”" : ""))),
    "No action yet.");
  }

  guard(start)();
})();
