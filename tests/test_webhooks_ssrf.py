"""Where webhooks may go: SSRF attempts refused in production mode, at save and at
delivery time; no redirects, capped answers, a hard deadline (real sockets throughout)."""

from __future__ import annotations

import base64
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import migrated_app
from tests.support.databases import temporary_database
from tests.support.live_server import PRODUCTION_SETTINGS, SECRETS
from tests.support.webhook_receiver import Receiver, answer
from tests.support.webhook_world import add_endpoint, bearer, buy, deliver_once, demo
from wallet.db import db
from wallet.webhooks.models import WebhookEndpoint
from wallet.webhooks.safety import UnsafeUrl, UrlPolicy, is_public, parse, resolve
from wallet.webhooks.secrets import new_secret
from wallet.webhooks.sender import Message, Sender

PRODUCTION = UrlPolicy.production()
KEY = base64.urlsafe_b64encode(b"p" * 32).decode()

UNSAFE = [
    "http://hooks.example.com/",  # not https
    "https://127.0.0.1/hooks",
    "https://10.1.2.3/",
    "https://172.16.0.1/",
    "https://192.168.1.1/",
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://100.64.0.1/",  # carrier-grade NAT
    "https://0.0.0.0/",
    "https://224.0.0.1/",  # multicast
    "https://[::1]/",
    "https://[::ffff:127.0.0.1]/",  # IPv4-mapped
    "https://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
    "https://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
    "https://[fd00::1]/",
    "https://[fe80::1]/",
    "https://localhost/",
    "https://hooks.localhost/",
    "https://printer.local/",
    "https://user:secret@hooks.example.com/",
    "https://hooks.example.com/#fragment",
    "ftp://hooks.example.com/",
    "javascript:alert(1)",
    "https:///no-host",
    "https://hooks.example.com:99999/",
    "https://hooks.exa mple.com/",
    "https://hööks.example.com/",
    "https://hooks.example.com/" + "a" * 2000,
]


@pytest.mark.parametrize("url", UNSAFE)
def test_unsafe_urls_are_refused_in_production(url: str) -> None:
    with pytest.raises(UnsafeUrl):
        parse(url, PRODUCTION)


def test_public_urls_pass_and_development_allows_loopback() -> None:
    assert parse("https://hooks.example.com/in?x=1", PRODUCTION).path == "/in?x=1"
    assert parse("https://93.184.216.34:8443/", PRODUCTION).port == 8443
    assert parse("http://127.0.0.1:5001/hooks", UrlPolicy.development()).host == "127.0.0.1"
    for address in ("8.8.8.8", "2001:4860:4860::8888", "93.184.216.34"):
        assert is_public(__import__("ipaddress").ip_address(address))


def test_a_name_is_checked_against_every_address_it_resolves_to() -> None:
    """A resolver answer mixing a public and a private address is refused (rebinding)."""

    def answers(*addresses: str) -> Any:
        def getaddrinfo(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]
        return getaddrinfo

    target = parse("https://hooks.example.com/", PRODUCTION)
    assert resolve(target, PRODUCTION, answers("93.184.216.34")) == "93.184.216.34"
    with pytest.raises(UnsafeUrl, match="non-public"):
        resolve(target, PRODUCTION, answers("93.184.216.34", "127.0.0.1"))
    with pytest.raises(UnsafeUrl, match="non-public"):
        resolve(target, PRODUCTION, answers("169.254.169.254"))


# --- in production mode, through the API and the worker ---------------------------------


@pytest.fixture
def production_app(engine_name: str, tmp_path: Path) -> Iterator[Flask]:
    with temporary_database(engine_name, tmp_path) as url:
        app = migrated_app(url, tmp_path / "instance", ENV="production", RATELIMIT_ENABLED=True,
                           **SECRETS, **PRODUCTION_SETTINGS)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _endpoints(app: Flask) -> int:
    with app.app_context():
        count = db.session.query(WebhookEndpoint).count()
        db.session.remove()
    return count


def test_the_api_refuses_unsafe_urls_in_production(production_app: Flask) -> None:
    world = demo(production_app)
    client = production_app.test_client()
    for url in UNSAFE:
        response = client.post("/v1/webhook_endpoints", headers=bearer(world["merchant_key"]),
                               json={"url": url, "events": ["purchase.created"]})
        assert response.status_code in (400, 422), url[:80]
        assert response.json["error"]["code"] in ("unsafe_url", "invalid_parameters"), url[:80]
    assert _endpoints(production_app) == 0


