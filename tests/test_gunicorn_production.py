"""The README's production recipe, for real: ``WALLET_ENV=production``, PostgreSQL,
``flask db upgrade``, gunicorn with four gthread workers on a free port.

- an unsafe configuration never serves: gunicorn gives up, naming the setting;
- ``flask demo`` refuses; the sandbox takes no webhooks; HSTS behind an https proxy;
- hostile JSON over real HTTP answers 400 on the unauthenticated endpoints and webhooks;
- failed sign-ins and manual codes are limited across the four workers: 40 concurrent
  wrong passwords for one account get exactly 10 judged, 50 concurrent wrong codes from
  a new counter get exactly 5 look-ups, and a merchant's counters share a ceiling.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.support.databases import temporary_database
from tests.support.gunicorn import Server, flask_cli, gunicorn, production_env, refused_start
from vouchers.manual_code import generate_manual_code

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with temporary_database("postgresql", tmp_path_factory.mktemp("gunicorn")) as url:
        yield url


@pytest.fixture(scope="module")
def env(database: str) -> dict[str, str]:
    environment = production_env(database)
    upgraded = flask_cli(environment, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    return environment


@pytest.fixture(scope="module")
def server(env: dict[str, str]) -> Iterator[Server]:
    with gunicorn(env, workers=4) as running:
        yield running


@pytest.fixture(scope="module")
def admin(env: dict[str, str]) -> dict[str, str]:
    created = flask_cli(env, "admin", "create-key", "--label", "test")
    assert created.returncode == 0, created.stderr
    return {"Authorization": f"Bearer {json.loads(created.stdout)['admin_key']}"}


def _post(url: str, **kwargs: Any) -> requests.Response:
    return requests.post(url, timeout=30, **kwargs)


def test_unsafe_production_settings_never_serve(database: str) -> None:
    weak = refused_start(production_env(database, WALLET_SECRET_KEY="changeme"))
    assert "WALLET_SECRET_KEY is a known example value" in weak
    assert "secrets.token_bytes(32)" in weak
    sandbox = refused_start(production_env(database, WALLET_TOPUP_PROVIDER="sandbox"))
    assert "WALLET_ALLOW_SANDBOX_IN_PRODUCTION" in sandbox and "test cards" in sandbox
    env = production_env(database)
    del env["WALLET_LEDGER_SIGNING_KEY"]
    assert "WALLET_LEDGER_SIGNING_KEY is not set" in refused_start(env)


def test_the_recipe_serves_safely(server: Server, env: dict[str, str]) -> None:
    demo = flask_cli(env, "demo", "--json")
    assert demo.returncode != 0 and "refuses to run with WALLET_ENV=production" in demo.stderr
    health = requests.get(server.url + "/healthz", timeout=10,
                          headers={"X-Forwarded-Proto": "https"})
    assert health.json()["database"] == "postgresql"
    assert health.headers["Strict-Transport-Security"].startswith("max-age=")
    assert health.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(server.url + "/v1/prices", timeout=10).status_code == 200
    sandbox = _post(server.url + "/v1/webhooks/sandbox", json={"id": "evt_1"})
    assert sandbox.status_code == 404 and sandbox.json()["error"]["code"] == "unknown_provider"
    page = requests.get(server.url + "/signin", timeout=10)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/v1/session", "/v1/signup", "/v1/webhooks/stripe",
                                  "/v1/purchases", "/v1/vouchers/redeem",
                                  "/v1/password_resets"])
def test_hostile_json_over_http(server: Server, path: str) -> None:
    for body in (b"[" * 5000 + b"]" * 5000, b'{"amount": ' + b"7" * 5000 + b"}",
                 b'{"email": "\xff"}'):
        answer = _post(server.url + path, data=body,
                       headers={"Content-Type": "application/json",
                                "Stripe-Signature": "t=1,v1=00", "Idempotency-Key": "k"})
        assert answer.status_code == 400, (path, answer.text)
        assert set(answer.json()) == {"error"}
    assert not any("Traceback" in line for line in server.lines), "".join(server.lines)


def _concurrently(calls: int, call: Any) -> list[requests.Response]:
    with ThreadPoolExecutor(max_workers=calls) as pool:
        return list(pool.map(call, range(calls)))


def test_sign_in_failures_are_limited_across_workers(server: Server,
                                                     admin: dict[str, str]) -> None:
    email = f"victim-{uuid.uuid4().hex[:8]}@example.com"
    created = _post(server.url + "/v1/users", headers=admin,
                    json={"email": email, "password": "right-password-1"})
    assert created.status_code == 201, created.text

    def wrong(i: int) -> requests.Response:  # a botnet: another client address each time
        return _post(server.url + "/v1/session", json={"email": email, "password": f"wrong-{i}"},
                     headers={"X-Forwarded-For": f"198.51.100.{i + 1}"})

    answers = _concurrently(40, wrong)
    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == Counter({401: 10, 429: 30}), statuses
    limited = next(a for a in answers if a.status_code == 429)
    assert int(limited.headers["Retry-After"]) > 0
    assert limited.json()["error"]["code"] == "rate_limited"
    assert len(server.access_pids("/v1/session")) >= 2  # served by several workers
    right = _post(server.url + "/v1/session", headers={"X-Forwarded-For": "203.0.113.9"},
                  json={"email": email, "password": "right-password-1"})
    assert right.status_code == 429  # the account is locked for the rest of the window


def test_manual_code_guesses_are_limited_across_workers(server: Server,
                                                        admin: dict[str, str]) -> None:
    merchant = _post(server.url + "/v1/merchants", headers=admin, json={"name": "Till shop"})
    assert merchant.status_code == 201, merchant.text
    merchant_key = {"Authorization": f"Bearer {merchant.json()['secret_key']}"}
    counters = []
    for n in range(5):
        counter = _post(server.url + "/v1/counters", headers=merchant_key,
                        json={"name": f"Till {n}"})
        assert counter.status_code == 201, counter.text
        counters.append({"Authorization": f"Bearer {counter.json()['key']}"})

    def guess(i: int, counter: dict[str, str] = counters[0]) -> requests.Response:
        return _post(server.url + "/v1/vouchers/verify", headers=counter,
                     json={"code": generate_manual_code()})

    answers = _concurrently(50, guess)
    statuses = Counter(answer.status_code for answer in answers)
    assert statuses == Counter({404: 5, 429: 45}), statuses
    assert {a.json()["error"]["code"] for a in answers} == {"voucher_code_unknown",
                                                            "manual_code_locked"}
    assert all(int(a.headers["Retry-After"]) > 0 for a in answers if a.status_code == 429)
    # a merchant cannot lift the limit by opening counters: 20 failures per merchant
    for counter in counters[1:4]:
        assert [guess(0, counter).status_code for _ in range(5)] == [404] * 5
    ceiling = guess(0, counters[4])
    assert ceiling.status_code == 429 and ceiling.json()["error"]["code"] == "manual_code_locked"


def test_password_reset_answers_even_when_mail_fails(server: Server) -> None:
    asked = _post(server.url + "/v1/password_resets", json={"email": "nobody@example.org"})
    assert asked.status_code == 202


def test_log_has_no_traceback(server: Server) -> None:
    text = "".join(server.lines)
    assert "Traceback" not in text, text
    assert requests.get(server.url + "/healthz", timeout=10).status_code == 200
