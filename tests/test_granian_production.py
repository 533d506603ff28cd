"""The README's production recipe with granian (the server that measured best,
benchmarks/README.md): ``WALLET_ENV=production``, PostgreSQL, ``flask db upgrade``, then
``granian --interface wsgi --factory wallet:create_app``; purchases take the hot path
(signed token, one statement) over real HTTP, replays and refusals answer as the
Python purchase does, and ``ledger verify`` passes afterwards."""

from __future__ import annotations

import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import make_app
from tests.support.buyers import make_world, top_up, user_token
from tests.support.databases import temporary_database
from tests.support.gunicorn import BIN, PROJECT_ROOT, flask_cli, production_env
from wallet.db import db

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with temporary_database("postgresql", tmp_path_factory.mktemp("granian")) as url:
        environment = production_env(url)
        upgraded = flask_cli(environment, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        yield environment


@pytest.fixture(scope="module")
def server(env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    log = tmp_path_factory.mktemp("granian-log") / "granian.log"
    process = subprocess.Popen(
        [str(BIN / "granian"), "--interface", "wsgi", "--factory", "--workers", "2",
         "--blocking-threads", "8", "--host", "127.0.0.1", "--port", str(port),
         "wallet:create_app"],
        env=env, cwd=PROJECT_ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _token(env: dict[str, str], tmp_path: Path, credits: int) -> str:
    """A person with paid credits and a signed token, written with the server's keys."""
    app = make_app(env["WALLET_DATABASE_URL"], tmp_path, SECRET_KEY=env["WALLET_SECRET_KEY"])
    with app.app_context():
        session = db.session()
        world = make_world(session)
        top_up(session, world.user_ids[0], credits)
        token = user_token(session, world.user_ids[0], world.app_id)
        session.commit()
        db.engine.dispose()
    return token


def test_purchases_over_granian(server: str, env: dict[str, str], tmp_path: Path) -> None:
    token = _token(env, tmp_path, 100)

    def buy(key: str, amount: int) -> requests.Response:
        return requests.post(server + "/v1/purchases", timeout=30,
                             json={"amount": amount, "description": "Sticker"},
                             headers={"Authorization": f"Bearer {token}",
                                      "Idempotency-Key": key})

    first = buy("k1", 30)  # the merchant's first sale: the Python purchase opens its account
    assert first.status_code == 201, first.text
    second = buy("k2", 30)  # the hot path
    assert second.status_code == 201 and second.json()["balance_after"] == 40
    again = buy("k2", 30)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == second.json()
    reused = buy("k2", 31)
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    short = buy(uuid.uuid4().hex, 41)
    assert short.status_code == 402 and "40 available" in short.json()["error"]["message"]
    bad = requests.post(server + "/v1/purchases", timeout=30, json={"amount": 0},
                        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k3"})
    assert bad.status_code == 400 and set(bad.json()) == {"error"}
    forged = requests.post(server + "/v1/purchases", timeout=30,
                           json={"amount": 1, "description": "x"},
                           headers={"Authorization": f"Bearer {token[:-4]}AAAA",
                                    "Idempotency-Key": "k4"})
    assert forged.status_code == 401
    assert forged.json()["error"]["code"] == "invalid_token"
    verified = flask_cli(env, "ledger", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_unsafe_settings_never_serve(env: dict[str, str], tmp_path: Path) -> None:
    weak = production_env(env["WALLET_DATABASE_URL"], WALLET_SECRET_KEY="changeme")
    log = tmp_path / "refused.log"
    done = subprocess.run(
        [str(BIN / "granian"), "--interface", "wsgi", "--factory", "--workers", "1",
         "--host", "127.0.0.1", "--port", str(_free_port()), "wallet:create_app"],
        env=weak, cwd=PROJECT_ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        timeout=90, check=False)
    assert done.returncode != 0
    assert "WALLET_SECRET_KEY is a known example value" in log.read_text()
