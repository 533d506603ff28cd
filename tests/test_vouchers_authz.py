"""Every voucher endpoint refuses every wrong principal, and refused calls write nothing."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.authz import Endpoint, assert_authz_matrix, make_principals
from tests.support.voucher_world import fund
from vouchers import service as svc
from wallet.risk.config import OFF

KEK = b"\x09" * 32


def test_voucher_endpoints_matrix(app: Flask, session: Session) -> None:
    client: FlaskClient = app.test_client()
    p = make_principals(session)
    fund(session, p.user_id, 100)
    issued = svc.issue_gift(session, risk=OFF, user_id=p.user_id, value=10, kek=KEK)
    session.commit()  # refused calls roll back: the set-up must not be part of that
    vid = issued.voucher.id
    present = {"payload": issued.payload}
    assert_authz_matrix(client, session, p, [
        Endpoint("POST", "/v1/vouchers", {"value": 1}, allowed={"user", "admin"}),
        Endpoint("GET", "/v1/vouchers", allowed={"user"}),
        Endpoint("GET", f"/v1/vouchers/{vid}", allowed={"user", "admin"}, owner="user"),
        Endpoint("GET", f"/v1/vouchers/{vid}/code", allowed={"user_session", "admin"},
                 owner="user"),
        Endpoint("GET", f"/v1/vouchers/{vid}/qr.png", allowed={"user", "admin"}, owner="user"),
        Endpoint("GET", f"/v1/vouchers/{vid}/qr.svg", allowed={"user", "admin"}, owner="user"),
        Endpoint("POST", f"/v1/vouchers/{vid}/revoke", allowed={"user", "admin"}, owner="user"),
        Endpoint("POST", "/v1/vouchers/verify", present, allowed={"counter"}),
        Endpoint("POST", "/v1/vouchers/redeem", present, allowed={"counter"}),
        Endpoint("POST", "/v1/vouchers/claim", present, allowed={"user"}),
        Endpoint("POST", "/v1/vouchers/decode", allowed={"counter"}),
        Endpoint("GET", "/v1/vouchers/counter", allowed={"counter"}),
        Endpoint("GET", "/v1/vouchers/redemptions", allowed={"counter"}),
        Endpoint("GET", "/v1/vouchers/redemptions/summary", allowed={"counter"}),
        Endpoint("POST", "/v1/vouchers/redemptions/red_x/void", allowed={"counter"}),
        Endpoint("POST", "/v1/voucher_campaigns",
                 {"count": 1, "value": 1, "funding": "promotion"}, allowed={"admin"}),
    ])
    # the issuer (token or session) and the operator may use the issuer endpoints
    own = client.get(f"/v1/vouchers/{vid}", headers=p.headers("user_token"))
    assert own.status_code == 200 and own.json["id"] == vid
    assert client.get(f"/v1/vouchers/{vid}/qr.svg",
                      headers=p.headers("admin")).status_code == 200
    # another merchant's counter cannot be impersonated: redemption credits the caller's merchant
    assert client.get("/v1/voucher_keys").status_code == 200  # anyone


def test_app_tokens_gift_and_claim(app: Flask, session: Session, risk_off: None) -> None:
    """A person acting through an app (OAuth access token) may gift and claim too."""
    client = app.test_client()
    p = make_principals(session)
    fund(session, p.user_id, 50)
    session.commit()
    made = client.post("/v1/vouchers", json={"value": 20},
                       headers={**p.headers("user_token"), "Idempotency-Key": "t1"})
    assert made.status_code == 201, made.json
    mine = client.get(f"/v1/vouchers/{made.json['id']}/qr.png", headers=p.headers("user_token"))
    assert mine.status_code == 200
    theirs = client.get(f"/v1/vouchers/{made.json['id']}/qr.png",
                        headers=p.headers("other_user"))
    assert theirs.status_code == 404
    claimed = client.post("/v1/vouchers/claim", json={"code": made.json["code"]},
                          headers={**p.headers("other_user"), "Idempotency-Key": "t2"})
    assert claimed.status_code == 200 and claimed.json["amount"] == 20
    assert claimed.json["user_id"] == p.other_user_id
