"""Lockout counters under real concurrency: on SQLite, PostgreSQL and Redis, fifty
concurrent failing attempts get exactly ``limit`` look-ups; the rest wait or get 429."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import redis
from flask import Flask

from wallet.db import db, utcnow
from wallet.web import lockouts

THREADS = 50
RULE = lockouts.Rule("test", 5, timedelta(minutes=15))
REDIS_URL = "redis://127.0.0.1:6379/0"


def _race(store_for_thread: Callable[[], tuple[lockouts.Store, Callable[[], None]]],
          checks: list[tuple[lockouts.Rule, str]]) -> Counter[str]:
    """Each thread reserves, 'looks up' (a failure) and settles; returns what happened."""
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    errors: list[BaseException] = []

    def one() -> None:
        try:
            attempt()
        except BaseException as exc:  # reported by the caller, not lost with the thread
            errors.append(exc)

    def attempt() -> None:
        store, commit = store_for_thread()
        barrier.wait(60)
        deadline = time.monotonic() + 60
        while True:
            try:
                taken = lockouts.take(store, checks, utcnow(), code="locked", message="x")
                commit()
            except lockouts.LockedOut:
                commit()
                with lock:
                    outcomes["locked"] += 1
                return
            if isinstance(taken, lockouts.Taken):
                break
            commit()
            assert time.monotonic() < deadline
            time.sleep(0.01)
        with lock:
            outcomes["looked_up"] += 1
        time.sleep(0.005)  # the look-up
        lockouts.settle(taken, failed=True)
        commit()

    threads = [threading.Thread(target=one, daemon=True) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads), "a thread never finished"
    assert not errors, errors
    return outcomes


@pytest.mark.slow
def test_database_counters_are_atomic(committed_app: Flask) -> None:
    checks = [(RULE, f"subject-{uuid.uuid4().hex}"),
              (lockouts.Rule("test-global", 1000, timedelta(minutes=15)), "all")]

    def store() -> tuple[lockouts.Store, Callable[[], None]]:
        context = committed_app.app_context()
        context.push()
        session = db.session()
        return lockouts.DatabaseStore(session), session.commit

    outcomes = _race(store, checks)
    assert outcomes == Counter(looked_up=RULE.limit, locked=THREADS - RULE.limit)
    with committed_app.app_context():
        rows = dict(db.session.execute(
            lockouts.counters_t.select().with_only_columns(
                lockouts.counters_t.c.key, lockouts.counters_t.c.failures)).all())
    assert rows[f"test:{checks[0][1]}"] == RULE.limit
    assert rows["test-global:all"] == RULE.limit  # refused attempts were given back


@pytest.mark.slow
def test_redis_counters_are_atomic() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    prefix = f"wallet-test-{uuid.uuid4().hex}:"
    store = lockouts.RedisStore(client, prefix)
    subject = "subject"
    try:
        outcomes = _race(lambda: (store, lambda: None), [(RULE, subject)])
        assert outcomes == Counter(looked_up=RULE.limit, locked=THREADS - RULE.limit)
        assert int(client.hget(f"{prefix}test:{subject}", "f") or 0) == RULE.limit
        assert 0 < client.pttl(f"{prefix}test:{subject}") <= 15 * 60 * 1000
        with pytest.raises(lockouts.LockedOut) as locked:
            lockouts.take(store, [(RULE, subject)], utcnow(), code="c", message="{seconds}")
        assert 890 <= locked.value.retry_after <= 900
    finally:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


def test_the_app_uses_redis_when_configured(app: Flask) -> None:
    saved = app.config["RATELIMIT_STORAGE_URI"]
    try:
        app.config["RATELIMIT_STORAGE_URI"] = REDIS_URL
        app.extensions.pop(lockouts.EXTENSION, None)
        assert isinstance(lockouts.store_for(app), lockouts.RedisStore)
        app.config["RATELIMIT_STORAGE_URI"] = "memory://"
        with app.app_context():
            assert isinstance(lockouts.store_for(app), lockouts.DatabaseStore)
    finally:
        app.config["RATELIMIT_STORAGE_URI"] = saved
        app.extensions.pop(lockouts.EXTENSION, None)


def test_purge_deletes_finished_windows(app: Flask) -> None:
    session = db.session()
    store = lockouts.DatabaseStore(session)
    now = utcnow()
    for when, subject in ((now - timedelta(hours=2), "old"), (now, "new")):
        taken = lockouts.take(store, [(RULE, subject)], when, code="c", message="x")
        assert isinstance(taken, lockouts.Taken)
        lockouts.settle(taken, failed=True)
    assert lockouts.purge(session, now, timedelta(hours=1)) == 1
    keys: Any = set(session.scalars(lockouts.counters_t.select().with_only_columns(
        lockouts.counters_t.c.key)))
    assert "test:new" in keys and "test:old" not in keys


def test_purge_command(app: Flask) -> None:
    session = db.session()
    taken = lockouts.take(lockouts.DatabaseStore(session), [(RULE, "stale")],
                          utcnow() - timedelta(days=2), code="c", message="x")
    assert isinstance(taken, lockouts.Taken)
    session.commit()
    result = app.test_cli_runner().invoke(args=["lockouts", "purge"])
    assert result.exit_code == 0 and '"purged": 1' in result.output


def test_manual_codes_have_a_global_ceiling(app: Flask, client: Any,
                                            session: Any) -> None:
    from tests.support.voucher_world import bearer, sign_in, world
    from vouchers.manual_code import generate_manual_code

    w = world(session)
    session.commit()
    app.config["MANUAL_CODE_FAILURES_GLOBAL"] = 3
    try:
        def guess(headers: dict[str, str]) -> Any:
            return client.post("/v1/vouchers/verify", json={"code": generate_manual_code()},
                               headers=headers)

        first, second = bearer(w["counter_key"]), bearer(w["other_counter_key"])
        assert [guess(first).status_code, guess(first).status_code,
                guess(second).status_code] == [404, 404, 404]
        ceiling = guess(second)  # another merchant's counter, its own first failure
        assert ceiling.status_code == 429
        assert ceiling.json["error"]["code"] == "manual_code_locked"
        assert int(ceiling.headers["Retry-After"]) > 800
        sign_in(client, w["other_user_id"])
        claim = client.post("/v1/vouchers/claim", json={"code": generate_manual_code()},
                            headers={"Idempotency-Key": uuid.uuid4().hex})
        assert claim.status_code == 429  # people claiming by code share it too
    finally:
        app.config.pop("MANUAL_CODE_FAILURES_GLOBAL")


def test_manual_code_lockout_in_redis_end_to_end(app: Flask, client: Any, session: Any) -> None:
    """With WALLET_RATELIMIT_STORAGE_URL=redis://… the lockout lives in Redis, not the table."""
    from tests.support.voucher_world import bearer, world
    from vouchers.manual_code import generate_manual_code

    redis_client = redis.Redis.from_url(REDIS_URL)
    try:
        redis_client.ping()
    except redis.ConnectionError:
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    w = world(session)
    session.commit()
    prefix = f"wallet-test-{uuid.uuid4().hex}"
    saved = app.config["RATELIMIT_STORAGE_URI"], app.config.get("RATELIMIT_KEY_PREFIX")
    app.config.update(RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
    app.extensions.pop(lockouts.EXTENSION, None)
    try:
        counter = bearer(w["counter_key"])
        answers = [client.post("/v1/vouchers/verify", json={"code": generate_manual_code()},
                               headers=counter).status_code for _ in range(6)]
        assert answers == [404] * 5 + [429]
        stored = redis_client.hget(f"{prefix}:lockout:manual-code-per_counter:"
                                   f"{w['counter_id']}", "f")
        assert int(stored or 0) == 5
        assert session.scalar(lockouts.counters_t.select().with_only_columns(
            lockouts.counters_t.c.key).limit(1)) is None  # nothing in the database
    finally:
        app.config.update(RATELIMIT_STORAGE_URI=saved[0], RATELIMIT_KEY_PREFIX=saved[1])
        app.extensions.pop(lockouts.EXTENSION, None)
        for key in redis_client.scan_iter(f"{prefix}:*"):
            redis_client.delete(key)
