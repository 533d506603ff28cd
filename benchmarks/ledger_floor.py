"""What the ledger benchmark's harness costs before ``post`` does anything (SQLite).

``benchmarks/ledger.py`` measures ``core.post`` + ``session.commit()`` on an ORM
``Session``; its baseline runs raw SQL on one bare ``Connection``. This prints, in one
run, microseconds per transaction (1 thread, best of 3) of:

- the baseline itself (one balance UPDATE + one history INSERT, as in ledger.py);
- an empty transaction on a ``Connection`` (begin + commit);
- an empty transaction on a ``Session`` (``session.connection()`` + ``commit()``):
  the floor under every ledger transaction in ledger.py, whatever ``post`` costs;
- a transaction of one ledger balance-row UPDATE on the DBAPI cursor, without and with
  ``RETURNING`` (why the ledger's SQLite statements return no rows);
- one transfer as ledger.py's "spread" case runs it (``core.post`` + ``session.commit()``);
- the same ``core.post`` on a Session bound to one Connection held for the whole run (the
  unit of work on a Core Connection: no pool check-out/check-in per transaction);
- the SQL of one transfer alone: the statements ``post`` sends on SQLite, fixed text on
  the DBAPI cursor of one Connection, with no Python of ``post`` and no Session (the
  floor under any change to ``post`` or to the unit of work);
- the same SQL on a bare ``sqlite3`` connection, beside the baseline's SQL there (what
  the database itself costs, without SQLAlchemy).

CPU time of the thread (``time.thread_time``), so the load of other processes on the
machine moves it less than wall time.

Usage: .venv/bin/python benchmarks/ledger_floor.py [--count 20000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import wallet.models  # noqa: F401  (registers every table)
from benchmarks.ledger import baseline_work, ledger_work, prepare_baseline, prepare_ledger
from wallet.db import utcnow
from wallet.ledger import core
from wallet.ledger.core import Move


def best_of_three(count: int, run: Callable[[int], None]) -> tuple[float, float]:
    """Microseconds per iteration (thread CPU, wall), the best of three runs of ``count``."""
    cpu, wall = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.thread_time()
        run(count)
        cpu.append((time.thread_time() - started_cpu) / count * 1e6)
        wall.append((time.perf_counter() - started) / count * 1e6)
    return min(cpu), min(wall)


def counted(work: Callable[[int, Callable[[], bool]], int]) -> Callable[[int], None]:
    """A ledger.py work function run for exactly ``count`` transactions on one thread."""
    def run(count: int) -> None:
        left = iter(range(count))
        work(0, lambda: next(left, None) is not None)
    return run


def cases(engine: Engine, path: str, sources: list[int],
          targets: list[int]) -> dict[str, Callable[[int], None]]:
    factory = sessionmaker(engine, expire_on_commit=False)
    runs = iter(range(10**6))

    def empty_connection(count: int) -> None:
        with engine.connect() as conn:
            for _ in range(count):
                with conn.begin():
                    pass

    def empty_session(count: int) -> None:
        with factory() as session:
            for _ in range(count):
                session.connection()
                session.commit()

    def post_on_held_connection(count: int) -> None:
        rng, run = random.Random(1), next(runs)
        with engine.connect() as conn, Session(bind=conn, expire_on_commit=False) as session:
            for n in range(count):
                core.post(session, reference=f"held:{run}:{n}", kind="transfer",
                          moves=[Move(rng.choice(sources), rng.choice(targets), 1)])
                session.commit()

    return {
        "baseline (UPDATE + INSERT on a Connection)": counted(baseline_work(engine)),
        "empty transaction on a Connection": empty_connection,
        "empty transaction on a Session": empty_session,
        "transaction of one balance-row UPDATE (ledger schema)": update(engine, ""),
        "the same UPDATE ... RETURNING balance": update(engine, " RETURNING balance"),
        "**ledger.py's transfer**: `post` + `commit()` on a Session": counted(
            ledger_work(engine, sources, targets, 0, f"floor{next(runs)}")),
        "`post` + `commit()` on a Session bound to one held Connection":
            post_on_held_connection,
        "the SQL of one transfer on a Connection (no `post`, no Session)":
            transfer_sql(engine, sources, targets),
        "raw sqlite3: the baseline's SQL": raw_sqlite(path, baseline=True),
        "raw sqlite3: the SQL of one transfer": raw_sqlite(path, baseline=False),
    }


def update(engine: Engine, returning: str) -> Callable[[int], None]:
    sql = ("UPDATE account_balances SET balance = balance + 1 WHERE account_id = ? "
           f"AND shard = 0{returning}")

    def run(count: int) -> None:
        with engine.connect() as conn:
            for i in range(count):
                with conn.begin():
                    cursor = conn.connection.cursor()
                    cursor.execute(sql, (1 + i % 1000,))
                    cursor.fetchall()

    return run


_references = iter(range(10**9))


def _transfer(cursor: Any, statements: core._Statements, sources: list[int],
              targets: list[int], rng: random.Random, created_at: str) -> None:
    """What ``post`` sends on SQLite for one transfer (``_post_without_returning``)."""
    debit, credit = rng.choice(sources), rng.choice(targets)
    cursor.execute(statements.insert_transaction_plain,
                   (f"sql:{next(_references)}", "transfer", "0" * 64, "{}", None, created_at))
    txn_id = cursor.lastrowid
    for account_id in sorted((debit, credit)):
        if account_id == debit:
            cursor.execute(statements.debit_checked_plain, (1, debit, 1))
        else:
            cursor.execute(statements.add_plain, (1, credit, 0))
    cursor.execute(core._single_balances_sql(2), sorted((debit, credit))).fetchall()
    cursor.execute(statements.insert_posting, (txn_id, debit, credit, "CREDIT", 1))


def transfer_sql(engine: Engine, sources: list[int],
                 targets: list[int]) -> Callable[[int], None]:
    statements = core._statements(engine.dialect)
    created_at = statements.datetime_to_db(utcnow())

    def run(count: int) -> None:
        rng = random.Random(2)
        with engine.connect() as conn:
            for _ in range(count):
                with conn.begin():
                    _transfer(conn.connection.cursor(), statements, sources, targets, rng,
                              created_at)

    return run


def raw_sqlite(path: str, *, baseline: bool) -> Callable[[int], None]:
    """The same SQL on a bare sqlite3 connection (the engine's pragmas, BEGIN IMMEDIATE)."""
    def run(count: int) -> None:
        rng = random.Random(3)
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
            conn.execute(f"PRAGMA {pragma}")
        cursor = conn.cursor()
        statements = core._statements(_SQLITE_DIALECT)
        created_at = statements.datetime_to_db(utcnow())
        try:
            for _ in range(count):
                cursor.execute("BEGIN IMMEDIATE")
                if baseline:
                    cursor.execute("UPDATE bench_accounts SET balance = balance + 1 "
                                   "WHERE id = ?", (rng.randrange(1000),))
                    cursor.execute("INSERT INTO bench_history (account_id, delta) "
                                   "VALUES (?, 1)", (0,))
                else:
                    _transfer(cursor, statements, _SOURCES, _TARGETS, rng, created_at)
                cursor.execute("COMMIT")
        finally:
            conn.close()

    return run


_SQLITE_DIALECT = create_engine("sqlite://").dialect
_SOURCES: list[int] = []
_TARGETS: list[int] = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/floor.sqlite3"
        engine = create_engine(f"sqlite:///{path}", pool_size=20, max_overflow=0,
                               connect_args={"timeout": 30, "check_same_thread": False})
        try:
            sources, targets, _hot = prepare_ledger(engine)
            _SOURCES[:], _TARGETS[:] = sources, targets
            prepare_baseline(engine)
            print("| µs per transaction, 1 thread, best of 3 | CPU | wall |\n|---|---:|---:|")
            for name, run in cases(engine, path, sources, targets).items():
                cpu, wall = best_of_three(args.count, run)
                print(f"| {name} | {cpu:.1f} | {wall:.1f} |", flush=True)
        finally:
            engine.dispose()


if __name__ == "__main__":
    main()
