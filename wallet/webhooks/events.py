"""The events outbox: what happened, written in the same transaction as the change.

Other capabilities call ``emit(session, type, obj, merchant_id=None)`` next to the change
an event describes; it is one INSERT of one row and nothing else (no fan-out to endpoints:
the delivery worker does that later, see ``wallet.webhooks.delivery``). If the change rolls
back, so does its event.

Plain Python over a session: no Flask, no commit.
"""

from __future__ import annotations

import functools
import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from wallet.db import utcnow
from wallet.errors import NotFound, Unprocessable
from wallet.ids import new_id
from wallet.ledger.core import DriverCursor
from wallet.webhooks.models import Event

MERCHANT = "merchant"  # delivered to the merchant named by the event
PLATFORM = "platform"  # delivered to the operator's endpoints (merchant_id None)
OWNER = "owner"  # either, after the endpoint's owner

# The event catalogue: type -> (audience, what happened). A capability that emits a new
# type adds one line here (docs/webhooks.md lists them with example payloads).
EVENT_TYPES: dict[str, tuple[str, str]] = {
    "purchase.created": (MERCHANT, "A person bought from one of the merchant's apps."),
    "refund.created": (MERCHANT, "The merchant refunded all or part of a purchase."),
    "voucher.redeemed": (MERCHANT, "A voucher was redeemed at one of the merchant's counters."),
    "voucher.claimed": (PLATFORM, "A person claimed a voucher into their wallet."),
    "payout.created": (MERCHANT, "A payout of the merchant's earnings was created."),
    "payout.paid": (MERCHANT, "The bank paid a payout."),
    "payout.failed": (MERCHANT, "A payout failed; its value is available again."),
    "payout.canceled": (MERCHANT, "A pending payout was canceled; its value is available "
                                  "again."),
    "payout_settings.updated": (MERCHANT, "The payout bank details changed; payouts are locked "
                                          "until ``payouts_locked_until``."),
    "earnings.released": (MERCHANT, "Pending earnings passed the holding period and became "
                                    "available."),
    "topup.succeeded": (PLATFORM, "A person's top-up was paid and its credits landed."),
    "subscription.created": (MERCHANT, "A person subscribed to one of the merchant's plans."),
    "subscription.renewed": (MERCHANT, "A subscription's next period was charged."),
    "subscription.past_due": (MERCHANT, "A renewal found too few credits; it is retried over "
                                        "the grace period."),
    "subscription.canceled": (MERCHANT, "A subscription ended (canceled, or its grace period "
                                        "ran out)."),
    "autoreload.failed": (PLATFORM, "An automatic top-up of a person's wallet failed (or was "
                                    "refused by a limit); after repeats the rule turns off."),
    "webhook_endpoint.failing": (OWNER, "A webhook endpoint failed every retry of a delivery "
                                        "for 3 days."),
}

INSERT_SQL = """
INSERT INTO events (id, type, merchant_id, data, created_at)
VALUES ({id}, {type}, {merchant_id}, {data}, {created_at})
"""


def audience_of(event_type: str) -> str:
    """``merchant``, ``platform`` or ``owner``; ValueError for a type not in the catalogue."""
    try:
        return EVENT_TYPES[event_type][0]
    except KeyError:
        raise ValueError(f"unknown event type {event_type!r}: add it to EVENT_TYPES") from None


