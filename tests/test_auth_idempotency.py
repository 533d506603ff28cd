"""The principal check and Idempotency-Key semantics, on a throw-away endpoint."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from flask import Flask
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from wallet.db import db
from wallet.demo import seed_demo
from wallet.web.auth import principal, requires
from wallet.web.idempotency import idempotent

calls: list[int] = []


class EchoIn(Schema):
    amount = fields.Integer(required=True, strict=True)


def register_echo(app: Flask, delay: float = 0.0) -> None:
    blp = Blueprint("echo_test", __name__, url_prefix="/v1/echo-test")

    @blp.route("")
    class Echo(MethodView):
        @requires("merchant")
        @idempotent
        @blp.arguments(EchoIn)
        @blp.response(201)
        def post(self, data: dict[str, Any]) -> dict[str, Any]:
            calls.append(data["amount"])
            time.sleep(delay)
            if data["amount"] == 13:
                from wallet.errors import Unprocessable
                raise Unprocessable("unlucky")
            return {"n": len(calls), "merchant_id": principal().merchant_id}

    app.register_blueprint(blp)


@pytest.fixture
def demo(committed_app: Flask) -> dict[str, str]:
    with committed_app.app_context():
        result = seed_demo(db.session(), b"x" * 32)
        db.session.commit()
    return result


def test_principals_are_checked(committed_app: Flask, demo: dict[str, str]) -> None:
    register_echo(committed_app)
    client = committed_app.test_client()
    body = {"amount": 1}
    assert client.post("/v1/echo-test", json=body).status_code == 401
    garbage = client.post("/v1/echo-test", json=body, headers={"Authorization": "Bearer sk_no"})
    assert garbage.status_code == 401
    assert garbage.json["error"]["code"] == "invalid_api_key"
    for key in ("admin_key", "counter_key"):
        wrong = client.post("/v1/echo-test", json=body,
                            headers={"Authorization": f"Bearer {demo[key]}"})
        assert wrong.status_code == 403
        assert wrong.json["error"]["code"] == "wrong_principal"
    basic = client.post("/v1/echo-test", json=body, headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401


def test_idempotency_replays_conflicts_and_releases(committed_app: Flask,
                                                    demo: dict[str, str]) -> None:
    register_echo(committed_app)
    client = committed_app.test_client()
    auth = {"Authorization": f"Bearer {demo['merchant_key']}"}
    missing = client.post("/v1/echo-test", json={"amount": 1}, headers=auth)
    assert missing.status_code == 400
    assert missing.json["error"]["code"] == "idempotency_key_required"
    headers = {**auth, "Idempotency-Key": "k1"}
    first = client.post("/v1/echo-test", json={"amount": 1}, headers=headers)
    assert first.status_code == 201
    again = client.post("/v1/echo-test", json={"amount": 1}, headers=headers)
    assert (again.status_code, again.json) == (201, first.json)
    assert again.headers["Idempotent-Replayed"] == "true"
    other = client.post("/v1/echo-test", json={"amount": 2}, headers=headers)
    assert other.status_code == 409
    assert other.json["error"]["code"] == "idempotency_key_reused"
    failing = {**auth, "Idempotency-Key": "k2"}
    assert client.post("/v1/echo-test", json={"amount": 13}, headers=failing).status_code == 422
    assert client.post("/v1/echo-test", json={"amount": 13}, headers=failing).status_code == 422
    bad = client.post("/v1/echo-test", json={"amount": "x"}, headers=failing)
    assert bad.status_code == 400


def test_concurrent_requests_with_one_key(committed_app: Flask, demo: dict[str, str],
                                          engine_name: str) -> None:
    """The work runs once. PostgreSQL: the second request answers 409 at once (the
    first holds the key's advisory lock); SQLite runs writers one at a time, so the
    second waits for the first's commit and replays its answer."""
    register_echo(committed_app, delay=0.5)
    headers = {"Authorization": f"Bearer {demo['merchant_key']}", "Idempotency-Key": "race"}
    answers: list[tuple[int, Any]] = []
    calls.clear()

    def call() -> None:
        response = committed_app.test_client().post("/v1/echo-test", json={"amount": 5},
                                                     headers=headers)
        answers.append((response.status_code, response.json))

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert calls == [5]
    statuses = sorted(status for status, _ in answers)
    if engine_name == "postgresql":
        assert statuses == [201, 409]
    else:
        assert statuses == [201, 201]
        assert answers[0][1] == answers[1][1]
