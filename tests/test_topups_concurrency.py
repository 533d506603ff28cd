"""Concurrent webhook deliveries: credits land exactly once, claw-backs never overdraw."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.support.topup_helpers import checkout, event, new_user, paid_credits, send, sign_in
from wallet.db import db
from wallet.ledger.models import LedgerTransaction
from wallet.topups.models import ProviderEventRecord

pytestmark = pytest.mark.slow


def run_together(calls: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def worker(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def prepared(app: Flask) -> tuple[str, dict[str, Any]]:
    with app.app_context():
        user = new_user(db.session())
        user_id = user.id
        db.session.commit()
    client = app.test_client()
    sign_in(client, user_id)
    response = checkout(client)
    assert response.status_code == 201, response.json
    return user_id, dict(response.json)


def deliver(app: Flask, body: bytes, header: str) -> Callable[[], int]:
    return lambda: send(app.test_client(), body, header).status_code


def test_the_same_event_delivered_at_once_credits_once(committed_app: Flask) -> None:
    user_id, topup = prepared(committed_app)
    with committed_app.app_context():
        body, header = event(committed_app, "payment_succeeded", topup)
        successes = [event(committed_app, "payment_succeeded", topup) for _ in range(3)]
    calls = [deliver(committed_app, body, header) for _ in range(5)]
    calls += [deliver(committed_app, b, h) for b, h in successes]
    statuses = run_together(calls)
    assert set(statuses) == {200}
    with committed_app.app_context():
        session = db.session()
        assert paid_credits(session, user_id) == 500
        assert session.scalar(select(func.count()).select_from(LedgerTransaction).where(
            LedgerTransaction.reference == f"topup:{topup['id']}")) == 1
        assert session.scalar(select(func.count()).select_from(ProviderEventRecord).where(
            ProviderEventRecord.topup_id == topup["id"])) == 4


def test_refunds_racing_each_other_claw_back_once(committed_app: Flask) -> None:
    user_id, topup = prepared(committed_app)
    with committed_app.app_context():
        send(committed_app.test_client(), *event(committed_app, "payment_succeeded", topup))
        refunds = [event(committed_app, "refunded", topup, amount=amount)
                   for amount in (100, 250, 499, 250, 100)]
        chargeback = event(committed_app, "chargeback", topup)
    calls = [deliver(committed_app, b, h) for b, h in [*refunds, chargeback]]
    assert set(run_together(calls)) == {200}
    with committed_app.app_context():
        assert paid_credits(db.session(), user_id) == 0
