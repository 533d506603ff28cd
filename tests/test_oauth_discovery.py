"""OAuth for apps as AppAuth-style clients expect it: RFC 8414 discovery, RFC 9207 ``iss``
in authorization responses, RFC 6750 ``WWW-Authenticate`` on 401, RFC 6749 §6 scope on
refresh, RFC 7009 unknown ``token_type_hint``."""

from __future__ import annotations

import pytest
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.oauth_client import (
    approve,
    authorize_url,
    exchange,
    get_code,
    pkce_pair,
    redirect_params,
    sign_in,
)
from tests.test_oauth_flow import REDIRECT, World, bearer
from wallet.merchants import service as merchants_service
from wallet.oauth.models import ALL_SCOPES
from wallet.people import service as people_service

ISSUER = "https://wallet.example.org"


@pytest.fixture
def world(client: FlaskClient, session: Session) -> World:
    merchant = merchants_service.create_merchant(session, "Ink & Paper")
    app = merchants_service.create_app_client(session, merchant.id, "Reader", [REDIRECT])
    user = people_service.create_user(session, "reader@example.com", "correct-horse-1")
    session.commit()
    return World(user.id, app.id, merchant.id, sign_in(client, user.id))


def test_metadata_is_valid_rfc_8414(client: FlaskClient) -> None:
    client.application.config["BASE_URL"] = ISSUER + "/"
    try:
        response = client.get("/.well-known/oauth-authorization-server")
    finally:
        client.application.config["BASE_URL"] = "http://127.0.0.1:5000"
    assert response.status_code == 200
    document = response.get_json()
    AuthorizationServerMetadata(document).validate()
    assert document["issuer"] == ISSUER
    assert document["token_endpoint"] == f"{ISSUER}/oauth/token"
    assert document["authorization_endpoint"] == f"{ISSUER}/oauth/authorize"
    assert document["revocation_endpoint"] == f"{ISSUER}/oauth/revoke"
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert document["token_endpoint_auth_methods_supported"] == ["none"]
    assert document["authorization_response_iss_parameter_supported"] is True
    assert document["scopes_supported"] == ALL_SCOPES.split()


def test_authorization_responses_carry_iss(client: FlaskClient, world: World) -> None:
    issuer = client.application.config["BASE_URL"].rstrip("/")
    _, challenge = pkce_pair()
    granted = approve(client, authorize_url(world.app_id, REDIRECT, challenge), world.csrf)
    assert redirect_params(granted)["iss"] == issuer
    denied = approve(client, authorize_url(world.app_id, REDIRECT, challenge), world.csrf,
                     decision="deny")
    params = redirect_params(denied)
    assert params["error"] == "access_denied" and params["iss"] == issuer
    refused = client.get(authorize_url(world.app_id, REDIRECT, challenge, scope="nope"))
    assert refused.status_code == 302
    assert redirect_params(refused)["iss"] == issuer


def test_401_carries_a_bearer_challenge(client: FlaskClient) -> None:
    bare = client.get("/v1/wallet")
    assert bare.status_code == 401
    assert bare.headers["WWW-Authenticate"] == 'Bearer realm="wallet"'
    bad = client.get("/v1/wallet", headers=bearer("at_not-a-token"))
    assert bad.status_code == 401
    assert bad.headers["WWW-Authenticate"].startswith(
        'Bearer realm="wallet", error="invalid_token", error_description="')
    assert client.get("/v1/wallet", headers={"Authorization": "Basic eDp5"}).headers[
        "WWW-Authenticate"].startswith('Bearer realm="wallet", error="invalid_request"')


def _refresh(client: FlaskClient, app_id: str, token: str, scope: str | None = None) -> dict:
    form = {"grant_type": "refresh_token", "refresh_token": token, "client_id": app_id}
    if scope:
        form["scope"] = scope
    response = client.post("/oauth/token", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)
    return dict(response.get_json())


def test_a_narrowing_refresh_does_not_narrow_the_grant(client: FlaskClient,
                                                       world: World) -> None:
    code, verifier = get_code(client, world.app_id, REDIRECT, world.csrf)
    first = exchange(client, world.app_id, code, verifier, REDIRECT).get_json()
    assert first["scope"] == "wallet:read purchases:write"
    narrow = _refresh(client, world.app_id, first["refresh_token"], "wallet:read")
    assert narrow["scope"] == "wallet:read"
    me = client.application.test_client()
    buy = me.post("/v1/purchases", json={"amount": 1, "description": "x"},
                  headers={**bearer(narrow["access_token"]), "Idempotency-Key": "k-narrow"})
    assert buy.status_code == 403  # this access token is read-only
    again = _refresh(client, world.app_id, narrow["refresh_token"])
    assert again["scope"] == "wallet:read purchases:write"  # RFC 6749 §6: as granted
    wide = _refresh(client, world.app_id, again["refresh_token"],
                    "wallet:read purchases:write")
    assert wide["scope"] == "wallet:read purchases:write"


def test_unknown_token_type_hint_still_revokes(client: FlaskClient, world: World) -> None:
    code, verifier = get_code(client, world.app_id, REDIRECT, world.csrf)
    tokens = exchange(client, world.app_id, code, verifier, REDIRECT).get_json()
    other = client.application.test_client()
    assert other.get("/v1/me", headers=bearer(tokens["access_token"])).status_code == 200
    revoked = client.post("/oauth/revoke", data={
        "token": tokens["access_token"], "token_type_hint": "something_else",
        "client_id": world.app_id})
    assert revoked.status_code == 200, revoked.get_data(as_text=True)
    assert other.get("/v1/me", headers=bearer(tokens["access_token"])).status_code == 401
    hinted_wrong = client.post("/oauth/revoke", data={
        "token": tokens["refresh_token"], "token_type_hint": "access_token",
        "client_id": world.app_id})
    assert hinted_wrong.status_code == 200
    refused = client.post("/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
        "client_id": world.app_id})
    assert refused.status_code == 400
