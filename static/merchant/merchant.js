// Merchant earnings page: the secret key is kept in sessionStorage only and sent as a
// bearer credential to this origin's API. Charts: static/merchant/charts.js (Chart.js).
"use strict";
(function () {
  const STORE = "wallet.merchantKey";
  const $ = (id) => document.getElementById(id);

  function key() { return sessionStorage.getItem(STORE); }

  async function api(path) {
    const response = await fetch(path, { headers: { Authorization: "Bearer " + key() } });
    const body = await response.json();
    if (!response.ok) throw new Error((body.error && body.error.message) || response.statusText);
    return body;
  }

  function text(id, value) { $(id).textContent = value; }

  function cell(row, value) {
    const td = document.createElement("td");
    td.textContent = value == null ? "" : String(value);
    row.appendChild(td);
  }

  function showBalance(balance) {
    text("pending", balance.value.pending_display);
    text("available", balance.value.available_display);
    text("in-transit", balance.value.in_transit_display);
    text("pending-credits", balance.earnings.pending + " credits");
    text("available-credits", balance.earnings.available + " credits");
    text("in-transit-credits", balance.earnings.in_transit + " credits");
    const box = $("eligibility");
    box.replaceChildren();
    const p = balance.payouts;
    if (p.eligible) {
      const line = document.createElement("p");
      line.className = "ok";
      line.textContent = "Next payout: " + p.next_payout.amount_display + " (after the " +
        "payout fee); " + p.next_payout.remainder_credits + " credits stay.";
      box.appendChild(line);
    } else {
      for (const reason of p.reasons) {
        const line = document.createElement("p");
        line.className = "why";
        line.textContent = reason.message;
        box.appendChild(line);
      }
    }
  }

  function showFees(report) {
    const body = $("fees").querySelector("tbody");
    body.replaceChildren();
    for (const m of report.months) {
      const row = document.createElement("tr");
      [m.month, m.purchases, m.purchase_value_display, m.card_fees_display,
        m.payout_fees_display, m.saving_display].forEach((v) => cell(row, v));
      body.appendChild(row);
    }
    drawChart(report);
  }

  function drawChart(report) {
    const C = window.MerchantCharts;
    const months = report.months;
    const series = [
      { name: "Earnings", key: "purchase_value", color: C.colors.BLUE },
      { name: "Payouts", key: "payouts_amount", color: C.colors.GREEN },
      { name: "Fees saved", key: "saving", color: C.colors.ORANGE },
    ];
    const empty = !months.some((m) => series.some((s) => m[s.key] !== 0));
    $("chart-empty").hidden = !empty;
    $("chart-figure").hidden = empty;
    if (empty) return;
    const format = C.money(report.currency);
    C.draw("chart", {
      type: "bar",
      data: { labels: months.map((m) => m.month), datasets: series.map((s) => ({
        label: `${s.name} (${report.currency})`, data: months.map((m) => m[s.key]),
        backgroundColor: s.color })) },
      options: { scales: { y: C.axis(format) },
        plugins: { tooltip: { callbacks: { label: (item) =>
          `${item.dataset.label}: ${format(item.raw)}` } } } },
    });
  }

  function showPayouts(list) {
    const body = $("payouts").querySelector("tbody");
    body.replaceChildren();
    for (const p of list.data) {
      const row = document.createElement("tr");
      [p.created_at.slice(0, 10), p.amount_display, p.fee_display, p.status,
        p.failure_reason].forEach((v) => cell(row, v));
      body.appendChild(row);
    }
    $("payouts-empty").hidden = list.data.length > 0;
  }

  function showSubscribers(summary) {
    const count = new Intl.NumberFormat();
    text("subs-active", count.format(summary.active_subscribers));
    text("subs-mrc", count.format(summary.monthly_recurring_credits));
    const churn = summary.churn_30d;
    text("subs-churn", churn.percent.toFixed(1) + " %");
    text("subs-churn-detail", `${count.format(churn.ended)} ended of ${count.format(churn.base)}`);
  }

  async function load() {
    $("error").hidden = true;
    try {
      const [balance, report, payouts, subscribers] = await Promise.all([
        api("/v1/balance"), api("/v1/reports/fees"), api("/v1/payouts?limit=100"),
        api("/v1/subscriptions/summary"),
      ]);
      showBalance(balance);
      showFees(report);
      showPayouts(payouts);
      showSubscribers(subscribers);
    } catch (error) {
      $("error").textContent = error.message;
      $("error").hidden = false;
    }
  }

  function show() {
    const signedIn = Boolean(key());
    $("signin").hidden = signedIn;
    $("dashboard").hidden = !signedIn;
    $("forget").hidden = !signedIn;
    $("refresh").hidden = !signedIn;
    if (signedIn) load();
  }

  $("key-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sessionStorage.setItem(STORE, $("key").value.trim());
    $("key").value = "";
    show();
  });
  $("forget").addEventListener("click", () => { sessionStorage.removeItem(STORE); show(); });
  $("refresh").addEventListener("click", load);
  show();
})();
