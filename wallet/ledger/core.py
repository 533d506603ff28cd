"""The ledger core: open accounts, post and reverse transactions, read balances.

Plain Python over a SQLAlchemy session: no Flask, no commit. When a call
raises, nothing it wrote is meant to stay: the caller rolls the session back
(the request's one commit point does so for every error).

Hot accounts (many concurrent writers, e.g. a popular merchant's pending
earnings) keep their balance in several rows ("shards"). A credit adds to one
shard picked at random, so concurrent buyers do not queue on one row lock; a
debit locks every shard in order, checks the sum and drains shards in order.
Reading a balance sums at most ``shards`` rows, so it stays O(1) in the
length of the history.

Lock order (docs/ledger.md, "One lock order"): balance rows are locked and
updated in (account id, shard) order. ``post`` does so for the rows of one
transaction; a flow that must read balances before it knows its moves calls
``hold`` first, which locks every row the flow will then post to in that same
order, in one statement.
"""

from __future__ import annotations

import functools
import hashlib
import json
import random
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, event, func, insert, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from wallet.db import INT64_MAX, utcnow
from wallet.ledger.errors import (
    AssetMismatch,
    InsufficientFunds,
    InvalidAmount,
    InvalidPosting,
    ReferenceConflict,
    UnknownAccount,
)
from wallet.ledger.models import Account, AccountBalance, LedgerTransaction, Posting

accounts_t = cast(Table, Account.__table__)
balances_t = cast(Table, AccountBalance.__table__)
transactions_t = cast(Table, LedgerTransaction.__table__)
postings_t = cast(Table, Posting.__table__)

MAX_REFERENCE_LENGTH = 255
MAX_SHARDS = 256


@dataclass(frozen=True, slots=True)
class Move:
    """Move ``amount`` from account ``debit`` to account ``credit``."""

    debit: int
    credit: int
    amount: int


@dataclass(frozen=True, slots=True)
class AccountInfo:
    """The immutable attributes of an account that posting needs."""

    id: int
    asset: str
    allow_negative: bool
    shards: int


@dataclass(frozen=True)
class Held:
    """Balance rows one database transaction locked with ``hold``, until it ends.

    ``balances``: per account, the sum of its locked rows (every row of a drained
    account, the one row of a single-row account); ``shards``: the shard held to
    credit each sharded account that is not drained.
    """

    balances: dict[int, int]
    shards: dict[int, int]

    def covers(self, account_id: int) -> bool:
        return account_id in self.balances or account_id in self.shards


@dataclass(frozen=True)
class Posted:
    """The result of posting: ``created`` is False when replayed by reference."""

    id: int
    reference: str
    created: bool
    balances_after: dict[int, int] = field(default_factory=dict)


# Account attributes never change after creation, so they are cached per
# engine; the database still checks every write (balance row CHECK, FKs).
_account_cache: weakref.WeakKeyDictionary[Engine, dict[int, AccountInfo]] = (
    weakref.WeakKeyDictionary()
)


@event.listens_for(Session, "after_soft_rollback")
def _forget_accounts(_session: Session, _previous: Any) -> None:
    """An account opened in a rolled-back transaction may see its id again (SQLite reuses
    rowids) for another account: forget every cached attribute after a rollback (rare)."""
    forget_accounts()


def forget_accounts() -> None:
    """Drop the account cache (after a rollback the caller did outside a Session)."""
    _account_cache.clear()


def _cache_for(session: Session) -> dict[int, AccountInfo]:
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    return _account_cache.setdefault(engine, {})


def remember_accounts(session: Session, infos: Iterable[AccountInfo]) -> None:
    """Prime the account cache with attributes a caller already read (saves a query)."""
    cache = _cache_for(session)
    for info in infos:
        cache.setdefault(info.id, info)


def check_amount(amount: object, name: str = "amount") -> int:
    """Return ``amount`` if it is an int in 1..INT64_MAX, else raise InvalidAmount."""
    if type(amount) is not int or not 0 < amount <= INT64_MAX:
        raise InvalidAmount(param=name)
    return amount


