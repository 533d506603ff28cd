"""The OpenAPI document, completed from what the views declare, and a docs page.

``GET /v1/docs`` serves a small page of our own (no CDN) that renders
``/v1/openapi.json``: every operation with its parameters, body and responses,
and a form to try it with a bearer credential.

``complete(app, api)`` runs once every blueprint is registered and fills in, for
every operation, what the decorators already say, so a new endpoint written the
usual way (``MethodView`` + schemas + ``@requires`` + ``@idempotent``) is documented
with no per-endpoint work:

- ``operationId``: the HTTP method and the view's class (``postPurchases``);
- ``security``: the schemes of the kinds in ``@requires``/``@closed_loop``, ``[]`` for a
  public view; a global ``security`` covers anything else;
- the error answers each view can give, every one with the one error schema: 400
  always, 401/403 with ``@requires``, 404 with a path parameter or a JSON body, 409 and
  422 on authenticated writes, 402 and the ``Idempotency-Key`` header with
  ``@idempotent``, 429 and 503 always (``Retry-After``); schema validation answers 400;
- the ``Idempotent-Replayed`` header on an ``@idempotent`` view's success.

Paths that are not flask-smorest views (``/healthz``, ``/oauth/*``) are added with
``add_path``; the webhook payloads are listed under ``x-webhooks`` (OpenAPI 3.1's
``webhooks`` in a 3.0 document). ``flask --app wallet openapi write sdk/openapi.json``
writes the snapshot that tests/test_openapi_document.py compares.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from flask import Blueprint, Flask, render_template
from flask_smorest import Api

from wallet.web.idempotency import HEADER, IDEMPOTENCY_KEY

SCHEMES: dict[str, dict[str, Any]] = {
    "adminKey": {"type": "http", "scheme": "bearer",
                 "description": "Operator key `ak_…` (created with `flask admin create-key`)."},
    "merchantKey": {"type": "http", "scheme": "bearer",
                    "description": "Merchant secret key `sk_…`."},
    "counterKey": {"type": "http", "scheme": "bearer",
                   "description": "Counter key `ck_…` of one merchant's counter."},
    "userToken": {"type": "http", "scheme": "bearer",
                  "description": "OAuth access token `at_…` for one person and one app."},
    "appOAuth": {
        "type": "oauth2",
        "description": "How apps get a `userToken`: authorization code with PKCE (S256 "
                       "only), public clients (`client_id` = app id), refresh tokens "
                       "rotate. Errors of /oauth/* follow RFC 6749 §5.2.",
        "flows": {"authorizationCode": {
            "authorizationUrl": "/oauth/authorize", "tokenUrl": "/oauth/token",
            "refreshUrl": "/oauth/token",
            "scopes": {"wallet:read": "Read the wallet balance and history",
                       "purchases:write": "Buy from the app's merchant within the caps"},
        }},
    },
    "session": {"type": "apiKey", "in": "cookie", "name": "wallet_session",
                "description": "Web session after sign-in; unsafe methods also need the "
                               "`X-CSRF-Token` header."},
}
KIND_SCHEMES = {"admin": ["adminKey"], "merchant": ["merchantKey"], "counter": ["counterKey"],
                "user": ["userToken", "session"]}


def security(*kinds: str, session: bool = True) -> dict[str, Any]:
    """``@blp.doc(**security("user"))``: the schemes accepted by ``requires(*kinds)``."""
    names = [name for kind in kinds for name in KIND_SCHEMES[kind]
             if session or name != "session"]
    return {"security": [{name: []} for name in names]}


bp = Blueprint("docs", __name__, template_folder="templates")


@bp.get("/v1/docs")
def docs_page() -> str:
    return render_template("docs/index.html")


def init_app(app: Flask, api: Api) -> None:
    for name, scheme in SCHEMES.items():
        if name not in api.spec.components.security_schemes:
            api.spec.components.security_scheme(name, scheme)
    app.register_blueprint(bp)
    complete(app, api)


# --- completing the document ------------------------------------------------------------

METHODS = ("get", "put", "post", "delete", "patch")
WRITES = frozenset({"put", "post", "delete", "patch"})
ERROR_REF = {"$ref": "#/components/schemas/Error"}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before trying again.",
                               "schema": {"type": "integer"}}}
ERRORS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "400": ("BadRequest", "The request is invalid (`invalid_request_error`).", {}),
    "401": ("Unauthorized", "No, or an invalid, credential (`authentication_error`).",
            {"WWW-Authenticate": {"description": "RFC 6750 challenge: `Bearer realm=\"wallet\"`"
                                                 " (with `error=\"invalid_token\"` for a bad "
                                                 "token).", "schema": {"type": "string"}}}),
    "402": ("PaymentRequired", "Not enough credits (`insufficient_credits_error`).", {}),
    "403": ("Forbidden", "A credential of another kind, or not allowed "
                         "(`permission_error`).", {}),
    "404": ("NotFound", "No such object (`not_found_error`).", {}),
    "409": ("Conflict", "Conflicts with the current state, or an `Idempotency-Key` reused "
                        "or in progress (`conflict_error`).", {}),
    "422": ("Unprocessable", "Well-formed, but a rule the schema cannot state refuses it "
                             "(an IBAN's checksum, a past expiry, an unsafe URL, a state "
                             "that does not allow it: `unprocessable_error`).", {}),
    "429": ("TooManyRequests", "Rate limited or locked out (`rate_limit_error`).",
            RETRY_AFTER),
    "503": ("ServiceUnavailable", "Busy or the database is unavailable; the same request "
                                  "may be retried (`service_unavailable_error`).", RETRY_AFTER),
}
REPLAYED = {"Idempotent-Replayed": {
    "description": "`true` when this is the stored answer of an earlier request with the "
                   "same `Idempotency-Key`.", "schema": {"type": "string", "enum": ["true"]}}}
CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def openapi_path(rule: str) -> str:
    """``/v1/purchases/<string:purchase_id>`` -> ``/v1/purchases/{purchase_id}``."""
    return CONVERTER.sub(r"{\1}", rule)


def add_path(api: Api, path: str, operations: dict[str, Any]) -> None:
    """Document a view that is not a flask-smorest one (``complete`` fills in the rest)."""
    api.spec._paths.setdefault(path, {}).update(copy.deepcopy(operations))


def _view_methods(app: Flask) -> dict[tuple[str, str], tuple[Any, str]]:
    """(OpenAPI path, method) -> (the function that answers it, its operationId stem)."""
    found: dict[tuple[str, str], tuple[Any, str]] = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        for method in METHODS:
            if method.upper() not in (rule.methods or ()):
                continue
            func = getattr(view_class, method, None) if view_class else view
            if func is None:
                continue
            stem = view_class.__name__ if view_class else rule.endpoint.rsplit(".", 1)[-1]
            found[(openapi_path(rule.rule), method)] = (func, stem)
    return found


def _camel(method: str, stem: str) -> str:
    words = [w for w in re.split(r"[_\W]+", stem) if w]
    return method + "".join(w[0].upper() + w[1:] for w in words)


def _error_response(status: str) -> dict[str, Any]:
    return {"$ref": f"#/components/responses/{ERRORS[status][0]}"}


def _complete_operation(op: dict[str, Any], method: str, path: str, func: Any) -> None:
    kinds = getattr(func, "_wallet_principals", None)
    is_idempotent = getattr(func, "_wallet_idempotent", False) or any(
        p.get("name") == HEADER for p in op.get("parameters", []) if isinstance(p, dict))
    if "security" not in op:
        if kinds is None:
            op["security"] = []
        else:
            op["security"] = security(*kinds)["security"]
    responses = op.setdefault("responses", {})
    codes = {"400", "429", "503"}
    if kinds is not None:
        codes |= {"401", "403"}
    if "{" in path or "application/json" in op.get("requestBody", {}).get("content", {}):
        codes.add("404")
    if kinds is not None and method in WRITES:
        codes.add("422")
    if method in WRITES and kinds is not None:
        codes.add("409")
    if is_idempotent:
        codes |= {"402", "409"}
        parameters = op.setdefault("parameters", [])
        if not any(p.get("name") == HEADER for p in parameters if isinstance(p, dict)):
            parameters.append(IDEMPOTENCY_KEY)
        for status, answer in responses.items():
            if status.startswith("2") and "$ref" not in answer:
                answer.setdefault("headers", {}).update(REPLAYED)
    codes |= {status for status in responses if status[0] in "45"}
    for status in sorted(codes & set(ERRORS)):
        answer = responses.get(status)
        if answer is None or ("$ref" not in answer and "content" not in answer):
            responses[status] = _error_response(status)
    responses.setdefault("default", {"$ref": "#/components/responses/DEFAULT_ERROR"})


def _operation_ids(ops: dict[tuple[str, str], tuple[Any, str]]) -> dict[tuple[str, str], str]:
    """``{method}{ViewClass}``; the path is spelled out where two views share a name."""
    wanted = {key: _camel(key[1], stem) for key, (_, stem) in ops.items()}
    counts: dict[str, int] = {}
    for name in wanted.values():
        counts[name] = counts.get(name, 0) + 1
    return {key: name if counts[name] == 1 else _camel(key[1], re.sub(r"[{}]", "", key[0]))
            for key, name in wanted.items()}


def complete(app: Flask, api: Api) -> None:
    """Fill every operation in with what its view's decorators declare (see above)."""
    spec = api.spec
    for name, description, headers in ERRORS.values():
        if name not in spec.components.responses:
            answer: dict[str, Any] = {"description": description,
                                      "content": {"application/json": {"schema": ERROR_REF}}}
            if headers:
                answer["headers"] = headers
            spec.components.response(name, answer)
    views = _view_methods(app)
    paths = spec._paths  # apispec keeps the registered operations here
    documented = {(path, method): views[(path, method)] for path, ops in paths.items()
                  for method in ops if method in METHODS and (path, method) in views}
    ids = _operation_ids(documented)
    for (path, method), (func, _) in documented.items():
        op = paths[path][method]
        op.setdefault("operationId", ids[(path, method)])
        _complete_operation(op, method, path, func)
    spec.options.setdefault("security", [{name: []} for name in
                                         ("adminKey", "merchantKey", "counterKey",
                                          "userToken", "session")])


def one_of_required(api: Api, schema_name: str, *alternatives: str) -> None:
    """A body schema that needs exactly one of these properties (OpenAPI ``oneOf``)."""
    api.spec.components.schemas[schema_name]["oneOf"] = [
        {"required": [name]} for name in alternatives]


def document_webhooks(api: Api, event_types: dict[str, tuple[str, str]],
                      payload_schema: str) -> None:
    """The payloads we POST to merchants' endpoints, one entry per event type."""
    api.spec.options["x-webhooks"] = {
        name: {"post": {
            "operationId": _camel("webhook", name.replace(".", "_")),
            "summary": description, "tags": ["webhooks"],
            "description": f"Sent to {audience} endpoints, signed per Standard Webhooks "
                           "(`webhook-id`, `webhook-timestamp`, `webhook-signature`).",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "allOf": [{"$ref": f"#/components/schemas/{payload_schema}"},
                          {"type": "object", "properties": {
                              "type": {"type": "string", "enum": [name]}}}]}}}},
            "responses": {"2XX": {"description": "Received; any other answer is retried."}},
        }} for name, (audience, description) in event_types.items()}


__all__ = ["SCHEMES", "add_path", "complete", "document_webhooks", "one_of_required",
           "openapi_path", "security"]
