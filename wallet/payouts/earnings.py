"""Merchant earnings: pending → available after the hold, refunds, balances.

Purchases and voucher redemptions credit a merchant's *pending* earnings (a hot,
sharded ledger account). ``release`` moves what has aged past the holding period to
*available*, using a per-merchant watermark (``payout_accounts.released_upto``, a
ledger transaction id) so it never rescans history: it only reads the postings to
the pending account above the watermark (an index range scan on
``(credit_account_id, transaction_id)``), sums the prefix of them, in id order,
whose transactions are older than the cutoff, moves ``min(that sum, pending
balance)`` and advances the watermark past that prefix. Refunds draw on pending
first (``refund_source_moves``), so what a release moves never exceeds what is
still there. See docs/payouts.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, func, insert, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from wallet.db import is_postgres, utcnow
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import Move, hold
from wallet.ledger.models import Account, AccountBalance, LedgerTransaction, Posting
from wallet.payouts.bulk import CHUNK, Entry, post_bulk
from wallet.payouts.models import PayoutAccount
from wallet.webhooks.events import emit_many

accounts_t = cast(Table, Account.__table__)
balances_t = cast(Table, AccountBalance.__table__)
transactions_t = cast(Table, LedgerTransaction.__table__)
postings_t = cast(Table, Posting.__table__)
payout_accounts_t = cast(Table, PayoutAccount.__table__)

EARNING_KINDS = (Kind.MERCHANT_PENDING, Kind.MERCHANT_AVAILABLE, Kind.MERCHANT_IN_TRANSIT,
                 Kind.MERCHANT_RESERVE, Kind.MERCHANT_DEBT)


def account_code(merchant_id: str, kind: Kind) -> str:
    return f"merchant:{merchant_id}:{kind.value.removeprefix('merchant_')}"


def _dialect_insert(session: Session) -> Any:
    return postgresql.insert if is_postgres(session) else sqlite.insert


def open_merchant_accounts(
    session: Session, merchant_ids: Sequence[str], kind: Kind
) -> dict[str, int]:
    """Account ids of ``kind`` for many merchants, opening missing ones set-based."""
    codes = {account_code(m, kind): m for m in merchant_ids}
    found = _ids_by_code(session, list(codes))
    missing = [c for c in codes if c not in found]
    if missing:
        rule = chart.RULES[kind]
        now = utcnow()
        stmt = _dialect_insert(session)(accounts_t).on_conflict_do_nothing(
            index_elements=["code"])
        for start in range(0, len(missing), CHUNK):
            session.execute(stmt, [
                {"code": c, "kind": kind.value, "asset": chart.CREDIT,
                 "allow_negative": rule.allow_negative, "shards": rule.shards,
                 "created_at": now}
                for c in missing[start:start + CHUNK]
            ])
        new = _ids_by_code(session, missing)
        ids = [new[c] for c in missing if c in new]
        have_rows = _with_balance_rows(session, ids)
        rows = [{"account_id": i, "shard": s, "balance": 0,
                 "allow_negative": rule.allow_negative, "allow_positive": rule.allow_positive}
                for i in ids if i not in have_rows for s in range(rule.shards)]
        for start in range(0, len(rows), CHUNK):
            session.execute(insert(balances_t), rows[start:start + CHUNK])
        found.update(new)
    return {codes[c]: i for c, i in found.items()}


def _ids_by_code(session: Session, codes: list[str]) -> dict[str, int]:
    if is_postgres(session):
        rows = session.execute(
            text("SELECT code, id FROM accounts WHERE code = ANY(CAST(:codes AS varchar[]))"),
            {"codes": codes})
        return {code: account_id for code, account_id in rows}
    out: dict[str, int] = {}
    for start in range(0, len(codes), CHUNK):
        out.update(session.execute(
            select(accounts_t.c.code, accounts_t.c.id)
            .where(accounts_t.c.code.in_(codes[start:start + CHUNK]))
        ).all())
    return out


def _with_balance_rows(session: Session, ids: list[int]) -> set[int]:
    """Which of these accounts have balance rows (another opener may have been first)."""
    have: set[int] = set()
    if is_postgres(session):
        have.update(session.execute(
            text("SELECT DISTINCT account_id FROM account_balances "
                 "WHERE account_id = ANY(CAST(:ids AS bigint[]))"), {"ids": ids}).scalars())
        return have
    for start in range(0, len(ids), CHUNK):
        have.update(session.execute(
            select(balances_t.c.account_id).where(
                balances_t.c.account_id.in_(ids[start:start + CHUNK]))
        ).scalars())
    return have


@dataclass(frozen=True)
class Earnings:
    pending: int
    available: int
    in_transit: int
    reserved: int = 0  # rolling reserve, released to available after its days
    debt: int = 0  # >= 0: owed from refunds and disputes beyond the earnings


def earnings(session: Session, merchant_id: str) -> Earnings:
    """The three balances in credits (0 for accounts never opened); O(1) rows."""
    codes = {account_code(merchant_id, k): k for k in EARNING_KINDS}
    rows = session.execute(
        select(accounts_t.c.code, func.coalesce(func.sum(balances_t.c.balance), 0))
        .select_from(accounts_t.join(balances_t, balances_t.c.account_id == accounts_t.c.id))
        .where(accounts_t.c.code.in_(list(codes)))
        .group_by(accounts_t.c.code)
    ).all()
    by_kind = {codes[code]: int(total) for code, total in rows}
    return Earnings(by_kind.get(Kind.MERCHANT_PENDING, 0),
                    by_kind.get(Kind.MERCHANT_AVAILABLE, 0),
                    by_kind.get(Kind.MERCHANT_IN_TRANSIT, 0),
                    by_kind.get(Kind.MERCHANT_RESERVE, 0),
                    -by_kind.get(Kind.MERCHANT_DEBT, 0))


def ensure_payout_accounts(session: Session, merchant_ids: Iterable[str] | None = None) -> None:
    """Create the payout row of every merchant (or of these) that has none yet."""
    from wallet.merchants.models import Merchant

    merchants_t = cast(Table, Merchant.__table__)
    query = select(
        merchants_t.c.id, literal("weekly"), literal(0), literal(0), literal(utcnow())
    ).where(~merchants_t.c.id.in_(select(payout_accounts_t.c.merchant_id)))
    if merchant_ids is not None:
        query = query.where(merchants_t.c.id.in_(list(merchant_ids)))
    stmt = _dialect_insert(session)(payout_accounts_t).from_select(
        ["merchant_id", "schedule", "released_upto", "payout_seq", "updated_at"], query
    ).on_conflict_do_nothing(index_elements=["merchant_id"])
    session.execute(stmt)


def lock_payout_account(session: Session, merchant_id: str) -> PayoutAccount:
    """The merchant's payout row, locked (created first if needed)."""
    ensure_payout_accounts(session, [merchant_id])
    query = select(PayoutAccount).where(PayoutAccount.merchant_id == merchant_id)
    if is_postgres(session):
        query = query.with_for_update()
    row = session.execute(query.execution_options(populate_existing=True)).scalar_one()
    return row


