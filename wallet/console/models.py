"""Console tables: the audit of operator actions, operator accounts and their sessions.

``operator_actions`` is append-only: the migration adds triggers that refuse UPDATE and
DELETE on both engines, so a record, once written, stays as it was.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, BigIntPK, UTCDateTime, utcnow


class OperatorAction(Base):
    """One operator action (``opa_…``): who did what to which object, why and when."""

    __tablename__ = "operator_actions"
    __table_args__ = (
        CheckConstraint("actor_type IN ('key', 'operator', 'cli')", name="actor_type"),
        Index("ix_operator_actions_target", "target_type", "target_id"),
    )

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    actor_type: Mapped[str] = mapped_column(String(10))
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_label: Mapped[str] = mapped_column(String(320), default="")
    action: Mapped[str] = mapped_column(String(120))
    target_type: Mapped[str | None] = mapped_column(String(40), default=None)
    target_id: Mapped[str | None] = mapped_column(String(64), default=None)
    reason: Mapped[str] = mapped_column(String(500), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Operator(Base):
    """An operator account (``opr_…``): email, argon2 password and a TOTP secret, sealed."""

    __tablename__ = "operators"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    totp_sealed: Mapped[bytes] = mapped_column(LargeBinary(128))
    # the last time step a code was accepted for: a code works once
    totp_last_step: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class OperatorSession(Base):
    """A signed-in console browser (``ops_…``), by operator account or by operator key."""

    __tablename__ = "operator_sessions"
    __table_args__ = (
        CheckConstraint("(operator_id IS NULL) <> (api_key_id IS NULL)", name="one_credential"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    operator_id: Mapped[str | None] = mapped_column(ForeignKey("operators.id"), default=None,
                                                    index=True)
    api_key_id: Mapped[str | None] = mapped_column(ForeignKey("api_keys.id"), default=None)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
