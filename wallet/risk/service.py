"""The risk rules at the points where value can leave the closed loop (docs/risk.md).

Plain Python over a session: no Flask, no commit, typed errors. Nothing here is needed at
purchase time: which top-up funded which paid credits is computed from the journal when a
rule asks (FIFO: spending takes the oldest credits first, so what a wallet still holds are
its newest inflows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, exists, func, literal, not_, or_, select
from sqlalchemy.orm import Session

from vouchers.models import Voucher
from wallet.db import utcnow
from wallet.errors import Conflict, Unprocessable
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import balance
from wallet.ledger.models import Account, AccountBalance, LedgerTransaction, Posting
from wallet.merchants.models import Merchant
from wallet.merchants.service import get_merchant
from wallet.payouts.earnings import earnings
from wallet.payouts.models import Payout
from wallet.risk.config import RiskConfig
from wallet.risk.models import AuditRecord, BankChange, KycEvent, MerchantRisk

postings_t = cast(Table, Posting.__table__)
transactions_t = cast(Table, LedgerTransaction.__table__)
accounts_t = cast(Table, Account.__table__)
balances_t = cast(Table, AccountBalance.__table__)
LIVE_PAYOUT = ("pending", "submitted", "paid")


class CreditsSettling(Conflict):
    code = "credits_settling"
    default_message = "These paid credits come from a card top-up that has not settled yet."


class GiftLimitExceeded(Unprocessable):
    code = "gift_limit_exceeded"
    default_message = "This gift is over the gift limit."


class PayoutHeld(Conflict):
    """A payout refused by a risk rule; ``code`` says which (payout_locked, ...)."""

    code = "payout_held"


def stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def audit(session: Session, action: str, subject_id: str, actor: str, *, reason: str = "",
          detail: dict[str, Any] | None = None, now: datetime | None = None) -> AuditRecord:
    """Write one audit record (a decision or a risk action)."""
    record = AuditRecord(action=action, subject_id=subject_id, actor=actor[:60],
                         reason=reason[:500], detail=detail or {}, created_at=now or utcnow())
    session.add(record)
    session.flush()
    return record


# --- gifts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lot:
    """Paid credits still funded by one young card top-up, and when they settle."""

    credits: int
    settles_at: datetime


def settling_lots(session: Session, user_id: str, settle_days: int,
                  now: datetime) -> tuple[int, list[Lot]]:
    """The paid balance, and the part of it still funded by card top-ups younger than
    ``settle_days``, from the journal of the window only.

    Replays the window: what the wallet held before it is settled; each inflow is a lot
    (young when it came from top-up clearing); spending takes the oldest lots first (FIFO),
    a gift takes settled lots first (it was only allowed on settled credits)."""
    paid = chart.user_account(session, user_id, Kind.USER_PAID).id
    clearing = chart.platform_account(session, Kind.TOPUP_CLEARING).id
    held = balance(session, paid)
    window = timedelta(days=settle_days)
    p, t = postings_t, transactions_t
    rows = session.execute(
        select(p.c.debit_account_id, p.c.credit_account_id, p.c.amount, t.c.kind,
               t.c.created_at)
        .join(t, t.c.id == p.c.transaction_id)
        .where(or_(p.c.credit_account_id == paid, p.c.debit_account_id == paid),
               t.c.created_at > now - window)
        .order_by(p.c.transaction_id, p.c.id)
    ).all()
    before = held - sum(int(r.amount) if r.credit_account_id == paid else -int(r.amount)
                        for r in rows)
    lots: list[list[Any]] = [[before, None]]
    for row in rows:
        if row.credit_account_id == paid:
            young = row.debit_account_id == clearing
            lots.append([int(row.amount), row.created_at + window if young else None])
            continue
        order = (sorted(lots, key=lambda lot: lot[1] is not None) if row.kind == "voucher_issue"
                 else lots)
        _take(order, int(row.amount))
        lots = [lot for lot in lots if lot[0] > 0]
    return held, [Lot(credits, at) for credits, at in lots if at is not None and credits > 0]


def _take(lots: list[list[Any]], amount: int) -> None:
    for lot in lots:
        part = min(lot[0], amount)
        lot[0] -= part
        amount -= part
        if amount == 0:
            return


def check_gift(session: Session, config: RiskConfig, user_id: str, value: int,
               now: datetime | None = None) -> None:
    """Raise when a person's gift of ``value`` credits breaks a gift rule; writes nothing."""
    now = now or utcnow()
    if config.gift_hourly_count:
        recent = session.scalar(select(func.count()).select_from(Voucher).where(
            Voucher.funder_user_id == user_id, Voucher.created_at > now - timedelta(hours=1)))
        if int(recent or 0) >= config.gift_hourly_count:
            raise GiftLimitExceeded(
                f"At most {config.gift_hourly_count} gifts per hour; try again later.",
                code="gift_velocity_exceeded", param="value")
    if config.gift_daily_credits:
        gifted = int(session.scalar(select(func.coalesce(func.sum(Voucher.value), 0)).where(
            Voucher.funder_user_id == user_id,
            Voucher.created_at > now - timedelta(days=1))) or 0)
        if gifted + value > config.gift_daily_credits:
            left = max(config.gift_daily_credits - gifted, 0)
            raise GiftLimitExceeded(
                f"Gifts are limited to {config.gift_daily_credits:,} credits per 24 hours; "
                f"you can gift {left:,} more now.", param="value")
    if config.gift_settle_days:
        _check_settled(session, config, user_id, value, now)


