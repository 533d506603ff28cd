"""Access tokens bound to one person and one app, and the principal they prove.

Access tokens are signed (``wallet.oauth.access_tokens``: ``at_<claims>.<mac>``),
refresh tokens opaque (``rt_…``, 256 bits of randomness); both are stored only as
SHA-256 digests. Caps live on the (person, app) grant, which the person can revoke
from their connected apps; the grant's ``version`` moves with every change, which
stops the tokens issued before it.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from wallet.db import utcnow
from wallet.errors import AuthenticationError, InvalidRequest, NotFound
from wallet.ids import secret_digest
from wallet.merchants.models import App
from wallet.oauth import access_tokens
from wallet.oauth.models import ALL_SCOPES, DEFAULT_SCOPE, OAuthGrant, OAuthToken
from wallet.people.models import User
from wallet.principals import Principal

AccessTokenRecord = OAuthToken

SUPPORTED_SCOPES = frozenset(ALL_SCOPES.split())
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
ACCESS_PREFIX = "at_"
REFRESH_PREFIX = "rt_"


def new_grant_id() -> str:
    return f"con_{secrets.token_urlsafe(12)}"


def new_access_token() -> str:
    return ACCESS_PREFIX + secrets.token_urlsafe(32)


def new_refresh_token() -> str:
    return REFRESH_PREFIX + secrets.token_urlsafe(32)


def normalise_scope(scope: str | None) -> str:
    """A space-separated subset of the supported scopes, in a stable order."""
    wanted = set((scope or DEFAULT_SCOPE).split())
    unknown = wanted - SUPPORTED_SCOPES
    if unknown or not wanted:
        raise InvalidRequest(f"Unknown scope: {' '.join(sorted(unknown))}.",
                             code="invalid_scope", param="scope")
    return " ".join(s for s in ALL_SCOPES.split() if s in wanted)


def _is_id(value: object) -> bool:
    return isinstance(value, str) and ID_PATTERN.match(value) is not None


def _check_cap(name: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or not 0 < value < 2**63):
        raise InvalidRequest(f"{name} must be a positive integer.", code="invalid_cap",
                             param=name)


def upsert_grant(
    session: Session,
    *,
    user_id: str,
    app_id: str,
    scope: str,
    per_purchase_cap: int | None,
    daily_cap: int | None,
    replace_caps: bool,
) -> OAuthGrant:
    """The (user, app) grant, created or re-opened.

    With ``replace_caps`` the caps are set as given (None = no cap), as on the
    consent page; without it a None leaves an existing cap as it is.
    """
    _check_cap("per_purchase_cap", per_purchase_cap)
    _check_cap("daily_cap", daily_cap)
    if not _is_id(user_id) or session.get(User, user_id) is None:
        raise NotFound("No such user.", code="user_not_found", param="user_id")
    if not _is_id(app_id) or session.get(App, app_id) is None:
        raise NotFound("No such app.", code="app_not_found", param="app_id")
    grant = session.scalar(  # locked: two consents at once must not share a version
        select(OAuthGrant).where(OAuthGrant.user_id == user_id, OAuthGrant.app_id == app_id)
        .with_for_update()
    )
    now = utcnow()
    if grant is None:
        grant = OAuthGrant(id=new_grant_id(), user_id=user_id, app_id=app_id, scope=scope,
                           per_purchase_cap=per_purchase_cap, daily_cap=daily_cap,
                           created_at=now, updated_at=now)
        session.add(grant)
    else:
        before = (grant.scope, grant.per_purchase_cap, grant.daily_cap, grant.revoked_at)
        grant.scope = scope
        if replace_caps or per_purchase_cap is not None:
            grant.per_purchase_cap = per_purchase_cap
        if replace_caps or daily_cap is not None:
            grant.daily_cap = daily_cap
        grant.revoked_at = None
        grant.updated_at = now
        if before != (grant.scope, grant.per_purchase_cap, grant.daily_cap, None):
            grant.version += 1
    session.flush()
    return grant


def store_token(
    session: Session,
    grant: OAuthGrant,
    *,
    access_token: str,
    refresh_token: str | None,
    expires_in: int,
    refresh_expires_in: int | None = None,
    scope: str | None = None,
) -> OAuthToken:
    """Record a freshly generated token pair (digests only)."""
    now = utcnow()
    record = OAuthToken(
        grant_id=grant.id, user_id=grant.user_id, app_id=grant.app_id,
        access_digest=secret_digest(access_token),
        refresh_digest=secret_digest(refresh_token) if refresh_token else None,
        scope=scope or grant.scope, created_at=now, expires_at=now + timedelta(seconds=expires_in),
        refresh_expires_at=(now + timedelta(seconds=refresh_expires_in)
                            if refresh_token and refresh_expires_in else None),
    )
    session.add(record)
    session.flush()
    return record


def mint_access_token(
    session: Session,
    *,
    user_id: str,
    app_id: str,
    scope: str = DEFAULT_SCOPE,
    per_purchase_cap: int | None = None,
    daily_cap: int | None = None,
    expires_in: int = 3600,
) -> tuple[str, AccessTokenRecord]:
    """A new access token for this user and app (no refresh token); shown once.

    Creates or re-opens the (user, app) grant. Caps given here replace the
    grant's; a cap left as None keeps what the grant already has.
    """
    if not 0 < expires_in <= 86400:
        raise InvalidRequest("expires_in must be between 1 and 86400 seconds.",
                             param="expires_in")
    grant = upsert_grant(session, user_id=user_id, app_id=app_id,
                         scope=normalise_scope(scope), per_purchase_cap=per_purchase_cap,
                         daily_cap=daily_cap, replace_caps=False)
    token = signed_access_token(session, grant, expires_in=expires_in)
    record = store_token(session, grant, access_token=token, refresh_token=None,
                         expires_in=expires_in)
    return token, record


def signed_access_token(session: Session, grant: OAuthGrant, *, expires_in: int,
                        scope: str | None = None) -> str:
    """A new signed access token for this grant as it is now (caps, scope, version)."""
    app = session.get(App, grant.app_id)
    assert app is not None  # grants reference their app
    claims = access_tokens.Claims(
        user_id=grant.user_id, app_id=grant.app_id, merchant_id=app.merchant_id,
        grant_id=grant.id, grant_version=grant.version, scope=scope or grant.scope,
        per_purchase_cap=grant.per_purchase_cap, daily_cap=grant.daily_cap,
        expires=int(utcnow().timestamp()) + expires_in)
    return access_tokens.sign(access_tokens.key_for(session), claims)


def principal_for_access_token(session: Session, token: str) -> Principal | None:
    """The user principal an access token proves; None if it is not one of ours.

    Raises ``AuthenticationError(code="invalid_token")`` for an expired or
    revoked token, or one whose grant was revoked or changed since.
    """
    if access_tokens.is_signed(token):
        return _principal_for_signed(session, token)
    # A token from before signed tokens: one narrow Core query on the session's
    # connection (no ORM compile or identity-map work).
    row = session.connection().execute(
        _TOKEN_LOOKUP, {"digest": secret_digest(token)}).first()
    if row is None:
        return None
    if row.token_revoked_at is not None or row.grant_revoked_at is not None:
        raise AuthenticationError("The access token was revoked.", code="invalid_token")
    if row.expires_at <= utcnow():
        raise AuthenticationError("The access token has expired.", code="invalid_token")
    return Principal(kind="user", user_id=row.user_id, app_id=row.app_id,
                     merchant_id=row.merchant_id,
                     grant={"grant_id": row.grant_id, "scope": row.scope,
                            "per_purchase_cap": row.per_purchase_cap,
                            "daily_cap": row.daily_cap})


def _principal_for_signed(session: Session, token: str) -> Principal:
    """A signed token's principal from its claims, after one query for revocation."""
    claims = access_tokens.verify(access_tokens.key_for(session), token)
    row = session.connection().execute(_TOKEN_LIVE, {"digest": secret_digest(token)}).first()
    if (row is None or row.token_revoked_at is not None or row.grant_revoked_at is not None
            or row.version != claims.grant_version):
        raise AuthenticationError("The access token was revoked.", code="invalid_token")
    if row.expires_at <= utcnow():
        raise AuthenticationError("The access token has expired.", code="invalid_token")
    return Principal(kind="user", user_id=claims.user_id, app_id=claims.app_id,
                     merchant_id=claims.merchant_id, grant=claims.grant())


