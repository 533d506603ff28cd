"""The renewal job over many due subscriptions, beside one set-based SQL statement.

    .venv/bin/python benchmarks/subscriptions.py                      # 100,000, PostgreSQL
    .venv/bin/python benchmarks/subscriptions.py --subscriptions 5000  # smaller

Setup (not timed, bulk-inserted with COPY, never through the API): ``--merchants``
merchants with one monthly plan of 10 credits each (pending earnings 16 shards, as in
production); N people, each topped up with 100 paid credits (one top-up transaction each)
and subscribed to one plan, period 0 paid, period 1 due now. Then, in the same run:

* ``statement``: ONE PostgreSQL statement (data-modifying CTEs) doing the job's writes
  for every due subscription: claim (``FOR UPDATE SKIP LOCKED``), one ledger transaction
  and one posting per subscription, the people's balance rows (checked debit) and the
  merchants' (one shard each), the charge rows, the period moved on, one
  ``subscription.renewed`` event each. Rolled back; best of two.
* ``job``: ``wallet.subscriptions.cli.renew_all`` (batches of
  ``WALLET_SUBSCRIPTION_RENEW_BATCH``, each claimed, held, posted and committed).

Checked after the job: one charge per subscription, balances moved, ``ledger verify``'s
sums. Target: job <= 5 x statement.
"""

from __future__ import annotations

import argparse
import json
import platform
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
from wallet.subscriptions.cli import renew_all
from wallet.subscriptions.service import add_interval

PRICE = 10
FUNDS = 100

STATEMENT = """
WITH due AS (
  SELECT s.id, s.user_id, s.merchant_id, s.plan_id, s.anchor, s.paid_through, p.amount,
         p.name, ua.id AS user_account, ma.id AS merchant_account
  FROM subscriptions s
  JOIN plans p ON p.id = s.plan_id
  JOIN accounts ua ON ua.code = 'user:' || s.user_id || ':paid'
  JOIN accounts ma ON ma.code = 'merchant:' || s.merchant_id || ':pending'
  WHERE s.status <> 'canceled' AND s.current_period_end <= :now
  FOR UPDATE OF s SKIP LOCKED
), txn AS (
  INSERT INTO transactions (reference, kind, fingerprint, metadata, created_at)
  SELECT 'subscription:' || id || ':period:' || (paid_through + 1), 'purchase',
         md5(id || paid_through), json_build_object(
           'subscription_id', id, 'plan_id', plan_id, 'user_id', user_id,
           'period', paid_through + 1, 'description', 'Subscription: ' || name), :now
  FROM due
  RETURNING id, reference
), j AS (
  SELECT due.*, txn.id AS txn_id FROM due
  JOIN txn ON txn.reference = 'subscription:' || due.id || ':period:' || (due.paid_through + 1)
), posting AS (
  INSERT INTO postings (transaction_id, debit_account_id, credit_account_id, asset, amount)
  SELECT txn_id, user_account, merchant_account, 'CREDIT', amount FROM j
), debit AS (
  UPDATE account_balances b SET balance = b.balance - j.amount FROM j
  WHERE b.account_id = j.user_account AND b.shard = 0 AND b.balance >= j.amount
  RETURNING b.account_id
), credit AS (
  UPDATE account_balances b SET balance = b.balance + c.total
  FROM (SELECT merchant_account, sum(amount) AS total FROM j GROUP BY 1) c
  WHERE b.account_id = c.merchant_account AND b.shard = 0
), charge AS (
  INSERT INTO subscription_charges (reference, subscription_id, merchant_id, kind, period,
                                    amount, txn_id, created_at)
  SELECT 'subscription:' || id || ':period:' || (paid_through + 1), id, merchant_id, 'period',
         paid_through + 1, amount, txn_id, :now FROM j
), event AS (
  INSERT INTO events (id, type, merchant_id, data, created_at)
  SELECT 'evt_' || md5(id || paid_through), 'subscription.renewed', merchant_id,
         json_build_object('object', 'subscription', 'id', id, 'plan_id', plan_id,
                           'status', 'active', 'user_id', user_id,
                           'merchant_id', merchant_id, 'amount', amount), :now
  FROM j
), moved AS (
  UPDATE subscriptions s SET paid_through = j.paid_through + 1, status = 'active',
         current_period_start = j.anchor + (j.paid_through + 1) * interval '1 month',
         current_period_end = j.anchor + (j.paid_through + 2) * interval '1 month',
         updated_at = :now
  FROM j WHERE s.id = j.id
)
SELECT count(*), (SELECT count(*) FROM debit) FROM j
"""


