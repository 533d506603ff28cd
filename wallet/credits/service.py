"""A person's credits: paid credits plus promotional credit lots with an expiry.

Design (DESIGN §3):

- Paid credits live in one ledger account per person (``user:<id>:paid``).
- Every promotional grant is a *lot*: its own ledger account
  (``user:<id>:promo:<lot id>``, kind ``user_promo``) and a ``credit_lots`` row
  with the expiry. Reading a wallet sums the paid row and the person's live
  lots (a handful of rows, never the history).
- Spending takes promotional credits first, soonest expiry first (expired lots
  are skipped), then paid credits, in ONE ledger transaction whose postings
  record exactly which lots and which paid account were debited.
- A refund gives credits back to the kinds they came from, last spent first
  (paid before promotional, the lot expiring last before earlier ones). A lot
  that has expired by the time of the refund does not come back to life: its
  share goes straight to ``BREAKAGE``, exactly as if the credits had been in
  the lot when ``credits expire`` ran. So a refund never extends an expiry.
- ``expire_lots`` moves the balance of expired lots to ``BREAKAGE``; the
  reference is ``expire:<lot>:<credits expired before>``, so two runs over the
  same state post once, and a late refund into a lot that just expired is swept
  by the next run.

Plain Python over a session: no Flask, no commit.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from wallet.credits.models import CreditLot
from wallet.db import is_postgres, one_of, utcnow
from wallet.errors import Conflict, InsufficientCredits, InvalidRequest, NotFound, Unprocessable
from wallet.ids import new_id
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import (
    AccountInfo,
    Held,
    Move,
    Posted,
    balance,
    check_amount,
    hold,
    post,
    remember_accounts,
)
from wallet.ledger.errors import InsufficientFunds
from wallet.ledger.models import Account, AccountBalance, LedgerTransaction, Posting
from wallet.payouts.earnings import refund_source_moves
from wallet.people.models import User

lots_t = cast(Table, CreditLot.__table__)
accounts_t = cast(Table, Account.__table__)
balances_t = cast(Table, AccountBalance.__table__)
postings_t = cast(Table, Posting.__table__)
transactions_t = cast(Table, LedgerTransaction.__table__)
users_t = cast(Table, User.__table__)

MAX_REASON_LENGTH = 200


def paid_code(user_id: str) -> str:
    return f"user:{user_id}:paid"


def pending_code(merchant_id: str) -> str:
    return f"merchant:{merchant_id}:pending"


@dataclass(frozen=True, slots=True)
class LiveLot:
    id: str
    account_id: int
    expires_at: datetime | None
    balance: int


@dataclass(frozen=True, slots=True)
class Spendable:
    """What one query tells about a person's wallet, for a purchase or a read."""

    frozen: bool
    paid_account_id: int | None
    paid: int
    merchant_account_id: int | None
    lots: tuple[LiveLot, ...]
    held: Held | None = None

    @property
    def promotional(self) -> int:
        return sum(lot.balance for lot in self.lots)

    @property
    def total(self) -> int:
        return self.paid + self.promotional


@dataclass(frozen=True, slots=True)
class Debit:
    posted: Posted
    balance_after: int


@dataclass(frozen=True, slots=True)
class Summary:
    paid: int
    promotional: int
    frozen: bool
    next_expiry_credits: int | None
    next_expiry_at: datetime | None
    expiring_soon: int = 0
    """Promotional credits that expire within ``EXPIRING_SOON`` (7 days)."""

    @property
    def total(self) -> int:
        return self.paid + self.promotional


EXPIRING_SOON = timedelta(days=7)


SPENDABLE_SQL = """
SELECT u.frozen, pa.id, pb.balance, ma.id, l.id, l.account_id, l.expires_at, lb.balance,
       pa.asset, pa.allow_negative, pa.shards, ma.asset, ma.allow_negative, ma.shards
FROM users u
LEFT JOIN accounts pa ON pa.code = {paid_code}
LEFT JOIN account_balances pb ON pb.account_id = pa.id AND pb.shard = 0
LEFT JOIN accounts ma ON ma.code = {merchant_code}
LEFT JOIN (credit_lots l JOIN account_balances lb
           ON lb.account_id = l.account_id AND lb.shard = 0 AND lb.balance > 0)
  ON l.user_id = u.id AND (l.expires_at IS NULL OR l.expires_at > {now})
WHERE u.id = {user_id}
ORDER BY l.expires_at IS NULL, l.expires_at, l.id
"""


