"""Payout run over many merchants with earnings, beside one SQL aggregate of those earnings.

    .venv/bin/python benchmarks/payouts.py                       # 100,000 merchants, PostgreSQL
    .venv/bin/python benchmarks/payouts.py --engine sqlite
    .venv/bin/python benchmarks/payouts.py --merchants 2000 --quick   # smoke run

Setup (not timed, bulk-inserted with COPY on PostgreSQL and executemany on SQLite, never
through the API): N verified merchants with a valid IBAN and a weekly schedule; each has
``--purchases`` purchase transactions (from 1,000 funded users) on
its pending earnings (250..750 credits each: about 40 EUR in all), all released to
available by one release transaction per merchant
(pending balance rows 16 shards each, as in production). Then, in the same process:

* ``aggregate``: one SQL aggregate over the same earnings: the sum of every purchase
  posting per merchant (``GROUP BY`` over the postings crediting pending accounts),
  fetched into Python. Best of three.
* ``run``: ``wallet.payouts.service.run_payouts`` (claim, quote, ledger moves, payout
  rows, pain.001 + CSV files, batch row) and the commit. Phases are reported too.

Target: run <= 5 x aggregate.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade
from sqlalchemy import text

from tests.support.databases import temporary_database
from wallet import create_app
from wallet.db import db
from wallet.ledger.chart import HOT_SHARDS
from wallet.ledger.core import Move, fingerprint
from wallet.payouts import service
from wallet.payouts.config import load_payout_config

IBAN = "DE89370400440532013000"
USERS = 1000
AGGREGATE_SQL = """
SELECT p.credit_account_id, SUM(p.amount)
FROM postings p JOIN accounts a ON a.id = p.credit_account_id
WHERE a.kind = 'merchant_pending'
GROUP BY p.credit_account_id
"""


def build_rows(merchants: int, purchases: int, seed: int = 7) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the setup, consistent with the ledger's rules (verify would pass)."""
    rng = random.Random(seed)
    created = datetime.now(UTC) - timedelta(days=10)
    # established merchants: past the first-payout hold of new ones (docs/risk.md)
    signed_up = datetime.now(UTC) - timedelta(days=90)
    rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in (
        "merchants", "payout_accounts", "accounts", "account_balances", "transactions",
        "postings")}
    clearing = 1
    rows["accounts"].append((clearing, "platform:topup_clearing", "platform_topup_clearing",
                             "CREDIT", True, 1, created))
    rows["account_balances"].append([clearing, 0, 0, True])
    users = list(range(2, 2 + USERS))
    for u in users:
        rows["accounts"].append((u, f"user:usr_b{u}:paid", "user_paid", "CREDIT", False, 1,
                                 created))
    spent = dict.fromkeys(users, 0)
    next_account = 2 + USERS
    txn = 0
    posting = 0
    user_balance_rows = {u: [u, 0, 0, False] for u in users}
    for i in range(merchants):
        mid = f"mer_b{i:07d}"
        pending, available, in_transit = next_account, next_account + 1, next_account + 2
        next_account += 3
        rows["merchants"].append((mid, f"Merchant {i}", "verified", signed_up))
        rows["accounts"].extend([
            (pending, f"merchant:{mid}:pending", "merchant_pending", "CREDIT", False,
             HOT_SHARDS, created),
            (available, f"merchant:{mid}:available", "merchant_available", "CREDIT", False, 1,
             created),
            (in_transit, f"merchant:{mid}:in_transit", "merchant_in_transit", "CREDIT", False,
             1, created),
        ])
        total = 0
        for n in range(purchases):
            amount = rng.randint(250, 750)
            user = users[rng.randrange(USERS)]
            spent[user] += amount
            total += amount
            txn += 1
            posting += 1
            moves = [Move(user, pending, amount)]
            meta = {"merchant_id": mid}
            rows["transactions"].append((txn, f"bench-purchase:{mid}:{n}", "purchase",
                                         fingerprint("purchase", moves, meta, None),
                                         json.dumps(meta), None, created))
            rows["postings"].append((posting, txn, user, pending, "CREDIT", amount))
        txn += 1
        posting += 1
        moves = [Move(pending, available, total)]
        meta = {"merchant_id": mid, "released_upto": txn - 1}
        rows["transactions"].append((txn, f"release:{mid}:{txn - 1}", "earnings_release",
                                     fingerprint("earnings_release", moves, meta, None),
                                     json.dumps(meta),
                                     None, created))
        rows["postings"].append((posting, txn, pending, available, "CREDIT", total))
        rows["payout_accounts"].append((mid, IBAN, "COBADEFFXXX", f"Merchant {i} GmbH", "weekly",
                                        txn - 1, 0, None, created))
        rows["account_balances"].extend(
            [pending, s, 0, False] for s in range(HOT_SHARDS))
        rows["account_balances"].append([available, 0, total, False])
        rows["account_balances"].append([in_transit, 0, 0, False])
    for u in users:
        txn += 1
        posting += 1
        amount = spent[u] or 1
        moves = [Move(clearing, u, amount)]
        rows["transactions"].append((txn, f"bench-topup:{u}", "topup",
                                     fingerprint("topup", moves, {}, None), "{}", None, created))
        rows["postings"].append((posting, txn, clearing, u, "CREDIT", amount))
        user_balance_rows[u][2] = amount - spent[u]
        rows["account_balances"][0][2] -= amount
    rows["account_balances"].extend(user_balance_rows.values())
    rows["account_balances"] = [tuple(r) for r in rows["account_balances"]]
    return rows