def _resolves_to_loopback(name: str) -> bool:
    try:
        return all(i[4][0] == "127.0.0.1" for i in socket.getaddrinfo(name, 443))
    except OSError:
        return False


def test_names_that_resolve_to_loopback_are_refused_at_delivery(production_app: Flask) -> None:
    """These pass the URL check (they are names, not addresses) and resolve, for real, to
    127.0.0.1 when the worker delivers: it refuses without connecting."""
    receiver = Receiver([]).start()
    try:
        world = demo(production_app)
        client = production_app.test_client()
        hosts = ["127.1", "2130706433", "0x7f.1"]
        if _resolves_to_loopback(socket.gethostname()):  # the machine's own name
            hosts.append(socket.gethostname())
        sneaky = [f"https://{host}:{receiver.port}/hooks" for host in hosts]
        for url in sneaky:
            add_endpoint(client, world["merchant_key"], url, ["purchase.created"])
        buy(client, world["user_token"])
        done = deliver_once(production_app)
        assert done["attempts"] == len(sneaky), done
        log = client.get("/v1/webhook_deliveries", headers=bearer(world["merchant_key"])).json
        assert len(log["data"]) == len(sneaky)
        for delivery in log["data"]:
            assert delivery["status"] == "pending" and delivery["last_status_code"] is None
            assert "resolves to a non-public address (127.0.0.1)" in delivery["last_error"]
        assert receiver.connections == 0 and receiver.count == 0
    finally:
        receiver.stop()


# --- the sender: no redirects, capped answers, a deadline ---------------------------------


def _message(url: str, secret: str) -> Message:
    return Message("dlv_1", 1, "whe_1", url, "evt_1", b'{"type":"test"}', (secret,))


def test_redirects_are_not_followed() -> None:
    secret = new_secret()
    elsewhere = Receiver([secret]).start()
    receiver = Receiver([secret], respond=lambda h: answer(
        h, 302, b"", Location=elsewhere.url)).start()
    sender = Sender(UrlPolicy.development())
    try:
        [outcome] = sender.send([_message(receiver.url, secret)])
    finally:
        sender.close()
        receiver.stop()
        elsewhere.stop()
    assert not outcome.ok and outcome.status_code == 302
    assert elsewhere.connections == 0


def test_a_huge_answer_is_read_up_to_the_limit() -> None:
    secret = new_secret()
    receiver = Receiver([secret], respond=lambda h: answer(h, 200, b"x" * 5_000_000)).start()
    sender = Sender(UrlPolicy.development(), response_limit=4096)
    try:
        started = time.monotonic()
        [outcome] = sender.send([_message(receiver.url, secret)])
    finally:
        sender.close()
        receiver.stop()
    assert outcome.ok and outcome.response == "x" * 4096
    assert time.monotonic() - started < 15  # reading all 5 MB locally takes well under 1 s


def _trickle(handler: Any) -> bool:
    handler.send_response(200)
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    try:
        for _ in range(1000):
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.2)
    except OSError:
        pass
    return True


DEADLINE = 2.0


def _slowly(respond: Any) -> tuple[Any, float]:
    secret = new_secret()
    receiver = Receiver([secret], respond=respond).start()
    sender = Sender(UrlPolicy.development(), timeout=DEADLINE)
    try:
        started = time.monotonic()
        [outcome] = sender.send([_message(receiver.url, secret)])
        return outcome, time.monotonic() - started
    finally:
        sender.close()
        receiver.stop()


# The upper bound leaves room for a loaded machine and still proves the cut-off: the silent
# receiver answers after 10 s, the trickle takes 200 s.
SLACK = 6.0


def test_a_silent_receiver_times_out() -> None:
    outcome, took = _slowly(lambda h: time.sleep(10) or False)
    assert not outcome.ok and outcome.error == "timed out" and outcome.status_code is None
    assert DEADLINE <= took < DEADLINE + SLACK, took


def test_a_trickling_answer_is_cut_off_at_the_deadline() -> None:
    """A body sent a byte at a time (200 s in all) stops at the deadline. A 200 that
    arrived before it counts (the receiver acknowledged); on a loaded machine the status
    line itself may miss the deadline, and then it is a time-out."""
    outcome, took = _slowly(_trickle)
    assert DEADLINE <= took < DEADLINE + SLACK, took
    if outcome.status_code is None:
        assert outcome.error == "timed out"
    else:
        assert outcome.ok and outcome.status_code == 200
        assert outcome.response is not None and len(outcome.response) < 100
