"""A merchant with two apps, a counter and a few months of purchases, refunds and voucher
redemptions at known instants (for the insights and statements tests)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.buyers import make_world, top_up
from vouchers import service as vouchers
from wallet.ledger import chart
from wallet.ledger.models import LedgerTransaction, Posting
from wallet.merchants import service as merchants_service
from wallet.purchases import service as purchases
from wallet.purchases.service import Buyer, Limits
from wallet.risk import config as risk_rules

KEK = b"v" * 32
_keys = itertools.count()


@dataclass
class Shop:
    merchant_id: str
    app_id: str
    other_app_id: str
    counter_id: str
    merchant_key: str
    users: list[str]
    purchase_ids: list[str] = field(default_factory=list)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def buy(session: Session, shop: Shop, user: int, amount: int, when: str,
        description: str = "Coffee", app: str | None = None,
        metadata: dict[str, Any] | None = None) -> str:
    buyer = Buyer(shop.users[user], app or shop.app_id, shop.merchant_id)
    purchase, _ = purchases.create_purchase(
        session, buyer, amount=amount, description=description, metadata=metadata,
        idempotency_key=f"k{next(_keys)}", limits=Limits(velocity_per_minute=None),
        now=at(when))
    shop.purchase_ids.append(purchase["id"])
    return str(purchase["id"])


def make_shop(session: Session, users: int = 4) -> Shop:
    world = make_world(session, users=users)
    other = merchants_service.create_app_client(session, world.merchant_id, "Kiosk",
                                                ["http://127.0.0.1/cb2"])
    counter = merchants_service.create_counter(session, world.merchant_id, "Till")
    for user in world.user_ids:
        top_up(session, user, 100_000)
    return Shop(world.merchant_id, world.app_id, other.id, counter.id, world.merchant_key,
                world.user_ids)


def busy_shop(session: Session) -> Shop:
    """Purchases from September to November 2026 by four people, some refunds, vouchers."""
    shop = make_shop(session)
    # September: people 0 and 1 start; 0 buys twice
    buy(session, shop, 0, 5, "2026-09-03T08:15:00", "Coffee")
    buy(session, shop, 0, 30, "2026-09-03T12:40:00", "Sandwich", metadata={"sku": "SW-1"})
    buy(session, shop, 1, 1, "2026-09-20T23:59:59", "Mint")
    # October: person 1 comes back, person 2 starts (in the other app)
    buy(session, shop, 1, 5, "2026-10-01T00:00:00", "Coffee")
    first_oct = buy(session, shop, 2, 120, "2026-10-15T17:05:00", "Lunch box",
                    app=shop.other_app_id)
    # November: 0 comes back, 3 starts, 2 buys again; refunds; a voucher
    buy(session, shop, 0, 5, "2026-11-02T09:00:00", "Coffee")
    buy(session, shop, 3, 600, "2026-11-10T10:30:00", "Gift basket")
    buy(session, shop, 2, 2000, "2026-11-28T18:00:00", "Party tray", app=shop.other_app_id)
    buy(session, shop, 3, 5, "2026-11-30T23:00:00", "Coffee")
    purchases.refund_purchase(session, first_oct, merchant_id=shop.merchant_id, amount=20,
                              now=at("2026-11-05T12:00:00"))
    purchases.refund_purchase(session, shop.purchase_ids[0], merchant_id=shop.merchant_id,
                              amount=None, now=at("2026-09-04T12:00:00"))
    issued = vouchers.issue_gift(session, user_id=shop.users[1], value=50, kek=KEK,
                                 now=at("2026-11-01T00:00:00"), risk=risk_rules.OFF)
    vouchers.redeem(session, counter_id=shop.counter_id, payload=issued.payload, amount=30,
                    now=at("2026-11-12T14:00:00"))
    session.flush()
    return shop


def ledger_sum(session: Session, merchant_id: str, kind: str, into_merchant: bool) -> int:
    """Credits moved by ``kind`` transactions into (or out of) the merchant's pending."""
    account = chart.merchant_account(session, merchant_id, chart.Kind.MERCHANT_PENDING).id
    side = Posting.credit_account_id if into_merchant else Posting.debit_account_id
    total = session.scalar(
        select(func.coalesce(func.sum(Posting.amount), 0))
        .join(LedgerTransaction, LedgerTransaction.id == Posting.transaction_id)
        .where(LedgerTransaction.kind == kind, side == account))
    return int(total or 0)
