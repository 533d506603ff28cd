"""OAuth 2.0 authorization code + PKCE for apps, end to end through the test client."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.oauth_client import (
    approve,
    authorize_url,
    exchange,
    get_code,
    pkce_pair,
    redirect_params,
    refresh,
    sign_in,
)
from wallet.merchants import service as merchants_service
from wallet.oauth.models import OAuthGrant, OAuthToken
from wallet.people import service as people_service

REDIRECT = "https://app.example/callback"
LOOPBACK = "http://127.0.0.1/cb"
CUSTOM = "com.example.reader:/oauth"


@dataclass
class World:
    user_id: str
    app_id: str
    merchant_id: str
    csrf: str


@pytest.fixture
def world(client: FlaskClient, session: Session) -> World:
    merchant = merchants_service.create_merchant(session, "Ink & Paper")
    app = merchants_service.create_app_client(session, merchant.id, "Daily Reader",
                                     [REDIRECT, LOOPBACK, CUSTOM])
    user = people_service.create_user(session, "reader@example.com", "correct-horse-1")
    session.commit()
    return World(user.id, app.id, merchant.id, sign_in(client, user.id))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_whole_flow(client: FlaskClient, world: World, session: Session) -> None:
    verifier, challenge = pkce_pair()
    url = authorize_url(world.app_id, REDIRECT, challenge)
    page = client.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Daily Reader" in html and "Ink &amp; Paper" in html
    assert 'for="per_purchase_cap"' in html and 'for="daily_cap"' in html
    assert 'name="csrf_token"' in html
    assert page.headers["X-Frame-Options"] == "DENY"

    response = approve(client, url, world.csrf, per_purchase_cap=50, daily_cap=500)
    assert response.status_code == 302
    params = redirect_params(response)
    assert response.headers["Location"].startswith(REDIRECT + "?")
    assert params["state"] == "st-1"

    tokens = exchange(client, world.app_id, params["code"], verifier, REDIRECT)
    assert tokens.status_code == 200, tokens.get_data(as_text=True)
    body = tokens.get_json()
    assert body["token_type"] == "Bearer"
    assert 0 < body["expires_in"] <= 3600
    assert body["scope"] == "wallet:read purchases:write"
    assert body["access_token"].startswith("at_") and body["refresh_token"].startswith("rt_")
    assert tokens.headers["Cache-Control"] == "no-store"

    anonymous = client.application.test_client()
    me = anonymous.get("/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200, me.get_data(as_text=True)
    assert me.get_json()["id"] == world.user_id
    assert me.get_json()["app_id"] == world.app_id
    assert me.get_json()["merchant_id"] == world.merchant_id
    assert me.get_json()["via"] == "token"
    connections = anonymous.get("/v1/connections", headers=bearer(body["access_token"]))
    [connection] = connections.get_json()["data"]
    assert connection["per_purchase_cap"] == 50 and connection["daily_cap"] == 500
    assert connection["app_name"] == "Daily Reader"

    renewed = refresh(anonymous, world.app_id, body["refresh_token"])
    assert renewed.status_code == 200, renewed.get_data(as_text=True)
    new = renewed.get_json()
    assert new["refresh_token"] != body["refresh_token"]
    assert anonymous.get("/v1/me", headers=bearer(new["access_token"])).status_code == 200
    # The rotated pair's access token stops working as well.
    assert anonymous.get("/v1/me", headers=bearer(body["access_token"])).status_code == 401

    revoked = anonymous.post("/oauth/revoke", data={"token": new["access_token"],
                                                    "client_id": world.app_id})
    assert revoked.status_code == 200, revoked.get_data(as_text=True)
    refused = anonymous.get("/v1/me", headers=bearer(new["access_token"]))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "invalid_token"


def test_plain_pkce_and_missing_pkce_are_refused(client: FlaskClient, world: World) -> None:
    verifier, _ = pkce_pair()
    plain = approve(client, authorize_url(world.app_id, REDIRECT, verifier, method="plain"),
                    world.csrf)
    assert plain.status_code == 302
    assert redirect_params(plain)["error"] == "invalid_request"
    no_method = approve(client, authorize_url(world.app_id, REDIRECT, verifier, method=None),
                        world.csrf)
    assert redirect_params(no_method)["error"] == "invalid_request"
    missing = approve(client, authorize_url(world.app_id, REDIRECT, None, method=None),
                      world.csrf)
    assert redirect_params(missing)["error"] == "invalid_request"
    assert "code" not in redirect_params(missing)


def test_wrong_verifier_is_refused(client: FlaskClient, world: World) -> None:
    code, _ = get_code(client, world.app_id, REDIRECT, world.csrf)
    other_verifier, _ = pkce_pair()
    response = exchange(client, world.app_id, code, other_verifier, REDIRECT)
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_grant"
    missing = client.post("/oauth/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "client_id": world.app_id})
    assert missing.status_code == 400


def test_wrong_redirect_uri_is_refused(client: FlaskClient, world: World) -> None:
    _, challenge = pkce_pair()
    for uri in ("https://evil.example/callback", REDIRECT + "/extra", REDIRECT + "?x=1",
                "https://APP.example/callback", "http://127.0.0.2/cb"):
        page = client.get(authorize_url(world.app_id, uri, challenge))
        assert page.status_code == 400, uri
        assert "Location" not in page.headers
        posted = approve(client, authorize_url(world.app_id, uri, challenge), world.csrf)
        assert posted.status_code == 400 and "Location" not in posted.headers
    missing = client.get(f"/oauth/authorize?response_type=code&client_id={world.app_id}"
                         f"&code_challenge={challenge}&code_challenge_method=S256")
    assert missing.status_code == 400
    unknown = client.get(authorize_url("app_nope", REDIRECT, challenge))
    assert unknown.status_code == 400
    # The code is bound to the redirect URI it was issued for.
    code, verifier = get_code(client, world.app_id, REDIRECT, world.csrf)
    mismatch = exchange(client, world.app_id, code, verifier, CUSTOM)
    assert mismatch.get_json()["error"] == "invalid_grant"


def test_loopback_any_port_and_custom_scheme(client: FlaskClient, world: World) -> None:
    for uri in ("http://127.0.0.1:53124/cb", CUSTOM):
        code, verifier = get_code(client, world.app_id, uri, world.csrf)
        assert exchange(client, world.app_id, code, verifier, uri).status_code == 200


def test_a_registered_query_is_kept_and_matched_exactly(
        client: FlaskClient, session: Session, world: World) -> None:
    """``https://host?x=1`` (a query and no path) registered through the API: the code
    comes back with the query kept (RFC 6749 §3.1.2) and only that exact URI matches."""
    _, secret = merchants_service.issue_key(session, "secret", merchant_id=world.merchant_id)
    session.commit()
    uri = "https://query.example?x=1"
    made = client.post("/v1/apps", json={"name": "Query", "redirect_uris": [uri]},
                       headers={"Authorization": f"Bearer {secret}"})
    assert made.status_code == 201, made.get_json()
    app_id = made.get_json()["id"]
    verifier, challenge = pkce_pair()
    response = approve(client, authorize_url(app_id, uri, challenge), world.csrf)
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert location.startswith(uri + "&")
    params = redirect_params(response)
    assert params["x"] == "1" and params["state"] == "st-1"
    assert exchange(client, app_id, params["code"], verifier, uri).status_code == 200
    for other in ("https://query.example", "https://query.example/?x=1",
                  "https://query.example?x=2"):
        assert client.get(authorize_url(app_id, other, challenge)).status_code == 400, other


def test_refresh_rotation_and_reuse_revokes_grant(client: FlaskClient, world: World,
                                                  session: Session) -> None:
    code, verifier = get_code(client, world.app_id, REDIRECT, world.csrf)
    first = exchange(client, world.app_id, code, verifier, REDIRECT).get_json()
    second = refresh(client, world.app_id, first["refresh_token"]).get_json()
    assert "access_token" in second
    # The old refresh token is replayed (stolen copy): refused, and the grant dies.
    replay = refresh(client, world.app_id, first["refresh_token"])
    assert replay.status_code == 400 and replay.get_json()["error"] == "invalid_grant"
    assert client.get("/v1/me", headers=bearer(second["access_token"])).status_code == 401
    legit = refresh(client, world.app_id, second["refresh_token"])
    assert legit.status_code == 400
    grant = session.scalar(select(OAuthGrant).where(OAuthGrant.app_id == world.app_id))
    session.refresh(grant)
    assert grant is not None and grant.revoked_at is not None
    live = session.scalars(select(OAuthToken).where(OAuthToken.grant_id == grant.id,
                                                    OAuthToken.revoked_at.is_(None))).all()
    assert live == []


def test_code_is_single_use(client: FlaskClient, world: World) -> None:
    code, verifier = get_code(client, world.app_id, REDIRECT, world.csrf)
    tokens = exchange(client, world.app_id, code, verifier, REDIRECT).get_json()
    again = exchange(client, world.app_id, code, verifier, REDIRECT)
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"
    # Replaying a code revokes what it produced.
    assert client.get("/v1/me", headers=bearer(tokens["access_token"])).status_code == 401


def test_refresh_token_of_another_app_is_refused(client: FlaskClient, world: World,
                                                 session: Session) -> None:
    other = merchants_service.create_app_client(session, world.merchant_id, "Other", [REDIRECT])
    session.commit()
    code, verifier = get_code(client, world.app_id, REDIRECT, world.csrf)
    tokens = exchange(client, world.app_id, code, verifier, REDIRECT).get_json()
    response = refresh(client, other.id, tokens["refresh_token"])
    assert response.status_code == 400
    stolen_code, verifier = get_code(client, world.app_id, REDIRECT, world.csrf)
    assert exchange(client, other.id, stolen_code, verifier, REDIRECT).status_code == 400


def test_deny_redirects_with_access_denied(client: FlaskClient, world: World) -> None:
    _, challenge = pkce_pair()
    response = approve(client, authorize_url(world.app_id, REDIRECT, challenge), world.csrf,
                       decision="deny")
    assert response.status_code == 302
    params = redirect_params(response)
    assert params["error"] == "access_denied" and params["state"] == "st-1"
    assert "code" not in params


def test_authorize_needs_sign_in_and_csrf(client: FlaskClient, world: World) -> None:
    _, challenge = pkce_pair()
    url = authorize_url(world.app_id, REDIRECT, challenge)
    stranger = client.application.test_client()
    to_signin = stranger.get(url)
    assert to_signin.status_code == 303
    assert to_signin.headers["Location"].startswith("/signin?next=")
    no_csrf = client.post(url, data={"decision": "approve"})
    assert no_csrf.status_code == 403
    assert no_csrf.get_json()["error"]["code"] == "csrf_failed"
    wrong = client.post(url, data={"decision": "approve", "csrf_token": "nope"})
    assert wrong.status_code == 403


@pytest.mark.parametrize("cap", ["-1", "0", "1.5", "abc", "9223372036854775808", "1e3",
                                 "٣"])
def test_bad_caps_rerender_the_page(client: FlaskClient, world: World, cap: str) -> None:
    _, challenge = pkce_pair()
    response = approve(client, authorize_url(world.app_id, REDIRECT, challenge), world.csrf,
                       per_purchase_cap=cap)
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_connections_list_and_disconnect(client: FlaskClient, world: World,
                                         session: Session) -> None:
    code, verifier = get_code(client, world.app_id, REDIRECT, world.csrf, daily_cap=100)
    tokens = exchange(client, world.app_id, code, verifier, REDIRECT).get_json()
    listed = client.get("/v1/connections")
    assert listed.status_code == 200
    [connection] = listed.get_json()["data"]
    assert connection["daily_cap"] == 100 and connection["per_purchase_cap"] is None
    no_csrf = client.delete(f"/v1/connections/{connection['id']}")
    assert no_csrf.status_code == 403
    gone = client.delete(f"/v1/connections/{connection['id']}",
                         headers={"X-CSRF-Token": world.csrf})
    assert gone.status_code == 200 and gone.get_json()["revoked_at"]
    assert client.get("/v1/me", headers=bearer(tokens["access_token"])).status_code == 401
    assert refresh(client, world.app_id, tokens["refresh_token"]).status_code == 400
    assert client.get("/v1/connections").get_json()["data"] == []
    # Approving again re-opens the connection with new caps; old tokens stay dead.
    code, verifier = get_code(client, world.app_id, REDIRECT, world.csrf, per_purchase_cap=7)
    fresh = exchange(client, world.app_id, code, verifier, REDIRECT).get_json()
    assert client.get("/v1/me", headers=bearer(fresh["access_token"])).status_code == 200
    assert client.get("/v1/me", headers=bearer(tokens["access_token"])).status_code == 401
    [again] = client.get("/v1/connections").get_json()["data"]
    assert again["per_purchase_cap"] == 7 and again["daily_cap"] is None


def test_token_endpoint_errors(client: FlaskClient, world: World) -> None:
    assert client.post("/oauth/token", data={"grant_type": "password"}).status_code == 400
    assert client.post("/oauth/token", data={}).status_code == 400
    assert client.post("/oauth/token", json={"grant_type": "refresh_token"}).status_code in (
        400, 401)
    unknown = refresh(client, world.app_id, "rt_unknown")
    assert unknown.status_code == 400 and unknown.get_json()["error"] == "invalid_grant"
    revoke_unknown = client.post("/oauth/revoke", data={"token": "at_nope",
                                                        "client_id": world.app_id})
    assert revoke_unknown.status_code == 200


def test_person_changes_caps_but_an_app_cannot(client: FlaskClient, world: World) -> None:
    code, verifier = get_code(client, world.app_id, REDIRECT, world.csrf, per_purchase_cap=5)
    tokens = exchange(client, world.app_id, code, verifier, REDIRECT).get_json()
    [connection] = client.get("/v1/connections").get_json()["data"]
    path = f"/v1/connections/{connection['id']}"
    by_app = client.application.test_client().patch(
        path, json={"per_purchase_cap": 10**6}, headers=bearer(tokens["access_token"]))
    assert by_app.status_code == 403
    assert by_app.get_json()["error"]["code"] == "session_required"
    changed = client.patch(path, json={"per_purchase_cap": None, "daily_cap": 30},
                           headers={"X-CSRF-Token": world.csrf})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json()["per_purchase_cap"] is None
    assert changed.get_json()["daily_cap"] == 30
    for bad in ({"daily_cap": 0}, {"daily_cap": 2**63}, {"daily_cap": 1.5}, {"daily_cap": "3"},
                {"daily_cap": True}, {"other": 1}):
        assert client.patch(path, json=bad, headers={"X-CSRF-Token": world.csrf}
                            ).status_code == 400, bad
    # signed access tokens carry the caps: the ones issued before the change stop at once,
    # and a refreshed token carries the new caps
    stale = client.get("/v1/me", headers=bearer(tokens["access_token"]))
    assert stale.status_code == 401
    fresh = refresh(client, world.app_id, tokens["refresh_token"]).get_json()
    me = client.get("/v1/me", headers=bearer(fresh["access_token"])).get_json()
    assert me["connection"]["daily_cap"] == 30


def test_hostile_authorize_parameters(client: FlaskClient, world: World) -> None:
    _, challenge = pkce_pair()
    for query in (f"response_type=code&client_id=%00&redirect_uri={REDIRECT}",
                  f"response_type=code&client_id={'a' * 5000}",
                  f"response_type=code&client_id={world.app_id}&redirect_uri=%00",
                  f"response_type=token&client_id={world.app_id}&redirect_uri={REDIRECT}"
                  f"&code_challenge={challenge}&code_challenge_method=S256",
                  f"response_type=code&client_id={world.app_id}&redirect_uri={REDIRECT}"
                  f"&code_challenge=%00&code_challenge_method=S256"):
        response = client.get("/oauth/authorize?" + query)
        assert response.status_code in (302, 400), query
        if response.status_code == 302:
            assert redirect_params(response)["error"]


def test_scopes(client: FlaskClient, world: World) -> None:
    verifier, challenge = pkce_pair()
    narrow = approve(client, authorize_url(world.app_id, REDIRECT, challenge,
                                           scope="wallet:read"), world.csrf)
    code = redirect_params(narrow)["code"]
    tokens = exchange(client, world.app_id, code, verifier, REDIRECT).get_json()
    assert tokens["scope"] == "wallet:read"
    me = client.get("/v1/me", headers=bearer(tokens["access_token"])).get_json()
    assert me["connection"]["scope"] == "wallet:read"
    _, challenge = pkce_pair()
    unknown = approve(client, authorize_url(world.app_id, REDIRECT, challenge,
                                            scope="wallet:read admin"), world.csrf)
    assert redirect_params(unknown)["error"] == "invalid_scope"
