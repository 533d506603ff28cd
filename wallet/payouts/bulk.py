"""Set-based posting of many ledger transactions at once (payout runs, releases).

``wallet.ledger.core.post`` costs a few round trips per transaction, which is right
for one purchase and far too slow for 100,000 payouts. ``post_bulk`` writes the same
rows (one ``transactions`` row per entry, its postings, the same fingerprints) with a
handful of statements per batch:

1. read and lock (``SELECT … ORDER BY account_id, shard FOR UPDATE``) the shards of
   every sharded account it debits, to drain them in order like ``post``;
2. take the transaction ids from the id sequence in one query, insert the
   transactions and the postings with ``executemany``;
3. apply the net delta of each balance row, in (account id, shard) order, with one
   ``UPDATE … FROM unnest(…)`` (PostgreSQL) or one ``executemany`` (SQLite).

The non-negative balance rule is the database's CHECK constraint (and, for drained
shards, a check in Python): an overdraft raises InsufficientFunds. Callers hold the
merchant's ``payout_accounts`` row lock, which every writer of available and
in-transit earnings takes first, so no lock-order cycle can form on those rows.
References must be new: a reference
that exists raises ``ReferenceConflict`` (the caller rolls back).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import psycopg
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wallet.db import is_postgres, utcnow
from wallet.ledger.core import (
    AccountInfo,
    DriverCursor,
    Move,
    account_infos,
    check_amount,
    fingerprint,
)
from wallet.ledger.errors import (
    AssetMismatch,
    InsufficientFunds,
    InvalidPosting,
    ReferenceConflict,
    UnknownAccount,
)
from wallet.ledger.models import AccountBalance, LedgerTransaction, Posting

balances_t = cast(Table, AccountBalance.__table__)
transactions_t = cast(Table, LedgerTransaction.__table__)
postings_t = cast(Table, Posting.__table__)

CHUNK = 5000


@dataclass(frozen=True)
class Entry:
    """One transaction to post: like the arguments of ``wallet.ledger.core.post``."""

    reference: str
    kind: str
    moves: Sequence[Move]
    metadata: Mapping[str, Any] = field(default_factory=dict)


def _account_infos(session: Session, ids: set[int]) -> dict[int, AccountInfo]:
    """``account_infos`` for many accounts: one array query on PostgreSQL."""
    if not is_postgres(session) or len(ids) < 1000:
        return account_infos(session, ids)
    wanted = sorted(ids)
    rows = session.execute(
        text("SELECT id, asset, allow_negative, shards FROM accounts "
             "WHERE id = ANY(CAST(:ids AS bigint[]))"), {"ids": wanted})
    found = {row[0]: AccountInfo(*row) for row in rows}
    if len(found) != len(wanted):
        raise UnknownAccount(f"No such account: {sorted(set(wanted) - set(found))[0]}.",
                             param="account")
    return found


def post_bulk(
    session: Session, entries: Sequence[Entry], *,
    known: Mapping[int, AccountInfo] | None = None,
) -> list[int]:
    """Post every entry (all new references); returns the transaction ids in order.

    ``known``: attributes of accounts the caller already has (saves a lookup).
    """
    if not entries:
        return []
    for entry in entries:
        if not entry.moves or not entry.reference or len(entry.reference) > 255:
            raise InvalidPosting("Every entry needs a reference and at least one move.")
        for move in entry.moves:
            check_amount(move.amount)
            if move.debit == move.credit:
                raise InvalidPosting("A posting must move value between two accounts.")
    wanted = {a for e in entries for m in e.moves for a in (m.debit, m.credit)}
    infos = dict(known or {})
    infos.update(_account_infos(session, wanted - set(infos)) if wanted - set(infos) else {})
    for entry in entries:
        for move in entry.moves:
            if infos[move.debit].asset != infos[move.credit].asset:
                raise AssetMismatch(param="postings")
    deltas: dict[int, int] = {}
    for entry in entries:
        for move in entry.moves:
            deltas[move.debit] = deltas.get(move.debit, 0) - move.amount
            deltas[move.credit] = deltas.get(move.credit, 0) + move.amount
    row_deltas = _row_deltas(session, infos, deltas)
    ids = _insert_journal(session, entries, infos)
    _apply(session, row_deltas)
    return ids


def _row_deltas(
    session: Session, infos: Mapping[int, Any], deltas: Mapping[int, int]
) -> dict[tuple[int, int], int]:
    """Lock the balance rows in global order and split each net delta onto rows."""
    changed = sorted(a for a, d in deltas.items() if d)
    # Rows of single-row accounts are changed by one ``balance = balance + delta``
    # (the CHECK constraint refuses an overdraft); a sharded account that is debited
    # is read and locked first, to drain its shards in order.
    drained = [a for a in changed if deltas[a] < 0 and infos[a].shards > 1
               and not infos[a].allow_negative]
    locked: dict[int, list[tuple[int, int]]] = {}
    if drained and is_postgres(session):
        found = session.execute(
            text("SELECT account_id, shard, balance FROM account_balances "
                 "WHERE account_id = ANY(CAST(:ids AS bigint[])) "
                 "ORDER BY account_id, shard FOR UPDATE"), {"ids": drained})
        for account_id, shard, balance in found:
            locked.setdefault(account_id, []).append((shard, int(balance)))
    elif drained:
        for start in range(0, len(drained), CHUNK):
            query = (
                select(balances_t.c.account_id, balances_t.c.shard, balances_t.c.balance)
                .where(balances_t.c.account_id.in_(drained[start:start + CHUNK]))
            )
            for account_id, shard, balance in session.execute(query):
                locked.setdefault(account_id, []).append((shard, int(balance)))
        for rows in locked.values():
            rows.sort()
    result: dict[tuple[int, int], int] = {}
    for account_id in changed:
        delta, info = deltas[account_id], infos[account_id]
        if delta > 0 or info.allow_negative or info.shards == 1:
            shard = random.randrange(info.shards) if info.shards > 1 else 0  # noqa: S311
            result[(account_id, shard)] = delta
            continue
        need, rows = -delta, locked[account_id]
        if sum(b for _, b in rows) < need:
            raise InsufficientFunds(account_id)
        for shard, balance in rows:  # drain shards in order, like the ledger core
            take = min(balance, need)
            if take:
                result[(account_id, shard)] = -take
                need -= take
            if not need:
                break
    return result


def _new_ids(session: Session, count: int) -> list[int]:
    if is_postgres(session):
        rows = session.execute(
            text("SELECT nextval(pg_get_serial_sequence('transactions', 'id')) "
                 "FROM generate_series(1, :n)"), {"n": count},
        ).scalars().all()
        return sorted(int(r) for r in rows)
    # SQLite: this transaction holds the database write lock (BEGIN IMMEDIATE).
    top = session.execute(select(func.max(transactions_t.c.id))).scalar() or 0
    return list(range(top + 1, top + 1 + count))


def _insert_journal(
    session: Session, entries: Sequence[Entry], infos: Mapping[int, Any]
) -> list[int]:
    ids = _new_ids(session, len(entries))
    now = utcnow()
    txn_rows: list[tuple[Any, ...]] = []
    posting_rows: list[tuple[Any, ...]] = []
    for txn_id, entry in zip(ids, entries, strict=True):
        meta = dict(entry.metadata)
        txn_rows.append((txn_id, entry.reference, entry.kind,
                         fingerprint(entry.kind, entry.moves, meta, None), meta, None, now))
        posting_rows.extend(
            (txn_id, m.debit, m.credit, infos[m.debit].asset, m.amount) for m in entry.moves
        )
    try:
        with session.begin_nested():
            copy_rows(session, transactions_t, TXN_COLUMNS, txn_rows)
    except (IntegrityError, psycopg.errors.UniqueViolation):
        raise ReferenceConflict(param="reference") from None
    copy_rows(session, postings_t, POSTING_COLUMNS, posting_rows)
    return ids


TXN_COLUMNS = ("id", "reference", "kind", "fingerprint", "metadata", "reverses_id", "created_at")
POSTING_COLUMNS = ("transaction_id", "debit_account_id", "credit_account_id", "asset", "amount")


def copy_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert many rows: ``COPY`` on PostgreSQL, ``executemany`` on SQLite.

    JSON columns take Python objects (serialised here for COPY).
    """
    if not rows:
        return
    if is_postgres(session):
        json_columns = [i for i, c in enumerate(columns)
                        if table.c[c].type.__class__.__name__ == "JSON"]
        session.flush()
        sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with DriverCursor(session.connection()).wrapping(sql) as cursor, cursor.copy(sql) as copy:
            for row in rows:
                if json_columns:
                    row = tuple(json.dumps(v) if i in json_columns else v
                                for i, v in enumerate(row))
                copy.write_row(row)
        return
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table), [dict(zip(columns, r, strict=True))
                                        for r in rows[start:start + CHUNK]])


