"""Webhooks delivered to a real HTTP receiver that verifies them with ``standardwebhooks``.

Each test runs the product's worker (``flask webhooks deliver``) against a committed
database on SQLite and PostgreSQL and a receiver on 127.0.0.1.
"""

from __future__ import annotations

import json
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import RISK_OFF
from tests.support import topup_helpers as topups
from tests.support.webhook_receiver import Receiver, answer
from tests.support.webhook_world import (
    add_endpoint,
    bearer,
    buy,
    deliver_once,
    demo,
    future,
    idem,
    start_worker,
    totals,
)
from wallet.webhooks.events import EVENT_TYPES

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver([]).start()
    yield found
    found.stop()


def _dead_url() -> str:
    """A loopback port nobody listens on (bound, then closed)."""
    dead = Receiver([]).start()
    dead.stop()
    return dead.url


def test_every_event_type_is_delivered_signed_and_as_the_api_returns_it(
        committed_app: Flask, receiver: Receiver, engine_name: str) -> None:
    app = committed_app
    app.config.update(WEBHOOK_RETRY_WINDOW=0)  # the first failure is the last: "failing"
    app.config.update(RISK_OFF)  # payouts at once
    world = demo(app)
    client = app.test_client()
    merchant = add_endpoint(client, world["merchant_key"], receiver.url)
    operator = add_endpoint(client, world["admin_key"], receiver.url)
    receiver.secrets[:] = [merchant["secret"], operator["secret"]]
    broken = add_endpoint(client, world["merchant_key"], _dead_url(), ["refund.created"])

    purchase = buy(client, world["user_token"], 4000)
    refund = client.post(f"/v1/purchases/{purchase['id']}/refunds", json={"amount": 1},
                         headers=idem(world["merchant_key"])).json
    voucher = client.post("/v1/vouchers", json={"value": 30},
                          headers=idem(world["admin_key"])).json
    redeemed = client.post("/v1/vouchers/redeem", json={"payload": voucher["payload"],
                                                         "amount": 10},
                           headers=idem(world["counter_key"])).json
    topups.sign_in(client, world["user_id"])
    claimed = client.post("/v1/vouchers/claim", json={"payload": voucher["payload"]},
                          headers={"X-CSRF-Token": topups.CSRF,
                                   "Idempotency-Key": uuid.uuid4().hex}).json
    topup = topups.checkout(client).json
    body, header = topups.event(app, "payment_succeeded", topup)
    assert topups.send(client, body, header).status_code == 200
    released = app.test_cli_runner().invoke(args=["payouts", "release", "--now", future(8)])
    assert released.exit_code == 0, released.output
    payouts = {}
    for outcome in ("canceled", "failed", "paid"):
        payout = client.post("/v1/payouts", json={}, headers=idem(world["merchant_key"]))
        assert payout.status_code == 201, payout.json
        status = client.post(f"/v1/payouts/{payout.json['id']}/status",
                             json={"status": outcome, "reason": "test"},
                             headers=bearer(world["admin_key"]))
        assert status.status_code == 200, status.json
        payouts[outcome] = status.json
    subscribed = _subscription_events(client, world)
    changed = client.put("/v1/payout_settings", headers=bearer(world["merchant_key"]), json={
        "iban": "FR1420041010050500013M02606", "holder_name": "New Holder",
        "schedule": "manual"})
    assert changed.status_code == 200, changed.json
    _autoreload_failure(client)

    for _ in range(3):  # the failing endpoint's event is emitted by the worker itself
        deliver_once(app)
    got = receiver.wait_for(len(EVENT_TYPES), timeout=30)
    by_type = receiver.of_type(EVENT_TYPES)
    assert set(by_type) == set(EVENT_TYPES), sorted(set(EVENT_TYPES) - set(by_type))
    for delivered in got:
        payload = delivered.payload
        assert delivered.msg_id == payload["id"]
        platform = EVENT_TYPES[payload["type"]][0] == "platform"
        assert delivered.verified_with == ([1] if platform else [0]), payload["type"]
        event = client.get(f"/v1/events/{payload['id']}", headers=bearer(
            world["admin_key" if platform else "merchant_key"]))
        assert event.status_code == 200 and event.json == payload

    def data(event_type: str) -> dict[str, Any]:
        return dict(by_type[event_type].payload["data"])

    merchant_headers = bearer(world["merchant_key"])
    detail = client.get(f"/v1/purchases/{purchase['id']}", headers=merchant_headers).json
    for display_only in ("merchant_name", "app_name"):  # names the detail view looks up
        detail.pop(display_only)
    assert data("purchase.created") == {**detail, "refunded": 0}
    assert data("refund.created") == refund
    assert data("voucher.redeemed") == redeemed
    assert data("voucher.claimed") == claimed
    assert data("topup.succeeded") == client.get(f"/v1/topups/{topup['id']}",
                                                 headers=bearer(world["admin_key"])).json
    for outcome, payout in payouts.items():
        assert data(f"payout.{outcome}") == payout
    assert data("payout.created")["status"] == "pending"
    assert data("earnings.released")["credits"] == 4000 - 1 + 10  # purchase - refund + voucher
    created = {r.payload["data"]["id"]: r.payload["data"] for r in got
               if r.payload["type"] == "subscription.created"}  # in any delivery order
    assert created == {s["id"]: s for s in subscribed}
    assert data("subscription.renewed")["id"] == subscribed[0]["id"]
    assert data("subscription.past_due")["status"] == "past_due"
    assert data("subscription.canceled")["status"] == "canceled"
    assert data("payout_settings.updated")["holder_name"] == "New Holder"
    failing = data("webhook_endpoint.failing")
    assert failing["id"] == broken["id"] and failing["failing"] is True
    assert client.get(f"/v1/webhook_endpoints/{broken['id']}",
                      headers=merchant_headers).json["failing"] is True
    assert receiver.rejected == []
    assert app.test_cli_runner().invoke(args=["ledger", "verify"]).exit_code == 0
    ARTIFACTS.mkdir(exist_ok=True)  # examples for docs/webhooks.md
    (ARTIFACTS / f"webhook-payloads-{engine_name}.json").write_text(json.dumps(
        {t: by_type[t].payload for t in EVENT_TYPES}, indent=2, ensure_ascii=False))