def _check_settled(session: Session, config: RiskConfig, user_id: str, value: int,
                   now: datetime) -> None:
    held, lots = settling_lots(session, user_id, config.gift_settle_days, now)
    giftable = held - sum(lot.credits for lot in lots)
    if value <= giftable or value > held:  # more than the balance: the ledger refuses it
        return
    missing, when = value - giftable, now
    for lot in sorted(lots, key=lambda lot: lot.settles_at):
        missing -= lot.credits
        when = lot.settles_at
        if missing <= 0:
            break
    raise CreditsSettling(
        f"Only {giftable:,} of your paid credits can be gifted now: the rest come from a card "
        f"top-up that settles on {stamp(when)} (top-up credits can be spent at once and "
        f"gifted after {config.gift_settle_days} days).",
        param="value", details={"giftable": giftable, "settles_at": when.isoformat()})


# --- payouts ----------------------------------------------------------------------------------


def record_bank_change(session: Session, config: RiskConfig, merchant_id: str, *,
                       old: tuple[str | None, str | None], new: tuple[str, str],
                       now: datetime | None = None) -> BankChange | None:
    """Keep the change of bank details (IBAN, holder) and lock payouts; None if unchanged."""
    if old == new:
        return None
    from wallet.webhooks.events import emit

    now = now or utcnow()
    change = BankChange(
        merchant_id=merchant_id, iban_last4=new[0][-4:], holder_name=new[1],
        previous_iban_last4=old[0][-4:] if old[0] else None, previous_holder_name=old[1],
        locked_until=now + timedelta(days=config.payout_lock_days), created_at=now)
    session.add(change)
    session.flush()
    emit(session, "payout_settings.updated", {
        "object": "payout_settings_change", "merchant_id": merchant_id,
        "iban_last4": change.iban_last4, "holder_name": change.holder_name,
        "previous_iban_last4": change.previous_iban_last4,
        "previous_holder_name": change.previous_holder_name,
        "payouts_locked_until": change.locked_until, "created_at": now}, merchant_id)
    return change


def bank_changes(session: Session, merchant_id: str) -> list[BankChange]:
    return list(session.scalars(select(BankChange).where(BankChange.merchant_id == merchant_id)
                                .order_by(BankChange.created_at.desc(), BankChange.id.desc())))


def record_kyc(session: Session, merchant_id: str, status: str, actor: str = "operator",
               now: datetime | None = None) -> KycEvent:
    event = KycEvent(merchant_id=merchant_id, status=status, actor=actor,
                     created_at=now or utcnow())
    session.add(event)
    session.flush()
    return event


def kyc_history(session: Session, merchant_id: str) -> list[KycEvent]:
    return list(session.scalars(select(KycEvent).where(KycEvent.merchant_id == merchant_id)
                                .order_by(KycEvent.created_at, KycEvent.id)))


def payout_holds(session: Session, config: RiskConfig, merchant_id: str,
                 now: datetime | None = None) -> list[dict[str, str]]:
    """Every risk rule that holds this merchant's payouts now: code, message, until."""
    now = now or utcnow()
    holds: list[dict[str, str]] = []
    locked_until = session.scalar(select(func.max(BankChange.locked_until)).where(
        BankChange.merchant_id == merchant_id))
    if locked_until is not None and locked_until > now:
        holds.append({"code": "payout_locked", "until": locked_until.isoformat(),
                      "message": f"The bank details changed: payouts are locked until "
                                 f"{stamp(locked_until)}."})
    from wallet.risk.reviews import under_review

    review = under_review(session, merchant_id)
    if review is not None:
        holds.append({"code": "payout_under_review",
                      "message": f"Payouts are held for the operator's review {review.id} "
                                 f"({review.rule}, {review.status})."})
    owed = earnings(session, merchant_id).debt
    if owed > 0:
        holds.append({"code": "merchant_in_debt",
                      "message": f"Refunds and disputes left a debt of {owed:,} credits: it is "
                                 "repaid from new earnings before any payout."})
    merchant = session.get(Merchant, merchant_id)
    if merchant is not None and config.first_payout_hold_days:
        first_at = merchant.created_at + timedelta(days=config.first_payout_hold_days)
        paid_before = session.scalar(select(exists().where(
            Payout.merchant_id == merchant_id, Payout.status.in_(LIVE_PAYOUT))))
        if first_at > now and not paid_before:
            holds.append({"code": "first_payout_hold", "until": first_at.isoformat(),
                          "message": f"A new merchant's first payout waits "
                                     f"{config.first_payout_hold_days} days: possible from "
                                     f"{stamp(first_at)}."})
    return holds


