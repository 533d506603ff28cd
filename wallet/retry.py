"""The safety net under the lock order: retry a unit of work after a transient
database failure.

A unit of work is one database transaction that nothing outside has seen yet: a
request's work up to its one commit, or one commit of a CLI job. When it fails with
a serialization failure or a deadlock (SQLSTATE 40001, 40P01), a busy SQLite
database, or a connection lost before the commit, the database rolled everything
back and nobody was told anything, so running it again is safe. It runs at most
``MAX_ATTEMPTS`` times, sleeping a random ("full jitter") backoff in between so the
transactions that collided do not collide again.

A connection that dies *during* COMMIT is different: the commit may or may not have
happened, so the work is not run again (``CommitOutcomeUnknown``); a request answers
503 and the client retries with its Idempotency-Key, which replays or redoes.

The success path costs one ``try``: nothing is set up unless something failed.
See docs/ledger.md ("One lock order" and "Retrying a unit of work").
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

log = logging.getLogger("wallet.retry")

T = TypeVar("T")

MAX_ATTEMPTS = 4
BACKOFF_BASE = 0.025  # seconds; the n-th retry sleeps up to BACKOFF_BASE * 2**n
BACKOFF_CAP = 0.5

SERIALIZATION_FAILURE = "40001"
DEADLOCK_DETECTED = "40P01"
# The server ended the session (pg_terminate_backend, shutdown, crash) or the
# connection broke: SQLSTATE class 08, and 57P01..57P03.
DISCONNECT_SQLSTATES = ("08", "57P01", "57P02", "57P03")

SERIALIZATION, DEADLOCK, BUSY, DISCONNECT = "serialization_failure", "deadlock", "busy", \
    "connection_lost"


class CommitOutcomeUnknown(Exception):
    """The connection died during COMMIT: the work may or may not be committed."""


def transient_kind(error: BaseException) -> str | None:
    """What transient database failure ``error`` (or an error it was raised from) is,
    or None when running the work again would not help."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DBAPIError):
            kind = _kind_of(current)
            if kind is not None:
                return kind
        current = current.__cause__ or current.__context__
    return None


def _kind_of(error: DBAPIError) -> str | None:
    orig = error.orig
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate == SERIALIZATION_FAILURE:
        return SERIALIZATION
    if sqlstate == DEADLOCK_DETECTED:
        return DEADLOCK
    if error.connection_invalidated or sqlstate.startswith(DISCONNECT_SQLSTATES):
        return DISCONNECT
    if isinstance(orig, sqlite3.OperationalError) and "database is locked" in str(orig):
        return BUSY  # before the next test: SQLite's BEGIN IMMEDIATE has no statement either
    if isinstance(error, OperationalError) and error.statement is None and not sqlstate:
        return DISCONNECT  # no connection could be made (the server is down or restarting)
    return None


def backoff(attempt: int) -> float:
    """Seconds to sleep before retry number ``attempt`` (1, 2, …): full jitter."""
    return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2**attempt))  # noqa: S311


def discard(session: Session, kind: str | None = None) -> None:
    """End the transaction, writing nothing; a dead connection is thrown away."""
    if kind == DISCONNECT:
        session.invalidate()
        return
    try:
        session.rollback()
    except DBAPIError:  # the connection died since: there is nothing left to roll back
        session.invalidate()


def note_retry(kind: str, attempt: int, error: BaseException, what: str) -> None:
    log.warning("%s: %s, running it again (attempt %d of %d): %s", what, kind, attempt + 1,
                MAX_ATTEMPTS, str(error).splitlines()[0][:200])


def commit(session: Session) -> None:
    """Commit; a connection that dies during COMMIT raises ``CommitOutcomeUnknown``."""
    try:
        session.commit()
    except DBAPIError as exc:
        if transient_kind(exc) == DISCONNECT:
            session.invalidate()
            raise CommitOutcomeUnknown(str(exc).splitlines()[0]) from exc
        raise


def run_in_transaction(session: Session, work: Callable[[], T], *, what: str) -> T:
    """Run ``work`` and commit it, as one unit of work retried on transient failures
    (for CLI jobs; requests get the same policy from ``wallet.web.requests``)."""
    attempt = 0
    while True:
        try:
            result = work()
            commit(session)
            return result
        except CommitOutcomeUnknown:
            raise
        except Exception as exc:
            kind = transient_kind(exc)
            attempt += 1
            if kind is None or attempt >= MAX_ATTEMPTS:
                raise
            discard(session, kind)
            note_retry(kind, attempt, exc, what)
            time.sleep(backoff(attempt))
