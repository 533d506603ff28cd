"""Risk tables: KYC and bank-detail history, per-merchant reserves, reviews, audit records.

History rows are append-only: a KYC decision or a bank change is a new row, never an edit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, BigIntPK, UTCDateTime, utcnow

REVIEW_STATUSES = ("open", "approved", "rejected")


class KycEvent(Base):
    """One KYC decision about a merchant (the history; ``merchants.kyc_status`` is the last)."""

    __tablename__ = "risk_kyc_events"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'verified', 'rejected')", name="status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(60), default="operator")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BankChange(Base):
    """A change of a merchant's payout bank details; payouts wait until ``locked_until``."""

    __tablename__ = "risk_bank_changes"
    __table_args__ = (
        Index("ix_risk_bank_changes_merchant_created", "merchant_id", "created_at"),
        CheckConstraint("locked_until >= created_at", name="lock_after_change"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    iban_last4: Mapped[str] = mapped_column(String(4))
    holder_name: Mapped[str] = mapped_column(String(70))
    previous_iban_last4: Mapped[str | None] = mapped_column(String(4), default=None)
    previous_holder_name: Mapped[str | None] = mapped_column(String(70), default=None)
    locked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MerchantRisk(Base):
    """The operator's per-merchant risk settings: the rolling reserve."""

    __tablename__ = "risk_merchant_settings"
    __table_args__ = (
        CheckConstraint("reserve_percent >= 0 AND reserve_percent <= 100",
                        name="reserve_percent"),
        CheckConstraint("reserve_days >= 0", name="reserve_days"),
    )

    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"), primary_key=True)
    reserve_percent: Mapped[int] = mapped_column(Integer, default=0)
    reserve_days: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RiskReview(Base):
    """A merchant's payouts held for the operator's review (approve or reject, with reason)."""

    __tablename__ = "risk_reviews"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'approved', 'rejected')", name="status"),
        CheckConstraint("(status = 'open') = (decided_at IS NULL)", name="decided"),
        Index("ix_risk_reviews_merchant_status", "merchant_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    rule: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="open")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class AuditRecord(Base):
    """One decision or risk action: who did what to which object, and why. Append-only."""

    __tablename__ = "risk_audit_records"
    __table_args__ = (Index("ix_risk_audit_records_subject", "subject_id", "created_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    action: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[str] = mapped_column(String(60))
    actor: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(String(500), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
