"""A bank-style outside workload over HTTP: how many 5xx under ordinary concurrent load?

Gunicorn in production mode (gthread, 2 workers x 8 threads) on PostgreSQL; 20 people
buy at one merchant; 20 % of purchases are sent a second time with the same
Idempotency-Key; 10 % are partially refunded by the merchant at once. Each client
thread runs ``--ops`` purchases; the run is repeated at each ``--threads`` count.

Beside it, in the same run on the same machine, the same workload against a baseline
checkout (``--baseline-ref``, default ``main``: the code before the lock order and the
retry net) and a purchases-only run (no resends, no refunds) as the throughput
baseline. Prints one Markdown table.

    .venv/bin/python benchmarks/mixed_load.py --threads 16 64 --ops 60
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.live_server import SECRETS, Gunicorn, production_env  # noqa: E402
from wallet import create_app  # noqa: E402

ADMIN_URL = os.environ.get("WALLET_TEST_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SERVER_CONFIG = {"RATELIMIT_ENABLED": False, "PURCHASE_VELOCITY": None}


@dataclass
class Result:
    label: str
    threads: int
    seconds: float
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    replay_mismatches: int = 0
    retries: int = 0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def errors_5xx(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500 or status == 0)


def new_database() -> str:
    name = f"wallet_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def seed(url: str, instance: Path, people: int) -> dict[str, Any]:
    """Migrate; one merchant with an app, ``people`` funded people with app tokens."""
    from flask_migrate import upgrade

    from wallet.db import db
    from wallet.ledger import chart
    from wallet.ledger.core import Move, post
    from wallet.merchants import service as merchants
    from wallet.oauth.service import mint_access_token
    from wallet.people import service as persons

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance), **SECRETS})
    with app.app_context():
        upgrade()
        session = db.session()
        merchant = merchants.create_merchant(session, "Bench shop")
        client = merchants.create_app_client(session, merchant.id, "Bench app",
                                             ["http://127.0.0.1/cb"])
        _k, key = merchants.issue_key(session, "secret", merchant_id=merchant.id)
        clearing = chart.platform_account(session, chart.Kind.TOPUP_CLEARING).id
        tokens = []
        for n in range(people):
            user = persons.create_user(session, f"bench{n}@example.com")
            paid = chart.user_account(session, user.id).id
            post(session, reference=f"bench:{user.id}", kind="topup",
                 moves=[Move(clearing, paid, 10_000_000)])
            tokens.append(mint_access_token(session, user_id=user.id, app_id=client.id,
                                            expires_in=86400)[0])
        session.commit()
        db.engine.dispose()
    return {"merchant_key": key, "tokens": tokens}


def run(label: str, base_url: str, actors: dict[str, Any], threads: int, ops: int,
        mixed: bool) -> Result:
    result = Result(label, threads, 0.0)
    lock = threading.Lock()

    def send(http: requests.Session, path: str, token: str, key: str, body: Any) -> Any:
        started = time.perf_counter()
        try:
            answer = http.post(base_url + path, json=body, timeout=120, headers={
                "Authorization": f"Bearer {token}", "Idempotency-Key": key})
            status, payload = answer.status_code, answer.json()
        except (requests.RequestException, ValueError):
            status, payload = 0, None
        with lock:
            result.statuses[status] += 1
            result.latencies.append(time.perf_counter() - started)
        return status, payload

    def client(n: int) -> None:
        rng = random.Random(n)
        http = requests.Session()
        for _ in range(ops):
            token, key = rng.choice(actors["tokens"]), uuid.uuid4().hex
            body = {"amount": rng.randint(1, 50), "description": "Article"}
            first = send(http, "/v1/purchases", token, key, body)
            if not mixed or first[0] != 201:
                continue
            if rng.random() < 0.2:
                again = send(http, "/v1/purchases", token, key, body)
                if again != first:
                    with lock:
                        result.replay_mismatches += 1
            if rng.random() < 0.1:
                send(http, f"/v1/purchases/{first[1]['id']}/refunds", actors["merchant_key"],
                     uuid.uuid4().hex, {"amount": rng.randint(1, first[1]["amount"])})

    pool = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    result.seconds = time.perf_counter() - started
    return result


def snapshot(ref: str, into: Path) -> Path:
    """The source tree of ``ref`` (``git archive``), to serve as the baseline."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def serve_and_run(label: str, app_dir: Path, work: Path, args: argparse.Namespace,
                  mixed: bool = True) -> list[Result]:
    url = new_database()
    try:
        actors = seed(url, work / f"instance-{uuid.uuid4().hex[:6]}", args.people)
        server = Gunicorn(production_env(url, SERVER_CONFIG), work / f"{label}.log",
                          workers=args.workers, threads=args.server_threads, app_dir=app_dir)
        base_url = server.start()
        results = []
        try:
            for threads in args.threads:
                before = server.retries()
                result = run(label, base_url, actors, threads, args.ops, mixed)
                result.retries = server.retries() - before
                results.append(result)
        finally:
            server.stop()
        return results
    finally:
        drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--ops", type=int, default=60, help="purchases per client thread")
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server-threads", type=int, default=8)
    parser.add_argument("--baseline-ref", default="main",
                        help="git ref served as the baseline ('' to skip)")
    args = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results = serve_and_run("this checkout", ROOT, work, args)
        results += serve_and_run("purchases only", ROOT, work, args, mixed=False)
        if args.baseline_ref:
            base = snapshot(args.baseline_ref, work / "baseline")
            results += serve_and_run(args.baseline_ref, base, work, args)
    print(f"\nload average before the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs\n")
    print("| server | client threads | requests | 5xx | replays differing | retries "
          "logged | req/s | p50 ms | p99 ms | statuses |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        lat = sorted(r.latencies)
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        print(f"| {r.label} | {r.threads} | {r.requests} | {r.errors_5xx} | "
              f"{r.replay_mismatches} | {r.retries} | {r.requests / r.seconds:.0f} | "
              f"{1000 * statistics.median(lat):.0f} | {1000 * p99:.0f} | "
              f"{dict(sorted(r.statuses.items()))} |")


if __name__ == "__main__":
    main()
