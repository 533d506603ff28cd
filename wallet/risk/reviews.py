"""The concentration rule and the operator's review queue.

A merchant whose earnings over the window come mostly from a few wallets, or from
vouchers gifted by people who had just topped up by card, has its payouts held: a
review is opened, payouts wait while it is open (or rejected), and the operator
approves or rejects it with a reason. Every decision is an audit record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, exists, func, select
from sqlalchemy.orm import Session

from vouchers.models import Voucher, VoucherRedemption
from wallet.db import one_of, utcnow
from wallet.errors import Conflict, NotFound
from wallet.ids import looks_like_id, new_id
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.models import Account, LedgerTransaction, Posting
from wallet.risk.config import RiskConfig
from wallet.risk.models import RiskReview
from wallet.risk.service import audit

postings_t = cast(Table, Posting.__table__)
transactions_t = cast(Table, LedgerTransaction.__table__)
accounts_t = cast(Table, Account.__table__)
HOLDING = ("open", "rejected")


def concentrated(session: Session, config: RiskConfig, merchant_ids: Iterable[str],
                 now: datetime | None = None) -> dict[str, dict[str, Any]]:
    """The merchants (of these) the concentration rule flags, with the numbers why.

    A few grouped queries over the window, whatever the number of merchants: first each
    merchant's earnings over the window (only those reaching the rule's minimum come
    back), then wallets and fresh vouchers for those. Every statement binds the merchants
    as one parameter (``one_of``), so any number of merchants fits in it."""
    merchant_ids = list(merchant_ids)
    if not config.concentration_window_days or not merchant_ids:
        return {}
    now = now or utcnow()
    since = now - timedelta(days=config.concentration_window_days)
    earned = _earned_since(session, merchant_ids, since, config.concentration_min_credits)
    if not earned:
        return {}
    _, by_wallet = _earnings_by_wallet(session, list(earned), since)
    fresh = _fresh_voucher_value(session, config, list(earned), since)
    flagged: dict[str, dict[str, Any]] = {}
    for merchant_id, total in earned.items():
        top = sorted(by_wallet[merchant_id].values(), reverse=True)
        top_share = sum(top[:config.concentration_top_wallets]) * 100 // total
        fresh_share = fresh.get(merchant_id, 0) * 100 // total
        reasons = []
        if top_share >= config.concentration_wallet_percent and config.concentration_top_wallets:
            reasons.append("few_wallets")
        if fresh_share >= config.concentration_fresh_voucher_percent:
            reasons.append("fresh_vouchers")
        if reasons:
            flagged[merchant_id] = {
                "reasons": reasons, "earned": total, "wallets": len(top),
                "top_wallets_percent": top_share, "fresh_voucher_percent": fresh_share,
                "window_days": config.concentration_window_days}
    return flagged


def _pending_codes(merchant_ids: Iterable[str]) -> dict[str, str]:
    return {f"merchant:{m}:pending": m for m in merchant_ids}


def _earned_since(session: Session, merchant_ids: list[str], since: datetime,
                  minimum: int) -> dict[str, int]:
    """Credits into each merchant's pending earnings since ``since``, for the merchants
    whose total reaches ``minimum`` (at least 1: a merchant that earned nothing has no
    concentration).

    Two aggregates, each grouped by account id: the credits of all time first (no join
    to the transactions for their dates: a run's aggregate over every merchant), which
    bound those of the window from above, then the window's for the merchants that
    reach the minimum of all time (usually far fewer)."""
    p, t, a = postings_t, transactions_t, accounts_t
    minimum = max(minimum, 1)
    codes = _pending_codes(merchant_ids)
    accounts = dict(session.execute(select(a.c.id, a.c.code)
                                    .where(one_of(session, a.c.code, codes))).all())
    total = func.sum(p.c.amount)
    for windowed in (False, True):
        if not accounts:
            return {}
        query = (select(p.c.credit_account_id, total)
                 .where(one_of(session, p.c.credit_account_id, accounts))
                 .group_by(p.c.credit_account_id).having(total >= minimum))
        if windowed:
            query = query.join(t, t.c.id == p.c.transaction_id).where(t.c.created_at > since)
        reaching = dict(session.execute(query).all())
        accounts = {i: code for i, code in accounts.items() if i in reaching}
    return {codes[code]: int(reaching[i]) for i, code in accounts.items()}


def _earnings_by_wallet(session: Session, merchant_ids: list[str], since: datetime
                        ) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Credits into each merchant's pending earnings since ``since``: in total, and per
    person whose wallet paid directly (a voucher redemption counts for its gifter)."""
    p, t, a, src = postings_t, transactions_t, accounts_t, accounts_t.alias("src")
    codes = _pending_codes(merchant_ids)
    rows = session.execute(
        select(a.c.code, src.c.code, src.c.kind, func.sum(p.c.amount))
        .select_from(p.join(t, t.c.id == p.c.transaction_id)
                     .join(a, a.c.id == p.c.credit_account_id)
                     .join(src, src.c.id == p.c.debit_account_id))
        .where(one_of(session, a.c.code, codes), t.c.created_at > since)
        .group_by(a.c.code, src.c.code, src.c.kind)
    ).all()
    earned: dict[str, int] = defaultdict(int)
    by_wallet: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for code, source, kind, amount in rows:
        merchant = codes[code]
        earned[merchant] += int(amount)
        if kind in (Kind.USER_PAID.value, Kind.USER_PROMO.value):
            by_wallet[merchant][source.split(":")[1]] += int(amount)
    for redeemed_at, person, amount in session.execute(
            select(VoucherRedemption.merchant_id, Voucher.funder_user_id,
                   func.sum(VoucherRedemption.amount))
            .join(Voucher, Voucher.id == VoucherRedemption.voucher_id)
            .where(one_of(session, VoucherRedemption.merchant_id, merchant_ids),
                   VoucherRedemption.kind == "redeem", VoucherRedemption.voided_at.is_(None),
                   VoucherRedemption.created_at > since, Voucher.funding == "user")
            .group_by(VoucherRedemption.merchant_id, Voucher.funder_user_id)).all():
        by_wallet[str(redeemed_at)][str(person)] += int(amount)
    return dict(earned), by_wallet


def _fresh_voucher_value(session: Session, config: RiskConfig, merchant_ids: list[str],
                         since: datetime) -> dict[str, int]:
    """Per merchant: redeemed value of gifts whose giver had topped up by card within the
    settlement window before gifting (a card turned into vouchers turned into earnings)."""
    redeemed = session.execute(
        select(VoucherRedemption.merchant_id, VoucherRedemption.amount,
               Voucher.funder_user_id, Voucher.created_at)
        .join(Voucher, Voucher.id == VoucherRedemption.voucher_id)
        .where(one_of(session, VoucherRedemption.merchant_id, merchant_ids),
               VoucherRedemption.kind == "redeem", VoucherRedemption.voided_at.is_(None),
               VoucherRedemption.created_at > since, Voucher.funding == "user")).all()
    if not redeemed:
        return {}
    settle = timedelta(days=max(config.gift_settle_days, 1))
    p, t, paid = postings_t, transactions_t, accounts_t
    clearing = chart.platform_account(session, Kind.TOPUP_CLEARING).id
    givers = {f"user:{r.funder_user_id}:paid": str(r.funder_user_id) for r in redeemed}
    top_ups: dict[str, list[datetime]] = defaultdict(list)
    for code, at in session.execute(
            select(paid.c.code, t.c.created_at)
            .select_from(p.join(t, t.c.id == p.c.transaction_id)
                         .join(paid, paid.c.id == p.c.credit_account_id))
            .where(one_of(session, paid.c.code, givers), p.c.debit_account_id == clearing,
                   t.c.created_at > since - settle)).all():
        top_ups[givers[code]].append(at)
    fresh: dict[str, int] = defaultdict(int)
    for merchant, amount, giver, gifted_at in redeemed:
        if any(gifted_at - settle < at <= gifted_at for at in top_ups[str(giver)]):
            fresh[str(merchant)] += int(amount)
    return dict(fresh)


def hold_concentrated(session: Session, config: RiskConfig, merchant_ids: Sequence[str],
                      now: datetime | None = None) -> set[str]:
    """Open a review for each flagged merchant (unless one is open, or one was approved within
    the window); return the merchants whose payouts the rule holds now."""
    now = now or utcnow()
    flagged = concentrated(session, config, merchant_ids, now)
    if not flagged:
        return set()
    since = now - timedelta(days=config.concentration_window_days)
    reviews = session.execute(
        select(RiskReview.merchant_id, RiskReview.status, RiskReview.decided_at)
        .where(one_of(session, RiskReview.merchant_id, flagged),
               RiskReview.rule == "concentration")
    ).all()
    approved = {m for m, status, at in reviews
                if status == "approved" and at is not None and at > since}
    holding = {m for m, status, _ in reviews if status in HOLDING}
    for merchant_id in sorted(set(flagged) - approved - holding):
        session.add(RiskReview(id=new_id("rev"), merchant_id=merchant_id, rule="concentration",
                               status="open", detail=flagged[merchant_id], created_at=now))
        audit(session, "review.opened", merchant_id, "risk", now=now,
              detail={"rule": "concentration", **flagged[merchant_id]})
    session.flush()
    return set(flagged) - approved


def under_review(session: Session, merchant_id: str) -> RiskReview | None:
    return session.scalar(select(RiskReview).where(
        RiskReview.merchant_id == merchant_id, RiskReview.status.in_(HOLDING))
        .order_by(RiskReview.created_at.desc()).limit(1))


def not_under_review(merchant_id: Any) -> Any:
    """SQL: no open or rejected review holds the merchant's payouts."""
    return ~exists().where(RiskReview.merchant_id == merchant_id,
                           RiskReview.status.in_(HOLDING))


def list_reviews(session: Session, status: str | None = "open") -> Any:
    query = select(RiskReview)
    if status:
        query = query.where(RiskReview.status == status)
    return query


def decide(session: Session, review_id: str, decision: str, *, actor: str, reason: str,
           now: datetime | None = None) -> RiskReview:
    """Approve (payouts go ahead) or reject (payouts stay held) an open review, with reason."""
    now = now or utcnow()
    review = session.scalar(select(RiskReview).where(RiskReview.id == review_id)
                            .with_for_update().execution_options(populate_existing=True)
                            ) if looks_like_id(review_id) else None
    if review is None:
        raise NotFound("No such review.", code="review_not_found", param="id")
    if review.status != "open":
        raise Conflict(f"This review was already {review.status}.", code="review_decided")
    review.status = "approved" if decision == "approve" else "rejected"
    review.reason, review.decided_at = reason[:500], now
    session.flush()
    audit(session, f"review.{review.status}", review.id, actor, reason=reason, now=now,
          detail={"merchant_id": review.merchant_id, "rule": review.rule})
    return review


def review_view(review: RiskReview) -> dict[str, Any]:
    return {"object": "risk_review", "id": review.id, "merchant_id": review.merchant_id,
            "rule": review.rule, "status": review.status, "detail": review.detail,
            "reason": review.reason, "created_at": review.created_at,
            "decided_at": review.decided_at}
