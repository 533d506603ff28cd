"""The OpenAPI document is complete for every operation (endpoints added later are checked
the same way) and matches the committed snapshot ``sdk/openapi.json``.

Regenerate the snapshot after an API change, and review its diff:
``flask --app wallet openapi write sdk/openapi.json``
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import make_app
from wallet.extensions import api
from wallet.web.docs import METHODS, openapi_path
from wallet.webhooks.events import EVENT_TYPES

SNAPSHOT = Path(__file__).resolve().parents[1] / "sdk" / "openapi.json"
REGENERATE = "flask --app wallet openapi write sdk/openapi.json"
# answered by pages, assets or the docs themselves, not API operations
NOT_API = ("/v1/docs", "/v1/openapi.json")


@pytest.fixture(scope="module")
def spec_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    folder = tmp_path_factory.mktemp("openapi")
    return make_app(f"sqlite:///{folder / 'db.sqlite3'}", folder / "instance")


@pytest.fixture(scope="module")
def document(spec_app: Flask) -> dict[str, Any]:
    with spec_app.app_context():
        return json.loads(json.dumps(api.spec.to_dict()))


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, ops in document["paths"].items()
            for method, op in ops.items() if method in METHODS]


def resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in item:
        kind, name = item["$ref"].split("/")[-2:]
        item = document["components"][kind][name]
    return item


def api_routes(app: Flask) -> list[tuple[str, str, Any]]:
    """(OpenAPI path, method, view function) of every JSON endpoint of the app."""
    found = []
    for rule in app.url_map.iter_rules():
        path = openapi_path(rule.rule)
        if not path.startswith(("/v1/", "/oauth/", "/healthz", "/.well-known/")):
            continue
        if path in NOT_API:
            continue
        view = app.view_functions[rule.endpoint]
        cls = getattr(view, "view_class", None)
        for method in METHODS:
            if method.upper() in (rule.methods or ()):
                found.append((path, method, getattr(cls, method) if cls else view))
    return found


def test_every_route_is_documented(spec_app: Flask, document: dict[str, Any]) -> None:
    missing = [f"{m.upper()} {p}" for p, m, _ in api_routes(spec_app)
               if m not in document["paths"].get(p, {})]
    assert missing == []


def test_every_operation_is_complete(document: dict[str, Any]) -> None:
    problems: list[str] = []
    ids = [op.get("operationId") for _, _, op in operations(document)]
    assert len(ids) == len(set(ids)), "operationIds must be unique"
    schemes = set(document["components"]["securitySchemes"])
    assert document["security"], "a global security requirement"
    for path, method, op in operations(document):
        where = f"{method.upper()} {path}"
        if not op.get("operationId"):
            problems.append(f"{where}: no operationId")
        if "security" not in op:
            problems.append(f"{where}: no security")
        for requirement in op.get("security", []):
            if not set(requirement) <= schemes:
                problems.append(f"{where}: unknown scheme {requirement}")
        responses = op.get("responses", {})
        if op.get("security") and method != "get" and "422" not in responses:
            problems.append(f"{where}: 422 (a rule the schema cannot state) undocumented")
        for code in ("400", "429", "503"):
            if code not in responses:
                problems.append(f"{where}: {code} undocumented")
        if op.get("security") and not {"401", "403"} <= set(responses):
            problems.append(f"{where}: 401/403 undocumented")
        for status, answer in responses.items():
            answer = resolve(document, answer)
            content = answer.get("content", {})
            if status.startswith(("2", "4", "5")) and status != "204" and not any(
                    media.get("schema") for media in content.values()):
                problems.append(f"{where}: {status} has no schema")
            if (path.startswith("/v1/") and status[0] in "45") or status == "default":
                schema = content.get("application/json", {}).get("schema")
                if schema != {"$ref": "#/components/schemas/Error"}:
                    problems.append(f"{where}: {status} is not the error schema")
    assert problems == []


def test_security_and_idempotency_follow_the_decorators(
        spec_app: Flask, document: dict[str, Any]) -> None:
    kinds_schemes = {"admin": {"adminKey"}, "merchant": {"merchantKey"},
                     "counter": {"counterKey"}, "user": {"userToken", "session"}}
    for path, method, view in api_routes(spec_app):
        op = document["paths"][path][method]
        kinds = getattr(view, "_wallet_principals", None)
        declared = {name for requirement in op["security"] for name in requirement}
        if kinds is None:
            assert declared == set(), f"{method} {path} is public"
        else:
            allowed = set().union(*(kinds_schemes[k] for k in kinds))
            assert declared and declared <= allowed, f"{method} {path}: {declared}"
        headers = {p["name"]: p for p in op.get("parameters", []) if p.get("in") == "header"}
        if getattr(view, "_wallet_idempotent", False):
            assert headers["Idempotency-Key"]["required"] is True, f"{method} {path}"
            assert {"402", "409"} <= set(op["responses"])


def test_downloads_have_their_media_types(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert "text/csv" in paths["/v1/payout_batches/{batch_id}/csv"]["get"]["responses"][
        "200"]["content"]
    assert "application/xml" in paths["/v1/payout_batches/{batch_id}/pain001"]["get"][
        "responses"]["200"]["content"]
    assert "image/png" in paths["/v1/vouchers/{voucher_id}/qr.{fmt}"]["get"]["responses"][
        "200"]["content"]


def test_oauth_health_and_webhooks_are_documented(document: dict[str, Any]) -> None:
    for path in ("/oauth/authorize", "/oauth/token", "/oauth/revoke", "/healthz",
                 "/.well-known/oauth-authorization-server"):
        assert path in document["paths"]
    assert set(document["x-webhooks"]) == set(EVENT_TYPES)
    flows = document["components"]["securitySchemes"]["appOAuth"]["flows"]
    assert flows["authorizationCode"]["tokenUrl"] == "/oauth/token"


def test_snapshot_is_up_to_date(document: dict[str, Any]) -> None:
    committed = json.loads(SNAPSHOT.read_text())
    assert committed == document, f"the API changed: review and run `{REGENERATE}`"
