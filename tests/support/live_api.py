"""A production server (gunicorn, PostgreSQL, ``WALLET_ENV=production``) with an operator
key, and a merchant, app, counter, person and access token made through the API: what the
schemathesis and SDK tests call."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from tests.support.databases import temporary_database
from tests.support.gunicorn import flask_cli
from tests.support.live_server import Gunicorn, production_env


@dataclass(frozen=True)
class LiveApi:
    url: str
    admin_key: str


@contextmanager
def live_api(folder: Path) -> Iterator[LiveApi]:
    with temporary_database("postgresql", folder) as database:
        env = production_env(database, {})
        upgraded = flask_cli(env, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        created = flask_cli(env, "admin", "create-key", "--label", "live tests")
        assert created.returncode == 0, created.stderr
        server = Gunicorn(env, folder / "gunicorn.log", workers=2, threads=4)
        url = server.start()
        try:
            yield LiveApi(url, json.loads(created.stdout)["admin_key"])
        finally:
            server.stop()


def world(live: LiveApi) -> dict[str, str]:
    """One credential per principal, made with plain HTTP calls."""
    def call(method: str, path: str, key: str, body: Any, *, idempotent: bool = False
             ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {key}"}
        if idempotent:
            headers["Idempotency-Key"] = str(uuid.uuid4())
        answer = requests.request(method, live.url + path, json=body, headers=headers,
                                  timeout=30)
        assert answer.status_code < 300, answer.text
        return dict(answer.json())

    admin = live.admin_key
    merchant = call("POST", "/v1/merchants", admin, {"name": "Schemathesis Books"})
    secret = merchant["secret_key"]
    app = call("POST", "/v1/apps", secret, {"name": "Reader",
                                            "redirect_uris": ["https://app.example/cb"]})
    counter = call("POST", "/v1/counters", secret, {"name": "Front desk"})
    user = call("POST", "/v1/users", admin, {"email": f"fuzz-{uuid.uuid4().hex[:8]}@example.org"})
    call("POST", "/v1/grants", admin, {"user_id": user["id"], "credits": 10**9,
                                       "reason": "live tests"}, idempotent=True)
    token = call("POST", f"/v1/users/{user['id']}/tokens", admin, {"app_id": app["id"]})
    return {"operator": admin, "merchant": secret, "counter": counter["key"],
            "user": token["access_token"], "merchant_id": merchant["id"],
            "app_id": app["id"], "user_id": user["id"]}
