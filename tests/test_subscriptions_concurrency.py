"""Two renewal jobs at once (and purchases by the same people) never charge twice."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.support.buyers import make_world, pending, top_up
from wallet.db import db
from wallet.purchases import service as purchases
from wallet.purchases.service import Buyer, Limits
from wallet.subscriptions import service
from wallet.subscriptions.cli import renew_all
from wallet.subscriptions.models import SubscriptionCharge

T0 = datetime(2027, 3, 1, tzinfo=UTC)
PEOPLE = 60


def _in_threads(app: Flask, jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = jobs[index]()
            except Exception as exc:  # reported by the assertions below
                db.session.rollback()
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def test_two_renewal_jobs_at_once_charge_each_period_once(committed_app: Flask) -> None:
    app = committed_app
    with app.app_context():
        session = db.session()
        world = make_world(session, users=PEOPLE)
        plan = service.create_plan(session, world.merchant_id, name="Club", amount=10,
                                   interval="month")
        for user_id in world.user_ids:
            top_up(session, user_id, 25)
            service.subscribe(session, user_id=user_id, plan_id=plan.id, merchant_id=None,
                              app_id=None, now=T0)
        session.commit()
    due = service.add_interval(T0, "month", 1)

    def job() -> service.RenewResult:
        return renew_all(due, batch=7)

    def shopper() -> int:
        bought = 0
        for user_id in world.user_ids[:20]:
            buyer = Buyer(user_id=user_id, app_id=world.app_id, merchant_id=world.merchant_id)
            try:
                purchases.create_purchase(
                    db.session(), buyer, amount=1, description="tip", metadata=None,
                    idempotency_key=f"tip-{user_id}", limits=Limits(velocity_per_minute=None))
                db.session.commit()
                bought += 1
            except Exception:
                db.session.rollback()
                raise
        return bought

    first, second, bought = _in_threads(app, [job, job, shopper])
    assert isinstance(first, service.RenewResult), first
    assert isinstance(second, service.RenewResult), second
    assert bought == 20
    assert not set(first.renewed) & set(second.renewed)
    assert len(first.renewed) + len(second.renewed) == PEOPLE
    with app.app_context():
        session = db.session()
        per_sub = session.execute(
            select(SubscriptionCharge.subscription_id, func.count())
            .group_by(SubscriptionCharge.subscription_id)).all()
        assert len(per_sub) == PEOPLE and {n for _, n in per_sub} == {2}
        assert pending(session, world.merchant_id) == PEOPLE * 20 + 20
        again = renew_all(due)
        assert again.handled == 0
    result = app.test_cli_runner().invoke(args=["ledger", "verify", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["ok"], result.output


def test_two_renew_processes_at_once_charge_each_period_once(
        committed_app: Flask, engine_name: str) -> None:
    """``flask subscriptions renew`` twice at once, as cron on two nodes would start it."""
    import subprocess
    import sys
    from pathlib import Path

    from tests.support.webhook_world import ROOT, worker_env

    if engine_name != "postgresql":
        pytest.skip("two processes on one SQLite file are serialised by its write lock")
    app = committed_app
    with app.app_context():
        session = db.session()
        world = make_world(session, users=PEOPLE)
        plan = service.create_plan(session, world.merchant_id, name="Club", amount=10,
                                   interval="week")
        for user_id in world.user_ids:
            top_up(session, user_id, 45)
            service.subscribe(session, user_id=user_id, plan_id=plan.id, merchant_id=None,
                              app_id=None, now=T0)
        session.commit()
    due = service.add_interval(T0, "week", 3)  # three periods behind: catch-up in both
    env = {**worker_env(app), "WALLET_SUBSCRIPTION_RENEW_BATCH": "5"}
    flask = Path(sys.executable).parent / "flask"
    command = [str(flask), "--app", "wallet", "subscriptions", "renew", "--now",
               due.isoformat(), "--json"]
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=180) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    results = [json.loads(out) for out, _ in outputs]
    renewed = [set(r["renewed"]) for r in results]
    assert not renewed[0] & renewed[1]
    assert len(renewed[0] | renewed[1]) == PEOPLE
    with app.app_context():
        session = db.session()
        periods = session.execute(
            select(SubscriptionCharge.subscription_id, func.count())
            .group_by(SubscriptionCharge.subscription_id)).all()
        assert len(periods) == PEOPLE and {n for _, n in periods} == {4}  # periods 0..3
        assert pending(session, world.merchant_id) == PEOPLE * 40
    result = app.test_cli_runner().invoke(args=["ledger", "verify", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["ok"], result.output
