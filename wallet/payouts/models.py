"""Payout tables: per-merchant payout settings and state, payouts, payout batches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, UTCDateTime, utcnow

SCHEDULES = ("weekly", "monthly", "manual")
STATUSES = ("pending", "submitted", "paid", "failed", "canceled")


class PayoutAccount(Base):
    """One row per merchant: bank details, schedule, release watermark, payout sequence.

    Payout runs lock these rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two
    runs never work on the same merchant at once.
    """

    __tablename__ = "payout_accounts"
    __table_args__ = (
        CheckConstraint("schedule IN ('weekly', 'monthly', 'manual')", name="schedule"),
        # room on each page for in-place (HOT) updates: migration i12b_01
        {"postgresql_with": {"fillfactor": 70}},
    )

    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), primary_key=True)
    iban: Mapped[str | None] = mapped_column(String(34), default=None)
    bic: Mapped[str | None] = mapped_column(String(11), default=None)
    holder_name: Mapped[str | None] = mapped_column(String(70), default=None)
    schedule: Mapped[str] = mapped_column(String(10), default="weekly")
    # Every credit to the merchant's pending earnings in a ledger transaction with an
    # id up to here has been released (moved to available) or consumed by refunds.
    released_upto: Mapped[int] = mapped_column(BigInteger, default=0)
    # Incremented by every payout; (merchant_id, seq) is unique on payouts.
    payout_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PayoutBatch(Base):
    """One payout run: the payouts it created or picked up, and its bank files."""

    __tablename__ = "payout_batches"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3))
    payout_count: Mapped[int] = mapped_column(Integer)
    total_minor: Mapped[int] = mapped_column(BigInteger)
    fee_minor: Mapped[int] = mapped_column(BigInteger)
    pain001: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    csv: Mapped[str] = mapped_column(Text)
    pain001_path: Mapped[str | None] = mapped_column(String(500), default=None)
    csv_path: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class Payout(Base):
    """One transfer to one merchant; ``credits`` left available earnings for it."""

    __tablename__ = "payouts"
    __table_args__ = (
        UniqueConstraint("merchant_id", "seq", name="merchant_seq"),
        CheckConstraint(
            "status IN ('pending', 'submitted', 'paid', 'failed', 'canceled')", name="status"
        ),
        CheckConstraint("origin IN ('run', 'request')", name="origin"),
        CheckConstraint("credits > 0 AND amount_minor > 0 AND fee_minor >= 0", name="amounts"),
        CheckConstraint("gross_minor = amount_minor + fee_minor", name="gross"),
        Index("ix_payouts_merchant_created", "merchant_id", "created_at", "id"),
        Index("ix_payouts_status_batch", "status", "batch_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    batch_id: Mapped[str | None] = mapped_column(
        ForeignKey("payout_batches.id"), index=True, default=None
    )
    status: Mapped[str] = mapped_column(String(10), default="pending")
    origin: Mapped[str] = mapped_column(String(10))
    credits: Mapped[int] = mapped_column(BigInteger)
    gross_minor: Mapped[int] = mapped_column(BigInteger)
    fee_minor: Mapped[int] = mapped_column(BigInteger)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    iban: Mapped[str] = mapped_column(String(34))
    bic: Mapped[str | None] = mapped_column(String(11), default=None)
    holder_name: Mapped[str] = mapped_column(String(70))
    failure_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
