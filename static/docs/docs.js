// The interactive API reference at /v1/docs: renders /v1/openapi.json with a form per
// operation to try it with a bearer credential. No third-party code, no inline script.
"use strict";
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
function resolve(spec, schema) {
  if (schema && schema.$ref) { return schema.$ref.split("/").slice(1).reduce((o, k) => o[k], spec); }
  return schema;
}
function example(spec, schema, depth) {
  schema = resolve(spec, schema) || {};
  if (depth > 4) { return null; }
  if (schema.example !== undefined) { return schema.example; }
  if (schema.type === "object" || schema.properties) {
    const out = {};
    for (const [k, v] of Object.entries(schema.properties || {})) {
      if (!v.readOnly) { out[k] = example(spec, v, depth + 1); }
    }
    return out;
  }
  if (schema.type === "array") { return [example(spec, schema.items, depth + 1)]; }
  if (schema.type === "integer") { return 1; }
  if (schema.type === "boolean") { return true; }
  return "string";
}
async function send(form, method, path) {
  const out = form.querySelector("pre.result");
  let url = path;
  for (const input of form.querySelectorAll("input[data-path]")) {
    url = url.replace("{" + input.dataset.path + "}", encodeURIComponent(input.value));
  }
  const headers = {"Accept": "application/json"};
  const cred = document.getElementById("credential").value.trim();
  if (cred) { headers["Authorization"] = "Bearer " + cred; }
  const key = form.querySelector("input[name=idem]");
  if (key && key.value) { headers["Idempotency-Key"] = key.value; }
  const init = {method: method.toUpperCase(), headers};
  const body = form.querySelector("textarea");
  if (body) { headers["Content-Type"] = "application/json"; init.body = body.value; }
  try {
    const response = await fetch(url, init);
    out.textContent = response.status + " " + response.statusText + "\n" + await response.text();
  } catch (error) { out.textContent = String(error); }
}
async function render() {
  const spec = await (await fetch("/v1/openapi.json")).json();
  const main = document.getElementById("main");
  const links = document.getElementById("links");
  let html = "<h1>" + esc(spec.info.title) + " " + esc(spec.info.version) + "</h1>";
  let nav = "";
  let n = 0;
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) { continue; }
      n += 1;
      const id = "op" + n;
      nav += '<a href="#' + id + '">' + esc(method.toUpperCase()) + " " + esc(path) + "</a>";
      const sec = (op.security || []).map((s) => Object.keys(s).join("+")).join(" or ") || "none";
      html += '<section class="op" id="' + id + '"><h2><span class="method">' + esc(method) +
        "</span> " + esc(path) + '</h2><p class="sec">' + esc(op.operationId || "") + "</p><p>" +
        esc(op.summary || "") + "</p><p>" +
        esc(op.description || "") + '</p><p class="sec">Credentials: ' + esc(sec) + "</p>";
      html += '<form data-method="' + esc(method) + '" data-path="' + esc(path) + '">';
      for (const p of (op.parameters || []).map((q) => resolve(spec, q))) {
        if (p.in === "path") {
          html += "<label>" + esc(p.name) + ' (path)<input data-path="' + esc(p.name) + '"></label>';
        }
      }
      const body = op.requestBody && op.requestBody.content["application/json"];
      if (body) {
        html += "<label>JSON body<textarea rows=6>" +
          esc(JSON.stringify(example(spec, body.schema, 0), null, 2)) + "</textarea></label>";
      }
      const idempotent = (op.parameters || []).some((q) => resolve(spec, q).name === "Idempotency-Key");
      if (idempotent) {
        html += '<label>Idempotency-Key (the same key again replays the answer)' +
          '<input name="idem" value="' + esc(crypto.randomUUID()) + '"></label>';
      }
      html += '<button type=submit>Send</button><pre class="result" tabindex="0" aria-live="polite"></pre></form>';
      html += '<details><summary>Responses</summary><pre tabindex="0">' +
        esc(JSON.stringify(op.responses, null, 2)) + "</pre></details></section>";
    }
  }
  main.innerHTML = html;
  links.innerHTML = nav;
  for (const form of main.querySelectorAll("form")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(form, form.dataset.method, form.dataset.path);
    });
  }
}
render().catch((error) => {
  document.getElementById("main").textContent = "Could not load the API description: " + error;
});
