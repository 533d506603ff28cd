"""Disputes follow the money (docs/risk.md).

When a top-up is refunded or charged back and the wallet no longer holds its credits, the
journal tells where they went: the paid account is replayed from its first posting, each
inflow a lot, spending taking the oldest lots first (a gift takes settled lots first, as
the gift rule allowed). What the disputed top-up's lot funded is taken back where it went:

* a purchase: from that merchant's earnings (pending, available, reserve, then debt);
* a gift voucher: what is unredeemed is revoked, what was redeemed is taken from the
  redeeming merchant's earnings the same way (a claim into another wallet is not chased).

Every recovery is a ``dispute_recovery`` transaction into top-up clearing (reference
``dispute:<topup>:<target>:<txn>:<n>``, so a replayed event moves nothing). What cannot be
recovered stays the person's shortfall; written off, it becomes a platform loss
(``platform:losses``) and shows in the loss report. A dispute the platform wins restores
every recovery and claw-back of the top-up exactly once (reference ``restore:<txn>``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, or_, select
from sqlalchemy.orm import Session

from vouchers.models import Voucher, VoucherRedemption
from wallet.credits import service as credits_service
from wallet.db import is_postgres
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import Move, hold, post
from wallet.ledger.models import Account, LedgerTransaction, Posting
from wallet.payouts.earnings import lock_payout_account, refund_source_moves
from wallet.purchases.models import Purchase
from wallet.subscriptions.models import Subscription

postings_t = cast(Table, Posting.__table__)
transactions_t = cast(Table, LedgerTransaction.__table__)
accounts_t = cast(Table, Account.__table__)
CLAWBACK_KINDS = ("topup_refund", "topup_chargeback", "topup_shortfall")


@dataclass
class _Lot:
    credits: int
    target: bool
    young_until: datetime | None  # a card top-up's credits before they settle


@dataclass(frozen=True)
class Spent:
    """Credits of the disputed top-up that left the wallet in one transaction."""

    transaction_id: int
    kind: str
    credit_account_id: int
    credits: int
    metadata: dict[str, Any]


@dataclass(frozen=True)
class Trail:
    """Where a top-up's credits went (``where_it_went``), as of one replay of the journal."""

    spent: list[Spent]
    outflows: int  # how many postings had taken credits from the wallet, as replayed

    def purchases(self) -> list[Spent]:
        return [item for item in self.spent if item.kind == "purchase"]


def where_it_went(session: Session, topup_id: str, user_id: str, settle_days: int) -> Trail:
    """The outflows that carried the top-up's credits, oldest first (FIFO from the journal).

    ``settle_days`` is the gift rule's settlement window (``RISK_GIFT_SETTLE_DAYS``): a gift
    took the settled credits first, as the rule allowed (0: the rule is off, plain FIFO)."""
    paid = chart.user_account(session, user_id, Kind.USER_PAID).id
    clearing = chart.platform_account(session, Kind.TOPUP_CLEARING).id
    p, t = postings_t, transactions_t
    rows = session.execute(
        select(p.c.transaction_id, p.c.debit_account_id, p.c.credit_account_id, p.c.amount,
               t.c.kind, t.c.reference, t.c.created_at, t.c.metadata)
        .join(t, t.c.id == p.c.transaction_id)
        .where(or_(p.c.debit_account_id == paid, p.c.credit_account_id == paid))
        .order_by(p.c.transaction_id, p.c.id)).all()
    lots: deque[_Lot] = deque()
    spent: list[Spent] = []
    outflows = 0
    for row in rows:
        meta = dict(row.metadata or {})
        if row.credit_account_id == paid:
            young = (row.created_at + timedelta(days=settle_days)
                     if row.debit_account_id == clearing else None)
            lots.append(_Lot(int(row.amount), row.reference == f"topup:{topup_id}", young))
            continue
        outflows += 1
        if row.kind in CLAWBACK_KINDS and meta.get("topup_id") == topup_id:
            order = sorted(lots, key=lambda lot: not lot.target)
        elif row.kind == "voucher_issue":
            order = sorted(lots, key=lambda lot: lot.young_until is not None
                           and lot.young_until > row.created_at)
        else:
            order = list(lots)
        left = int(row.amount)
        for lot in order:
            part = min(lot.credits, left)
            if part and lot.target and row.kind not in CLAWBACK_KINDS:
                spent.append(Spent(int(row.transaction_id), str(row.kind),
                                   int(row.credit_account_id), part, meta))
            lot.credits -= part
            left -= part
            if not left:
                break
        lots = deque(lot for lot in lots if lot.credits > 0)
    return Trail(spent, outflows)


