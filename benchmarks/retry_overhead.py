"""What the retry net costs a purchase that succeeds: CPU per request, A/B in one run.

The same app serves purchases through Flask's test client (in-process, SQLite, no
network) with ``WalletFlask.full_dispatch_request`` (the retry loop around the unit of
work) and with Flask's own ``full_dispatch_request`` swapped in, in alternating rounds.
CPU time of this process per purchase (``time.process_time``) is compared, so other
load on the machine matters less than wall time would.

    .venv/bin/python benchmarks/retry_overhead.py --rounds 8 --per-round 300
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import types
import uuid
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade

# the project's packages, not this folder's scripts of the same names (vouchers.py)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wallet import create_app
from wallet.db import db
from wallet.ledger import chart
from wallet.ledger.core import Move, post
from wallet.merchants import service as merchants
from wallet.oauth.service import mint_access_token
from wallet.people import service as people


def build(workdir: Path) -> tuple[Flask, str]:
    app = create_app({"DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
                      "INSTANCE_PATH": str(workdir / "instance"), "RATELIMIT_ENABLED": False,
                      "PURCHASE_VELOCITY": None})
    with app.app_context():
        upgrade()
        session = db.session()
        merchant = merchants.create_merchant(session, "Shop")
        client = merchants.create_app_client(session, merchant.id, "App", ["http://127.0.0.1/"])
        user = people.create_user(session, "buyer@example.com")
        clearing = chart.platform_account(session, chart.Kind.TOPUP_CLEARING).id
        post(session, reference="seed", kind="topup",
             moves=[Move(clearing, chart.user_account(session, user.id).id, 10**12)])
        token = mint_access_token(session, user_id=user.id, app_id=client.id)[0]
        session.commit()
    return app, token


def cpu_per_purchase(app: Flask, token: str, count: int) -> float:
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    started = time.process_time()
    for _ in range(count):
        answer = client.post("/v1/purchases", json={"amount": 1, "description": "x"},
                             headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
        assert answer.status_code == 201, answer.json
    return (time.process_time() - started) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--per-round", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app, token = build(Path(tmp))
        with_retry = app.full_dispatch_request
        plain = types.MethodType(Flask.full_dispatch_request, app)
        cpu_per_purchase(app, token, 100)  # warm-up
        samples: dict[str, list[float]] = {"retry loop": [], "plain Flask": []}
        modes = [("retry loop", with_retry), ("plain Flask", plain)]
        for n in range(args.rounds):
            for label, dispatch in modes if n % 2 == 0 else modes[::-1]:  # ABBA order
                app.full_dispatch_request = dispatch  # type: ignore[method-assign,assignment]
                samples[label].append(cpu_per_purchase(app, token, args.per_round))
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{args.rounds} rounds x {args.per_round} purchases each, in ABBA order")
    for label, values in samples.items():
        print(f"{label:12} CPU per purchase: median {1e6 * statistics.median(values):.0f} µs "
              f"(min {1e6 * min(values):.0f}, max {1e6 * max(values):.0f})")
    ratio = statistics.median(samples["retry loop"]) / statistics.median(samples["plain Flask"])
    print(f"retry loop / plain Flask: {ratio:.3f}")


if __name__ == "__main__":
    main()
