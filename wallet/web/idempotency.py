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

Stored answers may hold bearer secrets (a voucher's manual code and payload, a
campaign's codes), so they are kept encrypted: AES-256-GCM under a key derived
from ``WALLET_SECRET_KEY`` (HKDF-SHA256, its own ``info``), with the caller's scope
and key as associated data. Records older than 24 hours are deleted by
``flask --app wallet idempotency purge`` (cron) and, opportunistically, by one
claim in ``IDEMPOTENCY_PURGE_EVERY`` (default 100).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, Response, current_app, request
from sqlalchemy import Integer, String, Table, Text, UniqueConstraint, delete, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, mapped_column

from wallet.db import Base, BigIntPK, UTCDateTime, db, is_postgres, utcnow
from wallet.errors import Conflict, InvalidRequest
from wallet.web.auth import principal
from wallet.web.json_body import NO_BODY, json_body

HEADER = "Idempotency-Key"
REPLAY_WINDOW = timedelta(hours=24)
CLAIM_TIMEOUT = timedelta(seconds=60)
MAX_KEY_LENGTH = 255
PURGE_EVERY = 100
PURGE_BATCH = 1000
SEALED_PREFIX = "v1:"
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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


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


class ReplayUnavailable(Conflict):
    code = "idempotency_replay_unavailable"
    default_message = ("The first answer for this Idempotency-Key cannot be replayed (the "
                       "secret key changed); use a new key.")


def replay_key(app: Flask) -> bytes:
    """The AES-256-GCM key of stored answers, derived from the app's secret key."""
    cached = app.extensions.get("wallet_idempotency_key")
    if cached is None:
        secret = app.config["SECRET_KEY"]
        material = secret if isinstance(secret, bytes) else str(secret).encode()
        cached = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                      info=b"wallet idempotency replay v1").derive(material)
        app.extensions["wallet_idempotency_key"] = cached
    return bytes(cached)


def _associated(scope: str, key: str) -> bytes:
    return f"{scope}\n{key}".encode()


def seal(body: bytes, scope: str, key: str, secret: bytes) -> str:
    """Encrypt a stored answer (text: ``v1:`` + base64 of nonce and ciphertext)."""
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(secret).encrypt(nonce, body, _associated(scope, key))
    return SEALED_PREFIX + base64.b64encode(nonce + sealed).decode()


def unseal(stored: str, scope: str, key: str, secret: bytes) -> bytes:
    """The stored answer; ``ReplayUnavailable`` if it was sealed under another secret."""
    try:
        raw = base64.b64decode(stored.removeprefix(SEALED_PREFIX), validate=True)
        return AESGCM(secret).decrypt(raw[:12], raw[12:], _associated(scope, key))
    except (InvalidTag, binascii.Error, ValueError):
        raise ReplayUnavailable(param=HEADER) from None


def _maybe_purge(session: Any, now: datetime) -> None:
    """Delete a batch of expired records on one claim in ``IDEMPOTENCY_PURGE_EVERY``."""
    every = int(current_app.config.get("IDEMPOTENCY_PURGE_EVERY", PURGE_EVERY))
    if every > 0 and secrets.randbelow(every) == 0:
        purge_expired(session, now, limit=PURGE_BATCH)


def _claim(scope: str, key: str, fingerprint: str) -> Response | None:
    """Hold the key for this transaction, or answer with the stored/conflict result."""
    session = db.session
    if is_postgres(session) and not session.execute(
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
    body = unseal(record.response_body or "", scope, key, replay_key(current_app))
    replay = Response(body, status=record.response_status,
                      mimetype="application/json")
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


def _store(scope: str, key: str, fingerprint: str, response: Response) -> None:
    """Record the answer in the request's transaction (it commits with the work)."""
    session = db.session
    dialect = postgresql if is_postgres(session) else sqlite
    now = utcnow()
    values = {"fingerprint": fingerprint, "state": "done", "created_at": now,
              "response_status": response.status_code,
              "response_body": seal(response.get_data(), scope, key,
                                    replay_key(current_app))}
    session.execute(
        dialect.insert(records_t).values(scope=scope, key=key, **values)
        .on_conflict_do_update(index_elements=["scope", "key"], set_=values)
    )
    _maybe_purge(session, now)


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

    # read by wallet.web.docs: the Idempotency-Key header and 402/409 are documented
    wrapper._wallet_idempotent = True  # type: ignore[attr-defined]
    return cast(F, wrapper)


def purge_expired(session: Any, now: datetime | None = None, limit: int | None = None) -> int:
    """Delete records past the replay window (at most ``limit``); returns how many."""
    cutoff = (now or utcnow()) - REPLAY_WINDOW
    expired = records_t.c.created_at < cutoff
    if limit is not None:
        oldest = select(records_t.c.id).where(expired).order_by(records_t.c.id).limit(limit)
        expired = records_t.c.id.in_(oldest.scalar_subquery())
    result = session.execute(delete(records_t).where(expired))
    return int(cast(CursorResult[Any], result).rowcount or 0)
