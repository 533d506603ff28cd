"""Risk flows against concurrent payouts and refunds, on real commits (PostgreSQL: SQLite
serialises writers). Each test makes the interleaving it is about happen for certain: one
transaction holds its locks until the other is seen waiting for a lock (``pg_locks``), then
commits. Tested against the code before the lock fixes, each of them failed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select, text

from tests.conftest import RISK_OFF
from tests.support.payout_fixtures import later, make_merchant, purchases
from wallet.cli import ledger_signing_key
from wallet.db import db
from wallet.ledger import audit, chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import Move, post
from wallet.ledger.models import LedgerTransaction, Posting
from wallet.payouts.config import load_payout_config
from wallet.payouts.earnings import (
    earnings,
    lock_payout_account,
    refund_source_moves,
    release,
    release_reserves,
)
from wallet.risk.disputes import restore
from wallet.risk.service import set_reserve


@pytest.fixture
def pg_app(committed_app: Flask, engine_name: str) -> Flask:
    if engine_name != "postgresql":
        pytest.skip("SQLite serialises writers: nothing interleaves")
    return committed_app


def _pid() -> int:
    return int(db.session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _wait_until_blocked(app: Flask, pid: int, done: Callable[[], bool] = lambda: False,
                       timeout: float = 60.0) -> None:
    """Until backend ``pid`` waits for a row lock another transaction holds (or ``done``)."""
    deadline = time.monotonic() + timeout
    with app.app_context():
        engine = db.engine
    with engine.connect() as conn:
        while not conn.execute(text("SELECT count(*) FROM pg_locks WHERE pid = :pid "
                                    "AND NOT granted"), {"pid": pid}).scalar():
            conn.rollback()
            if done():
                return
            assert time.monotonic() < deadline, f"backend {pid} never waited for a lock"
            time.sleep(0.01)


class Waiter(threading.Thread):
    """Runs ``work`` in its own app context and session, then commits (or rolls back)."""

    def __init__(self, app: Flask, work: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self.app, self.work = app, work
        self.pid: int | None = None
        self.started_work = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        with self.app.app_context():
            try:
                self.pid = _pid()
                self.started_work.set()
                self.result = self.work()
                db.session.commit()
            except BaseException as exc:  # reported to the test
                db.session.rollback()
                self.error = exc
            finally:
                self.started_work.set()
                db.session.remove()

    def blocked_behind(self, app: Flask, or_done: bool = False) -> None:
        """Until the work waits for a lock (or, with ``or_done``, has finished)."""
        assert self.started_work.wait(60)
        assert self.pid is not None, self.error
        _wait_until_blocked(app, self.pid, (lambda: not self.is_alive()) if or_done
                            else (lambda: False))

    def finish(self) -> Any:
        self.join(60)
        assert not self.is_alive(), "still waiting"
        if self.error is not None:
            raise self.error
        return self.result


def _verified(app: Flask) -> None:
    with app.app_context():
        report = audit.verify(db.session(), ledger_signing_key(app).public_key())
        db.session.rollback()
        assert report.ok, report.problems


# --- a won dispute's restore ---------------------------------------------------------------


def test_a_won_dispute_waits_for_a_release_that_repays_the_debt_it_restores_to(
        pg_app: Flask) -> None:
    """The dispute took 500 credits the merchant did not have (a debt of 500); a release now
    repays that debt from new earnings while the dispute is won. The restore locks the
    merchant's payout row first, so it reads the debt after the release committed (0) and
    makes all 500 available; reading it before, it paid 500 into a debt already repaid (the
    database refuses a debt account in credit)."""
    with pg_app.app_context():
        session = db.session()
        merchant = make_merchant(session, "Disputed")
        purchases(session, merchant, 5, 100)  # 500 pending, released a week later
        debt = chart.merchant_account(session, merchant, Kind.MERCHANT_DEBT).id
        clearing = chart.platform_account(session, Kind.TOPUP_CLEARING).id
        post(session, reference="dispute:top_won:1:1", kind="dispute_recovery",
             moves=[Move(debt, clearing, 500)],
             metadata={"topup_id": "top_won", "reason": "chargeback", "merchant_id": merchant,
                       "credits": 500})
        session.commit()
        assert earnings(session, merchant).debt == 500
        session.rollback()
    with pg_app.app_context():  # the release, holding its locks until the restore waits
        releasing = db.session()
        lock_payout_account(releasing, merchant)
        release(releasing, 7, now=later(8), merchant_ids=[merchant])
        assert earnings(releasing, merchant).debt == 0
        won = Waiter(pg_app, lambda: restore(db.session(), "top_won", "usr_won"))
        won.start()
        won.blocked_behind(pg_app)
        releasing.commit()
        db.session.remove()
    assert won.finish() == 500
    with pg_app.app_context():
        after = earnings(db.session(), merchant)
        assert (after.debt, after.pending, after.available) == (0, 0, 500)
        db.session.rollback()
    _verified(pg_app)


# --- the rolling reserve's release ---------------------------------------------------------


def _reserved_merchants(session: Any, count: int, tag: str) -> list[str]:
    """Merchants with a 50 % reserve for 30 days, 1,000 credits earned and released a week
    later: 500 available, 500 in the reserve each (committed by the caller)."""
    merchants = sorted(make_merchant(session, f"{tag} {n}") for n in range(count))
    for merchant in merchants:
        set_reserve(session, merchant, 50, 30, actor="test")
        purchases(session, merchant, 10, 100, tag=tag)
    release(session, 7, now=later(8), merchant_ids=merchants)
    for merchant in merchants:
        assert earnings(session, merchant).reserved == 500
    return merchants


def _reserve_releases(session: Any) -> dict[str, list[int]]:
    """Per merchant: the credits of each ``reserve_release`` transaction."""
    t, p = LedgerTransaction, Posting
    found: dict[str, list[int]] = {}
    for meta, credits in session.execute(
            select(t.meta, p.amount).join(p, p.transaction_id == t.id)
            .where(t.kind == "reserve_release").order_by(t.id)):
        found.setdefault(meta["merchant_id"], []).append(int(credits))
    return found


def test_a_reserve_release_skips_a_merchant_another_flow_holds_instead_of_waiting(
        pg_app: Flask) -> None:
    """A flow that locks several merchants' payout rows in merchant id order (a bank status
    import, a batch submit) holds merchant A when the release starts: the release claims B
    (A is skipped) and must not then wait for A, or the flow's next lock (B) closes a cycle.
    Before, the reserves' release locked every merchant with a reserve, waiting: deadlock."""
    with pg_app.app_context():
        first, second = _reserved_merchants(db.session(), 2, "Order")
        db.session.commit()
    with pg_app.app_context():
        importing = db.session()
        lock_payout_account(importing, first)  # the import's first merchant
        releasing = Waiter(pg_app, lambda: release(db.session(), 7, now=later(40)))
        releasing.start()
        releasing.blocked_behind(pg_app, or_done=True)  # it skips A and ends, or waits for A
        lock_payout_account(importing, second)  # the import's next merchant
        importing.commit()
        db.session.remove()
    result = releasing.finish()
    assert result.credits == 500  # B's reserve; A's waits for the next run
    with pg_app.app_context():
        again = release(db.session(), 7, now=later(40))
        db.session.commit()
        assert again.credits == 500  # now A's
        assert release(db.session(), 7, now=later(40)).credits == 0
        db.session.commit()
        assert _reserve_releases(db.session()) == {first: [500], second: [500]}
        db.session.rollback()
    _verified(pg_app)


