"""Tables of events (the outbox), webhook endpoints, deliveries and delivery attempts.

``events`` is append-only: one row per change, written in the transaction of the change
(``wallet.webhooks.events.emit``). Deliveries are made from it later by the worker.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, BigIntPK, UTCDateTime, utcnow

DELIVERY_STATUSES = ("pending", "succeeded", "failed", "canceled")


class Event(Base):
    """Something that happened, with the object as the API returns it.

    ``txid`` is the writing transaction's id on PostgreSQL (``pg_current_xact_id()``,
    a server default) and 0 on SQLite: the worker hands out events only once every
    transaction that could still add an older one has ended (see ``dispatch``).
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_merchant_seq", "merchant_id", "seq"),
        # SQLite has one writer at a time and txid 0: the worker reads by seq there, and
        # this index stays empty (one index less to write on the purchase's commit)
        Index("ix_events_txid_seq", "txid", "seq", sqlite_where=text("txid <> 0")),
    )

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    type: Mapped[str] = mapped_column(String(60))
    # None: a platform event, for the operator
    merchant_id: Mapped[str | None] = mapped_column(String(40), default=None)
    txid: Mapped[int] = mapped_column(BigInteger, server_default=FetchedValue())
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DispatchCursor(Base):
    """How far the worker has turned events into deliveries: (txid, seq) of the last one."""

    __tablename__ = "webhook_dispatch_cursor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    txid: Mapped[int] = mapped_column(BigInteger, default=0)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)


class WebhookEndpoint(Base):
    """A URL of a merchant's (or, with no merchant, the operator's) server and its events.

    Signing secrets are stored encrypted (AES-GCM under ``WALLET_WEBHOOK_KEK``); after a
    rotation the previous one keeps signing beside the new one until it expires.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    merchant_id: Mapped[str | None] = mapped_column(ForeignKey("merchants.id"), index=True,
                                                    default=None)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    events: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    previous_secret: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime,
                                                                        default=None)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    """One event to one endpoint: retried until it succeeds or its retry window ends."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'succeeded', 'failed', 'canceled')",
                        name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_webhook_deliveries_due", "next_attempt_at",
              postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
        Index("ix_webhook_deliveries_endpoint_seq", "endpoint_id", "seq"),
    )

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    id: Mapped[str] = mapped_column(String(40), unique=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id"), index=True)
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id"))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    # attempts claimed so far; a worker's result counts only if this is still its claim
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    last_status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    last_latency_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    last_response: Mapped[str | None] = mapped_column(Text, default=None)
    last_error: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class WebhookAttempt(Base):
    """The delivery log: one row per HTTP attempt, with status, latency and a response snippet."""

    __tablename__ = "webhook_attempts"

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    succeeded: Mapped[bool] = mapped_column(Boolean)
    status_code: Mapped[int | None] = mapped_column(Integer, default=None)
    latency_ms: Mapped[int] = mapped_column(Integer)
    response: Mapped[str | None] = mapped_column(Text, default=None)
    error: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
