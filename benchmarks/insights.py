"""Insights of a merchant with 1,000,000 purchases, on PostgreSQL.

Bulk-generates a year of purchases (``INSERT … SELECT … generate_series``: 1,000,000 for the
measured merchant over the 365 days before today, from 20,000 buyers with a skewed buying
rate, 40 items, a day-and-night pattern; 1 % refunded; 100,000 purchases of another
merchant; 3,000 purchases of today, the live tail), runs the rollup job, then times
``GET /v1/insights`` through the whole Flask stack (merchant key, JSON) for three windows.
Beside it, in the same run, the baseline: the same answers read from the journal alone
(no rollups: what a request would cost without them).

Usage: .venv/bin/python benchmarks/insights.py [--purchases 1000000] [--runs 15]
Target (issue 16): under 300 ms per request on PostgreSQL on this machine.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade

from wallet import create_app
from wallet.db import db
from wallet.insights import service
from wallet.insights.rollup import rollup
from wallet.merchants import service as merchants
from wallet.merchants.models import App, Merchant

PG_ADMIN = os.environ.get("WALLET_BENCH_POSTGRES_URL",
                          "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TARGET_MS = 300.0

PURCHASES_SQL = """
INSERT INTO purchases (id, user_id, app_id, merchant_id, amount, refunded, description,
                       metadata, idempotency_key, fingerprint, balance_after, txn_id,
                       created_at)
SELECT :prefix || g, 'usr_' || floor(power(random(), 2) * :buyers)::int,
       CASE WHEN random() < 0.8 THEN :app ELSE :app2 END, :merchant,
       1 + floor(power(random(), 4) * 600)::int, 0,
       'Item ' || floor(power(random(), 3) * 40)::int,
       CASE WHEN random() < 0.3 THEN '{"sku": "SKU-1"}'::json ELSE '{}'::json END,
       :prefix || 'k' || g, '', 0, g,
       :start + floor(random() * :days) * interval '1 day'
              + ((7 + 16 * power(random(), 1.5)) * interval '1 hour')
FROM generate_series(1, :count) AS g
"""

REFUNDS_SQL = """
INSERT INTO refunds (id, purchase_id, merchant_id, amount, txn_id, created_at)
SELECT 'ref_' || id, id, merchant_id, amount, txn_id, created_at + interval '2 hours'
  FROM purchases WHERE merchant_id = :merchant AND txn_id % 100 = 7
   AND created_at < :before
"""


def timed(call: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median and worst milliseconds of ``runs`` calls after one warm-up."""
    call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true",
                        help="keep the database (its name is printed) for --database")
    parser.add_argument("--database", help="time a database kept by an earlier --keep run")
    args = parser.parse_args()

    name = args.database or f"wallet_bench_insights_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    if not args.database:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    try:
        run(url, args.purchases, args.runs, load=not args.database)
    finally:
        if args.keep or args.database:
            print(f"database kept: {name}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(url: str, count: int, runs: int, load: bool = True) -> None:
    secret = base64.urlsafe_b64encode(b"b" * 32).decode()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret, "LEDGER_SIGNING_KEY": secret,
                      "RATELIMIT_ENABLED": False, "INSTANCE_PATH": tempfile.mkdtemp()})
    now = datetime.now(UTC)
    today = now.date()
    with app.app_context():
        if load:
            upgrade()
            merchant, shop_app, key = _load(db.session(), count, now)
        else:
            merchant = db.session.scalars(
                select(Merchant).where(Merchant.name == "Busy shop")).one()
            shop_app = db.session.scalars(select(App).where(App.merchant_id == merchant.id,
                                                            App.name == "Shop")).one()
            _, key = merchants.issue_key(db.session(), "secret", merchant_id=merchant.id)
            db.session.commit()
        db.session.remove()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {key}"}
    windows = {
        "last 30 days (default)": {},
        "last 365 days + today": {"from": (today - timedelta(days=365)).isoformat(),
                                  "to": today.isoformat()},
        "one app, last 90 days": {"from": (today - timedelta(days=89)).isoformat(),
                                  "app_id": shop_app.id},
    }

    def ask(query: dict[str, str]) -> Callable[[], Any]:
        def call() -> Any:
            answer = client.get("/v1/insights", query_string=query, headers=headers)
            assert answer.status_code == 200, answer.json
            return answer.json
        return call

    rows = []
    answers = {}
    for label, query in windows.items():
        rows.append((label, *timed(ask(query), runs)))
        answers[label] = ask(query)()
    with app.app_context():
        session = db.session()
        window = service.window(session, merchant.id, None, today - timedelta(days=365), today)
        parts = {"days": lambda: service._by_day(session, window),
                 "facets": lambda: service._facets(session, window),
                 "buyer rows": lambda: service._buyer_rows(session, window)}
        for part, call in parts.items():
            print(f"365 days, {part}: {timed(call, 5)[0]:.0f} ms", flush=True)
        stored, live_rows = service._buyer_rows(session, window)
        bitmaps = timed(lambda: (service._buyers(window, stored, live_rows),
                                 service._cohorts(window, stored, live_rows)), 5)[0]
        print(f"365 days, buyers and cohorts from {len(stored)} bitmaps: {bitmaps:.0f} ms")
        mark = session.scalar(text("SELECT day FROM insights_watermark"))
        db.session.remove()
    # the baseline: the same requests with no rollups (the whole window read from the journal)
    with app.app_context():
        db.session.execute(text("UPDATE insights_watermark SET day = '1970-01-01'"))
        db.session.commit()
        db.session.remove()
    for label, query in windows.items():  # one call each: they take tens of seconds
        started = time.perf_counter()
        live = ask(query)()
        took = (time.perf_counter() - started) * 1000
        same = {k: v for k, v in live.items() if k != "rolled_up_through"} == {
            k: v for k, v in answers[label].items() if k != "rolled_up_through"}
        rows.append((f"{label} - journal only{'' if same else ' (DIFFERENT ANSWER)'}",
                     took, took))
    with app.app_context():
        db.session.execute(text("UPDATE insights_watermark SET day = :day"), {"day": mark})
        db.session.commit()
        db.session.remove()
    print(f"\n| window | median ms | worst ms | target {TARGET_MS:.0f} ms |")
    print("|---|---:|---:|---|")
    for label, median, worst in rows:
        verdict = ("met" if worst < TARGET_MS else "not met") if "journal" not in label else ""
        print(f"| {label} | {median:.0f} | {worst:.0f} | {verdict} |")
    total = answers["last 365 days + today"]["totals"]
    print(f"\n365-day totals: {total}")


