"""OAuth tables: a person's connection to one app (the grant, with spending caps),
the tokens issued under it, and short-lived authorization codes.

Every secret (access token, refresh token, authorization code) is stored only as
its SHA-256 digest; the clear value is handed out once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, BigIntPK, UTCDateTime, utcnow

DEFAULT_SCOPE = "wallet:read purchases:write"
# Every scope an app may ask for, in canonical order (subscriptions: opt-in, never default).
ALL_SCOPES = "wallet:read purchases:write subscriptions:write"


class OAuthGrant(Base):
    """One person's connection to one app: the approved scope and spending caps.

    Revoking it (``revoked_at``) revokes every token issued under it. A new
    approval of the same app re-opens the row with the newly chosen caps.
    """

    __tablename__ = "oauth_grants"
    __table_args__ = (
        UniqueConstraint("user_id", "app_id", name="user_app"),
        CheckConstraint("per_purchase_cap IS NULL OR per_purchase_cap > 0",
                        name="per_purchase_cap_positive"),
        CheckConstraint("daily_cap IS NULL OR daily_cap > 0", name="daily_cap_positive"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"), index=True)
    scope: Mapped[str] = mapped_column(String(200), default=DEFAULT_SCOPE)
    per_purchase_cap: Mapped[int | None] = mapped_column(BigInteger, default=None)
    daily_cap: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # moves whenever the grant changes (revoked, re-opened, caps or scope): signed access
    # tokens carry the version they were issued at and stop working when it moves
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    def as_principal_grant(self) -> dict[str, Any]:
        return {"grant_id": self.id, "scope": self.scope,
                "per_purchase_cap": self.per_purchase_cap, "daily_cap": self.daily_cap}


class OAuthToken(Base):
    """An access token (and, from the code flow, its refresh token) under a grant.

    ``rotated_at`` marks a refresh token that was exchanged for a new pair;
    presenting it again is treated as theft and revokes the whole grant.
    """

    __tablename__ = "oauth_tokens"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    grant_id: Mapped[str] = mapped_column(ForeignKey("oauth_grants.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    access_digest: Mapped[str] = mapped_column(String(64), unique=True)
    refresh_digest: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    scope: Mapped[str] = mapped_column(String(200), default=DEFAULT_SCOPE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class OAuthCode(Base):
    """An authorization code (PKCE S256), single use, valid for a few minutes."""

    __tablename__ = "oauth_codes"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    app_id: Mapped[str] = mapped_column(ForeignKey("apps.id"))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    redirect_uri: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(200), default=DEFAULT_SCOPE)
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(10), default="S256")
    per_purchase_cap: Mapped[int | None] = mapped_column(BigInteger, default=None)
    daily_cap: Mapped[int | None] = mapped_column(BigInteger, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