def _subscription_events(client: Any, world: dict[str, Any]) -> list[dict[str, Any]]:
    """created twice (one with a trial), renewed, past_due then canceled (grace over)."""
    plans = [client.post("/v1/plans", json=body, headers=bearer(world["merchant_key"])).json
             for body in ({"name": "Club", "amount": 5, "interval": "month"},
                          {"name": "Patron", "amount": 10**12, "interval": "week",
                           "trial_days": 1})]
    page = {"X-CSRF-Token": topups.CSRF}
    first = client.post("/v1/subscriptions", json={"plan_id": plans[0]["id"]},
                        headers={**page, "Idempotency-Key": uuid.uuid4().hex})
    assert first.status_code == 201, first.json
    trial = client.post("/v1/subscriptions", json={"plan_id": plans[1]["id"]},
                        headers={**page, "Idempotency-Key": uuid.uuid4().hex})
    assert trial.status_code == 201, trial.json
    renewed = client.application.test_cli_runner().invoke(
        args=["subscriptions", "renew", "--now", future(32), "--json"])
    assert json.loads(renewed.output) == {"renewed": [first.json["id"]], "past_due": [],
                                          "canceled": [trial.json["id"]]}, renewed.output
    return [dict(first.json), dict(trial.json)]


def _autoreload_failure(client: FlaskClient) -> None:
    """The signed-in person saves the sandbox card that declines off-session; one scan."""
    page = {"X-CSRF-Token": topups.CSRF}
    card = client.post("/v1/autoreload/card", json={
        "card_number": "4000000000000341", "exp_month": 12, "exp_year": 2040, "cvc": "123"},
        headers={**page, "Idempotency-Key": uuid.uuid4().hex})
    assert card.status_code == 200, card.json
    rule = client.post("/v1/autoreload", json={"threshold": 1_000_000, "pack_id": "starter",
                                               "currency": "USD"},
                       headers={**page, "Idempotency-Key": uuid.uuid4().hex})
    assert rule.status_code == 200, rule.json
    scan = client.application.test_cli_runner().invoke(
        args=["subscriptions", "autoreload", "--json"])
    assert json.loads(scan.output)["failed"], scan.output