def newer_outflow(session: Session, user_id: str, trail: Trail) -> bool:
    """Whether credits left the wallet after the trail's replay (a purchase that committed
    in between), for a caller that holds the paid row from then on.

    Counted, not compared by id: a transaction takes its id before it waits for the paid
    row, so one with a lower id than the replay's newest can commit after the replay."""
    paid = chart.user_account(session, user_id, Kind.USER_PAID).id
    now = session.scalar(select(func.count()).select_from(postings_t)
                         .where(postings_t.c.debit_account_id == paid))
    return int(now or 0) != trail.outflows


def recover(session: Session, *, topup_id: str, user_id: str, target: int, due: int,
            reason: str, trail: Trail) -> int:
    """Take back up to ``due`` credits of the top-up where they went (``trail``, from
    ``where_it_went``); returns what moved."""
    clearing = chart.platform_account(session, Kind.TOPUP_CLEARING).id
    paid = chart.user_account(session, user_id, Kind.USER_PAID).id
    recovered = 0
    earlier = _recovered_per_outflow(session, topup_id)
    lock_merchants(session, trail)  # again: a replay after the hold may name new ones
    for item in trail.spent:
        if recovered >= due:
            break
        # an earlier recovery of this top-up (a smaller refund, then a chargeback) already
        # took part of this outflow: take the rest of it, then go on to the next one
        want = min(item.credits - earlier.get(item.transaction_id, 0), due - recovered)
        if want <= 0:
            continue
        reference = f"dispute:{topup_id}:{target}:{item.transaction_id}"
        meta = {"topup_id": topup_id, "reason": reason, "from_transaction": item.transaction_id}
        if item.kind == "purchase":
            merchant_id = _merchant_of(session, item.credit_account_id)
            want = min(want, _recoverable(session, item))
            if merchant_id and want > 0:
                # The recovery returns the purchase's paid credits (to the card holder,
                # through clearing): it reverses the purchase like a refund does, so the
                # merchant's refunds see it (docs/risk.md, "Refunds after a recovery").
                recovered += _from_merchant(
                    session, merchant_id, want, reference,
                    {**meta, "purchase_id": item.metadata.get("purchase_id"),
                     "subscription_id": item.metadata.get("subscription_id"),
                     "sources": [[paid, want]]},
                    clearing, reverses_id=item.transaction_id)
        elif item.kind == "voucher_issue" and item.metadata.get("voucher_id"):
            recovered += _from_voucher(session, str(item.metadata["voucher_id"]), want,
                                       reference, meta, clearing)
    return recovered


def lock_merchants(session: Session, trail: Trail) -> None:
    """Lock the payout rows of every merchant a recovery along ``trail`` may take from, in
    merchant id order (as ``restore``, the reserves' release and a bank status import lock
    them). The claw-back calls it before it holds the wallet's and clearing's balance rows
    (``restore`` takes payout rows, then clearing); taken in the order the credits were
    spent, a flow holding a lower merchant id closed a cycle with it."""
    merchants: set[str | None] = {_merchant_of(session, item.credit_account_id)
                                  for item in trail.spent if item.kind == "purchase"}
    vouchers = [str(item.metadata["voucher_id"]) for item in trail.spent
                if item.kind == "voucher_issue" and item.metadata.get("voucher_id")]
    if vouchers:
        merchants.update(session.scalars(
            select(VoucherRedemption.merchant_id).where(
                VoucherRedemption.voucher_id.in_(vouchers),
                VoucherRedemption.merchant_id.is_not(None))).all())
    for merchant_id in sorted(m for m in merchants if m):
        lock_payout_account(session, merchant_id)


