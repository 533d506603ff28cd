"""Stored Idempotency-Key answers: no voucher secret in clear, replayed intact, purged
after 24 hours."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tests.support.voucher_world import bearer, idem, world
from wallet.db import utcnow
from wallet.web.idempotency import records_t


@pytest.fixture
def w(session: Session) -> dict[str, Any]:
    return world(session)


def stored_bodies(session: Session) -> list[str]:
    return [row or "" for row in session.scalars(select(records_t.c.response_body))]


def test_voucher_codes_and_payloads_are_not_stored_in_clear(client: FlaskClient,
                                                            session: Session,
                                                            w: dict[str, Any]) -> None:
    admin = bearer(w["admin_key"])
    headers = idem(admin)
    first = client.post("/v1/vouchers", json={"value": 7}, headers=headers)
    assert first.status_code == 201
    campaign = client.post("/v1/voucher_campaigns", json={"count": 3, "value": 2,
                                                          "funding": "promotion"},
                           headers=idem(admin))
    assert campaign.status_code == 201
    secrets_shown = [first.json["code"], first.json["payload"], first.json["code"][:6]]
    for voucher in campaign.json["vouchers"]:
        secrets_shown += [voucher["code"], voucher["payload"]]
    bodies = stored_bodies(session)
    assert len(bodies) == 2
    for body in bodies:
        assert body.startswith("v1:")
        for secret in secrets_shown:
            assert secret not in body
            assert secret.replace("-", "") not in body
        assert "vch_" not in body and "payload" not in body
    replay = client.post("/v1/vouchers", json={"value": 7}, headers=headers)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json == first.json  # the client still gets its code back on a retry


def test_a_replay_sealed_under_another_secret_is_refused_not_garbled(
        app: Flask, client: FlaskClient, w: dict[str, Any]) -> None:
    headers = idem(bearer(w["admin_key"]))
    assert client.post("/v1/vouchers", json={"value": 3}, headers=headers).status_code == 201
    saved = app.extensions["wallet_idempotency_key"]
    app.extensions["wallet_idempotency_key"] = b"\x07" * 32  # as after a secret key rotation
    try:
        replay = client.post("/v1/vouchers", json={"value": 3}, headers=headers)
    finally:
        app.extensions["wallet_idempotency_key"] = saved
    assert replay.status_code == 409
    assert replay.json["error"]["code"] == "idempotency_replay_unavailable"


def _old_and_new_records(session: Session) -> None:
    now = utcnow()
    rows = [{"scope": "test", "key": f"old-{i}", "fingerprint": "f", "state": "done",
             "response_status": 201, "response_body": "v1:x",
             "created_at": now - timedelta(hours=24, minutes=1 + i)} for i in range(5)]
    rows.append({"scope": "test", "key": "fresh", "fingerprint": "f", "state": "done",
                 "response_status": 201, "response_body": "v1:x",
                 "created_at": now - timedelta(hours=23)})
    session.execute(insert(records_t), rows)
    session.commit()


def _keys(session: Session) -> set[str]:
    return set(session.scalars(select(records_t.c.key).where(records_t.c.scope == "test")))


def test_purge_command_deletes_records_older_than_24_hours(runner: FlaskCliRunner,
                                                           session: Session) -> None:
    _old_and_new_records(session)
    result = runner.invoke(args=["idempotency", "purge"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"purged": 5}
    assert _keys(session) == {"fresh"}
    again = runner.invoke(args=["idempotency", "purge"])
    assert json.loads(again.output) == {"purged": 0}


def test_claims_purge_expired_records_opportunistically(app: Flask, client: FlaskClient,
                                                        session: Session,
                                                        w: dict[str, Any]) -> None:
    _old_and_new_records(session)
    app.config["IDEMPOTENCY_PURGE_EVERY"] = 0  # never
    try:
        client.post("/v1/vouchers", json={"value": 1}, headers=idem(bearer(w["admin_key"])))
        assert len(_keys(session)) == 6
        app.config["IDEMPOTENCY_PURGE_EVERY"] = 1
        client.post("/v1/vouchers", json={"value": 1}, headers=idem(bearer(w["admin_key"])))
    finally:
        app.config.pop("IDEMPOTENCY_PURGE_EVERY")
    assert _keys(session) == {"fresh"}
    assert session.scalar(select(func.count()).select_from(records_t)) == 3