def to_json(obj: Any) -> str:
    """Compact JSON; datetimes as ISO 8601, as the API's schemas write them."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, default=_jsonable)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _credits() -> Any:
    """The credits service's driver-SQL helpers (imported late: credits imports payouts,
    which emits events)."""
    from wallet.credits import service

    return service


@functools.cache
def insert_sql(dialect: str) -> str:
    """The outbox INSERT as driver SQL (``txid`` comes from the column's server default)."""
    sql = _credits().driver_sql(INSERT_SQL, dialect)
    if dialect == "postgresql":
        sql = sql.replace("%(data)s", "CAST(%(data)s AS JSON)")
    return sql


def insert_params(event_type: str, obj: dict[str, Any], merchant_id: str | None,
                  now: datetime, dialect: str) -> dict[str, Any]:
    """The parameters of ``insert_sql`` for one event (checked against the catalogue)."""
    audience = audience_of(event_type)
    if audience == MERCHANT and merchant_id is None:
        raise ValueError(f"{event_type} events belong to a merchant: pass merchant_id")
    if audience == PLATFORM and merchant_id is not None:
        raise ValueError(f"{event_type} events are platform events: no merchant_id")
    return {"id": new_id("evt"), "type": event_type, "merchant_id": merchant_id,
            "data": to_json(obj), "created_at": _credits().driver_time(now, dialect)}


def emit(session: Session, event_type: str, obj: dict[str, Any],
         merchant_id: str | None = None) -> str:
    """Record that ``event_type`` happened to ``obj`` (the object as the API returns it),
    in the caller's transaction; returns the event id (``evt_…``).

    ``merchant_id`` names the merchant whose endpoints receive it; None makes it a
    platform event for the operator. The event's timestamp is the time it is recorded
    (the wall clock, also when the caller works at a pretended ``now``). One INSERT,
    nothing else.
    """
    conn = session.connection()
    dialect = conn.dialect.name
    params = insert_params(event_type, obj, merchant_id, utcnow(), dialect)
    # the DBAPI cursor of the session's connection (same transaction): a fixed statement
    # needs none of SQLAlchemy's statement set-up, and this is on the purchase's hot path
    DriverCursor(conn).execute(insert_sql(dialect), [params])
    return str(params["id"])


def emit_many(session: Session, event_type: str,
              items: list[tuple[dict[str, Any], str | None]]) -> list[str]:
    """``emit`` for many objects at once, e.g. a payout run's payouts (PostgreSQL: COPY)."""
    if not items:
        return []
    conn = session.connection()
    dialect = conn.dialect.name
    moment = utcnow()
    rows = [insert_params(event_type, obj, merchant_id, moment, dialect)
            for obj, merchant_id in items]
    if dialect == "postgresql":
        sql = "COPY events (id, type, merchant_id, data, created_at) FROM STDIN"
        with DriverCursor(conn).wrapping(sql) as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row((row["id"], row["type"], row["merchant_id"], row["data"],
                                row["created_at"]))
    else:
        conn.exec_driver_sql(insert_sql(dialect), rows)
    return [str(row["id"]) for row in rows]


# --- reading ----------------------------------------------------------------------------


def event_view(event: Event) -> dict[str, Any]:
    """An event as the API and the webhook body show it (Standard Webhooks' payload shape)."""
    return {"id": event.id, "object": "event", "type": event.type,
            "timestamp": event.created_at, "merchant_id": event.merchant_id,
            "data": event.data}


def get_event(session: Session, event_id: str, *, merchant_id: str | None,
              any_owner: bool = False) -> Event:
    """One event of this owner (a merchant, or None: the platform), else 404."""
    event = session.scalar(select(Event).where(Event.id == event_id))
    if event is None or (event.merchant_id != merchant_id and not any_owner):
        raise NotFound("No such event.", code="event_not_found", param="id")
    return event


def type_filter(query: Any, pattern: str | None) -> Any:
    """``purchase.created`` exactly, or every ``payout.*``."""
    if not pattern:
        return query
    if pattern.endswith(".*"):
        return query.where(Event.type.startswith(pattern[:-1], autoescape=True))
    if pattern not in EVENT_TYPES:
        raise Unprocessable(f"Unknown event type {pattern!r}.", code="unknown_event_type",
                             param="type")
    return query.where(Event.type == pattern)


def list_events(session: Session, *, merchant_id: str | None, type_pattern: str | None = None,
                limit: int = 20, starting_after: str | None = None) -> tuple[list[Event], bool]:
    """The owner's events, newest first; the cursor is an event id from the previous page."""
    owner = (Event.merchant_id.is_(None) if merchant_id is None
             else Event.merchant_id == merchant_id)
    query = type_filter(select(Event).where(owner), type_pattern)
    if starting_after:
        anchor = session.scalar(select(Event.seq).where(Event.id == starting_after, owner))
        if anchor is None:
            raise NotFound("starting_after is not an id from this list.",
                                 code="invalid_cursor", param="starting_after")
        query = query.where(Event.seq < anchor)
    rows = list(session.scalars(query.order_by(Event.seq.desc()).limit(limit + 1)))
    return rows[:limit], len(rows) > limit
