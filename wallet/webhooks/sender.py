"""Sending signed webhooks over HTTP, safely.

Each request goes to the address that ``safety.resolve`` checked a moment before (the
connection is pinned to it; TLS still verifies the certificate against the host name),
redirects are never followed (a 3xx is a failed attempt), the response body is read up
to ``response_limit`` bytes, and a watchdog closes any request still running at its
deadline (a server that trickles bytes cannot hold a worker thread). Connections are
kept alive and reused per (address, port, host).

Signatures follow Standard Webhooks (``webhook-id``, ``webhook-timestamp``,
``webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">``), made with the
``standardwebhooks`` package; during a secret rotation both secrets sign, space-separated.

No Flask, no database.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import socket
import ssl
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from standardwebhooks import Webhook

from wallet.webhooks.safety import Resolver, Target, UnsafeUrl, UrlPolicy, parse, resolve

USER_AGENT = "Wallet-Webhooks/1"
TRANSPORT_ERRORS = (OSError, http.client.HTTPException)
STALE_CONNECTION = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    ConnectionAbortedError)


@dataclass(frozen=True, slots=True)
class Message:
    """One attempt to deliver one event to one endpoint."""

    delivery_id: str
    attempt: int
    endpoint_id: str
    url: str
    msg_id: str  # the event id: the same on every retry, so receivers can deduplicate
    body: bytes
    secrets: tuple[str, ...]  # whsec_… ; two during a rotation


@dataclass(frozen=True, slots=True)
class Outcome:
    delivery_id: str
    attempt: int
    ok: bool
    status_code: int | None
    latency_ms: int
    response: str | None
    error: str | None


def signature_header(msg_id: str, timestamp: datetime, body: str,
                     secrets: Iterable[str]) -> str:
    """``v1,<sig>`` for each secret, space-separated (Standard Webhooks)."""
    return " ".join(Webhook(s).sign(msg_id, timestamp, body) for s in secrets)


def signed_headers(message: Message, now: float | None = None) -> dict[str, str]:
    moment = datetime.fromtimestamp(int(now if now is not None else time.time()), UTC)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message.msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature_header(message.msg_id, moment,
                                              message.body.decode(), message.secrets),
    }


class _HTTP(http.client.HTTPConnection):
    """HTTP to a fixed address, without Nagle's delay (as http.client does from 3.13)."""

    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPS(_HTTP):
    """HTTPS to a fixed address, with SNI and certificate checks for the host name."""

    default_port = 443

    def __init__(self, address: str, port: int, server_hostname: str,
                 context: ssl.SSLContext, timeout: float) -> None:
        super().__init__(address, port, timeout=timeout)
        self._server_hostname = server_hostname
        self._context = context

    def connect(self) -> None:
        super().connect()
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self._server_hostname)


