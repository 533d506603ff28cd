"""The token module: minting, resolving, expiry, revocation, caps, scopes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.db import utcnow
from wallet.errors import AuthenticationError, InvalidRequest, NotFound
from wallet.ids import secret_digest
from wallet.merchants import service as merchants_service
from wallet.oauth.models import OAuthGrant, OAuthToken
from wallet.oauth.service import mint_access_token, principal_for_access_token, revoke_grant
from wallet.people import service as people_service
from wallet.web import auth


@pytest.fixture
def pair(session: Session) -> tuple[str, str, str]:
    merchant = merchants_service.create_merchant(session, "M")
    app = merchants_service.create_app_client(session, merchant.id, "A", [])
    user = people_service.create_user(session, "tok@example.com")
    return user.id, app.id, merchant.id


def test_mint_and_resolve(app: Flask, session: Session, pair: tuple[str, str, str]) -> None:
    user_id, app_id, merchant_id = pair
    token, record = mint_access_token(session, user_id=user_id, app_id=app_id,
                                      per_purchase_cap=10, daily_cap=100)
    assert token.startswith("at_") and len(token) > 40
    assert record.access_digest == secret_digest(token) and token not in repr(vars(record))
    who = principal_for_access_token(session, token)
    assert who is not None
    assert (who.kind, who.user_id, who.app_id, who.merchant_id) == ("user", user_id, app_id,
                                                                    merchant_id)
    assert who.grant == {"grant_id": record.grant_id, "scope": "wallet:read purchases:write",
                         "per_purchase_cap": 10, "daily_cap": 100}
    assert not who.via_session
    assert principal_for_access_token(session, "at_unknown") is None
    resolvers = app.extensions[auth.EXTENSION].bearer
    assert resolvers.count(principal_for_access_token) == 1


def test_one_grant_per_user_and_app(session: Session, pair: tuple[str, str, str]) -> None:
    user_id, app_id, _ = pair
    _, first = mint_access_token(session, user_id=user_id, app_id=app_id, per_purchase_cap=5)
    _, second = mint_access_token(session, user_id=user_id, app_id=app_id, daily_cap=50)
    assert first.grant_id == second.grant_id
    grant = session.get(OAuthGrant, first.grant_id)
    assert grant is not None and (grant.per_purchase_cap, grant.daily_cap) == (5, 50)


def test_expired_and_revoked(session: Session, pair: tuple[str, str, str]) -> None:
    user_id, app_id, _ = pair
    token, record = mint_access_token(session, user_id=user_id, app_id=app_id, expires_in=60)
    record.expires_at = utcnow() - timedelta(seconds=1)
    session.flush()  # the lookup reads the connection, like a request's first query
    with pytest.raises(AuthenticationError) as expired:
        principal_for_access_token(session, token)
    assert expired.value.code == "invalid_token"
    token2, _ = mint_access_token(session, user_id=user_id, app_id=app_id)
    grant = session.get(OAuthGrant, record.grant_id)
    assert grant is not None
    revoke_grant(session, grant)
    with pytest.raises(AuthenticationError):
        principal_for_access_token(session, token2)
    live = session.scalars(select(OAuthToken).where(OAuthToken.revoked_at.is_(None))).all()
    assert live == []
    # Minting again re-opens the grant; the old tokens stay revoked.
    token3, _ = mint_access_token(session, user_id=user_id, app_id=app_id)
    assert principal_for_access_token(session, token3) is not None
    with pytest.raises(AuthenticationError):
        principal_for_access_token(session, token2)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"per_purchase_cap": 0}, InvalidRequest), ({"daily_cap": -5}, InvalidRequest),
    ({"daily_cap": 2**63}, InvalidRequest), ({"per_purchase_cap": True}, InvalidRequest),
    ({"scope": "wallet:read admin"}, InvalidRequest), ({"expires_in": 0}, InvalidRequest),
    ({"app_id": "app_nope"}, NotFound), ({"user_id": "usr_nope"}, NotFound),
])
def test_bad_arguments(session: Session, pair: tuple[str, str, str], kwargs: dict[str, object],
                       error: type[Exception]) -> None:
    user_id, app_id, _ = pair
    arguments: dict[str, object] = {"user_id": user_id, "app_id": app_id, **kwargs}
    with pytest.raises(error):
        mint_access_token(session, **arguments)  # type: ignore[arg-type]


def test_narrower_scope(session: Session, pair: tuple[str, str, str]) -> None:
    user_id, app_id, _ = pair
    token, _record = mint_access_token(session, user_id=user_id, app_id=app_id,
                                      scope="wallet:read")
    who = principal_for_access_token(session, token)
    assert who is not None and who.grant["scope"] == "wallet:read"
