"""Hostile JSON on every endpoint: 400 in the one error shape, never a 500, nothing written.

The endpoints are enumerated from the app's url_map (so a new endpoint is covered the day
it is added) and cross-checked against the OpenAPI document; each is called with no
credentials, with each principal's credential and with a signed-in session.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.authz import Principals, make_principals, signed_in_client, snapshot
from wallet.web import jsonparse

DEEP = 3000
HOSTILE: dict[str, tuple[bytes, str]] = {
    "deep array": (b"[" * DEEP + b"]" * DEEP, "json_too_deep"),
    "deep object": (b'{"a":' * DEEP + b"1" + b"}" * DEEP, "json_too_deep"),
    "deep in a field": (b'{"amount": ' + b"[" * 5000 + b"]" * 5000 + b"}", "json_too_deep"),
    "moderately deep": (b"[" * 100 + b"]" * 100, "json_too_deep"),
    "4301-digit integer": (b'{"amount": ' + b"9" * 4301 + b"}", "json_number_too_long"),
    "top-level huge integer": (b"1" * 20000, "json_number_too_long"),
    "huge float": (b'{"amount": 1.' + b"5" * 5000 + b"e5}", "json_number_too_long"),
    "invalid UTF-8": (b'{"email": "\xff\xfe\xc3("}', "invalid_encoding"),
    "lone surrogate": (b'{"email": "\\ud800x", "description": "a"}', "invalid_encoding"),
    "surrogate key": (b'{"\\udfff": 1}', "invalid_encoding"),
    "NaN": (b'{"amount": NaN}', "invalid_json"),
    "truncated": (b'{"amount": 1', "invalid_json"),
}
CREDENTIALS = ("anonymous", "admin", "merchant", "counter", "user_token", "session")
SKIP_ENDPOINTS = {"static"}


def _fill(rule: str) -> str:
    """A concrete path for a url_map rule (``<any(png, svg):fmt>`` takes the first option)."""
    def value(match: re.Match[str]) -> str:
        converter, _, name = match.group(1).rpartition(":")
        if converter.startswith("any("):
            return converter[4:].split(",")[0].strip()
        return "sandbox" if name == "provider_name" else f"x_{name}"

    return re.sub(r"<([^>]+)>", value, rule)


def json_endpoints(app: Flask) -> list[tuple[str, str]]:
    """Every (method, path) the app answers, but static files."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.add((method, _fill(rule.rule)))
    return sorted(found)


def _client_for(client: FlaskClient, p: Principals,
                kind: str) -> tuple[FlaskClient, dict[str, str]]:
    headers = {"Content-Type": "application/json",
               "Idempotency-Key": f"hostile-{uuid.uuid4().hex}"}
    if kind == "session":
        return signed_in_client(client, p), {**headers, "X-CSRF-Token": p.csrf_token}
    if kind == "anonymous":
        return client, headers
    return client, {**headers, **p.headers(kind)}


def assert_error(response: Any, status: int, what: str, code: str | None = None) -> None:
    text = response.get_data(as_text=True)[:300]
    assert response.status_code == status, f"{what}: {response.status_code} {text}"
    body = response.get_json(silent=True)
    assert isinstance(body, dict) and set(body) == {"error"}, f"{what}: {text}"
    error = body["error"]
    assert {"type", "code", "message", "param"} <= set(error), f"{what}: {text}"
    if code is not None:
        assert error["code"] == code, f"{what}: {text}"


def test_every_endpoint_is_enumerated_including_the_openapi_ones(app: Flask,
                                                                 client: FlaskClient) -> None:
    endpoints = set(json_endpoints(app))
    adapter = app.url_map.bind("localhost")
    spec = client.get("/v1/openapi.json").get_json()
    documented = [(method.upper(), path) for path, item in spec["paths"].items()
                  for method in item if method in ("get", "post", "put", "patch", "delete")]
    assert len(documented) > 50
    for method, path in documented:
        # a path parameter with an enum (an ``any(...)`` converter) takes its first value
        enums = {p["name"]: p["schema"]["enum"][0] for p in spec["paths"][path].get(
            "parameters", []) if p.get("in") == "path" and "enum" in p.get("schema", {})}
        concrete = path
        for name in re.findall(r"\{([^}]+)\}", path):
            value = "sandbox" if name == "provider_name" else enums.get(name, f"x_{name}")
            concrete = concrete.replace(f"{{{name}}}", value)
        rule, _ = adapter.match(concrete, method=method, return_rule=True)
        assert (method, _fill(rule.rule)) in endpoints, (method, path)
    for must in (("POST", "/v1/webhooks/sandbox"), ("POST", "/v1/session"),
                 ("POST", "/v1/signup"), ("POST", "/v1/purchases"),
                 ("POST", "/v1/vouchers/redeem"), ("POST", "/oauth/token"),
                 ("POST", "/v1/password_resets")):
        assert must in endpoints