def _many_purchases(app: Flask, world: dict[str, Any], count: int) -> list[str]:
    app.config.update(PURCHASE_VELOCITY=None)
    client = app.test_client()
    return [buy(client, world["user_token"], 1)["id"] for _ in range(count)]


def _delivery_rows(app: Flask) -> list[Any]:
    from wallet.db import db
    from wallet.webhooks.models import WebhookDelivery

    with app.app_context():
        rows = list(db.session.scalars(select(WebhookDelivery)))
        db.session.remove()
    return rows


@pytest.mark.slow
def test_receiver_down_then_up_everything_arrives(committed_app: Flask) -> None:
    app = committed_app
    app.config.update(RISK_OFF)  # gifts at once
    world = demo(app)
    receiver = Receiver([]).start()
    endpoint = add_endpoint(app.test_client(), world["merchant_key"], receiver.url,
                            ["purchase.created"])
    receiver.secrets.append(endpoint["secret"])
    receiver.stop()  # down: connections are refused
    purchases = _many_purchases(app, world, 30)
    worker = start_worker(app, retry_base=0.2, poll_interval=0.05)
    try:
        deadline = time.monotonic() + 180  # a loaded 2-core machine once took over 60 s
        while True:  # until every delivery was refused twice
            rows = _delivery_rows(app)
            if len(rows) == 30 and min(d.attempts for d in rows) >= 2:
                break
            assert time.monotonic() < deadline, [d.attempts for d in rows]
            time.sleep(0.2)
        assert receiver.count == 0
        receiver.start()  # up again, on the same port
        got = receiver.wait_for(30, timeout=60)
    finally:
        worker.send_signal(signal.SIGTERM)
        done = totals(worker)
        receiver.stop()
    events = {r.msg_id: r.payload["data"]["id"] for r in got}
    assert sorted(events.values()) == sorted(purchases)  # every one, none twice
    assert len(got) == 30 and receiver.rejected == []
    rows = _delivery_rows(app)
    assert {d.status for d in rows} == {"succeeded"}
    assert all(d.attempts >= 3 for d in rows)  # refused twice, then delivered
    assert done["succeeded"] == 30 and done["failed"] == 0
    log = app.test_client().get(f"/v1/webhook_deliveries/{rows[0].id}",
                                headers=bearer(world["merchant_key"])).json["attempt_log"]
    assert log[0]["succeeded"] is False and "Connection" in (log[0]["error"] or "")
    assert log[-1]["succeeded"] is True and log[-1]["status_code"] == 200


@pytest.mark.slow
def test_two_workers_at_once_send_each_event_once(committed_app: Flask) -> None:
    app = committed_app
    world = demo(app)
    receiver = Receiver([]).start()
    slow_down = threading.Event()

    def pause(_handler: Any) -> bool:  # a receiver that takes a few milliseconds
        slow_down.wait(0.01)
        return False

    receiver.respond = pause
    endpoint = add_endpoint(app.test_client(), world["merchant_key"], receiver.url,
                            ["purchase.created"])
    receiver.secrets.append(endpoint["secret"])
    workers = [start_worker(app, batch=5, poll_interval=0.02) for _ in range(2)]
    try:
        for worker in workers:  # both are polling before the first event exists
            assert worker.stderr is not None
            while "webhook worker started" not in (line := worker.stderr.readline()):
                assert line, "the worker stopped"
        purchases = _many_purchases(app, world, 150)
        receiver.wait_for(150, timeout=120)
        time.sleep(1)  # time for a second copy to arrive, if one were sent
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        results = [totals(w) for w in workers]
        receiver.stop()
    assert sorted(r.payload["data"]["id"] for r in receiver.received) == sorted(purchases)
    assert len(receiver.ids()) == len(set(receiver.ids())) == 150
    assert sum(r["succeeded"] for r in results) == 150
    assert sum(r["attempts"] for r in results) == 150
    assert all(r["attempts"] > 0 for r in results), results  # both took part
    assert {(d.status, d.attempts) for d in _delivery_rows(app)} == {("succeeded", 1)}


