"""Signed access tokens: verified without a database read, revocation still at once."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from wallet.errors import AuthenticationError
from wallet.ids import secret_digest
from wallet.merchants import service as merchants_service
from wallet.oauth import access_tokens
from wallet.oauth.models import OAuthGrant, OAuthToken
from wallet.oauth.service import (
    mint_access_token,
    principal_for_access_token,
    revoke_grant,
    upsert_grant,
)
from wallet.people import service as people_service


@pytest.fixture
def pair(session: Session) -> tuple[str, str, str]:
    merchant = merchants_service.create_merchant(session, "M")
    app = merchants_service.create_app_client(session, merchant.id, "A", [])
    user = people_service.create_user(session, "signed@example.com")
    return user.id, app.id, merchant.id


def test_claims_verify_without_a_query(session: Session, pair: tuple[str, str, str]) -> None:
    user_id, app_id, merchant_id = pair
    token, record = mint_access_token(session, user_id=user_id, app_id=app_id,
                                      per_purchase_cap=7, daily_cap=70, expires_in=600)
    assert access_tokens.is_signed(token) and record.access_digest == secret_digest(token)
    key = access_tokens.key_for(session)
    statements: list[str] = []
    engine = session.get_bind().engine
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listen)
    try:
        claims = access_tokens.verify(key, token)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    assert statements == []
    grant = session.get(OAuthGrant, record.grant_id)
    assert grant is not None
    assert claims == access_tokens.Claims(
        user_id, app_id, merchant_id, grant.id, grant.version, "wallet:read purchases:write",
        7, 70, claims.expires)
    assert abs(claims.expires - (time.time() + 600)) < 5


def test_tampered_and_expired_tokens(session: Session, pair: tuple[str, str, str]) -> None:
    user_id, app_id, _ = pair
    token, _ = mint_access_token(session, user_id=user_id, app_id=app_id, expires_in=60)
    key = access_tokens.key_for(session)
    signed, _, mac = token.rpartition(".")
    other = access_tokens.derive_key("another secret")
    forged = [f"{signed}.{mac[:-2]}AA", f"{signed[:-3]}xyz.{mac}", token.replace(".", ""),
              access_tokens.sign(other, access_tokens.verify(key, token))]
    for bad in forged:
        with pytest.raises(AuthenticationError) as refused:
            access_tokens.verify(key, bad)
        assert refused.value.code == "invalid_token"
    with pytest.raises(AuthenticationError, match="expired"):
        access_tokens.verify(key, token, now=time.time() + 61)
    with pytest.raises(AuthenticationError):
        principal_for_access_token(session, forged[0])


def test_revocation_and_changed_caps_stop_tokens(session: Session,
                                                 pair: tuple[str, str, str]) -> None:
    user_id, app_id, _ = pair
    first, record = mint_access_token(session, user_id=user_id, app_id=app_id,
                                      per_purchase_cap=5)
    assert principal_for_access_token(session, first) is not None
    # the person approves other caps: the tokens carrying the old ones stop
    upsert_grant(session, user_id=user_id, app_id=app_id, scope="wallet:read purchases:write",
                 per_purchase_cap=50, daily_cap=None, replace_caps=True)
    with pytest.raises(AuthenticationError):
        principal_for_access_token(session, first)
    second, _ = mint_access_token(session, user_id=user_id, app_id=app_id)
    who = principal_for_access_token(session, second)
    assert who is not None and who.grant["per_purchase_cap"] == 50
    # one token revoked (RFC 7009): that one stops, at once
    row = session.scalar(select(OAuthToken).where(
        OAuthToken.access_digest == secret_digest(second)))
    assert row is not None
    third, _ = mint_access_token(session, user_id=user_id, app_id=app_id)
    row.revoked_at = row.created_at
    session.flush()
    with pytest.raises(AuthenticationError):
        principal_for_access_token(session, second)
    assert principal_for_access_token(session, third) is not None
    # the connection revoked: every token stops
    grant = session.get(OAuthGrant, record.grant_id)
    assert grant is not None
    revoke_grant(session, grant)
    with pytest.raises(AuthenticationError):
        principal_for_access_token(session, third)


def test_legacy_opaque_tokens_still_resolve(session: Session,
                                           pair: tuple[str, str, str]) -> None:
    from wallet.oauth.service import new_access_token, store_token

    user_id, app_id, merchant_id = pair
    _, record = mint_access_token(session, user_id=user_id, app_id=app_id)
    grant = session.get(OAuthGrant, record.grant_id)
    assert grant is not None
    opaque = new_access_token()
    store_token(session, grant, access_token=opaque, refresh_token=None, expires_in=60)
    who = principal_for_access_token(session, opaque)
    assert who is not None and (who.user_id, who.merchant_id) == (user_id, merchant_id)