COLUMNS = {
    "merchants": "id, name, kyc_status, created_at",
    "payout_accounts": "merchant_id, iban, bic, holder_name, schedule, released_upto, "
                       "payout_seq, last_scheduled_at, updated_at",
    "accounts": "id, code, kind, asset, allow_negative, shards, created_at",
    "account_balances": "account_id, shard, balance, allow_negative",
    "transactions": "id, reference, kind, fingerprint, metadata, reverses_id, created_at",
    "postings": "id, transaction_id, debit_account_id, credit_account_id, asset, amount",
}
ORDER = ["merchants", "payout_accounts", "accounts", "account_balances", "transactions",
         "postings"]


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(sep=" ")
    return value


def load(engine_name: str, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table in ORDER:
            columns = COLUMNS[table]
            if engine_name == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows[table]:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns.split(",")))
                data = rows[table]
                if table in ("merchants", "payout_accounts", "accounts", "transactions"):
                    data = [tuple(_sqlite_value(v) for v in r) for r in data]
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", data)
        if engine_name == "postgresql":
            for table in ("accounts", "transactions", "postings"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")
        raw.commit()
        raw.cursor().execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def aggregate_seconds(repeat: int = 3) -> tuple[float, int]:
    best = float("inf")
    count = 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = db.session.execute(text(AGGREGATE_SQL)).all()
        best = min(best, time.perf_counter() - start)
        count = len(result)
        db.session.rollback()
    return best, count


def bench(engine_name: str, merchants: int, purchases: int, with_files: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, temporary_database(engine_name, Path(tmp)) as url:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(Path(tmp) / "instance"),
                          "SECRET_KEY": "x" * 43, "TESTING": True})
        with app.app_context():
            upgrade(revision="heads")
            start = time.perf_counter()
            rows = build_rows(merchants, purchases)
            load(engine_name, rows)
            setup = time.perf_counter() - start
            postings = len(rows["postings"])
            del rows
            aggregate, groups = aggregate_seconds()
            config = load_payout_config(app.config)
            out_dir = Path(tmp) / "files"
            start = time.perf_counter()
            result = service.run_payouts(db.session(), config, out_dir=out_dir,
                                         write_files=False)
            db.session.commit()
            run = time.perf_counter() - start
            files = None
            if with_files:
                start = time.perf_counter()
                service.build_batch_files(db.session(), config, str(result.batch_id),
                                          out_dir=out_dir)
                db.session.commit()
                files = time.perf_counter() - start
            assert len(result.payouts) == merchants, len(result.payouts)
            in_transit = db.session.execute(text(
                "SELECT sum(b.balance) FROM account_balances b JOIN accounts a "
                "ON a.id = b.account_id WHERE a.kind = 'merchant_in_transit'")).scalar()
            paid_credits = db.session.execute(text("SELECT sum(credits) FROM payouts")).scalar()
            assert in_transit == paid_credits, (in_transit, paid_credits)
            db.session.rollback()
            db.engine.dispose()
    return {"engine": engine_name, "merchants": merchants, "postings": postings,
            "groups": groups, "setup": setup, "aggregate": aggregate, "run": run, "files": files,
            "phases": result.timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--merchants", type=int, default=100_000)
    parser.add_argument("--purchases", type=int, default=10, help="purchases per merchant")
    parser.add_argument("--engine", choices=["postgresql", "sqlite", "both"],
                        default="postgresql")
    parser.add_argument("--quick", action="store_true", help="2,000 merchants")
    parser.add_argument("--no-files", action="store_true",
                        help="skip building the batch's pain.001 and CSV")
    args = parser.parse_args()
    merchants = 2000 if args.quick else args.merchants
    engines = ["postgresql", "sqlite"] if args.engine == "both" else [args.engine]
    print(f"Python {platform.python_version()}, {platform.machine()}, "
          f"{merchants:,} merchants x {args.purchases} purchases")
    for engine_name in engines:
        r = bench(engine_name, merchants, args.purchases, not args.no_files)
        ratio = r["run"] / r["aggregate"]
        print(f"\n[{engine_name}] setup {r['setup']:.1f} s ({r['postings']:,} postings)")
        print(f"  aggregate over earnings ({r['groups']:,} merchants): {r['aggregate']:.3f} s")
        print(f"  payout run ({r['merchants']:,} payouts, ledger, rows, commit): "
              f"{r['run']:.3f} s")
        print("  phases: " + ", ".join(f"{k} {v:.3f}" for k, v in r["phases"].items()))
        print(f"  ratio run / aggregate: {ratio:.2f} (target <= 5)")
        if r["files"] is not None:
            print(f"  batch files (pain.001 validated against the XSD + CSV): {r['files']:.1f} s"
                  f"; run + files / aggregate: {(r['run'] + r['files']) / r['aggregate']:.1f}")


if __name__ == "__main__":
    main()
