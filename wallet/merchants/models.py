"""Merchants, their apps (OAuth clients), counters and API keys.

Public ids are opaque prefixed strings (``mer_``, ``app_``, ``ctr_``, ``key_``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, UTCDateTime, utcnow


class Merchant(Base):
    __tablename__ = "merchants"
    __table_args__ = (
        CheckConstraint("kyc_status IN ('pending', 'verified', 'rejected')", name="kyc_status"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kyc_status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class App(Base):
    """A merchant's app: an OAuth public client that may charge its users."""

    __tablename__ = "apps"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    redirect_uris: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Counter(Base):
    """A merchant's point of sale that verifies and redeems vouchers."""

    __tablename__ = "counters"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKey(Base):
    """A secret key (``ak_`` admin, ``sk_`` merchant, ``ck_`` counter), stored hashed."""

    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("kind IN ('admin', 'secret', 'counter')", name="kind"),
        CheckConstraint(
            "(kind = 'admin' AND merchant_id IS NULL) OR "
            "(kind <> 'admin' AND merchant_id IS NOT NULL)",
            name="owner",
        ),
        CheckConstraint("kind <> 'counter' OR counter_id IS NOT NULL", name="counter_owner"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    merchant_id: Mapped[str | None] = mapped_column(ForeignKey("merchants.id"), default=None)
    counter_id: Mapped[str | None] = mapped_column(ForeignKey("counters.id"), default=None)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "hint": self.hint, "label": self.label}