class _Watchdog:
    """Shuts the socket of any request that runs past its deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[int, tuple[float, http.client.HTTPConnection]] = {}
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, conn: http.client.HTTPConnection, deadline: float) -> int:
        token = next(self._tokens)
        with self._lock:
            self._running[token] = (deadline, conn)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="webhook-watchdog",
                                                daemon=True)
                self._thread.start()
        return token

    def done(self, token: int) -> bool:
        """Stop watching; False if the deadline had already struck."""
        with self._lock:
            return self._running.pop(token, None) is not None

    def _loop(self) -> None:
        while True:
            time.sleep(0.1)
            now = time.monotonic()
            with self._lock:
                late = [t for t, (deadline, _) in self._running.items() if deadline <= now]
                conns = [self._running.pop(t)[1] for t in late]
            for conn in conns:
                sock = conn.sock
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)


class Sender:
    """Sends batches of messages concurrently: at most ``per_endpoint`` at once to one
    endpoint, ``concurrency`` in all. Once a request to an endpoint fails in transport
    (refused, unreachable, timed out, unsafe), the rest of that endpoint's batch fails at
    once with the same error instead of waiting for the same failure again."""

    def __init__(self, policy: UrlPolicy, *, timeout: float = 10.0, concurrency: int = 16,
                 per_endpoint: int = 8, response_limit: int = 4096,
                 getaddrinfo: Resolver = socket.getaddrinfo,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.policy = policy
        self.timeout = timeout
        self.per_endpoint = max(1, per_endpoint)
        self.response_limit = response_limit
        self._getaddrinfo = getaddrinfo
        self._context = ssl_context or ssl.create_default_context()
        self._executor = ThreadPoolExecutor(max_workers=max(1, concurrency),
                                            thread_name_prefix="webhook-send")
        self._idle: dict[tuple[str, str, int, str], list[http.client.HTTPConnection]] = (
            defaultdict(list))
        self._lock = threading.Lock()
        self._watchdog = _Watchdog()

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            for conns in self._idle.values():
                for conn in conns:
                    conn.close()
            self._idle.clear()

    def send(self, messages: Sequence[Message]) -> list[Outcome]:
        """Deliver every message once; one outcome each, in no particular order."""
        by_endpoint: dict[str, list[Message]] = defaultdict(list)
        for message in messages:
            by_endpoint[message.endpoint_id].append(message)
        lanes: list[Future[list[Outcome]]] = []
        resolved: dict[tuple[str, int], str] = {}  # checked addresses, for this batch
        for group in by_endpoint.values():
            count = min(self.per_endpoint, len(group))
            broken: list[str] = []  # the endpoint's first transport error, shared by lanes
            lanes.extend(self._executor.submit(self._lane, group[i::count], broken, resolved)
                         for i in range(count))
        return [outcome for lane in lanes for outcome in lane.result()]

    def _lane(self, messages: list[Message], broken: list[str],
              resolved: dict[tuple[str, int], str]) -> list[Outcome]:
        outcomes = []
        for message in messages:
            if broken:
                outcomes.append(Outcome(message.delivery_id, message.attempt, False, None, 0,
                                        None, f"not sent: {broken[0]}"))
                continue
            outcome = self._send_one(message, resolved)
            if outcome.status_code is None and outcome.error:
                broken.append(outcome.error)
            outcomes.append(outcome)
        return outcomes

    def _send_one(self, message: Message, resolved: dict[tuple[str, int], str]) -> Outcome:
        started = time.perf_counter()
        try:
            target = parse(message.url, self.policy)
            address = resolved.get((target.host, target.port))
            if address is None:  # resolved and checked once per batch, right before use
                address = resolved[target.host, target.port] = resolve(
                    target, self.policy, self._getaddrinfo)
            status, response = self._post(target, address, message)
        except UnsafeUrl as exc:
            return self._failed(message, started, f"refused: {exc}")
        except TRANSPORT_ERRORS as exc:
            return self._failed(message, started, _describe(exc))
        latency = _ms_since(started)
        return Outcome(message.delivery_id, message.attempt, 200 <= status < 300, status,
                       latency, response, None)

    def _failed(self, message: Message, started: float, error: str) -> Outcome:
        return Outcome(message.delivery_id, message.attempt, False, None, _ms_since(started),
                       None, error[:500])

    def _post(self, target: Target, address: str, message: Message) -> tuple[int, str]:
        key = (target.scheme, address, target.port, target.host)
        headers = {**signed_headers(message), "Host": target.host_header}
        conn, reused = self._checkout(key)
        try:
            return self._exchange(key, conn, target, headers, message.body)
        except STALE_CONNECTION:
            if not reused:
                raise
            # a kept-alive connection the server had closed: once more on a new one
            conn, _ = self._checkout(key, fresh=True)
            return self._exchange(key, conn, target, headers, message.body)

    def _exchange(self, key: tuple[str, str, int, str], conn: http.client.HTTPConnection,
                  target: Target, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        token = self._watchdog.watch(conn, time.monotonic() + self.timeout)
        try:
            conn.request("POST", target.path, body=body, headers=headers)
            response = conn.getresponse()
            data, complete = self._read_capped(response)
        except BaseException:
            conn.close()
            if not self._watchdog.done(token):
                raise TimeoutError("deadline") from None
            raise
        if not self._watchdog.done(token):
            complete = False  # cut off at the deadline: do not reuse the connection
        if complete and not response.will_close:
            with self._lock:
                self._idle[key].append(conn)
        else:
            conn.close()
        text = data[:self.response_limit].decode("utf-8", "replace").replace("\x00", "")
        return response.status, text

    def _read_capped(self, response: http.client.HTTPResponse) -> tuple[bytes, bool]:
        """Up to ``response_limit`` bytes; complete is False if the body was longer
        (the watchdog bounds the time a slow body may take)."""
        data = response.read(self.response_limit + 1)
        return data, response.isclosed()

    def _checkout(self, key: tuple[str, str, int, str], fresh: bool = False
                  ) -> tuple[http.client.HTTPConnection, bool]:
        if not fresh:
            with self._lock:
                idle = self._idle.get(key)
                if idle:
                    return idle.pop(), True
        scheme, address, port, host = key
        if scheme == "https":
            return _PinnedHTTPS(address, port, host, self._context, self.timeout), False
        return _HTTP(address, port, timeout=self.timeout), False


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "timed out"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:500]
