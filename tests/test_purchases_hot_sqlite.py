"""The purchase hot path on SQLite (``wallet.purchases.hot_sqlite``: a few statements in
one BEGIN IMMEDIATE on the raw connection) against the Python purchase: the same answers,
ledger, counters and outbox rows for every outcome, revocation stopping it at once, and
threads buying at once losing no update and overdrawing nothing."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.support.buyers import make_world, pending, top_up, user_token
from tests.support.hot_path import (
    IDS,
    answer,
    buy,
    public_key,
    revocation_stops_purchases_at_once,
)
from wallet import retry
from wallet.credits import service as credits
from wallet.db import db, utcnow
from wallet.errors import InsufficientCredits
from wallet.ids import secret_digest
from wallet.ledger import audit, chart
from wallet.ledger.core import fingerprint, transaction_moves
from wallet.oauth.models import OAuthToken
from wallet.people.models import User
from wallet.purchases import api as purchases_api
from wallet.purchases import hot_sqlite
from wallet.purchases.models import Purchase, SpendCounter
from wallet.purchases.service import Buyer, Limits
from wallet.webhooks.models import Event


@pytest.fixture
def sqlite_app(committed_app: Flask, engine_name: str) -> Iterator[Flask]:
    if engine_name != "sqlite":
        pytest.skip("the SQLite hot path")
    yield committed_app
    target = committed_app.extensions.get(purchases_api.HOT_EXTENSION)
    if isinstance(target, hot_sqlite.SqliteHot):
        target.dispose()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many purchases the hot path ran to the end (not left to Python)."""
    calls: list[int] = []
    real = hot_sqlite._purchase

    def counting(*args: Any) -> Any:
        answer = real(*args)
        calls.append(1)
        return answer

    monkeypatch.setattr(hot_sqlite, "_purchase", counting)
    return calls


def _scenario(app: Flask) -> list[Any]:
    """Lots then paid credits, replays, conflicts, caps and limits, a frozen wallet and
    a revoked token; what a client and the merchant's webhooks would see, less ids and
    times, and the ledger behind it."""
    with app.app_context():
        session = db.session()
        world = make_world(session, users=3)
        buyer, poor, frozen = world.user_ids
        top_up(session, buyer, 100)
        top_up(session, frozen, 10)
        now = utcnow()
        for n, (lot, days) in enumerate([(5, 3), (7, 1), (4, None)]):
            credits.grant_promotional(session, buyer, lot,
                                      now + timedelta(days=days) if days else None,
                                      "promo", f"lot-{n}-{world.app_id}")
        token = user_token(session, buyer, world.app_id, per_purchase_cap=60, daily_cap=80)
        poor_token = user_token(session, poor, world.app_id)
        frozen_token = user_token(session, frozen, world.app_id)
        revoked_token = user_token(session, buyer, world.app_id)
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
             (poor_token, "f", 1, "nothing", None),  # insufficient
             (token, "h", 40, "all that is left and more", None)]  # insufficient, lots gone
    for who, key, amount, description, metadata in steps:
        seen.append(answer(buy(client, who, key, amount, description, metadata)))
    app.config["PURCHASE_VELOCITY"] = 1
    seen.append(answer(buy(client, token, "g", 1)))  # velocity
    app.config["PURCHASE_VELOCITY"] = 60
    app.config["DAILY_SPEND_PER_APP"] = 3
    seen.append(answer(buy(client, frozen_token, "i", 4)))  # the platform's daily limit
    app.config["DAILY_SPEND_PER_APP"] = None
    with app.app_context():
        session = db.session()
        session.execute(update(User).where(User.id == frozen).values(frozen=True))
        session.execute(update(OAuthToken).where(
            OAuthToken.access_digest == secret_digest(revoked_token)).values(revoked_at=utcnow()))
        session.commit()
    seen.append(answer(buy(client, frozen_token, "j", 1)))  # frozen
    seen.append(answer(buy(client, revoked_token, "k", 1)))  # revoked
    seen.append(answer(buy(client, token, "a", 10, "Tides ünïcode", {"sku": "x"})))
    with app.app_context():
        session = db.session()
        events = session.scalars(select(Event.data).where(
            Event.merchant_id == world.merchant_id).order_by(Event.seq)).all()
        seen.append([{k: v for k, v in e.items() if k not in IDS} for e in events])
        seen.append(sorted((c.app_id == "*", c.day_total, c.minute_count)
                           for c in session.scalars(select(SpendCounter).where(
                               SpendCounter.user_id.in_(world.user_ids)))))
        postings = session.execute(text(
            "SELECT p.amount, a.kind, t.fingerprint, t.metadata, pu.id, pu.txn_id "
            "FROM postings p JOIN transactions t ON t.id = p.transaction_id "
            "JOIN accounts a ON a.id = p.debit_account_id "
            "JOIN purchases pu ON pu.txn_id = t.id "
            "WHERE pu.merchant_id = :m ORDER BY p.id"), {"m": world.merchant_id}).all()
        seen.append([(row[0], row[1]) for row in postings])
        for row in postings:  # the ledger fingerprint as wallet.ledger.core computes it
            meta = json.loads(row[3])
            assert meta["purchase_id"] == row[4]
            assert row[2] == fingerprint("purchase", transaction_moves(session, row[5]),
                                         meta, None)
        seen.append([credits.summary(session, user).total for user in world.user_ids])
        seen.append(pending(session, world.merchant_id))
        report = audit.verify(session, public_key(app))
        assert report.ok, report
        db.session.remove()
    return seen


