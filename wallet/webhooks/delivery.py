"""From events to deliveries to HTTP attempts: the worker's steps, each over a session.

1. ``dispatch``: turn new events into one delivery per subscribed endpoint. Events are
   taken in (transaction id, seq) order, and on PostgreSQL only from transactions older
   than every transaction still running in the database, so an event committed late by a
   slow transaction is never skipped (a sequence alone would be: ids are handed out at
   INSERT, rows become visible at COMMIT). One worker dispatches at a time (the cursor row
   is locked ``FOR UPDATE SKIP LOCKED``; the others skip the step).
2. ``claim``: take due deliveries (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite has one
   writer), count the attempt and push ``next_attempt_at`` a lease ahead, then commit: no
   lock is held while sending, and a worker that dies leaves its deliveries due again
   after the lease (at least once).
3. ``messages``: the signed request of each claimed delivery (``sender.Sender`` sends them).
4. ``record``: the attempt log, then success; or the next attempt after an exponential
   backoff with jitter; or, once the retry window (3 days) is over, failure: the endpoint
   is marked failing and a ``webhook_endpoint.failing`` event is emitted.

The caller commits after each step (``wallet.webhooks.worker``). No Flask.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, Text, bindparam, insert, select, text, tuple_, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from wallet.db import is_postgres, utcnow
from wallet.ids import new_id
from wallet.webhooks.events import emit, to_json
from wallet.webhooks.models import (
    DispatchCursor,
    Event,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from wallet.webhooks.sender import Message, Outcome
from wallet.webhooks.service import ALL_EVENTS, endpoint_view, signing_secrets

deliveries_t = cast(Table, WebhookDelivery.__table__)
attempts_t = cast(Table, WebhookAttempt.__table__)
endpoints_t = cast(Table, WebhookEndpoint.__table__)
events_t = cast(Table, Event.__table__)
cursor_t = cast(Table, DispatchCursor.__table__)
FAILING = "webhook_endpoint.failing"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Delay before attempt n+1 after n failures: ``base * factor**(n-1)``, at most
    ``cap``, times a random factor in [1 - jitter, 1 + jitter]; no attempt after
    ``window`` from the delivery's creation. The defaults: 5 s, 15 s, 45 s, 2 min, 7 min,
    20 min, 1 h, 3 h, then every 6 h, for 3 days (about 18 attempts)."""

    base: float = 5.0
    factor: float = 3.0
    cap: float = 6 * 3600.0
    window: float = 3 * 86400.0
    jitter: float = 0.2

    def delay(self, failures: int, rng: random.Random) -> timedelta:
        seconds = min(self.cap, self.base * self.factor ** max(0, failures - 1))
        return timedelta(seconds=seconds * rng.uniform(1 - self.jitter, 1 + self.jitter))

    def next_attempt(self, created_at: datetime, failures: int, now: datetime,
                     rng: random.Random) -> datetime | None:
        """When to try again, or None when the window is over."""
        end = created_at + timedelta(seconds=self.window)
        if now >= end:
            return None
        return min(now + self.delay(failures, rng), end)


# --- 1. dispatch --------------------------------------------------------------------------


# The smallest transaction id that may still be running in this database: the oldest
# running one there (``pg_stat_activity.backend_xid``, 32 bits, widened to 64 around this
# transaction's own id, which is among them). Transactions that have no id yet will get
# larger ones. Those of other databases on the cluster do not hold webhooks back (as
# ``pg_snapshot_xmin`` would).
FINISHED_BELOW_SQL = """
WITH me AS (SELECT pg_current_xact_id()::text::bigint AS x)
SELECT LEAST(me.x, MIN(me.x + (a.backend_xid::text::bigint - me.x % 4294967296
                               + 6442450944) % 4294967296 - 2147483648))
FROM me LEFT JOIN pg_stat_activity a
  ON a.datname = current_database() AND a.backend_xid IS NOT NULL
GROUP BY me.x
"""


def _finished_below(session: Session) -> int:
    """Every transaction with a smaller id has ended (PostgreSQL)."""
    return int(session.execute(text(FINISHED_BELOW_SQL)).scalar_one())


