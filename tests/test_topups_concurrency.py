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


def test_a_merchant_refund_racing_a_chargeback_returns_the_purchase_once(
        committed_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    """The chargeback recovers the spent credits from the merchant, or the merchant refunds
    them into the wallet and the chargeback claws them back there: never both, and the two
    lock the purchase in the same order, so neither deadlocks (docs/risk.md, "Refunds after
    a recovery")."""
    from tests.support.buyers import make_world, user_token
    from wallet.payouts.earnings import earnings

    with committed_app.app_context():
        world = make_world(db.session(), users=3)
        tokens = [user_token(db.session(), user, world.app_id) for user in world.user_ids]
        db.session.commit()
    outcomes = []
    for user_id, token in zip(world.user_ids, tokens, strict=True):
        client = committed_app.test_client()
        sign_in(client, user_id)
        made = checkout(client)
        assert made.status_code == 201, made.json
        topup = dict(made.json)
        with committed_app.app_context():
            assert send(client, *event(committed_app, "payment_succeeded", topup)
                        ).status_code == 200
            chargeback = event(committed_app, "chargeback", topup)
        bought = client.post("/v1/purchases", json={"amount": 500, "description": "all"},
                             headers={"Authorization": f"Bearer {token}",
                                      "Idempotency-Key": f"all-{user_id}"})
        assert bought.status_code == 201, bought.json

        def refund(purchase_id: str = bought.json["id"]) -> Any:
            answer = committed_app.test_client().post(
                f"/v1/purchases/{purchase_id}/refunds", json={},
                headers={"Authorization": f"Bearer {world.merchant_key}",
                         "Idempotency-Key": f"r-{purchase_id}"})
            return answer.status_code, answer.json["error"]["code"] if answer.json.get(
                "error") else None

        refunded, charged = run_together([refund, deliver(committed_app, *chargeback)])
        assert charged == 200
        assert refunded in ((201, None), (409, "purchase_recovered_by_dispute")), refunded
        outcomes.append(refunded[0])
        with committed_app.app_context():
            session = db.session()
            assert paid_credits(session, user_id) == 0
            owed = earnings(session, world.merchant_id)
            assert (owed.pending, owed.available, owed.debt) == (0, 0, 0), owed
    with committed_app.app_context():
        result = committed_app.test_cli_runner().invoke(args=["ledger", "verify"])
        assert result.exit_code == 0, result.output
    assert "deadlock" not in caplog.text
    print(f"refund answers: {outcomes}")