def open_account(
    session: Session,
    code: str,
    *,
    kind: str,
    asset: str,
    allow_negative: bool = False,
    shards: int = 1,
    allow_positive: bool = True,
) -> AccountInfo:
    """Return the account named ``code``, creating it (and its balance rows) if new.

    ``allow_positive=False``: an account that may only owe (a merchant's debt); its rows
    are CHECKed ``balance <= 0``."""
    if type(shards) is not int or not 1 <= shards <= MAX_SHARDS:
        raise InvalidPosting("shards must be between 1 and 256", param="shards")
    existing = _account_by_code(session, code)
    if existing is None:
        stmt = _insert_ignoring_conflict(session, accounts_t, "code").values(
            code=code, kind=kind, asset=asset, allow_negative=allow_negative,
            shards=shards, created_at=utcnow(),
        ).returning(accounts_t.c.id)
        new_id = session.execute(stmt).scalar()
        if new_id is not None:
            session.execute(
                insert(balances_t),
                [
                    {"account_id": new_id, "shard": s, "balance": 0,
                     "allow_negative": allow_negative, "allow_positive": allow_positive}
                    for s in range(shards)
                ],
            )
        existing = _account_by_code(session, code)
    assert existing is not None
    if (existing.asset, existing.allow_negative) != (asset, allow_negative):
        raise InvalidPosting(f"account {code!r} exists with other attributes", param="code")
    return existing


def _account_by_code(session: Session, code: str) -> AccountInfo | None:
    row = session.execute(
        select(accounts_t.c.id, accounts_t.c.asset, accounts_t.c.allow_negative,
               accounts_t.c.shards).where(accounts_t.c.code == code)
    ).first()
    if row is None:
        return None
    info = AccountInfo(*row)
    _cache_for(session)[info.id] = info
    return info


def account_infos(session: Session, ids: Iterable[int],
                  cache: dict[int, AccountInfo] | None = None) -> dict[int, AccountInfo]:
    """Return the attributes of every account in ``ids``; raise if one is unknown.

    ``cache``: the engine's account cache, when the caller already has it."""
    if cache is None:
        cache = _cache_for(session)
    wanted = set(ids)
    missing = [i for i in wanted if i not in cache]
    if missing:
        rows = session.execute(
            select(accounts_t.c.id, accounts_t.c.asset, accounts_t.c.allow_negative,
                   accounts_t.c.shards).where(accounts_t.c.id.in_(missing))
        ).all()
        for row in rows:
            cache[row[0]] = AccountInfo(*row)
        unknown = [i for i in missing if i not in cache]
        if unknown:
            raise UnknownAccount(f"No such account: {unknown[0]}.", param="account")
    return {i: cache[i] for i in wanted}


def _insert_ignoring_conflict(session: Session, table: Any, column: str) -> Any:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table).on_conflict_do_nothing(index_elements=[column])


def _validate_moves(moves: Sequence[Move]) -> None:
    if not moves:
        raise InvalidPosting("A transaction needs at least one posting.", param="postings")
    for move in moves:
        if not isinstance(move, Move):
            raise InvalidPosting("Postings must be Move objects.", param="postings")
        for name in ("debit", "credit"):
            if type(getattr(move, name)) is not int:
                raise UnknownAccount(f"Account ids must be integers ({name}).", param=name)
        check_amount(move.amount)
        if move.debit == move.credit:
            raise InvalidPosting("A posting must move value between two accounts.")


def _validate_reference(reference: object) -> str:
    if not isinstance(reference, str) or not 0 < len(reference) <= MAX_REFERENCE_LENGTH:
        raise InvalidPosting(
            "A reference is a non-empty string of at most 255 characters.", param="reference"
        )
    return reference


