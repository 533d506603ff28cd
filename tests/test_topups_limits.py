"""Risk limits: daily top-up limit and maximum wallet balance, at checkout and at crediting."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.topup_helpers import (
    checkout,
    event,
    give,
    paid_credits,
    send,
)
from wallet.merchants.service import issue_key
from wallet.people.models import User
from wallet.topups.setup import limits_from_config


def pay(app: Flask, client: FlaskClient, topup: dict[str, Any]) -> Any:
    return send(client, *event(app, "payment_succeeded", topup))


def test_daily_limit_counts_paid_and_open_checkouts(
    app: Flask, client: FlaskClient, person: User, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "DAILY_TOPUP_LIMIT_CREDITS", 1100)
    first = checkout(client, "starter")  # 500
    assert first.status_code == 201
    assert pay(app, client, first.json).json["outcome"] == "paid"
    second = checkout(client, "starter")  # 1000 with the open checkout
    assert second.status_code == 201
    refused = checkout(client, "starter")
    assert refused.status_code == 422
    error = refused.json["error"]
    assert error["code"] == "daily_topup_limit_exceeded"
    assert error["param"] == "pack_id"
    assert "1,100 credits per 24 hours" in error["message"]
    assert "100 more credits" in error["message"]


def test_failed_checkouts_do_not_count(app: Flask, client: FlaskClient, person: User,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "DAILY_TOPUP_LIMIT_CREDITS", 500)
    first = checkout(client, "starter")
    send(client, *event(app, "payment_failed", first.json))
    assert checkout(client, "starter").status_code == 201


def test_daily_money_limit(app: Flask, client: FlaskClient, person: User,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "DAILY_TOPUP_LIMIT_MONEY", {"KRW": 20000})
    assert checkout(client, "plus", "KRW").status_code == 201  # 13,000 KRW
    refused = checkout(client, "plus", "KRW")
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "daily_topup_limit_exceeded"
    assert checkout(client, "starter", "USD").status_code == 201  # other currency


def test_max_wallet_balance(app: Flask, client: FlaskClient, session: Session, person: User,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "MAX_WALLET_CREDITS", 1000)
    give(session, person.id, 600)
    session.commit()
    refused = checkout(client, "starter")
    assert refused.status_code == 422
    error = refused.json["error"]
    assert error["code"] == "max_wallet_balance_exceeded"
    assert "at most 1,000 credits" in error["message"] and "1,100" in error["message"]
    monkeypatch.setitem(app.config, "MAX_WALLET_CREDITS", 1100)
    assert checkout(client, "starter").status_code == 201


def test_limits_are_checked_again_when_crediting(
    app: Flask, client: FlaskClient, session: Session, person: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = checkout(client, "starter").json
    second = checkout(client, "starter").json
    monkeypatch.setitem(app.config, "DAILY_TOPUP_LIMIT_CREDITS", 700)
    assert pay(app, client, first).json["outcome"] == "paid"
    assert pay(app, client, second).json["outcome"] == "held"
    assert paid_credits(session, person.id) == 500
    shown = client.get(f"/v1/topups/{second['id']}").json
    assert (shown["status"], shown["hold_reason"], shown["credited"]) == (
        "held", "daily_topup_limit_exceeded", 0)
    # the operator reviews it and releases it: the credits land once
    _key, secret = issue_key(session, "admin")
    session.commit()
    operator = app.test_client()
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": f"r-{time.time_ns()}"}
    released = operator.post(f"/v1/topups/{second['id']}/release", headers=headers)
    assert released.status_code == 200, released.json
    assert released.json["status"] == "succeeded"
    assert paid_credits(session, person.id) == 1000
    again = operator.post(f"/v1/topups/{second['id']}/release",
                          headers={**headers, "Idempotency-Key": "other"})
    assert again.status_code == 409
    assert client.post(f"/v1/topups/{first['id']}/release",
                       headers={"Idempotency-Key": "z", "X-CSRF-Token": "csrf-test-token"}
                       ).status_code == 403


def test_refund_of_a_held_topup_moves_nothing(app: Flask, client: FlaskClient, session: Session,
                                              person: User,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    topup = checkout(client, "starter").json
    monkeypatch.setitem(app.config, "MAX_WALLET_CREDITS", 100)
    assert pay(app, client, topup).json["outcome"] == "held"
    send(client, *event(app, "refunded", topup, amount=499))
    assert paid_credits(session, person.id) == 0
    assert client.get(f"/v1/topups/{topup['id']}").json["status"] == "refunded"


def test_limits_from_config() -> None:
    limits = limits_from_config({"DAILY_TOPUP_LIMIT_CREDITS": None,
                                 "DAILY_TOPUP_LIMIT_MONEY": {"usd": 100}})
    assert limits.daily_credits is None
    assert limits.daily_money == {"USD": 100}
    assert limits.max_wallet_credits == 100_000
    with pytest.raises(RuntimeError):
        limits_from_config({"MAX_WALLET_CREDITS": -1})
    with pytest.raises(RuntimeError):
        limits_from_config({"DAILY_TOPUP_LIMIT_MONEY": {"USD": 1.5}})
