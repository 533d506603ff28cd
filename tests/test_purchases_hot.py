"""The purchase hot path on PostgreSQL (one statement, ``wallet_purchase``) against the
Python purchase: the same answers, ledger, counters and outbox rows, and the caller's
revocation stopping it at once. Real commits (``committed_app``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from tests.support.buyers import make_world, top_up, user_token
from tests.support.hot_path import (
    IDS,
    answer,
    buy,
    public_key,
    revocation_stops_purchases_at_once,
)
from wallet.credits import service as credits
from wallet.db import db, utcnow
from wallet.ledger import audit
from wallet.purchases import api as purchases_api
from wallet.purchases import hot
from wallet.purchases.models import SpendCounter
from wallet.webhooks.models import Event

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(committed_app: Flask, engine_name: str) -> Iterator[Flask]:
    if engine_name != "postgresql":
        pytest.skip("the hot path is PostgreSQL's")
    yield committed_app
    engine = committed_app.extensions.get(purchases_api.HOT_EXTENSION)
    if engine is not None:
        engine.dispose()


def _scenario(app: Flask) -> list[Any]:
    """Lots then paid credits, replays, conflicts, caps and limits; what a client and
    the merchant's webhooks would see, less ids and times."""
    with app.app_context():
        session = db.session()
        world = make_world(session, users=2)
        buyer, poor = world.user_ids
        top_up(session, buyer, 100)
        now = utcnow()
        for n, (lot, days) in enumerate([(5, 3), (7, 1), (4, None)]):
            credits.grant_promotional(session, buyer, lot,
                                      now + timedelta(days=days) if days else None,
                                      "promo", f"lot-{n}-{world.app_id}")
        token = user_token(session, buyer, world.app_id, per_purchase_cap=60, daily_cap=80)
        poor_token = user_token(session, poor, world.app_id)
        session.commit()
    client = app.test_client()
    seen: list[Any] = []

    steps = [(token, "a", 10, "Tides ünïcode", {"sku": "x"}),
             (token, "a", 10, "Tides ünïcode", {"sku": "x"}),  # replay
             (token, "a", 11, "Tides ünïcode", {"sku": "x"}),  # key reused
             (token, "b", 61, "too big", None),  # per-purchase cap
             (token, "c", 20, "more", None),
             (token, "d", 60, "past the day", None),  # daily cap
             (token, "e", 50, "day", None),
             (poor_token, "f", 1, "nothing", None)]  # insufficient
    for who, key, amount, description, metadata in steps:
        seen.append(answer(buy(client, who, key, amount, description, metadata)))
    app.config["PURCHASE_VELOCITY"] = 1
    seen.append(answer(buy(client, token, "g", 1)))  # velocity
    app.config["PURCHASE_VELOCITY"] = 60
    with app.app_context():
        session = db.session()
        events = session.scalars(select(Event.data).where(
            Event.merchant_id == world.merchant_id).order_by(Event.seq)).all()
        seen.append([{k: v for k, v in e.items() if k not in IDS} for e in events])
        seen.append(sorted((c.app_id == "*", c.day_total, c.minute_count)
                           for c in session.scalars(select(SpendCounter).where(
                               SpendCounter.user_id.in_(world.user_ids)))))
        postings = session.execute(text(
            "SELECT p.amount, a.kind, t.fingerprint, t.metadata::text, pu.* "
            "FROM postings p JOIN transactions t ON t.id = p.transaction_id "
            "JOIN accounts a ON a.id = p.debit_account_id "
            "JOIN purchases pu ON pu.txn_id = t.id "
            "WHERE pu.merchant_id = :m ORDER BY p.id"), {"m": world.merchant_id}).all()
        seen.append([(row.amount, row.kind) for row in postings])
        for row in postings:  # the ledger fingerprint as wallet.ledger.core computes it
            meta = json.loads(row[3])
            assert meta["purchase_id"] == row.id
            assert row[2] == _fingerprint(session, row.txn_id, meta)
        report = audit.verify(session, public_key(app))
        assert report.ok, report
        db.session.remove()
    return seen


def _fingerprint(session: Session, txn_id: int, meta: dict[str, Any]) -> str:
    from wallet.ledger.core import fingerprint, transaction_moves

    return fingerprint("purchase", transaction_moves(session, txn_id), meta, None)


def test_same_answers_as_the_python_purchase(pg_app: Flask, monkeypatch: Any) -> None:
    calls: list[int] = []
    real = hot._call_pooled
    monkeypatch.setattr(hot, "_call_pooled", lambda *a, **k: calls.append(1) or real(*a, **k))
    on_hot = _scenario(pg_app)
    assert calls, "the hot path ran"
    engine = pg_app.extensions.pop(purchases_api.HOT_EXTENSION)
    try:
        calls.clear()
        on_python = _scenario(pg_app)
        assert not calls
    finally:
        pg_app.extensions[purchases_api.HOT_EXTENSION] = engine
    assert on_hot == on_python
    statuses = [step[0] for step in on_hot[:9]]
    assert statuses == [201, 201, 409, 403, 201, 403, 201, 402, 429]
    assert on_hot[1][1] == "true" and on_hot[0][1] is None


def test_one_statement_and_no_orm(pg_app: Flask) -> None:
    with pg_app.app_context():
        session = db.session()
        world = make_world(session)
        top_up(session, world.user_ids[0], 50)
        token = user_token(session, world.user_ids[0], world.app_id)
        session.commit()
        engine = db.engine
    client = pg_app.test_client()
    assert buy(client, token, "warm", 1).status_code == 201  # opens nothing new
    statements: list[str] = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        response = buy(client, token, "k1", 2)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["balance_after"] == 47
    assert statements == []  # nothing on the app's ORM engine: token, session, pre-ping


def test_revocation_stops_the_hot_path_at_once(pg_app: Flask) -> None:
    revocation_stops_purchases_at_once(pg_app)
