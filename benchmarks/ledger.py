"""Ledger throughput beside raw-SQL baselines taken in the same run.

For each engine (SQLite in a temp file, PostgreSQL on 127.0.0.1) and each thread
count (1, 16) it measures in-process ``ledger.post`` + commit per second, to
spread destinations and to one hot destination (a sharded merchant account),
and beside it the baseline:

- SQLite: the raw SQL of one balance UPDATE + one history INSERT per
  transaction, through the same engine (same BEGIN IMMEDIATE, same pragmas);
- PostgreSQL: ``pgbench -b simple-update`` with the same client count.

Usage: .venv/bin/python benchmarks/ledger.py [--seconds 5] [--engines sqlite,postgresql]
Targets: ledger >= 0.5x baseline; hot destination >= 0.8x spread.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import wallet.models  # noqa: F401  (registers every table)
from wallet.db import Base
from wallet.ledger import chart, core
from wallet.ledger.core import Move

PG_ADMIN = os.environ.get("WALLET_BENCH_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
ACCOUNTS = 1000
START = 10**12


@dataclass
class Result:
    engine: str
    threads: int
    case: str
    tps: float


def run_for(seconds: float, threads: int, work: Callable[[int, Callable[[], bool]], int]) -> float:
    """Run ``work(thread_index, keep_going)`` in threads; return operations per second."""
    deadline = time.perf_counter() + seconds
    counts = [0] * threads

    def runner(i: int) -> None:
        counts[i] = work(i, lambda: time.perf_counter() < deadline)

    started = time.perf_counter()
    pool = [threading.Thread(target=runner, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(counts) / (time.perf_counter() - started)


def prepare_ledger(engine: Engine) -> tuple[list[int], list[int], int]:
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        clearing = chart.platform_account(session, chart.Kind.TOPUP_CLEARING).id
        sources = [chart.user_account(session, f"usr_src{i}").id for i in range(ACCOUNTS)]
        targets = [chart.user_account(session, f"usr_dst{i}").id for i in range(ACCOUNTS)]
        hot = chart.merchant_account(session, "mer_hot", chart.Kind.MERCHANT_PENDING).id
        for i, account in enumerate(sources):
            core.post(session, reference=f"fund:{i}", kind="topup",
                      moves=[Move(debit=clearing, credit=account, amount=START)])
        session.commit()
    return sources, targets, hot


def ledger_work(engine: Engine, sources: list[int], targets: list[int] | None, hot: int,
                tag: str) -> Callable[[int, Callable[[], bool]], int]:
    factory = sessionmaker(engine, expire_on_commit=False)

    def work(i: int, keep_going: Callable[[], bool]) -> int:
        rng = random.Random(i)
        n = 0
        with factory() as session:
            while keep_going():
                dst = rng.choice(targets) if targets else hot
                core.post(session, reference=f"{tag}:{i}:{n}", kind="transfer",
                          moves=[Move(debit=rng.choice(sources), credit=dst, amount=1)])
                session.commit()
                n += 1
        return n

    return work


def baseline_work(engine: Engine) -> Callable[[int, Callable[[], bool]], int]:
    """One balance UPDATE + one history INSERT per transaction, raw SQL."""

    def work(i: int, keep_going: Callable[[], bool]) -> int:
        rng = random.Random(i)
        n = 0
        with engine.connect() as conn:
            while keep_going():
                with conn.begin():
                    conn.exec_driver_sql(
                        "UPDATE bench_accounts SET balance = balance + 1 WHERE id = ?"
                        if engine.dialect.name == "sqlite" else
                        "UPDATE bench_accounts SET balance = balance + 1 WHERE id = %s",
                        (rng.randrange(ACCOUNTS),),
                    )
                    conn.exec_driver_sql(
                        "INSERT INTO bench_history (account_id, delta) VALUES (?, 1)"
                        if engine.dialect.name == "sqlite" else
                        "INSERT INTO bench_history (account_id, delta) VALUES (%s, 1)",
                        (i,),
                    )
                n += 1
        return n

    return work


def prepare_baseline(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bench_accounts (id INTEGER PRIMARY KEY, balance BIGINT)"))
        conn.execute(text("CREATE TABLE bench_history (id INTEGER PRIMARY KEY"
                          + (" AUTOINCREMENT" if engine.dialect.name == "sqlite" else "")
                          + ", account_id INTEGER, delta BIGINT)")
                     if engine.dialect.name == "sqlite" else
                     text("CREATE TABLE bench_history (id BIGSERIAL PRIMARY KEY, "
                          "account_id INTEGER, delta BIGINT)"))
        conn.execute(text("INSERT INTO bench_accounts (id, balance) VALUES (:i, 0)"),
                     [{"i": i} for i in range(ACCOUNTS)])


def pgbench_tps(database: str, clients: int, seconds: float) -> float:
    url = make_url(PG_ADMIN)
    base = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
            "-U", url.username or "postgres"]
    subprocess.run(["pgbench", "-i", "-q", "-s", "1", *base, database], check=True,
                   capture_output=True)
    out = subprocess.run(
        ["pgbench", "-b", "simple-update", "-c", str(clients), "-j", str(min(clients, 2)),
         "-T", str(max(1, round(seconds))), "-n", *base, database],
        check=True, capture_output=True, text=True,
    ).stdout
    match = re.search(r"tps = ([0-9.]+)", out)
    if match is None:
        raise RuntimeError(f"no tps in pgbench output:\n{out}")
    return float(match.group(1))


def bench_engine(name: str, seconds: float, thread_counts: list[int]) -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        admin = None
        if name == "sqlite":
            url = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            dbname = f"wallet_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{dbname}"'))
            url = make_url(PG_ADMIN).set(database=dbname).render_as_string(hide_password=False)
        options = {"connect_args": {"timeout": 30, "check_same_thread": False}} if (
            name == "sqlite") else {}
        engine = create_engine(url, pool_size=20, max_overflow=0, **options)
        try:
            sources, targets, hot = prepare_ledger(engine)
            prepare_baseline(engine)
            for threads in thread_counts:
                if name == "sqlite":
                    base = run_for(seconds, threads, baseline_work(engine))
                else:
                    base = pgbench_tps(make_url(url).database or "", threads, seconds)
                results.append(Result(name, threads, "baseline", base))
                for case, dst in (("spread", targets), ("hot", None)):
                    tps = run_for(seconds, threads,
                                  ledger_work(engine, sources, dst, hot, f"{case}{threads}"))
                    results.append(Result(name, threads, case, tps))
        finally:
            engine.dispose()
            if admin is not None:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
                admin.dispose()
    return results


def report(results: list[Result]) -> str:
    lines = ["| engine | threads | baseline tx/s | spread tx/s | hot tx/s | spread/baseline "
             "| hot/baseline | hot/spread |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    keyed = {(r.engine, r.threads, r.case): r.tps for r in results}
    for engine, threads in sorted({(r.engine, r.threads) for r in results}):
        base = keyed[(engine, threads, "baseline")]
        spread = keyed[(engine, threads, "spread")]
        hot = keyed[(engine, threads, "hot")]
        lines.append(f"| {engine} | {threads} | {base:,.0f} | {spread:,.0f} | {hot:,.0f} | "
                     f"{spread / base:.2f} | {hot / base:.2f} | {hot / spread:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", default="1,16")
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    thread_counts = [int(t) for t in args.threads.split(",")]
    results: list[Result] = []
    for name in args.engines.split(","):
        results.extend(bench_engine(name, args.seconds, thread_counts))
    print(report(results))


if __name__ == "__main__":
    main()
