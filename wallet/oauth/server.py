"""The Authlib authorization server: authorization code + PKCE (S256 only) for
public clients (apps), refresh tokens that rotate, RFC 7009 revocation.

Apps are public clients: no secret, ``token_endpoint_auth_method=none``.
Redirect URIs match exactly, except that a loopback IP redirect
(``http://127.0.0.1/…``, ``http://[::1]/…``) accepts any port (RFC 8252 §7.3).
A refresh token works once: using it rotates it, and presenting a rotated one
again revokes the whole grant (every token of that person and app). A refresh may
ask for fewer scopes (RFC 6749 §6): the new access token has them, but the grant
keeps what the person approved, so a later refresh can ask for all of it again.
Revocation ignores a ``token_type_hint`` it does not know (RFC 7009 §2.1).
An authorization code works once; presenting it again revokes the grant too.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, InvalidRequestError, grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import Flask, current_app, g
from sqlalchemy import select

from wallet.db import db, utcnow
from wallet.ids import secret_digest
from wallet.merchants.models import App
from wallet.oauth.models import ALL_SCOPES, DEFAULT_SCOPE, OAuthCode, OAuthGrant, OAuthToken
from wallet.oauth.service import (
    SUPPORTED_SCOPES,
    new_access_token,
    new_refresh_token,
    revoke_grant,
    signed_access_token,
    store_token,
    upsert_grant,
)
from wallet.people.models import User
from wallet.web.requests import keep_writes_on_error

ACCESS_TOKEN_TTL = 900          # 15 minutes
REFRESH_TOKEN_TTL = 30 * 86400  # 30 days
CODE_TTL = 300                  # 5 minutes
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "[::1]"})


def _without_port(uri: str) -> tuple[str, str, str, str]:
    parts = urlsplit(uri)
    host = parts.netloc.rsplit(":", 1)[0] if not parts.netloc.endswith("]") else parts.netloc
    return parts.scheme, host, parts.path, parts.query


def redirect_uri_matches(registered: str, given: str) -> bool:
    """Exact match; for loopback IP ``http`` redirects any port (RFC 8252 §7.3)."""
    if secrets.compare_digest(registered.encode(), given.encode()):
        return True
    reg, got = urlsplit(registered), urlsplit(given)
    if reg.scheme == "http" and got.scheme == "http" and not got.fragment:
        reg_host, got_host = _without_port(registered), _without_port(given)
        return reg_host[1] in LOOPBACK_HOSTS and reg_host == got_host
    return False


class AppClient(ClientMixin):
    """An app seen as an OAuth public client."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.client_id = app.id

    def get_client_id(self) -> str:
        return self.app.id

    def get_default_redirect_uri(self) -> str | None:
        return None  # a redirect_uri is always required

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """The requested scopes in canonical order; None (invalid_scope) if any is unknown."""
        if not scope:
            return DEFAULT_SCOPE
        wanted = set(scope.split())
        if not wanted or not wanted <= SUPPORTED_SCOPES:
            return None
        return " ".join(s for s in ALL_SCOPES.split() if s in wanted)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return any(redirect_uri_matches(uri, redirect_uri) for uri in self.app.redirect_uris)

    def check_client_secret(self, client_secret: str) -> bool:
        return False

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in ("authorization_code", "refresh_token")


class CodeRecord:
    """Authlib's view of a stored authorization code."""

    def __init__(self, row: OAuthCode) -> None:
        self.row = row

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope


class TokenRecord:
    """Authlib's view of a stored token (for refresh and revocation).

    ``scope`` is what a refresh may ask for: the grant's, not this token's (which a
    narrowing refresh made smaller)."""

    def __init__(self, row: OAuthToken, scope: str | None = None) -> None:
        self.row = row
        self.scope = scope or row.scope

    def check_client(self, client: AppClient) -> bool:
        return bool(self.row.app_id == client.get_client_id())

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return int((self.row.expires_at - self.row.created_at).total_seconds())

    def is_expired(self) -> bool:
        return bool(self.row.expires_at <= utcnow())

    def is_revoked(self) -> bool:
        return self.row.revoked_at is not None

    def get_user(self) -> User | None:
        return db.session.get(User, self.row.user_id)


