"""A payout run with its per-payout data kept on the server (issue 12).

The run's rows never go through Python one by one: the claim (``FOR UPDATE SKIP LOCKED``
on PostgreSQL) and each quote (whole chunks, rounded down to the step, less the fee:
integer arithmetic) go into a temporary table, ``payout_run``, and every later step is one
statement over it: the batch's postings (``INSERT … SELECT``), the available and in-transit
balance rows (``UPDATE … FROM``, by primary key), the payout rows, the payout accounts'
sequence and schedule, and the ``payout.created`` events (JSON built by the database, the
display strings of the few distinct amounts passed in). Python reads back what the run's
answer, the journal entry's fingerprint and the batch totals need.

The same SQL serves SQLite (``UPDATE … FROM`` and window functions since 3.33); its
arrays are JSON (``json_each``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from wallet.db import UTCDateTime, is_postgres, one_of
from wallet.ledger import chart
from wallet.ledger.errors import InsufficientFunds
from wallet.ledger.models import LedgerTransaction
from wallet.payouts.bulk import _new_ids, index_lookups
from wallet.payouts.config import PayoutConfig

transactions_t = cast(Table, LedgerTransaction.__table__)

run_t = Table(
    "payout_run", MetaData(),
    Column("n", Integer, primary_key=True, autoincrement=False),  # the payout's place in the batch
    Column("merchant_id", String(40), nullable=False),
    Column("iban", String(34)),
    Column("bic", String(11)),
    Column("holder_name", String(70)),
    Column("seq", BigInteger),
    Column("available_id", BigInteger),
    Column("in_transit_id", BigInteger),
    Column("gross", BigInteger),
    Column("credits", BigInteger),
    prefixes=["TEMPORARY"],
)
"""One row per payout of the run, in the session's temporary schema."""

display_t = Table(
    "payout_display", MetaData(),
    Column("amount", BigInteger, primary_key=True, autoincrement=False),
    Column("display", String(60), nullable=False),
    prefixes=["TEMPORARY"],
)
"""The display string of each distinct amount of the run (joined by primary key: SQLite
read a JSON array of them once per payout)."""


def _qualified(session: Session, table: str = "payout_run") -> str:
    return f"pg_temp.{table}" if is_postgres(session) else f"temp.{table}"


@contextmanager
def run_table(session: Session) -> Iterator[None]:
    """The temporary table for one run, created empty and dropped at the end (an error
    rolls the transaction back, and the table with it)."""
    for table in (run_t, display_t):
        session.execute(text(f"DROP TABLE IF EXISTS {_qualified(session, table.name)}"))
        table.create(session.connection())
    yield
    for table in (run_t, display_t):
        session.execute(text(f"DROP TABLE {_qualified(session, table.name)}"))