@pytest.mark.slow
def test_hostile_json_answers_400_on_every_endpoint(app: Flask, client: FlaskClient,
                                                    session: Session) -> None:
    p = make_principals(session)
    session.commit()
    before = snapshot(session)
    endpoints = json_endpoints(app)
    for method, path in endpoints:
        for kind in CREDENTIALS:
            caller, headers = _client_for(client, p, kind)
            for name, (body, code) in HOSTILE.items():
                response = caller.open(path, method=method, data=body, headers=headers)
                assert_error(response, 400, f"{method} {path} as {kind} with {name}", code)
    assert snapshot(session) == before


def test_huge_bodies_answer_413_in_the_error_shape(app: Flask, client: FlaskClient) -> None:
    huge = b'{"description": "' + b"a" * (app.config["MAX_CONTENT_LENGTH"] + 10) + b'"}'
    for method, path in json_endpoints(app):
        response = client.open(path, method=method, data=huge,
                               headers={"Content-Type": "application/json"})
        assert_error(response, 413, f"{method} {path}", "body_too_large")


def test_long_strings_and_unicode_within_the_limit_never_answer_500(
        app: Flask, client: FlaskClient, session: Session) -> None:
    p = make_principals(session)
    session.commit()
    bodies = [b'{"description": "' + b"a" * 60000 + b'"}',
              '{"email": "\u202e\U0001F600@example.com", "name": "\u0000"}'.encode(),
              b'{"amount": 1e308, "value": -0.0, "count": 99999999999999999999}',
              b'[' * jsonparse.MAX_DEPTH + b']' * jsonparse.MAX_DEPTH]
    for method, path in json_endpoints(app):
        if method == "GET":
            continue
        for kind in ("anonymous", "admin", "merchant", "user_token"):
            caller, headers = _client_for(client, p, kind)
            for body in bodies:
                response = caller.open(path, method=method, data=body, headers=headers)
                assert response.status_code < 500, (method, path, kind, response.data[:200])
                if response.status_code >= 400 and response.is_json:
                    # /oauth/* answers RFC 6749 §5.2 errors, as documented
                    oauth = path.startswith("/oauth/")
                    assert set(response.get_json()) <= {"error", "error_description"} \
                        if oauth else set(response.get_json()) == {"error"}


def test_the_parser_limits_directly() -> None:
    assert jsonparse.loads(b'{"a": [1, 2.5, "\xc3\xa9"]}') == {"a": [1, 2.5, "é"]}
    nested: Any = 1
    for _ in range(jsonparse.MAX_DEPTH):
        nested = [nested]  # exactly MAX_DEPTH arrays
    assert jsonparse.loads(repr(nested).replace(" ", "")) == nested
    with pytest.raises(jsonparse.InvalidJSON):
        jsonparse.loads("[" + repr(nested) + "]")
    assert jsonparse.loads("9" * jsonparse.MAX_NUMBER_LENGTH) == int("9" * 40)
    for body, code in HOSTILE.values():
        with pytest.raises(jsonparse.InvalidJSON) as caught:
            jsonparse.loads(body)
        assert caught.value.code == code


def test_every_api_blueprint_reads_the_one_parsed_body(app: Flask) -> None:
    import flask_smorest

    from wallet.web.json_body import Blueprint

    api_blueprints = [bp for bp in app.blueprints.values()
                      if isinstance(bp, flask_smorest.Blueprint)]
    assert len(api_blueprints) >= 8
    assert all(isinstance(bp, Blueprint) for bp in api_blueprints), [
        bp.name for bp in api_blueprints if not isinstance(bp, Blueprint)]