def test_releases_payouts_and_refunds_at_once_release_each_reserve_once(
        pg_app: Flask) -> None:
    """Two releases, a payout request and a refund of the merchants with reserves at once:
    nothing fails (no deadlock), each reserve is released exactly once."""
    from wallet.payouts.service import request_payout

    with pg_app.app_context():
        merchants = _reserved_merchants(db.session(), 4, "Race")
        buyer = chart.user_account(db.session(), "usr_reserve_race").id
        db.session.commit()

    def refund() -> Any:
        moves = refund_source_moves(db.session(), merchants[-1], [(buyer, 300)])
        return post(db.session(), reference="reserve-race-refund", kind="refund", moves=moves)

    config = load_payout_config({**RISK_OFF, "PAYOUT_MINIMUM": 100})
    results = _in_threads(pg_app, [
        lambda: release(db.session(), 7, now=later(40)),
        lambda: request_payout(db.session(), config, merchants[0], now=later(40)),
        lambda: release(db.session(), 7, now=later(40)),
        refund,
    ])
    assert not [r for r in results if isinstance(r, BaseException)], results
    with pg_app.app_context():
        release(db.session(), 7, now=later(40))  # what a busy merchant skipped
        db.session.commit()
        released = _reserve_releases(db.session())
        # the refund took 300 of the last merchant's 500 available first: its reserve stays
        assert released == {m: [500] for m in merchants}
        for merchant in merchants:
            assert earnings(db.session(), merchant).reserved == 0
        db.session.rollback()
    _verified(pg_app)


def test_the_reserves_release_reads_set_based(app: Flask) -> None:
    """The statements of the reserves' release do not grow with the number of merchants
    (before: about 7 per merchant with a reserve)."""
    session = db.session()

    def statements(count: int, tag: str) -> int:
        merchants = _reserved_merchants(session, count, tag)
        seen: list[str] = []
        engine = session.get_bind().engine
        listen = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listen)
        try:
            moved = release_reserves(session, later(40), merchants)
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        assert moved == 500 * count
        return len(seen)

    assert statements(2, "Few") == statements(12, "Many")


def _in_threads(app: Flask, jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs), timeout=60)
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

    threads = [threading.Thread(target=runner, args=(i,), daemon=True)
               for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not [t for t in threads if t.is_alive()], "a job still waits after 60 s"
    return results
