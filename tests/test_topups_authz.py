"""Every top-up endpoint refuses every wrong principal and writes nothing; odd ids are 404."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.authz import Endpoint, assert_authz_matrix, make_principals
from wallet.topups import service
from wallet.topups.api import runtime


def test_topup_endpoints_matrix(app: Flask, client: FlaskClient, session: Session) -> None:
    p = make_principals(session)
    topup = service.start_checkout(
        session, user_id=p.user_id, pack=runtime(app).prices.get("starter", "USD"),
        provider=runtime(app).provider("sandbox"), limits=service.RiskLimits(),
        urls=lambda i: (f"https://x/{i}", "https://x/"),
    )
    session.commit()
    assert_authz_matrix(client, session, p, [
        Endpoint("POST", "/v1/topups/checkout", {"pack_id": "starter", "currency": "USD"},
                 allowed={"user"}),
        Endpoint("GET", "/v1/topups", allowed={"user"}),
        Endpoint("GET", f"/v1/topups/{topup.id}", allowed={"user", "admin"}, owner="user"),
        Endpoint("POST", f"/v1/topups/{topup.id}/release", allowed={"admin"}),
        Endpoint("GET", "/v1/topup_shortfalls", allowed={"admin"}),
        Endpoint("POST", "/v1/topup_shortfalls/sfl_x/resolve", {"action": "write_off"},
                 allowed={"admin"}),
    ])
    # the owner and the operator may read it
    assert client.get(f"/v1/topups/{topup.id}", headers=p.headers("user_token")).status_code == 200
    assert client.get(f"/v1/topups/{topup.id}", headers=p.headers("admin")).status_code == 200


def test_odd_ids_are_404_or_400_never_500(client: FlaskClient, session: Session) -> None:
    p = make_principals(session)
    session.commit()
    user, admin = p.headers("user_token"), p.headers("admin")
    for path in ("/v1/topups/%00", "/v1/topups/%C3%A9", "/v1/topups/" + "x" * 300):
        assert client.get(path, headers=user).status_code == 404, path
    assert client.get("/v1/topups?starting_after=%00", headers=user).status_code == 404
    assert client.get("/v1/topups?starting_after=top_nope", headers=user).status_code == 404
    assert client.get("/v1/topup_shortfalls?starting_after=%00",
                      headers=admin).status_code == 404
    assert client.get("/v1/topup_shortfalls?user_id=%00", headers=admin).status_code == 200
    assert client.post("/v1/topup_shortfalls/%00/resolve", json={"action": "write_off"},
                       headers={**admin, "Idempotency-Key": "n"}).status_code == 404
    assert client.post("/v1/topups/%00/release",
                       headers={**admin, "Idempotency-Key": "m"}).status_code == 404
    assert client.get("/sandbox/checkout/%00").status_code == 404
    assert client.post("/v1/webhooks/%00", data=b"{}").status_code == 404


def test_webhook_bodies_that_are_not_events(app: Flask, client: FlaskClient) -> None:
    import time

    from wallet.topups.providers.signature import sign

    provider = runtime(app).provider("sandbox")
    secret = provider._secrets[0]  # type: ignore[attr-defined]
    now = int(time.time())
    for body in (b"[]", b"not json", b'{"id": "evt_1"}', b"\xff\xfe",
                 b'{"id":"e","type":"checkout.session.completed","created":1,'
                 b'"data":{"object":{"object":"checkout.session","payment_status":"paid",'
                 b'"amount_total":1.5,"currency":"usd","metadata":{"topup_id":"t"}}}}'):
        response = client.post("/v1/webhooks/sandbox", data=body,
                               headers={"Sandbox-Signature": sign(secret, body, now)})
        assert response.status_code == 400, body
        assert response.json["error"]["code"] == "malformed_event"
