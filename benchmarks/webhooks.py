"""Webhooks: what the outbox row costs a purchase, and how fast the worker delivers.

    .venv/bin/python benchmarks/webhooks.py                  # both engines
    .venv/bin/python benchmarks/webhooks.py --engine postgresql --events 20000
    .venv/bin/python benchmarks/webhooks.py --quick          # smoke run

On 127.0.0.1 only, bounded in time, in a throw-away database (PostgreSQL
``wallet_bench_…`` next to ``WALLET_TEST_POSTGRES_URL``, or a SQLite file):

1. **Outbox overhead.** The same purchase path with and without the outbox row, in the
   same process and database, alternating blocks of ``--block`` purchases (``--pairs``
   pairs, the order flipping every pair, so drifting load hits both sides alike).
   "Without" replaces ``wallet.purchases.service.emit`` with a no-op, so the only
   difference is the event: building its JSON and its one INSERT. Two paths: the whole
   request (``POST /v1/purchases`` through Flask's test client: token, parsing, service,
   commit) and the service alone (``create_purchase`` + commit). Measured: wall time and
   CPU per purchase, CPU being this process plus, on PostgreSQL, the server backend of
   the session (``/proc/<pid>/stat``). The ratio is the median over pairs. Beside it,
   ``emit`` alone: 3,000 events, a commit every 100.
2. **Delivery rate.** ``--events`` events of one merchant (written with ``emit_many``),
   one endpoint, a receiver in its own process verifying every signature with
   ``standardwebhooks`` (``tests/support/webhook_receiver.py``), then the product's worker
   (``wallet.webhooks.worker.run(once=True)``: dispatch, claim, sign, send, record) until
   every delivery succeeded. Baseline in the same run: the same signed requests sent by
   the same ``Sender`` to the same receiver with no database at all.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.purchases import create_pg_database, drop_pg_database, pg_url  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int | None) -> float:
    """CPU seconds (user + system) of a PostgreSQL backend process, 0 when unknown."""
    if not pid:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


@contextmanager
def database(engine: str, workdir: Path) -> Any:
    if engine == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    name = create_pg_database("wallet_bench")
    try:
        yield pg_url(name)
    finally:
        drop_pg_database(name)


def make_app(url: str, workdir: Path) -> Any:
    from flask_migrate import upgrade

    from wallet import create_app

    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(workdir / "instance"),
                      "SECRET_KEY": key, "LEDGER_SIGNING_KEY": key, "WEBHOOK_KEK": key,
                      "VOUCHER_KEK": key, "RATELIMIT_ENABLED": False,
                      "PURCHASE_VELOCITY": None})
    with app.app_context():
        upgrade(revision="heads")
    return app


# --- 1. outbox overhead ---------------------------------------------------------------------


def outbox_overhead(app: Any, args: argparse.Namespace) -> dict[str, Any]:
    from sqlalchemy import text

    import wallet.purchases.service as purchases
    from tests.support.buyers import make_world, top_up, user_token
    from wallet.db import db
    from wallet.purchases.service import Buyer, Limits

    with app.app_context():
        session = db.session()
        world = make_world(session, users=20)
        tokens = []
        for user in world.user_ids:
            top_up(session, user, 10**12)
            tokens.append(user_token(session, user, world.app_id, expires_in=86400))
        session.commit()
        db.session.remove()
    real_emit = purchases.emit
    client = app.test_client()
    counter = iter(range(10**9))

    def via_request(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            response = client.post("/v1/purchases", json={"amount": 1, "description": "Sticker"},
                                   headers={"Authorization": f"Bearer {tokens[i % 20]}",
                                            "Idempotency-Key": f"b-{i}"})
            assert response.status_code == 201, response.json

    def via_service(n: int) -> None:
        session = db.session()
        for _ in range(n):
            i = next(counter)
            buyer = Buyer(user_id=world.user_ids[i % 20], app_id=world.app_id,
                          merchant_id=world.merchant_id)
            purchases.create_purchase(session, buyer, amount=1, description="Sticker",
                                      metadata=None, idempotency_key=f"s-{i}",
                                      limits=Limits(velocity_per_minute=None))
            session.commit()

    results = {}
    with app.app_context():
        for name, path in (("request", via_request), ("service", via_service)):
            samples: dict[bool, list[dict[str, float]]] = {True: [], False: []}
            path(args.block // 4)  # warm up both sides
            for pair in range(args.pairs):
                for with_outbox in ((True, False) if pair % 2 == 0 else (False, True)):
                    purchases.emit = real_emit if with_outbox else _no_emit  # type: ignore[assignment]
                    pid = None
                    if db.engine.dialect.name == "postgresql":
                        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
                        db.session.commit()
                    wall, cpu, server = (time.perf_counter(), time.process_time(),
                                         backend_cpu(pid))
                    path(args.block)
                    samples[with_outbox].append({
                        "wall_ms": (time.perf_counter() - wall) * 1000 / args.block,
                        "cpu_ms": (time.process_time() - cpu + backend_cpu(pid) - server)
                        * 1000 / args.block})
            purchases.emit = real_emit  # type: ignore[assignment]
            results[name] = summarise(samples)
        db.session.remove()
    return results


def _no_emit(*_args: Any, **_kwargs: Any) -> str:
    return ""


def summarise(samples: dict[bool, list[dict[str, float]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for metric in ("wall_ms", "cpu_ms"):
        with_ = [s[metric] for s in samples[True]]
        without = [s[metric] for s in samples[False]]
        ratios = sorted(w / o for w, o in zip(with_, without, strict=True))
        quartile = len(ratios) // 4
        out[metric] = {"with_outbox": round(statistics.median(with_), 3),
                       "without": round(statistics.median(without), 3),
                       "added": round(statistics.median(with_) - statistics.median(without), 3),
                       "ratio": round(statistics.median(ratios), 3),
                       "ratio_iqr": [round(ratios[quartile], 3),
                                     round(ratios[-1 - quartile], 3)]}
    return out


def emit_alone(app: Any, count: int = 3000) -> dict[str, Any]:
    """``emit`` by itself: ``count`` events, a commit every 100; CPU per event (with the
    backend's on PostgreSQL) and the part that only builds the row."""
    from sqlalchemy import text

    from wallet.db import db, utcnow
    from wallet.webhooks.events import emit, insert_params

    obj = {"object": "purchase", "id": "pur_x", "amount": 1, "refunded": 0,
           "merchant_id": "mer_x", "app_id": "app_x", "user_id": "usr_x",
           "description": "Sticker", "metadata": {}, "balance_after": 41, "created_at": utcnow()}
    with app.app_context():
        session = db.session()
        dialect = db.engine.dialect.name
        pid = (session.execute(text("SELECT pg_backend_pid()")).scalar()
               if dialect == "postgresql" else None)
        session.commit()
        cpu, server = time.process_time(), backend_cpu(pid)
        for i in range(count):
            emit(session, "purchase.created", obj, "mer_x")
            if i % 100 == 99:
                session.commit()
        session.commit()
        used = time.process_time() - cpu + backend_cpu(pid) - server
        started = time.process_time()
        for _ in range(count):
            insert_params("purchase.created", obj, "mer_x", utcnow(), dialect)
        build = time.process_time() - started
        session.execute(text("DELETE FROM events WHERE merchant_id = 'mer_x'"))
        session.commit()
        db.session.remove()
    return {"events": count, "cpu_us_per_event": round(used * 1e6 / count, 1),
            "build_row_us": round(build * 1e6 / count, 1)}


# --- 2. delivery rate -----------------------------------------------------------------------


def start_receiver(secret: str) -> tuple[subprocess.Popen[str], int]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.webhook_receiver", "--secret", secret],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    return process, int(line.split()[1])


def stop_receiver(process: subprocess.Popen[str]) -> tuple[int, int]:
    process.terminate()
    out, _ = process.communicate(timeout=30)
    counts = next(x for x in out.splitlines() if x.startswith("COUNT")).split()
    return int(counts[1]), int(counts[2])


def delivery_rate(app: Any, args: argparse.Namespace) -> dict[str, Any]:
    from sqlalchemy import func, select

    from wallet.db import db, utcnow
    from wallet.merchants import service as merchants
    from wallet.webhooks import events, service
    from wallet.webhooks.api import webhook_kek
    from wallet.webhooks.models import WebhookDelivery
    from wallet.webhooks.safety import UrlPolicy
    from wallet.webhooks.sender import Message
    from wallet.webhooks.worker import WorkerSettings, run

    kek = webhook_kek(app)
    policy = UrlPolicy.development()
    with app.app_context():
        session = db.session()
        merchant = merchants.create_merchant(session, "Bench webhooks")
        probe, secret = service.create_endpoint(session, merchant.id, url="http://127.0.0.1:1/",
                                                events=["purchase.created"], policy=policy,
                                                kek=kek)
        session.commit()
        receiver, port = start_receiver(secret)
        probe.url = f"http://127.0.0.1:{port}/hooks"
        now = utcnow()
        sample = {"object": "purchase", "amount": 1, "refunded": 0, "merchant_id": merchant.id,
                  "app_id": "app_bench", "user_id": "usr_bench", "description": "Sticker",
                  "metadata": {}, "balance_after": 41, "created_at": now}
        for start in range(0, args.events, 5000):
            count = min(5000, args.events - start)
            events.emit_many(session, "purchase.created",
                             [({**sample, "id": f"pur_{uuid.uuid4().hex[:16]}"}, merchant.id)
                              for _ in range(count)])
            session.commit()
        db.session.remove()

    settings = WorkerSettings.from_config(app.config)
    body = json.dumps({"id": "evt_x", "type": "purchase.created", "data": sample},
                      default=str).encode()
    messages = [Message(f"d{i}", 1, probe.id, probe.url, f"evt_raw_{i}", body, (secret,))
                for i in range(args.events)]
    sender = settings.sender(policy)
    try:
        started = time.perf_counter()
        for start in range(0, len(messages), settings.batch):
            outcomes = sender.send(messages[start:start + settings.batch])
            assert all(o.ok for o in outcomes), outcomes[0]
        raw_seconds = time.perf_counter() - started

        with app.app_context():
            started, cpu = time.perf_counter(), time.process_time()
            totals = run(db.session(), sender, settings, kek, once=True)
            seconds, cpu_used = time.perf_counter() - started, time.process_time() - cpu
            delivered = db.session.scalar(select(func.count()).select_from(WebhookDelivery)
                                          .where(WebhookDelivery.status == "succeeded"))
            db.session.remove()
    finally:
        sender.close()
        verified, rejected = stop_receiver(receiver)
    assert delivered == args.events and totals.succeeded == args.events, (delivered, totals)
    assert verified == 2 * args.events and rejected == 0, (verified, rejected)
    return {"events": args.events, "batch": settings.batch,
            "concurrency": settings.concurrency, "per_endpoint": settings.per_endpoint,
            "worker_seconds": round(seconds, 2),
            "worker_events_per_s": round(args.events / seconds),
            "worker_cpu_ms_per_event": round(cpu_used * 1000 / args.events, 3),
            "raw_seconds": round(raw_seconds, 2),
            "raw_events_per_s": round(args.events / raw_seconds),
            "ratio_to_raw": round(raw_seconds / seconds, 3),
            "receiver_verified": verified, "receiver_rejected": rejected}


def bench(engine: str, args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix=f"wallet-bench-webhooks-{engine}-"))
    with database(engine, workdir) as url:
        app = make_app(url, workdir)
        result: dict[str, Any] = {"engine": engine, "load_before": os.getloadavg()}
        result["emit_alone"] = emit_alone(app)
        result["outbox_overhead"] = outbox_overhead(app, args)
        result["delivery"] = delivery_rate(app, args)
        result["load_after"] = os.getloadavg()
        with app.app_context():
            from wallet.db import db

            db.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--block", type=int, default=50, help="purchases per block")
    parser.add_argument("--pairs", type=int, default=40, help="with/without block pairs")
    parser.add_argument("--events", type=int, default=10000)
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    args = parser.parse_args()
    if args.quick:
        args.block, args.pairs, args.events = 20, 2, 300
    engines = ["postgresql", "sqlite"] if args.engine == "both" else [args.engine]
    for engine in engines:
        print(json.dumps(bench(engine, args)), flush=True)


if __name__ == "__main__":
    main()
