"""Payout runs, requests and releases racing each other on real commits (both engines)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.support.payout_fixtures import (
    available_directly,
    default_config,
    later,
    make_merchant,
    purchases,
)
from wallet.cli import ledger_signing_key
from wallet.db import db
from wallet.ledger import audit
from wallet.payouts import service
from wallet.payouts.earnings import earnings, release
from wallet.payouts.models import Payout, PayoutBatch


def _in_threads(app: Flask, jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def runner(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = jobs[index]()
                db.session.commit()
            except Exception as exc:
                db.session.rollback()
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def _slow_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each run's locks a little longer, so the two runs surely overlap."""
    original = service._write_files

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.4)
        return original(*args, **kwargs)

    monkeypatch.setattr(service, "_write_files", slow)


def _verify(app: Flask) -> None:
    with app.app_context():
        report = audit.verify(db.session(), ledger_signing_key(app).public_key())
        db.session.rollback()
        assert report.ok, report.problems


@pytest.mark.slow
def test_two_runs_at_once_pay_each_merchant_once(
    committed_app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = default_config()
    with committed_app.app_context():
        merchants = [make_merchant(db.session(), f"Race {i}") for i in range(5)]
        for merchant in merchants:
            available_directly(db.session(), merchant, 5000)
        db.session.commit()
    _slow_files(monkeypatch)

    def run() -> service.RunResult:
        return service.run_payouts(db.session(), config, out_dir=tmp_path)

    results = _in_threads(committed_app, [run, run])
    assert not [r for r in results if isinstance(r, Exception)], results
    paid = sorted(p["merchant_id"] for r in results for p in r.payouts)
    assert paid == sorted(merchants)
    with committed_app.app_context():
        rows = db.session.execute(select(Payout.merchant_id)).scalars().all()
        assert sorted(rows) == sorted(merchants)
        batches = db.session.execute(select(PayoutBatch.id)).scalars().all()
        assert len(batches) == len([r for r in results if r.batch_id])
        for merchant in merchants:
            e = earnings(db.session(), merchant)
            assert (e.available, e.in_transit) == (0, 5000)
        db.session.rollback()
    _verify(committed_app)


@pytest.mark.slow
def test_run_and_request_race(committed_app: Flask, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    config = default_config()
    with committed_app.app_context():
        merchant = make_merchant(db.session(), "Both")
        available_directly(db.session(), merchant, 3000)
        db.session.commit()
    _slow_files(monkeypatch)
    results = _in_threads(committed_app, [
        lambda: service.run_payouts(db.session(), config, out_dir=tmp_path),
        lambda: service.request_payout(db.session(), config, merchant),
    ])
    with committed_app.app_context():
        rows = db.session.execute(select(Payout)).scalars().all()
        assert len(rows) == 1 and rows[0].credits == 3000
        e = earnings(db.session(), merchant)
        assert (e.available, e.in_transit) == (0, 3000)
        db.session.rollback()
    # The loser saw nothing left (an empty run, or a 422 below the minimum).
    assert any(getattr(r, "batch_id", "x") is None or getattr(r, "code", "") == "below_minimum"
               for r in results), results
    _verify(committed_app)


@pytest.mark.slow
def test_two_releases_at_once_move_once(committed_app: Flask) -> None:
    with committed_app.app_context():
        merchants = [make_merchant(db.session(), f"Rel {i}") for i in range(3)]
        for merchant in merchants:
            purchases(db.session(), merchant, 20, 5)
        db.session.commit()
    results = _in_threads(committed_app, [
        lambda: release(db.session(), 7, now=later(8)),
        lambda: release(db.session(), 7, now=later(8)),
    ])
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.credits for r in results) == 300
    with committed_app.app_context():
        for merchant in merchants:
            e = earnings(db.session(), merchant)
            assert (e.pending, e.available) == (0, 100)
        db.session.rollback()
    _verify(committed_app)


@pytest.mark.slow
def test_refunds_racing_a_run_and_a_release(committed_app: Flask, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Refunds (pending first, then available) beside a run and a release: no deadlock,
    no overdraft, the ledger still verifies."""
    from wallet.ledger import chart
    from wallet.ledger.core import post
    from wallet.payouts.earnings import refund_source_moves

    config = default_config()
    with committed_app.app_context():
        merchant = make_merchant(db.session(), "Refunded")
        available_directly(db.session(), merchant, 4000)
        purchases(db.session(), merchant, 10, 100)
        buyer = chart.user_account(db.session(), "usr_refund_race").id
        db.session.commit()
    _slow_files(monkeypatch)

    def refund(n: int) -> Any:
        moves = refund_source_moves(db.session(), merchant, [(buyer, 700)])
        return post(db.session(), reference=f"race-refund-{n}", kind="refund", moves=moves)

    results = _in_threads(committed_app, [
        lambda: service.run_payouts(db.session(), config, out_dir=tmp_path),
        lambda: release(db.session(), 7, now=later(8)),
        lambda: refund(1),
        lambda: refund(2),
    ])
    errors = [r for r in results if isinstance(r, Exception)]
    # A refund that finds the earnings already paid out leaves a debt; nothing may fail.
    assert errors == []
    with committed_app.app_context():
        e = earnings(db.session(), merchant)
        refunded = 700 * (2 - len(errors))
        paid = sum(p.credits for p in db.session.execute(select(Payout)).scalars())
        assert e.pending + e.available + e.in_transit - e.debt == 5000 - refunded
        assert e.in_transit == paid
        db.session.rollback()
    _verify(committed_app)