def _recovered_per_outflow(session: Session, topup_id: str) -> dict[int, int]:
    """Credits this top-up's recoveries took so far, per outflow they followed."""
    t = transactions_t
    taken: dict[int, int] = {}
    for meta in session.scalars(select(t.c.metadata).where(
            t.c.reference.startswith(f"dispute:{topup_id}:", autoescape=True),
            t.c.kind == "dispute_recovery")):
        meta = dict(meta or {})
        if meta.get("topup_id") == topup_id and meta.get("from_transaction") is not None:
            outflow = int(meta["from_transaction"])
            taken[outflow] = taken.get(outflow, 0) + int(meta.get("credits", 0))
    return taken


def lock_purchases(session: Session, trail: Trail) -> None:
    """Lock (``FOR UPDATE``, in id order) the purchases the top-up's credits paid for.

    A refund locks its purchase row before the ledger rows it moves; a dispute that will
    recover from purchases takes their rows first too, before its claw-back touches the
    wallet, so the two wait for each other instead of deadlocking. SQLite serialises
    writers, so there is nothing to lock there."""
    if not is_postgres(session):
        return
    spent = trail.purchases()
    ids = sorted({str(item.metadata["purchase_id"])
                  for item in spent if item.metadata.get("purchase_id")})
    if ids:
        session.execute(select(Purchase.seq).where(Purchase.id.in_(ids))
                        .order_by(Purchase.id).with_for_update())
    subscriptions = sorted({str(item.metadata["subscription_id"])
                            for item in spent if item.metadata.get("subscription_id")})
    if subscriptions:  # a plan change locks its subscription before its ledger rows too
        session.execute(select(Subscription.id).where(Subscription.id.in_(subscriptions))
                        .order_by(Subscription.id).with_for_update())


def _merchant_of(session: Session, account_id: int) -> str | None:
    code = session.scalar(select(accounts_t.c.code).where(accounts_t.c.id == account_id))
    parts = str(code or "").split(":")
    return parts[1] if len(parts) == 3 and parts[0] == "merchant" else None


def _recoverable(session: Session, item: Spent) -> int:
    """What may still be taken from a purchase or a subscription charge the disputed
    top-up paid for (see ``_purchase_recoverable``)."""
    if item.metadata.get("subscription_id") and not item.metadata.get("purchase_id"):
        return _charge_recoverable(session, item)
    return _purchase_recoverable(session, item)


def _charge_recoverable(session: Session, item: Spent) -> int:
    """A subscription charge (a purchase-like ledger move, ``wallet.subscriptions``): its
    share less what was credited back (prorations), never more than the charge still
    holds after those and earlier recoveries."""
    already = credits_service.returned(session, item.transaction_id)  # one read
    returned, recovered = sum(already.by_source.values()), already.recovered
    charged = int(session.scalar(
        select(func.coalesce(func.sum(postings_t.c.amount), 0))
        .where(postings_t.c.transaction_id == item.transaction_id)) or 0)
    return min(item.credits - (returned - recovered), charged - returned)


def _purchase_recoverable(session: Session, item: Spent) -> int:
    """What may still be taken from a purchase the disputed top-up paid for: its share
    less what the merchant refunded, and never more than the purchase still holds after
    refunds and earlier recoveries (another top-up's dispute).

    The purchase row is locked first (``FOR UPDATE``, as a refund does), so a refund and
    a recovery of one purchase at once never return more than it in total."""
    query = select(Purchase).where(Purchase.id == str(item.metadata.get("purchase_id")))
    if is_postgres(session):
        query = query.with_for_update()
    purchase = session.scalar(query.execution_options(populate_existing=True))
    if purchase is None:  # pragma: no cover - every purchase transaction has its row
        return 0
    recovered = credits_service.recovered_by_dispute(session, item.transaction_id)
    return min(item.credits - purchase.refunded,
               purchase.amount - purchase.refunded - recovered)


def _from_merchant(session: Session, merchant_id: str, credits: int, reference: str,
                   meta: dict[str, Any], clearing: int, reverses_id: int | None = None) -> int:
    """Earnings back to clearing: pending, available, reserve, then the merchant's debt."""
    moves = refund_source_moves(session, merchant_id, [(clearing, credits)])
    posted = post(session, reference=reference, kind="dispute_recovery", moves=moves,
                  metadata={**meta, "merchant_id": merchant_id, "credits": credits},
                  reverses_id=reverses_id)
    return credits if posted.created else 0


