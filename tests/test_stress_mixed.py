"""The mixed-workload stress test: every value-moving flow at once, over real HTTP.

At least 32 client threads for at least 30 seconds (``WALLET_STRESS_THREADS``,
``WALLET_STRESS_SECONDS``) against gunicorn in production mode (2 workers x 8
threads, its own processes, on a free port), with the jobs that run from cron (credit
and voucher expiry, release of earnings, payout runs) running at the same time.
Afterwards: no 5xx, no deadlock (the lock order holds; the retry net would hide one),
every acknowledged operation exists exactly once, every resend replayed its first
answer, the books balance and ``ledger verify`` passes. The numbers go to
docs/ledger.md.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import migrated_app
from tests.support.databases import temporary_database
from tests.support.live_server import SECRETS, Granian, Gunicorn, production_env
from tests.support.mixed_workload import (
    WORKLOAD_CONFIG,
    Client,
    Journal,
    Mixed,
    books_balance,
    exactly_once,
    no_5xx,
    resends_replayed,
    run_threads,
    seed,
)
from wallet.db import db
from wallet.topups.api import runtime
from wallet.topups.providers.sandbox import SandboxProvider

THREADS = int(os.environ.get("WALLET_STRESS_THREADS", "32"))
SECONDS = float(os.environ.get("WALLET_STRESS_SECONDS", "30"))
CRON_JOBS = (["credits", "expire"], ["vouchers", "expire"], ["payouts", "release"],
             ["payouts", "run"])


class RetryCounter(logging.Handler):
    """Counts the unit-of-work retries the app logs (``wallet.retry``)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.retries: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.retries.append(record.getMessage())


@pytest.mark.slow
def test_every_flow_at_once_over_http(engine_name: str, tmp_path: Path) -> None:
    with temporary_database(engine_name, tmp_path) as url:
        app = migrated_app(url, tmp_path / "instance", **WORKLOAD_CONFIG, **SECRETS)
        server = Gunicorn(production_env(url, WORKLOAD_CONFIG), tmp_path / "gunicorn.log")
        try:
            run_and_check(app, server, engine_name)
        finally:
            server.stop()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.mark.slow
def test_every_flow_at_once_on_granian_with_the_risk_rules_on(engine_name: str,
                                                                tmp_path: Path) -> None:
    """The README's production recipe (granian, 2 workers) with the fraud controls at their
    defaults: gifts of unsettled card credits and payouts of new merchants are refused
    (4xx; promotional credits may still be gifted), and everything else still holds."""
    if engine_name != "postgresql":
        pytest.skip("several workers on one database: PostgreSQL's (SQLite: the test above)")
    config = {k: v for k, v in WORKLOAD_CONFIG.items() if not k.startswith("RISK_")}
    with temporary_database(engine_name, tmp_path) as url:
        app = migrated_app(url, tmp_path / "instance", **config, **SECRETS)
        server = Granian(production_env(url, config), tmp_path / "granian.log")
        try:
            run_and_check(app, server, engine_name, risk_rules_on=True)
        finally:
            server.stop()
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def run_and_check(app: Flask, server: Gunicorn, engine_name: str, *,
                  risk_rules_on: bool = False) -> None:
    actors = seed(app)
    provider = runtime(app).provider("sandbox")

    assert isinstance(provider, SandboxProvider)

    def sign(kind: Any, topup: dict[str, Any], amount: int) -> tuple[bytes, str]:
        return provider.build_event(
            kind, topup_id=topup["id"], provider_ref=topup["checkout_url"].rsplit("/", 1)[1],
            amount_minor=amount, currency=topup["currency"],
            payment_ref=f"pi_sbx_{topup['id']}")

    journal = Journal()
    mixed = Mixed(actors, sign)
    counter = RetryCounter()
    retry_log = logging.getLogger("wallet.retry")
    retry_log.addHandler(counter)
    cron_failures: list[str] = []
    stop = threading.Event()

    def cron() -> None:
        runner = app.test_cli_runner()
        while not stop.is_set():
            for args in CRON_JOBS:
                result = runner.invoke(args=args)
                if result.exit_code != 0:
                    cron_failures.append(f"{args}: {result.output} {result.exception!r}")
            stop.wait(0.5)

    base_url = server.start()
    started = time.monotonic()
    try:
        jobs = threading.Thread(target=cron, daemon=True)
        jobs.start()
        clients = [Client(base_url, journal) for _ in range(THREADS)]
        rngs = [random.Random(f"{engine_name}-{n}") for n in range(THREADS)]
        run_threads(THREADS, SECONDS, lambda n: mixed.step(rngs[n], clients[n]))
        stop.set()
        jobs.join(120)
    finally:
        stop.set()
        retry_log.removeHandler(counter)
    elapsed = time.monotonic() - started
    server.stop()
    server_log = server.log()
    retries = server_log.count("running it again") + len(counter.retries)

    statuses = journal.statuses()
    ops = len(journal.answers)
    print(f"\nstress {engine_name}: {THREADS} threads, {elapsed:.1f} s, {ops} requests "
          f"({ops / elapsed:.0f}/s), statuses {dict(sorted(statuses.items()))}, "
          f"unit-of-work retries {retries} "
          f"({server_log.count('deadlock, running')} after a deadlock)")
    latency: dict[str, list[float]] = {}
    for answer in journal.answers:
        latency.setdefault(answer.op, []).append(answer.elapsed)
    print("latency (mean/max ms): " + ", ".join(
        f"{op} {1000 * sum(v) / len(v):.0f}/{1000 * max(v):.0f}"
        for op, v in sorted(latency.items())))
    assert not cron_failures, cron_failures[:3]
    assert "Traceback" not in server_log, server_log[-3000:]
    assert "deadlock, running" not in server_log, "the lock order was broken"
    no_5xx(journal)
    replayed = resends_replayed(journal)
    counts = exactly_once(app, journal)
    clawed = books_balance(app, actors)
    print(f"stress {engine_name}: exactly once {counts}, resends replayed {replayed}, "
          f"credits chargebacks took back from merchants {clawed}")
    assert counts["purchase"] > 0 and counts["refund"] > 0 and counts["grant"] > 0
    assert counts["topup"] > 0 and replayed > 0
    if risk_rules_on:  # card top-ups younger than the window (the seed's too) stay ungiftable
        payouts = [a for a in journal.answers if a.op == "payout_request"]
        assert payouts and not any(200 <= a.status < 300 for a in payouts), payouts[:3]
        gifts = [a for a in journal.answers if a.op == "gift"]
        assert any((a.json or {}).get("error", {}).get("code") == "credits_settling"
                   for a in gifts), gifts[:3]
    else:
        assert counts["redemption"] > 0
