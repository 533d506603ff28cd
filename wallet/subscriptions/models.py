"""Plans (a merchant's recurring prices), subscriptions and their charges.

Periods are counted from the subscription's ``anchor`` (the start of the first paid
period): period ``k`` is ``[anchor + k * interval, anchor + (k + 1) * interval)``.
``paid_through`` is the last period charged (-1 while trialing). Every charge has a
unique ``reference`` (``subscription:<id>:period:<k>`` for a period), also the ledger
transaction's reference: one charge per subscription and period, whatever happens.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, BigIntPK, UTCDateTime, utcnow

INTERVALS = ("week", "month", "year")
STATUSES = ("trialing", "active", "past_due", "canceled")
LIVE = ("trialing", "active", "past_due")


class Plan(Base):
    """A merchant's recurring price in credits."""

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint("amount > 0", name="positive_amount"),
        CheckConstraint("interval IN ('week', 'month', 'year')", name="interval"),
        CheckConstraint("trial_days >= 0 AND trial_days <= 730", name="trial_days"),
        Index("ix_plans_merchant_created", "merchant_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(ForeignKey("merchants.id"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(500), nullable=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    interval: Mapped[str] = mapped_column(String(10))
    trial_days: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Subscription(Base):
    """One person's subscription to one plan."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        CheckConstraint("status IN ('trialing', 'active', 'past_due', 'canceled')",
                        name="status"),
        CheckConstraint("paid_through >= -1", name="paid_through"),
        CheckConstraint("current_period_end > current_period_start", name="period"),
        CheckConstraint("(status = 'past_due') = (past_due_since IS NOT NULL)",
                        name="past_due_since"),
        CheckConstraint("(status = 'canceled') = (canceled_at IS NOT NULL)", name="canceled_at"),
        # one live subscription per person and plan
        Index("uq_subscriptions_live_user_plan", "user_id", "plan_id", unique=True,
              sqlite_where=text("status <> 'canceled'"),
              postgresql_where=text("status <> 'canceled'")),
        # the renewal job's scan: live subscriptions by period end, in its claim's order
        Index("ix_subscriptions_due", "current_period_end", "id",
              sqlite_where=text("status <> 'canceled'"),
              postgresql_where=text("status <> 'canceled'")),
        Index("ix_subscriptions_merchant_created", "merchant_id", "created_at"),
        Index("ix_subscriptions_user_created", "user_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"))
    merchant_id: Mapped[str] = mapped_column(String(40))
    app_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    anchor: Mapped[datetime] = mapped_column(UTCDateTime)
    paid_through: Mapped[int] = mapped_column(Integer)
    current_period_start: Mapped[datetime] = mapped_column(UTCDateTime)
    current_period_end: Mapped[datetime] = mapped_column(UTCDateTime)
    cancel_at_period_end: Mapped[bool] = mapped_column(Boolean, default=False)
    past_due_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubscriptionCharge(Base):
    """A ledger move made for a subscription: a period, or a plan change's proration."""

    __tablename__ = "subscription_charges"
    __table_args__ = (
        CheckConstraint("kind IN ('period', 'proration', 'proration_refund')", name="kind"),
        CheckConstraint("amount > 0", name="positive_amount"),
        CheckConstraint("(kind = 'period') = (period IS NOT NULL)", name="period"),
        Index("uq_subscription_charges_period", "subscription_id", "period", unique=True,
              sqlite_where=text("kind = 'period'"), postgresql_where=text("kind = 'period'")),
        Index("ix_subscription_charges_merchant_created", "merchant_id", "created_at"),
    )

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    reference: Mapped[str] = mapped_column(String(120), unique=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("subscriptions.id"))
    merchant_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    period: Mapped[int | None] = mapped_column(Integer, nullable=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    txn_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AutoReloadRule(Base):
    """A person's auto-reload: a saved card and ``{threshold, pack_id}``.

    ``armed`` is the crossing latch: a scan that finds the balance below the threshold
    while armed starts ONE off-session top-up (``topup_id``, in flight) and disarms; only
    a balance back at or above the threshold re-arms it. ``failures`` counts consecutive
    failed top-ups; at ``WALLET_AUTORELOAD_MAX_FAILURES`` the rule turns itself off.
    """

    __tablename__ = "autoreload_rules"
    __table_args__ = (
        CheckConstraint("threshold > 0", name="positive_threshold"),
        CheckConstraint("failures >= 0", name="failures"),
        CheckConstraint("NOT enabled OR payment_method_ref IS NOT NULL", name="card_to_enable"),
        Index("ix_autoreload_rules_enabled", "enabled"),
    )

    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    customer_ref: Mapped[str | None] = mapped_column(String(255), default=None)
    setup_ref: Mapped[str | None] = mapped_column(String(255), default=None)
    payment_method_ref: Mapped[str | None] = mapped_column(String(255), default=None)
    card_last4: Mapped[str | None] = mapped_column(String(4), default=None)
    threshold: Mapped[int] = mapped_column(BigInteger, default=100)
    pack_id: Mapped[str | None] = mapped_column(String(40), default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    armed: Mapped[bool] = mapped_column(Boolean, default=True)
    topup_id: Mapped[str | None] = mapped_column(ForeignKey("topups.id"), default=None)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_message: Mapped[str | None] = mapped_column(String(500), default=None)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    disabled_reason: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