def claim_into_table(session: Session, config: PayoutConfig, claim: Any) -> None:
    """The claimed merchants whose available earnings make a payout, with its quote."""
    c = claim.cte("claim")
    chunk_credits, chunk_minor = config.rate.chunk_credits, config.rate.chunk_minor
    value = c.c.balance // chunk_credits * chunk_minor
    gross = value - value % config.step
    query = (
        select(func.row_number().over(order_by=c.c.merchant_id), c.c.merchant_id, c.c.iban,
               c.c.bic, c.c.holder_name, c.c.payout_seq + 1, c.c.available_id,
               c.c.in_transit_id, gross, gross // chunk_minor * chunk_credits)
        .where(value >= config.minimum, gross > config.fee)
    )
    session.execute(insert(run_t).from_select(
        ["n", "merchant_id", "iban", "bic", "holder_name", "seq", "available_id",
         "in_transit_id", "gross", "credits"], query))


def merchant_ids(session: Session, *, without_in_transit: bool = False) -> list[str]:
    query = select(run_t.c.merchant_id)
    if without_in_transit:
        query = query.where(run_t.c.in_transit_id.is_(None))
    return list(session.scalars(query))


def drop_merchants(session: Session, held: set[str]) -> None:
    if held:
        session.execute(run_t.delete().where(one_of(session, run_t.c.merchant_id, held)))


def set_in_transit(session: Session, opened: dict[str, int]) -> None:
    """The in-transit accounts a merchant's first payout opened."""
    if opened:
        session.execute(
            run_t.update().where(run_t.c.merchant_id == bindparam("m"))
            .values(in_transit_id=bindparam("a")),
            [{"m": m, "a": a} for m, a in opened.items()])


def random_ids(prefix: str, count: int, nbytes: int) -> list[str]:
    """``count`` ids ``prefix_`` + ``nbytes`` random bytes (hex for ``pay``, as SEPA
    end-to-end ids allow; URL-safe base64 otherwise, as ``wallet.ids.new_id``), from one
    read of the OS random source."""
    raw = secrets.token_bytes(nbytes * count)
    if prefix == "pay":
        text_ = raw.hex()
        width = 2 * nbytes
    else:
        assert nbytes % 3 == 0  # whole base64 quanta: no padding, no seam between ids
        text_ = base64.urlsafe_b64encode(raw).decode()
        width = nbytes * 4 // 3
    return [f"{prefix}_{text_[i:i + width]}" for i in range(0, width * count, width)]


def _array_join(session: Session, names: Sequence[str], types: Sequence[str],
                params: Sequence[str], alias: str = "v") -> str:
    """SQL of a derived table ``alias(n, <names>)`` from parallel arrays bound as one
    parameter each (``n`` from 1), for either engine."""
    if is_postgres(session):
        arrays = ", ".join(f"CAST(:{p} AS {t}[])" for p, t in zip(params, types, strict=True))
        return f"unnest({arrays}) WITH ORDINALITY AS {alias}({', '.join(names)}, n)"
    # SQLite: one JSON array of rows; json_each's key is the 0-based index
    columns = ", ".join(f"json_extract(j.value, '$[{i}]') AS {name}"
                        for i, name in enumerate(names))
    return f"(SELECT j.key + 1 AS n, {columns} FROM json_each(:{params[0]}) AS j) AS {alias}"


def _arrays(session: Session, params: Sequence[str], *columns: Sequence[Any]) -> dict[str, Any]:
    if is_postgres(session):
        return {p: list(c) for p, c in zip(params, columns, strict=True)}
    return {params[0]: json.dumps([list(row) for row in zip(*columns, strict=True)])}


def new_ids(session: Session) -> tuple[int, list[str], list[str]]:
    """How many payouts, and a payout id and an event id for each (by ``n``, from 1): passed
    to the statements that insert them, as arrays joined on ``n``."""
    count, top = session.execute(select(func.count(), func.max(run_t.c.n))).one()
    if not count:
        return 0, [], []
    return int(count), random_ids("pay", top, 12), random_ids("evt", top, 12)


def rows(session: Session, *columns: str) -> list[Any]:
    return list(session.execute(
        select(*(run_t.c[c] for c in columns)).order_by(run_t.c.n)).all())


def batch_fingerprint(lines: Sequence[Sequence[int]], meta: dict[str, Any]) -> str:
    """``wallet.ledger.core.fingerprint`` of the batch entry, from its lines as
    ``(debit, credit, amount)`` (the same canonical JSON, without a Move per line)."""
    canonical = json.dumps(["payout_batch", lines, meta, None],
                           sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def post_batch_entry(session: Session, batch_id: str, lines: Sequence[Sequence[int]],
                     now: datetime) -> int:
    """The batch's journal entry (a line per payout, available → in transit, as
    ``(debit, credit, amount)``), like ``post_bulk`` would write it: one transaction row
    with the same fingerprint, its postings and both balance rows of each payout, each
    found by its primary key."""
    meta = {"batch_id": batch_id, "payouts": len(lines)}
    (txn_id,) = _new_ids(session, 1)
    session.execute(insert(transactions_t).values(
        id=txn_id, reference=f"payout_batch:{batch_id}", kind="payout_batch",
        fingerprint=batch_fingerprint(lines, meta), metadata=meta,
        reverses_id=None, created_at=now))
    session.execute(
        text("INSERT INTO postings (transaction_id, debit_account_id, credit_account_id, "
             "asset, amount) SELECT :txn, available_id, in_transit_id, :asset, credits "
             "FROM payout_run ORDER BY n"), {"txn": txn_id, "asset": chart.CREDIT})
    try:
        with _lookups(session):
            for account, sign in (("available_id", "-"), ("in_transit_id", "+")):
                session.execute(text(
                    f"UPDATE account_balances SET balance = account_balances.balance {sign} "
                    f"r.credits FROM payout_run AS r WHERE account_balances.account_id = "
                    f"r.{account} AND account_balances.shard = 0"))
    except IntegrityError:
        raise InsufficientFunds(lines[0][0]) from None
    return int(txn_id)


@contextmanager
def _lookups(session: Session) -> Iterator[None]:
    if is_postgres(session):
        with index_lookups(session):
            yield
    else:
        yield


def insert_payouts(session: Session, config: PayoutConfig, batch_id: str, now: datetime,
                   payout_ids: list[str]) -> None:
    ids = _array_join(session, ["pid"], ["varchar"], ["p"], "i")
    session.execute(
        text("INSERT INTO payouts (id, merchant_id, seq, batch_id, status, origin, credits, "
             "gross_minor, fee_minor, amount_minor, currency, iban, bic, holder_name, "
             "created_at) SELECT i.pid, r.merchant_id, r.seq, :batch, 'pending', 'run', "
             "r.credits, r.gross, :fee, r.gross - :fee, :currency, r.iban, r.bic, "
             f"r.holder_name, :now FROM payout_run AS r JOIN {ids} ON i.n = r.n ORDER BY r.n")
        .bindparams(bindparam("now", type_=UTCDateTime())),
        {"batch": batch_id, "fee": config.fee, "currency": config.currency, "now": now,
         **_arrays(session, ["p"], payout_ids)})


def advance_accounts(session: Session, now: datetime) -> None:
    """Each merchant's new payout sequence and the time of this scheduled payout."""
    session.execute(
        text("UPDATE payout_accounts SET payout_seq = r.seq, last_scheduled_at = :now "
             "FROM payout_run AS r WHERE payout_accounts.merchant_id = r.merchant_id")
        .bindparams(bindparam("now", type_=UTCDateTime())), {"now": now})


def insert_events(session: Session, config: PayoutConfig, batch_id: str, now: datetime,
                  moment: datetime, payout_ids: list[str], event_ids: list[str]) -> None:
    """``payout.created`` per payout, the payout as ``payout_view`` shows it (the JSON built
    by the database: the display strings of the run's few distinct amounts passed in)."""
    amounts = sorted({int(g) - config.fee for g in session.scalars(
        select(run_t.c.gross).distinct())})
    if amounts:
        session.execute(insert(display_t), [{"amount": a, "display": config.display(a)}
                                            for a in amounts])
    pg = is_postgres(session)

    def param(name: str, sql_type: str) -> str:  # json_build_object needs typed parameters
        return f"CAST(:{name} AS {sql_type})" if pg else f":{name}"

    fields = {
        "object": "'payout'", "id": "i.pid", "merchant_id": "r.merchant_id",
        "status": "'pending'", "origin": "'run'", "batch_id": param("batch", "text"),
        "credits": "r.credits", "currency": param("currency", "text"), "gross": "r.gross",
        "fee": param("fee", "bigint"), "amount": "r.gross - :fee",
        "amount_display": "v.display", "fee_display": param("fee_display", "text"),
        "iban_last4": "substr(r.iban, length(r.iban) - 3)", "holder_name": "r.holder_name",
        "failure_reason": "NULL", "created_at": param("created", "text"),
        "submitted_at": "NULL", "settled_at": "NULL",
    }
    pairs = ", ".join(f"'{key}', {value}" for key, value in fields.items())
    data = f"{'json_build_object' if pg else 'json_object'}({pairs})"
    ids = _array_join(session, ["pid", "eid"], ["varchar", "varchar"], ["p", "e"], "i")
    session.execute(
        text(f"INSERT INTO events (id, type, merchant_id, data, created_at) "
             f"SELECT i.eid, 'payout.created', r.merchant_id, {data}, :moment "
             f"FROM payout_run AS r JOIN {ids} ON i.n = r.n "
             f"JOIN payout_display AS v ON v.amount = r.gross - :fee "
             f"ORDER BY r.n")
        .bindparams(bindparam("moment", type_=UTCDateTime())),
        {"batch": batch_id, "currency": config.currency, "fee": config.fee,
         "fee_display": config.display(config.fee), "created": now.isoformat(),
         "moment": moment,
         **_arrays(session, ["p", "e"], payout_ids, event_ids)})