def _apply(session: Session, row_deltas: Mapping[tuple[int, int], int]) -> None:
    items = sorted(row_deltas.items())
    try:
        if is_postgres(session):
            # One statement, each row found by its primary key (a nested loop in the
            # given order). Left to itself the planner hashes the whole table for
            # every statement (it cannot see how many rows the arrays hold): at
            # 100,000 merchants that was a scan of 1.9 million rows per 20,000 updated.
            with index_lookups(session):
                session.execute(
                    text(
                        "UPDATE account_balances AS b SET balance = b.balance + v.delta "
                        "FROM unnest(CAST(:a AS bigint[]), CAST(:s AS integer[]), "
                        "CAST(:d AS bigint[])) AS v(account_id, shard, delta) "
                        "WHERE b.account_id = v.account_id AND b.shard = v.shard"
                    ),
                    {"a": [k[0] for k, _ in items], "s": [k[1] for k, _ in items],
                     "d": [d for _, d in items]},
                )
        else:
            session.execute(
                text("UPDATE account_balances SET balance = balance + :d "
                     "WHERE account_id = :a AND shard = :s"),
                [{"a": k[0], "s": k[1], "d": d} for k, d in items],
            )
    except IntegrityError:
        raise InsufficientFunds(items[0][0][0]) from None


@contextmanager
def index_lookups(session: Session) -> Iterator[None]:
    """PostgreSQL: join by index lookups (nested loops) for the statements inside.

    For a statement that updates a known list of rows (``unnest`` of arrays) in a large
    table; ``SET LOCAL`` lasts for this transaction, so the settings go back to their
    defaults afterwards.
    """
    session.execute(text("SET LOCAL enable_hashjoin = off"))
    session.execute(text("SET LOCAL enable_mergejoin = off"))
    yield  # on an error the transaction is rolled back, and the settings with it
    session.execute(text("SET LOCAL enable_hashjoin TO DEFAULT"))
    session.execute(text("SET LOCAL enable_mergejoin TO DEFAULT"))