def _load(session: Any, count: int, now: datetime) -> tuple[Any, Any, str]:
    """The merchant's year of purchases, the rollup, then today's tail; timings printed."""
    today = now.date()
    start = datetime.combine(today - timedelta(days=365), datetime.min.time(), tzinfo=UTC)
    merchant = merchants.create_merchant(session, "Busy shop")
    shop_app = merchants.create_app_client(session, merchant.id, "Shop", ["http://x/cb"])
    kiosk = merchants.create_app_client(session, merchant.id, "Kiosk", ["http://x/cb"])
    other = merchants.create_merchant(session, "Other shop")
    other_app = merchants.create_app_client(session, other.id, "Other", ["http://x/cb"])
    _, key = merchants.issue_key(session, "secret", merchant_id=merchant.id)
    session.commit()
    started = time.perf_counter()
    batches = [("a", merchant.id, shop_app.id, kiosk.id, count, start, 365),
               ("o", other.id, other_app.id, other_app.id, count // 10, start, 365)]
    for prefix, mid, a1, a2, n, since, days in batches:
        session.execute(text(PURCHASES_SQL), {
            "prefix": prefix, "buyers": 20_000, "app": a1, "app2": a2, "merchant": mid,
            "start": since, "days": days, "count": n})
    session.execute(text(REFUNDS_SQL), {"merchant": merchant.id,
                                        "before": datetime.combine(
                                            today, datetime.min.time(), tzinfo=UTC)})
    session.commit()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    result = rollup(session, now=now)
    rolled = time.perf_counter() - started
    # today so far: the live tail after the watermark
    midnight = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    hours_today = max((now - midnight).total_seconds() / 3600 - 0.01, 0.01)
    session.execute(text(PURCHASES_SQL.replace("floor(random() * :days) * interval '1 day'",
                                               "0 * :days * interval '1 day'")
                         .replace("((7 + 16 * power(random(), 1.5)) * interval '1 hour')",
                                  ":hours * random() * interval '1 hour'")),
                    {"prefix": "t", "buyers": 20_000, "app": shop_app.id,
                     "app2": kiosk.id, "merchant": merchant.id, "start": midnight,
                     "days": 1, "count": 3000, "hours": hours_today})
    session.execute(text("ANALYZE"))
    session.commit()
    sizes = {t: session.scalar(text(f"SELECT COUNT(*) FROM {t}")) for t in (
        "purchases", "refunds", "insights_daily", "insights_facets", "insights_buyer_sets",
        "insights_buyer_index")}
    mine = session.scalar(text("SELECT COUNT(*) FROM purchases WHERE merchant_id = :m"),
                          {"m": merchant.id})
    print(f"loaded {mine:,} purchases of the merchant ({sizes['purchases']:,} in all, "
          f"{sizes['refunds']:,} refunds) in {loaded:.1f} s; rollup of {result.days} days "
          f"in {rolled:.1f} s; rows: {sizes['insights_daily']:,} daily, "
          f"{sizes['insights_facets']:,} facets, {sizes['insights_buyer_sets']:,} buyer "
          f"bitmaps, {sizes['insights_buyer_index']:,} numbered buyers", flush=True)
    return merchant, shop_app, key


if __name__ == "__main__":
    main()