def test_same_answers_as_the_python_purchase(sqlite_app: Flask, counted: list[int]) -> None:
    on_hot = _scenario(sqlite_app)
    assert len(counted) >= 4, "the hot path ran"
    target = sqlite_app.extensions.pop(purchases_api.HOT_EXTENSION)
    try:
        counted.clear()
        on_python = _scenario(sqlite_app)
        assert not counted
    finally:
        sqlite_app.extensions[purchases_api.HOT_EXTENSION] = target
    assert on_hot == on_python
    statuses = [step[0] for step in on_hot[:14]]
    assert statuses == [201, 201, 409, 403, 201, 403, 201, 402, 402, 429, 403, 403, 401, 201]
    assert on_hot[1][1] == "true" and on_hot[0][1] is None and on_hot[13][1] == "true"
    codes = [step[1]["code"] for step in on_hot[:14] if step[0] >= 400]
    assert codes == ["idempotency_key_reused", "per_purchase_cap_exceeded",
                     "daily_cap_exceeded", "insufficient_credits", "insufficient_credits",
                     "purchase_velocity_exceeded", "daily_spend_limit_exceeded",
                     "wallet_frozen", "invalid_token"]


def test_in_the_request_transaction_too(app: Flask, engine_name: str,
                                        counted: list[int]) -> None:
    """Under the test fixture's outer transaction it joins the session (a SAVEPOINT)."""
    if engine_name != "sqlite":
        pytest.skip("the SQLite hot path")
    session = db.session()
    world = make_world(session)
    top_up(session, world.user_ids[0], 5)
    token = user_token(session, world.user_ids[0], world.app_id)
    chart.merchant_account(session, world.merchant_id, chart.Kind.MERCHANT_PENDING)
    client = app.test_client()
    assert buy(client, token, "1", 2).get_json()["balance_after"] == 3
    refused = buy(client, token, "2", 4)
    assert refused.status_code == 402
    assert "the wallet has 3 available" in refused.get_json()["error"]["message"]
    assert len(counted) == 1
    assert session.scalar(select(func.count()).select_from(Purchase)
                          .where(Purchase.user_id == world.user_ids[0])) == 1


def test_no_orm_and_one_transaction(sqlite_app: Flask) -> None:
    with sqlite_app.app_context():
        session = db.session()
        world = make_world(session)
        top_up(session, world.user_ids[0], 50)
        token = user_token(session, world.user_ids[0], world.app_id)
        session.commit()
        engine = db.engine
    client = sqlite_app.test_client()
    assert buy(client, token, "warm", 1).status_code == 201
    statements: list[str] = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    target = sqlite_app.extensions[purchases_api.HOT_EXTENSION]
    traced: list[str] = []
    with target.turn() as conn:  # the process's one hot-path connection
        conn.set_trace_callback(traced.append)
    try:
        response = buy(client, token, "k1", 2)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
        conn.set_trace_callback(None)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["balance_after"] == 47
    assert statements == []  # nothing on the app's ORM engine
    assert traced[0] == "BEGIN IMMEDIATE" and traced[-1] == "COMMIT"
    assert len(traced) <= 14  # BEGIN, SAVEPOINT, 10 statements, RELEASE, COMMIT