def fingerprint(
    kind: str, moves: Sequence[Move], metadata: Mapping[str, Any], reverses_id: int | None
) -> str:
    """A digest of a transaction's content, to tell a retry from a conflict.

    The SHA-256 of the canonical JSON ``[kind, [[debit, credit, amount], ...], metadata,
    reverses_id]`` (sorted keys, no spaces, ASCII). The moves' ints and ``reverses_id``
    are written by hand (``str`` of an int is its JSON), which is what the hot path
    spends its time on; the rest is ``json.dumps`` as before, so every stored
    fingerprint still matches (tests/test_ledger_core.py compares both ways)."""
    if type(reverses_id) is int:
        tail = f",{reverses_id}]"
    elif reverses_id is None:
        tail = ",null]"
    else:
        return _fingerprint_json(kind, moves, metadata, reverses_id)
    if type(kind) is not str:
        return _fingerprint_json(kind, moves, metadata, reverses_id)
    for m in moves:
        if not (type(m.debit) is type(m.credit) is type(m.amount) is int):
            return _fingerprint_json(kind, moves, metadata, reverses_id)
    canonical = (
        "[" + _json_string(kind) + ",["
        + ",".join([f"[{m.debit},{m.credit},{m.amount}]" for m in moves]) + "],"
        + (_canonical_json(metadata) if metadata else "{}") + tail
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _fingerprint_json(
    kind: str, moves: Sequence[Move], metadata: Mapping[str, Any], reverses_id: int | None
) -> str:
    """``fingerprint`` written with one ``json.dumps`` (the definition; and the fallback
    for values that are not plain ints)."""
    return hashlib.sha256(_canonical_json(
        [kind, [[m.debit, m.credit, m.amount] for m in moves], metadata, reverses_id]
    ).encode()).hexdigest()


def _canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


@functools.lru_cache(maxsize=256)
def _json_string(value: str) -> str:
    """The JSON of a transaction kind (a handful of distinct values)."""
    return _canonical_json(value)


def _net_deltas(moves: Sequence[Move]) -> dict[int, int]:
    deltas: dict[int, int] = {}
    for m in moves:
        deltas[m.debit] = deltas.get(m.debit, 0) - m.amount
        deltas[m.credit] = deltas.get(m.credit, 0) + m.amount
    for account_id, delta in deltas.items():
        if abs(delta) > INT64_MAX:
            raise InvalidAmount("The postings to one account exceed the int64 range.",
                                param=str(account_id))
    return deltas


@dataclass(frozen=True)
class _Statements:
    """The hot-path SQL, prepared once per dialect and run on the DBAPI cursor.

    The profile of a transfer showed SQLAlchemy's statement compilation and
    result set-up costing more than the database work itself; these four
    statements are fixed, so they skip both. Bind processors (JSON, UTC
    datetimes) are the column types' own, looked up once.
    """

    insert_transaction: str
    add: str
    debit_checked: str
    insert_posting: str
    # SQLite: the same without RETURNING (see ``_post_without_returning``)
    insert_transaction_plain: str
    add_plain: str
    debit_checked_plain: str
    one_statement: bool  # PostgreSQL: a transaction is one statement (data-modifying CTEs)
    metadata_to_db: Callable[[Any], Any]
    datetime_to_db: Callable[[Any], Any]


class DriverCursor:
    """The DBAPI cursor of the session's connection (same transaction), with driver
    errors wrapped as SQLAlchemy's ``DBAPIError`` like any other query, so a lost
    connection is invalidated and the unit of work can be retried (``wallet.retry``).

    For fixed statements on a hot path (no statement set-up) and for COPY.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cursor = conn.connection.cursor()
        self.errors = conn.dialect.loaded_dbapi.Error

    @contextmanager
    def wrapping(self, sql: str, params: Any = None) -> Iterator[Any]:
        """The raw cursor, its driver errors raised as ``DBAPIError``."""
        try:
            yield self.cursor
        except self.errors as exc:
            raise self._wrapped(exc, sql, params) from exc

    def scalar(self, sql: str, params: Any) -> Any:
        """Run one statement; return the first column of its first row, or None."""
        row = self.one(sql, params)
        return row[0] if row is not None else None

    def one(self, sql: str, params: Any) -> Any:
        """Run one statement; return its first row, or None."""
        rows = self.all(sql, params)
        return rows[0] if rows else None

    def all(self, sql: str, params: Any) -> list[Any]:
        """Run one statement; return all its rows."""
        try:  # not ``wrapping``: this is the hot path, and a generator costs
            self.cursor.execute(sql, params)
            return list(self.cursor.fetchall())  # to the end: SQLite finishes the statement
        except self.errors as exc:
            raise self._wrapped(exc, sql, params) from exc

    def run(self, sql: str, params: Any) -> int:
        """Run one statement that returns no rows; return its ``rowcount``."""
        try:
            self.cursor.execute(sql, params)
        except self.errors as exc:
            raise self._wrapped(exc, sql, params) from exc
        return int(self.cursor.rowcount)

    def execute(self, sql: str, rows: Sequence[Any]) -> None:
        """Run a statement without results once per row of parameters."""
        try:
            if len(rows) == 1:
                self.cursor.execute(sql, rows[0])
            else:
                self.cursor.executemany(sql, rows)
        except self.errors as exc:
            raise self._wrapped(exc, sql, rows) from exc

    def _wrapped(self, exc: Exception, sql: str, params: Any) -> DBAPIError:
        """As SQLAlchemy reports it: a lost connection is invalidated (its pool
        recycles it) and flagged ``connection_invalidated``, so callers can retry."""
        dialect = self.conn.dialect
        lost = dialect.is_disconnect(
            exc, self.conn.connection.dbapi_connection, self.cursor)  # type: ignore[arg-type]
        if lost:
            self.conn.invalidate(exc)
        return cast(DBAPIError, DBAPIError.instance(
            sql, params, exc, self.errors, connection_invalidated=lost, dialect=dialect))


def _bind_processor(column: Any, dialect: Any) -> Callable[[Any], Any]:
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    return processor or (lambda value: value)


@functools.cache
def _statements(dialect: Any) -> _Statements:
    mark = "%s" if dialect.name == "postgresql" else "?"
    return _Statements(
        insert_transaction=(
            "INSERT INTO transactions (reference, kind, fingerprint, metadata, reverses_id, "
            f"created_at) VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, {mark}) "
            "ON CONFLICT (reference) DO NOTHING RETURNING id"
        ),
        add=(
            f"UPDATE account_balances SET balance = balance + {mark} "
            f"WHERE account_id = {mark} AND shard = {mark} RETURNING balance"
        ),
        debit_checked=(
            f"UPDATE account_balances SET balance = balance - {mark} "
            f"WHERE account_id = {mark} AND shard = 0 AND balance >= {mark} RETURNING balance"
        ),
        insert_posting=(
            "INSERT INTO postings (transaction_id, debit_account_id, credit_account_id, asset, "
            f"amount) VALUES ({mark}, {mark}, {mark}, {mark}, {mark})"
        ),
        insert_transaction_plain=(
            "INSERT INTO transactions (reference, kind, fingerprint, metadata, reverses_id, "
            f"created_at) VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, {mark}) "
            "ON CONFLICT (reference) DO NOTHING"
        ),
        add_plain=(
            f"UPDATE account_balances SET balance = balance + {mark} "
            f"WHERE account_id = {mark} AND shard = {mark}"
        ),
        debit_checked_plain=(
            f"UPDATE account_balances SET balance = balance - {mark} "
            f"WHERE account_id = {mark} AND shard = 0 AND balance >= {mark}"
        ),
        one_statement=dialect.name == "postgresql",
        metadata_to_db=_bind_processor(transactions_t.c.metadata, dialect),
        datetime_to_db=_bind_processor(transactions_t.c.created_at, dialect),
    )


def post(
    session: Session,
    *,
    reference: str,
    kind: str,
    moves: Sequence[Move],
    metadata: Mapping[str, Any] | None = None,
    reverses_id: int | None = None,
    held: Held | None = None,
) -> Posted:
    """Post a balanced transaction once per ``reference``.

    A retry with the same reference and content returns the first
    transaction and moves nothing; other content raises ReferenceConflict.
    ``held``: the rows this transaction locked with ``hold``; every account
    moved must be among them, and a sharded account is credited on its held shard.
    """
    _validate_reference(reference)
    _validate_moves(moves)
    meta = dict(metadata or {})
    conn = session.connection()
    infos = account_infos(session, {m.debit for m in moves} | {m.credit for m in moves},
                          _account_cache.setdefault(conn.engine, {}))
    for m in moves:
        if infos[m.debit].asset != infos[m.credit].asset:
            raise AssetMismatch(param="postings")
    deltas = _net_deltas(moves)
    if held is not None and not all(held.covers(a) for a in deltas):
        raise InvalidPosting("A transaction posted after hold() may only move held accounts.")
    digest = fingerprint(kind, moves, meta, reverses_id)

    statements = _statements(conn.dialect)
    cursor = DriverCursor(conn)
    header = (reference, kind, digest, statements.metadata_to_db(meta), reverses_id,
              statements.datetime_to_db(utcnow()))
    held_shards = held.shards if held is not None else {}
    plan = _plan_rows(infos, deltas, held_shards)
    if plan is not None and statements.one_statement:
        return _post_in_one_statement(session, cursor, header, plan, moves, infos)
    if plan is not None:
        return _post_without_returning(session, cursor, statements, header, plan, moves, infos)
    # a sharded account is debited: drained shard by shard after a locking read
    txn_id = cursor.scalar(statements.insert_transaction, header)
    if txn_id is None:
        return _replay(session, reference, digest)
    balances_after = _apply_deltas(cursor, statements, infos, deltas, held_shards)
    rows = [(txn_id, m.debit, m.credit, infos[m.debit].asset, m.amount) for m in moves]
    cursor.execute(statements.insert_posting, rows)
    return Posted(int(txn_id), reference, True, balances_after)


@dataclass(frozen=True, slots=True)
class _RowChange:
    """One balance row a transaction changes: ``checked`` debits refuse an overdraft."""

    account_id: int
    shard: int
    delta: int
    checked: bool
    single: bool  # the account's only row: its new balance is the account's


def _plan_rows(
    infos: Mapping[int, AccountInfo], deltas: Mapping[int, int], held_shards: Mapping[int, int],
) -> list[_RowChange] | None:
    """The balance rows to change, in (account id, shard) order; None when a sharded
    account is debited (it is drained shard by shard after a locking read)."""
    plan: list[_RowChange] = []
    for account_id in sorted(deltas):
        delta = deltas[account_id]
        if delta == 0:
            continue
        info = infos[account_id]
        checked = delta < 0 and not info.allow_negative
        if info.shards == 1:
            plan.append(_RowChange(account_id, 0, delta, checked, True))
        elif checked:
            return None
        else:
            shard = held_shards.get(account_id)
            plan.append(_RowChange(account_id, _random_shard(info.shards)
                                   if shard is None else shard, delta, False, False))
    return plan


@functools.lru_cache(maxsize=512)
def _one_statement_sql(checked: tuple[bool, ...], postings: int) -> str:
    """PostgreSQL: the whole transaction as one statement of data-modifying CTEs.

    ``t`` inserts the transaction (nothing when the reference exists); each ``bN``
    updates one balance row, in the order given ((account id, shard): the global
    lock order), and only when the one before it succeeded: each reads its
    predecessor, which makes PostgreSQL run them one after the other in that order.
    A checked debit updates nothing when the balance does not cover it, so nothing
    after it runs either (the caller raises and rolls back, as with ``post``).
    The postings go in only when the last row was updated.
    """
    ctes = ["t AS (INSERT INTO transactions (reference, kind, fingerprint, metadata, "
            "reverses_id, created_at) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (reference) DO NOTHING RETURNING id)"]
    before = "t"
    for n, check in enumerate(checked, 1):
        ctes.append(
            f"b{n} AS (UPDATE account_balances SET balance = balance + %s "
            f"WHERE account_id = %s AND shard = %s AND EXISTS (SELECT FROM {before})"
            + (" AND balance + %s >= 0" if check else "") + " RETURNING balance)"
        )
        before = f"b{n}"
    values = ", ".join(["(%s::bigint, %s::bigint, %s, %s::bigint)"] * postings)
    ctes.append(
        "p AS (INSERT INTO postings (transaction_id, debit_account_id, credit_account_id, "
        f"asset, amount) SELECT t.id, v.d, v.c, v.a, v.m FROM t, (VALUES {values}) "
        f"AS v(d, c, a, m) WHERE EXISTS (SELECT FROM {before}))"
    )
    results = ", ".join(["(SELECT id FROM t)"]
                        + [f"(SELECT balance FROM b{n})" for n in range(1, len(checked) + 1)])
    return "WITH " + ", ".join(ctes) + " SELECT " + results


def _post_in_one_statement(
    session: Session, cursor: DriverCursor, header: tuple[Any, ...], plan: Sequence[_RowChange],
    moves: Sequence[Move], infos: Mapping[int, AccountInfo],
) -> Posted:
    """Post with one round trip (PostgreSQL); see ``_one_statement_sql``."""
    params: list[Any] = list(header)
    for row in plan:
        params += (row.delta, row.account_id, row.shard)
        if row.checked:
            params.append(row.delta)
    for m in moves:
        params += (m.debit, m.credit, infos[m.debit].asset, m.amount)
    sql = _one_statement_sql(tuple(row.checked for row in plan), len(moves))
    txn_id, *after = cursor.one(sql, params)
    reference, digest = header[0], header[2]
    if txn_id is None:
        return _replay(session, reference, digest)
    balances_after: dict[int, int] = {}
    for row, balance in zip(plan, after, strict=True):
        if balance is None:
            if row.checked:
                raise InsufficientFunds(row.account_id)
            raise UnknownAccount(f"Account {row.account_id} has no balance row {row.shard}.")
        if row.single:
            balances_after[row.account_id] = int(balance)
    return Posted(int(txn_id), reference, True, balances_after)


def _post_without_returning(
    session: Session, cursor: DriverCursor, statements: _Statements, header: tuple[Any, ...],
    plan: Sequence[_RowChange], moves: Sequence[Move], infos: Mapping[int, AccountInfo],
) -> Posted:
    """SQLite: post with statements that return no rows (``rowcount``, ``lastrowid``).

    On SQLite 3.40 a ``RETURNING`` clause made each of these statements several times
    dearer (an UPDATE of one row: 2 µs without, 11 µs with; benchmarks/README.md,
    "Session 4"). The balance rows are updated one statement each in (account id,
    shard) order, a checked debit only while the balance covers it, and the first row
    not updated raises (the caller rolls back); the new balances of single-row
    accounts are read back in one SELECT.
    """
    if cursor.run(statements.insert_transaction_plain, header) != 1:
        return _replay(session, header[0], header[2])
    txn_id = cursor.cursor.lastrowid
    singles: list[int] = []
    for row in plan:
        if row.checked:
            changed = cursor.run(statements.debit_checked_plain,
                                 (-row.delta, row.account_id, -row.delta))
        else:
            changed = cursor.run(statements.add_plain, (row.delta, row.account_id, row.shard))
        if changed != 1:
            if row.checked:
                raise InsufficientFunds(row.account_id)
            raise UnknownAccount(f"Account {row.account_id} has no balance row {row.shard}.")
        if row.single:
            singles.append(row.account_id)
    balances_after = dict(cursor.all(_single_balances_sql(len(singles)), singles)) if (
        singles) else {}
    rows = [(txn_id, m.debit, m.credit, infos[m.debit].asset, m.amount) for m in moves]
    cursor.execute(statements.insert_posting, rows)
    return Posted(int(txn_id), header[0], True, balances_after)


@functools.lru_cache(maxsize=64)
def _single_balances_sql(count: int) -> str:
    """One point read per account, glued with UNION ALL: SQLite runs ``account_id IN
    (?, ?)`` through an ephemeral table built per statement (7 µs for a transfer's two
    rows against 4 µs; benchmarks/README.md, "Session 5"). Beyond
    ``_UNION_READS`` accounts, the IN list (SQLite caps a compound SELECT at 500 terms)."""
    if count > _UNION_READS:
        marks = ", ".join(["?"] * count)
        return ("SELECT account_id, balance FROM account_balances "
                f"WHERE account_id IN ({marks}) AND shard = 0")
    return " UNION ALL ".join(
        ["SELECT account_id, balance FROM account_balances WHERE account_id = ? AND shard = 0"]
        * count)


_UNION_READS = 32


def _replay(session: Session, reference: str, digest: str) -> Posted:
    row = session.execute(
        select(transactions_t.c.id, transactions_t.c.fingerprint)
        .where(transactions_t.c.reference == reference)
    ).one()
    if row.fingerprint != digest:
        raise ReferenceConflict(param="reference")
    return Posted(row.id, reference, False)


def _apply_deltas(
    cursor: DriverCursor, statements: _Statements, infos: Mapping[int, AccountInfo],
    deltas: Mapping[int, int], held_shards: Mapping[int, int],
) -> dict[int, int]:
    """Update balance rows in one global order (account id, shard): no deadlocks."""
    after: dict[int, int] = {}
    for account_id in sorted(deltas):
        delta = deltas[account_id]
        if delta == 0:
            continue
        info = infos[account_id]
        if delta < 0 and not info.allow_negative:
            if info.shards == 1:
                after[account_id] = _debit_checked(cursor, statements, account_id, -delta)
            else:
                _debit_sharded(cursor, statements, info, -delta)
        else:
            shard = 0 if info.shards == 1 else (
                held_shards[account_id] if account_id in held_shards
                else _random_shard(info.shards))
            balance = _add(cursor, statements, account_id, shard, delta)
            if info.shards == 1:
                after[account_id] = balance
    return after


def _random_shard(shards: int) -> int:
    return random.randrange(shards)  # noqa: S311 (spreads writers, not a secret)


def hold(
    session: Session, accounts: Iterable[int], *, drain: Iterable[int] = ()
) -> Held:
    """Lock, in one statement and in the global order (account id, shard), the balance
    rows of every account a flow is about to post to, and return their balances.

    For a flow that must read balances before it knows its moves (which lots a
    purchase spends, where a refund comes from). A single-row account's row is
    locked; a sharded account has one shard locked, picked at random (``post(...,
    held=)`` credits that shard), unless it is in ``drain``: then every shard
    (to debit it or read its total). Nothing else may be locked between this call
    and the ``post`` that uses it. PostgreSQL only locks (``FOR UPDATE``): SQLite's
    transaction already holds the database write lock.
    """
    drained = set(drain)
    wanted = set(accounts) | drained
    infos = account_infos(session, wanted)
    shards = {a: _random_shard(infos[a].shards) for a in sorted(wanted - drained)
              if infos[a].shards > 1}
    whole = sorted(drained | {a for a in wanted if infos[a].shards == 1})
    query = (
        select(balances_t.c.account_id, balances_t.c.shard, balances_t.c.balance)
        .where(or_(balances_t.c.account_id.in_(whole),
                   tuple_(balances_t.c.account_id, balances_t.c.shard).in_(
                       sorted(shards.items()))))
        .order_by(balances_t.c.account_id, balances_t.c.shard)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    balances: dict[int, int] = {}
    for account_id, _shard, value in session.execute(query):
        if account_id in whole:
            balances[account_id] = balances.get(account_id, 0) + int(value)
    return Held(balances, shards)


def _add(cursor: DriverCursor, statements: _Statements, account_id: int, shard: int,
         delta: int) -> int:
    balance = cursor.scalar(statements.add, (delta, account_id, shard))
    if balance is None:
        raise UnknownAccount(f"Account {account_id} has no balance row {shard}.")
    return int(balance)


def _debit_checked(cursor: DriverCursor, statements: _Statements, account_id: int,
                   amount: int) -> int:
    """Conditional UPDATE: only succeeds while the balance covers ``amount``."""
    balance = cursor.scalar(statements.debit_checked, (amount, account_id, amount))
    if balance is None:
        raise InsufficientFunds(account_id)
    return int(balance)


def _debit_sharded(cursor: DriverCursor, statements: _Statements, info: AccountInfo,
                   amount: int) -> None:
    """Lock every shard in order, check the total, then drain shards in order."""
    query = (
        select(balances_t.c.shard, balances_t.c.balance)
        .where(balances_t.c.account_id == info.id)
        .order_by(balances_t.c.shard)
    )
    if cursor.conn.dialect.name == "postgresql":
        query = query.with_for_update()
    shards = cursor.conn.execute(query).all()
    if sum(b for _, b in shards) < amount:
        raise InsufficientFunds(info.id)
    remaining = amount
    for shard, balance in shards:
        take = min(balance, remaining)
        if take > 0:
            _add(cursor, statements, info.id, shard, -take)
            remaining -= take
        if remaining == 0:
            break


@dataclass(frozen=True, slots=True)
class Entry:
    """One transaction of ``post_many``."""

    reference: str
    kind: str
    moves: Sequence[Move]
    metadata: Mapping[str, Any] = field(default_factory=dict)


def post_many(session: Session, entries: Sequence[Entry], *, held: Held) -> list[Posted]:
    """Post many balanced transactions in a constant number of statements (batch jobs).

    The same rules as ``post``, per entry (validation, fingerprint, one transaction per
    unique reference, a replay returns ``created`` False and moves nothing, other
    content raises ReferenceConflict); then ONE multi-row INSERT of the transactions,
    ONE UPDATE of every balance row by the net of the created entries (in the global
    order; rows that must not go negative are checked in the statement: a shortfall
    raises InsufficientFunds and the caller rolls back), and ONE INSERT of the postings
    (PostgreSQL: each an array per column). Every account must be held by the caller
    (``hold``); sharded accounts may only be credited (on their held shard).
    ``balances_after`` is left empty.
    """
    if not entries:
        return []
    if len({entry.reference for entry in entries}) != len(entries):
        raise InvalidPosting("Each entry of one post_many needs its own reference.",
                             param="reference")
    digests = []
    for entry in entries:
        _validate_reference(entry.reference)
        _validate_moves(entry.moves)
        digests.append(fingerprint(entry.kind, entry.moves, dict(entry.metadata), None))
    infos = account_infos(
        session, {a for e in entries for m in e.moves for a in (m.debit, m.credit)})
    for entry in entries:
        for m in entry.moves:
            if infos[m.debit].asset != infos[m.credit].asset:
                raise AssetMismatch(param="postings")
            if not (held.covers(m.debit) and held.covers(m.credit)):
                raise InvalidPosting("post_many may only move accounts held with hold().")
    conn = session.connection()
    ids = _insert_transactions(conn, entries, digests)
    posted: list[Posted] = []
    deltas: dict[tuple[int, int], int] = {}
    rows = []
    for entry, digest in zip(entries, digests, strict=True):
        txn_id = ids.get(entry.reference)
        if txn_id is None:
            posted.append(_replay(session, entry.reference, digest))
            continue
        posted.append(Posted(txn_id, entry.reference, True))
        for account_id, delta in _net_deltas(entry.moves).items():
            info = infos[account_id]
            if info.shards > 1 and delta < 0:
                raise InvalidPosting("post_many does not debit sharded accounts.")
            key = (account_id, held.shards.get(account_id, 0) if info.shards > 1 else 0)
            deltas[key] = deltas.get(key, 0) + delta
        rows += [(txn_id, m.debit, m.credit, infos[m.debit].asset, m.amount)
                 for m in entry.moves]
    _apply_many(conn, {k: v for k, v in sorted(deltas.items()) if v})
    _insert_postings(conn, rows)
    return posted


# post_many on PostgreSQL: one array per column (unnest), so each statement is short and
# the same whatever the batch: psycopg parses and PostgreSQL plans it once, where a
# multi-row VALUES of 3,000 parameters was parsed again by each call (benchmarks/README.md,
# "Renewal job").
_PG_INSERT_TRANSACTIONS = (
    "INSERT INTO transactions (reference, kind, fingerprint, metadata, created_at) "
    "SELECT r, k, f, CAST(m AS JSON), %s FROM unnest("
    "CAST(%s AS TEXT[]), CAST(%s AS TEXT[]), CAST(%s AS TEXT[]), CAST(%s AS TEXT[])) "
    "AS u(r, k, f, m) ON CONFLICT (reference) DO NOTHING RETURNING id, reference"
)
_PG_INSERT_POSTINGS = (
    "INSERT INTO postings (transaction_id, debit_account_id, credit_account_id, asset, amount) "
    "SELECT * FROM unnest(CAST(%s AS BIGINT[]), CAST(%s AS BIGINT[]), CAST(%s AS BIGINT[]), "
    "CAST(%s AS TEXT[]), CAST(%s AS BIGINT[]))"
)
_APPLY_MANY = (
    "UPDATE account_balances SET balance = account_balances.balance + v.delta FROM {rows} "
    "WHERE account_balances.account_id = v.account_id AND account_balances.shard = v.shard "
    "AND (v.delta >= 0 OR account_balances.allow_negative "
    "OR account_balances.balance + v.delta >= 0) RETURNING account_balances.account_id"
)
_PG_APPLY_MANY = _APPLY_MANY.format(
    rows="unnest(CAST(%s AS BIGINT[]), CAST(%s AS INTEGER[]), CAST(%s AS BIGINT[])) "
         "AS v(account_id, shard, delta)")


def _insert_transactions(conn: Connection, entries: Sequence[Entry],
                         digests: Sequence[str]) -> dict[str, int]:
    """One INSERT of the entries' transactions, skipping known references; the new
    transactions' ids by reference."""
    now = utcnow()
    rows: Sequence[Any]
    if conn.dialect.name == "postgresql":
        rows = DriverCursor(conn).all(_PG_INSERT_TRANSACTIONS, (
            now, [e.reference for e in entries], [e.kind for e in entries], list(digests),
            [json.dumps(dict(e.metadata)) for e in entries]))  # as SQLAlchemy's JSON does
    else:
        rows = conn.execute(
            sqlite.insert(transactions_t).on_conflict_do_nothing(index_elements=["reference"])
            .returning(transactions_t.c.id, transactions_t.c.reference),
            [{"reference": e.reference, "kind": e.kind, "fingerprint": d,
              "metadata": dict(e.metadata), "reverses_id": None, "created_at": now}
             for e, d in zip(entries, digests, strict=True)],
        ).all()
    return {reference: int(txn_id) for txn_id, reference in rows}


def _insert_postings(conn: Connection, rows: Sequence[tuple[int, int, int, str, int]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        DriverCursor(conn).run(_PG_INSERT_POSTINGS, [list(c) for c in zip(*rows, strict=True)])
        return
    keys = ("transaction_id", "debit_account_id", "credit_account_id", "asset", "amount")
    # executemany: batched into multi-row INSERTs by SQLAlchemy (insertmanyvalues)
    conn.execute(insert(postings_t), [dict(zip(keys, r, strict=True)) for r in rows])


def _apply_many(conn: Connection, deltas: Mapping[tuple[int, int], int]) -> None:
    """One UPDATE of every (account, shard) row by its delta; checked where no overdraft."""
    if not deltas:
        return
    params: Sequence[Any]
    if conn.dialect.name == "postgresql":
        sql = _PG_APPLY_MANY
        params = ([a for a, _ in deltas], [s for _, s in deltas], list(deltas.values()))
    else:
        values = ", ".join("(?, ?, ?)" for _ in deltas)
        sql = f"WITH v(account_id, shard, delta) AS (VALUES {values}) " + \
            _APPLY_MANY.format(rows="v")
        params = [x for (account_id, shard), delta in deltas.items()
                  for x in (account_id, shard, delta)]
    updated = {int(r[0]) for r in DriverCursor(conn).all(sql, params)}
    missing = {account_id for account_id, _ in deltas} - updated
    if missing:
        raise InsufficientFunds(min(missing))


def reverse(
    session: Session, transaction_id: int, *, metadata: Mapping[str, Any] | None = None
) -> Posted:
    """Post the exact opposite of a transaction, at most once (reference ``reversal:ID``)."""
    moves = [
        Move(debit=m.credit, credit=m.debit, amount=m.amount)
        for m in transaction_moves(session, transaction_id)
    ]
    if not moves:
        raise UnknownAccount(f"No such transaction: {transaction_id}.", param="transaction")
    return post(
        session, reference=f"reversal:{transaction_id}", kind="reversal", moves=moves,
        metadata=metadata, reverses_id=transaction_id,
    )


def transaction_moves(session: Session, transaction_id: int) -> list[Move]:
    rows = session.execute(
        select(postings_t.c.debit_account_id, postings_t.c.credit_account_id,
               postings_t.c.amount)
        .where(postings_t.c.transaction_id == transaction_id)
        .order_by(postings_t.c.id)
    ).all()
    return [Move(*row) for row in rows]


def balance(session: Session, account_id: int) -> int:
    """The current balance of one account (sum of at most ``shards`` rows)."""
    return balances(session, [account_id])[account_id]


def balances(session: Session, account_ids: Iterable[int]) -> dict[int, int]:
    ids = list(account_ids)
    rows = session.execute(
        select(balances_t.c.account_id, func.sum(balances_t.c.balance))
        .where(balances_t.c.account_id.in_(ids))
        .group_by(balances_t.c.account_id)
    ).all()
    found = {account_id: int(total) for account_id, total in rows}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise UnknownAccount(f"No such account: {unknown[0]}.", param="account")
    return found
