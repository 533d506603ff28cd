"""The README's production recipe in a test: ``flask db upgrade`` then gunicorn with
gthread workers, ``WALLET_ENV=production``, on PostgreSQL, bound to 127.0.0.1 on a port
the OS picks (read back from gunicorn's log)."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
ACCESS_LOG_FORMAT = "access pid=%(p)s status=%(s)s %(m)s %(U)s"


def strong_secret() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def production_env(database_url: str, **overrides: str) -> dict[str, str]:
    """The environment of a production node (Stripe live-shaped keys: nothing calls Stripe)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WALLET_")}
    env.update({
        "WALLET_ENV": "production", "WALLET_DATABASE_URL": database_url,
        "WALLET_SECRET_KEY": strong_secret(), "WALLET_LEDGER_SIGNING_KEY": strong_secret(),
        "WALLET_VOUCHER_KEK": strong_secret(), "WALLET_WEBHOOK_KEK": strong_secret(),
        "WALLET_TOPUP_PROVIDER": "stripe",
        "WALLET_STRIPE_API_KEY": "sk_live_" + secrets.token_hex(16),
        "WALLET_STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_urlsafe(24),
        "WALLET_BASE_URL": "https://wallet.example.org", "WALLET_PROXY_FIX": "1",
        "WALLET_MAIL_SERVER": "127.0.0.1", "WALLET_MAIL_PORT": "1",
        "WALLET_MAIL_SENDER": "wallet@example.org",
    })
    env.update(overrides)
    return env


def flask_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "flask"), "--app", "wallet", *args], env=env,
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
                          check=False)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def access_pids(self, path: str) -> set[str]:
        return {m.group(1) for line in list(self.lines)
                if (m := re.search(r"access pid=<?(\d+)>? status=\d+ \w+ (\S+)", line))
                and m.group(2) == path}


def _pump(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)


def start(env: dict[str, str], *, workers: int = 4,
          threads: int = 8) -> tuple[subprocess.Popen[str], list[str], threading.Thread]:
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--worker-class", "gthread", "--workers", str(workers),
         "--threads", str(threads), "--bind", "127.0.0.1:0", "--access-logfile", "-",
         "--access-logformat", ACCESS_LOG_FORMAT, "--graceful-timeout", "5",
         "wallet:create_app()"],
        env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    lines: list[str] = []
    reader = threading.Thread(target=_pump, args=(process, lines), daemon=True)
    reader.start()
    return process, lines, reader


@contextmanager
def gunicorn(env: dict[str, str], *, workers: int = 4, timeout: float = 90) -> Iterator[Server]:
    """A running gunicorn on a free port, answering ``/healthz``; stopped afterwards."""
    process, lines, reader = start(env, workers=workers)
    try:
        deadline = time.monotonic() + timeout
        url = None
        while url is None:
            found = [m for line in list(lines) if (m := LISTENING.search(line))]
            if found:
                url = f"http://127.0.0.1:{found[0].group(1)}"
            elif process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("gunicorn did not start:\n" + "".join(lines))
            else:
                time.sleep(0.1)
        while True:
            try:
                if requests.get(url + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("gunicorn never answered /healthz:\n" + "".join(lines))
            time.sleep(0.2)
        booted = time.monotonic() + 30
        while sum("Booting worker" in line for line in list(lines)) < workers:
            assert time.monotonic() < booted, "".join(lines)
            time.sleep(0.1)
        server = Server(url, process, lines)
        _until_several_workers_serve(server, min(workers, 2))
        yield server
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        reader.join(5)


def _until_several_workers_serve(server: Server, count: int) -> None:
    """Send bursts of /healthz until ``count`` workers have answered: gunicorn logs
    "Booting worker" before a worker has loaded the app, and a test that checks requests
    spread over workers needs them serving."""
    deadline = time.monotonic() + 60
    while len(server.access_pids("/healthz")) < count:
        assert time.monotonic() < deadline, "".join(server.lines)
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda _: requests.get(server.url + "/healthz", timeout=10), range(16)))
        time.sleep(0.1)


def refused_start(env: dict[str, str], timeout: float = 90) -> str:
    """Start gunicorn with an unsafe configuration; returns its log once it gave up."""
    process, lines, reader = start(env, workers=1)
    try:
        process.wait(timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
        reader.join(5)
    assert process.returncode != 0, "".join(lines)
    return "".join(lines)