def dispatch(session: Session, *, limit: int = 1000, now: datetime | None = None) -> int:
    """Turn up to ``limit`` new events into deliveries; returns how many events were
    handled (0 also when another worker is dispatching)."""
    now = now or utcnow()
    query = select(cursor_t.c.txid, cursor_t.c.seq).where(cursor_t.c.id == 1)
    if is_postgres(session):
        query = query.with_for_update(skip_locked=True)
    cursor = session.execute(query).first()
    if cursor is None:
        return 0
    e = events_t
    new: Any = select(e.c.seq, e.c.id, e.c.type, e.c.merchant_id, e.c.txid, e.c.created_at)
    if is_postgres(session):
        new = (new.where(tuple_(e.c.txid, e.c.seq) > tuple_(cursor.txid, cursor.seq),
                         e.c.txid < _finished_below(session))
               .order_by(e.c.txid, e.c.seq))
    else:  # one writer at a time: seq order is commit order
        new = new.where(e.c.seq > cursor.seq).order_by(e.c.seq)
    rows = session.execute(new.limit(limit)).all()
    if not rows:
        return 0
    deliveries = _fan_out(session, rows, now)
    if deliveries:
        session.execute(insert(deliveries_t), deliveries)
    last = rows[-1]
    session.execute(update(cursor_t).where(cursor_t.c.id == 1)
                    .values(txid=last.txid, seq=last.seq))
    return len(rows)


def _fan_out(session: Session, rows: Sequence[Any], now: datetime) -> list[dict[str, Any]]:
    """One delivery row per (event, live endpoint of its owner subscribed to its type,
    created before the event)."""
    owners = {row.merchant_id for row in rows}
    w = endpoints_t
    merchant_ids = [o for o in owners if o is not None]
    clause: Any = w.c.merchant_id.in_(merchant_ids)
    if None in owners:
        clause = clause | w.c.merchant_id.is_(None)
    endpoints: dict[str | None, list[Any]] = defaultdict(list)
    for endpoint in session.execute(
            select(w.c.id, w.c.merchant_id, w.c.events, w.c.created_at)
            .where(clause, w.c.disabled_at.is_(None), w.c.deleted_at.is_(None))):
        endpoints[endpoint.merchant_id].append(endpoint)
    failing_ids = _failing_endpoint_ids(session, [r.id for r in rows if r.type == FAILING])
    out = []
    for row in rows:
        for endpoint in endpoints.get(row.merchant_id, ()):
            if (endpoint.created_at <= row.created_at
                    and (ALL_EVENTS in endpoint.events or row.type in endpoint.events)
                    and failing_ids.get(row.id) != endpoint.id):
                out.append({"id": new_id("dlv"), "event_id": row.id, "endpoint_id": endpoint.id,
                            "status": "pending", "attempts": 0, "next_attempt_at": now,
                            "manual": False, "created_at": now})
    return out


def _failing_endpoint_ids(session: Session, event_ids: list[str]) -> dict[str, str]:
    """event id -> the endpoint a ``webhook_endpoint.failing`` event is about (it is not
    sent to the endpoint that is failing)."""
    if not event_ids:
        return {}
    found = session.execute(select(events_t.c.id, events_t.c.data)
                            .where(events_t.c.id.in_(event_ids))).all()
    return {row.id: row.data.get("id") for row in found}


# --- 2. claim -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claimed:
    delivery_id: str
    attempt: int
    event_id: str
    endpoint_id: str
    created_at: datetime


def claim(session: Session, *, limit: int = 200, lease: timedelta = timedelta(minutes=5),
          now: datetime | None = None, run_started: datetime | None = None) -> list[Claimed]:
    """Take up to ``limit`` due deliveries of live endpoints for this worker.

    With ``run_started`` (a ``--once`` run), a delivery already tried is taken only if
    it was due when the run started, so each delivery gets at most one attempt per run.
    """
    now = now or utcnow()
    d, w = deliveries_t, endpoints_t
    due = (select(d.c.seq)
           .where(d.c.status == "pending", d.c.next_attempt_at <= now,
                  d.c.endpoint_id.in_(select(w.c.id).where(w.c.disabled_at.is_(None),
                                                           w.c.deleted_at.is_(None))))
           .order_by(d.c.next_attempt_at).limit(limit))
    if run_started is not None:
        due = due.where((d.c.attempts == 0) | (d.c.next_attempt_at <= run_started))
    if is_postgres(session):
        due = due.with_for_update(skip_locked=True, of=d)
    rows = session.execute(
        update(d).where(d.c.seq.in_(due.scalar_subquery()))
        .values(attempts=d.c.attempts + 1, next_attempt_at=now + lease)
        .returning(d.c.id, d.c.attempts, d.c.event_id, d.c.endpoint_id, d.c.created_at)
    ).all()
    return [Claimed(r.id, r.attempts, r.event_id, r.endpoint_id, r.created_at) for r in rows]


# --- 3. messages --------------------------------------------------------------------------


def event_body(event_id: str, event_type: str, merchant_id: str | None, created_at: datetime,
               data_json: str) -> bytes:
    """The request body: the event as ``GET /v1/events/{id}`` returns it, compact JSON."""
    head = to_json({"id": event_id, "object": "event", "type": event_type,
                    "timestamp": created_at, "merchant_id": merchant_id})
    return f"{head[:-1]},\"data\":{data_json}}}".encode()


