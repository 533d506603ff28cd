"""The reference client end to end: operator → merchant → app → person → token →
grant → purchase → refund → history, every call through ``wallet_sdk`` (sdk/python)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy.orm import Session
from wallet_sdk import FlaskTransport, WalletApiError, WalletClient

from tests.support.buyers import top_up
from wallet.db import utcnow
from wallet.merchants import service as merchants_service


def test_the_whole_sdk_shape(app: Flask, session: Session) -> None:
    _, admin_key = merchants_service.issue_key(session, "admin")
    session.commit()
    transport = FlaskTransport(app)
    operator = WalletClient(token=admin_key, transport=transport)

    merchant_info = operator.create_merchant("Corner Café")
    merchant = WalletClient(token=merchant_info["secret_key"], transport=transport)
    app_info = merchant.create_app("Café Reader", ["https://cafe.example/cb"])
    person = operator.create_user(f"reader-{uuid.uuid4().hex[:8]}@example.com")
    top_up(session, person["id"], 100)
    session.commit()
    token = operator.user_token(person["id"], app_info["id"])
    assert token.token_type.lower() == "bearer" and "purchases:write" in token.scope
    phone = WalletClient(token=token.access_token, transport=transport)

    operator.grant(person["id"], 20, "Welcome", expires_at=utcnow() + timedelta(days=30))
    wallet = phone.wallet()
    assert (wallet.credits.total, wallet.credits.paid, wallet.credits.promotional) == (
        120, 100, 20)
    bought = phone.purchase(30, "Latte", metadata={"table": "4"})
    assert bought.merchant_id == merchant_info["id"] and bought.balance_after == 90
    assert phone.wallet().credits.promotional == 0
    refund = merchant.refund(bought.id, 10)
    assert refund.purchase_refunded == 10
    assert phone.wallet().credits.paid == 100 - 10 + 10
    kinds = [entry.kind for entry in phone.transactions().data]
    assert kinds == ["refund", "purchase", "promo_grant", "topup"]
    with pytest.raises(WalletApiError) as err:
        phone.purchase(10**6, "Too much")
    assert err.value.status == 402 and "available" in err.value.message
