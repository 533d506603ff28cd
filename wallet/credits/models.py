"""Promotional credit lots: whose they are and when they expire."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, UTCDateTime, utcnow


class CreditLot(Base):
    """One grant of promotional credits: its own ledger account and expiry.

    The balance lives in the ledger (``account_id``); this row only says whose
    it is and when it expires, so spending order and expiry need no history scan.
    """

    __tablename__ = "credit_lots"
    __table_args__ = (
        CheckConstraint("credits > 0", name="positive_credits"),
        Index("ix_credit_lots_user_expiry", "user_id", "expires_at"),
        Index("ix_credit_lots_expires_at", "expires_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    credits: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    reason: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str] = mapped_column(String(255), unique=True)
    expired_credits: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
