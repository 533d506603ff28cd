"""Helpers to drive the OAuth authorization code + PKCE flow through the test client."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from flask.testing import FlaskClient

from tests.support.sessions import start_session


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign_in(client: FlaskClient, user_id: str) -> str:
    """Put a signed-in session on this client; returns its CSRF token."""
    token = secrets.token_urlsafe(16)
    start_session(client, user_id, token)
    return token


def authorize_url(app_id: str, redirect_uri: str, challenge: str | None, *,
                  method: str | None = "S256", state: str = "st-1",
                  scope: str | None = None) -> str:
    params = {"response_type": "code", "client_id": app_id, "redirect_uri": redirect_uri,
              "state": state}
    if challenge is not None:
        params["code_challenge"] = challenge
    if method is not None:
        params["code_challenge_method"] = method
    if scope is not None:
        params["scope"] = scope
    return "/oauth/authorize?" + urlencode(params)


def approve(client: FlaskClient, url: str, csrf: str, *, decision: str = "approve",
            **caps: Any) -> Any:
    form = {"csrf_token": csrf, "decision": decision,
            **{k: "" if v is None else str(v) for k, v in caps.items()}}
    return client.post(url, data=form)


def redirect_params(response: Any) -> dict[str, str]:
    location = response.headers["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def get_code(client: FlaskClient, app_id: str, redirect_uri: str, csrf: str,
             **caps: Any) -> tuple[str, str]:
    """Run authorize → approve; returns (code, verifier)."""
    verifier, challenge = pkce_pair()
    response = approve(client, authorize_url(app_id, redirect_uri, challenge), csrf, **caps)
    assert response.status_code == 302, response.get_data(as_text=True)
    params = redirect_params(response)
    assert params["state"] == "st-1"
    return params["code"], verifier


def exchange(client: FlaskClient, app_id: str, code: str, verifier: str,
             redirect_uri: str) -> Any:
    return client.post("/oauth/token", data={
        "grant_type": "authorization_code", "code": code, "code_verifier": verifier,
        "redirect_uri": redirect_uri, "client_id": app_id})


def refresh(client: FlaskClient, app_id: str, refresh_token: str) -> Any:
    return client.post("/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": app_id})
