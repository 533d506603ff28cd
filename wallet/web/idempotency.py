"""``Idempotency-Key`` on every POST that moves value.

The key is claimed *inside* the request's own database transaction, and the first
successful answer is stored in that same transaction: the work and its record
commit together or not at all, so there is nothing to release when a request
fails, is retried (``wallet.web.requests``) or its process is killed, and a retry
never runs the work twice. The same key with another body answers 409
``idempotency_key_reused``; answers are replayed for 24 hours.

Two requests with one key at once: on PostgreSQL the first takes a
transaction-scoped advisory lock on (caller, key) and the second, failing to get
it, answers 409 ``idempotency_request_in_progress`` at once; the lock ends with
the first one's transaction (commit, rollback, or its connection dying with a
killed process). On SQLite writers run one at a time (``BEGIN IMMEDIATE``), so the
second starts after the first committed and replays its answer. Keys are scoped to
the caller: two merchants may use the same key. (Rows left ``in_progress`` by the
earlier, separately committed claims are honoured until ``CLAIM_TIMEOUT``.)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, request
from sqlalchemy import Integer, String, Table, Text, UniqueConstraint, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, BigIntPK, UTCDateTime, db, utcnow
from wallet.errors import Conflict, InvalidRequest
from wallet.web.auth import principal

HEADER = "Idempotency-Key"
REPLAY_WINDOW = timedelta(hours=24)
CLAIM_TIMEOUT = timedelta(seconds=60)
MAX_KEY_LENGTH = 255
# The header as an OpenAPI parameter: ``@blp.doc(parameters=[IDEMPOTENCY_KEY])``.
IDEMPOTENCY_KEY = {"in": "header", "name": HEADER, "required": True,
                   "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH,
                              "pattern": "^[\\x21-\\x7e]+$"}}

F = TypeVar("F", bound=Callable[..., Any])


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("scope", "key", name="scope_key"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    scope: Mapped[str] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12))  # in_progress | done
    response_status: Mapped[int | None] = mapped_column(Integer, default=None)
    response_body: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


records_t = cast(Table, IdempotencyRecord.__table__)


def _key_from_header() -> str:
    key = request.headers.get(HEADER, "")
    if not key:
        raise InvalidRequest(f"This request moves value: send an {HEADER} header.",
                             code="idempotency_key_required", param=HEADER)
    if len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise InvalidRequest(f"{HEADER} must be 1 to 255 printable ASCII characters.",
                             code="invalid_idempotency_key", param=HEADER)
    return key


def request_fingerprint() -> str:
    """A digest of method, path and body (JSON bodies compared by content)."""
    raw = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")) if raw else ""
    except ValueError:
        body = raw.hex()
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _claim(scope: str, key: str, fingerprint: str) -> Response | None:
    """Hold the key for this transaction, or answer with the stored/conflict result."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql" and not session.execute(
        text("SELECT pg_try_advisory_xact_lock(hashtextextended(:lock, 0))"),
        {"lock": f"idempotency\n{scope}\n{key}"},
    ).scalar():
        raise Conflict("Another request with this Idempotency-Key is in progress.",
                       code="idempotency_request_in_progress", param=HEADER)
    record = session.execute(
        select(records_t).where(records_t.c.scope == scope, records_t.c.key == key)
    ).first()
    if record is None:
        return None
    now = utcnow()
    done = record.state == "done"
    if record.created_at < now - (REPLAY_WINDOW if done else CLAIM_TIMEOUT):
        return None  # expired: this request's answer replaces it
    if record.fingerprint != fingerprint:
        raise Conflict("This Idempotency-Key was used with different parameters.",
                       code="idempotency_key_reused", param=HEADER)
    if not done:
        raise Conflict("Another request with this Idempotency-Key is in progress.",
                       code="idempotency_request_in_progress", param=HEADER)
    replay = Response(record.response_body, status=record.response_status,
                      mimetype="application/json")
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


def _store(scope: str, key: str, fingerprint: str, response: Response) -> None:
    """Record the answer in the request's transaction (it commits with the work)."""
    session = db.session
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"fingerprint": fingerprint, "state": "done", "created_at": utcnow(),
              "response_status": response.status_code,
              "response_body": response.get_data(as_text=True)}
    session.execute(
        dialect.insert(records_t).values(scope=scope, key=key, **values)
        .on_conflict_do_update(index_elements=["scope", "key"], set_=values)
    )


def idempotent(view: F) -> F:
    """Apply Idempotency-Key semantics; put it under ``@requires`` and above schemas."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        scope = principal().scope_key
        key = _key_from_header()
        fingerprint = request_fingerprint()
        replay = _claim(scope, key, fingerprint)
        if replay is not None:
            return replay
        response = cast(Response, view(*args, **kwargs))
        if response.status_code < 400:
            _store(scope, key, fingerprint, response)
        return response

    return cast(F, wrapper)


def purge_expired(session: Any, now: datetime | None = None) -> int:
    """Delete records past the replay window; returns how many."""
    cutoff = (now or utcnow()) - REPLAY_WINDOW
    result = session.execute(delete(records_t).where(records_t.c.created_at < cutoff))
    return int(cast(CursorResult[Any], result).rowcount or 0)
