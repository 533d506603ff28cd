"""The purchase hot path on SQLite: a few statements on the raw ``sqlite3`` connection
inside one ``BEGIN IMMEDIATE``, no ORM.

The same purchase as the PostgreSQL function ``wallet_purchase`` (``wallet.purchases.hot``,
migration ``i12_01``) and as the Python purchase
(``wallet.purchases.service.create_purchase``): the access token's revocation check (the
token itself was verified without a query), the Idempotency-Key replay and conflict, the
per-purchase cap, the frozen flag, the live promotional lots then the paid credits in
spend order with the overdraft condition, one shard of the merchant's pending account,
the ledger transaction (same fingerprint) and postings, the purchase, the risk counters
and the ``purchase.created`` outbox row. A refusal rolls everything back and raises the
Python path's typed error; the merchant's very first sale (which opens its account) is
left to the Python path (``UsePythonPath``).

Why it is fast: SQLite is in-process, so a statement costs no round trip; what a
purchase costs is the Python around it (the ORM path spent most of it in SQLAlchemy)
and the time the database's one write lock is held. Everything that does not need the
database (ids, JSON, digests) is computed before ``BEGIN IMMEDIATE``; inside it run
plain statements on a connection of this thread. The threads of one process take the
write lock in turn through a ``threading.Lock`` (a waiter wakes as soon as the lock is
free, where SQLite's busy handler would sleep 1, 2, 5, 10... ms between tries); other
processes and the ORM's transactions still queue on ``busy_timeout``.

Plain Python: no Flask.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from wallet.credits import service as credits
from wallet.db import _tune_sqlite
from wallet.errors import AuthenticationError
from wallet.ids import new_id
from wallet.ledger.core import Move, _statements, fingerprint
from wallet.purchases import service as purchases_service
from wallet.purchases.hot import TokenCheck, UsePythonPath
from wallet.purchases.service import (
    ALL_APPS,
    Buyer,
    Limits,
    _public,
    in_progress,
    key_reused,
    ledger_reference,
    refusal,
    request_fingerprint,
)
from wallet.webhooks.events import to_json

__all__ = ["SqliteHot", "TokenCheck", "UsePythonPath", "purchase", "usable"]

LIVE_GRANT_QUERY = (
    "SELECT 1 FROM oauth_tokens t JOIN oauth_grants g ON g.id = t.grant_id "
    "WHERE t.access_digest = ? AND t.revoked_at IS NULL AND t.expires_at > ? "
    "AND g.id = ? AND g.revoked_at IS NULL AND g.version = ?")
EXISTING_SQL = (
    "SELECT id, amount, description, metadata, balance_after, created_at, fingerprint "
    "FROM purchases WHERE user_id = ? AND app_id = ? AND idempotency_key = ?")
SPENDABLE_SQL = credits.driver_sql(credits.SPENDABLE_SQL, "sqlite")
INSERT_TRANSACTION_SQL = (
    "INSERT INTO transactions (reference, kind, fingerprint, metadata, reverses_id, "
    "created_at) VALUES (?, 'purchase', ?, ?, NULL, ?) "
    "ON CONFLICT (reference) DO NOTHING RETURNING id")
DEBIT_SQL = ("UPDATE account_balances SET balance = balance - ? "
             "WHERE account_id = ? AND shard = 0 AND balance >= ? RETURNING balance")
CREDIT_SQL = ("UPDATE account_balances SET balance = balance + ? "
              "WHERE account_id = ? AND shard = ? RETURNING balance")
BALANCE_SQL = "SELECT balance FROM account_balances WHERE account_id = ? AND shard = 0"
INSERT_POSTING_SQL = (
    "INSERT INTO postings (transaction_id, debit_account_id, credit_account_id, asset, "
    "amount) VALUES (?, ?, ?, ?, ?)")
INSERT_PURCHASE_SQL = (
    "INSERT INTO purchases (id, user_id, app_id, merchant_id, amount, refunded, description, "
    "metadata, idempotency_key, fingerprint, balance_after, txn_id, created_at) "
    "VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)")
# the Python path's counters statement, with SQLite's numbered parameters
COUNTERS_SQL = purchases_service.COUNTERS_SQL.format(
    user_id="?1", all_apps="?2", app_id="?3", day="?4", amount="?5", minute="?6")
INSERT_EVENT_SQL = ("INSERT INTO events (id, type, merchant_id, data, created_at) "
                    "VALUES (?, 'purchase.created', ?, ?, ?)")


def usable(engine: Engine) -> bool:
    """A SQLite database in a file (the hot path opens its own connections to it)."""
    database = engine.url.database
    return (engine.dialect.name == "sqlite" and bool(database)
            and database != ":memory:" and not str(database).startswith("file:"))


class SqliteHot:
    """The hot path's writer: ONE connection per process to the app's database file
    (tuned as the ORM's, ``wallet.db``), used by one thread at a time, and the writers'
    turn: a ``threading.Lock`` among the threads of this process, then an exclusive
    ``flock`` on ``<database>-purchases.lock`` among processes (workers), both woken by
    the kernel the moment the holder lets go. One connection, not one per thread: the
    writers take turns anyway, and a server that starts a thread per request (``flask
    run``) would otherwise open a connection per request.

    Group commit: the thread whose turn it is runs every purchase queued by the other
    threads of the process meanwhile, each under its own SAVEPOINT (a refusal rolls back
    that purchase only), and commits them together; then every thread gets its own answer
    or error. No purchase waits for a group to form: a group is what queued while the
    previous one ran. COMMIT was half of a purchase's time on SQLite (the WAL frames of
    every page it touched); purchases committed together share their pages.
    """

    def __init__(self, engine: Engine, *, group_commit: bool = True) -> None:
        self.path = str(engine.url.database)
        self.group_commit = group_commit
        self.dialect = engine.dialect
        self.lock = threading.Lock()
        self._opened: tuple[int, int, sqlite3.Connection] | None = None  # pid, lock fd
        self._queue: list[_Slot] = []
        self._queue_lock = threading.Lock()

    def _open(self) -> tuple[int, sqlite3.Connection]:
        """The lock file and the connection of this process (opened again after a fork)."""
        pid = os.getpid()
        if self._opened is None or self._opened[0] != pid:
            fd = os.open(f"{self.path}-purchases.lock", os.O_RDWR | os.O_CREAT, 0o600)
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            _tune_sqlite(conn, None)
            self._opened = (pid, fd, conn)
        return self._opened[1], self._opened[2]

    @contextmanager
    def turn(self) -> Iterator[sqlite3.Connection]:
        """This writer's turn (the process's lock, then the cross-process one) and the
        connection to write with."""
        with self.lock, self._locked() as conn:
            yield conn

    @contextmanager
    def _locked(self) -> Iterator[sqlite3.Connection]:
        """The cross-process lock, for the holder of ``self.lock``."""
        fd, conn = self._open()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield conn
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def run(self, request: _Request) -> tuple[dict[str, Any], bool]:
        """One purchase, committed with whatever else is queued when its turn comes."""
        slot = _Slot(request)
        with self._queue_lock:
            self._queue.append(slot)
        with self.lock:
            if not slot.done:  # nobody took it along: this thread's turn
                with self._queue_lock:
                    if self.group_commit:
                        group, self._queue = self._queue, []
                    else:
                        group = [slot]
                        self._queue.remove(slot)
                with self._locked() as conn:
                    _run_group(conn, group)
        if slot.error is not None:
            raise slot.error
        assert slot.answer is not None
        return slot.answer

    def dispose(self) -> None:
        """Close the connection and the lock file (tests; a worker keeps them)."""
        with self.lock:
            if self._opened is not None and self._opened[0] == os.getpid():
                os.close(self._opened[1])
                self._opened[2].close()
            self._opened = None


class _Slot:
    """One queued purchase and, once its group committed (or failed), its outcome."""

    __slots__ = ("answer", "done", "error", "request")

    def __init__(self, request: _Request) -> None:
        self.request = request
        self.answer: tuple[dict[str, Any], bool] | None = None
        self.error: BaseException | None = None
        self.done = False


def _run_group(conn: sqlite3.Connection, group: list[_Slot]) -> None:
    """BEGIN IMMEDIATE; each purchase under a SAVEPOINT; COMMIT if any was created."""
    created: list[_Slot] = []
    try:
        conn.execute("BEGIN IMMEDIATE")
        for slot in group:
            conn.execute("SAVEPOINT purchase")
            try:
                slot.answer = _purchase(conn, slot.request)
            except Exception as exc:  # this purchase's refusal or failure, not the group's
                conn.execute("ROLLBACK TO purchase")
                slot.error = _as_dbapi_error(exc)
            conn.execute("RELEASE purchase")
            if slot.answer is not None and slot.answer[1]:
                created.append(slot)
        if created:
            conn.execute("COMMIT")
    except sqlite3.Error as exc:  # BEGIN, a savepoint or COMMIT: nothing of it stays
        failure = _as_dbapi_error(exc)
        lost = {slot.answer[0]["id"] for slot in created if slot.answer is not None}
        for slot in group:  # a replay of a purchase made in this group is lost with it
            if slot.error is None and (slot.answer is None or slot.answer[0]["id"] in lost):
                slot.answer, slot.error = None, failure
    finally:
        if conn.in_transaction:  # refusals and replays only, or a failure
            conn.execute("ROLLBACK")
        for slot in group:
            if slot.answer is None and slot.error is None:  # the group stopped before it
                slot.error = RuntimeError("the purchase's group stopped before it ran")
            slot.done = True


def _as_dbapi_error(exc: BaseException) -> BaseException:
    """Driver errors as SQLAlchemy's ``DBAPIError`` (as every other query raises them),
    so "database is locked" is retried like any busy database (``wallet.retry``)."""
    if isinstance(exc, sqlite3.Error):  # a statement, so not taken for "no connection"
        return cast(BaseException, DBAPIError.instance(
            HOT_PATH_STATEMENT, None, exc, sqlite3.Error))
    return exc


HOT_PATH_STATEMENT = "(a purchase of wallet.purchases.hot_sqlite)"


@dataclass(frozen=True, slots=True)
class _Request:
    """Everything a purchase needs that does not need the database."""

    buyer: Buyer
    token: TokenCheck | None
    amount: int
    description: str
    metadata: dict[str, Any]
    metadata_json: str
    key: str
    fingerprint: str
    reference: str
    purchase_id: str
    ledger_metadata: dict[str, Any]
    ledger_metadata_json: Any
    ledger_time: Any
    limits: Limits
    now: datetime
    now_text: str
    day: int
    minute: int


def purchase(
    target: SqliteHot | Session,
    buyer: Buyer,
    token: TokenCheck | None,
    *,
    amount: int,
    description: str,
    metadata: dict[str, Any] | None,
    idempotency_key: str,
    limits: Limits,
    now: datetime | None = None,
) -> tuple[dict[str, Any], bool]:
    """One purchase; returns (purchase, created) like ``create_purchase`` and raises the
    same errors, or ``UsePythonPath``.

    ``target``: the hot path's connections (a transaction of its own: BEGIN IMMEDIATE
    ... COMMIT), or a session whose transaction the purchase joins (under a SAVEPOINT).
    """
    now = now or datetime.now(UTC)
    metadata = metadata or {}
    purchase_id = new_id("pur")
    ledger_metadata = {"purchase_id": purchase_id, "app_id": buyer.app_id,
                       "user_id": buyer.user_id, "description": description}
    epoch = now.timestamp()
    dialect = target.dialect if isinstance(target, SqliteHot) else target.get_bind().dialect
    to_db = _statements(dialect)  # the JSON and time forms of wallet.ledger.core.post
    request = _Request(
        buyer=buyer, token=token, amount=amount, description=description, metadata=metadata,
        metadata_json=json.dumps(metadata, separators=(",", ":")), key=idempotency_key,
        fingerprint=request_fingerprint(amount, description, metadata),
        reference=ledger_reference(buyer, idempotency_key), purchase_id=purchase_id,
        ledger_metadata=ledger_metadata,
        ledger_metadata_json=to_db.metadata_to_db(ledger_metadata),
        ledger_time=to_db.datetime_to_db(now), limits=limits, now=now,
        now_text=str(credits.driver_time(now, "sqlite")), day=int(epoch // 86400),
        minute=int(epoch // 60))
    if isinstance(target, Session):
        with target.begin_nested():
            joined = target.connection().connection.dbapi_connection
            assert isinstance(joined, sqlite3.Connection)
            return cast("tuple[dict[str, Any], bool]", _wrapped(_purchase, joined, request))
    return target.run(request)


def _wrapped(work: Any, conn: sqlite3.Connection, request: _Request) -> Any:
    """``work`` with driver errors raised as ``_as_dbapi_error`` makes them."""
    try:
        return work(conn, request)
    except sqlite3.Error as exc:
        raise _as_dbapi_error(exc) from exc


def _purchase(conn: sqlite3.Connection, r: _Request) -> tuple[dict[str, Any], bool]:
    """The statements, inside the caller's transaction; raises to roll it back."""
    buyer, amount, limits = r.buyer, r.amount, r.limits
    if r.token is not None and conn.execute(LIVE_GRANT_QUERY, (
            r.token.digest, r.now_text, r.token.grant_id, r.token.grant_version)
    ).fetchone() is None:
        raise AuthenticationError("The access token was revoked.", code="invalid_token")
    existing = conn.execute(EXISTING_SQL, (buyer.user_id, buyer.app_id, r.key)).fetchone()
    if existing is not None:
        if existing[6] != r.fingerprint:
            raise key_reused()
        replayed = {"id": existing[0], "amount": int(existing[1]), "refunded": 0,
                    "merchant_id": buyer.merchant_id, "app_id": buyer.app_id,
                    "user_id": buyer.user_id, "description": existing[2],
                    "metadata": json.loads(existing[3]) if existing[3] else {},
                    "balance_after": int(existing[4]),
                    "created_at": credits.read_time(existing[5])}
        return _public(replayed), False
    if buyer.per_purchase_cap is not None and amount > buyer.per_purchase_cap:
        raise refusal("per_purchase_cap_exceeded", amount, buyer, limits)
    rows = conn.execute(SPENDABLE_SQL, {
        "paid_code": credits.paid_code(buyer.user_id),
        "merchant_code": credits.pending_code(buyer.merchant_id),
        "now": r.now_text, "user_id": buyer.user_id}).fetchall()
    if not rows:
        raise refusal("user_not_found", amount, buyer, limits)
    first = rows[0]
    if first[0]:
        raise refusal("wallet_frozen", amount, buyer, limits)
    paid, paid_balance, merchant = first[1], int(first[2] or 0), first[3]
    if merchant is None or (paid is not None and (first[10] != 1 or first[8] != first[11])):
        raise UsePythonPath()  # the merchant's first sale; an account the path does not know
    asset, shards = first[11], int(first[13])
    # the plan: lots soonest expiry first, then paid credits (credits.spend_plan)
    takes: list[tuple[int, int]] = []
    promotional = 0
    remaining = amount
    for row in rows:
        if row[4] is None:
            continue
        balance = int(row[7])
        promotional += balance
        if remaining > 0:
            take = min(balance, remaining)
            takes.append((row[5], take))
            remaining -= take
    paid_take = remaining
    if paid_take > paid_balance or (paid_take and paid is None):
        raise refusal("insufficient_credits", amount, buyer, limits, promotional + paid_balance)

    # the ledger transaction, as wallet.ledger.core.post writes it
    moves = [Move(account, merchant, take) for account, take in takes]
    if paid_take:
        moves.append(Move(paid, merchant, paid_take))
    digest = fingerprint("purchase", moves, r.ledger_metadata, None)
    txn = conn.execute(INSERT_TRANSACTION_SQL, (
        r.reference, digest, r.ledger_metadata_json, r.ledger_time)).fetchone()
    if txn is None:
        raise in_progress()
    txn_id = txn[0]
    shard = 0 if shards == 1 else random.randrange(shards)  # noqa: S311 (spreads writers)
    changes = [(account, -take) for account, take in takes]
    if paid_take:
        changes.append((paid, -paid_take))
    changes.append((merchant, amount))
    paid_after = paid_balance
    for account, delta in sorted(changes):  # (account id, shard): the one lock order
        if delta < 0:
            after = conn.execute(DEBIT_SQL, (-delta, account, -delta)).fetchone()
            if after is None:  # not on SQLite under the write lock; kept as the guard
                raise refusal("insufficient_credits", amount, buyer, limits,
                              promotional + _balance(conn, paid))
            if account == paid:
                paid_after = int(after[0])
        elif conn.execute(CREDIT_SQL, (delta, account, shard)).fetchone() is None:
            raise UsePythonPath()  # no such shard row: let the ledger raise its error
    conn.executemany(INSERT_POSTING_SQL, [(txn_id, m.debit, m.credit, asset, m.amount)
                                          for m in moves])
    balance_after = paid_after + promotional - (amount - paid_take)

    # after the ledger: the purchase, the risk counters, the outbox event
    conn.execute(INSERT_PURCHASE_SQL, (
        r.purchase_id, buyer.user_id, buyer.app_id, buyer.merchant_id, amount,
        r.description, r.metadata_json, r.key, r.fingerprint, balance_after, txn_id,
        r.now_text))
    daily_limits = [x for x in (buyer.daily_cap, limits.daily_per_app) if x is not None]
    if limits.velocity_per_minute is not None or daily_limits:
        counted = {row[0]: (int(row[1]), int(row[2])) for row in conn.execute(COUNTERS_SQL, (
            buyer.user_id, ALL_APPS, buyer.app_id, r.day, amount, r.minute))}
        if (limits.velocity_per_minute is not None
                and counted[ALL_APPS][1] > limits.velocity_per_minute):
            raise refusal("purchase_velocity_exceeded", amount, buyer, limits)
        app_today = counted[buyer.app_id][0]
        if buyer.daily_cap is not None and app_today > buyer.daily_cap:
            raise refusal("daily_cap_exceeded", amount, buyer, limits, app_today)
        if limits.daily_per_app is not None and app_today > limits.daily_per_app:
            raise refusal("daily_spend_limit_exceeded", amount, buyer, limits, app_today)
    answer = _public({
        "id": r.purchase_id, "amount": amount, "refunded": 0,
        "merchant_id": buyer.merchant_id, "app_id": buyer.app_id, "user_id": buyer.user_id,
        "description": r.description, "metadata": r.metadata, "balance_after": balance_after,
        "created_at": r.now})
    conn.execute(INSERT_EVENT_SQL, (new_id("evt"), buyer.merchant_id, to_json(answer),
                                    r.now_text))
    return answer, True


def _balance(conn: sqlite3.Connection, account: int | None) -> int:
    if account is None:
        return 0
    row = conn.execute(BALANCE_SQL, (account,)).fetchone()
    return int(row[0]) if row else 0
