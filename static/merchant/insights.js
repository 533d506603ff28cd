// The merchant page's "Customers and sales" card: GET /v1/insights as tiles and charts
// (time series, hour x weekday heatmap, top items, sizes, cohorts), with an empty state.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const C = window.MerchantCharts;
  const n = (value) => C.number.format(value);
  const percent = (rate) => `${Math.round(rate * 1000) / 10} %`;
  const LEVELS = 5;

  function key() { return sessionStorage.getItem("wallet.merchantKey"); }

  function level(value, max) {  // 0 (none) .. 4 (busiest)
    if (!value || !max) return 0;
    return Math.min(LEVELS - 1, 1 + Math.floor((value / max) * (LEVELS - 1) * 0.999));
  }

  function node(tag, text, className) {
    const el = document.createElement(tag);
    if (text != null) el.textContent = String(text);
    if (className) el.className = className;
    return el;
  }

  function hidden(text) { return node("span", text, "visually-hidden"); }

  function totals(data) {
    const t = data.totals;
    $("ins-purchases").textContent = n(t.purchases);
    $("ins-refunds").textContent = `${n(t.refunds)} refunds (${n(t.refunded_credits)} credits)`;
    $("ins-credits").textContent = n(t.credits);
    $("ins-net").textContent = `${n(t.net_credits)} after refunds`;
    $("ins-buyers").textContent = n(t.unique_buyers);
    $("ins-average").textContent = `${n(data.average_credits_per_buyer)} credits each`;
    $("ins-repeat").textContent = percent(data.repeat_buyer_rate);
    $("ins-repeat-buyers").textContent = `${n(data.repeat_buyers)} bought twice or more`;
    $("ins-vouchers").textContent = n(data.vouchers.redemptions);
    $("ins-voucher-credits").textContent = `${n(data.vouchers.net_redeemed_credits)} credits`;
  }

  function days(data) {
    C.draw("chart-days", {
      data: { labels: data.by_day.map((d) => d.day.slice(5)), datasets: [
        { type: "bar", label: "Credits", data: data.by_day.map((d) => d.credits),
          backgroundColor: C.colors.BLUE, yAxisID: "y" },
        { type: "line", label: "Purchases", data: data.by_day.map((d) => d.purchases),
          borderColor: C.colors.ORANGE, backgroundColor: C.colors.ORANGE, yAxisID: "y1",
          pointRadius: 0, tension: 0.2 },
      ] },
      options: { scales: { x: { ticks: { maxTicksLimit: 8, color: C.colors.INK } },
        y: C.axis(), y1: Object.assign(C.axis(), { position: "right",
          grid: { drawOnChartArea: false } }) } },
    });
  }

  function heatmap(data) {
    const grid = data.by_hour_weekday;
    const max = Math.max(0, ...grid.purchases.flat());
    const head = node("tr");
    head.appendChild(node("th", null)).appendChild(hidden("Weekday"));
    for (const hour of grid.hours) {
      const th = node("th", hour % 6 === 0 ? hour : null);
      th.scope = "col";
      if (hour % 6 !== 0) th.appendChild(hidden(hour));
      head.appendChild(th);
    }
    $("heatmap").tHead.replaceChildren(head);
    const rows = grid.weekdays.map((weekday, w) => {
      const row = node("tr");
      const th = node("th", weekday);
      th.scope = "row";
      row.appendChild(th);
      grid.purchases[w].forEach((count, hour) => {
        const td = node("td", null, "l" + level(count, max));
        td.dataset.count = count;
        td.title = `${weekday} ${String(hour).padStart(2, "0")}:00 UTC: ${count} purchases`;
        td.appendChild(hidden(`${count}`));
        row.appendChild(td);
      });
      return row;
    });
    $("heatmap").tBodies[0].replaceChildren(...rows);
  }

  function items(data) {
    const list = data.by_item;
    C.draw("chart-items", {
      type: "bar",
      data: { labels: list.map((i) => i.item == null ? `${i.other_items} other items` : i.item),
        datasets: [{ label: "Credits", data: list.map((i) => i.credits),
          backgroundColor: C.colors.BLUE }] },
      options: { indexAxis: "y", scales: { x: C.axis(),
        y: { ticks: { color: C.colors.INK, autoSkip: false,
          callback(value) { const label = this.getLabelForValue(value);
            return label.length > 18 ? label.slice(0, 17) + "…" : label; } } } },
        plugins: { legend: { display: false } } },
    });
  }

  function sizes(data) {
    C.draw("chart-sizes", {
      type: "bar",
      data: { labels: data.purchase_sizes.map((s) => s.bucket), datasets: [{
        label: "Purchases", data: data.purchase_sizes.map((s) => s.purchases),
        backgroundColor: C.colors.GREEN }] },
      options: { scales: { y: C.axis(), x: { ticks: { color: C.colors.INK } } },
        plugins: { legend: { display: false } } },
    });
  }

  function cohorts(data) {
    const longest = Math.max(0, ...data.cohorts.map((c) => c.active.length));
    const head = node("tr");
    ["First purchase", "Buyers"].forEach((label) => {
      const th = node("th", label);
      th.scope = "col";
      head.appendChild(th);
    });
    for (let k = 0; k < longest; k++) {
      const th = node("th", k === 0 ? "Month 0" : `+${k}`);
      th.scope = "col";
      head.appendChild(th);
    }
    $("cohorts").tHead.replaceChildren(head);
    const rows = data.cohorts.map((c) => {
      const row = node("tr");
      const th = node("th", c.month);
      th.scope = "row";
      row.appendChild(th);
      row.appendChild(node("td", n(c.buyers)));
      c.retention.forEach((rate, k) => {
        const td = node("td", percent(rate), "l" + level(rate, 1));
        td.title = `${c.active[k]} of ${c.buyers} bought`;
        row.appendChild(td);
      });
      return row;
    });
    $("cohorts").tBodies[0].replaceChildren(...rows);
  }

  function since(daysBack) {
    const day = new Date(Date.now() - (daysBack - 1) * 86400000);
    return day.toISOString().slice(0, 10);
  }

  async function load() {
    if (!key()) return;
    const daysBack = Number($("insights-days").value);
    const response = await fetch(`/v1/insights?from=${since(daysBack)}`,
      { headers: { Authorization: "Bearer " + key() } });
    const data = await response.json();
    if (!response.ok) {
      $("error").textContent = (data.error && data.error.message) || response.statusText;
      $("error").hidden = false;
      return;
    }
    totals(data);
    const empty = data.totals.purchases === 0;
    $("insights-empty").hidden = !empty;
    $("insights-charts").hidden = empty;
    if (!empty) { days(data); heatmap(data); items(data); sizes(data); cohorts(data); }
    $("insights").dataset.loaded = `${data.from}..${data.to}`;
  }

  $("insights-days").addEventListener("change", load);
  $("refresh").addEventListener("click", load);
  $("key-form").addEventListener("submit", () => setTimeout(load, 0));
  load();
})();
