"""The merchant page's webhooks section in Chromium: add an endpoint (secret shown once),
see deliveries to a real receiver, resend one, the failing notice, disable."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.support.browser import check_page, launch, require_chromium
from tests.support.webhook_receiver import Receiver
from tests.support.webhook_world import add_endpoint, buy, deliver_once, demo

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TIMEOUT_MS = 20_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def live(engine_name: str, committed_app: Flask) -> Iterator[dict[str, Any]]:
    if engine_name != "sqlite":
        pytest.skip("the page is engine-independent; it runs on SQLite")
    require_chromium()
    committed_app.config.update(WEBHOOK_RETRY_WINDOW=0)
    world = demo(committed_app)
    server = make_server("127.0.0.1", 0, committed_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver = Receiver([]).start()
    try:
        yield {**world, "base_url": f"http://127.0.0.1:{server.server_port}",
               "receiver": receiver}
    finally:
        receiver.stop()
        server.shutdown()
        thread.join(timeout=10)


def test_endpoints_deliveries_resend_and_failing_notice(live: dict[str, Any],
                                                        committed_app: Flask) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    receiver: Receiver = live["receiver"]
    client = committed_app.test_client()
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        page.goto(f"{live['base_url']}/merchant")
        page.fill("#key", live["merchant_key"])
        page.click("#key-form button[type=submit]")
        page.wait_for_selector("#webhook-types input[value='purchase.created']",
                               timeout=TIMEOUT_MS)

        page.fill("#webhook-url", receiver.url)
        page.check("#webhook-types input[value='purchase.created']")
        page.click("#webhook-form button[type=submit]")
        page.wait_for_selector("#webhook-secret:not([hidden])", timeout=TIMEOUT_MS)
        secret = page.inner_text("#webhook-secret-value")
        assert secret.startswith("whsec_")
        receiver.secrets.append(secret)
        row = page.locator("#webhook-endpoints tbody tr")
        row.first.wait_for(timeout=TIMEOUT_MS)
        assert row.count() == 1 and "purchase.created" in row.inner_text()
        check_page(page, "merchant-webhooks-secret-shown")

        bought = buy(client, live["user_token"])
        deliver_once(committed_app)
        assert receiver.wait_for(1)[0].payload["data"]["id"] == bought["id"]
        page.click("#refresh")
        delivery = page.locator("#webhook-deliveries tbody tr").first
        delivery.locator("td:has-text('succeeded')").wait_for(timeout=TIMEOUT_MS)
        assert "200" in delivery.inner_text() and "purchase.created" in delivery.inner_text()

        delivery.locator("button:has-text('Resend')").click()
        page.locator("#webhook-deliveries tbody tr").nth(1).wait_for(timeout=TIMEOUT_MS)
        deliver_once(committed_app)
        again = receiver.wait_for(2)
        assert again[1].msg_id == again[0].msg_id  # the same webhook-id

        # an endpoint that cannot be reached fails for good (the retry window is 0 here)
        dead = Receiver([]).start()
        dead.stop()
        add_endpoint(client, live["merchant_key"], dead.url, ["purchase.created"])
        buy(client, live["user_token"])
        deliver_once(committed_app)
        page.click("#refresh")
        page.wait_for_selector("#webhooks-failing:not([hidden])", timeout=TIMEOUT_MS)
        assert f"{dead.url} is failing since" in page.inner_text("#webhooks-failing")
        check_page(page, "merchant-webhooks-failing")

        first = page.locator(f"#webhook-endpoints tr:has-text('{receiver.url}')")
        first.locator("button:has-text('Disable')").click()
        first.locator("td:has-text('disabled')").wait_for(timeout=TIMEOUT_MS)
        browser.close()
    assert errors == []
