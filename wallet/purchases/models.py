"""Tables of purchases, their refunds and the risk (spend) counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, BigIntPK, UTCDateTime, utcnow


class Purchase(Base):
    """A purchase in an app: the ledger transaction plus what the client sees."""

    __tablename__ = "purchases"
    __table_args__ = (
        CheckConstraint("amount > 0", name="positive_amount"),
        CheckConstraint("refunded >= 0 AND refunded <= amount", name="refund_bounds"),
        UniqueConstraint("user_id", "app_id", "idempotency_key", name="uq_purchases_user_app_key"),
        Index("ix_purchases_user_seq", "user_id", "seq"),
        Index("ix_purchases_merchant_seq", "merchant_id", "seq"),
        # insights read a merchant's purchases since the rollup watermark
        Index("ix_purchases_merchant_created", "merchant_id", "created_at"),
    )

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[str] = mapped_column(String(40))
    app_id: Mapped[str] = mapped_column(String(40))
    merchant_id: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    refunded: Mapped[int] = mapped_column(BigInteger, default=0)
    description: Mapped[str] = mapped_column(String(500))
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", JSON, default=dict)
    idempotency_key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    balance_after: Mapped[int] = mapped_column(BigInteger)
    txn_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Refund(Base):
    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount > 0", name="positive_amount"),
        Index("ix_refunds_merchant_created", "merchant_id", "created_at"),
    )

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    purchase_id: Mapped[str] = mapped_column(ForeignKey("purchases.id"), index=True)
    merchant_id: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(BigInteger)
    txn_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SpendCounter(Base):
    """Rolling counters for risk limits: one row per (user, app) and (user, "*").

    ``day`` is days since the epoch (UTC) and ``minute`` minutes since the
    epoch; a purchase in a new day or minute restarts that counter.
    """

    __tablename__ = "spend_counters"

    user_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    app_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[int] = mapped_column(Integer)
    day_total: Mapped[int] = mapped_column(BigInteger)
    minute: Mapped[int] = mapped_column(BigInteger)
    minute_count: Mapped[int] = mapped_column(Integer)
