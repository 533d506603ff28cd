"""Every endpoint of people, operator, merchant apps/counters and connections, tried
with no credentials, garbage tokens and each wrong principal: 401/403, nothing written."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.authz import Endpoint, assert_authz_matrix, make_principals, snapshot


def test_operator_and_merchant_endpoints(client: FlaskClient, session: Session) -> None:
    p = make_principals(session)
    session.commit()
    assert_authz_matrix(client, session, p, [
        Endpoint("POST", "/v1/users", {"email": "m@example.com"}, allowed={"admin"}),
        Endpoint("GET", f"/v1/users/{p.user_id}", allowed={"admin"}),
        Endpoint("POST", f"/v1/users/{p.user_id}/tokens", {"app_id": p.app_id},
                 allowed={"admin"}),
        Endpoint("POST", "/v1/merchants", {"name": "M"}, allowed={"admin"}),
        Endpoint("GET", f"/v1/merchants/{p.merchant_id}", allowed={"admin"}),
        Endpoint("GET", f"/v1/merchants/{p.merchant_id}/keys", allowed={"admin"}),
        Endpoint("POST", f"/v1/merchants/{p.merchant_id}/keys", {"label": "x"},
                 allowed={"admin"}),
        Endpoint("DELETE", f"/v1/merchants/{p.merchant_id}/keys/key_x", allowed={"admin"}),
        Endpoint("POST", "/v1/apps", {"name": "A", "redirect_uris": ["https://a.example/x"]},
                 allowed={"merchant"}),
        Endpoint("GET", "/v1/apps", allowed={"merchant"}),
        Endpoint("GET", "/v1/insights", allowed={"merchant", "admin"}),
        Endpoint("GET", "/v1/statements/2026-11.csv", allowed={"merchant", "admin", "user"}),
        Endpoint("GET", f"/v1/apps/{p.app_id}", allowed={"merchant"}, owner="merchant"),
        Endpoint("POST", "/v1/counters", {"name": "C"}, allowed={"merchant"}),
        Endpoint("GET", "/v1/counters", allowed={"merchant"}),
        Endpoint("DELETE", f"/v1/counters/{p.counter_id}/key", allowed={"merchant"},
                 owner="merchant"),
        Endpoint("DELETE", f"/v1/merchants/{p.merchant_id}/counters/{p.counter_id}/key",
                 allowed={"admin"}),
        Endpoint("GET", "/v1/risk/reviews", allowed={"admin"}),
        Endpoint("POST", "/v1/risk/reviews/rev_x/approve", {"reason": "x"}, allowed={"admin"}),
        Endpoint("POST", "/v1/risk/reviews/rev_x/reject", {"reason": "x"}, allowed={"admin"}),
        Endpoint("GET", f"/v1/risk/merchants/{p.merchant_id}", allowed={"admin"}),
        Endpoint("PUT", f"/v1/risk/merchants/{p.merchant_id}/reserve",
                 {"percent": 5, "days": 10}, allowed={"admin"}),
        Endpoint("GET", "/v1/risk/losses", allowed={"admin"}),
    ])


def test_person_endpoints(client: FlaskClient, session: Session) -> None:
    p = make_principals(session)
    session.commit()
    grant_id = client.get("/v1/connections", headers=p.headers("user_token")).get_json()[
        "data"][0]["id"]
    assert_authz_matrix(client, session, p, [
        Endpoint("GET", "/v1/me", allowed={"user"}),
        Endpoint("GET", "/v1/connections", allowed={"user"}),
        Endpoint("GET", f"/v1/connections/{grant_id}", allowed={"user"}, owner="user"),
        Endpoint("PATCH", f"/v1/connections/{grant_id}", {"daily_cap": 5}, allowed={"user"},
                 owner="user"),
        Endpoint("DELETE", f"/v1/connections/{grant_id}", allowed={"user"}, owner="user"),
    ])


def test_a_token_sees_only_its_own_connection(client: FlaskClient, session: Session) -> None:
    from wallet.merchants import service as merchants_service
    from wallet.oauth.service import mint_access_token

    p = make_principals(session)
    second_app = merchants_service.create_app_client(session, p.merchant_id, "Second", [])
    other_token, _ = mint_access_token(session, user_id=p.user_id, app_id=second_app.id)
    session.commit()
    mine = client.get("/v1/connections", headers=p.headers("user_token")).get_json()["data"]
    assert [c["app_id"] for c in mine] == [p.app_id]
    other = client.get("/v1/connections",
                       headers={"Authorization": f"Bearer {other_token}"}).get_json()["data"]
    before = snapshot(session)
    # An app cannot disconnect another app of the same person.
    response = client.delete(f"/v1/connections/{other[0]['id']}",
                             headers=p.headers("user_token"))
    assert response.status_code == 404
    assert snapshot(session) == before


def test_oauth_endpoints_refuse_api_keys(client: FlaskClient, session: Session) -> None:
    p = make_principals(session)
    session.commit()
    before = snapshot(session)
    for kind in ("admin", "merchant", "counter", "user_token"):
        response = client.post("/oauth/token", data={
            "grant_type": "refresh_token", "refresh_token": p.user_token, "client_id": p.app_id},
            headers=p.headers(kind))
        assert response.status_code in (400, 401), kind
    assert snapshot(session) == before
