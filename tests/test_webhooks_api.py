"""Webhook endpoints, the delivery log and the events list over the API; the outbox
row written in the transaction of the change it describes."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.authz import Endpoint, assert_authz_matrix, make_principals, snapshot
from tests.support.buyers import top_up
from tests.support.webhook_world import bearer, idem
from wallet.webhooks import events
from wallet.webhooks.models import Event, WebhookEndpoint

URL = "https://hooks.example.com/wallet"


def _create(client: FlaskClient, key: str, **body: Any) -> Any:
    return client.post("/v1/webhook_endpoints", headers=bearer(key),
                       json={"url": URL, "events": ["purchase.created"], **body})


def _events(session: Session) -> list[Event]:
    session.expire_all()
    return list(session.scalars(select(Event).order_by(Event.seq)))


def test_create_shows_the_secret_once_and_stores_it_sealed(client: FlaskClient,
                                                          session: Session) -> None:
    p = make_principals(session)
    session.commit()
    created = _create(client, p.merchant_key, description="orders")
    assert created.status_code == 201
    body = created.json
    assert body["secret"].startswith("whsec_")
    assert len(base64.b64decode(body["secret"].removeprefix("whsec_"))) == 32
    assert body["events"] == ["purchase.created"] and body["status"] == "enabled"
    assert body["merchant_id"] == p.merchant_id and body["failing"] is False
    shown = client.get(f"/v1/webhook_endpoints/{body['id']}", headers=bearer(p.merchant_key))
    assert shown.status_code == 200 and "secret" not in shown.json
    listed = client.get("/v1/webhook_endpoints", headers=bearer(p.merchant_key)).json
    assert [e["id"] for e in listed["data"]] == [body["id"]] and "secret" not in listed["data"][0]
    row = session.get(WebhookEndpoint, body["id"])
    assert row is not None
    assert body["secret"].encode() not in row.secret
    assert body["secret"].removeprefix("whsec_").encode() not in row.secret


@pytest.mark.parametrize(("body", "code"), [
    ({"events": ["purchase.made"]}, "unknown_event_type"),
    ({"events": ["topup.succeeded"]}, "event_type_not_available"),
    ({"events": ["*", "purchase.created"]}, "invalid_request"),
    ({"events": []}, "invalid_parameters"),
    ({"events": "purchase.created"}, "invalid_parameters"),
    ({"url": "ftp://hooks.example.com/"}, "unsafe_url"),
    ({"url": "https://user:pw@hooks.example.com/"}, "unsafe_url"),
    ({"url": 5}, "invalid_parameters"),
    ({"url": "https://h.example.com/" + "é" * 10}, "unsafe_url"),
    ({"description": "a\x00b"}, "invalid_parameters"),
    ({"extra": 1}, "invalid_parameters"),
])
def test_bad_input_is_refused_and_writes_nothing(client: FlaskClient, session: Session,
                                                  body: dict[str, Any], code: str) -> None:
    p = make_principals(session)
    session.commit()
    before = snapshot(session)
    response = _create(client, p.merchant_key, **body)
    unprocessable = code in ("unsafe_url", "unknown_event_type")
    assert response.status_code == (422 if unprocessable else 400), response.json
    assert response.json["error"]["code"] == code
    assert snapshot(session) == before


def test_operator_endpoints_take_platform_events_only(client: FlaskClient,
                                                      session: Session) -> None:
    p = make_principals(session)
    session.commit()
    assert _create(client, p.admin_key, events=["purchase.created"]).status_code == 400
    created = _create(client, p.admin_key, events=["topup.succeeded", "voucher.claimed"])
    assert created.status_code == 201 and created.json["merchant_id"] is None
    types = client.get("/v1/webhook_event_types", headers=bearer(p.admin_key)).json["data"]
    assert {t["type"] for t in types} == {"topup.succeeded", "voucher.claimed",
                                          "autoreload.failed", "webhook_endpoint.failing"}
    merchant_types = {t["type"] for t in client.get(
        "/v1/webhook_event_types", headers=bearer(p.merchant_key)).json["data"]}
    assert "purchase.created" in merchant_types and "topup.succeeded" not in merchant_types
    # the operator's endpoints and the merchant's are apart
    path = f"/v1/webhook_endpoints/{created.json['id']}"
    assert client.get(path, headers=bearer(p.merchant_key)).status_code == 404
    assert client.get("/v1/webhook_endpoints", headers=bearer(p.merchant_key)).json["data"] == []


def test_update_rotate_and_delete(client: FlaskClient, session: Session) -> None:
    p = make_principals(session)
    session.commit()
    endpoint = _create(client, p.merchant_key).json
    path = f"/v1/webhook_endpoints/{endpoint['id']}"
    key = bearer(p.merchant_key)
    changed = client.patch(path, headers=key, json={
        "url": "https://other.example.com/in", "events": ["*"], "description": "all"})
    assert changed.status_code == 200
    assert (changed.json["url"], changed.json["events"]) == ("https://other.example.com/in",
                                                             ["*"])
    assert client.patch(path, headers=key, json={"disabled": "yes"}).status_code == 400
    assert client.patch(path, headers=key, json={"url": "gopher://x"}).status_code == 422
    rotated = client.post(f"{path}/rotate_secret", headers=key).json
    assert rotated["secret"] != endpoint["secret"] and rotated["previous_secret_expires_at"]
    assert client.delete(path, headers=key).json == {"id": endpoint["id"],
                                                     "object": "webhook_endpoint",
                                                     "deleted": True}
    assert client.get(path, headers=key).status_code == 404
    assert client.delete(path, headers=key).status_code == 404


def test_at_most_20_endpoints(client: FlaskClient, session: Session) -> None:
    p = make_principals(session)
    session.commit()
    for _ in range(20):
        assert _create(client, p.merchant_key).status_code == 201
    refused = _create(client, p.merchant_key)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "too_many_endpoints"


def test_every_webhook_endpoint_refuses_wrong_principals(client: FlaskClient,
                                                         session: Session) -> None:
    p = make_principals(session)
    session.commit()
    endpoint = _create(client, p.merchant_key).json["id"]
    top_up(session, p.user_id, 100)
    session.commit()
    bought = client.post("/v1/purchases", json={"amount": 1, "description": "x"},
                         headers=idem(p.user_token)).json
    event_id = client.get("/v1/events", headers=bearer(p.merchant_key)).json["data"][0]["id"]
    assert event_id and bought["id"]
    owners = {"merchant", "admin"}
    assert_authz_matrix(client, session, p, [
        Endpoint("POST", "/v1/webhook_endpoints", {"url": URL, "events": ["*"]},
                 allowed=owners),
        Endpoint("GET", "/v1/webhook_endpoints", allowed=owners),
        Endpoint("GET", f"/v1/webhook_endpoints/{endpoint}", allowed=owners, owner="merchant"),
        Endpoint("PATCH", f"/v1/webhook_endpoints/{endpoint}", {"disabled": True},
                 allowed=owners, owner="merchant"),
        Endpoint("DELETE", f"/v1/webhook_endpoints/{endpoint}", allowed=owners,
                 owner="merchant"),
        Endpoint("POST", f"/v1/webhook_endpoints/{endpoint}/rotate_secret", allowed=owners,
                 owner="merchant"),
        Endpoint("GET", "/v1/webhook_event_types", allowed=owners),
        Endpoint("GET", "/v1/webhook_deliveries", allowed=owners),
        Endpoint("GET", "/v1/webhook_deliveries/dlv_x", allowed=owners),
        Endpoint("POST", "/v1/webhook_deliveries/dlv_x/resend", allowed=owners),
        Endpoint("GET", "/v1/events", allowed=owners),
        Endpoint("GET", f"/v1/events/{event_id}", allowed=owners, owner="merchant"),
    ])


# --- the outbox -----------------------------------------------------------------------------


def _buyer(session: Session) -> Any:
    p = make_principals(session)
    top_up(session, p.user_id, 100)
    session.commit()
    return p


def test_a_purchase_writes_one_event_with_the_purchase_as_the_api_returns_it(
        client: FlaskClient, session: Session) -> None:
    p = _buyer(session)
    before = len(_events(session))
    bought = client.post("/v1/purchases", json={"amount": 7, "description": "Tip",
                                                "metadata": {"ref": "a-1"}},
                         headers=idem(p.user_token))
    assert bought.status_code == 201
    found = _events(session)[before:]
    assert [(e.type, e.merchant_id) for e in found] == [("purchase.created", p.merchant_id)]
    listed = client.get("/v1/events", headers=bearer(p.merchant_key)).json["data"][0]
    assert listed["data"] == bought.json
    assert listed["id"] == found[0].id and listed["object"] == "event"
    # a replay of the same Idempotency-Key writes no second event
    again = client.post("/v1/purchases", json={"amount": 7, "description": "Tip",
                                               "metadata": {"ref": "a-1"}},
                        headers={**bearer(p.user_token),
                                 "Idempotency-Key": "same"})
    replay = client.post("/v1/purchases", json={"amount": 7, "description": "Tip",
                                                "metadata": {"ref": "a-1"}},
                         headers={**bearer(p.user_token), "Idempotency-Key": "same"})
    assert again.status_code == replay.status_code == 201
    assert len(_events(session)) == before + 2


def test_a_refused_purchase_writes_no_event(client: FlaskClient, session: Session) -> None:
    p = _buyer(session)
    before = len(_events(session))
    refused = client.post("/v1/purchases", json={"amount": 1000, "description": "Too much"},
                          headers=idem(p.user_token))
    assert refused.status_code == 402
    assert len(_events(session)) == before


def test_an_event_rolls_back_with_its_change(session: Session) -> None:
    count = session.scalar(select(func.count()).select_from(Event))
    nested = session.begin_nested()
    events.emit(session, "topup.succeeded", {"id": "top_x"})
    assert session.scalar(select(func.count()).select_from(Event)) == (count or 0) + 1
    nested.rollback()
    assert session.scalar(select(func.count()).select_from(Event)) == count


def test_emit_checks_the_catalogue(session: Session) -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        events.emit(session, "purchase.made", {})
    with pytest.raises(ValueError, match="belong to a merchant"):
        events.emit(session, "purchase.created", {})
    with pytest.raises(ValueError, match="platform events"):
        events.emit(session, "topup.succeeded", {}, "mer_x")


def test_events_list_filters_pages_and_stays_with_its_owner(client: FlaskClient,
                                                           session: Session) -> None:
    p = _buyer(session)
    ids = [client.post("/v1/purchases", json={"amount": 1, "description": f"n{i}"},
                       headers=idem(p.user_token)).json["id"] for i in range(3)]
    purchase = ids[0]
    refund = client.post(f"/v1/purchases/{purchase}/refunds", json={},
                         headers=idem(p.merchant_key))
    assert refund.status_code == 201
    key = bearer(p.merchant_key)
    everything = client.get("/v1/events", headers=key).json["data"]
    assert [e["type"] for e in everything] == ["refund.created"] + ["purchase.created"] * 3
    assert [e["data"]["id"] for e in everything[1:]] == ids[::-1]  # newest first
    only = client.get("/v1/events", headers=key, query_string={"type": "refund.created"})
    assert [e["type"] for e in only.json["data"]] == ["refund.created"]
    wild = client.get("/v1/events", headers=key, query_string={"type": "purchase.*"})
    assert len(wild.json["data"]) == 3
    first = client.get("/v1/events", headers=key, query_string={"limit": 2}).json
    assert first["has_more"] is True and len(first["data"]) == 2
    rest = client.get("/v1/events", headers=key, query_string={
        "limit": 2, "starting_after": first["data"][-1]["id"]}).json
    assert rest["has_more"] is False
    assert [e["id"] for e in first["data"] + rest["data"]] == [e["id"] for e in everything]
    assert client.get("/v1/events", headers=key, query_string={
        "type": "purchase.made"}).status_code == 422
    assert client.get("/v1/events", headers=key, query_string={
        "starting_after": "evt_nope"}).status_code == 404
    # another merchant sees none of them; the operator sees them only when asking
    other = bearer(p.other_merchant_key)
    assert client.get("/v1/events", headers=other).json["data"] == []
    assert client.get(f"/v1/events/{everything[0]['id']}", headers=other).status_code == 404
    admin = bearer(p.admin_key)
    assert client.get("/v1/events", headers=admin).json["data"] == []
    assert len(client.get("/v1/events", headers=admin, query_string={
        "merchant_id": p.merchant_id}).json["data"]) == 4
    assert client.get(f"/v1/events/{everything[0]['id']}", headers=admin).status_code == 200