def test_revocation_stops_the_hot_path_at_once(sqlite_app: Flask, counted: list[int]) -> None:
    revocation_stops_purchases_at_once(sqlite_app)
    assert len(counted) == 1  # "1" was the merchant's first sale: the Python path's


def test_threads_buying_at_once(sqlite_app: Flask, counted: list[int]) -> None:
    """8 threads, 4 people with 30 credits each (a lot of 10, 20 paid), 50 one-credit
    purchases each: exactly 30 go through per person, none overdraws, nothing is lost."""
    people = 4
    with sqlite_app.app_context():
        session = db.session()
        world = make_world(session, users=people)
        tokens = []
        for user in world.user_ids:
            top_up(session, user, 20)
            credits.grant_promotional(session, user, 10, utcnow() + timedelta(days=1),
                                      "promo", f"lot-{user}")
            tokens.append(user_token(session, user, world.app_id))
        chart.merchant_account(session, world.merchant_id, chart.Kind.MERCHANT_PENDING)
        session.commit()
    sqlite_app.config["PURCHASE_VELOCITY"] = None
    statuses: list[int] = []
    failures: list[BaseException] = []
    start = threading.Barrier(8)

    def buyer(n: int) -> None:
        try:
            client = sqlite_app.test_client()
            start.wait()
            for i in range(25):
                token = tokens[(n + i) % people]
                statuses.append(buy(client, token, f"{n}-{i}", 1).status_code)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sqlite_app.config["PURCHASE_VELOCITY"] = 60
    assert not failures
    assert sorted(set(statuses)) == [201, 402]
    assert statuses.count(201) == 30 * people
    assert len(counted) == 30 * people
    with sqlite_app.app_context():
        session = db.session()
        for user in world.user_ids:
            summary = credits.summary(session, user)
            assert (summary.paid, summary.promotional) == (0, 0)
        assert pending(session, world.merchant_id) == 30 * people
        negative = session.execute(text(
            "SELECT count(*) FROM account_balances b JOIN accounts a ON a.id = b.account_id "
            "WHERE b.balance < 0 AND NOT a.allow_negative")).scalar()
        assert negative == 0
        report = audit.verify(session, public_key(sqlite_app))
        assert report.ok, report
        db.session.remove()