def _from_voucher(session: Session, voucher_id: str, credits: int, reference: str,
                  meta: dict[str, Any], clearing: int) -> int:
    """Revoke what is unredeemed; take redeemed value from the redeeming merchants."""
    from vouchers.service import _close

    recovered = 0
    closed = _close(session, voucher_id, "revoked", _now(), only_expired=False)
    if closed is not None and closed[1] > 0:
        voucher, left = closed
        take = min(left, credits)
        outstanding = chart.platform_account(session, Kind.VOUCHERS_OUTSTANDING).id
        moves = [Move(outstanding, clearing, take)]
        if left > take and voucher.funder_user_id:  # the rest was not the disputed top-up's
            funder = chart.user_account(session, voucher.funder_user_id, Kind.USER_PAID).id
            moves.append(Move(outstanding, funder, left - take))
        post(session, reference=f"{reference}:revoke", kind="dispute_recovery", moves=moves,
             metadata={**meta, "voucher_id": voucher_id, "credits": take})
        recovered += take
    redemptions = session.scalars(
        select(VoucherRedemption).where(VoucherRedemption.voucher_id == voucher_id,
                                        VoucherRedemption.kind == "redeem",
                                        VoucherRedemption.voided_at.is_(None))
        .order_by(VoucherRedemption.created_at, VoucherRedemption.id)).all()
    for redemption in redemptions:
        want = min(redemption.amount, credits - recovered)
        if want <= 0 or redemption.merchant_id is None:
            break
        recovered += _from_merchant(session, redemption.merchant_id, want,
                                    f"{reference}:{redemption.id}",
                                    {**meta, "voucher_id": voucher_id,
                                     "redemption_id": redemption.id}, clearing)
    return recovered


def _now() -> datetime:
    from wallet.db import utcnow

    return utcnow()


# --- the platform wins the dispute -------------------------------------------------------------


def restore(session: Session, topup_id: str, user_id: str) -> int:
    """Give back everything recovered or clawed back for this top-up, once per transaction.

    In the global lock order (docs/ledger.md): the payout rows of the merchants it gives
    back to (in merchant id order, as refunds and payouts lock them), then every balance
    row it posts to with one ``hold``; only then is a merchant's debt read, so a refund,
    release or payout of that merchant at the same time cannot change it underneath."""
    clearing = chart.platform_account(session, Kind.TOPUP_CLEARING).id
    t = transactions_t
    taken = [(int(txn_id), str(kind), dict(meta or {})) for txn_id, kind, meta in session.execute(
        select(t.c.id, t.c.kind, t.c.metadata)  # this top-up's claw-backs and recoveries
        .where(or_(t.c.reference.startswith(f"dispute:{topup_id}:", autoescape=True),
                   t.c.reference.startswith(f"topup:{topup_id}:clawback:", autoescape=True)),
               t.c.kind.in_(("dispute_recovery", "topup_chargeback")))
        .order_by(t.c.id))]
    # what a refund took back stays taken: the card holder has it
    taken = [(txn_id, kind, meta) for txn_id, kind, meta in taken
             if meta.get("topup_id") == topup_id
             and meta.get("reason", "chargeback") == "chargeback"]
    credits = _credits_into(session, [txn_id for txn_id, _, _ in taken], clearing)
    taken = [item for item in taken if credits.get(item[0])]
    if not taken:
        return 0
    merchants = sorted({str(meta["merchant_id"]) for _, kind, meta in taken
                        if kind != "topup_chargeback" and meta.get("merchant_id")})
    for merchant_id in merchants:
        lock_payout_account(session, merchant_id)
    debts = {m: chart.merchant_account(session, m, Kind.MERCHANT_DEBT).id for m in merchants}
    availables = {m: chart.merchant_account(session, m, Kind.MERCHANT_AVAILABLE).id
                  for m in merchants}
    people: dict[int, int] = {}  # restored transaction -> the person's paid account
    for txn_id, kind, meta in taken:
        if kind == "topup_chargeback":
            people[txn_id] = chart.user_account(session, user_id, Kind.USER_PAID).id
        elif not meta.get("merchant_id"):  # a revoked voucher's value: to who gifted it
            voucher = session.get(Voucher, str(meta.get("voucher_id")))
            funder = voucher.funder_user_id if voucher else None
            people[txn_id] = chart.user_account(session, funder or user_id, Kind.USER_PAID).id
    held = hold(session, [clearing, *debts.values(), *availables.values(), *people.values()])
    owed = {m: -held.balances[debt] for m, debt in debts.items()}
    restored = 0
    for txn_id, _kind, meta in taken:
        n = credits[txn_id]
        merchant = None if txn_id in people else str(meta["merchant_id"])
        if merchant is None:
            to = [(people[txn_id], n)]
        else:  # restored earnings pay the merchant's debt first, the rest becomes available
            repay = min(owed[merchant], n)
            to = [(debts[merchant], repay), (availables[merchant], n - repay)]
        posted = post(session, reference=f"restore:{txn_id}", kind="dispute_restore",
                      moves=[Move(clearing, account, part) for account, part in to if part],
                      metadata={"topup_id": topup_id, "restores": txn_id}, held=held)
        if posted.created:
            restored += n
            if merchant is not None:
                owed[merchant] -= to[0][1]
    return restored


