"""Group commit for the purchase hot path: is it a gain at 32 connections?

    .venv/bin/python benchmarks/group_commit.py [--seconds 10]

Seeds a throw-away PostgreSQL database as ``benchmarks/purchases.py`` does (one merchant,
200 people with paid credits, the merchant's earnings account opened), then runs
``wallet_purchase`` (the hot path's one statement) with pgbench, 1 purchase per
transaction on 32 clients (what the hot path does: autocommit) against N purchases in one
transaction (BEGIN; N x wallet_purchase; COMMIT) on 32/N clients, i.e. N purchases in
flight on one node committed together; then ``pgbench -b simple-update -c 32`` on a fresh
pgbench database of the same server. The token check is skipped (NULL digest): the
experiment is about commits. Prints purchases/s and failed transactions per variant.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import purchases as bench  # the purchases benchmark: seeding, pgbench

CALL = ("SELECT wallet_purchase((SELECT id FROM bench_users WHERE n = :n), '{app}', "
        "'{merchant}', NULL, NULL, NULL, 1, 'Sticker', '{{}}', md5(random()::text), 'fp', "
        "'purchase:' || md5(random()::text), 'pur_' || md5(random()::text), "
        "'evt_' || md5(random()::text), '{{}}', '{{}}', NULL, NULL, NULL, 1000000000, now(), "
        "'{{\"balance_after\":', '}}');")


def prepare(url: str, workdir: Path) -> tuple[str, str]:
    """Seed; returns (app id, merchant id)."""
    from sqlalchemy import create_engine, text

    from wallet.db import db
    from wallet.ledger import chart

    env = {"WALLET_SECRET_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
           "WALLET_LEDGER_SIGNING_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode()}
    seeded = bench.seed(url, 200, workdir, env)
    with seeded["app"].app_context():
        chart.merchant_account(db.session(), seeded["merchant_id"], chart.Kind.MERCHANT_PENDING)
        db.session.commit()
        db.engine.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        app_id = str(conn.execute(text("SELECT id FROM apps")).scalar())
        conn.execute(text("CREATE TABLE bench_users AS "
                          "SELECT row_number() OVER () AS n, id FROM users"))
    engine.dispose()
    return app_id, str(seeded["merchant_id"])


def run_variant(name: str, script: Path, batch: int, clients: int, seconds: int,
                app_id: str, merchant_id: str) -> dict[str, object]:
    lines = ["\\set n random(1, 200)"]
    call = CALL.format(app=app_id, merchant=merchant_id)
    lines += ["BEGIN;", *[call] * batch, "COMMIT;"] if batch > 1 else [call]
    script.write_text("\n".join(lines) + "\n")
    out = subprocess.run(["pgbench", "-n", "-c", str(clients), "-j", "2", "-T", str(seconds),
                          "-f", str(script), "-h", "127.0.0.1", "-U", "postgres", name],
                         capture_output=True, text=True, check=False)
    tps = re.search(r"tps = ([0-9.]+)", out.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
    return {"purchases_per_s": round(float(tps.group(1)) * batch, 1) if tps else None,
            "failed_transactions": int(failed.group(1)) if failed else None,
            "error": None if tps else out.stderr[-300:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    name = bench.create_pg_database("wallet_group_commit")
    workdir = Path(tempfile.mkdtemp(prefix="wallet-group-commit-"))
    try:
        app_id, merchant_id = prepare(bench.pg_url(name), workdir)
        results: dict[str, object] = {}
        for batch, clients in ((1, 32), (4, 8), (8, 4), (16, 2)):
            results[f"{batch} per transaction x {clients} clients"] = run_variant(
                name, workdir / f"batch{batch}.sql", batch, clients, args.seconds, app_id,
                merchant_id)
        results["pgbench simple-update -c 32 tps"] = bench.run_pgbench(32, 2, args.seconds)["tps"]
        results["load_average"] = os.getloadavg()
        print(json.dumps(results))
    finally:
        bench.drop_pg_database(name)


if __name__ == "__main__":
    main()