class S256Only(CodeChallenge):
    """PKCE is required, and only with S256: ``plain`` and no method are refused."""

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: send 'code_challenge' "
                                      "with code_challenge_method=S256.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is supported.")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code: CodeRecord) -> str:
        return authorization_code.row.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: CodeRecord) -> str:
        return authorization_code.row.code_challenge_method


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["none"]

    def save_authorization_code(self, code: str, request: Any) -> None:
        caps = g.get("oauth_caps", {})
        data = request.payload.data
        db.session.add(OAuthCode(
            code_digest=secret_digest(code), app_id=request.client.get_client_id(),
            user_id=request.user.id, redirect_uri=request.payload.redirect_uri,
            scope=request.scope or DEFAULT_SCOPE,
            code_challenge=data["code_challenge"],
            code_challenge_method=data.get("code_challenge_method", "S256"),
            per_purchase_cap=caps.get("per_purchase_cap"), daily_cap=caps.get("daily_cap"),
            expires_at=utcnow() + timedelta(seconds=CODE_TTL),
        ))
        db.session.flush()

    def query_authorization_code(self, code: str, client: AppClient) -> CodeRecord | None:
        row = db.session.scalar(
            select(OAuthCode).where(OAuthCode.code_digest == secret_digest(code))
            .with_for_update()
        )
        if row is None or row.app_id != client.get_client_id():
            return None
        if row.used_at is not None:
            grant = db.session.scalar(select(OAuthGrant).where(
                OAuthGrant.user_id == row.user_id, OAuthGrant.app_id == row.app_id))
            if grant is not None:
                revoke_grant(db.session(), grant)
                keep_writes_on_error()
            return None
        if row.expires_at <= utcnow():
            return None
        return CodeRecord(row)

    def delete_authorization_code(self, authorization_code: CodeRecord) -> None:
        authorization_code.row.used_at = utcnow()

    def authenticate_user(self, authorization_code: CodeRecord) -> User | None:
        return db.session.get(User, authorization_code.row.user_id)


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["none"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> TokenRecord | None:
        row = db.session.scalar(
            select(OAuthToken).where(OAuthToken.refresh_digest == secret_digest(refresh_token))
            .with_for_update()
        )
        if row is None:
            return None
        grant = db.session.get(OAuthGrant, row.grant_id)
        if row.rotated_at is not None:
            # A refresh token used twice: someone else has a copy. Cut the grant off.
            if grant is not None:
                revoke_grant(db.session(), grant)
                keep_writes_on_error()
            return None
        expired = row.refresh_expires_at is not None and row.refresh_expires_at <= utcnow()
        if row.revoked_at is not None or expired or grant is None or grant.revoked_at:
            return None
        return TokenRecord(row, scope=grant.scope)

    def authenticate_user(self, refresh_token: TokenRecord) -> User | None:
        return refresh_token.get_user()

    def revoke_old_credential(self, refresh_token: TokenRecord) -> None:
        now = utcnow()
        refresh_token.row.rotated_at = now
        refresh_token.row.revoked_at = refresh_token.row.revoked_at or now


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = ["none"]

    def check_params(self, request: Any, client: Any) -> None:
        """``token`` is required; an unknown hint is ignored, not refused (RFC 7009 §2.1)."""
        if "token" not in request.form:
            raise InvalidRequestError()

    def query_token(self, token_string: str, token_type_hint: str | None) -> TokenRecord | None:
        digest = secret_digest(token_string)
        column_order = [OAuthToken.access_digest, OAuthToken.refresh_digest]
        if token_type_hint == "refresh_token":  # noqa: S105  (a hint name; others ignored)
            column_order.reverse()
        for column in column_order:
            row = db.session.scalar(select(OAuthToken).where(column == digest))
            if row is not None:
                return TokenRecord(row)
        return None

    def revoke_token(self, token: TokenRecord, request: Any) -> None:
        token.row.revoked_at = token.row.revoked_at or utcnow()


def _query_client(client_id: str) -> AppClient | None:
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        return None
    app = db.session.get(App, client_id)
    return AppClient(app) if app is not None else None


def _save_token(token: dict[str, Any], request: Any) -> None:
    grant: OAuthGrant | None
    if getattr(request, "refresh_token", None) is not None:
        grant = db.session.get(OAuthGrant, request.refresh_token.row.grant_id)
    else:
        code = request.authorization_code.row
        grant = upsert_grant(db.session(), user_id=code.user_id, app_id=code.app_id,
                             scope=code.scope, per_purchase_cap=code.per_purchase_cap,
                             daily_cap=code.daily_cap, replace_caps=True)
    assert grant is not None  # tokens reference their grant
    # the generator's opaque access token becomes a signed one (wallet.oauth.access_tokens)
    token["access_token"] = signed_access_token(db.session(), grant,
                                                expires_in=token["expires_in"],
                                                scope=token.get("scope") or None)
    store_token(db.session(), grant, access_token=token["access_token"],
                refresh_token=token.get("refresh_token"), expires_in=token["expires_in"],
                scope=token.get("scope") or None,
                refresh_expires_in=current_app.config.get("OAUTH_REFRESH_TOKEN_TTL",
                                                          REFRESH_TOKEN_TTL))


def _expires_in(client: Any, grant_type: str) -> int:
    return int(current_app.config.get("OAUTH_ACCESS_TOKEN_TTL", ACCESS_TOKEN_TTL))


server = AuthorizationServer()


def issuer() -> str:
    """This server's issuer identifier (RFC 8414 §2): ``WALLET_BASE_URL``."""
    return str(current_app.config["BASE_URL"]).rstrip("/")


def metadata() -> dict[str, Any]:
    """RFC 8414 authorization server metadata (what AppAuth-style clients discover)."""
    base = issuer()
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth/authorize",
        "token_endpoint": f"{base}/oauth/token",
        "revocation_endpoint": f"{base}/oauth/revoke",
        "scopes_supported": ALL_SCOPES.split(),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": True,
        "service_documentation": f"{base}/v1/docs",
    }


def with_issuer(response: Any) -> Any:
    """RFC 9207: every authorization response redirected to the app names its issuer."""
    location = response.headers.get("Location")
    if response.status_code in (301, 302, 303, 307) and location:
        response.headers["Location"] = add_params_to_uri(location, {"iss": issuer()})
    return response


def init_app(app: Flask) -> None:
    """Bind the authorization server (once per process; it keeps no app state)."""
    server.init_app(app, query_client=_query_client, save_token=_save_token)
    server.register_token_generator("default", BearerTokenGenerator(
        lambda **kw: new_access_token(), lambda **kw: new_refresh_token(), _expires_in))
    if not getattr(server, "_wallet_grants_registered", False):
        server.register_grant(AuthorizationCodeGrant, [S256Only(required=True)])
        server.register_grant(RefreshTokenGrant)
        server.register_endpoint(Revocation)
        server._wallet_grants_registered = True
