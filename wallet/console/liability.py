"""The liability report: what the platform owes, read from the ledger and reconciled.

Every figure is the sum of the ledger balances of one kind of account (O(accounts),
read from the balance rows). Reconciliation, to the credit:

1. each kind's balance rows equal its postings recomputed from the journal;
2. the books balance: every account's balance sums to zero, so what is owed
   (people's credits, vouchers, merchant earnings) plus what the platform kept (fees,
   breakage) equals what funded it (credits sold, promotions, gift cards) less what
   left (payouts) and the platform's losses; an account kind the report does not
   know is listed under ``other`` rather than dropped;
3. vouchers outstanding in the ledger equal what the vouchers table says is left on
   the live vouchers.

Signs: an amount owed is positive. Platform sources (top-up clearing, promotions,
gift-card clearing) run negative in the ledger; ``funding`` reports them as positive
amounts (credits that entered the closed loop), ``paid_out`` what left it as merchant
payouts, and ``platform_losses`` what the platform's losses account paid for (absent,
null, until that account exists).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vouchers.models import Voucher
from wallet.db import utcnow
from wallet.ledger.chart import Kind
from wallet.ledger.models import Account, AccountBalance, Posting
from wallet.topups.models import Shortfall

# the platform's losses (fraud controls: written-off merchant debt, lost disputes)
LOSSES_KIND = Kind.LOSSES.value

PEOPLE = {"credits_paid": Kind.USER_PAID, "credits_promotional": Kind.USER_PROMO}
MERCHANTS = {"pending": Kind.MERCHANT_PENDING, "available": Kind.MERCHANT_AVAILABLE,
             "in_transit": Kind.MERCHANT_IN_TRANSIT, "reserved": Kind.MERCHANT_RESERVE,
             "debt": Kind.MERCHANT_DEBT}  # debt is a balance <= 0: it lowers the total
KEPT = {"breakage": Kind.BREAKAGE, "fees": Kind.FEES}
FUNDING = {"credits_sold": Kind.TOPUP_CLEARING, "promotions_issued": Kind.PROMOTIONS,
           "gift_cards_sold": Kind.GIFT_CARD_CLEARING}
KNOWN = {k.value for group in (PEOPLE, MERCHANTS, KEPT, FUNDING) for k in group.values()}
KNOWN |= {Kind.VOUCHERS_OUTSTANDING.value, Kind.PAYOUTS.value, LOSSES_KIND}


@dataclass
class Reconciliation:
    ok: bool = True
    books_balance: int = 0
    mismatched_kinds: list[dict[str, Any]] = field(default_factory=list)
    vouchers_table: int = 0
    vouchers_match: bool = True


def _balances_by_kind(session: Session, asset: str) -> dict[str, int]:
    rows = session.execute(
        select(Account.kind, func.coalesce(func.sum(AccountBalance.balance), 0))
        .join(AccountBalance, AccountBalance.account_id == Account.id)
        .where(Account.asset == asset).group_by(Account.kind)).all()
    return {kind: int(total) for kind, total in rows}


def _postings_by_kind(session: Session, asset: str) -> dict[str, int]:
    """Each kind's balance recomputed from the journal: credits in less debits out."""
    credited = dict(session.execute(
        select(Account.kind, func.sum(Posting.amount))
        .join(Account, Account.id == Posting.credit_account_id)
        .where(Posting.asset == asset).group_by(Account.kind)).all())
    debited = dict(session.execute(
        select(Account.kind, func.sum(Posting.amount))
        .join(Account, Account.id == Posting.debit_account_id)
        .where(Posting.asset == asset).group_by(Account.kind)).all())
    return {kind: int(credited.get(kind) or 0) - int(debited.get(kind) or 0)
            for kind in set(credited) | set(debited)}


def liability_report(session: Session, *, asset: str = "CREDIT",
                     now: datetime | None = None) -> dict[str, Any]:
    """The report as the API returns it (integer credits throughout)."""
    now = now or utcnow()
    ledger = _balances_by_kind(session, asset)
    journal = _postings_by_kind(session, asset)

    def bal(kind: Kind | str) -> int:
        return ledger.get(str(getattr(kind, "value", kind)), 0)

    people = {name: bal(kind) for name, kind in PEOPLE.items()}
    earnings = {name: bal(kind) for name, kind in MERCHANTS.items()}
    earnings["total"] = sum(earnings.values())
    vouchers = bal(Kind.VOUCHERS_OUTSTANDING)
    owed = people["credits_paid"] + people["credits_promotional"] + vouchers + earnings["total"]
    kept = {name: bal(kind) for name, kind in KEPT.items()}
    losses = -ledger[LOSSES_KIND] if LOSSES_KIND in ledger else None
    funding = {name: -bal(kind) for name, kind in FUNDING.items()}
    funding["paid_out"] = bal(Kind.PAYOUTS)
    other = {kind: value for kind, value in sorted(ledger.items()) if kind not in KNOWN}

    check = Reconciliation()
    check.books_balance = sum(ledger.values())
    for kind in sorted(set(ledger) | set(journal)):
        if ledger.get(kind, 0) != journal.get(kind, 0):
            check.mismatched_kinds.append({"kind": kind, "balances": ledger.get(kind, 0),
                                           "postings": journal.get(kind, 0)})
    check.vouchers_table = int(session.scalar(
        select(func.coalesce(func.sum(Voucher.remaining), 0))) or 0)
    check.vouchers_match = check.vouchers_table == vouchers
    check.ok = (check.books_balance == 0 and not check.mismatched_kinds
                and check.vouchers_match)
    shortfalls = dict(session.execute(
        select(Shortfall.status, func.coalesce(func.sum(Shortfall.credits), 0))
        .group_by(Shortfall.status)).all())
    return {
        "object": "liability_report",
        "asset": asset,
        "as_of": now,
        "credits_outstanding": {**people,
                                "total": people["credits_paid"] + people["credits_promotional"]},
        "vouchers_outstanding": vouchers,
        "merchant_earnings_payable": earnings,
        "total_owed": owed,
        "breakage": kept["breakage"],
        "fees": kept["fees"],
        "platform_losses": losses,
        "funding": funding,
        "other_accounts": other,
        "shortfalls": {"open": int(shortfalls.get("open", 0)),
                       "written_off": int(shortfalls.get("written_off", 0)),
                       "collected": int(shortfalls.get("collected", 0))},
        "reconciliation": {
            "ok": check.ok,
            "books_balance": check.books_balance,
            "identity": "total_owed + breakage + fees + other = credits_sold + "
                        "promotions_issued + gift_cards_sold - paid_out + platform_losses",
            "mismatched_kinds": check.mismatched_kinds,
            "vouchers_table": check.vouchers_table,
            "vouchers_match": check.vouchers_match,
        },
    }
