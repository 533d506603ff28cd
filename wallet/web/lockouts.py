"""Lockouts: failed attempts (sign-in, manual voucher codes, reset emails) counted for
every worker and node at once.

An attempt is reserved *before* the work it guards (``attempt``): the reservation is
taken atomically and committed on its own, and a subject may only have as many
attempts in flight as it has failures left. So fifty concurrent guesses cannot all
pass a check made before any of them failed: at most ``limit`` wrong look-ups happen
per window, whatever the concurrency. An attempt that finds its limit taken by
attempts still in flight waits for them (briefly) instead of being refused. When
the work turns out to be a failure (wrong password, unknown code) the reservation
becomes a failure; otherwise it is simply released. A subject with ``limit``
failures gets 429 with ``Retry-After`` until the window that started with its
first attempt ends.

Counters live in the database (``attempt_counters``: one conditional ``UPDATE``,
re-checked under PostgreSQL's row lock, serialised on SQLite) and in Redis instead
when ``WALLET_RATELIMIT_STORAGE_URL`` is ``redis://…`` (one Lua script per step).
``flask --app wallet lockouts purge`` deletes counters whose window is over.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from flask import Flask, current_app
from sqlalchemy import Integer, String, Table, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, Session, mapped_column

from wallet.db import Base, UTCDateTime, db, is_postgres, utcnow
from wallet.errors import RateLimited

EXTENSION = "wallet_lockouts"


class AttemptCounter(Base):
    """Failures and attempts in flight of one subject (``<rule>:<subject>``) in its window."""

    __tablename__ = "attempt_counters"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    in_flight: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


counters_t = cast(Table, AttemptCounter.__table__)
BUSY = -1
"""``Store.take``: every attempt left is in flight; wait for one to settle."""
BUSY_WAIT = timedelta(seconds=10)


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` failures per ``window`` for one subject of ``name``."""

    name: str
    limit: int
    window: timedelta


class LockedOut(RateLimited):
    """429 with ``Retry-After``: too many failures for one subject."""

    def __init__(self, message: str, *, code: str, param: str | None,
                 retry_after: int) -> None:
        super().__init__(message, code=code, param=param,
                         details={"retry_after": retry_after})
        self.retry_after = retry_after


class Store(Protocol):
    def take(self, key: str, rule: Rule, now: datetime) -> int | None:
        """Reserve one attempt: None when reserved, ``BUSY``, or seconds until the window
        ends when the subject has used up its failures."""

    def settle(self, key: str, rule: Rule, failed: bool) -> None:
        """End a reserved attempt, as a failure or not."""


def _seconds_left(started: datetime | None, rule: Rule, now: datetime) -> int:
    ends = (started or now) + rule.window
    return max(1, math.ceil((ends - now).total_seconds()))


class DatabaseStore:
    """Counters in ``attempt_counters``, in the caller's session (the caller commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def take(self, key: str, rule: Rule, now: datetime) -> int | None:
        session, c = self.session, counters_t.c
        dialect = postgresql if is_postgres(session) else sqlite
        session.execute(dialect.insert(counters_t).values(
            key=key, failures=0, in_flight=0, window_started_at=now).on_conflict_do_nothing(
            index_elements=["key"]))
        expired = c.window_started_at <= now - rule.window
        reserved = cast(CursorResult[Any], session.execute(
            update(counters_t)
            .where(c.key == key, expired | (c.failures + c.in_flight < rule.limit))
            .values(failures=case((expired, 0), else_=c.failures),
                    in_flight=case((expired, 1), else_=c.in_flight + 1),
                    window_started_at=case((expired, now), else_=c.window_started_at))
        )).rowcount
        if reserved == 1:
            return None
        row = session.execute(select(c.failures, c.window_started_at)
                              .where(c.key == key)).one()
        return _seconds_left(row.window_started_at, rule, now) \
            if row.failures >= rule.limit else BUSY

    def settle(self, key: str, rule: Rule, failed: bool) -> None:
        c = counters_t.c
        self.session.execute(
            update(counters_t).where(c.key == key)
            .values(in_flight=case((c.in_flight > 0, c.in_flight - 1), else_=0),
                    failures=c.failures + (1 if failed else 0)))


TAKE_SCRIPT = """
local failures = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
local in_flight = tonumber(redis.call('HGET', KEYS[1], 'i') or '0')
local limit = tonumber(ARGV[1])
if failures >= limit then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 1 then ttl = 1 end
  return ttl
