"""The chart of accounts: which ledger accounts exist and the rules of each kind.

Codes are stable names (``user:usr_…:paid``); the ledger opens an account on
first use. Credits are the one asset of a deployment (``CREDIT``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from wallet.ledger.core import AccountInfo, open_account

CREDIT = "CREDIT"
HOT_SHARDS = 16


class Kind(StrEnum):
    USER_PAID = "user_paid"
    USER_PROMO = "user_promo"
    MERCHANT_PENDING = "merchant_pending"
    MERCHANT_AVAILABLE = "merchant_available"
    MERCHANT_IN_TRANSIT = "merchant_in_transit"
    MERCHANT_RESERVE = "merchant_reserve"  # rolling reserve held from released earnings
    MERCHANT_DEBT = "merchant_debt"  # <= 0: what refunds and disputes took beyond earnings
    LOSSES = "platform_losses"  # disputed value that could not be recovered from anyone
    TOPUP_CLEARING = "platform_topup_clearing"
    PROMOTIONS = "platform_promotions"
    VOUCHERS_OUTSTANDING = "platform_vouchers_outstanding"
    PAYOUTS = "platform_payouts"
    FEES = "platform_fees"
    BREAKAGE = "platform_breakage"
    GIFT_CARD_CLEARING = "platform_gift_card_clearing"  # gift-card vouchers sold (vouchers)


@dataclass(frozen=True)
class Rule:
    allow_negative: bool
    shards: int = 1
    allow_positive: bool = True


# Platform sources (where credits enter or leave the closed loop) may go
# negative; everything that holds value for someone may not. A merchant's
# pending earnings are credited by every buyer at once: that account is hot.
RULES: dict[Kind, Rule] = {
    Kind.USER_PAID: Rule(False),
    Kind.USER_PROMO: Rule(False),
    Kind.MERCHANT_PENDING: Rule(False, HOT_SHARDS),
    Kind.MERCHANT_AVAILABLE: Rule(False),
    Kind.MERCHANT_IN_TRANSIT: Rule(False),
    Kind.MERCHANT_RESERVE: Rule(False),
    # Earnings go negative only here, and only through refunds, reversals and disputes
    # (``ledger verify`` checks the kinds of transaction that debit it).
    Kind.MERCHANT_DEBT: Rule(True, allow_positive=False),
    Kind.LOSSES: Rule(True),
    Kind.TOPUP_CLEARING: Rule(True),
    Kind.PROMOTIONS: Rule(True),
    Kind.VOUCHERS_OUTSTANDING: Rule(False),
    Kind.PAYOUTS: Rule(True),
    Kind.FEES: Rule(False),
    Kind.BREAKAGE: Rule(False),
    Kind.GIFT_CARD_CLEARING: Rule(True),
}


DEBT_MAY_GROW_BY = frozenset({"refund", "voucher_void", "reversal", "dispute_recovery"})
"""The only kinds of transaction that may debit a merchant's debt account: refunds,
reversals and disputes, never a payout (``ledger verify`` checks it)."""


def open_kind(session: Session, code: str, kind: Kind) -> AccountInfo:
    rule = RULES[kind]
    return open_account(
        session, code, kind=kind.value, asset=CREDIT,
        allow_negative=rule.allow_negative, shards=rule.shards,
        allow_positive=rule.allow_positive,
    )


def user_account(session: Session, user_id: str, kind: Kind = Kind.USER_PAID) -> AccountInfo:
    suffix = {Kind.USER_PAID: "paid", Kind.USER_PROMO: "promo"}[kind]
    return open_kind(session, f"user:{user_id}:{suffix}", kind)


def merchant_account(session: Session, merchant_id: str, kind: Kind) -> AccountInfo:
    suffix = kind.value.removeprefix("merchant_")
    return open_kind(session, f"merchant:{merchant_id}:{suffix}", kind)


def platform_account(session: Session, kind: Kind) -> AccountInfo:
    return open_kind(session, f"platform:{kind.value.removeprefix('platform_')}", kind)
