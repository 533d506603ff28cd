"""Hostile input on every POST of purchases, refunds and grants: 4xx in the one
error shape, and nothing moved."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.buyers import make_world, pending, top_up, user_token
from wallet.credits import service as credits
from wallet.credits.models import CreditLot
from wallet.ledger.models import LedgerTransaction
from wallet.merchants import service as merchants_service
from wallet.purchases.models import Purchase, Refund

HUGE = "x" * (2 * 1024 * 1024)

BAD_AMOUNTS: list[Any] = [0, -1, 1.5, 1.0, "1", "NaN", "nan", "Infinity", True, False, None,
                          2**63, 10**30, -(2**63), [], {}, "\uff11"]


def bodies(field: str, valid: dict[str, Any]) -> list[Any]:
    """Variations of a valid body: bad values of ``field``, missing/unknown fields, junk."""
    out: list[Any] = [{**valid, field: bad} for bad in BAD_AMOUNTS]
    out += [{k: v for k, v in valid.items() if k != field}, {**valid, "unknown": 1},
            {**valid, "description": HUGE}, [], "string", 5, None]
    return out


@pytest.fixture
def ctx(app: Flask, session: Session) -> dict[str, Any]:
    world = make_world(session)
    top_up(session, world.user_ids[0], 1000)
    token = user_token(session, world.user_ids[0], world.app_id)
    _, admin = merchants_service.issue_key(session, "admin")
    client = app.test_client()
    session.commit()
    bought = client.post("/v1/purchases", json={"amount": 10, "description": "ok"},
                         headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "p"})
    assert bought.status_code == 201
    return {"world": world, "token": token, "admin": admin, "client": client,
            "purchase_id": bought.json["id"]}


def snapshot(session: Session, ctx: dict[str, Any]) -> tuple[int, ...]:
    count = lambda model: int(session.scalar(select(func.count()).select_from(model)) or 0)  # noqa: E731
    user = ctx["world"].user_ids[0]
    return (count(Purchase), count(Refund), count(CreditLot), count(LedgerTransaction),
            credits.summary(session, user).total, pending(session, ctx["world"].merchant_id))


def check_refused(client: FlaskClient, path: str, body: Any, headers: dict[str, str],
                  raw: bytes | None = None) -> None:
    if raw is not None:
        answer = client.post(path, data=raw, headers={**headers,
                                                      "Content-Type": "application/json"})
    else:
        answer = client.post(path, json=body, headers=headers)
    assert 400 <= answer.status_code < 500, (body if raw is None else raw, answer.status_code,
                                             answer.get_data(as_text=True)[:300])
    error = answer.get_json()["error"]
    assert set(error) >= {"type", "code", "message", "param"}


RAW_BODIES = [b"{", b"{\"amount\": 1,", b"\xff\xfe", b"", b"null", b"{\"amount\": NaN}",
              b"{\"amount\": 1e400, \"description\": \"x\"}",
              b"{\"amount\": 1, \"amount\": 2, \"description\": \"x\"}" * 0 + b"[1,2]"]

CONTROL = ["a\x00b", "line\nbreak", "\x1b[31mred", "\u0085", "\ud800"]


def test_hostile_purchases_move_nothing(session: Session, ctx: dict[str, Any]) -> None:
    client, headers = ctx["client"], {"Authorization": f"Bearer {ctx['token']}"}
    before = snapshot(session, ctx)
    valid = {"amount": 5, "description": "Sticker"}
    cases = bodies("amount", valid) + [{**valid, "description": c} for c in CONTROL]
    cases += [{**valid, "description": ""}, {**valid, "description": True},
              {**valid, "metadata": {"k": 1}}, {**valid, "metadata": ["x"]},
              {**valid, "metadata": {f"k{i}": "v" for i in range(21)}},
              {**valid, "metadata": {"k" * 41: "v"}}, {**valid, "metadata": {"k": "\x00"}}]
    for i, body in enumerate(cases):
        check_refused(client, "/v1/purchases", body, {**headers, "Idempotency-Key": f"h{i}"})
    for i, raw in enumerate(RAW_BODIES):
        check_refused(client, "/v1/purchases", None, {**headers, "Idempotency-Key": f"r{i}"},
                      raw=raw)
    for key in ["x" * 256, "tab\tkey", "ünï"]:
        check_refused(client, "/v1/purchases", valid, {**headers, "Idempotency-Key": key})
    assert snapshot(session, ctx) == before


def test_hostile_refunds_move_nothing(session: Session, ctx: dict[str, Any]) -> None:
    client = ctx["client"]
    headers = {"Authorization": f"Bearer {ctx['world'].merchant_key}"}
    path = f"/v1/purchases/{ctx['purchase_id']}/refunds"
    before = snapshot(session, ctx)
    cases = [{"amount": bad} for bad in BAD_AMOUNTS if bad is not None]
    cases += [{"amount": 11}, {"unknown": 1}, {"amount": 1, "x": HUGE}, [], "s", 3]
    for i, body in enumerate(cases):
        check_refused(client, path, body, {**headers, "Idempotency-Key": f"h{i}"})
    for i, raw in enumerate(RAW_BODIES[:-1]):
        if raw in (b"", b"null"):
            continue  # an empty body is a full refund; see below
        check_refused(client, path, None, {**headers, "Idempotency-Key": f"r{i}"}, raw=raw)
    check_refused(client, "/v1/purchases/pur_nope/refunds", {}, {**headers,
                                                                "Idempotency-Key": "nf"})
    check_refused(client, "/v1/purchases/%00/refunds", {}, {**headers,
                                                            "Idempotency-Key": "nul"})
    assert snapshot(session, ctx) == before


def test_hostile_grants_move_nothing(session: Session, ctx: dict[str, Any]) -> None:
    client = ctx["client"]
    headers = {"Authorization": f"Bearer {ctx['admin']}"}
    before = snapshot(session, ctx)
    valid = {"user_id": ctx["world"].user_ids[0], "credits": 5, "reason": "promo"}
    cases = bodies("credits", valid)
    cases += [{**valid, "expires_at": bad} for bad in
              ["yesterday", "2020-01-01T00:00:00Z", "2099-01-01T00:00:00", 5, True,
               "2099-13-01T00:00:00Z", "9999-12-31T23:59:59+14:00" + "x"]]
    cases += [{**valid, "reason": c} for c in [*CONTROL, "", "r" * 201]]
    cases += [{**valid, "user_id": "usr_nobody"}, {**valid, "user_id": 5},
              {**valid, "user_id": "u" * 41}]
    for i, body in enumerate(cases):
        check_refused(client, "/v1/grants", body, {**headers, "Idempotency-Key": f"g{i}"})
    for i, raw in enumerate(RAW_BODIES):
        check_refused(client, "/v1/grants", None, {**headers, "Idempotency-Key": f"gr{i}"},
                      raw=raw)
    assert snapshot(session, ctx) == before