end
if failures + in_flight >= limit then return -1 end
redis.call('HINCRBY', KEYS[1], 'i', 1)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
SETTLE_SCRIPT = """
local in_flight = tonumber(redis.call('HGET', KEYS[1], 'i') or '0')
if in_flight > 0 then redis.call('HINCRBY', KEYS[1], 'i', -1) end
if ARGV[1] == '1' then redis.call('HINCRBY', KEYS[1], 'f', 1) end
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


class RedisStore:
    """Counters in Redis (a hash per subject that expires with its window)."""

    def __init__(self, client: Any, prefix: str = "wallet:lockout:") -> None:
        self.prefix = prefix
        self._take = client.register_script(TAKE_SCRIPT)
        self._settle = client.register_script(SETTLE_SCRIPT)

    def take(self, key: str, rule: Rule, now: datetime) -> int | None:
        window_ms = int(rule.window.total_seconds() * 1000)
        answer = int(self._take(keys=[self.prefix + key], args=[rule.limit, window_ms]))
        if answer == 0:
            return None
        return BUSY if answer < 0 else max(1, math.ceil(answer / 1000))

    def settle(self, key: str, rule: Rule, failed: bool) -> None:
        window_ms = int(rule.window.total_seconds() * 1000)
        self._settle(keys=[self.prefix + key], args=["1" if failed else "0", window_ms])


@dataclass(frozen=True)
class Taken:
    store: Store
    keys: tuple[tuple[str, Rule], ...]


def take(store: Store, checks: Sequence[tuple[Rule, str]], now: datetime, *, code: str,
         message: str, param: str | None = None) -> Taken | int:
    """Reserve one attempt against every ``(rule, subject)``: all of them, or none.

    Returns ``BUSY`` (nothing reserved) when attempts in flight hold the last ones;
    raises ``LockedOut`` (429) when a subject used up its failures.
    """
    taken: list[tuple[str, Rule]] = []
    for rule, subject in checks:
        key = f"{rule.name}:{subject}"[:255]
        answer = store.take(key, rule, now)
        if answer is not None:
            for earlier, earlier_rule in taken:
                store.settle(earlier, earlier_rule, failed=False)
            if answer == BUSY:
                return BUSY
            raise LockedOut(message.format(seconds=answer), code=code, param=param,
                            retry_after=answer)
        taken.append((key, rule))
    return Taken(store, tuple(taken))


def settle(taken: Taken, *, failed: bool) -> None:
    for key, rule in taken.keys:
        taken.store.settle(key, rule, failed)


def purge(session: Session, now: datetime, older_than: timedelta) -> int:
    """Delete counters whose window started more than ``older_than`` ago."""
    result = session.execute(delete(counters_t).where(
        counters_t.c.window_started_at < now - older_than))
    return int(cast(CursorResult[Any], result).rowcount or 0)


# --- Flask glue -----------------------------------------------------------------------------


def _redis_url(app: Flask) -> str | None:
    url = str(app.config.get("RATELIMIT_STORAGE_URI") or "")
    return url if url.startswith(("redis://", "rediss://", "unix://")) else None


def store_for(app: Flask) -> Store:
    """Redis when ``WALLET_RATELIMIT_STORAGE_URL`` names it, else the database."""
    url = _redis_url(app)
    if url is None:
        return DatabaseStore(db.session())
    found = app.extensions.get(EXTENSION)
    if found is None:
        import redis

        prefix = f"{app.config.get('RATELIMIT_KEY_PREFIX') or 'wallet'}:lockout:"
        found = RedisStore(redis.Redis.from_url(url), prefix)
        app.extensions[EXTENSION] = found
    return cast(Store, found)


def _reserve(checks: Sequence[tuple[Rule, str]], code: str, message: str,
             param: str | None) -> Taken:
    """Reserve (committed at once), waiting while attempts in flight hold the last ones."""
    session = db.session
    deadline = time.monotonic() + BUSY_WAIT.total_seconds()
    pause = 0.005
    while True:
        session.commit()  # end earlier read-only work: the reservation commits alone
        taken = take(store_for(current_app), checks, utcnow(), code=code, message=message,
                     param=param)
        session.commit()
        if isinstance(taken, Taken):
            return taken
        if time.monotonic() > deadline:
            raise LockedOut(message.format(seconds=1), code=code, param=param, retry_after=1)
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


@contextmanager
def attempt(checks: Sequence[tuple[Rule, str]], *,
            failure: type[BaseException] | tuple[type[BaseException], ...], code: str,
            message: str, param: str | None = None) -> Iterator[None]:
    """Guard one attempt: reserved first; a ``failure`` counts, anything else does not.

    ``message`` may use ``{seconds}``. Raises ``LockedOut`` (429) when a subject is over
    its limit. Call it before the request has written anything.
    """
    session = db.session
    taken = _reserve(checks, code, message, param)
    try:
        yield
    except BaseException as error:
        session.rollback()
        settle(taken, failed=isinstance(error, failure))
        session.commit()
        raise
    settle(taken, failed=False)  # committed with the request's work


def spend(checks: Sequence[tuple[Rule, str]], *, code: str, message: str,
          param: str | None = None) -> None:
    """Count an attempt whatever its outcome (e.g. a reset email asked for); 429 over the
    limit. Committed at once."""
    taken = _reserve(checks, code, message, param)
    settle(taken, failed=True)
    db.session.commit()
