"""The app as it runs in production: gunicorn (gthread) or granian (the README's recipe)
in its own process group on a free port of 127.0.0.1, configured only by ``WALLET_*``
environment variables.

Used by the stress, crash and fault tests and by ``benchmarks/mixed_load.py``. The
server's log (the app's retry lines included) goes to a file, read by ``log()``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests

GUNICORN = Path(sys.executable).with_name("gunicorn")
GRANIAN = Path(sys.executable).with_name("granian")
PROJECT = Path(__file__).resolve().parents[2]

def _secret(label: str) -> str:
    """A fixed, random-looking 32-byte secret (production refuses weak ones)."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"live-server {label}".encode()).digest()
                                    ).decode()


# Production refuses to start without these; the tests' in-process app uses the same.
SECRETS: dict[str, str] = {
    "SECRET_KEY": _secret("secret key"),
    "LEDGER_SIGNING_KEY": _secret("ledger signing key"),
    "VOUCHER_KEK": _secret("voucher kek"),
    "WEBHOOK_KEK": _secret("webhook kek"),
    "SANDBOX_WEBHOOK_SECRET": _secret("sandbox webhook secret"),
}
# The rest of what production asks for: the workload tops up through the sandbox
# (the loudly logged staging opt-in), and mail is never sent.
PRODUCTION_SETTINGS: dict[str, str] = {
    "TOPUP_PROVIDER": "sandbox",
    "ALLOW_SANDBOX_IN_PRODUCTION": "1",
    "BASE_URL": "https://wallet.example.org",
    "MAIL_SERVER": "127.0.0.1",
    "MAIL_SENDER": "wallet@example.org",
}
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
RETRY_LINE = "running it again"


def production_env(database_url: str, config: dict[str, Any]) -> dict[str, str]:
    """The environment of a production server on ``database_url`` with ``config``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WALLET_")}
    env.update({"WALLET_ENV": "production", "WALLET_DATABASE_URL": database_url,
                "PYTHONUNBUFFERED": "1"})
    for name, value in {**SECRETS, **PRODUCTION_SETTINGS, **config}.items():
        env[f"WALLET_{name}"] = value if isinstance(value, str) else json.dumps(value)
    return env


class Gunicorn:
    """Start, kill -9 and restart one gunicorn master with its workers."""

    def __init__(self, env: dict[str, str], log_path: Path, *, workers: int = 2,
                 threads: int = 8, app_dir: Path = PROJECT) -> None:
        self.env, self.log_path = env, log_path
        self.workers, self.threads = workers, threads
        self.app_dir = app_dir  # the source tree it serves (another checkout: a baseline)
        self.process: subprocess.Popen[bytes] | None = None
        self.base_url = ""

    def start(self, timeout: float = 60) -> str:
        """Start and wait until ``/healthz`` answers; returns the base URL."""
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "--worker-class", "gthread", "--workers", str(self.workers),
                 "--threads", str(self.threads), "--bind", "127.0.0.1:0",
                 "--graceful-timeout", "5", "--timeout", "120", "--chdir", str(self.app_dir),
                 "wallet:create_app()"],
                cwd=self.app_dir, env={**self.env, "PYTHONPATH": str(self.app_dir)},
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()[offset:]
            found = LISTENING.search(self.log()[offset:])
            if found and self._healthy(f"http://127.0.0.1:{found.group(1)}"):
                self.base_url = f"http://127.0.0.1:{found.group(1)}"
                return self.base_url
            time.sleep(0.2)
        self.kill()
        raise AssertionError(f"gunicorn did not start: {self.log()[offset:]}")

    @staticmethod
    def _healthy(base_url: str) -> bool:
        try:
            return requests.get(f"{base_url}/healthz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def kill(self) -> None:
        """kill -9 of the master and every worker (its process group)."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def stop(self) -> None:
        """A graceful stop (SIGTERM), then kill -9 if it takes too long."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def retries(self) -> int:
        """Unit-of-work retries the server logged so far."""
        return self.log().count(RETRY_LINE)


class Granian(Gunicorn):
    """The same, served by granian (``--workers`` processes x ``--blocking-threads``)."""

    def start(self, timeout: float = 60) -> str:
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(GRANIAN), "--interface", "wsgi", "--factory", "--workers",
                 str(self.workers), "--blocking-threads", str(self.threads),
                 "--host", "127.0.0.1", "--port", str(port), "wallet:create_app"],
                cwd=self.app_dir, env={**self.env, "PYTHONPATH": str(self.app_dir)},
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()[offset:]
            if self._healthy(f"http://127.0.0.1:{port}"):
                self.base_url = f"http://127.0.0.1:{port}"
                return self.base_url
            time.sleep(0.2)
        self.kill()
        raise AssertionError(f"granian did not start: {self.log()[offset:]}")