def messages(session: Session, claimed: Sequence[Claimed], *, kek: bytes,
             now: datetime | None = None) -> list[Message]:
    """The signed request of each claimed delivery."""
    if not claimed:
        return []
    now = now or utcnow()
    e = events_t
    bodies = {row.id: event_body(row.id, row.type, row.merchant_id, row.created_at, row.data)
              for row in session.execute(
                  select(e.c.id, e.c.type, e.c.merchant_id, e.c.created_at,
                         sql_cast(e.c.data, Text).label("data"))
                  .where(e.c.id.in_({c.event_id for c in claimed})))}
    endpoints = {ep.id: (ep.url, signing_secrets(ep, kek, now)) for ep in session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.id.in_({c.endpoint_id for c in claimed})))}
    return [Message(c.delivery_id, c.attempt, c.endpoint_id, endpoints[c.endpoint_id][0],
                    c.event_id, bodies[c.event_id], endpoints[c.endpoint_id][1])
            for c in claimed]


# --- 4. record ----------------------------------------------------------------------------


@dataclass
class Recorded:
    succeeded: int = 0
    retrying: int = 0
    failed: int = 0
    stale: int = 0  # results of claims another worker has taken over since


def record(session: Session, claimed: Sequence[Claimed], outcomes: Iterable[Outcome], *,
           retry: RetryPolicy, rng: random.Random | None = None,
           now: datetime | None = None) -> Recorded:
    """Write the attempts and move each delivery on (see the module docstring)."""
    now = now or utcnow()
    rng = rng or random.Random()  # noqa: S311 (jitter, not secrets)
    by_id = {c.delivery_id: c for c in claimed}
    summary = Recorded()
    log, done, again, failed = [], [], [], []
    for o in outcomes:
        log.append({"delivery_id": o.delivery_id, "attempt": o.attempt, "succeeded": o.ok,
                    "status_code": o.status_code, "latency_ms": o.latency_ms,
                    "response": o.response, "error": o.error, "created_at": now})
        last = {"b_id": o.delivery_id, "b_attempt": o.attempt, "code": o.status_code,
                "latency": o.latency_ms, "response": o.response, "error": o.error}
        if o.ok:
            done.append(last)
            continue
        when = retry.next_attempt(by_id[o.delivery_id].created_at, o.attempt, now, rng)
        if when is None:
            failed.append(last)
        else:
            again.append({**last, "next": when})
    if log:
        session.execute(insert(attempts_t), log)
    summary.succeeded = _finish(session, done, "succeeded", now)
    summary.failed = _finish(session, failed, "failed", now)
    summary.retrying = _reschedule(session, again)
    summary.stale = len(log) - summary.succeeded - summary.failed - summary.retrying
    _mark_endpoints(session, claimed, done, failed, now)
    return summary


def _current_claim(d: Table) -> Any:
    return ((d.c.id == bindparam("b_id")) & (d.c.attempts == bindparam("b_attempt"))
            & (d.c.status == "pending"))


def _last_values(d: Table) -> dict[str, Any]:
    return {"last_status_code": bindparam("code"), "last_latency_ms": bindparam("latency"),
            "last_response": bindparam("response"), "last_error": bindparam("error")}


def _finish(session: Session, rows: list[dict[str, Any]], status: str, now: datetime) -> int:
    if not rows:
        return 0
    d = deliveries_t
    result = session.connection().execute(
        update(d).where(_current_claim(d))
        .values(status=status, finished_at=now, **_last_values(d)), rows)
    return int(result.rowcount)


def _reschedule(session: Session, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    d = deliveries_t
    result = session.connection().execute(
        update(d).where(_current_claim(d))
        .values(next_attempt_at=bindparam("next"), **_last_values(d)), rows)
    return int(result.rowcount)


def _mark_endpoints(session: Session, claimed: Sequence[Claimed], done: list[dict[str, Any]],
                    failed: list[dict[str, Any]], now: datetime) -> None:
    """A success clears an endpoint's failing mark; a delivery that ran out of retries
    sets it, with a ``webhook_endpoint.failing`` event the first time."""
    endpoint_of = {c.delivery_id: c.endpoint_id for c in claimed}
    recovered = {endpoint_of[r["b_id"]] for r in done}
    w = endpoints_t
    if recovered:
        session.execute(update(w).where(w.c.id.in_(recovered), w.c.failing_since.is_not(None))
                        .values(failing_since=None))
    failing = {endpoint_of[r["b_id"]] for r in failed} - recovered
    if not failing:
        return
    newly = session.execute(update(w).where(w.c.id.in_(failing), w.c.failing_since.is_(None))
                            .values(failing_since=now).returning(w.c.id)).scalars().all()
    for endpoint in session.scalars(select(WebhookEndpoint)
                                    .where(WebhookEndpoint.id.in_(newly))
                                    .execution_options(populate_existing=True)):
        emit(session, FAILING, endpoint_view(endpoint), endpoint.merchant_id)