# --- release ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseResult:
    merchants: int
    released_merchants: int
    credits: int


def release(
    session: Session, hold_days: int, *, now: datetime | None = None,
    merchant_ids: Sequence[str] | None = None, batch: int = 2000,
) -> ReleaseResult:
    """Move pending earnings older than ``hold_days`` to available, for every merchant.

    Safe to run concurrently: each batch of merchants' payout rows is claimed with
    ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) or under SQLite's write lock.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=hold_days)
    ensure_payout_accounts(session, merchant_ids)
    query = select(payout_accounts_t.c.merchant_id, payout_accounts_t.c.released_upto)
    if merchant_ids is not None:
        query = query.where(payout_accounts_t.c.merchant_id.in_(list(merchant_ids)))
    query = query.order_by(payout_accounts_t.c.merchant_id)
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    claimed = session.execute(query).all()
    total = moved_merchants = 0
    for start in range(0, len(claimed), batch):
        credits, moved = _release_batch(session, claimed[start:start + batch], cutoff, now)
        total += credits
        moved_merchants += moved
    total += release_reserves(session, now, merchant_ids)
    return ReleaseResult(len(claimed), moved_merchants, total)


def _release_batch(session: Session, claimed: Sequence[Any], cutoff: datetime,
                   now: datetime) -> tuple[int, int]:
    merchant_ids = [row.merchant_id for row in claimed]
    pending_ids = _ids_by_code(
        session, [account_code(m, Kind.MERCHANT_PENDING) for m in merchant_ids])
    by_account = {pending_ids[account_code(r.merchant_id, Kind.MERCHANT_PENDING)]: r
                  for r in claimed
                  if account_code(r.merchant_id, Kind.MERCHANT_PENDING) in pending_ids}
    if not by_account:
        return 0, 0
    aged = _aged_prefixes(session, by_account, cutoff)
    if not aged:
        return 0, 0
    pending_balance = dict(session.execute(
        select(balances_t.c.account_id, func.sum(balances_t.c.balance))
        .where(balances_t.c.account_id.in_(list(aged)))
        .group_by(balances_t.c.account_id)
    ).all())
    merchants = {a: by_account[a].merchant_id for a in aged}
    available = open_merchant_accounts(session, list(merchants.values()), Kind.MERCHANT_AVAILABLE)
    splits = _Splits.load(session, list(merchants.values()))
    entries = []
    watermarks = []
    total = 0
    for account_id, (upto, amount) in sorted(aged.items()):
        merchant_id = merchants[account_id]
        move = min(amount, int(pending_balance.get(account_id, 0)))
        watermarks.append({"m": merchant_id, "w": upto})
        if move > 0:
            total += move
            entries.append(Entry(
                reference=f"release:{merchant_id}:{upto}", kind="earnings_release",
                moves=splits.moves(session, merchant_id, account_id, available[merchant_id],
                                   move),
                metadata={"merchant_id": merchant_id, "released_upto": upto},
            ))
    post_bulk(session, entries)
    emit_many(session, "earnings.released", [
        ({"object": "earnings_release", "merchant_id": e.metadata["merchant_id"],
          "credits": sum(m.amount for m in e.moves), "created_at": now},
         e.metadata["merchant_id"])
        for e in entries])
    session.execute(
        update(payout_accounts_t)
        .where(payout_accounts_t.c.merchant_id == bindparam("m"))
        .values(released_upto=bindparam("w")),
        watermarks,
    )
    return total, len(entries)


@dataclass
class _Splits:
    """Where released earnings go, per merchant: debt first, then the reserve, then available."""

    debts: dict[str, tuple[int, int]]  # merchant -> (debt account, credits owed)
    reserves: dict[str, int]  # merchant -> percent held

    @classmethod
    def load(cls, session: Session, merchant_ids: list[str]) -> _Splits:
        from wallet.risk.models import MerchantRisk

        codes = {account_code(m, Kind.MERCHANT_DEBT): m for m in merchant_ids}
        owed = session.execute(
            select(accounts_t.c.code, accounts_t.c.id, balances_t.c.balance)
            .join(balances_t, balances_t.c.account_id == accounts_t.c.id)
            .where(accounts_t.c.code.in_(list(codes)), balances_t.c.balance < 0)).all()
        reserves = session.execute(
            select(MerchantRisk.merchant_id, MerchantRisk.reserve_percent)
            .where(MerchantRisk.merchant_id.in_(merchant_ids),
                   MerchantRisk.reserve_percent > 0)).all()
        return cls({codes[code]: (int(i), -int(b)) for code, i, b in owed},
                   {m: int(p) for m, p in reserves})

    def moves(self, session: Session, merchant_id: str, pending: int, available: int,
              amount: int) -> list[Move]:
        moves = []
        if merchant_id in self.debts:
            debt_id, owed = self.debts[merchant_id]
            repay = min(owed, amount)
            moves.append(Move(pending, debt_id, repay))
            amount -= repay
        held = amount * self.reserves.get(merchant_id, 0) // 100
        if held:
            reserve = chart.merchant_account(session, merchant_id, Kind.MERCHANT_RESERVE).id
            moves.append(Move(pending, reserve, held))
            amount -= held
        if amount:
            moves.append(Move(pending, available, amount))
        return moves


def release_reserves(session: Session, now: datetime | None = None,
                     merchant_ids: Sequence[str] | None = None) -> int:
    """Move reserve credits older than each merchant's reserve days to available (FIFO:
    refunds and earlier releases took the oldest first); returns the credits moved.

    In the global lock order (docs/ledger.md), set-based whatever the number of merchants:
    the payout rows of the merchants with a reserve that holds credits are claimed in one
    ``FOR UPDATE SKIP LOCKED`` in merchant id order (the rows ``release`` claimed are this
    transaction's already; a merchant another flow holds is left for the next run, never
    waited for after balance rows were written), their reserve and available rows are held
    with one ``hold``, and what aged in and what left each reserve are two grouped reads.
    ``ensure_payout_accounts`` ran first (``release``)."""
    from wallet.risk.models import MerchantRisk

    now = now or utcnow()
    p, t, a, b, pa = postings_t, transactions_t, accounts_t, balances_t, payout_accounts_t
    risk_t = cast(Table, MerchantRisk.__table__)
    query = (
        select(pa.c.merchant_id, a.c.id, risk_t.c.reserve_days)
        .select_from(
            pa.join(risk_t, risk_t.c.merchant_id == pa.c.merchant_id)
            .join(a, a.c.code == literal("merchant:") + pa.c.merchant_id + literal(":reserve"))
            .join(b, b.c.account_id == a.c.id))
        .where(b.c.balance > 0)
        .order_by(pa.c.merchant_id)
    )
    if merchant_ids is not None:
        query = query.where(pa.c.merchant_id.in_(list(merchant_ids)))
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True, of=pa)
    claimed = session.execute(query).all()
    if not claimed:
        return 0
    reserves = {str(m): int(account) for m, account, _ in claimed}
    available = open_merchant_accounts(session, list(reserves), Kind.MERCHANT_AVAILABLE)
    held = hold(session, [*reserves.values(), *(available[m] for m in reserves)])
    by_days: dict[int, list[int]] = {}
    for _, account, days in claimed:
        by_days.setdefault(int(days), []).append(int(account))
    aged_in: dict[int, int] = {}
    for days, accounts in sorted(by_days.items()):  # one read per distinct reserve period
        aged_in.update(session.execute(
            select(p.c.credit_account_id, func.sum(p.c.amount))
            .join(t, t.c.id == p.c.transaction_id)
            .where(p.c.credit_account_id.in_(accounts),
                   t.c.created_at <= now - timedelta(days=days))
            .group_by(p.c.credit_account_id)).all())
    taken = dict(session.execute(
        select(p.c.debit_account_id, func.sum(p.c.amount))
        .where(p.c.debit_account_id.in_(list(reserves.values())))
        .group_by(p.c.debit_account_id)).all())
    entries = []
    for merchant_id, reserve in reserves.items():
        aged = int(aged_in.get(reserve, 0))
        due = min(held.balances[reserve], aged - int(taken.get(reserve, 0)))
        if due > 0:
            entries.append(Entry(
                reference=f"reserve:{merchant_id}:{aged}", kind="reserve_release",
                moves=[Move(reserve, available[merchant_id], due)],
                metadata={"merchant_id": merchant_id}))
    post_bulk(session, entries)
    return sum(m.amount for e in entries for m in e.moves)


def _aged_prefixes(
    session: Session, by_account: dict[int, Any], cutoff: datetime
) -> dict[int, tuple[int, int]]:
    """Per pending account: (new watermark, credits) of the aged prefix above the watermark."""
    p, t, a, pa = postings_t, transactions_t, accounts_t, payout_accounts_t
    merchant_ids = [row.merchant_id for row in by_account.values()]
    candidates = (
        select(p.c.credit_account_id.label("account_id"), p.c.transaction_id,
               p.c.amount, t.c.created_at)
        .select_from(
            pa.join(a, a.c.code == literal("merchant:") + pa.c.merchant_id + literal(":pending"))
            .join(p, and_(p.c.credit_account_id == a.c.id,
                          p.c.transaction_id > pa.c.released_upto))
            .join(t, t.c.id == p.c.transaction_id)
        )
        .where(pa.c.merchant_id.in_(merchant_ids))
        .subquery()
    )
    young = (
        select(candidates.c.account_id, func.min(candidates.c.transaction_id).label("first"))
        .where(candidates.c.created_at > cutoff)
        .group_by(candidates.c.account_id)
        .subquery()
    )
    rows = session.execute(
        select(candidates.c.account_id, func.max(candidates.c.transaction_id),
               func.sum(candidates.c.amount))
        .select_from(candidates.outerjoin(young, young.c.account_id == candidates.c.account_id))
        .where(candidates.c.created_at <= cutoff,
               (young.c.first.is_(None)) | (candidates.c.transaction_id < young.c.first))
        .group_by(candidates.c.account_id)
    ).all()
    return {int(acc): (int(upto), int(amount)) for acc, upto, amount in rows}


# --- refunds ------------------------------------------------------------------------------


def refund_sources(
    session: Session, merchant_id: str, amount: int, credit_accounts: Sequence[int] = ()
) -> list[tuple[int, int]]:
    """Where a refund of ``amount`` credits comes from: pending, available, the reserve,
    and what they do not cover from the merchant's debt account (it goes negative).

    Returns ``[(account_id, credits), ...]``. Locks the merchant's payout row, then
    (the ledger's ``hold``, in the global lock order) every shard of its pending
    earnings, its available earnings and the ``credit_accounts`` the refund will pay
    into, so a concurrent release or payout cannot take the same credits and the
    refund's ``post`` waits for no other row.
    """
    lock_payout_account(session, merchant_id)
    pending = chart.merchant_account(session, merchant_id, Kind.MERCHANT_PENDING).id
    available = chart.merchant_account(session, merchant_id, Kind.MERCHANT_AVAILABLE).id
    reserve = chart.merchant_account(session, merchant_id, Kind.MERCHANT_RESERVE).id
    debt = chart.merchant_account(session, merchant_id, Kind.MERCHANT_DEBT).id
    held = hold(session, [*credit_accounts, available, reserve, debt], drain=[pending])
    sources, left = [], amount
    for account in (pending, available, reserve):
        take = min(left, held.balances[account])
        sources.append((account, take))
        left -= take
    # What the earnings do not cover becomes the merchant's debt (repaid from future
    # earnings before anything is released; payouts wait until it is).
    sources.append((debt, left))
    return [(a, n) for a, n in sources if n > 0]


def refund_source_moves(
    session: Session, merchant_id: str, destinations: Sequence[tuple[int, int]]
) -> list[Move]:
    """Moves that refund ``destinations`` (``[(credit_account_id, credits)]``, e.g. the
    buyer's promotional and paid accounts) from the merchant's earnings, pending first.

    Post them with ``wallet.ledger.core.post`` in the same database transaction.
    """
    sources = refund_sources(session, merchant_id, sum(n for _, n in destinations),
                             [account for account, _ in destinations])
    moves: list[Move] = []
    src = [list(s) for s in sources]
    i = 0
    for credit_id, wanted in destinations:
        while wanted > 0:
            take = min(wanted, src[i][1])
            moves.append(Move(debit=src[i][0], credit=credit_id, amount=take))
            src[i][1] -= take
            wanted -= take
            if src[i][1] == 0:
                i += 1
    return moves
