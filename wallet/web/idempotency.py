"""``Idempotency-Key`` on every POST that moves value.

The first successful answer is stored with the request's work, in the same
database transaction, and replayed for 24 hours. The same key with another
body answers 409 ``idempotency_key_reused``; a second request arriving while
the first still runs answers 409 ``idempotency_request_in_progress``.

To make the claim visible to concurrent requests it is committed on its own
before the work starts (the only other commit of a request). A request that
fails (any 4xx/5xx) releases its claim, so the client may retry with the
same key; a claim left by a crashed worker expires after ``CLAIM_TIMEOUT``.
Keys are scoped to the caller: two merchants may use the same key.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Response, request
from sqlalchemy import Integer, String, Table, Text, UniqueConstraint, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, BigIntPK, UTCDateTime, db, utcnow
from wallet.errors import Conflict, InvalidRequest
from wallet.web.auth import principal
from wallet.web.json_body import NO_BODY, json_body

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
    parsed = json_body()
    if parsed is NO_BODY:
        body = request.get_data(cache=True).hex()
    else:
        body = json.dumps(parsed, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _claim(scope: str, key: str, fingerprint: str) -> Response | None:
    """Claim the key (committed at once), or answer with the stored/conflict result."""
    session = db.session
    session.commit()  # end the read-only transaction of authentication
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    now = utcnow()
    inserted = session.execute(
        dialect.insert(records_t).values(
            scope=scope, key=key, fingerprint=fingerprint, state="in_progress", created_at=now,
        ).on_conflict_do_nothing(index_elements=["scope", "key"]).returning(records_t.c.id)
    ).scalar()
    if inserted is not None:
        session.commit()
        return None
    record = session.execute(
        select(records_t).where(records_t.c.scope == scope, records_t.c.key == key)
    ).one()
    expired = record.created_at < now - (
        REPLAY_WINDOW if record.state == "done" else CLAIM_TIMEOUT
    )
    if expired:
        taken = cast(CursorResult[Any], session.execute(
            update(records_t)
            .where(records_t.c.id == record.id, records_t.c.created_at == record.created_at)
            .values(fingerprint=fingerprint, state="in_progress", created_at=now,
                    response_status=None, response_body=None)
        )).rowcount
        session.commit()
        if taken == 1:
            return None
        raise Conflict("Another request with this Idempotency-Key is in progress.",
                       code="idempotency_request_in_progress", param=HEADER)
    session.rollback()
    if record.fingerprint != fingerprint:
        raise Conflict("This Idempotency-Key was used with different parameters.",
                       code="idempotency_key_reused", param=HEADER)
    if record.state != "done":
        raise Conflict("Another request with this Idempotency-Key is in progress.",
                       code="idempotency_request_in_progress", param=HEADER)
    replay = Response(record.response_body, status=record.response_status,
                      mimetype="application/json")
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


def _release(scope: str, key: str) -> None:
    db.session.rollback()
    db.session.execute(
        delete(records_t).where(records_t.c.scope == scope, records_t.c.key == key,
                                records_t.c.state == "in_progress")
    )
    db.session.commit()


def idempotent(view: F) -> F:
    """Apply Idempotency-Key semantics; put it under ``@requires`` and above schemas."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        scope = principal().scope_key
        key = _key_from_header()
        replay = _claim(scope, key, request_fingerprint())
        if replay is not None:
            return replay
        try:
            response = view(*args, **kwargs)
        except BaseException:
            _release(scope, key)
            raise
        response = cast(Response, response)
        if response.status_code >= 400:
            _release(scope, key)
            return response
        db.session.execute(
            update(records_t)
            .where(records_t.c.scope == scope, records_t.c.key == key)
            .values(state="done", response_status=response.status_code,
                    response_body=response.get_data(as_text=True))
        )
        return response

    return cast(F, wrapper)


def purge_expired(session: Any, now: datetime | None = None) -> int:
    """Delete records past the replay window; returns how many."""
    cutoff = (now or utcnow()) - REPLAY_WINDOW
    result = session.execute(delete(records_t).where(records_t.c.created_at < cutoff))
    return int(cast(CursorResult[Any], result).rowcount or 0)
