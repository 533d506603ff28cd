"""The retry of a request's unit of work, with real PostgreSQL faults on a test endpoint:
a real deadlock, a connection terminated before and during the commit, and the bound.

(SQLite cannot deadlock or lose a connection: its writers queue on one lock.)
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.conftest import make_app
from wallet import retry
from wallet.db import db
from wallet.ledger import chart
from wallet.ledger.core import hold
from wallet.web.auth import requires
from wallet.web.idempotency import idempotent

Work = Callable[[int], None]


@pytest.fixture
def pg_app(committed_app: Flask, engine_name: str) -> Flask:
    if engine_name != "postgresql":
        pytest.skip("SQLite serialises writers: no deadlock, no lost connection")
    return committed_app


def admin_key(app: Flask) -> str:
    from wallet.merchants import service as merchants

    with app.app_context():
        _key, secret = merchants.issue_key(db.session(), "admin")
        db.session.commit()
    return secret


def register(app: Flask, work: Work) -> list[int]:
    """``POST /v1/retry-test``: runs ``work(attempt)`` and records a row; returns the
    attempts seen."""
    blp = Blueprint(f"retry_test_{uuid.uuid4().hex[:6]}", __name__,
                    url_prefix="/v1/retry-test")
    attempts: list[int] = []

    @blp.route("")
    class Probe(MethodView):
        @requires("admin")
        @idempotent
        def post(self) -> Any:
            attempts.append(len(attempts) + 1)
            work(len(attempts))
            db.session.execute(text("INSERT INTO retry_probe (attempt) VALUES (:n)"),
                               {"n": len(attempts)})
            response = jsonify({"attempt": len(attempts)})
            response.status_code = 201
            return response

    app.register_blueprint(blp)
    with app.app_context():
        db.session.execute(text("CREATE TABLE IF NOT EXISTS retry_probe (attempt int)"))
        db.session.commit()
    return attempts


def probe_rows(app: Flask) -> list[int]:
    with app.app_context():
        rows = list(db.session.scalars(text("SELECT attempt FROM retry_probe")))
        db.session.rollback()
    return rows


def post(app: Flask, key: str, idempotency_key: str = "k1") -> Any:
    return app.test_client().post("/v1/retry-test", headers={
        "Authorization": f"Bearer {key}", "Idempotency-Key": idempotency_key})


def terminate(url: str, pid: int) -> None:
    """End backend ``pid`` from another connection and wait until it is gone."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        while conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                           {"pid": pid}).scalar():
            time.sleep(0.01)
    engine.dispose()