def build_rows(subs: int, merchants: int, now: datetime) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the setup, consistent with the ledger's rules."""
    created = now - timedelta(days=60)
    anchor = now - timedelta(days=40)
    rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in COLUMNS}
    clearing = 1
    rows["accounts"].append((clearing, "platform:topup_clearing", "platform_topup_clearing",
                             "CREDIT", True, 1, created))
    rows["account_balances"].append((clearing, 0, -FUNDS * subs, True))
    next_account = 2
    for m in range(merchants):
        mid = f"mer_b{m:05d}"
        rows["merchants"].append((mid, f"Merchant {m}", "verified", created))
        rows["plans"].append((f"pln_b{m:05d}", mid, "Club", PRICE, "month", 0, created))
        rows["accounts"].append((next_account, f"merchant:{mid}:pending", "merchant_pending",
                                 "CREDIT", False, HOT_SHARDS, created))
        rows["account_balances"].extend(
            (next_account, s, PRICE * (subs // merchants + 1) if s == 0 else 0, False)
            for s in range(HOT_SHARDS))
        next_account += 1
    pending_total = dict.fromkeys(range(merchants), 0)
    txn = posting = 0
    end = add_interval(anchor, "month", 1)
    for u in range(subs):
        uid, account, m = f"usr_b{u:07d}", next_account + u, u % merchants
        rows["users"].append((uid, f"b{u}@example.com", False, created))
        rows["accounts"].append((account, f"user:{uid}:paid", "user_paid", "CREDIT", False, 1,
                                 created))
        rows["account_balances"].append((account, 0, FUNDS - PRICE, False))
        moves = [Move(clearing, account, FUNDS)]
        txn += 1
        posting += 1
        rows["transactions"].append((txn, f"bench-topup:{u}", "topup",
                                     fingerprint("topup", moves, {}, None), "{}", created))
        rows["postings"].append((posting, txn, clearing, account, "CREDIT", FUNDS))
        sub = f"sub_b{u:07d}"
        meta = {"subscription_id": sub}
        moves = [Move(account, 2 + m, PRICE)]
        txn += 1
        posting += 1
        rows["transactions"].append((txn, f"subscription:{sub}:period:0", "purchase",
                                     fingerprint("purchase", moves, meta, None),
                                     json.dumps(meta), anchor))
        rows["postings"].append((posting, txn, account, 2 + m, "CREDIT", PRICE))
        pending_total[m] += PRICE
        rows["subscriptions"].append((sub, uid, f"pln_b{m:05d}", f"mer_b{m:05d}", "active",
                                      anchor, 0, anchor, end, False, anchor, anchor))
        rows["subscription_charges"].append((f"subscription:{sub}:period:0", sub,
                                             f"mer_b{m:05d}", "period", 0, PRICE, txn, anchor))
    # the merchants' shard 0 holds what they earned
    balances = rows["account_balances"]
    rows["account_balances"] = [
        (a, s, pending_total[a - 2] if (s == 0 and 2 <= a < 2 + merchants) else b, neg)
        for a, s, b, neg in balances]
    return rows


COLUMNS = {
    "merchants": "id, name, kyc_status, created_at",
    "plans": "id, merchant_id, name, amount, interval, trial_days, created_at",
    "users": "id, email, frozen, created_at",
    "accounts": "id, code, kind, asset, allow_negative, shards, created_at",
    "account_balances": "account_id, shard, balance, allow_negative",
    "transactions": "id, reference, kind, fingerprint, metadata, created_at",
    "postings": "id, transaction_id, debit_account_id, credit_account_id, asset, amount",
    "subscriptions": "id, user_id, plan_id, merchant_id, status, anchor, paid_through, "
                     "current_period_start, current_period_end, cancel_at_period_end, "
                     "created_at, updated_at",
    "subscription_charges": "reference, subscription_id, merchant_id, kind, period, amount, "
                            "txn_id, created_at",
}


def load(rows: dict[str, list[tuple[Any, ...]]]) -> None:
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, columns in COLUMNS.items():
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                for row in rows[table]:
                    copy.write_row(row)
        for table in ("accounts", "transactions", "postings"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT max(id) FROM {table}))")
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def statement_seconds(now: datetime, subs: int, repeat: int = 2) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        renewed, debited = db.session.connection().exec_driver_sql(
            STATEMENT.replace(":now", "%(now)s"), {"now": now}).one()
        best = min(best, time.perf_counter() - start)
        assert renewed == debited == subs, (renewed, debited)
        db.session.rollback()
    return best


def check(subs: int, merchants: int) -> None:
    charges = db.session.execute(text(
        "SELECT count(*), count(DISTINCT subscription_id) FROM subscription_charges "
        "WHERE period = 1")).one()
    assert tuple(charges) == (subs, subs), charges
    left = db.session.execute(text(
        "SELECT sum(b.balance) FROM account_balances b JOIN accounts a ON a.id = b.account_id "
        "WHERE a.kind = 'user_paid'")).scalar()
    assert left == subs * (FUNDS - 2 * PRICE), left
    unbalanced = db.session.execute(text(
        "SELECT count(*) FROM (SELECT a.id FROM accounts a JOIN account_balances b "
        "ON b.account_id = a.id LEFT JOIN (SELECT account_id, sum(d) AS net FROM ("
        "  SELECT credit_account_id AS account_id, amount AS d FROM postings UNION ALL"
        "  SELECT debit_account_id, -amount FROM postings) x GROUP BY account_id) n"
        " ON n.account_id = a.id GROUP BY a.id, n.net"
        " HAVING sum(b.balance) <> coalesce(n.net, 0)) bad")).scalar()
    assert unbalanced == 0, unbalanced
    db.session.rollback()


def bench(subs: int, merchants: int, batch: int) -> dict[str, Any]:
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory() as tmp, \
            temporary_database("postgresql", Path(tmp)) as url:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(Path(tmp) / "instance"),
                          "SECRET_KEY": "x" * 43, "TESTING": True,
                          "SUBSCRIPTION_RENEW_BATCH": batch})
        with app.app_context():
            upgrade(revision="heads")
            start = time.perf_counter()
            load(build_rows(subs, merchants, now))
            setup = time.perf_counter() - start
            statement = statement_seconds(now, subs)
            start = time.perf_counter()
            result = renew_all(now)
            job = time.perf_counter() - start
            assert len(result.renewed) == subs and result.charged == subs, result.handled
            check(subs, merchants)
            db.engine.dispose()
    return {"setup": setup, "statement": statement, "job": job, "phases": result.timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--merchants", type=int, default=100)
    parser.add_argument("--batch", type=int, default=500, help="subscriptions per transaction")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {platform.machine()}, "
          f"{args.subscriptions:,} due subscriptions of {args.merchants} merchants, "
          f"batches of {args.batch}")
    r = bench(args.subscriptions, args.merchants, args.batch)
    print(f"  setup {r['setup']:.1f} s")
    print(f"  one SQL statement: {r['statement']:.2f} s")
    print(f"  renewal job: {r['job']:.2f} s "
          f"({args.subscriptions / r['job']:,.0f} subscriptions/s)")
    print("  phases: " + ", ".join(f"{k} {v:.2f}" for k, v in r["phases"].items()))
    print(f"  ratio job / statement: {r['job'] / r['statement']:.2f} (target <= 5)")


if __name__ == "__main__":
    main()
