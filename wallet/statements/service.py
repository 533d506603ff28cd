"""Monthly statements as CSV rows: every ledger posting on a merchant's or a person's
accounts in one UTC month, read with a server-side cursor so a large month is never
held in memory.

A merchant's statement shows purchases, refunds, voucher redemptions, earnings released,
payouts and their fees (and any other movement, such as debt, that later capabilities
post on ``merchant:<id>:…`` accounts); a person's shows their wallet history.
Plain Python over a session: no Flask, no commit.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, and_, or_, select
from sqlalchemy.orm import Session, aliased

from wallet.credits.service import read_time
from wallet.errors import InvalidRequest, Unprocessable
from wallet.ledger.models import Account, LedgerTransaction, Posting

MONTH_PATTERN = r"^([0-9]{4})-(0[1-9]|1[0-2])$"  # documented as the path parameter's pattern
MONTH = re.compile(MONTH_PATTERN)
CHUNK_ROWS = 500
COLUMNS = ("created_at", "transaction_id", "type", "account", "amount", "counterparty",
           "reference", "purchase_id", "refund_id", "redemption_id", "payout_id",
           "description")
# ids of objects a transaction's metadata may name
OBJECT_KEYS = ("purchase_id", "refund_id", "redemption_id", "payout_id")

accounts_t = cast(Table, Account.__table__)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """The first instant of ``YYYY-MM`` (UTC) and of the month after it."""
    found = MONTH.fullmatch(month)
    if found is None:
        raise InvalidRequest("A statement is for one month: YYYY-MM, e.g. 2026-11.",
                             code="invalid_month", param="month")
    year, number = int(found.group(1)), int(found.group(2))
    if year < 1 or (year, number) >= (9999, 12):
        raise Unprocessable("There is no statement for that month.", code="invalid_month",
                            param="month")
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return start, end


def owner_prefix(*, merchant_id: str | None = None, user_id: str | None = None) -> str:
    """The ledger code prefix of a merchant's or a person's accounts."""
    return f"merchant:{merchant_id}:" if merchant_id is not None else f"user:{user_id}:"


def statement_rows(session: Session, prefix: str, month: str) -> Iterator[dict[str, Any]]:
    """The month's postings on the owner's accounts, oldest first, one dict per row."""
    start, end = month_bounds(month)
    own = {row.id: _short(row.kind) for row in session.execute(
        select(Account.id, Account.kind).where(Account.code.startswith(prefix,
                                                                       autoescape=True)))}
    if not own:
        return
    debit, credit = aliased(Account), aliased(Account)
    query = (
        select(LedgerTransaction.created_at, LedgerTransaction.id, LedgerTransaction.kind,
               LedgerTransaction.reference, LedgerTransaction.meta, Posting.amount,
               Posting.debit_account_id, Posting.credit_account_id,
               debit.kind.label("debit_kind"), credit.kind.label("credit_kind"))
        .join(LedgerTransaction, LedgerTransaction.id == Posting.transaction_id)
        .join(debit, debit.id == Posting.debit_account_id)
        .join(credit, credit.id == Posting.credit_account_id)
        .where(or_(Posting.debit_account_id.in_(own), Posting.credit_account_id.in_(own)),
               and_(LedgerTransaction.created_at >= start, LedgerTransaction.created_at < end))
        .order_by(LedgerTransaction.id, Posting.id)
        .execution_options(yield_per=CHUNK_ROWS)
    )
    for row in session.execute(query):
        meta = row.meta or {}
        sides = []
        if row.credit_account_id in own:
            sides.append((own[row.credit_account_id], row.amount, row.debit_kind))
        if row.debit_account_id in own:
            sides.append((own[row.debit_account_id], -row.amount, row.credit_kind))
        for account, amount, other in sides:
            created = read_time(row.created_at)
            yield {
                "created_at": created.isoformat() if created else "",
                "transaction_id": row.id, "type": row.kind, "account": account,
                "amount": amount, "counterparty": _short(other),
                "reference": row.reference,
                **{key: meta.get(key, "") for key in OBJECT_KEYS},
                "description": meta.get("description", ""),
            }


def _short(kind: str) -> str:
    return kind.removeprefix("merchant_").removeprefix("user_")


def csv_chunks(rows: Iterator[dict[str, Any]], chunk_rows: int = CHUNK_ROWS
               ) -> Iterator[str]:
    """The header, then the rows as CSV text, ``chunk_rows`` rows per chunk."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for count, row in enumerate(rows, start=1):
        writer.writerow({k: _safe(v) for k, v in row.items()})
        if count % chunk_rows == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _safe(value: Any) -> Any:
    """No spreadsheet formulas from descriptions people typed (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