def driver_sql(template: str, dialect: str) -> str:
    """Fill ``{name}`` placeholders with the driver's named parameter style."""
    names = re.findall(r"{(\w+)}", template)
    style = "%({})s" if dialect == "postgresql" else ":{}"
    return template.format(**{name: style.format(name) for name in names})


@functools.cache
def _spendable_sql(dialect: str) -> str:
    return driver_sql(SPENDABLE_SQL, dialect)


def driver_time(value: datetime, dialect: str) -> datetime | str:
    """A UTC datetime as the driver wants it (SQLite: SQLAlchemy's stored text form)."""
    if dialect == "postgresql":
        return value
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def read_time(value: datetime | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value.astimezone(UTC) if value is not None and value.tzinfo else (
            value.replace(tzinfo=UTC) if value is not None else None)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def load_spendable(
    session: Session, user_id: str, *, merchant_id: str | None = None,
    now: datetime | None = None, lock: bool = False,
) -> Spendable | None:
    """The person's frozen flag, paid balance and live lots (soonest expiry first)
    and the merchant's pending account id, in one query; None if no such person.

    The hot path: plain SQL through the driver (no statement building per call).
    With ``lock``, when the person has live lots, the ledger's ``hold`` then locks
    the lots, the paid row and one shard of the merchant's pending account in the
    global lock order and re-reads the balances, so concurrent purchases of one
    person spend lots in turn and a purchase locks no balance row out of order.
    Without lots the purchase needs no read-then-write: ``post`` orders its own
    updates and the paid debit is a conditional UPDATE.
    """
    now = now or utcnow()
    conn = session.connection()
    dialect = conn.dialect.name
    rows = conn.exec_driver_sql(_spendable_sql(dialect), {
        "paid_code": paid_code(user_id), "merchant_code": pending_code(merchant_id or ""),
        "now": driver_time(now, dialect), "user_id": user_id,
    }).all()
    if not rows:
        return None
    first = rows[0]
    _remember_accounts(session, first)
    lots = tuple(LiveLot(r[4], r[5], read_time(r[6]), int(r[7]))
                 for r in rows if r[4] is not None)
    spendable = Spendable(
        frozen=bool(first[0]), paid_account_id=first[1], paid=int(first[2] or 0),
        merchant_account_id=first[3], lots=lots,
    )
    if lock and lots and dialect == "postgresql" and not spendable.frozen:
        return _held(session, spendable, merchant_id)
    return spendable


def _remember_accounts(session: Session, row: Any) -> None:
    """Hand the ledger the paid and merchant accounts' immutable attributes read by
    the same query, so posting does not look them up again."""
    remember_accounts(session, [
        AccountInfo(account_id, row[offset], bool(row[offset + 1]), int(row[offset + 2]))
        for account_id, offset in ((row[1], 8), (row[3], 11))
        if account_id is not None
    ])


def _held(session: Session, spendable: Spendable, merchant_id: str | None) -> Spendable:
    """Hold every row the purchase will post to (lots, paid, one merchant shard) and
    re-read the lots and paid balances under those locks."""
    merchant_account = spendable.merchant_account_id
    if merchant_account is None and merchant_id is not None:
        merchant_account = chart.merchant_account(session, merchant_id, Kind.MERCHANT_PENDING).id
    accounts = [lot.account_id for lot in spendable.lots]
    accounts += [a for a in (spendable.paid_account_id, merchant_account) if a is not None]
    held = hold(session, accounts)
    fresh = (LiveLot(lot.id, lot.account_id, lot.expires_at, held.balances[lot.account_id])
             for lot in spendable.lots)
    paid = spendable.paid_account_id
    return Spendable(
        frozen=spendable.frozen, paid_account_id=paid,
        paid=held.balances[paid] if paid is not None else 0,
        merchant_account_id=merchant_account, lots=tuple(lot for lot in fresh if lot.balance > 0),
        held=held,
    )


def summary(session: Session, user_id: str, now: datetime | None = None) -> Summary:
    """Paid, promotional and next expiry of a person's credits (O(live lots))."""
    now = now or utcnow()
    spendable = load_spendable(session, user_id, now=now)
    if spendable is None:
        raise NotFound("No such user.", code="user_not_found", param="user_id")
    expiring = [lot for lot in spendable.lots if lot.expires_at is not None]
    next_at = expiring[0].expires_at if expiring else None
    next_credits = sum(lot.balance for lot in expiring if lot.expires_at == next_at)
    return Summary(
        paid=spendable.paid, promotional=spendable.promotional, frozen=spendable.frozen,
        next_expiry_credits=next_credits if expiring else None, next_expiry_at=next_at,
        expiring_soon=sum(lot.balance for lot in expiring
                          if lot.expires_at is not None and lot.expires_at <= now + EXPIRING_SOON),
    )


def wallet_totals(session: Session, user_ids: Iterable[str],
                  now: datetime | None = None) -> dict[str, int]:
    """Paid + live promotional credits of many people in ONE statement: for each, what
    ``summary(...).total`` reads (the paid row and the live lots' rows, shard 0), by
    user id; people that do not exist are left out."""
    ids = list(user_ids)
    if not ids:
        return {}
    now = now or utcnow()
    paid = accounts_t.alias("pa")
    paid_balance = balances_t.alias("pb")
    lot_balance = balances_t.alias("lb")
    live = (
        select(func.coalesce(func.sum(lot_balance.c.balance), 0))
        .select_from(lots_t.join(lot_balance, and_(
            lot_balance.c.account_id == lots_t.c.account_id, lot_balance.c.shard == 0,
            lot_balance.c.balance > 0)))
        .where(lots_t.c.user_id == users_t.c.id,
               or_(lots_t.c.expires_at.is_(None), lots_t.c.expires_at > now))
        .scalar_subquery()
    )
    query = (
        select(users_t.c.id, func.coalesce(paid_balance.c.balance, 0) + live)
        .select_from(users_t.outerjoin(paid, paid.c.code == "user:" + users_t.c.id + ":paid")
                     .outerjoin(paid_balance, and_(paid_balance.c.account_id == paid.c.id,
                                                   paid_balance.c.shard == 0)))
        .where(one_of(session, users_t.c.id, ids))
    )
    return {user_id: int(total) for user_id, total in session.execute(query)}


def insufficient(needed: int, available: int) -> InsufficientCredits:
    return InsufficientCredits(
        f"This purchase needs {needed} credits but the wallet has {available} available.",
        code="insufficient_credits", param="amount", details={"available": available},
    )


def spend_plan(spendable: Spendable, amount: int) -> tuple[list[tuple[LiveLot, int]], int]:
    """Split ``amount`` into (lot, credits) takes, soonest expiry first, and a paid part."""
    takes: list[tuple[LiveLot, int]] = []
    remaining = amount
    for lot in spendable.lots:
        if remaining == 0:
            break
        take = min(lot.balance, remaining)
        takes.append((lot, take))
        remaining -= take
    return takes, remaining


def debit_for_purchase(
    session: Session,
    spendable: Spendable,
    *,
    merchant_id: str,
    amount: int,
    reference: str,
    metadata: dict[str, Any],
) -> Debit:
    """Post ONE transaction: lots then paid credits → the merchant's pending earnings.

    Raises InsufficientCredits (402) when lots and paid credits fall short.
    The postings record which lots and which paid account were debited; refunds
    read them back. A replay of ``reference`` returns ``posted.created`` False.
    """
    check_amount(amount)
    takes, paid_take = spend_plan(spendable, amount)
    if paid_take > spendable.paid or (paid_take and spendable.paid_account_id is None):
        raise insufficient(amount, spendable.total)
    merchant_account = spendable.merchant_account_id
    if merchant_account is None:
        merchant_account = chart.merchant_account(session, merchant_id, Kind.MERCHANT_PENDING).id
    moves = [Move(lot.account_id, merchant_account, take) for lot, take in takes]
    if paid_take:
        assert spendable.paid_account_id is not None
        moves.append(Move(spendable.paid_account_id, merchant_account, paid_take))
    try:
        posted = post(session, reference=reference, kind="purchase", moves=moves,
                      metadata=metadata, held=spendable.held)
    except InsufficientFunds as exc:
        # Someone else spent in between (paid credits are not locked for reading).
        available = spendable.promotional + (
            balance(session, spendable.paid_account_id) if spendable.paid_account_id else 0)
        raise insufficient(amount, available) from exc
    paid_after = spendable.paid - paid_take
    if paid_take and spendable.paid_account_id in posted.balances_after:
        paid_after = posted.balances_after[spendable.paid_account_id]
    promo_after = spendable.promotional - sum(take for _, take in takes)
    return Debit(posted, paid_after + promo_after)


# --- refunds -----------------------------------------------------------------

def _returns(session: Session, purchase_txn_id: int) -> list[tuple[str, dict[str, Any]]]:
    """(kind, metadata) of what gave back credits of a purchase: its refunds, and the
    dispute recoveries taken from it (``dispute_recovery``, docs/risk.md) that a won
    dispute did not restore (a restore's reference is ``restore:<recovery id>``)."""
    t = transactions_t
    rows = session.execute(select(t.c.id, t.c.kind, t.c.metadata)
                           .where(t.c.reverses_id == purchase_txn_id)).all()
    restores = [f"restore:{i}" for i, kind, _ in rows if kind == "dispute_recovery"]
    restored = set(session.scalars(select(t.c.reference).where(t.c.reference.in_(restores)))
                   ) if restores else set()
    return [(str(kind), dict(meta or {})) for i, kind, meta in rows
            if f"restore:{i}" not in restored]


@dataclass(frozen=True, slots=True)
class Returned:
    """What gave back credits of a purchase, read once (``returned``)."""

    by_source: dict[int, int]
    """Credits returned per source account (the ``sources`` metadata of its refunds and
    of the dispute recoveries still standing)."""
    recovered: int
    """Credits a chargeback took back from its merchant (and no won dispute gave back)."""


def returned(session: Session, purchase_txn_id: int) -> Returned:
    """A purchase's refunds and standing dispute recoveries, in one read (``_returns``)."""
    done: dict[int, int] = {}
    recovered = 0
    for kind, meta in _returns(session, purchase_txn_id):
        for account_id, amount in meta.get("sources", []):
            done[int(account_id)] = done.get(int(account_id), 0) + int(amount)
        if kind == "dispute_recovery":
            recovered += int(meta.get("credits", 0))
    return Returned(done, recovered)


def refunded_by_source(session: Session, purchase_txn_id: int) -> dict[int, int]:
    """Credits already returned per source account of a purchase (from the ``sources``
    metadata of its refunds and of the dispute recoveries still standing)."""
    return returned(session, purchase_txn_id).by_source


def recovered_by_dispute(session: Session, purchase_txn_id: int) -> int:
    """Credits of a purchase a chargeback took back from its merchant (and no won dispute
    gave back): the card holder has that money back, so the merchant may not refund it."""
    return returned(session, purchase_txn_id).recovered


def refund_sources(
    session: Session, purchase_txn_id: int, amount: int, done: dict[int, int] | None = None,
) -> list[tuple[int, int]]:
    """(source account, credits) to return, last spent first, never more than spent.
    ``done``: what was already returned per source, when the caller has read it."""
    spent = [(m.debit, m.amount) for m in _purchase_moves(session, purchase_txn_id)]
    if done is None:
        done = refunded_by_source(session, purchase_txn_id)
    plan: list[tuple[int, int]] = []
    remaining = amount
    for account_id, spent_amount in reversed(spent):
        left = spent_amount - done.get(account_id, 0)
        take = min(max(left, 0), remaining)
        if take:
            plan.append((account_id, take))
            remaining -= take
        if remaining == 0:
            break
    if remaining:
        raise Conflict("The refund is larger than what is left of the purchase.",
                       code="refund_exceeds_purchase", param="amount")
    return plan


def _purchase_moves(session: Session, txn_id: int) -> list[Move]:
    rows = session.execute(
        select(postings_t.c.debit_account_id, postings_t.c.credit_account_id,
               postings_t.c.amount)
        .where(postings_t.c.transaction_id == txn_id).order_by(postings_t.c.id)
    ).all()
    return [Move(*row) for row in rows]


def refund_destinations(
    session: Session, sources: Sequence[tuple[int, int]], now: datetime | None = None
) -> list[tuple[int, int]]:
    """Where each returned share lands: its source, or BREAKAGE for an expired lot."""
    now = now or utcnow()
    expired = set(session.scalars(
        select(lots_t.c.account_id).where(
            lots_t.c.account_id.in_([account for account, _ in sources]),
            lots_t.c.expires_at.is_not(None), lots_t.c.expires_at <= now,
        )
    ))
    breakage = chart.platform_account(session, Kind.BREAKAGE).id if expired else None
    out: dict[int, int] = {}
    for account, amount in sources:
        target = breakage if account in expired and breakage is not None else account
        out[target] = out.get(target, 0) + amount
    return list(out.items())


def refund_moves(
    session: Session, merchant_id: str, destinations: Iterable[tuple[int, int]]
) -> list[Move]:
    """The ledger moves of a refund: the merchant's earnings → the credits' destinations.

    Refunds draw on pending earnings first, then available ones (the payouts
    module owns that rule and the locks that keep it safe against a payout run).
    """
    return refund_source_moves(session, merchant_id, list(destinations))


def credit_refund(
    session: Session,
    *,
    purchase_txn_id: int,
    merchant_id: str,
    amount: int,
    reference: str,
    metadata: dict[str, Any],
    now: datetime | None = None,
    already: Returned | None = None,
) -> Posted:
    """Post a refund of ``amount`` of a purchase back to the kinds it came from.
    ``already``: ``returned(...)`` of the purchase, when the caller has read it (under
    the lock it holds), so it is not read again."""
    check_amount(amount)
    sources = refund_sources(session, purchase_txn_id, amount,
                             None if already is None else already.by_source)
    moves = refund_moves(session, merchant_id, refund_destinations(session, sources, now))
    try:
        return post(session, reference=reference, kind="refund", moves=moves,
                    metadata={**metadata, "sources": [[a, n] for a, n in sources]},
                    reverses_id=purchase_txn_id)
    except InsufficientFunds as exc:
        raise Conflict("The merchant's earnings do not cover this refund.",
                       code="insufficient_merchant_earnings", param="amount") from exc


# --- grants and expiry ---------------------------------------------------------

def _check_grant(credits: object, expires_at: datetime | None, reason: object,
                 now: datetime) -> None:
    check_amount(credits, "credits")
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise InvalidRequest("expires_at needs a timezone.", param="expires_at")
        if expires_at <= now:
            raise Unprocessable("expires_at must be in the future.", code="expiry_in_past",
                                 param="expires_at")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON_LENGTH:
        raise InvalidRequest("A reason of 1 to 200 characters is required.", param="reason")


def grant_promotional(
    session: Session,
    user_id: str,
    credits: int,
    expires_at: datetime | None,
    reason: str,
    reference: str,
    *,
    now: datetime | None = None,
) -> tuple[CreditLot, bool]:
    """Grant a lot of promotional credits from PROMOTIONS, once per ``reference``.

    Returns (lot, created). The same reference with other parameters → 409.
    """
    now = now or utcnow()
    _check_grant(credits, expires_at, reason, now)
    if not isinstance(reference, str) or not 0 < len(reference) <= 200:
        raise InvalidRequest("A reference of 1 to 200 characters is required.",
                             param="reference")
    existing = _lot_by_reference(session, reference)
    if existing is None:
        if session.get(User, user_id) is None:
            raise NotFound("No such user.", code="user_not_found", param="user_id")
        lot_id = new_id("grt")
        account = chart.open_kind(session, f"user:{user_id}:promo:{lot_id}", Kind.USER_PROMO)
        dialect = postgresql if is_postgres(session) else sqlite
        inserted = session.execute(
            dialect.insert(lots_t).values(
                id=lot_id, user_id=user_id, account_id=account.id, credits=credits,
                expires_at=expires_at, reason=reason, reference=reference,
                expired_credits=0, created_at=now,
            ).on_conflict_do_nothing(index_elements=["reference"]).returning(lots_t.c.id)
        ).scalar()
        if inserted is not None:
            promotions = chart.platform_account(session, Kind.PROMOTIONS)
            post(session, reference=f"grant:{lot_id}", kind="promo_grant",
                 moves=[Move(promotions.id, account.id, credits)],
                 metadata={"lot_id": lot_id, "user_id": user_id, "reason": reason,
                           "description": reason,
                           "expires_at": expires_at.isoformat() if expires_at else None})
            lot = session.get(CreditLot, lot_id)
            assert lot is not None
            return lot, True
        existing = _lot_by_reference(session, reference)
        assert existing is not None
    same = (existing.user_id, existing.credits, existing.expires_at, existing.reason) == (
        user_id, credits, expires_at, reason)
    if not same:
        raise Conflict("This grant reference was used with other parameters.",
                       code="grant_reference_reused", param="reference")
    return existing, False


def _lot_by_reference(session: Session, reference: str) -> CreditLot | None:
    return session.scalar(select(CreditLot).where(CreditLot.reference == reference))


def expire_lots(session: Session, *, now: datetime | None = None, limit: int = 500) -> int:
    """Move the balance of up to ``limit`` expired lots to BREAKAGE; returns how many.

    Safe to run concurrently: on PostgreSQL BREAKAGE is held first, then lots are
    claimed with ``FOR UPDATE SKIP LOCKED``; SQLite serialises writers. References make a
    repeated run over the same state post nothing twice.
    """
    now = now or utcnow()
    lot_bal = balances_t.alias("lb")
    query = (
        select(lots_t.c.id, lots_t.c.user_id, lots_t.c.account_id, lots_t.c.expired_credits,
               lot_bal.c.balance)
        .join(lot_bal, and_(lot_bal.c.account_id == lots_t.c.account_id, lot_bal.c.shard == 0))
        .where(lots_t.c.expires_at <= now, lot_bal.c.balance > 0)
        .order_by(lots_t.c.expires_at, lots_t.c.id)
        .limit(limit)
    )
    breakage = chart.platform_account(session, Kind.BREAKAGE).id
    if is_postgres(session):
        # The one lock this job waits for comes first; the lots are then taken only
        # if nobody holds them (SKIP LOCKED never waits), so no lock-order cycle.
        hold(session, [breakage])
        query = query.with_for_update(of=lot_bal, skip_locked=True)
    rows = session.execute(query).all()
    if not rows:
        return 0
    for lot_id, user_id, account_id, expired_before, amount in rows:
        post(session, reference=f"expire:{lot_id}:{expired_before}", kind="promo_expiry",
             moves=[Move(account_id, breakage, int(amount))],
             metadata={"lot_id": lot_id, "user_id": user_id,
                       "description": "Promotional credits expired"})
        session.execute(
            update(lots_t).where(lots_t.c.id == lot_id)
            .values(expired_credits=lots_t.c.expired_credits + int(amount))
        )
    return len(rows)


# --- history ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class HistoryEntry:
    txn_id: int
    kind: str
    amount: int
    description: str | None
    created_at: datetime
    metadata: dict[str, Any]


LINKED_OBJECTS = (("topup_id", "topup"), ("purchase_id", "purchase"),
                  ("voucher_id", "voucher"), ("lot_id", "grant"))


def linked_object(metadata: dict[str, Any]) -> tuple[str | None, str | None]:
    """The object a history entry is about, from its transaction's metadata: (type, id)."""
    for key, kind in LINKED_OBJECTS:
        value = metadata.get(key)
        if isinstance(value, str):
            return kind, value
    return None, None


def user_account_ids(session: Session, user_id: str) -> list[int]:
    paid = select(accounts_t.c.id).where(accounts_t.c.code == paid_code(user_id))
    lots = select(lots_t.c.account_id).where(lots_t.c.user_id == user_id)
    return list(session.scalars(paid.union_all(lots)))


def history(
    session: Session, user_id: str, *, limit: int = 20, before_txn: int | None = None
) -> tuple[list[HistoryEntry], bool]:
    """The person's ledger transactions, newest first; amounts signed for the person."""
    ids = user_account_ids(session, user_id)
    if not ids:
        return [], False
    net = (
        func.sum(case((postings_t.c.credit_account_id.in_(ids), postings_t.c.amount), else_=0))
        - func.sum(case((postings_t.c.debit_account_id.in_(ids), postings_t.c.amount), else_=0))
    ).label("net")
    page = (
        select(postings_t.c.transaction_id.label("txn_id"), net)
        .where(or_(postings_t.c.debit_account_id.in_(ids),
                   postings_t.c.credit_account_id.in_(ids)))
        .group_by(postings_t.c.transaction_id)
        .order_by(postings_t.c.transaction_id.desc())
        .limit(limit + 1)
    )
    if before_txn is not None:
        page = page.where(postings_t.c.transaction_id < before_txn)
    sub = page.subquery()
    query = (
        select(transactions_t.c.id, transactions_t.c.kind, transactions_t.c.metadata,
               transactions_t.c.created_at, sub.c.net)
        .join(sub, sub.c.txn_id == transactions_t.c.id)
        .order_by(transactions_t.c.id.desc())
    )
    rows = session.execute(query).all()
    entries = [
        HistoryEntry(txn_id=r[0], kind=r[1], amount=int(r[4]),
                     description=(r[2] or {}).get("description"), created_at=r[3],
                     metadata=r[2] or {})
        for r in rows[:limit]
    ]
    return entries, len(rows) > limit
