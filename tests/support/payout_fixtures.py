"""Helpers for the payout tests: merchants with earnings, posted straight on the ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tests.conftest import RISK_OFF
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import Move, post
from wallet.merchants import service as merchants_service
from wallet.payouts.config import PayoutConfig, load_payout_config
from wallet.payouts.earnings import lock_payout_account
from wallet.people import service as people_service

GOOD_IBAN = "DE89370400440532013000"
OTHER_IBAN = "FR1420041010050500013M02606"

# 3 credits = 2 cents: 7,000 credits are worth 46.66 EUR with 1 credit left over;
# paid out in steps of 5.00 EUR, fee 0.30.
ODD: dict[str, Any] = {
    "PAYOUT_RATE_CREDITS": 3, "PAYOUT_RATE_MINOR": 2, "PAYOUT_STEP": 500,
    "PAYOUT_FEE": 30, "PAYOUT_MINIMUM": 2000,
}


def odd_config() -> PayoutConfig:
    return load_payout_config({**ODD, **RISK_OFF})


def default_config() -> PayoutConfig:
    return load_payout_config(RISK_OFF)


def make_merchant(session: Session, name: str = "Shop", *, kyc: str = "verified",
                  iban: str | None = GOOD_IBAN, schedule: str = "weekly") -> str:
    merchant = merchants_service.create_merchant(session, name)
    merchant.kyc_status = kyc
    row = lock_payout_account(session, merchant.id)
    if iban:
        row.iban, row.holder_name = iban, f"{name} GmbH"
    row.schedule = schedule
    session.flush()
    return merchant.id


def fund_user(session: Session, user_id: str, credits: int) -> int:
    paid = chart.user_account(session, user_id).id
    clearing = chart.platform_account(session, Kind.TOPUP_CLEARING).id
    post(session, reference=f"test-topup:{user_id}:{credits}", kind="topup",
         moves=[Move(clearing, paid, credits)])
    return paid


def purchases(session: Session, merchant_id: str, count: int, credits: int,
              tag: str = "p") -> None:
    """``count`` purchases of ``credits`` from one funded user into pending earnings."""
    user = people_service.create_user(session, f"{tag}-{merchant_id.lower()}@example.com")
    paid = fund_user(session, user.id, count * credits)
    pending = chart.merchant_account(session, merchant_id, Kind.MERCHANT_PENDING).id
    for n in range(count):
        post(session, reference=f"test-purchase:{merchant_id}:{tag}:{n}", kind="purchase",
             moves=[Move(paid, pending, credits)], metadata={"merchant_id": merchant_id})


def available_directly(session: Session, merchant_id: str, credits: int) -> None:
    """Put ``credits`` into available earnings at once (as if released)."""
    user = people_service.create_user(session, f"a-{merchant_id.lower()}@example.com")
    paid = fund_user(session, user.id, credits)
    available = chart.merchant_account(session, merchant_id, Kind.MERCHANT_AVAILABLE).id
    post(session, reference=f"test-available:{merchant_id}", kind="purchase",
         moves=[Move(paid, available, credits)])


def later(days: float) -> datetime:
    from datetime import timedelta

    from wallet.db import utcnow

    return utcnow() + timedelta(days=days)
