"""Auto-reload: one off-session top-up per crossing of the threshold, on both engines.

Lago had to fix auto top-ups that kept charging (getlago/lago-api #6103, #6177): these
tests drive purchases, renewals and scans and count the top-ups, ending every scenario
with ``ledger verify``.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.buyers import World, make_world, top_up, user_token
from tests.support.topup_helpers import CSRF, send, sign_in, spend
from wallet.credits import service as credits
from wallet.purchases import service as purchases
from wallet.purchases.service import Buyer, Limits
from wallet.subscriptions import autoreload, service
from wallet.subscriptions.models import AutoReloadRule
from wallet.topups.api import runtime
from wallet.topups.models import TopUp
from wallet.topups.providers.base import OffSessionCharge
from wallet.topups.providers.sandbox import SandboxProvider
from wallet.webhooks.models import Event

T0 = datetime(2027, 5, 3, 9, 0, tzinfo=UTC)
OK_CARD = "4242 4242 4242 4242"
OFF_SESSION_DECLINE = "4000 0000 0000 0341"


def verify(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["ledger", "verify", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["ok"]


def scan(app: Flask, now: datetime) -> dict[str, list[str]]:
    result = app.test_cli_runner().invoke(
        args=["subscriptions", "autoreload", "--now", now.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def balance(session: Session, user_id: str) -> int:
    return credits.summary(session, user_id).total


def topups_of(session: Session, user_id: str) -> list[TopUp]:
    return list(session.scalars(select(TopUp).where(TopUp.user_id == user_id)
                                .order_by(TopUp.created_at, TopUp.id)))


def sandbox(app: Flask) -> SandboxProvider:
    provider = runtime(app).provider("sandbox")
    assert isinstance(provider, SandboxProvider)
    return provider


def set_up_rule(app: Flask, session: Session, user_id: str, *, card: str = OK_CARD,
                threshold: int = 200, pack_id: str = "starter") -> AutoReloadRule:
    saved = sandbox(app).save_card(user_id=user_id, card_number=card, exp_month=12,
                                   exp_year=2040, cvc="123", now=int(T0.timestamp()))
    autoreload.save_card(session, user_id, saved, "sandbox", now=T0)
    rule = autoreload.set_rule(session, user_id, threshold=threshold,
                               pack=runtime(app).prices.get(pack_id, "USD"), enabled=True,
                               now=T0)
    session.commit()
    return rule


def buy(session: Session, world: World, user_id: str, amount: int) -> None:
    """A real purchase through the purchase write path (not edited by auto-reload)."""
    buyer = Buyer(user_id=user_id, app_id=world.app_id, merchant_id=world.merchant_id)
    purchases.create_purchase(session, buyer, amount=amount, description="article",
                              metadata=None, idempotency_key=uuid.uuid4().hex,
                              limits=Limits(velocity_per_minute=None))
    session.commit()


@pytest.fixture
def world(session: Session) -> World:
    world = make_world(session, users=2)
    top_up(session, world.user_ids[0], 600)
    session.commit()
    return world


def test_one_topup_per_crossing_and_rearmed_by_the_landing(
        app: Flask, session: Session, world: World) -> None:
    user = world.user_ids[0]
    set_up_rule(app, session, user, threshold=200)
    assert scan(app, T0)["started"] == []  # 600 >= 200: nothing to do
    buy(session, world, user, 450)  # 600 -> 150: the crossing
    first = scan(app, T0 + timedelta(minutes=1))
    assert first["started"] == [user] and first["succeeded"] == [user]
    assert balance(session, user) == 650  # starter: 500 credits, through the webhook
    verify(app)
    (topup,) = topups_of(session, user)
    assert (topup.status, topup.pack_id, topup.credited) == ("succeeded", "starter", 500)
    # The landing re-arms it; more scans start nothing while the balance stays above.
    for minutes in (2, 3, 4):
        again = scan(app, T0 + timedelta(minutes=minutes))
        assert again["started"] == []
    assert scan(app, T0 + timedelta(minutes=5))["rearmed"] == []  # re-armed once, at minute 2
    buy(session, world, user, 400)  # 650 -> 250: still above, no crossing
    assert scan(app, T0 + timedelta(minutes=6))["started"] == []
    buy(session, world, user, 100)  # 250 -> 150: the second crossing
    assert scan(app, T0 + timedelta(minutes=7))["started"] == [user]
    assert scan(app, T0 + timedelta(minutes=8))["started"] == []
    assert len(topups_of(session, user)) == 2
    assert balance(session, user) == 650
    assert session.scalar(select(func.count()).select_from(Event).where(
        Event.type == "topup.succeeded")) == 2
    verify(app)


def test_below_the_threshold_but_no_crossing_charges_once(
        app: Flask, session: Session, world: World) -> None:
    """Still below after the top-up (a big purchase): no second top-up until the balance
    has been back at or above the threshold."""
    user = world.user_ids[0]
    set_up_rule(app, session, user, threshold=2000)  # 600 < 2000 when saved: fires once
    assert scan(app, T0)["started"] == [user]
    assert balance(session, user) == 1100  # still below 2000
    for minutes in range(1, 6):
        assert scan(app, T0 + timedelta(minutes=minutes))["started"] == []
    assert len(topups_of(session, user)) == 1
    verify(app)


class SlowSandbox(SandboxProvider):
    """The sandbox, but its webhook arrives later (as a real provider's does)."""

    def __init__(self, inner: SandboxProvider) -> None:
        self.__dict__.update(inner.__dict__)
        self.held: list[tuple[bytes, dict[str, str]]] = []

    def charge_off_session(self, **kwargs: Any) -> OffSessionCharge:
        answer = super().charge_off_session(**kwargs)
        assert answer.webhook is not None
        self.held.append(answer.webhook)
        return dataclasses.replace(answer, status="processing", webhook=None)


def test_a_pending_topup_is_never_charged_again(
        app: Flask, session: Session, world: World, client: FlaskClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    user = world.user_ids[0]
    set_up_rule(app, session, user, threshold=200)
    slow = SlowSandbox(sandbox(app))
    monkeypatch.setitem(runtime(app).providers, "sandbox", slow)
    buy(session, world, user, 500)  # 600 -> 100
    assert scan(app, T0)["started"] == [user]
    for minutes in range(1, 5):  # the job runs again while the top-up is pending
        out = scan(app, T0 + timedelta(minutes=minutes))
        assert out["started"] == [] and out["succeeded"] == []
    buy(session, world, user, 50)  # spending more while pending: still the same crossing
    assert scan(app, T0 + timedelta(minutes=5))["started"] == []
    assert len(slow.held) == 1 and len(topups_of(session, user)) == 1
    rule = session.get(AutoReloadRule, user)
    assert rule is not None and autoreload.state_of(rule) == "in_flight"
    body, headers = slow.held[0]
    (name, value), = headers.items()
    now = int(T0.timestamp())
    monkeypatch.setattr("time.time", lambda: now + 60)  # delivered a minute later
    answer = send(client, body, value, header_name=name)
    assert answer.status_code == 200 and answer.json["outcome"] == "paid", answer.json
    assert balance(session, user) == 550
    settled = scan(app, T0 + timedelta(minutes=7))
    assert settled["succeeded"] == [user] and settled["started"] == []
    assert settled["rearmed"] == [user]  # 550 >= 200: the landing re-arms it
    assert len(topups_of(session, user)) == 1
    verify(app)


def test_declines_notify_and_turn_the_rule_off_after_three(
        app: Flask, session: Session, world: World) -> None:
    user = world.user_ids[0]
    set_up_rule(app, session, user, card=OFF_SESSION_DECLINE, threshold=200)
    mail_dir = Path(app.instance_path) / "mail"
    before = set(mail_dir.glob("*.eml")) if mail_dir.exists() else set()
    when = T0
    for attempt in (1, 2, 3):
        spend(session, user, balance(session, user) - 100)  # down to 100: a crossing
        session.commit()
        out = scan(app, when)
        assert out["started"] == [user] and out["failed"] == [user]
        assert out["disabled"] == ([user] if attempt == 3 else [])
        rule = session.get(AutoReloadRule, user)
        assert rule is not None and rule.failures == attempt
        assert rule.last_failure_message == "Your card was declined."
        # No retry within the same crossing.
        assert scan(app, when + timedelta(minutes=1))["started"] == []
        top_up(session, user, 300)  # back above the threshold: re-armed on the next scan
        session.commit()
        scan(app, when + timedelta(minutes=2))
        when += timedelta(hours=1)
        verify(app)
    rule = session.get(AutoReloadRule, user)
    assert rule is not None and not rule.enabled and rule.disabled_reason == "too_many_failures"
    spend(session, user, balance(session, user) - 100)
    session.commit()
    assert scan(app, when)["started"] == []  # off: nothing more
    assert [t.status for t in topups_of(session, user)] == ["failed"] * 3
    assert balance(session, user) == 100
    failures = [e.data if isinstance(e.data, dict) else json.loads(e.data)
                for e in session.scalars(select(Event).where(Event.type == "autoreload.failed")
                                         .order_by(Event.seq))]
    assert [(f["failures"], f["disabled"]) for f in failures] == [(1, False), (2, False),
                                                                  (3, True)]
    mails = set(mail_dir.glob("*.eml")) - before
    assert len(mails) == 3
    assert any("turned off" in m.read_text() for m in mails)
    verify(app)


def test_the_daily_topup_limit_still_applies(
        app: Flask, session: Session, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    user = world.user_ids[0]
    set_up_rule(app, session, user, threshold=200)
    monkeypatch.setitem(app.config, "DAILY_TOPUP_LIMIT_CREDITS", 400)
    buy(session, world, user, 500)
    out = scan(app, T0)
    assert out["started"] == [] and out["failed"] == [user]
    assert topups_of(session, user) == []
    rule = session.get(AutoReloadRule, user)
    assert rule is not None and "400 credits per 24 hours" in (rule.last_failure_message or "")
    client = app.test_client()
    sign_in(client, user)
    shown = client.get("/v1/autoreload").json
    assert (shown["state"], shown["failures"]) == ("waiting", 1)
    assert shown["last_failure_at"].startswith("2027-05-03T09:00:00")
    verify(app)


def test_a_frozen_wallet_is_not_topped_up(app: Flask, session: Session, world: World) -> None:
    from wallet.people.models import User

    user = world.user_ids[0]
    set_up_rule(app, session, user, threshold=700)
    person = session.get(User, user)
    assert person is not None
    person.frozen = True
    session.commit()
    out = scan(app, T0)
    assert out["failed"] == [user] and topups_of(session, user) == []


def test_a_renewal_that_leaves_the_balance_low_reloads_after_the_batch(
        app: Flask, session: Session, world: World) -> None:
    user = world.user_ids[0]
    plan = service.create_plan(session, world.merchant_id, name="Club", amount=300,
                               interval="month")
    service.subscribe(session, user_id=user, plan_id=plan.id, merchant_id=None, app_id=None,
                      now=T0)  # 600 -> 300
    session.commit()
    set_up_rule(app, session, user, threshold=100)
    result = app.test_cli_runner().invoke(args=[
        "subscriptions", "renew", "--now", service.add_interval(T0, "month", 1).isoformat(),
        "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["renewed"]
    assert len(topups_of(session, user)) == 1  # 300 -> 0, then the scan after the batch
    assert balance(session, user) == 500
    verify(app)


def test_a_clawback_of_an_auto_topup_goes_through_the_topup_flow(
        app: Flask, session: Session, world: World, client: FlaskClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    user = world.user_ids[0]
    set_up_rule(app, session, user, threshold=200)
    buy(session, world, user, 500)
    scan(app, T0)
    (topup,) = topups_of(session, user)
    body, header = sandbox(app).build_event(
        "refunded", topup_id=topup.id, provider_ref=topup.provider_ref or "",
        amount_minor=topup.price_minor, currency="USD", payment_ref=topup.payment_ref,
        now=int(T0.timestamp()))
    monkeypatch.setattr("time.time", lambda: int(T0.timestamp()))
    answer = send(client, body, header)
    assert answer.status_code == 200 and answer.json["outcome"] == "refund_recorded"
    session.refresh(topup)
    assert topup.status == "refunded" and topup.clawed_back == 500
    assert balance(session, user) == 100
    verify(app)


def test_a_scan_reads_the_balances_of_its_batch_in_statements_that_do_not_grow(
        app: Flask, session: Session) -> None:
    """The scan reads every claimed rule's balance at once, not one read per rule (N+1):
    a batch of 3 rules and a batch of 12 send the same number of statements."""
    from tests.support.statements import statement_count
    from wallet.subscriptions.cli import reload_context

    world = make_world(session, users=12)
    for user_id in world.user_ids:
        top_up(session, user_id, 600)
        set_up_rule(app, session, user_id, threshold=200)
    ctx = reload_context()
    autoreload.scan(session, ctx, now=T0, limit=1)  # the transaction (a SAVEPOINT here) begun
    sent = {}
    for limit in (3, 12):
        with statement_count(session) as count:
            result, claimed, _after = autoreload.scan(session, ctx, now=T0, limit=limit)
        assert claimed == limit and result.started == [] and result.rearmed == []
        sent[limit] = count[0]
    assert sent[3] == sent[12], sent
    # and the balances it read are the people's: below the threshold starts a top-up
    for user_id in world.user_ids[:2]:
        spend_to(session, user_id, 100)
    result, _claimed, _after = autoreload.scan(session, ctx, now=T0, limit=12)
    assert sorted(result.started) == sorted(world.user_ids[:2])


def spend_to(session: Session, user_id: str, left: int) -> None:
    from tests.support.topup_helpers import spend

    spend(session, user_id, balance(session, user_id) - left)
    session.commit()


# --- the API -----------------------------------------------------------------------------

def _write(client: FlaskClient, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json=body, headers={"X-CSRF-Token": CSRF,
                                                 "Idempotency-Key": uuid.uuid4().hex})


def test_the_wallet_page_saves_a_card_and_sets_the_rule(
        app: Flask, session: Session, world: World, client: FlaskClient) -> None:
    user = world.user_ids[0]
    sign_in(client, user)
    empty = client.get("/v1/autoreload")
    assert empty.status_code == 200 and empty.json["card"] is None
    early = _write(client, "/v1/autoreload", {"threshold": 200, "pack_id": "starter",
                                               "currency": "USD"})
    assert early.status_code == 409 and early.json["error"]["code"] == "no_saved_card"
    bad = _write(client, "/v1/autoreload/card", {"card_number": "4000 0000 0000 0002",
                                                  "exp_month": 12, "exp_year": 2040,
                                                  "cvc": "123"})
    assert bad.status_code == 400 and bad.json["error"]["type"] == "card_error"
    saved = _write(client, "/v1/autoreload/card", {"card_number": OK_CARD, "exp_month": 12,
                                                    "exp_year": 2040, "cvc": "123"})
    assert saved.status_code == 200, saved.json
    assert saved.json["card"] == {"last4": "4242", "provider": "sandbox"}
    assert "4242424242424242" not in json.dumps(saved.json)
    for wrong, status in (({"threshold": 0, "pack_id": "starter", "currency": "USD"}, 400),
                          ({"threshold": 1.5, "pack_id": "starter", "currency": "USD"}, 400),
                          # well-formed, but no such pack: a rule refuses it
                          ({"threshold": 100, "pack_id": "nope", "currency": "USD"}, 422)):
        assert _write(client, "/v1/autoreload", wrong).status_code == status, wrong
    on = _write(client, "/v1/autoreload", {"threshold": 200, "pack_id": "plus",
                                            "currency": "USD"})
    assert on.status_code == 200, on.json
    assert (on.json["enabled"], on.json["state"], on.json["threshold"],
            on.json["pack_id"]) == (True, "armed", 200, "plus")
    off = _write(client, "/v1/autoreload", {"threshold": 200, "pack_id": "plus",
                                             "currency": "USD", "enabled": False})
    assert off.json["state"] == "off"
    no_key = client.post("/v1/autoreload", json={"threshold": 1, "pack_id": "plus",
                                                 "currency": "USD"},
                         headers={"X-CSRF-Token": CSRF})
    assert no_key.status_code == 400


def test_an_app_token_may_read_but_not_write(
        app: Flask, session: Session, world: World, client: FlaskClient) -> None:
    user = world.user_ids[0]
    set_up_rule(app, session, user)
    token = user_token(session, user, world.app_id)
    session.commit()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
    read = client.get("/v1/autoreload", headers=headers)
    assert read.status_code == 200 and read.json["threshold"] == 200
    for path, body in (("/v1/autoreload", {"threshold": 5, "pack_id": "starter",
                                           "currency": "USD"}),
                       ("/v1/autoreload/card", {"card_number": OK_CARD, "exp_month": 1,
                                                "exp_year": 2040, "cvc": "123"})):
        answer = client.post(path, json=body, headers=headers)
        assert answer.status_code == 403, answer.json
    merchant = client.get("/v1/autoreload",
                          headers={"Authorization": f"Bearer {world.merchant_key}"})
    assert merchant.status_code == 403
    assert client.get("/v1/autoreload").status_code == 401


def test_stripe_card_setup_through_a_hosted_checkout(
        app: Flask, session: Session, world: World, client: FlaskClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The wallet page's way with Stripe: a setup-mode Checkout Session (Stripe's page, no
    Stripe.js on ours), then the confirm with the session id it comes back with."""
    from tests.unit.test_stripe_autoreload import Answers, form
    from tests.unit.test_stripe_provider import make

    user = world.user_ids[0]
    sign_in(client, user)
    sandbox = client.get("/v1/autoreload")
    assert sandbox.status_code == 200 and sandbox.json["card_setup"] == "form"
    refused = _write(client, "/v1/autoreload/card/checkout", {"currency": "USD"})
    assert refused.status_code == 409 and refused.json["error"]["code"] == "provider_not_supported"

    intent = {"id": "seti_1", "object": "setup_intent", "status": "succeeded",
              "customer": "cus_1", "payment_method": {"id": "pm_1", "object": "payment_method",
                                                      "card": {"last4": "4444"}}}
    http = Answers(
        (200, {"id": "cus_1", "object": "customer"}),
        (200, {"id": "cs_1", "object": "checkout.session", "url": "https://stripe.test/cs_1"}),
        (200, {"id": "cs_1", "object": "checkout.session", "mode": "setup",
               "status": "complete", "customer": "cus_1", "setup_intent": intent}))
    rt = runtime(app)
    monkeypatch.setitem(rt.providers, "stripe", make(http))
    monkeypatch.setattr(rt, "selected", "stripe")
    assert client.get("/v1/autoreload").json["card_setup"] == "checkout"
    for currency in ("XYZ", "JPY"):  # not a currency; no pack sold in it: nothing sent
        unsold = _write(client, "/v1/autoreload/card/checkout", {"currency": currency})
        assert unsold.status_code == 422 and unsold.json["error"]["code"] == "unknown_pack"
    assert http.requests == []
    started = _write(client, "/v1/autoreload/card/checkout", {"currency": "USD"})
    assert started.status_code == 200, started.json
    assert started.json == {"checkout_session_id": "cs_1",
                            "checkout_url": "https://stripe.test/cs_1"}
    sent = form(http.requests[1])
    assert sent["mode"] == ["setup"] and sent["customer"] == ["cus_1"]
    assert sent["success_url"][0].endswith("/?card_setup={CHECKOUT_SESSION_ID}")
    confirm = "/v1/autoreload/card/checkout/confirm"
    assert _write(client, confirm, {}).status_code == 400
    other = _write(client, confirm, {"checkout_session_id": "cs_other"})
    assert other.status_code == 409 and other.json["error"]["code"] == "setup_not_found"
    saved = _write(client, confirm, {"checkout_session_id": "cs_1"})
    assert saved.status_code == 200, saved.json
    assert saved.json["card"] == {"last4": "4444", "provider": "stripe"}
    rule = session.get(AutoReloadRule, user)
    assert rule is not None
    session.refresh(rule)
    assert (rule.customer_ref, rule.payment_method_ref) == ("cus_1", "pm_1")
    assert len(http.requests) == 3


def test_stripe_card_setup_and_an_off_session_charge(
        app: Flask, session: Session, world: World, client: FlaskClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """With the stripe provider (fake HTTP client, no network): SetupIntent, confirm, then
    the scan's off-session PaymentIntent leaves the top-up pending for its webhook."""
    from tests.unit.test_stripe_autoreload import Answers, form
    from tests.unit.test_stripe_provider import make

    http = Answers(
        (200, {"id": "cus_1", "object": "customer"}),
        (200, {"id": "seti_1", "object": "setup_intent", "client_secret": "seti_1_secret"}),
        (200, {"id": "seti_1", "object": "setup_intent", "status": "succeeded",
               "customer": "cus_1", "payment_method": {"id": "pm_1", "object": "payment_method",
                                                       "card": {"last4": "4242"}}}),
        (200, {"id": "pi_1", "object": "payment_intent", "status": "processing"}))
    rt = runtime(app)
    monkeypatch.setitem(rt.providers, "stripe", make(http))
    monkeypatch.setattr(rt, "selected", "stripe")
    user = world.user_ids[0]
    sign_in(client, user)
    setup = _write(client, "/v1/autoreload/card/setup", {})
    assert setup.status_code == 200, setup.json
    assert setup.json == {"setup_intent_id": "seti_1", "client_secret": "seti_1_secret"}
    wrong = _write(client, "/v1/autoreload/card/confirm", {"setup_intent_id": "seti_other"})
    assert wrong.status_code == 409
    saved = _write(client, "/v1/autoreload/card/confirm", {"setup_intent_id": "seti_1"})
    assert saved.status_code == 200 and saved.json["card"] == {"last4": "4242",
                                                                "provider": "stripe"}
    assert _write(client, "/v1/autoreload", {"threshold": 700, "pack_id": "starter",
                                             "currency": "USD"}).status_code == 200
    out = scan(app, T0)
    assert out["started"] == [user] and out["succeeded"] == []
    charge = form(http.requests[-1])
    assert charge["off_session"] == ["true"] and charge["payment_method"] == ["pm_1"]
    (topup,) = topups_of(session, user)
    assert (topup.status, topup.provider, topup.payment_ref) == ("pending", "stripe", "pi_1")
    assert scan(app, T0 + timedelta(minutes=1))["started"] == []  # in flight: nothing more
    assert len(http.requests) == 4
    verify(app)