_TOKEN_LIVE = (
    select(OAuthToken.expires_at, OAuthToken.revoked_at.label("token_revoked_at"),
           OAuthGrant.revoked_at.label("grant_revoked_at"), OAuthGrant.version)
    .join(OAuthGrant, OAuthGrant.id == OAuthToken.grant_id)
    .where(OAuthToken.access_digest == bindparam("digest"))
)

_TOKEN_LOOKUP = (
    select(
        OAuthToken.user_id, OAuthToken.app_id, OAuthToken.scope, OAuthToken.expires_at,
        OAuthToken.revoked_at.label("token_revoked_at"), OAuthToken.grant_id,
        OAuthGrant.per_purchase_cap, OAuthGrant.daily_cap,
        OAuthGrant.revoked_at.label("grant_revoked_at"), App.merchant_id,
    )
    .join(OAuthGrant, OAuthGrant.id == OAuthToken.grant_id)
    .join(App, App.id == OAuthToken.app_id)
    .where(OAuthToken.access_digest == bindparam("digest"))
)


def revoke_grant(session: Session, grant: OAuthGrant) -> None:
    """Revoke a grant and every token issued under it."""
    session.refresh(grant, with_for_update=True)  # its version moves once per change
    now = utcnow()
    if grant.revoked_at is None:
        grant.version += 1
    grant.revoked_at = grant.revoked_at or now
    session.execute(
        update(OAuthToken).where(OAuthToken.grant_id == grant.id,
                                 OAuthToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    session.flush()
