"""POST/GET /v1/purchases, refunds, grants and the wallet over HTTP, via the reference client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wallet_sdk import FlaskTransport, WalletApiError, WalletClient

from tests.support.buyers import World, make_world, pending, top_up, user_token
from tests.support.sessions import start_session
from wallet.credits import service as credits
from wallet.db import utcnow
from wallet.errors import PermissionDenied
from wallet.merchants import service as merchants_service
from wallet.people.models import User
from wallet.purchases.api import buyer_for
from wallet.purchases.models import Purchase
from wallet.web.auth import Principal


@pytest.fixture
def world(session: Session) -> World:
    world = make_world(session, users=2)
    top_up(session, world.user_ids[0], 1000)
    session.commit()  # to the test's SAVEPOINT: an error answer rolls back only its own work
    return world


@pytest.fixture
def buyer(app: Flask, session: Session, world: World) -> WalletClient:
    token = user_token(session, world.user_ids[0], world.app_id)
    session.commit()
    return WalletClient(token=token, transport=FlaskTransport(app))


@pytest.fixture
def merchant(app: Flask, world: World) -> WalletClient:
    return WalletClient(token=world.merchant_key, transport=FlaskTransport(app))


@pytest.fixture
def admin(app: Flask, session: Session) -> WalletClient:
    _, secret = merchants_service.issue_key(session, "admin")
    session.commit()
    return WalletClient(token=secret, transport=FlaskTransport(app))


@pytest.fixture
def config(app: Flask) -> Iterator[dict[str, Any]]:
    saved = dict(app.config)
    yield app.config
    app.config.clear()
    app.config.update(saved)


def api_error(call: Any, *args: Any, **kwargs: Any) -> WalletApiError:
    with pytest.raises(WalletApiError) as err:
        call(*args, **kwargs)
    return err.value


def test_purchase_moves_credits_to_the_merchant_at_no_fee(
        buyer: WalletClient, merchant: WalletClient, world: World, session: Session) -> None:
    bought = buyer.purchase(25, "Article: Tides", metadata={"sku": "tides"})
    assert bought.id.startswith("pur_")
    assert (bought.amount, bought.balance_after, bought.merchant_id, bought.app_id) == (
        25, 975, world.merchant_id, world.app_id)
    assert bought.metadata == {"sku": "tides"} and not bought.replayed
    assert pending(session, world.merchant_id) == 25
    assert buyer.wallet().credits.total == 975
    assert buyer.get_purchase(bought.id) == bought
    assert merchant.get_purchase(bought.id).id == bought.id
    assert [p.id for p in buyer.purchases().data] == [bought.id]
    assert [p.id for p in merchant.purchases().data] == [bought.id]
    history = buyer.transactions()
    assert (history.data[0].kind, history.data[0].amount, history.data[0].purchase_id) == (
        "purchase", -25, bought.id)


def test_purchase_idempotency_replays_and_conflicts(buyer: WalletClient, session: Session,
                                                    world: World, client: FlaskClient) -> None:
    first = buyer.purchase(10, "Sticker", idempotency_key="key-1")
    again = buyer.purchase(10, "Sticker", idempotency_key="key-1")
    assert again.id == first.id and again.replayed and again.balance_after == 990
    err = api_error(buyer.purchase, 11, "Sticker", idempotency_key="key-1")
    assert (err.status, err.code) == (409, "idempotency_key_reused")
    assert buyer.wallet().credits.total == 990
    missing = client.post("/v1/purchases", json={"amount": 1, "description": "x"},
                          headers={"Authorization": f"Bearer {buyer.token}"})
    assert missing.status_code == 400
    assert missing.json["error"]["code"] == "idempotency_key_required"


def test_insufficient_credits_is_402_with_what_is_available(buyer: WalletClient) -> None:
    err = api_error(buyer.purchase, 1001, "Too much")
    assert (err.status, err.code, err.type) == (402, "insufficient_credits",
                                                "insufficient_credits_error")
    assert "1000 available" in err.message
    assert buyer.wallet().credits.total == 1000


def test_caps_velocity_daily_limits_and_frozen(app: Flask, session: Session, world: World,
                                               config: dict[str, Any]) -> None:
    capped = WalletClient(token=user_token(session, world.user_ids[0], world.app_id,
                                           per_purchase_cap=50, daily_cap=60),
                          transport=FlaskTransport(app))
    session.commit()
    err = api_error(capped.purchase, 51, "big")
    assert (err.status, err.code) == (403, "per_purchase_cap_exceeded")
    capped.purchase(50, "ok")
    err = api_error(capped.purchase, 11, "over the day")
    assert (err.status, err.code) == (403, "daily_cap_exceeded")
    capped.purchase(10, "exactly the day")

    other = make_world(session)
    top_up(session, other.user_ids[0], 100)
    client = WalletClient(token=user_token(session, other.user_ids[0], other.app_id),
                          transport=FlaskTransport(app))
    session.commit()
    config["PURCHASE_VELOCITY"] = 2
    client.purchase(1, "a")
    client.purchase(1, "b")
    err = api_error(client.purchase, 1, "c")
    assert (err.status, err.code) == (429, "purchase_velocity_exceeded")
    config["PURCHASE_VELOCITY"] = None
    config["DAILY_SPEND_PER_APP"] = 5
    client.purchase(3, "d")
    err = api_error(client.purchase, 1, "e")
    assert (err.status, err.code) == (403, "daily_spend_limit_exceeded")
    config["DAILY_SPEND_PER_APP"] = None

    user = session.get(User, other.user_ids[0])
    assert user is not None
    user.frozen = True
    session.commit()
    err = api_error(client.purchase, 1, "frozen")
    assert (err.status, err.code) == (403, "wallet_frozen")
    assert client.wallet().frozen is True
    assert client.wallet().credits.total == 100 - 5


def test_who_may_call_what(app: Flask, client: FlaskClient, buyer: WalletClient,
                           merchant: WalletClient, admin: WalletClient, world: World,
                           session: Session) -> None:
    bought = buyer.purchase(5, "x")
    body = {"amount": 1, "description": "x"}
    for token, status in ((None, 401), ("garbage", 401), (merchant.token, 403),
                          (admin.token, 403)):
        headers = {"Idempotency-Key": "k"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        assert client.post("/v1/purchases", json=body, headers=headers).status_code == status
        assert client.get("/v1/wallet", headers=headers).status_code == (
            401 if status == 401 else 403)
        refund = client.post(f"/v1/purchases/{bought.id}/refunds", json={},
                             headers=headers)
        # the operator may refund on the merchant's behalf, but only with a reason
        assert refund.status_code == (401 if status == 401 else (
            201 if token == merchant.token else 422 if token == admin.token else 403))
    assert api_error(buyer.refund, bought.id).status == 403
    grant = client.post("/v1/grants", json={"user_id": world.user_ids[0], "credits": 1,
                                            "reason": "x"},
                        headers={"Authorization": f"Bearer {merchant.token}",
                                 "Idempotency-Key": "g"})
    assert grant.status_code == 403
    other = make_world(session)
    stranger = WalletClient(token=other.merchant_key, transport=FlaskTransport(app))
    session.commit()
    assert api_error(stranger.get_purchase, bought.id).status == 404
    assert api_error(stranger.refund, bought.id).status == 404
    someone = WalletClient(token=user_token(session, world.user_ids[1], world.app_id),
                           transport=FlaskTransport(app))
    session.commit()
    assert api_error(someone.get_purchase, bought.id).status == 404
    assert someone.purchases().data == []


def test_web_session_reads_the_wallet_but_cannot_buy(client: FlaskClient, world: World) -> None:
    start_session(client, world.user_ids[0], "t")
    assert client.get("/v1/wallet").json["credits"] == {"total": 1000, "paid": 1000,
                                                        "promotional": 0}
    answer = client.post("/v1/purchases", json={"amount": 1, "description": "x"},
                         headers={"Idempotency-Key": "web"})
    assert answer.status_code == 403
    assert answer.json["error"]["code"] in ("app_token_required", "csrf_failed")
    with pytest.raises(PermissionDenied) as err:
        buyer_for(Principal(kind="user", user_id=world.user_ids[0], via_session=True))
    assert err.value.code == "app_token_required"


def test_refunds_partial_full_and_idempotent(buyer: WalletClient, merchant: WalletClient,
                                             session: Session, world: World) -> None:
    bought = buyer.purchase(40, "Box")
    part = merchant.refund(bought.id, 15, idempotency_key="r1")
    assert (part.amount, part.purchase_refunded) == (15, 15)
    assert merchant.refund(bought.id, 15, idempotency_key="r1").id == part.id  # replay
    err = api_error(merchant.refund, bought.id, 26)
    assert (err.status, err.code) == (409, "refund_exceeds_purchase")
    rest = merchant.refund(bought.id)
    assert rest.amount == 25
    assert api_error(merchant.refund, bought.id).code == "already_refunded"
    assert buyer.wallet().credits.total == 1000
    assert buyer.get_purchase(bought.id).refunded == 40
    assert pending(session, world.merchant_id) == 0


def test_grants_api_gives_promotional_credits_spent_first(
        admin: WalletClient, buyer: WalletClient, world: World, client: FlaskClient) -> None:
    when = utcnow() + timedelta(days=7)
    grant = admin.grant(world.user_ids[0], 30, "Welcome", expires_at=when,
                        idempotency_key="g1")
    assert grant.id.startswith("grt_") and grant.credits == 30
    assert admin.grant(world.user_ids[0], 30, "Welcome", expires_at=when,
                       idempotency_key="g1").id == grant.id
    default = admin.grant(world.user_ids[0], 5, "No date")
    assert default.expires_at is not None
    balance = buyer.wallet()
    assert (balance.credits.paid, balance.credits.promotional) == (1000, 35)
    assert balance.next_expiry_credits == 30
    bought = buyer.purchase(32, "Spend promo first")
    after = buyer.wallet()
    assert (after.credits.paid, after.credits.promotional) == (1000, 3)
    assert bought.balance_after == 1003
    err = api_error(admin.grant, "usr_nobody", 5, "x")
    assert err.status == 404


def test_wallet_history_pages(buyer: WalletClient) -> None:
    ids = [buyer.purchase(1, f"n{i}").id for i in range(5)]
    first = buyer.transactions(limit=2)
    assert first.has_more and [e.purchase_id for e in first.data] == ids[::-1][:2]
    second = buyer.transactions(limit=2, starting_after=first.next_cursor)
    assert [e.purchase_id for e in second.data] == ids[::-1][2:4]
    third = buyer.transactions(limit=2, starting_after=second.next_cursor)
    assert [e.kind for e in third.data] == ["purchase", "topup"] and not third.has_more
    assert api_error(buyer.transactions, starting_after="nope").code == "invalid_cursor"
    pages = buyer.purchases(limit=3)
    assert pages.has_more
    assert len(buyer.purchases(limit=3, starting_after=pages.next_cursor).data) == 2
    assert api_error(buyer.purchases, starting_after="pur_nope").code == "invalid_cursor"


def test_cli_grant_and_expire(app: Flask, session: Session, world: World) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["credits", "grant", "--user", world.user_ids[0],
                                 "--credits", "12", "--reason", "cli", "--reference", "c1"])
    assert result.exit_code == 0, result.output
    assert credits.summary(session, world.user_ids[0]).promotional == 12
    result = runner.invoke(args=["credits", "expire"])
    assert result.exit_code == 0 and '"expired_lots": 0' in result.output


def count_purchases(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Purchase)) or 0)


def test_authorization_matrix_writes_nothing(app: Flask, client: FlaskClient, session: Session,
                                             world: World, buyer: WalletClient,
                                             admin: WalletClient) -> None:
    """Every endpoint of this feature, tried with every other kind of credential."""
    bought = buyer.purchase(3, "x")
    counter = merchants_service.create_counter(session, world.merchant_id, "Till")
    _, counter_key = merchants_service.issue_key(session, "counter", merchant_id=world.merchant_id,
                                        counter_id=counter.id)
    session.commit()
    credentials = {"none": None, "garbage": "at_garbage", "admin": admin.token,
                   "merchant": world.merchant_key, "counter": counter_key,
                   "user": buyer.token}
    body = {"amount": 1, "description": "x"}
    grant = {"user_id": world.user_ids[0], "credits": 1, "reason": "x"}
    endpoints = [
        ("POST", "/v1/purchases", body, {"user"}),
        ("GET", "/v1/purchases", None, {"user", "merchant", "admin"}),
        ("GET", f"/v1/purchases/{bought.id}", None, {"user", "merchant", "admin"}),
        ("POST", f"/v1/purchases/{bought.id}/refunds", {"amount": 1}, {"merchant", "admin"}),
        ("GET", "/v1/wallet", None, {"user"}),
        ("GET", "/v1/wallet/transactions", None, {"user"}),
        ("POST", "/v1/grants", grant, {"admin"}),
    ]
    before = (count_purchases(session), credits.summary(session, world.user_ids[0]).total)
    for method, path, payload, allowed in endpoints:
        for name, secret in credentials.items():
            if name in allowed:
                continue
            headers = {"Idempotency-Key": f"{name}-{path}"}
            if secret:
                headers["Authorization"] = f"Bearer {secret}"
            answer = client.open(path, method=method, json=payload, headers=headers)
            expected = 401 if name in ("none", "garbage") else 403
            assert answer.status_code == expected, (method, path, name, answer.json)
            assert answer.json["error"]["type"] in ("authentication_error", "permission_error")
    assert (count_purchases(session),
            credits.summary(session, world.user_ids[0]).total) == before


def test_token_scopes_are_enforced(app: Flask, session: Session, world: World) -> None:
    from wallet.oauth.service import mint_access_token

    other = make_world(session)
    read_only, _ = mint_access_token(session, user_id=world.user_ids[0], app_id=other.app_id,
                                     scope="wallet:read")
    session.commit()
    client = WalletClient(token=read_only, transport=FlaskTransport(app))
    assert client.wallet().credits.total == 1000
    err = api_error(client.purchase, 1, "x")
    assert (err.status, err.code) == (403, "insufficient_scope")
