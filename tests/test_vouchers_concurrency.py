"""Exactly-once redemption under races, on SQLite and PostgreSQL (real commits, threads)."""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any

import pytest
from flask import Flask

from tests.conftest import RISK_OFF
from tests.support.voucher_world import bearer, gift, pending_balance, platform_balance, world
from vouchers.models import Voucher, VoucherRedemption
from wallet.db import db
from wallet.ledger.chart import Kind
from wallet.risk.config import OFF

THREADS = 50


@pytest.fixture
def setup(committed_app: Flask) -> dict[str, Any]:
    committed_app.config.update(RISK_OFF)
    with committed_app.app_context():
        w = world(db.session())
        db.session.commit()
    return w


def _race(app: Flask, bodies: list[dict[str, Any]], key: str) -> list[Any]:
    """POST every body to /v1/vouchers/redeem at once, one thread and client each."""
    barrier = threading.Barrier(len(bodies))
    results: list[Any] = [None] * len(bodies)

    def run(index: int) -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post("/v1/vouchers/redeem", json=bodies[index],
                               headers={**bearer(key), "Idempotency-Key": f"race-{index}"})
        results[index] = (response.status_code, response.json)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(result is not None for result in results)
    return results


def _ledger(app: Flask, merchant_id: str, voucher_id: str) -> tuple[int, int, int, list[int]]:
    with app.app_context():
        session = db.session()
        voucher = session.get(Voucher, voucher_id)
        assert voucher is not None
        amounts = list(session.scalars(
            VoucherRedemption.__table__.select().with_only_columns(VoucherRedemption.amount)
            .where(VoucherRedemption.voucher_id == voucher_id)))
        out = (pending_balance(session, merchant_id),
               platform_balance(session, Kind.VOUCHERS_OUTSTANDING), voucher.remaining, amounts)
        session.rollback()
        return out


@pytest.mark.slow
def test_fifty_concurrent_full_redemptions_one_wins(committed_app: Flask,
                                                    setup: dict[str, Any]) -> None:
    issued = gift(committed_app.test_client(), setup["user_id"], 500)
    results = _race(committed_app, [{"payload": issued["payload"]}] * THREADS,
                    setup["counter_key"])
    statuses = Counter(status for status, _ in results)
    assert statuses[200] == 1, statuses
    assert statuses[409] == THREADS - 1, (statuses, [r for r in results if r[0] not in (200, 409)])
    pending, outstanding, remaining, amounts = _ledger(committed_app, setup["merchant_id"],
                                                       issued["id"])
    assert (pending, outstanding, remaining, amounts) == (500, 0, 0, [500])


@pytest.mark.slow
def test_concurrent_partial_redemptions_never_exceed_the_value(
    committed_app: Flask, setup: dict[str, Any]
) -> None:
    issued = gift(committed_app.test_client(), setup["user_id"], 100)
    rng = random.Random(5)
    bodies = [{"payload" if i % 2 else "code": issued["payload"] if i % 2 else issued["code"],
               "amount": rng.randint(1, 15)} for i in range(THREADS)]
    results = _race(committed_app, bodies, setup["counter_key"])
    won = [body["amount"] for body, (status, _) in zip(bodies, results, strict=True)
           if status == 200]
    assert all(status in (200, 409) for status, _ in results), results
    assert sum(won) <= 100 and won
    pending, outstanding, remaining, amounts = _ledger(committed_app, setup["merchant_id"],
                                                       issued["id"])
    assert sorted(amounts) == sorted(won)
    assert pending == sum(won) and remaining == 100 - sum(won) and outstanding == remaining
    # every refusal was for want of value: the smallest refused amount did not fit
    refused = [body["amount"] for body, (status, _) in zip(bodies, results, strict=True)
               if status == 409]
    assert all(amount > remaining for amount in refused)


@pytest.mark.slow
def test_redeem_claim_and_revoke_race_for_one_voucher(committed_app: Flask,
                                                      setup: dict[str, Any]) -> None:
    """Counters redeem, a person claims and the issuer revokes at once: one of them wins."""
    from tests.support.voucher_world import paid_balance, sign_in

    issued = gift(committed_app.test_client(), setup["user_id"], 300)
    with committed_app.app_context():
        claimer_before = paid_balance(db.session(), setup["other_user_id"])
        issuer_before = paid_balance(db.session(), setup["user_id"])
        db.session.rollback()
    jobs = ["redeem"] * 8 + ["claim"] * 8 + ["revoke"] * 4
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(index: int) -> None:
        client = committed_app.test_client()
        job = jobs[index]
        if job == "claim":
            sign_in(client, setup["other_user_id"])
        elif job == "revoke":
            sign_in(client, setup["user_id"])
        barrier.wait()
        if job == "redeem":
            response = client.post("/v1/vouchers/redeem", json={"code": issued["code"]},
                                   headers={**bearer(setup["counter_key"]),
                                            "Idempotency-Key": f"r{index}"})
        elif job == "claim":
            response = client.post("/v1/vouchers/claim", json={"payload": issued["payload"]},
                                   headers={"Idempotency-Key": f"c{index}"})
        else:
            response = client.post(f"/v1/vouchers/{issued['id']}/revoke")
        results[index] = (job, response.status_code)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    winners = [job for job, status in results if status == 200]
    assert len(winners) == 1, results
    assert all(status == 409 for _job, status in results if status != 200), results
    with committed_app.app_context():
        session = db.session()
        moved = {
            "redeem": pending_balance(session, setup["merchant_id"]),
            "claim": paid_balance(session, setup["other_user_id"]) - claimer_before,
            "revoke": paid_balance(session, setup["user_id"]) - issuer_before,
        }
        assert platform_balance(session, Kind.VOUCHERS_OUTSTANDING) == 0
        session.rollback()
    assert moved == {job: (300 if job == winners[0] else 0) for job in moved}


@pytest.mark.slow
def test_concurrent_expiry_jobs_return_value_once(committed_app: Flask,
                                                  setup: dict[str, Any]) -> None:
    from datetime import timedelta

    from tests.support.voucher_world import paid_balance
    from vouchers import service as svc
    from wallet.db import utcnow

    kek = b"\x05" * 32
    soon = utcnow() + timedelta(minutes=5)
    with committed_app.app_context():
        session = db.session()
        before = paid_balance(session, setup["user_id"])
        for _ in range(30):
            svc.issue_gift(session, risk=OFF, user_id=setup["user_id"], value=3, kek=kek,
                           expires_at=soon)
        db.session.commit()
    later = soon + timedelta(seconds=1)
    barrier = threading.Barrier(6)
    closed: list[int] = []
    failures: list[BaseException] = []

    def job() -> None:
        try:
            with committed_app.app_context():
                barrier.wait()
                while True:
                    done = svc.expire_due(db.session(), now=later, limit=7)
                    db.session.commit()
                    closed.extend(amount for _, amount in done)
                    if not done:
                        break
        except BaseException as exc:  # surfaced below
            failures.append(exc)

    threads = [threading.Thread(target=job) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    assert sorted(closed) == [3] * 30
    with committed_app.app_context():
        assert paid_balance(db.session(), setup["user_id"]) == before
        db.session.rollback()
