"""Webhook handling: exactly once, replays, forged/stale events, order, claw-backs, freezes."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import stripe
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.topup_helpers import (
    checkout,
    event,
    event_count,
    give,
    paid_credits,
    send,
    spend,
)
from wallet.ledger.models import LedgerTransaction
from wallet.merchants.models import ApiKey
from wallet.merchants.service import issue_key
from wallet.people.models import User
from wallet.topups.api import runtime
from wallet.topups.models import Shortfall, TopUp
from wallet.topups.providers.signature import sign
from wallet.topups.providers.stripe_provider import StripeProvider
from wallet.topups.service import clawback_target


@pytest.fixture
def topup(client: FlaskClient, person: User) -> dict[str, Any]:
    response = checkout(client, "starter", "USD")  # 500 credits for 4.99 USD
    assert response.status_code == 201, response.json
    return dict(response.json)


def status_of(client: FlaskClient, topup: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"/v1/topups/{topup['id']}")
    assert response.status_code == 200
    return dict(response.json)


def admin_headers(session: Session) -> dict[str, str]:
    _key, secret = issue_key(session, "admin")
    session.commit()
    return {"Authorization": f"Bearer {secret}", "Idempotency-Key": f"k-{time.time_ns()}"}


def ledger_refs(session: Session, topup_id: str) -> list[str]:
    return list(session.scalars(
        select(LedgerTransaction.reference)
        .where(LedgerTransaction.reference.like(f"topup:{topup_id}%"))
        .order_by(LedgerTransaction.id)
    ))


def test_success_credits_exactly_once(app: Flask, client: FlaskClient, session: Session,
                                      person: User, topup: dict[str, Any]) -> None:
    body, header = event(app, "payment_succeeded", topup)
    first = send(client, body, header)
    assert first.status_code == 200
    assert first.json["outcome"] == "paid"
    assert paid_credits(session, person.id) == 500
    replay = send(client, body, header)
    assert replay.status_code == 200
    assert replay.json["duplicate"] is True
    # the same success under a new event id (a provider redelivering differently)
    body2, header2 = event(app, "payment_succeeded", topup)
    assert send(client, body2, header2).json["outcome"] == "already_paid"
    assert paid_credits(session, person.id) == 500
    assert ledger_refs(session, topup["id"]) == [f"topup:{topup['id']}"]
    assert status_of(client, topup)["status"] == "succeeded"
    assert status_of(client, topup)["credited"] == 500


def test_no_credits_before_success(client: FlaskClient, session: Session, person: User,
                                   topup: dict[str, Any]) -> None:
    assert topup["status"] == "pending"
    assert paid_credits(session, person.id) == 0
    assert status_of(client, topup)["credited"] == 0


@pytest.mark.parametrize("problem", ["unsigned", "forged", "wrong_secret", "tampered", "stale",
                                     "future", "garbage_header"])
def test_bad_webhooks_are_rejected_and_write_nothing(
    app: Flask, client: FlaskClient, session: Session, person: User, topup: dict[str, Any],
    problem: str,
) -> None:
    now = int(time.time())
    body, header = event(app, "payment_succeeded", topup)
    if problem == "unsigned":
        header = None
    elif problem == "forged":
        header = f"t={now},v1={'0' * 64}"
    elif problem == "wrong_secret":
        header = sign("whsec_not_ours", body, now)
    elif problem == "tampered":
        body = body.replace(b'"amount_total":499', b'"amount_total":498')
    elif problem == "stale":
        body, header = event(app, "payment_succeeded", topup, now=now - 301)
    elif problem == "future":  # a minute beyond the 300 s: a slow machine cannot bring it in
        body, header = event(app, "payment_succeeded", topup, now=now + 360)
    else:
        header = "nonsense"
    before = event_count(session)
    response = send(client, body, header)
    assert response.status_code == 400
    assert response.json["error"]["type"] == "invalid_request_error"
    expected = {"stale": "stale_event", "future": "stale_event", "unsigned": "missing_signature"}
    assert response.json["error"]["code"] == expected.get(problem, "invalid_signature")
    assert event_count(session) == before
    assert paid_credits(session, person.id) == 0
    assert status_of(client, topup)["status"] == "pending"


def test_event_just_inside_the_tolerance_is_accepted(app: Flask, client: FlaskClient,
                                                     topup: dict[str, Any]) -> None:
    # a minute inside the 300 s, so a slow machine cannot push it out
    body, header = event(app, "payment_succeeded", topup, now=int(time.time()) - 240)
    assert send(client, body, header).status_code == 200


def test_unknown_provider_is_404(client: FlaskClient) -> None:
    response = client.post("/v1/webhooks/paypal", data=b"{}")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown_provider"


@pytest.mark.parametrize(("amount", "currency"), [(498, "USD"), (4990, "USD"), (499, "EUR")])
def test_amount_and_currency_are_checked(app: Flask, client: FlaskClient, session: Session,
                                         person: User, topup: dict[str, Any], amount: int,
                                         currency: str) -> None:
    body, header = event(app, "payment_succeeded", topup, amount=amount, currency=currency)
    response = send(client, body, header)
    assert response.status_code == 200
    assert response.json["outcome"] in ("amount_mismatch", "currency_mismatch")
    assert paid_credits(session, person.id) == 0
    assert status_of(client, topup)["status"] == "pending"


def test_unknown_topup_is_recorded_and_moves_nothing(app: Flask, client: FlaskClient,
                                                     topup: dict[str, Any]) -> None:
    ghost = {**topup, "id": "top_doesnotexist"}
    body, header = event(app, "payment_succeeded", ghost)
    response = send(client, body, header)
    assert (response.status_code, response.json["outcome"]) == (200, "unknown_topup")


def test_failure_then_success_credits(app: Flask, client: FlaskClient, session: Session,
                                      person: User, topup: dict[str, Any]) -> None:
    body, header = event(app, "payment_failed", topup, failure_message="Your card was declined.")
    assert send(client, body, header).json["outcome"] == "failed"
    shown = status_of(client, topup)
    assert (shown["status"], shown["failure_message"]) == ("failed", "Your card was declined.")
    assert paid_credits(session, person.id) == 0
    body, header = event(app, "payment_succeeded", topup)
    assert send(client, body, header).json["outcome"] == "paid"
    shown = status_of(client, topup)
    assert (shown["status"], shown["failure_message"]) == ("succeeded", None)
    assert paid_credits(session, person.id) == 500


def test_failure_after_success_is_ignored(app: Flask, client: FlaskClient, session: Session,
                                          person: User, topup: dict[str, Any]) -> None:
    now = int(time.time())
    failed = event(app, "payment_failed", topup, now=now - 10)
    succeeded = event(app, "payment_succeeded", topup, now=now - 5)
    send(client, *succeeded)
    assert send(client, *failed).json["outcome"] == "ignored_after_success"
    assert status_of(client, topup)["status"] == "succeeded"
    assert paid_credits(session, person.id) == 500


def test_partial_refunds_claw_back_the_difference(app: Flask, client: FlaskClient,
                                                  session: Session, person: User,
                                                  topup: dict[str, Any]) -> None:
    send(client, *event(app, "payment_succeeded", topup))
    first = event(app, "refunded", topup, amount=100)   # cumulative 1.00 of 4.99
    assert send(client, *first).json["outcome"] == "refund_recorded"
    assert paid_credits(session, person.id) == 500 - clawback_target(500, 499, 100)
    assert send(client, *first).json["duplicate"] is True
    assert paid_credits(session, person.id) == 500 - 100
    send(client, *event(app, "refunded", topup, amount=250))  # cumulative 2.50
    assert paid_credits(session, person.id) == 500 - 250
    # an older, smaller cumulative amount arriving late changes nothing
    send(client, *event(app, "refunded", topup, amount=100))
    assert paid_credits(session, person.id) == 500 - 250
    assert status_of(client, topup)["status"] == "succeeded"
    send(client, *event(app, "refunded", topup, amount=499))  # full refund
    assert paid_credits(session, person.id) == 0
    shown = status_of(client, topup)
    assert (shown["status"], shown["refunded_minor"], shown["credited"]) == ("refunded", 499, 0)


def test_refund_above_the_price_is_refused(app: Flask, client: FlaskClient, session: Session,
                                           person: User, topup: dict[str, Any]) -> None:
    send(client, *event(app, "payment_succeeded", topup))
    assert send(client, *event(app, "refunded", topup, amount=500)).json["outcome"] == (
        "amount_mismatch")
    assert paid_credits(session, person.id) == 500


def test_clawback_is_exact_integer_arithmetic() -> None:
    assert clawback_target(500, 499, 499) == 500
    assert clawback_target(500, 499, 1) == 1
    assert clawback_target(1100, 999, 500) == 550
    assert clawback_target(3, 1000, 999) == 2
    assert clawback_target(10**12, 99_999_999, 99_999_999) == 10**12
    # cumulative targets never take more in total than the full refund
    steps = [clawback_target(500, 499, r) for r in range(0, 500)]
    assert steps == sorted(steps) and steps[-1] == 500


def test_refund_before_success_is_applied_after_the_credit(
    app: Flask, client: FlaskClient, session: Session, person: User, topup: dict[str, Any],
) -> None:
    assert send(client, *event(app, "refunded", topup, amount=200)).json["outcome"] == (
        "refund_recorded")
    assert paid_credits(session, person.id) == 0
    send(client, *event(app, "payment_succeeded", topup))
    assert paid_credits(session, person.id) == 500 - 200
    assert ledger_refs(session, topup["id"]) == [
        f"topup:{topup['id']}", f"topup:{topup['id']}:clawback:200"]


def test_chargeback_claws_back_everything(app: Flask, client: FlaskClient, session: Session,
                                          person: User, topup: dict[str, Any]) -> None:
    send(client, *event(app, "payment_succeeded", topup))
    give(session, person.id, 50)
    session.commit()
    assert send(client, *event(app, "chargeback", topup)).json["outcome"] == (
        "chargeback_recorded")
    assert paid_credits(session, person.id) == 50
    assert status_of(client, topup)["status"] == "charged_back"
    session.refresh(person)
    assert person.frozen is False


def test_chargeback_after_spending_freezes_the_wallet(
    app: Flask, client: FlaskClient, session: Session, person: User, topup: dict[str, Any],
) -> None:
    send(client, *event(app, "payment_succeeded", topup))
    spend(session, person.id, 420)
    session.commit()
    send(client, *event(app, "chargeback", topup))
    assert paid_credits(session, person.id) == 0
    session.refresh(person)
    assert person.frozen is True
    shortfalls = list(session.scalars(select(Shortfall).where(Shortfall.user_id == person.id)))
    assert [(s.credits, s.reason, s.status) for s in shortfalls] == [(420, "chargeback", "open")]
    stored = session.get(TopUp, topup["id"])
    assert stored is not None
    assert (stored.clawed_back, stored.shortfall) == (80, 420)
    # replaying the chargeback records nothing new
    send(client, *event(app, "chargeback", topup))
    assert session.scalar(select(func.count()).select_from(Shortfall)
                          .where(Shortfall.user_id == person.id)) == 1
    refused = checkout(client)
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "wallet_frozen"
    wallet = client.get("/v1/wallet")
    if wallet.status_code == 200:  # the wallet endpoint shows the freeze
        assert wallet.json["frozen"] is True


def test_operator_writes_off_a_shortfall_and_unfreezes(
    app: Flask, client: FlaskClient, session: Session, person: User, topup: dict[str, Any],
) -> None:
    send(client, *event(app, "payment_succeeded", topup))
    spend(session, person.id, 300)
    session.commit()
    send(client, *event(app, "refunded", topup, amount=499))
    session.refresh(person)
    assert person.frozen is True
    operator = app.test_client()
    headers = admin_headers(session)
    listed = operator.get("/v1/topup_shortfalls", headers=headers)
    assert listed.status_code == 200, listed.json
    mine = [s for s in listed.json["data"] if s["user_id"] == person.id]
    assert [(s["credits"], s["reason"]) for s in mine] == [(300, "refund")]
    # the person cannot resolve their own freeze
    assert client.post(f"/v1/topup_shortfalls/{mine[0]['id']}/resolve",
                       json={"action": "write_off"},
                       headers={"X-CSRF-Token": "csrf-test-token",
                                "Idempotency-Key": "x"}).status_code == 403
    resolved = operator.post(f"/v1/topup_shortfalls/{mine[0]['id']}/resolve",
                             json={"action": "write_off", "note": "fraud team: lost"},
                             headers=headers)
    assert resolved.status_code == 200, resolved.json
    assert resolved.json["status"] == "written_off"
    session.expire_all()
    assert session.get(User, person.id).frozen is False  # type: ignore[union-attr]
    again = operator.post(f"/v1/topup_shortfalls/{mine[0]['id']}/resolve",
                          json={"action": "write_off"},
                          headers={**headers, "Idempotency-Key": "other"})
    assert again.status_code == 409


def test_operator_collects_a_shortfall(app: Flask, client: FlaskClient, session: Session,
                                       person: User, topup: dict[str, Any]) -> None:
    send(client, *event(app, "payment_succeeded", topup))
    spend(session, person.id, 500)
    session.commit()
    send(client, *event(app, "chargeback", topup))
    operator = app.test_client()
    headers = admin_headers(session)
    shortfall = session.scalar(select(Shortfall).where(Shortfall.user_id == person.id))
    assert shortfall is not None
    short = operator.post(f"/v1/topup_shortfalls/{shortfall.id}/resolve",
                          json={"action": "collect"}, headers=headers)
    assert short.status_code == 402
    assert short.json["error"]["code"] == "shortfall_not_covered"
    give(session, person.id, 700)
    session.commit()
    done = operator.post(f"/v1/topup_shortfalls/{shortfall.id}/resolve",
                         json={"action": "collect"}, headers={**headers, "Idempotency-Key": "2"})
    assert done.status_code == 200, done.json
    assert paid_credits(session, person.id) == 200
    session.expire_all()
    assert session.get(User, person.id).frozen is False  # type: ignore[union-attr]


def test_shortfall_endpoints_are_for_operators(client: FlaskClient, session: Session,
                                               person: User) -> None:
    assert client.get("/v1/topup_shortfalls").status_code == 403
    anonymous = client.application.test_client()
    assert anonymous.get("/v1/topup_shortfalls").status_code == 401
    assert session.scalar(select(func.count()).select_from(ApiKey)) is not None


# --------------------------------------------------------------------------- stripe


class FakeStripeHTTP(stripe.HTTPClient):
    """Answers Checkout Session creation; never opens a socket."""

    name = "fake"

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def request(self, method: str, url: str, headers: Any, post_data: Any = None,
                *, _usage: Any = None) -> tuple[str, int, dict[str, str]]:
        self.calls += 1
        ref = f"cs_test_{self.calls}"
        body = {"id": ref, "object": "checkout.session",
                "url": f"https://checkout.stripe.com/c/pay/{ref}"}
        return json.dumps(body), 200, {"Request-Id": "req_fake"}

    def request_stream(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no streaming expected")

    def close(self) -> None:
        return None


STRIPE_SECRET = "whsec_wallet_topup_test"


@pytest.fixture
def with_stripe(app: Flask) -> Any:
    rt = runtime(app)
    saved = (rt.selected, dict(rt.providers))
    rt.providers["stripe"] = StripeProvider("sk_test_x", STRIPE_SECRET,
                                            http_client=FakeStripeHTTP(), max_network_retries=0)
    rt.selected = "stripe"
    yield rt
    rt.selected, rt.providers = saved[0], saved[1]


def stripe_event(event_type: str, obj: dict[str, Any], event_id: str) -> tuple[bytes, str]:
    payload = {"id": event_id, "object": "event", "api_version": "2024-06-20",
               "created": int(time.time()), "livemode": False, "type": event_type,
               "data": {"object": obj}}
    body = json.dumps(payload).encode()
    return body, stripe.WebhookSignature.generate_signature_header(body.decode(), STRIPE_SECRET)


def test_stripe_goes_through_the_same_webhook_path(
    with_stripe: Any, client: FlaskClient, session: Session, person: User,
) -> None:
    created = checkout(client, "plus", "EUR")
    assert created.status_code == 201, created.json
    topup = created.json
    assert topup["provider"] == "stripe"
    assert topup["checkout_url"].startswith("https://checkout.stripe.com/")
    paid = {"id": topup["checkout_url"].rsplit("/", 1)[1], "object": "checkout.session",
            "payment_status": "paid", "status": "complete", "amount_total": 999,
            "currency": "eur", "client_reference_id": topup["id"], "payment_intent": "pi_1",
            "metadata": {"topup_id": topup["id"]}}
    body, header = stripe_event("checkout.session.completed", paid, "evt_1")
    forged = send(client, body, header.replace("v1=", "v1=0"), "stripe", "Stripe-Signature")
    assert forged.status_code == 400
    # a Stripe event sent to the sandbox endpoint is not accepted either
    assert send(client, body, header, "sandbox").status_code == 400
    ok = send(client, body, header, "stripe", "Stripe-Signature")
    assert (ok.status_code, ok.json["outcome"]) == (200, "paid")
    assert send(client, body, header, "stripe", "Stripe-Signature").json["duplicate"] is True
    assert paid_credits(session, person.id) == 1100
    dispute = {"id": "dp_1", "object": "dispute", "amount": 999, "currency": "eur",
               "payment_intent": "pi_1", "charge": "ch_1", "metadata": {}}
    body, header = stripe_event("charge.dispute.created", dispute, "evt_2")
    assert send(client, body, header, "stripe", "Stripe-Signature").json["outcome"] == (
        "chargeback_recorded")
    assert paid_credits(session, person.id) == 0


def test_a_frozen_wallet_cannot_buy_until_resolved(
    app: Flask, client: FlaskClient, session: Session, person: User, topup: dict[str, Any],
) -> None:
    """End to end with the purchases API: spend, charge back, frozen, resolve, buy again."""
    from wallet.merchants.service import create_app_client, create_merchant
    from wallet.oauth.service import mint_access_token

    merchant = create_merchant(session, "Sticker Shop")
    shop = create_app_client(session, merchant.id, "Stickers", ["https://s.example/cb"])
    token, _record = mint_access_token(session, user_id=person.id, app_id=shop.id)
    session.commit()
    phone = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}

    def buy(credits: int, key: str) -> Any:
        return phone.post("/v1/purchases", json={"amount": credits, "description": "sticker"},
                          headers={**auth, "Idempotency-Key": key})

    send(client, *event(app, "payment_succeeded", topup))
    # Spent where a dispute cannot follow it (a purchase at a merchant is now taken back
    # from the merchant's earnings instead: tests/test_risk_chains.py).
    spend(session, person.id, 450)
    session.commit()
    send(client, *event(app, "chargeback", topup))
    refused = buy(10, "p2")
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "wallet_frozen"
    shortfall = session.scalar(select(Shortfall).where(Shortfall.user_id == person.id))
    assert shortfall is not None and shortfall.credits == 450
    operator = app.test_client()
    resolved = operator.post(f"/v1/topup_shortfalls/{shortfall.id}/resolve",
                             json={"action": "write_off"}, headers=admin_headers(session))
    assert resolved.status_code == 200
    give(session, person.id, 20)
    session.commit()
    assert buy(10, "p3").status_code == 201
