"""Top-up tables: one row per checkout, every processed provider event, shortfalls.

A ``TopUp`` keeps the *facts* the provider reported (paid, cumulative amount
refunded, amount disputed) and what the ledger actually moved (credited,
clawed back, shortfall). Facts only grow, so events can arrive in any order:
after each one the service moves the ledger from what it did to what the
facts ask for (see ``wallet.topups.service``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, BigIntPK, UTCDateTime, utcnow

STATUSES = ("created", "pending", "succeeded", "failed", "held", "refunded", "charged_back")
SHORTFALL_STATUSES = ("open", "collected", "written_off")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class TopUp(Base):
    """One checkout for one credit pack, and what became of it."""

    __tablename__ = "topups"
    __table_args__ = (
        CheckConstraint(_in("status", STATUSES), name="status"),
        CheckConstraint("price_minor > 0 AND credits > 0", name="positive_amounts"),
        CheckConstraint(
            "refunded_minor >= 0 AND disputed_minor >= 0 AND credited >= 0 "
            "AND clawed_back >= 0 AND shortfall >= 0",
            name="non_negative_facts",
        ),
        UniqueConstraint("provider", "provider_ref", name="uq_topups_provider_ref"),
        Index("ix_topups_user_created", "user_id", "created_at"),
        Index("ix_topups_payment_ref", "provider", "payment_ref"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    pack_id: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    price_minor: Mapped[int] = mapped_column(BigInteger)
    credits: Mapped[int] = mapped_column(BigInteger)  # paid + bonus: what lands on success
    provider: Mapped[str] = mapped_column(String(20))
    provider_ref: Mapped[str | None] = mapped_column(String(255), default=None)
    checkout_url: Mapped[str | None] = mapped_column(String(2000), default=None)
    payment_ref: Mapped[str | None] = mapped_column(String(255), default=None)
    status: Mapped[str] = mapped_column(String(20), default="created")
    # Facts reported by the provider (monotonic).
    paid: Mapped[bool] = mapped_column(Boolean, default=False)
    refunded_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    disputed_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    failure_code: Mapped[str | None] = mapped_column(String(60), default=None)
    failure_message: Mapped[str | None] = mapped_column(String(500), default=None)
    hold_reason: Mapped[str | None] = mapped_column(String(60), default=None)
    # What the ledger moved for this top-up (credits).
    credited: Mapped[int] = mapped_column(BigInteger, default=0)
    clawed_back: Mapped[int] = mapped_column(BigInteger, default=0)
    shortfall: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The provider closed the dispute in the platform's favour: what it took is restored.
    dispute_won_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class ProviderEventRecord(Base):
    """A provider event we processed; the unique (provider, event_id) makes replays no-ops."""

    __tablename__ = "topup_events"
    __table_args__ = (
        UniqueConstraint("provider", "event_id", name="uq_topup_events_provider_event"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(30))
    raw_type: Mapped[str] = mapped_column(String(100), default="")
    topup_id: Mapped[str | None] = mapped_column(String(40), default=None, index=True)
    outcome: Mapped[str] = mapped_column(String(40), default="received")
    event_created: Mapped[int] = mapped_column(BigInteger, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Shortfall(Base):
    """Credits a refund or chargeback should have clawed back but the wallet no longer held.

    The wallet stays frozen while any of its shortfalls is ``open``; the operator
    resolves each one by collecting it from the wallet or writing it off.
    """

    __tablename__ = "topup_shortfalls"
    __table_args__ = (
        CheckConstraint(_in("status", SHORTFALL_STATUSES), name="status"),
        CheckConstraint("credits > 0", name="positive_credits"),
        Index("ix_topup_shortfalls_user_status", "user_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    topup_id: Mapped[str] = mapped_column(ForeignKey("topups.id"))
    credits: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(20))  # refund | chargeback
    status: Mapped[str] = mapped_column(String(20), default="open")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
