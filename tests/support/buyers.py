"""Test helpers for credits and purchases: a merchant with an app, people, tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from wallet.ledger import chart
from wallet.ledger.core import Move, balance, post
from wallet.merchants import service as merchants_service
from wallet.people import service as people_service


@dataclass
class World:
    merchant_id: str
    app_id: str
    merchant_key: str
    user_ids: list[str]


def make_world(session: Session, users: int = 1) -> World:
    merchant = merchants_service.create_merchant(session, "Test Shop")
    app = merchants_service.create_app_client(session, merchant.id, "Test App",
                                     ["http://127.0.0.1/cb"])
    _, secret = merchants_service.issue_key(session, "secret", merchant_id=merchant.id)
    people = [people_service.create_user(session, f"p{uuid.uuid4().hex[:10]}@example.com").id
              for _ in range(users)]
    return World(merchant.id, app.id, secret, people)


def top_up(session: Session, user_id: str, credits: int) -> None:
    """Paid credits, as a top-up would land them."""
    paid = chart.user_account(session, user_id)
    clearing = chart.platform_account(session, chart.Kind.TOPUP_CLEARING)
    post(session, reference=f"test-topup:{uuid.uuid4().hex}", kind="topup",
         moves=[Move(clearing.id, paid.id, credits)])


def user_token(session: Session, user_id: str, app_id: str, **caps: int | None) -> str:
    from wallet.oauth.service import mint_access_token

    token, _ = mint_access_token(session, user_id=user_id, app_id=app_id, **caps)  # type: ignore[arg-type]
    return token


def pending(session: Session, merchant_id: str) -> int:
    return balance(session, chart.merchant_account(
        session, merchant_id, chart.Kind.MERCHANT_PENDING).id)


def breakage(session: Session) -> int:
    return balance(session, chart.platform_account(session, chart.Kind.BREAKAGE).id)
