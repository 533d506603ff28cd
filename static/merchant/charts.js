// Charts of the merchant page, on Chart.js (npm, copied to /static/vendor by `make install`).
// Canvas only: no inline script or style, so the page's CSP holds. Axes count whole units
// (credits, purchases, minor units of money): never "0.01, 0.01, 0.00".
"use strict";
window.MerchantCharts = (function () {
  const charts = {};
  const BLUE = "#1f5fbf", GREEN = "#12633a", ORANGE = "#b35c00", INK = "#56616c";
  const number = new Intl.NumberFormat();

  function axis(format) {
    return { beginAtZero: true, ticks: { precision: 0, color: INK, callback: format ||
      ((value) => number.format(value)) }, grid: { color: "#eceff5" } };
  }

  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    const canvas = document.getElementById(id);
    config.options = Object.assign({
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { labels: { color: INK, boxWidth: 12 } } },
    }, config.options || {});
    charts[id] = new Chart(canvas, config);
    return charts[id];
  }

  function money(currency) {  // minor units (the API's amounts) as the currency shows them
    const format = new Intl.NumberFormat(undefined, { style: "currency", currency });
    const exponent = format.resolvedOptions().maximumFractionDigits;
    return (minor) => format.format(minor / Math.pow(10, exponent));
  }

  return { draw, axis, money, number, colors: { BLUE, GREEN, ORANGE, INK } };
})();
