"""A real HTTP receiver of webhooks that verifies them with ``standardwebhooks``.

In tests: ``Receiver(secrets)`` serves on 127.0.0.1 on a free port in a thread, records
every request it verified (and those it could not), answers ``status`` (200 unless told
otherwise), and can be stopped and started again on the same port (receiver down / up).

As a process (the delivery benchmark):
``python -m tests.support.webhook_receiver --secret whsec_…`` prints ``PORT <n>`` and
then, on SIGTERM, ``COUNT <verified> <rejected>``.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    msg_id: str
    payload: dict[str, Any]
    headers: dict[str, str]
    verified_with: list[int]  # indexes of the secrets that verify it alone


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 that verifies with every secret it is given.

    ``respond(handler)`` may answer a request itself (and return True); the request's
    body is ``handler.body``."""

    secrets: list[str]
    status: int = 200
    respond: Callable[[BaseHTTPRequestHandler], bool] | None = None
    received: list[Received] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    keep_payloads: bool = True
    count: int = 0
    connections: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out without waiting

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.body = self.rfile.read(length)
                if receiver.respond is not None and receiver.respond(self):
                    return
                ok = receiver.verify(body, dict(self.headers.items()))
                answer = b'{"ok":true}' if ok else b'{"ok":false}'
                self.send_response(receiver.status if ok else 400)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            allow_reuse_address = True

            def verify_request(self, request: Any, client_address: Any) -> bool:
                with receiver._lock:
                    receiver.connections += 1
                return True

        self._server = Server(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def verify(self, body: bytes, headers: dict[str, str]) -> bool:
        passed = []
        payload: Any = None
        for index, secret in enumerate(self.secrets):
            try:
                payload = Webhook(secret).verify(body, headers)
            except WebhookVerificationError:
                continue
            passed.append(index)
        with self._lock:
            if not passed:
                self.rejected.append({"headers": headers, "body": body.decode(errors="replace")})
                return False
            self.count += 1
            if self.keep_payloads:
                lower = {k.lower(): v for k, v in headers.items()}
                self.received.append(Received(lower["webhook-id"], payload, lower, passed))
        return True

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Wait until ``count`` verified deliveries arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if self.count >= count:
                    return list(self.received)
            time.sleep(0.05)
        raise AssertionError(f"{self.count} of {count} webhooks arrived in {timeout} s")

    def ids(self) -> list[str]:
        with self._lock:
            return [r.msg_id for r in self.received]

    def of_type(self, types: Iterable[str]) -> dict[str, Received]:
        wanted = set(types)
        with self._lock:
            return {r.payload["type"]: r for r in self.received if r.payload["type"] in wanted}


def answer(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> bool:
    """For ``respond``: answer ``status`` with ``body`` (and these headers) instead."""
    handler.send_response(status)
    for name, value in {"Content-Length": str(len(body)), **headers}.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    receiver = Receiver([args.secret], port=args.port, keep_payloads=False).start()
    print(f"PORT {receiver.port}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    receiver.stop()
    print(f"COUNT {receiver.count} {len(receiver.rejected)}", flush=True)
    json.dump({"count": receiver.count, "rejected": len(receiver.rejected)}, sys.stderr)


if __name__ == "__main__":
    main()
