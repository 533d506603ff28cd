"""Helpers shared by the top-up tests: sign a person in, open checkouts, send webhooks."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.sessions import start_session
from wallet.ledger import chart
from wallet.ledger.core import Move, balance, post
from wallet.people.models import User
from wallet.people.service import create_user
from wallet.topups.api import runtime
from wallet.topups.models import ProviderEventRecord
from wallet.topups.providers.sandbox import SIGNATURE_HEADER, SandboxProvider

CSRF = "csrf-test-token"


def new_user(session: Session) -> User:
    return create_user(session, f"p-{uuid.uuid4().hex[:10]}@example.com", "password123")


def sign_in(client: FlaskClient, user_id: str) -> None:
    start_session(client, user_id, CSRF)


def checkout(
    client: FlaskClient, pack_id: str = "starter", currency: str = "USD",
    key: str | None = None,
) -> Any:
    headers = {"X-CSRF-Token": CSRF, "Idempotency-Key": key or uuid.uuid4().hex}
    return client.post("/v1/topups/checkout", json={"pack_id": pack_id, "currency": currency},
                       headers=headers)


def sandbox(app: Flask) -> SandboxProvider:
    provider = runtime(app).provider("sandbox")
    assert isinstance(provider, SandboxProvider)
    return provider


def send(client: FlaskClient, body: bytes, header: str | None, provider: str = "sandbox",
         header_name: str = SIGNATURE_HEADER) -> Any:
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers[header_name] = header
    return client.post(f"/v1/webhooks/{provider}", data=body, headers=headers)


def event(app: Flask, kind: str, topup: dict[str, Any], amount: int | None = None,
          **kwargs: Any) -> tuple[bytes, str]:
    """A signed sandbox event for a top-up in its API form."""
    return sandbox(app).build_event(
        kind,  # type: ignore[arg-type]
        topup_id=topup["id"], provider_ref=topup["checkout_url"].rsplit("/", 1)[1],
        amount_minor=topup["price_minor"] if amount is None else amount,
        currency=kwargs.pop("currency", topup["currency"]),
        payment_ref=kwargs.pop("payment_ref", f"pi_sbx_{topup['id']}"), **kwargs,
    )


def paid_credits(session: Session, user_id: str) -> int:
    return balance(session, chart.user_account(session, user_id, chart.Kind.USER_PAID).id)


def spend(session: Session, user_id: str, credits: int) -> None:
    """Move paid credits out of the wallet (as a purchase would)."""
    paid = chart.user_account(session, user_id, chart.Kind.USER_PAID)
    sink = chart.platform_account(session, chart.Kind.PAYOUTS)
    post(session, reference=f"test-spend:{uuid.uuid4().hex}", kind="test_spend",
         moves=[Move(debit=paid.id, credit=sink.id, amount=credits)])


def give(session: Session, user_id: str, credits: int) -> None:
    paid = chart.user_account(session, user_id, chart.Kind.USER_PAID)
    source = chart.platform_account(session, chart.Kind.PROMOTIONS)
    post(session, reference=f"test-give:{uuid.uuid4().hex}", kind="test_give",
         moves=[Move(debit=source.id, credit=paid.id, amount=credits)])


def event_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(ProviderEventRecord)) or 0)


@pytest.fixture
def person(session: Session, client: FlaskClient) -> User:
    """A signed-in person (the ``client`` carries their session cookie)."""
    user = new_user(session)
    session.commit()
    sign_in(client, user.id)
    return user
