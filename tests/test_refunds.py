"""Races on real commits: parallel partial refunds, one Idempotency-Key twice at once,
and many buyers at one merchant (the hot account)."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.support.buyers import make_world, pending, top_up, user_token
from wallet.credits import service as credits
from wallet.db import db
from wallet.ledger.core import Move, post
from wallet.purchases.models import Purchase, Refund


def setup(app: Flask, users: int = 1, credits_each: int = 1000) -> dict[str, Any]:
    with app.app_context():
        session = db.session()
        world = make_world(session, users=users)
        tokens = []
        for user in world.user_ids:
            top_up(session, user, credits_each)
            tokens.append(user_token(session, user, world.app_id))
        session.commit()
    return {"world": world, "tokens": tokens}


def run_parallel(n: int, call: Any) -> list[Any]:
    results: list[Any] = [None] * n
    barrier = threading.Barrier(n)

    def worker(i: int) -> None:
        barrier.wait()
        results[i] = call(i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_parallel_partial_refunds_never_exceed_the_purchase(committed_app: Flask) -> None:
    ctx = setup(committed_app)
    world = ctx["world"]
    client = committed_app.test_client()
    bought = client.post("/v1/purchases", json={"amount": 100, "description": "Box"},
                         headers={"Authorization": f"Bearer {ctx['tokens'][0]}",
                                  "Idempotency-Key": "p"})
    assert bought.status_code == 201
    purchase_id = bought.json["id"]

    def refund(i: int) -> tuple[int, Any]:
        answer = committed_app.test_client().post(
            f"/v1/purchases/{purchase_id}/refunds", json={"amount": 15},
            headers={"Authorization": f"Bearer {world.merchant_key}",
                     "Idempotency-Key": f"r{i}"})
        return answer.status_code, answer.json

    results = run_parallel(10, refund)
    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 6, 409: 4}, results
    with committed_app.app_context():
        session = db.session()
        assert session.scalar(select(Purchase.refunded).where(Purchase.id == purchase_id)) == 90
        assert session.scalar(select(func.sum(Refund.amount))) == 90
        assert pending(session, world.merchant_id) == 10
        assert credits.summary(session, world.user_ids[0]).total == 990


def test_one_idempotency_key_twice_at_once_buys_once(committed_app: Flask) -> None:
    ctx = setup(committed_app)

    def buy(i: int) -> tuple[int, Any]:
        answer = committed_app.test_client().post(
            "/v1/purchases", json={"amount": 7, "description": "Once"},
            headers={"Authorization": f"Bearer {ctx['tokens'][0]}",
                     "Idempotency-Key": "same"})
        return answer.status_code, answer.json

    results = run_parallel(4, buy)
    created = [body for status, body in results if status == 201]
    in_progress = [body for status, body in results if status == 409]
    assert len(created) + len(in_progress) == 4, results
    assert created, results
    assert len({body["id"] for body in created}) == 1
    assert all(b["error"]["code"] == "idempotency_request_in_progress" for b in in_progress)
    with committed_app.app_context():
        session = db.session()
        assert credits.summary(session, ctx["world"].user_ids[0]).total == 993
        assert session.scalar(select(func.count()).select_from(Purchase)) == 1


def test_a_purchase_in_progress_answers_409(committed_app: Flask, engine_name: str) -> None:
    """While another transaction holds the key, a second request does not wait."""
    if engine_name != "postgresql":
        pytest.skip("SQLite runs one writer at a time: two purchases are never in flight")
    from sqlalchemy import text

    from wallet.purchases.service import Buyer, ledger_reference

    ctx = setup(committed_app)
    world = ctx["world"]
    reference = ledger_reference(
        Buyer(user_id=world.user_ids[0], app_id=world.app_id, merchant_id=world.merchant_id),
        "held")
    with committed_app.app_context(), db.engine.connect() as holder:
        holder.execute(text("SELECT pg_advisory_lock(hashtextextended(:r, 0))"),
                       {"r": reference})
        answer = committed_app.test_client().post(
            "/v1/purchases", json={"amount": 7, "description": "Held"},
            headers={"Authorization": f"Bearer {ctx['tokens'][0]}", "Idempotency-Key": "held"})
        holder.execute(text("SELECT pg_advisory_unlock_all()"))
    assert answer.status_code == 409
    assert answer.json["error"]["code"] == "idempotency_request_in_progress"
    retry = committed_app.test_client().post(
        "/v1/purchases", json={"amount": 7, "description": "Held"},
        headers={"Authorization": f"Bearer {ctx['tokens'][0]}", "Idempotency-Key": "held"})
    assert retry.status_code == 201


def test_many_buyers_one_merchant_and_one_buyer_many_threads(committed_app: Flask) -> None:
    ctx = setup(committed_app, users=4, credits_each=50)
    world = ctx["world"]

    def buy(i: int) -> int:
        answer = committed_app.test_client().post(
            "/v1/purchases", json={"amount": 10, "description": "Tip"},
            headers={"Authorization": f"Bearer {ctx['tokens'][i % 4]}",
                     "Idempotency-Key": uuid.uuid4().hex})
        return answer.status_code

    statuses = Counter(run_parallel(24, buy))  # 6 per buyer, only 5 affordable
    assert statuses == {201: 20, 402: 4}, statuses
    with committed_app.app_context():
        session = db.session()
        assert pending(session, world.merchant_id) == 200
        for user in world.user_ids:
            assert credits.summary(session, user).total == 0


def test_promo_lots_spent_once_under_concurrency_and_expiry_runs_twice(
        committed_app: Flask) -> None:
    from datetime import timedelta

    from wallet.db import utcnow

    ctx = setup(committed_app, credits_each=0 + 1)
    user = ctx["world"].user_ids[0]
    with committed_app.app_context():
        session = db.session()
        for i in range(3):
            credits.grant_promotional(session, user, 10, utcnow() + timedelta(days=i + 1),
                                      "promo", f"lot-{i}")
        session.commit()

    def buy(i: int) -> int:
        return committed_app.test_client().post(
            "/v1/purchases", json={"amount": 4, "description": "Tip"},
            headers={"Authorization": f"Bearer {ctx['tokens'][0]}",
                     "Idempotency-Key": uuid.uuid4().hex}).status_code

    statuses = Counter(run_parallel(9, buy))  # 31 credits: 7 purchases of 4
    assert statuses == {201: 7, 402: 2}, statuses
    with committed_app.app_context():
        session = db.session()
        found = credits.summary(session, user)
        assert (found.paid, found.promotional) == (1, 2)
        later = utcnow() + timedelta(days=10)

    def expire(i: int) -> int:
        with committed_app.app_context():
            done = credits.expire_lots(db.session(), now=later)
            db.session.commit()
            return done

    assert sum(run_parallel(3, expire)) == 1  # only the last lot held credits
    with committed_app.app_context():
        session = db.session()
        assert credits.summary(session, user, now=later).promotional == 0
        assert credits.expire_lots(session, now=later) == 0
        # a late credit into an expired lot is swept by the next run
        lot_account = session.scalar(select(credits.lots_t.c.account_id).limit(1))
        post(session, reference="late", kind="test", moves=[Move(
            credits.chart.platform_account(session, credits.Kind.PROMOTIONS).id,
            lot_account, 3)])
        assert credits.expire_lots(session, now=later) == 1
        session.commit()
