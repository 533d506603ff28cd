// Merchant earnings page: the secret key is kept in sessionStorage only and sent as a
// bearer credential to this origin's API. The chart is inline SVG (no CDN, no library).
"use strict";
(function () {
  const STORE = "wallet.merchantKey";
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";

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

  function el(name, attrs, content) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (content != null) node.textContent = content;
    return node;
  }

  function drawChart(report) {
    const months = report.months;
    const series = [
      { name: "Earnings", key: "purchase_value", color: "#3b6fd8" },
      { name: "Payouts", key: "payouts_amount", color: "#17a06b" },
      { name: "Fees saved", key: "saving", color: "#e08a1e" },
    ];
    const width = 880, height = 280, left = 70, bottom = 40, top = 20;
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
      "aria-label": "Earnings, payouts and fees saved per month", width: "100%" });
    const max = Math.max(1, ...months.flatMap((m) => series.map((s) => m[s.key])));
    const plotH = height - top - bottom;
    const groupW = months.length ? (width - left - 10) / months.length : 0;
    const barW = Math.max(2, Math.min(40, groupW / (series.length + 1)));
    svg.appendChild(el("line", { x1: left, y1: top + plotH, x2: width - 10, y2: top + plotH,
      stroke: "#9aa3b5" }));
    for (let i = 0; i <= 4; i++) {
      const value = Math.round((max * i) / 4);
      const y = top + plotH - (plotH * i) / 4;
      svg.appendChild(el("line", { x1: left, y1: y, x2: width - 10, y2: y, stroke: "#eceff5" }));
      svg.appendChild(el("text", { x: left - 6, y: y + 4, "text-anchor": "end" },
        (value / 100).toFixed(2)));
    }
    months.forEach((m, i) => {
      const x0 = left + i * groupW + barW / 2;
      series.forEach((s, j) => {
        const h = (plotH * Math.max(0, m[s.key])) / max;
        const bar = el("rect", { x: x0 + j * barW, y: top + plotH - h, width: barW - 2,
          height: h, fill: s.color });
        bar.appendChild(el("title", {}, `${m.month} ${s.name}: ${m[s.key + "_display"]}`));
        svg.appendChild(bar);
      });
      svg.appendChild(el("text", { x: x0 + (series.length * barW) / 2, y: height - 22,
        "text-anchor": "middle" }, m.month));
    });
    series.forEach((s, j) => {
      svg.appendChild(el("rect", { x: left + j * 130, y: height - 14, width: 10, height: 10,
        fill: s.color }));
      svg.appendChild(el("text", { x: left + j * 130 + 14, y: height - 5 },
        `${s.name} (${report.currency})`));
    });
    $("chart").replaceChildren(svg);
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

  async function load() {
    $("error").hidden = true;
    try {
      const [balance, report, payouts] = await Promise.all([
        api("/v1/balance"), api("/v1/reports/fees"), api("/v1/payouts?limit=100"),
      ]);
      showBalance(balance);
      showFees(report);
      showPayouts(payouts);
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
