"""The purchase hot path on PostgreSQL: one statement, one round trip, no ORM.

``wallet_purchase`` (a PL/pgSQL function shipped in migration ``i12_01``) does all of
a purchase: the access token's revocation check (the token itself was verified
without a query, ``wallet.oauth.access_tokens``), the Idempotency-Key claim, replay
and conflict, the caps, the lots and paid credits in spend order, the merchant's
shard, the ledger transaction and postings, the purchase, the risk counters and the
``purchase.created`` outbox row; it answers one row or refuses with a RAISE.

It runs on a connection of its own pool in autocommit mode, so the statement is the
transaction: one round trip, COMMIT included, no BEGIN, no pre-ping (a connection
that died while idle fails the statement, which is then run again on a fresh one).
When the request's session is bound to a connection (an outer transaction, as in
the tests) it runs inside that transaction under a SAVEPOINT instead.

The Python purchase (``wallet.purchases.service.create_purchase``) is the same
purchase for SQLite and for what the function leaves to it (a merchant's very first
sale, which opens the merchant's account). Plain Python: no Flask.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from wallet import retry
from wallet.errors import AuthenticationError, Conflict, ServiceUnavailable
from wallet.ids import new_id, secret_digest
from wallet.ledger.core import DriverCursor
from wallet.oauth.access_tokens import Claims
from wallet.purchases.service import (
    Buyer,
    Limits,
    _public,
    ledger_reference,
    refusal,
    request_fingerprint,
)
from wallet.webhooks.events import to_json

CALL = ("SELECT outcome, id, amount, description, metadata, balance_after, created_at "
        "FROM wallet_purchase(" + ", ".join(["%s"] * 23) + ")")
RAISE_EXCEPTION = "P0001"
PYTHON_PATH = "python_path"


ATTEMPT = "wallet.purchases.attempt"
"""The WSGI environ key under which ``wallet.purchases.fast`` hands its ``Attempt`` to the
Flask view when it hands the request over."""


@dataclass(slots=True)
class Attempt:
    """One request's purchase across every run of the statement, the WSGI layer's and
    then the Flask view's: the purchase id they all propose, and whether a run lost its
    connection (its outcome unknown: it may have committed).

    A replay whose purchase id is this one is this request's own purchase (a run
    committed it, its answer was lost): answered as created, never as a replay. A key
    still held after a lost run may be held by that run: 503, not 409."""

    purchase_id: str = field(default_factory=lambda: new_id("pur"))
    lost: bool = False


class UsePythonPath(Exception):
    """The function left this purchase to the Python path (the merchant's first sale)."""


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """What the function checks about the caller's signed access token."""

    digest: str
    grant_id: str
    grant_version: int

    @classmethod
    def of(cls, token: str, claims: Claims) -> TokenCheck:
        return cls(secret_digest(token), claims.grant_id, claims.grant_version)


def hot_engine(engine: Engine, pool_size: int) -> Engine:
    """The hot path's own pool: the same database, autocommit, no pre-ping."""
    return create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_pre_ping=False,
                         pool_size=pool_size, max_overflow=pool_size)


def purchase(
    target: Engine | Session,
    buyer: Buyer,
    token: TokenCheck | None,
    *,
    amount: int,
    description: str,
    metadata: dict[str, Any] | None,
    idempotency_key: str,
    limits: Limits,
    now: datetime | None = None,
    attempt: Attempt | None = None,
) -> tuple[dict[str, Any], bool]:
    """One purchase by ``wallet_purchase``; returns (purchase, created) like
    ``create_purchase`` and raises the same errors, or ``UsePythonPath``.

    ``target``: the hot engine (autocommit, one round trip), or a session whose
    transaction the purchase joins (under a SAVEPOINT). ``attempt``: the request's runs
    so far (``Attempt``; the WSGI layer's, handed to the Flask view), updated here.
    """
    now = now or datetime.now(UTC)
    metadata = metadata or {}
    attempt = attempt if attempt is not None else Attempt()
    params = _params(buyer, token, amount, description, metadata, idempotency_key, limits,
                     now, attempt.purchase_id)
    if isinstance(target, Session):
        with target.begin_nested():
            row = _call(target.connection(), params, amount, buyer, limits)
    else:
        row = _call_with_retries(target, params, amount, buyer, limits, attempt)
    outcome, purchase_id, amount, description, stored_metadata, balance_after, created = row
    answer = {"id": purchase_id, "amount": int(amount), "refunded": 0,
              "merchant_id": buyer.merchant_id, "app_id": buyer.app_id,
              "user_id": buyer.user_id, "description": description,
              "metadata": stored_metadata, "balance_after": int(balance_after),
              "created_at": now if outcome == "created" else created.astimezone(UTC)}
    # a replay of the purchase this request proposed: one of its runs committed it
    return _public(answer), outcome == "created" or purchase_id == attempt.purchase_id


