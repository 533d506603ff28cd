"""Set-up for the webhook tests: the demo world, endpoints over the API, the worker."""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from wallet.db import db, utcnow
from wallet.demo import seed_demo
from wallet.payouts.config import load_payout_config

_keys = itertools.count()


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
