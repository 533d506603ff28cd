"""Webhooks delivered to a real HTTP receiver that verifies them with ``standardwebhooks``.

Each test runs the product's worker (``flask webhooks deliver``) against a committed
database on SQLite and PostgreSQL and a receiver on 127.0.0.1.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.support import topup_helpers as topups
from tests.support.webhook_receiver import Receiver
from tests.support.webhook_world import (
    add_endpoint,
    bearer,
    buy,
    deliver_once,
    demo,
    future,
    idem,
)
from wallet.webhooks.events import EVENT_TYPES


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
        committed_app: Flask, receiver: Receiver) -> None:
    app = committed_app
    app.config.update(WEBHOOK_RETRY_WINDOW=0)  # the first failure is the last: "failing"
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
    assert data("purchase.created") == {
        **client.get(f"/v1/purchases/{purchase['id']}", headers=merchant_headers).json,
        "refunded": 0}
    assert data("refund.created") == refund
    assert data("voucher.redeemed") == redeemed
    assert data("voucher.claimed") == claimed
    assert data("topup.succeeded") == client.get(f"/v1/topups/{topup['id']}",
                                                 headers=bearer(world["admin_key"])).json
    for outcome, payout in payouts.items():
        assert data(f"payout.{outcome}") == payout
    assert data("payout.created")["status"] == "pending"
    assert data("earnings.released")["credits"] == 4000 - 1 + 10  # purchase - refund + voucher
    failing = data("webhook_endpoint.failing")
    assert failing["id"] == broken["id"] and failing["failing"] is True
    assert client.get(f"/v1/webhook_endpoints/{broken['id']}",
                      headers=merchant_headers).json["failing"] is True
    assert receiver.rejected == []
    assert app.test_cli_runner().invoke(args=["ledger", "verify"]).exit_code == 0