HOLD_CODES = ("payout_locked", "first_payout_hold", "merchant_in_debt", "payout_under_review")


def raise_for_holds(reasons: list[dict[str, str]]) -> None:
    """Raise 409 with the first reason that is a risk hold (not e.g. below the minimum)."""
    holds = [r for r in reasons if r["code"] in HOLD_CODES]
    if holds:
        first = holds[0]
        raise PayoutHeld(first["message"], code=first["code"],
                         details={"until": first.get("until"),
                                  "holds": [h["code"] for h in holds]})


def runnable_clause(config: RiskConfig, now: datetime, merchant_id: Any,
                    merchant_created_at: Any) -> ColumnElement[bool]:
    """SQL: the merchant (columns of a payout run's query) is held by no payout rule."""
    a, b = accounts_t.alias("debt_account"), balances_t.alias("debt_balance")
    conditions: list[ColumnElement[bool]] = [
        not_(exists().where(BankChange.merchant_id == merchant_id,
                            BankChange.locked_until > now)),
        not_(exists().where(a.c.code == literal("merchant:") + merchant_id + literal(":debt"),
                            b.c.account_id == a.c.id, b.c.balance < 0)),
    ]
    from wallet.risk.reviews import not_under_review

    conditions.append(not_under_review(merchant_id))
    if config.first_payout_hold_days:
        conditions.append(or_(
            merchant_created_at <= now - timedelta(days=config.first_payout_hold_days),
            exists().where(Payout.merchant_id == merchant_id, Payout.status.in_(LIVE_PAYOUT))))
    return and_(*conditions)


# --- reserves and the operator's view ---------------------------------------------------------


def set_reserve(session: Session, merchant_id: str, percent: int, days: int, *, actor: str,
                now: datetime | None = None) -> MerchantRisk:
    """The operator sets a merchant's rolling reserve (an audit record keeps who and when)."""
    now = now or utcnow()
    get_merchant(session, merchant_id)
    row = session.get(MerchantRisk, merchant_id)
    if row is None:
        row = MerchantRisk(merchant_id=merchant_id)
        session.add(row)
    before = {"percent": row.reserve_percent or 0, "days": row.reserve_days or 0}
    row.reserve_percent, row.reserve_days, row.updated_at = percent, days, now
    session.flush()
    audit(session, "reserve.set", merchant_id, actor, now=now,
          detail={"before": before, "percent": percent, "days": days})
    return row


def reserve_view(row: MerchantRisk | None, merchant_id: str = "") -> dict[str, Any]:
    return {"object": "reserve", "merchant_id": row.merchant_id if row else merchant_id,
            "percent": row.reserve_percent if row else 0, "days": row.reserve_days if row else 0}


def merchant_risk_view(session: Session, merchant_id: str) -> dict[str, Any]:
    from wallet.risk.models import RiskReview
    from wallet.risk.reviews import review_view

    get_merchant(session, merchant_id)
    e = earnings(session, merchant_id)
    found = session.scalars(select(RiskReview).where(RiskReview.merchant_id == merchant_id)
                            .order_by(RiskReview.created_at.desc())).all()
    return {
        "object": "merchant_risk", "merchant_id": merchant_id, "debt": e.debt,
        "reserved": e.reserved,
        "reserve": reserve_view(session.get(MerchantRisk, merchant_id), merchant_id),
        "kyc_history": [{"status": k.status, "actor": k.actor,
                         "created_at": k.created_at.isoformat()}
                        for k in kyc_history(session, merchant_id)],
        "bank_changes": [{"iban_last4": b.iban_last4, "holder_name": b.holder_name,
                          "previous_iban_last4": b.previous_iban_last4,
                          "previous_holder_name": b.previous_holder_name,
                          "locked_until": b.locked_until.isoformat(),
                          "created_at": b.created_at.isoformat()}
                         for b in bank_changes(session, merchant_id)],
        "reviews": [review_view(r) for r in found],
    }
