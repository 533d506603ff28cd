"""Set-up for the webhook tests: the demo world, endpoints over the API, the worker."""

from __future__ import annotations

import base64
import itertools
import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from wallet.db import db, utcnow
from wallet.demo import seed_demo
from wallet.payouts.config import load_payout_config

_keys = itertools.count()
ROOT = Path(__file__).resolve().parents[2]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def idem(key: str) -> dict[str, str]:
    return {**bearer(key), "Idempotency-Key": f"w-{uuid.uuid4().hex}-{next(_keys)}"}


def demo(app: Flask) -> dict[str, Any]:
    """The demo principals (verified merchant with payout details), committed."""
    with app.app_context():
        found = seed_demo(db.session(), b"w" * 32, load_payout_config(app.config))
        db.session.commit()
        db.session.remove()
    return found


def add_endpoint(client: FlaskClient, key: str, url: str, events: list[str] | None = None,
                 **extra: Any) -> dict[str, Any]:
    response = client.post("/v1/webhook_endpoints", headers=bearer(key),
                           json={"url": url, "events": events or ["*"], **extra})
    assert response.status_code == 201, response.json
    return dict(response.json)


def buy(client: FlaskClient, user_token: str, amount: int = 10) -> dict[str, Any]:
    response = client.post("/v1/purchases", headers=idem(user_token),
                           json={"amount": amount, "description": "Sticker"})
    assert response.status_code == 201, response.json
    return dict(response.json)


def deliver_once(app: Flask) -> dict[str, int]:
    """``flask --app wallet webhooks deliver --once --json``, in process."""
    result = app.test_cli_runner().invoke(args=["webhooks", "deliver", "--once", "--json"])
    assert result.exit_code == 0, (result.output, result.exception)
    line = next(x for x in reversed(result.output.splitlines()) if x.startswith("{"))
    return dict(json.loads(line))


def future(days: int) -> str:
    return (utcnow() + timedelta(days=days)).isoformat()


def worker_env(app: Flask, **settings: Any) -> dict[str, str]:
    """The environment of a worker process on the test app's database and keys."""
    from tests.conftest import TEST_LEDGER_KEY, TEST_SECRET
    from vouchers.api import voucher_kek
    from wallet.webhooks.api import webhook_kek

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode()

    env = {**os.environ, "WALLET_ENV": "development",
           "WALLET_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "WALLET_SECRET_KEY": TEST_SECRET, "WALLET_LEDGER_SIGNING_KEY": TEST_LEDGER_KEY,
           "WALLET_WEBHOOK_KEK": b64(webhook_kek(app)),
           "WALLET_VOUCHER_KEK": b64(voucher_kek(app))}
    env.update({f"WALLET_WEBHOOK_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def start_worker(app: Flask, *args: str, **settings: Any) -> subprocess.Popen[str]:
    """``flask --app wallet webhooks deliver ARGS --json`` as a separate process."""
    flask = Path(sys.executable).parent / "flask"
    return subprocess.Popen([str(flask), "--app", "wallet", "webhooks", "deliver", *args,
                             "--json"], cwd=ROOT, env=worker_env(app, **settings),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def totals(process: subprocess.Popen[str], timeout: float = 120) -> dict[str, int]:
    """Wait for a worker process and read the totals it printed."""
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return dict(json.loads(out.strip().splitlines()[-1]))