def _params(buyer: Buyer, token: TokenCheck | None, amount: int, description: str,
            metadata: dict[str, Any], key: str, limits: Limits, now: datetime,
            purchase_id: str) -> tuple[Any, ...]:
    ledger_metadata = {"purchase_id": purchase_id, "app_id": buyer.app_id,
                       "user_id": buyer.user_id, "description": description}
    event = {"object": "purchase", "id": purchase_id, "amount": amount, "refunded": 0,
             "merchant_id": buyer.merchant_id, "app_id": buyer.app_id,
             "user_id": buyer.user_id, "description": description, "metadata": metadata}
    return (
        buyer.user_id, buyer.app_id, buyer.merchant_id,
        token.grant_id if token else None, token.grant_version if token else None,
        token.digest if token else None,
        amount, description, json.dumps(metadata, separators=(",", ":")),
        key, request_fingerprint(amount, description, metadata),
        ledger_reference(buyer, key), purchase_id, new_id("evt"),
        json.dumps(ledger_metadata),
        json.dumps(ledger_metadata, sort_keys=True, separators=(",", ":"), ensure_ascii=True),
        buyer.per_purchase_cap, buyer.daily_cap, limits.daily_per_app,
        limits.velocity_per_minute, now,
        to_json(event)[:-1] + ',"balance_after":',
        ',"created_at":' + to_json(now) + "}",
    )


def _call(conn: Connection, params: tuple[Any, ...], amount: int, buyer: Buyer,
          limits: Limits) -> tuple[Any, ...]:
    """The statement on a SQLAlchemy connection (inside the session's transaction)."""
    cursor = DriverCursor(conn)
    try:
        with cursor.wrapping(CALL, params) as raw:
            raw.execute(CALL, params)
            row = raw.fetchone()
    except DBAPIError as exc:
        raise _refusal(exc, amount, buyer, limits) or exc from None
    assert row is not None
    return tuple(row)


def _call_pooled(engine: Engine, params: tuple[Any, ...], amount: int, buyer: Buyer,
                 limits: Limits) -> tuple[Any, ...]:
    """The statement on a pooled DBAPI connection of the hot pool: no ``Connection``
    object, no events; driver errors raised as SQLAlchemy's ``DBAPIError`` (a lost
    connection invalidated) so ``wallet.retry`` tells transient failures apart."""
    errors = engine.dialect.loaded_dbapi.Error
    try:
        pooled = engine.raw_connection()
    except errors as exc:  # no connection could be made
        raise DBAPIError.instance(None, None, exc, errors, dialect=engine.dialect) from exc
    try:
        cursor = pooled.cursor()
        try:
            cursor.execute(CALL, params)
            row = cursor.fetchone()
        except errors as exc:
            lost = bool(getattr(pooled.dbapi_connection, "closed", False))
            if lost:
                pooled.invalidate(exc)
            wrapped = cast(DBAPIError, DBAPIError.instance(
                CALL, params, exc, errors, connection_invalidated=lost, dialect=engine.dialect))
            raise _refusal(wrapped, amount, buyer, limits) or wrapped from exc
    finally:
        pooled.close()
    assert row is not None
    return tuple(row)


def _refusal(exc: DBAPIError, amount: int, buyer: Buyer, limits: Limits) -> Exception | None:
    """The typed error of a RAISE in the function, or None for any other failure."""
    if getattr(exc.orig, "sqlstate", None) != RAISE_EXCEPTION:
        return None
    diag = exc.orig.diag  # type: ignore[union-attr]
    code, detail = diag.message_primary, diag.message_detail
    if code == PYTHON_PATH:
        return UsePythonPath()
    if code == "invalid_token":
        return AuthenticationError("The access token was revoked.", code="invalid_token")
    return refusal(str(code), amount, buyer, limits, int(detail) if detail else None)


def _call_with_retries(engine: Engine, params: tuple[Any, ...], amount: int, buyer: Buyer,
                       limits: Limits, attempt: Attempt) -> tuple[Any, ...]:
    """Run the statement; after a transient failure (a lost connection, a deadlock) run
    it again on a fresh connection. It is safe: the statement is the whole transaction
    and the Idempotency-Key makes a second run replay a first one that did commit
    (``purchase`` answers it as created: the replay carries this request's purchase id)."""
    for run in range(retry.MAX_ATTEMPTS):
        try:
            return _call_pooled(engine, params, amount, buyer, limits)
        except DBAPIError as exc:
            kind = retry.transient_kind(exc)
            if kind is None:
                raise
            attempt.lost = attempt.lost or kind == retry.DISCONNECT
            retry.note_retry(kind, run, exc, f"purchase {params[12]}")
            time.sleep(retry.backoff(run + 1))
        except Conflict as exc:
            if attempt.lost and exc.code == "idempotency_request_in_progress":
                # our own first attempt may still hold the key: let the client retry
                raise _unavailable() from None
            raise
    raise _unavailable()


def _unavailable() -> ServiceUnavailable:
    """503 with Retry-After, as ``wallet.web.requests`` answers a lost commit."""
    return ServiceUnavailable(
        "The service could not complete this request; retry it (with the same "
        "Idempotency-Key) shortly.", details={"retry_after": retry_after_seconds()})


def retry_after_seconds() -> int:
    return 1  # as wallet.web.requests.RETRY_AFTER_SECONDS