@pytest.mark.parametrize("grouped", [True, False])
def test_group_commit(sqlite_app: Flask, grouped: bool) -> None:
    """Purchases queued while another thread has the turn run in ONE transaction, each
    under its own SAVEPOINT: a refusal among them fails alone, a second request with the
    same key replays the first, and every thread gets its own answer; the same answers
    one transaction each with ``WALLET_PURCHASE_GROUP_COMMIT=false``."""
    with sqlite_app.app_context():
        session = db.session()
        world = make_world(session, users=2)
        rich, poor = world.user_ids
        top_up(session, rich, 10)
        chart.merchant_account(session, world.merchant_id, chart.Kind.MERCHANT_PENDING)
        session.commit()
    target = sqlite_app.extensions[purchases_api.HOT_EXTENSION]
    target.group_commit = grouped
    limits = Limits(velocity_per_minute=None)
    orders = [(rich, "a", 3), (poor, "b", 1), (rich, "c", 4), (rich, "a", 3), (rich, "d", 4)]
    outcomes: dict[int, Any] = {}
    traced: list[str] = []

    def buy(n: int) -> None:
        user, key, amount = orders[n]
        try:
            outcomes[n] = hot_sqlite.purchase(
                target, Buyer(user, world.app_id, world.merchant_id), None, amount=amount,
                description="group", metadata=None, idempotency_key=key, limits=limits)
        except Exception as exc:
            outcomes[n] = exc

    with target.turn() as conn:  # hold the turn while the five queue up
        conn.set_trace_callback(traced.append)
        threads = [threading.Thread(target=buy, args=(n,)) for n in range(len(orders))]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(target._queue) < len(orders) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(target._queue) == len(orders)
    for thread in threads:
        thread.join()
    conn.set_trace_callback(None)
    assert traced.count("SAVEPOINT purchase") == len(orders)
    if grouped:
        assert traced.count("BEGIN IMMEDIATE") == 1 and traced.count("COMMIT") == 1
    else:  # the two created purchases commit; refusals and the replay roll back
        assert traced.count("BEGIN IMMEDIATE") == len(orders) and traced.count("COMMIT") == 2
    # the order the five ran in is the threads': what holds in any order
    key_a = sorted((outcomes[0], outcomes[3]), key=lambda answer: not answer[1])
    assert [answer[1] for answer in key_a] == [True, False]  # created, then replayed
    assert key_a[0][0]["id"] == key_a[1][0]["id"]
    assert isinstance(outcomes[1], InsufficientCredits)  # the poor one
    fours = [outcomes[2], outcomes[4]]  # 10 - 3 leaves 7: one of the two 4s fits
    assert sum(isinstance(answer, InsufficientCredits) for answer in fours) == 1
    assert sum(isinstance(answer, tuple) and answer[1] for answer in fours) == 1
    with sqlite_app.app_context():
        session = db.session()
        assert credits.summary(session, rich).total == 3
        assert pending(session, world.merchant_id) == 7
        assert session.scalar(select(func.count()).select_from(Purchase)) == 2
        report = audit.verify(session, public_key(sqlite_app))
        assert report.ok, report
        db.session.remove()


class _FailingCommit:
    """The hot path's connection, with COMMIT failing as a busy database's does."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT":
            raise sqlite3.OperationalError("database is locked")
        return self.conn.execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        return self.conn.executemany(sql, *args)

    @property
    def in_transaction(self) -> bool:
        return bool(self.conn.in_transaction)


def test_a_failed_group_commit(sqlite_app: Flask) -> None:
    """COMMIT fails: the group's created purchases, and replays of them, get the error (a
    retryable DBAPIError, nothing of them stays), its refusals keep their own answer, and
    the connection is usable again."""
    with sqlite_app.app_context():
        session = db.session()
        world = make_world(session, users=2)
        rich, poor = world.user_ids
        top_up(session, rich, 10)
        chart.merchant_account(session, world.merchant_id, chart.Kind.MERCHANT_PENDING)
        session.commit()
    target = sqlite_app.extensions[purchases_api.HOT_EXTENSION]
    limits = Limits(velocity_per_minute=None)
    outcomes: dict[str, Any] = {}

    def buy(user: str, key: str, label: str | None = None) -> None:
        try:
            outcomes[label or key] = hot_sqlite.purchase(
                target, Buyer(user, world.app_id, world.merchant_id), None, amount=2,
                description="group", metadata=None, idempotency_key=key, limits=limits)
        except Exception as exc:
            outcomes[label or key] = exc

    with target.turn() as conn:
        pid, fd, real = target._opened
        target._opened = (pid, fd, _FailingCommit(real))
        threads = [threading.Thread(target=buy, args=args)
                   for args in ((rich, "ok"), (poor, "refused"), (rich, "ok", "resent"))]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(target._queue) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(target._queue) == 3  # one group: the three wait for this turn
    for thread in threads:
        thread.join()
    target._opened = (pid, fd, real)
    for lost in ("ok", "resent"):  # the resend replayed a purchase the COMMIT lost
        assert isinstance(outcomes[lost], DBAPIError)
        assert retry.transient_kind(outcomes[lost]) == retry.BUSY
    assert isinstance(outcomes["refused"], InsufficientCredits)
    assert not conn.in_transaction
    buy(rich, "ok")  # the retry, as the request's unit of work runs it again
    retried: Any = outcomes["ok"]
    assert retried[1] is True and retried[0]["balance_after"] == 8
    with sqlite_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Purchase)) == 1
        db.session.remove()