def test_rotation_signs_with_both_secrets_for_24_hours(committed_app: Flask,
                                                       receiver: Receiver) -> None:
    app = committed_app
    world = demo(app)
    client = app.test_client()
    endpoint = add_endpoint(client, world["merchant_key"], receiver.url, ["purchase.created"])
    rotated = client.post(f"/v1/webhook_endpoints/{endpoint['id']}/rotate_secret",
                          headers=bearer(world["merchant_key"]))
    assert rotated.status_code == 200
    new = rotated.json["secret"]
    assert new.startswith("whsec_") and new != endpoint["secret"]
    expires = datetime.fromisoformat(rotated.json["previous_secret_expires_at"])
    assert timedelta(hours=23, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=24)
    receiver.secrets[:] = [endpoint["secret"], new]
    buy(client, world["user_token"])
    deliver_once(app)
    first = receiver.wait_for(1)[0]
    assert first.verified_with == [0, 1]  # each secret alone verifies it
    assert len(first.headers["webhook-signature"].split(" ")) == 2

    from wallet.db import db
    from wallet.webhooks.models import WebhookEndpoint

    with app.app_context():  # a day later
        row = db.session.get(WebhookEndpoint, endpoint["id"])
        assert row is not None
        row.previous_secret_expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
        db.session.remove()
    buy(client, world["user_token"])
    deliver_once(app)
    second = receiver.wait_for(2)[1]
    assert second.verified_with == [1]  # the new secret only
    assert len(second.headers["webhook-signature"].split(" ")) == 1


def test_resend_disable_enable_and_delete(committed_app: Flask, receiver: Receiver) -> None:
    app = committed_app
    world = demo(app)
    client = app.test_client()
    key = bearer(world["merchant_key"])
    endpoint = add_endpoint(client, world["merchant_key"], receiver.url, ["purchase.created"])
    receiver.secrets.append(endpoint["secret"])
    buy(client, world["user_token"])
    deliver_once(app)
    first = receiver.wait_for(1)[0]
    log = client.get("/v1/webhook_deliveries", headers=key).json["data"]
    assert [(d["status"], d["last_status_code"], d["event_type"]) for d in log] == [
        ("succeeded", 200, "purchase.created")]
    assert log[0]["last_latency_ms"] >= 0 and log[0]["last_response"] == '{"ok":true}'

    again = client.post(f"/v1/webhook_deliveries/{log[0]['id']}/resend", headers=key)
    assert again.status_code == 201 and again.json["manual"] is True
    deliver_once(app)
    assert receiver.wait_for(2)[1].msg_id == first.msg_id  # same webhook-id: deduplicable

    off = client.patch(f"/v1/webhook_endpoints/{endpoint['id']}", json={"disabled": True},
                       headers=key)
    assert off.status_code == 200 and off.json["status"] == "disabled"
    buy(client, world["user_token"])  # while disabled: not for this endpoint
    assert deliver_once(app)["attempts"] == 0
    refused = client.post(f"/v1/webhook_deliveries/{log[0]['id']}/resend", headers=key)
    assert refused.status_code == 409
    assert client.patch(f"/v1/webhook_endpoints/{endpoint['id']}", json={"disabled": False},
                        headers=key).json["status"] == "enabled"
    bought = buy(client, world["user_token"])
    deliver_once(app)
    assert receiver.wait_for(3)[2].payload["data"]["id"] == bought["id"]

    assert client.delete(f"/v1/webhook_endpoints/{endpoint['id']}",
                         headers=key).json["deleted"] is True
    assert client.get(f"/v1/webhook_endpoints/{endpoint['id']}", headers=key).status_code == 404
    buy(client, world["user_token"])
    assert deliver_once(app)["attempts"] == 0
    assert receiver.count == 3