def own_pid() -> int:
    return int(db.session.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_real_deadlock_is_run_again(pg_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    """The request locks A then B while another session holds B and waits for A: the
    request's backend detects the deadlock (40P01); the unit of work runs again."""
    with pg_app.app_context():
        a = chart.user_account(db.session(), "usr_a").id
        b = chart.user_account(db.session(), "usr_b").id
        db.session.commit()
    holding_a, side_waits = threading.Event(), threading.Event()
    side_pid: list[int] = []
    watcher = create_engine(pg_app.config["SQLALCHEMY_DATABASE_URI"])

    def until_the_other_session_waits() -> None:
        """PostgreSQL looks for a deadlock once, ``deadlock_timeout`` after a backend
        starts waiting: the other session must already wait for A when we ask for B
        (a fixed sleep was not enough on a loaded machine)."""
        deadline = time.monotonic() + 60
        with watcher.connect() as conn:
            while not conn.execute(text("SELECT count(*) FROM pg_locks WHERE pid = :pid "
                                        "AND NOT granted"), {"pid": side_pid[0]}).scalar():
                conn.rollback()
                assert time.monotonic() < deadline, "the other session never waited for A"
                time.sleep(0.01)

    def work(attempt: int) -> None:
        hold(db.session(), [a])
        holding_a.set()
        if attempt == 1:
            assert side_waits.wait(60)
            until_the_other_session_waits()
        hold(db.session(), [b])

    def other_session() -> None:
        engine = create_engine(pg_app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.connect() as conn:
            conn.execute(text("SET deadlock_timeout = '20s'"))  # the request detects it
            side_pid.append(int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one()))
            conn.execute(text("SELECT 1 FROM account_balances WHERE account_id = :b "
                              "FOR UPDATE"), {"b": b})
            assert holding_a.wait(60)
            side_waits.set()
            conn.execute(text("SELECT 1 FROM account_balances WHERE account_id = :a "
                              "FOR UPDATE"), {"a": a})
            conn.commit()
        engine.dispose()

    attempts = register(pg_app, work)
    key = admin_key(pg_app)
    side = threading.Thread(target=other_session, daemon=True)
    side.start()
    try:
        with caplog.at_level(logging.WARNING, logger="wallet.retry"):
            answer = post(pg_app, key)
        side.join(60)
        assert not side.is_alive()
    finally:
        watcher.dispose()
    assert answer.status_code == 201, answer.json
    assert attempts == [1, 2] and answer.json == {"attempt": 2}
    assert probe_rows(pg_app) == [2]
    request_id = answer.headers["X-Request-Id"]
    assert any(f"request {request_id}: deadlock, running it again" in r.getMessage()
               for r in caplog.records)


def test_a_connection_lost_before_commit_is_run_again(pg_app: Flask) -> None:
    url = pg_app.config["SQLALCHEMY_DATABASE_URI"]

    def work(attempt: int) -> None:
        if attempt == 1:
            terminate(url, own_pid())  # the next statement finds the connection dead

    attempts = register(pg_app, work)
    answer = post(pg_app, admin_key(pg_app))
    assert answer.status_code == 201, answer.json
    assert attempts == [1, 2] and probe_rows(pg_app) == [2]


def test_a_connection_lost_at_commit_answers_503_then_the_key_redoes_once(
    pg_app: Flask,
) -> None:
    url = pg_app.config["SQLALCHEMY_DATABASE_URI"]
    lose_it = [True]

    def work(attempt: int) -> None:
        if lose_it.pop() if lose_it else False:
            pid = own_pid()
            # after the view's last statement, before the commit point's COMMIT
            from flask import after_this_request, g

            # no operator-audit write after the kill: that one would fail before the
            # COMMIT and be retried at once (nothing committed); this test is the COMMIT's
            g.console_audited = True

            @after_this_request
            def _kill(response: Any) -> Any:
                terminate(url, pid)
                return response

    attempts = register(pg_app, work)
    key = admin_key(pg_app)
    lost = post(pg_app, key)
    assert lost.status_code == 503
    assert lost.json == {"error": {
        "type": "service_unavailable_error", "code": "service_unavailable",
        "message": lost.json["error"]["message"], "param": None}}
    assert lost.headers["Retry-After"] == "1"
    assert probe_rows(pg_app) == []  # it never committed: the retry does it, once
    again = post(pg_app, key)
    assert again.status_code == 201 and probe_rows(pg_app) == [2]
    replay = post(pg_app, key)
    assert replay.json == again.json and replay.headers["Idempotent-Replayed"] == "true"
    assert attempts == [1, 2]


def test_the_retries_are_bounded(pg_app: Flask) -> None:
    url = pg_app.config["SQLALCHEMY_DATABASE_URI"]

    def work(attempt: int) -> None:
        terminate(url, own_pid())

    attempts = register(pg_app, work)
    answer = post(pg_app, admin_key(pg_app))
    assert answer.status_code == 503
    assert answer.json["error"]["code"] == "service_unavailable"
    assert attempts == list(range(1, retry.MAX_ATTEMPTS + 1))
    assert probe_rows(pg_app) == []


def test_an_unreachable_database_answers_503(engine_name: str, tmp_path: Path) -> None:
    """No connection at all (the server is down): a few attempts, then 503, never 500."""
    url = {"sqlite": f"sqlite:///{tmp_path}/missing/dir/wallet.sqlite3",
           "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/wallet"}[engine_name]
    app = make_app(url, tmp_path / "instance")
    answer = app.test_client().get("/v1/balance", headers={"Authorization": "Bearer sk_x"})
    assert answer.status_code == 503, answer.json
    assert answer.json["error"]["code"] == "service_unavailable"
    assert answer.headers["Retry-After"] == "1"


def test_sqlite_begin_on_a_locked_database_is_busy(tmp_path: Path) -> None:
    """SQLite's BEGIN IMMEDIATE (sent by ``wallet.db.SQLiteDialect.do_begin``) that cannot
    take the write lock is ``busy`` (run again), not a lost connection (thrown away)."""
    engine = create_engine(f"sqlite:///{tmp_path}/locked.sqlite3")
    try:
        with engine.connect() as writer, engine.connect() as waiter:
            writer.begin()
            waiter.connection.dbapi_connection.execute(  # type: ignore[union-attr]
                "PRAGMA busy_timeout=20")
            with pytest.raises(OperationalError) as raised:
                waiter.begin()
            assert "database is locked" in str(raised.value.orig)
            assert raised.value.statement is None
            assert retry.transient_kind(raised.value) == retry.BUSY
            writer.rollback()
            with waiter.begin():  # the lock is free again: the same connection takes it
                assert waiter.connection.dbapi_connection.in_transaction  # type: ignore[union-attr]
    finally:
        engine.dispose()
