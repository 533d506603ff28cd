"""Crashes and database faults under load, over HTTP against gunicorn in production mode.

- kill -9 of the whole server mid-load, then a restart: every request that got no
  answer is sent again with its Idempotency-Key; each operation exists once, a key
  left behind by the killed process blocks its retry for no time at all (the key is
  claimed inside the request's own transaction, which died with the process), and
  ``ledger verify`` passes;
- ``pg_terminate_backend`` of every session of the app, again and again, mid-load: no
  500, only transparent retries or a clean 503 ``service_unavailable`` with
  Retry-After, and once the terminations stop the app answers everything without a
  restart.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from tests.conftest import migrated_app
from tests.support.databases import temporary_database
from tests.support.live_server import SECRETS, Gunicorn, production_env
from tests.support.mixed_workload import (
    KEYED_OPS,
    WORKLOAD_CONFIG,
    Actors,
    Client,
    Journal,
    Mixed,
    books_balance,
    exactly_once,
    not_final,
    run_threads,
    seed,
    settle,
)
from wallet.db import db

THREADS = 16


def _prepare(mixed: Mixed, client: Client) -> None:
    """Purchases to refund and gift vouchers to redeem, before the faults start."""
    rng = random.Random("prepare")
    for _ in range(20):
        mixed.purchase(rng, client)
    for _ in range(12):
        mixed.gift(rng, client)


def _load(mixed: Mixed, base_url: str, journal: Journal, seconds: float,
          stop: threading.Event | None = None) -> list[Client]:
    clients = [Client(base_url, journal, timeout=30) for _ in range(THREADS)]
    rngs = [random.Random(n) for n in range(THREADS)]

    def work(n: int) -> None:
        if stop is not None and stop.is_set():
            time.sleep(0.05)
            return
        mixed.step(rngs[n], clients[n])

    run_threads(THREADS, seconds, work)
    return clients


@dataclass
class Running:
    """A migrated database with the actors, a started server, and the keyed workload."""

    url: str
    app: Flask
    server: Gunicorn
    actors: Actors
    journal: Journal
    mixed: Mixed
    base_url: str


@contextmanager
def running(engine_name: str, tmp_path: Path) -> Iterator[Running]:
    with temporary_database(engine_name, tmp_path) as url:
        app = migrated_app(url, tmp_path / "instance", **WORKLOAD_CONFIG, **SECRETS)
        server = Gunicorn(production_env(url, WORKLOAD_CONFIG), tmp_path / "gunicorn.log",
                          workers=2, threads=8)
        try:
            actors, journal = seed(app), Journal()
            mixed = Mixed(actors, resend_rate=0, ops=KEYED_OPS)
            base_url = server.start()
            _prepare(mixed, Client(base_url, journal))
            yield Running(url, app, server, actors, journal, mixed, base_url)
        finally:
            server.kill()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.mark.slow
def test_kill_9_mid_load_then_every_unanswered_request_once(engine_name: str,
                                                            tmp_path: Path) -> None:
    with running(engine_name, tmp_path) as run:
        app, server, journal, mixed = run.app, run.server, run.journal, run.mixed
        killed = threading.Event()

        def kill() -> None:
            server.kill()
            killed.set()

        killer = threading.Timer(3.0, kill)
        killer.start()
        _load(mixed, run.base_url, journal, seconds=4, stop=killed)
        killer.join()
        unanswered = [a for a in journal.answers if a.status == 0]
        assert unanswered, "the kill should have cut some requests off"

        restarted = server.start()
        with ThreadPoolExecutor(THREADS) as pool:
            settled = list(pool.map(
                lambda first: settle(Client(restarted, journal), first), unanswered))
        for first, (final, _) in zip(unanswered, settled, strict=True):
            assert not not_final(final), (first, final)
            assert final.status < 500, final
        waits = [waited for _, waited in settled]
        print(f"\nkill -9 ({engine_name}): {len(journal.answers)} requests, "
              f"{len(unanswered)} unanswered and sent again after the restart, "
              f"longest wait {max(waits):.2f} s; statuses {dict(journal.statuses())}")
        assert max(waits) < 10, "a key left by the killed process blocked its retry"
        server.stop()
        check_books(app, journal, run.actors)


@pytest.mark.slow
@pytest.mark.postgres
def test_terminated_database_sessions_mid_load(engine_name: str, tmp_path: Path) -> None:
    if engine_name != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's")
    with running(engine_name, tmp_path) as run:
        app, server, journal, mixed = run.app, run.server, run.journal, run.mixed
        base_url, url = run.base_url, run.url
        stop_killing = threading.Event()
        killed: list[int] = []
        terminator = threading.Thread(
            target=_terminate_sessions, args=(url, stop_killing, killed), daemon=True)
        terminator.start()
        _load(mixed, base_url, journal, seconds=8)
        stop_killing.set()
        terminator.join(30)
        during = list(journal.answers)

        recovery = Journal()
        _load(mixed, base_url, recovery, seconds=3)
        client = Client(base_url, recovery)
        for first in [a for a in during if a.status == 503]:
            final, _ = settle(client, first)
            assert final.status < 500, final
        server.stop()
        log = server.log()
        statuses = Counter(a.status for a in during)
        print(f"\npg_terminate_backend: {sum(killed)} sessions terminated in "
              f"{len(killed)} rounds; {len(during)} requests: {dict(statuses)}; "
              f"retries logged {log.count('running it again')}; after: "
              f"{dict(recovery.statuses())}")
        assert sum(killed) > 0
        tracebacks = log[log.find("Traceback") - 500:][:4000] if "Traceback" in log else ""
        for answer in during:
            assert answer.status != 0, answer
            assert answer.status < 500 or answer.status == 503, (answer, tracebacks)
            if answer.status == 503:
                assert answer.json["error"]["code"] == "service_unavailable", answer
                assert set(answer.json) == {"error"}
                assert answer.headers.get("Retry-After") == "1"
        assert all(a.status < 500 for a in recovery.answers), recovery.statuses()
        assert "Traceback" not in log, log[-3000:]

        journal.answers.extend(recovery.answers)
        check_books(app, journal, run.actors)


def _terminate_sessions(url: str, stop: threading.Event, killed: list[int]) -> None:
    """Every second, end every other session of the test database."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            while not stop.wait(1.0):
                ended = conn.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )).scalar()
                killed.append(int(ended or 0))
    finally:
        engine.dispose()


def check_books(app: Flask, journal: Journal, actors: Actors) -> None:
    counts = exactly_once(app, journal)
    assert counts["purchase"] and counts["refund"] and counts["grant"] and counts["redemption"]
    books_balance(app, actors)
