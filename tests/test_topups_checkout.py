"""Prices, checkout (principals, validation, idempotency), top-up reads and the sandbox page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.topup_helpers import (
    CSRF,
    checkout,
    new_user,
    paid_credits,
    sign_in,
)
from wallet.merchants.service import create_merchant, issue_key
from wallet.people.models import User
from wallet.topups.api import runtime
from wallet.topups.models import TopUp
from wallet.topups.setup import build_runtime


def test_prices_per_currency(client: FlaskClient) -> None:
    krw = client.get("/v1/prices?currency=krw")
    assert krw.status_code == 200
    assert krw.json["currency"] == "KRW"
    assert set(krw.json["currencies"]) >= {"USD", "EUR", "KRW"}
    starter = krw.json["data"][0]
    assert (starter["price_minor"], starter["price_display"], starter["total_credits"]) == (
        6500, "₩6,500", 500)
    assert client.get("/v1/prices").json["currency"] == "USD"
    bad = client.get("/v1/prices?currency=JPY")
    assert (bad.status_code, bad.json["error"]["code"]) == (400, "unsupported_currency")
    assert client.get("/v1/prices?currency=toolong").status_code == 400


def test_checkout_needs_a_user(app: Flask, client: FlaskClient, session: Session) -> None:
    body = {"pack_id": "starter", "currency": "USD"}
    assert client.post("/v1/topups/checkout", json=body,
                       headers={"Idempotency-Key": "a"}).status_code == 401
    merchant = create_merchant(session, "Shop")
    _key, secret = issue_key(session, "secret", merchant_id=merchant.id)
    _akey, admin = issue_key(session, "admin")
    session.commit()
    for credential in (secret, admin):
        response = client.post("/v1/topups/checkout", json=body,
                               headers={"Idempotency-Key": "a",
                                        "Authorization": f"Bearer {credential}"})
        assert response.status_code == 403


@pytest.mark.parametrize(("body", "param"), [
    ({"pack_id": "nope", "currency": "USD"}, "pack_id"),
    ({"pack_id": "starter", "currency": "XYZ"}, "currency"),
    ({"pack_id": "starter"}, "currency"),
    ({"pack_id": 5, "currency": "USD"}, "pack_id"),
    ({"pack_id": "starter", "currency": "USD", "credits": 10**9}, "credits"),
    ({"pack_id": "s" * 41, "currency": "USD"}, "pack_id"),
])
def test_checkout_rejects_bad_input(client: FlaskClient, session: Session, person: User,
                                    body: dict[str, object], param: str) -> None:
    response = client.post("/v1/topups/checkout", json=body,
                           headers={"Idempotency-Key": "bad", "X-CSRF-Token": CSRF})
    unknown_pack = isinstance(body.get("pack_id"), str) and len(str(body["pack_id"])) <= 40 \
        and "currency" in body and "credits" not in body
    assert response.status_code == (422 if unknown_pack else 400), response.json
    assert response.json["error"]["param"] == param
    assert session.scalar(select(func.count()).select_from(TopUp)
                          .where(TopUp.user_id == person.id)) == 0


def test_checkout_is_idempotent(client: FlaskClient, session: Session, person: User) -> None:
    first = checkout(client, "plus", "EUR", key="same")
    assert first.status_code == 201
    assert first.json["checkout_url"].startswith("http")
    assert first.json["id"].startswith("top_")
    again = checkout(client, "plus", "EUR", key="same")
    assert again.status_code == 201
    assert again.json == first.json
    assert again.headers.get("Idempotent-Replayed") == "true"
    other = checkout(client, "starter", "EUR", key="same")
    assert (other.status_code, other.json["error"]["code"]) == (409, "idempotency_key_reused")
    assert session.scalar(select(func.count()).select_from(TopUp)
                          .where(TopUp.user_id == person.id)) == 1
    missing = client.post("/v1/topups/checkout", json={"pack_id": "plus", "currency": "EUR"},
                          headers={"X-CSRF-Token": CSRF})
    assert missing.status_code == 400


def test_topups_are_private_and_paged(app: Flask, client: FlaskClient, session: Session,
                                      person: User) -> None:
    ids = [checkout(client).json["id"] for _ in range(3)]
    page1 = client.get("/v1/topups?limit=2").json
    assert [t["id"] for t in page1["data"]] == ids[::-1][:2] and page1["has_more"] is True
    page2 = client.get(f"/v1/topups?limit=2&starting_after={page1['data'][-1]['id']}").json
    assert [t["id"] for t in page2["data"]] == ids[:1] and page2["has_more"] is False
    stranger = new_user(session)
    session.commit()
    other = app.test_client()
    sign_in(other, stranger.id)
    assert other.get(f"/v1/topups/{ids[0]}").status_code == 404
    assert other.get("/v1/topups").json["data"] == []
    assert app.test_client().get(f"/v1/topups/{ids[0]}").status_code == 401


def _checkout_path(topup: dict[str, str]) -> str:
    return "/sandbox/checkout/" + topup["checkout_url"].rsplit("/", 1)[1]


def test_sandbox_page_has_labelled_fields(client: FlaskClient, person: User) -> None:
    page = client.get(_checkout_path(checkout(client).json))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for field in ("card_number", "expiry", "cvc"):
        assert f'<label for="{field}"' in html and f'id="{field}"' in html
    assert "$4.99" in html
    assert client.get("/sandbox/checkout/cs_sbx_unknown").status_code == 404


@pytest.mark.parametrize(("card", "status", "message", "credits"), [
    ("4242 4242 4242 4242", "succeeded", None, 500),
    ("4000 0000 0000 0002", "failed", "Your card was declined.", 0),
    ("4000000000009995", "failed", "Your card has insufficient funds.", 0),
])
def test_sandbox_page_pays_through_the_webhook(client: FlaskClient, session: Session,
                                               person: User, card: str, status: str,
                                               message: str | None, credits: int) -> None:
    topup = checkout(client).json
    form = {"card_number": card, "expiry": "12/40", "cvc": "123", "csrf_token": CSRF}
    paid = client.post(_checkout_path(topup), data=form)
    assert paid.status_code == 303
    assert paid.headers["Location"] == f"/return?topup={topup['id']}"
    shown = client.get(f"/v1/topups/{topup['id']}").json
    assert (shown["status"], shown["failure_message"]) == (status, message)
    assert paid_credits(session, person.id) == credits


def test_sandbox_page_explains_form_errors(client: FlaskClient, session: Session,
                                           person: User) -> None:
    topup = checkout(client).json
    form = {"card_number": "4242 4242 4242 4241", "expiry": "13/20", "cvc": "1",
            "csrf_token": CSRF}
    page = client.post(_checkout_path(topup), data=form)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "Your card number is invalid." in html
    assert "expiration month is invalid" in html
    assert "security code is invalid" in html
    assert 'aria-invalid="true"' in html
    assert client.get(f"/v1/topups/{topup['id']}").json["status"] == "pending"


def test_wallet_page_renders(client: FlaskClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r'<label for="signin-email">', html)
    assert '<option value="KRW">' in html
    assert client.get("/return?topup=top_x").status_code == 200
    assert client.get("/static/wallet.js").status_code == 200


def test_operator_price_list_file(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"currencies": {"EUR": [
        {"id": "mini", "price_minor": 100, "credits": 90}]}}))
    rt = build_runtime({"PRICE_LIST_FILE": str(path)}, lambda: b"x" * 32, production=False)
    assert [p.id for p in rt.prices] == ["mini"]
    assert set(rt.providers) == {"sandbox"}
    with pytest.raises(RuntimeError):
        build_runtime({"TOPUP_PROVIDER": "stripe"}, lambda: b"x" * 32, production=False)
    stripe_only = build_runtime(
        {"TOPUP_PROVIDER": "stripe", "STRIPE_API_KEY": "sk_test_1",
         "STRIPE_WEBHOOK_SECRET": "whsec_1"}, lambda: b"x" * 32, production=True)
    assert set(stripe_only.providers) == {"stripe"}


def test_runtime_is_cached_per_app(app: Flask) -> None:
    assert runtime(app) is runtime(app)
