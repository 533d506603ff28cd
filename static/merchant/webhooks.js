// Merchant page, webhooks section: endpoints (add, disable/enable, delete), a notice for
// failing ones, and the recent deliveries with resend. Uses the same secret key as the
// rest of the page (sessionStorage) against this origin's API; no inline script.
"use strict";
(function () {
  const STORE = "wallet.merchantKey";
  const $ = (id) => document.getElementById(id);

  async function api(path, options) {
    const init = Object.assign({ headers: {} }, options || {});
    init.headers = Object.assign({ Authorization: "Bearer " + sessionStorage.getItem(STORE) },
      init.headers);
    if (init.json !== undefined) {
      init.body = JSON.stringify(init.json);
      init.headers["Content-Type"] = "application/json";
    }
    const response = await fetch(path, init);
    const body = await response.json();
    if (!response.ok) throw new Error((body.error && body.error.message) || response.statusText);
    return body;
  }

  function cell(row, value) {
    const td = document.createElement("td");
    td.textContent = value == null ? "" : String(value);
    row.appendChild(td);
    return td;
  }

  function button(label, action) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", () => run(action));
    return b;
  }

  async function run(action) {
    $("webhooks-error").hidden = true;
    try {
      await action();
      await load();
    } catch (error) {
      $("webhooks-error").textContent = error.message;
      $("webhooks-error").hidden = false;
    }
  }

  function showTypes(types) {
    const box = $("webhook-types");
    if (box.querySelector("input")) return;
    for (const t of types.data) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.value = t.type;
      label.title = t.description;
      label.append(input, " " + t.type + " ");
      box.appendChild(label);
    }
  }

  function showEndpoints(list) {
    const body = $("webhook-endpoints").querySelector("tbody");
    body.replaceChildren();
    const notice = $("webhooks-failing");
    notice.replaceChildren();
    for (const e of list.data) {
      const row = document.createElement("tr");
      row.dataset.endpoint = e.id;
      cell(row, e.url);
      cell(row, e.events.join(", "));
      cell(row, e.failing ? e.status + ", failing" : e.status);
      const actions = cell(row, "");
      const disabled = e.status === "disabled";
      actions.append(
        button(disabled ? "Enable" : "Disable", () => api("/v1/webhook_endpoints/" + e.id,
          { method: "PATCH", json: { disabled: !disabled } })),
        button("Delete", () => api("/v1/webhook_endpoints/" + e.id, { method: "DELETE" })));
      body.appendChild(row);
      if (e.failing) {
        const line = document.createElement("p");
        line.className = "why";
        line.textContent = "The endpoint " + e.url + " is failing since " +
          e.failing_since.slice(0, 16).replace("T", " ") + " UTC: a delivery to it failed " +
          "every retry for 3 days. Fix it, then resend from the deliveries below.";
        notice.appendChild(line);
      }
    }
    notice.hidden = !notice.childElementCount;
  }

  function showDeliveries(list) {
    const body = $("webhook-deliveries").querySelector("tbody");
    body.replaceChildren();
    for (const d of list.data) {
      const row = document.createElement("tr");
      row.dataset.delivery = d.id;
      cell(row, d.created_at.slice(0, 19).replace("T", " "));
      cell(row, d.event_type);
      cell(row, d.status);
      cell(row, d.last_status_code);
      cell(row, d.last_latency_ms == null ? "" : d.last_latency_ms + " ms");
      cell(row, d.attempts);
      cell(row, (d.last_error || d.last_response || "").slice(0, 80));
      cell(row, "").appendChild(button("Resend", () =>
        api("/v1/webhook_deliveries/" + d.id + "/resend", { method: "POST" })));
      body.appendChild(row);
    }
  }

  async function load() {
    if (!sessionStorage.getItem(STORE)) return;
    try {
      const [types, endpoints, deliveries] = await Promise.all([
        api("/v1/webhook_event_types"), api("/v1/webhook_endpoints?limit=100"),
        api("/v1/webhook_deliveries?limit=20"),
      ]);
      showTypes(types);
      showEndpoints(endpoints);
      showDeliveries(deliveries);
    } catch (error) {
      $("webhooks-error").textContent = error.message;
      $("webhooks-error").hidden = false;
    }
  }

  $("webhook-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const ticked = Array.from($("webhook-types").querySelectorAll("input:checked"),
      (input) => input.value);
    run(async () => {
      const created = await api("/v1/webhook_endpoints", { method: "POST",
        json: { url: $("webhook-url").value.trim(), events: ticked.length ? ticked : ["*"] } });
      $("webhook-secret-value").textContent = created.secret;
      $("webhook-secret").hidden = false;
      $("webhook-url").value = "";
    });
  });
  // The rest of the page signs in and refreshes; follow it.
  $("key-form").addEventListener("submit", () => setTimeout(load, 0));
  $("refresh").addEventListener("click", load);
  $("forget").addEventListener("click", () => {
    $("webhook-secret").hidden = true;
    $("webhook-secret-value").textContent = "";
  });
  load();
})();