def _credits_into(session: Session, txn_ids: list[int], account: int) -> dict[int, int]:
    """Per transaction (of these): the credits it moved into ``account``."""
    if not txn_ids:
        return {}
    p = postings_t
    return {int(txn_id): int(n) for txn_id, n in session.execute(
        select(p.c.transaction_id, func.sum(p.c.amount))
        .where(p.c.transaction_id.in_(txn_ids), p.c.credit_account_id == account)
        .group_by(p.c.transaction_id))}


# --- losses ------------------------------------------------------------------------------------


def write_off_loss(session: Session, shortfall_id: str, credits: int, topup_id: str) -> None:
    """A written-off shortfall is the platform's loss, on its own account."""
    losses = chart.platform_account(session, Kind.LOSSES).id
    clearing = chart.platform_account(session, Kind.TOPUP_CLEARING).id
    post(session, reference=f"shortfall:{shortfall_id}:loss", kind="platform_loss",
         moves=[Move(losses, clearing, credits)],
         metadata={"shortfall_id": shortfall_id, "topup_id": topup_id})


def loss_report(session: Session) -> dict[str, Any]:
    """Losses booked (written-off shortfalls), recoveries, and what is still open."""
    from wallet.topups.models import Shortfall

    t, p = transactions_t, postings_t
    def total(kind: str) -> int:
        return int(session.scalar(select(func.coalesce(func.sum(p.c.amount), 0))
                                  .join(t, t.c.id == p.c.transaction_id)
                                  .where(t.c.kind == kind)) or 0)

    amounts = (select(p.c.transaction_id, func.sum(p.c.amount).label("credits"))
               .group_by(p.c.transaction_id).subquery())
    losses = session.execute(
        select(t.c.id, t.c.metadata, t.c.created_at, amounts.c.credits)
        .join(amounts, amounts.c.transaction_id == t.c.id).where(t.c.kind == "platform_loss")
        .order_by(t.c.id)).all()
    open_rows = session.scalars(select(Shortfall).where(Shortfall.status == "open")
                                .order_by(Shortfall.created_at)).all()
    return {
        "object": "loss_report",
        "losses": [{"transaction_id": i, "credits": int(n), "created_at": at.isoformat(),
                    "shortfall_id": (m or {}).get("shortfall_id"),
                    "topup_id": (m or {}).get("topup_id")} for i, m, at, n in losses],
        "lost_credits": sum(int(n) for *_, n in losses),
        "recovered_credits": total("dispute_recovery"),
        "restored_credits": total("dispute_restore"),
        "open_shortfalls": [{"id": s.id, "user_id": s.user_id, "topup_id": s.topup_id,
                             "credits": s.credits, "reason": s.reason} for s in open_rows],
        "open_shortfall_credits": sum(s.credits for s in open_rows),
    }
