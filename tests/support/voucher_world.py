"""Shared set-up for the voucher integration tests (tests/test_vouchers_*.py)."""

from __future__ import annotations

import itertools
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.sessions import end_cookie_session, start_session
from wallet.demo import seed_demo
from wallet.ledger import chart
from wallet.ledger.chart import Kind
from wallet.ledger.core import Move, balance, post
from wallet.merchants import service as merchants_service
from wallet.people import service as people_service

_keys = itertools.count()


def world(session: Session) -> dict[str, Any]:
    """The demo principals plus a second person, a second merchant's counter, both funded."""
    demo = seed_demo(session, b"v" * 32)
    other = people_service.create_user(session, f"other{next(_keys)}@example.com", "other-password")
    fund(session, other.id, 1000)
    merchant = merchants_service.create_merchant(session, "Other shop")
    counter = merchants_service.create_counter(session, merchant.id, "Till 2")
    _key, counter_key = merchants_service.issue_key(session, "counter", merchant_id=merchant.id,
                                           counter_id=counter.id)
    session.flush()
    return {**demo, "other_user_id": other.id, "other_merchant_id": merchant.id,
            "other_counter_id": counter.id, "other_counter_key": counter_key}


def fund(session: Session, user_id: str, credits: int) -> None:
    clearing = chart.platform_account(session, Kind.TOPUP_CLEARING)
    paid = chart.user_account(session, user_id)
    post(session, reference=f"test:fund:{user_id}:{next(_keys)}", kind="test_topup",
         moves=[Move(clearing.id, paid.id, credits)])


def paid_balance(session: Session, user_id: str) -> int:
    return balance(session, chart.user_account(session, user_id).id)


def pending_balance(session: Session, merchant_id: str) -> int:
    return balance(session, chart.merchant_account(session, merchant_id, Kind.MERCHANT_PENDING).id)


def platform_balance(session: Session, kind: Kind) -> int:
    return balance(session, chart.platform_account(session, kind).id)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def idem(headers: dict[str, str] | None = None) -> dict[str, str]:
    return {**(headers or {}), "Idempotency-Key": f"k-{next(_keys)}"}


CSRF = "test-csrf-token"


def sign_in(client: FlaskClient, user_id: str | None) -> None:
    """Sign the client's cookie session in (or out); it sends the CSRF header from now on."""
    if user_id is None:
        end_cookie_session(client)
    else:
        start_session(client, user_id, CSRF)
    client.environ_base["HTTP_X_CSRF_TOKEN"] = CSRF


def gift(client: FlaskClient, user_id: str, value: int = 100, **extra: Any) -> dict[str, Any]:
    sign_in(client, user_id)
    response = client.post("/v1/vouchers", json={"value": value, **extra}, headers=idem())
    sign_in(client, None)
    assert response.status_code == 201, response.json
    return dict(response.json)