def test_failing_after_the_retry_window_then_recovering(committed_app: Flask,
                                                       receiver: Receiver) -> None:
    app = committed_app
    app.config.update(WEBHOOK_RETRY_BASE=0.05, WEBHOOK_RETRY_WINDOW=1)
    world = demo(app)
    client = app.test_client()
    key = bearer(world["merchant_key"])
    flaky_server = Receiver([], respond=lambda h: answer(h, 503, b"down for maintenance"))
    flaky_server.start()
    try:
        watcher = add_endpoint(client, world["merchant_key"], receiver.url,
                               ["webhook_endpoint.failing"])
        flaky = add_endpoint(client, world["merchant_key"], flaky_server.url,
                             ["purchase.created"])
        receiver.secrets.append(watcher["secret"])
        flaky_server.secrets.append(flaky["secret"])
        buy(client, world["user_token"])
        started = time.monotonic()
        while time.monotonic() - started < 60:
            deliver_once(app)
            found = client.get(f"/v1/webhook_endpoints/{flaky['id']}", headers=key).json
            if found["failing"]:
                break
            time.sleep(0.1)
        assert found["failing"] is True
        deliveries = client.get("/v1/webhook_deliveries", headers=key,
                                query_string={"endpoint_id": flaky["id"]}).json["data"]
        assert deliveries[0]["status"] == "failed" and deliveries[0]["attempts"] >= 2
        assert deliveries[0]["last_status_code"] == 503
        assert deliveries[0]["last_response"] == "down for maintenance"
        assert flaky_server.connections >= 1 and flaky_server.count == 0
        deliver_once(app)
        notice = receiver.wait_for(1)[0]  # to the watcher: the flaky endpoint's event
        assert notice.payload["type"] == "webhook_endpoint.failing"
        assert notice.payload["data"]["id"] == flaky["id"]
        flaky_server.respond = None  # it recovers
        buy(client, world["user_token"])
        deliver_once(app)
        flaky_server.wait_for(1)
        assert client.get(f"/v1/webhook_endpoints/{flaky['id']}",
                          headers=key).json["failing"] is False
    finally:
        flaky_server.stop()


def test_an_event_committed_late_is_not_skipped(committed_app: Flask, receiver: Receiver,
                                               engine_name: str) -> None:
    """A transaction that wrote its event first but commits last: the worker waits for it
    instead of moving past it (an id sequence alone would lose it)."""
    if engine_name == "sqlite":
        pytest.skip("SQLite has one writer at a time: no transaction commits behind another")
    from sqlalchemy.orm import Session

    from wallet.db import db
    from wallet.webhooks.events import emit

    app = committed_app
    world = demo(app)
    client = app.test_client()
    endpoint = add_endpoint(client, world["merchant_key"], receiver.url, ["purchase.created"])
    receiver.secrets.append(endpoint["secret"])
    with app.app_context():
        slow = Session(bind=db.engine.connect())
        emit(slow, "purchase.created", {"id": "pur_slow"}, world["merchant_id"])
        bought = buy(client, world["user_token"])  # begins later, commits first
        deliver_once(app)
        assert receiver.count == 0  # the worker waits for the older transaction
        slow.commit()
        slow.close()
    deliver_once(app)
    got = receiver.wait_for(2)
    assert sorted(r.payload["data"]["id"] for r in got) == sorted(["pur_slow", bought["id"]])
